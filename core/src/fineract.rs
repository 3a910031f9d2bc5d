//! The case of an Apache Fineract loan (docs/integrations/fineract.md).
//!
//! Input: the loan as `GET /loans/{id}?associations=repaymentSchedule,transactions` returns it
//! (with its `delinquent` block), the tenant's business date and time zone. Output: the arrears
//! case of that loan on that business date.
//!
//! Fineract has already allocated every repayment, waiver and write-off to the schedule, by the
//! product's own strategy; the case therefore carries what each period has settled, by component
//! (`paid_components`), rather than asking arrears to allocate again. A chargeback is added by
//! Fineract to the principal of the period it falls in; the case splits it out as a `chargeback`
//! entry owed from its own date, with the part of the period's payments Fineract counts against
//! it first. Reversed repayments stay in the case with a `reversal` pointing at them, so that a
//! promise is not kept by money that came back.
//!
//! Every number is read from its JSON text as a decimal: no floating point touches an amount.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::case::{Case, Component};
use crate::error::{Error, ErrorCode};
use crate::time::{Date, Zone};

/// The local time of the case's `as_of` on the business date: the middle of the day, away from
/// the midnight a daylight-saving change can skip.
const AS_OF_SECONDS: i64 = 12 * 3600;

/// Reads a Fineract loan response and returns the arrears case as JSON text (keys sorted).
pub fn import(loan: &str, business_date: &str, time_zone: &str) -> Result<String, Error> {
    let case = import_value(loan, business_date, time_zone)?;
    crate::error::to_json_text(&case, true)
}

/// The case as a JSON value, checked by [`Case::from_json`] before it is returned.
pub fn import_value(loan: &str, business_date: &str, time_zone: &str) -> Result<Value, Error> {
    let business: Date = business_date
        .parse()
        .map_err(|e: String| Error::new(ErrorCode::InvalidField, "business_date", e))?;
    let zone: Zone = time_zone
        .parse()
        .map_err(|e: String| Error::new(ErrorCode::InvalidField, "time_zone", e))?;
    crate::error::require_object(loan, "Fineract loan")?;
    let mut de = serde_json::Deserializer::from_str(loan);
    let doc = LoanDoc::deserialize(&mut de).map_err(|e| crate::error::from_serde(&e, loan, ""))?;
    de.end().map_err(|e| {
        Error::new(
            ErrorCode::InvalidJson,
            "",
            format!("trailing characters after the loan object ({e})"),
        )
    })?;
    let case = build(&doc, business, zone)?;
    let text = case.to_string();
    Case::from_json(&text).map_err(|e| {
        Error::new(
            e.code,
            e.path.clone(),
            format!("the loan gives a case arrears refuses: {}", e.message),
        )
    })?;
    Ok(case)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a Fineract loan object")]
struct LoanDoc {
    id: Option<i64>,
    account_no: Option<String>,
    status: Option<StatusDoc>,
    currency: CurrencyDoc,
    grace_on_arrears_ageing: Option<u32>,
    repayment_schedule: ScheduleDoc,
    #[serde(default)]
    transactions: Vec<TransactionDoc>,
    delinquent: Option<DelinquentDoc>,
    delinquency_range: Option<RangeDoc>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a loan status object")]
struct StatusDoc {
    #[serde(default)]
    active: bool,
    code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a currency object with code and decimalPlaces")]
struct CurrencyDoc {
    code: String,
    decimal_places: u32,
}

#[derive(Deserialize)]
#[serde(expecting = "a repayment schedule object with periods")]
struct ScheduleDoc {
    periods: Vec<PeriodDoc>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a schedule period object")]
struct PeriodDoc {
    period: Option<u32>,
    from_date: Option<DateDoc>,
    due_date: DateDoc,
    principal_due: Option<Box<RawValue>>,
    principal_outstanding: Option<Box<RawValue>>,
    interest_due: Option<Box<RawValue>>,
    interest_outstanding: Option<Box<RawValue>>,
    fee_charges_due: Option<Box<RawValue>>,
    fee_charges_outstanding: Option<Box<RawValue>>,
    penalty_charges_due: Option<Box<RawValue>>,
    penalty_charges_outstanding: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a loan transaction object")]
struct TransactionDoc {
    id: Option<i64>,
    #[serde(rename = "type")]
    kind: TypeDoc,
    date: DateDoc,
    amount: Option<Box<RawValue>>,
    principal_portion: Option<Box<RawValue>>,
    interest_portion: Option<Box<RawValue>>,
    fee_charges_portion: Option<Box<RawValue>>,
    penalty_charges_portion: Option<Box<RawValue>>,
    #[serde(default)]
    manually_reversed: bool,
    reversed_on_date: Option<DateDoc>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a transaction type object")]
struct TypeDoc {
    #[serde(default)]
    repayment: bool,
    #[serde(default)]
    down_payment: bool,
    #[serde(default)]
    chargeback: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a delinquent (collection data) object")]
struct DelinquentDoc {
    #[serde(default)]
    delinquency_pause_periods: Vec<PauseDoc>,
    past_due_days: Option<i64>,
    delinquent_days: Option<i64>,
    delinquent_date: Option<DateDoc>,
    delinquent_amount: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a pause period object with pausePeriodStart and pausePeriodEnd")]
struct PauseDoc {
    pause_period_start: DateDoc,
    pause_period_end: DateDoc,
}

#[derive(Deserialize)]
#[serde(expecting = "a delinquency range object")]
struct RangeDoc {
    classification: Option<String>,
}

/// A date as Fineract writes it: `[2024, 2, 1]` by default, or `"2024-02-01"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum DateDoc {
    Parts(i32, u32, u32),
    Text(String),
}

impl DateDoc {
    fn date(&self, path: impl FnOnce() -> String) -> Result<Date, Error> {
        let d = match self {
            DateDoc::Parts(y, m, d) => Date::from_ymd(*y, *m, *d),
            DateDoc::Text(s) => s.parse().ok(),
        };
        d.ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidField,
                path(),
                "expected a date as [year, month, day] or \"YYYY-MM-DD\"",
            )
        })
    }
}

/// Minor units of a decimal amount written as JSON number text (or a string of one), exactly:
/// digits beyond the currency's places must be zeros.
fn minor_units(raw: Option<&RawValue>, places: u32, path: &str) -> Result<i64, Error> {
    let bad = |why: &str| {
        Error::new(
            ErrorCode::InvalidField,
            path,
            format!("expected an amount as a decimal number: {why}"),
        )
    };
    let Some(raw) = raw else { return Ok(0) };
    let text = raw.get().trim();
    let text = text.trim_matches('"');
    if text == "null" {
        return Ok(0);
    }
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (
            &text[..i],
            text[i + 1..]
                .trim_start_matches('+')
                .parse::<i32>()
                .map_err(|_| bad(text))?,
        ),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(bad(text));
    }
    // The digits as one integer and the power of ten that scales it to minor units.
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    let shift = i64::from(exponent) + i64::from(places) - fraction.len() as i64;
    let mut value: i64 = 0;
    let keep = if shift >= 0 {
        digits.len()
    } else {
        let cut = usize::try_from(-shift).unwrap_or(usize::MAX);
        let kept = digits.len().saturating_sub(cut);
        if digits[kept..].bytes().any(|b| b != b'0') {
            return Err(Error::new(
                ErrorCode::OutOfRange,
                path,
                format!("{text} has more decimals than the currency's {places}"),
            ));
        }
        kept
    };
    let too_large = || {
        Error::new(
            ErrorCode::OutOfRange,
            path,
            format!("{text} is more than arrears accepts"),
        )
    };
    for b in digits[..keep].bytes() {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or_else(too_large)?;
    }
    for _ in 0..shift.max(0) {
        value = value.checked_mul(10).ok_or_else(too_large)?;
    }
    if value > crate::case::MAX_AMOUNT {
        return Err(too_large());
    }
    Ok(if negative { -value } else { value })
}

/// An installment of the schedule: the period's components, with chargebacks split out.
struct Period {
    index: usize,
    from: Option<Date>,
    due: Date,
    owed: [i64; 4],
    settled: [i64; 4],
}

fn build(doc: &LoanDoc, business: Date, zone: Zone) -> Result<Value, Error> {
    let places = doc.currency.decimal_places;
    if places > 6 {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            "currency.decimalPlaces",
            format!("{places} decimal places; arrears reads at most 6"),
        ));
    }
    let amount = |raw: &Option<Box<RawValue>>, path: &dyn Fn() -> String| {
        minor_units(raw.as_deref(), places, &path())
    };
    let at = |date: Date| zone.render(zone.start_of(date));

    // A loan Fineract does not hold as active has no delinquency there: pending, approved,
    // closed (paid, written off, rescheduled) or overpaid. Its case has no installments.
    let active = doc.status.as_ref().is_none_or(|s| s.active);

    let mut periods: Vec<Period> = Vec::new();
    if active {
        for (i, p) in doc.repayment_schedule.periods.iter().enumerate() {
            // The disbursement row of the schedule has no period number.
            if p.period.is_none() {
                continue;
            }
            let path = |f: &str| format!("repaymentSchedule.periods[{i}].{f}");
            let pairs = [
                (&p.principal_due, &p.principal_outstanding, "principal"),
                (&p.interest_due, &p.interest_outstanding, "interest"),
                (&p.fee_charges_due, &p.fee_charges_outstanding, "feeCharges"),
                (
                    &p.penalty_charges_due,
                    &p.penalty_charges_outstanding,
                    "penaltyCharges",
                ),
            ];
            let mut owed = [0i64; 4];
            let mut settled = [0i64; 4];
            for (c, (due, outstanding, name)) in pairs.into_iter().enumerate() {
                let d = amount(due, &|| path(&format!("{name}Due")))?;
                let o = amount(outstanding, &|| path(&format!("{name}Outstanding")))?;
                if d < 0 || o < 0 || o > d {
                    return Err(Error::new(
                        ErrorCode::Inconsistent,
                        path(&format!("{name}Outstanding")),
                        format!("outstanding {o} against {d} due (minor units)"),
                    ));
                }
                owed[c] = d;
                settled[c] = d - o;
            }
            periods.push(Period {
                index: i,
                from: p
                    .from_date
                    .as_ref()
                    .map(|d| d.date(|| path("fromDate")))
                    .transpose()?,
                due: p.due_date.date(|| path("dueDate"))?,
                owed,
                settled,
            });
        }
    }

    let mut payments: Vec<Value> = Vec::new();
    let mut chargebacks: Vec<(usize, Date, [i64; 4], String)> = Vec::new();
    for (k, t) in doc.transactions.iter().enumerate() {
        let path = |f: &str| format!("transactions[{k}].{f}");
        if !(t.kind.repayment || t.kind.down_payment || t.kind.chargeback) {
            continue;
        }
        let date = t.date.date(|| path("date"))?;
        if date > business {
            return Err(Error::new(
                ErrorCode::Inconsistent,
                path("date"),
                format!("{date} is after the business date {business}"),
            ));
        }
        let total = amount(&t.amount, &|| path("amount"))?;
        if total < 0 {
            return Err(Error::new(
                ErrorCode::OutOfRange,
                path("amount"),
                "a negative transaction amount",
            ));
        }
        let id =
            t.id.map_or_else(|| format!("transaction-{k}"), |id| id.to_string());
        if t.kind.chargeback {
            if t.manually_reversed || !active {
                continue;
            }
            let mut parts = [
                amount(&t.principal_portion, &|| path("principalPortion"))?,
                amount(&t.interest_portion, &|| path("interestPortion"))?,
                amount(&t.fee_charges_portion, &|| path("feeChargesPortion"))?,
                amount(&t.penalty_charges_portion, &|| {
                    path("penaltyChargesPortion")
                })?,
            ];
            if parts.iter().sum::<i64>() != total || parts.iter().any(|p| *p < 0) {
                parts = [total, 0, 0, 0];
            }
            chargebacks.push((k, date, parts, id));
            continue;
        }
        payments.push(json!({ "at": at(date), "amount": total, "id": id }));
        if t.manually_reversed {
            let on = match &t.reversed_on_date {
                Some(d) => d.date(|| path("reversedOnDate"))?.clamp(date, business),
                None => date,
            };
            payments.push(json!({
                "at": at(on), "amount": total, "type": "reversal", "reverses": id,
            }));
        }
    }

    // Each chargeback belongs to the period it falls in ([from, due), the last period up to and
    // including its due date, later ones to the last period). What the period has settled counts
    // against its chargebacks first, in date order, as Fineract's delinquency does.
    crate::order::sort_by_key(&mut chargebacks, |c| (c.1, c.0));
    let last = periods.len().saturating_sub(1);
    for (k, date, parts, id) in &chargebacks {
        let Some(n) = periods
            .iter()
            .position(|p| {
                let starts = p.from.is_none_or(|f| f <= *date);
                starts && (*date < p.due || (p.index == periods[last].index && *date <= p.due))
            })
            .or((!periods.is_empty()).then_some(last))
        else {
            continue;
        };
        let period = &mut periods[n];
        for (c, part) in parts.iter().enumerate() {
            if *part == 0 {
                continue;
            }
            if period.owed[c] < *part {
                return Err(Error::new(
                    ErrorCode::Inconsistent,
                    format!("transactions[{k}].amount"),
                    format!("the chargeback is more than period {} owes", period.index),
                ));
            }
            let paid = period.settled[c].min(*part);
            period.owed[c] -= part;
            period.settled[c] -= paid;
            let component = crate::case::component_name(Component::ALL[c]);
            let entry_id = if parts.iter().filter(|p| **p != 0).count() > 1 {
                format!("{id}-{component}")
            } else {
                id.clone()
            };
            payments.push(json!({
                "at": at(*date), "amount": part, "type": "chargeback", "id": entry_id,
                "component": component, "paid": paid,
            }));
        }
    }

    let components = |p: [i64; 4]| json!({ "principal": p[0], "interest": p[1], "fees": p[2], "penalties": p[3] });
    let installments: Vec<Value> = periods
        .iter()
        .map(|p| {
            json!({
                "due": p.due.to_string(),
                "amount": p.owed.iter().sum::<i64>(),
                "components": components(p.owed),
                "paid_components": components(p.settled),
            })
        })
        .collect();

    // Fineract's pause from S to E freezes the count from S: the days S+1 to E add nothing,
    // which is arrears' inclusive pause from S+1 to E.
    let mut pauses: Vec<(Date, Date)> = Vec::new();
    if let Some(d) = &doc.delinquent {
        for (i, p) in d.delinquency_pause_periods.iter().enumerate() {
            let path = |f: &str| format!("delinquent.delinquencyPausePeriods[{i}].{f}");
            let start = p.pause_period_start.date(|| path("pausePeriodStart"))?;
            let end = p.pause_period_end.date(|| path("pausePeriodEnd"))?;
            if end > start {
                pauses.push((start.add_days(1), end));
            }
        }
    }
    crate::order::sort(&mut pauses);
    let mut merged: Vec<(Date, Date)> = Vec::new();
    for (from, to) in pauses {
        match merged.last_mut() {
            Some(last) if from <= last.1.add_days(1) => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }

    let mut fineract = json!({
        "loan_id": doc.id,
        "status": doc.status.as_ref().and_then(|s| s.code.clone()),
        "delinquency_range": doc.delinquency_range.as_ref().and_then(|r| r.classification.clone()),
    });
    if let Some(d) = &doc.delinquent {
        fineract["past_due_days"] = json!(d.past_due_days);
        fineract["delinquent_days"] = json!(d.delinquent_days);
        fineract["delinquent_date"] = json!(d
            .delinquent_date
            .as_ref()
            .map(|x| x.date(|| "delinquent.delinquentDate".into()))
            .transpose()?
            .map(|x| x.to_string()));
        fineract["delinquent_amount"] = json!(amount(&d.delinquent_amount, &|| {
            "delinquent.delinquentAmount".into()
        })?);
    }

    let account_id = doc
        .account_no
        .clone()
        .or_else(|| doc.id.map(|i| i.to_string()))
        .unwrap_or_default();
    Ok(json!({
        "as_of": zone.render(zone.instant_at(business, AS_OF_SECONDS)),
        "account": {
            "id": account_id,
            "currency": doc.currency.code,
            "book_time_zone": zone.name(),
            "installments": installments,
            "payments": payments,
            "pauses": merged.iter().map(|(f, t)| json!({ "from": f.to_string(), "to": t.to_string() })).collect::<Vec<_>>(),
            "grace_days": doc.grace_on_arrears_ageing.unwrap_or(0),
            "arrears_tolerance": 0,
            "report_installments": true,
        },
        "borrower": {},
        "extensions": { "fineract": fineract },
    }))
}

#[cfg(test)]
mod tests {
    use super::minor_units;
    use serde_json::value::RawValue;

    fn units(text: &str, places: u32) -> Result<i64, String> {
        let raw = RawValue::from_string(text.to_string()).map_err(|e| e.to_string())?;
        minor_units(Some(&raw), places, "x").map_err(|e| e.code.to_string())
    }

    #[test]
    fn decimal_text_becomes_exact_minor_units() {
        assert_eq!(units("1033.33", 2), Ok(103_333));
        assert_eq!(units("1033.330000", 2), Ok(103_333));
        assert_eq!(units("0E-8", 2), Ok(0));
        assert_eq!(units("1.5E+3", 2), Ok(150_000));
        assert_eq!(units("250000", 0), Ok(250_000));
        assert_eq!(units("\"12.30\"", 2), Ok(1230));
        assert_eq!(units("-4.10", 2), Ok(-410));
    }

    #[test]
    fn digits_past_the_currency_places_are_refused() {
        assert_eq!(units("0.005", 2), Err("out_of_range".into()));
        assert_eq!(units("1e400", 2), Err("out_of_range".into()));
        assert_eq!(units("99999999999999999999", 2), Err("out_of_range".into()));
        assert_eq!(units("\"12,5\"", 2), Err("invalid_field".into()));
    }
}
