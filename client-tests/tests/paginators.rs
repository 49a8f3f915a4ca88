//! The `ListChannels` paginator over the replay transport.

mod common;

use common::{channels_page, client, collect, json_body, next};
use ivs::runtime::error::ErrorKind;
use ivs::runtime::http::ReplayClient;

fn names(pages: &[ivs::operation::list_channels::ListChannelsOutput]) -> Vec<Vec<String>> {
    pages
        .iter()
        .map(|p| {
            p.channels()
                .iter()
                .map(|c| c.name().unwrap_or_default().to_owned())
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn three_pages_are_collected() {
    let replay = ReplayClient::new();
    replay.push_json(200, &channels_page(&["a"], Some("t1")));
    replay.push_json(200, &channels_page(&["b"], Some("t2")));
    replay.push_json(200, &channels_page(&["c"], None));
    let client = client(replay.clone());
    let pages: Vec<_> = collect(client.list_channels().into_paginator().page_size(1).send())
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every page succeeds");
    assert_eq!(names(&pages), [["a"], ["b"], ["c"]]);
    assert_eq!(replay.requests().len(), 3);
    assert_eq!(replay.remaining(), 0);
}

#[tokio::test]
async fn null_token_stops() {
    // moto sends `"nextToken": null` on the last page.
    let replay = ReplayClient::new();
    replay.push_json(200, r#"{"channels": [], "nextToken": null}"#);
    let client = client(replay.clone());
    let pages = collect(client.list_channels().into_paginator().send()).await;
    assert_eq!(pages.len(), 1);
    assert!(pages[0].is_ok());
    assert_eq!(replay.requests().len(), 1);
}

#[tokio::test]
async fn empty_token_stops() {
    let replay = ReplayClient::new();
    replay.push_json(200, &channels_page(&["a"], Some("t1")));
    replay.push_json(200, &channels_page(&["b"], Some("")));
    // Would be requested if the empty token did not stop the stream.
    replay.push_json(200, &channels_page(&["never"], None));
    let client = client(replay.clone());
    let pages: Vec<_> = collect(client.list_channels().into_paginator().send())
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every page succeeds");
    assert_eq!(names(&pages), [["a"], ["b"]]);
    assert_eq!(replay.requests().len(), 2);
    assert_eq!(replay.remaining(), 1);
}

#[tokio::test]
async fn repeated_token_ends_with_an_error() {
    let replay = ReplayClient::new();
    replay.push_json(200, &channels_page(&["a"], Some("same")));
    replay.push_json(200, &channels_page(&["b"], Some("same")));
    replay.push_json(200, &channels_page(&["never"], None));
    let client = client(replay.clone());
    let mut stream = client.list_channels().into_paginator().send();
    assert!(next(&mut stream).await.expect("page 1").is_ok());
    let err = next(&mut stream)
        .await
        .expect("an item after the repeat")
        .expect_err("the repeated token is an error");
    println!("duplicate token error: {err}");
    assert_eq!(err.kind(), ErrorKind::ResponseParse);
    assert!(err.to_string().contains("same next token"), "{err}");
    assert!(
        !err.to_string().contains("\"same\""),
        "the token itself is not shown"
    );
    assert!(next(&mut stream).await.is_none(), "the stream ends");
    assert_eq!(replay.requests().len(), 2);
}

#[tokio::test]
async fn repeated_token_continues_when_allowed() {
    let replay = ReplayClient::new();
    replay.push_json(200, &channels_page(&["a"], Some("same")));
    replay.push_json(200, &channels_page(&["b"], Some("same")));
    replay.push_json(200, &channels_page(&["c"], None));
    let client = client(replay.clone());
    let pages: Vec<_> = collect(
        client
            .list_channels()
            .into_paginator()
            .stop_on_duplicate_token(false)
            .send(),
    )
    .await
    .into_iter()
    .collect::<Result<_, _>>()
    .expect("every page succeeds");
    assert_eq!(names(&pages), [["a"], ["b"], ["c"]]);
    let requests = replay.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(json_body(&requests[1])["nextToken"], "same");
    assert_eq!(json_body(&requests[2])["nextToken"], "same");
}

#[tokio::test]
async fn error_on_page_two_is_yielded_then_the_stream_ends() {
    let replay = ReplayClient::new();
    replay.push_json(200, &channels_page(&["a"], Some("t1")));
    replay.push_json(
        400,
        r#"{"__type": "ValidationException", "message": "bad token"}"#,
    );
    replay.push_json(200, &channels_page(&["never"], None));
    let client = client(replay.clone());
    let mut stream = client.list_channels().into_paginator().send();
    assert!(next(&mut stream).await.expect("page 1").is_ok());
    let err = next(&mut stream)
        .await
        .expect("page 2")
        .expect_err("page 2 fails");
    assert!(err.is_validation_exception(), "{err:?}");
    assert_eq!(err.message(), Some("bad token"));
    assert!(next(&mut stream).await.is_none(), "the stream ends");
    assert!(next(&mut stream).await.is_none(), "and stays ended");
    assert_eq!(replay.requests().len(), 2, "no retry of a 400, no page 3");
}

#[tokio::test]
async fn nothing_is_requested_before_the_first_poll() {
    let replay = ReplayClient::new();
    replay.push_json(200, &channels_page(&["a"], None));
    let client = client(replay.clone());
    let paginator = client.list_channels().into_paginator().page_size(1);
    assert_eq!(replay.requests().len(), 0);
    let mut stream = paginator.send();
    assert_eq!(replay.requests().len(), 0, "send() alone requests nothing");
    tokio::task::yield_now().await;
    assert_eq!(replay.requests().len(), 0, "still nothing without a poll");
    let items = client.list_channels().into_paginator().items();
    drop(items);
    assert_eq!(replay.requests().len(), 0, "items() alone requests nothing");
    assert!(next(&mut stream).await.expect("page 1").is_ok());
    assert_eq!(replay.requests().len(), 1);
}

#[tokio::test]
async fn every_page_request_keeps_the_input_and_carries_the_token() {
    let replay = ReplayClient::new();
    replay.push_json(200, &channels_page(&["a"], Some("t1")));
    replay.push_json(200, &channels_page(&["b"], Some("t2")));
    replay.push_json(200, &channels_page(&["c"], None));
    let client = client(replay.clone());
    let pages = collect(
        client
            .list_channels()
            .filter_by_name("demo")
            .filter_by_recording_configuration_arn(
                "arn:aws:ivs:us-west-2:1:recording-configuration/x",
            )
            .into_paginator()
            .page_size(1)
            .send(),
    )
    .await;
    assert_eq!(pages.len(), 3);
    let requests = replay.requests();
    assert_eq!(requests.len(), 3);
    let expected_tokens = [None, Some("t1"), Some("t2")];
    for (request, token) in requests.iter().zip(expected_tokens) {
        assert_eq!(request.method(), "POST");
        assert_eq!(request.uri().path(), "/ListChannels");
        let mut expected = serde_json::json!({
            "filterByName": "demo",
            "filterByRecordingConfigurationArn": "arn:aws:ivs:us-west-2:1:recording-configuration/x",
            "maxResults": 1,
        });
        if let Some(t) = token {
            expected["nextToken"] = serde_json::Value::String(t.to_owned());
        }
        assert_eq!(json_body(request), expected);
    }
}

#[tokio::test]
async fn items_yields_channels_across_pages() {
    let replay = ReplayClient::new();
    replay.push_json(200, &channels_page(&["a", "b"], Some("t1")));
    replay.push_json(200, &channels_page(&[], Some("t2")));
    replay.push_json(200, &channels_page(&["c"], None));
    let client = client(replay.clone());
    let items: Vec<String> = collect(client.list_channels().into_paginator().items())
        .await
        .into_iter()
        .map(|r| r.expect("item").name().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(items, ["a", "b", "c"]);
    assert_eq!(replay.requests().len(), 3);
}

#[tokio::test]
async fn items_yields_the_error_then_ends() {
    let replay = ReplayClient::new();
    replay.push_json(200, &channels_page(&["a"], Some("t1")));
    replay.push_json(
        404,
        r#"{"__type": "ResourceNotFoundException", "message": "gone"}"#,
    );
    let client = client(replay.clone());
    let mut items = client.list_channels().into_paginator().items();
    assert_eq!(
        next(&mut items).await.expect("item").expect("ok").name(),
        Some("a")
    );
    let err = next(&mut items).await.expect("error").expect_err("error");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert!(next(&mut items).await.is_none());
}

/// The inherent `next`, `collect` and `try_collect`: no combinator crate needed, and the
/// names the crate root re-exports (`ivs::ReplayClient`, `ivs::PageStream`, `ivs::ItemStream`).
#[tokio::test]
async fn inherent_next_collect_and_try_collect() {
    let replay = ivs::ReplayClient::new();
    for _ in 0..4 {
        replay.push_json(200, &channels_page(&["a", "b"], Some("t1")));
        replay.push_json(200, &channels_page(&["c"], None));
    }
    let client = client(replay.clone());

    // Items one by one.
    let mut items: ivs::ItemStream<_, _, _, ivs::types::ChannelSummary> =
        client.list_channels().into_paginator().items();
    let mut seen = Vec::new();
    while let Some(channel) = items.next().await {
        seen.push(channel.unwrap().name().unwrap_or_default().to_owned());
    }
    assert_eq!(seen, ["a", "b", "c"]);
    assert!(items.next().await.is_none(), "an ended stream stays ended");

    // Items and pages at once.
    let all: Vec<ivs::types::ChannelSummary> = client
        .list_channels()
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let pages: ivs::PageStream<_, _, _> = client.list_channels().into_paginator().send();
    let pages: Vec<_> = pages.try_collect().await.unwrap();
    assert_eq!(names(&pages), [vec!["a", "b"], vec!["c"]]);
    let results: Vec<Result<_, _>> = client
        .list_channels()
        .into_paginator()
        .send()
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    assert_eq!(replay.remaining(), 0);

    // try_collect stops at the first error and requests nothing after it.
    replay.push_json(200, &channels_page(&["a"], Some("t1")));
    replay.push_json(500, r#"{"__type": "InternalServerException"}"#);
    replay.push_json(500, r#"{"__type": "InternalServerException"}"#);
    replay.push_json(500, r#"{"__type": "InternalServerException"}"#);
    replay.push_json(200, &channels_page(&["never"], None));
    let err = client
        .list_channels()
        .into_paginator()
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InternalServerException"), "{err}");
    assert_eq!(replay.remaining(), 1);
}
