//! The conformance corpus's checks, written once for every surface: the masked bytes of an
//! output against its case's `expected.json`, the policy digest against `digests.json`, and the
//! claims of the case's `meta.json` (`docs/conformance.md` describes the claims language). The
//! surfaces' runners only produce outputs; `arrears corpus check` reads them and calls this, so a
//! claim means the same on every surface. `arrears policy test` states its expectations in the
//! same language.
//!
//! Nothing here is on the decision path: it reads files and compares texts.

pub mod expected;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
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
        .filter_map(|c| check_claim(c, output).err())
        .collect()
}

/// The number of claims a case makes (for the surfaces' summary line).
pub fn claim_count(meta: &Value) -> usize {
    meta.get("expect")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

/// Checks one claim, `{"at": PATH, OP: VALUE}` with exactly one operator of `is`, `has` and
/// `lacks`, against an output; the error says the path, what was wanted and what was found.
pub fn check_claim(claim: &Value, output: &Value) -> Result<(), String> {
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

/// One case of a corpus directory, read: what every surface needs to run it, and what the checker
/// compares its output with.
#[derive(Debug, Clone)]
pub struct CorpusCase {
    /// The directory name under `cases/`.
    pub name: String,
    pub meta: Value,
    /// `meta.json`'s `policy`: a built-in pack id or a file path relative to the corpus.
    pub policy_reference: String,
    /// What a surface passes as the policy: the pack id, or the text of the file.
    pub policy: String,
    /// `case.json`, exactly as written.
    pub case_text: String,
    /// The expected output (digest masked, with its newline): `expected.json` and
    /// `expected.prose` joined ([`expected::join`]); empty when the case is not blessed yet or its
    /// two files do not join, so every surface's output differs from it.
    pub expected: String,
}

impl CorpusCase {
    /// The days a plan case plans over (see [`plan_days`]).
    pub fn plan_days(&self) -> Result<Option<u32>, String> {
        plan_days(&self.meta)
    }

    /// What the native engine gives for the case through the JSON entry points: the plan for a
    /// plan case, else the decision; or the error object. A `plan_days` no host could pass is
    /// the checker's to report, and the case is decided.
    pub fn native_output(&self) -> String {
        let (Ok(output) | Err(output)) = match self.plan_days() {
            Ok(Some(days)) => crate::ffi::plan(&self.policy, &self.case_text, days),
            _ => crate::ffi::decide(&self.policy, &self.case_text),
        };
        output
    }
}

/// Makes the first claim of a `meta.json` false (its value becomes one no output holds) and gives
/// its path: how the tests and `scripts/conformance.sh` plant a false claim to see that every
/// surface's outputs still reach the checker. `None` when the case has no claim.
pub fn falsify_first_claim(meta: &mut Value) -> Option<String> {
    let claim = meta.get_mut("expect")?.get_mut(0)?;
    let op = ["is", "has", "lacks"]
        .into_iter()
        .find(|k| claim.get(*k).is_some())?;
    claim[op] = Value::String("a value no decision holds".into());
    claim["at"].as_str().map(str::to_owned)
}

/// A corpus directory: its cases in name order and its `digests.json` (`Null` when it has none).
#[derive(Debug, Clone)]
pub struct Corpus {
    pub cases: Vec<CorpusCase>,
    pub digests: Value,
}

/// One surface's line in the conformance table (`scripts/conformance.sh`): the cases whose bytes
/// differ, and every failed digest or claim as "case: what".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub surface: String,
    pub cases: usize,
    pub identical: usize,
    pub differ: Vec<String>,
    pub claims: usize,
    pub failed_claims: Vec<String>,
}

impl Summary {
    pub fn passed(&self) -> bool {
        self.differ.is_empty() && self.failed_claims.is_empty()
    }
}

impl Corpus {
    /// Reads `root/cases/*/{meta,case,expected}.json`, the policy files the cases name and
    /// `root/digests.json`; the error names the file that could not be read.
    pub fn load(root: &Path) -> Result<Corpus, String> {
        let read =
            |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
        let digests_path = root.join("digests.json");
        let digests = if digests_path.exists() {
            serde_json::from_str(&read(&digests_path)?)
                .map_err(|e| format!("{}: {e}", digests_path.display()))?
        } else {
            Value::Null
        };
        let entries = std::fs::read_dir(root.join("cases"))
            .map_err(|e| format!("{}: {e}", root.join("cases").display()))?;
        let mut dirs: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        crate::order::sort(&mut dirs);
        let mut cases = Vec::with_capacity(dirs.len());
        for dir in dirs {
            let meta_path = dir.join("meta.json");
            let meta: Value = serde_json::from_str(&read(&meta_path)?)
                .map_err(|e| format!("{}: {e}", meta_path.display()))?;
            let policy_reference = meta["policy"].as_str().unwrap_or_default().to_string();
            let policy = if policy_reference.ends_with(".json") {
                read(&root.join(&policy_reference))?
            } else {
                policy_reference.clone()
            };
            cases.push(CorpusCase {
                name: dir
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                case_text: read(&dir.join("case.json"))?,
                expected: expected_output(&dir),
                meta,
                policy_reference,
                policy,
            });
        }
        Ok(Corpus { cases, digests })
    }

    /// The three checks of one case's output on some surface: whether its masked bytes are the
    /// expected ones, and every failed digest or claim (the bytes are reported apart, as
    /// `differ`). A case whose `plan_days` no surface could pass differs whatever it gave.
    pub fn check_case(&self, case: &CorpusCase, output: &str) -> (bool, Vec<String>) {
        if let Err(problem) = case.plan_days() {
            return (false, vec![problem]);
        }
        let identical = mask_digests(output).0 + "\n" == case.expected;
        let mut failed: Vec<String> = digest_problem(&self.digests, &case.policy_reference, output)
            .into_iter()
            .collect();
        let parsed: Value = serde_json::from_str(output).unwrap_or(Value::Null);
        failed.extend(claim_failures(&case.meta, &parsed));
        (identical, failed)
    }

    /// A surface's outputs (case name to output text) checked against every case: a case the
    /// surface gave no output for differs.
    pub fn check(&self, surface: &str, outputs: &SurfaceOutputs) -> Summary {
        let mut s = Summary {
            surface: surface.to_string(),
            cases: self.cases.len(),
            ..Summary::default()
        };
        for case in &self.cases {
            s.claims += claim_count(&case.meta);
            let Some(output) = outputs.get(&case.name) else {
                s.differ.push(case.name.clone());
                s.failed_claims
                    .push(format!("{}: no output from this surface", case.name));
                continue;
            };
            let (identical, failed) = self.check_case(case, output);
            if !identical {
                s.differ.push(case.name.clone());
            }
            s.failed_claims
                .extend(failed.into_iter().map(|f| format!("{}: {f}", case.name)));
        }
        for name in outputs.keys() {
            if !self.cases.iter().any(|c| &c.name == name) {
                s.failed_claims.push(format!(
                    "{name}: an output for a case the corpus does not have"
                ));
            }
        }
        s.identical = s.cases - s.differ.len();
        s
    }
}

/// What one surface gave for each case: the case's name to the output text.
pub type SurfaceOutputs = BTreeMap<String, String>;

/// One line of a runner's outputs (JSON Lines): the surface, the case, and the output text
/// exactly as the surface gave it (a decision, a plan or an error object).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct Output {
    pub surface: String,
    pub case: String,
    pub output: String,
}

/// Reads runners' outputs, JSON Lines of [`Output`], grouped by surface in the order each first
/// appears. A line that is not an output is named by its number; blank lines are skipped.
pub fn read_outputs(text: &str) -> Result<Vec<(String, SurfaceOutputs)>, String> {
    let mut surfaces: Vec<(String, SurfaceOutputs)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let o: Output =
            serde_json::from_str(line).map_err(|e| format!("outputs line {}: {e}", i + 1))?;
        let at = match surfaces.iter().position(|(s, _)| *s == o.surface) {
            Some(at) => at,
            None => {
                surfaces.push((o.surface.clone(), BTreeMap::new()));
                surfaces.len() - 1
            }
        };
        if surfaces[at].1.insert(o.case.clone(), o.output).is_some() {
            return Err(format!(
                "outputs line {}: {} gave a second output for {}",
                i + 1,
                o.surface,
                o.case
            ));
        }
    }
    Ok(surfaces)
}

/// A case directory's expected output, its two expected files joined; empty when either is
/// missing or they do not join (the byte comparison then fails and names the case).
fn expected_output(dir: &Path) -> String {
    let (Ok(verdict), Ok(prose)) = (
        std::fs::read_to_string(dir.join("expected.json")),
        std::fs::read_to_string(dir.join("expected.prose")),
    ) else {
        return String::new();
    };
    expected::join(&verdict, &prose).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn claims_language_reads_keys_selectors_lists_and_indices() {
        let out = serde_json::json!({
            "delinquency": { "days_past_due": 23 },
            "actions": [
                { "action": "call", "party": "borrower", "channel": "m1", "allowed": false,
                  "blocked_by": [ { "rule": "x.hours" }, { "rule": "x.cap" } ] },
                { "action": "call", "party": "c1", "channel": null, "allowed": true, "blocked_by": [] },
                { "action": "sms", "party": "borrower", "channel": "m1", "allowed": true, "blocked_by": [] }
            ],
            "next_action": null
        });
        let ok = |claim: Value| {
            claim_failures(&serde_json::json!({ "expect": [claim] }), &out).is_empty()
        };
        assert!(ok(json!({ "at": "delinquency.days_past_due", "is": 23 })));
        assert!(!ok(json!({ "at": "delinquency.days_past_due", "is": 24 })));
        assert!(!ok(
            json!({ "at": "delinquency.days_past_due", "is": "23" })
        ));
        assert!(ok(
            json!({ "at": "actions[action=call,party=borrower].allowed", "is": false })
        ));
        assert!(ok(
            json!({ "at": "actions[action=call,channel=null].party", "is": "c1" })
        ));
        assert!(ok(
            json!({ "at": "actions[allowed=true,action=sms].channel", "is": "m1" })
        ));
        // Several matches, or none, fail; so does a missing key.
        assert!(!ok(
            json!({ "at": "actions[action=call].allowed", "is": false })
        ));
        assert!(!ok(
            json!({ "at": "actions[action=visit].allowed", "is": false })
        ));
        assert!(!ok(json!({ "at": "delinquency.stage", "is": null })));
        assert!(ok(
            json!({ "at": "actions[action=call,party=borrower].blocked_by[*].rule", "has": "x.cap" })
        ));
        assert!(!ok(
            json!({ "at": "actions[action=call,party=borrower].blocked_by[*].rule", "has": "x" })
        ));
        assert!(ok(
            json!({ "at": "actions[action=call,party=borrower].blocked_by[*].rule", "lacks": "x" })
        ));
        assert!(!ok(
            json!({ "at": "actions[action=call,party=borrower].blocked_by[*].rule", "lacks": "x.cap" })
        ));
        assert!(ok(
            json!({ "at": "actions[action=call,party=borrower].blocked_by[1].rule", "is": "x.cap" })
        ));
        assert!(ok(
            json!({ "at": "actions[*].allowed", "is": [false, true, true] })
        ));
        // lacks accepts a path that resolves to nothing; has and is do not.
        assert!(ok(
            json!({ "at": "actions[action=visit].blocked_by[*].rule", "lacks": "x.cap" })
        ));
        assert!(ok(json!({ "at": "next_action.action", "lacks": "call" })));
        assert!(!ok(json!({ "at": "next_action.action", "has": "call" })));
        assert!(ok(json!({ "at": "next_action", "is": null })));
        // A claim without one operator, or a case without claims, fails.
        assert!(!ok(json!({ "at": "next_action" })));
        assert!(!claim_failures(&json!({}), &out).is_empty());
    }

    #[test]
    fn digests_are_masked_and_looked_up_by_reference_and_version() {
        let hex = "ab".repeat(32);
        let out =
            format!(r#"{{"policy":{{"id":"p","version":"2","digest":"sha256:{hex}"}},"x":1}}"#);
        let (masked, found) = mask_digests(&out);
        assert_eq!(
            masked,
            r#"{"policy":{"id":"p","version":"2","digest":"@digest"},"x":1}"#
        );
        assert_eq!(found, vec![format!("sha256:{hex}")]);
        let d = format!("sha256:{hex}");
        let plain = serde_json::json!({ "p": d });
        let by_version = serde_json::json!({ "f.json": { "1": "sha256:00", "2": d } });
        assert_eq!(digest_problem(&plain, "p", &out), None);
        assert_eq!(digest_problem(&by_version, "f.json", &out), None);
        assert!(digest_problem(&by_version, "p", &out).is_some());
        // An error output has no digest to check.
        assert_eq!(
            digest_problem(&plain, "p", r#"{"error":{"code":"x"}}"#),
            None
        );
    }

    fn one_case_corpus() -> Corpus {
        let expected = r#"{"policy":{"id":"p","version":"1","digest":"@digest"},"allowed":true}"#;
        Corpus {
            cases: vec![CorpusCase {
                name: "c1".into(),
                meta: json!({ "policy": "p", "expect": [
                    { "at": "allowed", "is": true },
                    { "at": "policy.id", "is": "p" }
                ] }),
                policy_reference: "p".into(),
                policy: "p".into(),
                case_text: "{}".into(),
                expected: format!("{expected}\n"),
            }],
            digests: json!({ "p": format!("sha256:{}", "0".repeat(64)) }),
        }
    }

    fn output(allowed: bool) -> String {
        format!(
            r#"{{"policy":{{"id":"p","version":"1","digest":"sha256:{}"}},"allowed":{allowed}}}"#,
            "0".repeat(64)
        )
    }

    #[test]
    fn a_surface_that_gives_the_expected_output_passes_every_check() {
        let corpus = one_case_corpus();
        let s = corpus.check("s", &BTreeMap::from([("c1".into(), output(true))]));
        assert!(s.passed(), "{s:?}");
        assert_eq!((s.cases, s.identical, s.claims), (1, 1, 2));
    }

    #[test]
    fn a_surface_with_a_wrong_verdict_differs_and_fails_the_claim() {
        let corpus = one_case_corpus();
        let s = corpus.check("s", &BTreeMap::from([("c1".into(), output(false))]));
        assert_eq!(s.differ, vec!["c1"]);
        assert_eq!(s.failed_claims, vec!["c1: allowed: is true, found false"]);
    }

    #[test]
    fn a_falsified_claim_fails_though_the_bytes_agree() {
        let mut corpus = one_case_corpus();
        corpus.cases[0].meta["expect"][1]["is"] = json!("a value no decision holds");
        let s = corpus.check("s", &BTreeMap::from([("c1".into(), output(true))]));
        assert!(s.differ.is_empty(), "{s:?}");
        assert_eq!(s.failed_claims.len(), 1, "{s:?}");
        assert!(
            s.failed_claims[0].starts_with("c1: policy.id: is "),
            "{s:?}"
        );
    }

    #[test]
    fn a_case_without_output_and_an_output_without_case_are_both_named() {
        let corpus = one_case_corpus();
        let s = corpus.check("s", &BTreeMap::from([("c2".into(), output(true))]));
        assert_eq!(s.differ, vec!["c1"]);
        assert_eq!(s.identical, 0);
        assert_eq!(s.failed_claims.len(), 2, "{s:?}");
        assert!(s.failed_claims[0].contains("no output"), "{s:?}");
        assert!(s.failed_claims[1].starts_with("c2: "), "{s:?}");
    }

    #[test]
    fn a_digest_digests_json_does_not_record_fails_the_case() {
        let mut corpus = one_case_corpus();
        corpus.digests = json!({ "p": format!("sha256:{}", "1".repeat(64)) });
        let s = corpus.check("s", &BTreeMap::from([("c1".into(), output(true))]));
        assert!(s.differ.is_empty(), "{s:?}");
        assert!(s.failed_claims[0].contains("digests.json says"), "{s:?}");
    }

    #[test]
    fn a_plan_case_whose_days_are_no_whole_number_differs_naming_plan_days() {
        let mut corpus = one_case_corpus();
        corpus.cases[0].meta["plan_days"] = json!("3");
        let s = corpus.check("s", &BTreeMap::from([("c1".into(), output(true))]));
        assert_eq!(s.differ, vec!["c1"]);
        assert!(s.failed_claims[0].contains("plan_days"), "{s:?}");
    }

    #[test]
    fn outputs_are_grouped_by_surface_in_order_and_a_repeated_case_is_refused() {
        let line = |s: &str, c: &str, o: &str| {
            serde_json::to_string(&Output {
                surface: s.into(),
                case: c.into(),
                output: o.into(),
            })
            .unwrap()
        };
        let text = [
            line("b", "c1", "x"),
            String::new(),
            line("a", "c1", "y"),
            line("b", "c2", "z"),
        ]
        .join("\n");
        let surfaces = read_outputs(&text).unwrap();
        assert_eq!(surfaces.len(), 2);
        assert_eq!(surfaces[0].0, "b");
        assert_eq!(surfaces[0].1["c2"], "z");
        assert_eq!(surfaces[1].1["c1"], "y");
        let twice = [line("a", "c1", "x"), line("a", "c1", "x")].join("\n");
        assert!(read_outputs(&twice).unwrap_err().contains("line 2"));
        assert!(read_outputs("{").unwrap_err().contains("line 1"));
    }
}
