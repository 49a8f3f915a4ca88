//! Text encodings of the Smithy HTTP binding traits: percent-encoding of labels and query
//! strings, header lists, float text and idempotency tokens.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters (`A-Za-z0-9-._~`) is encoded; the
/// Smithy spec asks for exactly this in labels and query strings.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A greedy label spans path segments, so its `/` stay literal.
const UNRESERVED_AND_SLASH: &AsciiSet = &UNRESERVED.remove(b'/');

/// Percent-encodes an `@httpLabel` value for the request path.
///
/// Everything but `A-Za-z0-9-._~` becomes `%XX` (UTF-8 bytes, uppercase hex), `/` included:
/// an ARN label is one path segment. A greedy label (`{key+}`) keeps its `/`.
pub fn encode_label(value: &str, greedy: bool) -> String {
    let set = if greedy {
        UNRESERVED_AND_SLASH
    } else {
        UNRESERVED
    };
    utf8_percent_encode(value, set).to_string()
}

/// Percent-encodes a query-string key or value: everything but `A-Za-z0-9-._~` becomes
/// `%XX`, so a space is `%20` (never `+`) and `+` is `%2B`.
pub fn encode_query(value: &str) -> String {
    utf8_percent_encode(value, UNRESERVED).to_string()
}

/// A fresh random UUID v4 (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`, lowercase), the value
/// of an `@idempotencyToken` member the caller left unset. Like smithy-rs, it draws on
/// `fastrand`: a token must be unique, not unpredictable.
pub fn idempotency_token() -> String {
    format_uuid_v4(fastrand::u128(..))
}

/// A string as base64 header text (a header string with a `@mediaType`).
pub fn base64_text(value: &str) -> String {
    crate::Blob::new(value.as_bytes()).to_base64()
}

/// The `Content-MD5` header value of `body` (`@httpChecksumRequired`): its MD5, base64.
/// Needs the `content-md5` feature, which a generated crate turns on when its model has an
/// operation with that trait.
#[cfg(feature = "content-md5")]
pub fn content_md5(body: &[u8]) -> String {
    use md5::Digest;
    crate::Blob::new(md5::Md5::digest(body).to_vec()).to_base64()
}

/// `body` compressed with gzip (`@requestCompression`). Needs the `gzip` feature, which a
/// generated crate turns on when its model has an operation with that trait.
#[cfg(feature = "gzip")]
pub fn gzip(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(body);
    encoder.finish().unwrap_or_default()
}

/// Whether `value` may fill a `{label}` of an `@endpoint` host prefix: dot-separated labels of
/// 1 to 63 letters, digits and hyphens, none starting with a hyphen.
pub fn is_host_label(value: &str) -> bool {
    !value.is_empty()
        && value.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Formats 128 random bits as a UUID v4, overwriting the version and variant bits.
///
/// Exposed so tests can make tokens deterministic: `format_uuid_v4(0)` is
/// `00000000-0000-4000-8000-000000000000`, the token the Smithy protocol tests expect.
pub fn format_uuid_v4(random: u128) -> String {
    let mut b = random.to_be_bytes();
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex = |bytes: &[u8]| bytes.iter().map(|x| format!("{x:02x}")).collect::<String>();
    format!(
        "{}-{}-{}-{}-{}",
        hex(&b[0..4]),
        hex(&b[4..6]),
        hex(&b[6..8]),
        hex(&b[8..10]),
        hex(&b[10..16])
    )
}

/// Joins the values of a list bound to one header with `", "`.
///
/// A value that contains `,` or `"`, that starts or ends with whitespace, or that is empty
/// is written as a quoted string with `"` and `\` escaped by a backslash, so that
/// [`split_header_list`] gives back exactly the same values (`["b,c", "\"def\"", "a"]` ->
/// `"b,c", "\"def\"", a`).
pub fn fmt_header_list(values: &[String]) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let needs_quotes = v.is_empty()
            || v.contains([',', '"'])
            || v.starts_with(char::is_whitespace)
            || v.ends_with(char::is_whitespace);
        if needs_quotes {
            out.push('"');
            for c in v.chars() {
                if c == '"' || c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str(v);
        }
    }
    out
}

/// Splits a header list into its values: the reverse of [`fmt_header_list`].
///
/// Values are separated by commas and trimmed of surrounding whitespace; a value in double
/// quotes may contain commas, and `\"` and `\\` inside it stand for `"` and `\`. An empty
/// or all-blank header is an empty list. Never fails: an unterminated quote runs to the end.
///
/// HTTP dates contain a comma of their own; split those with [`split_http_date_list`].
pub fn split_header_list(value: &str) -> Vec<String> {
    if value.trim().is_empty() {
        return Vec::new();
    }
    let mut values = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        let (item, after) = match rest.strip_prefix('"') {
            Some(quoted) => {
                let mut item = String::new();
                let mut end = quoted.len();
                let mut chars = quoted.char_indices();
                while let Some((i, c)) = chars.next() {
                    match c {
                        '"' => {
                            end = i + 1;
                            break;
                        }
                        '\\' => item.extend(chars.next().map(|(_, c)| c)),
                        c => item.push(c),
                    }
                }
                // Whatever stands between the closing quote and the comma is dropped.
                let tail = &quoted[end..];
                (item, tail.find(',').map(|i| &tail[i + 1..]))
            }
            None => match rest.find(',') {
                Some(i) => (rest[..i].trim_end().to_owned(), Some(&rest[i + 1..])),
                None => (rest.trim_end().to_owned(), None),
            },
        };
        values.push(item);
        match after {
            Some(after) => rest = after,
            None => return values,
        }
    }
}

/// Splits a header list of HTTP dates (`Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec ...`):
/// like [`split_header_list`], but a weekday name followed by a comma is kept together with
/// the rest of its date. Parse each value with
/// [`DateTime::from_str`](crate::DateTime::from_str) and
/// [`Format::HttpDate`](crate::time::Format::HttpDate).
pub fn split_http_date_list(value: &str) -> Vec<String> {
    const DAYS: [&str; 14] = [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let mut out = Vec::new();
    let mut pieces = split_header_list(value).into_iter();
    while let Some(piece) = pieces.next() {
        if DAYS.contains(&piece.as_str()) {
            if let Some(date) = pieces.next() {
                out.push(format!("{piece}, {date}"));
                continue;
            }
        }
        out.push(piece);
    }
    out
}

/// Writes a float as restJson1 does in headers, query strings and labels: `NaN`,
/// `Infinity` and `-Infinity` for the non-finite values, otherwise the shortest decimal
/// that reads back as the same `f64`, as JSON writes it (`1.1`, `1.0`, `1e+21`, `1e-7`).
pub fn fmt_f64(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else {
        crate::json::fmt_finite_f64(v)
    }
}

/// [`fmt_f64`] for a Smithy `float`: the shortest decimal that reads back as the same
/// `f32`, so `4.1f32` is `4.1`, not the `4.099999904632568` its `f64` widening would give.
pub fn fmt_f32(v: f32) -> String {
    if v.is_finite() {
        crate::json::fmt_finite_f32(v)
    } else {
        fmt_f64(f64::from(v))
    }
}

#[cfg(test)]
mod tests {
    /// RFC 9562's layout of a version 4 UUID: 8-4-4-4-12 lowercase hex digits, the version
    /// nibble 4, the variant bits `10` (first digit of the fourth group 8, 9, a or b).
    fn assert_uuid_v4(token: &str) {
        let groups: Vec<&str> = token.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12],
            "{token}"
        );
        assert!(
            token
                .bytes()
                .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{token}"
        );
        assert!(groups[2].starts_with('4'), "version nibble of {token}");
        assert!(
            groups[3].starts_with(['8', '9', 'a', 'b']),
            "variant bits of {token}"
        );
    }

    #[test]
    fn tokens_are_uuid_v4_whatever_the_random_bits() {
        assert_eq!(
            super::format_uuid_v4(0),
            "00000000-0000-4000-8000-000000000000"
        );
        assert_eq!(
            super::format_uuid_v4(u128::MAX),
            "ffffffff-ffff-4fff-bfff-ffffffffffff"
        );
        // The random bits land where they belong: only the version and variant bits change.
        assert_eq!(
            super::format_uuid_v4(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
            "01234567-89ab-4def-8123-456789abcdef"
        );
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let token = super::idempotency_token();
            assert_uuid_v4(&token);
            seen.insert(token);
        }
        assert_eq!(seen.len(), 1000, "tokens repeat");
    }

    #[cfg(feature = "content-md5")]
    #[test]
    fn content_md5_is_base64_of_the_digest() {
        // RFC 1321's vectors for "" and "abc", base64.
        assert_eq!(super::content_md5(b""), "1B2M2Y8AsgTpgAmY7PhCfg==");
        assert_eq!(super::content_md5(b"abc"), "kAFQmDzST7DWlj99KOF/cg==");
    }
}
