// decideJson throughput of the npm package in Node over the shared synthetic cases, for
// scripts/bench.sh: node js/bench/bench.mjs POLICY DIR  (DIR holds cases-N.jsonl)
import { Engine } from '../dist/node.js';
import { decideRate, readCases } from './rate.mjs';

const [policy = 'cn-microloan', dir] = process.argv.slice(2);
const engine = new Engine(policy);
const budget = Number(process.env.BENCH_MS ?? 1000);
const rows = [];
for (const history of [20, 200, 2000, 10000]) {
  const cases = readCases(dir, history);
  for (const c of cases) engine.decideJson(c);
  rows.push({ history, decide_per_s: Math.round(decideRate(engine, cases, budget)) });
}
console.log(JSON.stringify({ surface: 'wasm-bindgen (Node)', rows }));
