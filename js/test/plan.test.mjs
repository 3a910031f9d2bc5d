// plan and planJson: the contact plan over the coming days, next to decide and decideJson, with
// the same objects-or-text contract and the same errors; and a plan case of a corpus goes through
// them in the corpus report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, mkdirSync, cpSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Engine, ArrearsError } from '../dist/node.js';
import { loadCorpus } from '../../tests/conformance/corpus.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const caseText = readFileSync(join(repo, 'examples/cases/overdue-consumer-loan.json'), 'utf8');
const caseObject = JSON.parse(caseText);
const key = (c) => `${c.action} ${c.party} ${c.channel}`;

test('plan gives the object planJson gives the text of, over a week unless told', () => {
  const engine = new Engine('cn-microloan');
  const text = engine.planJson(caseText);
  assert.ok(text.startsWith('{"format":"arrears.plan/1","account_id":"L-1001",'), text);
  assert.equal(text, engine.planJson(caseText, 7));
  assert.deepStrictEqual(engine.plan(caseObject), JSON.parse(text));
  const plan = engine.plan(caseObject, 3);
  assert.deepStrictEqual(plan, JSON.parse(engine.planJson(caseText, 3)));
  assert.equal(plan.days, 3);
  assert.equal(plan.as_of, '2026-03-10T14:30:00+08:00');
  // The borrower's local midnight three days after the date of as_of (Asia/Shanghai).
  assert.equal(plan.until, '2026-03-13T00:00:00+08:00');
  const decision = engine.decide(caseObject);
  assert.deepStrictEqual(plan.policy, decision.policy);
  // The stage holds all three days, so the candidates are the decision's, in its order.
  assert.deepStrictEqual(plan.candidates.map(key), decision.actions.map(key));
  for (const c of plan.candidates) {
    for (const w of c.windows) {
      assert.ok(w.from < w.until && w.until <= plan.until, `${key(c)}: ${JSON.stringify(w)}`);
      for (const cap of w.caps) assert.ok(Number.isInteger(cap.remaining) && cap.remaining >= 0, JSON.stringify(cap));
    }
  }
});

test('days outside 1..31, or no whole number, are ArrearsError out_of_range at days', () => {
  const engine = new Engine('us-reg-f');
  for (const days of [0, 32, -1, 3.5, Number.NaN, 2 ** 32, '7', null]) {
    for (const call of [() => engine.plan(caseObject, days), () => engine.planJson(caseText, days)]) {
      assert.throws(call, (e) => e instanceof ArrearsError && e.code === 'out_of_range' && e.path === 'days', `days ${days}`);
    }
  }
  for (const days of [1, 31]) assert.equal(engine.plan(caseObject, days).days, days);
});

test('a bad case fails plan as it fails decide, and the engine stays usable', () => {
  const engine = new Engine('us-reg-f');
  assert.throws(() => engine.planJson('{', 3), (e) => e instanceof ArrearsError && e.code === 'invalid_json');
  const bad = { as_of: '2026-03-10T14:30:00', account: {}, borrower: {} };
  let decided;
  try {
    engine.decide(bad);
  } catch (e) {
    decided = e;
  }
  assert.throws(() => engine.plan(bad, 3), (e) => e instanceof ArrearsError && e.code === decided.code && e.path === decided.path);
  assert.equal(engine.plan(caseObject, 2).days, 2);
});

test('the corpus report plans a plan case over its plan_days', () => {
  const corpus = fileURLToPath(new URL('../../tests/conformance/', import.meta.url));
  const [first] = loadCorpus(corpus);
  const tmp = mkdtempSync(join(tmpdir(), 'arrears-plan-case-'));
  const report = fileURLToPath(new URL('./corpus-report.mjs', import.meta.url));
  const run = () => JSON.parse(execFileSync(process.execPath, [report, tmp], { encoding: 'utf8' })).output;
  try {
    cpSync(join(corpus, 'policies'), join(tmp, 'policies'), { recursive: true });
    const dir = join(tmp, 'cases', first.name);
    mkdirSync(dir, { recursive: true });
    cpSync(join(corpus, 'cases', first.name, 'case.json'), join(dir, 'case.json'));
    writeFileSync(join(dir, 'expected.json'), '');
    const meta = { ...first.meta, plan_days: 3 };
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
    const engine = new Engine(first.policy);
    assert.equal(run(), engine.planJson(first.caseText, 3));
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ ...meta, plan_days: 4 }));
    assert.equal(run(), engine.planJson(first.caseText, 4));
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ ...meta, plan_days: undefined }));
    assert.equal(run(), engine.decideJson(first.caseText));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
