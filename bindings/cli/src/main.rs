//! `arrears`: the command-line surface of the engine.
//!
//! Machine-facing commands print JSON on stdout and signal failure by exit code: 0 for a decision,
//! 2 for an error object (bad case, bad policy), so a pipeline can tell them apart without parsing.
//! The author's tools (`policy check`, `policy test`, `policy diff`) exit 0 only when clean.

mod batch;
mod explain;
mod policy_tools;
mod report;
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
        /// A built-in pack id (cn-microloan, us-reg-f, id-ojk, ph-sec, in-rbi) or a policy document file.
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
    /// Decide a portfolio: JSON Lines of cases in, one decision (or error line) per input line
    /// out, in input order, on every core; a summary on stderr.
    Batch {
        #[arg(long)]
        policy: String,
        /// Cases as JSON Lines; `-` or nothing reads standard input.
        input: Option<String>,
        /// Where to write the decisions (default: standard output).
        #[arg(long, short)]
        output: Option<String>,
        /// Worker threads (default: every core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Print the summary as JSON on stderr.
        #[arg(long)]
        json_summary: bool,
    },
    /// Write a deterministic synthetic portfolio as JSON Lines (for benchmarks and tests).
    Gen {
        #[arg(long)]
        accounts: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Call events per account.
        #[arg(long, default_value_t = 20)]
        history: usize,
    },
    /// Portfolio KPIs from a batch's output: accounts and amounts by 30/60/90/180/360 days past
    /// due, escalations due, actions allowed now by kind.
    Report {
        /// Batch output; `-` or nothing reads standard input.
        input: Option<String>,
        #[arg(long)]
        json: bool,
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
        Command::Batch {
            policy,
            input,
            output,
            jobs,
            json_summary,
        } => batch(
            &policy,
            input.as_deref(),
            output.as_deref(),
            jobs,
            json_summary,
        ),
        Command::Gen {
            accounts,
            seed,
            history,
        } => match batch::gen(accounts, seed, history, &mut std::io::stdout().lock()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("arrears gen: {e}");
                ExitCode::from(1)
            }
        },
        Command::Report { input, json } => report(input.as_deref(), json),
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

fn open_input(path: Option<&str>) -> std::io::Result<Box<dyn std::io::BufRead + Send>> {
    Ok(match path {
        None | Some("-") => Box::new(std::io::BufReader::with_capacity(1 << 20, std::io::stdin())),
        Some(p) => Box::new(std::io::BufReader::with_capacity(
            1 << 20,
            std::fs::File::open(p)?,
        )),
    })
}

fn batch(
    policy: &str,
    input: Option<&str>,
    output: Option<&str>,
    jobs: Option<usize>,
    json_summary: bool,
) -> ExitCode {
    let engine = match source::policy(policy).and_then(|s| s.engine()) {
        Ok(e) => e,
        Err(e) => return fail(&e, false),
    };
    let reader = match open_input(input) {
        Ok(r) => r,
        Err(e) => {
            return fail(
                &Error::new(
                    ErrorCode::InvalidJson,
                    "",
                    format!("cannot read the input: {e}"),
                ),
                false,
            )
        }
    };
    let writer: Box<dyn Write> = match output {
        None | Some("-") => Box::new(std::io::stdout()),
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(f),
            Err(e) => {
                return fail(
                    &Error::new(
                        ErrorCode::InvalidJson,
                        "",
                        format!("cannot create {p}: {e}"),
                    ),
                    false,
                )
            }
        },
    };
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    match batch::run(&engine, reader, writer, jobs) {
        Ok(s) => {
            if json_summary {
                eprintln!("{}", serde_json::to_string(&s).unwrap_or_default());
            } else {
                eprintln!("{} decisions, {} errors", s.decisions, s.errors);
                for (title, map) in [
                    ("stage", &s.by_stage),
                    ("queue", &s.by_queue),
                    ("escalations due", &s.escalations_due),
                    ("next action", &s.by_next_action),
                    ("errors", &s.error_codes),
                ] {
                    if !map.is_empty() {
                        let parts: Vec<String> =
                            map.iter().map(|(k, v)| format!("{k} {v}")).collect();
                        eprintln!("  by {title}: {}", parts.join(", "));
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, false),
    }
}

fn report(input: Option<&str>, json: bool) -> ExitCode {
    let mut reader = match open_input(input) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("arrears report: {e}");
            return ExitCode::from(1);
        }
    };
    match report::build(&mut reader) {
        Ok(r) => {
            if json {
                emit(&serde_json::to_string(&r).unwrap_or_default());
            } else {
                emit(report::render(&r).trim_end());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("arrears report: {e}");
            ExitCode::from(1)
        }
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
