//! The `arrears` command as a user runs it: exit codes, outputs, and the policy author's tools
//! over the example lender policies.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn arrears(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arrears"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run arrears")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const SAMPLE: &str = "examples/cases/overdue-consumer-loan.json";

#[test]
fn decide_prints_the_decision_and_exits_0() {
    let o = arrears(&["decide", "--policy", "cn-microloan", SAMPLE]);
    assert_eq!(o.status.code(), Some(0));
    let d: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(d["delinquency"]["days_past_due"], 23);
    assert_eq!(d["delinquency"]["overdue_since"], "2026-02-15");
    assert_eq!(d["delinquency"]["overdue_amount"], 70000);
    assert_eq!(d["delinquency"]["stage"]["id"], "late");
}

#[test]
fn decide_prints_the_error_object_and_exits_2() {
    let o = arrears(&[
        "decide",
        "--policy",
        "cn-microloan",
        "tests/conformance/cases/error-unknown-field-typo/case.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(e["error"]["code"], "unknown_field");
    assert_eq!(e["error"]["path"], "borrower.chanels");
    let o = arrears(&["decide", "--policy", "no-such-pack", SAMPLE]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("unknown_policy"));
}

#[test]
fn decide_reads_standard_input() {
    let case = std::fs::read(root().join(SAMPLE)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_arrears"))
        .args(["decide", "--policy", "us-reg-f", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&case).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn explain_names_the_stage_the_verdicts_and_their_citations() {
    let o = arrears(&[
        "explain",
        "--policy",
        "cn-microloan",
        "--color",
        "never",
        SAMPLE,
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        text.contains("Stage late (18-30 days past due): 23 days past due since 2026-02-15"),
        "{text}"
    );
    assert!(
        text.contains(
            "✔ call borrower via m1: allowed until 2026-03-10 21:00 +08:00 (Asia/Shanghai)"
        ),
        "{text}"
    );
    assert!(
        text.contains("✘ call c1 via c1m: blocked; never, as things stand"),
        "{text}"
    );
    assert!(
        text.contains("cn.floor.third_party.lost_contact_only — "),
        "{text}"
    );
    assert!(
        text.contains("c1: caller identity, request callback"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour when asked for none");
    let coloured = stdout(&arrears(&[
        "explain",
        "--policy",
        "cn-microloan",
        "--color",
        "always",
        SAMPLE,
    ]));
    assert!(coloured.contains("\u{1b}[32m✔"));
}

fn write_temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("arrears-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn policy_check_refuses_hours_0700_2300_over_cn_microloan_naming_the_floor_rule() {
    let p = write_temp(
        "wide-hours.json",
        r#"{ "id": "wide", "version": "1", "extends": "cn-microloan",
             "rules": [ { "id": "lender.hours", "cite": "lender", "applies_to": { "tags": ["timed"] },
                          "window": { "slots": [ { "days": ["any"], "from": "07:00", "to": "23:00" } ] } } ] }"#,
    );
    let o = arrears(&["policy", "check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains("lender.hours")
            && text.contains("cn.floor.hours")
            && text.contains("22:00至次日8:00"),
        "{text}"
    );
    let json = arrears(&["policy", "check", "--json", p.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["errors"][0]["path"], "rules[0]");
    // The decide path refuses it too.
    let o = arrears(&["decide", "--policy", p.to_str().unwrap(), SAMPLE]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("policy_invalid"));
}

#[test]
fn policy_check_as_of_reports_the_days_of_calendar_each_pack_has_left() {
    let o = arrears(&["policy", "check", "--as-of", "2027-07-04"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = stdout(&o);
    for pack in ["cn-microloan", "id-ojk", "ph-sec", "in-rbi"] {
        assert!(
            text.contains(&format!(
                "calendar: {pack} has 180 day(s) of holidays left after 2027-07-04"
            )),
            "{pack}: {text}"
        );
    }
    // us-reg-f's calendar of legal public holidays (for the validation period) runs to 2028.
    assert!(
        text.contains("calendar: us-reg-f has 546 day(s) of holidays left after 2027-07-04"),
        "{text}"
    );
    let json = arrears(&[
        "policy",
        "check",
        "--json",
        "--as-of",
        "2028-01-01",
        "id-ojk",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(report["calendar_days_left"], 0);
    let bad = arrears(&["policy", "check", "--as-of", "2027-13-01", "id-ojk"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn policy_check_refuses_eight_calls_in_seven_days_over_us_reg_f() {
    let p = write_temp(
        "eight-calls.json",
        r#"{ "id": "eight", "version": "1", "extends": "us-reg-f",
             "rules": [ { "id": "lender.calls", "cite": "lender", "applies_to": { "tags": ["phone"] },
                          "cap": { "counts": "placed_call", "exclude": ["inbound", "not_connected", "under_consent"],
                                   "scope": "party", "period": { "days": 7 }, "limit": 8 } } ] }"#,
    );
    let o = arrears(&["policy", "check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains("us.regf.1006.14b2i.seven_calls_in_seven_days")
            && text.contains("1006.14(b)(2)(i)(A)"),
        "{text}"
    );
}

#[test]
fn the_example_lender_policies_check_clean_and_pass_their_own_tests() {
    for p in [
        "examples/policies/cn-field-visits.json",
        "examples/policies/us-three-calls-a-week.json",
        "examples/policies/id-daytime-desk-collection.json",
        "examples/policies/ph-daytime-every-stage.json",
        "examples/policies/in-office-hours.json",
        "cn-microloan",
        "us-reg-f",
        "id-ojk",
        "ph-sec",
        "in-rbi",
    ] {
        let o = arrears(&["policy", "check", p]);
        assert_eq!(o.status.code(), Some(0), "{p}: {}", stdout(&o));
    }
    let o = arrears(&["policy", "test", "examples/policies"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("policy tests: 20 passed, 0 failed"), "{text}");
}

/// Runs `arrears policy test` over one test file holding `tests` (JSON text) against cn-microloan
/// and the sample case.
fn policy_test(tag: &str, expect: &str) -> Output {
    let dir = std::env::temp_dir().join(format!("arrears-cli-test-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let case = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    std::fs::write(
        dir.join("t.test.json"),
        format!(r#"{{ "policy": "cn-microloan", "tests": [ {{ "name": "t", "case": {case}, "expect": {expect} }} ] }}"#),
    )
    .unwrap();
    let o = arrears(&["policy", "test", dir.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    o
}

#[test]
fn policy_test_holds_claims_and_reports_the_one_that_fails() {
    let holds = policy_test(
        "holds",
        r#"[ {"at": "delinquency.stage.id", "is": "late"}, {"at": "delinquency.days_past_due", "is": 23} ]"#,
    );
    assert_eq!(holds.status.code(), Some(0), "{}", stdout(&holds));
    let fails = policy_test(
        "fails",
        r#"[ {"at": "delinquency.stage.id", "is": "mid"}, {"at": "delinquency.days_past_due", "is": 23} ]"#,
    );
    assert_eq!(fails.status.code(), Some(1));
    let text = stdout(&fails);
    assert!(
        text.contains(r#"delinquency.stage.id: is "mid", found "late""#),
        "{text}"
    );
    assert!(!text.contains("days_past_due"), "{text}");
}

#[test]
fn policy_test_reads_the_older_form_as_the_same_claims() {
    let holds = policy_test("older-holds", r#"{ "stage": "late", "days_past_due": 23 }"#);
    assert_eq!(holds.status.code(), Some(0), "{}", stdout(&holds));
    let fails = policy_test("older-fails", r#"{ "stage": "mid" }"#);
    assert_eq!(fails.status.code(), Some(1));
    assert!(
        stdout(&fails).contains(r#"delinquency.stage.id: is "mid", found "late""#),
        "{}",
        stdout(&fails)
    );
    // An error expected where the case is decided fails on the error code.
    let refused = policy_test("older-error", r#"{ "error": "invalid_field" }"#);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stdout(&refused).contains("error.code"),
        "{}",
        stdout(&refused)
    );
}

#[test]
fn policy_diff_finds_no_widening_into_three_calls_and_the_widening_back() {
    let tight = "examples/policies/us-three-calls-a-week.json";
    let cases = "examples/policies/cases";
    let o = arrears(&["policy", "diff", "us-reg-f", tight, "--cases", cases]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 widened"));
    let o = arrears(&[
        "policy", "diff", tight, "us-reg-f", "--cases", cases, "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let widened = report["widened"].as_array().unwrap();
    assert!(
        widened.iter().any(|w| w["case"]
            .as_str()
            .unwrap()
            .ends_with("us-three-calls-this-week.json")),
        "{report}"
    );
    assert!(widened.iter().all(|w| w["action"] == "call"), "{report}");
}

fn run_with_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_arrears"))
        .args(args)
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

#[test]
fn gen_is_deterministic_and_batch_keeps_one_line_per_input_line_in_order() {
    let gen = [
        "gen",
        "--accounts",
        "1500",
        "--seed",
        "42",
        "--history",
        "5",
        "--buckets",
        "uniform",
    ];
    let (a, b) = (arrears(&gen), arrears(&gen));
    assert_eq!(a.stdout, b.stdout, "the same seed gives the same portfolio");
    // Damage a few lines: each still gets exactly one output line, an error naming its number.
    let mut lines: Vec<String> = stdout(&a).lines().map(str::to_owned).collect();
    lines[0] = "{".into();
    lines[700] = String::new();
    lines[1499] = "[]".into();
    let input = lines.join("\n") + "\n";
    let out = run_with_stdin(
        &[
            "batch",
            "--policy",
            "us-reg-f",
            "--jobs",
            "3",
            "--json-summary",
        ],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    let outputs: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(outputs.len(), 1500);
    for (i, line) in outputs.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if [0, 700, 1499].contains(&i) {
            assert_eq!(v["line"], i as u64 + 1, "{line}");
            assert!(v["error"]["code"].is_string());
        } else {
            assert_eq!(
                v["account_id"],
                format!("SYN-42-{i}"),
                "output in input order"
            );
        }
    }
    let summary: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stderr).trim()).unwrap();
    assert_eq!(summary["decisions"], 1497);
    assert_eq!(summary["errors"], 3);
    // Batch output equals deciding each case alone.
    let single = run_with_stdin(
        &["decide", "--policy", "us-reg-f", "-"],
        lines[1].as_bytes(),
    );
    assert_eq!(stdout(&single).trim_end(), outputs[1]);

    let report = run_with_stdin(&["report", "--json"], &out.stdout);
    let r: serde_json::Value = serde_json::from_str(&stdout(&report)).unwrap();
    assert_eq!(r["accounts"], 1497);
    assert_eq!(r["errors"], 3);
    let bucketed: u64 = r["by_days_past_due"]
        .as_object()
        .unwrap()
        .values()
        .map(|b| b["accounts"].as_u64().unwrap())
        .sum();
    assert_eq!(bucketed, 1497, "every account falls in one DPD bucket");
}

#[test]
fn batch_of_nothing_but_garbage_exits_2_and_says_every_line_failed() {
    let garbage = "not json\n{\n[1,2]\n".repeat(50);
    let out = run_with_stdin(&["batch", "--policy", "us-reg-f"], garbage.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(
        summary.contains("0 decisions, 150 errors (every line failed)"),
        "{summary}"
    );
    // One bad line among good ones: exit 0, unless asked to fail on any error.
    let gen = arrears(&["gen", "--accounts", "20", "--history", "2"]);
    let input = format!("{}{{\n", stdout(&gen));
    let out = run_with_stdin(&["batch", "--policy", "us-reg-f"], input.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    let out = run_with_stdin(
        &["batch", "--policy", "us-reg-f", "--fail-on-error"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("20 decisions, 1 errors"));
}

#[test]
fn a_missing_case_file_is_named() {
    let o = arrears(&["decide", "--policy", "us-reg-f", "no/such/case.json"]);
    assert_eq!(o.status.code(), Some(2));
    let e: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(e["error"]["code"], "invalid_json");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no/such/case.json"),
        "{e}"
    );
}

#[test]
fn policy_check_on_a_file_that_is_not_json_says_invalid_json() {
    let p = write_temp("garbage-policy.json", "garbage {{ not a policy");
    let o = arrears(&["policy", "check", "--json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let message = report["errors"][0]["message"].as_str().unwrap();
    // The message says what is wrong in words; the code is the error object's, not repeated in
    // the message.
    assert!(
        message.contains("is not a JSON policy document"),
        "{message}"
    );
    assert!(!message.starts_with("invalid_json"), "{message}");
    let o = arrears(&["decide", "--policy", p.to_str().unwrap(), SAMPLE]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("\"invalid_json\""), "{}", stdout(&o));
}

fn generated(args: &[&str]) -> Vec<serde_json::Value> {
    let o = arrears(args);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The market a pack declares, as `policy show` prints it: its currencies and zones.
fn declared_market(pack: &str) -> (Vec<String>, Vec<String>) {
    let doc: serde_json::Value = serde_json::from_str(&stdout(&arrears(&["policy", "show", pack])))
        .expect("policy show prints the document");
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap_or_else(|| panic!("{pack} declares no market"))
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    (
        strings(&doc["market"]["currencies"]),
        strings(&doc["market"]["time_zones"]),
    )
}

fn market_warnings(batch_output: &[u8]) -> usize {
    String::from_utf8_lossy(batch_output)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|d| {
            d["warnings"]
                .as_array()
                .is_some_and(|w| w.iter().any(|w| w["code"] == "market_mismatch"))
        })
        .count()
}

#[test]
fn gen_for_a_pack_makes_accounts_in_the_market_the_pack_declares() {
    for (policy, pack) in [
        ("us-reg-f", "us-reg-f"),
        ("cn-microloan", "cn-microloan"),
        ("id-ojk", "id-ojk"),
        ("ph-sec", "ph-sec"),
        ("in-rbi", "in-rbi"),
        // A lender document takes the market of the pack it builds on.
        ("examples/policies/us-three-calls-a-week.json", "us-reg-f"),
    ] {
        let (currencies, zones) = declared_market(pack);
        let args = [
            "gen",
            "--accounts",
            "400",
            "--history",
            "2",
            "--policy",
            policy,
        ];
        let cases = generated(&args);
        let mut seen = std::collections::BTreeSet::new();
        for c in &cases {
            assert_eq!(c["account"]["currency"], currencies[0].as_str(), "{policy}");
            let zone = c["account"]["book_time_zone"].as_str().unwrap();
            assert!(zones.iter().any(|z| z == zone), "{policy}: {zone}");
            assert_eq!(c["borrower"]["time_zones"][0], zone);
            seen.insert(zone.to_string());
        }
        // Spread over the whole market, not a few of its zones.
        assert_eq!(seen.len(), zones.len(), "{policy}: {seen:?}");
        let batch = run_with_stdin(
            &["batch", "--policy", policy, "--json-summary"],
            stdout(&arrears(&args)).as_bytes(),
        );
        let summary: serde_json::Value =
            serde_json::from_str(String::from_utf8_lossy(&batch.stderr).trim()).unwrap();
        assert_eq!(summary["errors"], 0, "{policy}: {summary}");
        assert_eq!(market_warnings(&batch.stdout), 0, "{policy}");
    }
    let o = arrears(&["gen", "--accounts", "1", "--policy", "no-such-pack"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_book_outside_the_policys_market_is_decided_with_a_warning() {
    // The default book mixes CNY accounts in Shanghai with USD ones in US zones.
    let book = generated(&["gen", "--accounts", "200", "--history", "2"]);
    let cny = book
        .iter()
        .filter(|c| c["account"]["currency"] == "CNY")
        .count();
    assert!(cny > 0 && cny < book.len(), "{cny} of {}", book.len());
    let text: String = book.iter().map(|c| format!("{c}\n")).collect();
    let out = run_with_stdin(&["batch", "--policy", "us-reg-f"], text.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(market_warnings(&out.stdout), cny);
    let out = run_with_stdin(&["batch", "--policy", "cn-microloan"], text.as_bytes());
    assert_eq!(market_warnings(&out.stdout), book.len() - cny);
}

#[test]
fn gen_spreads_a_book_by_bucket_share_and_advances_it_days_later() {
    let base = ["gen", "--accounts", "3000", "--seed", "9", "--history", "4"];
    let then = generated(&base);
    assert_eq!(then, generated(&base), "deterministic");
    let report = |cases: &[serde_json::Value]| -> serde_json::Value {
        let text: String = cases.iter().map(|c| format!("{c}\n")).collect();
        let out = run_with_stdin(
            &["batch", "--policy", "us-reg-f", "--with-case-summary"],
            text.as_bytes(),
        );
        assert_eq!(out.status.code(), Some(0));
        let r = run_with_stdin(&["report", "--json"], &out.stdout);
        serde_json::from_str(&stdout(&r)).unwrap()
    };
    let r = report(&then);
    // The default book: 85% current, 1.5% + 1% + 0.5% past 90 days (give or take sampling).
    let current = r["by_days_past_due"]["current"]["accounts"]
        .as_u64()
        .unwrap();
    assert!((2450..=2650).contains(&current), "{current}");
    let past_90: u64 = ["91-180", "181-360", "360+"]
        .iter()
        .map(|b| r["by_days_past_due"][b]["accounts"].as_u64().unwrap())
        .sum();
    assert!((50..=130).contains(&past_90), "{past_90}");
    // Uneven shares are followed too.
    let skewed = generated(&[
        "gen",
        "--accounts",
        "500",
        "--history",
        "2",
        "--buckets",
        "0,0,0,0,0,0,1",
    ]);
    let r = report(&skewed);
    assert_eq!(r["by_days_past_due"]["360+"]["accounts"], 500);

    let later: Vec<_> = [&base[..], &["--days-later", "30"]].concat();
    let now = generated(&later);
    assert_eq!(now, generated(&later), "deterministic");
    let id = |c: &serde_json::Value| c["account"]["id"].as_str().unwrap().to_string();
    let then_ids: std::collections::BTreeSet<String> = then.iter().map(id).collect();
    let kept = now.iter().filter(|c| then_ids.contains(&id(c))).count();
    // About one account in 200 closes in 30 days, one in 100 opens.
    assert!((2970..3000).contains(&kept), "{kept}");
    assert_eq!(now.len() - kept, 30);
    // The same account, 30 days on, keeps its earlier history and payments and adds to them.
    let (a, b) = (&then[0], &now[0]);
    assert_eq!(id(a), id(b));
    let events = |c: &serde_json::Value, k: &str| c[k].as_array().map_or(0, |v| v.len());
    assert!(events(b, "history") >= events(a, "history"));
    let r = report(&now);
    assert!(r["first_contact"]["reached"].as_u64().unwrap() > 0);
    assert!(r["complaints"]["complaints"].as_u64().unwrap() > 0);
}

#[test]
fn explain_shows_money_in_units_and_the_queue_move() {
    let o = arrears(&[
        "explain",
        "--policy",
        "cn-microloan",
        "--color",
        "never",
        "tests/conformance/cases/cn-m2-no-conversation-three-days-tier2/case.json",
    ]);
    let text = stdout(&o);
    assert!(text.contains("CNY 1,000.00 overdue"), "{text}");
    assert!(text.contains("Queue tier1 → tier2"), "{text}");
    assert!(!text.contains("minor units"), "{text}");
}

#[test]
fn decide_with_the_indonesian_philippine_and_indian_packs() {
    for (pack, case, stage, allowed) in [
        (
            "id-ojk",
            "tests/conformance/cases/id-pojk22-62-2f-sunday-no-collection/case.json",
            "kol2",
            false,
        ),
        (
            "ph-sec",
            "tests/conformance/cases/ph-sec-mc18-s1-2230-dpd-16-allowed/case.json",
            "b16_30",
            true,
        ),
        (
            "in-rbi",
            "tests/conformance/cases/in-rbi-2022-65-1930-blocked-until-0800/case.json",
            "sma0",
            false,
        ),
    ] {
        let o = arrears(&["decide", "--policy", pack, case]);
        assert_eq!(o.status.code(), Some(0), "{pack}: {}", stdout(&o));
        let d: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(d["policy"]["id"], pack);
        assert_eq!(d["delinquency"]["stage"]["id"], stage, "{pack}");
        let call = d["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["action"] == "call" && a["party"] == "borrower")
            .unwrap();
        assert_eq!(call["allowed"], allowed, "{pack}: {call}");
    }
    let o = arrears(&["policy", "list"]);
    let text = stdout(&o);
    for pack in ["cn-microloan", "us-reg-f", "id-ojk", "ph-sec", "in-rbi"] {
        assert!(text.contains(pack), "policy list names {pack}: {text}");
    }
}

/// `policy check` on a lender document: exit 1 and the report names every id given.
fn check_refuses(name: &str, doc: &str, names: &[&str]) {
    let p = write_temp(name, doc);
    let o = arrears(&["policy", "check", p.to_str().unwrap()]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{name}: {text}");
    for n in names {
        assert!(text.contains(n), "{name}: the report names {n}: {text}");
    }
}

#[test]
fn policy_check_refuses_wider_hours_over_id_ojk_ph_sec_and_in_rbi() {
    check_refuses(
        "id-wide.json",
        r#"{ "id": "id-wide", "version": "1", "extends": "id-ojk",
             "rules": [ { "id": "lender.hours", "cite": "lender", "applies_to": { "tags": ["timed"] },
                          "window": { "slots": [ { "days": ["working_day"], "from": "07:00", "to": "21:00" } ] } } ] }"#,
        &[
            "lender.hours",
            "id.pojk22.62.2f.days_and_hours",
            "art. 62(2)(f)",
        ],
    );
    // Sundays and holidays are not collection days: a window over every day loosens the floor
    // even inside its hours.
    check_refuses(
        "id-sunday.json",
        r#"{ "id": "id-sunday", "version": "1", "extends": "id-ojk",
             "rules": [ { "id": "lender.sundays", "cite": "lender", "applies_to": { "tags": ["timed"] },
                          "window": { "slots": [ { "days": ["any"], "from": "09:00", "to": "17:00" } ] } } ] }"#,
        &[
            "lender.sundays",
            "id.pojk22.62.2f.days_and_hours",
            "on a rest day",
        ],
    );
    check_refuses(
        "ph-wide.json",
        r#"{ "id": "ph-wide", "version": "1", "extends": "ph-sec",
             "rules": [ { "id": "lender.hours", "cite": "lender", "applies_to": { "tags": ["timed"] },
                          "window": { "slots": [ { "days": ["any"], "from": "05:00", "to": "23:00" } ] } } ] }"#,
        &[
            "lender.hours",
            "ph.sec.mc18.s1.unreasonable_hours",
            "Circular No. 18",
            "05:00-06:00",
        ],
    );
    check_refuses(
        "in-wide.json",
        r#"{ "id": "in-wide", "version": "1", "extends": "in-rbi",
             "rules": [ { "id": "lender.hours", "cite": "lender", "applies_to": { "tags": ["timed"] },
                          "window": { "slots": [ { "days": ["any"], "from": "08:00", "to": "20:00" } ] } } ] }"#,
        &[
            "lender.hours",
            "in.rbi.2022.65.calling_hours",
            "19:00-20:00",
        ],
    );
}

#[test]
fn policy_check_refuses_contacting_a_reference_under_id_ojk_ph_sec_and_in_rbi() {
    for (pack, floor_rule, floor_row) in [
        (
            "id-ojk",
            "id.pojk22.62.2c.consumer_only",
            "id.floor.disclose.consumer_only",
        ),
        (
            "ph-sec",
            "ph.sec.mc18.s1.contact_list",
            "ph.floor.disclose.no_one_else",
        ),
        (
            "in-rbi",
            "in.rbi.fpc.privacy_of_family_referees_friends",
            "in.floor.disclose.privacy",
        ),
    ] {
        // Dropping the prohibition is refused.
        check_refuses(
            &format!("{pack}-remove.json"),
            &format!(
                r#"{{ "id": "x", "version": "1", "extends": "{pack}", "remove": ["{floor_rule}"] }}"#
            ),
            &[floor_rule, "cannot be removed"],
        );
        // Telling a reference of the debt is refused.
        check_refuses(
            &format!("{pack}-tell.json"),
            &format!(
                r#"{{ "id": "x", "version": "1", "extends": "{pack}",
                     "disclosures": [ {{ "id": "lender.tell_references", "cite": "lender", "parties": ["reference"],
                                         "allow": ["debt_existence"] }} ] }}"#
            ),
            &["lender.tell_references", floor_row],
        );
        // A ladder step that calls the employer can never act: the check says so and fails. (A
        // reference is not such a step in id-ojk: an online loan's emergency contact may be called
        // to find a borrower who is lost-contact.)
        let strategy = format!(
            r#"{{ "id": "x", "version": "1", "extends": "{pack}",
                 "strategy": [ {{ "id": "lender.call_employer", "cite": "lender", "action": "call",
                                 "parties": ["employer"] }} ] }}"#
        );
        check_refuses(
            &format!("{pack}-call.json"),
            &strategy,
            &["lender.call_employer", "unreachable"],
        );
    }
}

fn candidates(out: &serde_json::Value, list: &str) -> Vec<(String, String, String)> {
    out[list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list} in {out}"))
        .iter()
        .map(|a| {
            (
                a["action"].to_string(),
                a["party"].to_string(),
                a["channel"].to_string(),
            )
        })
        .collect()
}

#[test]
fn plan_prints_the_plan_over_seven_local_days_and_exits_0() {
    let o = arrears(&["plan", "--policy", "cn-microloan", SAMPLE]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with(r#"{"format":"arrears.plan/1","account_id":"L-1001","#),
        "{text}"
    );
    let plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(plan["days"], 7);
    assert_eq!(plan["as_of"], "2026-03-10T14:30:00+08:00");
    // Local midnight seven days after the borrower's date of as_of (Asia/Shanghai).
    assert_eq!(plan["until"], "2026-03-17T00:00:00+08:00");
    assert_eq!(plan["policy"]["id"], "cn-microloan");
    let decided = arrears(&["decide", "--policy", "cn-microloan", SAMPLE]);
    let decision: serde_json::Value = serde_json::from_str(&stdout(&decided)).unwrap();
    assert_eq!(plan["policy"], decision["policy"]);
    assert_eq!(
        candidates(&plan, "candidates"),
        candidates(&decision, "actions"),
        "the stage holds all week, so the candidates are the decision's, in its order"
    );
    // The borrower may be called now, so the first window of that call opens at as_of.
    let call = plan["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["action"] == "call" && c["party"] == "borrower" && c["channel"] == "m1")
        .expect("a call to the borrower's mobile");
    assert_eq!(call["windows"][0]["from"], plan["as_of"]);

    let three = arrears(&["plan", "--policy", "cn-microloan", "--days", "3", SAMPLE]);
    assert_eq!(three.status.code(), Some(0));
    let three: serde_json::Value = serde_json::from_str(&stdout(&three)).unwrap();
    assert_eq!(three["days"], 3);
    assert_eq!(three["until"], "2026-03-13T00:00:00+08:00");
}

#[test]
fn plan_pretty_is_the_same_plan_indented_keys_in_order() {
    let compact = stdout(&arrears(&["plan", "--policy", "us-reg-f", SAMPLE]));
    let o = arrears(&["plan", "--policy", "us-reg-f", "--pretty", SAMPLE]);
    assert_eq!(o.status.code(), Some(0));
    let pretty = stdout(&o);
    assert!(
        pretty.starts_with(
            "{\n  \"format\": \"arrears.plan/1\",\n  \"account_id\": \"L-1001\",\n  \"as_of\": "
        ),
        "{pretty}"
    );
    let a: serde_json::Value = serde_json::from_str(&compact).unwrap();
    let b: serde_json::Value = serde_json::from_str(&pretty).unwrap();
    assert_eq!(a, b);
    let squeezed: String = {
        // Whitespace outside strings removed gives the compact bytes back.
        let (mut out, mut in_string, mut escaped) = (String::new(), false, false);
        for c in pretty.chars() {
            if in_string {
                in_string = escaped || c != '"';
                escaped = !escaped && c == '\\';
            } else if c == '"' {
                in_string = true;
            } else if c.is_whitespace() {
                continue;
            }
            out.push(c);
        }
        out
    };
    assert_eq!(squeezed, compact.trim_end());
}

#[test]
fn plan_refuses_0_and_32_days_and_text_that_is_no_number_as_out_of_range_at_days() {
    for days in ["0", "32", "-1", "seven", "4294967296"] {
        let o = arrears(&["plan", "--policy", "cn-microloan", "--days", days, SAMPLE]);
        assert_eq!(o.status.code(), Some(2), "--days {days}: {}", stdout(&o));
        let e: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(e["error"]["code"], "out_of_range", "--days {days}: {e}");
        assert_eq!(e["error"]["path"], "days", "--days {days}: {e}");
    }
    for days in ["1", "31"] {
        let o = arrears(&["plan", "--policy", "cn-microloan", "--days", days, SAMPLE]);
        assert_eq!(o.status.code(), Some(0), "--days {days}: {}", stdout(&o));
    }
}

#[test]
fn plan_names_a_missing_case_file_and_reports_a_bad_case_like_decide() {
    let o = arrears(&["plan", "--policy", "us-reg-f", "no/such/case.json"]);
    assert_eq!(o.status.code(), Some(2));
    let e: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(e["error"]["code"], "invalid_json");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no/such/case.json"),
        "{e}"
    );
    let typo = "tests/conformance/cases/error-unknown-field-typo/case.json";
    let planned = arrears(&["plan", "--policy", "cn-microloan", typo]);
    let decided = arrears(&["decide", "--policy", "cn-microloan", typo]);
    assert_eq!(planned.status.code(), Some(2));
    assert_eq!(stdout(&planned), stdout(&decided));
    let o = arrears(&["plan", "--policy", "no-such-pack", SAMPLE]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("unknown_policy"));
}

#[test]
fn plan_reads_standard_input() {
    let case = std::fs::read(root().join(SAMPLE)).unwrap();
    let o = run_with_stdin(&["plan", "--policy", "us-reg-f", "--days", "2"], &case);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(plan["days"], 2);
}

#[test]
fn explain_ends_with_the_decisions_warnings() {
    let case =
        root().join("tests/conformance/cases/market-us-reg-f-cny-account-in-shanghai/case.json");
    let o = arrears(&[
        "explain",
        "--policy",
        "us-reg-f",
        "--color",
        "never",
        case.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    let warnings = text
        .split("\nWarnings\n")
        .nth(1)
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        warnings.contains("market_mismatch: the case's currency CNY"),
        "{warnings}"
    );
    // A case that fits has no such section.
    let o = arrears(&[
        "explain",
        "--policy",
        "cn-microloan",
        "--color",
        "never",
        SAMPLE,
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stdout(&o).contains("\nWarnings\n"), "{}", stdout(&o));
}

#[test]
fn import_fineract_prints_a_case_that_decides_to_fineracts_delinquent_days() {
    let loan = "core/tests/fixtures/fineract/chargeback-overdue/loan.json";
    let o = arrears(&[
        "import",
        "fineract",
        loan,
        "--business-date",
        "2012-04-05",
        "--time-zone",
        "America/Sao_Paulo",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let case: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(case["account"]["book_time_zone"], "America/Sao_Paulo");
    assert_eq!(case["as_of"], "2012-04-05T12:00:00-03:00");
    let dir = std::env::temp_dir().join(format!("arrears-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("case.json");
    std::fs::write(&path, stdout(&o)).unwrap();
    let d = arrears(&["decide", "--policy", "us-reg-f", path.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    let d: serde_json::Value = serde_json::from_str(&stdout(&d)).unwrap();
    assert_eq!(d["delinquency"]["days_past_due"], 14);
    assert_eq!(d["delinquency"]["overdue_amount"], 20000);
}

#[test]
fn import_fineract_gives_the_error_object_with_a_path_into_the_loan_and_exits_2() {
    let loan =
        std::fs::read_to_string(root().join("core/tests/fixtures/fineract/pause-ended/loan.json"))
            .unwrap();
    let bad = loan.replacen(
        "\"dueDate\": [\n          2012,\n          2,",
        "\"dueDate\": [\n          2012,\n          13,",
        1,
    );
    assert_ne!(bad, loan);
    let mut child = Command::new(env!("CARGO_BIN_EXE_arrears"))
        .args([
            "import",
            "fineract",
            "--business-date",
            "2012-03-12",
            "--time-zone",
            "UTC",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(bad.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(e["error"]["path"], "repaymentSchedule.periods[1].dueDate");
}
