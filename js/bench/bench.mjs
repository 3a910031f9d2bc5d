// decideJson throughput of the npm package in Node over the shared synthetic cases, for
// scripts/bench.sh: node js/bench/bench.mjs POLICY DIR  (DIR holds cases-N.jsonl)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../dist/node.js';

const [policy = 'cn-microloan', dir] = process.argv.slice(2);
const engine = new Engine(policy);
const budget = Number(process.env.BENCH_MS ?? 1000);
const rows = [];
for (const history of [20, 200, 2000, 10000]) {
  const cases = readFileSync(join(dir, `cases-${history}.jsonl`), 'utf8').split('\n').filter(Boolean);
  for (const c of cases) engine.decideJson(c);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < budget) {
    for (const c of cases) {
      engine.decideJson(c);
      n += 1;
    }
  }
  rows.push({ history, decide_per_s: Math.round(n / ((performance.now() - start) / 1000)) });
}
console.log(JSON.stringify({ surface: 'wasm-bindgen (Node)', rows }));
