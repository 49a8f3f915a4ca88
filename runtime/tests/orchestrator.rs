//! The orchestrator against canned answers: endpoint, signing, user agent, retries, timeouts.
//!
//! Time is paused (`start_paused`): backoff sleeps and timeouts advance the clock instead of
//! waiting, so no test waits real seconds.

use std::sync::OnceLock;
use std::time::Duration;

use aws_lite_runtime::config::{ClientConfig, ClientConfigBuilder, RetryConfig, TimeoutConfig};
use aws_lite_runtime::credentials::Credentials;
use aws_lite_runtime::error::{parse_error_metadata, ErrorKind};
use aws_lite_runtime::http::{Bytes, ConnectorErrorKind, HttpRequest, Replay, ReplayClient};
use aws_lite_runtime::orchestrator::{Handle, OperationSpec, ServiceSpec};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "session-token-that-must-stay-secret";

/// The IVS service as generated code describes it: the real rule set and partition table.
fn ivs() -> &'static ServiceSpec {
    static SPEC: OnceLock<ServiceSpec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../model/");
        let model: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{root}ivs.json")).unwrap())
                .unwrap();
        let rules = model["shapes"]
            .as_object()
            .unwrap()
            .values()
            .find_map(|s| s["traits"].get("smithy.rules#endpointRuleSet"))
            .unwrap()
            .to_string();
        let partitions = std::fs::read_to_string(format!("{root}partitions.json")).unwrap();
        ServiceSpec {
            service_id: "ivs",
            signing_name: "ivs",
            user_agent: "ivs/0.1.0",
            endpoint_rules: Box::leak(rules.into_boxed_str()),
            partitions: Box::leak(partitions.into_boxed_str()),
        }
    })
}

/// A rule set whose one endpoint carries a header and a sigv4 auth scheme with its own
/// signing region and name.
static AUTH_SCHEME_SERVICE: ServiceSpec = ServiceSpec {
    service_id: "ivs",
    signing_name: "ivs",
    user_agent: "ivs/0.1.0",
    endpoint_rules: r#"{
        "version": "1.0",
        "parameters": {
            "Region": {"builtIn": "AWS::Region", "required": false, "type": "String", "documentation": "r"},
            "UseFIPS": {"builtIn": "AWS::UseFIPS", "required": true, "default": false, "type": "Boolean", "documentation": "f"},
            "UseDualStack": {"builtIn": "AWS::UseDualStack", "required": true, "default": false, "type": "Boolean", "documentation": "d"},
            "Endpoint": {"builtIn": "SDK::Endpoint", "required": false, "type": "String", "documentation": "e"}
        },
        "rules": [{
            "conditions": [],
            "endpoint": {
                "url": "https://custom.example.com/base",
                "properties": {"authSchemes": [{"name": "sigv4", "signingName": "ivs-custom", "signingRegion": "eu-central-1"}]},
                "headers": {"x-endpoint-header": ["a", "b"]}
            },
            "type": "endpoint"
        }]
    }"#,
    partitions: r#"{"version": "1.1", "partitions": []}"#,
};

static BROKEN_SERVICE: ServiceSpec = ServiceSpec {
    service_id: "ivs",
    signing_name: "ivs",
    user_agent: "ivs/0.1.0",
    endpoint_rules: "this is not a rule set",
    partitions: r#"{"version": "1.1", "partitions": []}"#,
};

static CREATE_CHANNEL: OperationSpec = OperationSpec {
    name: "CreateChannel",
    retryable_errors: &[],
};

static WITH_MODELED_RETRYABLE: OperationSpec = OperationSpec {
    name: "GetThing",
    retryable_errors: &["PendingVerification"],
};

fn credentials(token: Option<&str>) -> Credentials {
    Credentials::new("AKID", SECRET, token.map(str::to_owned), None, "test")
}

fn builder(replay: &ReplayClient) -> ClientConfigBuilder {
    ClientConfig::builder()
        .region("us-west-2")
        .credentials(credentials(None))
        .http_client(replay.clone())
}

fn handle(replay: &ReplayClient) -> Handle {
    Handle::new(builder(replay).build(), ivs())
}

fn request() -> HttpRequest {
    ::http::Request::builder()
        .method("POST")
        .uri("/CreateChannel")
        .header("content-type", "application/json")
        .body(Bytes::from_static(b"{\"name\":\"demo\"}"))
        .unwrap()
}

fn error_response(status: u16, code: Option<&str>, request_id: &str) -> Replay {
    let mut b = ::http::Response::builder()
        .status(status)
        .header("x-amzn-RequestId", request_id);
    if let Some(code) = code {
        b = b.header(
            "x-amzn-ErrorType",
            format!("{code}:http://internal.amazon.com/"),
        );
    }
    Replay::Response(b.body(Bytes::from_static(b"{\"message\": \"m\"}")).unwrap())
}

fn header<'a>(r: &'a HttpRequest, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .unwrap_or_else(|| panic!("missing header {name}"))
        .to_str()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn retries_500_then_succeeds() {
    let replay = ReplayClient::new();
    replay.push(error_response(500, None, "r1"));
    replay.push_json(200, "{}");
    let response = handle(&replay)
        .send(&CREATE_CHANNEL, request())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(replay.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn retries_429_then_succeeds() {
    let replay = ReplayClient::new();
    replay.push(error_response(429, None, "r1"));
    replay.push_json(200, "{}");
    let response = handle(&replay)
        .send(&CREATE_CHANNEL, request())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(replay.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn retries_throttling_code_in_a_400() {
    let replay = ReplayClient::new();
    replay.push(error_response(400, Some("ThrottlingException"), "r1"));
    replay.push_json(200, "{}");
    let response = handle(&replay)
        .send(&CREATE_CHANNEL, request())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(replay.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn retries_modeled_retryable_error() {
    let replay = ReplayClient::new();
    replay.push(error_response(409, Some("PendingVerification"), "r1"));
    replay.push_json(200, "{}");
    let response = handle(&replay)
        .send(&WITH_MODELED_RETRYABLE, request())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(replay.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn does_not_retry_plain_400() {
    let replay = ReplayClient::new();
    replay.push(error_response(400, Some("ValidationException"), "r1"));
    replay.push_json(200, "{}");
    let response = handle(&replay)
        .send(&CREATE_CHANNEL, request())
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        400,
        "the error response goes to generated code"
    );
    assert_eq!(
        parse_error_metadata(&response).code.as_deref(),
        Some("ValidationException")
    );
    assert_eq!(replay.requests().len(), 1);
    assert_eq!(replay.remaining(), 1);
}

#[tokio::test(start_paused = true)]
async fn max_attempts_honoured_and_last_error_returned_with_request_id() {
    let replay = ReplayClient::new();
    replay.push(error_response(500, None, "r1"));
    replay.push(error_response(503, None, "r2"));
    replay.push(error_response(502, None, "r3"));
    replay.push_json(200, "{}");
    let response = handle(&replay)
        .send(&CREATE_CHANNEL, request())
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    let meta = parse_error_metadata(&response);
    assert_eq!(meta.request_id.as_deref(), Some("r3"));
    assert_eq!(replay.requests().len(), 3);
    assert_eq!(replay.remaining(), 1);
}

#[tokio::test(start_paused = true)]
async fn configured_max_attempts_and_disabled_retries() {
    let replay = ReplayClient::new();
    for i in 0..6 {
        replay.push(error_response(500, None, &format!("r{i}")));
    }
    let h = Handle::new(
        builder(&replay)
            .retry(RetryConfig::standard().with_max_attempts(5))
            .build(),
        ivs(),
    );
    let response = h.send(&CREATE_CHANNEL, request()).await.unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(replay.requests().len(), 5);

    let h = Handle::new(
        builder(&replay).retry(RetryConfig::disabled()).build(),
        ivs(),
    );
    h.send(&CREATE_CHANNEL, request()).await.unwrap();
    assert_eq!(replay.requests().len(), 6);
}

#[tokio::test(start_paused = true)]
async fn backoff_waits_between_attempts() {
    let replay = ReplayClient::new();
    replay.push(error_response(500, None, "r1"));
    replay.push(error_response(500, None, "r2"));
    replay.push_json(200, "{}");
    let retry = RetryConfig::standard()
        .with_initial_backoff(Duration::from_secs(10))
        .with_max_backoff(Duration::from_secs(15));
    let h = Handle::new(builder(&replay).retry(retry).build(), ivs());
    let start = tokio::time::Instant::now();
    h.send(&CREATE_CHANNEL, request()).await.unwrap();
    // Full jitter: anything from 0 up to 10 s + 15 s.
    assert!(start.elapsed() <= Duration::from_secs(25));
    assert_eq!(replay.requests().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn transport_io_error_is_retried() {
    let replay = ReplayClient::new();
    replay.push(Replay::Error(
        ConnectorErrorKind::Io,
        "connection reset".into(),
    ));
    replay.push_json(200, "{}");
    let response = handle(&replay)
        .send(&CREATE_CHANNEL, request())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(replay.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn transport_errors_exhaust_attempts_with_the_last_failure() {
    let replay = ReplayClient::new();
    for _ in 0..3 {
        replay.push(Replay::Error(
            ConnectorErrorKind::Io,
            "connection reset".into(),
        ));
    }
    let failure = handle(&replay)
        .send(&CREATE_CHANNEL, request())
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Transport);
    assert!(failure.to_string().contains("attempt 3 of 3"), "{failure}");
    assert!(std::error::Error::source(&failure).is_some());
    assert_eq!(replay.requests().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn protocol_error_is_not_retried() {
    let replay = ReplayClient::new();
    replay.push(Replay::Error(
        ConnectorErrorKind::Protocol,
        "too big".into(),
    ));
    replay.push_json(200, "{}");
    let failure = handle(&replay)
        .send(&CREATE_CHANNEL, request())
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Transport);
    assert_eq!(replay.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn attempt_timeout_fires_and_is_retried() {
    let replay = ReplayClient::new();
    replay.push(Replay::Hang);
    replay.push_json(200, "{}");
    let timeouts = TimeoutConfig::default().with_attempt(Some(Duration::from_secs(2)));
    let h = Handle::new(builder(&replay).timeouts(timeouts).build(), ivs());
    let start = tokio::time::Instant::now();
    let response = h.send(&CREATE_CHANNEL, request()).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(replay.requests().len(), 2);
    assert!(start.elapsed() >= Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn attempt_timeouts_exhaust_attempts() {
    let replay = ReplayClient::new();
    for _ in 0..3 {
        replay.push(Replay::Hang);
    }
    let timeouts = TimeoutConfig::default().with_attempt(Some(Duration::from_secs(2)));
    let h = Handle::new(builder(&replay).timeouts(timeouts).build(), ivs());
    let failure = h.send(&CREATE_CHANNEL, request()).await.unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Timeout);
    assert!(
        failure.to_string().contains("attempt timeout of 2s"),
        "{failure}"
    );
    assert_eq!(replay.requests().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn operation_timeout_fires() {
    let replay = ReplayClient::new();
    replay.push(Replay::Hang);
    let timeouts = TimeoutConfig::default()
        .with_attempt(None)
        .with_operation(Some(Duration::from_secs(5)));
    let h = Handle::new(builder(&replay).timeouts(timeouts).build(), ivs());
    let start = tokio::time::Instant::now();
    let failure = h.send(&CREATE_CHANNEL, request()).await.unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Timeout);
    assert!(
        failure.to_string().contains("operation timeout of 5s"),
        "{failure}"
    );
    assert!(failure.to_string().contains("CreateChannel"), "{failure}");
    assert_eq!(start.elapsed(), Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn operation_timeout_covers_retries_and_backoff() {
    let replay = ReplayClient::new();
    for _ in 0..3 {
        replay.push(Replay::Hang);
    }
    let timeouts = TimeoutConfig::default()
        .with_attempt(Some(Duration::from_secs(4)))
        .with_operation(Some(Duration::from_secs(6)));
    let h = Handle::new(builder(&replay).timeouts(timeouts).build(), ivs());
    let failure = h.send(&CREATE_CHANNEL, request()).await.unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Timeout);
    assert!(
        failure.to_string().contains("operation timeout"),
        "{failure}"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_quota_runs_dry() {
    let replay = ReplayClient::new();
    let h = Handle::new(
        builder(&replay)
            .retry(RetryConfig::standard().with_max_attempts(2))
            .build(),
        ivs(),
    );
    // 500 tokens, 5 per retry, nothing earned back: 100 operations get their retry.
    for _ in 0..100 {
        replay.push(error_response(500, None, "r"));
        replay.push(error_response(500, None, "r"));
        h.send(&CREATE_CHANNEL, request()).await.unwrap();
    }
    assert_eq!(replay.requests().len(), 200);
    replay.push(error_response(500, None, "r"));
    replay.push_json(200, "{}");
    let response = h.send(&CREATE_CHANNEL, request()).await.unwrap();
    assert_eq!(response.status(), 500, "no retry without tokens");
    assert_eq!(replay.requests().len(), 201);
    // A success earns a token back, one is not enough for a retry (5).
    h.send(&CREATE_CHANNEL, request()).await.unwrap();
    assert_eq!(replay.requests().len(), 202);
}

#[tokio::test(start_paused = true)]
async fn requests_are_signed_and_carry_host_date_and_user_agent() {
    let replay = ReplayClient::new();
    replay.push_json(200, "{}");
    let h = Handle::new(builder(&replay).app_name("my-app").build(), ivs());
    h.send(&CREATE_CHANNEL, request()).await.unwrap();
    let sent = &replay.requests()[0];
    assert_eq!(
        sent.uri().to_string(),
        "https://ivs.us-west-2.amazonaws.com/CreateChannel"
    );
    assert_eq!(header(sent, "host"), "ivs.us-west-2.amazonaws.com");
    let date = header(sent, "x-amz-date");
    assert_eq!(date.len(), 16, "{date}");
    let auth = header(sent, "authorization");
    let prefix = format!(
        "AWS4-HMAC-SHA256 Credential=AKID/{}/us-west-2/ivs/aws4_request",
        &date[..8]
    );
    assert!(auth.starts_with(&prefix), "{auth}");
    assert!(!auth.contains(SECRET));
    let ua = header(sent, "user-agent");
    assert!(ua.starts_with("ivs/0.1.0 aws-lite-runtime/"), "{ua}");
    assert!(ua.ends_with(" app/my-app"), "{ua}");
    assert_eq!(header(sent, "x-amz-user-agent"), ua);
    assert!(sent.headers().get("x-amz-security-token").is_none());
    assert_eq!(sent.body().as_ref(), b"{\"name\":\"demo\"}");
}

#[tokio::test(start_paused = true)]
async fn every_attempt_is_signed() {
    let replay = ReplayClient::new();
    replay.push(error_response(500, None, "r1"));
    replay.push_json(200, "{}");
    handle(&replay)
        .send(&CREATE_CHANNEL, request())
        .await
        .unwrap();
    for sent in replay.requests() {
        assert_eq!(sent.headers().get_all("authorization").iter().count(), 1);
        assert!(header(&sent, "authorization").starts_with("AWS4-HMAC-SHA256 "));
    }
}

#[tokio::test(start_paused = true)]
async fn session_token_header_is_sent_when_set() {
    let replay = ReplayClient::new();
    replay.push_json(200, "{}");
    let config = builder(&replay)
        .credentials(credentials(Some(TOKEN)))
        .build();
    Handle::new(config, ivs())
        .send(&CREATE_CHANNEL, request())
        .await
        .unwrap();
    let sent = &replay.requests()[0];
    assert_eq!(header(sent, "x-amz-security-token"), TOKEN);
    assert!(header(sent, "authorization").contains("x-amz-security-token"));
}

#[tokio::test(start_paused = true)]
async fn endpoint_url_override_joins_paths() {
    let replay = ReplayClient::new();
    replay.push_json(200, "{}");
    replay.push_json(200, "{}");
    let h = Handle::new(
        builder(&replay)
            .endpoint_url("http://localhost:5000/prefix/")
            .build(),
        ivs(),
    );
    h.send(&CREATE_CHANNEL, request()).await.unwrap();
    let tagged = ::http::Request::builder()
        .method("DELETE")
        .uri("/tags/arn%3Aaws%3Aivs%3Aus-west-2%3A1%3Achannel%2Fx?tagKeys=a&tagKeys=b")
        .body(Bytes::new())
        .unwrap();
    h.send(&CREATE_CHANNEL, tagged).await.unwrap();
    let sent = replay.requests();
    assert_eq!(
        sent[0].uri().to_string(),
        "http://localhost:5000/prefix/CreateChannel"
    );
    assert_eq!(
        sent[1].uri().to_string(),
        "http://localhost:5000/prefix/tags/arn%3Aaws%3Aivs%3Aus-west-2%3A1%3Achannel%2Fx?tagKeys=a&tagKeys=b"
    );
    assert_eq!(header(&sent[0], "host"), "localhost:5000");
    // Still signed for the configured region.
    assert!(header(&sent[0], "authorization").contains("/us-west-2/ivs/aws4_request"));
}

#[tokio::test(start_paused = true)]
async fn fips_and_dual_stack_reach_the_rules() {
    let replay = ReplayClient::new();
    replay.push_json(200, "{}");
    let h = Handle::new(
        builder(&replay).use_fips(true).use_dual_stack(true).build(),
        ivs(),
    );
    h.send(&CREATE_CHANNEL, request()).await.unwrap();
    assert_eq!(
        replay.requests()[0].uri().host(),
        Some("ivs-fips.us-west-2.api.aws")
    );
}

#[tokio::test(start_paused = true)]
async fn endpoint_auth_scheme_and_headers_are_used() {
    let replay = ReplayClient::new();
    replay.push_json(200, "{}");
    let h = Handle::new(builder(&replay).build(), &AUTH_SCHEME_SERVICE);
    h.send(&CREATE_CHANNEL, request()).await.unwrap();
    let sent = &replay.requests()[0];
    assert_eq!(
        sent.uri().to_string(),
        "https://custom.example.com/base/CreateChannel"
    );
    let values: Vec<_> = sent
        .headers()
        .get_all("x-endpoint-header")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(values, ["a", "b"]);
    assert!(
        header(sent, "authorization").contains("/eu-central-1/ivs-custom/aws4_request"),
        "{}",
        header(sent, "authorization")
    );
}

#[tokio::test(start_paused = true)]
async fn missing_region_is_a_clear_endpoint_failure() {
    let replay = ReplayClient::new();
    let config = ClientConfig::builder()
        .credentials(credentials(None))
        .http_client(replay.clone())
        .build();
    let failure = Handle::new(config, ivs())
        .send(&CREATE_CHANNEL, request())
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Endpoint);
    assert!(failure.to_string().contains("no region"), "{failure}");
    assert!(replay.requests().is_empty());
}

#[tokio::test(start_paused = true)]
async fn missing_region_with_endpoint_url_cannot_sign() {
    let replay = ReplayClient::new();
    let config = ClientConfig::builder()
        .credentials(credentials(None))
        .endpoint_url("http://localhost:5000")
        .http_client(replay.clone())
        .build();
    let failure = Handle::new(config, ivs())
        .send(&CREATE_CHANNEL, request())
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Endpoint);
    assert!(failure.to_string().contains("no region"), "{failure}");
}

#[tokio::test(start_paused = true)]
async fn missing_credentials_are_a_credentials_failure() {
    let replay = ReplayClient::new();
    let config = ClientConfig::builder()
        .region("us-west-2")
        .http_client(replay.clone())
        .build();
    let failure = Handle::new(config, ivs())
        .send(&CREATE_CHANNEL, request())
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Credentials);
    assert!(replay.requests().is_empty());
}

#[tokio::test(start_paused = true)]
async fn bad_rule_set_fails_at_send_time() {
    let replay = ReplayClient::new();
    let h = Handle::new(builder(&replay).build(), &BROKEN_SERVICE);
    for _ in 0..2 {
        let failure = h.send(&CREATE_CHANNEL, request()).await.unwrap_err();
        assert_eq!(failure.kind(), ErrorKind::Endpoint);
        assert!(failure.to_string().contains("rule set"), "{failure}");
    }
}

#[tokio::test(start_paused = true)]
async fn secrets_never_in_debug() {
    let replay = ReplayClient::new();
    replay.push_json(200, "{}");
    let config = builder(&replay)
        .credentials(credentials(Some(TOKEN)))
        .endpoint_url("http://user:password@localhost:5000")
        .build();
    let builder_debug = format!("{:?}", config.to_builder());
    let h = Handle::new(config.clone(), ivs());
    // An endpoint URL with user information is refused before anything is signed or sent,
    // and the refusal does not repeat the password.
    let refused = h.send(&CREATE_CHANNEL, request()).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Construction, "{refused}");
    assert!(replay.requests().is_empty());
    for text in [
        format!("{config:?}"),
        format!("{h:?}"),
        format!("{h:#?}"),
        builder_debug,
        format!("{refused}"),
        format!("{refused:?}"),
    ] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains("password"), "{text}");
        assert!(!text.contains("AWS4-HMAC-SHA256"), "{text}");
    }
    assert!(format!("{config:?}").contains("us-west-2"));
}

#[tokio::test]
async fn handle_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync + Clone>(_: &T) {}
    let replay = ReplayClient::new();
    let h = handle(&replay);
    assert_send_sync(&h);
    let fut = h.send(&CREATE_CHANNEL, request());
    fn assert_send<T: Send>(_: &T) {}
    assert_send(&fut);
    drop(fut);
    let other = h.clone();
    assert!(std::ptr::eq(h.config(), other.config()));
}
