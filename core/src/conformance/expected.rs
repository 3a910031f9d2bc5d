//! The two expected files of a corpus case, projected from one output (decision, plan or error).
//!
//! `expected.json` holds what the output specifies: the output with its policy digest written
//! `"digest":"@digest"` and every prose string written `"@prose"`, and one newline.
//! `expected.prose` holds the prose, one string a line in the order the output writes them:
//! the string's path in the claims' path language, a space, and the string exactly as the output
//! encodes it (`actions[0].conditions[0].cite "《…》"`). A string is prose when its key is one
//! of [`PROSE_KEYS`]: citations, trace effects, stage labels, error and warning messages. A
//! citation's rewording then changes prose files only, and a changed verdict, instant, stage id,
//! queue or disclosure changes `expected.json`. [`join`] puts the two back together into the
//! output as every surface gives it (digest masked), byte for byte.
//!
//! The corpus loader below and every surface's runner read the case through [`join`]; the native
//! corpus test blesses through [`split`].

/// The keys whose string values are prose: what the output says in words about a verdict it
/// also states as data (a rule id, a code, a stage id).
pub const PROSE_KEYS: [&str; 4] = ["cite", "effect", "label", "message"];

/// What stands in `expected.json` for a prose string.
pub const PLACEHOLDER: &str = "\"@prose\"";

/// A case's output split into its two expected files' contents.
#[derive(Debug, PartialEq, Eq)]
pub struct Parts {
    /// `expected.json`: the specified part, with a trailing newline.
    pub verdict: String,
    /// `expected.prose`: one line per prose string, each ending in a newline.
    pub prose: String,
}

/// Where the scanner stands inside the output: in an object (under its latest key) or an array
/// (at its current element).
enum Frame {
    Object { key: String, expects_key: bool },
    Array { index: usize },
}

fn path_of(stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object { key, .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array { index } => {
                path.push_str(&format!("[{index}]"));
            }
        }
    }
    path
}

/// The byte just past the string literal that opens at `start` (a `"`).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Splits an output whose digest is already masked (`claims::mask_digests`) into its verdict and
/// prose parts. Fails when the output already holds the placeholder, which [`join`] could not
/// tell from a prose string.
pub fn split(masked: &str) -> Result<Parts, String> {
    if masked.contains(PLACEHOLDER) {
        return Err(format!("the output holds {PLACEHOLDER} itself"));
    }
    let bytes = masked.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut verdict = String::with_capacity(masked.len());
    let mut prose = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => stack.push(Frame::Object {
                key: String::new(),
                expects_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { expects_key, .. }) => *expects_key = true,
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { expects_key, .. }) = stack.last_mut() {
                    *expects_key = false;
                }
            }
            b'"' => {
                let end = string_end(bytes, i);
                let literal = &masked[i..end];
                match stack.last_mut() {
                    Some(Frame::Object {
                        key,
                        expects_key: true,
                    }) => {
                        // The engine's keys are plain words: the literal without its quotes.
                        *key = literal.trim_matches('"').to_string();
                    }
                    Some(Frame::Object { key, .. }) if PROSE_KEYS.contains(&key.as_str()) => {
                        prose.push_str(&path_of(&stack));
                        prose.push(' ');
                        prose.push_str(literal);
                        prose.push('\n');
                        verdict.push_str(&masked[copied..i]);
                        verdict.push_str(PLACEHOLDER);
                        copied = end;
                    }
                    _ => {}
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    verdict.push_str(&masked[copied..]);
    verdict.push('\n');
    Ok(Parts { verdict, prose })
}

/// The output (digest masked, with its newline) that the two parts were split from: each
/// placeholder of `verdict`, in order, replaced by the text after the first space of the next line
/// of `prose`. Fails when the counts differ.
pub fn join(verdict: &str, prose: &str) -> Result<String, String> {
    let mut texts = prose
        .lines()
        .map(|line| line.split_once(' ').map_or("", |(_, text)| text));
    let mut out = String::with_capacity(verdict.len() + prose.len());
    let mut rest = verdict;
    while let Some(i) = rest.find(PLACEHOLDER) {
        let text = texts
            .next()
            .ok_or("expected.prose has fewer lines than expected.json has prose strings")?;
        out.push_str(&rest[..i]);
        out.push_str(text);
        rest = &rest[i + PLACEHOLDER.len()..];
    }
    if texts.next().is_some() {
        return Err("expected.prose has more lines than expected.json has prose strings".into());
    }
    out.push_str(rest);
    Ok(out)
}
