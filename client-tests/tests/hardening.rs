//! Hardening of the generated client against hostile responses, leaky output, misbehaving
//! servers and bad input.
//!
//! 1. Every operation's response parsing (success and error) on arbitrary bytes, headers and
//!    status codes returns a `Result` and never panics (proptest over the replay transport).
//! 2. Secrets (secret key, session token, stream key values, SRT passphrases, `PutMetadata`
//!    metadata) never appear in `Debug`, `Display`, errors, panic messages or `tracing` output.
//! 3. Misbehaving servers on loopback, through the default transport (`HyperClient`): the
//!    client returns an error within its timeouts and reads no more than its body limit.
//! 4. Bad user input: missing required members and empty labels fail before any request;
//!    any label or query value reaches the wire escaped, never as another path.
//!
//! Property case counts are small so CI stays fast; `HARDENING_CASES=N` runs N cases each.

mod common;

use client_tests::{call_operation, render_error, ARN, OPERATIONS};

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use ivs::runtime::error::ErrorKind;
use ivs::runtime::http::{CaptureClient, ConnectorErrorKind, HttpClient, Replay, ReplayClient};
use ivs::runtime::transport::HyperClient;
use ivs::types::BatchStartViewerSessionRevocationViewerSession;
use proptest::prelude::*;
use proptest::test_runner::{Config as PropConfig, TestCaseError, TestRunner};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------------------------
// Helpers

/// How many cases a property runs: `default`, or `HARDENING_CASES` when set.
fn cases(default: u32) -> u32 {
    std::env::var("HARDENING_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs a property with no regression files (crashes are kept as `#[test]`s) and prints
/// how long it took.
fn run_property<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let config = PropConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 1024,
        ..PropConfig::default()
    };
    let start = Instant::now();
    let result = TestRunner::new(config).run(&strategy, test);
    println!(
        "property `{name}`: {cases} cases in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("property `{name}` failed: {e}");
    }
}

fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// A client over `http` with retries off and short timeouts.
fn quick_client(http: impl HttpClient) -> ivs::Client {
    let config = ivs::Config::builder()
        .region("us-west-2")
        .credentials(ivs::Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url("http://127.0.0.1:1")
        .retry(ivs::RetryConfig::disabled())
        .timeouts(
            ivs::TimeoutConfig::default()
                .with_attempt(Some(Duration::from_secs(5)))
                .with_operation(Some(Duration::from_secs(10))),
        )
        .http_client(http)
        .build();
    ivs::Client::new(config)
}

fn response(status: u16, headers: &[(String, Vec<u8>)], body: Vec<u8>) -> Option<Replay> {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(name.as_str(), value.as_slice());
    }
    // Headers `http` itself refuses cannot come from a transport either.
    builder.body(Bytes::from(body)).ok().map(Replay::Response)
}

// ---------------------------------------------------------------------------------------------
// 1. Response parsing of every operation

#[test]
fn there_are_35_operations() {
    assert_eq!(OPERATIONS.len(), 35);
}

/// Every member name (and `jsonName`) of the IVS model, to build bodies the parsers read deep.
fn member_names() -> &'static Vec<String> {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../model/ivs.json");
        let model: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("model/ivs.json"))
                .expect("JSON");
        let mut names = BTreeSet::new();
        for shape in model["shapes"].as_object().expect("shapes").values() {
            if let Some(members) = shape.get("members").and_then(Value::as_object) {
                for (name, member) in members {
                    names.insert(name.clone());
                    if let Some(j) = member.pointer("/traits/smithy.api#jsonName") {
                        names.insert(j.as_str().unwrap_or_default().to_owned());
                    }
                }
            }
        }
        names.extend(["__type", "code", "Code", "message", "Message"].map(String::from));
        names.into_iter().collect()
    })
}

fn json_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just(0.0),
            Just(-1.5),
            Just(1e300),
            Just(-1e300),
            Just(9.2e18),
            Just(253402300800.0),
            Just(1.7e308),
        ]
        .prop_map(Value::from),
        prop_oneof![
            Just("2023-01-01T00:00:00Z".to_owned()),
            Just("2023-13-45T25:61:61.123456789999Z".to_owned()),
            Just("+275760-09-13T00:00:00Z".to_owned()),
            Just("9999-12-31T23:59:59.999999999+99:99".to_owned()),
            Just("LOW".to_owned()),
            Just("STANDARD".to_owned()),
            Just(String::new()),
            Just("é\u{0}🦀".to_owned()),
            ".{0,12}",
        ]
        .prop_map(Value::String),
    ]
}

/// JSON with the model's member names as keys, nested a few levels.
fn json_body() -> impl Strategy<Value = Value> {
    json_scalar().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        9 => prop::sample::select(member_names().clone()),
                        1 => ".{0,6}",
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => json_body().prop_map(|v| v.to_string().into_bytes()),
        // Truncated JSON.
        2 => (json_body(), any::<prop::sample::Index>()).prop_map(|(v, i)| {
            let text = v.to_string().into_bytes();
            let cut = i.index(text.len() + 1);
            text[..cut].to_vec()
        }),
        1 => prop::collection::vec(any::<u8>(), 0..256),
        1 => Just(Vec::new()),
        1 => Just(b"null".to_vec()),
        1 => Just(vec![b'['; 10_000]),
    ]
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        4 => Just(200u16),
        1 => Just(204u16),
        2 => prop::sample::select(vec![400u16, 403, 404, 409, 429, 500, 503]),
        1 => 100u16..600,
        1 => 600u16..1000,
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let name = prop_oneof![
        Just("x-amzn-errortype".to_owned()),
        Just("x-amzn-requestid".to_owned()),
        Just("x-amz-request-id".to_owned()),
        Just("content-type".to_owned()),
        Just("content-length".to_owned()),
        Just("retry-after".to_owned()),
        "[a-z-]{1,12}",
    ];
    let value = prop_oneof![
        prop::sample::select(vec![
            "ResourceNotFoundException",
            "ValidationException:http://internal.amazon.com/coral/com.amazonaws.ivs/",
            "AccessDeniedException",
            "ConflictException",
            "ServiceQuotaExceededException",
            "ThrottlingException",
            "InternalServerException",
            "PendingVerification",
            "ChannelNotBroadcasting",
            "StreamUnavailable",
            "aws.protocols#Unknown:",
            ":::",
            "application/json",
            "text/html; charset=utf-8",
            "-1",
            "99999999999999999999",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..24),
    ];
    prop::collection::vec((name, value), 0..5)
}

#[test]
fn every_operation_reads_any_response_without_panicking() {
    let rt = current_thread_runtime();
    // One client for every case (building a client per case would dominate the run time);
    // retries are off, so each call takes exactly the one answer pushed for it.
    let transport = ReplayClient::new();
    let client = quick_client(transport.clone());
    let strategy = (0..OPERATIONS.len(), status(), headers(), body());
    run_property(
        "every operation's response parsing",
        cases(2500),
        strategy,
        |(op, status, headers, body)| {
            let Some(replay) = response(status, &headers, body) else {
                return Ok(()); // a response `http` cannot even represent
            };
            transport.push(replay);
            let result = rt.block_on(async {
                tokio::time::timeout(Duration::from_secs(5), call_operation(&client, op)).await
            });
            let result = result.map_err(|_| {
                TestCaseError::fail(format!("{} hung on a replayed response", OPERATIONS[op]))
            })?;
            // Exactly one attempt took exactly the one answer.
            prop_assert_eq!(transport.remaining(), 0);
            if let Err((kind, text)) = &result {
                prop_assert!(!text.is_empty());
                // A replayed response is never a transport or construction problem.
                prop_assert!(
                    matches!(kind, ErrorKind::Service | ErrorKind::ResponseParse),
                    "{}: unexpected error kind {kind:?}: {text}",
                    OPERATIONS[op]
                );
            } else {
                prop_assert!(
                    (200..300).contains(&status),
                    "{}: a {status} answer was taken as success",
                    OPERATIONS[op]
                );
            }
            Ok(())
        },
    );
}

/// The same bodies for every operation, deterministically: each operation at least once with
/// each kind of answer, however the random draws above fall.
#[test]
fn every_operation_reads_fixed_hostile_responses() {
    let rt = current_thread_runtime();
    let bodies: &[&[u8]] = &[
        b"",
        b"{}",
        b"null",
        b"[]",
        b"{not json",
        b"\xff\xfe\x00",
        br#"{"channel": 5, "streamKey": [], "channels": {}, "nextToken": 7}"#,
        br#"{"__type": 5, "message": {"a": 1}, "exceptionMessage": []}"#,
        br#"{"__type": "ValidationException", "message": "x", "fieldList": "oops"}"#,
        br#"{"startTime": "2023-13-45T25:61:61Z", "channel": {"arn": 1e400}}"#,
    ];
    let start = Instant::now();
    let transport = ReplayClient::new();
    let client = quick_client(transport.clone());
    for (op, name) in OPERATIONS.iter().enumerate() {
        for status in [200u16, 204, 400, 404, 409, 500] {
            for body in bodies {
                transport.push(
                    response(
                        status,
                        &[("x-amzn-ErrorType".into(), b"ValidationException".to_vec())],
                        body.to_vec(),
                    )
                    .expect("valid response"),
                );
                let result = rt.block_on(call_operation(&client, op));
                assert_eq!(transport.remaining(), 0);
                if let Err((kind, text)) = result {
                    assert!(
                        matches!(kind, ErrorKind::Service | ErrorKind::ResponseParse),
                        "{name}: {kind:?} {text}"
                    );
                } else {
                    assert!(
                        status < 300,
                        "{}: {status} taken as success",
                        OPERATIONS[op]
                    );
                }
            }
        }
    }
    println!(
        "fixed hostile responses: {} calls in {:.2} s",
        OPERATIONS.len() * 6 * bodies.len(),
        start.elapsed().as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Secrets

const SECRET_KEY: &str = "wJalrXUtnFEMI-SECRETACCESSKEY-0001";
const SESSION_TOKEN: &str = "FwoGZXIvYXdzSESSIONTOKEN0002";
const STREAM_KEY: &str = "sk_us-west-2_STREAMKEYVALUE0003";
const SRT_PASSPHRASE: &str = "SRTPASSPHRASE0004xyz";
const METADATA: &str = "STREAMMETADATA0005-private";
const SECRETS: &[&str] = &[
    SECRET_KEY,
    SESSION_TOKEN,
    STREAM_KEY,
    SRT_PASSPHRASE,
    METADATA,
];

/// A `tracing` subscriber that records every span's fields and every event, at every level.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<std::sync::atomic::AtomicU64>,
}

struct FieldText<'a>(&'a mut String);

impl tracing::field::Visit for FieldText<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
    fn record_error(
        &mut self,
        field: &tracing::field::Field,
        value: &(dyn std::error::Error + 'static),
    ) {
        let _ = write!(self.0, " {}={}", field.name(), render_error(value));
    }
}

impl Recorder {
    fn push(&self, line: String) {
        self.lines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(line);
    }
    fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl tracing::Subscriber for Recorder {
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::always()
    }
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut line = format!(
            "span {} {}:",
            span.metadata().level(),
            span.metadata().name()
        );
        span.record(&mut FieldText(&mut line));
        self.push(line);
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::span::Id::from_u64(id + 1)
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = format!("record {span:?}:");
        values.record(&mut FieldText(&mut line));
        self.push(line);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = format!(
            "event {} {}:",
            event.metadata().level(),
            event.metadata().target()
        );
        event.record(&mut FieldText(&mut line));
        self.push(line);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Panic messages of this process, from the moment [`record_panics`] was first called.
fn panic_messages() -> &'static Mutex<Vec<String>> {
    static MESSAGES: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    MESSAGES.get_or_init(|| Mutex::new(Vec::new()))
}

fn record_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            panic_messages()
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(info.to_string());
            previous(info);
        }));
    });
}

/// Everything a user or a log could see, gathered while running operations with secrets.
#[derive(Default)]
struct Seen(Vec<(String, String)>);

impl Seen {
    fn debug(&mut self, what: &str, value: &dyn std::fmt::Debug) {
        self.0.push((format!("{what} Debug"), format!("{value:?}")));
        self.0
            .push((format!("{what} Debug (alternate)"), format!("{value:#?}")));
    }
    fn error(&mut self, what: &str, e: &(dyn std::error::Error + 'static)) {
        self.0.push((format!("{what} error"), render_error(e)));
        self.debug(what, &e);
    }
    fn result<T: std::fmt::Debug, E: std::error::Error + 'static>(
        &mut self,
        what: &str,
        r: &Result<T, E>,
    ) {
        match r {
            Ok(v) => self.debug(what, v),
            Err(e) => self.error(what, e),
        }
    }
}

fn secret_client(http: impl HttpClient) -> ivs::Client {
    let config = ivs::Config::builder()
        .region("us-west-2")
        .credentials(ivs::Credentials::new(
            "AKIDEXAMPLE",
            SECRET_KEY,
            Some(SESSION_TOKEN.to_owned()),
            None,
            "test",
        ))
        .endpoint_url("http://127.0.0.1:1")
        .retry(
            ivs::RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(2)),
        )
        .timeouts(
            ivs::TimeoutConfig::default()
                .with_attempt(Some(Duration::from_millis(100)))
                .with_operation(Some(Duration::from_secs(5))),
        )
        .http_client(http)
        .build();
    ivs::Client::new(config)
}

fn secret_responses() -> Vec<String> {
    let stream_key = serde_json::json!({
        "arn": "arn:aws:ivs:us-west-2:123456789012:stream-key/k",
        "value": STREAM_KEY,
        "channelArn": ARN,
        "tags": {}
    });
    let channel = serde_json::json!({
        "arn": ARN,
        "name": "c",
        "srt": { "endpoint": "srt.example", "passphrase": SRT_PASSPHRASE },
    });
    vec![
        serde_json::json!({ "channel": channel, "streamKey": stream_key }).to_string(),
        serde_json::json!({ "streamKey": stream_key }).to_string(),
        serde_json::json!({ "streamKeys": [stream_key], "errors": [] }).to_string(),
        serde_json::json!({ "channel": channel }).to_string(),
        serde_json::json!({ "channels": [channel], "errors": [] }).to_string(),
    ]
}

/// Runs operations that carry every kind of secret, over several transports and failures,
/// and returns everything shown on the way plus the tracing lines.
fn run_operations_with_secrets() -> (Seen, Vec<String>, Vec<ivs::runtime::http::HttpRequest>) {
    let recorder = Recorder::default();
    let mut seen = Seen::default();
    let mut sent = Vec::new();
    tracing::subscriber::with_default(recorder.clone(), || {
        let rt = current_thread_runtime();
        rt.block_on(async {
            // PutMetadata: a retried 500, then success.
            let replay = ReplayClient::new();
            replay.push_json(500, r#"{"exceptionMessage":"try again"}"#);
            replay.push_json(200, "{}");
            let client = secret_client(replay.clone());
            let builder = client.put_metadata().channel_arn(ARN).metadata(METADATA);
            seen.debug("PutMetadata fluent builder", &builder);
            seen.debug("PutMetadata input builder", builder.as_input());
            let r = builder.send().await;
            seen.result("PutMetadata", &r);
            r.expect("the retry succeeds");
            sent.extend(replay.requests());

            // PutMetadata: transport errors, a hang past the attempt timeout, then give up.
            let replay = ReplayClient::new();
            replay.push(Replay::Error(
                ConnectorErrorKind::Io,
                "connection reset".into(),
            ));
            replay.push(Replay::Hang);
            replay.push(Replay::Error(ConnectorErrorKind::Timeout, "slow".into()));
            let client = secret_client(replay.clone());
            let r = client
                .put_metadata()
                .channel_arn(ARN)
                .metadata(METADATA)
                .send()
                .await;
            seen.result("PutMetadata over a failing transport", &r);
            assert!(r.is_err());
            sent.extend(replay.requests());

            // PutMetadata: a modeled error and an unmodeled one.
            for (header, body) in [
                ("ValidationException", r#"{"message":"bad metadata"}"#),
                ("WeirdException", r#"{"message":"what"}"#),
            ] {
                let replay = ReplayClient::new();
                replay.push(Replay::Response(
                    http::Response::builder()
                        .status(400)
                        .header("x-amzn-ErrorType", header)
                        .header("x-amzn-RequestId", "req")
                        .body(Bytes::from(body))
                        .expect("response"),
                ));
                let client = secret_client(replay.clone());
                let r = client
                    .put_metadata()
                    .channel_arn(ARN)
                    .metadata(METADATA)
                    .send()
                    .await;
                seen.result("PutMetadata error", &r);
                sent.extend(replay.requests());
            }

            // Operations whose answers carry stream keys and SRT passphrases.
            for body in secret_responses() {
                let replay = ReplayClient::new();
                replay.push_json(200, &body);
                let client = secret_client(replay.clone());
                seen.result(
                    "CreateChannel",
                    &client.create_channel().name("c").send().await,
                );
                let replay = ReplayClient::new();
                replay.push_json(200, &body);
                let client = secret_client(replay.clone());
                seen.result(
                    "GetStreamKey",
                    &client.get_stream_key().arn(ARN).send().await,
                );
                let replay = ReplayClient::new();
                replay.push_json(200, &body);
                let client = secret_client(replay.clone());
                seen.result(
                    "BatchGetStreamKey",
                    &client
                        .batch_get_stream_key()
                        .arns(ARN.to_owned())
                        .send()
                        .await,
                );
                let replay = ReplayClient::new();
                replay.push_json(200, &body);
                let client = secret_client(replay.clone());
                seen.result(
                    "BatchGetChannel",
                    &client.batch_get_channel().arns(ARN.to_owned()).send().await,
                );
                seen.result("GetChannel", &{
                    let replay = ReplayClient::new();
                    replay.push_json(200, &body);
                    secret_client(replay).get_channel().arn(ARN).send().await
                });
            }

            // Answers the parser rejects, with a secret beside (or in place of) the bad value.
            for body in [
                format!(r#"{{"streamKey": {{"value": "{STREAM_KEY}", "tags": "not a map"}}}}"#),
                format!(r#"{{"streamKey": {{"value": ["{STREAM_KEY}"]}}}}"#),
                format!(r#"{{"streamKey": "{STREAM_KEY}"}}"#),
                format!(r#"{{"channel": {{"srt": {{"passphrase": {{"{SRT_PASSPHRASE}": 1}}}}}}}}"#),
                format!(r#"{{"channel": {{"srt": "{SRT_PASSPHRASE}"}}}}"#),
                format!(r#"{{"streamKey": {{"value": "{STREAM_KEY}"#),
            ] {
                let replay = ReplayClient::new();
                replay.push_json(200, &body);
                let r = secret_client(replay).create_channel().send().await;
                assert!(r.is_err(), "{body} should not parse");
                seen.result("CreateChannel with an unreadable answer", &r);
                let replay = ReplayClient::new();
                replay.push_json(200, &body);
                let r = secret_client(replay).get_stream_key().arn(ARN).send().await;
                seen.result("GetStreamKey with an unreadable answer", &r);
            }

            // A missing required member after a secret was set.
            let capture = CaptureClient::new();
            let client = secret_client(capture.clone());
            let r = client.put_metadata().metadata(METADATA).send().await;
            assert_eq!(
                r.as_ref().map_err(|e| e.kind()).err(),
                Some(ErrorKind::Construction)
            );
            seen.result("PutMetadata without a channel", &r);
            seen.debug("Client", &client);
            seen.debug("Config", client.config());
        });
    });
    (seen, recorder.lines(), sent)
}

#[test]
fn secrets_never_reach_debug_display_errors_panics_or_tracing() {
    record_panics();
    let (mut seen, tracing_lines, sent) = run_operations_with_secrets();

    // Debug of data types and builders holding secrets.
    use ivs::operation::put_metadata::PutMetadataInput;
    use ivs::types::{Srt, StreamKey};
    let input = PutMetadataInput::builder()
        .channel_arn(ARN)
        .metadata(METADATA)
        .build();
    seen.debug("PutMetadataInput", &input);
    seen.debug(
        "PutMetadataInputBuilder",
        &PutMetadataInput::builder().metadata(METADATA),
    );
    seen.debug("Srt", &Srt::builder().passphrase(SRT_PASSPHRASE).build());
    seen.debug("SrtBuilder", &Srt::builder().passphrase(SRT_PASSPHRASE));
    seen.debug("StreamKey", &StreamKey::builder().value(STREAM_KEY).build());
    seen.debug("StreamKeyBuilder", &StreamKey::builder().value(STREAM_KEY));
    let credentials = ivs::Credentials::new(
        "AKIDEXAMPLE",
        SECRET_KEY,
        Some(SESSION_TOKEN.to_owned()),
        None,
        "test",
    );
    seen.debug("Credentials", &credentials);

    // The secrets were really used: the wire carries them where it must.
    let on_the_wire: String = sent
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                String::from_utf8_lossy(r.body()),
                r.headers()
                    .get("x-amz-security-token")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
            )
        })
        .collect();
    assert!(on_the_wire.contains(METADATA), "metadata was never sent");
    assert!(
        on_the_wire.contains(SESSION_TOKEN),
        "the session token was never sent"
    );
    assert!(
        tracing_lines.iter().any(|l| l.contains("PutMetadata")),
        "the recorder saw no operation span: {tracing_lines:#?}"
    );

    let mut leaks = Vec::new();
    for (what, text) in &seen.0 {
        for secret in SECRETS {
            if text.contains(secret) {
                leaks.push(format!("{what} shows `{secret}`: {text}"));
            }
        }
    }
    for line in &tracing_lines {
        for secret in SECRETS {
            if line.contains(secret) {
                leaks.push(format!("tracing shows `{secret}`: {line}"));
            }
        }
    }
    for message in panic_messages()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
    {
        for secret in SECRETS {
            if message.contains(secret) {
                leaks.push(format!("a panic message shows `{secret}`: {message}"));
            }
        }
    }
    println!(
        "checked {} renderings and {} tracing lines",
        seen.0.len(),
        tracing_lines.len()
    );
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 3. Misbehaving servers on loopback, through HyperClient

const ATTEMPT: Duration = Duration::from_millis(400);
const BODY_LIMIT: usize = 64 * 1024;

/// Accepts up to `connections` connections; each reads a request, then runs `respond`.
/// Returns the base URL and a counter of bytes the responder managed to write.
async fn misbehaving_server<F, Fut>(connections: usize, respond: F) -> String
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        for _ in 0..connections {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            read_request_head(&mut stream).await;
            tokio::spawn(respond(stream));
        }
    });
    format!("http://{addr}")
}

/// Reads until the end of the request (head and Content-Length body), or EOF.
async fn read_request_head(stream: &mut TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return;
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn network_client(url: &str, attempts: u32) -> ivs::Client {
    let config = ivs::Config::builder()
        .region("us-west-2")
        .credentials(ivs::Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url(url)
        .retry(
            ivs::RetryConfig::standard()
                .with_max_attempts(attempts)
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(5)),
        )
        .timeouts(
            ivs::TimeoutConfig::default()
                .with_connect(Duration::from_secs(1))
                .with_attempt(Some(ATTEMPT))
                .with_operation(Some(Duration::from_secs(5))),
        )
        .http_client(
            HyperClient::builder()
                .connect_timeout(Duration::from_secs(1))
                .max_response_body_size(BODY_LIMIT)
                .build(),
        )
        .build();
    ivs::Client::new(config)
}

/// Sends GetChannel to `url`; returns the error kind and text, and how long it took. Fails
/// the test if no answer comes within 10 s (a hang).
async fn get_channel_from(url: &str, attempts: u32) -> (Result<(), (ErrorKind, String)>, Duration) {
    let client = network_client(url, attempts);
    let start = Instant::now();
    let result = tokio::time::timeout(
        Duration::from_secs(10),
        client.get_channel().arn(ARN).send(),
    )
    .await
    .expect("the client must give up by itself, well within 10 s");
    let result = result.map(|_| ()).map_err(|e| (e.kind(), render_error(&e)));
    (result, start.elapsed())
}

async fn write_then_stall(mut stream: TcpStream, bytes: &'static [u8]) {
    let _ = stream.write_all(bytes).await;
    tokio::time::sleep(Duration::from_secs(20)).await;
}

#[tokio::test]
async fn network_truncated_body_then_close() {
    let url = misbehaving_server(3, |mut s| async move {
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"channel\": {")
            .await;
        let _ = s.shutdown().await;
    })
    .await;
    let (result, took) = get_channel_from(&url, 3).await;
    let (kind, text) = result.expect_err("a truncated body is an error");
    println!("truncated body: {kind:?} after {took:?}: {text}");
    assert_eq!(kind, ErrorKind::Transport, "{text}");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn network_content_length_longer_than_the_body_hits_the_attempt_timeout() {
    let url = misbehaving_server(1, |s| {
        write_then_stall(s, b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n{}")
    })
    .await;
    let (result, took) = get_channel_from(&url, 1).await;
    let (kind, text) = result.expect_err("a body shorter than announced never completes");
    println!("content-length too long: {kind:?} after {took:?}: {text}");
    assert_eq!(kind, ErrorKind::Timeout, "{text}");
    assert!(took >= ATTEMPT && took < ATTEMPT * 4, "{took:?}");
}

#[tokio::test]
async fn network_content_length_shorter_than_the_body_reads_only_what_was_announced() {
    // The client reads the 12 announced bytes; the rest is garbage on the connection, and
    // the truncated JSON is a parse error, not a hang and not a success.
    let url = misbehaving_server(1, |s| {
        write_then_stall(
            s,
            b"HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\n{\"channel\": {\"arn\": \"x\"}}",
        )
    })
    .await;
    let (result, took) = get_channel_from(&url, 1).await;
    let (kind, text) = result.expect_err("12 bytes of that body are not JSON");
    println!("content-length too short: {kind:?} after {took:?}: {text}");
    assert_eq!(kind, ErrorKind::ResponseParse, "{text}");
    assert!(took < ATTEMPT, "{took:?}");
}

#[tokio::test]
async fn network_body_that_drips_forever_hits_the_attempt_timeout() {
    let url = misbehaving_server(2, |mut s| async move {
        if s.write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
            .await
            .is_err()
        {
            return;
        }
        // One byte every 20 ms, bounded so the task ends by itself.
        for _ in 0..1000 {
            if s.write_all(b"1\r\n \r\n").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    let (result, took) = get_channel_from(&url, 2).await;
    let (kind, text) = result.expect_err("a body that never ends is an error");
    println!("slow drip: {kind:?} after {took:?}: {text}");
    assert_eq!(kind, ErrorKind::Timeout, "{text}");
    // Two attempts of ATTEMPT each, plus backoff.
    assert!(took >= ATTEMPT * 2 && took < ATTEMPT * 5, "{took:?}");
}

#[tokio::test]
async fn network_endless_body_is_cut_off_at_the_size_limit() {
    let written = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = written.clone();
    let url = misbehaving_server(1, move |mut s| {
        let counter = counter.clone();
        async move {
            if s.write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
                .await
                .is_err()
            {
                return;
            }
            let chunk = format!("4000\r\n{}\r\n", " ".repeat(0x4000));
            // At most 256 MiB, as fast as the client reads; it should stop reading long before.
            for _ in 0..16_384 {
                if s.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
                counter.fetch_add(0x4000, std::sync::atomic::Ordering::Relaxed);
            }
        }
    })
    .await;
    let (result, took) = get_channel_from(&url, 3).await;
    let (kind, text) = result.expect_err("a body over the limit is an error");
    println!(
        "endless body: {kind:?} after {took:?}, server wrote {} KiB: {text}",
        written.load(std::sync::atomic::Ordering::Relaxed) / 1024
    );
    assert_eq!(kind, ErrorKind::Transport, "{text}");
    assert!(text.contains("exceeds the limit"), "{text}");
    assert!(
        took < ATTEMPT,
        "refused as soon as the limit is passed: {took:?}"
    );
    // Not retried: a server that sent too much once will do it again.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let written = written.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        written < 64 * 1024 * 1024,
        "the client kept reading: the server wrote {written} bytes"
    );
}

#[tokio::test]
async fn network_announced_body_over_the_limit_is_refused_before_reading_it() {
    let url = misbehaving_server(1, |s| {
        write_then_stall(
            s,
            b"HTTP/1.1 200 OK\r\ncontent-length: 1000000000000\r\n\r\n{",
        )
    })
    .await;
    let (result, took) = get_channel_from(&url, 3).await;
    let (kind, text) = result.expect_err("refused");
    println!("announced too large: {kind:?} after {took:?}: {text}");
    assert_eq!(kind, ErrorKind::Transport, "{text}");
    assert!(text.contains("exceeds the limit"), "{text}");
    assert!(took < ATTEMPT, "{took:?}");
}

#[tokio::test]
async fn network_server_that_accepts_and_says_nothing_hits_the_attempt_timeout() {
    let url = misbehaving_server(3, |s| async move {
        tokio::time::sleep(Duration::from_secs(20)).await;
        drop(s);
    })
    .await;
    let (result, took) = get_channel_from(&url, 2).await;
    let (kind, text) = result.expect_err("silence is an error");
    println!("silent server: {kind:?} after {took:?}: {text}");
    assert_eq!(kind, ErrorKind::Timeout, "{text}");
    assert!(took >= ATTEMPT * 2 && took < ATTEMPT * 5, "{took:?}");
}

#[tokio::test]
async fn network_server_that_closes_at_once_is_a_transport_error() {
    let url = misbehaving_server(3, |s| async move { drop(s) }).await;
    let (result, took) = get_channel_from(&url, 3).await;
    let (kind, text) = result.expect_err("a closed connection is an error");
    println!("closing server: {kind:?} after {took:?}: {text}");
    assert_eq!(kind, ErrorKind::Transport, "{text}");
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[tokio::test]
async fn network_server_that_closes_before_reading_the_request() {
    // Accept and close without reading: the client may fail while still writing.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        for _ in 0..3 {
            let Ok((s, _)) = listener.accept().await else {
                return;
            };
            drop(s);
        }
    });
    let (result, took) = get_channel_from(&format!("http://{addr}"), 3).await;
    let (kind, text) = result.expect_err("error");
    assert_eq!(kind, ErrorKind::Transport, "{text}");
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn the_default_response_size_limit_is_documented() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    assert_eq!(
        ivs::runtime::transport::DEFAULT_MAX_RESPONSE_BODY_SIZE,
        16 * 1024 * 1024
    );
    assert!(
        readme.contains("16 MiB"),
        "the README should state the response body limit"
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Bad user input

#[tokio::test]
async fn missing_required_members_fail_before_any_request_and_name_the_member() {
    let capture = CaptureClient::new();
    let client = quick_client(capture.clone());
    type Outcome = Result<(), (ErrorKind, String)>;
    let mut checks: Vec<(&str, Outcome)> = Vec::new();
    macro_rules! check {
        ($member:literal, $call:expr) => {
            checks.push((
                $member,
                $call
                    .await
                    .map(|_| ())
                    .map_err(|e| (e.kind(), e.to_string())),
            ));
        };
    }
    check!("metadata", client.put_metadata().channel_arn(ARN).send());
    check!("channelArn", client.put_metadata().metadata("m").send());
    check!("arn", client.get_channel().send());
    check!("arns", client.batch_get_channel().send());
    check!(
        "viewerSessions",
        client.batch_start_viewer_session_revocation().send()
    );
    check!(
        "destinationConfiguration",
        client.create_recording_configuration().send()
    );
    check!(
        "publicKeyMaterial",
        client.import_playback_key_pair().send()
    );
    check!("tags", client.tag_resource().resource_arn(ARN).send());
    check!("tagKeys", client.untag_resource().resource_arn(ARN).send());
    check!("resourceArn", client.tag_resource().tags("k", "v").send());
    check!(
        "viewerId",
        client
            .start_viewer_session_revocation()
            .channel_arn(ARN)
            .send()
    );
    for (member, result) in &checks {
        let (kind, text) = result.as_ref().expect_err(member);
        println!("missing {member}: {text}");
        assert_eq!(*kind, ErrorKind::Construction, "{member}: {text}");
        assert!(
            text.contains(member),
            "the error should name `{member}`: {text}"
        );
    }
    // A nested structure's required members, when building it.
    let err = BatchStartViewerSessionRevocationViewerSession::builder()
        .viewer_id("v")
        .build()
        .expect_err("channel_arn is required");
    assert!(
        err.to_string().contains("channel"),
        "the error should name the member: {err}"
    );
    assert!(
        capture.requests().is_empty(),
        "a request went out: {:?}",
        capture.requests()
    );
}

#[tokio::test]
async fn empty_labels_fail_before_any_request() {
    // ListTagsForResource is covered in operations.rs; these are the other two label users.
    let capture = CaptureClient::new();
    let client = quick_client(capture.clone());
    let err = client
        .tag_resource()
        .resource_arn("")
        .tags("k", "v")
        .send()
        .await
        .expect_err("empty label");
    assert_eq!(err.kind(), ErrorKind::Construction, "{err}");
    assert!(err.to_string().contains("resourceArn"), "{err}");
    let err = client
        .untag_resource()
        .resource_arn("")
        .tag_keys("k".to_owned())
        .send()
        .await
        .expect_err("empty label");
    assert_eq!(err.kind(), ErrorKind::Construction, "{err}");
    assert!(capture.requests().is_empty());
}

/// The label as the Smithy spec (and botocore) encodes it: everything but `A-Za-z0-9-._~`.
fn expected_label(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Percent-decodes `text` (all of whose `%` must start an escape).
fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Checks one request of a `/tags/{resourceArn}` operation: the path is `/tags/` and one
/// segment that decodes to the ARN, and the request goes to the configured endpoint.
fn check_tags_request(
    request: &ivs::runtime::http::HttpRequest,
    arn: &str,
) -> Result<(), TestCaseError> {
    let uri = request.uri();
    prop_assert_eq!(uri.scheme_str(), Some("http"));
    prop_assert_eq!(uri.authority().map(|a| a.as_str()), Some("127.0.0.1:1"));
    let path = uri.path();
    let label = path
        .strip_prefix("/tags/")
        .ok_or_else(|| TestCaseError::fail(format!("path {path:?} is not under /tags/")))?;
    let expected = expected_label(arn);
    prop_assert_eq!(label, expected.as_str());
    prop_assert!(!label.contains(['/', '?', '#', ' ']), "{label}");
    prop_assert_eq!(percent_decode(label), Some(arn.as_bytes().to_vec()));
    Ok(())
}

#[test]
fn any_label_value_is_escaped_into_one_path_segment() {
    let rt = current_thread_runtime();
    let arn = prop_oneof![
        any::<String>(),
        prop::collection::vec(
            prop::sample::select(vec![
                "/",
                " ",
                "%",
                "%2F",
                "?",
                "#",
                "&",
                "=",
                "+",
                "..",
                ".",
                "é",
                "🦀",
                "\u{0}",
                "\n",
                "arn:aws:ivs:us-west-2:123456789012:channel/",
                "abc",
                "\\",
                "\"",
            ]),
            1..8
        )
        .prop_map(|v| v.concat()),
    ];
    let keys = prop::collection::vec(
        prop_oneof![
            any::<String>(),
            Just("a&b=c#d?e".to_owned()),
            Just(" +%".to_owned())
        ],
        1..3,
    );
    run_property(
        "label and query escaping (TagResource, UntagResource, ListTagsForResource)",
        cases(600),
        (arn, keys),
        |(arn, keys)| {
            let capture = CaptureClient::new();
            let client = quick_client(capture.clone());
            let results = rt.block_on(async {
                vec![
                    client
                        .list_tags_for_resource()
                        .resource_arn(&arn)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| e.kind()),
                    client
                        .tag_resource()
                        .resource_arn(&arn)
                        .tags("k", "v")
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| e.kind()),
                    client
                        .untag_resource()
                        .resource_arn(&arn)
                        .set_tag_keys(Some(keys.clone()))
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| e.kind()),
                ]
            });
            let requests = capture.requests();
            // Empty and dot-segment labels are refused before sending: proxies and servers
            // normalise `.` and `..` away, so such a request would reach another path.
            if arn.is_empty() || arn == "." || arn == ".." {
                prop_assert!(requests.is_empty());
                prop_assert!(results.iter().all(|r| *r == Err(ErrorKind::Construction)));
                return Ok(());
            }
            prop_assert!(results.iter().all(Result::is_ok), "{results:?}");
            prop_assert_eq!(requests.len(), 3);
            for request in &requests {
                check_tags_request(request, &arn)?;
            }
            // UntagResource's keys come back from the query exactly.
            let query = requests[2].uri().query().unwrap_or_default();
            let decoded: Vec<Vec<u8>> = query
                .split('&')
                .map(|pair| {
                    let value = pair.strip_prefix("tagKeys=").unwrap_or("<not tagKeys>");
                    percent_decode(value).unwrap_or_default()
                })
                .collect();
            let expected: Vec<Vec<u8>> = keys.iter().map(|k| k.as_bytes().to_vec()).collect();
            prop_assert_eq!(decoded, expected, "query {}", query);
            Ok(())
        },
    );
}

#[tokio::test]
async fn labels_that_need_escaping_are_escaped_exactly() {
    let capture = CaptureClient::new();
    let client = quick_client(capture.clone());
    let cases = [
        ("a/b", "/tags/a%2Fb"),
        ("a b", "/tags/a%20b"),
        ("100%", "/tags/100%25"),
        ("what?x=1", "/tags/what%3Fx%3D1"),
        ("frag#ment", "/tags/frag%23ment"),
        (
            "arn:aws:ivs:us-west-2:123456789012:channel/ünï🦀",
            "/tags/arn%3Aaws%3Aivs%3Aus-west-2%3A123456789012%3Achannel%2F%C3%BCn%C3%AF%F0%9F%A6%80",
        ),
        ("../../GetChannel", "/tags/..%2F..%2FGetChannel"),
    ];
    for (arn, path) in cases {
        client
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .expect("sent");
        let requests = capture.requests();
        let request = requests.last().expect("a request");
        assert_eq!(request.uri().path(), path, "{arn}");
        assert_eq!(request.uri().query(), None, "{arn}");
    }
}
