//! The corpus's claims and digests, checked the same way on every Rust surface (the native test,
//! `core/examples/corpus.rs`, `examples/rust-host`), each of which includes this file with
//! `#[path]`. `claims.mjs` and `claims.py` beside it are the same checker in JavaScript and Python;
//! `docs/conformance.md` describes the language.
//!
//! Needs only `serde_json`.

#![allow(dead_code)]

use serde_json::Value;

/// `"digest":"sha256:<64 hex>"` replaced by `"digest":"@digest"`, and the digests taken out, in
/// order. Expected files store the placeholder, so a policy edit changes `digests.json` alone.
pub fn mask_digests(output: &str) -> (String, Vec<String>) {
    const KEY: &str = "\"digest\":\"sha256:";
    let mut masked = String::with_capacity(output.len());
    let mut digests = Vec::new();
    let mut rest = output;
    while let Some(i) = rest.find(KEY) {
        let after = &rest[i + KEY.len()..];
        let hex = after.get(..64).unwrap_or("");
        let whole = hex.len() == 64
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
            && after[64..].starts_with('"');
        masked.push_str(&rest[..i]);
        if whole {
            masked.push_str("\"digest\":\"@digest\"");
            digests.push(format!("sha256:{hex}"));
            rest = &after[65..];
        } else {
            masked.push_str(KEY);
            rest = after;
        }
    }
    masked.push_str(rest);
    (masked, digests)
}

/// The digest `digests.json` records for a case's policy reference (`meta.policy`) and the
/// version the decision reports: a string, or for a file of dated versions an object keyed by
/// version.
pub fn recorded_digest<'a>(digests: &'a Value, reference: &str, version: &str) -> Option<&'a str> {
    match &digests[reference] {
        Value::String(s) => Some(s),
        Value::Object(by_version) => by_version.get(version).and_then(Value::as_str),
        _ => None,
    }
}

/// Checks an output's digest against `digests.json`; `None` when it agrees (or the output is an
/// error, which has none), else what is wrong.
pub fn digest_problem(digests: &Value, reference: &str, output: &str) -> Option<String> {
    let (_, found) = mask_digests(output);
    let got = found.first()?;
    let decision: Value = serde_json::from_str(output).unwrap_or(Value::Null);
    let version = decision["policy"]["version"].as_str().unwrap_or_default();
    match recorded_digest(digests, reference, version) {
        Some(want) if want == got => None,
        Some(want) => Some(format!(
            "digest of {reference} {version} is {got}, digests.json says {want}"
        )),
        None => Some(format!(
            "digests.json has no digest for {reference} {version} (the output's is {got})"
        )),
    }
}

/// The days a *plan case* plans over: its `meta.json`'s `"plan_days"`, which makes every surface
/// call plan over that many days instead of decide. `Ok(None)` for a decision case; a value that
/// is no whole number a host could pass is the case's fault, named.
pub fn plan_days(meta: &Value) -> Result<Option<u32>, String> {
    match meta.get("plan_days") {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("meta.json's \"plan_days\" is {v}, not a whole number of days")),
    }
}

enum Step {
    Key(String),
    Select(String, Vec<(String, String)>),
    Every(String),
    Index(String, usize),
}

fn parse(path: &str) -> Result<Vec<Step>, String> {
    // Split on dots outside brackets: selector values are rule ids, which hold dots.
    let mut segments = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in path.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '.' if depth == 0 => {
                segments.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    segments.push(&path[start..]);
    segments
        .into_iter()
        .map(|seg| {
            let Some(open) = seg.find('[') else {
                return if seg.is_empty() {
                    Err(format!("empty segment in {path:?}"))
                } else {
                    Ok(Step::Key(seg.to_string()))
                };
            };
            let (name, inner) = (&seg[..open], &seg[open + 1..]);
            let inner = inner
                .strip_suffix(']')
                .ok_or_else(|| format!("unclosed [ in {seg:?}"))?;
            if inner == "*" {
                return Ok(Step::Every(name.to_string()));
            }
            if let Ok(i) = inner.parse::<usize>() {
                return Ok(Step::Index(name.to_string(), i));
            }
            let pairs = inner
                .split(',')
                .map(|kv| {
                    kv.split_once('=')
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .ok_or_else(|| format!("selector {kv:?} in {seg:?} is not k=v"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Step::Select(name.to_string(), pairs))
        })
        .collect()
}

/// What a path gives: a value, or why nothing (`Missing` is a key that is absent or a selector
/// that matched nothing, which `lacks` accepts).
enum Found {
    Value(Value),
    Missing(String),
    Bad(String),
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) | Value::Null => Some(v.to_string()),
        _ => None,
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 160 {
        s.chars().take(160).collect::<String>() + "..."
    } else {
        s
    }
}

fn array<'a>(v: &'a Value, name: &str) -> Result<&'a Vec<Value>, Found> {
    match v.get(name) {
        Some(Value::Array(items)) => Ok(items),
        Some(Value::Null) | None => Err(Found::Missing(format!("no array {name:?}"))),
        Some(other) => Err(Found::Bad(format!(
            "{name:?} is not an array: {}",
            short(other)
        ))),
    }
}

fn resolve(v: &Value, steps: &[Step]) -> Found {
    let Some((step, rest)) = steps.split_first() else {
        return Found::Value(v.clone());
    };
    match step {
        Step::Key(k) => match v.get(k) {
            Some(x) => resolve(x, rest),
            None => Found::Missing(format!("no key {k:?} in {}", short(v))),
        },
        Step::Index(name, i) => match array(v, name) {
            Err(f) => f,
            Ok(items) => match items.get(*i) {
                Some(x) => resolve(x, rest),
                None => Found::Missing(format!("{name:?} has {} elements", items.len())),
            },
        },
        Step::Select(name, pairs) => match array(v, name) {
            Err(f) => f,
            Ok(items) => {
                let hits: Vec<&Value> = items
                    .iter()
                    .filter(|e| {
                        pairs.iter().all(|(k, want)| {
                            e.get(k).and_then(text_of).as_deref() == Some(want.as_str())
                        })
                    })
                    .collect();
                match hits.as_slice() {
                    [one] => resolve(one, rest),
                    [] => Found::Missing(format!(
                        "no element of {name:?} matches the selector (elements: {})",
                        short(&Value::Array(items.clone()))
                    )),
                    many => Found::Bad(format!(
                        "{} elements of {name:?} match the selector",
                        many.len()
                    )),
                }
            }
        },
        Step::Every(name) => match array(v, name) {
            Err(f) => f,
            Ok(items) => {
                let mut out = Vec::new();
                for e in items {
                    match resolve(e, rest) {
                        Found::Value(x) => out.push(x),
                        other => return other,
                    }
                }
                Found::Value(Value::Array(out))
            }
        },
    }
}

/// The case's `expect` claims that do not hold of `output` (decision or error JSON), each as
/// "path: what was wanted, what was found". An `expect` that is not a list is one problem.
pub fn claim_failures(meta: &Value, output: &Value) -> Vec<String> {
    let Some(claims) = meta.get("expect").and_then(Value::as_array) else {
        return vec!["meta.json has no \"expect\" list".to_string()];
    };
    if claims.is_empty() {
        return vec!["meta.json's \"expect\" list is empty".to_string()];
    }
    claims
        .iter()
        .filter_map(|c| check(c, output).err())
        .collect()
}

/// The number of claims a case makes (for the surfaces' summary line).
pub fn claim_count(meta: &Value) -> usize {
    meta.get("expect")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

fn check(claim: &Value, output: &Value) -> Result<(), String> {
    let path = claim
        .get("at")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("claim without \"at\": {claim}"))?;
    let steps = parse(path).map_err(|e| format!("{path}: {e}"))?;
    let found = resolve(output, &steps);
    let ops: Vec<&str> = ["is", "has", "lacks"]
        .into_iter()
        .filter(|k| claim.get(*k).is_some())
        .collect();
    let [op] = ops.as_slice() else {
        return Err(format!(
            "{path}: a claim needs exactly one of is/has/lacks: {claim}"
        ));
    };
    let want = &claim[*op];
    match (*op, found) {
        (_, Found::Bad(why)) => Err(format!("{path}: {why}")),
        ("lacks", Found::Missing(_)) => Ok(()),
        (_, Found::Missing(why)) => Err(format!("{path}: {op} {want}, but {why}")),
        ("is", Found::Value(got)) if got == *want => Ok(()),
        ("is", Found::Value(got)) => Err(format!("{path}: is {want}, found {}", short(&got))),
        (op, Found::Value(Value::Array(items))) => {
            if items.contains(want) == (op == "has") {
                Ok(())
            } else {
                Err(format!(
                    "{path}: {op} {want}, found {}",
                    short(&Value::Array(items))
                ))
            }
        }
        (op, Found::Value(got)) => Err(format!(
            "{path}: {op} {want} needs a list, found {}",
            short(&got)
        )),
    }
}
