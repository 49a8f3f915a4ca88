//! The floor of what any client must spend on a ListChannels: the same exchange as
//! `bench/ours` and the anchor (one keep-alive HTTP/1.1 connection on loopback, `POST
//! /ListChannels` with `{}`, the 50-channel answer parsed into a `serde_json::Value`), with
//! nothing else: no signing, endpoint rules, retries, timeouts or typed output.
//!
//! `bench-floor ENDPOINT COUNT` (ENDPOINT `http://HOST:PORT`): after a warm-up, COUNT requests
//! one after another on a single-threaded runtime, then one line
//! `requests=N wall_ns=... cpu_ns=... channels=...` for `cargo xtask bench`.

use std::time::Instant;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::Request;
use hyper_util::rt::TokioIo;

type Error = Box<dyn std::error::Error>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let endpoint = args.next().ok_or("usage: bench-floor ENDPOINT COUNT")?;
    let count: u64 = args
        .next()
        .ok_or("usage: bench-floor ENDPOINT COUNT")?
        .parse()?;
    let host = endpoint
        .strip_prefix("http://")
        .ok_or("ENDPOINT must be http://HOST:PORT")?
        .trim_end_matches('/')
        .to_owned();
    let stream = tokio::net::TcpStream::connect(&host).await?;
    stream.set_nodelay(true)?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let mut channels = 0;
    for _ in 0..count.div_ceil(10) {
        channels += list_channels(&mut sender, &host).await?;
    }
    let (wall, cpu0) = (Instant::now(), rusage_cpu(0).ok_or("getrusage")?);
    for _ in 0..count {
        channels += list_channels(&mut sender, &host).await?;
    }
    let (wall, cpu) = (wall.elapsed(), rusage_cpu(0).ok_or("getrusage")? - cpu0);
    println!(
        "requests={count} wall_ns={} cpu_ns={} channels={channels}",
        wall.as_nanos(),
        cpu.as_nanos()
    );
    Ok(())
}

/// One exchange; returns how many channels the answer holds.
async fn list_channels(sender: &mut SendRequest<Full<Bytes>>, host: &str) -> Result<usize, Error> {
    let request = Request::post("/ListChannels")
        .header("host", host)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(b"{}")))?;
    let response = sender.send_request(request).await?;
    if !response.status().is_success() {
        return Err(format!("HTTP {}", response.status()).into());
    }
    let body = response.into_body().collect().await?.to_bytes();
    let value: serde_json::Value = serde_json::from_slice(&body)?;
    Ok(value["channels"].as_array().map_or(0, Vec::len))
}

// The same CPU clock as `bench/ours` and the anchor's harness.
include!("../../cpu_time.rs");
