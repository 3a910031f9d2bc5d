// A consumer of the package's types, type-checked by `tsc` in CI: wrong field names or types in
// a case, or a misuse of the decision, fail the build.
import { Engine, ArrearsError, validatePolicy, loadPack, type Case, type Decision, type Plan, type PlanWindow, type CapRoom } from '../../dist/index.js';

const engine = new Engine('cn-microloan');
// A browser fetches any other built-in pack before naming it.
const loaded: Promise<void> = loadPack('us-reg-f');
void loaded.then(() => new Engine('us-reg-f'));
const kase: Case = {
  as_of: '2026-03-10T14:30:00+08:00',
  account: {
    id: 'L-1001',
    currency: 'CNY',
    book_time_zone: 'Asia/Shanghai',
    installments: [{ due: '2026-02-15', amount: 120000 }],
  },
  borrower: { time_zones: ['Asia/Shanghai'], channels: [{ id: 'm1', kind: 'mobile' }] },
};
try {
  const d: Decision = engine.decide(kase);
  const dpd: number = d.delinquency.days_past_due;
  const stage: string = d.delinquency.stage.id;
  const next: string | undefined = d.next_action?.at;
  const blocked: string[] = d.actions.flatMap((a) => a.blocked_by.map((b) => b.rule));
  // Keys the engine always writes are typed as present (null when they do not apply), never
  // optional: strict mode refuses `undefined` here.
  const until: string | null = d.actions.length ? d.actions[0].allowed_until : null;
  const from: string | null = d.actions.length ? d.actions[0].next_allowed_at : null;
  const nextAction: Decision['next_action'] = d.next_action;
  const chosen: { at: string } | null = nextAction;
  const since: string | null = d.delinquency.overdue_since;
  const moveTo: string | null = d.queue.escalate_to;
  console.log(dpd, stage, next, blocked, until, from, chosen, since, moveTo, engine.policy.digest, validatePolicy('us-reg-f').valid);
  // The plan's keys are always present too: a window's bounds, its rules and the room under caps.
  const plan: Plan = engine.plan(kase, 3);
  const week: Plan = JSON.parse(engine.planJson(JSON.stringify(kase)));
  const windows: PlanWindow[] = plan.candidates.flatMap((c) => c.windows);
  const room: CapRoom[] = windows.flatMap((w) => w.caps);
  const openers: string[] = windows.flatMap((w) => w.opened_by.map((r) => r.rule));
  const channel: string | null = plan.candidates.length ? plan.candidates[0].channel : null;
  const preferred: boolean[] = windows.map((w) => w.preferred);
  console.log(plan.until, plan.days, week.policy.digest, room.map((r) => r.remaining), openers, channel, preferred, plan.warnings);
} catch (e) {
  if (e instanceof ArrearsError) console.log(e.code, e.path, e.detail);
}
