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

/// The digest of each compiled-in pack's document (what [`crate::policy::Policy::from_json`]
/// computes: the SHA-256 of its canonical JSON), in the order of [`IDS`]. An engine on a
/// compiled-in pack takes its digest from here rather than writing the document back and hashing
/// it again at every creation, which is most of what creating an engine costs where the engine
/// runs cold (the JVM's first seconds). A test checks each pack in full against this table; when a
/// pack's meaning changes, it fails and prints the new digest to record.
#[cfg(feature = "embedded-packs")]
const DIGESTS: [&str; 5] = [
    "sha256:18f583a33d92047d88514464b77420cb893639b2d0a0f898036ebef69a2aac91",
    "sha256:f2f49e5d62819d43519061ef9ca673b12caa10c145bde77381571bd1ac59457f",
    "sha256:5a19e5cb75b4655f31c502073ed7cb9858746c7828de3924e859196ee791657f",
    "sha256:4379c7815c1a5abba00d89bb2eb82ec09d4ea25093a7afbd26a2366a1d955f79",
    "sha256:e1d8b530468a311fd7f253666b9787e65f87ef4ab4bbd9fa38294e2ce41e0633",
];

/// A compiled-in pack's text and its recorded digest.
#[cfg(feature = "embedded-packs")]
pub(crate) fn checked(id: &str) -> Option<(&'static str, &'static str)> {
    IDS.iter()
        .zip(SOURCES.into_iter().zip(DIGESTS))
        .find(|(known, _)| **known == id)
        .map(|(_, pack)| pack)
}

/// No pack text is compiled into this build: every pack's text comes from the host, unchecked.
#[cfg(not(feature = "embedded-packs"))]
pub(crate) fn checked(_id: &str) -> Option<(&'static str, &'static str)> {
    None
}

/// The JSON text of a built-in pack compiled into this build (none when the host supplies the
/// packs' text).
pub fn source(id: &str) -> Option<&'static str> {
    checked(id).map(|(text, _)| text)
}

/// Whether `id` names a built-in pack, whether or not this build holds its text.
pub fn is_builtin(id: &str) -> bool {
    IDS.contains(&id)
}
