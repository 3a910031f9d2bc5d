// What js/bench/bench.mjs and js/bench/compare.mjs both measure: decideJson over the synthetic
// cases scripts/bench.sh writes (one case a line in DIR/cases-N.jsonl).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The cases of N history events in DIR, as JSON text. */
export function readCases(dir, history) {
  return readFileSync(join(dir, `cases-${history}.jsonl`), 'utf8').split('\n').filter(Boolean);
}

/** Decisions per second, deciding the cases over and over for `budgetMs` milliseconds. */
export function decideRate(engine, cases, budgetMs) {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    for (const c of cases) {
      engine.decideJson(c);
      n += 1;
    }
  }
  return n / ((performance.now() - start) / 1000);
}
