//! The bad inputs of `tests/abi/bad-inputs.json` through the native contract: each must give
//! exactly the bytes the file records, which the Java and Go libraries (through the module)
//! compare against too. `ARREARS_BLESS=1` rewrites the recorded answers. Entries with an
//! `engine_handle` go through the module's exports themselves, as no other surface has handles.

use arrears_core::ffi;

fn answer(call: &str, policy: &str, input: &[u8], days: u32) -> String {
    let text = match ffi::text(input) {
        Ok(t) => t,
        Err(e) => return e.to_json(),
    };
    let engine = match ffi::engine(if call == "engine" { text } else { policy }) {
        Ok(e) => e,
        Err(e) => return e.to_json(),
    };
    let result = match call {
        "engine" => Ok(ffi::policy_summary(&engine)),
        "decide" => engine.decide_json(text),
        "plan" => engine.plan_json(text, days),
        _ => ffi::decide_many_json(&engine, text),
    };
    result.unwrap_or_else(|e| e.to_json())
}

/// What the module's export answers for an engine handle no `arrears_engine_new` made. The input
/// is empty: a native test cannot hand the export a pointer into the module's memory, and an empty
/// range needs none.
fn answer_on_handle(call: &str, engine: u32, days: u32) -> String {
    let result = match call {
        "decide" => arrears_module::arrears_decide(engine, 0, 0),
        "plan" => arrears_module::arrears_plan(engine, 0, 0, days),
        _ => arrears_module::arrears_decide_many(engine, 0, 0),
    };
    assert_eq!(
        arrears_module::arrears_result_ok(result),
        0,
        "{call} on handle {engine}"
    );
    let text = arrears_module::result_text(result).expect("a result");
    arrears_module::arrears_result_free(result);
    assert!(arrears_module::result_text(result).is_none(), "freed");
    text
}

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn bad_inputs_give_the_recorded_error_objects() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/abi/bad-inputs.json"
    );
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("bad-inputs.json")).unwrap();
    let bless = std::env::var_os("ARREARS_BLESS").is_some();
    let mut differ = Vec::new();
    for entry in doc["inputs"].as_array_mut().unwrap() {
        let input = match entry.get("input_hex") {
            Some(h) => unhex(h.as_str().unwrap()),
            None => entry["input"].as_str().unwrap().as_bytes().to_vec(),
        };
        let call = entry["call"].as_str().unwrap();
        let days = entry
            .get("days")
            .map_or(0, |d| d.as_u64().expect("days") as u32);
        let got = match entry.get("engine_handle") {
            Some(handle) => {
                assert!(
                    input.is_empty(),
                    "{}: an input with a bad handle",
                    entry["name"]
                );
                answer_on_handle(call, handle.as_u64().expect("handle") as u32, days)
            }
            None => answer(
                call,
                entry["policy"].as_str().unwrap_or_default(),
                &input,
                days,
            ),
        };
        if entry["call"] != "decide_many" || !got.starts_with('[') {
            assert!(
                got.contains("\"error\""),
                "{}: not an error: {got}",
                entry["name"]
            );
        }
        if bless {
            entry["expected"] = got.into();
        } else if entry["expected"] != got.as_str() {
            differ.push(format!("{}: {got}", entry["name"]));
        }
    }
    if bless {
        std::fs::write(file, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
    }
    assert!(differ.is_empty(), "answers differ: {differ:#?}");
}
