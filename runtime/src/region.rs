//! The AWS region a client talks to when the user does not name one.

use crate::credentials::{profile_file, Env, ProviderConfig};

/// The region from the process environment: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then
/// the `region` of the active profile (`AWS_PROFILE`, else `default`) in the shared files
/// (`AWS_CONFIG_FILE`, else `~/.aws/config`), as the AWS CLI reads it.
///
/// Synchronous: the config file is read on the calling thread (at most 1 MiB). In async code
/// prefer [`load_region`], which reads it off the executor.
pub fn region_from_env() -> Option<String> {
    region_from(&Env::process())
}

/// [`region_from_env`] reading `env` instead of the process environment.
///
/// A config file that cannot be read or parsed gives no region; the reason is logged as a
/// warning, since the caller will report the missing region anyway.
pub fn region_from(env: &Env) -> Option<String> {
    let config = ProviderConfig::new().with_env(env.clone());
    from_env_vars(env).or_else(|| from_profile(&config, profile_file::load_blocking(&config)))
}

/// The region of `config`'s environment and shared files, as [`region_from`] finds it, with
/// the files read off the executor.
pub async fn load_region(config: &ProviderConfig) -> Option<String> {
    match from_env_vars(config.env()) {
        Some(region) => Some(region),
        None => from_profile(config, profile_file::load(config).await),
    }
}

/// What a configuration takes from the environment and the active profile of the shared
/// files besides credentials: the region, and the profile's `endpoint_url` and
/// `ignore_configured_endpoint_urls`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) region: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) ignore_configured_endpoint_urls: Option<bool>,
}

/// [`Settings`] of `config`'s environment and shared files, the files read off the executor.
pub(crate) async fn load_settings(config: &ProviderConfig) -> Settings {
    settings(config, profile_file::load(config).await)
}

/// [`load_settings`], reading the files on the calling thread.
pub(crate) fn settings_blocking(config: &ProviderConfig) -> Settings {
    settings(config, profile_file::load_blocking(config))
}

fn settings(
    config: &ProviderConfig,
    set: Result<profile_file::ProfileSet, crate::credentials::CredentialsError>,
) -> Settings {
    let profile = match &set {
        Ok(set) => set.profile(&config.profile_name()).cloned(),
        Err(_) => None,
    };
    let value = |key: &str| {
        let value = profile.as_ref()?.get(key)?.trim();
        (!value.is_empty()).then(|| value.to_owned())
    };
    let endpoint_url = value("endpoint_url");
    let ignore = value("ignore_configured_endpoint_urls").and_then(|v| {
        match v.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    });
    let region = from_env_vars(config.env()).or_else(|| from_profile(config, set));
    Settings {
        region,
        endpoint_url,
        ignore_configured_endpoint_urls: ignore,
    }
}

fn from_env_vars(env: &Env) -> Option<String> {
    env.get("AWS_REGION")
        .or_else(|| env.get("AWS_DEFAULT_REGION"))
        .map(|region| region.trim().to_owned())
}

fn from_profile(
    config: &ProviderConfig,
    set: Result<profile_file::ProfileSet, crate::credentials::CredentialsError>,
) -> Option<String> {
    match set {
        Ok(set) => set
            .profile(&config.profile_name())?
            .get("region")
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty()),
        Err(e) => {
            tracing::warn!("no region from the AWS config file: {e}");
            None
        }
    }
}
