//! `arrears`: the command-line surface of the engine.
//!
//! Machine-facing commands print JSON on stdout and signal failure by exit code: 0 for a decision
//! or a plan, 2 for an error object (bad case, bad policy), so a pipeline can tell them apart
//! without parsing.
//! The author's tools (`policy check`, `policy test`, `policy diff`) exit 0 only when clean.

mod batch;
mod explain;
mod html;
mod money;
mod policy_tools;
mod report;
mod serve;
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
    /// Plan one case over the coming days: the plan JSON on stdout (exit 0), or the error JSON
    /// (exit 2).
    ///
    /// For each candidate action, every window in which it will be allowed from `as_of` until
    /// the horizon if nothing else happens, with the rules that open and close it, whether the
    /// strategy prefers it, and how many more contacts each cap allows in it.
    Plan {
        /// A built-in pack id (cn-microloan, us-reg-f, id-ojk, ph-sec, in-rbi) or a policy document file.
        #[arg(long)]
        policy: String,
        /// Local days the plan covers, from 1 to 31: it ends at the borrower's local midnight
        /// this many days after the date of `as_of`.
        #[arg(long, default_value = "7", allow_hyphen_values = true)]
        days: String,
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
        /// After each decision's fields, add `"case_summary"`: what the case records as paid,
        /// the first conversation with the borrower since the account fell overdue, and whether
        /// a complaint is open (what `report` needs for recovery, first contact and complaints).
        #[arg(long)]
        with_case_summary: bool,
        /// Exit 2 when any line is an error (every line failing exits 2 regardless).
        #[arg(long)]
        fail_on_error: bool,
    },
    /// Write a deterministic synthetic portfolio as JSON Lines (for demos, benchmarks and tests).
    Gen {
        #[arg(long, required_unless_present = "heavy")]
        accounts: Option<u64>,
        /// Write one heavy case instead, of shape CONTACTS,CHANNELS_PER_CONTACT,BORROWER_CHANNELS,CALLS
        /// (`200,50,50,10000` is the case the work budget was measured on).
        #[arg(long, conflicts_with_all = ["accounts", "days_later", "policy", "currency", "zone"])]
        heavy: Option<String>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Call events per account.
        #[arg(long, default_value_t = 20)]
        history: usize,
        /// Thousandths of the accounts per bucket of days past due (current, 1-30, 31-60, 61-90,
        /// 91-180, 181-360, 361+), or `uniform` for the benchmarks' even spread over -5..394 days.
        #[arg(long, default_value = "850,70,30,20,15,10,5")]
        buckets: String,
        /// The book this many days after the first snapshot: payments, calls and promises in
        /// between, about one account in 200 a month closed and one in 100 a month opened.
        #[arg(long, default_value_t = 0)]
        days_later: u32,
        /// Accounts in the market this policy declares (a pack id, or a document building on
        /// one): its first currency, spread over its time zones.
        #[arg(long)]
        policy: Option<String>,
        /// The accounts' currency (overrides --policy's).
        #[arg(long)]
        currency: Option<String>,
        /// A time zone accounts are spread over (repeat it; overrides --policy's).
        #[arg(long)]
        zone: Vec<String>,
    },
    /// Portfolio KPIs from a batch's output: accounts and amounts by 30/60/90/180/360 days past
    /// due, escalations due, actions allowed now by kind; time to first contact and complaints
    /// (from `batch --with-case-summary`); roll and recovery rates against `--previous`.
    Report {
        /// Batch output; `-` or nothing reads standard input.
        input: Option<String>,
        /// The batch output of an earlier snapshot of the same book, for roll and recovery rates.
        #[arg(long)]
        previous: Option<String>,
        /// The figures as one JSON object.
        #[arg(long)]
        json: bool,
        /// Also write the report as one self-contained HTML page with charts.
        #[arg(long)]
        html: Option<String>,
    },
    /// Serve decisions over HTTP: POST /v1/decide, /v1/plan and /v1/decide-many (JSON Lines),
    /// GET /v1/policies, /healthz, /readyz, /metrics and /openapi.json (docs/serve.md).
    Serve(serve::Args),
    /// Build a case from another system's record of the loan: the case JSON on stdout (exit 0),
    /// or the error JSON, with the path of the field at fault in that record (exit 2).
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Work with policy documents.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// The conformance corpus every surface is held to (docs/conformance.md).
    Corpus {
        #[command(subcommand)]
        command: CorpusCommand,
    },
}

#[derive(Subcommand)]
enum CorpusCommand {
    /// Check surfaces' outputs against a corpus: each output's bytes (policy digest masked)
    /// against the case's expected.json, its digest against digests.json, and the claims of its
    /// meta.json. Prints one summary line per surface; exit 0 only when every surface passes.
    Check {
        /// The corpus directory (cases/, policies/, digests.json).
        corpus: String,
        /// Runners' outputs, JSON Lines of {"surface", "case", "output"}; `-` or nothing reads
        /// standard input.
        outputs: Vec<String>,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// An Apache Fineract loan as `GET /loans/{id}?associations=repaymentSchedule,transactions`
    /// returns it (docs/integrations/fineract.md).
    Fineract {
        /// The loan response file; `-` or nothing reads standard input.
        loan: Option<String>,
        /// The tenant's business date (YYYY-MM-DD): the case's date.
        #[arg(long)]
        business_date: String,
        /// The tenant's time zone (an IANA name): the account's book zone.
        #[arg(long)]
        time_zone: String,
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
        /// The policy; omitted, every built-in pack.
        policy: Option<String>,
        /// One JSON report on stdout instead of text (one line per policy).
        #[arg(long)]
        json: bool,
        /// Also report how many days of holiday calendar the policy has left after this date
        /// (YYYY-MM-DD): the days to the end of the last year its calendar covers.
        #[arg(long = "as-of", value_name = "DATE")]
        as_of: Option<arrears_core::time::Date>,
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
        Command::Plan {
            policy,
            days,
            case,
            pretty,
        } => plan(&policy, &days, case.as_deref(), pretty),
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
            with_case_summary,
            fail_on_error,
        } => batch(
            &policy,
            input.as_deref(),
            output.as_deref(),
            jobs,
            json_summary,
            with_case_summary,
            fail_on_error,
        ),
        Command::Gen {
            accounts,
            seed,
            history,
            buckets,
            days_later,
            policy,
            currency,
            zone,
            heavy,
        } => match (heavy, accounts) {
            (Some(shape), _) => gen_heavy(&shape),
            (None, Some(accounts)) => gen(
                accounts, seed, history, &buckets, days_later, policy, currency, zone,
            ),
            (None, None) => fail(
                &Error::new(ErrorCode::OutOfRange, "", "gen needs --accounts or --heavy"),
                false,
            ),
        },
        Command::Report {
            input,
            previous,
            json,
            html,
        } => report(input.as_deref(), previous.as_deref(), json, html.as_deref()),
        Command::Serve(args) => serve::run(args),
        Command::Import {
            command:
                ImportCommand::Fineract {
                    loan,
                    business_date,
                    time_zone,
                },
        } => {
            let case = source::input(loan.as_deref()).and_then(|text| {
                arrears_core::ffi::import_fineract(&text, &business_date, &time_zone)
            });
            match case {
                Ok(case) => {
                    emit(&case);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e, false),
            }
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
            PolicyCommand::Check {
                policy,
                json,
                as_of,
            } => {
                let references: Vec<String> = match policy {
                    Some(p) => vec![p],
                    None => arrears_core::policy::packs::IDS
                        .iter()
                        .map(|id| id.to_string())
                        .collect(),
                };
                // Every policy is reported, clean or not, before the verdict is taken.
                let reports: Vec<bool> = references
                    .iter()
                    .map(|r| policy_tools::check(r, json, as_of))
                    .collect();
                verdict(reports.iter().all(|clean| *clean))
            }
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
        Command::Corpus {
            command: CorpusCommand::Check { corpus, outputs },
        } => corpus_check(&corpus, &outputs),
    }
}

/// `arrears corpus check`: every surface's outputs through the one checker
/// (`arrears_core::conformance`). A corpus or an outputs file that cannot be read is exit 2.
fn corpus_check(corpus: &str, outputs: &[String]) -> ExitCode {
    use arrears_core::conformance::{read_outputs, Corpus};
    let unreadable = |why: String| {
        eprintln!("arrears corpus check: {why}");
        ExitCode::from(2)
    };
    let corpus = match Corpus::load(std::path::Path::new(corpus)) {
        Ok(c) => c,
        Err(why) => return unreadable(why),
    };
    let mut text = String::new();
    let stdin = ["-".to_string()];
    let paths: &[String] = if outputs.is_empty() { &stdin } else { outputs };
    for path in paths {
        let read = if path == "-" {
            std::io::read_to_string(std::io::stdin())
        } else {
            std::fs::read_to_string(path)
        };
        match read {
            Ok(t) => text.push_str(&t),
            Err(e) => return unreadable(format!("{path}: {e}")),
        }
        text.push('\n');
    }
    let surfaces = match read_outputs(&text) {
        Ok(s) => s,
        Err(why) => return unreadable(why),
    };
    let mut clean = !surfaces.is_empty();
    for (surface, outputs) in &surfaces {
        let summary = corpus.check(surface, outputs);
        clean &= summary.passed();
        match serde_json::to_string(&summary) {
            Ok(line) => emit(&line),
            // A summary is strings and counts, so this cannot happen; if it ever did, an empty
            // line would read as a surface that passed, so the check fails instead.
            Err(e) => return unreadable(format!("{surface}: the summary did not serialise: {e}")),
        }
    }
    verdict(clean)
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
    with_case_summary: bool,
    fail_on_error: bool,
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
    match batch::run(&engine, reader, writer, jobs, with_case_summary) {
        Ok(s) => {
            let every_line_failed = s.errors > 0 && s.decisions == 0;
            if json_summary {
                match arrears_core::error::to_json_text(&s, false) {
                    Ok(text) => eprintln!("{text}"),
                    Err(e) => return fail(&e, false),
                }
            } else {
                eprintln!(
                    "{} decisions, {} errors{}",
                    s.decisions,
                    s.errors,
                    if every_line_failed {
                        " (every line failed)"
                    } else {
                        ""
                    }
                );
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
            if every_line_failed || (fail_on_error && s.errors > 0) {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => fail(&e, false),
    }
}

/// `arrears gen --heavy`: one case of the given shape, on one line.
fn gen_heavy(shape: &str) -> ExitCode {
    let numbers: Vec<usize> = shape
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let Ok([contacts, channels_per_contact, borrower_channels, calls]) =
        <[usize; 4]>::try_from(numbers)
    else {
        return fail(
            &Error::new(
                ErrorCode::OutOfRange,
                "",
                format!("--heavy takes 4 whole numbers (contacts, channels per contact, borrower channels, calls), not {shape:?}"),
            ),
            false,
        );
    };
    emit(
        &arrears_core::synthetic::heavy(arrears_core::synthetic::Heavy {
            contacts,
            channels_per_contact,
            borrower_channels,
            calls,
        })
        .to_string(),
    );
    ExitCode::SUCCESS
}

#[allow(clippy::too_many_arguments)]
fn gen(
    accounts: u64,
    seed: u64,
    history: usize,
    buckets: &str,
    days_later: u32,
    policy: Option<String>,
    currency: Option<String>,
    zones: Vec<String>,
) -> ExitCode {
    let usage = |message: String| fail(&Error::new(ErrorCode::OutOfRange, "", message), false);
    let book = if buckets == "uniform" {
        if days_later > 0 || policy.is_some() || currency.is_some() || !zones.is_empty() {
            return usage(
                "--buckets uniform is the benchmarks' portfolio; it takes no --days-later, \
                 --policy, --currency or --zone"
                    .into(),
            );
        }
        None
    } else {
        let shares: Vec<u64> = buckets
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        let Ok(shares) = <[u64; 7]>::try_from(shares) else {
            return usage(format!(
                "--buckets takes 7 whole numbers (thousandths of the accounts in current, 1-30, \
                 31-60, 61-90, 91-180, 181-360, 361+ days past due) or `uniform`, not {buckets:?}"
            ));
        };
        let mut book = arrears_core::synthetic::Portfolio::new(seed, accounts, history);
        book.buckets = shares;
        book.days_later = days_later;
        if let Some(p) = &policy {
            match batch::market(p) {
                Ok((c, z)) => {
                    book.currency = Some(c);
                    book.zones = z;
                }
                Err(e) => return fail(&e, false),
            }
        }
        if currency.is_some() {
            book.currency = currency;
        }
        if !zones.is_empty() {
            for z in &zones {
                if z.parse::<arrears_core::time::Zone>().is_err() {
                    return usage(format!("{z:?} is not a time zone name"));
                }
            }
            book.zones = zones;
        }
        Some(book)
    };
    match batch::gen(
        accounts,
        seed,
        history,
        book.as_ref(),
        &mut std::io::stdout().lock(),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("arrears gen: {e}");
            ExitCode::from(1)
        }
    }
}

fn report(input: Option<&str>, previous: Option<&str>, json: bool, html: Option<&str>) -> ExitCode {
    let cannot_read = |name: &str, e: std::io::Error| {
        fail(
            &Error::new(
                ErrorCode::InvalidJson,
                "",
                format!("cannot read {name}: {e}"),
            ),
            false,
        )
    };
    let name = input.filter(|p| *p != "-").unwrap_or("standard input");
    let mut reader = match open_input(input) {
        Ok(r) => r,
        Err(e) => return cannot_read(name, e),
    };
    let mut before = match previous.map(|p| (p, open_input(Some(p)))) {
        None => None,
        Some((_, Ok(r))) => Some(r),
        Some((p, Err(e))) => return cannot_read(p, e),
    };
    let mut current = report::Lines::new(name, &mut reader);
    let mut previous_lines = match (&mut before, previous) {
        (Some(r), Some(p)) => Some(report::Lines::new(p, r)),
        _ => None,
    };
    match report::build(&mut current, previous_lines.as_mut()) {
        Ok(r) => {
            if let Some(path) = html {
                if let Err(e) = std::fs::write(path, html::page(&r)) {
                    return fail(
                        &Error::new(
                            ErrorCode::InvalidJson,
                            "",
                            format!("cannot write {path}: {e}"),
                        ),
                        false,
                    );
                }
            }
            if json {
                match arrears_core::error::to_json_text(&r, false) {
                    Ok(text) => emit(&text),
                    Err(e) => return fail(&e, false),
                }
            } else {
                emit(report::render(&r).trim_end());
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, false),
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
    decide_with_engine(policy, case).map(|(_, c, d)| (c, d))
}

fn decide_with_engine(
    policy: &str,
    case: Option<&str>,
) -> Result<(arrears_core::Engine, Case, arrears_core::Decision), Error> {
    let engine = source::policy(policy)?.engine()?;
    let case = Case::from_json(&source::input(case)?)?;
    let decision = engine.decide(&case)?;
    Ok((engine, case, decision))
}

/// The queue the account is recorded in before the move a decision asks for: its last
/// `escalated` event, or else its stage's queue in the policy version that decided it.
fn recorded_queue(
    engine: &arrears_core::Engine,
    case: &Case,
    d: &arrears_core::Decision,
) -> Option<String> {
    use arrears_core::case::EventKind;
    case.history
        .iter()
        .filter_map(|e| {
            let EventKind::Escalated { queue } = &e.kind else {
                return None;
            };
            Some((e.at, queue))
        })
        .max_by_key(|(at, _)| *at)
        .map(|(_, queue)| queue.clone())
        .or_else(|| {
            engine
                .versions()
                .iter()
                .filter(|p| p.version() == d.policy.version)
                .flat_map(|p| p.document().stages.iter())
                .find(|s| s.id == d.delinquency.stage.id)
                .map(|s| s.queue.clone())
        })
}

fn decide(policy: &str, case: Option<&str>, pretty: bool) -> ExitCode {
    let text = decide_case(policy, case).and_then(|(_, d)| {
        if pretty {
            d.to_json_pretty()
        } else {
            d.to_json()
        }
    });
    answer(text, pretty)
}

fn plan(policy: &str, days: &str, case: Option<&str>, pretty: bool) -> ExitCode {
    let text = plan_days(days).and_then(|days| {
        let engine = source::policy(policy)?.engine()?;
        let case = Case::from_json(&source::input(case)?)?;
        let p = engine.plan(&case, days)?;
        if pretty {
            p.to_json_pretty()
        } else {
            p.to_json()
        }
    });
    answer(text, pretty)
}

/// Prints a decision's or plan's text (exit 0) or the error object (exit 2).
fn answer(text: Result<String, Error>, pretty: bool) -> ExitCode {
    match text {
        Ok(text) => {
            emit(&text);
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, pretty),
    }
}

/// `--days` as the engine takes it. Any whole number that fits is passed on, so the engine alone
/// says which horizons it plans; text that is no such number is the same error it gives.
fn plan_days(days: &str) -> Result<u32, Error> {
    days.trim().parse().map_err(|_| {
        Error::new(
            ErrorCode::OutOfRange,
            "days",
            format!("--days takes a whole number of days from 1 to 31, not {days:?}"),
        )
    })
}

fn explain(policy: &str, case: Option<&str>, color: bool) -> ExitCode {
    match decide_with_engine(policy, case) {
        Ok((engine, case, d)) => {
            let recorded = recorded_queue(&engine, &case, &d);
            emit(
                explain::render(&case, &d, recorded.as_deref(), &explain::Style { color })
                    .trim_end(),
            );
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
        #[derive(serde::Serialize)]
        struct Envelope<'a> {
            error: &'a Error,
        }
        // The same fields in the same order, laid out; should that ever fail, the compact form
        // still says everything.
        arrears_core::error::to_json_text(&Envelope { error: e }, true)
            .unwrap_or_else(|_| e.to_json())
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
