//! A minimal hook into every attempt: look at or change the request before it is signed, and
//! look at the response after it arrives.
//!
//! ```
//! use aws_lite_runtime::http::{HttpRequest, HttpResponse};
//! use aws_lite_runtime::interceptor::{AttemptContext, Interceptor};
//!
//! /// Adds a header to every request and prints every status.
//! #[derive(Debug)]
//! struct Trace;
//!
//! impl Interceptor for Trace {
//!     fn modify_before_signing(&self, cx: &AttemptContext<'_>, request: &mut HttpRequest) {
//!         request.headers_mut().insert("x-trace", "demo".parse().unwrap());
//!         let _ = cx.operation;
//!     }
//!     fn read_after_attempt(&self, cx: &AttemptContext<'_>, response: &HttpResponse) {
//!         println!("{} attempt {}: {}", cx.operation, cx.attempt, response.status());
//!     }
//! }
//! let config = aws_lite_runtime::config::ClientConfig::builder().interceptor(Trace).build();
//! # let _ = config;
//! ```

use std::fmt;
use std::sync::Arc;

use crate::http::{HttpRequest, HttpResponse};

/// What an interceptor is told about the attempt it sees.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AttemptContext<'a> {
    /// The operation (`GetChannel`).
    pub operation: &'a str,
    /// The attempt, from 1.
    pub attempt: u32,
}

/// Hooks called on every attempt of every operation of a client (or of one call, through a
/// per-call override). Both do nothing by default.
pub trait Interceptor: Send + Sync + fmt::Debug + 'static {
    /// Called with the request of each attempt (absolute URI, user agent set) before it is
    /// signed: headers added here are signed with the rest.
    fn modify_before_signing(&self, cx: &AttemptContext<'_>, request: &mut HttpRequest) {
        let _ = (cx, request);
    }

    /// Called with each response received (success or error status), before it is read.
    fn read_after_attempt(&self, cx: &AttemptContext<'_>, response: &HttpResponse) {
        let _ = (cx, response);
    }
}

/// Interceptors shared by a configuration and its clones.
pub type SharedInterceptor = Arc<dyn Interceptor>;

/// A shared interceptor is one: keep an `Arc` to read what it recorded.
impl<T: Interceptor + ?Sized> Interceptor for Arc<T> {
    fn modify_before_signing(&self, cx: &AttemptContext<'_>, request: &mut HttpRequest) {
        (**self).modify_before_signing(cx, request);
    }

    fn read_after_attempt(&self, cx: &AttemptContext<'_>, response: &HttpResponse) {
        (**self).read_after_attempt(cx, response);
    }
}
