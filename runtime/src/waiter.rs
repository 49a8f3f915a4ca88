//! Waiters (`smithy.waiters#waitable`): poll an operation until its acceptors say the resource
//! reached a state, with the Smithy specification's jittered exponential backoff.
//!
//! Generated code decides, for each poll, what the acceptors say ([`Acceptor`]); this module
//! does the timing: attempt 1 at once, then delays between `min_delay` and `max_delay`, and
//! never past `max_wait`.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// What an acceptor that matched a poll says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceptor {
    /// The waiter succeeds with this poll's result.
    Success,
    /// The waiter fails: the resource will not reach the wanted state.
    Failure,
    /// Poll again.
    Retry,
}

/// Delays and the time limit of a waiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaiterConfig {
    /// The shortest delay between polls (the model's `minDelay`, 2 s by default).
    pub min_delay: Duration,
    /// The longest delay between polls (the model's `maxDelay`, 120 s by default).
    pub max_delay: Duration,
    /// How long to wait in all before giving up.
    pub max_wait: Duration,
}

/// Why a waiter ended without success. `E` is the operation's error type.
#[derive(Debug)]
pub enum WaiterError<E> {
    /// A failure acceptor matched this poll's result (an output, or the operation's error).
    FailureState(Result<(), E>),
    /// No acceptor matched an error of the operation: it is returned as it is.
    Operation(E),
    /// `max_wait` elapsed before an acceptor said success or failure.
    Timeout {
        /// Polls made.
        attempts: u32,
        /// The limit.
        max_wait: Duration,
    },
    /// The configuration cannot work (`min_delay` over `max_delay`, or a zero `max_wait`).
    Config(String),
}

impl<E: fmt::Display> fmt::Display for WaiterError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FailureState(Ok(())) => {
                f.write_str("the waiter reached a failure state: the resource will not reach the state waited for")
            }
            Self::FailureState(Err(e)) => write!(
                f,
                "the waiter reached a failure state on an error of the operation: {e}"
            ),
            Self::Operation(e) => write!(f, "the operation failed while waiting: {e}"),
            Self::Timeout { attempts, max_wait } => write!(
                f,
                "the waiter gave up after {attempts} attempts: the maximum wait of {max_wait:?} elapsed"
            ),
            Self::Config(m) => write!(f, "invalid waiter configuration: {m}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for WaiterError<E> {}

/// The delay before attempt `attempt` (2 for the first retry) per the Smithy specification:
/// `min_delay * 2^(attempt - 2)`, capped at `max_delay` (from the attempt ceiling on), then a
/// uniformly random value between `min_delay` and that; `unit` is in `[0, 1)`.
pub fn delay(config: &WaiterConfig, attempt: u32, unit: f64) -> Duration {
    let min = config.min_delay.as_secs_f64();
    let max = config.max_delay.as_secs_f64();
    let ceiling = if min > 0.0 {
        ((max / min).ln() / std::f64::consts::LN_2) + 1.0
    } else {
        0.0
    };
    let n = f64::from(attempt.saturating_sub(1));
    let upper = if min <= 0.0 || n > ceiling {
        max
    } else {
        (min * 2f64.powf(n - 1.0)).min(max)
    };
    Duration::from_secs_f64(min + (upper - min).max(0.0) * unit)
}

/// Polls `poll` until `classify` says success or failure, or `config.max_wait` runs out.
/// `classify` returns the state of the first acceptor matching the result, or `None`. On
/// success, the last poll's result: an output, or the error a success acceptor matched
/// (`errorType`: the resource is gone, as waited for).
pub async fn wait<T, E, P, F, C>(
    config: WaiterConfig,
    mut poll: P,
    classify: C,
) -> Result<Result<T, E>, WaiterError<E>>
where
    P: FnMut() -> F,
    F: Future<Output = Result<T, E>>,
    C: Fn(&Result<T, E>) -> Option<Acceptor>,
{
    if config.min_delay > config.max_delay {
        return Err(WaiterError::Config(format!(
            "min_delay {:?} is over max_delay {:?}",
            config.min_delay, config.max_delay
        )));
    }
    if config.max_wait.is_zero() {
        return Err(WaiterError::Config("max_wait is zero".to_owned()));
    }
    let start = Instant::now();
    let mut attempt: u32 = 1;
    loop {
        let result = poll().await;
        match (classify(&result), result) {
            (Some(Acceptor::Success), result) => return Ok(result),
            (Some(Acceptor::Failure), Ok(_)) => return Err(WaiterError::FailureState(Ok(()))),
            (Some(Acceptor::Failure), Err(e)) => return Err(WaiterError::FailureState(Err(e))),
            (None, Err(e)) => return Err(WaiterError::Operation(e)),
            (Some(Acceptor::Retry), _) | (None, Ok(_)) => {}
        }
        attempt += 1;
        let remaining = config.max_wait.saturating_sub(start.elapsed());
        // The specification's rule: stop when no more than min_delay is left, and keep
        // min_delay of the wait for the last poll.
        if remaining <= config.min_delay {
            return Err(WaiterError::Timeout {
                attempts: attempt - 1,
                max_wait: config.max_wait,
            });
        }
        let next = delay(&config, attempt, fastrand::f64()).min(remaining - config.min_delay);
        tokio::time::sleep(next).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn config(min: u64, max: u64, wait: u64) -> WaiterConfig {
        WaiterConfig {
            min_delay: Duration::from_secs(min),
            max_delay: Duration::from_secs(max),
            max_wait: Duration::from_secs(wait),
        }
    }

    #[test]
    fn delays_double_from_min_up_to_max_with_jitter() {
        let c = config(2, 120, 3600);
        // With the top of the jitter range: 2, 4, 8, ..., 64, then capped at 120.
        let top: Vec<u64> = (2..=10)
            .map(|a| delay(&c, a, 0.999_999).as_secs_f64().round() as u64)
            .collect();
        assert_eq!(top, [2, 4, 8, 16, 32, 64, 120, 120, 120]);
        // The bottom of the range is always min_delay.
        for a in 2..20 {
            assert_eq!(delay(&c, a, 0.0), Duration::from_secs(2));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn polls_until_success_and_stops_at_failure() {
        let calls = AtomicU32::new(0);
        let out = wait(
            config(2, 10, 600),
            || {
                let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                async move { Ok::<u32, String>(n) }
            },
            |r| match r {
                Ok(3) => Some(Acceptor::Success),
                Ok(_) => Some(Acceptor::Retry),
                Err(_) => None,
            },
        )
        .await
        .unwrap();
        assert_eq!(out, Ok(3));
        let err = wait(
            config(2, 10, 600),
            || async { Ok::<u32, String>(0) },
            |_| Some(Acceptor::Failure),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, WaiterError::FailureState(Ok(()))), "{err}");
        let err = wait(
            config(2, 10, 600),
            || async { Err::<u32, String>("boom".into()) },
            |_| None,
        )
        .await
        .unwrap_err();
        assert_eq!(err.to_string(), "the operation failed while waiting: boom");
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_when_max_wait_elapses() {
        let start = Instant::now();
        let err = wait(
            config(2, 120, 60),
            || async { Ok::<u32, String>(0) },
            |_| Some(Acceptor::Retry),
        )
        .await
        .unwrap_err();
        let WaiterError::Timeout { attempts, .. } = err else {
            panic!("{err}");
        };
        assert!(attempts >= 2, "{attempts}");
        assert!(
            start.elapsed() <= Duration::from_secs(60),
            "{:?}",
            start.elapsed()
        );
    }
}
