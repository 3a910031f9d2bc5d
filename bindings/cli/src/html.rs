//! `arrears report --html`: the report as one page a collections manager opens in a browser.
//!
//! The charts are SVG written here, not a chart library: four kinds of chart (bars, a heat map)
//! are a few dozen lines each, the page stays a single small file that opens offline and under
//! any content policy (no script at all), and every figure it shows is the same integer or string
//! the JSON report carries. Each figure is marked `data-figure="<JSON pointer into --json>"` with
//! `data-value` holding the JSON value, so a test (or a curious reader) can check the page
//! against `--json`; hovering a bar or a cell shows its details.

use std::fmt::Write;

use crate::money;
use arrears_core::decision::report::{percent, Report, BUCKETS, CONTACT_BINS};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A figure: `shown` on the page, `value` as `--json` has it at `pointer`.
fn fig(tag: &str, pointer: &str, value: &str, shown: &str, extra: &str) -> String {
    format!(
        "<{tag} data-figure=\"{}\" data-value=\"{}\"{extra}>{}</{tag}>",
        esc(pointer),
        esc(value),
        esc(shown)
    )
}

/// A number as a figure, shown as is.
fn num(tag: &str, pointer: &str, n: u64, extra: &str) -> String {
    fig(tag, pointer, &n.to_string(), &n.to_string(), extra)
}

fn opt(tag: &str, pointer: &str, s: &Option<String>) -> String {
    match s {
        Some(s) => fig(tag, pointer, s, s, ""),
        None => format!("<{tag}>-</{tag}>"),
    }
}

fn amounts(pointer: &str, m: &std::collections::BTreeMap<String, i64>) -> String {
    if m.is_empty() {
        return "-".into();
    }
    m.iter()
        .map(|(c, a)| {
            fig(
                "span",
                &format!("{pointer}/{c}"),
                &a.to_string(),
                &money::format(*a, c),
                " class=\"money\"",
            )
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Horizontal bars, one per row, the number beside each bar; a row named in `muted` is grey.
fn bars(rows: &[(String, String, u64, String)], color: &str, muted: &str) -> String {
    let max = rows.iter().map(|r| r.2).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (170u64, 360u64, 26u64);
    let h = row_h * rows.len() as u64 + 8;
    let mut o = format!(
        "<svg class=\"chart\" width=\"{}\" height=\"{h}\" viewBox=\"0 0 {} {h}\" role=\"img\">",
        label_w + bar_w + 150,
        label_w + bar_w + 150
    );
    for (i, (label, pointer, n, hover)) in rows.iter().enumerate() {
        let y = 4 + row_h * i as u64;
        let w = bar_w * n / max;
        let fill = if label == muted { "#a0a0a0" } else { color };
        let _ = write!(
            o,
            "<g><title>{}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>\
             <rect x=\"{label_w}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" rx=\"2\"/>{}</g>",
            esc(hover),
            label_w - 8,
            y + 17,
            esc(label),
            y + 3,
            w.max(1),
            row_h - 6,
            num(
                "text",
                pointer,
                *n,
                &format!(" x=\"{}\" y=\"{}\" class=\"value\"", label_w + w + 6, y + 17)
            )
        );
    }
    o.push_str("</svg>");
    o
}

pub fn page(r: &Report) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Portfolio report</title><style>{CSS}</style></head><body>\
         <h1>Portfolio report</h1><p class=\"lead\">{} accounts decided, {} error lines.</p>",
        num("b", "/accounts", r.accounts, ""),
        num("b", "/errors", r.errors, "")
    );

    // Accounts by days past due.
    let rows: Vec<(String, String, u64, String)> = BUCKETS
        .iter()
        .map(|(name, _, _)| {
            let b = &r.by_days_past_due[*name];
            let hover = format!(
                "{name} days past due: {} accounts ({}), overdue {}",
                b.accounts,
                b.share.as_deref().unwrap_or("-"),
                money::list(&b.overdue)
            );
            (
                name.to_string(),
                format!("/by_days_past_due/{name}/accounts"),
                b.accounts,
                hover,
            )
        })
        .collect();
    let _ = write!(
        o,
        "<section><h2>Accounts by days past due</h2><div class=\"row\">{}<table><tr><th>DPD</th>\
         <th>share</th><th>overdue</th></tr>",
        bars(&rows, "#3b6ea5", "")
    );
    for (name, _, _) in BUCKETS {
        let b = &r.by_days_past_due[*name];
        let _ = write!(
            o,
            "<tr><td>{name}</td>{}<td>{}</td></tr>",
            opt("td", &format!("/by_days_past_due/{name}/share"), &b.share),
            amounts(&format!("/by_days_past_due/{name}/overdue"), &b.overdue)
        );
    }
    o.push_str("</table></div></section>");

    if let Some(roll) = &r.roll {
        let _ = write!(
            o,
            "<section><h2>Roll rates</h2><p>From the previous snapshot ({} accounts) to this one; \
             {} accounts in both. Each cell: accounts moved, shaded by the share of its row.</p>",
            num("b", "/roll/previous_accounts", roll.previous_accounts, ""),
            num("b", "/roll/in_both", roll.in_both, "")
        );
        let cell = 64u64;
        let (left, top) = (90u64, 40u64);
        let n = BUCKETS.len() as u64;
        let w = left + cell * (n + 1) + 20;
        let h = top + cell * n + 10;
        let _ = write!(
            o,
            "<svg class=\"chart\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\">\
             <text x=\"{}\" y=\"14\" class=\"label\" text-anchor=\"middle\">to (this snapshot)</text>\
             <text x=\"{}\" y=\"14\" class=\"label\" text-anchor=\"middle\">forward</text>\
             <text x=\"8\" y=\"{}\" class=\"label\">from</text>",
            left + cell * n / 2,
            left + cell * n + cell / 2,
            top - 8
        );
        for (j, (to, _, _)) in BUCKETS.iter().enumerate() {
            let _ = write!(
                o,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"label\">{to}</text>",
                left + cell * j as u64 + cell / 2,
                top - 8
            );
        }
        for (i, (from, _, _)) in BUCKETS.iter().enumerate() {
            let y = top + cell * i as u64;
            let _ = write!(
                o,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{from}</text>",
                left - 8,
                y + cell / 2 + 4
            );
            let row = roll.matrix.get(*from);
            let total: u64 = row.map_or(0, |m| m.values().map(|f| f.accounts).sum());
            for (j, (to, _, _)) in BUCKETS.iter().enumerate() {
                let x = left + cell * j as u64;
                let flow = row.and_then(|m| m.get(*to));
                let k = flow.map_or(0, |f| f.accounts);
                let shade = (k * 1000).checked_div(total).unwrap_or(0);
                // From white to a deep red as the share of the row grows.
                let fade = 255 - shade * 200 / 1000;
                let fill = format!("rgb({},{},{})", 255 - shade * 60 / 1000, fade, fade);
                let ink = if shade > 600 { "#fff" } else { "#222" };
                let hover = format!(
                    "{from} → {to}: {k} accounts ({} of the row), overdue then {}",
                    percent(i128::from(k), i128::from(total)).unwrap_or_else(|| "-".into()),
                    flow.map_or("-".into(), |f| money::list(&f.overdue))
                );
                let _ = write!(
                    o,
                    "<g><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" \
                     fill=\"{fill}\" stroke=\"#fff\"/>",
                    esc(&hover)
                );
                if flow.is_some() {
                    o.push_str(&num(
                        "text",
                        &format!("/roll/matrix/{from}/{to}/accounts"),
                        k,
                        &format!(
                            " x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{ink}\" class=\"cell\"",
                            x + cell / 2,
                            y + cell / 2 + 5
                        ),
                    ));
                }
                o.push_str("</g>");
            }
            if let Some(f) = roll.forward_roll_rate.get(*from) {
                if let Some(rate) = &f.rate {
                    o.push_str(&fig(
                        "text",
                        &format!("/roll/forward_roll_rate/{from}/rate"),
                        rate,
                        rate,
                        &format!(
                            " x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"value\"",
                            left + cell * n + cell / 2,
                            y + cell / 2 + 5
                        ),
                    ));
                }
            }
        }
        o.push_str("</svg><table><tr><th></th><th>accounts</th><th>overdue then</th></tr>");
        let m = &roll.movement;
        for (name, key, f) in [
            ("cured", "cured", &m.cured),
            ("stayed", "stayed", &m.stayed),
            ("rolled forward", "rolled_forward", &m.rolled_forward),
            ("rolled back", "rolled_back", &m.rolled_back),
        ] {
            let _ = write!(
                o,
                "<tr><td>{name}</td>{}<td>{}</td></tr>",
                num(
                    "td",
                    &format!("/roll/movement/{key}/accounts"),
                    f.accounts,
                    ""
                ),
                amounts(&format!("/roll/movement/{key}/overdue"), &f.overdue)
            );
        }
        for (name, key, only) in [
            (
                "only in the previous snapshot",
                "only_in_previous",
                &roll.only_in_previous,
            ),
            (
                "only in this snapshot",
                "only_in_current",
                &roll.only_in_current,
            ),
        ] {
            let _ = write!(
                o,
                "<tr><td>{name}</td>{}<td></td></tr>",
                num("td", &format!("/roll/{key}/accounts"), only.accounts, "")
            );
        }
        o.push_str("</table>");
        match &roll.recovery {
            Some(rec) => {
                o.push_str(
                    "<h3>Recovery</h3><p>Paid between the snapshots against what was overdue at \
                     the previous one, by its bucket.</p><table><tr><th>DPD then</th><th>rate</th>\
                     <th>paid</th><th>overdue then</th></tr>",
                );
                for (name, _, _) in BUCKETS {
                    for (cur, x) in rec.get(*name).into_iter().flatten() {
                        let p = format!("/roll/recovery/{name}/{cur}");
                        let _ = write!(
                            o,
                            "<tr><td>{name}</td>{}<td>{}</td><td>{}</td></tr>",
                            opt("td", &format!("{p}/rate"), &x.rate),
                            fig(
                                "span",
                                &format!("{p}/paid"),
                                &x.paid.to_string(),
                                &money::format(x.paid, cur),
                                " class=\"money\""
                            ),
                            fig(
                                "span",
                                &format!("{p}/overdue"),
                                &x.overdue.to_string(),
                                &money::format(x.overdue, cur),
                                " class=\"money\""
                            )
                        );
                    }
                }
                o.push_str("</table>");
            }
            None => o.push_str(
                "<p>Recovery needs case summaries in both snapshots (<code>batch \
                 --with-case-summary</code>).</p>",
            ),
        }
        o.push_str("</section>");
    }

    if let Some(c) = &r.first_contact {
        let mut rows: Vec<(String, String, u64, String)> = CONTACT_BINS
            .iter()
            .map(|(name, _, _)| {
                let n = c.distribution.get(*name).copied().unwrap_or(0);
                (
                    format!("{name} days"),
                    format!("/first_contact/distribution/{name}"),
                    n,
                    format!("{n} accounts first reached {name} days after falling overdue"),
                )
            })
            .collect();
        rows.push((
            "never reached".into(),
            "/first_contact/never_reached".into(),
            c.all.never_reached,
            format!(
                "{} overdue accounts with no conversation since",
                c.all.never_reached
            ),
        ));
        let days = |p: &str, d: Option<u32>| match d {
            Some(d) => num("td", p, u64::from(d), ""),
            None => "<td>-</td>".into(),
        };
        let _ = write!(
            o,
            "<section><h2>Time to first contact</h2><p>Days from falling overdue to the first \
             conversation with the borrower: median {}, 90th percentile {}.</p>{}\
             <table><tr><th></th><th>overdue</th><th>reached</th><th>never</th><th>median</th>\
             <th>p90</th></tr>",
            c.all.median_days.map_or("-".into(), |d| num(
                "b",
                "/first_contact/median_days",
                u64::from(d),
                ""
            )),
            c.all.p90_days.map_or("-".into(), |d| num(
                "b",
                "/first_contact/p90_days",
                u64::from(d),
                ""
            )),
            bars(&rows, "#5a9a68", "never reached")
        );
        for (kind, map) in [("stage", &c.by_stage), ("queue", &c.by_queue)] {
            for (k, g) in map {
                let p = format!("/first_contact/by_{kind}/{k}");
                let _ = write!(
                    o,
                    "<tr><td>{kind} {}</td>{}{}{}{}{}</tr>",
                    esc(k),
                    num("td", &format!("{p}/overdue"), g.overdue, ""),
                    num("td", &format!("{p}/reached"), g.reached, ""),
                    num("td", &format!("{p}/never_reached"), g.never_reached, ""),
                    days(&format!("{p}/median_days"), g.median_days),
                    days(&format!("{p}/p90_days"), g.p90_days)
                );
            }
        }
        o.push_str("</table></section>");
    }

    let rows: Vec<(String, String, u64, String)> = r
        .allowed_now_by_action
        .iter()
        .map(|(k, n)| {
            (
                k.clone(),
                format!("/allowed_now_by_action/{k}"),
                *n,
                format!("{k} allowed now on {n} accounts"),
            )
        })
        .collect();
    let _ = write!(
        o,
        "<section><h2>Actions allowed now</h2><p>{} accounts have at least one action allowed \
         now.</p>{}</section>",
        num(
            "b",
            "/accounts_with_an_action_now",
            r.accounts_with_an_action_now,
            ""
        ),
        bars(&rows, "#8a6bb0", "")
    );

    if let Some(c) = &r.complaints {
        let _ = write!(
            o,
            "<section><h2>Complaints</h2><p>Accounts with a complaint open: {} per 1,000.</p>\
             <table><tr><th></th><th>complaints</th><th>accounts</th><th>per 1,000</th></tr>",
            c.all.per_thousand.as_ref().map_or("-".into(), |s| fig(
                "b",
                "/complaints/per_thousand",
                s,
                s,
                ""
            ))
        );
        for (kind, map) in [("stage", &c.by_stage), ("queue", &c.by_queue)] {
            for (k, g) in map {
                let p = format!("/complaints/by_{kind}/{k}");
                let _ = write!(
                    o,
                    "<tr><td>{kind} {}</td>{}{}{}</tr>",
                    esc(k),
                    num("td", &format!("{p}/complaints"), g.complaints, ""),
                    num("td", &format!("{p}/accounts"), g.accounts, ""),
                    opt("td", &format!("{p}/per_thousand"), &g.per_thousand)
                );
            }
        }
        o.push_str("</table></section>");
    }
    o.push_str("</body></html>\n");
    o
}

const CSS: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}\
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0 0 8px}h3{font-size:15px}\
section{border-top:1px solid #ddd;padding:14px 0}.lead{color:#555}\
.row{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}\
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;text-align:right;\
border-bottom:1px solid #eee}td:first-child,th:first-child{text-align:left}\
.chart text{font-size:12px}.chart .value{font-weight:600}.chart .cell{font-size:13px;font-weight:600}\
.money{white-space:nowrap}";
