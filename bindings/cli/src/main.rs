//! `arrears`: the command-line surface of the engine.
//!
//! Machine-facing commands print JSON on stdout and signal failure by exit code: 0 for a decision,
//! 2 for an error object (bad case, bad policy), so a shell pipeline can tell them apart without
//! parsing. Human-facing output goes to stderr or is asked for with `--pretty`.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use arrears_core::{Case, Engine, Error, ErrorCode};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "arrears",
    version,
    about = "Deterministic collections rules: stage, next allowed action, escalation, disclosures"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decide one case: the decision JSON on stdout (exit 0), or the error JSON (exit 2).
    Decide {
        /// A built-in pack id (cn-microloan, us-reg-f) or a policy document file.
        #[arg(long)]
        policy: String,
        /// The case file; `-` or nothing reads standard input.
        case: Option<String>,
        /// Indent the JSON for people.
        #[arg(long)]
        pretty: bool,
    },
    /// Work with policy documents.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// List the built-in packs.
    List,
    /// Print a built-in pack's document.
    Show { id: String },
    /// Validate a policy document (or pack id) and list every problem; exit 0 only when clean.
    Check {
        policy: String,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Decide {
            policy,
            case,
            pretty,
        } => decide(&policy, case.as_deref(), pretty),
        Command::Policy { command } => match command {
            PolicyCommand::List => {
                for id in arrears_core::ffi::builtin_policies() {
                    println!("{id}");
                }
                ExitCode::SUCCESS
            }
            PolicyCommand::Show { id } => match arrears_core::policy::packs::source(&id) {
                Some(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                None => fail(
                    &Error::new(
                        ErrorCode::UnknownPolicy,
                        "policy",
                        format!("no built-in policy pack {id:?}"),
                    ),
                    false,
                ),
            },
            PolicyCommand::Check { policy, json } => check(&policy, json),
        },
    }
}

/// Reads a policy reference: a pack id stays as it is; anything naming a file is read.
fn policy_text(reference: &str) -> Result<String, Error> {
    if arrears_core::policy::packs::source(reference).is_some() {
        return Ok(reference.to_string());
    }
    let looks_like_file = reference.ends_with(".json")
        || reference.contains('/')
        || std::path::Path::new(reference).exists();
    if !looks_like_file {
        return Ok(reference.to_string()); // reported as unknown_policy by the loader
    }
    std::fs::read_to_string(reference).map_err(|e| {
        Error::new(
            ErrorCode::UnknownPolicy,
            "policy",
            format!("cannot read policy file {reference:?}: {e}"),
        )
    })
}

fn read_input(path: Option<&str>) -> Result<String, Error> {
    let mut text = String::new();
    match path {
        None | Some("-") => io::stdin().read_to_string(&mut text).map(|_| text),
        Some(p) => std::fs::read_to_string(p),
    }
    .map_err(|e| {
        Error::new(
            ErrorCode::InvalidJson,
            "",
            format!("cannot read the case: {e}"),
        )
    })
}

fn decide(policy: &str, case: Option<&str>, pretty: bool) -> ExitCode {
    let engine = match policy_text(policy).and_then(|p| Engine::from_reference(&p)) {
        Ok(e) => e,
        Err(e) => return fail(&e, pretty),
    };
    let text = match read_input(case) {
        Ok(t) => t,
        Err(e) => return fail(&e, pretty),
    };
    match Case::from_json(&text) {
        Ok(case) => {
            let decision = engine.decide(&case);
            let out = if pretty {
                decision.to_json_pretty()
            } else {
                decision.to_json()
            };
            emit(&out);
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, pretty),
    }
}

fn check(policy: &str, json: bool) -> ExitCode {
    let text = match policy_text(policy) {
        Ok(t) => t,
        Err(e) => return fail(&e, false),
    };
    let v = arrears_core::ffi::validate_policy(&text);
    if json {
        emit(&serde_json::to_string(&v).unwrap_or_default());
    } else if v.valid {
        emit(&format!(
            "ok: {} {} ({})",
            v.id.as_deref().unwrap_or_default(),
            v.version.as_deref().unwrap_or_default(),
            v.digest.as_deref().unwrap_or_default()
        ));
    } else {
        let mut lines = Vec::new();
        for d in &v.diagnostics {
            let at = if d.path.is_empty() {
                "(document)"
            } else {
                d.path.as_str()
            };
            lines.push(format!("error: {at}: {}", d.message));
        }
        lines.push(format!("{} problem(s) found", v.diagnostics.len()));
        emit(&lines.join("\n"));
    }
    if v.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

fn fail(e: &Error, pretty: bool) -> ExitCode {
    let out = if pretty {
        let v: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap_or_default();
        serde_json::to_string_pretty(&v).unwrap_or_default()
    } else {
        e.to_json()
    };
    emit(&out);
    ExitCode::from(2)
}

fn emit(s: &str) {
    let mut out = io::stdout().lock();
    // A closed pipe (`arrears ... | head`) is not an error worth a panic.
    let _ = writeln!(out, "{s}");
}
