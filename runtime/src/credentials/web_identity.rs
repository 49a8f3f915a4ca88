//! Credentials of a role assumed with an OIDC token from a file (EKS IRSA, GitHub Actions...):
//! STS `AssumeRoleWithWebIdentity`.
//!
//! Two sources, as in the official SDKs: the environment (`AWS_WEB_IDENTITY_TOKEN_FILE`,
//! `AWS_ROLE_ARN`, optionally `AWS_ROLE_SESSION_NAME`), a link of the default chain of its
//! own after the profile; and a profile's `web_identity_token_file` with `role_arn` (and
//! `role_session_name`), which the profile provider builds. The token file is read at every
//! refresh (the platform rotates it), off the executor, at most 1 MiB, surrounding whitespace
//! trimmed.

use super::profile_file;
use super::sts::{self, StsEndpoint};
use super::{Credentials, CredentialsError, ProvideCredentials, ProviderConfig};
use crate::http::BoxFuture;

/// Credentials from `AssumeRoleWithWebIdentity`; see the [module](self) documentation.
#[derive(Debug, Clone)]
pub struct WebIdentityTokenProvider {
    config: ProviderConfig,
    source: Source,
}

#[derive(Debug, Clone)]
enum Source {
    /// Read the three variables at each call.
    Env,
    /// Fixed settings (from a profile).
    Static(Settings),
}

#[derive(Debug, Clone)]
struct Settings {
    token_file: String,
    role_arn: String,
    session_name: Option<String>,
}

impl WebIdentityTokenProvider {
    /// The provider of the environment `config` reads: `NotLoaded` when
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` is unset.
    pub fn from_env(config: ProviderConfig) -> Self {
        Self {
            config,
            source: Source::Env,
        }
    }

    /// A provider for `role_arn` with the token in `token_file`.
    pub fn new(
        config: ProviderConfig,
        token_file: impl Into<String>,
        role_arn: impl Into<String>,
        session_name: Option<String>,
    ) -> Self {
        Self {
            config,
            source: Source::Static(Settings {
                token_file: token_file.into(),
                role_arn: role_arn.into(),
                session_name,
            }),
        }
    }

    fn settings(&self) -> Result<Settings, CredentialsError> {
        match &self.source {
            Source::Static(settings) => Ok(settings.clone()),
            Source::Env => {
                let env = self.config.env();
                let token_file = env.get("AWS_WEB_IDENTITY_TOKEN_FILE").ok_or_else(|| {
                    CredentialsError::not_loaded("AWS_WEB_IDENTITY_TOKEN_FILE is not set")
                })?;
                // A token without its role is a mistake, not an absence.
                let role_arn = env.get("AWS_ROLE_ARN").ok_or_else(|| {
                    CredentialsError::invalid_configuration(
                        "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not",
                    )
                })?;
                Ok(Settings {
                    token_file: token_file.trim().to_owned(),
                    role_arn: role_arn.trim().to_owned(),
                    session_name: env
                        .get("AWS_ROLE_SESSION_NAME")
                        .map(|s| s.trim().to_owned()),
                })
            }
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let settings = self.settings()?;
        let path = profile_file::expand_home(
            &settings.token_file,
            self.config.env(),
            profile_file::Os::current(),
        );
        let bytes = self
            .config
            .fs()
            .read(std::path::Path::new(&path))
            .await
            .map_err(|e| {
                CredentialsError::provider_error(format!(
                    "cannot read the web identity token file {path}"
                ))
                .with_source(e)
            })?;
        let token = std::str::from_utf8(&bytes)
            .map_err(|_| {
                CredentialsError::provider_error(format!(
                    "the web identity token file {path} is not UTF-8"
                ))
            })?
            .trim();
        if token.is_empty() {
            return Err(CredentialsError::provider_error(format!(
                "the web identity token file {path} is empty"
            )));
        }
        let files = profile_file::load(&self.config).await?;
        let endpoint = StsEndpoint::resolve(
            &self.config,
            &files,
            files.profile(&self.config.profile_name()),
        )?;
        let session_name = settings
            .session_name
            .unwrap_or_else(|| sts::session_name("web-identity-token", self.config.now()));
        sts::assume_role_with_web_identity(
            &self.config,
            &endpoint,
            &settings.role_arn,
            &session_name,
            token,
        )
        .await
    }
}

impl ProvideCredentials for WebIdentityTokenProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}
