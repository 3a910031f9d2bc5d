// The component transpiled by jco, wrapped the way every surface answers: the decision's (or the
// plan's) JSON text, or the error object `{"error":{"code","path","message"}}`.
import { decisions } from './generated/arrears.js';

// jco throws a ComponentError whose payload is the WIT error record.
const asError = (e) => {
  const p = e.payload ?? e;
  return JSON.stringify({ error: { code: p.code, path: p.path, message: p.message } });
};

/** Builds an engine for `policy`, calls `use(engine)` and drops the engine again. */
function withEngine(policy, use) {
  let engine;
  try {
    engine = decisions.Engine.create(policy);
  } catch (e) {
    return asError(e);
  }
  try {
    return use(engine);
  } catch (e) {
    return asError(e);
  } finally {
    engine[Symbol.dispose]?.();
  }
}

/** Decision JSON text, or the error object every surface writes. */
export function decide(policy, caseText) {
  return withEngine(policy, (engine) => engine.decide(caseText));
}

/** The contact plan's JSON text over `days` local days (1 to 31), or the error object. */
export function plan(policy, caseText, days) {
  return withEngine(policy, (engine) => engine.plan(caseText, days));
}
