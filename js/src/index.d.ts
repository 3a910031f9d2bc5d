// The package's API. The case, decision, error and policy types are generated from the Rust
// types (through the JSON Schemas); the functions and the plan's types are declared here.
import type { Case } from './types/case.js';
import type { Decision, PolicyRef, Reason, Warning } from './types/decision.js';
import type { ErrorEnvelope } from './types/error.js';
import type { PolicyDocument } from './types/policy.js';
import type { LenderDocument } from './types/lender-policy.js';

export type { Case, Decision, ErrorEnvelope, PolicyDocument, LenderDocument };

/** How many more contacts a cap allows within one window. */
export interface CapRoom {
  /** The cap's rule id. */
  rule: string;
  /** Contacts still allowed under it in the window. */
  remaining: number;
}

/** One interval in which an action is allowed, if nothing else happens. */
export interface PlanWindow {
  /** The instant it opens (RFC 3339). */
  from: string;
  /** The instant it closes (excluded); at the latest the plan's `until`. */
  until: string;
  /** The strategy step that names the action in this window. */
  rule: string;
  /** The window falls on a day the step's pay-day timing prefers. */
  preferred: boolean;
  /** The rules that held the action back until `from`; empty when open at `as_of`. */
  opened_by: Reason[];
  /** The rules that hold it back from `until`; empty when it runs to the horizon. */
  closed_by: Reason[];
  /**
   * For each cap on the action, the room left in this window, counting the history only:
   * contacts placed in an earlier window of the same cap period use the same room.
   */
  caps: CapRoom[];
}

/** A candidate action some decision within the horizon names, and every window it will be allowed in. */
export interface PlanCandidate {
  action: string;
  /** `borrower` or a contact id. */
  party: string;
  /** The channel id, or null for actions that use none. */
  channel: string | null;
  /** In time order; empty when it is not allowed at any time before `until`. */
  windows: PlanWindow[];
}

/** Every window of every candidate action from `as_of` until the horizon (docs/plan.md). */
export interface Plan {
  account_id: string;
  as_of: string;
  /** The horizon: the borrower's local midnight `days` days after the date of `as_of`. */
  until: string;
  days: number;
  policy: PolicyRef;
  /** In the policy's call order, then in the order the strategy first names them. */
  candidates: PlanCandidate[];
  warnings: Warning[];
}

/** A built-in pack id, a policy document (full, lender, or `{versions: [...]}`), or its JSON text. */
export type PolicyInput = string | PolicyDocument | LenderDocument | { versions: Array<PolicyDocument | LenderDocument> };

/** The stable error codes of the contract. */
export type ErrorCode = ErrorEnvelope['error']['code'];

/** Thrown by every function on bad input: never a trap. */
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
export function version(): string;
