//! Credentials from a profile of the shared config and credentials files: static keys, roles
//! assumed through STS (`role_arn` with `source_profile` or `credential_source`), web identity
//! tokens, `credential_process` and SSO, chained as the official SDKs chain them.

use std::sync::Arc;

use super::credential_process::CredentialProcessProvider;
use super::profile_chain::{resolve_chain, BaseProvider};
use super::profile_file;
use super::sts::{self, StsEndpoint};
use super::web_identity::WebIdentityTokenProvider;
use super::{
    Credentials, CredentialsError, EcsProvider, Env, EnvironmentProvider, ImdsProvider,
    ProvideCredentials, ProviderConfig, SharedCredentialsProvider, SsoCredentialsProvider,
};
use crate::http::BoxFuture;

/// Credentials from a profile of the shared files `~/.aws/credentials` and `~/.aws/config`.
///
/// The profile is `AWS_PROFILE` (else `default`); the files are `AWS_SHARED_CREDENTIALS_FILE`
/// and `AWS_CONFIG_FILE` when set. The credentials file has `[name]` sections, the config
/// file `[profile name]` (and `[default]`); for a key in both, the credentials file wins.
/// The files are read off the executor, at most 1 MiB each.
///
/// The profile's credentials come from, in the official SDKs' order of precedence:
/// - `role_arn` with `source_profile` (another profile, followed until one has static keys
///   or another base; loops are refused) or `credential_source` (`Environment`,
///   `Ec2InstanceMetadata`, `EcsContainer`): the base credentials, then STS `AssumeRole` for
///   each role of the chain;
/// - `role_arn` with `web_identity_token_file`: STS `AssumeRoleWithWebIdentity`;
/// - `sso_session` or the legacy `sso_start_url` keys: IAM Identity Center;
/// - `credential_process`: an external program ([`CredentialProcessProvider`]);
/// - `aws_access_key_id` and `aws_secret_access_key` (and `aws_session_token`,
///   `aws_account_id`).
///
/// STS calls go to the region of the [`ProviderConfig`], else `AWS_REGION`, else the
/// profile's `region`, else us-east-1, with the profile's and the environment's endpoint
/// overrides (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, `[services]`, `endpoint_url`) and
/// `use_fips_endpoint` / `use_dualstack_endpoint`.
///
/// A profile that is absent (or no files at all) is `NotLoaded`, so a chain goes on; once a
/// profile is found, any failure stops the chain rather than silently using another identity.
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
        let files = profile_file::load(&self.config).await?;
        if !files.any_file() {
            return Err(CredentialsError::not_loaded(format!(
                "no shared credentials or config file ({})",
                files.describe()
            )));
        }
        let chain = resolve_chain(&files, &name)?;
        // From here on the profile is configured: a failure is not an absence.
        let stop = |e: CredentialsError| {
            if e.is_not_loaded() {
                CredentialsError::provider_error(format!(
                    "profile `{name}` is configured but its credentials could not be loaded"
                ))
                .with_source(e)
            } else {
                e
            }
        };
        let base = base_provider(&self.config, &files, &chain.base, &chain.base_profile)?;
        let mut credentials = base.provide_credentials().await.map_err(stop)?;
        if chain.roles.is_empty() {
            return Ok(credentials);
        }
        let endpoint = StsEndpoint::resolve(&self.config, &files, files.profile(&name))?;
        for role in &chain.roles {
            let session_name = role.session_name.clone().unwrap_or_else(|| {
                sts::session_name("assume-role-from-profile", self.config.now())
            });
            credentials = sts::assume_role(
                &self.config,
                &endpoint,
                &credentials,
                &role.role_arn,
                &session_name,
                role.external_id.as_deref(),
            )
            .await
            .map_err(stop)?;
        }
        Ok(credentials)
    }
}

/// The provider of the chain's base. `credential_source` names one of the default chain's
/// own providers, built over the same [`ProviderConfig`].
fn base_provider(
    config: &ProviderConfig,
    files: &profile_file::ProfileSet,
    base: &BaseProvider,
    profile: &str,
) -> Result<SharedCredentialsProvider, CredentialsError> {
    Ok(match base {
        BaseProvider::AccessKey(keys) => {
            let mut credentials = Credentials::new(
                keys.access_key_id.clone(),
                keys.secret_access_key.clone(),
                keys.session_token.clone(),
                None,
                "profile",
            );
            if let Some(account) = &keys.account_id {
                credentials = credentials.with_account_id(account.clone());
            }
            Arc::new(credentials)
        }
        BaseProvider::NamedSource(source) => match source.as_str() {
            "Environment" => Arc::new(EnvironmentProvider::with_env(config.env().clone())),
            "Ec2InstanceMetadata" => Arc::new(ImdsProvider::new(config.clone())),
            "EcsContainer" => Arc::new(EcsProvider::new(config.clone())),
            other => {
                return Err(CredentialsError::invalid_configuration(format!(
                    "profile `{profile}`: credential_source `{other}` is not one of \
                     Environment, Ec2InstanceMetadata and EcsContainer"
                )))
            }
        },
        BaseProvider::WebIdentityToken {
            role_arn,
            token_file,
            session_name,
        } => Arc::new(WebIdentityTokenProvider::new(
            config.clone(),
            token_file.clone(),
            role_arn.clone(),
            session_name.clone(),
        )),
        BaseProvider::Sso(_) => {
            match SsoCredentialsProvider::from_profile(config, files, profile)? {
                Some(provider) => Arc::new(provider),
                None => {
                    return Err(CredentialsError::invalid_configuration(format!(
                        "profile `{profile}` has SSO settings the SSO provider cannot use"
                    )))
                }
            }
        }
        BaseProvider::CredentialProcess {
            command,
            account_id,
        } => Arc::new(CredentialProcessProvider::new(
            command.clone(),
            account_id.clone(),
        )),
    })
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}
