//! The one sort of the crate: a stable merge sort over positions behind a `&dyn Fn` comparison.
//!
//! `slice::sort_by` and its kin are instantiated once per element type and comparison, and each
//! instantiation is several kilobytes of code; in the browser module they were a ninth of all the
//! code. Here the merge sort itself is compiled once: it orders positions `0..len` by a comparison
//! of positions, and only the few lines that read two elements and move them into place are
//! generic. Every sort of the crate goes through it, so every sort is stable: equal elements keep
//! the order they came in, which is what a deterministic decision needs whatever the platform.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sorts `items` stably by `cmp`: elements it calls equal keep their relative order.
pub(crate) fn sort_by<T>(items: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = {
        let shared: &[T] = items;
        stable_order(shared.len(), &|a, b| cmp(&shared[a], &shared[b]))
    };
    if let Some(order) = order {
        permute(items, order);
    }
}

/// Sorts `items` stably by the key `key` gives each one.
pub(crate) fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` stably in their own order.
pub(crate) fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// A set built by insertion. `collect()` into a `BTreeSet` sorts its input with std's sort
/// first, one more sort instantiated per element type; insertion gives the same set (equal
/// elements of these sets are the same value).
pub(crate) fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

/// A map built by insertion, for the reason [`set_of`] gives; as with `collect()`, the last
/// value given for a key is the one kept.
pub(crate) fn map_of<K: Ord, V>(entries: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(entries);
    map
}

/// Below this length a run is sorted by insertion, which beats merging on so few positions.
const RUN: usize = 8;

/// The positions `0..len` in stable sorted order: `order[i]` is where the element that belongs at
/// `i` stands now; `None` when the elements are in order already (the usual history), found with
/// one comparison per element and no allocation. Otherwise bottom-up merging of insertion-sorted
/// runs, where a merge whose halves already follow each other is skipped.
#[inline(never)]
fn stable_order(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Option<Vec<usize>> {
    if (1..len).all(|i| cmp(i - 1, i) != Ordering::Greater) {
        return None;
    }
    let mut order: Vec<usize> = (0..len).collect();
    for run in order.chunks_mut(RUN) {
        for i in 1..run.len() {
            let mut j = i;
            // Strictly greater only: an equal element stays after the one it followed.
            while j > 0 && cmp(run[j - 1], run[j]) == Ordering::Greater {
                run.swap(j - 1, j);
                j -= 1;
            }
        }
    }
    let mut scratch = vec![0usize; len];
    let mut width = RUN;
    while width < len {
        let mut start = 0;
        while start + width < len {
            let mid = start + width;
            let end = (mid + width).min(len);
            if cmp(order[mid - 1], order[mid]) == Ordering::Greater {
                merge(
                    &order[start..mid],
                    &order[mid..end],
                    &mut scratch[start..end],
                    cmp,
                );
                order[start..end].copy_from_slice(&scratch[start..end]);
            }
            start = end;
        }
        width *= 2;
    }
    Some(order)
}

/// Merges two sorted runs into `out`, taking from the left run on ties (what keeps it stable).
fn merge(
    left: &[usize],
    right: &[usize],
    out: &mut [usize],
    cmp: &dyn Fn(usize, usize) -> Ordering,
) {
    let (mut l, mut r) = (0, 0);
    for slot in out.iter_mut() {
        let take_left =
            r == right.len() || (l < left.len() && cmp(left[l], right[r]) != Ordering::Greater);
        if take_left {
            *slot = left[l];
            l += 1;
        } else {
            *slot = right[r];
            r += 1;
        }
    }
}

/// Moves each element to where `order` says, following the permutation's cycles with swaps.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..items.len() {
        if order[start] == DONE {
            continue;
        }
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn orders_exactly_as_the_standard_stable_sort(pairs in proptest::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            let mut ours = pairs.clone();
            sort_by_key(&mut ours, |p| p.0);
            let mut std_sorted = pairs;
            std_sorted.sort_by_key(|p| p.0);
            prop_assert_eq!(ours, std_sorted);
        }

        #[test]
        fn sorts_whole_values_as_the_standard_sort(values in proptest::collection::vec(any::<i32>(), 0..100)) {
            let mut ours = values.clone();
            sort(&mut ours);
            let mut std_sorted = values;
            std_sorted.sort_unstable();
            prop_assert_eq!(ours, std_sorted);
        }
    }

    #[test]
    fn equal_keys_keep_their_order_across_runs_and_merges() {
        // Longer than several runs, with every key repeated far apart, so merges decide ties.
        let mut items: Vec<(u8, usize)> = (0..50).map(|i| ((i % 3) as u8, i)).collect();
        sort_by_key(&mut items, |p| p.0);
        for pair in items.windows(2) {
            assert!(
                pair[0].0 < pair[1].0 || (pair[0].0 == pair[1].0 && pair[0].1 < pair[1].1),
                "{pair:?}"
            );
        }
    }

    #[test]
    fn reversed_input_comes_out_ascending() {
        let mut items: Vec<u32> = (0..37).rev().collect();
        sort(&mut items);
        assert_eq!(items, (0..37).collect::<Vec<_>>());
    }
}
