// Runs the conformance corpus through the arrears component transpiled by jco, in Node, and
// checks every output as every surface does (the native engine's bytes with the policy digest
// masked, the digest against digests.json, each case's claims: tests/conformance/claims.mjs).
// A case whose meta.json holds "plan_days" is planned over that many days instead of decided.
// Prints a JSON summary line.
//
//   node corpus.mjs ../../tests/conformance
import { decide, plan } from './rules.mjs';
import { loadCorpus, summary } from '../../tests/conformance/claims.mjs';

const cases = loadCorpus(process.argv[2] ?? '../../tests/conformance');
const outputs = cases.map((c) =>
  c.meta.plan_days === undefined ? decide(c.policy, c.caseText) : plan(c.policy, c.caseText, c.meta.plan_days),
);
const line = summary('component (Node, jco)', cases, outputs);
console.log(JSON.stringify(line));
process.exit(line.differ.length || line.failed_claims.length ? 1 : 0);
