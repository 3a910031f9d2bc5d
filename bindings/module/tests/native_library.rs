//! The exports as the native shared library serves them (the Java library's fast path on Java
//! 22+): the same protocol as the WebAssembly module, with the machine's addresses, and one state
//! for the whole process so a handle made on one thread is good on every other.

use std::thread;

use arrears_module::{
    arrears_alloc, arrears_decide, arrears_engine_drop, arrears_engine_new, arrears_free,
    arrears_result_engine, arrears_result_free, arrears_result_len, arrears_result_ok,
    arrears_result_ptr,
};

/// Copies `bytes` into an allocation of the library's, as a host does.
fn placed(bytes: &[u8]) -> usize {
    let ptr = arrears_alloc(bytes.len());
    assert_ne!(ptr, 0);
    // SAFETY: `ptr` is a fresh allocation of at least `bytes.len()` bytes.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr as *mut u8, bytes.len()) };
    ptr
}

/// A result's text read through the address and length the exports give, as a host reads it.
fn read(result: u32) -> (bool, String) {
    let (ptr, len) = (arrears_result_ptr(result), arrears_result_len(result));
    // SAFETY: the result is live, and its text stays where the export says until it is freed.
    let text = unsafe { std::slice::from_raw_parts(ptr as *const u8, len) };
    let text = String::from_utf8(text.to_vec()).unwrap();
    let ok = arrears_result_ok(result) == 1;
    arrears_result_free(result);
    (ok, text)
}

#[test]
fn a_made_up_address_is_an_error_object_and_never_read() {
    // Far outside anything the process maps: reading it would crash the test.
    let made_up: usize = 0x7ff0_dead_0000;
    let (ok, text) = read(arrears_engine_new(made_up, 16));
    assert!(!ok);
    assert_eq!(
        text,
        format!(
            r#"{{"error":{{"code":"invalid_json","path":"","message":"bytes {}..{} were not allocated with arrears_alloc"}}}}"#,
            made_up,
            made_up + 16
        )
    );
    let huge = arrears_alloc(8);
    let (ok, text) = read(arrears_decide(1, huge, usize::MAX));
    arrears_free(huge, 8);
    assert!(!ok);
    assert!(
        text.contains("were not allocated with arrears_alloc"),
        "{text}"
    );
}

#[test]
fn an_engine_made_on_one_thread_decides_on_others_with_the_bytes_of_the_core() {
    let policy = placed(b"cn-microloan");
    let made = arrears_engine_new(policy, "cn-microloan".len());
    arrears_free(policy, "cn-microloan".len());
    let engine = arrears_result_engine(made);
    let (ok, summary) = read(made);
    assert!(ok, "{summary}");
    assert_ne!(engine, 0);

    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/cases/overdue-consumer-loan.json"
    );
    let case = std::fs::read(path).unwrap();
    let want = arrears_core::ffi::engine("cn-microloan")
        .unwrap()
        .decide_json(std::str::from_utf8(&case).unwrap())
        .unwrap();
    let deciders: Vec<_> = (0..4)
        .map(|_| {
            let case = case.clone();
            thread::spawn(move || {
                (0..5)
                    .map(|_| {
                        let ptr = placed(&case);
                        let result = arrears_decide(engine, ptr, case.len());
                        arrears_free(ptr, case.len());
                        read(result)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for decider in deciders {
        for (ok, text) in decider.join().unwrap() {
            assert!(ok, "{text}");
            assert_eq!(text, want);
        }
    }
    arrears_engine_drop(engine);
    let (ok, text) = read(arrears_decide(engine, 0, 0));
    assert!(!ok);
    assert!(text.contains("unknown_engine"), "{text}");
}
