//! `arrears explain`: a decision written for people.
//!
//! Compliance officers read this, so every verdict comes with the rules behind it and their
//! citations, and every instant is shown on the borrower's own clock.

use std::fmt::Write;

use arrears_core::decision::Decision;
use arrears_core::Case;

pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{s}\u{1b}[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn ok(&self, s: &str) -> String {
        self.paint("32", s)
    }
    fn bad(&self, s: &str) -> String {
        self.paint("31", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}

/// `2026-03-10T21:00:00+08:00` as `2026-03-10 21:00 +08:00 (Asia/Shanghai)`.
fn local(instant: &str, zone: &str) -> String {
    if instant.len() < 19 {
        return instant.to_string();
    }
    let (date, rest) = instant.split_at(10);
    let time = &rest[1..6];
    let offset = rest.get(9..).unwrap_or("");
    format!("{date} {time} {offset} ({zone})")
}

fn category(c: &str) -> String {
    c.replace('_', " ")
}

/// `recorded` is the queue the account is in before any move the decision asks for.
pub fn render(case: &Case, d: &Decision, recorded: Option<&str>, style: &Style) -> String {
    let zone = case
        .borrower
        .time_zones
        .first()
        .map_or(case.account.book_time_zone.name(), |z| z.name());
    let mut o = String::new();
    let q = &d.delinquency;
    let _ = writeln!(
        o,
        "{} {} at {} under {} {}",
        style.bold("Account"),
        d.account_id,
        local(&d.as_of, zone),
        d.policy.id,
        d.policy.version
    );
    let _ = writeln!(
        o,
        "{} {} ({}): {} days past due{}, {} overdue, risk grade {:?}",
        style.bold("Stage"),
        style.bold(&q.stage.id),
        q.stage.label,
        q.days_past_due,
        q.overdue_since
            .map(|s| format!(" since {s}"))
            .unwrap_or_default(),
        crate::money::format(q.overdue_amount, &q.currency),
        q.risk_grade
    );
    for t in d.trace.iter().filter(|t| t.effect.starts_with("stage=")) {
        let _ = writeln!(o, "  {} {} — {}", style.dim("because"), t.rule, t.cite);
    }
    let _ = writeln!(o, "{} {}", style.bold("Status"), d.status.state);
    for r in &d.status.reasons {
        let _ = writeln!(o, "  {} — {}", r.rule, r.cite);
    }
    match &d.queue.escalate_to {
        Some(to) => {
            let _ = writeln!(
                o,
                "{} {} → {} (move due)",
                style.bold("Queue"),
                recorded.unwrap_or(&d.queue.current),
                style.bold(to)
            );
        }
        None => {
            let _ = writeln!(o, "{} {}", style.bold("Queue"), d.queue.current);
        }
    }
    for r in d.queue.reasons.iter().skip(1) {
        let _ = writeln!(o, "  {} — {}", r.rule, r.cite);
    }
    match &d.next_action {
        Some(n) => {
            let when = if n.at == d.as_of {
                "now".to_string()
            } else {
                local(&n.at, zone)
            };
            let via = n
                .channel
                .as_deref()
                .map(|c| format!(" via {c}"))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "{} {} {}{via}, {when}  [{}]",
                style.bold("Next"),
                n.action,
                n.party,
                n.rule
            );
        }
        None => {
            let _ = writeln!(
                o,
                "{} nothing will be allowed as things stand",
                style.bold("Next")
            );
        }
    }
    let _ = writeln!(o, "\n{}", style.bold("Actions"));
    for a in &d.actions {
        let who = format!(
            "{} {}{}",
            a.action,
            a.party,
            a.channel
                .as_deref()
                .map(|c| format!(" via {c}"))
                .unwrap_or_default()
        );
        if a.allowed {
            let until = a
                .allowed_until
                .as_deref()
                .map(|u| format!("until {}", local(u, zone)))
                .unwrap_or_else(|| "with no end in sight".into());
            let _ = writeln!(
                o,
                "  {} {who}: allowed {until}  {}",
                style.ok("✔"),
                style.dim(&format!("[{}]", a.rule))
            );
        } else {
            let next = a
                .next_allowed_at
                .as_deref()
                .map(|t| format!("allowed from {}", local(t, zone)))
                .unwrap_or_else(|| "never, as things stand".into());
            let _ = writeln!(
                o,
                "  {} {who}: blocked; {next}  {}",
                style.bad("✘"),
                style.dim(&format!("[{}]", a.rule))
            );
            for b in &a.blocked_by {
                let _ = writeln!(o, "      {} — {}", b.rule, b.cite);
            }
        }
        for c in &a.conditions {
            let _ = writeln!(o, "      {} {} — {}", style.dim("must:"), c.rule, c.cite);
        }
    }
    let _ = writeln!(o, "\n{}", style.bold("What each party may be told"));
    for p in &d.disclosures {
        let cats: Vec<String> = p
            .may_disclose
            .iter()
            .map(|c| {
                category(
                    serde_json::to_value(c)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                        .as_str(),
                )
            })
            .collect();
        let verify = if p.verified_identity_required {
            " (after verifying identity)"
        } else {
            ""
        };
        let what = if cats.is_empty() {
            "nothing".to_string()
        } else {
            cats.join(", ")
        };
        let _ = writeln!(o, "  {}{verify}: {what}", p.party);
    }
    // Last, where a reader finishes: what the engine could not decide with full knowledge.
    if !d.warnings.is_empty() {
        let _ = writeln!(o, "\n{}", style.bold("Warnings"));
        for w in &d.warnings {
            let _ = writeln!(o, "  {} {}: {}", style.bad("!"), w.code, w.message);
        }
    }
    o
}
