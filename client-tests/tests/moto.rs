//! Channel operations against a local `moto_server` at `MOTO_ENDPOINT`.
//!
//! These tests are `#[ignore]`d, with the reason, so a plain `cargo test` says they did not run;
//! `.ci/run` starts moto and runs them with `-- --include-ignored`. Run without
//! `MOTO_ENDPOINT`, they fail.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::{collect, next};
use ivs::types::ChannelLatencyMode;

/// The tests share one moto server: each lists every channel on it, so they take turns.
static SERVER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const NEEDS_MOTO: &str = "needs moto_server: set MOTO_ENDPOINT (e.g. http://127.0.0.1:5000) and \
     run with `-- --include-ignored` (bash .ci/run does)";

fn moto_client() -> ivs::Client {
    let endpoint = match std::env::var("MOTO_ENDPOINT") {
        Ok(e) if !e.is_empty() => e,
        _ => panic!("MOTO_ENDPOINT is not set: this test {NEEDS_MOTO}"),
    };
    let config = ivs::Config::builder()
        .region("us-east-1")
        .credentials(ivs::Credentials::new(
            "testing", "testing", None, None, "moto",
        ))
        .endpoint_url(endpoint)
        .build();
    ivs::Client::new(config)
}

#[tokio::test]
#[ignore = "needs moto_server: set MOTO_ENDPOINT, run with --include-ignored (.ci/run does)"]
async fn channel_lifecycle_against_moto() {
    let client = moto_client();
    let _turn = SERVER.lock().await;
    // Unique names, so a moto server shared with other runs does not confuse the test.
    let run = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos();
    let names: Vec<String> = (0..3).map(|i| format!("ct-{run}-{i}")).collect();

    // Create three channels.
    let mut arns = Vec::new();
    for name in &names {
        let out = client
            .create_channel()
            .name(name)
            .latency_mode(ChannelLatencyMode::NormalLatency)
            .send()
            .await
            .unwrap_or_else(|e| panic!("create {name}: {e}"));
        let channel = out.channel().expect("created channel");
        assert_eq!(channel.name(), Some(name.as_str()));
        let arn = channel.arn().expect("arn").to_owned();
        assert!(arn.starts_with("arn:aws:ivs:us-east-1:"), "{arn}");
        arns.push(arn);
    }

    // Get one.
    let got = client
        .get_channel()
        .arn(&arns[0])
        .send()
        .await
        .expect("get");
    let channel = got.channel().expect("channel");
    assert_eq!(channel.name(), Some(names[0].as_str()));
    assert_eq!(
        channel.latency_mode(),
        Some(&ChannelLatencyMode::NormalLatency)
    );

    // Update it.
    let renamed = format!("{}-renamed", names[0]);
    let updated = client
        .update_channel()
        .arn(&arns[0])
        .name(&renamed)
        .latency_mode(ChannelLatencyMode::LowLatency)
        .send()
        .await
        .expect("update");
    let channel = updated.channel().expect("updated channel");
    assert_eq!(channel.name(), Some(renamed.as_str()));
    assert_eq!(
        channel.latency_mode(),
        Some(&ChannelLatencyMode::LowLatency)
    );

    // A first page of size 1 has one channel and a next token.
    let mut pages = client.list_channels().into_paginator().page_size(1).send();
    let first = next(&mut pages).await.expect("a page").expect("page 1");
    assert_eq!(first.channels().len(), 1);
    assert!(first.next_token().is_some_and(|t| !t.is_empty()));
    drop(pages);

    // Every channel, one page at a time, through `.items()`.
    let listed: Vec<String> = collect(client.list_channels().into_paginator().page_size(1).items())
        .await
        .into_iter()
        .map(|r| r.expect("list item").arn().expect("arn").to_owned())
        .collect();
    for arn in &arns {
        assert_eq!(
            listed.iter().filter(|l| *l == arn).count(),
            1,
            "{arn} is listed exactly once in {listed:?}"
        );
    }

    // Batch get all three.
    let mut batch = client.batch_get_channel();
    for arn in &arns {
        batch = batch.arns(arn.clone());
    }
    let batch = batch.send().await.expect("batch get");
    let mut batch_arns: Vec<&str> = batch.channels().iter().filter_map(|c| c.arn()).collect();
    batch_arns.sort_unstable();
    let mut expected: Vec<&str> = arns.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(batch_arns, expected);
    assert!(batch.errors().is_empty(), "{:?}", batch.errors());

    // Delete them.
    for arn in &arns {
        client
            .delete_channel()
            .arn(arn)
            .send()
            .await
            .unwrap_or_else(|e| panic!("delete {arn}: {e}"));
    }

    // The deleted channel is gone.
    let err = client
        .get_channel()
        .arn(&arns[0])
        .send()
        .await
        .expect_err("the channel was deleted");
    println!("get of a deleted channel: {err}");
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert!(err.message().is_some_and(|m| !m.is_empty()), "{err:?}");
    assert!(err.request_id().is_some_and(|r| !r.is_empty()), "{err:?}");
}

/// Issue 5's live check: four channels, page size 1, read back through `.items()`.
#[tokio::test]
#[ignore = "needs moto_server: set MOTO_ENDPOINT, run with --include-ignored (.ci/run does)"]
async fn paginate_four_channels_one_per_page() {
    let client = moto_client();
    let _turn = SERVER.lock().await;
    let run = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos();
    let mut arns = Vec::new();
    for i in 0..4 {
        let out = client
            .create_channel()
            .name(format!("pg-{run}-{i}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("create channel {i}: {e}"));
        arns.push(out.channel().and_then(|c| c.arn()).expect("arn").to_owned());
    }

    // Pages of one: as many pages as channels on the server, each with exactly one channel.
    let pages = collect(client.list_channels().into_paginator().page_size(1).send()).await;
    let pages: Vec<_> = pages
        .into_iter()
        .map(|p| p.expect("every page succeeds"))
        .collect();
    assert!(pages.len() >= 4, "{} pages", pages.len());
    assert!(pages.iter().all(|p| p.channels().len() == 1));

    let items = collect(client.list_channels().into_paginator().page_size(1).items()).await;
    let listed: Vec<String> = items
        .into_iter()
        .map(|c| c.expect("every item").arn().expect("arn").to_owned())
        .collect();
    assert_eq!(listed.len(), pages.len(), "one item per page");
    for arn in &arns {
        assert_eq!(
            listed.iter().filter(|l| *l == arn).count(),
            1,
            "{arn} is listed exactly once"
        );
    }

    for arn in &arns {
        client
            .delete_channel()
            .arn(arn)
            .send()
            .await
            .unwrap_or_else(|e| panic!("delete {arn}: {e}"));
    }
}
