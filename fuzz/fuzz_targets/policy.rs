//! Any bytes as a policy document (full, lender or versioned): loads or is refused with an
//! error object, never a panic; what loads can decide the sample case.
#![no_main]

use libfuzzer_sys::fuzz_target;

const SAMPLE: &str = include_str!("../../examples/cases/overdue-consumer-loan.json");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(engine) = arrears_core::Engine::from_reference(text) {
        let _ = engine.decide_json(SAMPLE);
    }
    let v = arrears_core::ffi::validate_policy(text);
    assert!(v.valid || !v.diagnostics.is_empty());
});
