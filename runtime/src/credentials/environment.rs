//! Credentials from `AWS_ACCESS_KEY_ID` and its siblings.

use super::{Credentials, CredentialsError, Env, ProvideCredentials};
use crate::http::BoxFuture;

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, with
/// the account id of `AWS_ACCOUNT_ID`.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::with_env(Env::process())
    }

    /// Reads `env` instead of the process environment.
    pub fn with_env(env: Env) -> Self {
        Self { env }
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let access_key_id = self
            .env
            .get("AWS_ACCESS_KEY_ID")
            .ok_or_else(|| CredentialsError::not_loaded("AWS_ACCESS_KEY_ID is not set"))?;
        // A key without its secret is a mistake, not an absence: falling through to a
        // profile would silently sign as someone else.
        let secret = self.env.get("AWS_SECRET_ACCESS_KEY").ok_or_else(|| {
            CredentialsError::invalid_configuration(
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            )
        })?;
        let credentials = Credentials::new(
            access_key_id.trim(),
            secret.trim(),
            self.env
                .get("AWS_SESSION_TOKEN")
                .map(|t| t.trim().to_owned()),
            None,
            "environment",
        );
        Ok(match self.env.get("AWS_ACCOUNT_ID") {
            Some(account) => credentials.with_account_id(account.trim()),
            None => credentials,
        })
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let result = self.load();
        Box::pin(async move { result })
    }
}
