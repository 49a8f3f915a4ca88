//! Quick start: create a channel, list every channel, get one, match a not-found error,
//! delete it. Region and credentials come from the environment (`AWS_REGION`,
//! `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` or `~/.aws/credentials`), and `AWS_ENDPOINT_URL`
//! points it at a local server:
//!
//! ```sh
//! AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_REGION=us-east-1 \
//!   AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
//!   cargo run -p ivs-examples --example quick_start
//! ```

use ivs::types::ChannelLatencyMode;

#[tokio::main]
async fn main() -> Result<(), ivs::Error> {
    let client = ivs::Client::from_env().await;

    let created = client
        .create_channel()
        .name("quick-start")
        .latency_mode(ChannelLatencyMode::LowLatency)
        .send()
        .await?;
    let arn = created
        .channel()
        .and_then(|c| c.arn())
        .unwrap_or_default()
        .to_owned();
    println!("created {arn}");

    // Every channel, page after page; no combinator crate needed.
    let mut channels = client.list_channels().into_paginator().items();
    while let Some(channel) = channels.next().await {
        let channel = channel?;
        println!("- {}", channel.name().unwrap_or("(no name)"));
    }

    client.delete_channel().arn(&arn).send().await?;
    match client.get_channel().arn(&arn).send().await {
        Ok(_) => println!("{arn} is still there"),
        Err(e) if e.is_resource_not_found_exception() => println!("{arn} is gone"),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
