// The package around a wasm-bindgen build of arrears-wasm: the glue and module in <out>/pkg, the
// ArrearsError re-export and the entry points from src/. build.mjs assembles the shipped package
// with it, and the trap test a package over the test-only trapping build.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const js = join(dirname(fileURLToPath(import.meta.url)), '..');

export function assemble(wasm, out) {
  // --experimental-reset-state-function: the glue can start a fresh instance of the module after a
  // trap (src/engine.js), and objects of the old instance are never freed into the new one.
  execFileSync('wasm-bindgen', [
    '--target', 'web', '--experimental-reset-state-function',
    '--out-dir', join(out, 'pkg'), '--out-name', 'arrears', wasm,
  ], { stdio: 'inherit' });
  // The ArrearsError class lives in the inline snippet wasm-bindgen emits; re-export it by path.
  const snippets = join(out, 'pkg', 'snippets');
  const inline = join(snippets, readdirSync(snippets)[0], 'inline0.js');
  if (!existsSync(inline)) throw new Error(`no ArrearsError snippet under ${snippets}`);
  writeFileSync(join(out, 'error.js'), `export { ArrearsError } from './${relative(out, inline)}';\n`);
  // The hook through which the entry points hand the module a built-in pack's text.
  writeFileSync(join(out, 'snippet.js'), `export { setPackSource } from './${relative(out, inline)}';\n`);
  for (const f of readdirSync(join(js, 'src'))) cpSync(join(js, 'src', f), join(out, f));
}
