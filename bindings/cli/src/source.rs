//! Reading policies and cases from the command line: pack ids, files, and the files a lender
//! document `extends` (resolved next to the document that names them).

use std::path::{Path, PathBuf};

use arrears_core::policy::packs;
use arrears_core::{Engine, Error, ErrorCode};

/// A policy named on the command line: its text (or pack id) and where relative `extends` live.
pub struct PolicySource {
    pub text: String,
    pub dir: PathBuf,
}

pub fn policy(reference: &str) -> Result<PolicySource, Error> {
    if packs::source(reference).is_some() {
        return Ok(PolicySource {
            text: reference.to_string(),
            dir: PathBuf::from("."),
        });
    }
    let path = Path::new(reference);
    if !path.exists() {
        return Err(Error::new(
            ErrorCode::UnknownPolicy,
            "policy",
            format!(
                "{reference:?} is neither a built-in pack ({}) nor a policy file",
                packs::IDS.join(", ")
            ),
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::new(
            ErrorCode::UnknownPolicy,
            "policy",
            format!("cannot read {reference:?}: {e}"),
        )
    })?;
    // A file is a document; text that is not JSON must not be taken for a pack id.
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
        return Err(Error::new(
            ErrorCode::InvalidJson,
            "",
            format!("{reference} is not a JSON policy document: {e}"),
        ));
    }
    Ok(PolicySource {
        text,
        dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
    })
}

impl PolicySource {
    /// Resolves an `extends`: a pack id, or a file relative to this policy's directory.
    pub fn resolve(&self, name: &str) -> Result<String, Error> {
        if let Some(text) = packs::source(name) {
            return Ok(text.to_string());
        }
        let path = self.dir.join(name);
        std::fs::read_to_string(&path).map_err(|e| {
            Error::new(
                ErrorCode::UnknownPolicy,
                "extends",
                format!(
                    "{name:?} is neither a built-in pack nor a readable file ({}: {e})",
                    path.display()
                ),
            )
        })
    }

    pub fn engine(&self) -> Result<Engine, Error> {
        Engine::from_reference_with(&self.text, &|n| self.resolve(n))
    }
}

/// Reads a case file, or standard input for `-` or no file.
pub fn input(path: Option<&str>) -> Result<String, Error> {
    use std::io::Read;
    let mut text = String::new();
    match path {
        None | Some("-") => std::io::stdin().read_to_string(&mut text).map(|_| text),
        Some(p) => std::fs::read_to_string(p),
    }
    .map_err(|e| {
        Error::new(
            ErrorCode::InvalidJson,
            "",
            match path {
                None | Some("-") => format!("cannot read the case from standard input: {e}"),
                Some(p) => format!("cannot read the case file {p}: {e}"),
            },
        )
    })
}

/// Case files under a directory: `*.json` files, or `case.json` in corpus-style folders; sorted.
pub fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json")
                && !matches!(
                    p.file_name().and_then(|n| n.to_str()),
                    Some("meta.json" | "expected.json")
                )
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
