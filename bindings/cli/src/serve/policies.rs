//! The policies a service decides with: loaded from pack ids and files at start, reloaded on
//! `SIGHUP` and when a file changes, swapped atomically.
//!
//! A request takes an `Arc` of the snapshot current when it starts and keeps it to its end, so a
//! reload never changes the policy under a request in flight. A document that fails to load
//! leaves the policy it would replace serving, and stays reported (log, metric, `/readyz`) until
//! a load of it succeeds.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use arrears_core::{Engine, Error, ErrorCode};

use crate::source;

/// One policy as served: the reference it was named by on the command line and its engine.
pub struct Served {
    pub reference: String,
    pub engine: Engine,
    /// The files its text came from (the document and every file its `extends` named), with what
    /// they held when it was loaded: a change to any of them reloads it.
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl Served {
    pub fn id(&self) -> &str {
        self.engine.policy().id()
    }
}

/// What every request reads: the served policies in command-line order (the first is the
/// default) and the references whose last reload failed.
pub struct Snapshot {
    pub served: Vec<Arc<Served>>,
    pub failing: BTreeMap<String, Error>,
}

impl Snapshot {
    /// The policy `id` names, or the default for none.
    pub fn get(&self, id: Option<&str>) -> Result<&Arc<Served>, Error> {
        match id {
            None => Ok(&self.served[0]),
            Some(id) => self.served.iter().find(|s| s.id() == id).ok_or_else(|| {
                let ids: Vec<&str> = self.served.iter().map(|s| s.id()).collect();
                Error::new(
                    ErrorCode::UnknownPolicy,
                    "policy",
                    format!(
                        "this service serves no policy {id:?}; it serves {}",
                        ids.join(", ")
                    ),
                )
            }),
        }
    }
}

/// The outcome of reloading one reference, for the log and the metrics.
pub enum Reload {
    Unchanged,
    Loaded { id: String, version: String },
    Failed(Error),
}

pub struct Policies {
    current: RwLock<Arc<Snapshot>>,
    /// Reloads run one at a time (a signal and the file watch may ask together).
    reloading: Mutex<()>,
}

/// Loads one reference: a pack id, or a document file and the files its `extends` name.
pub fn load(reference: &str) -> Result<Served, Error> {
    let is_file = arrears_core::policy::packs::source(reference).is_none()
        && (reference.ends_with(".json")
            || reference.contains(std::path::MAIN_SEPARATOR)
            || std::path::Path::new(reference).exists());
    if !is_file {
        // A pack id, known or not: the engine's own answer, which lists the packs there are.
        return Ok(Served {
            reference: reference.to_string(),
            engine: Engine::from_reference(reference)?,
            files: Vec::new(),
        });
    }
    let source = source::policy(reference)?;
    let files = std::cell::RefCell::new(vec![(
        PathBuf::from(reference),
        source.text.clone().into_bytes(),
    )]);
    let engine = Engine::from_reference_with(&source.text, &|name| {
        let text = source.resolve(name)?;
        if arrears_core::policy::packs::source(name).is_none() {
            files
                .borrow_mut()
                .push((source.dir.join(name), text.clone().into_bytes()));
        }
        Ok(text)
    })?;
    Ok(Served {
        reference: reference.to_string(),
        engine,
        files: files.into_inner(),
    })
}

impl Policies {
    /// Loads every reference; the first failure is the answer (a service does not start on a
    /// policy it cannot read), as are two references with the same id.
    pub fn open(references: &[String]) -> Result<Policies, Error> {
        let mut served: Vec<Arc<Served>> = Vec::with_capacity(references.len());
        for reference in references {
            let s = load(reference)?;
            if let Some(other) = served.iter().find(|o| o.id() == s.id()) {
                return Err(Error::new(
                    ErrorCode::PolicyInvalid,
                    "policy",
                    format!(
                        "{} and {} are both policy {:?}; a service serves one policy per id",
                        other.reference,
                        reference,
                        s.id()
                    ),
                ));
            }
            served.push(Arc::new(s));
        }
        if served.is_empty() {
            return Err(Error::new(
                ErrorCode::UnknownPolicy,
                "policy",
                "name at least one policy with --policy",
            ));
        }
        Ok(Policies {
            current: RwLock::new(Arc::new(Snapshot {
                served,
                failing: BTreeMap::new(),
            })),
            reloading: Mutex::new(()),
        })
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.current.read() {
            Ok(s) => Arc::clone(&s),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Reloads the policies `which` selects (every one on `SIGHUP`, the changed ones for the file
    /// watch) and swaps the snapshot in one step; the outcome of each, by reference.
    pub fn reload(&self, which: impl Fn(&Served) -> bool) -> Vec<(String, Reload)> {
        let _one_at_a_time = self.reloading.lock();
        let old = self.snapshot();
        let mut served = Vec::with_capacity(old.served.len());
        let mut failing = old.failing.clone();
        let mut outcomes = Vec::new();
        for s in &old.served {
            if !which(s) {
                served.push(Arc::clone(s));
                continue;
            }
            let outcome = match load(&s.reference) {
                Ok(new) if new.id() != s.id() => {
                    let e = Error::new(
                        ErrorCode::PolicyInvalid,
                        "id",
                        format!(
                            "{} now holds policy {:?}, not {:?}; a reload keeps a policy's id",
                            s.reference,
                            new.id(),
                            s.id()
                        ),
                    );
                    served.push(Arc::clone(s));
                    Reload::Failed(e)
                }
                Ok(new) => {
                    let same = new.engine.policy().digest() == s.engine.policy().digest()
                        && new.engine.versions().len() == s.engine.versions().len();
                    let outcome = if same {
                        Reload::Unchanged
                    } else {
                        Reload::Loaded {
                            id: new.id().to_string(),
                            version: new.engine.policy().version().to_string(),
                        }
                    };
                    served.push(Arc::new(new));
                    outcome
                }
                Err(e) => {
                    served.push(Arc::clone(s));
                    Reload::Failed(e)
                }
            };
            match &outcome {
                Reload::Failed(e) => {
                    failing.insert(s.reference.clone(), e.clone());
                }
                _ => {
                    failing.remove(&s.reference);
                }
            }
            outcomes.push((s.reference.clone(), outcome));
        }
        let next = Arc::new(Snapshot { served, failing });
        match self.current.write() {
            Ok(mut c) => *c = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
        outcomes
    }

    /// The references whose files changed since the watch last looked (first: since they were
    /// loaded). A file is read only when its modification time or length moved, and compared by
    /// content, so a `touch` or an editor's rewrite of the same bytes reloads nothing, and a
    /// document that fails to load is tried again only when it changes again.
    pub fn changed(&self, seen: &mut Watched) -> Vec<String> {
        let snapshot = self.snapshot();
        let mut out = Vec::new();
        for s in &snapshot.served {
            let mut changed = false;
            for (path, loaded) in &s.files {
                let stamp = std::fs::metadata(path)
                    .ok()
                    .map(|m| (m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()));
                let Some(stamp) = stamp else { continue };
                let entry = seen
                    .entry(path.clone())
                    .or_insert_with(|| (None, loaded.clone()));
                if entry.0 == Some(stamp) {
                    continue;
                }
                entry.0 = Some(stamp);
                if let Ok(now) = std::fs::read(path) {
                    if now != entry.1 {
                        entry.1 = now;
                        changed = true;
                    }
                }
            }
            if changed {
                out.push(s.reference.clone());
            }
        }
        out
    }
}

/// What the file watch last saw of each file: its modification time and length, and its bytes.
pub type Watched = BTreeMap<PathBuf, (Option<(SystemTime, u64)>, Vec<u8>)>;
