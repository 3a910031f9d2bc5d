//! Any bytes as a plan request under every pack: the first byte picks the horizon (1 to 31 days),
//! the rest is the case. A plan or an error object, never a panic, and a plan only where the
//! decision of the same case is not an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn engines() -> &'static [arrears_core::Engine] {
    static ENGINES: OnceLock<Vec<arrears_core::Engine>> = OnceLock::new();
    ENGINES.get_or_init(|| {
        arrears_core::policy::packs::IDS
            .iter()
            .map(|id| arrears_core::Engine::from_reference(id).expect("a built-in pack loads"))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let days = 1 + u32::from(first) % arrears_core::plan::MAX_PLAN_DAYS;
    for engine in engines() {
        let planned = engine.plan_json(text, days);
        let decided = engine.decide_json(text);
        match planned {
            Ok(out) => {
                let v: serde_json::Value = serde_json::from_str(&out).expect("a plan is JSON");
                assert!(v.get("candidates").is_some(), "a plan lists its candidates");
                assert!(decided.is_ok(), "a plan of a case that cannot be decided");
            }
            Err(e) => {
                let v: serde_json::Value =
                    serde_json::from_str(&e.to_json()).expect("the error object is JSON");
                assert!(v.get("error").is_some());
            }
        }
    }
});
