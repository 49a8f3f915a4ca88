//! A cache in front of a credentials provider, refreshing before expiry.

use std::fmt;
use std::time::{Duration, SystemTime};

use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::http::BoxFuture;

/// Caches the credentials of another provider until they come close to expiring.
///
/// Credentials are refreshed once fewer than `buffer` (5 minutes unless set) remain before
/// their expiry; credentials without an expiry are kept for good. One refresh runs at a
/// time: concurrent callers wait for it and share its result. When a refresh fails while
/// the cached credentials have not yet expired, those are still returned.
pub struct CachedProvider<P> {
    inner: P,
    buffer: Duration,
    cached: tokio::sync::Mutex<Option<Credentials>>,
}

impl<P: ProvideCredentials> CachedProvider<P> {
    /// The default refresh margin before expiry.
    pub const DEFAULT_BUFFER: Duration = Duration::from_secs(5 * 60);

    /// Caches `inner` with the default 5-minute refresh margin.
    pub fn new(inner: P) -> Self {
        Self {
            inner,
            buffer: Self::DEFAULT_BUFFER,
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// Refreshes once less than `buffer` remains before expiry.
    pub fn with_buffer(mut self, buffer: Duration) -> Self {
        self.buffer = buffer;
        self
    }
}

impl<P: fmt::Debug> fmt::Debug for CachedProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("CachedProvider");
        d.field("inner", &self.inner).field("buffer", &self.buffer);
        // `Credentials`' own Debug redacts the secrets.
        match self.cached.try_lock() {
            Ok(cached) => d.field("cached", &*cached),
            Err(_) => d.field("cached", &"<refreshing>"),
        };
        d.finish()
    }
}

impl<P: ProvideCredentials> ProvideCredentials for CachedProvider<P> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            // Held across the refresh, so there is only ever one in flight.
            let mut cached = self.cached.lock().await;
            let now = SystemTime::now();
            if let Some(credentials) = cached.as_ref() {
                let fresh = match credentials.expiry() {
                    None => true,
                    Some(expiry) => now.checked_add(self.buffer).is_some_and(|t| t < expiry),
                };
                if fresh {
                    return Ok(credentials.clone());
                }
            }
            match self.inner.provide_credentials().await {
                Ok(credentials) => {
                    *cached = Some(credentials.clone());
                    Ok(credentials)
                }
                Err(error) => match cached.as_ref() {
                    Some(old) if old.expiry().is_some_and(|expiry| now < expiry) => {
                        tracing::warn!(
                            "refreshing AWS credentials failed ({}); using the cached ones until they expire",
                            crate::error::DisplayErrorChain(&error)
                        );
                        Ok(old.clone())
                    }
                    _ => Err(error),
                },
            }
        })
    }
}
