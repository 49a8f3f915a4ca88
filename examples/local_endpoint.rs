//! A local endpoint: the client configured in code for a `moto_server` (or any IVS stand-in)
//! on 127.0.0.1, with static test credentials. moto routes by the SigV4 credential scope, so
//! requests are signed as for the real service.
//!
//! ```sh
//! pip install 'moto[server]' && moto_server -p 5000 &
//! cargo run -p ivs-examples --example local_endpoint            # or MOTO_ENDPOINT=http://...
//! ```

use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint =
        std::env::var("MOTO_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:5000".to_owned());
    let config = ivs::Config::builder()
        .region("us-east-1")
        .credentials(ivs::Credentials::new(
            "testing", "testing", None, None, "example",
        ))
        // Replaces the endpoint the rules resolve; its path, if any, prefixes every request.
        .endpoint_url(&endpoint)
        // A local server answers fast: fail fast when it is not running.
        .timeouts(ivs::TimeoutConfig::default().with_operation(Some(Duration::from_secs(10))))
        .retry(ivs::RetryConfig::disabled())
        .build();
    let client = ivs::Client::new(config);

    let created = client
        .create_channel()
        .name("local-endpoint-example")
        .tags("example", "local_endpoint")
        .send()
        .await
        // `{:#}`-style: every cause once, e.g. "transport error: ...: Connection refused".
        .map_err(|e| ivs::error::DisplayErrorChain(&e).to_string())?;
    let arn = created
        .channel()
        .and_then(|c| c.arn())
        .unwrap_or_default()
        .to_owned();
    println!("created {arn} on {endpoint}");
    let got = client.get_channel().arn(&arn).send().await?;
    println!("{:?}", got.channel().and_then(|c| c.name()));
    client.delete_channel().arn(&arn).send().await?;
    println!("deleted");
    Ok(())
}
