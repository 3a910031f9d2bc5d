// The package's functions over the wasm-bindgen glue, with one addition: a trap is not the end of
// an engine. A call the module does not finish (a WebAssembly.RuntimeError: a bug, or memory
// exhausted) leaves the instance's state unknown, so the instance is thrown away and a fresh one
// started; the call throws an ArrearsError with the code `internal`, and each Engine is built
// again, from the policy it was given, on its next call.
import * as glue from './pkg/arrears.js';
import { ArrearsError } from './error.js';

// Counts the instances started after a trap: an Engine built in an older one is built again.
let instance = 0;

function settle(call) {
  try {
    return call();
  } catch (e) {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    glue.__wbg_reset_state();
    instance += 1;
    throw new ArrearsError('internal', '', `the engine stopped in the middle of the call (${e.message}); the next call starts it again with the same policy`);
  }
}

export class Engine {
  #policy;
  #inner;
  #instance;

  constructor(policy) {
    this.#inner = settle(() => new glue.Engine(policy));
    this.#instance = instance;
    // A snapshot, so that a policy object changed after construction is not what a rebuild reads.
    this.#policy = typeof policy === 'string' ? policy : JSON.stringify(policy);
  }

  #engine() {
    if (this.#instance !== instance) {
      this.#inner = settle(() => new glue.Engine(this.#policy));
      this.#instance = instance;
    }
    return this.#inner;
  }

  decide(caseData) {
    return settle(() => this.#engine().decide(caseData));
  }

  decideJson(caseJson) {
    return settle(() => this.#engine().decideJson(caseJson));
  }

  plan(caseData, days) {
    return settle(() => this.#engine().plan(caseData, days));
  }

  planJson(caseJson, days) {
    return settle(() => this.#engine().planJson(caseJson, days));
  }

  get policy() {
    return settle(() => this.#engine().policy);
  }

  free() {
    // An engine of an instance thrown away went with it.
    if (this.#instance === instance) this.#inner.free();
  }
}
if (Symbol.dispose) Engine.prototype[Symbol.dispose] = Engine.prototype.free;

/** Throws the engine's own error for an id that names no built-in pack. */
export function checkPackId(id) {
  const ids = builtinPolicies();
  if (!ids.includes(id)) {
    throw new ArrearsError('unknown_policy', 'policy', `no built-in policy pack ${JSON.stringify(id)}; the built-in packs are ${ids.join(', ')}`);
  }
}

export const validatePolicy = (policy) => settle(() => glue.validatePolicy(policy));
export const builtinPolicies = () => settle(() => glue.builtinPolicies());
export const importFineract = (loan, businessDate, timeZone) => settle(() => glue.importFineract(loan, businessDate, timeZone));
export const version = () => settle(() => glue.version());
