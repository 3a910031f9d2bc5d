//! A batch writes each answer in place, where single calls each build a text of their own.
//!
//! What a batch can save is small: a call into the engine costs little next to a decision, and
//! nearly all of a decision depends on the case itself (BENCHMARKS.md, "What a batch could share
//! between its cases"). One saving is certain: a single call serialises its decision into a fresh
//! string, grown a few times on the way, which the host then copies out; a batch appends every
//! decision to the one answer buffer. Before this was so, a batch cost about 1% more instructions
//! per case than single calls (each answer built as a string, then copied into the buffer); now it
//! costs about 1% less. Timing cannot pin a difference that small on a shared machine; counting
//! allocations can, in a process of its own with its own allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

struct Counting;

/// Allocations and reallocations (each a call into the allocator that may copy).
static CALLS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is a plain
// atomic and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract, which is `System.alloc`'s.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, i.e. from `System`, with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        // SAFETY: as for `alloc`; `ptr` and `layout` are the caller's, unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn allocations(f: impl FnOnce() -> usize) -> (u64, usize) {
    let before = CALLS.load(Relaxed);
    let bytes = std::hint::black_box(f());
    (CALLS.load(Relaxed) - before, bytes)
}

#[test]
fn a_batch_allocates_less_per_case_than_single_calls() {
    let engine = arrears_core::Engine::from_reference("cn-microloan").expect("built-in pack");
    let cases: Vec<String> = (0..32)
        .map(|i| arrears_core::synthetic::account(1, i, 20).to_string())
        .collect();
    let mut records = Vec::new();
    for case in &cases {
        records.extend_from_slice(&(case.len() as u32).to_le_bytes());
        records.extend_from_slice(case.as_bytes());
    }
    let single = || {
        cases
            .iter()
            .map(|c| {
                arrears_core::ffi::decide_record(&engine, c.as_bytes())
                    .1
                    .len()
            })
            .sum::<usize>()
    };
    let batch = || {
        arrears_core::ffi::decide_batch(&engine, &records)
            .expect("a well-formed batch")
            .len()
    };
    // Once each first, so that nothing lazily set up is counted against either.
    single();
    batch();
    let (single_calls, single_bytes) = allocations(single);
    let (batch_calls, batch_bytes) = allocations(batch);
    // The same answers: 5 bytes of status and length in front of each decision.
    assert_eq!(batch_bytes, single_bytes + 5 * cases.len());
    // Each single call's text takes at least one allocation and a few growths that the batch's
    // one buffer does not; the buffer itself takes a handful.
    assert!(
        batch_calls + 2 * cases.len() as u64 <= single_calls,
        "a batch of {} cases made {batch_calls} allocations, single calls {single_calls}",
        cases.len()
    );
}
