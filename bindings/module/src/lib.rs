//! The plain-module surface: the core's JSON contract over linear memory, for runtimes without
//! the component model (Chicory on the JVM, wazero in Go). Built for `wasm32-unknown-unknown`, the
//! module imports nothing. `docs/abi.md` is the contract for hosts.
//!
//! The same exports built natively make a shared library with the same protocol (the Java
//! library's fast path on Java 22+ calls it through the Foreign Function and Memory API).
//! Addresses and lengths are `usize`: `i32` in the WebAssembly module, so its exports are those
//! every host was written against, and the machine's pointer width natively.
//!
//! Handles, not pointers, cross the boundary for engines and results, so a host that passes a
//! stale or made-up number gets the error object instead of undefined behaviour. Input ranges
//! are checked against the live allocations before they are read; a byte range the host never
//! allocated is an error too, never a read (natively, a made-up address is never dereferenced).
//! The module never traps on input.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use arrears_core::ffi;
use arrears_core::{Engine, Error, ErrorCode};

/// What one call produced: the JSON text (for a batch, the answer records), whether it is the
/// error object, and for `arrears_engine_new` the engine it made.
struct Answer {
    text: Vec<u8>,
    ok: bool,
    engine: u32,
}

#[derive(Default)]
struct State {
    /// Live guest allocations handed to the host: start address to length.
    buffers: BTreeMap<usize, usize>,
    /// Shared so a call can decide outside the lock: natively, engines on several threads
    /// decide at once.
    engines: BTreeMap<u32, Arc<Engine>>,
    answers: BTreeMap<u32, Answer>,
    /// Handles are never reused, so a dropped one stays unknown rather than naming another.
    next_handle: u32,
}

impl State {
    fn handle(&mut self) -> u32 {
        self.next_handle = self.next_handle.wrapping_add(1).max(1);
        self.next_handle
    }

    fn answer(&mut self, result: Result<String, Error>, engine: u32) -> u32 {
        self.answer_bytes(result.map(String::into_bytes), engine)
    }

    fn answer_bytes(&mut self, result: Result<Vec<u8>, Error>, engine: u32) -> u32 {
        let (text, ok) = match result {
            Ok(t) => (t, true),
            Err(e) => (e.to_json().into_bytes(), false),
        };
        let handle = self.handle();
        let answer = Answer { text, ok, engine };
        self.answers.insert(handle, answer);
        handle
    }
}

/// One state per instance of the module, and natively one per process: the library is loaded
/// once and its handles are valid on every thread, so the state is behind a lock rather than
/// per thread.
static STATE: Mutex<State> = Mutex::new(State {
    buffers: BTreeMap::new(),
    engines: BTreeMap::new(),
    answers: BTreeMap::new(),
    next_handle: 0,
});

fn lock() -> MutexGuard<'static, State> {
    // A panic cannot unwind out of an export (it aborts), so a poisoned lock only means another
    // thread's call was cut short; the maps themselves are never left half-updated by one.
    STATE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn with<T>(f: impl FnOnce(&mut State) -> T) -> T {
    f(&mut lock())
}

/// The host's bytes at `ptr..ptr+len`, if that range lies in memory the module handed out.
fn input(state: &State, ptr: usize, len: usize) -> Result<&'static [u8], Error> {
    if len == 0 {
        return Ok(&[]);
    }
    let inside = state
        .buffers
        .range(..=ptr)
        .next_back()
        .is_some_and(|(&start, &size)| ptr - start <= size && len <= size - (ptr - start));
    if !inside {
        return Err(Error::new(
            ErrorCode::InvalidJson,
            "",
            format!(
                "bytes {ptr}..{} were not allocated with arrears_alloc",
                ptr.saturating_add(len)
            ),
        ));
    }
    // SAFETY: the range lies inside a live allocation of ours (checked above), which stays
    // allocated until the host frees it, after this call returns (a host frees an input only
    // once the call that reads it is over, docs/abi.md).
    Ok(unsafe { std::slice::from_raw_parts(ptr as *const u8, len) })
}

/// The test build's trap: aborts (a WebAssembly `unreachable`) in the middle of a call, with the
/// module's state borrowed, as a bug or an exhausted memory would.
#[cfg(feature = "trap-trigger")]
fn trap_on_request(ptr: usize, len: usize) {
    with(|s| {
        if input(s, ptr, len).is_ok_and(|b| b == b"ARREARS-TRAP") {
            std::process::abort();
        }
    });
}

/// The test build's trap inside a batch: a record `ARREARS-TRAP` aborts the whole call, so the
/// hosts' recovery from a trap in the middle of a batch can be tested.
#[cfg(feature = "trap-trigger")]
fn trap_in_batch(ptr: usize, len: usize) {
    with(|s| {
        let records = input(s, ptr, len).and_then(ffi::batch_records);
        if records.is_ok_and(|r| r.iter().any(|c| *c == b"ARREARS-TRAP")) {
            std::process::abort();
        }
    });
}

fn unknown_engine(engine: u32) -> Error {
    Error::new(
        ErrorCode::UnknownEngine,
        "",
        format!("no engine has handle {engine} (never created, or dropped)"),
    )
}

/// Answers a call on an engine: reads the input at `ptr..ptr+len` (`read` makes it text, or
/// takes the bytes as they are), then finds the engine, then runs `call`. Input that cannot be
/// read is its error whatever the handle, as on every call. The decision itself runs outside
/// the lock, so natively other threads' calls go on meanwhile.
fn on_engine<I>(
    engine: u32,
    ptr: usize,
    len: usize,
    read: impl FnOnce(&'static [u8]) -> Result<I, Error>,
    call: impl FnOnce(&Engine, I) -> Result<Vec<u8>, Error>,
) -> u32 {
    let found = with(|s| {
        let bytes = input(s, ptr, len)?;
        let e = s.engines.get(&engine).cloned();
        Ok((bytes, e))
    });
    let result = found.and_then(|(bytes, e)| {
        let input = read(bytes)?;
        let e = e.ok_or_else(|| unknown_engine(engine))?;
        call(&e, input)
    });
    with(|s| s.answer_bytes(result, 0))
}

/// Allocates `len` bytes of guest memory for the host to write input into; 0 when memory is
/// exhausted. The host frees it with `arrears_free(ptr, len)`.
#[no_mangle]
pub extern "C" fn arrears_alloc(len: usize) -> usize {
    let mut buffer: Vec<u8> = Vec::new();
    if buffer.try_reserve_exact(len.max(1)).is_err() {
        return 0;
    }
    let ptr = buffer.as_mut_ptr() as usize;
    std::mem::forget(buffer);
    with(|s| s.buffers.insert(ptr, len.max(1)));
    ptr
}

/// Frees memory from `arrears_alloc`; a pointer it did not hand out (or one freed already) is
/// ignored.
#[no_mangle]
pub extern "C" fn arrears_free(ptr: usize, _len: usize) {
    if let Some(size) = with(|s| s.buffers.remove(&ptr)) {
        // SAFETY: `ptr` and `size` are exactly those of a Vec we leaked in `arrears_alloc`.
        drop(unsafe { Vec::from_raw_parts(ptr as *mut u8, 0, size) });
    }
}

/// Builds an engine from a pack id or a policy document (UTF-8 JSON text). Returns a result
/// handle: its text is `{"id","version","digest"}` and `arrears_result_engine` gives the engine,
/// or its text is the error object.
#[no_mangle]
pub extern "C" fn arrears_engine_new(ptr: usize, len: usize) -> u32 {
    with(|s| {
        let built = input(s, ptr, len).and_then(ffi::text).and_then(ffi::engine);
        match built {
            Ok(engine) => {
                let summary = ffi::policy_summary(&engine);
                let handle = s.handle();
                s.engines.insert(handle, Arc::new(engine));
                s.answer(Ok(summary), handle)
            }
            Err(e) => s.answer(Err(e), 0),
        }
    })
}

/// Decides one case (UTF-8 JSON text). Returns a result handle holding the decision or the
/// error object.
#[no_mangle]
pub extern "C" fn arrears_decide(engine: u32, ptr: usize, len: usize) -> u32 {
    #[cfg(feature = "trap-trigger")]
    trap_on_request(ptr, len);
    on_engine(engine, ptr, len, ffi::text, |e, case| {
        e.decide_json(case).map(String::into_bytes)
    })
}

/// Plans one case (UTF-8 JSON text) over the next `days` local days (1 to 31): every window in
/// which each action of the decision is allowed if nothing else happens. Returns a result handle
/// holding the plan or the error object (`out_of_range` at `days` for any other count).
#[no_mangle]
pub extern "C" fn arrears_plan(engine: u32, ptr: usize, len: usize, days: u32) -> u32 {
    on_engine(engine, ptr, len, ffi::text, |e, case| {
        e.plan_json(case, days).map(String::into_bytes)
    })
}

/// Decides a JSON array of cases. Returns a result handle holding a JSON array with, in order,
/// each case's decision or error object; the handle holds one error object only when the input
/// is not a JSON array (or the engine is unknown).
#[no_mangle]
pub extern "C" fn arrears_decide_many(engine: u32, ptr: usize, len: usize) -> u32 {
    on_engine(engine, ptr, len, ffi::text, |e, cases| {
        ffi::decide_many_json(e, cases).map(String::into_bytes)
    })
}

/// Decides a batch of cases given as records (each a `u32` little-endian length and that many
/// bytes of case text). Returns a result handle whose text is one answer record per case, in
/// order: a status byte (0 a decision, 1 an error object), a `u32` little-endian length, and the
/// bytes `arrears_decide` gives for that case alone. The handle holds the error object only when
/// the batch cannot be split into records, is over the limits (`limit_exceeded`), or names an
/// unknown engine.
#[no_mangle]
pub extern "C" fn arrears_decide_batch(engine: u32, ptr: usize, len: usize) -> u32 {
    #[cfg(feature = "trap-trigger")]
    trap_in_batch(ptr, len);
    on_engine(engine, ptr, len, Ok, ffi::decide_batch)
}

/// The arrears case of an Apache Fineract loan: the loan response at `ptr..ptr+len`, the business
/// date (`YYYY-MM-DD`) at `date_ptr..+date_len` and the tenant's time zone at `zone_ptr..+zone_len`,
/// all UTF-8. Returns a result handle holding the case or the error object.
#[no_mangle]
pub extern "C" fn arrears_import_fineract(
    ptr: usize,
    len: usize,
    date_ptr: usize,
    date_len: usize,
    zone_ptr: usize,
    zone_len: usize,
) -> u32 {
    with(|s| {
        let text = |p, l| input(s, p, l).and_then(ffi::text);
        let result = text(ptr, len).and_then(|loan| {
            let date = text(date_ptr, date_len)?;
            let zone = text(zone_ptr, zone_len)?;
            ffi::import_fineract(loan, date, zone)
        });
        s.answer(result, 0)
    })
}

/// Where a result's text starts (0 for an unknown result handle).
#[no_mangle]
pub extern "C" fn arrears_result_ptr(result: u32) -> usize {
    with(|s| {
        s.answers
            .get(&result)
            .map_or(0, |a| a.text.as_ptr() as usize)
    })
}

/// The length in bytes of a result's text (0 for an unknown result handle).
#[no_mangle]
pub extern "C" fn arrears_result_len(result: u32) -> usize {
    with(|s| s.answers.get(&result).map_or(0, |a| a.text.len()))
}

/// 1 when the result is a decision (or a plan, a policy summary, an array of per-case results,
/// a batch's answer records), 0 when it is the error object or the handle is unknown.
#[no_mangle]
pub extern "C" fn arrears_result_ok(result: u32) -> u32 {
    with(|s| s.answers.get(&result).map_or(0, |a| u32::from(a.ok)))
}

/// The engine an `arrears_engine_new` result made (0 for an error or any other result).
#[no_mangle]
pub extern "C" fn arrears_result_engine(result: u32) -> u32 {
    with(|s| s.answers.get(&result).map_or(0, |a| a.engine))
}

/// A result's text, for native tests of the exports, read without going through the address
/// `arrears_result_ptr` gives a host.
#[doc(hidden)]
pub fn result_text(result: u32) -> Option<String> {
    with(|s| {
        s.answers
            .get(&result)
            .map(|a| String::from_utf8_lossy(&a.text).into_owned())
    })
}

/// A result's bytes (a batch's answer records are not text), for native tests as
/// [`result_text`] is.
#[doc(hidden)]
pub fn result_bytes(result: u32) -> Option<Vec<u8>> {
    with(|s| s.answers.get(&result).map(|a| a.text.clone()))
}

/// Frees a result and its text; an unknown handle is ignored. The engine a result made lives on.
#[no_mangle]
pub extern "C" fn arrears_result_free(result: u32) {
    with(|s| s.answers.remove(&result));
}

/// Drops an engine; an unknown handle is ignored.
#[no_mangle]
pub extern "C" fn arrears_engine_drop(engine: u32) {
    with(|s| s.engines.remove(&engine));
}

/// The same exports for Java 17-21, which has no Foreign Function and Memory API: JNI entry
/// points in the native library only (the WebAssembly module has no JVM to call it). Declared
/// last, so that no line above moves: the module's panic-location strings hold line numbers, and
/// the committed module must stay byte-identical.
#[cfg(not(target_arch = "wasm32"))]
mod jni;
