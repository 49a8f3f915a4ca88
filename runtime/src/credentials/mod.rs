//! AWS credentials and where they come from: static keys, the environment, the shared
//! `~/.aws/credentials` and `~/.aws/config` files, a chain of those, and a cache.
//!
//! One provider per file, as in the official `aws-config` crate: [`environment`],
//! [`profile`] (over `profile_file`, the shared files' parser), the [`chain`] of them and
//! the [`cache`] in front of it. Every provider reads the world through a
//! [`ProviderConfig`] ([`provider_config`]): the environment, the file system (real, or a map
//! of paths in tests), the HTTP transport and the clock. Credentials of the official SDK's own
//! providers come in through the optional `aws-config` feature (`SdkCredentials`).
//! Secrets never reach `Debug` output or error messages: parse errors name the file and the
//! line, not its text.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::error::BoxError;
use crate::http::BoxFuture;

pub mod cache;
pub mod chain;
pub mod credential_process;
pub mod ecs;
pub mod env;
pub mod environment;
pub mod imds;
pub(crate) mod json_credentials;
pub mod profile;
pub(crate) mod profile_chain;
pub(crate) mod profile_file;
pub mod provider_config;
#[cfg(feature = "aws-config")]
mod sdk;
pub mod sso;
pub mod sso_token;
pub(crate) mod sts;
pub mod web_identity;

pub use cache::CachedProvider;
pub use chain::DefaultCredentialsChain;
pub use credential_process::CredentialProcessProvider;
pub use ecs::EcsProvider;
pub use env::Env;
pub use environment::EnvironmentProvider;
pub use imds::ImdsProvider;
pub use profile::ProfileProvider;
pub use provider_config::{Fs, ProviderConfig, TimeSource};
#[cfg(feature = "aws-config")]
pub use sdk::SdkCredentials;
pub use sso::SsoCredentialsProvider;
pub use sso_token::{ProfileTokenProvider, SsoTokenProvider};
pub use web_identity::WebIdentityTokenProvider;

/// An access key, its secret, and a session token for temporary credentials.
///
/// `Debug` shows the access key id and the provider; the secret and the token are redacted.
/// There is deliberately no `Display`.
#[derive(Clone)]
pub struct Credentials {
    inner: Arc<CredentialsInner>,
}

#[derive(Clone)]
struct CredentialsInner {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
    provider_name: &'static str,
    account_id: Option<String>,
}

impl Credentials {
    /// Credentials from their parts. `expiry` is when temporary credentials stop working;
    /// `provider_name` says where they came from, for messages.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiry: Option<SystemTime>,
        provider_name: &'static str,
    ) -> Self {
        Self {
            inner: Arc::new(CredentialsInner {
                access_key_id: access_key_id.into(),
                secret_access_key: secret_access_key.into(),
                session_token,
                expiry,
                provider_name,
                account_id: None,
            }),
        }
    }

    /// The same credentials with the AWS account id they belong to.
    pub fn with_account_id(self, account_id: impl Into<String>) -> Self {
        let inner = Arc::unwrap_or_clone(self.inner);
        Self {
            inner: Arc::new(CredentialsInner {
                account_id: Some(account_id.into()),
                ..inner
            }),
        }
    }

    /// The AWS account id the credentials belong to, when the provider said.
    pub fn account_id(&self) -> Option<&str> {
        self.inner.account_id.as_deref()
    }

    /// The same credentials expiring at `expiry` instead.
    pub fn with_expiry(self, expiry: Option<SystemTime>) -> Self {
        let inner = Arc::unwrap_or_clone(self.inner);
        Self {
            inner: Arc::new(CredentialsInner { expiry, ..inner }),
        }
    }

    /// The access key id (`AKIA...` or `ASIA...`); not a secret.
    pub fn access_key_id(&self) -> &str {
        &self.inner.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.inner.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.inner.session_token.as_deref()
    }

    /// When the credentials expire; `None` for long-term keys.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.inner.expiry
    }

    /// Which provider produced the credentials.
    pub fn provider_name(&self) -> &'static str {
        self.inner.provider_name
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Credentials");
        d.field("provider_name", &self.inner.provider_name)
            .field("access_key_id", &self.inner.access_key_id)
            .field("secret_access_key", &"** redacted **");
        if self.inner.session_token.is_some() {
            d.field("session_token", &"** redacted **");
        }
        d.field("expiry", &self.inner.expiry).finish()
    }
}

/// What kind of failure a [`CredentialsError`] is; decides whether a chain tries the next
/// provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// This provider has nothing to offer (no variables set, no such profile): a chain goes
    /// on to the next provider.
    NotLoaded,
    /// The provider is configured but broken (a key without its secret, a malformed file): a
    /// chain stops, because going on would silently pick another identity.
    InvalidConfiguration,
    /// The provider failed for another reason (a file could not be read, a service failed).
    ProviderError,
}

/// Why no credentials could be provided. Messages never contain a secret.
#[derive(Debug)]
pub struct CredentialsError {
    kind: CredentialsErrorKind,
    message: String,
    source: Option<BoxError>,
}

impl CredentialsError {
    /// The provider has no credentials to offer; a chain tries the next one.
    pub fn not_loaded(message: impl Into<String>) -> Self {
        Self::new(CredentialsErrorKind::NotLoaded, message)
    }

    /// The provider's configuration is broken.
    pub fn invalid_configuration(message: impl Into<String>) -> Self {
        Self::new(CredentialsErrorKind::InvalidConfiguration, message)
    }

    /// The provider failed.
    pub fn provider_error(message: impl Into<String>) -> Self {
        Self::new(CredentialsErrorKind::ProviderError, message)
    }

    fn new(kind: CredentialsErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the underlying error.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// Whether the provider simply had nothing to offer.
    pub fn is_not_loaded(&self) -> bool {
        self.kind == CredentialsErrorKind::NotLoaded
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

/// Something that produces credentials, possibly asynchronously (from a file, a service).
pub trait ProvideCredentials: Send + Sync + fmt::Debug + 'static {
    /// Produce credentials, or say why not.
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

/// A credentials provider shared by a client and its clones.
pub type SharedCredentialsProvider = Arc<dyn ProvideCredentials>;

/// Static credentials provide themselves.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        (**self).provide_credentials()
    }
}

/// The credentials provider a client uses when given none: [`DefaultCredentialsChain`]
/// behind a [`CachedProvider`], so files are read once per credentials lifetime.
pub fn default_provider() -> SharedCredentialsProvider {
    Arc::new(CachedProvider::new(DefaultCredentialsChain::new()))
}
