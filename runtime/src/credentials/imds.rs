//! Credentials of the EC2 instance's IAM role, from the instance metadata service (IMDSv2
//! only, through [`crate::imds::ImdsClient`]).
//!
//! Each call asks IMDS for the role name (`/latest/meta-data/iam/security-credentials/`),
//! then for its credentials. `AWS_EC2_METADATA_DISABLED=true` turns the provider off.
//!
//! Static stability, as in the official SDKs: when IMDS is down or answers credentials that
//! have already expired, the last credentials it gave are used on, with their expiry moved
//! 10 to 15 minutes ahead (jittered), so callers keep working through the outage (AWS
//! accepts recently expired instance credentials for a while) and try IMDS again then.

use std::sync::Mutex;
use std::time::Duration;

use super::json_credentials::{self, JsonCredentials};
use super::provider_config::ProviderConfig;
use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::http::BoxFuture;
use crate::imds::{ImdsClient, ImdsErrorKind};

const ENV_DISABLED: &str = "AWS_EC2_METADATA_DISABLED";
const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/";
/// Stale credentials are extended by this, plus up to 5 minutes of jitter.
const EXTENSION: Duration = Duration::from_secs(10 * 60);
const EXTENSION_JITTER_SECS: u64 = 300;

/// The EC2 instance role's credentials; see the [module](self) documentation.
#[derive(Debug)]
pub struct ImdsProvider {
    client: ImdsClient,
    config: ProviderConfig,
    role: Option<String>,
    last: Mutex<Option<Credentials>>,
}

impl ImdsProvider {
    /// A provider over its own [`ImdsClient`] configured by `config`.
    pub fn new(config: ProviderConfig) -> Self {
        let client = ImdsClient::builder().configure(&config).build();
        Self::with_client(config, client)
    }

    /// A provider over `client` (shared with the region lookup, or configured by hand).
    pub fn with_client(config: ProviderConfig, client: ImdsClient) -> Self {
        Self {
            client,
            config,
            role: None,
            last: Mutex::new(None),
        }
    }

    /// Uses this role (instance profile) name instead of asking IMDS for it.
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    fn disabled(&self) -> bool {
        self.config
            .env()
            .get(ENV_DISABLED)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    async fn retrieve(&self) -> Result<Credentials, CredentialsError> {
        let role = match &self.role {
            Some(role) => role.clone(),
            None => {
                match self.client.get(ROLE_PATH).await {
                    Ok(role) => role.into_inner().trim().to_owned(),
                    Err(e) if e.status() == Some(404) => {
                        tracing::warn!("IMDS answered 404 for the role name: this instance may have no IAM role");
                        return Err(CredentialsError::not_loaded(
                            "the credential provider was not enabled: IMDS answered 404 for the \
                         role name (no IAM role is attached to this instance)",
                        ));
                    }
                    Err(e) if e.kind() == ImdsErrorKind::Unreachable => {
                        return Err(CredentialsError::not_loaded(
                            "the credential provider was not enabled: IMDS is unreachable",
                        )
                        .with_source(e))
                    }
                    Err(e) if e.kind() == ImdsErrorKind::InvalidConfiguration => {
                        return Err(CredentialsError::invalid_configuration(
                            "the IMDS endpoint configuration is invalid",
                        )
                        .with_source(e))
                    }
                    Err(e) => {
                        return Err(CredentialsError::provider_error(
                            "could not load the role name from IMDS",
                        )
                        .with_source(e))
                    }
                }
            }
        };
        if role.is_empty() || role.contains(['/', '?', '#']) {
            return Err(CredentialsError::provider_error(
                "IMDS answered a role name that cannot be part of a path",
            ));
        }
        let body = self
            .client
            .get(&format!("{ROLE_PATH}{role}"))
            .await
            .map_err(|e| {
                CredentialsError::provider_error(format!(
                    "could not load the credentials of role `{role}` from IMDS"
                ))
                .with_source(e)
            })?;
        match json_credentials::parse(body.as_str().as_bytes(), "IMDSv2") {
            Ok(JsonCredentials::Credentials(credentials)) => Ok(credentials),
            Ok(JsonCredentials::Error { code, message })
                if code == "AssumeRoleUnauthorizedAccess" =>
            {
                Err(CredentialsError::invalid_configuration(format!(
                    "incorrect IMDS/IAM configuration: [{code}] {message}. \
                     Hint: does the role have a trust relationship with EC2?"
                )))
            }
            Ok(JsonCredentials::Error { code, message }) => Err(CredentialsError::provider_error(
                format!("error retrieving credentials from IMDS: [{code}] {message}"),
            )),
            Err(e) => Err(CredentialsError::provider_error(format!(
                "IMDS answered unreadable credentials for role `{role}`: {e}"
            ))),
        }
    }

    /// `expiry` if still ahead, else now plus the jittered extension.
    fn extended(&self, credentials: Credentials) -> Credentials {
        let now = self.config.now();
        match credentials.expiry() {
            Some(expiry) if expiry > now => credentials,
            _ => {
                let extra =
                    EXTENSION + Duration::from_secs(fastrand::u64(0..=EXTENSION_JITTER_SECS));
                tracing::warn!(
                    "using expired instance credentials while IMDS cannot refresh them; \
                     trying again in {:.1} minutes",
                    extra.as_secs_f64() / 60.0
                );
                credentials.with_expiry(Some(now + extra))
            }
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        if self.disabled() {
            return Err(CredentialsError::not_loaded(format!(
                "the credential provider was not enabled: IMDS is disabled by {ENV_DISABLED}"
            )));
        }
        match self.retrieve().await {
            Ok(credentials) => {
                let credentials = self.extended(credentials);
                *self.lock() = Some(credentials.clone());
                Ok(credentials)
            }
            Err(error) => {
                let last = self.lock().clone();
                match last {
                    // A failure must not stop the use of credentials IMDS gave before.
                    Some(last) => {
                        tracing::warn!(
                            "IMDS failed ({error}); using the last instance credentials"
                        );
                        let last = self.extended(last);
                        *self.lock() = Some(last.clone());
                        Ok(last)
                    }
                    None => Err(error),
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Credentials>> {
        self.last.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl ProvideCredentials for ImdsProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::provider_config::TimeSource;
    use crate::credentials::Env;
    use crate::http::{Bytes, Replay, ReplayClient};
    use std::sync::Arc;
    use std::time::UNIX_EPOCH;

    const CREDS: &str = r#"{"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIARTEST",
        "SecretAccessKey": "testsecret", "Token": "testtoken",
        "Expiration": "2021-09-21T04:16:53Z"}"#;
    const EXPIRY: u64 = 1632197813;

    fn text(status: u16, body: &str) -> Replay {
        Replay::Response(
            ::http::Response::builder()
                .status(status)
                .body(Bytes::copy_from_slice(body.as_bytes()))
                .unwrap(),
        )
    }

    fn provider(replay: &ReplayClient, now: u64, vars: &[(&str, &str)]) -> ImdsProvider {
        let config = ProviderConfig::empty()
            .with_env(Env::from_vars(vars.iter().copied()))
            .with_http_client(Arc::new(replay.clone()))
            .with_time_source(TimeSource::fixed(UNIX_EPOCH + Duration::from_secs(now)));
        ImdsProvider::new(config)
    }

    #[tokio::test]
    async fn fresh_credentials_are_used_as_they_are() {
        let replay = ReplayClient::new();
        replay.push(text(200, "token"));
        replay.push(text(200, "my-role"));
        replay.push(text(200, CREDS));
        let c = provider(&replay, EXPIRY - 3, &[])
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(c.access_key_id(), "ASIARTEST");
        assert_eq!(c.expiry(), Some(UNIX_EPOCH + Duration::from_secs(EXPIRY)));
        assert_eq!(c.provider_name(), "IMDSv2");
        let uris: Vec<String> = replay
            .requests()
            .iter()
            .map(|r| r.uri().to_string())
            .collect();
        assert_eq!(
            uris,
            [
                "http://169.254.169.254/latest/api/token",
                "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                "http://169.254.169.254/latest/meta-data/iam/security-credentials/my-role",
            ]
        );
    }

    #[tokio::test]
    async fn expired_credentials_are_extended_and_reused_when_imds_fails() {
        let now = EXPIRY + 60;
        let replay = ReplayClient::new();
        replay.push(text(200, "token"));
        replay.push(text(200, "my-role"));
        replay.push(text(200, CREDS));
        let p = provider(&replay, now, &[]);
        let c = p.provide_credentials().await.unwrap();
        let ahead = c
            .expiry()
            .unwrap()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            - now;
        assert!((600..=900).contains(&ahead), "extended by {ahead} s");

        // IMDS now fails (404 on the role): the last credentials are served.
        replay.push(text(404, ""));
        let again = p.provide_credentials().await.unwrap();
        assert_eq!(again.access_key_id(), "ASIARTEST");
        assert!(again.expiry().unwrap() > UNIX_EPOCH + Duration::from_secs(now));
    }

    #[tokio::test]
    async fn disabled_no_role_and_unreachable_are_not_loaded() {
        let replay = ReplayClient::new();
        let err = provider(&replay, 0, &[(ENV_DISABLED, "TRUE")])
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(
            err.is_not_loaded() && err.to_string().contains(ENV_DISABLED),
            "{err}"
        );
        assert!(replay.requests().is_empty());

        replay.push(text(200, "token"));
        replay.push(text(404, "<html>404</html>"));
        let err = provider(&replay, 0, &[])
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(err.is_not_loaded(), "{err}");
        assert!(err
            .to_string()
            .contains("the credential provider was not enabled"));

        // No answer to the token request (the replay transport has none left).
        let err = provider(&replay, 0, &[])
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(err.is_not_loaded(), "{err}");

        replay.push(text(403, ""));
        let err = provider(&replay, 0, &[])
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(!err.is_not_loaded());
        // The IMDS error is the source, said once in the chain.
        let chain = crate::error::DisplayErrorChain(&err).to_string();
        assert!(
            chain.contains("could not load the role name from IMDS: failed to load IMDS session token: request forbidden: IMDS is disabled"),
            "{chain}"
        );
        assert_eq!(chain.matches("request forbidden").count(), 1, "{chain}");
    }

    #[tokio::test]
    async fn error_documents_are_reported_without_secrets() {
        let replay = ReplayClient::new();
        replay.push(text(200, "token"));
        replay.push(text(200, "role"));
        replay.push(text(
            200,
            r#"{"Code": "AssumeRoleUnauthorizedAccess", "Message": "nope"}"#,
        ));
        let err = provider(&replay, 0, &[])
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            super::super::CredentialsErrorKind::InvalidConfiguration
        );
        assert!(err.to_string().contains("trust relationship"), "{err}");

        replay.push(text(200, "token"));
        replay.push(text(200, "role"));
        replay.push(text(
            200,
            r#"{"AccessKeyId": "A", "SecretAccessKey": "VERYSECRET"}"#,
        ));
        let err = provider(&replay, 0, &[])
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(!err.to_string().contains("VERYSECRET"), "{err}");
        assert!(!format!("{err:?}").contains("VERYSECRET"), "{err:?}");
    }
}
