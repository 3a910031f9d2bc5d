// Runs before `npm pack` and `npm publish`: the package is nothing without its .wasm, so this
// builds it from the Rust sources, and refuses (non-zero exit, naming what is missing) rather than
// let npm make a tarball of README and package.json alone.
//
//   node scripts/prepack.mjs           check the build's prerequisites, build, check the result
//   node scripts/prepack.mjs --check   only check that dist/ holds a complete package
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const js = join(dirname(fileURLToPath(import.meta.url)), '..');
const WASM_BINDGEN = '0.2.130';

/** What the package must hold; each is a path under js/. */
export const SHIPPED = ['dist/pkg/arrears_bg.wasm', 'dist/pkg/arrears.js', 'dist/node.js', 'dist/browser.js', 'dist/engine.js', 'dist/index.d.ts', 'dist/error.js', 'dist/snippet.js', 'dist/packs/cn-microloan.json', 'dist/packs/us-reg-f.json', 'dist/types/decision.d.ts', 'dist/docs/case.md'];

function output(cmd, args) {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch {
    return null;
  }
}

/** The prerequisites of scripts/build.mjs that are missing, each with how to get it. */
export function missingPrerequisites() {
  const missing = [];
  if (!existsSync(join(js, 'node_modules', 'json-schema-to-typescript')) || !existsSync(join(js, 'node_modules', '.bin', 'wasm-opt'))) {
    missing.push('the build dependencies of js/ (json-schema-to-typescript, binaryen): run `npm ci` (or `npm install`) in js/ first');
  }
  if (output('cargo', ['--version']) === null) {
    missing.push('a Rust toolchain (`cargo`): install it with rustup');
  } else {
    const targets = output('rustup', ['target', 'list', '--installed']);
    if (targets !== null && !targets.split('\n').includes('wasm32-unknown-unknown')) {
      missing.push('the wasm32-unknown-unknown target: `rustup target add wasm32-unknown-unknown`');
    }
  }
  const bindgen = output('wasm-bindgen', ['--version']);
  if (bindgen === null || bindgen.trim().split(' ')[1] !== WASM_BINDGEN) {
    const found = bindgen === null ? 'none on PATH' : `found ${bindgen.trim()}`;
    missing.push(`wasm-bindgen-cli ${WASM_BINDGEN}, the version of the crate (${found}): \`cargo install wasm-bindgen-cli --version ${WASM_BINDGEN}\``);
  }
  return missing;
}

/** The files a package needs that dist/ lacks (or holds empty). */
export function missingFiles() {
  return SHIPPED.filter((f) => {
    const p = join(js, f);
    return !existsSync(p) || statSync(p).size === 0;
  });
}

function fail(lines) {
  console.error(['', 'arrears: refusing to pack the npm package:', ...lines.map((l) => `  - ${l}`), ''].join('\n'));
  process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes('--check')) {
    const missing = missingPrerequisites();
    if (missing.length) fail(['the build needs what is missing below (scripts/build.mjs makes dist/ from the Rust sources)', ...missing]);
    // The build's output goes to stderr: `npm pack` prints the tarball's name on stdout.
    execFileSync(process.execPath, [join(js, 'scripts', 'build.mjs')], { cwd: js, stdio: ['ignore', 2, 2] });
  }
  const absent = missingFiles();
  if (absent.length) fail([`dist/ lacks ${absent.join(', ')}; run \`node scripts/build.mjs\` in js/`]);
}
