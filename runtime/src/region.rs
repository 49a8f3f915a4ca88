//! The AWS region a client talks to when the user does not name one: `AWS_REGION`, then
//! `AWS_DEFAULT_REGION`, then the active profile's `region`, then (async only) the region of
//! the EC2 instance from IMDS ([`default_region`]).

use crate::credentials::{profile_file, Env, ProviderConfig};
use crate::imds::ImdsClient;

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

/// The whole region chain over `config`: [`load_region`], else the region of the EC2
/// instance the code runs on, from IMDS (`/latest/meta-data/placement/region`), unless
/// `AWS_EC2_METADATA_DISABLED=true`. Off EC2 the IMDS lookup gives up after one bounded
/// attempt ([`crate::imds::ATTEMPT_TIMEOUT`]).
pub async fn default_region(config: &ProviderConfig) -> Option<String> {
    match load_region(config).await {
        Some(region) => Some(region),
        None => imds_region(config, &ImdsClient::builder().configure(config).build()).await,
    }
}

/// The instance's region from IMDS through `client`; `None` (the reason logged) when IMDS is
/// disabled, unreachable or answers something that is not a region name.
pub async fn imds_region(config: &ProviderConfig, client: &ImdsClient) -> Option<String> {
    let disabled = config
        .env()
        .get("AWS_EC2_METADATA_DISABLED")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if disabled {
        return None;
    }
    match client.get("/latest/meta-data/placement/region").await {
        Ok(region) => {
            let region = region.as_str().trim();
            let valid = !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if valid {
                Some(region.to_owned())
            } else {
                tracing::warn!("IMDS answered a region that is not a region name");
                None
            }
        }
        Err(e) => {
            tracing::debug!("no region from IMDS: {e}");
            None
        }
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::credentials::Fs;
    use crate::http::{Bytes, Replay, ReplayClient};

    fn text(body: &str) -> Replay {
        Replay::Response(
            ::http::Response::builder()
                .status(200)
                .body(Bytes::copy_from_slice(body.as_bytes()))
                .unwrap(),
        )
    }

    fn config(
        vars: &[(&str, &str)],
        files: &[(&str, &str)],
        replay: &ReplayClient,
    ) -> ProviderConfig {
        ProviderConfig::empty()
            .with_env(Env::from_vars(vars.iter().copied()))
            .with_fs(Fs::from_map(
                files
                    .iter()
                    .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())),
            ))
            .with_http_client(Arc::new(replay.clone()))
    }

    #[tokio::test]
    async fn env_then_profile_then_imds() {
        let replay = ReplayClient::new();
        let c = config(&[("AWS_REGION", "eu-west-1"), ("HOME", "/h")], &[], &replay);
        assert_eq!(default_region(&c).await.as_deref(), Some("eu-west-1"));
        let c = config(
            &[("HOME", "/h")],
            &[("/h/.aws/config", "[default]\nregion = ap-south-1\n")],
            &replay,
        );
        assert_eq!(default_region(&c).await.as_deref(), Some("ap-south-1"));
        assert!(
            replay.requests().is_empty(),
            "IMDS asked although a region was set"
        );

        replay.push(text("token"));
        replay.push(text("us-west-2\n"));
        let c = config(&[("HOME", "/h")], &[], &replay);
        assert_eq!(default_region(&c).await.as_deref(), Some("us-west-2"));
        let sent = replay.requests();
        assert_eq!(sent[0].uri(), "http://169.254.169.254/latest/api/token");
        assert_eq!(
            sent[1].uri(),
            "http://169.254.169.254/latest/meta-data/placement/region"
        );
    }

    #[tokio::test]
    async fn no_region_when_imds_is_disabled_unreachable_or_odd() {
        let replay = ReplayClient::new();
        let c = config(&[("AWS_EC2_METADATA_DISABLED", "true")], &[], &replay);
        assert_eq!(default_region(&c).await, None);
        assert!(replay.requests().is_empty());
        // No answer at all.
        assert_eq!(default_region(&config(&[], &[], &replay)).await, None);
        replay.push(text("token"));
        replay.push(text("evil.example/x"));
        assert_eq!(default_region(&config(&[], &[], &replay)).await, None);
    }
}
