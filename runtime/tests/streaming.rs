//! `@streaming` blob payloads end to end: `Handle::send_streaming` / `send_body` over
//! `HyperClient` against a hyper server on 127.0.0.1 in this process.
//!
//! Memory is measured by a counting global allocator (every live byte of the process, client
//! and server); the tests of this file hold one lock so that no other test allocates while a
//! measurement runs. Every exchange is bounded in time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use aws_lite_runtime::byte_stream::ByteStream;
use aws_lite_runtime::config::{ClientConfig, RetryConfig, TimeoutConfig};
use aws_lite_runtime::credentials::Credentials;
use aws_lite_runtime::error::ErrorKind;
use aws_lite_runtime::http::{Bytes, StreamingRequest};
use aws_lite_runtime::orchestrator::{AuthSpec, Handle, OperationSpec, ServiceSpec};
use aws_lite_runtime::transport::HyperClient;
use http_body::{Body, Frame};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use tokio::net::TcpListener;
use tokio::sync::{Mutex, MutexGuard};

// ---- a global allocator that counts live bytes, their peak and the largest block ----

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static LARGEST: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let now = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
    LARGEST.fetch_max(size, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts a measurement: the peak and the largest block from now on.
fn measure() -> usize {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    LARGEST.store(0, Ordering::Relaxed);
    base
}

/// One test at a time in this file, so measurements see only their own allocations.
async fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::const_new(());
    LOCK.lock().await
}

// ---- a deterministic byte pattern, produced and checked chunk by chunk ----

const MIB: u64 = 1024 * 1024;
const CHUNK: usize = 64 * 1024;
/// Upper bound on any single exchange in these tests.
const BOUND: Duration = Duration::from_secs(120);

fn pattern_byte(offset: u64) -> u8 {
    (offset % 251) as u8
}

/// `total` bytes of the pattern (endless when `None`), in chunks of [`CHUNK`] made as polled.
struct Pattern {
    sent: u64,
    total: Option<u64>,
}

impl Pattern {
    fn next_chunk(&mut self) -> Option<Bytes> {
        let left = self.total.map_or(CHUNK as u64, |t| t - self.sent);
        let n = left.min(CHUNK as u64) as usize;
        if n == 0 {
            return None;
        }
        let chunk: Vec<u8> = (0..n as u64).map(|i| pattern_byte(self.sent + i)).collect();
        self.sent += n as u64;
        Some(Bytes::from(chunk))
    }
}

impl futures_core::Stream for Pattern {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.next_chunk().map(Ok))
    }
}

impl Body for Pattern {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.next_chunk().map(|c| Ok(Frame::data(c))))
    }
}

/// Checks received chunks against the pattern as they come.
#[derive(Default)]
struct Checker {
    seen: u64,
    chunks: u64,
}

impl Checker {
    fn check(&mut self, chunk: &[u8]) {
        for (i, b) in chunk.iter().enumerate() {
            assert_eq!(
                *b,
                pattern_byte(self.seen + i as u64),
                "byte {}",
                self.seen + i as u64
            );
        }
        self.seen += chunk.len() as u64;
        self.chunks += 1;
    }
}

// ---- the loopback server ----

type Reply = ::http::Response<http_body_util::combinators::BoxBody<Bytes, Infallible>>;

fn reply(
    status: u16,
    body: impl Body<Data = Bytes, Error = Infallible> + Send + Sync + 'static,
) -> Reply {
    ::http::Response::builder()
        .status(status)
        .body(body.boxed())
        .unwrap()
}

fn text(status: u16, text: String) -> Reply {
    reply(status, http_body_util::Full::new(Bytes::from(text)))
}

/// Serves every connection on 127.0.0.1 with `handler`; returns the URL and the count of
/// requests received.
async fn serve<F, Fut>(handler: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(::http::Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let handler = handler.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    counter.fetch_add(1, Ordering::SeqCst);
                    let reply = handler(request);
                    async move { Ok::<_, Infallible>(reply.await) }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    (url, count)
}

static SERVICE: ServiceSpec = ServiceSpec {
    service_id: "media",
    signing_name: "media",
    user_agent: "media/0.1.0",
    endpoint_rules: "",
    partitions: "",
};

static OP: OperationSpec = OperationSpec {
    name: "GetMedia",
    retryable_errors: &[],
};

fn handle(url: &str, retry: RetryConfig, attempt: Duration) -> Handle {
    let config = ClientConfig::builder()
        .region("us-west-2")
        .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url(url)
        .http_client(HyperClient::new())
        .retry(retry)
        .timeouts(TimeoutConfig::default().with_attempt(Some(attempt)))
        .build();
    Handle::new(config, &SERVICE)
}

fn fast_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5))
}

fn request(path: &str, body: ByteStream) -> StreamingRequest {
    ::http::Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/octet-stream")
        .body(body)
        .unwrap()
}

async fn bounded<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(BOUND, f)
        .await
        .expect("bounded in time")
}

// ---- the tests ----

/// 64 MiB up and 64 MiB down with a few MiB of memory at most: the body is never held whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_mib_each_way_in_bounded_memory() {
    let _serial = serial().await;
    const SIZE: u64 = 64 * MIB;
    // Upload: the server checks the pattern as it reads, and answers how much it saw and how
    // the body was framed.
    let (url, _) = serve(|request: ::http::Request<Incoming>| async move {
        let chunked = request
            .headers()
            .get("transfer-encoding")
            .is_some_and(|v| v == "chunked");
        let length = request.headers().get("content-length").cloned();
        let mut body = request.into_body();
        let mut checker = Checker::default();
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame.unwrap().into_data() {
                checker.check(&data);
            }
        }
        text(
            200,
            format!("{} chunked={chunked} length={length:?}", checker.seen),
        )
    })
    .await;
    let handle = handle(&url, RetryConfig::disabled(), Duration::from_secs(60));

    let base = measure();
    let body = ByteStream::from_stream(Pattern {
        sent: 0,
        total: Some(SIZE),
    });
    let answer = bounded(handle.send_body(&OP, &AuthSpec::SIGV4, request("/up", body)))
        .await
        .unwrap();
    let up_peak = PEAK.load(Ordering::Relaxed) - base;
    let up_largest = LARGEST.load(Ordering::Relaxed);
    assert_eq!(answer.status(), 200);
    assert_eq!(
        std::str::from_utf8(answer.body()).unwrap(),
        format!("{SIZE} chunked=true length=None"),
        "an upload of unknown length is sent chunked"
    );

    // With a known length the same stream goes with Content-Length.
    let body = ByteStream::from_stream_with_length(
        Pattern {
            sent: 0,
            total: Some(MIB),
        },
        MIB,
    );
    let answer = bounded(handle.send_body(&OP, &AuthSpec::SIGV4, request("/up", body)))
        .await
        .unwrap();
    assert_eq!(
        std::str::from_utf8(answer.body()).unwrap(),
        format!("{MIB} chunked=false length=Some(\"{MIB}\")")
    );

    // Download: 64 MiB, four times the transport's 16 MiB limit for buffered bodies.
    let (url, _) = serve(|_| async {
        reply(
            200,
            Pattern {
                sent: 0,
                total: Some(SIZE),
            },
        )
    })
    .await;
    let handle = self::handle(&url, RetryConfig::disabled(), Duration::from_secs(60));
    let base = measure();
    let answer =
        bounded(handle.send_streaming(&OP, &AuthSpec::SIGV4, request("/down", ByteStream::new())))
            .await
            .unwrap();
    let (head, mut body) = answer.into_success().expect("a success");
    assert_eq!(head.status(), 200);
    let mut checker = Checker::default();
    bounded(async {
        while let Some(chunk) = body.next().await {
            checker.check(&chunk.unwrap());
        }
    })
    .await;
    let down_peak = PEAK.load(Ordering::Relaxed) - base;
    let down_largest = LARGEST.load(Ordering::Relaxed);
    assert_eq!(checker.seen, SIZE);
    assert!(checker.chunks > 64, "{} chunks", checker.chunks);

    eprintln!(
        "64 MiB up: peak {up_peak} bytes above the start, largest block {up_largest}; \
         64 MiB down: peak {down_peak}, largest block {down_largest}"
    );
    const LIMIT: usize = 4 * MIB as usize;
    for (what, bytes) in [
        ("upload peak", up_peak),
        ("upload largest block", up_largest),
        ("download peak", down_peak),
        ("download largest block", down_largest),
    ] {
        assert!(bytes < LIMIT, "{what}: {bytes} bytes, over {LIMIT}");
    }
}

/// An endless body: the first chunks arrive (and the head within the attempt timeout) although
/// the body never ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_stream_yields_its_first_chunks() {
    let _serial = serial().await;
    let (url, _) = serve(|_| async {
        reply(
            200,
            Pattern {
                sent: 0,
                total: None,
            },
        )
    })
    .await;
    let handle = handle(&url, RetryConfig::disabled(), Duration::from_secs(2));
    let answer =
        bounded(handle.send_streaming(&OP, &AuthSpec::SIGV4, request("/media", ByteStream::new())))
            .await
            .unwrap();
    let (_, mut body) = answer.into_success().unwrap();
    let mut checker = Checker::default();
    bounded(async {
        while checker.seen < 8 * MIB {
            checker.check(&body.next().await.unwrap().unwrap());
        }
    })
    .await;
    // Reading on past the attempt timeout is fine: it bounds the head, not the body.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    checker.check(&body.next().await.unwrap().unwrap());
    drop(body);
}

/// A server that never answers: the attempt timeout ends the call, and a stream body is not
/// sent twice (the failure says why).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_attempt_timeout_bounds_the_head_and_a_stream_is_not_retried() {
    let _serial = serial().await;
    let (url, count) = serve(|_| async {
        tokio::time::sleep(Duration::from_secs(60)).await;
        text(200, String::new())
    })
    .await;
    let handle = handle(&url, fast_retries(), Duration::from_millis(300));
    let start = Instant::now();
    let body = ByteStream::from_stream(Pattern {
        sent: 0,
        total: Some(1000),
    });
    let failure = bounded(handle.send_streaming(&OP, &AuthSpec::SIGV4, request("/media", body)))
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Timeout);
    let message = failure.to_string();
    assert!(message.contains("attempt timeout of 300ms"), "{message}");
    assert!(
        message.contains("not retried: the request body is a stream, which can be sent only once"),
        "{message}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(count.load(Ordering::SeqCst), 1);

    // A body in memory is sent again: three attempts, each timed out.
    let failure = bounded(handle.send_streaming(
        &OP,
        &AuthSpec::SIGV4,
        request("/media", ByteStream::from("abc")),
    ))
    .await
    .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Timeout);
    assert!(!failure.to_string().contains("not retried"), "{failure}");
    assert_eq!(count.load(Ordering::SeqCst), 4);
}

/// A retryable error answer (503): a one-shot stream gets one attempt, bytes get three; the
/// error body is read whole and handed back for the error parser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_read_whole_and_only_bytes_bodies_are_retried() {
    let _serial = serial().await;
    let (url, count) = serve(|request: ::http::Request<Incoming>| async move {
        // Read the body, so the client's stream is consumed before the answer.
        let _ = request.into_body().collect().await;
        let mut reply = text(503, r#"{"message": "slow down"}"#.to_owned());
        reply.headers_mut().insert(
            "x-amzn-errortype",
            "ServiceUnavailableException".parse().unwrap(),
        );
        reply
    })
    .await;
    let handle = handle(&url, fast_retries(), Duration::from_secs(5));

    let body = ByteStream::from_stream(Pattern {
        sent: 0,
        total: Some(100_000),
    });
    let answer = bounded(handle.send_streaming(&OP, &AuthSpec::SIGV4, request("/x", body)))
        .await
        .unwrap();
    let response = answer.into_success().expect_err("an error answer");
    assert_eq!(response.status(), 503);
    assert_eq!(response.body().as_ref(), br#"{"message": "slow down"}"#);
    assert_eq!(count.load(Ordering::SeqCst), 1, "a stream is sent once");

    let answer = bounded(handle.send_body(
        &OP,
        &AuthSpec::SIGV4,
        request("/x", ByteStream::from(vec![7u8; 100_000])),
    ))
    .await
    .unwrap();
    assert_eq!(answer.status(), 503);
    assert_eq!(
        count.load(Ordering::SeqCst),
        4,
        "bytes are sent three times"
    );
}

/// A streaming upload whose answer is read whole keeps the transport's size limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_read_whole_keeps_the_size_limit() {
    let _serial = serial().await;
    let (url, _) = serve(|_| async {
        reply(
            200,
            Pattern {
                sent: 0,
                total: Some(2 * MIB),
            },
        )
    })
    .await;
    let config = ClientConfig::builder()
        .region("us-west-2")
        .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url(&url)
        .http_client(
            HyperClient::builder()
                .max_response_body_size(MIB as usize)
                .build(),
        )
        .retry(RetryConfig::disabled())
        .build();
    let handle = Handle::new(config, &SERVICE);
    let body = ByteStream::from_stream(Pattern {
        sent: 0,
        total: Some(1000),
    });
    let failure = bounded(handle.send_body(&OP, &AuthSpec::SIGV4, request("/up", body)))
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::Transport);
    let chain = aws_lite_runtime::error::DisplayErrorChain(&failure).to_string();
    assert!(
        chain.contains("exceeds the limit of 1048576 bytes"),
        "{chain}"
    );
    // The same answer streamed has no limit.
    let answer =
        bounded(handle.send_streaming(&OP, &AuthSpec::SIGV4, request("/down", ByteStream::new())))
            .await
            .unwrap();
    let body = answer.into_success().unwrap().1.collect().await.unwrap();
    assert_eq!(body.len() as u64, 2 * MIB);
}
