//! The two kinds of request body the orchestrator sends: bytes in memory (every operation but
//! those with a `@streaming` blob payload) and a [`ByteStream`]. The attempt loop is written
//! once over [`Payload`]; each kind says how it is copied for an attempt, signed, sent, and
//! how its answer is read.

use ::http::header::{HeaderMap, HeaderValue, CONTENT_LENGTH};
use ::http::StatusCode;

use crate::byte_stream::ByteStream;
use crate::http::{
    BoxFuture, Bytes, ConnectorError, ConnectorErrorKind, HttpClient, HttpRequest, HttpResponse,
    StreamingResponse,
};
use crate::sigv4::{SigningError, SigningSettings};

/// Signs a request whose body is in memory (SigV4 or SigV4a, as the endpoint chose).
pub(crate) type Signer<'a> =
    dyn Fn(&mut HttpRequest, &SigningSettings) -> Result<(), SigningError> + 'a;

/// Marks a streaming request whose answer is wanted whole (an operation with a streaming
/// input and a plain output): the transport reads it under its response size limit, and
/// within the attempt timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadWhole;

/// The answer to a request sent with [`Handle::send_streaming`](super::Handle::send_streaming).
#[derive(Debug)]
pub enum StreamingAnswer {
    /// A success response (2xx): the head is read, the body streams as it arrives.
    Streaming(StreamingResponse),
    /// Any other response, read whole (errors are parsed as those of any operation), or a
    /// success read whole by the transport.
    Buffered(HttpResponse),
}

impl StreamingAnswer {
    /// A success as its head (with an empty body) and its body; any other response as it is,
    /// for the error parser.
    #[allow(clippy::result_large_err)]
    pub fn into_success(self) -> Result<(HttpResponse, ByteStream), HttpResponse> {
        match self {
            StreamingAnswer::Streaming(response) => {
                let (parts, body) = response.into_parts();
                Ok((HttpResponse::from_parts(parts, Bytes::new()), body))
            }
            StreamingAnswer::Buffered(response) if response.status().is_success() => {
                let (parts, body) = response.into_parts();
                Ok((
                    HttpResponse::from_parts(parts, Bytes::new()),
                    ByteStream::from(body),
                ))
            }
            StreamingAnswer::Buffered(response) => Err(response),
        }
    }
}

/// A request body the attempt loop can send.
pub(crate) trait Payload: Send + Sized + 'static {
    /// What one attempt yields.
    type Answer: Send;

    /// Whether the body can be sent again (a retry). A stream is read once.
    fn replayable(&self) -> bool;

    /// Done once before the attempts: compression for bytes, `Content-Length` for a stream of
    /// known length.
    fn prepare(request: &mut ::http::Request<Self>);

    /// The request of one attempt: a copy when the body is replayable, else the body itself
    /// (taken, so only the first attempt can have it).
    fn for_attempt(request: &mut ::http::Request<Self>) -> ::http::Request<Self>;

    /// Signs the request with `signer`.
    fn sign(
        request: &mut ::http::Request<Self>,
        settings: &SigningSettings,
        signer: &Signer<'_>,
    ) -> Result<(), SigningError>;

    /// Sends one attempt.
    fn call(
        client: &dyn HttpClient,
        request: ::http::Request<Self>,
    ) -> BoxFuture<'_, Result<Self::Answer, ConnectorError>>;

    /// The answer as an error response (4xx, 5xx) to classify, when it is one.
    fn error_response(answer: &Self::Answer) -> Option<&HttpResponse>;

    /// Status and headers of the answer, for the log.
    fn head(answer: &Self::Answer) -> (StatusCode, &HeaderMap);

    /// Runs `f` (the interceptors) on the request as an [`HttpRequest`]; for a stream body
    /// they see and may change the head (method, URI, headers), the body stays as it is.
    fn intercept_request(request: &mut ::http::Request<Self>, f: &mut dyn FnMut(&mut HttpRequest));

    /// Runs `f` (the interceptors) on the answer as an [`HttpResponse`]; a streaming answer
    /// shows its head with an empty body (the body is the caller's to read).
    fn intercept_answer(answer: &Self::Answer, f: &mut dyn FnMut(&HttpResponse));
}

/// 4xx and 5xx are errors; 1xx never reach us and 3xx are handed to generated code as they are.
fn is_error(response: &HttpResponse) -> bool {
    response.status().is_client_error() || response.status().is_server_error()
}

impl Payload for Bytes {
    type Answer = HttpResponse;

    fn replayable(&self) -> bool {
        true
    }

    fn prepare(request: &mut HttpRequest) {
        super::compress(request);
    }

    fn for_attempt(request: &mut HttpRequest) -> HttpRequest {
        super::clone_request(request)
    }

    fn sign(
        request: &mut HttpRequest,
        settings: &SigningSettings,
        signer: &Signer<'_>,
    ) -> Result<(), SigningError> {
        signer(request, settings)
    }

    fn call(
        client: &dyn HttpClient,
        request: HttpRequest,
    ) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>> {
        client.call(request)
    }

    fn error_response(answer: &HttpResponse) -> Option<&HttpResponse> {
        is_error(answer).then_some(answer)
    }

    fn head(answer: &HttpResponse) -> (StatusCode, &HeaderMap) {
        (answer.status(), answer.headers())
    }

    fn intercept_request(request: &mut HttpRequest, f: &mut dyn FnMut(&mut HttpRequest)) {
        f(request);
    }

    fn intercept_answer(answer: &HttpResponse, f: &mut dyn FnMut(&HttpResponse)) {
        f(answer);
    }
}

impl Payload for ByteStream {
    type Answer = StreamingAnswer;

    fn replayable(&self) -> bool {
        self.bytes().is_some() || self.content_length() == Some(0)
    }

    fn prepare(request: &mut ::http::Request<ByteStream>) {
        // Compression needs the whole body; a stream goes as it is (compression is optional).
        request
            .extensions_mut()
            .remove::<super::RequestCompression>();
        if let Some(len) = request.body().content_length().filter(|&n| n > 0) {
            if !request.headers().contains_key(CONTENT_LENGTH) {
                request
                    .headers_mut()
                    .insert(CONTENT_LENGTH, HeaderValue::from(len));
            }
        }
    }

    fn for_attempt(request: &mut ::http::Request<ByteStream>) -> ::http::Request<ByteStream> {
        let body = match request.body().try_clone() {
            Some(copy) => copy,
            None => std::mem::take(request.body_mut()),
        };
        let mut copy = ::http::Request::new(body);
        *copy.method_mut() = request.method().clone();
        *copy.uri_mut() = request.uri().clone();
        *copy.version_mut() = request.version();
        *copy.headers_mut() = request.headers().clone();
        if request.extensions().get::<ReadWhole>().is_some() {
            copy.extensions_mut().insert(ReadWhole);
        }
        copy
    }

    fn sign(
        request: &mut ::http::Request<ByteStream>,
        settings: &SigningSettings,
        signer: &Signer<'_>,
    ) -> Result<(), SigningError> {
        // The signer reads the head and the bytes; a body whose bytes are not known is signed
        // as `UNSIGNED-PAYLOAD`, as the official signer does for such bodies.
        let (bytes, unsigned) = match request.body().bytes() {
            Some(b) => (b.clone(), settings.unsigned_payload),
            None => (Bytes::new(), true),
        };
        let mut head = HttpRequest::new(bytes);
        *head.method_mut() = request.method().clone();
        *head.uri_mut() = request.uri().clone();
        *head.headers_mut() = std::mem::take(request.headers_mut());
        let settings = SigningSettings {
            unsigned_payload: unsigned,
            ..*settings
        };
        let signed = signer(&mut head, &settings);
        *request.headers_mut() = std::mem::take(head.headers_mut());
        signed
    }

    fn call(
        client: &dyn HttpClient,
        request: ::http::Request<ByteStream>,
    ) -> BoxFuture<'_, Result<StreamingAnswer, ConnectorError>> {
        let read_whole = request.extensions().get::<ReadWhole>().is_some();
        Box::pin(async move {
            let response = client.call_streaming(request).await?;
            if response.status().is_success() && !read_whole {
                return Ok(StreamingAnswer::Streaming(response));
            }
            // Read within the attempt (and its timeout), so errors parse as usual.
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|e| {
                // The transport's own classification, when the stream carries one.
                let kind = std::error::Error::source(&e)
                    .and_then(|s| s.downcast_ref::<ConnectorError>())
                    .map_or(ConnectorErrorKind::Io, ConnectorError::kind);
                ConnectorError::new(kind, e)
            })?;
            Ok(StreamingAnswer::Buffered(HttpResponse::from_parts(
                parts, body,
            )))
        })
    }

    fn error_response(answer: &StreamingAnswer) -> Option<&HttpResponse> {
        match answer {
            StreamingAnswer::Buffered(r) if is_error(r) => Some(r),
            _ => None,
        }
    }

    fn head(answer: &StreamingAnswer) -> (StatusCode, &HeaderMap) {
        match answer {
            StreamingAnswer::Streaming(r) => (r.status(), r.headers()),
            StreamingAnswer::Buffered(r) => (r.status(), r.headers()),
        }
    }

    fn intercept_request(
        request: &mut ::http::Request<ByteStream>,
        f: &mut dyn FnMut(&mut HttpRequest),
    ) {
        let mut head = HttpRequest::new(request.body().bytes().cloned().unwrap_or_default());
        *head.method_mut() = request.method().clone();
        *head.uri_mut() = request.uri().clone();
        *head.version_mut() = request.version();
        *head.headers_mut() = std::mem::take(request.headers_mut());
        f(&mut head);
        *request.method_mut() = head.method().clone();
        *request.uri_mut() = head.uri().clone();
        *request.headers_mut() = std::mem::take(head.headers_mut());
    }

    fn intercept_answer(answer: &StreamingAnswer, f: &mut dyn FnMut(&HttpResponse)) {
        match answer {
            StreamingAnswer::Buffered(r) => f(r),
            StreamingAnswer::Streaming(r) => {
                let mut head = HttpResponse::new(Bytes::new());
                *head.status_mut() = r.status();
                *head.version_mut() = r.version();
                *head.headers_mut() = r.headers().clone();
                f(&head);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;
    use crate::sigv4::{self, SigningParams};
    use std::time::{Duration, SystemTime};

    fn sign<B: Payload>(body: B) -> ::http::Request<B> {
        let credentials = Credentials::new("AKID", "SECRET", None, None, "test");
        let params = SigningParams {
            credentials: &credentials,
            region: "us-west-2",
            service: "media",
            time: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        };
        let settings = SigningSettings {
            content_sha256_header: true,
            ..SigningSettings::default()
        };
        let mut request = ::http::Request::builder()
            .method("PUT")
            .uri("https://media.example.com/up")
            .body(body)
            .unwrap();
        let signer = |r: &mut HttpRequest, s: &SigningSettings| {
            sigv4::sign_request_with(r, &params, s).map(|_| ())
        };
        B::sign(&mut request, &settings, &signer).unwrap();
        request
    }

    fn header<B>(request: &::http::Request<B>, name: &str) -> String {
        request.headers()[name].to_str().unwrap().to_owned()
    }

    #[test]
    fn bytes_are_hashed_and_a_stream_is_signed_unsigned_payload() {
        let bytes = sign(Bytes::from_static(b"hello"));
        let in_memory = sign(ByteStream::from("hello"));
        // A body in memory signs exactly as the buffered path does.
        assert_eq!(
            header(&in_memory, "x-amz-content-sha256"),
            sigv4::sha256_hex(b"hello")
        );
        assert_eq!(
            header(&in_memory, "authorization"),
            header(&bytes, "authorization")
        );
        let stream = sign(ByteStream::from_stream(futures_stream()));
        assert_eq!(
            header(&stream, "x-amz-content-sha256"),
            sigv4::UNSIGNED_PAYLOAD
        );
        assert_ne!(
            header(&stream, "authorization"),
            header(&bytes, "authorization")
        );
        // The body is left untouched by signing.
        assert!(stream.body().bytes().is_none());
        assert_eq!(in_memory.body().bytes().map(|b| b.len()), Some(5));
    }

    fn futures_stream() -> impl futures_core::Stream<Item = Result<Bytes, std::io::Error>> {
        struct One(Option<Bytes>);
        impl futures_core::Stream for One {
            type Item = Result<Bytes, std::io::Error>;
            fn poll_next(
                mut self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Option<Self::Item>> {
                std::task::Poll::Ready(self.0.take().map(Ok))
            }
        }
        One(Some(Bytes::from_static(b"hello")))
    }

    #[test]
    fn only_bodies_in_memory_are_replayable() {
        assert!(Payload::replayable(&Bytes::from_static(b"x")));
        assert!(ByteStream::from("x").replayable());
        assert!(!ByteStream::from_stream(futures_stream()).replayable());
        let mut request = ::http::Request::new(ByteStream::from_stream(futures_stream()));
        request.extensions_mut().insert(ReadWhole);
        let first = ByteStream::for_attempt(&mut request);
        assert!(first.extensions().get::<ReadWhole>().is_some());
        assert_eq!(first.body().content_length(), None);
        // The stream went to the first attempt; what is left is empty.
        assert_eq!(request.body().content_length(), Some(0));
    }
}
