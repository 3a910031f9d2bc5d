// The conformance corpus through the npm package in Node, as one JSON summary line for
// scripts/conformance.sh (the node --test suite checks the same, case by case): the bytes with
// the policy digest masked, the digest against digests.json, and every case's claims, by the
// checker every JavaScript surface shares (tests/conformance/claims.mjs). A plan case (`plan_days`
// in its meta.json) goes through planJson over that many days instead of decideJson.
//   node js/test/corpus-report.mjs [CORPUS_DIR]    (or ARREARS_CORPUS=DIR)
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/node.js';
import { corpusDir, loadCorpus, summary } from '../../tests/conformance/claims.mjs';

export function corpusCases(root = corpusDir(fileURLToPath(new URL('../../tests/conformance/', import.meta.url)))) {
  return loadCorpus(root);
}

/** What the package gives for a corpus case as text: its plan or decision, or the error object. */
export function corpusOutput(c) {
  try {
    const engine = new Engine(c.policy);
    return c.planDays === null ? engine.decideJson(c.caseText) : engine.planJson(c.caseText, c.planDays);
  } catch (e) {
    return JSON.stringify(e);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cases = corpusCases(process.argv[2] ?? undefined);
  const outputs = cases.map(corpusOutput);
  const line = summary('wasm-bindgen (Node)', cases, outputs);
  console.log(JSON.stringify(line));
  process.exit(line.differ.length || line.failed_claims.length ? 1 : 0);
}
