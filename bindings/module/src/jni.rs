//! The exports as JNI entry points, for the Java library's `NativeModule` on Java 17-21 (the
//! Java 22+ class calls the C exports through the Foreign Function and Memory API instead). Each
//! entry point is the C export of the same name (docs/abi.md), so the two paths cannot answer
//! differently; Java's `long` and `int` carry the `usize` and `u32` values bit for bit, as the
//! FFM downcalls do.
//!
//! Copying between a Java `byte[]` and the library's memory is the one thing the C exports leave
//! to the host. Here a range is copied only when it lies inside a live allocation (or, to read,
//! a live result's text); any other is an `IllegalArgumentException` in the JVM rather than a
//! write or read of memory the library does not own, so a wrong address never crashes the JVM.
//! A panic cannot unwind into the JVM: an `extern "system"` function aborts instead.

use jni_sys::{jboolean, jbyte, jbyteArray, jclass, jint, jlong, jsize, JNIEnv};

use crate::{input, lock, State};

/// Whether `ptr..ptr+len` lies inside one live allocation from `arrears_alloc`: the check every
/// export makes on its input, so the JNI copies allow exactly the ranges the exports would read.
fn allocated(state: &State, ptr: usize, len: usize) -> bool {
    input(state, ptr, len).is_ok()
}

/// Whether `ptr..ptr+len` is a live allocation's or a live result's bytes: what a host may read.
fn readable(state: &State, ptr: usize, len: usize) -> bool {
    allocated(state, ptr, len)
        || state.answers.values().any(|a| {
            let start = a.text.as_ptr() as usize;
            ptr >= start && ptr - start <= a.text.len() && len <= a.text.len() - (ptr - start)
        })
}

/// Raises `IllegalArgumentException` in the JVM; the entry point then returns at once.
///
/// # Safety
/// `env` is the JNIEnv of the current call.
unsafe fn refuse(env: *mut JNIEnv, what: &str, ptr: usize, len: usize) {
    let message = format!(
        "{what} bytes {ptr}..{} that the arrears library did not allocate\0",
        ptr.saturating_add(len)
    );
    let class = ((**env).v1_1.FindClass)(env, c"java/lang/IllegalArgumentException".as_ptr());
    if !class.is_null() {
        ((**env).v1_1.ThrowNew)(env, class, message.as_ptr().cast());
    }
}

#[no_mangle]
pub extern "system" fn Java_dev_arrears_NativeModule_alloc(
    _: *mut JNIEnv,
    _: jclass,
    len: jlong,
) -> jlong {
    crate::arrears_alloc(len as usize) as jlong
}

#[no_mangle]
pub extern "system" fn Java_dev_arrears_NativeModule_free(
    _: *mut JNIEnv,
    _: jclass,
    ptr: jlong,
    len: jlong,
) {
    crate::arrears_free(ptr as usize, len as usize);
}

/// Copies `bytes` to `ptr`, inside an allocation (held locked, so another thread cannot free it
/// meanwhile).
///
/// # Safety
/// Called by the JVM with its JNIEnv and a `byte[]` (never null: the Java class passes its own).
#[no_mangle]
pub unsafe extern "system" fn Java_dev_arrears_NativeModule_write(
    env: *mut JNIEnv,
    _: jclass,
    ptr: jlong,
    bytes: jbyteArray,
) {
    let len: jsize = ((**env).v1_1.GetArrayLength)(env, bytes);
    let (ptr, size) = (ptr as usize, len as usize);
    let state = lock();
    if !allocated(&state, ptr, size) {
        drop(state);
        refuse(env, "writing", ptr, size);
        return;
    }
    if len > 0 {
        ((**env).v1_1.GetByteArrayRegion)(env, bytes, 0, len, ptr as *mut jbyte);
    }
}

/// Writes `value` little-endian at `ptr`, inside an allocation, as a batch record's length.
///
/// # Safety
/// Called by the JVM with its JNIEnv.
#[no_mangle]
pub unsafe extern "system" fn Java_dev_arrears_NativeModule_writeIntLE(
    env: *mut JNIEnv,
    _: jclass,
    ptr: jlong,
    value: jint,
) {
    let ptr = ptr as usize;
    let state = lock();
    if !allocated(&state, ptr, 4) {
        drop(state);
        refuse(env, "writing", ptr, 4);
        return;
    }
    // SAFETY: the four bytes lie inside a live allocation of ours (checked above, still locked).
    std::ptr::copy_nonoverlapping(value.to_le_bytes().as_ptr(), ptr as *mut u8, 4);
}

/// A new `byte[]` of the `len` bytes at `ptr`: an allocation's or a result's text (null, with
/// the JVM's exception pending, when it cannot be made).
///
/// # Safety
/// Called by the JVM with its JNIEnv.
#[no_mangle]
pub unsafe extern "system" fn Java_dev_arrears_NativeModule_read(
    env: *mut JNIEnv,
    _: jclass,
    ptr: jlong,
    len: jlong,
) -> jbyteArray {
    let (ptr, size) = (ptr as usize, len as usize);
    let Some(length) = jsize::try_from(len).ok().filter(|l| *l >= 0) else {
        refuse(env, "reading", ptr, size);
        return std::ptr::null_mut();
    };
    let state = lock();
    if length > 0 && !readable(&state, ptr, size) {
        drop(state);
        refuse(env, "reading", ptr, size);
        return std::ptr::null_mut();
    }
    let array = ((**env).v1_1.NewByteArray)(env, length);
    if !array.is_null() && length > 0 {
        ((**env).v1_1.SetByteArrayRegion)(env, array, 0, length, ptr as *const jbyte);
    }
    array
}

#[no_mangle]
pub extern "system" fn Java_dev_arrears_NativeModule_engineNew(
    _: *mut JNIEnv,
    _: jclass,
    ptr: jlong,
    len: jlong,
) -> jint {
    crate::arrears_engine_new(ptr as usize, len as usize) as jint
}

#[no_mangle]
pub extern "system" fn Java_dev_arrears_NativeModule_resultEngine(
    _: *mut JNIEnv,
    _: jclass,
    result: jint,
) -> jint {
    crate::arrears_result_engine(result as u32) as jint
}

#[no_mangle]
pub extern "system" fn Java_dev_arrears_NativeModule_decide(
    _: *mut JNIEnv,
    _: jclass,
    engine: jint,
    ptr: jlong,
    len: jlong,
) -> jint {
    crate::arrears_decide(engine as u32, ptr as usize, len as usize) as jint
}

#[no_mangle]
pub extern "system" fn Java_dev_arrears_NativeModule_decideBatch(
    _: *mut JNIEnv,
    _: jclass,
    engine: jint,
    ptr: jlong,
    len: jlong,
) -> jint {
    crate::arrears_decide_batch(engine as u32, ptr as usize, len as usize) as jint
}

#[no_mangle]
pub extern "system" fn Java_dev_arrears_NativeModule_plan(
    _: *mut JNIEnv,
    _: jclass,
    engine: jint,
    ptr: jlong,
    len: jlong,
    days: jint,
) -> jint {
    crate::arrears_plan(engine as u32, ptr as usize, len as usize, days as u32) as jint
}

#[no_mangle]
#[allow(clippy::too_many_arguments)] // the JNIEnv and class, then the export's six
pub extern "system" fn Java_dev_arrears_NativeModule_importFineract(
    _: *mut JNIEnv,
    _: jclass,
    ptr: jlong,
    len: jlong,
    date_ptr: jlong,
    date_len: jlong,
    zone_ptr: jlong,
    zone_len: jlong,
) -> jint {
    crate::arrears_import_fineract(
        ptr as usize,
        len as usize,
        date_ptr as usize,
        date_len as usize,
        zone_ptr as usize,
        zone_len as usize,
    ) as jint
}

#[no_mangle]
pub extern "system" fn Java_dev_arrears_NativeModule_resultPtr(
    _: *mut JNIEnv,
    _: jclass,
    result: jint,
) -> jlong {
    crate::arrears_result_ptr(result as u32) as jlong
}

#[no_mangle]
pub extern "system" fn Java_dev_arrears_NativeModule_resultLen(
    _: *mut JNIEnv,
    _: jclass,
    result: jint,
) -> jlong {
    crate::arrears_result_len(result as u32) as jlong
}

#[no_mangle]
pub extern "system" fn Java_dev_arrears_NativeModule_resultOk(
    _: *mut JNIEnv,
    _: jclass,
    result: jint,
) -> jboolean {
    crate::arrears_result_ok(result as u32) == 1
}

#[no_mangle]
pub extern "system" fn Java_dev_arrears_NativeModule_resultFree(
    _: *mut JNIEnv,
    _: jclass,
    result: jint,
) {
    crate::arrears_result_free(result as u32);
}

#[no_mangle]
pub extern "system" fn Java_dev_arrears_NativeModule_engineDrop(
    _: *mut JNIEnv,
    _: jclass,
    engine: jint,
) {
    crate::arrears_engine_drop(engine as u32);
}
