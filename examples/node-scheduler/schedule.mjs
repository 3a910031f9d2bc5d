// Lays out one local day of calls from contact plans: no engine in here, only the plans' windows
// and cap room, so the rules a dialer must keep are visible in one place (and testable on plans
// written by hand).
//
// The rules kept:
// - a call takes one agent for one slot, and the whole slot lies inside one window of its
//   candidate (the window's `until` is exclusive), on the account's next local day;
// - each account's candidates are taken in the plan's order (the policy's call order), each at
//   most once, and windows marked `preferred` (pay-day timing) are filled before any other;
// - cap room is spent conservatively: every call placed for an account that day counts against
//   every cap of every window used for it, whatever the cap's party or channel scope, because a
//   window's `remaining` counts the history only, not the calls placed here.

const MINUTE = 60_000;

const dateFormats = new Map();
/** The calendar date (YYYY-MM-DD) of an instant (milliseconds) in an IANA time zone. */
export function localDate(ms, zone) {
  let f = dateFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(zone, f);
  }
  return f.format(new Date(ms));
}

/** The zone a plan's days are counted in: the borrower's first zone, else the book's. */
export const zoneOf = (kase) => kase.borrower?.time_zones?.[0] ?? kase.account?.book_time_zone ?? 'UTC';

/**
 * The slots of a day's calls.
 *
 * entries: [{ plan, zone }] with each plan covering at least the local day after its `as_of`
 *   (plan over 2 days: that day is the plan's last);
 * options: agents (seats per slot), slotMinutes (a call's length; slots start on multiples of it
 *   since the epoch, so every account shares one grid), callsPerAccount (at most this many calls
 *   per account that day), gapMinutes (at least this long between two calls to one account).
 *
 * Returns { calls, accounts } where calls are { account_id, day, zone, at, agent, action, party,
 * channel, rule, preferred, from, until } in time then agent order, and accounts say per account
 * the day laid out and why it has fewer calls than asked for (`no_window`: no call window on the
 * day; `no_room`: windows there, but no free slot or cap room left).
 */
export function layout(entries, { agents = 4, slotMinutes = 10, callsPerAccount = 2, gapMinutes = 60 } = {}) {
  const slot = slotMinutes * MINUTE;
  const gap = gapMinutes * MINUTE;
  const seats = new Map(); // slot start -> agents taken
  const state = entries.map(({ plan, zone }) => {
    const end = Date.parse(plan.until);
    const day = localDate(end - 1, zone);
    // The call windows on that day, each with its candidate's rank in the plan.
    const windows = [];
    plan.candidates.forEach((c, rank) => {
      if (c.action !== 'call') return;
      for (const w of c.windows) {
        const from = Date.parse(w.from);
        const until = Date.parse(w.until);
        // A window that ends more than two days before the horizon's end cannot touch the day.
        if (until > end - 2 * 24 * 60 * MINUTE) windows.push({ rank, candidate: c, window: w, from, until });
      }
    });
    return { plan, zone, day, windows, placed: [], used: new Set() };
  });

  const fits = (acct, w, t) => {
    if (t < w.from || t + slot > w.until) return false; // outside the window
    if (localDate(t, acct.zone) !== acct.day || localDate(t + slot - 1, acct.zone) !== acct.day) return false;
    if ((seats.get(t) ?? 0) >= agents) return false;
    if (acct.placed.some((p) => Math.abs(p.t - t) < Math.max(gap, slot))) return false;
    // Conservative cap room: every call placed for the account today spends every cap.
    return w.window.caps.every((cap) => acct.placed.length < cap.remaining);
  };

  const place = (acct, preferredOnly) => {
    for (const w of acct.windows) {
      if (acct.placed.length >= callsPerAccount) return;
      if (acct.used.has(w.rank) || (preferredOnly && !w.window.preferred)) continue;
      for (let t = Math.ceil(w.from / slot) * slot; t + slot <= w.until; t += slot) {
        if (!fits(acct, w, t)) continue;
        const agent = (seats.get(t) ?? 0) + 1;
        seats.set(t, agent);
        acct.placed.push({ t, agent, w });
        acct.used.add(w.rank);
        break;
      }
    }
  };
  // Windows are in candidate order already (the plan lists each candidate's windows in time
  // order); the preferred ones go first over the whole portfolio, then the rest.
  for (const acct of state) acct.windows.sort((a, b) => a.rank - b.rank || a.from - b.from);
  for (const preferredOnly of [true, false]) {
    for (const acct of state) place(acct, preferredOnly);
  }

  const calls = state
    .flatMap((acct) => acct.placed.map(({ t, agent, w }) => ({
      account_id: acct.plan.account_id,
      day: acct.day,
      zone: acct.zone,
      at: new Date(t).toISOString(),
      agent,
      action: w.candidate.action,
      party: w.candidate.party,
      channel: w.candidate.channel,
      rule: w.window.rule,
      preferred: w.window.preferred,
      from: w.window.from,
      until: w.window.until,
    })))
    .sort((a, b) => a.at.localeCompare(b.at) || a.agent - b.agent);
  const accounts = state.map((acct) => {
    // The candidates that have at least one whole slot inside a window on the day.
    const ranks = new Set(acct.windows.filter((w) => {
      for (let t = Math.ceil(w.from / slot) * slot; t + slot <= w.until; t += slot) {
        if (localDate(t, acct.zone) === acct.day) return true;
      }
      return false;
    }).map((w) => w.rank));
    const wanted = Math.min(callsPerAccount, ranks.size);
    return {
      account_id: acct.plan.account_id,
      day: acct.day,
      calls: acct.placed.length,
      short: ranks.size === 0 ? 'no_window' : acct.placed.length < wanted ? 'no_room' : null,
    };
  });
  return { calls, accounts };
}
