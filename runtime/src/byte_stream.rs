//! [`ByteStream`]: the body of a `@streaming` blob payload, sent or received chunk by chunk.
//!
//! Operations whose input or output has a `@streaming` blob payload take or return a
//! `ByteStream` instead of a buffered [`Blob`](crate::Blob): an upload can come from a stream
//! of unknown length, and a download yields its chunks as they arrive, however long it is (an
//! endless media stream included).

use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type BoxStream = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// A body of bytes: either in memory, or a stream of chunks read once.
///
/// It is a [`futures_core::Stream`] of `Bytes` chunks; [`ByteStream::next`] reads the next
/// chunk without any stream extension trait, and [`ByteStream::collect`] reads the rest into
/// one buffer.
///
/// A body in memory can be sent again when a request is retried; a stream made with
/// [`ByteStream::from_stream`] is read once, so a request carrying it is never retried.
///
/// ```
/// # async fn demo() -> Result<(), aws_lite_runtime::byte_stream::ByteStreamError> {
/// use aws_lite_runtime::byte_stream::ByteStream;
/// let body = ByteStream::from("hello");
/// assert_eq!(body.content_length(), Some(5));
/// assert_eq!(body.collect().await?.as_ref(), b"hello");
/// # Ok(()) }
/// ```
pub struct ByteStream {
    inner: Inner,
}

enum Inner {
    /// In memory; `None` once yielded.
    Bytes(Option<Bytes>),
    /// Chunks from elsewhere, with the total length when the producer knows it.
    Stream {
        stream: BoxStream,
        length: Option<u64>,
    },
}

impl ByteStream {
    /// An empty body.
    pub fn new() -> Self {
        Self::from(Bytes::new())
    }

    /// A body read from `stream`, whose total length is unknown (an upload is then sent with
    /// chunked transfer encoding).
    pub fn from_stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<BoxError>,
    {
        Self::stream_of(stream, None)
    }

    /// A body read from `stream` of exactly `length` bytes (sent with that
    /// `Content-Length`; a stream that ends early or runs over fails the request).
    pub fn from_stream_with_length<S, B, E>(stream: S, length: u64) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<BoxError>,
    {
        Self::stream_of(stream, Some(length))
    }

    fn stream_of<S, B, E>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<BoxError>,
    {
        Self {
            inner: Inner::Stream {
                stream: Box::pin(MapChunks(Box::pin(stream))),
                length,
            },
        }
    }

    /// The total length in bytes, when known (a body in memory, or a stream made with
    /// [`ByteStream::from_stream_with_length`]).
    pub fn content_length(&self) -> Option<u64> {
        match &self.inner {
            Inner::Bytes(b) => Some(b.as_ref().map_or(0, |b| b.len() as u64)),
            Inner::Stream { length, .. } => *length,
        }
    }

    /// The bytes, when the body is in memory and not yet read.
    pub fn bytes(&self) -> Option<&Bytes> {
        match &self.inner {
            Inner::Bytes(Some(b)) => Some(b),
            _ => None,
        }
    }

    /// A copy that can be sent again, when the body is in memory (a cheap reference-counted
    /// copy); `None` for a stream, which can be read only once.
    pub fn try_clone(&self) -> Option<ByteStream> {
        match &self.inner {
            Inner::Bytes(b) => Some(Self {
                inner: Inner::Bytes(b.clone()),
            }),
            Inner::Stream { .. } => None,
        }
    }

    /// The next chunk, `None` at the end (the inherent twin of `StreamExt::next`).
    pub async fn next(&mut self) -> Option<Result<Bytes, ByteStreamError>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Reads the rest of the body into one buffer. A body in memory is returned without a copy.
    pub async fn collect(mut self) -> Result<Bytes, ByteStreamError> {
        if let Inner::Bytes(b) = &mut self.inner {
            return Ok(b.take().unwrap_or_default());
        }
        let mut first: Option<Bytes> = None;
        let mut buffer = BytesMut::new();
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            match first.take() {
                // One chunk needs no copy; a second one starts the buffer.
                None if buffer.is_empty() => first = Some(chunk),
                previous => {
                    if let Some(previous) = previous {
                        buffer.extend_from_slice(&previous);
                    }
                    buffer.extend_from_slice(&chunk);
                }
            }
        }
        Ok(first.unwrap_or_else(|| buffer.freeze()))
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        Self::new()
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, ByteStreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.get_mut().inner {
            // An empty body yields no chunk at all.
            Inner::Bytes(b) => Poll::Ready(b.take().filter(|b| !b.is_empty()).map(Ok)),
            Inner::Stream { stream, .. } => loop {
                match stream.as_mut().poll_next(cx) {
                    // Empty chunks say nothing; skip them so readers never see one.
                    Poll::Ready(Some(Ok(chunk))) if chunk.is_empty() => continue,
                    Poll::Ready(Some(Ok(chunk))) => return Poll::Ready(Some(Ok(chunk))),
                    Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(ByteStreamError(e)))),
                    Poll::Ready(None) => return Poll::Ready(None),
                    Poll::Pending => return Poll::Pending,
                }
            },
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.inner {
            Inner::Bytes(b) => {
                let n = usize::from(b.as_ref().is_some_and(|b| !b.is_empty()));
                (n, Some(n))
            }
            Inner::Stream { stream, .. } => (0, stream.size_hint().1),
        }
    }
}

impl fmt::Debug for ByteStream {
    // Never the content: a body may hold anything, secrets included.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Bytes(b) => f
                .debug_struct("ByteStream")
                .field("in_memory", &true)
                .field("len", &b.as_ref().map_or(0, Bytes::len))
                .finish(),
            Inner::Stream { length, .. } => f
                .debug_struct("ByteStream")
                .field("in_memory", &false)
                .field("length", length)
                .finish(),
        }
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        Self {
            inner: Inner::Bytes(Some(bytes)),
        }
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from(Bytes::from(bytes))
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        Self::from(Bytes::from_static(bytes))
    }
}

impl From<&'static str> for ByteStream {
    fn from(text: &'static str) -> Self {
        Self::from(Bytes::from_static(text.as_bytes()))
    }
}

impl From<String> for ByteStream {
    fn from(text: String) -> Self {
        Self::from(Bytes::from(text))
    }
}

impl From<crate::Blob> for ByteStream {
    fn from(blob: crate::Blob) -> Self {
        Self::from(blob.into_inner())
    }
}

/// Checks the payload `body` of a `@requiresLength` member: the service needs its
/// `Content-Length`, so a stream of unknown length is refused before anything is sent, with
/// an error naming `member` of `operation` and how to give the length.
pub fn require_length(
    body: &ByteStream,
    member: &'static str,
    operation: &str,
) -> Result<(), crate::error::BuildError> {
    match body.content_length() {
        Some(_) => Ok(()),
        None => Err(crate::error::BuildError::invalid(
            member,
            format!(
                "`{member}` of {operation} must have a known length (`@requiresLength`): \
                 make it from bytes or with ByteStream::from_stream_with_length"
            ),
        )),
    }
}

/// Reading a [`ByteStream`] failed: the connection broke, a time limit passed, or the stream
/// it was made from failed. The cause is the [`source`](std::error::Error::source).
#[derive(Debug)]
pub struct ByteStreamError(BoxError);

impl ByteStreamError {
    /// An error caused by `source`.
    pub fn new(source: impl Into<BoxError>) -> Self {
        Self(source.into())
    }
}

impl fmt::Display for ByteStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The cause is `source()`'s to print (see `error::DisplayErrorChain`).
        f.write_str("reading the streamed body failed")
    }
}

impl std::error::Error for ByteStreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// Turns a stream of `Result<B, E>` into the boxed stream a [`ByteStream`] holds (boxed
/// itself, so that any stream, `Unpin` or not, is polled without `unsafe` projection).
struct MapChunks<S>(Pin<Box<S>>);

impl<S, B, E> Stream for MapChunks<S>
where
    S: Stream<Item = Result<B, E>>,
    B: Into<Bytes>,
    E: Into<BoxError>,
{
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut()
            .0
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(|r| r.map(Into::into).map_err(Into::into)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream of the given chunks, then optionally an error.
    struct Chunks(std::collections::VecDeque<Result<Bytes, std::io::Error>>);

    impl Stream for Chunks {
        type Item = Result<Bytes, std::io::Error>;
        fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(self.0.pop_front())
        }

        fn size_hint(&self) -> (usize, Option<usize>) {
            (self.0.len(), Some(self.0.len()))
        }
    }

    fn chunks(parts: &[&'static str]) -> Chunks {
        Chunks(
            parts
                .iter()
                .map(|p| Ok(Bytes::from_static(p.as_bytes())))
                .collect(),
        )
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn bytes_bodies_are_replayable_and_yield_one_chunk() {
        let body = ByteStream::from(vec![1u8, 2, 3]);
        assert_eq!(body.content_length(), Some(3));
        let copy = body.try_clone().expect("in memory");
        assert_eq!(copy.bytes().map(|b| b.len()), Some(3));
        block_on(async {
            let mut body = body;
            assert_eq!(body.next().await.unwrap().unwrap().as_ref(), &[1, 2, 3]);
            assert!(body.next().await.is_none());
            assert!(ByteStream::new().next().await.is_none());
            assert_eq!(
                ByteStream::from(String::from("ab"))
                    .collect()
                    .await
                    .unwrap(),
                "ab"
            );
            assert_eq!(ByteStream::from(&b"cd"[..]).collect().await.unwrap(), "cd");
        });
    }

    #[test]
    fn streams_are_read_once_in_order() {
        let body = ByteStream::from_stream(chunks(&["ab", "", "cd", "e"]));
        assert_eq!(body.content_length(), None);
        assert!(body.try_clone().is_none());
        assert!(body.bytes().is_none());
        assert_eq!(block_on(body.collect()).unwrap(), "abcde");
        let sized = ByteStream::from_stream_with_length(chunks(&["xy"]), 2);
        assert_eq!(sized.content_length(), Some(2));
        let mut sized = sized;
        block_on(async {
            assert_eq!(sized.next().await.unwrap().unwrap(), "xy");
            assert!(sized.next().await.is_none());
        });
    }

    #[test]
    fn a_failing_stream_fails_the_read_with_its_cause() {
        let mut parts = chunks(&["ab"]);
        parts
            .0
            .push_back(Err(std::io::Error::other("disk went away")));
        let err = block_on(ByteStream::from_stream(parts).collect()).unwrap_err();
        assert_eq!(err.to_string(), "reading the streamed body failed");
        let source = std::error::Error::source(&err).unwrap().to_string();
        assert_eq!(source, "disk went away");
    }

    #[test]
    fn a_length_is_required_only_where_unknown() {
        assert!(require_length(&ByteStream::from("abc"), "body", "Put").is_ok());
        let sized = ByteStream::from_stream_with_length(chunks(&["ab"]), 2);
        assert!(require_length(&sized, "body", "Put").is_ok());
        let err =
            require_length(&ByteStream::from_stream(chunks(&["ab"])), "body", "Put").unwrap_err();
        assert_eq!(err.member(), "body");
        assert!(
            err.to_string()
                .starts_with("`body` of Put must have a known length (`@requiresLength`)"),
            "{err}"
        );
    }

    #[test]
    fn one_chunk_is_collected_without_a_copy() {
        let chunk = Bytes::from(vec![7u8; 64]);
        let at = chunk.as_ptr();
        let body = ByteStream::from_stream(Chunks([Ok(chunk)].into()));
        assert_eq!(block_on(body.collect()).unwrap().as_ptr(), at);
    }

    #[test]
    fn size_hints_count_chunks() {
        // Bytes in memory are one chunk, none when empty; a stream may yield empty chunks
        // that are skipped, so only its upper bound carries over.
        assert_eq!(ByteStream::from("ab").size_hint(), (1, Some(1)));
        assert_eq!(ByteStream::new().size_hint(), (0, Some(0)));
        let stream = ByteStream::from_stream(chunks(&["a", "", "b"]));
        assert_eq!(stream.size_hint(), (0, Some(3)));
    }

    #[test]
    fn a_blob_becomes_its_bytes() {
        let body = ByteStream::from(crate::Blob::new(b"blob".to_vec()));
        assert_eq!(block_on(body.collect()).unwrap(), "blob");
    }

    #[test]
    fn debug_never_shows_the_content() {
        let body = ByteStream::from("secret-token");
        let shown = format!("{body:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("len: 12"), "{shown}");
        let shown = format!("{:?}", ByteStream::from_stream(chunks(&["secret"])));
        assert!(!shown.contains("secret"), "{shown}");
    }
}
