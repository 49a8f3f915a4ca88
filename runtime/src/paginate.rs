//! Paginators as `futures_core::Stream`s: lazy, stopping on a missing or empty token, failing
//! on a repeated one.
//!
//! Both streams also have inherent `next().await`, `collect()` and `try_collect()`, so the
//! common cases need no combinator crate; any `Stream` combinator (futures-util's
//! `StreamExt`, `TryStreamExt`) works on them as well.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::http::BoxFuture;

type Fetch<I, O, E> = Box<dyn FnMut(I) -> BoxFuture<'static, Result<O, E>> + Send>;

/// How a paginator reads and writes the tokens of one operation.
pub struct TokenAccess<I, O, E> {
    /// Puts the next token into the input.
    pub set: fn(&mut I, String),
    /// Reads the next token from an output.
    pub get: fn(&O) -> Option<&str>,
    /// The error for a token the service sent twice in a row.
    pub duplicate: fn(String) -> E,
}

/// A stream of pages. Nothing is requested until it is polled; after an error it ends.
pub struct PageStream<I, O, E> {
    input: I,
    fetch: Fetch<I, O, E>,
    tokens: TokenAccess<I, O, E>,
    in_flight: Option<BoxFuture<'static, Result<O, E>>>,
    last_token: Option<String>,
    stop_on_duplicate_token: bool,
    done: bool,
}

impl<I: Clone + Send + Unpin + 'static, O: Send + 'static, E: Send + 'static> PageStream<I, O, E> {
    /// A stream that sends `input`, then `input` with each next token, through `fetch`.
    pub fn new(
        input: I,
        fetch: impl FnMut(I) -> BoxFuture<'static, Result<O, E>> + Send + 'static,
        tokens: TokenAccess<I, O, E>,
        stop_on_duplicate_token: bool,
    ) -> Self {
        Self {
            input,
            fetch: Box::new(fetch),
            tokens,
            in_flight: None,
            last_token: None,
            stop_on_duplicate_token,
            done: false,
        }
    }

    /// A stream of the items of each page, as `items` takes them out of a page.
    pub fn items<T>(self, items: fn(O) -> Vec<T>) -> ItemStream<I, O, E, T> {
        ItemStream {
            pages: self,
            items,
            buffer: VecDeque::new(),
        }
    }
}

impl<I: Clone + Send + Unpin + 'static, O: Send + 'static, E: Send + 'static> Stream
    for PageStream<I, O, E>
{
    type Item = Result<O, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        if this.in_flight.is_none() {
            let input = this.input.clone();
            this.in_flight = Some((this.fetch)(input));
        }
        let Some(fut) = this.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        let result = match fut.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r,
        };
        this.in_flight = None;
        match result {
            Err(e) => {
                this.done = true;
                Poll::Ready(Some(Err(e)))
            }
            Ok(page) => {
                match (this.tokens.get)(&page).filter(|t| !t.is_empty()) {
                    None => this.done = true,
                    Some(token) => {
                        if this.stop_on_duplicate_token && this.last_token.as_deref() == Some(token)
                        {
                            this.done = true;
                            return Poll::Ready(Some(Err((this.tokens.duplicate)(
                                token.to_owned(),
                            ))));
                        }
                        let token = token.to_owned();
                        (this.tokens.set)(&mut this.input, token.clone());
                        this.last_token = Some(token);
                    }
                }
                Poll::Ready(Some(Ok(page)))
            }
        }
    }
}

/// `next`, `collect` and `try_collect` of one `Result` stream, written once for both streams.
macro_rules! consume {
    ($what:literal, $ok:ty) => {
        #[doc = concat!("The next ", $what, ", `None` once the stream has ended (after the last page or an error).")]
        pub async fn next(&mut self) -> Option<Result<$ok, E>> {
            std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
        }

        #[doc = concat!("Every ", $what, " up to the end, and the error that ended the stream if one did.")]
        pub async fn collect<C: Default + Extend<Result<$ok, E>>>(mut self) -> C {
            let mut out = C::default();
            while let Some(item) = self.next().await {
                out.extend(Some(item));
            }
            out
        }

        #[doc = concat!("Every ", $what, ", or the first error (nothing further is requested after it).")]
        pub async fn try_collect<C: Default + Extend<$ok>>(mut self) -> Result<C, E> {
            let mut out = C::default();
            while let Some(item) = self.next().await {
                out.extend(Some(item?));
            }
            Ok(out)
        }
    };
}

impl<I: Clone + Send + Unpin + 'static, O: Send + 'static, E: Send + 'static> PageStream<I, O, E> {
    consume!("page", O);
}

impl<I, O, E, T> ItemStream<I, O, E, T>
where
    I: Clone + Send + Unpin + 'static,
    O: Send + 'static,
    E: Send + 'static,
    T: Unpin,
{
    consume!("item", T);
}

/// A stream of the items of every page.
pub struct ItemStream<I, O, E, T> {
    pages: PageStream<I, O, E>,
    items: fn(O) -> Vec<T>,
    buffer: VecDeque<T>,
}

impl<I, O, E, T> Stream for ItemStream<I, O, E, T>
where
    I: Clone + Send + Unpin + 'static,
    O: Send + 'static,
    E: Send + 'static,
    T: Unpin,
{
    type Item = Result<T, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => this.buffer.extend((this.items)(page)),
            }
        }
    }
}

impl<I, O, E> std::fmt::Debug for PageStream<I, O, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageStream")
            .field("last_token", &self.last_token.as_ref().map(|_| "<token>"))
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<I, O, E, T> std::fmt::Debug for ItemStream<I, O, E, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}
