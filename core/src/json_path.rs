//! The JSON path of the field at fault, recovered from the text after serde_json failed.
//!
//! Why this exists: serde_json says *what* failed and *where in the text* (line and byte column),
//! but not which field. Tracking the path while deserialising (`serde_path_to_error`) wraps the
//! deserializer, and so compiles every `Deserialize` impl of the case and policy types a second
//! time: 206 KB of the 1,155 KB of WebAssembly code (51 KB gzipped) when it was replaced. Instead,
//! each document type is read by one plain serde_json instantiation, and when that fails this
//! scanner, which knows no types, walks the text up to the error position, keeping the open
//! objects (with their current key) and arrays (with their current index), and names the path as
//! `serde_path_to_error` did (`account.installments[1].due`, `history[3].outcome`, `""` for the
//! document). A valid document costs nothing more; a failing case is read once instead of twice.
//!
//! Where serde_json leaves the position, and the path named for it (`tests/error_paths.rs` pins
//! each case):
//! - just after a scalar of the wrong type or value, or an unknown variant written as a string:
//!   that scalar;
//! - just before an object or array of the wrong type (`invalid type: map` / `sequence`): the
//!   value about to start;
//! - just after a key: an unknown field names the key; an unknown variant written as an object
//!   (`{"bogus": ..}`) and a duplicate field name the object;
//! - just after the closing bracket of an object or array that lacks something (`missing field`,
//!   `invalid length` of a tuple): that object or array (for a missing
//!   field, `error::from_serde` then appends the field's name, so the path is the field's);
//! - errors raised after a string was read (the readers of dates, instants, zones and clock times;
//!   a variant with data written as a bare string) carry no position, and serde_json gives them
//!   the one where the enclosing object or array stopped: just after the string, or after the
//!   white space and the closing bracket, or the comma of an array, that follow it. The path is
//!   the string's; for a bare variant name serde_path_to_error appended the variant, and so does
//!   this.
//!
//! The scanner is total: it never indexes out of bounds, follows escapes, has no recursion (an
//! explicit stack, however deep the text) and works on bytes, as serde_json's columns do.

/// One step of a path: a key (the byte range of its escaped text between the quotes) or an index.
#[derive(Clone, Copy)]
enum Step {
    Key(usize, usize),
    Index(usize),
}

/// An open object or array and the step of its current member (`None` before an object's key).
struct Open {
    array: bool,
    step: Option<Step>,
}

/// The last token read before the position.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    Nothing,
    Open,
    Close,
    Colon,
    Comma,
    Key,
    Scalar,
}

/// The most recent scalar while it is still the last value read: the number of open containers
/// around it, its own step, and the byte range of its text (the content, for a string).
struct Scalar {
    depth: usize,
    step: Option<Step>,
    text: (usize, usize),
    string: bool,
}

/// The path of the value that a serde_json error with this message, at this line and column of
/// `text`, is about; empty for the document itself.
pub(crate) fn at(text: &str, line: usize, column: usize, message: &str) -> String {
    let b = text.as_bytes();
    let end = offset(b, line, column);
    let mut stack: Vec<Open> = Vec::new();
    let mut last = Token::Nothing;
    let mut scalar: Option<Scalar> = None;
    let mut i = 0;
    while i < end {
        let c = b[i];
        let token = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'{' | b'[' => {
                let array = c == b'[';
                stack.push(Open {
                    array,
                    step: array.then_some(Step::Index(0)),
                });
                i += 1;
                Token::Open
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
                Token::Close
            }
            b':' => {
                i += 1;
                Token::Colon
            }
            b',' => {
                if let Some(Open {
                    array: true,
                    step: Some(Step::Index(n)),
                }) = stack.last_mut()
                {
                    *n = n.saturating_add(1);
                }
                i += 1;
                Token::Comma
            }
            b'"' => {
                let stop = string_end(b, i + 1);
                if stop >= end {
                    break;
                }
                let key = matches!(last, Token::Open | Token::Comma)
                    && stack.last().is_some_and(|o| !o.array);
                let range = (i + 1, stop);
                i = stop + 1;
                if key {
                    if let Some(top) = stack.last_mut() {
                        top.step = Some(Step::Key(range.0, range.1));
                    }
                    Token::Key
                } else {
                    scalar = Some(Scalar {
                        depth: stack.len(),
                        step: stack.last().and_then(|o| o.step),
                        text: range,
                        string: true,
                    });
                    Token::Scalar
                }
            }
            _ => {
                let start = i;
                while i < b.len() && !ends_literal(b[i]) {
                    i += 1;
                }
                if i > end {
                    break;
                }
                scalar = Some(Scalar {
                    depth: stack.len(),
                    step: stack.last().and_then(|o| o.step),
                    text: (start, i),
                    string: false,
                });
                Token::Scalar
            }
        };
        // A scalar stays "the value just read" through the bracket or comma that follows it.
        let keep = token == Token::Scalar
            || (last == Token::Scalar && matches!(token, Token::Close | Token::Comma));
        if !keep {
            scalar = None;
        }
        last = token;
    }

    let steps = |n: usize| -> Vec<Step> {
        stack
            .iter()
            .take(n)
            .filter_map(|o| o.step)
            .collect::<Vec<Step>>()
    };
    let of_scalar = |s: &Scalar| -> String {
        let mut path: Vec<Step> = steps(s.depth.saturating_sub(1));
        path.extend(s.step);
        let mut out = render(b, &path);
        // A variant with data written as a bare string: the path names the variant too.
        if s.string && message.starts_with("invalid type: unit variant") {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&unescape(b.get(s.text.0..s.text.1).unwrap_or_default()));
        }
        out
    };
    let whole = message.starts_with("missing field") || message.starts_with("invalid length");
    let upcoming =
        message.starts_with("invalid type: map") || message.starts_with("invalid type: sequence");
    let in_array = stack.last().is_some_and(|o| o.array);
    match (last, &scalar) {
        // After a key: the key if serde did not know it, else the object it belongs to.
        (Token::Key, _) if message.starts_with("unknown field") => render(b, &steps(stack.len())),
        (Token::Key, _) => render(b, &steps(stack.len().saturating_sub(1))),
        // After a scalar, or the bracket or array comma that followed it: that scalar, unless
        // the container just closed is what lacks something.
        (Token::Scalar, Some(s)) => of_scalar(s),
        (Token::Close, Some(s)) if !whole => of_scalar(s),
        (Token::Comma, Some(s)) if in_array && !upcoming => of_scalar(s),
        // After a bracket, a colon or an array comma: the container just closed, or the value
        // about to start.
        _ => render(b, &steps(stack.len())),
    }
}

/// The byte offset of a serde_json position: lines count from 1, columns are bytes from the start
/// of the line. Clamped to the text.
fn offset(b: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match b
            .get(start..)
            .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
        {
            Some(n) => start += n + 1,
            None => break,
        }
    }
    start.saturating_add(column).min(b.len())
}

/// Whether a byte ends a literal (a number, `true`, `false`, `null`).
fn ends_literal(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'}' | b'[' | b']' | b',' | b':' | b'"'
    )
}

/// The index of the quote that closes a string whose content starts at `i`, or the text's length.
fn string_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'"' => return i,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    b.len()
}

/// A path as `serde_path_to_error` displays it: keys joined by dots, indexes in brackets.
fn render(b: &[u8], path: &[Step]) -> String {
    let mut out = String::new();
    for (n, step) in path.iter().enumerate() {
        match *step {
            Step::Key(from, to) => {
                if n > 0 {
                    out.push('.');
                }
                out.push_str(&unescape(b.get(from..to).unwrap_or_default()));
            }
            Step::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// The text of a JSON string's content; anything malformed becomes U+FFFD.
fn unescape(raw: &[u8]) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'\\' {
            out.push(raw[i]);
            i += 1;
            continue;
        }
        let escape = raw.get(i + 1).copied().unwrap_or(b'?');
        i += 2;
        let c = match escape {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = hex4(raw, i);
                i += 4;
                let low = match raw.get(i..i + 2) {
                    Some(b"\\u") => hex4(raw, i + 2),
                    _ => None,
                };
                match (high, low) {
                    (Some(h @ 0xD800..=0xDBFF), Some(l @ 0xDC00..=0xDFFF)) => {
                        i += 6;
                        char::from_u32(0x10000 + ((h - 0xD800) << 10) + (l - 0xDC00))
                    }
                    (Some(h), _) => char::from_u32(h),
                    (None, _) => None,
                }
                .unwrap_or('\u{fffd}')
            }
            _ => '\u{fffd}',
        };
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of four hex digits at `i`.
fn hex4(raw: &[u8], i: usize) -> Option<u32> {
    let digits = raw.get(i..i + 4)?;
    digits.iter().try_fold(0u32, |n, &d| {
        let v = char::from(d).to_digit(16)?;
        Some(n * 16 + v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(text: &str) -> String {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Doc {
            a: Vec<Inner>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Inner {
            n: u32,
        }
        let e = serde_json::from_str::<Doc>(text).expect_err("malformed");
        at(text, e.line(), e.column(), &e.to_string())
    }

    #[test]
    fn names_the_field_of_each_kind_of_error() {
        assert_eq!(path_of(r#"{"a":[{"n":1},{"n":"x"}]}"#), "a[1].n");
        assert_eq!(path_of(r#"{"a":[{"n":1},{"m":1}]}"#), "a[1].m");
        assert_eq!(path_of(r#"{"a":[{"n":1},{}]}"#), "a[1]");
        assert_eq!(path_of(r#"{"a":[{"n":1}, {"n": {}}]}"#), "a[1].n");
        assert_eq!(
            path_of("{\"a\":[{\"n\":1},\n{\"\u{4e2d}\u{6587}\":1}]}"),
            "a[1].\u{4e2d}\u{6587}"
        );
        assert_eq!(path_of(r#"{"a":[{"n":1,"n":2}]}"#), "a[0]");
        assert_eq!(path_of(r#"{}"#), "");
    }

    #[test]
    fn unescapes_keys_and_survives_anything() {
        assert_eq!(
            unescape(br#"a\"b\\c\u00e9\ud83d\ude42\n"#),
            "a\"b\\c\u{e9}\u{1F642}\n"
        );
        assert_eq!(unescape(br"\ud800\u12"), "\u{fffd}\u{fffd}");
        assert_eq!(unescape(br"\"), "\u{fffd}");
        // Every position of texts cut anywhere, with every kind of message: no panic.
        let tricky =
            "{\"a\\\"\u{4e2d}\":[1,\n\"\\ud83d\", {\"\\u00\": tru}],\r\n\"b\":{\"c\"  :[[]]}}";
        let messages = [
            "invalid type: unit variant, expected newtype variant",
            "invalid type: map, expected a string",
            "missing field `x`",
            "unknown field `x`",
            "anything else",
        ];
        for cut in 0..=tricky.len() {
            let text = tricky.get(..cut).unwrap_or(tricky);
            for line in 0..4 {
                for column in 0..text.len() + 2 {
                    for message in messages {
                        let _ = at(text, line, column, message);
                    }
                }
            }
        }
    }
}
