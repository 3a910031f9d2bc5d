//! The error objects of malformed cases and policies, recorded byte for byte.
//!
//! Reading a document names the JSON path of the field at fault (`account.installments[1].due`).
//! This file pins the exact `code`, `path` and `message` for a table of malformed inputs covering
//! every kind of failure serde reports (unknown and missing fields, wrong types, values out of
//! range, the hand-written readers of dates, instants, zones and clock times, unknown enum
//! variants in both of their JSON forms, numbers beyond `i64`, duplicate keys, structs written as
//! arrays, syntax errors), at several depths, inside arrays of objects and nested conditions, and
//! after multi-byte text on the same line. A second, generated table applies deterministic
//! mutations to the example case and to the policy documents and records each outcome.
//!
//! The expected outcomes live in `tests/fixtures/error-paths*.txt`. They record what the
//! contract says; `ARREARS_BLESS=1 cargo test -p arrears-core --test error_paths` rewrites them
//! (review the diff: a change there is a change of the contract).

use arrears_core::{policy::packs, Case, Engine, Error, Policy};
use std::fmt::Write as _;
use std::path::PathBuf;

const CASE: &str = include_str!("../../examples/cases/overdue-consumer-loan.json");
const LENDER_CN: &str = include_str!("../../examples/policies/cn-field-visits.json");
const LENDER_US: &str = include_str!("../../examples/policies/us-three-calls-a-week.json");
const VERSIONS: &str = include_str!("../../tests/conformance/policies/acme-us-versions.json");

fn pack(id: &str) -> &'static str {
    packs::source(id).expect("built-in pack")
}

/// `base` with the first occurrence of `from` replaced by `to` (which must occur).
fn edit(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "{from:?} is not in the document");
    base.replacen(from, to, 1)
}

/// `base` with every edit applied in turn.
fn edits(base: &str, list: &[(&str, &str)]) -> String {
    list.iter()
        .fold(base.to_string(), |text, (from, to)| edit(&text, from, to))
}

/// One line per outcome: `ok`, or the code, path and message separated by tabs.
fn line(result: Result<(), Error>) -> String {
    match result {
        Ok(()) => "ok".into(),
        Err(e) => format!("{}\t{}\t{}", e.code, e.path, e.message),
    }
}

fn read_case(text: &str) -> String {
    line(Case::from_json(text).map(|_| ()))
}

fn read_policy(text: &str) -> String {
    line(Policy::from_json(text).map(|_| ()))
}

fn read_engine(text: &str) -> String {
    line(Engine::from_reference(text).map(|_| ()))
}

/// Every diagnostic of a policy document, `path: message`, joined with ` | `.
fn diagnose(text: &str) -> String {
    let all: Vec<String> = Policy::diagnose(text)
        .into_iter()
        .map(|d| format!("{}: {}", d.path, d.message))
        .collect();
    if all.is_empty() {
        "ok".into()
    } else {
        all.join(" | ")
    }
}

/// The hand-written table: (label, outcome).
fn table() -> Vec<(&'static str, String)> {
    let cn = pack("cn-microloan");
    let us = pack("us-reg-f");
    let mut t: Vec<(&'static str, String)> = Vec::new();
    let mut case = |label: &'static str, list: &[(&str, &str)]| {
        t.push((label, read_case(&edits(CASE, list))));
    };

    // Values a field's own reader refuses, at several depths.
    case("sample is valid", &[]);
    case(
        "date: impossible month, first field of an array element",
        &[("\"due\": \"2026-03-15\"", "\"due\": \"2026-13-01\"")],
    );
    case(
        "date: not a calendar day",
        &[("\"due\": \"2026-02-15\"", "\"due\": \"2026-02-30\"")],
    );
    case(
        "date: year out of range",
        &[("\"due\": \"2026-02-15\"", "\"due\": \"1899-12-31\"")],
    );
    case(
        "date: last field of its object",
        &[(
            "{ \"due\": \"2026-03-15\", \"amount\": 120000 }",
            "{ \"amount\": 120000, \"due\": \"2026-03-32\" }",
        )],
    );
    case(
        "date: last field, white space and newlines before the brace",
        &[(
            "{ \"due\": \"2026-03-15\", \"amount\": 120000 }",
            "{ \"amount\": 120000, \"due\": \"15/03/2026\"  \n\n\t }",
        )],
    );
    case(
        "date: white space before the comma",
        &[(
            "{ \"due\": \"2026-03-15\", \"amount\": 120000 }",
            "{ \"due\": \"2026-03-99\"   ,   \"amount\": 120000 }",
        )],
    );
    case(
        "instant: no offset, first field of the document",
        &[("2026-03-10T14:30:00+08:00", "2026-03-10T14:30:00")],
    );
    case(
        "instant: year out of range",
        &[("2026-03-10T14:30:00+08:00", "3026-03-10T14:30:00+08:00")],
    );
    case(
        "instant: not RFC 3339",
        &[("2026-02-20T10:00:00+08:00", "2026-02-20 10:00")],
    );
    case(
        "instant: last field of a payment",
        &[(
            "{ \"at\": \"2026-02-20T10:00:00+08:00\", \"amount\": 50000 }",
            "{ \"amount\": 50000, \"at\": \"2026-02-20T10:00:00\" }",
        )],
    );
    case(
        "instant: in history",
        &[("2026-03-09T10:00:00+08:00", "2026-03-09T25:00:00+08:00")],
    );
    case(
        "zone: unknown",
        &[(
            "\"book_time_zone\": \"Asia/Shanghai\"",
            "\"book_time_zone\": \"Mars/Base\"",
        )],
    );
    case(
        "zone: last element of an array",
        &[("[\"Asia/Shanghai\"]", "[\"Asia/Shanghai\", \"Mars/Base\"]")],
    );
    case(
        "zone: first element of an array, comma after it",
        &[("[\"Asia/Shanghai\"]", "[\"Mars/Base\", \"Asia/Shanghai\"]")],
    );
    case(
        "zone: first element, white space around the comma",
        &[(
            "[\"Asia/Shanghai\"]",
            "[\"Mars/Base\"  ,\n  \"Asia/Shanghai\"]",
        )],
    );
    case(
        "zone: only element, white space before the bracket",
        &[("[\"Asia/Shanghai\"]", "[ \"Mars/Base\" \n ]")],
    );
    case(
        "clock time: malformed",
        &[("\"from\": \"00:00\"", "\"from\": \"7:00\"")],
    );
    case(
        "clock time: out of range, last field",
        &[("\"to\": \"24:00\"", "\"to\": \"24:01\"")],
    );
    case(
        "clock time: a number",
        &[("\"to\": \"24:00\"", "\"to\": 2400")],
    );

    // Wrong JSON types.
    case(
        "amount as a string",
        &[("\"amount\": 120000", "\"amount\": \"120000\"")],
    );
    case(
        "amount as a float",
        &[("\"amount\": 50000", "\"amount\": 1.5")],
    );
    case(
        "amount as an exponent",
        &[("\"amount\": 50000", "\"amount\": 5e4")],
    );
    case(
        "amount beyond i64",
        &[("\"amount\": 50000", "\"amount\": 9223372036854775808")],
    );
    case(
        "amount below i64",
        &[("\"amount\": 50000", "\"amount\": -9223372036854775809")],
    );
    case(
        "amount beyond f64",
        &[("\"amount\": 50000", "\"amount\": 1e400")],
    );
    case(
        "amount as null",
        &[("\"amount\": 50000", "\"amount\": null")],
    );
    case(
        "amount as an object",
        &[("\"amount\": 50000", "\"amount\": { \"value\": 1 }")],
    );
    case(
        "amount as an array",
        &[("\"amount\": 50000", "\"amount\": [1, 2]")],
    );
    case(
        "paid (an option) as a string",
        &[(
            "\"amount\": 120000 }",
            "\"amount\": 120000, \"paid\": \"none\" }",
        )],
    );
    case(
        "collectors: negative",
        &[(
            "\"outcome\": \"no_answer\"",
            "\"outcome\": \"no_answer\", \"collectors\": -1",
        )],
    );
    case(
        "collectors: beyond u32",
        &[(
            "\"outcome\": \"no_answer\"",
            "\"outcome\": \"no_answer\", \"collectors\": 4294967296",
        )],
    );
    case(
        "flag as a string",
        &[("\"time_barred\": false", "\"time_barred\": \"no\"")],
    );
    case(
        "flag as null",
        &[("\"written_off\": false", "\"written_off\": null")],
    );
    case(
        "party as a number",
        &[("\"party\": \"borrower\"", "\"party\": 7")],
    );
    case(
        "account as a string",
        &[("\"account\": {", "\"account\": \"L-1001\", \"x\": {")],
    );
    case(
        "account as null",
        &[("\"account\": {", "\"account\": null, \"x\": {")],
    );
    case(
        "installments as an object",
        &[("\"installments\": [", "\"installments\": { \"a\": [")],
    );
    case(
        "time zones as a string",
        &[("[\"Asia/Shanghai\"]", "\"Asia/Shanghai\"")],
    );
    case("time zones as an object", &[("[\"Asia/Shanghai\"]", "{}")]);
    case(
        "history element as an array of arrays",
        &[("\"history\": [", "\"history\": [ [[[1]]], ")],
    );
    case(
        "history element as a number after the first",
        &[(
            "\"outcome\": \"no_answer\" }",
            "\"outcome\": \"no_answer\" }, 5",
        )],
    );
    case(
        "history element as an object after the first, after white space",
        &[(
            "\"outcome\": \"no_answer\" }",
            "\"outcome\": \"no_answer\" } ,\n   []",
        )],
    );

    // Structs written as arrays (serde reads them positionally).
    case(
        "installment as an array",
        &[(
            "{ \"due\": \"2026-02-15\", \"amount\": 120000 }",
            "[\"2026-02-15\", 120000]",
        )],
    );
    case(
        "installment as an empty array",
        &[("{ \"due\": \"2026-02-15\", \"amount\": 120000 }", "[]")],
    );
    case(
        "installment as a short array",
        &[(
            "{ \"due\": \"2026-02-15\", \"amount\": 120000 }",
            "[\"2026-02-15\"  ]",
        )],
    );
    case(
        "installment as an array, wrong type second",
        &[(
            "{ \"due\": \"2026-02-15\", \"amount\": 120000 }",
            "[\"2026-02-15\", \"x\"]",
        )],
    );
    case(
        "installment as an array, bad date first",
        &[(
            "{ \"due\": \"2026-02-15\", \"amount\": 120000 }",
            "[\"2026-02-31\", 1]",
        )],
    );
    case(
        "installment as an array, too long",
        &[(
            "{ \"due\": \"2026-02-15\", \"amount\": 120000 }",
            "[\"2026-02-15\", 1, 2, 3]",
        )],
    );

    // Unknown fields.
    case(
        "unknown field in account",
        &[("\"currency\": \"CNY\"", "\"currncy\": \"CNY\"")],
    );
    case(
        "unknown field at the top",
        &[("\"as_of\"", "\"asof\": 1, \"as_of\"")],
    );
    case(
        "unknown field at the end of the document",
        &[(
            "\"outcome\": \"no_answer\" }\n  ]",
            "\"outcome\": \"no_answer\" }\n  ], \"zzz\": {}",
        )],
    );
    case(
        "unknown field last in an event",
        &[(
            "\"outcome\": \"no_answer\"",
            "\"outcome\": \"no_answer\", \"foo\": 1",
        )],
    );
    case(
        "unknown field in a contact's channel",
        &[(
            "{ \"id\": \"c1m\", \"kind\": \"mobile\" }",
            "{ \"id\": \"c1m\", \"kind\": \"mobile\", \"typo\" : true }",
        )],
    );
    case(
        "unknown field in borrower flags",
        &[(
            "\"risk_grade\": \"B\"",
            "\"risk_grade\": \"B\", \"flags\": { \"alive\": true }",
        )],
    );
    case(
        "unknown field with a Chinese name",
        &[("\"currency\": \"CNY\"", "\"币种\": \"CNY\"")],
    );
    case(
        "unknown field with an escaped name",
        &[("\"currency\": \"CNY\"", "\"cur\\u00e9ncy\": \"CNY\"")],
    );
    case(
        "unknown field with a quote and a backslash in its name",
        &[("\"currency\": \"CNY\"", "\"a\\\"b\\\\c\": \"CNY\"")],
    );
    case(
        "unknown field with an astral escape",
        &[("\"currency\": \"CNY\"", "\"\\ud83d\\ude42\": \"CNY\"")],
    );
    case(
        "unknown field with an empty name",
        &[("\"currency\": \"CNY\"", "\"\": \"CNY\"")],
    );
    case(
        "unknown field with a dot and brackets in its name",
        &[("\"currency\": \"CNY\"", "\"a.b[0]\": \"CNY\"")],
    );
    case(
        "a known field written with an escape",
        &[("\"currency\": \"CNY\"", "\"curr\\u0065ncy\": \"CNY\"")],
    );

    // Missing fields: the path is the missing field itself, inside the object that lacks it.
    case("missing currency", &[("\"currency\": \"CNY\",", "")]);
    case(
        "missing due in an installment",
        &[(
            "{ \"due\": \"2026-03-15\", \"amount\": 120000 }",
            "{ \"amount\": 120000 }",
        )],
    );
    case(
        "missing as_of",
        &[("\"as_of\": \"2026-03-10T14:30:00+08:00\",", "")],
    );
    case(
        "missing kind in a contact's channel",
        &[(
            "{ \"id\": \"c1m\", \"kind\": \"mobile\" }",
            "{ \"id\": \"c1m\" }",
        )],
    );
    case("missing id in a contact", &[("{ \"id\": \"c1\", ", "{ ")]);
    case(
        "missing fields of an empty event",
        &[("\"history\": [", "\"history\": [ {}, ")],
    );
    case(
        "a misspelt borrower: the unknown name comes first",
        &[("\"borrower\": {", "\"x_borrower\": {")],
    );
    case(
        "missing borrower",
        &[("\"borrower\": {", "\"extensions\": {")],
    );
    case("empty object", &[(CASE, "{}")]);
    case(
        "missing field, white space before the brace",
        &[(
            "{ \"due\": \"2026-03-15\", \"amount\": 120000 }",
            "{ \"amount\": 120000 \n\n }",
        )],
    );

    // Duplicate keys: the path is the object's.
    case(
        "duplicate id in account",
        &[(
            "\"currency\": \"CNY\"",
            "\"id\": \"L-1002\", \"currency\": \"CNY\"",
        )],
    );
    case(
        "duplicate type in an event",
        &[(
            "\"type\": \"call\"",
            "\"type\": \"call\", \"type\" : \"sms\"",
        )],
    );

    // Enums: unknown variants (string and object form), variants with data.
    case(
        "unknown call outcome",
        &[("\"outcome\": \"no_answer\"", "\"outcome\": \"hung_up\"")],
    );
    case(
        "unknown channel kind",
        &[("\"kind\": \"work_phone\"", "\"kind\": \"fax\"")],
    );
    case(
        "unknown channel kind in object form",
        &[("\"kind\": \"work_phone\"", "\"kind\": { \"fax\": null }")],
    );
    case(
        "known channel kind in object form",
        &[(
            "\"kind\": \"work_phone\"",
            "\"kind\": { \"work_phone\": null }",
        )],
    );
    case(
        "unit variant in object form with a value",
        &[(
            "\"kind\": \"work_phone\"",
            "\"kind\": { \"work_phone\": 1 }",
        )],
    );
    case(
        "unit variant in object form with an object",
        &[(
            "\"kind\": \"work_phone\"",
            "\"kind\": { \"work_phone\": {} }",
        )],
    );
    case(
        "enum as an empty object",
        &[("\"kind\": \"work_phone\"", "\"kind\": {}")],
    );
    case(
        "enum as an object of two keys",
        &[(
            "\"kind\": \"work_phone\"",
            "\"kind\": { \"mobile\": null, \"email\": null }",
        )],
    );
    case(
        "enum as a number",
        &[("\"kind\": \"work_phone\"", "\"kind\": 5")],
    );
    case(
        "enum as null (not an option)",
        &[("\"kind\": \"work_phone\"", "\"kind\": null")],
    );
    case(
        "option enum as null",
        &[("\"direction\": \"outbound\"", "\"direction\": null")],
    );
    case(
        "unknown risk grade",
        &[("\"risk_grade\": \"B\"", "\"risk_grade\": \"D\"")],
    );
    case(
        "unknown weekday, last element",
        &[("[\"sat\", \"sun\"]", "[\"sat\", \"sunday\"]")],
    );
    case(
        "unknown weekday, first element",
        &[("[\"sat\", \"sun\"]", "[\"saturday\", \"sun\"]")],
    );
    case(
        "unknown role",
        &[("\"role\": \"reference\"", "\"role\": \"boss\"")],
    );
    case(
        "unknown event type",
        &[("\"type\": \"call\"", "\"type\": \"telegram\"")],
    );

    // Escapes and multi-byte text before the error (columns count bytes).
    case(
        "escapes in a string before the error",
        &[
            (
                "\"product\": \"consumer_loan\"",
                "\"product\": \"a\\\"b\\\\c\\u4e2d\\n\\/{[\"",
            ),
            (
                "\"book_time_zone\": \"Asia/Shanghai\"",
                "\"book_time_zone\": \"Asia/Shang\\\"hai\"",
            ),
        ],
    );
    case(
        "Chinese text before the error on the same line",
        &[(
            "\"id\": \"L-1001\",",
            "\"id\": \"贷款一〇〇一，逾期🙂\", \"installments\": 7,",
        )],
    );
    case(
        "Chinese text before an unknown field on the same line",
        &[(
            "\"id\": \"L-1001\"",
            "\"id\": \"贷款一〇〇一\", \"备注\": \"逾期\"",
        )],
    );
    case(
        "Chinese text before a missing field on the same line",
        &[(
            "{ \"id\": \"c1m\", \"kind\": \"mobile\" }",
            "{ \"id\": \"联系人🙂手机\" }",
        )],
    );
    case(
        "Chinese text in extensions, then an error",
        &[
            (
                "\"as_of\"",
                "\"extensions\": { \"备注\": [\"逾期🙂\", { \"深\": [[{}]] }] }, \"as_of\"",
            ),
            ("\"amount\": 50000", "\"amount\": \"五万\""),
        ],
    );
    case(
        "Windows line endings",
        &[(
            CASE,
            &CASE
                .replace('\n', "\r\n")
                .replace("\"due\": \"2026-03-15\"", "\"due\": \"2026-3-15\""),
        )],
    );
    case(
        "one line",
        &[(
            CASE,
            &CASE
                .replace(['\n', ' '], "")
                .replace("\"kind\":\"email\"", "\"kind\":\"mail\""),
        )],
    );

    // Extensions: anything goes, except what is not JSON.
    case(
        "extensions hold anything",
        &[(
            "\"as_of\"",
            "\"extensions\": { \"a\": [1, {\"b\": null}, \"x\", 1.5e300, -0] }, \"as_of\"",
        )],
    );
    case(
        "extensions deeper than serde_json allows",
        &[(
            "\"as_of\"",
            &format!(
                "\"extensions\": {}1{}, \"as_of\"",
                "[".repeat(200),
                "]".repeat(200)
            ),
        )],
    );
    case(
        "extensions with a number beyond f64",
        &[("\"as_of\"", "\"extensions\": { \"n\": 1e999 }, \"as_of\"")],
    );
    case(
        "extensions with a lone surrogate",
        &[("\"as_of\"", "\"extensions\": \"\\ud800\", \"as_of\"")],
    );

    // Syntax: the path is empty and the message says where.
    case(
        "trailing comma in an object",
        &[("\"risk_grade\": \"B\"", "\"risk_grade\": \"B\",")],
    );
    case(
        "trailing comma in an array",
        &[("[\"sat\", \"sun\"]", "[\"sat\", \"sun\",]")],
    );
    case(
        "missing colon",
        &[("\"currency\": \"CNY\"", "\"currency\" \"CNY\"")],
    );
    case(
        "missing comma",
        &[("\"currency\": \"CNY\",", "\"currency\": \"CNY\"")],
    );
    case("truncated", &[(CASE, &CASE[..CASE.len() / 2])]);
    case("trailing characters", &[(CASE, &format!("{CASE} {{}}"))]);
    case(
        "mismatched bracket",
        &[("[\"sat\", \"sun\"]", "[\"sat\", \"sun\"}")],
    );
    case(
        "control character in a string",
        &[("L-1001", "L-\u{1}1001")],
    );
    case("invalid escape", &[("L-1001", "L-\\x1001")]);
    case(
        "key not a string",
        &[("\"currency\": \"CNY\"", "currency: \"CNY\"")],
    );
    case("byte order mark", &[(CASE, &format!("\u{feff}{CASE}"))]);
    case("not an object", &[(CASE, "[1, 2]")]);
    case("a string", &[(CASE, "\"case\"")]);
    case("empty", &[(CASE, "  \n ")]);
    case(
        "nested arrays as an event",
        &[(
            "\"history\": [",
            &format!("\"history\": [{}", "[".repeat(300)),
        )],
    );

    // After reading: validation names its own paths.
    case(
        "negative payment",
        &[("\"amount\": 50000", "\"amount\": -5")],
    );
    case(
        "event after as_of",
        &[("2026-03-09T10:00:00+08:00", "2026-03-11T10:00:00+08:00")],
    );

    let mut policy = |label: &'static str, base: &str, list: &[(&str, &str)]| {
        t.push((label, read_policy(&edits(base, list))));
    };
    policy("cn pack is valid", cn, &[]);
    policy("us pack is valid", us, &[]);
    policy(
        "grace days negative",
        cn,
        &[("\"grace_days\": 0", "\"grace_days\": -1")],
    );
    policy(
        "min_dpd as a string",
        cn,
        &[("\"min_dpd\": 1,", "\"min_dpd\": \"1\",")],
    );
    policy(
        "unknown field in a stage",
        cn,
        &[(
            "\"label\": \"Not past due\",",
            "\"label\": \"Not past due\", \"colour\": \"green\",",
        )],
    );
    policy(
        "missing rule in a stage",
        cn,
        &[("\"rule\": \"cn.stage.current\",", "")],
    );
    policy(
        "holiday date after a Chinese name",
        cn,
        &[("\"from\": \"2025-01-28\"", "\"from\": \"2025-13-28\"")],
    );
    policy(
        "holiday date last in its object",
        cn,
        &[("\"to\": \"2025-02-04\"", "\"to\": \"2025-02-30\"")],
    );
    policy(
        "working day in the middle of its array",
        cn,
        &[("\"2025-09-28\"", "\"2025-09-31\"")],
    );
    policy(
        "working day last in its array",
        cn,
        &[("\"2026-10-10\"", "\"2026-10-32\"")],
    );
    policy(
        "unknown weekend day",
        cn,
        &[("\"sun\"\n    ]", "\"sunday\"\n    ]")],
    );
    policy(
        "unknown channel of an action",
        cn,
        &[("\"home_phone\",", "\"fax\",")],
    );
    policy(
        "clock time in a window slot",
        cn,
        &[("\"from\": \"08:00\"", "\"from\": \"8:00\"")],
    );
    policy(
        "clock time last in a window slot",
        cn,
        &[("\"to\": \"22:00\"", "\"to\": \"22:60\"")],
    );
    policy(
        "period days as a string",
        cn,
        &[(
            "\"days\": 1\n        },\n        \"limit\": 3",
            "\"days\": \"1\"\n        },\n        \"limit\": 3",
        )],
    );
    policy(
        "period days negative",
        cn,
        &[(
            "\"days\": 1\n        },\n        \"limit\": 3",
            "\"days\": -1\n        },\n        \"limit\": 3",
        )],
    );
    policy(
        "period as a newtype variant name",
        cn,
        &[(
            "\"period\": {\n          \"days\": 1\n        },\n        \"limit\": 3",
            "\"period\": \"days\",\n        \"limit\": 3",
        )],
    );
    policy(
        "period as a newtype variant name, last in its object",
        cn,
        &[(
            "\"period\": {\n          \"days\": 1\n        },\n        \"limit\": 3",
            "\"limit\": 3, \"period\": \"days\"",
        )],
    );
    policy(
        "period with an unknown variant",
        cn,
        &[(
            "\"days\": 1\n        },\n        \"limit\": 3",
            "\"weeks\": 1\n        },\n        \"limit\": 3",
        )],
    );
    policy(
        "period as an unknown string",
        cn,
        &[(
            "\"period\": {\n          \"days\": 1\n        },\n        \"limit\": 3",
            "\"period\": \"weekly\",\n        \"limit\": 3",
        )],
    );
    policy(
        "period ever with a value",
        cn,
        &[(
            "\"period\": {\n          \"days\": 1\n        },\n        \"limit\": 3",
            "\"period\": { \"ever\": 0 },\n        \"limit\": 3",
        )],
    );
    policy(
        "scope unknown",
        cn,
        &[("\"scope\": \"party\"", "\"scope\": \"person\"")],
    );
    policy(
        "forbid_when unknown",
        cn,
        &[(
            "\"forbid_when\": \"objected\"",
            "\"forbid_when\": \"objecting\"",
        )],
    );
    policy(
        "forbid_when a newtype variant written as a string",
        cn,
        &[(
            "\"forbid_when\": \"objected\"",
            "\"forbid_when\": \"dpd_at_least\"",
        )],
    );
    policy(
        "forbid_when a newtype variant as a string, last in its object",
        cn,
        &[(
            "\"forbid_when\": \"objected\",\n      \"layer\": \"floor\"",
            "\"layer\": \"floor\", \"forbid_when\": \"party\"",
        )],
    );
    policy(
        "not of an unknown variant",
        cn,
        &[("\"not\": \"debt_related\"", "\"not\": { \"bogus\": 1 }")],
    );
    policy(
        "not of an unknown string",
        cn,
        &[("\"not\": \"debt_related\"", "\"not\": \"debt_unrelated\"")],
    );
    policy(
        "any: a newtype variant as a string, last element",
        cn,
        &[(
            "\"debt_related\",\n          \"lost_contact\"",
            "\"debt_related\",\n          \"dpd_at_least\"",
        )],
    );
    policy(
        "any: a newtype variant as a string, first element",
        cn,
        &[(
            "\"debt_related\",\n          \"lost_contact\"",
            "\"dpd_at_least\",\n          \"lost_contact\"",
        )],
    );
    policy(
        "any: a newtype variant as a string, white space before the bracket",
        cn,
        &[(
            "\"debt_related\",\n          \"lost_contact\"\n",
            "\"debt_related\",\n          \"risk_grade\"   \n\n",
        )],
    );
    policy(
        "any: negative count in a nested variant",
        cn,
        &[(
            "\"debt_related\",\n          \"lost_contact\"",
            "\"debt_related\",\n          { \"broken_promises_at_least\": -2 }",
        )],
    );
    policy(
        "any: unknown variant in object form, second element",
        cn,
        &[(
            "\"debt_related\",\n          \"lost_contact\"",
            "\"debt_related\",\n          { \"lost_contact_since\": 2 }",
        )],
    );
    policy(
        "any as a number",
        cn,
        &[(
            "\"any\": [\n          \"debt_related\",\n          \"lost_contact\"\n        ]",
            "\"any\": 5",
        )],
    );
    policy(
        "any as an object",
        cn,
        &[(
            "\"any\": [\n          \"debt_related\",\n          \"lost_contact\"\n        ]",
            "\"any\": { \"x\": 1 }",
        )],
    );
    policy(
        "always with a value",
        cn,
        &[(
            "\"forbid_when\": \"objected\"",
            "\"forbid_when\": { \"always\": 1 }",
        )],
    );
    policy(
        "always with an object",
        cn,
        &[(
            "\"forbid_when\": \"objected\"",
            "\"forbid_when\": { \"always\": { \"a\": 1 } }",
        )],
    );
    policy(
        "letter_sent with an unknown field",
        us,
        &[(
            "\"kind\": \"validation_notice\"",
            "\"kind\": \"validation_notice\", \"extra\": 2",
        )],
    );
    policy(
        "letter_sent with an unknown kind",
        us,
        &[("\"kind\": \"validation_notice\"", "\"kind\": \"telegram\"")],
    );
    policy(
        "letter_sent missing its kind",
        us,
        &[(
            "\"kind\": \"validation_notice\",\n                \"working_days\": 5",
            "\"working_days\": 5",
        )],
    );
    policy(
        "borrower flag unknown",
        us,
        &[(
            "\"borrower_flag\": \"bankruptcy\"",
            "\"borrower_flag\": \"bankrupt\"",
        )],
    );
    policy(
        "status when null",
        us,
        &[("\"when\": \"attorney_known\"", "\"when\": null")],
    );
    policy(
        "status when a number",
        us,
        &[("\"when\": \"attorney_known\"", "\"when\": 1")],
    );
    policy(
        "status when an array",
        us,
        &[(
            "\"when\": \"attorney_known\"",
            "\"when\": [\"attorney_known\"]",
        )],
    );
    policy(
        "unknown field at the top",
        cn,
        &[(
            "\"version\": \"2026.2\",",
            "\"version\": \"2026.2\", \"foo\": 1,",
        )],
    );
    let mut without_queues: serde_json::Value = serde_json::from_str(cn).expect("pack");
    without_queues
        .as_object_mut()
        .expect("object")
        .remove("queues");
    let without_queues = serde_json::to_string_pretty(&without_queues).expect("serialise");
    policy("missing queues", &without_queues, &[]);
    policy(
        "effective_from bad, last field of the document",
        cn,
        &[(
            cn.trim_end().strip_suffix('}').expect("object"),
            &format!(
                "{}, \"effective_from\": \"2026-02-29\"\n",
                cn.trim_end().strip_suffix('}').expect("object")
            ),
        )],
    );
    policy(
        "stages as an object",
        cn,
        &[("\"stages\": [", "\"stages\": { \"a\": [")],
    );
    policy(
        "syntax error in a policy",
        cn,
        &[("\"grace_days\": 0", "\"grace_days\": 0 0")],
    );
    policy(
        "duplicate field in the delinquency rules",
        cn,
        &[(
            "\"grace_days\": 0",
            "\"grace_days\": 0, \"cite\": \"x\", \"grace_days\": 1",
        )],
    );
    policy(
        "lender: count as a string in a nested condition",
        LENDER_CN,
        &[(
            "{ \"broken_promises_at_least\": 2 }",
            "{ \"broken_promises_at_least\": \"2\" }",
        )],
    );
    policy(
        "lender: unknown field",
        LENDER_CN,
        &[("\"rules\"", "\"rulez\"")],
    );
    policy(
        "lender: missing version",
        LENDER_CN,
        &[("\"version\": \"2026.1\",", "")],
    );
    policy(
        "lender: title a number",
        LENDER_CN,
        &[(
            "\"title\": \"cn-microloan with the seed documents' field-visit rules\"",
            "\"title\": 7",
        )],
    );
    policy(
        "lender: unknown exclusion after Chinese text",
        LENDER_US,
        &[("\"under_consent\"", "\"under_duress\"")],
    );
    policy(
        "lender: cap period an unknown variant",
        LENDER_US,
        &[("{ \"days\": 7 }", "{ \"weeks\": 1 }")],
    );
    policy(
        "lender: extends an unknown pack",
        LENDER_US,
        &[("\"extends\": \"us-reg-f\"", "\"extends\": \"us-reg-x\"")],
    );
    t.push((
        "lender: diagnose a nested error",
        diagnose(&edit(
            LENDER_CN,
            "\"scope\": \"party\"",
            "\"scope\": \"room\"",
        )),
    ));
    t.push((
        "versions: nested error",
        read_engine(&edit(
            VERSIONS,
            "\"effective_from\": \"2026-06-01\"",
            "\"effective_from\": \"2026-06-31\"",
        )),
    ));
    t.push((
        "versions: unknown field in the second",
        read_engine(&edit(
            VERSIONS,
            "\"version\": \"2026.2\",",
            "\"version\": \"2026.2\", \"zzz\": [],",
        )),
    ));
    t
}

// --- The generated table -------------------------------------------------------------------------

/// xorshift64*: a fixed sequence, the same on every machine.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        usize::try_from(x >> 33).unwrap_or(0) % n.max(1)
    }
}

fn palette(rng: &mut Rng) -> serde_json::Value {
    use serde_json::json;
    let all = [
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(4_294_967_296_u64),
        json!(9_223_372_036_854_775_808_u64),
        json!(""),
        json!("x"),
        json!("2026-02-30"),
        json!("3026-01-01"),
        json!("2026-03-10T14:30:00"),
        json!("24:01"),
        json!("7:00"),
        json!("Mars/Base"),
        json!("逾期🙂 \"引号\" \\ 反斜杠"),
        json!("dpd_at_least"),
        json!("always"),
        json!("days"),
        json!("ever"),
        json!("mobile"),
        json!({}),
        json!([]),
        json!([[]]),
        json!(["x"]),
        json!({ "zzz": 1 }),
        json!({ "dpd_at_least": "x" }),
        json!({ "not": "bogus" }),
        json!({ "always": 1 }),
        json!({ "days": -1 }),
    ];
    all[rng.below(all.len())].clone()
}

/// Every node of a document as a JSON pointer, parents before children.
fn pointers(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(child, p, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(child, p, out);
            }
        }
        _ => {}
    }
}

/// One mutation at a random node: replace it, drop it, add an unknown key, write an object as an
/// array of its values, or wrap a string as an enum in object form.
fn mutate(doc: &mut serde_json::Value, rng: &mut Rng) {
    use serde_json::Value;
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    if all.is_empty() {
        return;
    }
    let at = all[rng.below(all.len())].clone();
    let (parent, last) = at.rsplit_once('/').unwrap_or(("", ""));
    let op = rng.below(6);
    if op == 1 {
        match doc.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.remove(&last.replace("~1", "/").replace("~0", "~"));
            }
            Some(Value::Array(items)) => {
                if let Ok(i) = last.parse::<usize>() {
                    if i < items.len() {
                        items.remove(i);
                    }
                }
            }
            _ => {}
        }
        return;
    }
    let value = palette(rng);
    let Some(node) = doc.pointer_mut(&at) else {
        return;
    };
    match (op, &mut *node) {
        (2, Value::Object(map)) => {
            let names = ["zzz", "id_x", "备注", "a\"b", "", "\u{1F642}"];
            map.insert(names[rng.below(names.len())].to_string(), value);
        }
        (3, Value::Object(map)) => {
            let values: Vec<Value> = map.values().cloned().collect();
            *node = Value::Array(values);
        }
        (4, Value::String(s)) => {
            let mut map = serde_json::Map::new();
            map.insert(s.clone(), value);
            *node = Value::Object(map);
        }
        _ => *node = value,
    }
}

/// The three layouts a document is written in: compact, pretty, and pretty with CR LF, tabs and
/// spaces before every line break (white space before closing brackets and commas).
fn layouts(doc: &serde_json::Value) -> [String; 3] {
    let pretty = serde_json::to_string_pretty(doc).expect("serialise");
    let spaced = pretty.replace('\n', " \r\n\t");
    [doc.to_string(), pretty, spaced]
}

/// FNV-1a, to keep the recorded messages of the generated table short.
fn fnv(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

fn short(outcome: String) -> String {
    match outcome.rsplit_once('\t') {
        Some((head, message)) => format!("{head}\t{:08x}", fnv(message)),
        None => outcome,
    }
}

/// The generated table: (label, the inputs in their three layouts, outcome with the message
/// hashed).
fn generated() -> Vec<(String, String, String)> {
    let bases: [(&str, &str, bool); 5] = [
        ("case", CASE, true),
        ("cn", pack("cn-microloan"), false),
        ("us", pack("us-reg-f"), false),
        ("lender-cn", LENDER_CN, false),
        ("lender-us", LENDER_US, false),
    ];
    let mut out = Vec::new();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (name, text, is_case) in bases {
        let original: serde_json::Value = serde_json::from_str(text).expect("base is JSON");
        for n in 0..120 {
            let mut doc = original.clone();
            if is_case && n % 3 == 0 {
                doc["account"]["id"] = "贷款🙂一〇〇一".into();
            }
            for _ in 0..1 + rng.below(2) {
                mutate(&mut doc, &mut rng);
            }
            let inputs = layouts(&doc);
            let outcomes: Vec<String> = inputs
                .iter()
                .map(|input| {
                    short(if is_case {
                        read_case(input)
                    } else {
                        read_policy(input)
                    })
                })
                .collect();
            // One line per mutation; the layouts are listed apart only when they differ (syntax
            // errors name their line and column).
            let outcome = if outcomes.iter().all(|o| *o == outcomes[0]) {
                outcomes[0].clone()
            } else {
                outcomes.join(" | ")
            };
            out.push((format!("{name}/{n}"), inputs.join("\n\n"), outcome));
        }
    }
    out
}

// --- Comparison with the recorded outcomes --------------------------------------------------------

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Compares `label\toutcome` lines with a fixture, or rewrites it under `ARREARS_BLESS`.
fn check(name: &str, rows: &[(String, String)], input_of: &dyn Fn(usize) -> String) {
    let mut got = String::new();
    for (label, outcome) in rows {
        let _ = writeln!(got, "{label}\t{outcome}");
    }
    let path = fixture(name);
    if std::env::var_os("ARREARS_BLESS").is_some() {
        std::fs::write(&path, &got).expect("write fixture");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    let want: Vec<&str> = want.lines().collect();
    let got: Vec<&str> = got.lines().collect();
    let mut report = String::new();
    let mut bad = 0;
    for (i, g) in got.iter().enumerate() {
        let w = want.get(i).copied().unwrap_or("<missing>");
        if *g != w {
            bad += 1;
            if bad <= 10 {
                let _ = writeln!(report, "want {w}\n got {g}");
                if bad == 1 {
                    let _ = writeln!(report, "input:\n{}", input_of(i));
                }
            }
        }
    }
    assert!(
        bad == 0 && want.len() == got.len(),
        "{bad} of {} outcomes differ from {name} ({} recorded):\n{report}",
        got.len(),
        want.len()
    );
}

#[test]
fn the_table_of_malformed_documents_keeps_its_error_objects() {
    let rows: Vec<(String, String)> = table()
        .into_iter()
        .map(|(label, outcome)| (label.to_string(), outcome))
        .collect();
    check("error-paths.txt", &rows, &|_| String::new());
}

#[test]
fn generated_mutations_keep_their_error_objects() {
    let all = generated();
    let rows: Vec<(String, String)> = all
        .iter()
        .map(|(label, _, outcome)| (label.clone(), outcome.clone()))
        .collect();
    check("error-paths-generated.txt", &rows, &|i| all[i].1.clone());
}
