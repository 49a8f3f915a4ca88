//! AWS Signature Version 4a (`AWS4-ECDSA-P256-SHA256`, header signing), behind the `sigv4a`
//! feature.
//!
//! SigV4a signs for a set of regions (`x-amz-region-set`, such as `*`) with an ECDSA P-256 key
//! derived from the secret access key, so one signature is valid wherever the endpoint routes
//! the request (CloudFront KeyValueStore, S3 Multi-Region Access Points, EventBridge global
//! endpoints). Everything up to the canonical request is SigV4's ([`crate::sigv4`]); what differs:
//!
//! - the `x-amz-region-set` header is added and signed;
//! - the credential scope has no region: `YYYYMMDD/service/aws4_request`;
//! - the key is a P-256 private key derived once per access key (NIST SP 800-108 counter-mode
//!   KDF over HMAC-SHA256, see [`SigningKey::derive`]) instead of a daily HMAC chain;
//! - the signature is ECDSA over SHA-256 of the string to sign, DER-encoded, in hex.
//!
//! The curve arithmetic and ECDSA are RustCrypto's `p256`; HMAC and SHA-256 are `ring`'s, as for
//! SigV4. `tests/sigv4a_botocore.rs` checks this module against botocore's CRT signer.

use std::fmt;
use std::time::SystemTime;

use http::header::HeaderName;
use p256::ecdsa::signature::Signer as _;
use p256::elliptic_curve::ff::PrimeField as _;

use crate::credentials::Credentials;
use crate::http::HttpRequest;
use crate::sigv4::{
    self, header_value, hex, hmac_sha256, SigningError, SigningOutput, SigningSettings,
};

/// The algorithm name that starts the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "AWS4-ECDSA-P256-SHA256";

/// The header that carries the region set, signed with the request.
pub const X_AMZ_REGION_SET: &str = "x-amz-region-set";

/// What to sign with: credentials, the region set and service of the scope, the signing time.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// The credentials; their `Debug` is redacted.
    pub credentials: &'a Credentials,
    /// The regions the signature is valid in, comma-separated: `*`, or `us-east-1,us-west-2`.
    pub region_set: &'a str,
    /// The signing name of the service, such as `cloudfront-keyvaluestore`.
    pub service: &'a str,
    /// The signing time; servers reject a request whose time is more than 5 minutes off.
    pub time: SystemTime,
}

/// A SigV4a private key, derived from an access key pair. Its `Debug` is redacted.
#[derive(Clone)]
pub struct SigningKey {
    key: p256::ecdsa::SigningKey,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(** redacted **)")
    }
}

impl SigningKey {
    /// Derives the key of an access key pair, as every AWS SDK does: HMAC-SHA256 keyed with
    /// `"AWS4A" + secret` over the KDF's fixed input (counter `1` as 4 bytes, the label
    /// [`ALGORITHM`], a zero byte, the access key id and a one-byte attempt counter, the output
    /// length `256` as 4 bytes) gives a candidate `k0`; while `k0` exceeds `n - 2` (`n` the
    /// curve's order) the attempt counter goes up, and the key is `k0 + 1`.
    pub fn derive(access_key_id: &str, secret_access_key: &str) -> Result<Self, SigningError> {
        let input_key = format!("AWS4A{secret_access_key}");
        let mut fixed = Vec::with_capacity(4 + ALGORITHM.len() + 1 + access_key_id.len() + 5);
        // Each attempt has a one-in-2^32 chance to fail; 254 of them cannot all fail.
        for attempt in 1..=u8::MAX {
            fixed.clear();
            fixed.extend_from_slice(&1u32.to_be_bytes());
            fixed.extend_from_slice(ALGORITHM.as_bytes());
            fixed.push(0);
            fixed.extend_from_slice(access_key_id.as_bytes());
            fixed.push(attempt);
            fixed.extend_from_slice(&256u32.to_be_bytes());
            let k0 = hmac_sha256(input_key.as_bytes(), &fixed);
            // `from_repr` accepts `k0 < n`, and `k0 + 1` is non-zero unless `k0 = n - 1`:
            // together, `k0 <= n - 2`.
            let scalar = Option::<p256::Scalar>::from(p256::Scalar::from_repr(k0.into()));
            let key = scalar
                .map(|k0| k0 + p256::Scalar::ONE)
                .and_then(|d| Option::<p256::NonZeroScalar>::from(p256::NonZeroScalar::new(d)));
            if let Some(d) = key {
                return Ok(SigningKey {
                    key: p256::ecdsa::SigningKey::from(d),
                });
            }
        }
        Err(SigningError::new(
            "no SigV4a key can be derived from these credentials",
        ))
    }

    /// Signs `string_to_sign` (ECDSA P-256 over its SHA-256): the DER-encoded signature as
    /// lowercase hex.
    pub fn sign(&self, string_to_sign: &str) -> String {
        let signature: p256::ecdsa::Signature = self.key.sign(string_to_sign.as_bytes());
        hex(signature.to_der().as_bytes())
    }

    /// The public key as an uncompressed SEC1 point (`04 || x || y`, 65 bytes), for whoever
    /// verifies the signatures.
    pub fn public_key_sec1(&self) -> Vec<u8> {
        self.key
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec()
    }
}

/// Signs `request` in place with SigV4a and the [default settings](SigningSettings::default).
///
/// As [`sigv4::sign_request`], and also sets `x-amz-region-set` to the region set.
pub fn sign_request(
    request: &mut HttpRequest,
    params: &SigningParams<'_>,
) -> Result<(), SigningError> {
    sign_request_with(request, params, &SigningSettings::default()).map(|_| ())
}

/// [`sign_request`] with explicit [`SigningSettings`]; also returns the intermediate steps.
pub fn sign_request_with(
    request: &mut HttpRequest,
    params: &SigningParams<'_>,
    settings: &SigningSettings,
) -> Result<SigningOutput, SigningError> {
    if params.region_set.is_empty() || params.service.is_empty() {
        return Err(SigningError::new(
            "the region set and the service name must not be empty",
        ));
    }
    let region_set = header_value(X_AMZ_REGION_SET, params.region_set)?;
    header_value("service", params.service)?;
    let credentials = params.credentials;
    let key = SigningKey::derive(credentials.access_key_id(), credentials.secret_access_key())?;
    sigv4::sign_prepared(
        request,
        credentials,
        params.time,
        settings,
        Some((HeaderName::from_static(X_AMZ_REGION_SET), region_set)),
        |amz_date, canonical| {
            let scope = credential_scope(&amz_date[..8], params.service);
            let sts = string_to_sign(amz_date, &scope, canonical.as_str());
            let signature = key.sign(&sts);
            let authorization = authorization(
                credentials.access_key_id(),
                &scope,
                canonical.signed_headers(),
                &signature,
            );
            Ok((sts, signature, authorization))
        },
    )
}

/// The credential scope, `YYYYMMDD/service/aws4_request`: no region, the region set is a
/// signed header instead.
pub fn credential_scope(date_stamp: &str, service: &str) -> String {
    format!("{date_stamp}/{service}/aws4_request")
}

/// The string to sign from `x-amz-date`, the credential scope and the canonical request.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sigv4::sha256_hex(canonical_request.as_bytes())
    )
}

/// The value of the `Authorization` header.
pub fn authorization(
    access_key_id: &str,
    scope: &str,
    signed_headers: &str,
    signature: &str,
) -> String {
    format!("{ALGORITHM} Credential={access_key_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier as _;
    use p256::elliptic_curve::sec1::ToEncodedPoint as _;
    use std::time::{Duration, UNIX_EPOCH};

    /// P-256's order `n`, big-endian (SP 800-186, 3.2.1.3).
    const ORDER: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x51,
    ];

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn verify(key: &SigningKey, message: &str, signature_hex: &str) -> bool {
        let public = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.public_key_sec1()).unwrap();
        let signature = p256::ecdsa::Signature::from_der(&unhex(signature_hex)).unwrap();
        public.verify(message.as_bytes(), &signature).is_ok()
    }

    /// The KDF's first candidate for these credentials, computed here from the definition.
    fn first_candidate(access_key_id: &str, secret: &str) -> [u8; 32] {
        let mut fixed = vec![0, 0, 0, 1];
        fixed.extend_from_slice(b"AWS4-ECDSA-P256-SHA256\0");
        fixed.extend_from_slice(access_key_id.as_bytes());
        fixed.extend_from_slice(&[1, 0, 0, 1, 0]);
        let key =
            ring::hmac::Key::new(ring::hmac::HMAC_SHA256, format!("AWS4A{secret}").as_bytes());
        ring::hmac::sign(&key, &fixed).as_ref().try_into().unwrap()
    }

    /// `k0 + 1` as 32 big-endian bytes (`k0 < n - 1` here, so no carry out).
    fn plus_one(mut k: [u8; 32]) -> [u8; 32] {
        for byte in k.iter_mut().rev() {
            let (sum, carry) = byte.overflowing_add(1);
            *byte = sum;
            if !carry {
                break;
            }
        }
        k
    }

    #[test]
    fn derived_key_is_the_first_candidate_plus_one() {
        // Credentials of the official test suite, and one whose first candidate is above n/2
        // (so a comparison with n/2 instead of n - 2 would derive another key).
        for (akid, secret) in [
            ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            ("AKID", "SECRET"),
            ("AKIAIOSFODNN7EXAMPLE", "s3cr3t"),
        ] {
            let k0 = first_candidate(akid, secret);
            assert!(k0 < ORDER, "{akid}: first candidate not below n");
            let key = SigningKey::derive(akid, secret).unwrap();
            assert_eq!(
                key.key.to_bytes().as_slice(),
                plus_one(k0),
                "{akid}: the private key"
            );
            // The public key is the private key times the generator.
            let public = p256::PublicKey::from_secret_scalar(&key.key.as_nonzero_scalar().clone());
            assert_eq!(
                key.public_key_sec1(),
                public.to_encoded_point(false).as_bytes(),
            );
            assert_eq!(key.public_key_sec1().len(), 65);
        }
        // At least one case has k0 > n/2: the n - 2 bound is exercised, not n/2's.
        let above_half = [
            ("AKID", "SECRET"),
            ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            ("AKIAIOSFODNN7EXAMPLE", "s3cr3t"),
        ]
        .iter()
        .any(|(a, s)| first_candidate(a, s)[0] >= 0x80);
        assert!(above_half, "no case with a first candidate above n/2");
    }

    #[test]
    fn signatures_verify_under_the_derived_public_key() {
        let key = SigningKey::derive("AKIDEXAMPLE", "secret").unwrap();
        let signature = key.sign("AWS4-ECDSA-P256-SHA256\n20150830T123600Z\nscope\nhash");
        assert!(verify(
            &key,
            "AWS4-ECDSA-P256-SHA256\n20150830T123600Z\nscope\nhash",
            &signature
        ));
        assert!(!verify(&key, "another message", &signature));
        let other = SigningKey::derive("AKIDEXAMPLE", "secret2").unwrap();
        assert!(!verify(
            &other,
            "AWS4-ECDSA-P256-SHA256\n20150830T123600Z\nscope\nhash",
            &signature
        ));
        assert!(!format!("{key:?}").contains("secret"));
    }

    fn request() -> HttpRequest {
        http::Request::builder()
            .method("GET")
            .uri("https://kvs.cloudfront-kvs.global.api.aws/key-value-stores/arn%3Aaws%3Ax/keys?MaxResults=5")
            .header("content-type", "application/json")
            .header("user-agent", "test/0.1")
            .body(crate::http::Bytes::new())
            .unwrap()
    }

    #[test]
    fn sign_request_adds_region_set_and_signs_with_the_derived_key() {
        let credentials = Credentials::new("AKID", "SECRET", Some("tok".into()), None, "test");
        let params = SigningParams {
            credentials: &credentials,
            region_set: "us-east-1,us-west-2",
            service: "cloudfront-keyvaluestore",
            time: UNIX_EPOCH + Duration::from_secs(1_440_938_160),
        };
        let mut req = request();
        let out = sign_request_with(&mut req, &params, &SigningSettings::default()).unwrap();
        let header = |name: &str| {
            req.headers()
                .get(name)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(header("x-amz-region-set"), "us-east-1,us-west-2");
        assert_eq!(header("x-amz-security-token"), "tok");
        assert_eq!(header("x-amz-date"), "20150830T123600Z");
        assert_eq!(
            out.canonical_request().signed_headers(),
            "content-type;host;x-amz-date;x-amz-region-set;x-amz-security-token"
        );
        assert!(out
            .canonical_request()
            .as_str()
            .contains("\nx-amz-region-set:us-east-1,us-west-2\n"));
        let scope = "20150830/cloudfront-keyvaluestore/aws4_request";
        assert_eq!(
            out.string_to_sign(),
            format!(
                "AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n{scope}\n{}",
                sigv4::sha256_hex(out.canonical_request().as_str().as_bytes())
            )
        );
        assert_eq!(
            header("authorization"),
            format!(
                "AWS4-ECDSA-P256-SHA256 Credential=AKID/{scope}, SignedHeaders=\
                 content-type;host;x-amz-date;x-amz-region-set;x-amz-security-token, \
                 Signature={}",
                out.signature()
            )
        );
        let key = SigningKey::derive("AKID", "SECRET").unwrap();
        assert!(verify(&key, out.string_to_sign(), out.signature()));
        assert!(req.headers().get("authorization").unwrap().is_sensitive());

        // Signing again replaces the headers instead of adding to them.
        sign_request(&mut req, &params).unwrap();
        for name in ["x-amz-region-set", "x-amz-date", "authorization", "host"] {
            assert_eq!(req.headers().get_all(name).iter().count(), 1, "{name}");
        }
    }

    #[test]
    fn unsignable_requests_are_errors() {
        let credentials = Credentials::new("AKID", "SECRET", None, None, "test");
        let params = |region_set| SigningParams {
            credentials: &credentials,
            region_set,
            service: "svc",
            time: UNIX_EPOCH,
        };
        let e = sign_request(&mut request(), &params("")).unwrap_err();
        assert!(e.to_string().contains("region set"), "{e}");
        let mut req = request();
        let before = req.headers().clone();
        let e = sign_request(&mut req, &params("us-east-1\n")).unwrap_err();
        assert!(e.to_string().contains("x-amz-region-set"), "{e}");
        assert_eq!(req.headers(), &before, "a failed signing changes nothing");
    }
}
