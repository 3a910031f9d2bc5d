//! Heap allocations per decision on the shared synthetic cases, as JSON for `scripts/bench.sh`.
//!
//! A counting wrapper around the system allocator sees every allocation of this process. For each
//! history size it reports the allocations and bytes of a whole decision (JSON text in, JSON text
//! out) and of the engine alone (a parsed case in, a `Decision` value out), averaged over the same
//! cases `bench-native` decides. The counts are exact and repeatable: no timing is involved.
//!
//! `cargo run --release -p arrears-core --example allocs -- cn-microloan`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counters are plain
// atomics and never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract, which is `System.alloc`'s.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, i.e. from `System`, with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A growing vector or string: one more allocation, and the bytes it grew by.
        ALLOCATIONS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size.saturating_sub(layout.size()) as u64, Relaxed);
        // SAFETY: as for `dealloc`; `new_size` is the caller's, as `realloc` requires.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations and bytes `f` makes per call, over every text.
fn counted<T>(texts: &[T], mut f: impl FnMut(&T) -> usize) -> (f64, f64) {
    let (a0, b0) = (ALLOCATIONS.load(Relaxed), BYTES.load(Relaxed));
    for t in texts {
        std::hint::black_box(f(t));
    }
    let n = texts.len() as f64;
    (
        (ALLOCATIONS.load(Relaxed) - a0) as f64 / n,
        (BYTES.load(Relaxed) - b0) as f64 / n,
    )
}

fn main() {
    let policy = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "cn-microloan".into());
    let engine = arrears_core::Engine::from_reference(&policy).expect("policy");
    let mut rows = Vec::new();
    for history in [20usize, 200, 2000] {
        let count = if history >= 2000 { 8 } else { 64 };
        let texts: Vec<String> = (0..count)
            .map(|i| arrears_core::synthetic::account(1, i, history).to_string())
            .collect();
        let cases: Vec<arrears_core::Case> = texts
            .iter()
            .map(|t| arrears_core::Case::from_json(t).expect("a valid synthetic case"))
            .collect();
        let (json_allocs, json_bytes) = counted(&texts, |t| {
            engine.decide_json(t).map(|s| s.len()).unwrap_or(0)
        });
        let (engine_allocs, engine_bytes) =
            counted(&cases, |c| engine.decide(c).unwrap().actions.len());
        rows.push(serde_json::json!({
            "history": history,
            "allocs_per_decision": json_allocs.round(),
            "bytes_per_decision": json_bytes.round(),
            "engine_allocs_per_decision": engine_allocs.round(),
            "engine_bytes_per_decision": engine_bytes.round(),
        }));
    }
    println!(
        "{}",
        serde_json::json!({ "surface": "native allocations", "policy": policy, "rows": rows })
    );
}
