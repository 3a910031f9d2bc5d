//! What the history says: events in time order and the facts the rules ask about again and again
//! (lost contact, disputes, conversations, consents), computed once per decision.

use crate::case::{CallOutcome, Case, Event, EventType, LetterKind, BORROWER};
use crate::policy::{CountKind, Exclusion, Policy};
use crate::time::{Seconds, Zone};

pub struct History<'a> {
    /// Events sorted by time; equal instants keep their input order.
    pub events: Vec<&'a Event>,
    /// Since when the borrower has been lost-contact, if they are.
    pub lost_contact_since: Option<Seconds>,
    /// A dispute is open with no verification sent since it was opened.
    pub dispute_pending: bool,
    /// The last telephone conversation with the borrower.
    pub last_conversation: Option<Seconds>,
    /// The queue of the last `escalated` event.
    pub last_escalated_to: Option<&'a str>,
    /// Consent coverage per party: the spans in which calls to it are made under direct consent.
    consents: Vec<(&'a str, Seconds, Seconds)>,
}

impl<'a> History<'a> {
    pub fn new(case: &'a Case, policy: &Policy, primary: Zone) -> History<'a> {
        let mut events: Vec<&Event> = case.history.iter().collect();
        events.sort_by_key(|e| e.at.seconds());

        let failed_needed = policy
            .document()
            .contact
            .lost_contact
            .failed_attempts
            .max(1);
        let mut streak = 0u32;
        let mut streak_lost_at = None;
        let mut last_conversation = None;
        let mut last_escalated_to = None;
        let mut dispute_opened: Option<Seconds> = None;
        let mut dispute_open_by_event = false;
        let mut last_verification: Option<Seconds> = None;
        let mut consents = Vec::new();
        for e in &events {
            let at = e.at.seconds();
            let borrower = e.party.as_deref() == Some(BORROWER);
            match e.kind {
                EventType::Call if borrower => match e.outcome {
                    Some(CallOutcome::Connected) | Some(CallOutcome::Refused) => {
                        streak = 0;
                        streak_lost_at = None;
                        if e.outcome == Some(CallOutcome::Connected) {
                            last_conversation = Some(at);
                        }
                    }
                    Some(_) if e.is_outbound() => {
                        streak += 1;
                        if streak == failed_needed {
                            streak_lost_at = Some(at);
                        }
                    }
                    _ => {}
                },
                EventType::Escalated => last_escalated_to = e.to.as_deref(),
                EventType::DisputeOpened => {
                    dispute_opened = Some(at);
                    dispute_open_by_event = true;
                }
                EventType::DisputeResolved => dispute_open_by_event = false,
                EventType::Letter if e.letter == Some(LetterKind::Verification) => {
                    last_verification = Some(at);
                }
                EventType::Consent => {
                    if let Some(party) = e.party.as_deref() {
                        consents.push((party, at, e.until, e.channel.as_deref()));
                    }
                }
                _ => {}
            }
        }

        // A wrong number on every one of the borrower's phones also means the borrower cannot be
        // reached, however few attempts that took.
        let phones: Vec<&str> = case
            .borrower
            .channels
            .iter()
            .filter(|c| c.kind.is_phone())
            .map(|c| c.id.as_str())
            .collect();
        let mut all_wrong_since = None;
        if !phones.is_empty() {
            let mut latest = Vec::with_capacity(phones.len());
            for p in &phones {
                let last = events.iter().rev().find(|e| {
                    e.kind == EventType::Call
                        && e.party.as_deref() == Some(BORROWER)
                        && e.channel.as_deref() == Some(*p)
                });
                latest.push(last.filter(|e| e.outcome == Some(CallOutcome::WrongNumber)));
            }
            if latest.iter().all(Option::is_some) {
                all_wrong_since = latest.iter().flatten().map(|e| e.at.seconds()).max();
            }
        }
        let lost_contact_since = match (streak_lost_at, all_wrong_since) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };

        let dispute_open = case.borrower.flags.dispute_open || dispute_open_by_event;
        let dispute_pending = dispute_open
            && match (dispute_opened, last_verification) {
                (_, None) => true,
                (Some(opened), Some(v)) => v < opened,
                (None, Some(_)) => false,
            };

        // Consent lasts until its `until` date (inclusive, local) or for the policy's default
        // number of consecutive local days, the day it was given being the first (1006.14(b)(3)(i):
        // consent given Monday 09:00 covers Monday to Sunday, not up to the next Monday 09:00), and
        // ends at the next conversation with that party.
        let default_days = i64::from(policy.document().contact.consent_days);
        let consents = consents
            .into_iter()
            .map(|(party, at, until, _channel)| {
                let mut end = primary.start_of(primary.date_of(at).add_days(default_days));
                if let Some(until) = until {
                    end = end.min(primary.start_of(until.add_days(1)));
                }
                let next_conversation = events.iter().find(|e| {
                    e.at.seconds() > at
                        && e.kind == EventType::Call
                        && e.outcome == Some(CallOutcome::Connected)
                        && e.party.as_deref() == Some(party)
                });
                if let Some(c) = next_conversation {
                    // The conversation itself is still covered; calls after it are not.
                    end = end.min(c.at.seconds() + 1);
                }
                (party, at, end)
            })
            .collect();

        History {
            events,
            lost_contact_since,
            dispute_pending,
            last_conversation,
            last_escalated_to,
            consents,
        }
    }

    /// Spans during which calls to `party` are covered by a direct consent.
    pub fn consent_spans(&self, party: &str) -> impl Iterator<Item = (Seconds, Seconds)> + '_ {
        let party = party.to_string();
        self.consents
            .iter()
            .filter(move |(p, _, _)| *p == party)
            .map(|&(_, a, b)| (a, b))
    }

    fn under_consent(&self, e: &Event) -> bool {
        let Some(party) = e.party.as_deref() else {
            return false;
        };
        let at = e.at.seconds();
        self.consent_spans(party).any(|(a, b)| a <= at && at < b)
    }

    /// Whether an event counts toward a cap or a rest pattern of this kind.
    pub fn counts(&self, e: &Event, kind: CountKind, exclude: &[Exclusion]) -> bool {
        let outbound = e.is_outbound();
        let is = match kind {
            CountKind::PlacedCall => e.kind == EventType::Call && outbound,
            CountKind::ConnectedCall => {
                e.kind == EventType::Call && outbound && e.outcome == Some(CallOutcome::Connected)
            }
            CountKind::UnansweredAttempt => {
                e.kind == EventType::Call
                    && outbound
                    && matches!(
                        e.outcome,
                        Some(CallOutcome::NoAnswer | CallOutcome::Busy | CallOutcome::Voicemail)
                    )
            }
            CountKind::Conversation => {
                e.kind == EventType::Call && e.outcome == Some(CallOutcome::Connected)
            }
            CountKind::Message => matches!(e.kind, EventType::Sms | EventType::Email) && outbound,
            CountKind::Letter => e.kind == EventType::Letter && outbound,
            CountKind::Visit => e.kind == EventType::Visit,
            CountKind::Contact => {
                matches!(
                    e.kind,
                    EventType::Call
                        | EventType::Sms
                        | EventType::Email
                        | EventType::Letter
                        | EventType::Visit
                ) && outbound
            }
        };
        if !is {
            return false;
        }
        for x in exclude {
            let excluded = match x {
                Exclusion::Inbound => !outbound,
                Exclusion::NotConnected => {
                    e.kind == EventType::Call && e.outcome == Some(CallOutcome::Busy)
                }
                // A conversation is not a placed call: it starts the seven days of 1006.14(b)(2)(i)(B)
                // whoever placed the call and whether or not consent covered it.
                Exclusion::UnderConsent => {
                    e.kind == EventType::Call
                        && kind != CountKind::Conversation
                        && self.under_consent(e)
                }
            };
            if excluded {
                return false;
            }
        }
        true
    }

    /// Whether `party` has been contacted (outbound) before.
    pub fn contacted_before(&self, party: &str) -> bool {
        self.events
            .iter()
            .any(|e| e.party.as_deref() == Some(party) && self.counts(e, CountKind::Contact, &[]))
    }

    /// The first letter of a kind sent to the borrower.
    pub fn first_letter(&self, kind: LetterKind) -> Option<Seconds> {
        self.first_letter_before(kind, None)
    }

    /// The first letter of a kind sent to the borrower before `by` (when given).
    pub fn first_letter_before(&self, kind: LetterKind, by: Option<Seconds>) -> Option<Seconds> {
        self.events
            .iter()
            .find(|e| {
                e.kind == EventType::Letter
                    && e.letter == Some(kind)
                    && e.party.as_deref().is_none_or(|p| p == BORROWER)
                    && by.is_none_or(|b| e.at.seconds() < b)
            })
            .map(|e| e.at.seconds())
    }

    /// The first outbound text or email to the borrower before `by` (when given).
    pub fn first_message_before(&self, by: Option<Seconds>) -> Option<Seconds> {
        self.events
            .iter()
            .find(|e| {
                matches!(e.kind, EventType::Sms | EventType::Email)
                    && e.is_outbound()
                    && e.party.as_deref() == Some(BORROWER)
                    && by.is_none_or(|b| e.at.seconds() < b)
            })
            .map(|e| e.at.seconds())
    }

    pub fn recorded(&self, kind: EventType) -> bool {
        self.events.iter().any(|e| e.kind == kind)
    }
}
