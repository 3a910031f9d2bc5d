// Runs the conformance corpus through the arrears component transpiled by jco, in Node, and
// writes every case's output as one JSON line for `arrears corpus check`, which holds every
// surface's outputs to the expected bytes, the digests and the claims. A case whose meta.json
// holds "plan_days" is planned over that many days instead of decided.
//
//   node corpus.mjs ../../tests/conformance | arrears corpus check ../../tests/conformance
import { decide, plan } from './rules.mjs';
import { loadCorpus, outputLines } from '../../tests/conformance/corpus.mjs';

const cases = loadCorpus(process.argv[2] ?? '../../tests/conformance');
const outputs = cases.map((c) => (c.planDays === null ? decide(c.policy, c.caseText) : plan(c.policy, c.caseText, c.planDays)));
process.stdout.write(outputLines('component (Node, jco)', cases, outputs));
