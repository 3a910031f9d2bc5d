// A consumer of the package's types, type-checked by `tsc` in CI: wrong field names or types in
// a case, or a misuse of the decision, fail the build.
import { Engine, ArrearsError, validatePolicy, type Case, type Decision } from '../../dist/index.js';

const engine = new Engine('cn-microloan');
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
  console.log(dpd, stage, next, blocked, engine.policy.digest, validatePolicy('us-reg-f').valid);
} catch (e) {
  if (e instanceof ArrearsError) console.log(e.code, e.path, e.detail);
}
