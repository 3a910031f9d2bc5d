//! Reading a long history must not shrink an allocation in place.
//!
//! The typed events are smaller than the documents they are read from. Collecting them in place
//! (the documents' vector reused for the typed ones) makes the standard library shrink the
//! allocation with a `realloc`; for a history of a few hundred kilobytes that is over glibc's
//! mmap threshold, the shrink is an `mremap`, and because the shrunken chunk is freed slightly
//! smaller than the next history's vector grows, the threshold never adapts: every decision maps,
//! faults in and unmaps fresh pages. It cost about 13% of a 2,000-event decision natively
//! (BENCHMARKS.md, "The middle's refactor against the commit before it"), with the same
//! instruction count, so only the allocation pattern shows it. This test has its own process and
//! allocator, which sees every shrinking `realloc` of a large block.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

struct ShrinkCounting;

/// Shrinking reallocations of blocks of at least `LARGE` bytes.
static LARGE_SHRINKS: AtomicU64 = AtomicU64::new(0);
/// glibc's default mmap threshold: blocks from here on may be mapped on their own.
const LARGE: usize = 128 * 1024;

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is a plain
// atomic and never allocates.
unsafe impl GlobalAlloc for ShrinkCounting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, which is `System.alloc`'s.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, i.e. from `System`, with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size < layout.size() && layout.size() >= LARGE {
            LARGE_SHRINKS.fetch_add(1, Relaxed);
        }
        // SAFETY: as for `alloc`; `ptr` and `layout` are the caller's, unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: ShrinkCounting = ShrinkCounting;

#[test]
fn reading_a_long_history_never_shrinks_a_large_allocation() {
    let text = arrears_core::synthetic::account(1, 0, 2_000).to_string();
    let before = LARGE_SHRINKS.load(Relaxed);
    let case = arrears_core::Case::from_json(&text).expect("the generated case is valid");
    assert_eq!(case.history.len(), 2_000);
    assert_eq!(
        LARGE_SHRINKS.load(Relaxed) - before,
        0,
        "reading the case shrank a block of {LARGE} bytes or more in place"
    );
}
