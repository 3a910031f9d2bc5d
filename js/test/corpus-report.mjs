// The conformance corpus through the npm package in Node, as one JSON summary line for
// scripts/conformance.sh (the node --test suite checks the same, case by case): the bytes with
// the policy digest masked, the digest against digests.json, and every case's claims, by the
// checker every JavaScript surface shares (tests/conformance/claims.mjs).
//   node js/test/corpus-report.mjs [CORPUS_DIR]    (or ARREARS_CORPUS=DIR)
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/node.js';
import { corpusDir, loadCorpus, summary } from '../../tests/conformance/claims.mjs';

export function corpusCases(root = corpusDir(fileURLToPath(new URL('../../tests/conformance/', import.meta.url)))) {
  return loadCorpus(root);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cases = corpusCases(process.argv[2] ?? undefined);
  const outputs = cases.map((c) => {
    try {
      return new Engine(c.policy).decideJson(c.caseText);
    } catch (e) {
      return JSON.stringify(e);
    }
  });
  const line = summary('wasm-bindgen (Node)', cases, outputs);
  console.log(JSON.stringify(line));
  process.exit(line.differ.length || line.failed_claims.length ? 1 : 0);
}
