//! The default credentials chain.

use std::sync::Arc;

use super::{
    Credentials, CredentialsError, EcsProvider, Env, EnvironmentProvider, ImdsProvider,
    ProfileProvider, ProvideCredentials, ProviderConfig, WebIdentityTokenProvider,
};
use crate::http::BoxFuture;

/// The environment, the shared profile files, a web identity token named by the environment
/// (`AWS_WEB_IDENTITY_TOKEN_FILE`), the container endpoint (ECS, EKS Pod Identity), then the
/// EC2 instance metadata service: the first that has credentials wins, in the official SDKs'
/// order.
///
/// A provider that has none ([`super::CredentialsErrorKind::NotLoaded`]) passes on to the next; one
/// that is misconfigured stops the chain. The final error says what each provider answered.
#[derive(Debug, Clone)]
pub struct DefaultCredentialsChain {
    environment: EnvironmentProvider,
    profile: ProfileProvider,
    web_identity: WebIdentityTokenProvider,
    ecs: EcsProvider,
    /// Shared by clones: it remembers the last credentials for IMDS outages.
    imds: Arc<ImdsProvider>,
}

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultCredentialsChain {
    /// The chain over the process environment.
    pub fn new() -> Self {
        Self::with_env(Env::process())
    }

    /// The chain over `env` (for tests, or a configuration read elsewhere).
    pub fn with_env(env: Env) -> Self {
        Self::with_config(ProviderConfig::new().with_env(env))
    }

    /// The chain reading everything through `config` (environment, file system, transport,
    /// clock).
    pub fn with_config(config: ProviderConfig) -> Self {
        Self {
            environment: EnvironmentProvider::with_env(config.env().clone()),
            profile: ProfileProvider::with_config(config.clone()),
            web_identity: WebIdentityTokenProvider::from_env(config.clone()),
            ecs: EcsProvider::new(config.clone()),
            imds: Arc::new(ImdsProvider::new(config)),
        }
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let providers: [(&str, &dyn ProvideCredentials); 5] = [
                ("environment", &self.environment),
                ("profile", &self.profile),
                ("web identity", &self.web_identity),
                ("container", &self.ecs),
                ("IMDS", &self.imds),
            ];
            let mut said = Vec::new();
            for (name, provider) in providers {
                match provider.provide_credentials().await {
                    Ok(credentials) => return Ok(credentials),
                    Err(e) if e.is_not_loaded() => {
                        said.push(format!("{name}: {}", crate::error::DisplayErrorChain(&e)))
                    }
                    Err(e) => {
                        // `e` is the source: the message names the provider, not its error.
                        let mut message =
                            format!("no usable AWS credentials from the {name} provider");
                        if !said.is_empty() {
                            message.push_str(&format!(" (before it: {})", said.join("; ")));
                        }
                        return Err(CredentialsError {
                            kind: e.kind,
                            message,
                            source: Some(Box::new(e)),
                        });
                    }
                }
            }
            // The official SDKs' words for "nobody had any", which callers may look for.
            Err(CredentialsError::not_loaded(format!(
                "no AWS credentials found (the credential provider was not enabled): {}",
                said.join("; ")
            )))
        })
    }
}
