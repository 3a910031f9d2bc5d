//! The public surface of the crate, listed in `core/public-api.txt` so that a change to it shows in
//! review: every public module reachable from `core/src/lib.rs`, the public items at the top of
//! each, and the public methods of its inherent `impl` blocks. Fields are left out: those of the
//! JSON contract are pinned by the generated schemas (`schemas/`). After a deliberate change,
//! `ARREARS_BLESS=1 cargo test -p arrears-core --test public_api` rewrites the list.

use std::path::{Path, PathBuf};

const LIST: &str = "public-api.txt";
const MOST_PUBLIC_MODULES: usize = 10;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The file of module `name` declared in the module whose file is `parent`.
fn module_file(parent: &Path, name: &str) -> PathBuf {
    let dir = match parent.file_name().and_then(|f| f.to_str()) {
        Some("lib.rs" | "mod.rs") => parent.parent().unwrap().to_path_buf(),
        _ => parent.with_extension(""),
    };
    let flat = dir.join(format!("{name}.rs"));
    if flat.exists() {
        flat
    } else {
        dir.join(name).join("mod.rs")
    }
}

/// The name an item's first line declares, with what kind of item it is: `pub fn decide`,
/// `pub struct Engine`, `pub const VERSION: &str`.
fn item(line: &str) -> String {
    let line = line.trim();
    for kind in ["fn", "struct", "enum", "trait", "type", "mod", "static"] {
        if let Some(rest) = line.strip_prefix(&format!("pub {kind} ")) {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            return format!("pub {kind} {name}");
        }
    }
    if line.starts_with("pub const ") {
        return line.split(" = ").next().unwrap_or(line).trim().to_string();
    }
    line.trim_end_matches(['{', ';', ' ']).to_string()
}

/// The type an inherent `impl` block is for, without its generic arguments; `None` for an impl
/// of a trait (whose methods are the trait's).
fn impl_target(header: &str) -> Option<String> {
    let mut rest = header.strip_prefix("impl")?;
    if rest.starts_with('<') {
        let mut depth = 0;
        let end = rest.char_indices().find_map(|(i, c)| {
            match c {
                '<' => depth += 1,
                '>' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(i + 1)
        })?;
        rest = &rest[end..];
    }
    let rest = rest.trim_start();
    if rest.contains(" for ") {
        return None;
    }
    Some(
        rest.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect(),
    )
}

/// The public items of one module file, then those of its public submodules.
fn list(path: &Path, module: &str, out: &mut Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines().peekable();
    let mut submodules = Vec::new();
    let mut in_impl: Option<String> = None;
    while let Some(line) = lines.next() {
        if line.starts_with('}') {
            in_impl = None;
            continue;
        }
        if line.starts_with("impl") {
            in_impl = impl_target(line);
            continue;
        }
        if let Some(target) = &in_impl {
            if let Some(rest) = line.strip_prefix("    pub ") {
                if !rest.starts_with(' ') {
                    out.push(format!("{module} impl {target}: {}", item(line)));
                }
            }
            continue;
        }
        if !line.starts_with("pub ") {
            continue;
        }
        let mut declaration = line.to_string();
        if line.starts_with("pub use ") {
            // A re-export may run over several lines.
            while !declaration.trim_end().ends_with(';') {
                match lines.next() {
                    Some(more) => declaration.push_str(more.trim()),
                    None => break,
                }
            }
        }
        let named = item(&declaration);
        if let Some(name) = named.strip_prefix("pub mod ") {
            submodules.push(name.to_string());
        }
        out.push(format!("{module} {named}"));
    }
    for name in submodules {
        list(&module_file(path, &name), &format!("{module}::{name}"), out);
    }
}

fn public_api() -> String {
    let mut out = Vec::new();
    list(&src().join("lib.rs"), "arrears_core", &mut out);
    out.join("\n") + "\n"
}

#[test]
fn the_public_api_is_the_one_listed_in_public_api_txt() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(LIST);
    let found = public_api();
    if std::env::var_os("ARREARS_BLESS").is_some() {
        std::fs::write(&path, &found).unwrap();
        return;
    }
    let listed = std::fs::read_to_string(&path).unwrap_or_default();
    if listed == found {
        return;
    }
    let (listed, found): (Vec<&str>, Vec<&str>) =
        (listed.lines().collect(), found.lines().collect());
    let mut diff = String::new();
    for l in listed.iter().filter(|l| !found.contains(l)) {
        diff.push_str(&format!("- {l}\n"));
    }
    for l in found.iter().filter(|l| !listed.contains(l)) {
        diff.push_str(&format!("+ {l}\n"));
    }
    panic!(
        "the public API differs from core/{LIST} (- listed only, + in the code only; the order may differ too):\n{diff}\nIf the change is meant, run ARREARS_BLESS=1 cargo test -p arrears-core --test public_api and commit the list."
    );
}

#[test]
fn the_crate_root_has_at_most_ten_public_modules() {
    let text = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let public: Vec<&str> = text.lines().filter(|l| l.starts_with("pub mod ")).collect();
    assert!(
        public.len() <= MOST_PUBLIC_MODULES,
        "core/src/lib.rs has {} public modules, at most {MOST_PUBLIC_MODULES} are wanted: {public:?}",
        public.len()
    );
}

#[test]
fn an_impl_of_a_trait_lists_no_methods_and_generic_arguments_are_dropped() {
    assert_eq!(
        impl_target("impl<'a> Facts<'a> {"),
        Some("Facts".to_string())
    );
    assert_eq!(impl_target("impl Engine {"), Some("Engine".to_string()));
    assert_eq!(impl_target("impl From<RuleRef<'_>> for Reason {"), None);
    assert_eq!(
        item("pub const MAX_PLAN_DAYS: u32 = 31;"),
        "pub const MAX_PLAN_DAYS: u32"
    );
    assert_eq!(item("pub fn call_rank("), "pub fn call_rank");
}
