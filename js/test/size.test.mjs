// The README's size table is this build's: the figures it prints are within a small tolerance of
// what scripts/size.mjs measures on dist/ now, so a change that grows or shrinks the module cannot
// leave the README telling an older size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { packSizes, wasmSize } from '../scripts/size.mjs';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The byte count the README's size table prints on the row with this label. */
function printed(label) {
  const row = readme.split('\n').find((line) => line.startsWith(`| ${label} |`));
  assert.ok(row, `js/README.md has no size row "${label}"`);
  return Number(row.split('|')[2].replace(/[^0-9]/g, ''));
}

// Rust and wasm-opt releases move a build by a few hundred bytes; more than this is a change the
// README must be brought up to date with (node scripts/size.mjs after a build).
const TOLERANCE = 0.01;
const near = (measured, label) => {
  const figure = printed(label);
  assert.ok(Math.abs(figure - measured) <= measured * TOLERANCE, `js/README.md prints ${figure} for ${label}; scripts/size.mjs measures ${measured}`);
};

test("the README's size figures are those of the current build", () => {
  const { raw, gzip } = wasmSize();
  near(raw, '`.wasm` raw');
  near(gzip, '`.wasm` gzipped');
  const packs = packSizes();
  near(Math.max(...Object.values(packs)), 'largest pack, gzipped');
});
