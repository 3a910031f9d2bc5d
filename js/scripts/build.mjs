// Builds the npm package from the Rust sources, in one go:
//   1. arrears-wasm for wasm32-unknown-unknown (the size-first `wasm` profile),
//   2. wasm-bindgen --target web (one module for Node and browsers; scripts/assemble.mjs),
//   3. wasm-opt -O3 from the npm `binaryen` package (Debian's binaryen 108 breaks this output),
//      one-caller inlining held to the size of any other inlining,
//   4. TypeScript types generated from the JSON Schemas in ../schemas (themselves generated from
//      the Rust types), so no type is written twice by hand,
//   5. the entry points from src/, and the contract from ../docs, into dist/.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';
import { assemble } from './assemble.mjs';

const js = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(js, '..');
const dist = join(js, 'dist');
// Cargo writes where CARGO_TARGET_DIR says, when it is set.
const target = process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, 'target');
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'types'), { recursive: true });

// Without the embedded packs: they ship as JSON files in dist/packs/ (src/node.js, src/browser.js).
run('cargo', ['build', '-q', '-p', 'arrears-wasm', '--no-default-features', '--target', 'wasm32-unknown-unknown', '--profile', 'wasm']);
assemble(join(target, 'wasm32-unknown-unknown/wasm/arrears_wasm.wasm'), dist);
const wasm = join(dist, 'pkg', 'arrears_bg.wasm');
// A function with one caller is inlined only when it is as small as any other inlined function:
// binaryen's default inlines it whatever its size, which built hot functions of the case reader
// large enough that V8 ran them 6-12% slower at 200-2,000 events, and the module 7 KB larger
// gzipped (BENCHMARKS.md, "Browser package size").
run(join(js, 'node_modules/.bin/wasm-opt'), [
  '-O3', '--one-caller-inline-max-function-size', '20', '--strip-debug', '--strip-producers',
  '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
  wasm, '-o', wasm,
]);

for (const name of ['case', 'decision', 'plan', 'error', 'policy', 'lender-policy']) {
  const schema = JSON.parse(readFileSync(join(root, 'schemas', `${name}.schema.json`), 'utf8'));
  const ts = await compile(schema, schema.title ?? name, {
    bannerComment: `/* Generated from schemas/${name}.schema.json by js/scripts/build.mjs: do not edit. */`,
    additionalProperties: false,
    strictIndexSignatures: true,
  });
  writeFileSync(join(dist, 'types', `${name}.d.ts`), ts);
}

// The built-in packs, byte for byte the documents the native engine embeds.
cpSync(join(root, 'core', 'packs'), join(dist, 'packs'), { recursive: true });

// The contract travels with the package: a user of node_modules/arrears has no repository at hand.
mkdirSync(join(dist, 'docs'));
for (const f of ['case.md', 'decision.md', 'plan.md', 'errors.md']) cpSync(join(root, 'docs', f), join(dist, 'docs', f));
// The licence the manifest declares, at the package's root where tools look for it.
cpSync(join(root, 'LICENSE'), join(js, 'LICENSE'));
console.log(`built ${relative(root, dist)} (${readFileSync(wasm).length} bytes of wasm)`);
