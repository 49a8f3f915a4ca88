//! The default HTTP transport: hyper 1 over tokio, HTTPS through rustls.
//!
//! HTTP/1.1 only: the control-plane calls of the services we target are small request/response
//! exchanges, and leaving HTTP/2 out keeps the dependency graph small. With the `rustls` feature
//! (on by default) `https` endpoints use rustls with the `ring` provider and the webpki (Mozilla)
//! root certificates; without it only plain `http` endpoints work, which is enough for local
//! test servers.
//!
//! Time limits: the transport enforces the connect timeout only. The whole exchange (TLS
//! handshake, sending, reading the body) is bounded by the orchestrator's attempt timeout;
//! for a streaming response ([`HttpClient::call_streaming`]) that timeout bounds the exchange
//! up to the response head, and the body is read as the caller polls it.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::byte_stream::{ByteStream, ByteStreamError};
use crate::http::{
    BoxFuture, ConnectorError, ConnectorErrorKind, HttpClient, HttpRequest, HttpResponse,
    StreamingRequest, StreamingResponse,
};

/// The default limit on the size of a response body: 16 MiB.
///
/// IVS answers are a few kilobytes; the limit only stops a broken or hostile peer from making
/// the client buffer without bound. Change it with
/// [`HyperClientBuilder::max_response_body_size`].
pub const DEFAULT_MAX_RESPONSE_BODY_SIZE: usize = 16 * 1024 * 1024;

/// The default connect timeout: 3.1 s, as the official AWS SDK for Rust uses (a little over
/// the 3 s TCP SYN retransmission interval, so one lost SYN does not fail the connect).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// How long an idle pooled connection is kept. Short, because servers and load balancers drop
/// idle connections after some tens of seconds, and a request sent on a connection the peer
/// is closing fails.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(20);

#[cfg(feature = "rustls")]
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;
#[cfg(not(feature = "rustls"))]
type Connector = HttpConnector;

/// An [`HttpClient`] on hyper 1 and tokio, with a connection pool. Cheap to clone (clones share
/// the pool). Must be called from within a tokio runtime.
///
/// ```
/// use std::time::Duration;
/// use aws_lite_runtime::transport::HyperClient;
/// let client = HyperClient::builder()
///     .connect_timeout(Duration::from_secs(1))
///     .max_response_body_size(1024 * 1024)
///     .build();
/// # let _ = client;
/// ```
#[derive(Clone)]
pub struct HyperClient {
    /// `Err` only when TLS could not be set up; every call then fails with that message
    /// instead of the constructor panicking.
    client: Result<Client<Connector, RequestBody>, String>,
    max_body: usize,
    connect_timeout: Duration,
}

impl fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperClient")
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_body_size", &self.max_body)
            .field("https", &cfg!(feature = "rustls"))
            .finish()
    }
}

impl Default for HyperClient {
    fn default() -> Self {
        Self::new()
    }
}

impl HyperClient {
    /// A client with the default connect timeout ([`DEFAULT_CONNECT_TIMEOUT`]) and body limit
    /// ([`DEFAULT_MAX_RESPONSE_BODY_SIZE`]).
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder to set the connect timeout and the body size limit.
    pub fn builder() -> HyperClientBuilder {
        HyperClientBuilder::default()
    }

    /// The limit on the size of a response body, in bytes.
    pub fn max_response_body_size(&self) -> usize {
        self.max_body
    }

    /// The connect timeout.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }
}

/// Builds a [`HyperClient`].
#[derive(Clone)]
pub struct HyperClientBuilder {
    connect_timeout: Duration,
    max_body: usize,
    /// DER certificates trusted instead of the webpki roots; `None`: the webpki roots.
    tls_roots: Option<Vec<Vec<u8>>>,
}

impl fmt::Debug for HyperClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperClientBuilder")
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_body_size", &self.max_body)
            .field(
                "tls_roots",
                &self
                    .tls_roots
                    .as_ref()
                    .map_or("webpki".to_owned(), |r| format!("{} custom", r.len())),
            )
            .finish()
    }
}

impl Default for HyperClientBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_body: DEFAULT_MAX_RESPONSE_BODY_SIZE,
            tls_roots: None,
        }
    }
}

impl HyperClientBuilder {
    /// How long establishing a TCP connection may take (per resolved address).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes; a larger one fails the request with a
    /// [`ConnectorErrorKind::Protocol`] error.
    pub fn max_response_body_size(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Trusts only these root certificates (DER) for `https` endpoints, instead of the webpki
    /// (Mozilla) roots: a private certificate authority, a TLS-inspecting proxy, a test server.
    /// A certificate that does not parse makes every call fail, naming it. Without the `rustls`
    /// feature there is no `https`, and this has no effect.
    pub fn tls_root_certificates<I, C>(mut self, certificates: I) -> Self
    where
        I: IntoIterator<Item = C>,
        C: Into<Vec<u8>>,
    {
        self.tls_roots = Some(certificates.into_iter().map(Into::into).collect());
        self
    }

    /// Builds the client. Does not connect anywhere yet.
    pub fn build(self) -> HyperClient {
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);
        let client = connector(http, self.tls_roots.as_deref()).map(|connector| {
            Client::builder(TokioExecutor::new())
                .pool_idle_timeout(POOL_IDLE_TIMEOUT)
                .pool_timer(TokioTimer::new())
                .build(connector)
        });
        HyperClient {
            client,
            max_body: self.max_body,
            connect_timeout: self.connect_timeout,
        }
    }
}

/// The root certificates `https` endpoints are checked against: `custom` (DER) when given, else
/// the webpki (Mozilla) roots.
#[cfg(feature = "rustls")]
fn root_store(custom: Option<&[Vec<u8>]>) -> Result<rustls::RootCertStore, String> {
    let Some(custom) = custom else {
        return Ok(rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        });
    };
    let mut store = rustls::RootCertStore::empty();
    for (i, der) in custom.iter().enumerate() {
        store
            .add(rustls::pki_types::CertificateDer::from(der.clone()))
            .map_err(|e| {
                format!("root certificate {i} of HyperClientBuilder::tls_root_certificates: {e}")
            })?;
    }
    Ok(store)
}

#[cfg(feature = "rustls")]
fn connector(mut http: HttpConnector, roots: Option<&[Vec<u8>]>) -> Result<Connector, String> {
    // The TLS layer decides the scheme; the TCP connector must accept `https` URIs too.
    http.enforce_http(false);
    // An explicit provider, not the process default: another crate enabling aws-lc-rs as well
    // would otherwise make rustls refuse to pick one at run time.
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .with_root_certificates(root_store(roots)?)
        .with_no_client_auth();
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        // Plain http stays allowed for local endpoints (test servers, moto on loopback).
        .https_or_http()
        .enable_http1()
        .wrap_connector(http))
}

#[cfg(not(feature = "rustls"))]
fn connector(http: HttpConnector, _roots: Option<&[Vec<u8>]>) -> Result<Connector, String> {
    Ok(http)
}

impl HttpClient for HyperClient {
    fn call(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>> {
        Box::pin(async move {
            let response = self.send(request.map(ByteStream::from)).await?;
            let (parts, body) = response.into_parts();
            let body = self.read_whole(&parts, body).await?;
            Ok(HttpResponse::from_parts(parts, body))
        })
    }

    /// Streams the request body (with its length when known, else chunked) and returns once
    /// the response head is read. A success body is then read as the caller polls it, with no
    /// size limit; any other response, or every response of a request marked
    /// [`ReadWhole`](crate::orchestrator::ReadWhole), is read whole under the limit, as
    /// [`HttpClient::call`] does.
    fn call_streaming(
        &self,
        request: StreamingRequest,
    ) -> BoxFuture<'_, Result<StreamingResponse, ConnectorError>> {
        Box::pin(async move {
            let read_whole = request
                .extensions()
                .get::<crate::orchestrator::ReadWhole>()
                .is_some();
            let response = self.send(request).await?;
            let (parts, body) = response.into_parts();
            let body = if parts.status.is_success() && !read_whole {
                ByteStream::from_stream(IncomingChunks(body))
            } else {
                ByteStream::from(self.read_whole(&parts, body).await?)
            };
            Ok(StreamingResponse::from_parts(parts, body))
        })
    }
}

impl HyperClient {
    /// Sends the request and reads the response head.
    async fn send(
        &self,
        request: StreamingRequest,
    ) -> Result<::http::Response<Incoming>, ConnectorError> {
        check_scheme(request.uri())?;
        let client = self
            .client
            .as_ref()
            .map_err(|e| ConnectorError::new(ConnectorErrorKind::Other, e.clone()))?;
        client
            .request(request.map(RequestBody))
            .await
            .map_err(|e| classify_error(&e))
    }

    /// Reads a whole body, at most the configured limit.
    async fn read_whole(
        &self,
        parts: &::http::response::Parts,
        body: Incoming,
    ) -> Result<Bytes, ConnectorError> {
        // Refuse early when the peer announces a body over the limit.
        let announced = parts
            .headers
            .get(::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if announced.is_some_and(|len| len > self.max_body as u64) {
            return Err(too_large(self.max_body));
        }
        Ok(Limited::new(body, self.max_body)
            .collect()
            .await
            .map_err(|e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    too_large(self.max_body)
                } else {
                    classify_error(&*e)
                }
            })?
            .to_bytes())
    }
}

/// A request body for hyper: a [`ByteStream`], in memory or streamed, with its exact length
/// when known (hyper then sends `Content-Length`, else chunked transfer encoding).
struct RequestBody(ByteStream);

impl Body for RequestBody {
    type Data = Bytes;
    type Error = ByteStreamError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, ByteStreamError>>> {
        futures_core::Stream::poll_next(Pin::new(&mut self.get_mut().0), cx)
            .map(|chunk| chunk.map(|c| c.map(Frame::data)))
    }

    fn is_end_stream(&self) -> bool {
        self.0.content_length() == Some(0)
    }

    fn size_hint(&self) -> SizeHint {
        match self.0.content_length() {
            Some(len) => SizeHint::with_exact(len),
            None => SizeHint::default(),
        }
    }
}

/// The data frames of a response body, as a stream of chunks; a broken connection ends it
/// with an error the transport classifies.
struct IncomingChunks(Incoming);

impl futures_core::Stream for IncomingChunks {
    type Item = Result<Bytes, ConnectorError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            return match Pin::new(&mut self.0).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => Poll::Ready(Some(Ok(data))),
                    // Trailers carry no payload.
                    Err(_) => continue,
                },
                Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(classify_error(&e)))),
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            };
        }
    }
}

fn check_scheme(uri: &::http::Uri) -> Result<(), ConnectorError> {
    match uri.scheme_str() {
        Some("http") => Ok(()),
        #[cfg(feature = "rustls")]
        Some("https") => Ok(()),
        #[cfg(not(feature = "rustls"))]
        Some("https") => Err(ConnectorError::new(
            ConnectorErrorKind::Other,
            "https endpoints need the `rustls` feature of aws-lite-runtime, which is disabled",
        )),
        Some(other) => Err(ConnectorError::new(
            ConnectorErrorKind::Other,
            format!("unsupported URI scheme `{other}`"),
        )),
        None => Err(ConnectorError::new(
            ConnectorErrorKind::Other,
            "the request URI is not absolute (no scheme)",
        )),
    }
}

fn too_large(limit: usize) -> ConnectorError {
    ConnectorError::new(
        ConnectorErrorKind::Protocol,
        format!(
            "response body exceeds the limit of {limit} bytes \
             (HyperClientBuilder::max_response_body_size)"
        ),
    )
}

/// Maps an error of hyper, hyper-util or the TLS layer to a kind, and flattens its chain into
/// one message: hyper's top-level messages ("client error (Connect)") say little alone.
fn classify_error(error: &(dyn StdError + 'static)) -> ConnectorError {
    let mut kind = None;
    let mut saw_io = false;
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = current {
        #[cfg(feature = "rustls")]
        if e.is::<rustls::Error>() {
            // A certificate or handshake failure does not get better by retrying.
            kind = Some(ConnectorErrorKind::Other);
            break;
        }
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            if h.is_timeout() {
                kind = Some(ConnectorErrorKind::Timeout);
            } else if h.is_parse() || h.is_parse_status() {
                kind = Some(ConnectorErrorKind::Protocol);
            } else if h.is_user() {
                kind = Some(ConnectorErrorKind::Other);
            } else if h.is_incomplete_message() || h.is_canceled() || h.is_closed() {
                kind.get_or_insert(ConnectorErrorKind::Io);
            }
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            saw_io = true;
            if io.kind() == std::io::ErrorKind::TimedOut {
                kind.get_or_insert(ConnectorErrorKind::Timeout);
            }
        }
        current = next_cause(e);
    }
    let connect = error
        .downcast_ref::<hyper_util::client::legacy::Error>()
        .is_some_and(|e| e.is_connect());
    let kind = kind.unwrap_or(if saw_io || connect {
        ConnectorErrorKind::Io
    } else {
        ConnectorErrorKind::Other
    });
    ConnectorError::new(kind, flatten(error))
}

/// The next error down the chain. An `io::Error` wrapping another error reports that error's
/// *source* as its own, skipping the wrapped error itself (where rustls' errors sit); look
/// inside it instead.
fn next_cause<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a (dyn StdError + 'static)> {
    match error
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        Some(inner) => Some(inner as &(dyn StdError + 'static)),
        None => error.source(),
    }
}

fn flatten(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut current = next_cause(error);
    while let Some(e) = current {
        let part = e.to_string();
        // Some layers repeat their cause in their own message; do not say it twice.
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        current = next_cause(e);
    }
    text
}

#[cfg(all(test, feature = "rustls"))]
mod tests {
    use super::*;

    /// Without a custom store every Mozilla root is trusted (an empty store would fail every
    /// real call while every local test passed).
    #[test]
    fn default_roots_are_the_webpki_roots() {
        let store = root_store(None).unwrap();
        assert!(!webpki_roots::TLS_SERVER_ROOTS.is_empty());
        assert_eq!(store.len(), webpki_roots::TLS_SERVER_ROOTS.len());
    }

    #[test]
    fn a_custom_root_that_does_not_parse_is_named() {
        let err = root_store(Some(&[b"not DER".to_vec()])).unwrap_err();
        assert!(err.contains("root certificate 0"), "{err}");
    }
}
