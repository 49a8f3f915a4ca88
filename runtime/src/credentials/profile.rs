//! Credentials from a profile of the shared config and credentials files.

use super::profile_file::{self, Profile};
use super::{Credentials, CredentialsError, Env, ProvideCredentials, ProviderConfig};
use crate::http::BoxFuture;

/// Credentials from a profile of the shared files `~/.aws/credentials` and `~/.aws/config`.
///
/// The profile is `AWS_PROFILE` (else `default`); the files are `AWS_SHARED_CREDENTIALS_FILE`
/// and `AWS_CONFIG_FILE` when set. The credentials file has `[name]` sections, the config
/// file `[profile name]` (and `[default]`); for a key in both, the credentials file wins.
/// The files are read off the executor, at most 1 MiB each.
#[derive(Debug, Clone, Default)]
pub struct ProfileProvider {
    config: ProviderConfig,
}

impl ProfileProvider {
    /// Reads the files and the profile name the process environment points at.
    pub fn new() -> Self {
        Self::with_config(ProviderConfig::new())
    }

    /// Takes `HOME`, `AWS_PROFILE` and the file variables from `env`.
    pub fn with_env(env: Env) -> Self {
        Self::with_config(ProviderConfig::new().with_env(env))
    }

    /// Reads everything through `config` (environment, file system, transport, clock).
    pub fn with_config(config: ProviderConfig) -> Self {
        Self { config }
    }

    /// Uses profile `name` whatever `AWS_PROFILE` says.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.config = self.config.with_profile_name(name);
        self
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let name = self.config.profile_name();
        let set = profile_file::load(&self.config).await?;
        let Some(profile) = set.profile(&name) else {
            return Err(CredentialsError::not_loaded(if set.any_file() {
                format!("profile `{name}` not found ({})", set.describe())
            } else {
                format!("no shared credentials or config file ({})", set.describe())
            }));
        };
        static_keys(profile, &name, &set.describe())
    }
}

/// The static keys of `profile`: `aws_access_key_id`, `aws_secret_access_key` and
/// optionally `aws_session_token`.
fn static_keys(
    profile: &Profile,
    name: &str,
    where_: &str,
) -> Result<Credentials, CredentialsError> {
    match profile.get("aws_access_key_id") {
        Some(access_key_id) if !access_key_id.is_empty() => {
            let secret = profile
                .get("aws_secret_access_key")
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    CredentialsError::invalid_configuration(format!(
                        "profile `{name}` sets aws_access_key_id but not aws_secret_access_key ({where_})"
                    ))
                })?;
            let token = profile
                .get("aws_session_token")
                .or_else(|| profile.get("aws_security_token"))
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            Ok(Credentials::new(
                access_key_id,
                secret,
                token,
                None,
                "profile",
            ))
        }
        _ => {
            const UNSUPPORTED: &[&str] = &[
                "role_arn",
                "sso_session",
                "sso_start_url",
                "credential_process",
                "web_identity_token_file",
            ];
            match UNSUPPORTED.iter().find(|key| profile.contains_key(key)) {
                Some(key) => Err(CredentialsError::not_loaded(format!(
                    "profile `{name}` gets credentials through `{key}`, which this client does \
                     not implement; enable the `aws-config` feature and use SdkCredentials"
                ))),
                None => Err(CredentialsError::not_loaded(format!(
                    "profile `{name}` has no aws_access_key_id ({where_})"
                ))),
            }
        }
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}
