// The whole conformance corpus through the npm package in Node: byte-identical JSON through
// decideJson, identical objects through decide, and the same error codes and paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine, ArrearsError, builtinPolicies, version, validatePolicy } from '../dist/node.js';

const corpus = fileURLToPath(new URL('../../tests/conformance/', import.meta.url));
const cases = readdirSync(join(corpus, 'cases'))
  .filter((d) => statSync(join(corpus, 'cases', d)).isDirectory())
  .sort();

function load(name) {
  const dir = join(corpus, 'cases', name);
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const policy = meta.policy.endsWith('.json') ? readFileSync(join(corpus, meta.policy), 'utf8') : meta.policy;
  return { policy, caseText: readFileSync(join(dir, 'case.json'), 'utf8'), expected: readFileSync(join(dir, 'expected.json'), 'utf8') };
}

/** What the package gives for a case as text: the decision text or the error object. */
function viaJson(policy, caseText) {
  try {
    return new Engine(policy).decideJson(caseText);
  } catch (e) {
    assert.ok(e instanceof ArrearsError, `thrown ${e}`);
    return JSON.stringify(e);
  }
}

test('the corpus has cases', () => assert.ok(cases.length >= 100, `${cases.length} cases`));

for (const name of cases) {
  test(`decideJson: ${name}`, () => {
    const { policy, caseText, expected } = load(name);
    assert.equal(viaJson(policy, caseText) + '\n', expected);
  });

  test(`decide: ${name}`, () => {
    const { policy, caseText, expected } = load(name);
    const want = JSON.parse(expected);
    let parsed;
    try {
      parsed = JSON.parse(caseText);
    } catch {
      return; // not JSON at all: only the text interface can be given it
    }
    try {
      const got = new Engine(policy).decide(parsed);
      assert.deepStrictEqual(got, want);
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
  assert.equal(JSON.parse(engine.decideJson(readFileSync(join(corpus, '../../examples/cases/overdue-consumer-loan.json'), 'utf8'))).delinquency.days_past_due, 23);
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
