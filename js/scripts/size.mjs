// Reports the .wasm size raw and gzipped, each pack's JSON gzipped, and how long Node takes to compile and instantiate it
// (median of several runs, in a fresh process each time so no cache helps).
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The shipped module's size, raw and gzipped at level 9 (what a server's gzip sends, or less). */
export function wasmSize() {
  const bytes = readFileSync(fileURLToPath(new URL('../dist/pkg/arrears_bg.wasm', import.meta.url)));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** Every built-in pack's JSON beside the module, gzipped one by one (a page fetches only those it uses). */
export function packSizes() {
  const dir = new URL('../dist/packs/', import.meta.url);
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f.replace(/\.json$/, ''), gzipSync(readFileSync(new URL(f, dir)), { level: 9 }).length]));
}

// Run as a script: the report the README's table is taken from.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { raw, gzip } = wasmSize();
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
    wasm_bytes: raw,
    wasm_gzip_bytes: gzip,
    pack_gzip_bytes: packSizes(),
    import_and_instantiate_ms: Number(median(runs.map((r) => r.import_ms)).toFixed(1)),
    first_engine_ms: Number(median(runs.map((r) => r.first_engine_ms)).toFixed(1)),
    node: process.version,
  };
  console.log(JSON.stringify(report));
}
