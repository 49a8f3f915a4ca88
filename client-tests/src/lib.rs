//! Tests of the generated `ivs` client live under `tests/`. This library holds what they share
//! with the fuzz targets (`fuzz/`): every operation called with its required members set.

use std::fmt::Write as _;

use ivs::runtime::error::ErrorKind;
use ivs::types::BatchStartViewerSessionRevocationViewerSession;

/// The channel ARN the calls use.
pub const ARN: &str = "arn:aws:ivs:us-west-2:123456789012:channel/abcdABCD";

/// A viewer session (both required members set).
pub fn viewer_session() -> BatchStartViewerSessionRevocationViewerSession {
    BatchStartViewerSessionRevocationViewerSession::builder()
        .channel_arn(ARN)
        .viewer_id("viewer")
        .build()
        .expect("both required members set")
}

pub fn destination() -> ivs::types::DestinationConfiguration {
    ivs::types::DestinationConfiguration::builder()
        .s3(ivs::types::S3DestinationConfiguration::builder()
            .bucket_name("bucket")
            .build()
            .expect("bucket set"))
        .build()
}

/// Every operation, each with its required members set, as `(name, call)`: the call sends
/// once and renders the result (`Ok` as the output's Debug, `Err` as the error's Display and
/// Debug and its kind).
macro_rules! operations {
    ($($op:ident $(. $setter:ident ( $($arg:expr),* ))*;)*) => {
        pub const OPERATIONS: &[&str] = &[$(stringify!($op)),*];

        /// Sends operation number `index` of [`OPERATIONS`] through `client`.
        pub async fn call_operation(
            client: &ivs::Client,
            index: usize,
        ) -> Result<String, (ErrorKind, String)> {
            let mut remaining = index;
            $(
                if remaining == 0 {
                    return client
                        .$op()
                        $(.$setter($($arg),*))*
                        .send()
                        .await
                        .map(|out| format!("{out:?}"))
                        .map_err(|e| (e.kind(), render_error(&e)));
                }
                remaining -= 1;
            )*
            unreachable!("no operation number {index} (of {})", index - remaining)
        }
    };
}

operations! {
    batch_get_channel.arns(ARN.to_owned());
    batch_get_stream_key.arns(ARN.to_owned());
    batch_start_viewer_session_revocation.viewer_sessions(viewer_session());
    create_channel;
    create_playback_restriction_policy;
    create_recording_configuration.destination_configuration(destination());
    create_stream_key.channel_arn(ARN);
    delete_channel.arn(ARN);
    delete_playback_key_pair.arn(ARN);
    delete_playback_restriction_policy.arn(ARN);
    delete_recording_configuration.arn(ARN);
    delete_stream_key.arn(ARN);
    get_channel.arn(ARN);
    get_playback_key_pair.arn(ARN);
    get_playback_restriction_policy.arn(ARN);
    get_recording_configuration.arn(ARN);
    get_stream.channel_arn(ARN);
    get_stream_key.arn(ARN);
    get_stream_session.channel_arn(ARN);
    import_playback_key_pair.public_key_material("-----BEGIN PUBLIC KEY-----");
    list_channels;
    list_playback_key_pairs;
    list_playback_restriction_policies;
    list_recording_configurations;
    list_stream_keys.channel_arn(ARN);
    list_stream_sessions.channel_arn(ARN);
    list_streams;
    list_tags_for_resource.resource_arn(ARN);
    put_metadata.channel_arn(ARN).metadata("m");
    start_viewer_session_revocation.channel_arn(ARN).viewer_id("viewer");
    stop_stream.channel_arn(ARN);
    tag_resource.resource_arn(ARN).tags("k", "v");
    untag_resource.resource_arn(ARN).tag_keys("k".to_owned());
    update_channel.arn(ARN);
    update_playback_restriction_policy.arn(ARN);
}

/// An error as text: Display, Debug and every source's Display.
pub fn render_error(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = format!("{e} | {e:?}");
    let mut source = e.source();
    while let Some(s) = source {
        let _ = write!(out, " | caused by: {s}");
        source = s.source();
    }
    out
}
