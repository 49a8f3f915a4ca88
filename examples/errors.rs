//! Error handling: match a modeled error in one pattern, read code, message, request id,
//! HTTP status and headers through one trait, tell transport failures and timeouts apart,
//! and print a whole error chain on one line.
//!
//! ```sh
//! AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_REGION=us-east-1 \
//!   AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
//!   cargo run -p ivs-examples --example errors
//! ```

use ivs::error::{DisplayErrorChain, ErrorKind, ProvideErrorMetadata};
use ivs::operation::get_channel::GetChannelError;

/// One function for every error type of the crate.
fn describe(e: &impl ProvideErrorMetadata) -> String {
    format!(
        "code {:?}, message {:?}, request id {:?}, HTTP {:?}",
        e.code(),
        e.message(),
        e.request_id(),
        e.meta().status
    )
}

#[tokio::main]
async fn main() {
    let client = ivs::Client::from_env().await;
    let arn = "arn:aws:ivs:us-east-1:123456789012:channel/doesNotExist";

    match client.get_channel().arn(arn).send().await {
        Ok(out) => println!("found {:?}", out.channel().and_then(|c| c.name())),
        // A modeled error: its own type, with the model's members.
        Err(GetChannelError::ResourceNotFoundException(e)) => {
            println!("not found: {}", describe(&e));
        }
        Err(e) => match e.kind() {
            // Could not connect, or the response never came: the causes are in the chain.
            ErrorKind::Transport | ErrorKind::Timeout => {
                eprintln!("{}", DisplayErrorChain(&e));
            }
            // An error the model does not describe, an unreadable response, missing
            // credentials or region...
            _ => {
                eprintln!("{} ({})", e, describe(&e));
                for (name, value) in e.meta().headers.iter() {
                    eprintln!("  {name}: {value:?}");
                }
            }
        },
    }

    // `?` converts every operation's error into `ivs::Error`; `is_*` work on both.
    if let Err(e) = delete(&client, arn).await {
        if e.is_resource_not_found_exception() {
            println!("already gone");
        } else {
            eprintln!("{}", DisplayErrorChain(&e));
        }
    }
}

async fn delete(client: &ivs::Client, arn: &str) -> Result<(), ivs::Error> {
    client.stop_stream().channel_arn(arn).send().await.ok();
    client.delete_channel().arn(arn).send().await?;
    Ok(())
}
