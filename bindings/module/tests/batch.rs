//! The batch export of the plain module (`arrears_decide_batch`, `docs/abi.md`) as a host calls
//! it. The contract behind it (records in, one answer record per case out, each exactly the bytes
//! of deciding that case alone, the limits) is `ffi::decide_batch`'s, tested in
//! `core/tests/batch.rs`; the hosts' own tests (Go, Java) run the same properties through the
//! module.

#[test]
fn the_export_refuses_an_unknown_engine_as_a_whole() {
    let result = arrears_module::arrears_decide_batch(987_654, 0, 0);
    assert_eq!(arrears_module::arrears_result_ok(result), 0);
    let text = arrears_module::result_text(result).unwrap();
    assert!(
        text.starts_with(r#"{"error":{"code":"unknown_engine""#),
        "{text}"
    );
    arrears_module::arrears_result_free(result);
    assert!(arrears_module::result_bytes(result).is_none());
}
