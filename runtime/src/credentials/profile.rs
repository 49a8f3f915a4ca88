//! Credentials from a profile of the shared config and credentials files.

use std::path::Path;

use super::profile_file::{lookup_profile, profile_name, FileKind, Lookup};
use super::{Credentials, CredentialsError, Env, ProvideCredentials};
use crate::http::BoxFuture;

/// Credentials from a profile of the shared files `~/.aws/credentials` and `~/.aws/config`.
///
/// The profile is `AWS_PROFILE` (else `default`); the files are `AWS_SHARED_CREDENTIALS_FILE`
/// and `AWS_CONFIG_FILE` when set. The credentials file has `[name]` sections, the config
/// file `[profile name]` (and `[default]`); for a key in both, the credentials file wins.
/// Static keys only: a profile that uses `role_arn`, SSO or `credential_process` is reported
/// as unsupported (use the `aws-config` feature for those).
#[derive(Debug, Clone, Default)]
pub struct ProfileProvider {
    env: Env,
    profile: Option<String>,
}

impl ProfileProvider {
    /// Reads the files and the profile name the process environment points at.
    pub fn new() -> Self {
        Self::with_env(Env::process())
    }

    /// Takes `HOME`, `AWS_PROFILE` and the file variables from `env`.
    pub fn with_env(env: Env) -> Self {
        Self { env, profile: None }
    }

    /// Uses profile `name` whatever `AWS_PROFILE` says.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let name = self
            .profile
            .clone()
            .unwrap_or_else(|| profile_name(&self.env));
        let credentials_path = self
            .env
            .aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
        let config_path = self.env.aws_file("AWS_CONFIG_FILE", "config");
        let from_credentials =
            lookup_profile(credentials_path.as_deref(), FileKind::Credentials, &name)?;
        let from_config = lookup_profile(config_path.as_deref(), FileKind::Config, &name)?;
        let where_ = describe_paths(credentials_path.as_deref(), config_path.as_deref());

        let profile = match (from_credentials, from_config) {
            (Lookup::FileMissing, Lookup::FileMissing) => {
                return Err(CredentialsError::not_loaded(format!(
                    "no shared credentials or config file ({where_})"
                )))
            }
            (Lookup::Found(creds), Lookup::Found(mut config)) => {
                // The credentials file wins for a key set in both.
                config.extend(creds);
                config
            }
            (Lookup::Found(p), _) | (_, Lookup::Found(p)) => p,
            _ => {
                return Err(CredentialsError::not_loaded(format!(
                    "profile `{name}` not found ({where_})"
                )))
            }
        };

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
                    .cloned();
                Ok(Credentials::new(
                    access_key_id.clone(),
                    secret.clone(),
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
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        // The files are small and read at most once per cached credentials lifetime; blocking
        // for that long is cheaper than a thread hop.
        let result = self.load();
        Box::pin(async move { result })
    }
}

fn describe_paths(credentials: Option<&Path>, config: Option<&Path>) -> String {
    let show = |p: Option<&Path>| match p {
        Some(p) => p.display().to_string(),
        None => "<no home directory>".to_owned(),
    };
    format!("looked in {} and {}", show(credentials), show(config))
}
