//! JSON for generated serializers and deserializers: the value tree, its parser and writer,
//! and the helpers generated code calls.
//!
//! Generated code builds a [`Value`] per request and walks one per response. The
//! helpers here are written once, so per-shape code stays a short list of calls; the
//! collection helpers take element readers and writers as function pointers, so each is
//! compiled once per element type rather than once per member.
//! Deserializers accumulate the path of a failure (`channels[2].name`) only when one happens.

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;

mod read;
mod value;
mod write;

pub use read::{from_slice, from_str, Error};
pub use value::{Map, Number, Value};
pub(crate) use write::{fmt_finite_f32, fmt_finite_f64};
pub use write::{to_string, to_vec};

/// serde_json's `json!`, as a [`Value`] of ours: unit tests write their JSON with it.
#[cfg(test)]
macro_rules! json {
    ($($json:tt)+) => {
        $crate::json::from_str(&serde_json::json!($($json)+).to_string())
            .expect("json! writes valid JSON")
    };
}
#[cfg(test)]
pub(crate) use json;

use crate::time::Format;
use crate::{Blob, DateTime, Document};

/// Why a JSON document does not match the shape it should have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeError {
    /// Path segments, innermost first (reversed on display).
    path: Vec<String>,
    message: String,
}

impl DeError {
    /// A failure described by `message` at the current position.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            path: Vec::new(),
            message: message.into(),
        }
    }

    /// Prefixes the path with a member name.
    pub fn at(mut self, member: &str) -> Self {
        self.path.push(format!(".{member}"));
        self
    }

    /// Prefixes the path with a list index.
    pub fn at_index(mut self, index: usize) -> Self {
        self.path.push(format!("[{index}]"));
        self
    }

    /// Prefixes the path with a map key.
    pub fn at_key(mut self, key: &str) -> Self {
        self.path.push(format!("[{key:?}]"));
        self
    }

    /// The path of the failure, like `channels[2].name`.
    pub fn path(&self) -> String {
        let p: String = self.path.iter().rev().map(String::as_str).collect();
        p.trim_start_matches('.').to_owned()
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path();
        if path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "at `{path}`: {}", self.message)
        }
    }
}

impl std::error::Error for DeError {}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn expected(what: &str, v: &Value) -> DeError {
    DeError::new(format!("expected {what}, found {}", kind(v)))
}

/// Parses a response body; an empty body is an empty object (operations with no output
/// members answer with nothing at all).
pub fn parse_body(body: &[u8]) -> Result<Value, DeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    from_slice(body).map_err(|e| DeError::new(format!("response body is not valid JSON: {e}")))
}

/// The object a structure is read from, taken apart: members are moved out, not cloned.
pub fn object(v: Value) -> Result<Map<String, Value>, DeError> {
    match v {
        Value::Object(m) => Ok(m),
        other => Err(expected("an object", &other)),
    }
}

/// The elements of a list, moved out.
pub fn array(v: Value) -> Result<Vec<Value>, DeError> {
    match v {
        Value::Array(a) => Ok(a),
        other => Err(expected("an array", &other)),
    }
}

/// `r` with `member` prefixed to the path of its error. One copy per result type, shared
/// by every member of that type (a closure per member would be compiled once per member).
pub fn at<T>(r: Result<T, DeError>, member: &str) -> Result<T, DeError> {
    r.map_err(|e| e.at(member))
}

/// Stores `r` in a builder's member slot, or names `member` in the path of its error. The
/// generated readers call this once per member: one copy per member type, and the member
/// code stays a single call (no `Some`, no `?`, no drop of the old value per member).
pub fn set<T>(slot: &mut Option<T>, r: Result<T, DeError>, member: &str) -> Result<(), DeError> {
    match r {
        Ok(v) => {
            *slot = Some(v);
            Ok(())
        }
        Err(e) => Err(e.at(member)),
    }
}

/// A list read element by element with `item`; nulls are dropped (dense lists), and an
/// element's error names its index. `item` is a function pointer, so this is compiled once
/// per element type, not once per call site; `match`es rather than `map_err` and `?` keep
/// that copy small.
pub fn list<T>(v: Value, item: fn(Value) -> Result<T, DeError>) -> Result<Vec<T>, DeError> {
    let items = array(v)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.into_iter().enumerate() {
        if !v.is_null() {
            match item(v) {
                Ok(x) => out.push(x),
                Err(e) => return Err(e.at_index(i)),
            }
        }
    }
    Ok(out)
}

/// A `@sparse` list: nulls are kept as `None`.
pub fn sparse_list<T>(
    v: Value,
    item: fn(Value) -> Result<T, DeError>,
) -> Result<Vec<Option<T>>, DeError> {
    let items = array(v)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.into_iter().enumerate() {
        if v.is_null() {
            out.push(None);
            continue;
        }
        match item(v) {
            Ok(x) => out.push(Some(x)),
            Err(e) => return Err(e.at_index(i)),
        }
    }
    Ok(out)
}

/// A map read entry by entry: `key` makes the key (enum keys), `item` reads the value; null
/// values are dropped (dense maps), and an entry's error names its key.
pub fn map<K: Eq + Hash, T>(
    v: Value,
    key: fn(String) -> K,
    item: fn(Value) -> Result<T, DeError>,
) -> Result<HashMap<K, T>, DeError> {
    let entries = object(v)?;
    let mut out = HashMap::with_capacity(entries.len());
    for (k, v) in entries {
        if !v.is_null() {
            match item(v) {
                Ok(value) => {
                    out.insert(key(k), value);
                }
                Err(e) => return Err(e.at_key(&k)),
            }
        }
    }
    Ok(out)
}

/// A `@sparse` map: null values are kept as `None`.
pub fn sparse_map<K: Eq + Hash, T>(
    v: Value,
    key: fn(String) -> K,
    item: fn(Value) -> Result<T, DeError>,
) -> Result<HashMap<K, Option<T>>, DeError> {
    let entries = object(v)?;
    let mut out = HashMap::with_capacity(entries.len());
    for (k, v) in entries {
        if v.is_null() {
            out.insert(key(k), None);
            continue;
        }
        match item(v) {
            Ok(value) => {
                out.insert(key(k), Some(value));
            }
            Err(e) => return Err(e.at_key(&k)),
        }
    }
    Ok(out)
}

/// A string enum: unknown values are kept by the enum's `From<&str>`.
pub fn enumeration<T: for<'a> From<&'a str>>(v: Value) -> Result<T, DeError> {
    // A `match`, not `map` with a closure: this is compiled once per enum type.
    match string(v) {
        Ok(s) => Ok(T::from(s.as_str())),
        Err(e) => Err(e),
    }
}

/// A JSON array of `items`, each written by `item`.
pub fn list_value<T>(items: &[T], item: fn(&T) -> Value) -> Value {
    Value::Array(items.iter().map(item).collect())
}

/// A JSON array of a `@sparse` list: `None` is written as null.
pub fn sparse_list_value<T>(items: &[Option<T>], item: fn(&T) -> Value) -> Value {
    Value::Array(
        items
            .iter()
            .map(|v| v.as_ref().map_or(Value::Null, item))
            .collect(),
    )
}

/// A JSON object of `entries`: `key` writes a key, `item` a value.
pub fn map_value<K, T>(
    entries: &HashMap<K, T>,
    key: fn(&K) -> String,
    item: fn(&T) -> Value,
) -> Value {
    // Inserting rather than `collect`ing: collecting into a map instantiates a stable sort
    // per call site.
    let mut out = Map::new();
    for (k, v) in entries {
        out.insert(key(k), item(v));
    }
    Value::Object(out)
}

/// A JSON object of a `@sparse` map: `None` is written as null.
pub fn sparse_map_value<K, T>(
    entries: &HashMap<K, Option<T>>,
    key: fn(&K) -> String,
    item: fn(&T) -> Value,
) -> Value {
    let mut out = Map::new();
    for (k, v) in entries {
        out.insert(key(k), v.as_ref().map_or(Value::Null, item));
    }
    Value::Object(out)
}

/// Writes the member `key` of an object being serialized: one call per member in generated
/// serializers, where `to_owned`, `insert` and dropping what it returns would each be inline.
pub fn insert(map: &mut Map<String, Value>, key: &str, value: Value) {
    map.insert(key.to_owned(), value);
}

/// A member of `obj`, with `null` read as absent.
pub fn member<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// A string, moved out of the value.
pub fn string(v: Value) -> Result<String, DeError> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(expected("a string", &other)),
    }
}

/// A boolean.
pub fn boolean(v: Value) -> Result<bool, DeError> {
    v.as_bool().ok_or_else(|| expected("a boolean", &v))
}

/// An integer of any width, range-checked.
pub fn integer<T: TryFrom<i64>>(v: Value) -> Result<T, DeError> {
    let n = v.as_i64().ok_or_else(|| match &v {
        Value::Number(n) => DeError::new(format!("expected an integer, found {n}")),
        _ => expected("an integer", &v),
    })?;
    T::try_from(n).map_err(|_| DeError::new(format!("integer {n} is out of range")))
}

/// A float; `"NaN"`, `"Infinity"` and `"-Infinity"` strings are how JSON carries those.
pub fn double(v: Value) -> Result<f64, DeError> {
    match &v {
        Value::Number(n) => n.as_f64().ok_or_else(|| expected("a number", &v)),
        Value::String(s) => match s.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            _ => Err(DeError::new(format!(
                "expected a number, found string {s:?}"
            ))),
        },
        _ => Err(expected("a number", &v)),
    }
}

/// A 32-bit float (see [`double`]).
pub fn float(v: Value) -> Result<f32, DeError> {
    // Narrowing is what the type asks for.
    double(v).map(|d| d as f32)
}

/// A big number, kept as its decimal text.
pub fn big_number(v: Value) -> Result<String, DeError> {
    match v {
        Value::Number(n) => Ok(n.to_string()),
        Value::String(s) => Ok(s),
        other => Err(expected("a number", &other)),
    }
}

/// A timestamp: a number is epoch seconds; a string is read in `format`, then in the other
/// formats (services are not always consistent).
pub fn timestamp(v: Value, format: Format) -> Result<DateTime, DeError> {
    match &v {
        Value::Number(n) => n
            .as_f64()
            .map(DateTime::from_secs_f64)
            .ok_or_else(|| expected("a timestamp", &v)),
        Value::String(s) => {
            let mut first_err = None;
            let others = [Format::DateTime, Format::EpochSeconds, Format::HttpDate];
            let formats =
                std::iter::once(format).chain(others.into_iter().filter(|f| *f != format));
            for f in formats {
                match DateTime::from_str(s, f) {
                    Ok(t) => return Ok(t),
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
            Err(DeError::new(match first_err {
                Some(e) => e.to_string(),
                None => format!("invalid timestamp {s:?}"),
            }))
        }
        _ => Err(expected("a timestamp", &v)),
    }
}

/// A blob, base64 in JSON.
pub fn blob(v: Value) -> Result<Blob, DeError> {
    let s = v.as_str().ok_or_else(|| expected("a base64 string", &v))?;
    Blob::from_base64(s).map_err(|e| DeError::new(e.to_string()))
}

/// A document: any JSON value.
pub fn document(v: Value) -> Document {
    Document::from(v)
}

/// JSON text of a float: `NaN` and infinities as strings, as restJson1 requires.
pub fn double_value(v: f64) -> Value {
    if v.is_nan() {
        Value::String("NaN".into())
    } else if v.is_infinite() {
        Value::String(if v > 0.0 { "Infinity" } else { "-Infinity" }.into())
    } else {
        Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

/// JSON of a 32-bit float, through its shortest text so `4.1f32` is written `4.1`.
pub fn float_value(v: f32) -> Value {
    double_value(crate::encoding::fmt_f32(v).parse().unwrap_or(f64::from(v)))
}

/// A timestamp as text in `format`, for labels, query strings and headers.
pub fn timestamp_text(t: &DateTime, format: Format) -> String {
    t.fmt(format).unwrap_or_else(|_| t.to_string())
}

/// A scalar from header or query text.
pub fn parse_text<T: std::str::FromStr>(s: &str) -> Result<T, DeError> {
    s.trim().parse().map_err(|_| {
        DeError::new(format!(
            "cannot read {s:?} as {}",
            std::any::type_name::<T>()
        ))
    })
}

/// A timestamp from header text in `format`.
pub fn timestamp_from_text(s: &str, format: Format) -> Result<DateTime, DeError> {
    DateTime::from_str(s.trim(), format).map_err(|e| DeError::new(e.to_string()))
}

/// A blob from base64 header text.
pub fn blob_from_text(s: &str) -> Result<Blob, DeError> {
    Blob::from_base64(s.trim()).map_err(|e| DeError::new(e.to_string()))
}

/// A string from base64 header text (a header string with a `@mediaType`).
pub fn base64_text(s: &str) -> Result<String, DeError> {
    let blob = blob_from_text(s)?;
    String::from_utf8(blob.into_inner())
        .map_err(|_| DeError::new("base64 header value is not UTF-8 text"))
}

/// A timestamp in `format` (epoch seconds are a number, the others strings).
pub fn timestamp_value(t: &DateTime, format: Format) -> Value {
    match format {
        Format::EpochSeconds => {
            if t.subsec_nanos() == 0 {
                Value::from(t.secs())
            } else {
                double_value(t.as_secs_f64())
            }
        }
        other => Value::String(t.fmt(other).unwrap_or_else(|_| t.to_string())),
    }
}

/// A string. Takes `&String`, not `&str`, to be the element writer of a `Vec<String>`.
#[allow(clippy::ptr_arg)]
pub fn string_value(s: &String) -> Value {
    Value::String(s.clone())
}

/// A string enum, by its wire value.
pub fn enum_value<T: AsRef<str>>(v: &T) -> Value {
    Value::String(v.as_ref().to_owned())
}

/// A blob as base64.
pub fn blob_value(b: &Blob) -> Value {
    Value::String(b.to_base64())
}

/// A document as JSON.
pub fn document_value(d: &Document) -> Value {
    Value::from(d)
}

/// A big number from its decimal text (a string if it is not a number).
pub fn big_number_value(s: &str) -> Value {
    match from_str(s) {
        Ok(Value::Number(n)) => Value::Number(n),
        _ => Value::String(s.to_owned()),
    }
}

/// Serializes a request body.
pub fn to_body(v: &Value) -> bytes::Bytes {
    bytes::Bytes::from(to_string(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_numbers_keep_their_text() {
        assert_eq!(big_number(Value::from(123u64)).unwrap(), "123");
        assert_eq!(big_number(Value::from(-5i64)).unwrap(), "-5");
        let text = "123456789012345678901234567890.5";
        assert_eq!(big_number(Value::String(text.to_owned())).unwrap(), text);
        assert!(big_number(Value::Bool(true)).is_err());
    }

    #[test]
    fn paths_name_where_it_failed() {
        let e = DeError::new("expected a string, found a number")
            .at("name")
            .at_index(2)
            .at("channels");
        assert_eq!(
            e.to_string(),
            "at `channels[2].name`: expected a string, found a number"
        );
    }

    #[test]
    fn collections_drop_or_keep_nulls_and_name_the_failing_element() {
        let v = |s: &str| parse_body(s.as_bytes()).unwrap();
        assert_eq!(list(v(r#"["a",null,"b"]"#), string).unwrap(), ["a", "b"]);
        assert_eq!(
            sparse_list(v(r#"["a",null]"#), string).unwrap(),
            [Some("a".to_owned()), None]
        );
        let e = list(v(r#"["a","b",3]"#), string).unwrap_err().at("names");
        assert_eq!(
            e.to_string(),
            "at `names[2]`: expected a string, found a number"
        );
        let m = map(v(r#"{"k":1,"n":null}"#), |k| k, integer::<i32>).unwrap();
        assert_eq!(m, HashMap::from([("k".to_owned(), 1)]));
        let m = sparse_map(v(r#"{"n":null}"#), |k| k, integer::<i32>).unwrap();
        assert_eq!(m, HashMap::from([("n".to_owned(), None)]));
        let e = map(v(r#"{"k":"x"}"#), |k| k, integer::<i32>).unwrap_err();
        assert_eq!(e.path(), r#"["k"]"#);
        assert!(list(v("{}"), string).is_err());
        assert!(map(v("[]"), |k| k, string).is_err());

        let items = vec![Some(1), None];
        assert_eq!(
            sparse_list_value(&items, |i| Value::from(*i)),
            v("[1,null]")
        );
        let entries = HashMap::from([("b".to_owned(), 2), ("a".to_owned(), 1)]);
        assert_eq!(
            map_value(&entries, Clone::clone, |i| Value::from(*i)),
            v(r#"{"a":1,"b":2}"#)
        );
    }

    #[test]
    fn numbers_and_specials() {
        assert!(double(Value::String("NaN".into())).unwrap().is_nan());
        assert_eq!(
            double_value(f64::NEG_INFINITY),
            Value::String("-Infinity".into())
        );
        assert_eq!(integer::<i32>(Value::from(5)).unwrap(), 5);
        assert!(integer::<i8>(Value::from(500)).is_err());
        assert!(integer::<i32>(Value::from(1.5)).is_err());
    }

    #[test]
    fn timestamps_in_every_form() {
        let want = DateTime::from_secs(1576540098);
        for v in [
            Value::from(1576540098),
            Value::from(1576540098.0),
            Value::String("2019-12-16T23:48:18Z".into()),
            Value::String("Mon, 16 Dec 2019 23:48:18 GMT".into()),
        ] {
            assert_eq!(
                timestamp(v.clone(), Format::EpochSeconds).unwrap(),
                want,
                "{v}"
            );
        }
        assert_eq!(
            timestamp_value(&want, Format::EpochSeconds),
            Value::from(1576540098)
        );
    }

    #[test]
    fn empty_body_is_an_empty_object_and_garbage_is_an_error() {
        assert_eq!(parse_body(b"").unwrap(), Value::Object(Map::new()));
        let e = parse_body(b"{\"a\":").unwrap_err();
        assert!(e.to_string().contains("not valid JSON"), "{e}");
    }
}
