// A trap is not the end of an engine: a call the module does not finish is an ArrearsError with the
// code `internal`, and the next call, on every engine, works. The shipped module never traps on
// input, so the test builds its own with the test-only feature `trap-trigger` of bindings/wasm
// (decide and decideJson on the case text ARREARS-TRAP abort) and assembles a package around it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assemble } from '../scripts/assemble.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const target = process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, 'target');
execFileSync('cargo', ['build', '-q', '--locked', '-p', 'arrears-wasm', '--features', 'trap-trigger', '--target', 'wasm32-unknown-unknown'], { cwd: root, stdio: 'inherit' });
const out = mkdtempSync(join(tmpdir(), 'arrears-trap-'));
process.on('exit', () => rmSync(out, { recursive: true, force: true }));
assemble(join(target, 'wasm32-unknown-unknown/debug/arrears_wasm.wasm'), out);
const { Engine, ArrearsError, builtinPolicies } = await import(pathToFileURL(join(out, 'node.js')).href);

const text = readFileSync(new URL('../../examples/cases/overdue-consumer-loan.json', import.meta.url), 'utf8');
const isInternal = (e) => e instanceof ArrearsError && e.code === 'internal' && e.path === '' && /unreachable/.test(e.detail)
  && JSON.stringify(e) === JSON.stringify({ error: { code: 'internal', path: '', message: e.detail } });

test('a trap is an internal ArrearsError and every engine works after it', () => {
  const engine = new Engine('cn-microloan');
  // Given as a document, changed after it was built: a rebuild reads the policy as it was given.
  const document = JSON.parse(readFileSync(new URL('../../core/packs/us-reg-f.json', import.meta.url), 'utf8'));
  const other = new Engine(document);
  document.id = 'changed-after-construction';
  const wanted = engine.decideJson(text);
  const plan = other.planJson(text, 3);
  for (let round = 0; round < 2; round++) {
    assert.throws(() => engine.decideJson('ARREARS-TRAP'), isInternal);
    assert.equal(engine.decideJson(text), wanted);
    assert.equal(other.planJson(text, 3), plan);
    assert.equal(other.policy.id, 'us-reg-f');
    assert.ok(builtinPolicies().includes('cn-microloan'));
  }
});

test('a trap in decide is an internal ArrearsError and the engine decides again', () => {
  const engine = new Engine('us-reg-f');
  const wanted = engine.decide(JSON.parse(text));
  assert.throws(() => engine.decide('ARREARS-TRAP'), isInternal);
  assert.deepStrictEqual(engine.decide(JSON.parse(text)), wanted);
  assert.equal(engine.policy.id, 'us-reg-f');
});
