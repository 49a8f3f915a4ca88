//! Every paginator of the model through the client, over the replay transport: two pages by
//! `send()` (the second request carries the first page's token, the input is kept) and their
//! items by `items()`. The operations are checked against the model's `@paginated` ones, so a
//! paginator the generator adds or drops fails here.

mod common;

use common::{client, collect, json_body};
use ivs::runtime::http::ReplayClient;
use serde_json::{json, Value};

const CHANNEL: &str = "arn:aws:ivs:us-west-2:123456789012:channel/abc";

/// Runs one paginated operation: `$method` on the client, `$list` its output list (JSON name),
/// `$item(i)` the JSON of item `i`, `$id` the member that tells items apart, and `$setup` what
/// the input needs.
macro_rules! paginate {
    ($name:literal, $method:ident, $list:literal, $item:expr, $id:literal, |$b:ident| $setup:expr) => {{
        let item: fn(usize) -> Value = $item;
        let page = |items: &[usize], token: Option<&str>| {
            let mut page = json!({ $list: items.iter().map(|&i| item(i)).collect::<Vec<_>>() });
            if let Some(token) = token {
                page["nextToken"] = json!(token);
            }
            page.to_string()
        };
        let replay = ReplayClient::new();
        replay.push_json(200, &page(&[0, 1], Some("page-2")));
        replay.push_json(200, &page(&[2], None));
        let c = client(replay.clone());
        let $b = c.$method();
        let pages = collect($setup.into_paginator().page_size(2).send()).await;
        let pages: Vec<_> = pages
            .into_iter()
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{}: a page failed: {e}", $name));
        let requests = replay.requests();
        assert_eq!((pages.len(), requests.len()), (2, 2), "{}: pages and requests", $name);
        let first = json_body(&requests[0]);
        let second = json_body(&requests[1]);
        assert_eq!(first.get("nextToken"), None, "{}", $name);
        assert_eq!(second["nextToken"], "page-2", "{}", $name);
        assert_eq!(second["maxResults"], 2, "{}: the page size is kept", $name);
        let mut first_input = first.clone();
        first_input.as_object_mut().unwrap().remove("nextToken");
        let mut second_input = second.clone();
        second_input.as_object_mut().unwrap().remove("nextToken");
        assert_eq!(first_input, second_input, "{}: the input is kept", $name);
        let per_page: Vec<usize> = pages
            .iter()
            .map(|p| serde_json::to_value(p).unwrap()[$list].as_array().unwrap().len())
            .collect();
        assert_eq!(per_page, [2, 1], "{}: items per page", $name);

        let replay = ReplayClient::new();
        replay.push_json(200, &page(&[0, 1], Some("page-2")));
        replay.push_json(200, &page(&[2], None));
        let c = client(replay.clone());
        let $b = c.$method();
        let items: Vec<_> = collect($setup.into_paginator().items())
            .await
            .into_iter()
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{}: an item failed: {e}", $name));
        let ids: Vec<Value> = items
            .iter()
            .map(|i| serde_json::to_value(i).unwrap()[$id].clone())
            .collect();
        let want: Vec<Value> = (0..3).map(|i| item(i)[$id].clone()).collect();
        assert_eq!(ids, want, "{}: items in order across pages", $name);
        assert_eq!(replay.requests().len(), 2, "{}", $name);
        $name
    }};
}

fn arn(kind: &str, i: usize) -> String {
    format!("arn:aws:ivs:us-west-2:123456789012:{kind}/{i}")
}

#[tokio::test]
async fn every_paginator_gives_two_pages_and_their_items() {
    let ran = vec![
        paginate!(
            "ListChannels",
            list_channels,
            "channels",
            |i| json!({"arn": arn("channel", i)}),
            "arn",
            |b| b
        ),
        paginate!(
            "ListPlaybackKeyPairs",
            list_playback_key_pairs,
            "keyPairs",
            |i| json!({"arn": arn("playback-key", i)}),
            "arn",
            |b| b
        ),
        paginate!(
            "ListPlaybackRestrictionPolicies",
            list_playback_restriction_policies,
            "playbackRestrictionPolicies",
            |i| json!({"arn": arn("playback-restriction-policy", i), "allowedCountries": [], "allowedOrigins": []}),
            "arn",
            |b| b
        ),
        paginate!(
            "ListRecordingConfigurations",
            list_recording_configurations,
            "recordingConfigurations",
            |i| json!({"arn": arn("recording-configuration", i), "destinationConfiguration": {}, "state": "ACTIVE"}),
            "arn",
            |b| b
        ),
        paginate!(
            "ListStreamKeys",
            list_stream_keys,
            "streamKeys",
            |i| json!({"arn": arn("stream-key", i), "channelArn": CHANNEL}),
            "arn",
            |b| b.channel_arn(CHANNEL)
        ),
        paginate!(
            "ListStreamSessions",
            list_stream_sessions,
            "streamSessions",
            |i| json!({"streamId": format!("st-{i}")}),
            "streamId",
            |b| b.channel_arn(CHANNEL)
        ),
        paginate!(
            "ListStreams",
            list_streams,
            "streams",
            |i| json!({"channelArn": arn("channel", i)}),
            "channelArn",
            |b| b
        ),
    ];
    // Against the data: the model's paginated operations.
    let model: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../model/ivs.json"))
            .expect("model/ivs.json"),
    )
    .expect("the model parses");
    let mut paginated: Vec<&str> = model["shapes"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, s)| {
            s["type"] == "operation" && s["traits"].get("smithy.api#paginated").is_some()
        })
        .map(|(id, _)| id.rsplit('#').next().unwrap())
        .collect();
    paginated.sort();
    let mut ran_sorted = ran.clone();
    ran_sorted.sort();
    println!(
        "paginators: {} of {} run through the client",
        ran.len(),
        paginated.len()
    );
    assert_eq!(
        ran_sorted, paginated,
        "every @paginated operation of the model, and only those"
    );
}
