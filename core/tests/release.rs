//! One version across everything a release publishes: the crates, the npm package, the Python
//! wheel, the Java jar, the Go module (as the install snippets and the examples require it) and
//! the newest entry of CHANGELOG.md. Publishing packages whose versions disagree would let a user
//! combine a jar of one release with the docs of another.

use std::path::PathBuf;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The text between the first `open` after `after` and the next `close`.
fn between<'a>(text: &'a str, after: &str, open: &str, close: &str) -> &'a str {
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} not found"));
    let rest = &text[start + after.len()..];
    let from = rest
        .find(open)
        .unwrap_or_else(|| panic!("{open:?} not found"))
        + open.len();
    let to = rest[from..]
        .find(close)
        .unwrap_or_else(|| panic!("{close:?} not found"));
    &rest[from..from + to]
}

#[test]
fn every_package_carries_the_crates_version() {
    let found = [
        (
            "js/package.json",
            between(&read("js/package.json"), "\"version\"", "\"", "\"").to_string(),
        ),
        (
            "bindings/python/pyproject.toml",
            between(
                &read("bindings/python/pyproject.toml"),
                "\nversion",
                "\"",
                "\"",
            )
            .to_string(),
        ),
        (
            "bindings/java/pom.xml",
            between(
                &read("bindings/java/pom.xml"),
                "<artifactId>arrears</artifactId>",
                "<version>",
                "</version>",
            )
            .to_string(),
        ),
        (
            "examples/java-loan-system/pom.xml",
            between(
                &read("examples/java-loan-system/pom.xml"),
                "<artifactId>arrears</artifactId>",
                "<version>",
                "</version>",
            )
            .to_string(),
        ),
        (
            "examples/go-http/go.mod",
            between(
                &read("examples/go-http/go.mod"),
                "require github.com/arrears-engine/arrears/bindings/go",
                "v",
                "\n",
            )
            .to_string(),
        ),
        (
            "CHANGELOG.md",
            between(&read("CHANGELOG.md"), "\n## [", "", "]").to_string(),
        ),
    ];
    let wrong: Vec<String> = found
        .iter()
        .filter(|(_, v)| v != VERSION)
        .map(|(file, v)| format!("{file} says {v}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "the crates are {VERSION}, but {}",
        wrong.join("; ")
    );
}

#[test]
fn the_install_snippets_name_the_crates_version() {
    let install = read("docs/install.md");
    for snippet in [
        format!("arrears-{VERSION}.tgz"),
        format!("arrears-{VERSION}-py3-none-any.whl"),
        format!("<version>{VERSION}</version>"),
        format!("github.com/arrears-engine/arrears/bindings/go v{VERSION}"),
    ] {
        assert!(
            install.contains(&snippet),
            "docs/install.md does not say {snippet}"
        );
    }
}
