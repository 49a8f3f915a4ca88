//! AWS Signature Version 4 (header signing).
//!
//! SigV4 is a page of HMAC-SHA256 over `ring`'s SHA-256 and HMAC; doing it here spares the
//! 53 crates of the official `aws-sigv4` stack. It is proven against the official signing test suite by
//! `tests/sigv4_suite.rs`, which drives both [`sign_request`] and the lower-level steps
//! ([`canonical_request`], [`string_to_sign`], [`signing_key`], [`signature`],
//! [`authorization`]) that are public for that reason.
//!
//! Behaviour follows what `aws-sigv4` does for services other than S3: the path is normalized
//! (dot segments and empty segments removed) and percent-encoded once more on top of its wire
//! form, the body is hashed but no `x-amz-content-sha256` header is added, the session token is
//! signed, and `authorization`, `user-agent`, `x-amzn-trace-id` and `transfer-encoding` are
//! never signed (they are computed here or may be changed by proxies).

use std::cmp::Ordering;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use http::header::{HeaderName, HeaderValue, AUTHORIZATION, HOST};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::credentials::Credentials;
use crate::http::HttpRequest;

/// The algorithm name that starts the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Headers never signed: computed by the signer itself, or changed on the way by proxies
/// and load balancers (the same list as `aws-sigv4`).
pub const EXCLUDED_HEADERS: &[&str] = &[
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "transfer-encoding",
];

const X_AMZ_DATE: &str = "x-amz-date";
const X_AMZ_SECURITY_TOKEN: &str = "x-amz-security-token";
const X_AMZ_CONTENT_SHA256: &str = "x-amz-content-sha256";

/// Everything but the unreserved characters `A-Z a-z 0-9 - . _ ~` is percent-encoded.
const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// The same for a path, where `/` separates segments and stays as it is.
const PATH_ENCODE_SET: &AsciiSet = &ENCODE_SET.remove(b'/');

/// The payload hash of a request whose body is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// What to sign with: credentials, the credential scope and the signing time.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// The credentials; their `Debug` is redacted.
    pub credentials: &'a Credentials,
    /// The region of the credential scope, such as `us-west-2`.
    pub region: &'a str,
    /// The signing name of the service, `ivs` for Amazon IVS.
    pub service: &'a str,
    /// The signing time; servers reject a request whose time is more than 5 minutes off.
    pub time: SystemTime,
}

/// The parts of the algorithm that differ between AWS services. [`Default`] is what every
/// service but S3 expects, and what [`sign_request`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningSettings {
    /// Remove `.`/`..` and empty segments from the path before signing (`true`; S3 wants
    /// `false` because its keys may contain such segments).
    pub normalize_path: bool,
    /// Sign the `x-amz-security-token` header (`true`). With `false` it is added after signing
    /// and left out of the signature, which a few services (IoT) require.
    pub sign_session_token: bool,
    /// Add and sign an `x-amz-content-sha256` header with the body hash (`false`; S3 needs it).
    pub content_sha256_header: bool,
    /// Sign `UNSIGNED-PAYLOAD` instead of the body's hash (`false`; operations with
    /// `aws.auth#unsignedPayload`).
    pub unsigned_payload: bool,
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self {
            normalize_path: true,
            sign_session_token: true,
            content_sha256_header: false,
            unsigned_payload: false,
        }
    }
}

/// Why a request could not be signed. The message names the offending part, never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningError {
    message: String,
}

impl SigningError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot sign the request: {}", self.message)
    }
}

impl std::error::Error for SigningError {}

/// A canonical request (step 1 of SigV4) and the list of headers it signs.
#[derive(Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    text: String,
    signed_headers: String,
}

impl CanonicalRequest {
    /// The canonical request text, the exact bytes that are hashed into the string to sign.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The signed header names, lowercase, sorted, joined with `;`.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }
}

// Hand-written: the text may hold a session token, which must not reach a log.
impl fmt::Debug for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CanonicalRequest")
            .field("text", &"** redacted **")
            .field("signed_headers", &self.signed_headers)
            .finish()
    }
}

/// The intermediate results of signing one request, returned by [`sign_request_with`] so
/// tests and debugging can look at each step.
#[derive(Clone)]
pub struct SigningOutput {
    canonical_request: CanonicalRequest,
    string_to_sign: String,
    signature: String,
    authorization: String,
}

impl SigningOutput {
    /// The canonical request that was signed.
    pub fn canonical_request(&self) -> &CanonicalRequest {
        &self.canonical_request
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signature in lowercase hex: 64 digits for SigV4, a DER-encoded ECDSA signature for
    /// SigV4a.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The value given to the `Authorization` header.
    pub fn authorization(&self) -> &str {
        &self.authorization
    }
}

// Hand-written for the same reason as `CanonicalRequest`'s.
impl fmt::Debug for SigningOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningOutput")
            .field("canonical_request", &self.canonical_request)
            .field("string_to_sign", &self.string_to_sign)
            .field("authorization", &self.authorization)
            .finish()
    }
}

/// Signs `request` in place with the [default settings](SigningSettings::default).
///
/// Adds `host` (from the URI, when missing), `x-amz-date`, `x-amz-security-token` (when the
/// credentials have a session token) and `Authorization`, replacing earlier values of those,
/// so a retried request can be signed again. Every other header present is signed except
/// [`EXCLUDED_HEADERS`]; the body is hashed into the signature. The URI must be absolute.
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
    if params.region.is_empty() || params.service.is_empty() {
        return Err(SigningError::new(
            "the region and the service name must not be empty",
        ));
    }
    header_value("region", params.region)?;
    header_value("service", params.service)?;
    let credentials = params.credentials;
    sign_prepared(
        request,
        credentials,
        params.time,
        settings,
        None,
        |amz_date, canonical| {
            let date_stamp = &amz_date[..8];
            let scope = credential_scope(date_stamp, params.region, params.service);
            let sts = string_to_sign(amz_date, &scope, canonical.as_str());
            let key = signing_key(
                credentials.secret_access_key(),
                date_stamp,
                params.region,
                params.service,
            );
            let signature = signature(&key, &sts);
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

/// What SigV4 and SigV4a share: the headers added before signing (`host`, `x-amz-date`, the
/// session token, `x-amz-content-sha256`, and `extra`: SigV4a's `x-amz-region-set`), the
/// canonical request, and the `Authorization` header. `finish` gets `x-amz-date` and the
/// canonical request and returns the string to sign, the signature and the `Authorization`
/// value.
pub(crate) fn sign_prepared(
    request: &mut HttpRequest,
    credentials: &Credentials,
    time: SystemTime,
    settings: &SigningSettings,
    extra: Option<(HeaderName, HeaderValue)>,
    finish: impl FnOnce(&str, &CanonicalRequest) -> Result<(String, String, String), SigningError>,
) -> Result<SigningOutput, SigningError> {
    // Everything that can fail is checked before the request is touched, so a failed
    // signing leaves it as it was.
    let amz_date = amz_date(time)?;
    let date_value = header_value(X_AMZ_DATE, &amz_date)?;
    let host = match request.headers().contains_key(HOST) {
        true => None,
        false => {
            let host = host_header_value(request.uri()).ok_or_else(|| {
                SigningError::new("the request URI has no host and there is no host header")
            })?;
            Some(header_value("host", &host)?)
        }
    };
    let token = match credentials.session_token() {
        Some(token) => {
            let mut value = header_value(X_AMZ_SECURITY_TOKEN, token)?;
            value.set_sensitive(true);
            Some(value)
        }
        None => None,
    };
    // This ends up in the Authorization header.
    header_value("access key id", credentials.access_key_id())?;
    if let Some((name, _)) = request
        .headers()
        .iter()
        .find(|(_, value)| std::str::from_utf8(value.as_bytes()).is_err())
    {
        return Err(SigningError::new(format!(
            "the value of header `{name}` is not UTF-8"
        )));
    }
    let payload_hash = if settings.unsigned_payload {
        UNSIGNED_PAYLOAD.to_owned()
    } else {
        sha256_hex(request.body())
    };
    let content_sha256 = match settings.content_sha256_header {
        true => Some(header_value(X_AMZ_CONTENT_SHA256, &payload_hash)?),
        false => None,
    };

    let headers = request.headers_mut();
    if let Some(host) = host {
        headers.insert(HOST, host);
    }
    headers.remove(AUTHORIZATION);
    headers.insert(HeaderName::from_static(X_AMZ_DATE), date_value);
    headers.remove(X_AMZ_SECURITY_TOKEN);
    if settings.sign_session_token {
        if let Some(token) = &token {
            headers.insert(HeaderName::from_static(X_AMZ_SECURITY_TOKEN), token.clone());
        }
    }
    if let Some(value) = content_sha256 {
        headers.insert(HeaderName::from_static(X_AMZ_CONTENT_SHA256), value);
    }
    if let Some((name, value)) = extra {
        headers.insert(name, value);
    }

    let mut header_list = Vec::with_capacity(request.headers().len());
    for (name, value) in request.headers() {
        // Checked above; what was added since is ASCII.
        let value = std::str::from_utf8(value.as_bytes()).unwrap_or_default();
        header_list.push((name.as_str(), value));
    }
    let uri = request.uri();
    let canonical = canonical_request(
        request.method().as_str(),
        uri.path(),
        uri.query().unwrap_or(""),
        &header_list,
        &payload_hash,
        settings,
    );
    let (sts, signature, authorization) = finish(&amz_date, &canonical)?;

    let mut auth_value = header_value("authorization", &authorization)?;
    auth_value.set_sensitive(true);
    let headers = request.headers_mut();
    headers.insert(AUTHORIZATION, auth_value);
    if !settings.sign_session_token {
        if let Some(token) = token {
            headers.insert(HeaderName::from_static(X_AMZ_SECURITY_TOKEN), token);
        }
    }
    Ok(SigningOutput {
        canonical_request: canonical,
        string_to_sign: sts,
        signature,
        authorization,
    })
}

/// Builds the canonical request (step 1).
///
/// `path` and `query` are the request target as sent (already percent-encoded; not
/// validated, so the suite's raw cases such as a literal space work too). The path is
/// normalized when the settings say so, then encoded once more; query keys and values are
/// decoded, re-encoded and sorted. Header names are matched case-insensitively; values of
/// one name are joined with `,` in order, trimmed, and their runs of spaces collapsed.
/// [`EXCLUDED_HEADERS`] are skipped.
pub fn canonical_request(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(&str, &str)],
    payload_hash: &str,
    settings: &SigningSettings,
) -> CanonicalRequest {
    let path = if settings.normalize_path {
        normalize_path(path)
    } else if path.is_empty() {
        "/".to_owned()
    } else {
        path.to_owned()
    };
    let path = utf8_percent_encode(&path, PATH_ENCODE_SET).to_string();

    // Sorted by lowercase name; a stable sort keeps the values of one name in order.
    let mut sorted: Vec<(String, String)> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        if !EXCLUDED_HEADERS.contains(&name.as_str()) {
            sorted.push((name, (*value).to_owned()));
        }
    }
    sort_pairs(&mut sorted, |a, b| a.0.cmp(&b.0));
    let mut canonical_headers = String::new();
    let mut signed_headers = String::new();
    let mut previous: Option<&str> = None;
    for (name, value) in &sorted {
        if previous == Some(name.as_str()) {
            canonical_headers.push(',');
        } else {
            if previous.is_some() {
                canonical_headers.push('\n');
                signed_headers.push(';');
            }
            canonical_headers.push_str(name);
            canonical_headers.push(':');
            signed_headers.push_str(name);
        }
        push_collapsed(&mut canonical_headers, value);
        previous = Some(name.as_str());
    }
    if previous.is_some() {
        canonical_headers.push('\n');
    }

    let text = format!(
        "{method}\n{path}\n{query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        query = canonical_query(query),
    );
    CanonicalRequest {
        text,
        signed_headers,
    }
}

/// Builds the string to sign (step 2) from `x-amz-date`, the credential scope and the
/// canonical request.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// The credential scope, `YYYYMMDD/region/service/aws4_request`.
pub fn credential_scope(date_stamp: &str, region: &str, service: &str) -> String {
    format!("{date_stamp}/{region}/{service}/aws4_request")
}

/// Derives the signing key (step 3) from the secret key and the scope's parts. The key is
/// valid for one day, region and service.
pub fn signing_key(
    secret_access_key: &str,
    date_stamp: &str,
    region: &str,
    service: &str,
) -> [u8; 32] {
    let secret = format!("AWS4{secret_access_key}");
    let k_date = hmac_sha256(secret.as_bytes(), date_stamp.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, b"aws4_request")
}

/// The signature (step 4): HMAC-SHA256 of the string to sign, as lowercase hex.
pub fn signature(signing_key: &[u8], string_to_sign: &str) -> String {
    hex(&hmac_sha256(signing_key, string_to_sign.as_bytes()))
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

/// SHA-256 of `data` as lowercase hex, the form SigV4 hashes are written in.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, data).as_ref())
}

/// Formats `time` as `x-amz-date` wants it, `YYYYMMDDTHHMMSSZ` in UTC (fractions dropped).
/// Fails for years outside 0000..=9999, which the format cannot hold.
pub fn amz_date(time: SystemTime) -> Result<String, SigningError> {
    let secs: i64 = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).ok(),
        Err(before) => {
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).ok();
            // Round towards the past, as for times after the epoch.
            whole.map(|s| -s - i64::from(before.subsec_nanos() > 0))
        }
    }
    .ok_or_else(|| SigningError::new("the signing time is out of range"))?;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = crate::time::civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return Err(SigningError::new(format!(
            "the signing time's year {year} is outside 0000..=9999"
        )));
    }
    Ok(format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

/// The `host` header value for a URI: the host, plus the port unless it is the scheme's
/// default (what hyper would send).
fn host_header_value(uri: &http::Uri) -> Option<String> {
    let host = uri.host()?;
    let default_port = match uri.scheme_str() {
        Some("http") => Some(80),
        Some("https") => Some(443),
        _ => None,
    };
    Some(match uri.port_u16() {
        Some(port) if Some(port) != default_port => format!("{host}:{port}"),
        _ => host.to_owned(),
    })
}

pub(crate) fn header_value(name: &str, value: &str) -> Result<HeaderValue, SigningError> {
    HeaderValue::from_str(value).map_err(|_| {
        SigningError::new(format!(
            "the value for header `{name}` contains characters not allowed in a header"
        ))
    })
}

/// Removes dot segments (RFC 3986 section 5.2.4) and empty segments; keeps a trailing slash.
fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let mut trailing_slash = false;
    for segment in path.split('/') {
        trailing_slash = matches!(segment, "" | "." | "..");
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    if trailing_slash || out.is_empty() {
        out.push('/');
    }
    out
}

/// The canonical query string: each `key=value` pair percent-decoded, re-encoded with only
/// unreserved characters left as they are, sorted by key and then value.
fn canonical_query(query: &str) -> String {
    let mut pairs = Vec::new();
    for pair in query.split('&') {
        if !pair.is_empty() {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            pairs.push((reencode(key), reencode(value)));
        }
    }
    sort_pairs(&mut pairs, Ord::cmp);
    let mut out = String::with_capacity(query.len() + 8);
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// The one sort instantiation for both header and query pairs: a stable sort is a lot of
/// code to compile per element type and comparator, so the comparator is a fn pointer.
fn sort_pairs(
    pairs: &mut [(String, String)],
    by: fn(&(String, String), &(String, String)) -> Ordering,
) {
    pairs.sort_by(by);
}

fn reencode(component: &str) -> String {
    let decoded: Vec<u8> = percent_decode_str(component).collect();
    percent_encoding::percent_encode(&decoded, ENCODE_SET).to_string()
}

/// Appends `value` trimmed, with every run of spaces and tabs written as one space.
fn push_collapsed(out: &mut String, value: &str) {
    let mut first = true;
    for word in value.split([' ', '\t']).filter(|w| !w.is_empty()) {
        if !first {
            out.push(' ');
        }
        out.push_str(word);
        first = false;
    }
}

pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    let mut out = [0; 32];
    out.copy_from_slice(ring::hmac::sign(&key, data).as_ref());
    out
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_header_drops_only_the_scheme_default_port() {
        let host = |uri: &str| host_header_value(&uri.parse().unwrap());
        assert_eq!(
            host("http://example.com:80/").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            host("https://example.com:443/").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            host("http://example.com:443/").as_deref(),
            Some("example.com:443")
        );
        assert_eq!(
            host("https://example.com:80/").as_deref(),
            Some("example.com:80")
        );
        assert_eq!(
            host("http://127.0.0.1:5000/").as_deref(),
            Some("127.0.0.1:5000")
        );
        assert_eq!(host("https://example.com/").as_deref(), Some("example.com"));
        assert_eq!(host("/relative"), None);
    }
    use std::time::Duration;

    fn at(secs: i64) -> SystemTime {
        if secs >= 0 {
            UNIX_EPOCH + Duration::from_secs(secs as u64)
        } else {
            UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs())
        }
    }

    #[test]
    fn amz_date_formats_utc() {
        assert_eq!(amz_date(at(0)).unwrap(), "19700101T000000Z");
        assert_eq!(amz_date(at(1_440_938_160)).unwrap(), "20150830T123600Z");
        assert_eq!(amz_date(at(951_782_400)).unwrap(), "20000229T000000Z");
        assert_eq!(amz_date(at(951_868_799)).unwrap(), "20000229T235959Z");
        assert_eq!(amz_date(at(1_709_164_800)).unwrap(), "20240229T000000Z");
        assert_eq!(amz_date(at(4_107_542_400)).unwrap(), "21000301T000000Z");
        assert_eq!(amz_date(at(-1)).unwrap(), "19691231T235959Z");
        assert_eq!(amz_date(at(253_402_300_799)).unwrap(), "99991231T235959Z");
        assert_eq!(amz_date(at(-62_167_219_200)).unwrap(), "00000101T000000Z");
        // Fractions are dropped towards the past on both sides of the epoch.
        assert_eq!(
            amz_date(UNIX_EPOCH + Duration::from_millis(1_999)).unwrap(),
            "19700101T000001Z"
        );
        assert_eq!(
            amz_date(UNIX_EPOCH - Duration::from_millis(1)).unwrap(),
            "19691231T235959Z"
        );
    }

    #[test]
    fn amz_date_rejects_years_it_cannot_write() {
        assert!(amz_date(at(253_402_300_800)).is_err());
        assert!(amz_date(at(-62_167_219_201)).is_err());
    }

    #[test]
    fn civil_from_days_round_trips_every_day_of_four_centuries() {
        // Walk day by day from 1900-01-01 and compare with a naive calendar.
        let mut days = -25_567; // 1900-01-01
        for year in 1900..2300i64 {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            let lengths = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ];
            for (month, &length) in lengths.iter().enumerate() {
                for day in 1..=length {
                    assert_eq!(
                        crate::time::civil_from_days(days),
                        (year, month as u32 + 1, day)
                    );
                    days += 1;
                }
            }
        }
    }

    #[test]
    fn normalizes_paths() {
        for (input, expected) in [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/./", "/"),
            ("/example/..", "/"),
            ("/a/b/..", "/a/"),
            ("/a/b/.", "/a/b/"),
            ("/a/../../b", "/b"),
            ("//example//", "/example/"),
            ("/./example", "/example"),
            ("/a/%2E%2E/b", "/a/%2E%2E/b"),
        ] {
            assert_eq!(normalize_path(input), expected, "{input}");
        }
    }

    #[test]
    fn canonical_query_decodes_encodes_and_sorts() {
        assert_eq!(canonical_query(""), "");
        assert_eq!(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(canonical_query("flag&x="), "flag=&x=");
        assert_eq!(canonical_query("k=a%2fb+c%20d"), "k=a%2Fb%2Bc%20d");
        assert_eq!(canonical_query("arn=a:b/c"), "arn=a%3Ab%2Fc");
        // A malformed escape is kept literally, then its `%` encoded.
        assert_eq!(canonical_query("k=%zz"), "k=%25zz");
    }

    fn request(uri: &str) -> HttpRequest {
        http::Request::builder()
            .method("POST")
            .uri(uri)
            .header("content-type", "application/json")
            .header("user-agent", "ivs/0.1")
            .header("x-amzn-trace-id", "Root=1-abc")
            .body(crate::http::Bytes::from_static(b"{}"))
            .unwrap()
    }

    fn sign(
        req: &mut HttpRequest,
        token: Option<&str>,
        settings: SigningSettings,
    ) -> SigningOutput {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            token.map(str::to_owned),
            None,
            "test",
        );
        let params = SigningParams {
            credentials: &credentials,
            region: "us-west-2",
            service: "ivs",
            time: at(1_440_938_160),
        };
        sign_request_with(req, &params, &settings).unwrap()
    }

    fn header<'a>(req: &'a HttpRequest, name: &str) -> Vec<&'a str> {
        req.headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    }

    #[test]
    fn sign_request_adds_host_date_token_and_authorization() {
        let mut req = request("https://ivs.us-west-2.amazonaws.com/CreateChannel");
        let out = sign(&mut req, Some("tok"), SigningSettings::default());
        assert_eq!(header(&req, "host"), ["ivs.us-west-2.amazonaws.com"]);
        assert_eq!(header(&req, "x-amz-date"), ["20150830T123600Z"]);
        assert_eq!(header(&req, "x-amz-security-token"), ["tok"]);
        assert!(header(&req, "x-amz-content-sha256").is_empty());
        assert_eq!(header(&req, "authorization"), [out.authorization()]);
        assert!(out.authorization().starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/ivs/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
        ));
        // The body is hashed into the canonical request.
        assert!(out
            .canonical_request()
            .as_str()
            .ends_with(&sha256_hex(b"{}")));
        assert!(req.headers().get("authorization").unwrap().is_sensitive());
        assert!(req
            .headers()
            .get("x-amz-security-token")
            .unwrap()
            .is_sensitive());
    }

    #[test]
    fn signing_again_replaces_instead_of_adding() {
        let mut req = request("https://ivs.us-west-2.amazonaws.com/CreateChannel");
        let first = sign(&mut req, Some("tok"), SigningSettings::default());
        let second = sign(&mut req, Some("tok"), SigningSettings::default());
        assert_eq!(first.authorization(), second.authorization());
        for name in [
            "host",
            "x-amz-date",
            "x-amz-security-token",
            "authorization",
        ] {
            assert_eq!(header(&req, name).len(), 1, "{name}");
        }
        // Credentials without a token remove a stale one.
        sign(&mut req, None, SigningSettings::default());
        assert!(header(&req, "x-amz-security-token").is_empty());
    }

    #[test]
    fn host_keeps_a_non_default_port_and_an_existing_host_header() {
        let mut req = request("http://127.0.0.1:5000/ListChannels");
        sign(&mut req, None, SigningSettings::default());
        assert_eq!(header(&req, "host"), ["127.0.0.1:5000"]);
        let mut req = request("https://example.com:443/");
        sign(&mut req, None, SigningSettings::default());
        assert_eq!(header(&req, "host"), ["example.com"]);
        let mut req = request("https://[::1]:8443/");
        sign(&mut req, None, SigningSettings::default());
        assert_eq!(header(&req, "host"), ["[::1]:8443"]);
        let mut req = request("https://example.com/");
        req.headers_mut()
            .insert(HOST, HeaderValue::from_static("proxy.example"));
        sign(&mut req, None, SigningSettings::default());
        assert_eq!(header(&req, "host"), ["proxy.example"]);
    }

    #[test]
    fn settings_move_the_token_and_add_the_body_hash() {
        let settings = SigningSettings {
            sign_session_token: false,
            content_sha256_header: true,
            ..SigningSettings::default()
        };
        let mut req = request("https://example.com/");
        let out = sign(&mut req, Some("tok"), settings);
        assert_eq!(header(&req, "x-amz-security-token"), ["tok"]);
        assert_eq!(
            header(&req, "x-amz-content-sha256"),
            [sha256_hex(b"{}").as_str()]
        );
        assert_eq!(
            out.canonical_request().signed_headers(),
            "content-type;host;x-amz-content-sha256;x-amz-date"
        );
    }

    #[test]
    fn unsignable_requests_are_errors_not_panics() {
        let credentials = Credentials::new("AKID", "secret", None, None, "test");
        let params = |region| SigningParams {
            credentials: &credentials,
            region,
            service: "ivs",
            time: at(0),
        };
        let mut relative = request("/ListChannels");
        let e = sign_request(&mut relative, &params("us-west-2")).unwrap_err();
        assert!(e.to_string().contains("no host"), "{e}");

        let mut bad_header = request("https://example.com/");
        bad_header
            .headers_mut()
            .insert("x-custom", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        let before = bad_header.headers().clone();
        let e = sign_request(&mut bad_header, &params("us-west-2")).unwrap_err();
        assert!(e.to_string().contains("x-custom"), "{e}");
        assert_eq!(
            bad_header.headers(),
            &before,
            "a failed signing changes nothing"
        );

        let e = sign_request(&mut request("https://example.com/"), &params("")).unwrap_err();
        assert!(e.to_string().contains("region"), "{e}");

        let token = Credentials::new("AKID", "secret", Some("bad\ntoken".into()), None, "t");
        let e = sign_request(
            &mut request("https://example.com/"),
            &SigningParams {
                credentials: &token,
                ..params("us-west-2")
            },
        )
        .unwrap_err();
        assert!(!e.to_string().contains("bad"), "{e}");
    }

    #[test]
    fn hex_and_sha256() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // RFC 4231 test case 2: a key shorter than the block, as SigV4's first step has.
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
