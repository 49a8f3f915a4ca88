//! The retry quota through the orchestrator: a retry that succeeds gives its tokens back, so a
//! client whose every call needs one retry never runs dry. Time is paused (backoff is instant).

use std::time::Duration;

use aws_lite_runtime::config::{ClientConfig, RetryConfig};
use aws_lite_runtime::credentials::Credentials;
use aws_lite_runtime::http::{Bytes, HttpRequest, Replay, ReplayClient};
use aws_lite_runtime::orchestrator::{Handle, OperationSpec, ServiceSpec};
use aws_lite_runtime::retry::{DEFAULT_RETRY_CAPACITY, RETRY_COST};

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
    name: "GetChannel",
    retryable_errors: &[],
};

fn request() -> HttpRequest {
    ::http::Request::builder()
        .method("POST")
        .uri("/GetChannel")
        .body(Bytes::from_static(b"{}"))
        .unwrap()
}

fn server_error() -> Replay {
    Replay::Response(
        ::http::Response::builder()
            .status(500)
            .body(Bytes::from_static(b"{}"))
            .unwrap(),
    )
}

fn handle(replay: &ReplayClient, retry: RetryConfig) -> Handle {
    let config = ClientConfig::builder()
        .region("us-west-2")
        .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url("http://127.0.0.1:1")
        .retry(retry)
        .http_client(replay.clone())
        .build();
    Handle::new(config, &LOCAL)
}

#[tokio::test(start_paused = true)]
async fn a_successful_retry_gives_its_tokens_back() {
    let replay = ReplayClient::new();
    let h = handle(&replay, RetryConfig::standard().with_max_attempts(2));
    // Were the tokens of a successful retry kept, the bucket would run dry after
    // capacity / (cost - 1) such calls, and the next 500 would be returned, not retried.
    let calls = 2 * DEFAULT_RETRY_CAPACITY / RETRY_COST;
    for call in 0..calls {
        replay.push(server_error());
        replay.push_json(200, "{}");
        let response = h.send(&OP, request()).await.unwrap();
        assert_eq!(
            response.status(),
            200,
            "call {call} of {calls}: its retry was refused, so the quota ran dry"
        );
    }
    assert_eq!(replay.requests().len() as u32, 2 * calls);
}

#[tokio::test(start_paused = true)]
async fn backoff_grows_between_retries_and_stops_at_the_cap() {
    // Full jitter draws each delay in [0, min(initial * 2^i, max)): over many calls the longest
    // wait before retry i approaches that bound, and never passes it.
    let initial = Duration::from_secs(1);
    let max = Duration::from_secs(6);
    let retry = RetryConfig::standard()
        .with_max_attempts(5)
        .with_initial_backoff(initial)
        .with_max_backoff(max);
    let bounds = [1.0, 2.0, 4.0, 6.0];
    let mut longest = [0f64; 4];
    for _ in 0..60 {
        // A client per call: its request log stays short, and each starts with a full bucket.
        let replay = ReplayClient::new();
        let h = handle(&replay, retry.clone());
        for _ in 0..4 {
            replay.push(server_error());
        }
        replay.push_json(200, "{}");
        let start = tokio::time::Instant::now();
        let mut task =
            tokio::spawn(async move { h.send(&OP, request()).await.map(|r| r.status()) });
        // Each attempt's start time, read by polling the replay's request log as the paused
        // clock advances in small steps.
        let mut starts = Vec::new();
        loop {
            tokio::select! {
                done = &mut task => { done.unwrap().unwrap(); break; }
                _ = tokio::time::sleep(Duration::from_millis(20)) => {}
            }
            while replay.requests().len() > starts.len() {
                starts.push(start.elapsed().as_secs_f64());
            }
        }
        while replay.requests().len() > starts.len() {
            starts.push(start.elapsed().as_secs_f64());
        }
        assert_eq!(starts.len(), 5, "four retries, then the success");
        for i in 0..4 {
            let wait = starts[i + 1] - starts[i];
            assert!(
                wait <= bounds[i] + 0.05,
                "retry {i} waited {wait:.2} s, over min({initial:?} * 2^{i}, {max:?})"
            );
            longest[i] = longest[i].max(wait);
        }
    }
    for i in 0..4 {
        // The chance that 60 uniform draws all stay under 60% of the bound is 0.6^60.
        assert!(
            longest[i] >= 0.6 * bounds[i],
            "the longest wait before retry {i} was {:.2} s of a possible {} s: {longest:?}",
            longest[i],
            bounds[i]
        );
    }
}
