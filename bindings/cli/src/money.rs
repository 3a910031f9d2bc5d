//! Amounts shown as money: minor units turned into the currency's own units.
//!
//! Cases carry amounts as integers in the currency's minor unit. How many digits that unit has
//! is the currency's exponent, as ISO 4217 lists it, with one deliberate exception: the rupiah.
//! ISO 4217 gives IDR an exponent of 2 (the sen), but no sen coin or price has been in use for
//! decades; Indonesian lenders book, bill and report whole rupiah, so an IDR amount in a case is a
//! number of rupiah and is printed without decimals.

/// Currency code and the digits of its minor unit.
const EXPONENTS: &[(&str, u32)] = &[
    ("AUD", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("IDR", 0),
    ("INR", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MXN", 2),
    ("MYR", 2),
    ("PHP", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TWD", 2),
    ("USD", 2),
    ("VND", 0),
];

/// The digits after the decimal point for `currency`, if it is one this table knows.
pub fn exponent(currency: &str) -> Option<u32> {
    EXPONENTS
        .binary_search_by(|(c, _)| (*c).cmp(currency))
        .ok()
        .map(|i| EXPONENTS[i].1)
}

/// `123456` CNY as `CNY 1,234.56`; a currency the table does not know keeps its minor units and
/// says so (`XTS 123456 (minor units)`), rather than guessing where the point goes.
pub fn format(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let Some(exp) = exponent(currency) else {
        return format!("{currency} {sign}{} (minor units)", group(abs));
    };
    let unit = 10u64.pow(exp);
    if exp == 0 {
        format!("{currency} {sign}{}", group(abs))
    } else {
        format!(
            "{currency} {sign}{}.{:0width$}",
            group(abs / unit),
            abs % unit,
            width = exp as usize
        )
    }
}

/// Thousands separated by commas.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Several currencies' amounts, one after the other and never added together.
pub fn list<'a>(amounts: impl IntoIterator<Item = (&'a String, &'a i64)>) -> String {
    let parts: Vec<String> = amounts.into_iter().map(|(c, a)| format(*a, c)).collect();
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_the_currency_units() {
        assert_eq!(format(123_456, "CNY"), "CNY 1,234.56");
        assert_eq!(format(5, "USD"), "USD 0.05");
        assert_eq!(format(-100_000, "USD"), "USD -1,000.00");
        assert_eq!(format(1_500_000, "IDR"), "IDR 1,500,000");
        assert_eq!(format(1_234, "JPY"), "JPY 1,234");
        assert_eq!(format(1_234_567, "KWD"), "KWD 1,234.567");
        assert_eq!(format(999, "XTS"), "XTS 999 (minor units)");
        assert_eq!(format(0, "CNY"), "CNY 0.00");
    }

    #[test]
    fn the_table_is_sorted_for_its_search() {
        assert!(EXPONENTS.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
