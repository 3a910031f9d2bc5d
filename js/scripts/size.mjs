// Reports the .wasm size raw and gzipped, and how long Node takes to compile and instantiate it
// (median of several runs, in a fresh process each time so no cache helps).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const wasm = fileURLToPath(new URL('../dist/pkg/arrears_bg.wasm', import.meta.url));
const bytes = readFileSync(wasm);
const gz = gzipSync(bytes, { level: 9 }).length;
const probe = `
  const t0 = performance.now();
  const m = await import(${JSON.stringify(new URL('../dist/node.js', import.meta.url).href)});
  const t1 = performance.now();
  new m.Engine('cn-microloan');
  const t2 = performance.now();
  console.log(JSON.stringify({ import_ms: t1 - t0, first_engine_ms: t2 - t1 }));
`;
const runs = Array.from({ length: 7 }, () => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe]).toString()));
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const report = {
  wasm_bytes: bytes.length,
  wasm_gzip_bytes: gz,
  import_and_instantiate_ms: Number(median(runs.map((r) => r.import_ms)).toFixed(1)),
  first_engine_ms: Number(median(runs.map((r) => r.first_engine_ms)).toFixed(1)),
  node: process.version,
};
console.log(JSON.stringify(report));
