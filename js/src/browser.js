// Browser entry point (no bundler needed): the module is fetched next to this file and
// instantiated before the package's exports are used.
import init from './pkg/arrears.js';

await init({ module_or_path: new URL('./pkg/arrears_bg.wasm', import.meta.url) });

export { Engine, validatePolicy, builtinPolicies, importFineract, version } from './engine.js';
export { ArrearsError } from './error.js';
