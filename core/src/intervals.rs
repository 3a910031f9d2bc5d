//! Sets of instants, as sorted disjoint half-open intervals `[start, end)` of seconds.
//!
//! Every rule answers the same question: *when, from `as_of` on, does it let this candidate
//! through?* Answering with a set of intervals rather than a yes/no makes the combination exact:
//! the candidate is allowed where the intersection of all its rules' sets holds, `allowed_until`
//! is the end of the interval holding `as_of`, and `next_allowed_at` is the first start after it.

use crate::time::Seconds;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IntervalSet {
    spans: Vec<(Seconds, Seconds)>,
}

impl IntervalSet {
    pub fn empty() -> IntervalSet {
        IntervalSet { spans: Vec::new() }
    }

    pub fn span(start: Seconds, end: Seconds) -> IntervalSet {
        let mut s = IntervalSet::empty();
        s.push(start, end);
        s
    }

    /// Builds a set from intervals in any order, merging overlaps and touching ends.
    pub fn from_unsorted(mut spans: Vec<(Seconds, Seconds)>) -> IntervalSet {
        spans.retain(|(a, b)| a < b);
        crate::order::sort(&mut spans);
        let mut out = IntervalSet::empty();
        for (a, b) in spans {
            out.push(a, b);
        }
        out
    }

    /// Appends an interval that starts no earlier than the last one (merging when they touch).
    fn push(&mut self, start: Seconds, end: Seconds) {
        if start >= end {
            return;
        }
        if let Some(last) = self.spans.last_mut() {
            if start <= last.1 {
                last.1 = last.1.max(end);
                return;
            }
        }
        self.spans.push((start, end));
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn spans(&self) -> &[(Seconds, Seconds)] {
        &self.spans
    }

    pub fn contains(&self, t: Seconds) -> bool {
        self.containing(t).is_some()
    }

    /// The interval that holds `t`.
    pub fn containing(&self, t: Seconds) -> Option<(Seconds, Seconds)> {
        let i = self.spans.partition_point(|&(_, end)| end <= t);
        self.spans.get(i).copied().filter(|&(start, _)| start <= t)
    }

    /// The first instant at or after `t` inside the set.
    pub fn first_at_or_after(&self, t: Seconds) -> Option<Seconds> {
        let i = self.spans.partition_point(|&(_, end)| end <= t);
        self.spans.get(i).map(|&(start, _)| start.max(t))
    }

    pub fn intersect(&self, other: &IntervalSet) -> IntervalSet {
        let (mut i, mut j) = (0, 0);
        let mut out = IntervalSet::empty();
        while i < self.spans.len() && j < other.spans.len() {
            let (a0, a1) = self.spans[i];
            let (b0, b1) = other.spans[j];
            out.push(a0.max(b0), a1.min(b1));
            if a1 < b1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        out
    }

    pub fn union(&self, other: &IntervalSet) -> IntervalSet {
        let mut all = Vec::with_capacity(self.spans.len() + other.spans.len());
        all.extend_from_slice(&self.spans);
        all.extend_from_slice(&other.spans);
        IntervalSet::from_unsorted(all)
    }

    /// The complement within `[lo, hi)`.
    pub fn complement(&self, lo: Seconds, hi: Seconds) -> IntervalSet {
        let mut out = IntervalSet::empty();
        let mut cursor = lo;
        for &(a, b) in &self.spans {
            if b <= lo {
                continue;
            }
            if a >= hi {
                break;
            }
            out.push(cursor, a.min(hi));
            cursor = cursor.max(b);
        }
        out.push(cursor, hi);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_intervals_merge() {
        let s = IntervalSet::from_unsorted(vec![(5, 10), (0, 5), (20, 30)]);
        assert_eq!(s.spans(), &[(0, 10), (20, 30)]);
    }

    #[test]
    fn intersection_and_complement_are_exact_at_the_edges() {
        let a = IntervalSet::from_unsorted(vec![(0, 10), (20, 30)]);
        let b = IntervalSet::from_unsorted(vec![(10, 25)]);
        assert_eq!(a.intersect(&b).spans(), &[(20, 25)]);
        assert_eq!(a.complement(0, 40).spans(), &[(10, 20), (30, 40)]);
        assert_eq!(a.containing(10), None);
        assert_eq!(a.containing(9), Some((0, 10)));
        assert_eq!(a.first_at_or_after(10), Some(20));
        assert_eq!(a.first_at_or_after(31), None);
    }
}
