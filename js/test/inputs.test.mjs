// What decide takes: a plain object or the case's JSON text alike (as Python's decide does), and
// a case nested deeper than JSON.stringify can walk is an ArrearsError, not a RangeError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Engine, ArrearsError } from '../dist/node.js';

const text = readFileSync(new URL('../../examples/cases/overdue-consumer-loan.json', import.meta.url), 'utf8');
const engine = new Engine('cn-microloan');

test('decide takes the case as an object or as its JSON text alike', () => {
  const fromObject = engine.decide(JSON.parse(text));
  assert.equal(fromObject.delinquency.days_past_due, 23);
  assert.deepStrictEqual(engine.decide(text), fromObject);
  assert.deepStrictEqual(JSON.parse(engine.decideJson(text)), fromObject);
});

test('a case nested beyond JSON.stringify is an ArrearsError with the engine code for such text', () => {
  const deep = JSON.parse(text);
  let inner = deep;
  for (let i = 0; i < 200000; i++) {
    inner.extensions = {};
    inner = inner.extensions;
  }
  assert.throws(() => engine.decide(deep), (e) => e instanceof ArrearsError && e.code === 'invalid_json' && e.path === '');
});

test('a missing field is named by its own path', () => {
  const kase = JSON.parse(text);
  delete kase.account.id;
  assert.throws(() => engine.decide(kase), (e) => e instanceof ArrearsError && e.code === 'invalid_field' && e.path === 'account.id');
});
