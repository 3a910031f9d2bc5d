// The whole conformance corpus through the npm package in Node: byte-identical JSON through
// decideJson (the policy digest masked), identical objects through decide, and the same error
// codes and paths; a plan case (`plan_days` in its meta.json) the same way through planJson and
// plan. The digests and the claims are checked by `arrears corpus check` over the outputs of
// corpus-report.mjs, as for every surface; ARREARS_CORPUS points the suite at another corpus
// directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine, ArrearsError, builtinPolicies, version, validatePolicy } from '../dist/node.js';
import { corpusDir, loadCorpus, maskDigests } from '../../tests/conformance/corpus.mjs';

const corpus = corpusDir(fileURLToPath(new URL('../../tests/conformance/', import.meta.url)));
const repo = fileURLToPath(new URL('../../', import.meta.url));
const all = loadCorpus(corpus);
const cases = all.map((c) => c.name);
const load = (name) => all.find((c) => c.name === name);

/** What the package gives for a case as text: the decision (or plan) text or the error object. */
function viaJson(policy, caseText, planDays = null) {
  try {
    const engine = new Engine(policy);
    return planDays === null ? engine.decideJson(caseText) : engine.planJson(caseText, planDays);
  } catch (e) {
    assert.ok(e instanceof ArrearsError, `thrown ${e}`);
    return JSON.stringify(e);
  }
}

test('the corpus has cases', () => assert.ok(cases.length >= (process.env.ARREARS_CORPUS ? 1 : 100), `${cases.length} cases`));

for (const name of cases) {
  test(`${load(name).planDays === null ? 'decideJson' : 'planJson'}: ${name}`, () => {
    const c = load(name);
    const out = viaJson(c.policy, c.caseText, c.planDays);
    assert.equal(maskDigests(out).masked + '\n', c.expected);
  });

  test(`${load(name).planDays === null ? 'decide' : 'plan'}: ${name}`, () => {
    const { policy, caseText, expected, planDays } = load(name);
    const want = JSON.parse(expected);
    const decided = (got) => JSON.parse(maskDigests(JSON.stringify(got)).masked);
    let parsed;
    try {
      parsed = JSON.parse(caseText);
    } catch {
      return; // not JSON at all: only the text interface can be given it
    }
    try {
      const engine = new Engine(policy);
      const got = planDays === null ? engine.decide(parsed) : engine.plan(parsed, planDays);
      assert.deepStrictEqual(decided(got), want);
    } catch (e) {
      assert.ok(e instanceof ArrearsError, `thrown ${e}`);
      assert.ok(want.error, `unexpected ${e}`);
      assert.equal(e.code, want.error.code);
      assert.equal(e.path, want.error.path);
    }
  });
}

test('errors are ArrearsError with code, path and message, never a trap', () => {
  assert.throws(() => new Engine('no-such-pack'), (e) => e instanceof ArrearsError && e.code === 'unknown_policy' && e.path === 'policy');
  const engine = new Engine('us-reg-f');
  assert.throws(() => engine.decideJson('{'), (e) => e.code === 'invalid_json');
  assert.throws(() => engine.decide({ as_of: '2026-03-10T14:30:00' }), (e) => e.code === 'invalid_field' && e.path === 'as_of');
  assert.throws(() => engine.decide(42), (e) => e.code === 'invalid_json');
  // The engine stays usable after an error.
  assert.equal(JSON.parse(engine.decideJson(readFileSync(join(repo, 'examples/cases/overdue-consumer-loan.json'), 'utf8'))).delinquency.days_past_due, 23);
});

test('builtinPolicies, version, validatePolicy and the policy getter', () => {
  assert.deepEqual(builtinPolicies(), ['cn-microloan', 'us-reg-f', 'id-ojk', 'ph-sec', 'in-rbi']);
  assert.equal(version(), '0.1.0');
  const ok = validatePolicy('cn-microloan');
  assert.equal(ok.valid, true);
  const bad = validatePolicy({ id: 'x', version: '1', extends: 'cn-microloan', rules: [{ id: 'wide', cite: 'l', window: { slots: [{ days: ['any'], from: '07:00', to: '23:00' }] } }] });
  assert.equal(bad.valid, false);
  assert.match(bad.diagnostics[0].message, /cn\.floor\.hours/);
  assert.equal(new Engine('us-reg-f').policy.id, 'us-reg-f');
});
