//! Helpers shared by the test files.
#![allow(dead_code)]

use std::pin::Pin;
use std::time::Duration;

use futures_core::Stream;
use ivs::runtime::http::{HttpClient, HttpRequest};

/// A client for us-west-2 with static test credentials that sends through `http`, with quick
/// retries so tests of retrying do not wait.
pub fn client(http: impl HttpClient) -> ivs::Client {
    let config = ivs::Config::builder()
        .region("us-west-2")
        .credentials(ivs::Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url("http://127.0.0.1:1")
        .retry(
            ivs::RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(5)),
        )
        .http_client(http)
        .build();
    ivs::Client::new(config)
}

/// The next item of a stream (a stand-in for `StreamExt::next`).
pub async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

/// Every item of a stream.
pub async fn collect<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    let mut out = Vec::new();
    while let Some(item) = next(&mut stream).await {
        out.push(item);
    }
    out
}

/// The body of a request as JSON (panics when it is not JSON).
pub fn json_body(request: &HttpRequest) -> serde_json::Value {
    serde_json::from_slice(request.body()).unwrap_or_else(|e| {
        panic!(
            "request body is not JSON ({e}): {:?}",
            String::from_utf8_lossy(request.body())
        )
    })
}

/// A `ListChannels` page with channels named `names` and `next_token`.
pub fn channels_page(names: &[&str], next_token: Option<&str>) -> String {
    let channels: Vec<serde_json::Value> = names
        .iter()
        .map(|n| {
            serde_json::json!({
                "arn": format!("arn:aws:ivs:us-west-2:123456789012:channel/{n}"),
                "name": n,
                "latencyMode": "LOW",
                "authorized": false,
            })
        })
        .collect();
    let mut page = serde_json::json!({ "channels": channels });
    if let Some(t) = next_token {
        page["nextToken"] = serde_json::Value::String(t.to_owned());
    }
    page.to_string()
}
