//! The built-in policy packs, embedded in the binary as JSON documents.
//!
//! They are ordinary policy documents: the engine reads them through the same loader as a
//! lender's file, and nothing in the engine knows their names.
//!
//! The `embedded-packs` feature (on by default) compiles their text in. A build without it (the
//! browser package, where every byte is downloaded) knows the same ids but holds no text: the
//! host hands a pack's text over when it is asked for it (`Engine::from_reference_with`), so the
//! same documents give the same decisions.

/// Ids of the built-in packs, in a stable order.
pub const IDS: &[&str] = &["cn-microloan", "us-reg-f", "id-ojk", "ph-sec", "in-rbi"];

#[cfg(feature = "embedded-packs")]
const SOURCES: [&str; 5] = [
    include_str!("../../packs/cn-microloan.json"),
    include_str!("../../packs/us-reg-f.json"),
    include_str!("../../packs/id-ojk.json"),
    include_str!("../../packs/ph-sec.json"),
    include_str!("../../packs/in-rbi.json"),
];

/// The JSON text of a built-in pack compiled into this build.
#[cfg(feature = "embedded-packs")]
pub fn source(id: &str) -> Option<&'static str> {
    IDS.iter()
        .zip(SOURCES)
        .find(|(known, _)| **known == id)
        .map(|(_, text)| text)
}

/// No pack text is compiled into this build: the host supplies it.
#[cfg(not(feature = "embedded-packs"))]
pub fn source(_id: &str) -> Option<&'static str> {
    None
}

/// Whether `id` names a built-in pack, whether or not this build holds its text.
pub fn is_builtin(id: &str) -> bool {
    IDS.contains(&id)
}
