//! Compact JSON text of a [`Value`], byte for byte what serde_json writes for the same tree.

use std::fmt::Write;

use super::value::Value;

/// The compact JSON text of `v`.
pub fn to_string(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

/// The compact JSON text of `v`, as bytes.
pub fn to_vec(v: &Value) -> Vec<u8> {
    to_string(v).into_bytes()
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        // Writing to a String cannot fail.
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_value(out, v);
            }
            out.push('}');
        }
    }
}

/// A quoted string: `"` and `\` escaped, control characters as their short escape or
/// `\u00XX`, everything else (non-ASCII included) as is.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut i = 0;
    loop {
        // The bytes to escape are the ones the parser stops at; both ends of a run of plain
        // bytes are char boundaries.
        let end = super::read::plain_run_end(bytes, i);
        out.push_str(&s[i..end]);
        let Some(&b) = bytes.get(end) else { break };
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
        i = end + 1;
    }
    out.push('"');
}

/// The shortest decimal that reads back as `v` (finite), laid out as serde_json lays it out:
/// positional from 1e-5 to below 1e16 (`0.00001`, `1.5`, `1000000000000000.0`), otherwise
/// scientific with a signed exponent (`1e-6`, `1e+16`, `1.2345e+17`).
pub(crate) fn fmt_finite_f64(v: f64) -> String {
    layout(&format!("{v:e}"))
}

/// [`fmt_finite_f64`] for an `f32`: the shortest decimal that reads back as the same `f32`.
pub(crate) fn fmt_finite_f32(v: f32) -> String {
    layout(&format!("{v:e}"))
}

/// Lays out Rust's shortest scientific form (`-1.2345e-7`, `1e16`).
fn layout(sci: &str) -> String {
    let (negative, sci) = match sci.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, sci),
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let n = digits.len() as i32;
    let mut out = String::with_capacity(digits.len() + 8);
    if negative {
        out.push('-');
    }
    if (-5..16).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            out.push_str(&digits);
        } else if exp >= n - 1 {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', (exp - (n - 1)) as usize));
            out.push_str(".0");
        } else {
            let point = (exp + 1) as usize;
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    } else {
        out.push_str(&digits[..1]);
        if n > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        if exp > 0 {
            out.push('+');
        }
        let _ = write!(out, "{exp}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_laid_out_as_serde_json_does() {
        let cases = [
            (1.0, "1.0"),
            (1.5, "1.5"),
            (-0.0, "-0.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1e-5, "0.00001"),
            (1e-6, "1e-6"),
            (0.000123, "0.000123"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (0.1 + 0.2, "0.30000000000000004"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (-2.5e-7, "-2.5e-7"),
            (12.5, "12.5"),
        ];
        for (v, want) in cases {
            assert_eq!(fmt_finite_f64(v), want);
        }
        assert_eq!(fmt_finite_f32(4.1), "4.1");
        assert_eq!(fmt_finite_f32(3.4e38), "3.4e+38");
        assert_eq!(fmt_finite_f32(1e10), "10000000000.0");
    }

    #[test]
    fn strings_escape_what_json_requires() {
        let s = "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}/é\u{7f}";
        assert_eq!(
            to_string(&Value::String(s.into())),
            "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f/é\u{7f}\""
        );
    }
}
