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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A page: its items and the next token.
    #[derive(Debug, Clone, PartialEq)]
    struct Page {
        items: Vec<u32>,
        next: Option<String>,
    }

    /// The input: the token to send.
    #[derive(Debug, Clone, Default, PartialEq)]
    struct Input {
        token: Option<String>,
    }

    const TOKENS: TokenAccess<Input, Page, String> = TokenAccess {
        set: |input, token| input.token = Some(token),
        get: |page| page.next.as_deref(),
        duplicate: |token| format!("duplicate {token}"),
    };

    /// The inputs a stream sent, in order.
    type Sent = Arc<Mutex<Vec<Input>>>;

    /// A stream answering `answers` in order and recording every input it was sent.
    fn stream(
        answers: Vec<Result<Page, String>>,
        stop_on_duplicate_token: bool,
    ) -> (PageStream<Input, Page, String>, Sent) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&sent);
        let mut answers = answers.into_iter();
        let fetch = move |input: Input| -> BoxFuture<'static, Result<Page, String>> {
            seen.lock().unwrap().push(input);
            let answer = answers.next().expect("no request past the last answer");
            Box::pin(async move { answer })
        };
        (
            PageStream::new(Input::default(), fetch, TOKENS, stop_on_duplicate_token),
            sent,
        )
    }

    fn page(items: &[u32], next: Option<&str>) -> Result<Page, String> {
        Ok(Page {
            items: items.to_vec(),
            next: next.map(str::to_owned),
        })
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn tokens(sent: &Mutex<Vec<Input>>) -> Vec<Option<String>> {
        sent.lock()
            .unwrap()
            .iter()
            .map(|i| i.token.clone())
            .collect()
    }

    #[test]
    fn follows_tokens_until_a_page_has_none_and_sends_nothing_before_polling() {
        let (pages, sent) = stream(
            vec![
                page(&[1, 2], Some("a")),
                page(&[3], Some("b")),
                page(&[], None),
            ],
            true,
        );
        assert!(sent.lock().unwrap().is_empty(), "lazy");
        let all: Vec<Page> = block_on(pages.try_collect()).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(
            tokens(&sent),
            [None, Some("a".to_owned()), Some("b".to_owned())]
        );
    }

    #[test]
    fn an_empty_token_ends_the_stream() {
        let (pages, sent) = stream(vec![page(&[1], Some(""))], true);
        let all: Vec<Page> = block_on(pages.try_collect()).unwrap();
        assert_eq!(all, [page(&[1], Some("")).unwrap()]);
        assert_eq!(sent.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_repeated_token_is_an_error_and_ends_the_stream_unless_allowed() {
        let answers = || {
            vec![
                page(&[1], Some("t")),
                page(&[2], Some("t")),
                page(&[3], None),
            ]
        };
        let (pages, sent) = stream(answers(), true);
        let all: Vec<Result<Page, String>> = block_on(pages.collect());
        assert_eq!(all.len(), 2);
        assert_eq!(all[1], Err("duplicate t".to_owned()));
        assert_eq!(sent.lock().unwrap().len(), 2);
        // A different token after a repeat is not the rule: only the same token twice in a
        // row; with the check off the stream goes on.
        let (pages, sent) = stream(answers(), false);
        let all: Vec<Page> = block_on(pages.try_collect()).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(sent.lock().unwrap().len(), 3);
        let (pages, _) = stream(
            vec![
                page(&[1], Some("t")),
                page(&[2], Some("u")),
                page(&[3], Some("t")),
                page(&[], None),
            ],
            true,
        );
        let all: Vec<Page> = block_on(pages.try_collect()).unwrap();
        assert_eq!(all.len(), 4);
    }

    #[test]
    fn an_error_ends_the_stream_and_nothing_more_is_requested() {
        let (mut pages, sent) = stream(
            vec![
                page(&[1], Some("a")),
                Err("boom".to_owned()),
                page(&[2], None),
            ],
            true,
        );
        block_on(async {
            assert!(pages.next().await.unwrap().is_ok());
            assert_eq!(pages.next().await, Some(Err("boom".to_owned())));
            assert_eq!(pages.next().await, None);
            assert_eq!(pages.next().await, None);
        });
        assert_eq!(sent.lock().unwrap().len(), 2);
        let (pages, sent) = stream(vec![Err("first".to_owned()), page(&[], None)], true);
        let r: Result<Vec<Page>, String> = block_on(pages.try_collect());
        assert_eq!(r, Err("first".to_owned()));
        assert_eq!(sent.lock().unwrap().len(), 1);
    }

    #[test]
    fn items_flatten_pages_in_order_skipping_empty_ones() {
        let (pages, _) = stream(
            vec![
                page(&[1, 2], Some("a")),
                page(&[], Some("b")),
                page(&[3, 4, 5], None),
            ],
            true,
        );
        let items: Vec<u32> = block_on(pages.items(|p| p.items).try_collect()).unwrap();
        assert_eq!(items, [1, 2, 3, 4, 5]);
        let (pages, _) = stream(vec![page(&[1], Some("a")), Err("boom".to_owned())], true);
        let items: Vec<Result<u32, String>> = block_on(pages.items(|p| p.items).collect());
        assert_eq!(items, [Ok(1), Err("boom".to_owned())]);
    }

    #[test]
    fn pending_fetches_are_polled_again_not_resent() {
        // A fetch that is pending once before it answers: the stream must keep the same
        // future, not call `fetch` again.
        let calls = Arc::new(Mutex::new(0));
        let count = Arc::clone(&calls);
        let fetch = move |_: Input| -> BoxFuture<'static, Result<Page, String>> {
            *count.lock().unwrap() += 1;
            Box::pin(async {
                tokio::task::yield_now().await;
                page(&[1], None)
            })
        };
        let pages = PageStream::new(Input::default(), fetch, TOKENS, true);
        let all: Vec<Page> = block_on(pages.try_collect()).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(*calls.lock().unwrap(), 1);
    }

    #[test]
    fn debug_never_shows_the_token() {
        let (mut pages, _) = stream(
            vec![page(&[1], Some("secret-token")), page(&[], None)],
            true,
        );
        block_on(pages.next()).unwrap().unwrap();
        let pages_text = format!("{pages:?}");
        assert!(pages_text.starts_with("PageStream"), "{pages_text}");
        assert!(pages_text.contains("<token>") && !pages_text.contains("secret-token"));
        let items_text = format!("{:?}", pages.items(|p| p.items));
        assert!(items_text.starts_with("ItemStream"), "{items_text}");
        assert!(items_text.contains("<token>") && !items_text.contains("secret-token"));
    }
}
