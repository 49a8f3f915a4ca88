//! The generated CloudFront KeyValueStore crate signs with SigV4a: its endpoint rules name
//! `sigv4a` with `signingRegionSet: ["*"]`, and the generator turns on the runtime's `sigv4a`
//! feature for it. (Copied into the generated crate's `tests/` by `.ci/run`.)

use cloudfront_keyvaluestore::runtime::http::CaptureClient;
use cloudfront_keyvaluestore::{Client, Config, Credentials};

const KVS_ARN: &str =
    "arn:aws:cloudfront::123456789012:key-value-store/my-first-kvs-e10b1dce4f394248811e77167e0451ba";

#[tokio::test]
async fn get_key_is_signed_with_sigv4a_for_every_region() {
    let capture = CaptureClient::new();
    let config = Config::builder()
        .region("us-west-2")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some("session-token".to_owned()),
            None,
            "test",
        ))
        .http_client(capture.clone())
        .build();
    let client = Client::new(config);
    // The capture transport answers `200 {}`, which lacks GetKey's required members: only the
    // request matters here.
    let _ = client.get_key().kvs_arn(KVS_ARN).key("k1").send().await;
    let sent = capture.requests();
    assert_eq!(sent.len(), 1, "one request");
    let request = &sent[0];
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        request.uri().host(),
        Some("123456789012.cloudfront-kvs.global.api.aws")
    );
    assert_eq!(header("x-amz-region-set"), "*");
    assert_eq!(header("x-amz-security-token"), "session-token");
    let authorization = header("authorization");
    let date = &header("x-amz-date")[..8];
    let prefix = format!(
        "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/{date}/cloudfront-keyvaluestore/aws4_request, SignedHeaders="
    );
    assert!(authorization.starts_with(&prefix), "{authorization}");
    let signed = authorization[prefix.len()..].split(',').next().unwrap();
    for name in [
        "host",
        "x-amz-date",
        "x-amz-region-set",
        "x-amz-security-token",
    ] {
        assert!(
            signed.split(';').any(|h| h == name),
            "{name} not signed: {signed}"
        );
    }
}
