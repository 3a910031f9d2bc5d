// The conformance corpus through the npm package in Node, as one JSON summary line for
// scripts/conformance.sh (the node --test suite checks the same, case by case).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/node.js';

export function corpusCases() {
  const corpus = fileURLToPath(new URL('../../tests/conformance/', import.meta.url));
  return readdirSync(join(corpus, 'cases'))
    .filter((d) => statSync(join(corpus, 'cases', d)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(corpus, 'cases', name);
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
      return {
        name,
        policy: meta.policy.endsWith('.json') ? readFileSync(join(corpus, meta.policy), 'utf8') : meta.policy,
        caseText: readFileSync(join(dir, 'case.json'), 'utf8'),
        expected: readFileSync(join(dir, 'expected.json'), 'utf8'),
      };
    });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cases = corpusCases();
  const differ = [];
  for (const c of cases) {
    let got;
    try {
      got = new Engine(c.policy).decideJson(c.caseText);
    } catch (e) {
      got = JSON.stringify(e);
    }
    if (got + '\n' !== c.expected) differ.push(c.name);
  }
  console.log(JSON.stringify({ surface: 'wasm-bindgen (Node)', cases: cases.length, identical: cases.length - differ.length, differ }));
}
