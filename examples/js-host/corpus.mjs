// Runs the conformance corpus through the arrears component transpiled by jco, in Node, and
// checks every output as every surface does (the native engine's bytes with the policy digest
// masked, the digest against digests.json, each case's claims: tests/conformance/claims.mjs).
// Prints a JSON summary line.
//
//   node corpus.mjs ../../tests/conformance
import { decisions } from './generated/arrears.js';
import { loadCorpus, summary } from '../../tests/conformance/claims.mjs';

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

const cases = loadCorpus(process.argv[2] ?? '../../tests/conformance');
const line = summary('component (Node, jco)', cases, cases.map((c) => decide(c.policy, c.caseText)));
console.log(JSON.stringify(line));
process.exit(line.differ.length || line.failed_claims.length ? 1 : 0);
