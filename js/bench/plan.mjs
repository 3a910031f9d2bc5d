// The contact plan over 7 days against a single decision of the same case, over every decision
// case of the conformance corpus (built-in packs, no error), interleaved in the same process so
// both see the same machine:
//   node js/bench/plan.mjs [ROUNDS]   (21 by default)
// Prints one JSON line: milliseconds per 1,000 cases for each (median of the rounds) and the
// ratio plan / decide.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/node.js';

const corpus = fileURLToPath(new URL('../../tests/conformance/', import.meta.url));
const engines = new Map();
const engine = (policy) => engines.get(policy) ?? engines.set(policy, new Engine(policy)).get(policy);
const cases = [];
for (const name of readdirSync(join(corpus, 'cases')).sort()) {
  const dir = join(corpus, 'cases', name);
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  if (meta.policy.endsWith('.json') || meta.plan_days !== undefined) continue;
  if (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')).error) continue;
  cases.push({ engine: engine(meta.policy), text: readFileSync(join(dir, 'case.json'), 'utf8') });
}

const DAYS = 7;
const ways = {
  decide: (c) => c.engine.decideJson(c.text),
  plan: (c) => c.engine.planJson(c.text, DAYS),
};
const rounds = Number(process.argv[2] ?? 21);
const times = { decide: [], plan: [] };
for (let r = 0; r < rounds + 2; r++) {
  for (const [name, way] of r % 2 ? Object.entries(ways) : Object.entries(ways).reverse()) {
    const start = performance.now();
    for (let i = 0; i < 1000; i++) way(cases[i % cases.length]);
    if (r >= 2) times[name].push(performance.now() - start); // two rounds of warm-up
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = { decide: median(times.decide), plan: median(times.plan) };
console.log(JSON.stringify({
  cases: cases.length,
  rounds,
  days: DAYS,
  decide_ms_per_1000: Number(ms.decide.toFixed(1)),
  plan_ms_per_1000: Number(ms.plan.toFixed(1)),
  ratio: Number((ms.plan / ms.decide).toFixed(3)),
  node: process.version,
}));
