//! # arrears-core
//!
//! A deterministic rules engine for loan collections. Given one loan account at one instant
//! ([`Case`]) and a policy ([`Policy`]: a regulatory floor plus a lender's strategy, as data), it
//! decides the overdue stage, which collection actions are allowed now for whom and on which
//! channel (and when the blocked ones become allowed), which queue owns the account, and what each
//! party may be told ([`Decision`]).
//!
//! ```
//! use arrears_core::{policy::packs, Engine, Policy};
//!
//! // The host picks the built-in pack its book falls under (`packs::IDS` lists them; here the
//! // first) or passes a policy document of its own: the engine knows no jurisdiction by name.
//! let engine = Engine::new(Policy::builtin(packs::IDS[0]).unwrap());
//! let case = r#"{
//!   "as_of": "2026-03-10T14:30:00+08:00",
//!   "account": { "id": "L-1", "currency": "CNY", "book_time_zone": "Asia/Shanghai",
//!                "installments": [ { "due": "2026-02-15", "amount": 120000 } ],
//!                "payments": [ { "at": "2026-02-20T10:00:00+08:00", "amount": 50000 } ] },
//!   "borrower": { "time_zones": ["Asia/Shanghai"], "channels": [ { "id": "m1", "kind": "mobile" } ] }
//! }"#;
//! let decision: serde_json::Value = serde_json::from_str(&engine.decide_json(case).unwrap()).unwrap();
//! assert_eq!(decision["delinquency"]["days_past_due"], 23);
//! assert_eq!(decision["delinquency"]["stage"]["id"], "late");
//! ```
//!
//! The engine reads no clock, draws no random numbers, uses no floating point and no host time
//! zone; the same inputs give the same bytes on every platform, which is what lets the WebAssembly
//! builds promise identical decisions. Bad input never panics: it is an [`Error`] with a stable
//! code and the JSON path of the field at fault.

// The public surface is what a host needs: the engine and its inputs and outputs, the JSON
// entry points, the schemas, and the dates, zones and synthetic cases that hosts, tests and
// benchmarks build inputs from. Everything else is free to change; `core/public-api.txt` lists
// the public items and a test holds it to the code.
mod candidates;
pub mod case;
mod conditions;
pub mod conformance;
mod contact;
pub mod decision;
mod delinquency;
mod disclosure;
mod engine;
pub mod error;
mod escalation;
mod facts;
pub mod ffi;
mod fineract;
mod history;
mod intervals;
mod json_objects;
mod json_path;
mod obligations;
mod order;
mod pay_days;
pub mod plan;
pub mod policy;
mod promises;
mod solver;
mod stages;
pub mod synthetic;
pub mod time;

use policy::calendar;

pub use candidates::MAX_CANDIDATES;
pub use case::Case;
pub use decision::Decision;
pub use engine::Engine;
pub use error::{Error, ErrorCode};
pub use plan::Plan;
pub use policy::Policy;

/// The version of this crate, reported by every surface.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(feature = "schema")]
pub mod schema;
