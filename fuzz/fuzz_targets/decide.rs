//! Any bytes as a case, under both packs: a decision or an error object, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for pack in arrears_core::policy::packs::IDS {
        match arrears_core::ffi::decide(pack, text) {
            Ok(out) | Err(out) => {
                let v: serde_json::Value = serde_json::from_str(&out).expect("output is JSON");
                assert!(v.get("error").is_some() || v.get("delinquency").is_some());
            }
        }
    }
});
