//! The typical service with the official aws-sdk-ivs + aws-config: ListChannels with static
//! credentials, configured as the anchor program is.

#[path = "../../service.rs"]
mod service;

use aws_config::BehaviorVersion;
use aws_sdk_ivs::config::{Credentials, Region};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let health = service::serve_and_call().await?;
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-west-2"))
        .credentials_provider(Credentials::new(
            "AKIDTEST",
            "secret-test",
            None,
            None,
            "static-test",
        ))
        .endpoint_url(endpoint())
        .load()
        .await;
    let client = aws_sdk_ivs::Client::new(&config);
    let channels = client.list_channels().send().await?.channels.len();
    println!("{} channels={channels}", serde_json::to_string(&health)?);
    Ok(())
}

/// The IVS endpoint: the first argument, else `http://127.0.0.1:1` (nothing listens there).
fn endpoint() -> String {
    std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:1".to_owned())
}
