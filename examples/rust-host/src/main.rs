//! A Rust host for the arrears component, on the wasmtime crate.
//!
//! ```text
//! rust-host decide COMPONENT POLICY CASE.json   # print the decision (or the error object)
//! rust-host plan COMPONENT POLICY CASE.json [DAYS]  # print the contact plan (7 days by default)
//! rust-host corpus COMPONENT CORPUS_DIR         # every corpus case's output, for `arrears corpus check`
//! rust-host bench  COMPONENT POLICY DIR         # decisions/s over DIR/cases-N.jsonl
//! ```
//!
//! The component imports nothing, so the linker is empty: no WASI, no host functions.

use std::path::Path;

use wasmtime::component::{Component, Linker, ResourceAny};
use wasmtime::{Engine, Error, Result, Store};

wasmtime::component::bindgen!({ path: "../../bindings/wasi/wit", world: "rules" });

use exports::arrears::rules::decisions;

struct Host {
    store: Store<()>,
    rules: Rules,
}

impl Host {
    fn load(component: &Path) -> Result<Host> {
        let engine = Engine::default();
        let component = Component::from_file(&engine, component)
            .map_err(|e| Error::msg(format!("loading {}: {e}", component.display())))?;
        let linker = Linker::<()>::new(&engine);
        let mut store = Store::new(&engine, ());
        let rules = Rules::instantiate(&mut store, &component, &linker)?;
        Ok(Host { store, rules })
    }

    fn engine(&mut self, policy: &str) -> Result<Result<ResourceAny, decisions::Error>> {
        self.rules
            .arrears_rules_decisions()
            .engine()
            .call_create(&mut self.store, policy)
    }

    fn decide(
        &mut self,
        engine: ResourceAny,
        case: &str,
    ) -> Result<Result<String, decisions::Error>> {
        self.rules
            .arrears_rules_decisions()
            .engine()
            .call_decide(&mut self.store, engine, case)
    }

    fn plan(
        &mut self,
        engine: ResourceAny,
        case: &str,
        days: u32,
    ) -> Result<Result<String, decisions::Error>> {
        self.rules
            .arrears_rules_decisions()
            .engine()
            .call_plan(&mut self.store, engine, case, days)
    }
}

/// The error object every surface writes: `{"error":{"code","path","message"}}`, keys in that
/// order (serde_json's `json!` would sort them).
fn error_json(e: &decisions::Error) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    format!(
        r#"{{"error":{{"code":{},"path":{},"message":{}}}}}"#,
        q(&e.code),
        q(&e.path),
        q(&e.message)
    )
}

/// Decision JSON (the plan's over `plan_days` days, when given), or the error object, for a
/// policy reference and a case text.
fn run(host: &mut Host, policy: &str, case: &str, plan_days: Option<u32>) -> Result<String> {
    Ok(match host.engine(policy)? {
        Err(e) => error_json(&e),
        Ok(engine) => {
            let answer = match plan_days {
                None => host.decide(engine, case)?,
                Some(days) => host.plan(engine, case, days)?,
            };
            let out = match answer {
                Ok(d) => d,
                Err(e) => error_json(&e),
            };
            engine.resource_drop(&mut host.store)?;
            out
        }
    })
}

fn policy_text(corpus: &Path, reference: &str) -> Result<String> {
    Ok(if reference.ends_with(".json") {
        std::fs::read_to_string(corpus.join(reference))?
    } else {
        reference.to_string()
    })
}

/// Every corpus case's output, one JSON line each (`{"surface", "case", "output"}`), for
/// `arrears corpus check`, which holds every surface's outputs to the expected bytes, the digests
/// and the claims. A host of your own needs only `run`.
fn corpus(host: &mut Host, dir: &Path) -> Result<()> {
    let mut cases: Vec<_> = std::fs::read_dir(dir.join("cases"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    for case_dir in &cases {
        let name = case_dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(case_dir.join("meta.json"))?)?;
        let policy = policy_text(dir, meta["policy"].as_str().unwrap_or_default())?;
        let case = std::fs::read_to_string(case_dir.join("case.json"))?;
        // A case whose meta.json holds "plan_days" is planned over that many days, not decided;
        // a value no host could pass is the checker's to report.
        let plan_days = meta["plan_days"]
            .as_u64()
            .and_then(|d| u32::try_from(d).ok());
        let output = run(host, &policy, &case, plan_days)?;
        println!(
            "{}",
            serde_json::json!({ "surface": "component (Rust, wasmtime)", "case": name, "output": output })
        );
    }
    Ok(())
}

fn bench(host: &mut Host, policy: &str, dir: &Path) -> Result<()> {
    let engine = match host.engine(policy)? {
        Ok(e) => e,
        Err(e) => return Err(Error::msg(error_json(&e))),
    };
    let budget = std::time::Duration::from_millis(
        std::env::var("BENCH_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000),
    );
    let mut rows = Vec::new();
    for history in [20, 200, 2000, 10000] {
        let text = std::fs::read_to_string(dir.join(format!("cases-{history}.jsonl")))?;
        let cases: Vec<&str> = text.lines().collect();
        for c in &cases {
            let _ = host.decide(engine, c)?;
        }
        let (start, mut n) = (std::time::Instant::now(), 0u64);
        while start.elapsed() < budget {
            for c in &cases {
                let _ = host.decide(engine, c)?;
                n += 1;
            }
        }
        rows.push(serde_json::json!({ "history": history, "decide_per_s": (n as f64 / start.elapsed().as_secs_f64()).round() }));
    }
    println!(
        "{}",
        serde_json::json!({ "surface": "wasmtime (Rust)", "rows": rows })
    );
    Ok(())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: rust-host decide COMPONENT POLICY CASE | plan COMPONENT POLICY CASE [DAYS] | corpus COMPONENT DIR | bench COMPONENT POLICY DIR";
    let policy_arg = |arg: &str| -> Result<String> {
        Ok(if Path::new(arg).is_file() {
            std::fs::read_to_string(arg)?
        } else {
            arg.to_string()
        })
    };
    match args.get(1).map(String::as_str) {
        Some("decide") if args.len() == 5 => {
            let mut host = Host::load(Path::new(&args[2]))?;
            let policy = policy_arg(&args[3])?;
            let out = run(
                &mut host,
                &policy,
                &std::fs::read_to_string(&args[4])?,
                None,
            )?;
            println!("{out}");
        }
        Some("plan") if args.len() == 5 || args.len() == 6 => {
            let days = match args.get(5) {
                None => 7,
                Some(d) => d
                    .parse()
                    .map_err(|_| Error::msg(format!("DAYS must be a whole number, not {d}")))?,
            };
            let mut host = Host::load(Path::new(&args[2]))?;
            let policy = policy_arg(&args[3])?;
            let out = run(
                &mut host,
                &policy,
                &std::fs::read_to_string(&args[4])?,
                Some(days),
            )?;
            println!("{out}");
        }
        Some("corpus") if args.len() == 4 => {
            let mut host = Host::load(Path::new(&args[2]))?;
            corpus(&mut host, Path::new(&args[3]))?;
        }
        Some("bench") if args.len() == 5 => {
            let mut host = Host::load(Path::new(&args[2]))?;
            bench(&mut host, &args[3], Path::new(&args[4]))?;
        }
        _ => return Err(Error::msg(usage)),
    }
    Ok(())
}
