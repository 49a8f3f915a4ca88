//! Paging: paginators are `Stream`s of pages or of items, with inherent `next().await`,
//! `collect()` and `try_collect()`. Lazy: nothing is requested before the first `next`; the
//! stream ends on a missing or empty next token, and with an error on a repeated one.
//!
//! ```sh
//! AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_REGION=us-east-1 \
//!   AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
//!   cargo run -p ivs-examples --example paging
//! ```

use ivs::types::ChannelSummary;

#[tokio::main]
async fn main() -> Result<(), ivs::Error> {
    let client = ivs::Client::from_env().await;

    // Page by page, 10 channels a request.
    let mut pages = client.list_channels().into_paginator().page_size(10).send();
    let mut n = 0;
    while let Some(page) = pages.next().await {
        let page = page?;
        n += 1;
        println!("page {n}: {} channels", page.channels().len());
    }

    // Every item at once (stops at the first error).
    let channels: Vec<ChannelSummary> = client
        .list_channels()
        .into_paginator()
        .page_size(10)
        .items()
        .try_collect()
        .await?;
    println!("{} channels in all", channels.len());

    // Only what is needed: the first three, then the stream is dropped.
    let mut items = client.list_channels().into_paginator().items();
    for _ in 0..3 {
        match items.next().await {
            Some(channel) => println!("- {:?}", channel?.arn()),
            None => break,
        }
    }
    Ok(())
}
