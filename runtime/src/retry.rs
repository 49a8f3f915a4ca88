//! The "standard" retry mode of the AWS SDKs: which failures are worth another attempt, how
//! long to wait before it, and the token bucket that stops a client from retrying into an
//! outage.
//!
//! As described in the AWS SDKs and Tools reference ("Retry behavior", standard mode):
//! - delay before retry `i` (0-based) = `min(b * initial_backoff * 2^i, max_backoff)` with `b`
//!   uniformly random in `[0, 1)` ("full jitter"); by default `initial_backoff` is 1 s and
//!   `max_backoff` 20 s;
//! - a client-wide bucket of 500 tokens; a retry takes 5 (10 after a timeout), a successful
//!   retry gives its tokens back, a success at the first attempt adds 1; with too few tokens
//!   left, the failure is returned instead of retried.
//!
//! The configuration lives in [`crate::config::RetryConfig`].

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::config::RetryConfig;
use crate::http::ConnectorErrorKind;

/// Error codes that mean "slow down", whatever the HTTP status (from the AWS SDKs).
pub const THROTTLING_ERROR_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes of transient service-side failures, retried whatever the HTTP status.
pub const TRANSIENT_ERROR_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
];

/// Why a failed attempt may be retried. Decides the token cost of the retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryReason {
    /// The service asked to slow down (HTTP 429 or a throttling error code).
    Throttling,
    /// A server-side or connection failure that may not happen again (5xx, I/O error,
    /// transient or modeled `@retryable` error code).
    Transient,
    /// An attempt timed out (the transport's or the attempt timeout).
    Timeout,
}

/// Whether an error response is worth retrying, and why.
///
/// `code` is the sanitized error code (see [`crate::error::parse_error_metadata`]);
/// `modeled_retryable` lists the codes of the operation's errors marked `@retryable` in the
/// model. Other 4xx answers are never retried: the same request would fail the same way.
pub fn classify_response(
    status: u16,
    code: Option<&str>,
    modeled_retryable: &[&str],
) -> Option<RetryReason> {
    let code_in = |list: &[&str]| code.is_some_and(|c| list.contains(&c));
    if status == 429 || code_in(THROTTLING_ERROR_CODES) {
        Some(RetryReason::Throttling)
    } else if (500..600).contains(&status)
        || code_in(TRANSIENT_ERROR_CODES)
        || code_in(modeled_retryable)
    {
        Some(RetryReason::Transient)
    } else {
        None
    }
}

/// Whether a transport failure is worth retrying: connection errors and timeouts are; a
/// malformed or oversized response and a request the transport refused are not.
pub fn classify_connector_error(kind: ConnectorErrorKind) -> Option<RetryReason> {
    match kind {
        ConnectorErrorKind::Io => Some(RetryReason::Transient),
        ConnectorErrorKind::Timeout => Some(RetryReason::Timeout),
        _ => None,
    }
}

/// The delay before retry number `retry` (0 for the first retry), given a jitter factor in
/// `[0, 1)` (values outside are clamped): `min(jitter * initial_backoff * 2^retry,
/// max_backoff)`.
pub fn backoff(config: &RetryConfig, retry: u32, jitter: f64) -> Duration {
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    // The exponent is capped: 2^62 seconds already exceeds any sensible max_backoff.
    let exp = 2f64.powi(retry.min(62) as i32);
    let max = config.max_backoff();
    let secs = jitter * config.initial_backoff().as_secs_f64() * exp;
    Duration::try_from_secs_f64(secs).map_or(max, |d| d.min(max))
}

/// Tokens in a new [`TokenBucket`].
pub const DEFAULT_RETRY_CAPACITY: u32 = 500;
/// Tokens a retry costs.
pub const RETRY_COST: u32 = 5;
/// Tokens a retry after a timeout costs: timeouts often mean an overloaded peer.
pub const TIMEOUT_RETRY_COST: u32 = 10;
/// Tokens a success at the first attempt adds back.
pub const NO_RETRY_INCREMENT: u32 = 1;

/// The retry quota of one client: retries spend tokens, successes earn them back. When a
/// service is down, the bucket runs dry and calls fail fast instead of multiplying the load.
#[derive(Debug)]
pub struct TokenBucket {
    tokens: AtomicU32,
    capacity: u32,
}

impl Default for TokenBucket {
    fn default() -> Self {
        Self::new(DEFAULT_RETRY_CAPACITY)
    }
}

impl TokenBucket {
    /// A full bucket of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        Self {
            tokens: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }

    /// Takes the cost of a retry for `reason`; `None` (and nothing taken) when too few tokens
    /// are left. The returned amount goes back with [`TokenBucket::release`] if the retry
    /// succeeds.
    pub fn try_acquire(&self, reason: RetryReason) -> Option<u32> {
        let cost = match reason {
            RetryReason::Timeout => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        };
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .ok()
            .map(|_| cost)
    }

    /// Gives `amount` tokens back, never above capacity.
    pub fn release(&self, amount: u32) {
        let capacity = self.capacity;
        // The closure always returns Some, so this cannot fail.
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                Some(t.saturating_add(amount).min(capacity))
            });
    }

    /// Records a successful attempt: a retry's cost (`retry_cost`) comes back; a first-attempt
    /// success (`None`) adds [`NO_RETRY_INCREMENT`].
    pub fn on_success(&self, retry_cost: Option<u32>) {
        self.release(retry_cost.unwrap_or(NO_RETRY_INCREMENT));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        let none: &[&str] = &[];
        assert_eq!(
            classify_response(500, None, none),
            Some(RetryReason::Transient)
        );
        assert_eq!(
            classify_response(503, None, none),
            Some(RetryReason::Transient)
        );
        assert_eq!(
            classify_response(501, None, none),
            Some(RetryReason::Transient)
        );
        assert_eq!(
            classify_response(429, None, none),
            Some(RetryReason::Throttling)
        );
        assert_eq!(
            classify_response(400, Some("ThrottlingException"), none),
            Some(RetryReason::Throttling)
        );
        assert_eq!(
            classify_response(400, Some("RequestTimeout"), none),
            Some(RetryReason::Transient)
        );
        assert_eq!(
            classify_response(400, Some("ValidationException"), none),
            None
        );
        assert_eq!(classify_response(404, None, none), None);
        assert_eq!(
            classify_response(409, Some("PendingVerification"), &["PendingVerification"]),
            Some(RetryReason::Transient)
        );
        assert_eq!(classify_response(200, None, none), None);
        assert_eq!(
            classify_connector_error(ConnectorErrorKind::Io),
            Some(RetryReason::Transient)
        );
        assert_eq!(
            classify_connector_error(ConnectorErrorKind::Timeout),
            Some(RetryReason::Timeout)
        );
        assert_eq!(classify_connector_error(ConnectorErrorKind::Protocol), None);
        assert_eq!(classify_connector_error(ConnectorErrorKind::Other), None);
    }

    #[test]
    fn backoff_is_exponential_jittered_and_capped() {
        let c = RetryConfig::standard();
        assert_eq!(backoff(&c, 0, 0.0), Duration::ZERO);
        assert_eq!(backoff(&c, 0, 0.5), Duration::from_millis(500));
        assert_eq!(backoff(&c, 1, 0.5), Duration::from_secs(1));
        assert_eq!(backoff(&c, 3, 0.5), Duration::from_secs(4));
        assert_eq!(backoff(&c, 10, 0.5), Duration::from_secs(20));
        assert_eq!(backoff(&c, u32::MAX, 0.99), Duration::from_secs(20));
        assert_eq!(backoff(&c, 1, f64::NAN), Duration::ZERO);
        assert_eq!(backoff(&c, 1, 7.0), Duration::from_secs(2));
    }

    #[test]
    fn token_bucket_spends_and_refills() {
        let b = TokenBucket::new(12);
        assert_eq!(b.try_acquire(RetryReason::Timeout), Some(10));
        assert_eq!(b.try_acquire(RetryReason::Transient), None);
        assert_eq!(b.available(), 2);
        b.on_success(Some(10));
        assert_eq!(b.available(), 12);
        b.on_success(None);
        assert_eq!(b.available(), 12, "never above capacity");
        assert_eq!(b.try_acquire(RetryReason::Throttling), Some(5));
        b.on_success(None);
        assert_eq!(b.available(), 8);
    }
}
