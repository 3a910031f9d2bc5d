// The package's API. The case, decision, plan, error and policy types are generated from the Rust
// types (through the JSON Schemas); only the functions are declared here.
import type { Case } from './types/case.js';
import type { Decision } from './types/decision.js';
import type { Plan, PlanCandidate, PlanWindow, CapRoom } from './types/plan.js';
import type { ErrorEnvelope } from './types/error.js';
import type { PolicyDocument } from './types/policy.js';
import type { LenderDocument } from './types/lender-policy.js';

export type { Case, Decision, Plan, PlanCandidate, PlanWindow, CapRoom, ErrorEnvelope, PolicyDocument, LenderDocument };

/** A built-in pack id, a policy document (full, lender, or `{versions: [...]}`), or its JSON text. */
export type PolicyInput = string | PolicyDocument | LenderDocument | { versions: Array<PolicyDocument | LenderDocument> };

/** The stable error codes of the contract. */
export type ErrorCode = ErrorEnvelope['error']['code'];

/**
 * Thrown by every function on bad input, and with the code `internal` for a call the module did not
 * finish (a trap): the next call starts a fresh instance and works.
 */
export class ArrearsError extends Error {
  readonly code: ErrorCode;
  /** JSON path of the field at fault, e.g. `account.installments[1].due`; empty for the whole document. */
  readonly path: string;
  /** The message without the code and path prefix. */
  readonly detail: string;
  toJSON(): ErrorEnvelope;
}

/** A validated policy, ready to decide cases. */
export class Engine {
  constructor(policy: PolicyInput);
  /** Decides a case given as a plain object. */
  decide(caseData: Case): Decision;
  /** Decides a case given as JSON text; returns the decision's canonical JSON text. */
  decideJson(caseJson: string): string;
  /**
   * Plans a case given as a plain object over `days` local days, 1 to 31 (7 when left out):
   * every window in which each candidate action will be allowed if nothing else happens.
   */
  plan(caseData: Case, days?: number): Plan;
  /** Plans a case given as JSON text; returns the plan's canonical JSON text. */
  planJson(caseJson: string, days?: number): string;
  /** The policy's id, version and content digest. */
  readonly policy: { id: string; version: string; digest: string };
  free(): void;
}

export interface Validation {
  valid: boolean;
  id: string | null;
  version: string | null;
  digest: string | null;
  diagnostics: Array<{ path: string; message: string }>;
}

export function validatePolicy(policy: PolicyInput): Validation;
export function builtinPolicies(): string[];
/**
 * Makes a built-in pack available to `new Engine(id)`, `validatePolicy(id)` and lender documents
 * that extend it. In a browser it fetches the pack's JSON from beside the module, once (only
 * `cn-microloan` comes with the module); in Node packs are read from disk when named, and this only
 * checks the id. Rejects with `ArrearsError` (`unknown_policy`) for an id that names no built-in pack.
 */
export function loadPack(id: string): Promise<void>;
/**
 * The arrears case of an Apache Fineract loan, as `GET /loans/{id}?associations=repaymentSchedule,transactions`
 * returns it (an object or its JSON text), on the tenant's business date (`YYYY-MM-DD`) in its
 * time zone (an IANA name). Throws `ArrearsError` whose `path` points into the loan.
 */
export function importFineract(loan: object | string, businessDate: string, timeZone: string): Case;
export function version(): string;
