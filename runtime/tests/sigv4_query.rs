//! SigV4's canonical query with a key given several values, which the official suite lacks:
//! pairs sort by encoded key, then by encoded value (byte order, so `10` before `2`), and a
//! key without `=` gets an empty value. The expected signature was computed apart, with
//! Python's `hmac`/`hashlib` following the SigV4 specification step by step.

use std::time::{Duration, UNIX_EPOCH};

use aws_lite_runtime::credentials::Credentials;
use aws_lite_runtime::http::Bytes;
use aws_lite_runtime::sigv4::{sign_request_with, SigningParams, SigningSettings};

#[test]
fn a_key_with_several_values_sorts_by_value_and_signs() {
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "test",
    );
    let mut request = ::http::Request::builder()
        .uri("https://example.amazonaws.com/?b=2&a=3&a=1&a=2&a=10&a=%2A&c")
        .body(Bytes::new())
        .unwrap();
    let params = SigningParams {
        credentials: &credentials,
        region: "us-east-1",
        service: "service",
        // 2015-08-30T12:36:00Z, the official suite's time
        time: UNIX_EPOCH + Duration::from_secs(1_440_938_160),
    };
    let out = sign_request_with(&mut request, &params, &SigningSettings::default()).unwrap();
    let lines: Vec<&str> = out.canonical_request().as_str().lines().collect();
    assert_eq!(lines[2], "a=%2A&a=1&a=10&a=2&a=3&b=2&c=");
    assert_eq!(
        out.signature(),
        "742fd8385dc80ec307b89ac6c8d0c5d09fe6d986c60d866edbd3cff6582db955"
    );
    // The request itself is sent as written: only the signature sees the sorted form.
    assert_eq!(request.uri().query(), Some("b=2&a=3&a=1&a=2&a=10&a=%2A&c"));
}
