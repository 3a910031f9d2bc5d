// Browser entry point (no bundler needed): the module is fetched next to this file and
// instantiated before the package's exports are used. The built-in packs are JSON files beside it,
// fetched on demand so that a page downloads only the packs it uses: `await loadPack(id)` before
// `new Engine(id)`. The pack the README's examples use is fetched with the module, so
// `new Engine('cn-microloan')` works as soon as the package is imported.
import init from './pkg/arrears.js';
import { setPackSource } from './snippet.js';
import { checkPackId } from './engine.js';
import { ArrearsError } from './error.js';

const texts = new Map();
const pending = new Map();
setPackSource((id) => texts.get(id));

function fetchPack(id) {
  if (!pending.has(id)) {
    const load = fetch(new URL(`./packs/${id}.json`, import.meta.url)).then(async (response) => {
      if (!response.ok) throw new ArrearsError('unknown_policy', 'policy', `the built-in pack ${JSON.stringify(id)} could not be fetched (HTTP ${response.status})`);
      texts.set(id, await response.text());
    });
    // A failed fetch is not remembered: the next loadPack tries again.
    pending.set(id, load.catch((e) => {
      pending.delete(id);
      throw e;
    }));
  }
  return pending.get(id);
}

/** Fetches a built-in pack from beside the module, once; then `new Engine(id)` can use it. */
export async function loadPack(id) {
  checkPackId(id);
  await fetchPack(id);
}

// A page served without the pack files still gets the package: only engines of that pack fail.
await Promise.all([init({ module_or_path: new URL('./pkg/arrears_bg.wasm', import.meta.url) }), fetchPack('cn-microloan').catch(() => {})]);

export { Engine, validatePolicy, builtinPolicies, importFineract, version } from './engine.js';
export { ArrearsError } from './error.js';
