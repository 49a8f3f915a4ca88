//! Binary data: Smithy's `blob` shape, base64 on the JSON wire.

use std::fmt;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;

/// Binary data (Smithy `blob`). In JSON bodies and headers it travels as standard base64
/// (RFC 4648 section 4, with padding).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Blob {
    inner: Vec<u8>,
}

/// Why a string is not valid base64; its `Display` says where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base64Error {
    message: String,
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid base64: {}", self.message)
    }
}

impl std::error::Error for Base64Error {}

/// Standard alphabet; decoding accepts input with or without `=` padding, since some
/// encoders drop it and the data is the same either way.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

impl Blob {
    /// A blob holding `v`.
    pub fn new(v: impl Into<Vec<u8>>) -> Self {
        Self { inner: v.into() }
    }

    /// The bytes, by value.
    pub fn into_inner(self) -> Vec<u8> {
        self.inner
    }

    /// Standard base64 with padding (`"foo"` -> `"Zm9v"`).
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.inner)
    }

    /// Decodes standard base64; `=` padding is optional, whitespace and the URL-safe
    /// alphabet are not accepted.
    pub fn from_base64(s: &str) -> Result<Blob, Base64Error> {
        LENIENT.decode(s).map(Blob::new).map_err(|e| Base64Error {
            message: e.to_string(),
        })
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.inner
    }
}

impl From<Vec<u8>> for Blob {
    fn from(v: Vec<u8>) -> Self {
        Self::new(v)
    }
}

impl From<&[u8]> for Blob {
    fn from(v: &[u8]) -> Self {
        Self::new(v)
    }
}

impl From<Blob> for Vec<u8> {
    fn from(b: Blob) -> Self {
        b.inner
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::Blob;
    use serde::de::{self, Visitor};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::fmt;

    impl Serialize for Blob {
        /// A base64 string, as the JSON wire carries blobs.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(&self.to_base64())
        }
    }

    struct BlobVisitor;

    impl Visitor<'_> for BlobVisitor {
        type Value = Blob;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a base64 string")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Blob, E> {
            Blob::from_base64(v).map_err(E::custom)
        }
    }

    impl<'de> Deserialize<'de> for Blob {
        /// Reads a base64 string.
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_str(BlobVisitor)
        }
    }
}
