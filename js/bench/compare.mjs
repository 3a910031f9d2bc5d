// decideJson throughput of two builds of the package in one Node process, for a change that must
// not cost speed (a build setting, a smaller module): rounds alternate between the two builds, and
// each round's ratio is taken against the other build's round next to it, so the load of a shared
// machine, which moves both alike within a second, cancels out. The cases are those scripts/bench.sh
// decides (`arrears gen --accounts 64 --seed 1 --history N --buckets uniform`, 8 accounts from
// 2,000 events). Both builds must give the same bytes for every case, or it stops.
//   node js/bench/compare.mjs POLICY CASES_DIR DIST_BEFORE DIST_AFTER
//   (BENCH_MS per round, 300 by default; ROUNDS, 15; HISTORIES, 20,200,2000)
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decideRate, readCases } from './rate.mjs';

const [policy, dir, before, after] = process.argv.slice(2);
if (!after) {
  console.error('usage: node js/bench/compare.mjs POLICY CASES_DIR DIST_BEFORE DIST_AFTER');
  process.exit(2);
}
const load = async (dist) => new (await import(pathToFileURL(resolve(dist, 'node.js')).href)).Engine(policy);
const [a, b] = [await load(before), await load(after)];
const budget = Number(process.env.BENCH_MS ?? 300);
const rounds = Number(process.env.ROUNDS ?? 15);
const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];

const rows = [];
for (const history of (process.env.HISTORIES ?? '20,200,2000').split(',').map(Number)) {
  const cases = readCases(dir, history);
  for (const c of cases) {
    if (a.decideJson(c) !== b.decideJson(c)) throw new Error(`the two builds decide a case of ${history} events differently`);
  }
  const ra = [];
  const rb = [];
  for (let r = 0; r < rounds; r += 1) {
    // Which build goes first alternates, so neither always gets the warmer machine.
    if (r % 2) {
      rb.push(decideRate(b, cases, budget));
      ra.push(decideRate(a, cases, budget));
    } else {
      ra.push(decideRate(a, cases, budget));
      rb.push(decideRate(b, cases, budget));
    }
  }
  rows.push({
    history,
    before_per_s: Math.round(median(ra)),
    after_per_s: Math.round(median(rb)),
    after_over_before: Number(median(rb.map((y, i) => y / ra[i])).toFixed(3)),
  });
}
console.log(JSON.stringify({ policy, rows }));
