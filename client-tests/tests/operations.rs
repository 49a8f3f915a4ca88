//! Single operations over the replay and capture transports: what goes on the wire and how
//! answers and errors are read.

mod common;

use bytes::Bytes;
use common::{client, json_body};
use ivs::runtime::error::ErrorKind;
use ivs::runtime::http::{CaptureClient, Replay, ReplayClient};
use ivs::types::ChannelLatencyMode;

const ARN: &str = "arn:aws:ivs:us-west-2:123456789012:channel/abcdABCD";

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Replay {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    Replay::Response(
        builder
            .body(Bytes::copy_from_slice(body.as_bytes()))
            .expect("valid response"),
    )
}

#[tokio::test]
async fn create_channel_posts_json_and_signs() {
    let capture = CaptureClient::new();
    let client = client(capture.clone());
    client
        .create_channel()
        .name("demo")
        .latency_mode(ChannelLatencyMode::LowLatency)
        .send()
        .await
        .expect("200 {} is a valid CreateChannel answer");
    let requests = capture.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method(), "POST");
    assert_eq!(request.uri().path(), "/CreateChannel");
    assert_eq!(request.uri().query(), None);
    assert_eq!(
        json_body(request),
        serde_json::json!({"name": "demo", "latencyMode": "LOW"})
    );
    assert_eq!(
        request.headers().get("content-type").expect("content-type"),
        "application/json"
    );
    let auth = request
        .headers()
        .get("authorization")
        .expect("signed")
        .to_str()
        .expect("ascii");
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKID/"),
        "{auth}"
    );
    assert!(auth.contains("/us-west-2/ivs/aws4_request"), "{auth}");
    assert!(auth.contains("SignedHeaders="), "{auth}");
    assert!(auth.contains("Signature="), "{auth}");
    assert!(!auth.contains("SECRET"), "{auth}");
    assert!(request.headers().contains_key("x-amz-date"));
}

#[tokio::test]
async fn list_tags_for_resource_is_a_get_with_an_encoded_label_and_no_body() {
    let capture = CaptureClient::new();
    let client = client(capture.clone());
    client
        .list_tags_for_resource()
        .resource_arn(ARN)
        .send()
        .await
        .expect("ok");
    let requests = capture.requests();
    let request = &requests[0];
    assert_eq!(request.method(), "GET");
    assert_eq!(
        request.uri().path(),
        "/tags/arn%3Aaws%3Aivs%3Aus-west-2%3A123456789012%3Achannel%2FabcdABCD"
    );
    assert!(request.body().is_empty(), "{:?}", request.body());
    assert!(!request.headers().contains_key("content-type"));
    assert!(request.headers().contains_key("authorization"));
}

#[tokio::test]
async fn untag_resource_is_a_delete_with_repeated_query_keys() {
    let capture = CaptureClient::new();
    let client = client(capture.clone());
    client
        .untag_resource()
        .resource_arn(ARN)
        .tag_keys("a".to_owned())
        .tag_keys("b".to_owned())
        .send()
        .await
        .expect("ok");
    let requests = capture.requests();
    let request = &requests[0];
    assert_eq!(request.method(), "DELETE");
    assert_eq!(
        request.uri().path(),
        "/tags/arn%3Aaws%3Aivs%3Aus-west-2%3A123456789012%3Achannel%2FabcdABCD"
    );
    assert_eq!(request.uri().query(), Some("tagKeys=a&tagKeys=b"));
    assert!(request.body().is_empty());
    assert!(!request.headers().contains_key("content-type"));
}

#[tokio::test]
async fn an_empty_label_is_a_construction_error_and_sends_nothing() {
    let capture = CaptureClient::new();
    let client = client(capture.clone());
    let err = client
        .list_tags_for_resource()
        .resource_arn("")
        .send()
        .await
        .expect_err("an empty label cannot make a path");
    println!("empty label: {err}");
    assert_eq!(err.kind(), ErrorKind::Construction);
    let err = client
        .list_tags_for_resource()
        .send()
        .await
        .expect_err("a missing label cannot make a path");
    println!("missing label: {err}");
    assert_eq!(err.kind(), ErrorKind::Construction);
    assert!(capture.requests().is_empty());
}

#[tokio::test]
async fn dot_segment_labels_are_refused_and_send_nothing() {
    let capture = CaptureClient::new();
    let client = client(capture.clone());
    for arn in [".", ".."] {
        let err = client
            .untag_resource()
            .resource_arn(arn)
            .tag_keys("k")
            .send()
            .await
            .expect_err("a dot segment would be normalised into another path");
        println!("label {arn:?}: {err}");
        assert_eq!(err.kind(), ErrorKind::Construction);
        assert!(err.to_string().contains("resourceArn"), "{err}");
    }
    assert!(capture.requests().is_empty());
}

#[tokio::test]
async fn get_channel_not_found_from_the_real_service() {
    let replay = ReplayClient::new();
    replay.push(response(
        404,
        &[
            ("content-type", "application/json"),
            (
                "x-amzn-ErrorType",
                "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.ivs/",
            ),
            ("x-amzn-RequestId", "req-1"),
        ],
        r#"{"exceptionMessage":"no such channel"}"#,
    ));
    let client = client(replay.clone());
    let err = client.get_channel().arn(ARN).send().await.expect_err("404");
    println!("GetChannel 404 Display: {err}");
    println!("GetChannel 404 Debug: {err:?}");
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert_eq!(err.message(), Some("no such channel"));
    assert_eq!(err.request_id(), Some("req-1"));
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(
        err.to_string(),
        "ResourceNotFoundException (HTTP 404): no such channel (request id: req-1)"
    );
    assert_eq!(replay.requests().len(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn get_channel_not_found_from_moto() {
    let replay = ReplayClient::new();
    replay.push(response(
        404,
        &[
            ("content-type", "text/html; charset=utf-8"),
            ("x-amzn-ErrorType", "ResourceNotFoundException"),
            ("x-amzn-RequestId", "moto-req"),
        ],
        r#"{"__type":"ResourceNotFoundException","message":"x"}"#,
    ));
    let client = client(replay.clone());
    let err = client.get_channel().arn(ARN).send().await.expect_err("404");
    println!("moto-style 404: {err}");
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert_eq!(err.message(), Some("x"));
    assert_eq!(err.request_id(), Some("moto-req"));
}

#[tokio::test]
async fn moto_error_body_without_the_header() {
    let replay = ReplayClient::new();
    replay.push_json(
        404,
        r#"{"__type":"ResourceNotFoundException","message":"x"}"#,
    );
    let client = client(replay.clone());
    let err = client.get_channel().arn(ARN).send().await.expect_err("404");
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(err.message(), Some("x"));
}

#[tokio::test]
async fn an_unparseable_success_body_is_a_response_parse_error() {
    let replay = ReplayClient::new();
    replay.push(response(
        200,
        &[
            ("content-type", "application/json"),
            ("x-amzn-RequestId", "req-bad"),
        ],
        "{not json",
    ));
    let client = client(replay.clone());
    let err = client
        .get_channel()
        .arn(ARN)
        .send()
        .await
        .expect_err("garbage");
    println!("unparseable body: {err}");
    assert_eq!(err.kind(), ErrorKind::ResponseParse);
    assert_eq!(err.request_id(), Some("req-bad"));
}

#[tokio::test]
async fn a_success_body_is_parsed_whatever_the_content_type() {
    // moto answers success with `Content-Type: text/html`.
    let replay = ReplayClient::new();
    replay.push(response(
        200,
        &[("content-type", "text/html; charset=utf-8")],
        &format!(r#"{{"channel": {{"arn": "{ARN}", "name": "demo", "latencyMode": "NORMAL"}}}}"#),
    ));
    let client = client(replay.clone());
    let out = client.get_channel().arn(ARN).send().await.expect("ok");
    let channel = out.channel().expect("channel");
    assert_eq!(channel.name(), Some("demo"));
    assert_eq!(
        channel.latency_mode(),
        Some(&ChannelLatencyMode::NormalLatency)
    );
}

#[tokio::test]
async fn a_500_is_retried_then_succeeds() {
    let replay = ReplayClient::new();
    replay.push(response(
        500,
        &[
            ("x-amzn-ErrorType", "InternalServerException"),
            ("x-amzn-RequestId", "req-500"),
        ],
        r#"{"exceptionMessage":"oops"}"#,
    ));
    replay.push_json(200, &format!(r#"{{"channel": {{"arn": "{ARN}"}}}}"#));
    let client = client(replay.clone());
    let out = client.get_channel().arn(ARN).send().await.expect("retried");
    assert_eq!(out.channel().and_then(|c| c.arn()), Some(ARN));
    let requests = replay.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(json_body(&requests[0]), json_body(&requests[1]));
    assert_eq!(replay.remaining(), 0);
}

#[tokio::test]
async fn stream_key_value_never_appears_in_debug() {
    let replay = ReplayClient::new();
    replay.push_json(
        200,
        r#"{"streamKey": {"arn": "arn:aws:ivs:us-west-2:123456789012:stream-key/k",
            "value": "sk_us-west-2_TOPSECRETVALUE",
            "channelArn": "arn:aws:ivs:us-west-2:123456789012:channel/c", "tags": {}}}"#,
    );
    let client = client(replay.clone());
    let out = client
        .get_stream_key()
        .arn("arn:aws:ivs:us-west-2:123456789012:stream-key/k")
        .send()
        .await
        .expect("ok");
    let key = out.stream_key().expect("stream key");
    assert_eq!(key.value(), Some("sk_us-west-2_TOPSECRETVALUE"));
    for shown in [format!("{out:?}"), format!("{out:#?}"), format!("{key:?}")] {
        assert!(!shown.contains("TOPSECRETVALUE"), "{shown}");
        assert!(shown.contains("stream-key/k"), "{shown}");
    }
}
