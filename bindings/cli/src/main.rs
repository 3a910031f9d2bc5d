//! `arrears`: the command-line surface of the engine.
//!
//! Machine-facing commands print JSON on stdout and signal failure by exit code: 0 for a decision,
//! 2 for an error object (bad case, bad policy), so a pipeline can tell them apart without parsing.
//! The author's tools (`policy check`, `policy test`, `policy diff`) exit 0 only when clean.

mod explain;
mod policy_tools;
mod source;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use arrears_core::{Case, Error, ErrorCode};
use clap::{Parser, Subcommand, ValueEnum};

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

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
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
    /// Decide one case and explain it for people: stage, verdicts with their rules and citations,
    /// the next action on the borrower's clock, and what each party may be told.
    Explain {
        #[arg(long)]
        policy: String,
        case: Option<String>,
        #[arg(long, value_enum, default_value = "auto")]
        color: Color,
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
    /// Validate a policy (schema, names, stage table, floor loosening) and lint it (shadowed
    /// rules, unreachable steps); exit 0 only when clean.
    Check {
        policy: String,
        /// One JSON report on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run policy test files (`*.test.json`): cases with the facts their decisions must show.
    Test { path: String },
    /// Report every case and action that NEW allows and OLD forbade; exit 0 only when none.
    Diff {
        old: String,
        new: String,
        /// A directory of case files (corpus folders with case.json work too).
        #[arg(long)]
        cases: String,
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
        Command::Explain {
            policy,
            case,
            color,
        } => {
            let color = match color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            explain(&policy, case.as_deref(), color)
        }
        Command::Policy { command } => match command {
            PolicyCommand::List => {
                for id in arrears_core::ffi::builtin_policies() {
                    emit(id);
                }
                ExitCode::SUCCESS
            }
            PolicyCommand::Show { id } => match arrears_core::policy::packs::source(&id) {
                Some(text) => {
                    emit(text.trim_end());
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
            PolicyCommand::Check { policy, json } => verdict(policy_tools::check(&policy, json)),
            PolicyCommand::Test { path } => verdict(policy_tools::test(&path)),
            PolicyCommand::Diff {
                old,
                new,
                cases,
                json,
            } => match policy_tools::diff(&old, &new, &cases, json) {
                Ok(clean) => verdict(clean),
                Err(e) => fail(&e, false),
            },
        },
    }
}

fn verdict(clean: bool) -> ExitCode {
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn decide_case(policy: &str, case: Option<&str>) -> Result<(Case, arrears_core::Decision), Error> {
    let engine = source::policy(policy)?.engine()?;
    let case = Case::from_json(&source::input(case)?)?;
    let decision = engine.try_decide(&case)?;
    Ok((case, decision))
}

fn decide(policy: &str, case: Option<&str>, pretty: bool) -> ExitCode {
    match decide_case(policy, case) {
        Ok((_, d)) => {
            emit(&if pretty {
                d.to_json_pretty()
            } else {
                d.to_json()
            });
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, pretty),
    }
}

fn explain(policy: &str, case: Option<&str>, color: bool) -> ExitCode {
    match decide_case(policy, case) {
        Ok((case, d)) => {
            emit(explain::render(&case, &d, &explain::Style { color }).trim_end());
            ExitCode::SUCCESS
        }
        Err(e) => {
            emit(&format!(
                "error: {} at {}: {}",
                e.code,
                if e.path.is_empty() {
                    "(document)"
                } else {
                    &e.path
                },
                e.message
            ));
            ExitCode::from(2)
        }
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
    let mut out = std::io::stdout().lock();
    // A closed pipe (`arrears ... | head`) is not worth a panic.
    let _ = writeln!(out, "{s}");
}
