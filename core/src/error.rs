//! Errors as data.
//!
//! Every failure the engine can report is an [`Error`] with a stable [`ErrorCode`], the JSON path of
//! the field at fault and a message for people. The same object crosses every boundary (CLI, wasm,
//! WASI), so hosts can branch on `code` and point a user at `path` without parsing prose.

use serde::Serialize;
use std::fmt;

/// The stable error codes of the contract. Their snake_case names are part of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input is not JSON at all, or not the expected JSON shape at the top level.
    InvalidJson,
    /// A field has the wrong type or an unparseable value (a date that is not `YYYY-MM-DD`, ...).
    InvalidField,
    /// A field the contract does not know (typos surface instead of being ignored).
    UnknownField,
    /// A value outside its allowed range (a negative amount, a 25:00 clock time, ...).
    OutOfRange,
    /// Values that are each fine but contradict each other (events after `as_of`, overlapping pauses).
    Inconsistent,
    /// A policy reference that names no built-in pack.
    UnknownPolicy,
    /// A policy document that fails validation.
    PolicyInvalid,
    /// An input larger than the engine's bounds (docs/case.md, limits).
    LimitExceeded,
    /// An engine handle the plain WebAssembly module does not hold (never made, or dropped).
    UnknownEngine,
    /// The engine could not finish a call it should always finish (its output could not be
    /// written, or the WebAssembly module trapped): a defect to report, never the caller's input.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::InvalidField => "invalid_field",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::OutOfRange => "out_of_range",
            ErrorCode::Inconsistent => "inconsistent",
            ErrorCode::UnknownPolicy => "unknown_policy",
            ErrorCode::PolicyInvalid => "policy_invalid",
            ErrorCode::LimitExceeded => "limit_exceeded",
            ErrorCode::UnknownEngine => "unknown_engine",
            ErrorCode::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A structured error: what went wrong (`code`), where (`path`, a JSON path such as
/// `account.installments[1].due`, empty for the document as a whole) and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Error {
    pub code: ErrorCode,
    pub path: String,
    pub message: String,
}

impl Error {
    pub fn new(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Error {
        Error {
            code,
            path: path.into(),
            message: message.into(),
        }
    }

    /// The wire form: `{"error":{"code":..,"path":..,"message":..}}`.
    pub fn to_json(&self) -> String {
        // The strings are written as JSON values, whose text form has no failure to hide; the
        // fields keep the contract's order.
        let text = |s: &str| serde_json::Value::String(s.to_string()).to_string();
        format!(
            "{{\"error\":{{\"code\":\"{}\",\"path\":{},\"message\":{}}}}}",
            self.code.as_str(),
            text(&self.path),
            text(&self.message)
        )
    }
}

/// The JSON text of an output (a decision, a plan, a validation). serde_json fails only on maps
/// with non-string keys or a failing `Serialize`, which these types do not have; if one ever did,
/// the caller gets `internal`, never an empty success text.
pub fn to_json_text<T: Serialize>(value: &T, pretty: bool) -> Result<String, Error> {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    text.map_err(unwritable)
}

/// The error for a value serde_json could not write: a defect of the engine, never of the input.
pub(crate) fn unwritable(e: serde_json::Error) -> Error {
    Error::new(
        ErrorCode::Internal,
        "",
        format!("the output could not be written as JSON ({e})"),
    )
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.code, self.message)
        } else {
            write!(f, "{} at {}: {}", self.code, self.path, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// Refuses a document whose top level is not a JSON object. serde would otherwise read a struct
/// from an array, positionally, which the contract does not allow.
pub(crate) fn require_object(text: &str, what: &str) -> Result<(), Error> {
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\n', '\r']);
    match start.as_bytes().first() {
        Some(b'{') => Ok(()),
        None => Err(Error::new(
            ErrorCode::InvalidJson,
            "",
            format!("the {what} is empty"),
        )),
        Some(_) => Err(Error::new(
            ErrorCode::InvalidJson,
            "",
            format!("a {what} is a JSON object ({{...}})"),
        )),
    }
}

/// Reads the whole of `text` as one JSON object of type `T`, called `what` in messages: over
/// `max_bytes` (when there is a limit) it is `limit_exceeded`, anything but one object is
/// `invalid_json`, and a field at fault has its JSON path ([`from_serde`]), handed to `at_fault`
/// first so that a document can say more of it. Depth is bounded by serde_json's recursion limit
/// (128), so hostile nesting is an error, not a stack overflow.
pub(crate) fn read_object<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
    max_bytes: Option<usize>,
    at_fault: impl FnOnce(Error) -> Error,
) -> Result<T, Error> {
    if let Some(max) = max_bytes.filter(|max| text.len() > *max) {
        return Err(Error::new(
            ErrorCode::LimitExceeded,
            "",
            format!(
                "the {what} is {} bytes; at most {max} are accepted",
                text.len()
            ),
        ));
    }
    require_object(text, what)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(crate::json_objects::Objects(&mut de))
        .map_err(|e| at_fault(from_serde(&e, text, "")))?;
    de.end().map_err(|e| {
        Error::new(
            ErrorCode::InvalidJson,
            "",
            format!("trailing characters after the {what} object ({e})"),
        )
    })?;
    Ok(value)
}

/// Turns a serde_json error met while reading `text` into a contract error, with the JSON path of
/// the field at fault (found from the error's position, see [`crate::json_path`]). `prefix` is
/// prepended to that path (for nested documents).
pub(crate) fn from_serde(err: &serde_json::Error, text: &str, prefix: &str) -> Error {
    let message = strip_position(&err.to_string());
    let code = match err.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            ErrorCode::InvalidJson
        }
        serde_json::error::Category::Io => ErrorCode::InvalidJson,
        serde_json::error::Category::Data => {
            if message.starts_with("unknown field") {
                ErrorCode::UnknownField
            } else if message.starts_with(OUT_OF_RANGE_MARK) {
                ErrorCode::OutOfRange
            } else {
                ErrorCode::InvalidField
            }
        }
    };
    let message = message
        .strip_prefix(OUT_OF_RANGE_MARK)
        .map(str::to_owned)
        .unwrap_or(message);
    // A syntax error has no meaningful field path; report where in the text it is instead.
    if code == ErrorCode::InvalidJson {
        let located = format!("{} (line {}, column {})", message, err.line(), err.column());
        return Error::new(code, prefix, located);
    }
    let mut path = crate::json_path::at(text, err.line(), err.column(), &message);
    // A missing field is named by its own path (`account.id`), not its parent's: that is the
    // field a program has to supply, and the path it would look up to report or fix it.
    if let Some(field) = missing_field(&message) {
        path = join_path(&path, field);
    }
    Error::new(code, join_path(prefix, &path), message)
}

/// The name in serde's "missing field `name`" message.
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
}

/// Custom deserialisers start their message with this mark to ask for `out_of_range` instead of
/// `invalid_field`; serde offers no other channel to carry a code through.
pub(crate) const OUT_OF_RANGE_MARK: &str = "out of range: ";

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

pub fn join_path(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        path.to_string()
    } else if path.is_empty() || path == "." {
        prefix.to_string()
    } else if path.starts_with('[') {
        format!("{prefix}{path}")
    } else {
        format!("{prefix}.{path}")
    }
}
