//! The typical service with our client: ListChannels with static credentials.

#[path = "../../service.rs"]
mod service;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let health = service::serve_and_call().await?;
    let config = ivs::Config::builder()
        .region("us-west-2")
        .credentials(ivs::Credentials::new(
            "AKIDTEST",
            "secret-test",
            None,
            None,
            "static-test",
        ))
        .endpoint_url(endpoint())
        .build();
    let client = ivs::Client::new(config);
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
