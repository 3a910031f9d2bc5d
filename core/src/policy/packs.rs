//! The built-in policy packs, embedded in the binary as JSON documents.
//!
//! They are ordinary policy documents: the engine reads them through the same loader as a
//! lender's file, and nothing in the engine knows their names.

/// Ids of the built-in packs, in a stable order.
pub const IDS: &[&str] = &["cn-microloan", "us-reg-f", "id-ojk", "ph-sec", "in-rbi"];

const SOURCES: [&str; 5] = [
    include_str!("../../packs/cn-microloan.json"),
    include_str!("../../packs/us-reg-f.json"),
    include_str!("../../packs/id-ojk.json"),
    include_str!("../../packs/ph-sec.json"),
    include_str!("../../packs/in-rbi.json"),
];

/// The JSON text of a built-in pack.
pub fn source(id: &str) -> Option<&'static str> {
    IDS.iter()
        .zip(SOURCES)
        .find(|(known, _)| **known == id)
        .map(|(_, text)| text)
}
