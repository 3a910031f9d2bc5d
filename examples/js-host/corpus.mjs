// Runs the conformance corpus through the arrears component transpiled by jco, in Node, and
// compares every output with the native engine's bytes. Prints a JSON summary line.
//
//   node corpus.mjs ../../tests/conformance
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decisions } from './generated/arrears.js';

/** Decision JSON text, or the error object every surface writes. */
export function decide(policy, caseText) {
  const asError = (e) => {
    // jco throws a ComponentError whose payload is the WIT error record.
    const p = e.payload ?? e;
    return JSON.stringify({ error: { code: p.code, path: p.path, message: p.message } });
  };
  let engine;
  try {
    engine = decisions.Engine.create(policy);
  } catch (e) {
    return asError(e);
  }
  try {
    return engine.decide(caseText);
  } catch (e) {
    return asError(e);
  } finally {
    engine[Symbol.dispose]?.();
  }
}

const corpus = process.argv[2] ?? '../../tests/conformance';
const dirs = readdirSync(join(corpus, 'cases'))
  .map((d) => join(corpus, 'cases', d))
  .filter((d) => statSync(d).isDirectory())
  .sort();
const differ = [];
for (const dir of dirs) {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const policy = meta.policy.endsWith('.json') ? readFileSync(join(corpus, meta.policy), 'utf8') : meta.policy;
  const got = decide(policy, readFileSync(join(dir, 'case.json'), 'utf8')) + '\n';
  if (got !== readFileSync(join(dir, 'expected.json'), 'utf8')) differ.push(dir.split('/').pop());
}
console.log(JSON.stringify({ surface: 'component (Node, jco)', cases: dirs.length, identical: dirs.length - differ.length, differ }));
process.exit(differ.length ? 1 : 0);
