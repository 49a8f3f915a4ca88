//! The transport's connect timeout, against a loopback listener whose accept queue is full (the
//! kernel then drops new SYNs, so a connect hangs until someone gives up). Bounded in time.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use aws_lite_runtime::http::{Bytes, ConnectorErrorKind, HttpClient};
use aws_lite_runtime::transport::{HyperClient, DEFAULT_CONNECT_TIMEOUT};

/// A listener that never accepts, and connections filling its queue: the next connect to the
/// address hangs. `None` when the kernel keeps completing connections (then no hang can be
/// staged on loopback).
fn full_listener() -> Option<(
    tokio::net::TcpListener,
    Vec<std::net::TcpStream>,
    SocketAddr,
)> {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    for _ in 0..64 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(stream) => held.push(stream),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                return Some((listener, held, addr))
            }
            Err(e) => panic!("connecting to the staged listener: {e}"),
        }
    }
    None
}

#[tokio::test]
async fn a_connect_that_hangs_ends_at_the_connect_timeout() {
    let Some((_listener, _held, addr)) = full_listener() else {
        panic!("the kernel accepted 64 connections on a listener with backlog 0: cannot stage a hanging connect");
    };
    let timeout = Duration::from_millis(300);
    assert!(timeout < DEFAULT_CONNECT_TIMEOUT);
    let client = HyperClient::builder().connect_timeout(timeout).build();
    let request = ::http::Request::builder()
        .uri(format!("http://{addr}/"))
        .body(Bytes::new())
        .unwrap();
    let start = Instant::now();
    let result = tokio::time::timeout(Duration::from_secs(8), client.call(request)).await;
    let elapsed = start.elapsed();
    let error = result
        .expect("the connect timeout must end the call (it hung for 8 s)")
        .expect_err("nothing accepts: the call cannot succeed");
    assert_eq!(error.kind(), ConnectorErrorKind::Timeout, "{error}");
    assert!(
        elapsed >= timeout && elapsed < timeout + Duration::from_secs(2),
        "the call ended after {elapsed:?}, the connect timeout is {timeout:?}"
    );
}
