//! The anchor program (`../shared/bench/aws-sdk-ivs-anchor`) on our crate: region `us-west-2`,
//! static test credentials, ListChannels against a local endpoint, then it prints the result.
//!
//! `bench-ours [ENDPOINT [COUNT]]`: the endpoint defaults to `$IVS_ENDPOINT_URL`, then
//! `http://127.0.0.1:1`. With a COUNT, it sends COUNT ListChannels one after another on a
//! single-threaded runtime (after a warm-up) and prints one line
//! `requests=N wall_ns=... cpu_ns=...` for `cargo xtask bench`.

use std::time::Instant;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let endpoint = args
        .next()
        .or_else(|| std::env::var("IVS_ENDPOINT_URL").ok())
        .unwrap_or_else(|| "http://127.0.0.1:1".to_string());
    let count: Option<u64> = args
        .next()
        .map(|n| n.parse().expect("COUNT must be a number"));
    let config = ivs::Config::builder()
        .region("us-west-2")
        .credentials(ivs::Credentials::new(
            "AKIDTEST",
            "secret-test",
            None,
            None,
            "static-test",
        ))
        .endpoint_url(endpoint)
        .build();
    let client = ivs::Client::new(config);
    let Some(count) = count else {
        match client.list_channels().send().await {
            Ok(out) => println!("ok: {out:?}"),
            Err(err) => println!("error: {err:?}"),
        }
        return;
    };
    let mut channels = 0;
    for _ in 0..count.div_ceil(10) {
        channels += client
            .list_channels()
            .send()
            .await
            .expect("warm-up")
            .channels
            .len();
    }
    let (wall, cpu0) = (Instant::now(), rusage_cpu(0).expect("getrusage"));
    for _ in 0..count {
        let out = client.list_channels().send().await.expect("ListChannels");
        channels += out.channels.len();
    }
    let (wall, cpu) = (wall.elapsed(), rusage_cpu(0).expect("getrusage") - cpu0);
    println!(
        "requests={count} wall_ns={} cpu_ns={} channels={channels}",
        wall.as_nanos(),
        cpu.as_nanos()
    );
}

// The same file is written into the anchor's harness, so both programs measure alike.
include!("../../cpu_time.rs");
