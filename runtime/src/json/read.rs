//! A strict RFC 8259 parser into [`Value`].
//!
//! Checked against JSONTestSuite (`runtime/tests/json_test_suite.rs`): every `y_` document is
//! accepted, every `n_` document rejected, and the trees equal serde_json's.

use std::fmt;

use super::value::{Map, Number, Value};

/// Nesting is refused from this many open arrays and objects on, rather than risking the
/// stack: serde_json's limit, which counts the same way (127 levels parse, 128 do not).
const MAX_DEPTH: usize = 128;

/// Why a text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: &'static str,
    line: usize,
    column: usize,
}

impl Error {
    /// The 1-based line of the failure.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column (in bytes) of the failure; 0 when it is at the start of a line.
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for Error {}

/// Parses JSON text in UTF-8.
pub fn from_slice(bytes: &[u8]) -> Result<Value, Error> {
    match std::str::from_utf8(bytes) {
        Ok(s) => from_str(s),
        Err(e) => Err(error_at(bytes, e.valid_up_to(), "invalid UTF-8")),
    }
}

/// Parses JSON text.
pub fn from_str(s: &str) -> Result<Value, Error> {
    let mut p = Parser { s, i: 0, depth: 0 };
    let v = p.value()?;
    p.skip_ws();
    if p.i < s.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(v)
}

/// The error `message` at byte `at` of `bytes`, with its line and column.
fn error_at(bytes: &[u8], at: usize, message: &'static str) -> Error {
    let before = &bytes[..at.min(bytes.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = match before.iter().rposition(|&b| b == b'\n') {
        Some(nl) => before.len() - nl - 1,
        None => before.len(),
    };
    Error {
        message,
        line,
        column,
    }
}

struct Parser<'a> {
    s: &'a str,
    /// Byte offset of the next unread byte; always on a char boundary between tokens.
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, message: &'static str) -> Error {
        // The column counts the offending byte, as serde_json's does.
        let at = (self.i + 1).min(self.s.len());
        error_at(self.s.as_bytes(), at, message)
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        let b = self.s.as_bytes();
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = b.get(self.i) {
            self.i += 1;
        }
    }

    /// Consumes `word` (after its first byte was seen) or fails.
    fn literal(&mut self, word: &str, v: Value) -> Result<Value, Error> {
        if self.s.as_bytes()[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            // Point at the first byte that differs.
            let rest = &self.s.as_bytes()[self.i..];
            let same = rest
                .iter()
                .zip(word.as_bytes())
                .take_while(|(a, b)| a == b)
                .count();
            self.i += same;
            Err(if self.i >= self.s.len() {
                self.err("EOF while parsing a value")
            } else {
                self.err("expected ident")
            })
        }
    }

    fn value(&mut self) -> Result<Value, Error> {
        self.skip_ws();
        match self.peek() {
            None => Err(self.err("EOF while parsing a value")),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'"') => {
                self.i += 1;
                self.string().map(Value::String)
            }
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(b'[') => {
                self.enter()?;
                let v = self.array();
                self.depth -= 1;
                v
            }
            Some(b'{') => {
                self.enter()?;
                let v = self.object();
                self.depth -= 1;
                v
            }
            Some(_) => Err(self.err("expected value")),
        }
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.err("recursion limit exceeded"));
        }
        self.i += 1;
        Ok(())
    }

    /// After `[`.
    fn array(&mut self) -> Result<Value, Error> {
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        return Err(self.err("trailing comma"));
                    }
                }
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                None => return Err(self.err("EOF while parsing a list")),
                Some(_) => return Err(self.err("expected `,` or `]`")),
            }
        }
    }

    /// After `{`. A repeated key keeps its last value.
    fn object(&mut self) -> Result<Value, Error> {
        let mut map = Map::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => self.i += 1,
                None => return Err(self.err("EOF while parsing an object")),
                Some(_) => return Err(self.err("key must be a string")),
            }
            let key = self.string()?;
            self.skip_ws();
            match self.peek() {
                Some(b':') => self.i += 1,
                None => return Err(self.err("EOF while parsing an object")),
                Some(_) => return Err(self.err("expected `:`")),
            }
            let value = self.value()?;
            map.insert(key, value);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        return Err(self.err("trailing comma"));
                    }
                }
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Object(map));
                }
                None => return Err(self.err("EOF while parsing an object")),
                Some(_) => return Err(self.err("expected `,` or `}`")),
            }
        }
    }

    /// After the opening quote; leaves `i` after the closing one.
    fn string(&mut self) -> Result<String, Error> {
        let bytes = self.s.as_bytes();
        // The run of plain characters up to a quote, a backslash or a control character.
        // Those are ASCII, so both ends of a run are char boundaries.
        let start = self.i;
        self.i = plain_run_end(bytes, self.i);
        if bytes.get(self.i) == Some(&b'"') {
            // Most strings have no escapes: one allocation of the exact size.
            self.i += 1;
            return Ok(self.s[start..self.i - 1].to_owned());
        }
        let mut out = self.s[start..self.i].to_owned();
        loop {
            match bytes.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    self.escape(&mut out)?;
                    let start = self.i;
                    self.i = plain_run_end(bytes, self.i);
                    out.push_str(&self.s[start..self.i]);
                }
                Some(_) => {
                    return Err(self
                        .err("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                None => return Err(self.err("EOF while parsing a string")),
            }
        }
    }

    /// After a backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), Error> {
        let Some(b) = self.peek() else {
            return Err(self.err("EOF while parsing a string"));
        };
        self.i += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                match unit {
                    0xD800..=0xDBFF => {
                        // A leading surrogate must be followed by an escaped trailing one.
                        if !self.s.as_bytes()[self.i..].starts_with(b"\\u") {
                            return Err(self.err("lone leading surrogate in hex escape"));
                        }
                        self.i += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.err("lone leading surrogate in hex escape"));
                        }
                        let c = 0x10000
                            + ((u32::from(unit) - 0xD800) << 10)
                            + (u32::from(low) - 0xDC00);
                        char::from_u32(c).ok_or_else(|| self.err("invalid unicode code point"))?
                    }
                    0xDC00..=0xDFFF => {
                        return Err(self.err("lone trailing surrogate in hex escape"))
                    }
                    _ => char::from_u32(u32::from(unit))
                        .ok_or_else(|| self.err("invalid unicode code point"))?,
                }
            }
            _ => {
                self.i -= 1;
                return Err(self.err("invalid escape"));
            }
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16, Error> {
        let mut unit = 0u16;
        for _ in 0..4 {
            let Some(b) = self.peek() else {
                return Err(self.err("EOF while parsing a string"));
            };
            let digit = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.err("invalid escape")),
            };
            unit = unit << 4 | u16::from(digit);
            self.i += 1;
        }
        Ok(unit)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`: an integer if it has neither
    /// fraction nor exponent and fits 64 bits, else the nearest `f64`.
    fn number(&mut self) -> Result<Number, Error> {
        let bytes = self.s.as_bytes();
        let start = self.i;
        let negative = bytes[self.i] == b'-';
        if negative {
            self.i += 1;
        }
        let digits = |p: &mut Self| {
            let from = p.i;
            while bytes.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i - from
        };
        let int_start = self.i;
        match bytes.get(self.i) {
            Some(b'0') => {
                self.i += 1;
                if bytes.get(self.i).is_some_and(u8::is_ascii_digit) {
                    return Err(self.err("invalid number"));
                }
            }
            Some(b'1'..=b'9') => {
                digits(self);
            }
            None => return Err(self.err("EOF while parsing a value")),
            Some(_) => return Err(self.err("invalid number")),
        }
        let int_end = self.i;
        let mut is_float = false;
        if bytes.get(self.i) == Some(&b'.') {
            self.i += 1;
            is_float = true;
            if digits(self) == 0 {
                return Err(if self.i >= bytes.len() {
                    self.err("EOF while parsing a value")
                } else {
                    self.err("invalid number")
                });
            }
        }
        if let Some(b'e' | b'E') = bytes.get(self.i) {
            self.i += 1;
            is_float = true;
            if let Some(b'+' | b'-') = bytes.get(self.i) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(if self.i >= bytes.len() {
                    self.err("EOF while parsing a value")
                } else {
                    self.err("invalid number")
                });
            }
        }
        if !is_float {
            let mut n: u64 = 0;
            let mut fits = true;
            for &d in &bytes[int_start..int_end] {
                match n
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(u64::from(d - b'0')))
                {
                    Some(v) => n = v,
                    None => {
                        fits = false;
                        break;
                    }
                }
            }
            if fits {
                if !negative {
                    return Ok(Number::from(n));
                }
                if n == 0 {
                    // `-0` keeps its sign, as a float.
                    return Ok(Number::from_f64(-0.0).unwrap_or(Number::from(0u64)));
                }
                if let Some(i) = 0i64.checked_sub_unsigned(n) {
                    return Ok(Number::from(i));
                }
            }
        }
        match self.s[start..self.i].parse::<f64>() {
            Ok(f) => Number::from_f64(f).ok_or_else(|| {
                // Point at the number's last byte.
                self.i -= 1;
                self.err("number out of range")
            }),
            Err(_) => Err(self.err("invalid number")),
        }
    }
}

/// The index of the first quote, backslash or control character at or after `i` (or the
/// length). Eight bytes at a time: strings are most of a response body.
pub(super) fn plain_run_end(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // A byte's high bit is set where it is below 0x20, or equal to `"` or `\`. Borrows
        // can set bits above the first such byte, never below it, so the lowest set bit is
        // exact.
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
        let found = (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
            | zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')));
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    #[test]
    fn errors_name_their_line_and_column() {
        let e = super::from_str("{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!((e.line(), e.column()), (3, 7), "{e}");
        assert!(e.to_string().contains("line 3"), "{e}");
    }

    #[test]
    fn surrogate_pairs_make_one_character() {
        // U+1F600 (a high surrogate above 0xD800, so every term of the sum counts) and U+10000.
        let v = super::from_str(r#"["\ud83d\ude00", "\ud800\udc00", "\udbff\udfff"]"#).unwrap();
        let strings: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(strings, ["\u{1F600}", "\u{10000}", "\u{10FFFF}"]);
        assert!(super::from_str(r#""\ud83d""#).is_err());
        assert!(super::from_str(r#""\ude00""#).is_err());
    }
    /// `depth` arrays (or objects, each holding the next under `"a"`) nested in one another.
    fn nested(depth: usize, object: bool) -> String {
        let (open, close) = if object { ("{\"a\":", "}") } else { ("[", "]") };
        let inner = if object { "1" } else { "" };
        format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
    }

    #[test]
    fn depth_limit_is_serde_jsons() {
        for object in [false, true] {
            for depth in [127, 128, 129] {
                let text = nested(depth, object);
                let theirs = serde_json::from_str::<serde_json::Value>(&text);
                let ours = super::from_str(&text);
                assert_eq!(
                    ours.is_ok(),
                    theirs.is_ok(),
                    "depth {depth} (objects: {object}): ours {:?}, serde_json {:?}",
                    ours.as_ref().map(|_| ()),
                    theirs.as_ref().map(|_| ())
                );
                if let Err(e) = ours {
                    assert!(e.to_string().contains("recursion limit"), "{e}");
                }
            }
            // The limit sits between 127 and 128 levels, as serde_json's does.
            assert!(super::from_str(&nested(127, object)).is_ok());
            assert!(super::from_str(&nested(128, object)).is_err());
            assert!(super::from_str(&nested(129, object)).is_err());
        }
    }
}
