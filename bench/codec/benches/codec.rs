//! Serialization and deserialization of the largest IVS shapes, through the public client:
//! each benchmark is one whole in-process call over a transport that answers a canned body
//! at once (no network). `call/delete_channel` (empty input, empty answer) is the fixed cost of
//! a call (endpoint, signing, orchestration); the `ser/` and `de/` figures include it.
//!
//! `ser/*`: a full input (built by deserializing the wire JSON with the `serde` feature) is
//! serialized and signed; the answer is `{}`. Throughput counts the request body.
//! `de/*`: an empty input; the answer is a large body. Throughput counts the response body.

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ivs::runtime::http::{
    BoxFuture, CaptureClient, ConnectorError, HttpClient, HttpRequest, HttpResponse,
};
use std::future::Future;

/// Answers every request with the same body.
#[derive(Debug, Clone)]
struct Canned(Bytes);

impl HttpClient for Canned {
    fn call(&self, _request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>> {
        let body = self.0.clone();
        Box::pin(async move {
            Ok(http::Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(body)
                .expect("valid response"))
        })
    }
}

fn client(transport: impl HttpClient) -> ivs::Client {
    let config = ivs::Config::builder()
        .region("us-west-2")
        .credentials(ivs::Credentials::new(
            "AKIDTEST",
            "secret-test",
            None,
            None,
            "static",
        ))
        .http_client(transport)
        .build();
    ivs::Client::new(config)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio runtime")
}

const ARN: &str = "arn:aws:ivs:us-west-2:123456789012:channel/abcdEFGH1234";

fn tags(n: usize) -> String {
    let tags: Vec<String> = (0..n)
        .map(|i| format!(r#""tag-key-{i}":"tag-value-{i}""#))
        .collect();
    format!("{{{}}}", tags.join(","))
}

fn channel(i: usize) -> String {
    format!(
        r#"{{"arn":"{ARN}{i:04}","name":"channel-{i}","latencyMode":"LOW","type":"ADVANCED_HD","recordingConfigurationArn":"arn:aws:ivs:us-west-2:123456789012:recording-configuration/ABCD{i:04}","ingestEndpoint":"a1b2c3d4e5f6.global-contribute.live-video.net","playbackUrl":"https://a1b2c3d4e5f6.us-west-2.playback.live-video.net/api/video/v1/us-west-2.123456789012.channel.abcdEFGH{i:04}.m3u8","authorized":true,"tags":{},"insecureIngest":false,"preset":"HIGHER_BANDWIDTH_DELIVERY","srt":{{"endpoint":"a1b2c3d4e5f6.srt.live-video.net","passphrase":"secret-passphrase-{i}"}},"playbackRestrictionPolicyArn":"arn:aws:ivs:us-west-2:123456789012:playback-restriction-policy/PRP{i:04}","multitrackInputConfiguration":{{"enabled":true,"policy":"ALLOW","maximumResolution":"FULL_HD"}},"containerFormat":"FRAGMENTED_MP4"}}"#,
        tags(5)
    )
}

fn channel_summary(i: usize) -> String {
    format!(
        r#"{{"arn":"{ARN}{i:04}","name":"channel-{i}","latencyMode":"LOW","authorized":false,"recordingConfigurationArn":"arn:aws:ivs:us-west-2:123456789012:recording-configuration/ABCD{i:04}","tags":{{"team":"video","env":"bench"}},"insecureIngest":false,"type":"STANDARD","preset":"","playbackRestrictionPolicyArn":"arn:aws:ivs:us-west-2:123456789012:playback-restriction-policy/PRP{i:04}"}}"#
    )
}

fn video(i: usize) -> String {
    format!(
        r#"{{"avcProfile":"Baseline","avcLevel":"4.2","codec":"avc1.42C02A","encoder":"Lavf58.45.100","targetBitrate":8500000,"targetFramerate":60,"videoHeight":1080,"videoWidth":1920,"level":"4.2","track":"Track{i}","profile":"Baseline"}}"#
    )
}

fn audio(i: usize) -> String {
    format!(
        r#"{{"codec":"mp4a.40.2","targetBitrate":46875,"sampleRate":48000,"channels":2,"track":"Track{i}"}}"#
    )
}

fn stream_session() -> String {
    let events: Vec<String> = (0..50)
        .map(|i| {
            format!(
                r#"{{"name":"Session Created","type":"IVS Stream State Change","eventTime":"2026-11-29T08:{:02}:{:02}Z","code":"Code{i}"}}"#,
                i / 60,
                i % 60
            )
        })
        .collect();
    let videos: Vec<String> = (0..3).map(video).collect();
    let audios: Vec<String> = (0..3).map(audio).collect();
    format!(
        r#"{{"streamSession":{{"streamId":"st-1A2b3c4D5e6F78ghij9Klmn","startTime":"2026-11-29T08:00:00Z","endTime":"2026-11-29T09:00:00.123Z","channel":{},"ingestConfiguration":{{"video":{},"audio":{}}},"ingestConfigurations":{{"videoConfigurations":[{}],"audioConfigurations":[{}]}},"recordingConfiguration":{},"truncatedEvents":[{}]}}}}"#,
        channel(0),
        video(0),
        audio(0),
        videos.join(","),
        audios.join(","),
        recording_configuration(),
        events.join(",")
    )
}

fn recording_configuration() -> String {
    format!(
        r#"{{"arn":"arn:aws:ivs:us-west-2:123456789012:recording-configuration/ABCD0001","name":"recording","destinationConfiguration":{{"s3":{{"bucketName":"my-recordings"}}}},"state":"ACTIVE","tags":{},"thumbnailConfiguration":{{"recordingMode":"INTERVAL","targetIntervalSeconds":30,"resolution":"HD","storage":["SEQUENTIAL","LATEST"]}},"recordingReconnectWindowSeconds":60,"renditionConfiguration":{{"renditionSelection":"CUSTOM","renditions":["FULL_HD","HD","SD","LOWEST_RESOLUTION"]}}}}"#,
        tags(10)
    )
}

/// Runs one call per iteration.
fn bench_call<F, Fut>(c: &mut Criterion, group: &str, name: &str, bytes: usize, call: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    let rt = runtime();
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(BenchmarkId::from_parameter(name), |b| {
        b.iter(|| rt.block_on(call()))
    });
    g.finish();
}

/// The body the client sends for one call made by `f`.
fn request_body_len<Fut: Future<Output = ()>>(f: impl FnOnce(ivs::Client) -> Fut) -> usize {
    let capture = CaptureClient::new();
    runtime().block_on(f(client(capture.clone())));
    capture.requests()[0].body().len()
}

fn serialization(c: &mut Criterion) {
    macro_rules! ser {
        ($name:literal, $op:ident, $input:ty, $json:expr) => {{
            let input: $input = serde_json::from_str(&$json).expect(concat!($name, " input"));
            let len = request_body_len(|cl| {
                let input = input.clone();
                async move {
                    let _ = cl.$op().with_input(input).send().await;
                }
            });
            let cl = client(Canned(Bytes::from_static(b"{}")));
            bench_call(c, "ser", $name, len, || {
                let (cl, input) = (cl.clone(), input.clone());
                async move {
                    cl.$op().with_input(input).send().await.expect($name);
                }
            });
        }};
    }
    use ivs::operation::*;
    ser!(
        "create_channel",
        create_channel,
        create_channel::CreateChannelInput,
        format!(
            r#"{{"name":"channel-0","latencyMode":"LOW","type":"ADVANCED_HD","authorized":true,"recordingConfigurationArn":"arn:aws:ivs:us-west-2:123456789012:recording-configuration/ABCD0001","tags":{},"insecureIngest":false,"preset":"HIGHER_BANDWIDTH_DELIVERY","playbackRestrictionPolicyArn":"arn:aws:ivs:us-west-2:123456789012:playback-restriction-policy/PRP0001","multitrackInputConfiguration":{{"enabled":true,"policy":"ALLOW","maximumResolution":"FULL_HD"}},"containerFormat":"FRAGMENTED_MP4"}}"#,
            tags(50)
        )
    );
    ser!(
        "create_recording_configuration",
        create_recording_configuration,
        create_recording_configuration::CreateRecordingConfigurationInput,
        format!(
            r#"{{"name":"recording","destinationConfiguration":{{"s3":{{"bucketName":"my-recordings"}}}},"tags":{},"thumbnailConfiguration":{{"recordingMode":"INTERVAL","targetIntervalSeconds":30,"resolution":"HD","storage":["SEQUENTIAL","LATEST"]}},"recordingReconnectWindowSeconds":60,"renditionConfiguration":{{"renditionSelection":"CUSTOM","renditions":["FULL_HD","HD","SD","LOWEST_RESOLUTION"]}}}}"#,
            tags(50)
        )
    );
    let arns: Vec<String> = (0..100).map(|i| format!(r#""{ARN}{i:04}""#)).collect();
    ser!(
        "batch_get_channel_100",
        batch_get_channel,
        batch_get_channel::BatchGetChannelInput,
        format!(r#"{{"arns":[{}]}}"#, arns.join(","))
    );
    let sessions: Vec<String> = (0..20)
        .map(|i| format!(r#"{{"channelArn":"{ARN}{i:04}","viewerId":"viewer-{i}","viewerSessionVersionsLessThanOrEqualTo":{i}}}"#))
        .collect();
    ser!(
        "batch_start_viewer_session_revocation_20",
        batch_start_viewer_session_revocation,
        batch_start_viewer_session_revocation::BatchStartViewerSessionRevocationInput,
        format!(r#"{{"viewerSessions":[{}]}}"#, sessions.join(","))
    );
}

fn deserialization(c: &mut Criterion) {
    let cases: Vec<(&str, String)> = vec![
        (
            "list_channels_50",
            format!(
                r#"{{"channels":[{}],"nextToken":"token"}}"#,
                (0..50).map(channel_summary).collect::<Vec<_>>().join(",")
            ),
        ),
        (
            "batch_get_channel_100",
            format!(
                r#"{{"channels":[{}],"errors":[]}}"#,
                (0..100).map(channel).collect::<Vec<_>>().join(",")
            ),
        ),
        ("get_stream_session", stream_session()),
    ];
    for (name, body) in cases {
        let len = body.len();
        let cl = client(Canned(Bytes::from(body)));
        let rt = runtime();
        // Check once that the answer parses into what it holds.
        rt.block_on(async {
            match name {
                "list_channels_50" => {
                    let out = cl.list_channels().send().await.expect(name);
                    assert_eq!(out.channels().len(), 50);
                }
                "batch_get_channel_100" => {
                    let out = cl
                        .batch_get_channel()
                        .arns(ARN.to_owned())
                        .send()
                        .await
                        .expect(name);
                    assert_eq!(out.channels().len(), 100);
                }
                _ => {
                    let out = cl
                        .get_stream_session()
                        .channel_arn(ARN)
                        .send()
                        .await
                        .expect(name);
                    assert_eq!(
                        out.stream_session()
                            .expect("session")
                            .truncated_events()
                            .len(),
                        50
                    );
                }
            }
        });
        bench_call(c, "de", name, len, || {
            let cl = cl.clone();
            async move {
                match name {
                    "list_channels_50" => {
                        std::hint::black_box(cl.list_channels().send().await.expect(name));
                    }
                    "batch_get_channel_100" => {
                        std::hint::black_box(
                            cl.batch_get_channel()
                                .arns(ARN.to_owned())
                                .send()
                                .await
                                .expect(name),
                        );
                    }
                    _ => {
                        std::hint::black_box(
                            cl.get_stream_session()
                                .channel_arn(ARN)
                                .send()
                                .await
                                .expect(name),
                        );
                    }
                }
            }
        });
    }
    let cl = client(Canned(Bytes::from_static(b"")));
    bench_call(c, "call", "delete_channel", 0, || {
        let cl = cl.clone();
        async move {
            cl.delete_channel()
                .arn(ARN)
                .send()
                .await
                .expect("delete_channel");
        }
    });
}

criterion_group!(benches, serialization, deserialization);
criterion_main!(benches);
