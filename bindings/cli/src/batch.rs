//! `arrears batch` and `arrears gen`: whole portfolios as JSON Lines.
//!
//! The batch streams: a reader hands out chunks of lines, workers on every core decide them, and
//! the writer puts results back in input order. A fixed number of chunks may be in flight at
//! once, so memory stays bounded whatever the size of the input.

use std::collections::BTreeMap;
use std::io::{BufRead, BufWriter, IsTerminal, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use arrears_core::{Case, Engine, Error, ErrorCode};
use serde::Serialize;

const CHUNK_LINES: usize = 512;

/// Counts over a batch, for the summary.
#[derive(Default, Serialize)]
pub struct Summary {
    pub decisions: u64,
    pub errors: u64,
    pub by_stage: BTreeMap<String, u64>,
    pub by_queue: BTreeMap<String, u64>,
    pub escalations_due: BTreeMap<String, u64>,
    pub by_next_action: BTreeMap<String, u64>,
    pub error_codes: BTreeMap<String, u64>,
}

impl Summary {
    fn merge(&mut self, o: Summary) {
        self.decisions += o.decisions;
        self.errors += o.errors;
        for (a, b) in [
            (&mut self.by_stage, o.by_stage),
            (&mut self.by_queue, o.by_queue),
            (&mut self.escalations_due, o.escalations_due),
            (&mut self.by_next_action, o.by_next_action),
            (&mut self.error_codes, o.error_codes),
        ] {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
        }
    }
}

struct Chunk {
    id: u64,
    first_line: u64,
    lines: Vec<String>,
}

struct Done {
    id: u64,
    out: Vec<String>,
    summary: Summary,
}

/// What a portfolio report needs from the case and the decision does not say, written after the
/// decision's own fields as `"case_summary"` when the batch is asked for it.
#[derive(Serialize)]
struct CaseSummary {
    /// Everything the case records as paid, minor units: its payments and the `paid` of its
    /// installments. Two snapshots' totals differ by what was paid in between.
    paid: i64,
    /// The first conversation with the borrower on or after the day the account fell overdue:
    /// a connected call, an inbound call or message, a promise.
    first_contact_at: Option<String>,
    /// Local days from `overdue_since` to that conversation.
    days_to_first_contact: Option<i64>,
    complaint_open: bool,
}

fn case_summary(case: &Case, d: &arrears_core::Decision) -> CaseSummary {
    use arrears_core::case::{CallOutcome, Direction, EventKind};
    let paid = case.repayments().map(|p| p.amount).sum::<i64>()
        + case
            .account
            .installments
            .iter()
            .filter_map(|i| i.settled())
            .sum::<i64>();
    let first = d.delinquency.overdue_since.and_then(|since| {
        case.history
            .iter()
            .filter(|e| e.party.as_deref() == Some("borrower"))
            .filter(|e| match e.kind {
                EventKind::Call { outcome } => {
                    outcome == CallOutcome::Connected || e.direction == Direction::Inbound
                }
                EventKind::Sms | EventKind::Email => e.direction == Direction::Inbound,
                EventKind::Promise { .. } => true,
                EventKind::Letter { .. }
                | EventKind::Visit { .. }
                | EventKind::Consent { .. }
                | EventKind::DisputeOpened
                | EventKind::DisputeResolved
                | EventKind::Escalated { .. }
                | EventKind::AgencyPlaced
                | EventKind::LegalFiled
                | EventKind::OptOut { .. }
                | EventKind::Undeliverable => false,
            })
            .map(|e| (e.at.0.date_naive(), e.at))
            .filter(|(day, _)| *day >= since.0)
            .min_by_key(|(_, at)| *at)
            .map(|(day, at)| (at, (day - since.0).num_days()))
    });
    CaseSummary {
        paid,
        first_contact_at: first.map(|(at, _)| at.to_string()),
        days_to_first_contact: first.map(|(_, days)| days),
        complaint_open: case.borrower.flags.complaint_open,
    }
}

/// Decides one case's text and counts the outcome in `s`: what `batch` and the service's
/// endpoints share, so their outputs and their counts cannot drift apart.
pub fn decide_counted(
    engine: &Engine,
    text: &str,
    s: &mut Summary,
) -> Result<(Case, arrears_core::Decision), Error> {
    let result = Case::from_json(text).and_then(|c| engine.decide(&c).map(|d| (c, d)));
    match &result {
        Ok((_, d)) => {
            s.decisions += 1;
            *s.by_stage
                .entry(d.delinquency.stage.id.clone())
                .or_default() += 1;
            *s.by_queue.entry(d.queue.current.clone()).or_default() += 1;
            if let Some(to) = &d.queue.escalate_to {
                *s.escalations_due.entry(to.clone()).or_default() += 1;
            }
            let next = d
                .next_action
                .as_ref()
                .map_or_else(|| "none".to_string(), |n| n.action.clone());
            *s.by_next_action.entry(next).or_default() += 1;
        }
        Err(e) => {
            s.errors += 1;
            *s.error_codes
                .entry(e.code.as_str().to_string())
                .or_default() += 1;
        }
    }
    result
}

/// One output line of a batch for input line `line_no`: the decision, or the error line.
pub fn decide_line(
    engine: &Engine,
    line_no: u64,
    line: &str,
    with_summary: bool,
    s: &mut Summary,
) -> String {
    let written = decide_counted(engine, line, s).and_then(|(case, d)| {
        let json = d.to_json()?;
        if with_summary {
            // The decision's fields stay byte for byte what `decide` prints.
            let summary = arrears_core::error::to_json_text(&case_summary(&case, &d), false)?;
            Ok(format!(
                "{},\"case_summary\":{summary}}}",
                json.strip_suffix('}').unwrap_or(&json)
            ))
        } else {
            Ok(json)
        }
    });
    match written {
        Ok(json) => json,
        Err(e) => error_line(line_no, &e),
    }
}

/// An error as a batch line: the contract's error object with the input line number in front,
/// `{"line":N,"error":{...}}`, written from the error's own text so nothing can fail here.
pub fn error_line(line_no: u64, e: &Error) -> String {
    let object = e.to_json();
    format!("{{\"line\":{line_no},{}", &object[1..])
}

pub fn run(
    engine: &Engine,
    input: Box<dyn BufRead + Send>,
    output: Box<dyn Write>,
    jobs: usize,
    with_summary: bool,
) -> Result<Summary, Error> {
    let jobs = jobs.max(1);
    let in_flight = jobs * 4;
    let (work_tx, work_rx) = sync_channel::<Chunk>(jobs * 2);
    let (done_tx, done_rx) = sync_channel::<Done>(jobs * 2);
    // One token per chunk in flight: the reader takes one before it reads a chunk, the writer
    // gives it back once the chunk is written.
    let (token_tx, token_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = token_tx.send(());
    }
    let work_rx = std::sync::Mutex::new(work_rx);
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {human_pos} accounts decided ({per_sec}) {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    });
    let mut summary = Summary::default();
    let mut write_error = None;
    std::thread::scope(|scope| {
        scope.spawn(move || read_chunks(input, work_tx, token_rx));
        for _ in 0..jobs {
            let done_tx: SyncSender<Done> = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || loop {
                let chunk = match work_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok(chunk) = chunk else { return };
                let mut s = Summary::default();
                let out = chunk
                    .lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        decide_line(engine, chunk.first_line + i as u64, l, with_summary, &mut s)
                    })
                    .collect();
                if done_tx
                    .send(Done {
                        id: chunk.id,
                        out,
                        summary: s,
                    })
                    .is_err()
                {
                    return;
                }
            });
        }
        drop(done_tx);
        write_error =
            write_in_order(done_rx, output, &token_tx, &mut summary, progress.as_ref()).err();
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    match write_error {
        Some(e) => Err(Error::new(
            ErrorCode::InvalidJson,
            "",
            format!("cannot write the output: {e}"),
        )),
        None => Ok(summary),
    }
}

fn read_chunks(mut input: Box<dyn BufRead + Send>, work: SyncSender<Chunk>, tokens: Receiver<()>) {
    let mut id = 0u64;
    let mut line_no = 1u64;
    loop {
        if tokens.recv().is_err() {
            return;
        }
        let mut lines = Vec::with_capacity(CHUNK_LINES);
        while lines.len() < CHUNK_LINES {
            let mut l = String::new();
            match input.read_line(&mut l) {
                Ok(0) => break,
                Ok(_) => {
                    while l.ends_with('\n') || l.ends_with('\r') {
                        l.pop();
                    }
                    lines.push(l);
                }
                // A line that is not UTF-8 still gets its output line, as an error.
                Err(_) => lines.push(String::from("\u{fffd}")),
            }
        }
        if lines.is_empty() {
            return;
        }
        let n = lines.len() as u64;
        if work
            .send(Chunk {
                id,
                first_line: line_no,
                lines,
            })
            .is_err()
        {
            return;
        }
        id += 1;
        line_no += n;
    }
}

fn write_in_order(
    done: Receiver<Done>,
    output: Box<dyn Write>,
    tokens: &SyncSender<()>,
    summary: &mut Summary,
    progress: Option<&indicatif::ProgressBar>,
) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, output);
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    for d in done {
        pending.insert(d.id, d);
        while let Some(d) = pending.remove(&next) {
            for line in &d.out {
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
            }
            if let Some(bar) = progress {
                bar.inc(d.out.len() as u64);
            }
            summary.merge(d.summary);
            next += 1;
            let _ = tokens.try_send(());
        }
    }
    out.flush()
}

/// Writes a synthetic portfolio as JSON Lines: the benchmarks' uniform spread when `book` is
/// `None`, else the book's snapshot.
pub fn gen(
    accounts: u64,
    seed: u64,
    history: usize,
    book: Option<&arrears_core::synthetic::Portfolio>,
    output: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = BufWriter::new(output);
    match book {
        None => {
            for i in 0..accounts {
                serde_json::to_writer(
                    &mut out,
                    &arrears_core::synthetic::account(seed, i, history),
                )?;
                out.write_all(b"\n")?;
            }
        }
        Some(book) => {
            for case in book.cases() {
                serde_json::to_writer(&mut out, &case)?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush()
}

/// The currency and zones for accounts under `policy` (a pack id or a document): the `market`
/// the policy declares (a lender document inherits its pack's), its first currency and every zone.
pub fn market(policy: &str) -> Result<(String, Vec<String>), Error> {
    let engine = crate::source::policy(policy)?.engine()?;
    let doc = engine.policy().document();
    match &doc.market {
        Some(m) if !m.currencies.is_empty() && !m.time_zones.is_empty() => Ok((
            m.currencies[0].clone(),
            m.time_zones.iter().map(|z| z.name().to_string()).collect(),
        )),
        _ => Err(Error::new(
            ErrorCode::OutOfRange,
            "policy",
            format!(
                "{policy:?} declares no market (the currencies and time zones of its accounts); give --currency and --zone"
            ),
        )),
    }
}
