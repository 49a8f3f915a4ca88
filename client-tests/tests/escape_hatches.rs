//! The escape hatches: request ids on outputs, one error-metadata trait with status and
//! headers, per-call overrides, interceptors, and typed mocks.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{channels_page, client, collect};
use ivs::error::{ErrorKind, ProvideErrorMetadata};
use ivs::operation::get_channel::{GetChannelError, GetChannelInput, GetChannelOutput};
use ivs::operation::list_channels::ListChannelsOutput;
use ivs::runtime::http::{Bytes, HttpRequest, HttpResponse, Replay};
use ivs::types::error::ResourceNotFoundException;
use ivs::types::{Channel, ChannelSummary};
use ivs::{AttemptContext, Interceptor, Mocks, ReplayClient, RequestId};

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Replay {
    let mut b = http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    Replay::Response(b.body(Bytes::copy_from_slice(body.as_bytes())).unwrap())
}

#[tokio::test]
async fn outputs_carry_their_request_ids() {
    let replay = ReplayClient::new();
    replay.push(response(
        200,
        &[("x-amzn-RequestId", "req-1"), ("x-amz-id-2", "ext-1")],
        r#"{"channel": {"name": "a"}}"#,
    ));
    replay.push(response(200, &[], r#"{"channel": {"name": "b"}}"#));
    let client = client(replay.clone());
    let out = client.get_channel().arn("arn:x").send().await.unwrap();
    assert_eq!(out.request_id(), Some("req-1"));
    assert_eq!(RequestId::extended_request_id(&out), Some("ext-1"));
    let out = client.get_channel().arn("arn:x").send().await.unwrap();
    assert_eq!(out.request_id(), None);
    // Not part of the data: equal to the same data built by hand.
    assert_eq!(
        out,
        GetChannelOutput::builder()
            .channel(Channel::builder().name("b").build())
            .build()
    );
}

/// One function for every error type, through the trait.
fn describe(e: &impl ProvideErrorMetadata) -> String {
    format!(
        "{} {} {} {:?}",
        e.code().unwrap_or("-"),
        e.message().unwrap_or("-"),
        e.request_id().unwrap_or("-"),
        e.meta().status
    )
}

#[tokio::test]
async fn every_error_shares_the_metadata_trait_with_status_and_headers() {
    let replay = ReplayClient::new();
    replay.push(response(
        404,
        &[
            ("x-amzn-ErrorType", "ResourceNotFoundException"),
            ("x-amzn-RequestId", "req-404"),
            ("x-custom", "kept"),
        ],
        r#"{"exceptionMessage": "no such channel"}"#,
    ));
    let client = client(replay.clone());
    let err = client.get_channel().arn("arn:x").send().await.unwrap_err();
    let expected = "ResourceNotFoundException no such channel req-404 Some(404)";
    assert_eq!(describe(&err), expected);
    assert_eq!(err.meta().status, Some(404));
    assert_eq!(err.meta().headers["x-custom"], "kept");
    match &err {
        GetChannelError::ResourceNotFoundException(e) => assert_eq!(describe(e), expected),
        other => panic!("not modeled: {other}"),
    }
    let crate_err: ivs::Error = err.into();
    assert_eq!(describe(&crate_err), expected);
    assert_eq!(crate_err.meta().headers["x-custom"], "kept");

    // An unmodeled one and a transport failure answer the same questions.
    replay.push(response(
        500,
        &[("x-amzn-RequestId", "req-500")],
        r#"{"__type": "Weird", "message": "odd"}"#,
    ));
    let client = client_no_retry(replay.clone());
    let err = client.get_channel().arn("arn:x").send().await.unwrap_err();
    assert_eq!(describe(&err), "Weird odd req-500 Some(500)");
    let err = client.get_channel().arn("arn:x").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(err.meta().status, None);
    assert!(err.meta().headers.is_empty());
}

fn client_no_retry(replay: ReplayClient) -> ivs::Client {
    let client = client(replay);
    let config = client
        .config()
        .to_builder()
        .retry(ivs::RetryConfig::disabled())
        .build();
    ivs::Client::new(config)
}

#[tokio::test]
async fn customize_overrides_one_call_only() {
    // The client's transport hangs; one call goes elsewhere with a short timeout, one call
    // elsewhere with no retries, and the client is unchanged afterwards.
    let hanging = ReplayClient::new();
    for _ in 0..3 {
        hanging.push(Replay::Hang);
    }
    let client = client(hanging.clone()).config().to_builder().build();
    let client = ivs::Client::new(client);

    let started = std::time::Instant::now();
    let err = client
        .get_channel()
        .arn("arn:x")
        .customize(|c| {
            c.timeouts(
                ivs::TimeoutConfig::default()
                    .with_attempt(Some(Duration::from_millis(50)))
                    .with_operation(Some(Duration::from_millis(200))),
            )
            .retry(ivs::RetryConfig::disabled())
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(hanging.requests().len(), 1, "no retry under the override");

    let other = ReplayClient::new();
    other.push_json(500, r#"{"__type": "InternalServerException"}"#);
    let err = client
        .get_channel()
        .arn("arn:x")
        .customize(|c| {
            c.http_client(other.clone())
                .endpoint_url("http://127.0.0.2:9")
                .retry(ivs::RetryConfig::disabled())
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InternalServerException"));
    let sent = other.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].uri().host(), Some("127.0.0.2"));
    // The paginator of a customized builder uses the override for every page.
    other.push_json(200, &channels_page(&["a"], Some("t")));
    other.push_json(200, &channels_page(&["b"], None));
    let pages = collect(
        client
            .list_channels()
            .customize(|c| c.http_client(other.clone()))
            .into_paginator()
            .send(),
    )
    .await;
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(Result::is_ok));
    // The client itself still uses its own transport and settings.
    assert_eq!(client.config().retry().max_attempts(), 3);
    assert!(client.config().endpoint_url() == Some("http://127.0.0.1:1"));
}

/// Records what it sees, and adds a header before signing.
#[derive(Debug, Default)]
struct Recorder {
    seen: Mutex<Vec<(String, u32, u16)>>,
    before: AtomicU32,
}

impl Interceptor for Recorder {
    fn modify_before_signing(&self, _cx: &AttemptContext<'_>, request: &mut HttpRequest) {
        self.before.fetch_add(1, Ordering::SeqCst);
        request
            .headers_mut()
            .insert("x-intercepted", "yes".parse().unwrap());
    }
    fn read_after_attempt(&self, cx: &AttemptContext<'_>, response: &HttpResponse) {
        self.seen.lock().unwrap().push((
            cx.operation.to_owned(),
            cx.attempt,
            response.status().as_u16(),
        ));
    }
}

#[tokio::test]
async fn interceptors_see_and_change_every_attempt() {
    let replay = ReplayClient::new();
    replay.push_json(503, r#"{"__type": "ServiceUnavailable"}"#);
    replay.push_json(200, r#"{"channel": {}}"#);
    let recorder = Arc::new(Recorder::default());
    let config = client(replay.clone())
        .config()
        .to_builder()
        .interceptor(recorder.clone())
        .build();
    let client = ivs::Client::new(config);
    client.get_channel().arn("arn:x").send().await.unwrap();
    assert_eq!(recorder.before.load(Ordering::SeqCst), 2);
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            ("GetChannel".to_owned(), 1, 503),
            ("GetChannel".to_owned(), 2, 200)
        ]
    );
    for request in replay.requests() {
        assert_eq!(request.headers()["x-intercepted"], "yes");
        // Added before signing, so signed.
        let auth = request.headers()["authorization"].to_str().unwrap();
        assert!(auth.contains("x-intercepted"), "{auth}");
    }
    // A per-call interceptor comes after the client's.
    let extra = Arc::new(Recorder::default());
    replay.push_json(200, r#"{"channel": {}}"#);
    client
        .get_channel()
        .arn("arn:x")
        .customize(|c| c.interceptor(extra.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(extra.seen.lock().unwrap().len(), 1);
    assert_eq!(recorder.seen.lock().unwrap().len(), 3);
}

/// The unit test a user writes: "ListChannels returns these, then GetChannel fails with
/// ResourceNotFoundException", in Rust types.
#[tokio::test]
async fn typed_mocks_answer_in_rust_types() {
    let summary = |name: &str| {
        ChannelSummary::builder()
            .name(name)
            .arn(format!("arn:aws:ivs:us-west-2:1:channel/{name}"))
            .build()
    };
    let mocks = Mocks::new()
        .output(
            ListChannelsOutput::builder()
                .channels(summary("a"))
                .channels(summary("b"))
                .next_token("page-2")
                .build()
                // `channels` is required: build() checks it.
                .unwrap(),
        )
        .output(
            ListChannelsOutput::builder()
                .channels(summary("c"))
                .build()
                .unwrap(),
        )
        .error(GetChannelError::ResourceNotFoundException(
            ResourceNotFoundException::builder()
                .exception_message("no such channel")
                .build(),
        ))
        // Every other GetChannel: answered from its input.
        .answer(|input: &GetChannelInput| {
            Ok::<_, GetChannelError>(
                GetChannelOutput::builder()
                    .channel(
                        Channel::builder()
                            .arn(input.arn().unwrap_or_default())
                            .build(),
                    )
                    .build(),
            )
        });
    // No region, no credentials, no transport: nothing is sent.
    let client = ivs::Client::new(ivs::Config::builder().mocks(mocks.clone()).build());

    let names: Vec<String> = client
        .list_channels()
        .into_paginator()
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_or_else(|e| panic!("{e}: {mocks:?}"))
        .iter()
        .map(|c| c.name().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(names, ["a", "b", "c"]);

    let err = client
        .get_channel()
        .arn("arn:gone")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_resource_not_found_exception(), "{err}");
    assert_eq!(err.message(), Some("no such channel"));

    let out = client.get_channel().arn("arn:there").send().await.unwrap();
    assert_eq!(out.channel().and_then(|c| c.arn()), Some("arn:there"));

    // Required members are still checked before any mock answers.
    let err = client.get_channel().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Construction);
    // An operation without a rule fails clearly.
    let err = client
        .delete_channel()
        .arn("arn:x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(
        err.to_string()
            .contains("no mocked answer left for DeleteChannel"),
        "{err}"
    );

    assert_eq!(
        mocks.calls(),
        [
            "ListChannels",
            "ListChannels",
            "GetChannel",
            "GetChannel",
            "DeleteChannel"
        ]
    );
    assert_eq!(mocks.remaining(), 0);
}
