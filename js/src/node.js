// Node entry point: the module's bytes are read from disk next to this file, synchronously, so
// the package is ready as soon as it is imported.
import { readFileSync } from 'node:fs';
import { initSync } from './pkg/arrears.js';

initSync({ module: readFileSync(new URL('./pkg/arrears_bg.wasm', import.meta.url)) });

export { Engine, validatePolicy, builtinPolicies, importFineract, version } from './engine.js';
export { ArrearsError } from './error.js';
