//! `@requestCompression`: a body of at least `MIN_COMPRESSION_SIZE` bytes goes gzip-compressed
//! with `Content-Encoding: gzip`; one byte less goes as it is. The runtime's tests build it with
//! the `gzip` feature (its dev-dependency on itself turns it on).

use aws_lite_runtime::config::{ClientConfig, RetryConfig};
use aws_lite_runtime::credentials::Credentials;
use aws_lite_runtime::http::{Bytes, CaptureClient, HttpRequest};
use aws_lite_runtime::orchestrator::{
    Handle, OperationSpec, RequestCompression, ServiceSpec, MIN_COMPRESSION_SIZE,
};

static LOCAL: ServiceSpec = ServiceSpec {
    service_id: "ivs",
    signing_name: "ivs",
    user_agent: "ivs/0.1.0",
    endpoint_rules: r#"{
        "version": "1.0",
        "parameters": {
            "Endpoint": {"builtIn": "SDK::Endpoint", "required": false, "type": "String", "documentation": "e"}
        },
        "rules": [
            {"conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}],
             "endpoint": {"url": {"ref": "Endpoint"}, "properties": {}, "headers": {}},
             "type": "endpoint"},
            {"conditions": [], "error": "an endpoint URL is required", "type": "error"}
        ]
    }"#,
    partitions: r#"{"version": "1.1", "partitions": []}"#,
};

static OP: OperationSpec = OperationSpec {
    name: "PutMetricData",
    retryable_errors: &[],
};

/// What the transport receives for a body of `len` bytes of an operation compressing with
/// `encodings`.
async fn sent(len: usize, encodings: &'static [&'static str]) -> HttpRequest {
    let capture = CaptureClient::new();
    let config = ClientConfig::builder()
        .region("us-west-2")
        .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url("http://127.0.0.1:1")
        .retry(RetryConfig::disabled())
        .http_client(capture.clone())
        .build();
    let mut request = ::http::Request::builder()
        .method("POST")
        .uri("/")
        .body(Bytes::from(vec![b'a'; len]))
        .unwrap();
    request
        .extensions_mut()
        .insert(RequestCompression(encodings));
    Handle::new(config, &LOCAL)
        .send(&OP, request)
        .await
        .unwrap();
    let mut requests = capture.requests();
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

fn encoding(r: &HttpRequest) -> Option<&str> {
    r.headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn bodies_from_the_threshold_up_are_gzipped() {
    let below = sent(MIN_COMPRESSION_SIZE - 1, &["gzip"]).await;
    assert_eq!(encoding(&below), None);
    assert_eq!(below.body().len(), MIN_COMPRESSION_SIZE - 1);

    for len in [MIN_COMPRESSION_SIZE, MIN_COMPRESSION_SIZE + 1] {
        let at = sent(len, &["gzip"]).await;
        assert_eq!(encoding(&at), Some("gzip"), "{len} bytes");
        assert!(at.body().starts_with(&[0x1f, 0x8b]), "gzip magic");
        assert!(
            at.body().len() < len / 10,
            "{len} bytes of `a` compress well"
        );
        assert_eq!(
            at.headers()["content-length"],
            at.body().len().to_string().as_str()
        );
    }
}

#[tokio::test]
async fn an_operation_without_gzip_among_its_encodings_sends_the_body_as_it_is() {
    let r = sent(MIN_COMPRESSION_SIZE * 2, &["br"]).await;
    assert_eq!(encoding(&r), None);
    assert_eq!(r.body().len(), MIN_COMPRESSION_SIZE * 2);
}
