// importFineract: the case of an Apache Fineract loan response, decided, gives the delinquent days
// and amounts Fineract's own delinquency tests assert, for every fixture of the core's; bad input
// is an ArrearsError whose path points into the loan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine, ArrearsError, importFineract } from '../dist/node.js';

const fixtures = fileURLToPath(new URL('../../core/tests/fixtures/fineract/', import.meta.url));
const scenarios = readdirSync(fixtures)
  .filter((name) => existsSync(join(fixtures, name, 'loan.json')))
  .sort();

// A decimal such as "1033.3" in minor units of a two-place currency.
const cents = (decimal) => {
  const [whole, frac = ''] = decimal.split('.');
  return Number(whole + (frac + '00').slice(0, 2));
};

test('every Fineract fixture decides to the delinquent days and amounts Fineract asserts', () => {
  assert.ok(scenarios.length >= 20, `only ${scenarios.length} fixtures`);
  const engine = new Engine('us-reg-f');
  for (const name of scenarios) {
    const meta = JSON.parse(readFileSync(join(fixtures, name, 'meta.json'), 'utf8'));
    const loan = readFileSync(join(fixtures, name, 'loan.json'), 'utf8');
    const imported = importFineract(loan, meta.business_date, meta.time_zone);
    // An object and the same loan as text give the same case.
    assert.deepStrictEqual(importFineract(JSON.parse(loan), meta.business_date, meta.time_zone), imported, name);
    const d = engine.decide(imported).delinquency;
    const want = meta.expected;
    assert.equal(d.days_past_due, want.delinquent_days, `${name}: days past due`);
    assert.equal(d.overdue_amount, cents(want.delinquent_amount), `${name}: overdue amount`);
    for (const [part, amount] of Object.entries(want.delinquent_components ?? {})) {
      assert.equal(d.overdue_components?.[part], cents(amount), `${name}: overdue ${part}`);
    }
  }
});

test('bad Fineract input is an ArrearsError with the path of the field at fault', () => {
  const loan = JSON.parse(readFileSync(join(fixtures, 'pause-ended', 'loan.json'), 'utf8'));
  const refused = (input, date, zone) => {
    try {
      importFineract(input, date, zone);
    } catch (e) {
      assert.ok(e instanceof ArrearsError, String(e));
      return e;
    }
    assert.fail('imported without an error');
  };
  const bad = structuredClone(loan);
  bad.repaymentSchedule.periods[2].interestOutstanding = '12,5';
  const e = refused(bad, '2012-03-12', 'UTC');
  assert.equal(e.code, 'invalid_field');
  assert.equal(e.path, 'repaymentSchedule.periods[2].interestOutstanding');
  assert.equal(refused(loan, '12 March 2012', 'UTC').path, 'business_date');
  assert.equal(refused(loan, '2012-03-12', 'Mars/Olympus').path, 'time_zone');
  assert.equal(refused('[1', '2012-03-12', 'UTC').code, 'invalid_json');
});
