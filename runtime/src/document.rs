//! Smithy's `document` type: untyped, JSON-like data carried as-is.

use std::collections::BTreeMap;

use crate::json::Value;

/// Untyped data (Smithy `document`), the JSON data model with integers kept apart from
/// floats. Objects are `BTreeMap`s so that output is deterministic.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// An ordered list.
    Array(Vec<Document>),
    /// String keys to values, sorted by key.
    Object(BTreeMap<String, Document>),
}

/// A number in a [`Document`]: integers stay exact, everything else is an `f64`.
///
/// Non-negative integers are always `PosInt` when this crate builds them, negative ones
/// `NegInt`, so each integer has one representation; a hand-built `NegInt(5)` still works
/// but compares unequal to `PosInt(5)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// A non-negative integer.
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    /// A floating-point number; may be NaN or infinite, which JSON writes as the strings
    /// `"NaN"`, `"Infinity"` and `"-Infinity"`, as restJson1 does for floats.
    Float(f64),
}

impl Number {
    /// The value as an `f64`, rounding integers beyond 2^53.
    pub fn to_f64_lossy(self) -> f64 {
        match self {
            Number::PosInt(v) => v as f64,
            Number::NegInt(v) => v as f64,
            Number::Float(v) => v,
        }
    }

    /// The value as an `i64` if it is an integer in range (floats are never converted).
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::PosInt(v) => i64::try_from(v).ok(),
            Number::NegInt(v) => Some(v),
            Number::Float(_) => None,
        }
    }

    /// The value as a `u64` if it is a non-negative integer (floats are never converted).
    pub fn as_u64(self) -> Option<u64> {
        match self {
            Number::PosInt(v) => Some(v),
            Number::NegInt(v) => u64::try_from(v).ok(),
            Number::Float(_) => None,
        }
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Self {
        match u64::try_from(v) {
            Ok(u) => Number::PosInt(u),
            Err(_) => Number::NegInt(v),
        }
    }
}

impl From<u64> for Number {
    fn from(v: u64) -> Self {
        Number::PosInt(v)
    }
}

impl From<f64> for Number {
    fn from(v: f64) -> Self {
        Number::Float(v)
    }
}

impl Document {
    /// Whether this is [`Document::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Document::Null)
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Document::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<Number> {
        match self {
            Document::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Document::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Document>> {
        match self {
            Document::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&BTreeMap<String, Document>> {
        match self {
            Document::Object(o) => Some(o),
            _ => None,
        }
    }
}

impl From<Value> for Document {
    fn from(v: Value) -> Self {
        match v {
            Value::Null => Document::Null,
            Value::Bool(b) => Document::Bool(b),
            Value::Number(n) => Document::Number(number_from_json(&n)),
            Value::String(s) => Document::String(s),
            Value::Array(a) => {
                let mut items = Vec::with_capacity(a.len());
                for v in a {
                    items.push(Document::from(v));
                }
                Document::Array(items)
            }
            Value::Object(o) => {
                // Inserting rather than `collect`ing: collecting into a BTreeMap
                // instantiates a whole stable sort per iterator type.
                let mut map = BTreeMap::new();
                for (k, v) in o {
                    map.insert(k, Document::from(v));
                }
                Document::Object(map)
            }
        }
    }
}

fn number_from_json(n: &crate::json::Number) -> Number {
    if let Some(u) = n.as_u64() {
        Number::PosInt(u)
    } else if let Some(i) = n.as_i64() {
        Number::NegInt(i)
    } else {
        // A JSON number is a u64, an i64 or a finite f64, so this is only reached for floats.
        Number::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

impl From<&Document> for Value {
    /// Non-finite floats, which JSON numbers cannot hold, become the strings `"NaN"`,
    /// `"Infinity"` and `"-Infinity"`, as restJson1 writes them.
    fn from(d: &Document) -> Self {
        match d {
            Document::Null => Value::Null,
            Document::Bool(b) => Value::Bool(*b),
            Document::Number(Number::PosInt(u)) => Value::from(*u),
            Document::Number(Number::NegInt(i)) => Value::from(*i),
            Document::Number(Number::Float(f)) => match crate::json::Number::from_f64(*f) {
                Some(n) => Value::Number(n),
                None => Value::String(crate::encoding::fmt_f64(*f)),
            },
            Document::String(s) => Value::String(s.clone()),
            Document::Array(a) => {
                let mut items = Vec::with_capacity(a.len());
                for d in a {
                    items.push(Value::from(d));
                }
                Value::Array(items)
            }
            Document::Object(o) => {
                let mut map = crate::json::Map::new();
                for (k, v) in o {
                    map.insert(k.clone(), Value::from(v));
                }
                Value::Object(map)
            }
        }
    }
}

impl From<Document> for Value {
    fn from(d: Document) -> Self {
        Value::from(&d)
    }
}

impl std::str::FromStr for Document {
    type Err = crate::json::Error;

    /// Reads JSON text: `r#"{"k": [1, 2.5]}"#.parse::<Document>()`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::json::from_str(s).map(Document::from)
    }
}

impl std::fmt::Display for Document {
    /// Compact JSON text; non-finite floats as the strings `"NaN"`, `"Infinity"` and
    /// `"-Infinity"`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::json::to_string(&Value::from(self)))
    }
}

impl From<bool> for Document {
    fn from(v: bool) -> Self {
        Document::Bool(v)
    }
}

impl From<String> for Document {
    fn from(v: String) -> Self {
        Document::String(v)
    }
}

impl From<&str> for Document {
    fn from(v: &str) -> Self {
        Document::String(v.to_owned())
    }
}

impl From<Number> for Document {
    fn from(v: Number) -> Self {
        Document::Number(v)
    }
}

impl From<i64> for Document {
    fn from(v: i64) -> Self {
        Document::Number(v.into())
    }
}

/// So that integer literals (`i32` by default) convert without a suffix.
impl From<i32> for Document {
    fn from(v: i32) -> Self {
        Document::Number(i64::from(v).into())
    }
}

impl From<u64> for Document {
    fn from(v: u64) -> Self {
        Document::Number(v.into())
    }
}

impl From<f64> for Document {
    fn from(v: f64) -> Self {
        Document::Number(Number::Float(v))
    }
}

impl<T: Into<Document>> From<Vec<T>> for Document {
    fn from(v: Vec<T>) -> Self {
        Document::Array(v.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Document>> From<BTreeMap<String, T>> for Document {
    fn from(v: BTreeMap<String, T>) -> Self {
        Document::Object(v.into_iter().map(|(k, v)| (k, v.into())).collect())
    }
}

impl<T: Into<Document>> From<Option<T>> for Document {
    /// `None` is [`Document::Null`].
    fn from(v: Option<T>) -> Self {
        v.map_or(Document::Null, Into::into)
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use std::collections::BTreeMap;
    use std::fmt;

    use super::{Document, Number};
    use serde::de::{self, MapAccess, SeqAccess, Visitor};
    use serde::ser::{SerializeMap, SerializeSeq};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    impl Serialize for Number {
        /// Integers as integers, floats as floats; the serializer decides what a non-finite
        /// float becomes (`serde_json` writes `null`), so [`Document`] handles those itself.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match *self {
                Number::PosInt(u) => serializer.serialize_u64(u),
                Number::NegInt(i) => serializer.serialize_i64(i),
                Number::Float(f) => serializer.serialize_f64(f),
            }
        }
    }

    impl Serialize for Document {
        /// The JSON data model; non-finite floats as the strings `"NaN"`, `"Infinity"`,
        /// `"-Infinity"`, as restJson1 writes them.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Document::Null => serializer.serialize_unit(),
                Document::Bool(b) => serializer.serialize_bool(*b),
                Document::Number(Number::Float(f)) if !f.is_finite() => {
                    serializer.serialize_str(&crate::encoding::fmt_f64(*f))
                }
                Document::Number(n) => n.serialize(serializer),
                Document::String(s) => serializer.serialize_str(s),
                Document::Array(a) => {
                    let mut seq = serializer.serialize_seq(Some(a.len()))?;
                    for item in a {
                        seq.serialize_element(item)?;
                    }
                    seq.end()
                }
                Document::Object(o) => {
                    let mut map = serializer.serialize_map(Some(o.len()))?;
                    for (k, v) in o {
                        map.serialize_entry(k, v)?;
                    }
                    map.end()
                }
            }
        }
    }

    impl<'de> Deserialize<'de> for Number {
        /// Any number; a self-describing format is needed (JSON is one).
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            match Document::deserialize(deserializer)? {
                Document::Number(n) => Ok(n),
                _ => Err(serde::de::Error::custom("expected a number")),
            }
        }
    }

    impl<'de> Deserialize<'de> for Document {
        /// Any value of a self-describing format (JSON is one).
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(DocumentVisitor)
        }
    }

    struct DocumentVisitor;

    impl<'de> Visitor<'de> for DocumentVisitor {
        type Value = Document;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Document, E> {
            Ok(Document::Bool(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Document, E> {
            Ok(Document::from(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Document, E> {
            Ok(Document::from(v))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Document, E> {
            Ok(Document::Number(Number::Float(v)))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Document, E> {
            Ok(Document::String(v.to_owned()))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<Document, E> {
            Ok(Document::String(v))
        }

        fn visit_unit<E: de::Error>(self) -> Result<Document, E> {
            Ok(Document::Null)
        }

        fn visit_none<E: de::Error>(self) -> Result<Document, E> {
            Ok(Document::Null)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Document, D::Error> {
            Document::deserialize(d)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Document, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(Document::Array(items))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
            let mut members = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<String, Document>()? {
                members.insert(k, v);
            }
            Ok(Document::Object(members))
        }
    }

    #[cfg(test)]
    mod tests {
        use super::{Document, Number};

        #[test]
        fn every_kind_of_value_goes_through_serde_json_and_back() {
            let text =
                r#"{"a":[null,true,false,1,-2,2.5,"s"],"b":{"c":[]},"e":18446744073709551615}"#;
            let doc: Document = serde_json::from_str(text).unwrap();
            let Document::Object(members) = &doc else {
                panic!("an object: {doc:?}")
            };
            assert_eq!(
                members["a"],
                Document::Array(vec![
                    Document::Null,
                    Document::Bool(true),
                    Document::Bool(false),
                    Document::Number(Number::PosInt(1)),
                    Document::Number(Number::NegInt(-2)),
                    Document::Number(Number::Float(2.5)),
                    Document::String("s".to_owned()),
                ])
            );
            assert_eq!(members["e"], Document::Number(Number::PosInt(u64::MAX)));
            assert_eq!(serde_json::to_string(&doc).unwrap(), text);
            // `Option<Document>` goes through `visit_none` and `visit_some`.
            let some: Option<Document> = serde_json::from_str("[1]").unwrap();
            assert_eq!(some, Some(Document::Array(vec![Document::from(1u64)])));
            let n: Number = serde_json::from_str("-7").unwrap();
            assert_eq!(n, Number::NegInt(-7));
            assert!(serde_json::from_str::<Number>("\"7\"").is_err());
            // Non-finite floats are written as restJson1 strings.
            let nan = Document::Array(vec![
                Document::Number(Number::Float(f64::INFINITY)),
                Document::Number(Number::Float(f64::NEG_INFINITY)),
            ]);
            assert_eq!(
                serde_json::to_string(&nan).unwrap(),
                r#"["Infinity","-Infinity"]"#
            );
        }
    }
}

#[cfg(test)]
mod number_tests {
    use super::Number;

    #[test]
    fn integers_convert_where_they_fit_and_floats_never() {
        assert_eq!(Number::from(7i64).as_u64(), Some(7));
        assert_eq!(Number::PosInt(u64::MAX).as_u64(), Some(u64::MAX));
        assert_eq!(Number::PosInt(u64::MAX).as_i64(), None);
        assert_eq!(Number::from(-1i64).as_u64(), None);
        assert_eq!(Number::from(-1i64).as_i64(), Some(-1));
        assert_eq!(Number::Float(1.0).as_u64(), None);
        assert_eq!(Number::Float(1.0).as_i64(), None);
    }
}
