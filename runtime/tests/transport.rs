//! `HyperClient` against tiny HTTP/1.1 servers on loopback, each written to misbehave in one
//! way. Every call is bounded by a timeout so a regression fails instead of hanging.

use std::future::Future;
use std::time::{Duration, Instant};

use aws_lite_runtime::config::{ClientConfig, RetryConfig, TimeoutConfig};
use aws_lite_runtime::credentials::Credentials;
use aws_lite_runtime::error::ErrorKind;
use aws_lite_runtime::http::{
    Bytes, ConnectorError, ConnectorErrorKind, HttpClient, HttpRequest, HttpResponse,
};
use aws_lite_runtime::orchestrator::{Handle, OperationSpec, ServiceSpec};
use aws_lite_runtime::transport::{HyperClient, DEFAULT_MAX_RESPONSE_BODY_SIZE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Upper bound on any single exchange in these tests.
const BOUND: Duration = Duration::from_secs(10);

/// Accepts one connection, reads one request (head and Content-Length body), hands the
/// stream to `respond`, and returns the raw request.
async fn server<F, Fut>(respond: F) -> (String, JoinHandle<Vec<u8>>)
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let request = read_request(&mut stream).await;
        respond(stream).await;
        request
    });
    (format!("http://{addr}"), task)
}

async fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse::<usize>().unwrap());
            if buf.len() >= end + 4 + len {
                return buf;
            }
        }
        let n = stream.read(&mut chunk).await.unwrap();
        if n == 0 {
            return buf;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A responder that writes `bytes`, then closes the connection.
fn reply(
    bytes: Vec<u8>,
) -> impl FnOnce(TcpStream) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> {
    move |mut stream| {
        Box::pin(async move {
            stream.write_all(&bytes).await.unwrap();
            stream.shutdown().await.ok();
        })
    }
}

/// A responder that writes `bytes`, then keeps the connection open without a word more.
fn reply_and_stall(
    bytes: Vec<u8>,
) -> impl FnOnce(TcpStream) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> {
    move |mut stream| {
        Box::pin(async move {
            stream.write_all(&bytes).await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop(stream);
        })
    }
}

fn post(url: &str, path: &str) -> HttpRequest {
    ::http::Request::builder()
        .method("POST")
        .uri(format!("{url}{path}"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(b"{\"name\":\"demo\"}"))
        .unwrap()
}

async fn call(client: &HyperClient, request: HttpRequest) -> Result<HttpResponse, ConnectorError> {
    tokio::time::timeout(BOUND, client.call(request))
        .await
        .expect("the transport must not hang")
}

#[tokio::test]
async fn normal_response() {
    let (url, server) = server(reply(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-amzn-RequestId: abc\r\n\
          content-length: 15\r\n\r\n{\"channel\": {}}"
            .to_vec(),
    ))
    .await;
    let client = HyperClient::new();
    let response = call(&client, post(&url, "/CreateChannel")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-amzn-requestid"], "abc");
    assert_eq!(response.body().as_ref(), b"{\"channel\": {}}");

    let request = String::from_utf8(server.await.unwrap()).unwrap();
    assert!(
        request.starts_with("POST /CreateChannel HTTP/1.1\r\n"),
        "{request}"
    );
    let lower = request.to_ascii_lowercase();
    assert!(lower.contains("\r\ncontent-length: 15\r\n"), "{request}");
    assert!(lower.contains("\r\nhost: 127.0.0.1:"), "{request}");
    assert!(
        request.ends_with("\r\n\r\n{\"name\":\"demo\"}"),
        "{request}"
    );
}

#[tokio::test]
async fn chunked_response_is_read_whole() {
    let (url, _server) = server(reply(
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
            .to_vec(),
    ))
    .await;
    let response = call(&HyperClient::new(), post(&url, "/x")).await.unwrap();
    assert_eq!(response.body().as_ref(), b"abcde");
}

/// The error and its causes in one line (each `Display` prints its own level only).
fn chain(error: &ConnectorError) -> String {
    aws_lite_runtime::error::DisplayErrorChain(error).to_string()
}

#[tokio::test]
async fn announced_body_over_the_limit_is_refused() {
    let (url, _server) = server(reply_and_stall(
        b"HTTP/1.1 200 OK\r\ncontent-length: 2048\r\n\r\n".to_vec(),
    ))
    .await;
    let client = HyperClient::builder().max_response_body_size(1024).build();
    let error = call(&client, post(&url, "/x")).await.unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Protocol);
    assert!(chain(&error).contains("limit of 1024 bytes"), "{error}");
}

#[tokio::test]
async fn streamed_body_over_the_limit_is_cut_off() {
    // Chunked, so the size is only known while reading; the server would send 64 KiB.
    let mut bytes = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..64 {
        bytes.extend_from_slice(b"400\r\n");
        bytes.extend_from_slice(&[b'x'; 1024]);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    let (url, _server) = server(reply(bytes)).await;
    let client = HyperClient::builder().max_response_body_size(4096).build();
    let error = call(&client, post(&url, "/x")).await.unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Protocol);
    assert!(chain(&error).contains("limit of 4096 bytes"), "{error}");
    assert_eq!(client.max_response_body_size(), 4096);
    assert_eq!(
        HyperClient::new().max_response_body_size(),
        DEFAULT_MAX_RESPONSE_BODY_SIZE
    );
}

#[tokio::test]
async fn closed_port_is_an_io_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let error = call(&HyperClient::new(), post(&format!("http://{addr}"), "/x"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Io, "{error}");
    assert!(
        chain(&error).to_ascii_lowercase().contains("refused"),
        "the cause is in the chain: {error}"
    );
}

#[tokio::test]
async fn truncated_body_is_an_error_not_a_hang() {
    let (url, _server) = server(reply(
        b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"only\": 10".to_vec(),
    ))
    .await;
    let error = call(&HyperClient::new(), post(&url, "/x"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Io, "{error}");
}

#[tokio::test]
async fn malformed_response_is_a_protocol_error() {
    let (url, _server) = server(reply(b"THIS IS NOT HTTP\r\n\r\n".to_vec())).await;
    let error = call(&HyperClient::new(), post(&url, "/x"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Protocol, "{error}");
}

#[tokio::test]
async fn relative_uri_is_refused() {
    let error = call(&HyperClient::new(), post("", "/x")).await.unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Other);
}

#[cfg(feature = "rustls")]
#[tokio::test]
async fn tls_to_a_plain_server_fails_without_being_called_transient() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let _server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        // Answer the TLS ClientHello with plain HTTP.
        stream
            .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
            .await
            .ok();
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let error = call(&HyperClient::new(), post(&format!("https://{addr}"), "/x"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Other, "{error}");
}

#[cfg(not(feature = "rustls"))]
#[tokio::test]
async fn https_without_the_rustls_feature_is_refused_clearly() {
    let error = call(&HyperClient::new(), post("https://example.com", "/x"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Other);
    assert!(chain(&error).contains("`rustls` feature"), "{error}");
}

// Through the orchestrator: the attempt timeout is what bounds a silent peer.

static LOCAL: ServiceSpec = ServiceSpec {
    service_id: "ivs",
    signing_name: "ivs",
    user_agent: "ivs/0.1.0",
    endpoint_rules: r#"{
        "version": "1.0",
        "parameters": {
            "Endpoint": {"builtIn": "SDK::Endpoint", "required": false, "type": "String", "documentation": "e"}
        },
        "rules": [
            {"conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}],
             "endpoint": {"url": {"ref": "Endpoint"}, "properties": {}, "headers": {}},
             "type": "endpoint"},
            {"conditions": [], "error": "an endpoint URL is required", "type": "error"}
        ]
    }"#,
    partitions: r#"{"version": "1.1", "partitions": []}"#,
};

static OP: OperationSpec = OperationSpec {
    name: "CreateChannel",
    retryable_errors: &[],
};

fn local_handle(url: &str, attempt_timeout: Duration) -> Handle {
    let config = ClientConfig::builder()
        .region("us-west-2")
        .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url(url)
        .retry(RetryConfig::disabled())
        .timeouts(TimeoutConfig::default().with_attempt(Some(attempt_timeout)))
        .build();
    Handle::new(config, &LOCAL)
}

fn relative(path: &str) -> HttpRequest {
    ::http::Request::builder()
        .method("POST")
        .uri(path)
        .body(Bytes::from_static(b"{}"))
        .unwrap()
}

#[tokio::test]
async fn silent_server_hits_the_attempt_timeout() {
    let (url, _server) = server(|stream| async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(stream);
    })
    .await;
    let handle = local_handle(&url, Duration::from_millis(300));
    let start = Instant::now();
    let failure = tokio::time::timeout(BOUND, handle.send(&OP, relative("/CreateChannel")))
        .await
        .expect("bounded by the attempt timeout")
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Timeout);
    assert!(
        failure.to_string().contains("attempt timeout of 300ms"),
        "{failure}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn body_shorter_than_content_length_on_an_open_connection_times_out() {
    let (url, _server) = server(reply_and_stall(
        b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{}".to_vec(),
    ))
    .await;
    let handle = local_handle(&url, Duration::from_millis(300));
    let failure = tokio::time::timeout(BOUND, handle.send(&OP, relative("/CreateChannel")))
        .await
        .expect("bounded by the attempt timeout")
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Timeout, "{failure}");
}

#[tokio::test]
async fn signed_request_reaches_the_server_through_the_default_transport() {
    let (url, server) = server(reply(
        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}".to_vec(),
    ))
    .await;
    let handle = local_handle(&format!("{url}/base"), Duration::from_secs(5));
    let response = tokio::time::timeout(BOUND, handle.send(&OP, relative("/CreateChannel")))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), 200);
    let request = String::from_utf8(server.await.unwrap()).unwrap();
    assert!(
        request.starts_with("POST /base/CreateChannel HTTP/1.1\r\n"),
        "{request}"
    );
    let lower = request.to_ascii_lowercase();
    assert!(
        lower.contains("\r\nauthorization: aws4-hmac-sha256 credential=akid/"),
        "{request}"
    );
    assert!(lower.contains("\r\nx-amz-date: "), "{request}");
    assert!(lower.contains("\r\nuser-agent: ivs/0.1.0 "), "{request}");
}
