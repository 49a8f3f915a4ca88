//! Auth schemes of an operation (`AuthSpec`): SigV4, bearer tokens, unsigned requests, the
//! fallback of `@optionalAuth`, and `UNSIGNED-PAYLOAD`.

use aws_lite_runtime::config::ClientConfig;
use aws_lite_runtime::credentials::Credentials;
use aws_lite_runtime::error::ErrorKind;
use aws_lite_runtime::http::{Bytes, HttpRequest, ReplayClient};
use aws_lite_runtime::orchestrator::{AuthScheme, AuthSpec, Handle, OperationSpec, ServiceSpec};
use aws_lite_runtime::sigv4::{self, SigningParams, SigningSettings};

static SERVICE: ServiceSpec = ServiceSpec {
    service_id: "Svc",
    signing_name: "svc",
    user_agent: "svc/0.1.0",
    endpoint_rules: r#"{
        "version": "1.0",
        "parameters": {
            "Region": {"builtIn": "AWS::Region", "required": false, "type": "String", "documentation": "r"}
        },
        "rules": [{"conditions": [], "endpoint": {"url": "https://svc.example.com"}, "type": "endpoint"}]
    }"#,
    partitions: r#"{"version": "1.1", "partitions": []}"#,
};

static OP: OperationSpec = OperationSpec {
    name: "Op",
    retryable_errors: &[],
};

fn request(body: &'static str) -> HttpRequest {
    ::http::Request::builder()
        .method("POST")
        .uri("/op")
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap()
}

fn handle(replay: &ReplayClient, credentials: bool, token: Option<&str>) -> Handle {
    let mut b = ClientConfig::builder()
        .region("us-west-2")
        .http_client(replay.clone());
    if credentials {
        b = b.credentials(Credentials::new("AKID", "SECRET", None, None, "test"));
    }
    if let Some(t) = token {
        b = b.bearer_token(t);
    }
    Handle::new(b.build(), &SERVICE)
}

async fn sent(handle: &Handle, replay: &ReplayClient, auth: &AuthSpec) -> HttpRequest {
    replay.push_json(200, "{}");
    handle
        .send_with_auth(&OP, auth, request("{\"a\":1}"))
        .await
        .expect("sent");
    replay.requests().pop().expect("a request")
}

fn authorization(r: &HttpRequest) -> Option<&str> {
    r.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn anonymous_requests_are_not_signed() {
    let replay = ReplayClient::new();
    let spec = AuthSpec {
        schemes: &[AuthScheme::Anonymous],
        unsigned_payload: false,
    };
    let r = sent(&handle(&replay, true, None), &replay, &spec).await;
    assert_eq!(authorization(&r), None);
    assert!(r.headers().get("x-amz-date").is_none());
}

#[tokio::test]
async fn optional_auth_signs_when_it_can_and_sends_unsigned_otherwise() {
    let spec = AuthSpec {
        schemes: &[AuthScheme::SigV4, AuthScheme::Anonymous],
        unsigned_payload: false,
    };
    let replay = ReplayClient::new();
    let r = sent(&handle(&replay, true, None), &replay, &spec).await;
    assert!(authorization(&r)
        .unwrap()
        .starts_with("AWS4-HMAC-SHA256 Credential=AKID/"));
    let replay = ReplayClient::new();
    let r = sent(&handle(&replay, false, None), &replay, &spec).await;
    assert_eq!(authorization(&r), None);
}

#[tokio::test]
async fn bearer_tokens_go_in_the_authorization_header_and_stay_secret() {
    let spec = AuthSpec {
        schemes: &[AuthScheme::Bearer],
        unsigned_payload: false,
    };
    let replay = ReplayClient::new();
    let h = handle(&replay, true, Some("tok-123"));
    let r = sent(&h, &replay, &spec).await;
    assert_eq!(authorization(&r), Some("Bearer tok-123"));
    assert!(r.headers()["authorization"].is_sensitive());
    assert!(!format!("{:?}", h.config()).contains("tok-123"));
    // Without a token the request is not sent, and the error says what to configure.
    let replay = ReplayClient::new();
    let err = handle(&replay, true, None)
        .send_with_auth(&OP, &spec, request("{}"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Credentials);
    assert!(
        err.to_string().contains("no bearer token is configured"),
        "{err}"
    );
    assert!(replay.requests().is_empty());
}

#[tokio::test]
async fn schemes_are_tried_in_order() {
    let bearer_first = AuthSpec {
        schemes: &[AuthScheme::Bearer, AuthScheme::SigV4],
        unsigned_payload: false,
    };
    let replay = ReplayClient::new();
    let r = sent(&handle(&replay, true, Some("t")), &replay, &bearer_first).await;
    assert_eq!(authorization(&r), Some("Bearer t"));
    // No token: the next scheme, SigV4.
    let replay = ReplayClient::new();
    let r = sent(&handle(&replay, true, None), &replay, &bearer_first).await;
    assert!(authorization(&r).unwrap().starts_with("AWS4-HMAC-SHA256"));
}

#[test]
fn unsigned_payload_signs_the_literal_instead_of_the_body_hash() {
    let credentials = Credentials::new("AKID", "SECRET", None, None, "test");
    let params = SigningParams {
        credentials: &credentials,
        region: "us-west-2",
        service: "svc",
        time: std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000),
    };
    let sign = |unsigned: bool, body: &'static str| {
        let mut r = request(body);
        *r.uri_mut() = "https://svc.example.com/op".parse().unwrap();
        let mut settings = SigningSettings::default();
        settings.unsigned_payload = unsigned;
        let out = sigv4::sign_request_with(&mut r, &params, &settings).unwrap();
        (
            out.canonical_request().as_str().to_owned(),
            authorization(&r).unwrap().to_owned(),
        )
    };
    let (canonical, a1) = sign(true, "one body");
    assert!(canonical.contains("UNSIGNED-PAYLOAD"), "{canonical}");
    // The body no longer changes the signature; with its hash signed, it does.
    assert_eq!(sign(true, "another body").1, a1);
    assert_ne!(sign(false, "one body").1, sign(false, "another body").1);
}

/// The client signs `UNSIGNED-PAYLOAD` for an operation whose `AuthSpec` asks for it: the
/// request it sent verifies only when re-signed that way, at the same instant.
#[tokio::test]
async fn the_client_signs_unsigned_payload_when_the_operation_asks() {
    use aws_lite_runtime::time::{DateTime, Format};

    let replay = ReplayClient::new();
    let spec = AuthSpec {
        schemes: &[AuthScheme::SigV4],
        unsigned_payload: true,
    };
    let r = sent(&handle(&replay, true, None), &replay, &spec).await;
    let date = r.headers()["x-amz-date"].to_str().unwrap().to_owned();
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &date[0..4],
        &date[4..6],
        &date[6..8],
        &date[9..11],
        &date[11..13],
        &date[13..15]
    );
    let time = DateTime::from_str(&iso, Format::DateTime)
        .unwrap()
        .to_system_time()
        .unwrap();
    let credentials = Credentials::new("AKID", "SECRET", None, None, "test");
    let resign = |unsigned: bool| {
        let mut copy = HttpRequest::new(r.body().clone());
        *copy.method_mut() = r.method().clone();
        *copy.uri_mut() = r.uri().clone();
        *copy.headers_mut() = r.headers().clone();
        let params = SigningParams {
            credentials: &credentials,
            region: "us-west-2",
            service: "svc",
            time,
        };
        let mut settings = SigningSettings::default();
        settings.unsigned_payload = unsigned;
        sigv4::sign_request_with(&mut copy, &params, &settings).unwrap();
        authorization(&copy).unwrap().to_owned()
    };
    let sent_authorization = authorization(&r).unwrap();
    assert_eq!(resign(true), sent_authorization);
    assert_ne!(resign(false), sent_authorization);
}
