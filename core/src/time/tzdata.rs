//! The compact time-zone table behind [`crate::time::Zone`].
//!
//! `core/data/tzdata.bin` holds, for every zone name chrono-tz knows (links included), the total
//! UTC offset chrono-tz gives at every instant: an offset before the first change, then each
//! change as (UTC instant, new offset). Nothing else of the database matters to the engine (abbreviations and the
//! split into standard and daylight time never reach a decision), so changes that only move that
//! split are not changes here. The file is generated from chrono-tz by
//! `cargo run --release -p arrears-core --example write-tzdata`; chrono-tz stays the source of
//! truth and a dev-dependency, and `core/tests/tzdata.rs` checks the two agree.
//!
//! chrono-tz lists changes up to 2099 and holds the last offset for ever after (America/New_York
//! is on EST all year from 2100); the table does the same, because it lists what chrono-tz gives.
//!
//! # Format
//!
//! All numbers are LEB128 varints (`u`); signed ones are zigzag-coded (`z`).
//!
//! ```text
//! "TZC1"                                   magic
//! u len, bytes                             IANA database version chrono-tz was built from
//! u n, z, (n − 1) × u                      the distinct total offsets in seconds: the first, then
//!                                          the (positive) step to each next one
//! u n, n × u                               the byte length of each zone block, in block order
//! u len, bytes                             the names, ascending by bytes, joined by '\n'
//! n × u                                    the block of each name, in name order
//! blocks, back to back                     exactly the lengths above, nothing after them
//!
//! block: u first offset index, u n, n × time code, n × u offset index
//! time code: d = instant − previous instant (the first one against 0), then
//!            (z(d / 3600) << 1) when d is a whole number of hours, else (z(d) << 1) | 1
//! ```
//!
//! Identical zone data (a link and its target, or zones that agree everywhere) share one block.
//! Times within a block are strictly increasing and each change moves the offset. Decoding is
//! defensive: the file is ours and tested, but a malformed table decodes to errors, never to a
//! panic, and the engine falls back to UTC for whatever it cannot read.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The committed table.
pub static BYTES: &[u8] = include_bytes!("../../data/tzdata.bin");

const MAGIC: &[u8; 4] = b"TZC1";
const HOUR: i64 = 3600;
/// Offsets and instants the encoder accepts: far wider than any real zone or instant, narrow
/// enough that no step of the coding can overflow.
const MAX_OFFSET: i64 = 86_400;
const MAX_INSTANT: i64 = 1 << 50;

/// One zone as the generator and the tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRecord {
    pub name: String,
    /// Total UTC offset (seconds) before the first change.
    pub first: i32,
    /// (UTC instant, total offset from that instant on), strictly increasing, each a real change.
    pub changes: Vec<(i64, i32)>,
}

/// The offsets of one zone, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spans {
    first: i32,
    changes: Vec<(i64, i32)>,
    min_offset: i64,
    max_offset: i64,
}

impl Spans {
    const UTC: Spans = Spans {
        first: 0,
        changes: Vec::new(),
        min_offset: 0,
        max_offset: 0,
    };

    fn new(first: i32, changes: Vec<(i64, i32)>) -> Spans {
        let offsets = changes.iter().map(|c| c.1).chain([first]);
        let min_offset = offsets.clone().min().unwrap_or(first);
        let max_offset = offsets.max().unwrap_or(first);
        Spans {
            first,
            changes,
            min_offset: i64::from(min_offset),
            max_offset: i64::from(max_offset),
        }
    }

    /// The total UTC offset at `at`.
    pub(crate) fn offset_at(&self, at: i64) -> i32 {
        let k = self.changes.partition_point(|&(t, _)| t <= at);
        match k.checked_sub(1).and_then(|i| self.changes.get(i)) {
            Some(&(_, offset)) => offset,
            None => self.first,
        }
    }

    /// The earliest instant at which the wall clock reads `local` (seconds of a naive local
    /// date-time counted like a UTC one), or `None` when that reading falls in a gap.
    ///
    /// An instant `u` reads `local` when `u + offset_at(u) == local`, so `u` lies between `local`
    /// less the zone's largest offset and `local` less its smallest: only the spans meeting that
    /// window can hold it, and the first span that does holds the earliest.
    pub(crate) fn earliest_at_local(&self, local: i64) -> Option<i64> {
        let lo = local.saturating_sub(self.max_offset);
        let hi = local.saturating_sub(self.min_offset);
        // Span k runs from changes[k - 1] (or the beginning of time) up to changes[k] (or the end).
        let mut k = self.changes.partition_point(|&(t, _)| t <= lo);
        loop {
            let (start, offset) = match k.checked_sub(1) {
                None => (i64::MIN, self.first),
                Some(i) => *self.changes.get(i)?,
            };
            if start > hi {
                return None;
            }
            let end = self.changes.get(k).map_or(i64::MAX, |c| c.0);
            let at = local.checked_sub(i64::from(offset))?;
            if start <= at && at < end {
                return Some(at);
            }
            k += 1;
        }
    }
}

struct Block<'a> {
    bytes: &'a [u8],
    /// `None` when the block cannot be decoded: the zone is then unknown, never UTC.
    spans: OnceLock<Option<Spans>>,
}

/// The table with its names and offsets read; each zone block is decoded on first use.
struct Table<'a> {
    version: &'a str,
    offsets: Vec<i32>,
    names: Vec<(&'a str, usize)>,
    blocks: Vec<Block<'a>>,
}

fn table() -> &'static Table<'static> {
    static TABLE: OnceLock<Table<'static>> = OnceLock::new();
    TABLE.get_or_init(|| {
        read_table(BYTES).unwrap_or(Table {
            version: "",
            offsets: Vec::new(),
            names: Vec::new(),
            blocks: Vec::new(),
        })
    })
}

/// The IANA database version of the table.
pub fn version() -> &'static str {
    table().version
}

/// Every zone name of the table, ascending by bytes.
pub fn names() -> impl Iterator<Item = &'static str> {
    table().names.iter().map(|n| n.0)
}

/// The position of `name` in [`names`].
/// A zone whose offsets cannot be decoded is not found: a case naming it is refused as an
/// unknown zone rather than read as UTC (the committed table is decoded whole by the tests, so
/// this cannot happen with it).
pub(crate) fn find(name: &str) -> Option<usize> {
    let index = table()
        .names
        .binary_search_by(|probe| probe.0.cmp(name))
        .ok()?;
    decoded(index).map(|_| index)
}

fn decoded(index: usize) -> Option<&'static Spans> {
    let t = table();
    let block = t.names.get(index).and_then(|n| t.blocks.get(n.1))?;
    block
        .spans
        .get_or_init(|| {
            read_block(block.bytes, &t.offsets)
                .ok()
                .map(|(first, changes)| Spans::new(first, changes))
        })
        .as_ref()
}

/// The name at position `index` of [`names`].
pub(crate) fn name(index: usize) -> &'static str {
    table().names.get(index).map_or("", |n| n.0)
}

/// The offsets of the zone at position `index` of [`names`]. Every index a [`crate::time::Zone`]
/// holds came from [`find`], which decoded the block; UTC below is unreachable for those.
pub(crate) fn spans(index: usize) -> &'static Spans {
    static UTC: Spans = Spans::UTC;
    decoded(index).unwrap_or(&UTC)
}

/// Decodes every zone of the embedded table; the error names the first zone that fails. The
/// tests call it, so a corrupt table fails the build's tests instead of reading as UTC.
pub fn check_embedded() -> Result<usize, String> {
    let t = table();
    if t.names.is_empty() {
        return Err("the embedded zone table cannot be read".to_string());
    }
    for (i, (name, _)) in t.names.iter().enumerate() {
        if decoded(i).is_none() {
            return Err(format!("zone {name} cannot be decoded"));
        }
    }
    Ok(t.names.len())
}

/// Every zone of `bytes`, strictly decoded and checked to be in the form [`encode`] writes.
pub fn records(bytes: &[u8]) -> Result<(String, Vec<ZoneRecord>), String> {
    let t = read_table(bytes)?;
    let mut decoded = Vec::with_capacity(t.blocks.len());
    let mut seen = BTreeSet::new();
    for (i, b) in t.blocks.iter().enumerate() {
        let block = read_block(b.bytes, &t.offsets).map_err(|e| format!("block {i}: {e}"))?;
        if !seen.insert(block.clone()) {
            return Err(format!("block {i} repeats an earlier block"));
        }
        decoded.push(block);
    }
    let mut used = BTreeSet::new();
    let mut zones = Vec::with_capacity(t.names.len());
    for &(name, block) in &t.names {
        let (first, changes) = decoded
            .get(block)
            .ok_or_else(|| format!("{name}: no block {block}"))?;
        used.insert(block);
        zones.push(ZoneRecord {
            name: name.to_string(),
            first: *first,
            changes: changes.clone(),
        });
    }
    if used.len() != decoded.len() {
        return Err("a block no name uses".to_string());
    }
    let used_offsets: BTreeSet<i32> = decoded
        .iter()
        .flat_map(|(first, changes)| changes.iter().map(|c| c.1).chain([*first]))
        .collect();
    if used_offsets.len() != t.offsets.len() {
        return Err("an offset no zone uses".to_string());
    }
    Ok((t.version.to_string(), zones))
}

/// Writes the table for `zones` (any order; names must be unique).
pub fn encode(version: &str, zones: &[ZoneRecord]) -> Result<Vec<u8>, String> {
    let mut sorted: Vec<&ZoneRecord> = zones.iter().collect();
    crate::order::sort_by(&mut sorted, |a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    let mut offsets = BTreeSet::new();
    for z in &sorted {
        let mut previous = z.first;
        offsets.insert(z.first);
        let mut last = None;
        for &(t, offset) in &z.changes {
            if offset == previous {
                return Err(format!("{}: a change at {t} to the same offset", z.name));
            }
            if last.is_some_and(|l| t <= l) {
                return Err(format!(
                    "{}: changes not strictly increasing at {t}",
                    z.name
                ));
            }
            if t.abs() > MAX_INSTANT {
                return Err(format!("{}: instant {t} out of range", z.name));
            }
            offsets.insert(offset);
            previous = offset;
            last = Some(t);
        }
    }
    if offsets.iter().any(|o| i64::from(*o).abs() > MAX_OFFSET) {
        return Err("an offset of more than a day".to_string());
    }
    let offsets: Vec<i32> = offsets.into_iter().collect();
    let index = |o: i32| offsets.binary_search(&o).unwrap_or(0) as u64;

    let mut blocks: Vec<Vec<u8>> = Vec::new();
    // The block of each distinct (first offset, changes).
    let mut block_of = BTreeMap::new();
    let mut names = Vec::new();
    for z in &sorted {
        if names
            .last()
            .is_some_and(|(n, _): &(&str, usize)| *n == z.name)
        {
            return Err(format!("{} twice", z.name));
        }
        let key: (i32, &[(i64, i32)]) = (z.first, &z.changes);
        let block = match block_of.get(&key) {
            Some(&b) => b,
            None => {
                let mut b = Vec::new();
                put_u(&mut b, index(z.first));
                put_u(&mut b, z.changes.len() as u64);
                let mut previous = 0i64;
                for &(t, _) in &z.changes {
                    let d = t - previous;
                    previous = t;
                    if d % HOUR == 0 {
                        put_u(&mut b, zigzag(d / HOUR) << 1);
                    } else {
                        put_u(&mut b, (zigzag(d) << 1) | 1);
                    }
                }
                for &(_, offset) in &z.changes {
                    put_u(&mut b, index(offset));
                }
                blocks.push(b);
                block_of.insert(key, blocks.len() - 1);
                blocks.len() - 1
            }
        };
        names.push((z.name.as_str(), block));
    }

    let mut out = MAGIC.to_vec();
    put_bytes(&mut out, version.as_bytes());
    put_u(&mut out, offsets.len() as u64);
    let mut previous = None;
    for &o in &offsets {
        match previous {
            None => put_u(&mut out, zigzag(i64::from(o))),
            Some(p) => put_u(&mut out, (i64::from(o) - i64::from(p)) as u64),
        }
        previous = Some(o);
    }
    put_u(&mut out, blocks.len() as u64);
    for b in &blocks {
        put_u(&mut out, b.len() as u64);
    }
    if names.iter().any(|(n, _)| n.is_empty() || n.contains('\n')) {
        return Err("an empty name or one with a line break".to_string());
    }
    let joined: Vec<&str> = names.iter().map(|n| n.0).collect();
    put_bytes(&mut out, joined.join("\n").as_bytes());
    for (_, block) in &names {
        put_u(&mut out, *block as u64);
    }
    for b in &blocks {
        out.extend_from_slice(b);
    }
    Ok(out)
}

fn read_table(bytes: &[u8]) -> Result<Table<'_>, String> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(MAGIC.len())? != MAGIC {
        return Err("not a TZC1 table".to_string());
    }
    let version = r.str()?;
    let n = r.count()?;
    let mut offsets: Vec<i32> = Vec::with_capacity(n);
    for _ in 0..n {
        let o = match offsets.last() {
            None => Some(unzigzag(r.u()?)),
            Some(&p) => i64::try_from(r.u()?)
                .ok()
                .filter(|step| *step > 0)
                .and_then(|step| step.checked_add(i64::from(p))),
        };
        let o = o
            .filter(|o| o.abs() <= MAX_OFFSET)
            .and_then(|o| i32::try_from(o).ok())
            .ok_or("offset out of range")?;
        offsets.push(o);
    }
    let n = r.count()?;
    let mut lengths = Vec::with_capacity(n);
    for _ in 0..n {
        lengths.push(r.count()?);
    }
    let joined = r.str()?;
    let mut names: Vec<(&str, usize)> = Vec::new();
    if !joined.is_empty() {
        for name in joined.split('\n') {
            let block = r.index()?;
            if block >= lengths.len() {
                return Err(format!("{name}: no block {block}"));
            }
            if name.is_empty()
                || names
                    .last()
                    .is_some_and(|l| l.0.as_bytes() >= name.as_bytes())
            {
                return Err(format!("{name:?}: names not ascending"));
            }
            names.push((name, block));
        }
    }
    if names.len() > usize::from(u16::MAX) {
        return Err("too many names".to_string());
    }
    let mut blocks = Vec::with_capacity(lengths.len());
    for len in lengths {
        blocks.push(Block {
            bytes: r.take(len)?,
            spans: OnceLock::new(),
        });
    }
    if r.at != bytes.len() {
        return Err("bytes after the last block".to_string());
    }
    Ok(Table {
        version,
        offsets,
        names,
        blocks,
    })
}

/// One block: the first offset and the changes.
fn read_block(bytes: &[u8], offsets: &[i32]) -> Result<(i32, Vec<(i64, i32)>), String> {
    let mut r = Reader { bytes, at: 0 };
    let offset = |i: usize| offsets.get(i).copied().ok_or("no such offset");
    let first = offset(r.index()?)?;
    let n = r.count()?;
    let mut times = Vec::with_capacity(n);
    let mut previous = 0i64;
    for k in 0..n {
        let code = r.u()?;
        let m = unzigzag(code >> 1);
        let d = if code & 1 == 0 {
            m.checked_mul(HOUR)
        } else {
            Some(m)
        };
        let t = d
            .and_then(|d| previous.checked_add(d))
            .filter(|t| t.abs() <= MAX_INSTANT)
            .ok_or("instant out of range")?;
        if k > 0 && t <= previous {
            return Err("changes not strictly increasing".to_string());
        }
        times.push(t);
        previous = t;
    }
    let mut changes = Vec::with_capacity(n);
    let mut current = first;
    for t in times {
        let o = offset(r.index()?)?;
        if o == current {
            return Err("a change to the same offset".to_string());
        }
        changes.push((t, o));
        current = o;
    }
    if r.at != bytes.len() {
        return Err("bytes after the block".to_string());
    }
    Ok((first, changes))
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn u(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at).ok_or("truncated")?;
            self.at += 1;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return Err("varint overflows".to_string());
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("varint too long".to_string())
    }

    /// An index into a list read earlier (checked against it where it is used).
    fn index(&mut self) -> Result<usize, String> {
        usize::try_from(self.u()?).map_err(|_| "index out of range".to_string())
    }

    /// A count or a length: at most the bytes left, since each item takes at least one byte, so
    /// no allocation can outgrow the input.
    fn count(&mut self) -> Result<usize, String> {
        let n = self.index()?;
        if n > self.bytes.len() - self.at.min(self.bytes.len()) {
            return Err("count beyond the end".to_string());
        }
        Ok(n)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).ok_or("truncated")?;
        let s = self.bytes.get(self.at..end).ok_or("truncated")?;
        self.at = end;
        Ok(s)
    }

    fn str(&mut self) -> Result<&'a str, String> {
        let n = self.count()?;
        std::str::from_utf8(self.take(n)?).map_err(|_| "name not UTF-8".to_string())
    }
}

fn put_u(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_round_trips() {
        for v in [
            0,
            1,
            -1,
            3600,
            -3600,
            i64::MAX,
            i64::MIN,
            MAX_INSTANT,
            -MAX_INSTANT,
        ] {
            assert_eq!(unzigzag(zigzag(v)), v);
            let mut b = Vec::new();
            put_u(&mut b, zigzag(v));
            assert_eq!(Reader { bytes: &b, at: 0 }.u(), Ok(zigzag(v)));
        }
    }

    #[test]
    fn a_small_table_round_trips_and_shares_blocks() {
        let zones = vec![
            ZoneRecord {
                name: "B/Two".into(),
                first: -17762,
                changes: vec![
                    (-2717650800, -18000),
                    (7200, -14400),
                    (7201 + 3600 * 24, -18000),
                ],
            },
            ZoneRecord {
                name: "A/One".into(),
                first: 0,
                changes: vec![],
            },
            ZoneRecord {
                name: "C/Link".into(),
                first: -17762,
                changes: vec![
                    (-2717650800, -18000),
                    (7200, -14400),
                    (7201 + 3600 * 24, -18000),
                ],
            },
        ];
        let bytes = encode("test", &zones).unwrap();
        let (version, back) = records(&bytes).unwrap();
        assert_eq!(version, "test");
        let mut sorted = zones.clone();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(back, sorted);
        let t = read_table(&bytes).unwrap();
        assert_eq!(t.blocks.len(), 2);
        assert_eq!(t.names[1].1, t.names[2].1);
    }

    #[test]
    fn the_encoder_refuses_what_the_format_cannot_hold() {
        let bad = |first, changes| {
            encode(
                "x",
                &[ZoneRecord {
                    name: "X".into(),
                    first,
                    changes,
                }],
            )
        };
        assert!(bad(0, vec![(5, 0)]).is_err());
        assert!(bad(0, vec![(5, 3600), (5, 0)]).is_err());
        assert!(bad(0, vec![(MAX_INSTANT + 1, 3600)]).is_err());
        assert!(bad(90_000, vec![]).is_err());
    }
}
