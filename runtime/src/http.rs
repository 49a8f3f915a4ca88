//! The HTTP currency between generated code, the orchestrator and transports.
//!
//! Requests and responses are `http` crate types with fully buffered bodies: restJson1
//! payloads of the services we target are small, and a buffered body can be signed, retried
//! and replayed. Operations with a `@streaming` blob payload use [`StreamingRequest`] and
//! [`StreamingResponse`] instead, whose body is a [`ByteStream`](crate::ByteStream), through
//! [`HttpClient::call_streaming`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

pub use bytes::Bytes;

/// A request as built by a generated serializer (URI holds path and query only; the
/// orchestrator puts the endpoint in front) or as sent to a transport (absolute URI).
pub type HttpRequest = ::http::Request<Bytes>;
/// A fully read response.
pub type HttpResponse = ::http::Response<Bytes>;
/// A request whose body may be a stream (`@streaming` blob payloads): see
/// [`HttpClient::call_streaming`].
pub type StreamingRequest = ::http::Request<crate::byte_stream::ByteStream>;
/// A response whose body is read as it arrives.
pub type StreamingResponse = ::http::Response<crate::byte_stream::ByteStream>;

/// Assembles a request from the parts a generated serializer computed: `path` is already
/// percent-encoded, query pairs are encoded here.
pub fn build_request(
    method: &str,
    path: String,
    query: &[(String, String)],
    headers: Vec<(String, String)>,
    body: Bytes,
) -> Result<HttpRequest, crate::error::Failure> {
    let mut uri = if path.is_empty() {
        "/".to_owned()
    } else {
        path
    };
    for (i, (k, v)) in query.iter().enumerate() {
        uri.push(if i == 0 { '?' } else { '&' });
        uri.push_str(&crate::encoding::encode_query(k));
        uri.push('=');
        uri.push_str(&crate::encoding::encode_query(v));
    }
    let mut builder = ::http::Request::builder().method(method).uri(&uri);
    let has_length = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-length"));
    for (k, v) in headers {
        builder = builder.header(k, v);
    }
    if !body.is_empty() && !has_length {
        builder = builder.header(::http::header::CONTENT_LENGTH, body.len());
    }
    builder.body(body).map_err(|e| {
        crate::error::Failure::new(
            crate::error::ErrorKind::Construction,
            format!("cannot build the {method} request for {uri}"),
        )
        .with_source(e)
    })
}

/// A request with a constant `path` and a JSON `body`, as [`build_request`] makes it with
/// the body's `Content-Type`: the whole serializer of an operation whose members all travel
/// in the body.
pub fn json_request(
    method: &str,
    path: &str,
    body: &crate::json::Value,
) -> Result<HttpRequest, crate::error::Failure> {
    let mut headers = Vec::new();
    push_default_header(&mut headers, "Content-Type", "application/json");
    build_request(
        method,
        path.to_owned(),
        &[],
        headers,
        crate::json::to_body(body),
    )
}

/// Appends the header `name: value` unless `headers` already has one of that name (in any
/// case): how a body's default `Content-Type` yields to a member bound to that header.
pub fn push_default_header(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    // A loop, not `any` with a closure: one instantiation less in the runtime.
    for (h, _) in headers.iter() {
        if h.eq_ignore_ascii_case(name) {
            return;
        }
    }
    headers.push((name.to_owned(), value.to_owned()));
}

/// Appends the URI label `value` of `member` to `uri`, percent-encoded (a greedy label keeps
/// its `/`). An empty label, or one that is or holds the dot segment `.` or `..`, is refused:
/// servers and proxies normalise those away, and the request would reach another path.
pub fn push_label(
    uri: &mut String,
    member: &'static str,
    operation: &str,
    value: &str,
    greedy: bool,
) -> Result<(), crate::error::BuildError> {
    if value.is_empty() {
        return Err(crate::error::BuildError::invalid(
            member,
            format!("`{member}` is required for the URI of {operation} and must not be empty"),
        ));
    }
    let dot_segment = |s: &str| s == "." || s == "..";
    let bad = if greedy {
        value.split('/').any(dot_segment)
    } else {
        dot_segment(value)
    };
    if bad {
        return Err(crate::error::BuildError::invalid(
            member,
            format!(
                "`{member}` of {operation} is the path segment {value:?}, which would send the request to another path"
            ),
        ));
    }
    uri.push_str(&crate::encoding::encode_label(value, greedy));
    Ok(())
}

/// A boxed, sendable future, the return type of [`HttpClient::call`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a transport could not produce a response.
#[derive(Debug)]
pub struct ConnectorError {
    kind: ConnectorErrorKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

/// The kind of a [`ConnectorError`]: decides whether a retry may help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectorErrorKind {
    /// Connecting, or the connection broke before a response was read. Retryable.
    Io,
    /// A time limit of the transport itself passed. Retryable.
    Timeout,
    /// The response was malformed or too large. Not retried.
    Protocol,
    /// Anything else (a bad request the transport refused to send). Not retried.
    Other,
}

impl ConnectorError {
    /// A new error of `kind` caused by `source`.
    pub fn new(
        kind: ConnectorErrorKind,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            kind,
            source: source.into(),
        }
    }

    /// What went wrong, broadly.
    pub fn kind(&self) -> ConnectorErrorKind {
        self.kind
    }
}

impl fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ConnectorErrorKind::Io => "connection error",
            ConnectorErrorKind::Timeout => "transport timeout",
            ConnectorErrorKind::Protocol => "HTTP protocol error",
            ConnectorErrorKind::Other => "transport error",
        };
        // The cause is `source()`'s to print (see `error::DisplayErrorChain`).
        f.write_str(what)
    }
}

impl std::error::Error for ConnectorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// Sends one HTTP request and reads the whole response. Implement it to plug in another HTTP
/// stack, or use [`ReplayClient`] / [`CaptureClient`] in tests.
pub trait HttpClient: Send + Sync + fmt::Debug + 'static {
    /// Send `request` (absolute URI, signed) and return the response.
    fn call(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>>;

    /// Send a request whose body may be a stream, and return the response as soon as its head
    /// is read, its body a stream of the chunks as they arrive. Operations with a `@streaming`
    /// blob payload use it.
    ///
    /// The default reads the request body into memory, calls [`HttpClient::call`] and wraps
    /// the whole response body: right for test transports and any stack without streaming.
    /// [`HyperClient`](crate::transport::HyperClient) streams both ways.
    fn call_streaming(
        &self,
        request: StreamingRequest,
    ) -> BoxFuture<'_, Result<StreamingResponse, ConnectorError>> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| ConnectorError::new(ConnectorErrorKind::Other, e))?;
            let response = self.call(HttpRequest::from_parts(parts, body)).await?;
            Ok(response.map(crate::byte_stream::ByteStream::from))
        })
    }
}

impl<T: HttpClient + ?Sized> HttpClient for Arc<T> {
    fn call(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>> {
        (**self).call(request)
    }

    fn call_streaming(
        &self,
        request: StreamingRequest,
    ) -> BoxFuture<'_, Result<StreamingResponse, ConnectorError>> {
        (**self).call_streaming(request)
    }
}

/// One canned answer of a [`ReplayClient`].
#[derive(Debug)]
pub enum Replay {
    /// Answer with this response.
    Response(HttpResponse),
    /// Fail with a transport error of this kind.
    Error(ConnectorErrorKind, String),
    /// Never answer (until a timeout of the caller fires).
    Hang,
}

/// A transport that answers from a queue of canned responses, in order, and records every
/// request it was given. For tests, yours and ours.
///
/// ```
/// use aws_lite_runtime::http::{CaptureClient, HttpClient, ReplayClient};
/// let client = ReplayClient::new();
/// client.push_json(200, r#"{"channels": []}"#);
/// # let _ = CaptureClient::new();
/// assert_eq!(client.requests().len(), 0);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ReplayClient {
    inner: Arc<Mutex<ReplayState>>,
}

#[derive(Debug, Default)]
struct ReplayState {
    queue: std::collections::VecDeque<Replay>,
    requests: Vec<HttpRequest>,
}

impl ReplayClient {
    /// An empty replay client: every request fails until answers are pushed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queue an answer.
    pub fn push(&self, replay: Replay) -> &Self {
        self.lock().queue.push_back(replay);
        self
    }

    /// Queue a response with `status`, a JSON content type and `body`.
    pub fn push_json(&self, status: u16, body: &str) -> &Self {
        let response = ::http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Bytes::copy_from_slice(body.as_bytes()))
            .expect("a status code and a static header always make a valid response");
        self.push(Replay::Response(response))
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.lock().requests.clone()
    }

    /// How many queued answers are left.
    pub fn remaining(&self) -> usize {
        self.lock().queue.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ReplayState> {
        // A panic elsewhere while holding the lock leaves plain data behind; keep using it.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl HttpClient for ReplayClient {
    fn call(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>> {
        let next = {
            let mut state = self.lock();
            state.requests.push(request);
            state.queue.pop_front()
        };
        Box::pin(async move {
            match next {
                Some(Replay::Response(r)) => Ok(r),
                Some(Replay::Error(kind, msg)) => Err(ConnectorError::new(kind, msg)),
                Some(Replay::Hang) => std::future::pending().await,
                None => Err(ConnectorError::new(
                    ConnectorErrorKind::Other,
                    "ReplayClient has no response left for this request",
                )),
            }
        })
    }
}

/// A transport that records requests and answers each with `200 {}`: for looking at what a
/// client sends.
#[derive(Debug, Clone, Default)]
pub struct CaptureClient {
    requests: Arc<Mutex<Vec<HttpRequest>>>,
}

impl CaptureClient {
    /// A new, empty capture.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl HttpClient for CaptureClient {
    fn call(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>> {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(request);
        Box::pin(async {
            Ok(::http::Response::builder()
                .status(200)
                .body(Bytes::from_static(b"{}"))
                .expect("static response is valid"))
        })
    }
}

#[cfg(test)]
mod label_tests {
    use super::push_label;

    #[test]
    fn connector_errors_say_their_kind_and_keep_the_cause_as_source() {
        use super::{ConnectorError, ConnectorErrorKind as K};
        use std::error::Error as _;
        for (kind, text) in [
            (K::Io, "connection error"),
            (K::Timeout, "transport timeout"),
            (K::Protocol, "HTTP protocol error"),
            (K::Other, "transport error"),
        ] {
            let e = ConnectorError::new(kind, "the cause");
            assert_eq!(e.to_string(), text);
            assert_eq!(e.kind(), kind);
            assert_eq!(e.source().unwrap().to_string(), "the cause");
        }
    }

    #[test]
    fn labels_are_encoded_and_dot_segments_refused() {
        let mut uri = String::from("/tags/");
        push_label(&mut uri, "resourceArn", "Op", "arn:aws:ivs:x/y z", false).unwrap();
        assert_eq!(uri, "/tags/arn%3Aaws%3Aivs%3Ax%2Fy%20z");
        for bad in ["", ".", ".."] {
            let err = push_label(&mut String::new(), "arn", "Op", bad, false).unwrap_err();
            assert_eq!(err.member(), "arn");
        }
        // Inside a non-greedy label a dot segment is just text: `/` is encoded.
        push_label(&mut String::new(), "arn", "Op", "../x", false).unwrap();
        assert!(push_label(&mut String::new(), "key", "Op", "a/../b", true).is_err());
        let mut greedy = String::new();
        push_label(&mut greedy, "key", "Op", "a/b.c/d", true).unwrap();
        assert_eq!(greedy, "a/b.c/d");
    }
}
