//! What the history says: events in time order and the facts the rules ask about again and again
//! (lost contact, disputes, conversations, consents), computed once per decision.

use crate::case::{
    CallOutcome, Case, ChannelKind, ConsentLimit, Event, EventKind, EventType, LetterKind, Medium,
    BORROWER,
};
use crate::policy::{ConsentEnd, ContactReset, CountKind, Exclusion, LostContactDef, Policy};
use crate::time::{Seconds, Zone};
use std::collections::BTreeMap;

pub struct History<'a> {
    /// Events sorted by time; equal instants keep their input order.
    pub events: Vec<&'a Event>,
    /// The same events by the party they name, each list in time order: a question about one
    /// party reads that party's events only, so a decision's work grows with the case's size and
    /// not with its parties times its events.
    by_party: BTreeMap<&'a str, Vec<&'a Event>>,
    /// The same events by the channel they name (channel ids are unique across the case).
    by_channel: BTreeMap<&'a str, Vec<&'a Event>>,
    /// Each party's last request to be contacted (see [`History::last_request`]).
    last_requests: BTreeMap<&'a str, Seconds>,
    /// Since when the borrower has been lost-contact, if they are.
    pub lost_contact_since: Option<Seconds>,
    /// A dispute is open with no verification sent since it was opened.
    pub dispute_pending: bool,
    /// A dispute is open (flag or event) and not resolved.
    pub dispute_open: bool,
    /// The last telephone conversation with the borrower.
    pub last_conversation: Option<Seconds>,
    /// The queue of the last `escalated` event.
    pub last_escalated_to: Option<&'a str>,
    /// Consents: party, channel (when the consent is bound to one), the limits lifted, and the
    /// span `[from, to)` it covers.
    /// By party, in the order they were given.
    consents: BTreeMap<&'a str, Vec<ConsentSpan<'a>>>,
    case: &'a Case,
}

/// One consent as the policy reads it.
#[derive(Debug, Clone)]
pub struct ConsentSpan<'a> {
    pub party: &'a str,
    pub channel: Option<&'a str>,
    pub lifts: Vec<ConsentLimit>,
    pub from: Seconds,
    pub to: Seconds,
}

impl<'a> History<'a> {
    pub fn new(case: &'a Case, policy: &Policy, primary: Zone) -> History<'a> {
        let mut events: Vec<&Event> = case.history.iter().collect();
        crate::order::sort_by_key(&mut events, |e| e.at.seconds());
        let contact = &policy.document().contact;
        let mut by_party: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
        let mut by_channel: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
        let mut last_requests = BTreeMap::new();
        for e in &events {
            if let Some(party) = e.party.as_deref() {
                by_party.entry(party).or_default().push(e);
                if matches!(e.kind, EventKind::Consent { .. }) || requests_contact(e) {
                    last_requests.insert(party, e.at.seconds());
                }
            }
            if let Some(channel) = e.channel.as_deref() {
                by_channel.entry(channel).or_default().push(e);
            }
        }

        let mut last_conversation = None;
        let mut last_escalated_to = None;
        let mut dispute_opened: Option<Seconds> = None;
        let mut dispute_open_by_event = false;
        let mut last_verification: Option<Seconds> = None;
        for e in &events {
            let at = e.at.seconds();
            let borrower = e.party.as_deref() == Some(BORROWER);
            match &e.kind {
                EventKind::Call {
                    outcome: CallOutcome::Connected,
                } if borrower => last_conversation = Some(at),
                EventKind::Escalated { queue } => last_escalated_to = Some(queue.as_str()),
                EventKind::DisputeOpened => {
                    dispute_opened = Some(at);
                    dispute_open_by_event = true;
                }
                EventKind::DisputeResolved => dispute_open_by_event = false,
                EventKind::Letter {
                    kind: LetterKind::Verification,
                } => last_verification = Some(at),
                EventKind::Call { .. }
                | EventKind::Sms
                | EventKind::Email
                | EventKind::Letter { .. }
                | EventKind::Visit { .. }
                | EventKind::Promise { .. }
                | EventKind::Consent { .. }
                | EventKind::AgencyPlaced
                | EventKind::LegalFiled
                | EventKind::OptOut { .. }
                | EventKind::Undeliverable => {}
            }
        }
        let lost_contact_since = lost_contact(case, &contact.lost_contact, &events, primary);

        let dispute_open = case.borrower.flags.dispute_open || dispute_open_by_event;
        let dispute_pending = dispute_open
            && match (dispute_opened, last_verification) {
                (_, None) => true,
                (Some(opened), Some(v)) => v < opened,
                (None, Some(_)) => false,
            };

        // Consent lasts until its `until` date (inclusive, local) or for the policy's number of
        // consecutive local days, the day it was given being the first (a consent given Monday
        // 09:00 for 7 days covers Monday to Sunday, not up to the next Monday 09:00), and ends
        // early at whatever the policy says ends it.
        let default_days = i64::from(contact.consent_days);
        let def = &contact.consent;
        let mut consents: BTreeMap<&str, Vec<ConsentSpan>> = BTreeMap::new();
        let spans = events.iter().filter_map(|e| {
            let EventKind::Consent { until, scope } = &e.kind else {
                return None;
            };
            let party = e.party.as_deref()?;
            let at = e.at.seconds();
            let mut end = primary.start_of(primary.date_of(at).add_days(default_days));
            if let Some(until) = *until {
                end = end.min(primary.start_of(until.add_days(1)));
            }
            if def.ends_on.contains(&ConsentEnd::Conversation) {
                let theirs = by_party.get(party).map_or(&[][..], Vec::as_slice);
                let later = theirs.partition_point(|c| c.at.seconds() <= at);
                let next_conversation = theirs[later..].iter().find(|c| is_conversation(c));
                if let Some(c) = next_conversation {
                    // The conversation itself is still covered; calls after it are not.
                    end = end.min(c.at.seconds() + 1);
                }
            }
            Some(ConsentSpan {
                party,
                channel: if def.per_channel {
                    e.channel.as_deref()
                } else {
                    None
                },
                lifts: scope.clone().unwrap_or_else(|| def.default_scope.clone()),
                from: at,
                to: end,
            })
        });
        for span in spans {
            consents.entry(span.party).or_default().push(span);
        }

        History {
            events,
            by_party,
            by_channel,
            last_requests,
            lost_contact_since,
            dispute_pending,
            dispute_open,
            last_conversation,
            last_escalated_to,
            consents,
            case,
        }
    }

    /// Spans during which a consent of `party` lifting `limit` covers `channel`.
    pub fn consent_spans_for<'s>(
        &'s self,
        party: &'s str,
        channel: Option<&'s str>,
        limit: ConsentLimit,
    ) -> impl Iterator<Item = (Seconds, Seconds)> + 's {
        self.consents
            .get(party)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(move |c| {
                c.lifts.contains(&limit) && c.channel.is_none_or(|ch| channel == Some(ch))
            })
            .map(|c| (c.from, c.to))
    }

    fn under_consent(&self, e: &Event) -> bool {
        let Some(party) = e.party.as_deref() else {
            return false;
        };
        let at = e.at.seconds();
        self.consent_spans_for(party, e.channel.as_deref(), ConsentLimit::Frequency)
            .any(|(a, b)| a <= at && at < b)
    }

    /// The last request of `party` to be contacted: a call or message from them, or a consent.
    pub fn last_request(&self, party: &str) -> Option<Seconds> {
        self.last_requests.get(party).copied()
    }

    /// The events naming `party`, in time order.
    pub fn of_party(&self, party: &str) -> &[&'a Event] {
        self.by_party.get(party).map_or(&[], Vec::as_slice)
    }

    /// The events naming `channel`, in time order.
    pub fn of_channel(&self, channel: &str) -> &[&'a Event] {
        self.by_channel.get(channel).map_or(&[], Vec::as_slice)
    }

    /// Whether `party` opted out of `medium` (or of every medium).
    pub fn opted_out_of(&self, party: &str, medium: Option<Medium>) -> bool {
        self.of_party(party).iter().any(|e| {
            matches!(e.kind, EventKind::OptOut { medium: m } if m == Medium::All || Some(m) == medium)
        })
    }

    /// Whether `party` reached the lender from `channel`.
    pub fn used_channel(&self, party: &str, channel: &str) -> bool {
        self.of_channel(channel)
            .iter()
            .any(|e| e.party.as_deref() == Some(party) && requests_contact(e))
    }

    /// The first outbound communication of these types to the borrower that did not come back
    /// undeliverable before `returned_by` (given the instant it was sent).
    pub fn first_delivered(
        &self,
        types: &[EventType],
        returned_by: impl Fn(Seconds) -> Seconds,
    ) -> Option<Seconds> {
        self.events
            .iter()
            .find(|e| {
                let sent = e.at.seconds();
                types.contains(&e.event_type())
                    && e.is_outbound()
                    && e.party.as_deref().is_none_or(|p| p == BORROWER)
                    && !self.events.iter().any(|u| {
                        u.at.seconds() >= sent
                            && u.at.seconds() < returned_by(sent)
                            && self.returns(u, e)
                    })
            })
            .map(|e| e.at.seconds())
    }

    /// Whether `returned` (an `undeliverable` event) can be the return of `sent`, however the
    /// host recorded the two: the same party, and channels that fit. Hosts record a letter with
    /// no channel (the case format gives it none) or with its postal channel, and its return
    /// with the address it came back from or with none; an email bounce names the email
    /// address, a text's the number. So a return that names a channel ties to a communication
    /// on that very channel, or to one recorded without a channel whose medium that channel
    /// carries (a postal address returns letters); a return that names none may be any of
    /// them.
    fn returns(&self, returned: &Event, sent: &Event) -> bool {
        fn party(e: &Event) -> &str {
            e.party.as_deref().unwrap_or(BORROWER)
        }
        if returned.kind != EventKind::Undeliverable || party(returned) != party(sent) {
            return false;
        }
        let Some(channel) = returned.channel.as_deref() else {
            return true;
        };
        match sent.channel.as_deref() {
            Some(c) => c == channel,
            None => self
                .case
                .channel(party(returned), channel)
                .is_some_and(|c| carries(c.kind, sent.kind.medium())),
        }
    }

    /// Whether the last call on `channel` reached a wrong number.
    pub fn wrong_number(&self, channel: &str) -> bool {
        self.of_channel(channel)
            .iter()
            .rev()
            .find(|e| matches!(e.kind, EventKind::Call { .. }))
            .is_some_and(|e| {
                matches!(
                    e.kind,
                    EventKind::Call {
                        outcome: CallOutcome::WrongNumber
                    }
                )
            })
    }

    /// Whether an event counts toward a cap or a rest pattern of this kind.
    pub fn counts(&self, e: &Event, kind: CountKind, exclude: &[Exclusion]) -> bool {
        let outbound = e.is_outbound();
        let is = match kind {
            CountKind::PlacedCall => matches!(e.kind, EventKind::Call { .. }) && outbound,
            CountKind::ConnectedCall => is_conversation(e) && outbound,
            CountKind::UnansweredAttempt => {
                matches!(
                    e.kind,
                    EventKind::Call {
                        outcome: CallOutcome::NoAnswer | CallOutcome::Busy | CallOutcome::Voicemail
                    }
                ) && outbound
            }
            CountKind::Conversation => is_conversation(e),
            CountKind::Message => is_message(e) && outbound,
            CountKind::Text => e.kind == EventKind::Sms && outbound,
            CountKind::Email => e.kind == EventKind::Email && outbound,
            CountKind::Letter => matches!(e.kind, EventKind::Letter { .. }) && outbound,
            CountKind::Visit => matches!(e.kind, EventKind::Visit { .. }),
            CountKind::Contact => e.kind.is_contact() && outbound,
        };
        if !is {
            return false;
        }
        for x in exclude {
            let excluded = match x {
                Exclusion::Inbound => !outbound,
                Exclusion::NotConnected => matches!(
                    e.kind,
                    EventKind::Call {
                        outcome: CallOutcome::Busy
                    }
                ),
                // A conversation is not a placed call: a cap on conversations counts it whoever
                // placed the call and whether or not consent covered it (the consent lifts such a
                // cap only while it lasts, see `Facts::cap`).
                Exclusion::UnderConsent => {
                    matches!(e.kind, EventKind::Call { .. })
                        && kind != CountKind::Conversation
                        && self.under_consent(e)
                }
                Exclusion::WrongNumber => matches!(
                    e.kind,
                    EventKind::Call {
                        outcome: CallOutcome::WrongNumber
                    }
                ),
                Exclusion::BeforeRequest => e
                    .party
                    .as_deref()
                    .and_then(|p| self.last_request(p))
                    .is_some_and(|r| e.at.seconds() < r),
            };
            if excluded {
                return false;
            }
        }
        true
    }

    /// Whether `party` has been contacted (outbound) before.
    pub fn contacted_before(&self, party: &str) -> bool {
        self.of_party(party)
            .iter()
            .any(|e| self.counts(e, CountKind::Contact, &[]))
    }

    /// The first letter of a kind sent to the borrower at or after `since` and before `by` (each
    /// when given).
    pub fn first_letter_between(
        &self,
        kind: LetterKind,
        since: Option<Seconds>,
        by: Option<Seconds>,
    ) -> Option<Seconds> {
        self.letters_between(kind, since, by).next()
    }

    /// The most recent letter of a kind sent to the borrower at or after `since` and before `by`
    /// (each when given).
    pub fn last_letter_between(
        &self,
        kind: LetterKind,
        since: Option<Seconds>,
        by: Option<Seconds>,
    ) -> Option<Seconds> {
        self.letters_between(kind, since, by).last()
    }

    /// When letters of a kind were sent to the borrower at or after `since` and before `by`
    /// (each when given), in time order.
    fn letters_between(
        &self,
        kind: LetterKind,
        since: Option<Seconds>,
        by: Option<Seconds>,
    ) -> impl Iterator<Item = Seconds> + '_ {
        self.events
            .iter()
            .filter(move |e| {
                matches!(e.kind, EventKind::Letter { kind: k } if k == kind)
                    && e.party.as_deref().is_none_or(|p| p == BORROWER)
                    && since.is_none_or(|s| e.at.seconds() >= s)
                    && by.is_none_or(|b| e.at.seconds() < b)
            })
            .map(|e| e.at.seconds())
    }

    /// The first outbound text or email to the borrower before `by` (when given).
    pub fn first_message_before(&self, by: Option<Seconds>) -> Option<Seconds> {
        self.events
            .iter()
            .find(|e| {
                is_message(e)
                    && e.is_outbound()
                    && e.party.as_deref() == Some(BORROWER)
                    && by.is_none_or(|b| e.at.seconds() < b)
            })
            .map(|e| e.at.seconds())
    }

    pub fn recorded(&self, kind: EventType) -> bool {
        self.events.iter().any(|e| e.event_type() == kind)
    }
}

/// Whether a channel of this kind carries what went through this medium and can come back
/// undelivered (a call cannot).
fn carries(kind: ChannelKind, medium: Option<Medium>) -> bool {
    match medium {
        Some(Medium::Postal) => kind == ChannelKind::Postal,
        Some(Medium::Email) => kind == ChannelKind::Email,
        Some(Medium::Text) => matches!(kind, ChannelKind::Mobile | ChannelKind::Sms),
        Some(Medium::Call | Medium::All) | None => false,
    }
}

/// A telephone conversation: a call that connected, whoever placed it.
fn is_conversation(e: &Event) -> bool {
    matches!(
        e.kind,
        EventKind::Call {
            outcome: CallOutcome::Connected
        }
    )
}

/// A text or an email.
fn is_message(e: &Event) -> bool {
    matches!(e.kind, EventKind::Sms | EventKind::Email)
}

/// A call or message from the party: a request to be contacted (with a consent, which the
/// callers add), and what resets lost contact when it comes from the borrower.
fn requests_contact(e: &Event) -> bool {
    matches!(
        e.kind,
        EventKind::Call { .. } | EventKind::Sms | EventKind::Email
    ) && !e.is_outbound()
}

/// Since when the borrower is lost-contact under the policy's definition, if they are.
fn lost_contact(
    case: &Case,
    def: &LostContactDef,
    events: &[&Event],
    primary: Zone,
) -> Option<Seconds> {
    let phones: Vec<&str> = case
        .borrower
        .channels
        .iter()
        .filter(|c| {
            if def.channels.is_empty() {
                c.kind.is_phone()
            } else {
                def.channels.contains(&c.kind)
            }
        })
        .map(|c| c.id.as_str())
        .collect();
    let resets = |e: &Event| -> bool {
        def.reset_by.iter().any(|r| match r {
            ContactReset::ConnectedCall => {
                is_conversation(e) && e.party.as_deref() == Some(BORROWER)
            }
            ContactReset::RefusedCall => {
                matches!(
                    e.kind,
                    EventKind::Call {
                        outcome: CallOutcome::Refused
                    }
                ) && e.party.as_deref() == Some(BORROWER)
            }
            ContactReset::InboundCall => {
                matches!(e.kind, EventKind::Call { .. })
                    && e.party.as_deref() == Some(BORROWER)
                    && !e.is_outbound()
            }
            ContactReset::InboundMessage => {
                is_message(e) && e.party.as_deref() == Some(BORROWER) && !e.is_outbound()
            }
            ContactReset::Promise => {
                matches!(e.kind, EventKind::Promise { .. }) && e.party.as_deref() == Some(BORROWER)
            }
            ContactReset::Payment => false, // payments are read from the account below
        })
    };
    // Payments are contact from the borrower too, when the policy says so.
    let payments: Vec<Seconds> = if def.reset_by.contains(&ContactReset::Payment) {
        case.repayments().map(|p| p.at.seconds()).collect()
    } else {
        Vec::new()
    };
    let counts_channel = |e: &Event| match e.channel.as_deref() {
        Some(ch) => def.channels.is_empty() || phones.contains(&ch),
        None => def.channels.is_empty(),
    };
    let needed = def.failed_attempts.max(1) as usize;
    let days_needed = def.distinct_days.max(1) as usize;
    // Failures since the last reset, as (instant, local date, channel).
    let mut failures: Vec<(Seconds, crate::time::Date, Option<&str>)> = Vec::new();
    let mut since: Option<Seconds> = None;
    let mut pay = payments.iter().peekable();
    let satisfied = |failures: &[(Seconds, crate::time::Date, Option<&str>)]| -> bool {
        let enough =
            |list: &mut dyn Iterator<Item = &(Seconds, crate::time::Date, Option<&str>)>| {
                let mut n = 0usize;
                let mut days: Vec<crate::time::Date> = Vec::new();
                for f in list {
                    n += 1;
                    if !days.contains(&f.1) {
                        days.push(f.1);
                    }
                }
                n >= needed && days.len() >= days_needed
            };
        if def.each_channel {
            !phones.is_empty()
                && phones
                    .iter()
                    .all(|p| enough(&mut failures.iter().filter(|f| f.2 == Some(*p))))
        } else {
            enough(&mut failures.iter())
        }
    };
    for e in events {
        let at = e.at.seconds();
        while pay.peek().is_some_and(|&&p| p <= at) {
            pay.next();
            failures.clear();
            since = None;
        }
        if resets(e) {
            failures.clear();
            since = None;
            continue;
        }
        let failed = matches!(e.kind, EventKind::Call { outcome } if def.failures.contains(&outcome))
            && e.party.as_deref() == Some(BORROWER)
            && e.is_outbound()
            && counts_channel(e);
        if failed {
            failures.push((at, primary.date_of(at), e.channel.as_deref()));
            if since.is_none() && satisfied(&failures) {
                since = Some(at);
            }
        }
    }
    if pay.next().is_some() {
        since = None;
    }

    // A wrong number on every one of the borrower's phones also means the borrower cannot be
    // reached, however few attempts that took.
    let mut all_wrong_since = None;
    if def.all_wrong_number && !phones.is_empty() {
        let mut latest = Vec::with_capacity(phones.len());
        for p in &phones {
            let last = events.iter().rev().find(|e| {
                matches!(e.kind, EventKind::Call { .. })
                    && e.party.as_deref() == Some(BORROWER)
                    && e.channel.as_deref() == Some(*p)
            });
            latest.push(last.filter(|e| {
                matches!(
                    e.kind,
                    EventKind::Call {
                        outcome: CallOutcome::WrongNumber
                    }
                )
            }));
        }
        if latest.iter().all(Option::is_some) {
            all_wrong_since = latest.iter().flatten().map(|e| e.at.seconds()).max();
        }
    }
    match (since, all_wrong_since) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
