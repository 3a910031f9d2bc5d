// Node entry point: the module's bytes are read from disk next to this file, synchronously, so
// the package is ready as soon as it is imported. The built-in packs are JSON files beside it,
// read when an engine first names one: every pack works at once, as in the native engine.
import { readFileSync } from 'node:fs';
import { initSync } from './pkg/arrears.js';
import { setPackSource } from './snippet.js';
import { checkPackId } from './engine.js';

initSync({ module: readFileSync(new URL('./pkg/arrears_bg.wasm', import.meta.url)) });
// The module asks only for the ids of built-in packs, so the name is never a path of the caller's.
setPackSource((id) => readFileSync(new URL(`./packs/${id}.json`, import.meta.url), 'utf8'));

/** Nothing to fetch in Node (packs are read from disk when named); checks the id, as in a browser. */
export async function loadPack(id) {
  checkPackId(id);
}

export { Engine, validatePolicy, builtinPolicies, importFineract, version } from './engine.js';
export { ArrearsError } from './error.js';
