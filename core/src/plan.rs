//! The contact plan: for every candidate, each window in which it will be allowed over the coming
//! days if nothing else happens, with the rules that open and close it and the room each cap
//! leaves in it.
//!
//! A decision answers "what may I do now, and when next". A dialer planning tomorrow's campaign
//! needs every window ahead, so it can place calls where they are both lawful and likely to
//! connect. The plan is exactly the answer `decide` would give at each later instant with no new
//! event: a minute lies inside a planned window if and only if a decision at that minute allows the
//! action (a test steps through every minute to hold the plan to that).
//!
//! What a decision treats as fixed at `as_of` (the stage, the risk grade, the statuses, broken
//! promises, the policy version in force) can change as the days pass, so the horizon is cut into
//! segments at the instants where it might (local midnights, a status's own boundaries, promise
//! dates); consecutive segments whose facts agree are joined, and each segment is solved with the
//! facts as they will stand at its start.

use serde::Serialize;

use crate::candidates;
use crate::case::Case;
use crate::conditions::Conditions;
use crate::contact::ContactLimits;
use crate::decision::{PolicyRef, Reason, Warning};
use crate::engine::Engine;
use crate::error::{Error, ErrorCode};
use crate::facts::{Facts, Span, Target};
use crate::obligations::Obligations;
use crate::pay_days::PayDays;
use crate::policy::{Period, Rule, StepDef};
use crate::solver::{intersection, Part, RuleRef, Solver, SpanSets};
use crate::time::{Seconds, Zone, DAY};
use std::collections::{BTreeMap, BTreeSet};

/// The longest plan, in local days: a month ahead is as far as a campaign is planned, and it keeps
/// a plan's cost bounded.
pub const MAX_PLAN_DAYS: u32 = 31;

/// The most candidate-days a plan solves: the decision's candidates times the days planned
/// (docs/case.md, limits). Each day can cut the horizon into new segments, each of which solves
/// every candidate again.
pub const MAX_PLAN_CANDIDATE_DAYS: usize = 31 * 500;

/// The `format` of every plan: the contract's name and its major version, raised only by a
/// breaking change of the plan's JSON form.
pub const PLAN_FORMAT: &str = "arrears.plan/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Plan {
    /// The format of this object and its major version, [`PLAN_FORMAT`].
    pub format: &'static str,
    pub account_id: String,
    /// `as_of` as given, normalised to RFC 3339 with its own offset: where the plan starts.
    pub as_of: String,
    /// Where the plan ends: local midnight in the borrower's first zone, `days` days after the
    /// local date of `as_of`.
    pub until: String,
    pub days: u32,
    /// The policy in force at `as_of`.
    pub policy: PolicyRef,
    /// Every candidate some decision within the horizon names, in strategy order, except that each
    /// run of candidates of one action (a step's parties and channels) follows the policy's call
    /// order.
    pub candidates: Vec<PlanCandidate>,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanCandidate {
    pub action: String,
    /// `borrower` or a contact id.
    pub party: String,
    pub channel: Option<String>,
    /// The windows in which it will be allowed, in time order; empty when it never will be within
    /// the horizon.
    pub windows: Vec<PlanWindow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanWindow {
    pub from: String,
    /// Exclusive.
    pub until: String,
    /// The strategy step that names the candidate in this window.
    pub rule: String,
    /// The window falls on a day the step's pay-day timing prefers.
    pub preferred: bool,
    /// The rules that held the candidate back until `from` (empty when the window is open at
    /// `as_of`).
    pub opened_by: Vec<Reason>,
    /// The rules that hold it back from `until` (empty when the window runs to the horizon's end).
    pub closed_by: Vec<Reason>,
    /// How many more contacts each cap on the candidate allows within the window, counting the
    /// history only: contacts made in an earlier window of the same period use the same room.
    pub caps: Vec<CapRoom>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CapRoom {
    pub rule: String,
    pub remaining: u32,
}

impl Plan {
    pub fn to_json(&self) -> Result<String, crate::error::Error> {
        crate::error::to_json_text(self, false)
    }

    pub fn to_json_pretty(&self) -> Result<String, crate::error::Error> {
        crate::error::to_json_text(self, true)
    }
}

impl Engine {
    /// The contact plan of a case given as JSON text over `days` local days.
    pub fn plan_json(&self, case_json: &str, days: u32) -> Result<String, Error> {
        let case = Case::from_json(case_json)?;
        self.plan(&case, days)?.to_json()
    }

    /// The contact plan of a parsed, validated case over `days` local days (1 to 31).
    pub fn plan(&self, case: &Case, days: u32) -> Result<Plan, Error> {
        if !(1..=MAX_PLAN_DAYS).contains(&days) {
            return Err(Error::new(
                ErrorCode::OutOfRange,
                "days",
                format!("a plan covers 1 to {MAX_PLAN_DAYS} local days; {days} were asked for"),
            ));
        }
        // The version in force at `as_of` must exist, exactly as for a decision.
        let decision = self.decide(case)?;
        let work = decision.actions.len().saturating_mul(days as usize);
        if work > MAX_PLAN_CANDIDATE_DAYS {
            return Err(Error::new(
                ErrorCode::LimitExceeded,
                "days",
                format!(
                    "{} candidates over {days} days is {work} candidate-days; a plan covers at most {MAX_PLAN_CANDIDATE_DAYS} (plan fewer days, or name fewer channels)",
                    decision.actions.len()
                ),
            ));
        }
        let as_of = case.as_of.seconds();
        let primary = case.borrower_zones()[0];
        let end = primary.start_of(primary.date_of(as_of).add_days(i64::from(days)));
        let book = case.account.book_time_zone;

        let mut planner = Planner::new(as_of, end, primary);
        let segments = self.segments(case, as_of, end, book, primary)?;
        let count = segments.len();
        for (i, (lo, hi)) in segments.into_iter().enumerate() {
            let policy = self.version_at(case, lo)?;
            let (facts, _) = Facts::at(case, policy, lo);
            let states = Obligations::new(&facts).states();
            let conditions = Conditions::new(&facts, &states);
            planner.solve_segment(conditions, Span { lo, hi }, i + 1 == count);
        }
        // Ranked by the version in force at `as_of`, the one whose order `decide` gives: a plan
        // that opens with a later version's order would list today's candidates differently
        // from the decision made at the same instant.
        let order = self
            .version_at(case, as_of)?
            .document()
            .call_order
            .as_slice();
        let candidates = planner.finish(order);
        let mut warnings = decision.warnings;
        // Whether the holidays are known where the plan ends: the version in force there.
        let years = &self.version_at(case, end - 1)?.document().calendar.years;
        if !years.is_empty() && warnings.iter().all(|w| w.code != "calendar_not_covered") {
            let last = primary.date_of(end - 1);
            let year = chrono::Datelike::year(&last.0);
            if !years.contains(&year) {
                warnings.push(Warning {
                    code: "calendar_not_covered".to_string(),
                    message: format!(
                        "the policy's holiday calendar does not cover {year}, which the plan reaches; its holidays and make-up working days are unknown"
                    ),
                });
            }
        }
        Ok(Plan {
            format: PLAN_FORMAT,
            account_id: case.account.id.clone(),
            as_of: case.as_of.to_string(),
            until: primary.render(end),
            days,
            policy: decision.policy,
            candidates,
            warnings,
        })
    }

    /// The horizon cut where the facts a decision holds fixed may change, joined again where they
    /// do not: the stage and risk grade (from the business date), the statuses, the broken
    /// promises and the version in force.
    fn segments(
        &self,
        case: &Case,
        as_of: Seconds,
        end: Seconds,
        book: Zone,
        primary: Zone,
    ) -> Result<Vec<(Seconds, Seconds)>, Error> {
        let mut cuts: Vec<Seconds> = Vec::new();
        for zone in [book, primary] {
            let mut d = zone.date_of(as_of).add_days(1);
            while zone.start_of(d) < end {
                cuts.push(zone.start_of(d));
                d = d.add_days(1);
            }
        }
        {
            let policy = self.version_at(case, as_of)?;
            let (facts, _) = Facts::at(case, policy, as_of);
            let states = Obligations::new(&facts).states();
            let conditions = Conditions::new(&facts, &states);
            let span = Span { lo: as_of, hi: end };
            let borrower = facts.borrower_target();
            for status in &policy.document().statuses {
                if !status.when.is_time_invariant() {
                    for (a, b) in conditions.holds(&status.when, &borrower, span).spans() {
                        cuts.extend([*a, *b]);
                    }
                }
            }
            cuts.extend(facts.promises.iter().map(|p| p.ends_at));
        }
        cuts.retain(|&t| t > as_of && t < end);
        crate::order::sort(&mut cuts);
        cuts.dedup();

        let signature = |at: Seconds| -> Result<_, Error> {
            let policy = self.version_at(case, at)?;
            let (facts, _) = Facts::at(case, policy, at);
            let states = Obligations::new(&facts).states();
            let statuses: Vec<&str> = Conditions::new(&facts, &states)
                .statuses()
                .iter()
                .map(|s| s.id.as_str())
                .collect();
            Ok((
                std::ptr::from_ref(policy) as usize,
                facts.stage.id.clone(),
                facts.risk_grade,
                statuses.join(","),
                facts.broken_promises(),
            ))
        };
        let mut segments = Vec::new();
        let mut start = as_of;
        let mut current = signature(as_of)?;
        for cut in cuts {
            let next = signature(cut)?;
            if next != current {
                segments.push((start, cut));
                start = cut;
                current = next;
            }
        }
        segments.push((start, end));
        Ok(segments)
    }
}

/// A window while the plan is being assembled, in instants.
struct Piece {
    from: Seconds,
    until: Seconds,
    rule: String,
    preferred: Vec<(Seconds, Seconds)>,
    /// `None` until known: a piece that starts at a segment's start learns what opened it from
    /// the segment before.
    opened_by: Option<Vec<Reason>>,
    closed_by: Option<Vec<Reason>>,
    /// The caps on the candidate and their room on each local day the piece covers.
    caps: Vec<(Seconds, Vec<CapRoom>)>,
    /// The candidate has a cap counted by local day: the piece is cut at local midnights.
    daily_caps: Vec<Reason>,
}

/// What one candidate looked like in the last segment solved.
struct Seen {
    /// Blocked at the segment's last instant, by these parts.
    blocked_at_end: Option<Vec<Reason>>,
    segment: usize,
}

struct Track {
    action: String,
    party: String,
    channel: Option<String>,
    party_kind: crate::policy::PartyKind,
    channel_kind: Option<crate::case::ChannelKind>,
    pieces: Vec<Piece>,
    seen: Option<Seen>,
}

struct Planner {
    as_of: Seconds,
    end: Seconds,
    primary: Zone,
    tracks: Vec<Track>,
    /// Where each candidate's track is in `tracks`, by action, party and channel.
    index: BTreeMap<(String, String, Option<String>), usize>,
    segment: usize,
}

impl Planner {
    fn new(as_of: Seconds, end: Seconds, primary: Zone) -> Planner {
        Planner {
            as_of,
            end,
            primary,
            tracks: Vec::new(),
            index: BTreeMap::new(),
            segment: 0,
        }
    }

    /// Solves every candidate of one segment and joins its windows to those of the segments before.
    fn solve_segment(&mut self, conditions: Conditions, span: Span, last: bool) {
        let facts = conditions.facts();
        self.segment += 1;
        let stage_reason = Reason {
            rule: facts.stage.rule.clone(),
            cite: facts.stage.cite.clone(),
        };
        let statuses = conditions.statuses();
        let solver = Solver::new(conditions);
        let pay_days = PayDays::new(facts);
        // Window sets depend on the span only: shared by every candidate of the segment.
        let mut shared = SpanSets::default();
        // The tracks this segment names, by index.
        let mut here: BTreeSet<usize> = BTreeSet::new();
        for (step, targets) in candidates::of_strategy(facts, &statuses) {
            for target in targets {
                let (action, party, channel) = candidates::key(step, &target);
                let key = (
                    action.to_string(),
                    party.to_string(),
                    channel.map(str::to_string),
                );
                let index = self.index.get(&key).copied();
                if index.is_some_and(|i| here.contains(&i)) {
                    continue; // an earlier step already names it in this segment
                }
                let Some(parts) = solver.parts(step, &target, &statuses) else {
                    continue;
                };
                let sets = solver.part_sets_with(&parts, &target, span, &mut shared);
                if parts.step_condition_first
                    && sets[0].is_empty()
                    && !step_ever_applies(&conditions, step, &target, span.lo)
                {
                    continue;
                }
                let i = index.unwrap_or_else(|| {
                    self.index.insert(key, self.tracks.len());
                    self.tracks.push(Track {
                        action: step.action.clone(),
                        party: target.party.to_string(),
                        channel: channel.map(str::to_string),
                        party_kind: target.kind,
                        channel_kind: target.channel.map(|c| c.kind),
                        pieces: Vec::new(),
                        seen: None,
                    });
                    self.tracks.len() - 1
                });
                here.insert(i);
                let combined = intersection(&sets, span);
                let blocking = |t: Seconds| -> Vec<Reason> {
                    parts
                        .list
                        .iter()
                        .zip(&sets)
                        .filter(|(_, set)| !set.contains(t))
                        .map(|((r, _), _)| r.to_reason())
                        .collect()
                };
                let at_start = (!combined.contains(span.lo)).then(|| blocking(span.lo));
                let at_end = (!combined.contains(span.hi - 1)).then(|| blocking(span.hi - 1));
                let caps: Vec<(&RuleRef, &Rule)> = parts
                    .list
                    .iter()
                    .filter_map(|(r, p)| match p {
                        Part::Rule(rule) if rule.cap().is_some() => Some((r, *rule)),
                        _ => None,
                    })
                    .collect();
                let daily_caps: Vec<Reason> = caps
                    .iter()
                    .filter(|(_, rule)| {
                        rule.cap()
                            .is_some_and(|c| matches!(c.period, Period::Days(_)))
                    })
                    .map(|(r, _)| r.to_reason())
                    .collect();
                let preferred = candidates::preferred(&pay_days, step, span);
                let mut new_pieces = Vec::new();
                for &(from, until) in combined.spans() {
                    let opened_by = if from == self.as_of {
                        Some(Vec::new())
                    } else if from > span.lo {
                        Some(blocking(from - 1))
                    } else {
                        None
                    };
                    let closed_by = if until == self.end {
                        Some(Vec::new())
                    } else if until < span.hi {
                        Some(blocking(until))
                    } else {
                        None
                    };
                    let mut room = Vec::new();
                    let mut day = self.primary.date_of(from);
                    while self.primary.start_of(day) < until {
                        let mut rooms: Vec<CapRoom> = caps
                            .iter()
                            .filter(|(_, rule)| {
                                !lifted(solver.contact(), rule, &target, day, self.primary)
                            })
                            .filter_map(|(r, rule)| {
                                rule.cap().map(|c| CapRoom {
                                    rule: r.rule.to_string(),
                                    remaining: solver.contact().cap_room(c, &target, day),
                                })
                            })
                            .collect();
                        crate::order::sort_by(&mut rooms, |a, b| a.rule.cmp(&b.rule));
                        room.push((self.primary.start_of(day).max(from), rooms));
                        day = day.add_days(1);
                    }
                    new_pieces.push(Piece {
                        from,
                        until,
                        rule: step.id.clone(),
                        preferred: preferred
                            .spans()
                            .iter()
                            .copied()
                            .filter(|&(a, b)| a < until && b > from)
                            .collect(),
                        opened_by,
                        closed_by,
                        caps: room,
                        daily_caps: daily_caps.clone(),
                    });
                }
                let track = &mut self.tracks[i];
                let continued = track
                    .seen
                    .as_ref()
                    .is_some_and(|s| s.segment + 1 == self.segment);
                for mut piece in new_pieces {
                    if piece.opened_by.is_none() {
                        // The piece starts where the segment does: it continues a window of the
                        // segment before, or was held back there.
                        let prev = track.pieces.last_mut().filter(|p| {
                            continued
                                && p.until == span.lo
                                && p.closed_by.is_none()
                                && p.rule == piece.rule
                        });
                        if let Some(prev) = prev {
                            prev.until = piece.until;
                            prev.closed_by = piece.closed_by.take();
                            prev.caps.append(&mut piece.caps);
                            prev.caps.dedup_by(|a, b| a.0 == b.0);
                            prev.preferred.append(&mut piece.preferred);
                            prev.preferred.dedup();
                            continue;
                        }
                        piece.opened_by = Some(match &track.seen {
                            Some(s) if continued => s.blocked_at_end.clone().unwrap_or_default(),
                            _ => vec![stage_reason.clone()],
                        });
                    }
                    track.pieces.push(piece);
                }
                if let Some(prev) = track.pieces.last_mut() {
                    if prev.closed_by.is_none() && prev.until == span.lo {
                        prev.closed_by = Some(at_start.clone().unwrap_or_default());
                    }
                }
                track.seen = Some(Seen {
                    blocked_at_end: at_end,
                    segment: self.segment,
                });
            }
        }
        // A window open at the end of the segment before, of a candidate this segment no longer
        // names, closes with the change of stage or status.
        for (i, track) in self.tracks.iter_mut().enumerate() {
            if here.contains(&i) {
                continue;
            }
            if let Some(prev) = track.pieces.last_mut() {
                if prev.closed_by.is_none() && prev.until == span.lo {
                    prev.closed_by = Some(vec![stage_reason.clone()]);
                }
            }
        }
        if last {
            for track in &mut self.tracks {
                for p in &mut track.pieces {
                    p.closed_by.get_or_insert_with(Vec::new);
                }
            }
        }
    }

    /// The candidates in order, each window cut at local midnights where a cap counts by day.
    fn finish(self, order: &[crate::policy::CallOrderEntry]) -> Vec<PlanCandidate> {
        let primary = self.primary;
        // Strategy order, except that within a run of candidates of one action (a step's parties
        // and channels) the call order goes first, as for the next action.
        let mut ranking = candidates::Ranking::new(order);
        let ranks: Vec<candidates::Rank> = self
            .tracks
            .iter()
            .map(|t| ranking.next(&t.action, t.party_kind, t.channel_kind))
            .collect();
        let mut out: Vec<(candidates::Rank, usize, PlanCandidate)> = Vec::new();
        for (n, (track, rank)) in self.tracks.into_iter().zip(ranks).enumerate() {
            let mut windows = Vec::new();
            for piece in track.pieces {
                let mut cuts = vec![piece.from];
                if !piece.daily_caps.is_empty() {
                    let mut d = primary.date_of(piece.from).add_days(1);
                    while primary.start_of(d) < piece.until {
                        cuts.push(primary.start_of(d));
                        d = d.add_days(1);
                    }
                }
                cuts.push(piece.until);
                for k in 0..cuts.len() - 1 {
                    let (from, until) = (cuts[k], cuts[k + 1]);
                    let caps = piece
                        .caps
                        .iter()
                        .rev()
                        .find(|(at, _)| *at <= from)
                        .map(|(_, c)| c.clone())
                        .unwrap_or_default();
                    windows.push(PlanWindow {
                        from: primary.render(from),
                        until: primary.render(until),
                        rule: piece.rule.clone(),
                        preferred: piece.preferred.iter().any(|&(a, b)| a <= from && b > from),
                        opened_by: if k == 0 {
                            piece.opened_by.clone().unwrap_or_default()
                        } else {
                            piece.daily_caps.clone()
                        },
                        closed_by: if k + 2 == cuts.len() {
                            piece.closed_by.clone().unwrap_or_default()
                        } else {
                            piece.daily_caps.clone()
                        },
                        caps,
                    });
                }
            }
            out.push((
                rank,
                n,
                PlanCandidate {
                    action: track.action,
                    party: track.party,
                    channel: track.channel,
                    windows,
                },
            ));
        }
        crate::order::sort_by_key(&mut out, |(rank, n, _)| (*rank, *n));
        out.into_iter().map(|(_, _, c)| c).collect()
    }
}

/// Whether the step's own condition holds at any time within the solver's widest reach, as a
/// decision checks before naming a candidate whose condition does not hold now.
fn step_ever_applies(
    conditions: &Conditions,
    step: &StepDef,
    target: &Target,
    from: Seconds,
) -> bool {
    let reach = Span {
        lo: from,
        hi: from + crate::solver::LONG_HORIZON_DAYS * DAY,
    };
    step.when
        .as_ref()
        .is_none_or(|w| !conditions.holds(w, target, reach).is_empty())
}

/// Whether a consent lifting frequency covers the candidate at the start of a local day, so the
/// cap does not bind that day.
fn lifted(
    contact: &ContactLimits,
    rule: &Rule,
    target: &Target,
    day: crate::time::Date,
    zone: Zone,
) -> bool {
    let Some(cap) = rule.cap() else { return false };
    if !cap
        .exclude
        .contains(&crate::policy::Exclusion::UnderConsent)
    {
        return false;
    }
    let start = zone.start_of(day).max(contact.as_of());
    contact
        .consented(
            target,
            crate::case::ConsentLimit::Frequency,
            Span {
                lo: start,
                hi: start + 1,
            },
        )
        .contains(start)
}
