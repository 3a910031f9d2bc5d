// The scheduler's promise, checked independently of how it keeps it: over the generated portfolio
// (accounts.jsonl) every call lies inside a window of its candidate on the day laid out, no cap
// gives more calls than its room, no slot has more calls than agents; and on plans written by
// hand, the scheduler places calls only where a window is, prefers preferred windows and stops
// at a cap's room.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Engine } from 'arrears';
import { layout } from './schedule.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const MINUTE = 60_000;
const key = (x) => `${x.action} ${x.party} ${x.channel}`;
const dateIn = (ms, zone) => new Intl.DateTimeFormat('en-CA', {
  timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
}).format(new Date(ms));

/** What is wrong with a schedule against the plans it was made from (empty when nothing). */
function violations(plans, calls, { agents, slotMinutes, callsPerAccount }) {
  const wrong = [];
  const byAccount = new Map();
  const seats = new Map();
  for (const call of calls) {
    const plan = plans.get(call.account_id);
    const start = Date.parse(call.at);
    const end = start + slotMinutes * MINUTE;
    const day = dateIn(Date.parse(plan.until) - 1, call.zone);
    if (dateIn(start, call.zone) !== day || dateIn(end - 1, call.zone) !== day) {
      wrong.push(`${call.account_id} ${call.at}: not on the plan's last local day ${day}`);
    }
    const candidate = plan.candidates.find((c) => key(c) === key(call));
    const window = candidate?.windows.find((w) => Date.parse(w.from) <= start && end <= Date.parse(w.until));
    if (!window) {
      wrong.push(`${call.account_id} ${call.at}: ${key(call)} outside every window of its candidate`);
      continue;
    }
    if (!byAccount.has(call.account_id)) byAccount.set(call.account_id, []);
    byAccount.get(call.account_id).push(window);
    const taken = seats.get(start) ?? new Set();
    if (taken.has(call.agent) || call.agent < 1 || call.agent > agents) {
      wrong.push(`${call.at}: agent ${call.agent} double-booked or not one of ${agents}`);
    }
    seats.set(start, taken.add(call.agent));
  }
  for (const [account, windows] of byAccount) {
    if (windows.length > callsPerAccount) wrong.push(`${account}: ${windows.length} calls`);
    // Each cap: the calls made in windows it bounds, against the least room it leaves in them.
    const caps = new Map();
    for (const w of windows) {
      for (const cap of w.caps) {
        const c = caps.get(cap.rule) ?? { calls: 0, room: Infinity };
        caps.set(cap.rule, { calls: c.calls + 1, room: Math.min(c.room, cap.remaining) });
      }
    }
    for (const [rule, c] of caps) {
      if (c.calls > c.room) wrong.push(`${account}: ${c.calls} calls under ${rule}, room for ${c.room}`);
    }
  }
  return wrong;
}

test('over the generated portfolio, every call is inside a window and within every cap', () => {
  const options = { agents: 2, slotMinutes: 10, callsPerAccount: 4 };
  const out = execFileSync(process.execPath, [
    'scheduler.mjs', '--json', '--agents', '2', '--slot', '10', '--calls', '4', 'accounts.jsonl',
  ], { cwd: here, encoding: 'utf8' });
  const schedule = JSON.parse(out);
  const engine = new Engine('cn-microloan');
  const plans = new Map();
  for (const line of readFileSync(new URL('accounts.jsonl', import.meta.url), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const kase = JSON.parse(line);
    plans.set(kase.account.id, engine.plan({ ...kase, as_of: schedule.as_of }, 2));
  }
  assert.equal(schedule.accounts.length, plans.size);
  assert.ok(schedule.calls.length > 0, 'a portfolio of overdue accounts gets calls');
  assert.deepStrictEqual(violations(plans, schedule.calls, options), []);
  // Every account with a call window that day has at least one call: the portfolio fits the
  // agents, so any account left out would be the scheduler's fault.
  for (const a of schedule.accounts) {
    if (a.short !== 'no_window') assert.ok(a.calls > 0, JSON.stringify(a));
  }
});

// A plan written by hand: as of 2026-03-23 16:00 in Shanghai over two days, so the day laid out
// is 2026-03-24; one call candidate per given list of windows.
const ZONE = 'Asia/Shanghai';
const at = (day, hm) => `2026-03-${day}T${hm}:00+08:00`;
function handPlan(id, ...windowLists) {
  return {
    account_id: id,
    as_of: at(23, '16:00'),
    until: at(25, '00:00'),
    days: 2,
    policy: { id: 'hand', version: '1', digest: 'sha256:-', effective_from: null },
    candidates: windowLists.map((windows, i) => ({
      action: 'call',
      party: 'borrower',
      channel: `m${i + 1}`,
      windows: windows.map(([from, until, extra]) => ({
        from, until, rule: 'hand.call', preferred: false, opened_by: [], closed_by: [], caps: [], ...extra,
      })),
    })),
    warnings: [],
  };
}
const run = (plans, options) => {
  const result = layout(plans.map((plan) => ({ plan, zone: ZONE })), options);
  const byId = new Map(plans.map((p) => [p.account_id, p]));
  assert.deepStrictEqual(violations(byId, result.calls, { agents: 4, slotMinutes: 10, callsPerAccount: 2, ...options }), []);
  return result;
};

test('a call goes only where its one window is', () => {
  const plan = handPlan('W', [[at(24, '10:00'), at(24, '10:30')]]);
  const { calls, accounts } = run([plan], { callsPerAccount: 1 });
  assert.deepStrictEqual(calls.map((c) => c.at), ['2026-03-24T02:00:00.000Z']);
  assert.equal(accounts[0].short, null);
  // The checker itself catches a call outside that window.
  const outside = { ...calls[0], at: '2026-03-24T01:00:00.000Z' };
  assert.equal(violations(new Map([['W', plan]]), [outside], { agents: 4, slotMinutes: 10, callsPerAccount: 1 }).length, 1);
});

test('a window shorter than a slot, or only on the plan\'s first day, gets no call', () => {
  const { calls, accounts } = run([
    handPlan('SHORT', [[at(24, '10:00'), at(24, '10:05')]]),
    handPlan('FIRST', [[at(23, '16:00'), at(23, '21:00')]]),
  ]);
  assert.deepStrictEqual(calls, []);
  assert.deepStrictEqual(accounts.map((a) => a.short), ['no_window', 'no_window']);
});

test('preferred windows are filled first', () => {
  const plan = handPlan('P', [
    [at(24, '09:00'), at(24, '10:00')],
    [at(24, '15:00'), at(24, '16:00'), { preferred: true }],
  ]);
  const { calls } = run([plan], { callsPerAccount: 1 });
  assert.deepStrictEqual(calls.map((c) => [c.at, c.preferred]), [['2026-03-24T07:00:00.000Z', true]]);
});

test('a cap\'s room bounds every call placed for the account that day', () => {
  const day = [at(24, '09:00'), at(24, '21:00')];
  const capped = (remaining) => [...day, { caps: [{ rule: 'hand.cap', remaining }] }];
  assert.equal(run([handPlan('C', [capped(1)], [capped(1)])], { callsPerAccount: 2 }).calls.length, 1);
  // A cap on the second candidate only still counts the first candidate's call.
  assert.equal(run([handPlan('D', [day], [capped(1)])], { callsPerAccount: 2 }).calls.length, 1);
  const none = run([handPlan('E', [capped(0)])], { callsPerAccount: 2 });
  assert.deepStrictEqual([none.calls.length, none.accounts[0].short], [0, 'no_room']);
  assert.equal(run([handPlan('F', [capped(3)], [capped(3)])], { callsPerAccount: 2 }).calls.length, 2);
});

test('no more calls in a slot than agents, and the candidates in the plan\'s order', () => {
  const slot = [at(24, '09:00'), at(24, '09:10')];
  const { calls, accounts } = run([handPlan('A1', [slot]), handPlan('A2', [slot])], { agents: 1 });
  assert.deepStrictEqual(calls.map((c) => c.account_id), ['A1']);
  assert.deepStrictEqual(accounts.map((a) => a.short), [null, 'no_room']);
  const day = [at(24, '09:00'), at(24, '21:00')];
  const order = run([handPlan('O', [day], [day], [day])], { callsPerAccount: 2 }).calls;
  assert.deepStrictEqual(order.map((c) => [c.channel, c.at]), [
    ['m1', '2026-03-24T01:00:00.000Z'], ['m2', '2026-03-24T02:00:00.000Z'],
  ]);
});
