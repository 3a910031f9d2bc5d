// A Node scheduler over the arrears package: reads accounts as JSON Lines and prints what may be
// sent now, and when each blocked action becomes allowed, on the borrower's clock.
//
//   node scheduler.mjs [--policy cn-microloan] [accounts.jsonl]     (standard input without a file)
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Engine, ArrearsError } from 'arrears';

const args = process.argv.slice(2);
const at = args.indexOf('--policy');
const policy = at >= 0 ? args.splice(at, 2)[1] : 'cn-microloan';
const input = args[0] ? createReadStream(args[0]) : process.stdin;
const engine = new Engine(policy);

const zoneOf = (c) => c.borrower?.time_zones?.[0] ?? c.account?.book_time_zone ?? 'UTC';
const local = (instant, zone) => new Intl.DateTimeFormat('sv-SE', {
  timeZone: zone, dateStyle: 'short', timeStyle: 'short',
}).format(new Date(instant)) + ` (${zone})`;
const who = (a) => `${a.action} ${a.party}${a.channel ? ` via ${a.channel}` : ''}`;

let line = 0;
for await (const text of createInterface({ input, crlfDelay: Infinity })) {
  line += 1;
  if (!text.trim()) continue;
  let account;
  try {
    account = JSON.parse(text);
    const d = engine.decide(account);
    const zone = zoneOf(account);
    console.log(`${d.account_id}  ${d.delinquency.stage.id} (DPD ${d.delinquency.days_past_due}), queue ${d.queue.current}${d.queue.escalate_to ? ' → move now' : ''}`);
    for (const a of d.actions) {
      if (a.allowed) console.log(`  send now   ${who(a)}${a.allowed_until ? `  until ${local(a.allowed_until, zone)}` : ''}`);
      else if (a.next_allowed_at) console.log(`  schedule   ${who(a)}  at ${local(a.next_allowed_at, zone)}  (${a.blocked_by.map((b) => b.rule).join(', ')})`);
      else console.log(`  never      ${who(a)}  (${a.blocked_by.map((b) => b.rule).join(', ')})`);
    }
  } catch (e) {
    const why = e instanceof ArrearsError ? `${e.code} at ${e.path || '(case)'}: ${e.detail}` : `invalid_json: ${e.message}`;
    console.log(`line ${line}: ${why}`);
  }
}
