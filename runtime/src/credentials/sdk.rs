//! Credentials from a provider of the official AWS SDK (feature `aws-config`).

use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};
use aws_credential_types::provider::error::CredentialsError as SdkError;
use aws_credential_types::provider::{
    ProvideCredentials as SdkProvideCredentials, SharedCredentialsProvider,
};

/// Adapts a credentials provider of the official AWS SDK (`aws-config`'s default chain,
/// SSO, IMDS, web identity...) to this crate's [`ProvideCredentials`].
///
/// ```text
/// let sdk_config = aws_config::load_from_env().await;
/// let provider = SdkCredentials::new(sdk_config.credentials_provider().unwrap());
/// ```
#[derive(Debug, Clone)]
pub struct SdkCredentials(pub SharedCredentialsProvider);

impl SdkCredentials {
    /// Wraps any SDK provider.
    pub fn new(provider: impl SdkProvideCredentials + 'static) -> Self {
        Self(SharedCredentialsProvider::new(provider))
    }
}

impl ProvideCredentials for SdkCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            match self.0.provide_credentials().await {
                Ok(c) => Ok(Credentials::new(
                    c.access_key_id(),
                    c.secret_access_key(),
                    c.session_token().map(str::to_owned),
                    c.expiry(),
                    "aws-config",
                )),
                Err(e) => {
                    let mapped = match &e {
                        SdkError::CredentialsNotLoaded(_) => CredentialsError::not_loaded,
                        SdkError::InvalidConfiguration(_) => {
                            CredentialsError::invalid_configuration
                        }
                        _ => CredentialsError::provider_error,
                    };
                    Err(mapped("the AWS SDK provider failed").with_source(e))
                }
            }
        })
    }
}
