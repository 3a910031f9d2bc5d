//! The HTML report as a browser shows it: headless Chromium loads the page with no network, and
//! every figure in its DOM must equal the same figure in `report --json`.
//!
//! Needs Debian's Chromium at /usr/bin/chromium. Without it the test says so and passes, unless
//! `ARREARS_BROWSER_TESTS=1` is set (as `scripts/test-all.sh` does once the browser is
//! installed), when a missing browser fails it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const CHROMIUM: &str = "/usr/bin/chromium";

fn arrears(args: &[&str], stdin: Option<&Path>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_arrears"));
    c.args(args);
    if let Some(p) = stdin {
        c.stdin(Stdio::from(std::fs::File::open(p).unwrap()));
    }
    let o = c.output().expect("run arrears");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Every `data-figure` element of a serialised DOM: (pointer, data-value, text, is money).
fn figures(dom: &str) -> Vec<(String, String, String, bool)> {
    let mut out = Vec::new();
    let mut rest = dom;
    while let Some(i) = rest.find("data-figure=\"") {
        let start = &rest[i + 13..];
        let tag_end = start.find('>').unwrap();
        let tag = &start[..tag_end];
        let pointer = &tag[..tag.find('"').unwrap()];
        let v = tag
            .find("data-value=\"")
            .expect("every figure has its value")
            + 12;
        let value = &tag[v..v + tag[v..].find('"').unwrap()];
        let body = &start[tag_end + 1..];
        let text = &body[..body.find('<').unwrap()];
        out.push((
            unescape(pointer),
            unescape(value),
            unescape(text),
            tag.contains("class=\"money\""),
        ));
        rest = &start[tag_end..];
    }
    out
}

#[test]
fn the_page_shows_the_figures_of_the_json_report() {
    if !Path::new(CHROMIUM).exists() {
        assert!(
            std::env::var_os("ARREARS_BROWSER_TESTS").is_none(),
            "ARREARS_BROWSER_TESTS is set and {CHROMIUM} is missing"
        );
        eprintln!("skipped: no {CHROMIUM}");
        return;
    }
    let dir = std::env::temp_dir().join(format!("arrears-html-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("home")).unwrap();
    let p = |n: &str| -> PathBuf { dir.join(n) };
    let gen = ["gen", "--accounts", "3000", "--seed", "5", "--history", "4"];
    for (name, extra) in [("then", &[][..]), ("now", &["--days-later", "30"][..])] {
        let cases = arrears(&[&gen[..], extra].concat(), None);
        std::fs::write(p(&format!("{name}.cases")), cases.stdout).unwrap();
        let out = p(&format!("{name}.jsonl"));
        arrears(
            &[
                "batch",
                "--policy",
                "us-reg-f",
                "--with-case-summary",
                "-o",
                out.to_str().unwrap(),
            ],
            Some(&p(&format!("{name}.cases"))),
        );
    }
    let html = p("report.html");
    let json = arrears(
        &[
            "report",
            p("now.jsonl").to_str().unwrap(),
            "--previous",
            p("then.jsonl").to_str().unwrap(),
            "--json",
            "--html",
            html.to_str().unwrap(),
        ],
        None,
    );
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let page = std::fs::read_to_string(&html).unwrap();
    for outside in ["http:", "https:", "src=", "<script", "<link"] {
        assert!(
            !page.contains(outside),
            "the page must stand alone: {outside}"
        );
    }

    let home = p("home");
    let o = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", p("profile").display()),
            "--dump-dom",
            &format!("file://{}", html.display()),
        ])
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &home)
        .env("XDG_CACHE_HOME", &home)
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&o.stdout);
    assert!(
        dom.contains("<svg"),
        "chromium rendered no page: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let figures = figures(&dom);
    assert!(figures.len() > 100, "{} figures", figures.len());
    for (pointer, value, text, money) in &figures {
        let want = report
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{pointer} is not in --json"));
        let want = match want {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        assert_eq!(value, &want, "{pointer}");
        if *money {
            // "USD 1,234.56" shows 123456 minor units.
            let digits: String = text
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '-')
                .collect();
            assert_eq!(
                digits.trim_start_matches('0'),
                want.trim_start_matches('0'),
                "{pointer}: {text}"
            );
        } else {
            assert_eq!(text, &want, "{pointer}");
        }
    }
    // The page shows each chart's figures, not a subset.
    let shown: std::collections::BTreeSet<&str> = figures.iter().map(|f| f.0.as_str()).collect();
    let mut required = vec![
        "/accounts".to_string(),
        "/first_contact/median_days".into(),
        "/first_contact/p90_days".into(),
        "/first_contact/never_reached".into(),
        "/complaints/per_thousand".into(),
        "/roll/movement/cured/accounts".into(),
    ];
    for b in report["by_days_past_due"].as_object().unwrap().keys() {
        required.push(format!("/by_days_past_due/{b}/accounts"));
    }
    for (from, row) in report["roll"]["matrix"].as_object().unwrap() {
        for to in row.as_object().unwrap().keys() {
            required.push(format!("/roll/matrix/{from}/{to}/accounts"));
        }
    }
    for b in report["roll"]["forward_roll_rate"]
        .as_object()
        .unwrap()
        .keys()
    {
        required.push(format!("/roll/forward_roll_rate/{b}/rate"));
    }
    for k in report["first_contact"]["distribution"]
        .as_object()
        .unwrap()
        .keys()
    {
        required.push(format!("/first_contact/distribution/{k}"));
    }
    for k in report["allowed_now_by_action"].as_object().unwrap().keys() {
        required.push(format!("/allowed_now_by_action/{k}"));
    }
    for r in &required {
        assert!(shown.contains(r.as_str()), "the page does not show {r}");
    }
}
