//! The error objects of malformed cases and policies, recorded byte for byte.
//!
//! Reading a document names the JSON path of the field at fault (`account.installments[1].due`).
//! This file pins the exact `code`, `path` and `message` for a table of malformed inputs covering
//! every kind of failure serde reports (unknown and missing fields, wrong types, values out of
//! range, the hand-written readers of dates, instants, zones and clock times, unknown enum
//! variants in both of their JSON forms, numbers beyond `i64`, duplicate keys, structs written as
//! arrays, syntax errors), at several depths, inside arrays of objects and nested conditions, and
//! after multi-byte text on the same line. A second, generated table applies deterministic
//! mutations to the example case and to the policy documents and records each outcome, keyed by
//! the document, the path of the node it changes and the change (`cn rules[id=cn.floor.hours]
//! dropped`).
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
        "unknown field at the top of a policy",
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
//
// Each mutation is keyed by the path of the node it changes, and both the choice of nodes and the
// mutation made at each come from a hash of that key: editing a document adds, drops or changes
// the lines of the nodes it touches and leaves every other line where it was.

/// FNV-1a: the choices of the generated table, and its recorded messages kept short.
fn fnv(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The `n`th value a mutation may write.
fn palette(n: u32) -> serde_json::Value {
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
    all[n as usize % all.len()].clone()
}

/// Every node of a document, parents before children: its JSON pointer (to change it) and its
/// path as the error paths write it, an element of an array named by its `id` where it has one
/// (`rules[id=cn.floor.hours].window`) so that inserting an element renames none of the others.
fn nodes(v: &serde_json::Value, at: (String, String), out: &mut Vec<(String, String)>) {
    let (pointer, path) = at;
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                let p = format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                let q = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                out.push((p.clone(), q.clone()));
                nodes(child, (p, q), out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let p = format!("{pointer}/{i}");
                let q = match child["id"].as_str() {
                    Some(id) => format!("{path}[id={id}]"),
                    None => format!("{path}[{i}]"),
                };
                out.push((p.clone(), q.clone()));
                nodes(child, (p, q), out);
            }
        }
        _ => {}
    }
}

/// Mutation `op` (0-5) of the node at `pointer`, with `seed` choosing the value: replace it,
/// drop it, add an unknown key, write an object as an array of its values, or wrap a string as an
/// enum in object form (a kind that does not fit the node replaces it). Returns what it did.
fn mutate(doc: &mut serde_json::Value, pointer: &str, op: u32, seed: u32) -> String {
    use serde_json::Value;
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", ""));
    if op == 1 {
        match doc.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.remove(&last.replace("~1", "/").replace("~0", "~"));
            }
            Some(Value::Array(items)) => {
                if let Some(i) = last.parse::<usize>().ok().filter(|i| *i < items.len()) {
                    items.remove(i);
                }
            }
            _ => {}
        }
        return "dropped".into();
    }
    let value = palette(seed);
    let node = doc.pointer_mut(pointer).expect("a node of the document");
    match (op, &mut *node) {
        (2, Value::Object(map)) => {
            let names = ["zzz", "id_x", "备注", "a\"b", "", "\u{1F642}"];
            let name = names[(seed >> 8) as usize % names.len()];
            map.insert(name.to_string(), value.clone());
            format!("+ {}: {value}", Value::from(name))
        }
        (3, Value::Object(map)) => {
            let values: Vec<Value> = map.values().cloned().collect();
            *node = Value::Array(values);
            "as an array".into()
        }
        (4, Value::String(s)) => {
            let mut map = serde_json::Map::new();
            map.insert(s.clone(), value);
            *node = Value::Object(map);
            format!("as {node}")
        }
        _ => {
            *node = value;
            format!("= {node}")
        }
    }
}

/// The three layouts a document is written in: compact, pretty, and pretty with CR LF, tabs and
/// spaces before every line break (white space before closing brackets and commas).
fn layouts(doc: &serde_json::Value) -> [String; 3] {
    let pretty = serde_json::to_string_pretty(doc).expect("serialise");
    let spaced = pretty.replace('\n', " \r\n\t");
    [doc.to_string(), pretty, spaced]
}

fn short(outcome: String) -> String {
    match outcome.rsplit_once('\t') {
        Some((head, message)) => format!("{head}\t{:08x}", fnv(message)),
        None => outcome,
    }
}

/// The generated table: (label `document path mutation`, the inputs in their three layouts,
/// outcome with the message hashed), for the example case (also with a multi-byte account id, so
/// that messages follow multi-byte text), the packs and the lender documents.
fn generated() -> Vec<(String, String, String)> {
    let mut cjk_id: serde_json::Value = serde_json::from_str(CASE).expect("base is JSON");
    cjk_id["account"]["id"] = "贷款🙂一〇〇一".into();
    let cjk_id = cjk_id.to_string();
    let bases = [
        ("case", CASE, true),
        ("case-cjk-id", &cjk_id, true),
        ("cn", pack("cn-microloan"), false),
        ("us", pack("us-reg-f"), false),
        ("lender-cn", LENDER_CN, false),
        ("lender-us", LENDER_US, false),
    ];
    bases
        .into_iter()
        .flat_map(|(name, text, is_case)| mutations(name, text, is_case))
        .collect()
}

/// The generated rows of one document: a document of fewer than 200 nodes gets two mutations at
/// every node, a larger one (a pack) one at each node its hash picks.
fn mutations(name: &str, text: &str, is_case: bool) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let original: serde_json::Value = serde_json::from_str(text).expect("base is JSON");
    let mut all = Vec::new();
    nodes(&original, (String::new(), String::new()), &mut all);
    let every_node = all.len() < 200;
    for (pointer, path) in all {
        let h = fnv(&format!("{name} {path}"));
        let ops = if every_node {
            let first = h % 6;
            vec![first, (first + 1 + (h >> 3) % 5) % 6]
        } else if h.is_multiple_of(12) {
            vec![(h >> 4) % 6]
        } else {
            vec![]
        };
        for op in ops {
            let mut doc = original.clone();
            // The seed moves with the op, so two ops that both replace write different values.
            let did = mutate(&mut doc, &pointer, op, (h >> 7) + op);
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
            // One line per mutation; the layouts are listed apart only when they differ
            // (syntax errors name their line and column).
            let outcome = if outcomes.iter().all(|o| *o == outcomes[0]) {
                outcomes[0].clone()
            } else {
                outcomes.join(" | ")
            };
            out.push((format!("{name} {path} {did}"), inputs.join("\n\n"), outcome));
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

/// Compares `label\toutcome` lines with a fixture by label, or rewrites it under `ARREARS_BLESS`:
/// a line is found by what it tests, never by its position, so a new row changes one line.
fn check(name: &str, rows: &[(String, String)], input_of: &dyn Fn(usize) -> String) {
    let mut got = String::new();
    let mut labels = std::collections::BTreeSet::new();
    for (label, outcome) in rows {
        assert!(!label.contains('\t'), "a label holds a tab: {label}");
        assert!(
            labels.insert(label.as_str()),
            "two rows are labelled {label}"
        );
        let _ = writeln!(got, "{label}\t{outcome}");
    }
    let path = fixture(name);
    if std::env::var_os("ARREARS_BLESS").is_some() {
        std::fs::write(&path, &got).expect("write fixture");
        return;
    }
    let recorded = std::fs::read_to_string(&path).unwrap_or_default();
    let want: std::collections::BTreeMap<&str, &str> = recorded
        .lines()
        .map(|l| l.split_once('\t').unwrap_or((l, "")))
        .collect();
    let mut report = String::new();
    let mut bad = 0;
    for (i, (label, outcome)) in rows.iter().enumerate() {
        let problem = match want.get(label.as_str()) {
            Some(w) if *w == outcome => continue,
            Some(w) => format!("{label}\n  want {w}\n   got {outcome}"),
            None => format!("{label}\n  not recorded; got {outcome}"),
        };
        bad += 1;
        if bad <= 10 {
            let _ = writeln!(report, "{problem}");
            if bad == 1 {
                let _ = writeln!(report, "input:\n{}", input_of(i));
            }
        }
    }
    let gone: Vec<&&str> = want.keys().filter(|l| !labels.contains(**l)).collect();
    assert!(
        bad == 0 && gone.is_empty(),
        "{bad} of {} outcomes differ from {name}, and {} recorded rows are gone {:?}:\n{report}",
        rows.len(),
        gone.len(),
        gone.iter().take(10).collect::<Vec<_>>()
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

#[test]
fn a_rule_added_to_a_pack_keeps_every_other_generated_row() {
    let cn = pack("cn-microloan");
    let mut grown: serde_json::Value = serde_json::from_str(cn).unwrap();
    let first = grown["rules"][0].clone();
    let mut added = first.clone();
    added["id"] = "cn.added.first".into();
    grown["rules"].as_array_mut().unwrap().insert(0, added);
    let labels = |rows: Vec<(String, String, String)>| -> std::collections::BTreeSet<String> {
        rows.into_iter().map(|(label, _, _)| label).collect()
    };
    let before = labels(mutations("cn", cn, false));
    let after = labels(mutations("cn", &grown.to_string(), false));
    let kept = before.intersection(&after).count();
    assert!(before.len() > 50, "{} rows", before.len());
    assert_eq!(
        kept,
        before.len(),
        "rows lost: {:?}",
        before.difference(&after).collect::<Vec<_>>()
    );
    assert!(
        after
            .iter()
            .all(|l| before.contains(l) || l.starts_with("cn rules[id=cn.added.first]")),
        "{after:?}"
    );
}
