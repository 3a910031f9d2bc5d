// The conformance corpus through the npm package in Node: every case's output (a plan case,
// `plan_days` in its meta.json, through planJson over that many days instead of decideJson), one
// JSON line each, for `arrears corpus check` (scripts/conformance.sh), which checks every
// surface's outputs the same way. The node --test suite compares the same outputs, case by case.
//   node js/test/corpus-report.mjs [CORPUS_DIR]    (or ARREARS_CORPUS=DIR)
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/node.js';
import { corpusDir, loadCorpus, outputLines } from '../../tests/conformance/corpus.mjs';

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
  process.stdout.write(outputLines('wasm-bindgen (Node)', cases, cases.map(corpusOutput)));
}
