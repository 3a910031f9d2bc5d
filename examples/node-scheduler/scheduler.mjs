// A Node scheduler over the arrears package: plans every account of a portfolio (JSON Lines) for
// two local days with `plan`, then lays out the next local day's calls over a few agents, only
// where the plan allows a call and never over a cap's room (schedule.mjs), and prints a summary.
//
//   node scheduler.mjs [--policy cn-microloan] [--agents 4] [--slot 10] [--calls 2]
//                      [--as-of INSTANT] [--json] [accounts.jsonl]   (standard input without a file)
//
// Every account is planned as of one instant, as a dialer preparing tomorrow's campaign would:
// --as-of, or else the latest `as_of` of the portfolio.
import { readFileSync } from 'node:fs';
import { Engine, ArrearsError } from 'arrears';
import { layout, zoneOf } from './schedule.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : fallback;
};
const flag = (name) => {
  const at = args.indexOf(name);
  return at >= 0 && args.splice(at, 1).length > 0;
};
const policy = option('--policy', 'cn-microloan');
const agents = Number(option('--agents', '4'));
const slotMinutes = Number(option('--slot', '10'));
const callsPerAccount = Number(option('--calls', '2'));
const asOfOption = option('--as-of', null);
const json = flag('--json');
const text = readFileSync(args[0] ?? 0, 'utf8');

const cases = [];
text.split('\n').forEach((line, i) => {
  if (!line.trim()) return;
  try {
    cases.push(JSON.parse(line));
  } catch (e) {
    console.error(`line ${i + 1}: invalid_json: ${e.message}`);
  }
});
if (cases.length === 0) {
  console.error('no accounts to plan');
  process.exit(1);
}
const asOf = asOfOption ?? cases.map((c) => c.as_of).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));

const engine = new Engine(policy);
const entries = [];
for (const kase of cases) {
  try {
    // Two local days from as_of: the second is the day laid out.
    entries.push({ plan: engine.plan({ ...kase, as_of: asOf }, 2), zone: zoneOf(kase) });
  } catch (e) {
    const why = e instanceof ArrearsError ? `${e.code} at ${e.path || '(case)'}: ${e.detail}` : e.message;
    console.error(`${kase.account?.id ?? '?'}: ${why}`);
  }
}
const { calls, accounts } = layout(entries, { agents, slotMinutes, callsPerAccount });

if (json) {
  console.log(JSON.stringify({ as_of: asOf, agents, slot_minutes: slotMinutes, calls, accounts }));
} else {
  const clock = (call) => new Intl.DateTimeFormat('sv-SE', {
    timeZone: call.zone, dateStyle: 'short', timeStyle: 'short',
  }).format(new Date(call.at));
  const days = [...new Set(accounts.map((a) => a.day))].sort();
  const count = (why) => accounts.filter((a) => a.short === why).length;
  console.log(`planned as of ${asOf} with ${policy}: ${accounts.length} accounts, laying out ${days.join(', ')}`);
  console.log(`${agents} agents, ${slotMinutes}-minute slots, at most ${callsPerAccount} calls per account`);
  console.log(`${calls.length} calls placed for ${accounts.filter((a) => a.calls > 0).length} accounts, ${calls.filter((c) => c.preferred).length} of them in preferred (pay-day) windows`);
  console.log(`${count('no_window')} accounts have no call window that day; ${count('no_room')} got fewer calls than they could for lack of free slots or cap room`);
  const hours = new Map();
  for (const c of calls) hours.set(clock(c).slice(11, 13), (hours.get(clock(c).slice(11, 13)) ?? 0) + 1);
  console.log(`calls per local hour: ${[...hours].map(([h, n]) => `${h}h ${n}`).join(', ')}`);
  for (const c of calls.slice(0, 8)) {
    console.log(`  ${clock(c)}  agent ${c.agent}  ${c.account_id}  ${c.action} ${c.party} via ${c.channel}  (${c.rule}${c.preferred ? ', preferred' : ''})`);
  }
  if (calls.length > 8) console.log(`  ... ${calls.length - 8} more (--json for all)`);
}
