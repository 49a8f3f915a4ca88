//! A unit test of your own code with typed mocks: the client answers with Rust values you
//! give it, in order, without a server and without writing wire JSON.
//!
//! ```sh
//! cargo test -p ivs-examples --example typed_mocks
//! ```

/// The code under test: the names of the channels that still exist.
pub async fn live_channel_names(client: &ivs::Client) -> Result<Vec<String>, ivs::Error> {
    let mut names = Vec::new();
    let mut channels = client.list_channels().into_paginator().items();
    while let Some(summary) = channels.next().await {
        let arn = summary?.arn().unwrap_or_default().to_owned();
        match client.get_channel().arn(&arn).send().await {
            Ok(out) => names.extend(out.channel().and_then(|c| c.name()).map(str::to_owned)),
            Err(e) if e.is_resource_not_found_exception() => {} // deleted meanwhile
            Err(e) => return Err(e.into()),
        }
    }
    Ok(names)
}

fn main() {
    println!("run me with `cargo test -p ivs-examples --example typed_mocks`");
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivs::operation::get_channel::{GetChannelError, GetChannelInput, GetChannelOutput};
    use ivs::operation::list_channels::ListChannelsOutput;
    use ivs::types::error::ResourceNotFoundException;
    use ivs::types::{Channel, ChannelSummary};

    fn summary(name: &str) -> ChannelSummary {
        ChannelSummary::builder()
            .arn(format!("arn:aws:ivs:us-west-2:123456789012:channel/{name}"))
            .name(name)
            .build()
    }

    #[tokio::test]
    async fn a_channel_deleted_meanwhile_is_skipped() {
        let mocks = ivs::Mocks::new()
            // ListChannels returns these ChannelSummarys...
            .output(
                ListChannelsOutput::builder()
                    .channels(summary("kept"))
                    .channels(summary("gone"))
                    .build()
                    .expect("channels is set"),
            )
            // ...GetChannel of "kept" answers from its input...
            .answer(|input: &GetChannelInput| {
                Ok::<_, GetChannelError>(
                    GetChannelOutput::builder()
                        .channel(
                            Channel::builder()
                                .arn(input.arn().unwrap_or_default())
                                .name("kept")
                                .build(),
                        )
                        .build(),
                )
            })
            .matching(|input: &GetChannelInput| input.arn().is_some_and(|a| a.ends_with("/kept")))
            // ...then GetChannel fails with ResourceNotFoundException.
            .error(GetChannelError::ResourceNotFoundException(
                ResourceNotFoundException::builder()
                    .exception_message("Channel not found")
                    .build(),
            ));
        let client = ivs::Client::new(ivs::Config::builder().mocks(mocks.clone()).build());

        let names = live_channel_names(&client).await.unwrap();

        assert_eq!(names, ["kept"]);
        assert_eq!(mocks.calls(), ["ListChannels", "GetChannel", "GetChannel"]);
        assert_eq!(mocks.remaining(), 0, "every answer was used");
    }
}
