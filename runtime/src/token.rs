//! Bearer tokens for services that authenticate with `smithy.api#httpBearerAuth`
//! (`Authorization: Bearer <token>`), and where they come from.
//!
//! The default chain ([`default_provider`]) has one member, as in the official SDKs: the SSO
//! token of the active profile ([`crate::credentials::sso_token::SsoTokenProvider`]), read
//! from `~/.aws/sso/cache` and refreshed through SSO OIDC when it nears expiry.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::credentials::provider_config::ProviderConfig;
use crate::credentials::CredentialsError;
use crate::http::BoxFuture;

/// A bearer token and when it expires. `Debug` redacts the token; there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    inner: Arc<(String, Option<SystemTime>)>,
}

impl Token {
    /// A token valid until `expiry` (`None`: no known end).
    pub fn new(token: impl Into<String>, expiry: Option<SystemTime>) -> Self {
        Self {
            inner: Arc::new((token.into(), expiry)),
        }
    }

    /// The token itself: a secret.
    pub fn token(&self) -> &str {
        &self.inner.0
    }

    /// When the token expires.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.inner.1
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("token", &"** redacted **")
            .field("expiry", &self.inner.1)
            .finish()
    }
}

/// Why no token could be provided: the same kinds as for credentials (not loaded, invalid
/// configuration, provider error), so chains treat both alike.
pub type TokenError = CredentialsError;

/// Something that produces bearer tokens.
pub trait ProvideToken: Send + Sync + fmt::Debug + 'static {
    /// Produce a token, or say why not.
    fn provide_token(&self) -> BoxFuture<'_, Result<Token, TokenError>>;
}

/// A token provider shared by a client and its clones.
pub type SharedTokenProvider = Arc<dyn ProvideToken>;

/// A fixed token provides itself.
impl ProvideToken for Token {
    fn provide_token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        let token = self.clone();
        Box::pin(async move { Ok(token) })
    }
}

impl<T: ProvideToken + ?Sized> ProvideToken for Arc<T> {
    fn provide_token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        (**self).provide_token()
    }
}

/// The default token chain over `config`: the SSO token of the active profile. The
/// provider caches the token in memory and refreshes it before it expires.
pub fn default_provider_with(config: ProviderConfig) -> SharedTokenProvider {
    Arc::new(crate::credentials::sso_token::ProfileTokenProvider::new(
        config,
    ))
}

/// [`default_provider_with`] over the real environment, files and network.
pub fn default_provider() -> SharedTokenProvider {
    default_provider_with(ProviderConfig::new())
}

/// The `Authorization` header value for `token`, marked sensitive (hyper and `http` then
/// keep it out of `Debug` output). Fails on a token an HTTP header cannot carry.
pub fn bearer_header(token: &Token) -> Result<::http::HeaderValue, TokenError> {
    let mut value =
        ::http::HeaderValue::from_str(&format!("Bearer {}", token.token())).map_err(|_| {
            CredentialsError::invalid_configuration(
                "the bearer token holds characters an HTTP header cannot carry",
            )
        })?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_and_the_header_is_sensitive() {
        let token = Token::new("s3cr3t", None);
        assert!(!format!("{token:?}").contains("s3cr3t"));
        let header = bearer_header(&token).unwrap();
        assert_eq!(header, "Bearer s3cr3t");
        assert!(header.is_sensitive());
        assert!(!format!("{header:?}").contains("s3cr3t"));
        assert!(bearer_header(&Token::new("a\nb", None)).is_err());
    }
}
