use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::credentials::provider_config::{Fs, TimeSource};
use crate::credentials::Env;
use crate::http::{Replay, ReplayClient};
use crate::json::Value;

fn text(status: u16, body: &str) -> Replay {
    Replay::Response(
        ::http::Response::builder()
            .status(status)
            .header(TOKEN_TTL_HEADER, "21600")
            .body(Bytes::copy_from_slice(body.as_bytes()))
            .unwrap(),
    )
}

fn client(replay: &ReplayClient, vars: &[(&str, &str)]) -> ImdsClient {
    let config = ProviderConfig::empty()
        .with_env(Env::from_vars(vars.iter().copied()))
        .with_http_client(Arc::new(replay.clone()))
        .with_time_source(TimeSource::fixed(
            UNIX_EPOCH + Duration::from_secs(1_600_000_000),
        ));
    ImdsClient::builder().configure(&config).build()
}

/// The official table `imds-config/imds-endpoint-tests.json`, every case, counted from the
/// data: the URI of the first request (the token's) or the configuration error.
#[tokio::test]
async fn imds_endpoint_tests_json_table() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/credential-tests/imds-config/imds-endpoint-tests.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let root = crate::json::from_str(&text).unwrap();
    let tests = root.get("tests").and_then(Value::as_array).unwrap();
    assert!(!tests.is_empty(), "no cases in {path}");
    let strings = |v: Option<&Value>| -> Vec<(String, String)> {
        v.and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut passed = 0;
    for case in tests {
        let docs = case.get("docs").and_then(Value::as_str).unwrap();
        let files: Vec<(String, Vec<u8>)> = strings(case.get("fs"))
            .into_iter()
            .map(|(k, v)| (k, v.into_bytes()))
            .collect();
        let config = ProviderConfig::empty()
            .with_env(Env::from_vars(strings(case.get("env"))))
            .with_fs(Fs::from_map(files));
        let replay = ReplayClient::new();
        let config = config.with_http_client(Arc::new(replay.clone()));
        let mut builder = ImdsClient::builder().configure(&config);
        if let Some(endpoint) = case.get("endpoint_override").and_then(Value::as_str) {
            builder = builder.endpoint(endpoint);
        }
        if let Some(mode) = case.get("mode_override").and_then(Value::as_str) {
            builder = builder.endpoint_mode(EndpointMode::parse(mode).unwrap());
        }
        let client = builder.build();
        // The replay transport has no answer: the token request fails, after being recorded.
        let result = client.get("/latest/metadata").await;
        let sent: Vec<String> = replay
            .requests()
            .iter()
            .map(|r| r.uri().to_string())
            .collect();
        let expected = case.get("result").unwrap();
        if let Some(uri) = expected.get("Ok").and_then(Value::as_str) {
            assert_eq!(sent.first().map(String::as_str), Some(uri), "case `{docs}`");
            assert_eq!(replay.requests()[0].method(), "PUT", "case `{docs}`");
        } else if let Some(part) = expected.get("Err").and_then(Value::as_str) {
            let err = result.expect_err(docs);
            assert_eq!(
                err.kind(),
                ImdsErrorKind::InvalidConfiguration,
                "case `{docs}`"
            );
            assert!(
                err.to_string().contains(part),
                "case `{docs}`: `{err}` lacks `{part}`"
            );
            assert!(sent.is_empty(), "case `{docs}` sent {sent:?}");
        } else {
            panic!("case `{docs}`: unknown result {expected:?}");
        }
        passed += 1;
    }
    assert_eq!(passed, tests.len());
    eprintln!(
        "imds-endpoint-tests.json: {passed} of {} cases pass",
        tests.len()
    );
}

#[tokio::test]
async fn the_token_is_fetched_once_and_sent_with_each_request() {
    let replay = ReplayClient::new();
    replay.push(text(200, "token-a"));
    replay.push(text(200, "one"));
    replay.push(text(200, "two"));
    let client = client(&replay, &[]);
    assert_eq!(client.get("/latest/a").await.unwrap().as_str(), "one");
    assert_eq!(client.get("/latest/b").await.unwrap().as_str(), "two");
    let sent = replay.requests();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0].method(), "PUT");
    assert_eq!(sent[0].uri(), "http://169.254.169.254/latest/api/token");
    assert_eq!(sent[0].headers()[TOKEN_TTL_HEADER], "21600");
    for r in &sent[1..] {
        assert_eq!(r.method(), "GET");
        assert_eq!(r.headers()[TOKEN_HEADER], "token-a");
        assert!(
            !format!("{r:?}").contains("token-a"),
            "Debug leaks the token"
        );
    }
    assert!(!format!("{:?}", Sensitive("secret".into())).contains("secret"));
}

#[tokio::test]
async fn an_expiring_token_is_replaced() {
    let replay = ReplayClient::new();
    let now = Arc::new(std::sync::Mutex::new(
        UNIX_EPOCH + Duration::from_secs(1000),
    ));
    let clock = now.clone();
    let config = ProviderConfig::empty()
        .with_http_client(Arc::new(replay.clone()))
        .with_time_source(TimeSource::from_fn(move || *clock.lock().unwrap()));
    let client = ImdsClient::builder()
        .configure(&config)
        .endpoint_mode(EndpointMode::IpV6)
        .token_ttl(Duration::from_secs(600))
        .build();
    let token = |v: &str| {
        Replay::Response(
            ::http::Response::builder()
                .status(200)
                .header(TOKEN_TTL_HEADER, "600")
                .body(Bytes::copy_from_slice(v.as_bytes()))
                .unwrap(),
        )
    };
    replay.push(token("a"));
    replay.push(text(200, "1"));
    replay.push(text(200, "2"));
    replay.push(token("b"));
    replay.push(text(200, "3"));
    client.get("/x").await.unwrap();
    *now.lock().unwrap() += Duration::from_secs(400);
    client.get("/x").await.unwrap();
    // 150 s later only 50 s are left: inside the 120 s buffer.
    *now.lock().unwrap() += Duration::from_secs(150);
    assert_eq!(client.get("/x").await.unwrap().as_str(), "3");
    let sent = replay.requests();
    assert_eq!(sent[0].uri(), "http://[fd00:ec2::254]/latest/api/token");
    assert_eq!(sent[0].headers()[TOKEN_TTL_HEADER], "600");
    assert_eq!(sent[4].headers()[TOKEN_HEADER], "b");
}

#[tokio::test(start_paused = true)]
async fn server_errors_and_401_are_retried_other_answers_are_not() {
    let replay = ReplayClient::new();
    replay.push(text(503, ""));
    replay.push(text(200, "token-a"));
    replay.push(text(500, ""));
    replay.push(text(401, ""));
    replay.push(text(200, "token-b"));
    replay.push(text(200, "ok"));
    let c = client(&replay, &[]);
    assert_eq!(c.get("/latest/x").await.unwrap().as_str(), "ok");
    let sent = replay.requests();
    assert_eq!(sent.len(), 6);
    assert_eq!(sent[5].headers()[TOKEN_HEADER], "token-b");

    let replay = ReplayClient::new();
    replay.push(text(200, "t"));
    replay.push(text(404, "not found"));
    let err = client(&replay, &[]).get("/latest/x").await.unwrap_err();
    assert_eq!(
        (err.kind(), err.status()),
        (ImdsErrorKind::ErrorResponse, Some(404))
    );
    assert_eq!(replay.requests().len(), 2);

    let replay = ReplayClient::new();
    replay.push(text(403, ""));
    let err = client(&replay, &[]).get("/latest/x").await.unwrap_err();
    assert_eq!(err.kind(), ImdsErrorKind::TokenRefused);
    assert!(
        err.to_string()
            .contains("request forbidden: IMDS is disabled"),
        "{err}"
    );
    assert_eq!(replay.requests().len(), 1);

    // Four 500s: the attempts run out.
    let replay = ReplayClient::new();
    replay.push(text(200, "t"));
    for _ in 0..4 {
        replay.push(text(500, ""));
    }
    let err = client(&replay, &[]).get("/latest/x").await.unwrap_err();
    assert!(err.to_string().contains("after 4 attempts"), "{err}");
    assert_eq!(replay.requests().len(), 5);
}

#[tokio::test(start_paused = true)]
async fn an_unreachable_imds_fails_after_one_bounded_attempt() {
    let replay = ReplayClient::new();
    replay.push(Replay::Hang);
    let started = tokio::time::Instant::now();
    let err = client(&replay, &[]).get("/latest/x").await.unwrap_err();
    assert_eq!(err.kind(), ImdsErrorKind::Unreachable);
    assert_eq!(started.elapsed(), ATTEMPT_TIMEOUT);
    assert_eq!(replay.requests().len(), 1);
}

#[tokio::test]
async fn bad_endpoints_are_configuration_errors() {
    for (vars, part) in [
        (&[(ENV_ENDPOINT, "not a uri")][..], "invalid uri character"),
        (
            &[(ENV_ENDPOINT, "/just/a/path")][..],
            "needs a scheme and a host",
        ),
        (
            &[(ENV_ENDPOINT_MODE, "IPv7")][..],
            "`IPv7` is not a valid endpoint mode",
        ),
    ] {
        let replay = ReplayClient::new();
        let err = client(&replay, vars).get("/x").await.unwrap_err();
        assert_eq!(err.kind(), ImdsErrorKind::InvalidConfiguration);
        assert!(err.to_string().contains(part), "{err}");
        assert!(replay.requests().is_empty());
    }
    // A path in the endpoint is kept; a trailing slash is not doubled.
    let replay = ReplayClient::new();
    let _ = client(&replay, &[(ENV_ENDPOINT, "http://127.0.0.1:1338/prefix/")])
        .get("/latest/api/x")
        .await;
    assert_eq!(
        replay.requests()[0].uri(),
        "http://127.0.0.1:1338/prefix/latest/api/token"
    );
}
