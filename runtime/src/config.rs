//! Client configuration: region, credentials, endpoint, retries, timeouts and transport.
//!
//! ```no_run
//! # async fn demo() {
//! use std::time::Duration;
//! use aws_lite_runtime::config::{ClientConfig, RetryConfig, TimeoutConfig};
//! // From the environment (AWS_REGION, AWS_ACCESS_KEY_ID, ~/.aws/credentials, ...):
//! let config = ClientConfig::from_env().await;
//! // Or spelled out, starting from that:
//! let config = config
//!     .to_builder()
//!     .region("us-west-2")
//!     .retry(RetryConfig::standard().with_max_attempts(5))
//!     .timeouts(TimeoutConfig::default().with_attempt(Some(Duration::from_secs(10))))
//!     .build();
//! # let _ = config;
//! # }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{Credentials, ProvideCredentials, SharedCredentialsProvider};
use crate::http::HttpClient;
use crate::interceptor::{Interceptor, SharedInterceptor};
use crate::mock::Mocks;
use crate::transport::{HyperClient, DEFAULT_CONNECT_TIMEOUT};

mod check;

pub(crate) use check::check_endpoint_url;
pub use check::{check_region, ConfigError, MAX_REGION_LEN};

/// A transport shared between clients and clones of a configuration.
pub type SharedHttpClient = Arc<dyn HttpClient>;

/// Makes the value of an `@idempotencyToken` member the caller left unset.
pub type IdempotencyTokenProvider = Arc<dyn Fn() -> String + Send + Sync>;

/// Everything a client needs besides the service description. Cheap to clone (the transport
/// and the credentials provider are shared).
///
/// Its `Debug` output never shows credentials, and leaves out the transport (a test transport
/// may hold signed requests).
#[derive(Clone)]
pub struct ClientConfig {
    region: Option<String>,
    credentials: Option<SharedCredentialsProvider>,
    bearer_token: Option<BearerToken>,
    endpoint_url: Option<String>,
    env_endpoints: EnvEndpoints,
    /// `AWS_BEARER_TOKEN_<SERVICE>` variables, read by `from_env` (the service is known only
    /// when a client is made).
    env_bearer_tokens: Vec<(String, BearerToken)>,
    use_fips: bool,
    use_dual_stack: bool,
    retry: RetryConfig,
    timeouts: TimeoutConfig,
    http_client: SharedHttpClient,
    custom_http_client: bool,
    app_name: Option<String>,
    idempotency_token_provider: Option<IdempotencyTokenProvider>,
    interceptors: Vec<SharedInterceptor>,
    mocks: Option<Mocks>,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("region", &self.region)
            .field(
                "credentials_provider",
                &self.credentials.as_ref().map(|_| "<set>"),
            )
            .field("bearer_token", &self.bearer_token.as_ref().map(|_| "<set>"))
            .field(
                "endpoint_url",
                &self.endpoint_url.as_deref().map(redact_userinfo),
            )
            .field("env_endpoints", &self.env_endpoints)
            .field("env_bearer_tokens", &bearer_names(&self.env_bearer_tokens))
            .field("use_fips", &self.use_fips)
            .field("use_dual_stack", &self.use_dual_stack)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field(
                "http_client",
                &if self.custom_http_client {
                    "<custom>"
                } else {
                    "HyperClient"
                },
            )
            .field("app_name", &self.app_name)
            .field(
                "idempotency_token_provider",
                &self.idempotency_token_provider.as_ref().map(|_| "<custom>"),
            )
            .field("interceptors", &self.interceptors)
            .field("mocks", &self.mocks)
            .finish()
    }
}

/// `scheme://user:password@host/...` -> `scheme://***@host/...`: an endpoint URL is not meant
/// to carry credentials, but if one does, Debug must not show them.
pub(crate) fn redact_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

impl ClientConfig {
    /// A builder with nothing set: no region, no credentials, default retries and timeouts.
    pub fn builder() -> ClientConfigBuilder {
        ClientConfigBuilder::default()
    }

    /// A builder holding this configuration, to change parts of it.
    pub fn to_builder(&self) -> ClientConfigBuilder {
        ClientConfigBuilder {
            region: self.region.clone(),
            credentials: self.credentials.clone(),
            bearer_token: self.bearer_token.clone(),
            endpoint_url: self.endpoint_url.clone(),
            env_endpoints: self.env_endpoints.clone(),
            env_bearer_tokens: self.env_bearer_tokens.clone(),
            use_fips: self.use_fips,
            use_dual_stack: self.use_dual_stack,
            retry: self.retry.clone(),
            timeouts: self.timeouts.clone(),
            // A default transport is rebuilt so a changed connect timeout takes effect.
            http_client: self.custom_http_client.then(|| self.http_client.clone()),
            app_name: self.app_name.clone(),
            idempotency_token_provider: self.idempotency_token_provider.clone(),
            interceptors: self.interceptors.clone(),
            mocks: self.mocks.clone(),
        }
    }

    /// This configuration with the settings of `over` in place of its own: a per-call
    /// override. The transport is kept unless `over` sets one (so a changed connect timeout
    /// does not apply to the default transport's pool); interceptors are added to this
    /// configuration's.
    pub fn with_override(&self, over: &ConfigOverride) -> ClientConfig {
        let mut config = self.clone();
        let o = over.clone();
        if let Some(region) = o.region {
            config.region = Some(region);
        }
        if let Some(credentials) = o.credentials {
            config.credentials = Some(credentials);
        }
        if let Some(url) = o.endpoint_url {
            config.endpoint_url = Some(url);
        }
        if let Some(retry) = o.retry {
            config.retry = retry;
        }
        if let Some(timeouts) = o.timeouts {
            config.timeouts = timeouts;
        }
        if let Some(client) = o.http_client {
            config.http_client = client;
            config.custom_http_client = true;
        }
        config.interceptors.extend(o.interceptors);
        config
    }

    /// The interceptors, in the order they were added.
    pub fn interceptors(&self) -> &[SharedInterceptor] {
        &self.interceptors
    }

    /// The typed mocks that answer every operation instead of the service, if set.
    pub fn mocks(&self) -> Option<&Mocks> {
        self.mocks.as_ref()
    }

    /// The configuration the environment describes:
    /// - region from `AWS_REGION` / `AWS_DEFAULT_REGION` / the profile
    ///   ([`crate::region::region_from_env`]);
    /// - credentials from the default chain (environment, then profile), cached;
    /// - endpoint URLs, as the AWS SDKs' "service-specific endpoints" rules say:
    ///   `AWS_ENDPOINT_URL_<SERVICE>` (the service id upper-cased, spaces as `_`:
    ///   `AWS_ENDPOINT_URL_IVS`) for one service, else `AWS_ENDPOINT_URL` for every service; an
    ///   endpoint URL set in code wins over both, the profile's `endpoint_url` comes after
    ///   both, and `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (or the profile's
    ///   `ignore_configured_endpoint_urls = true`) ignores all three (see
    ///   [`ClientConfig::endpoint_url_for`]); the profile's `services` sections are not read;
    /// - `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT` (`true`/`false`) and
    ///   `AWS_MAX_ATTEMPTS`; a value that does not parse is ignored.
    ///
    /// Never fails: a missing region or missing credentials surface when a request is sent.
    pub async fn from_env() -> ClientConfig {
        let mut builder = ClientConfigBuilder::from_env_vars();
        // The config file is read off the executor here (the builder's from_env blocks).
        let provider_config = crate::credentials::ProviderConfig::new();
        let settings = crate::region::load_settings(&provider_config).await;
        builder.region = match settings.region.clone() {
            Some(region) => Some(region),
            // Last link of the region chain: the EC2 instance's region.
            None => {
                let imds = crate::imds::ImdsClient::builder()
                    .configure(&provider_config)
                    .build();
                crate::region::imds_region(&provider_config, &imds).await
            }
        };
        builder.env_endpoints = builder.env_endpoints.with_profile(&settings);
        builder.build()
    }

    /// A value for an `@idempotencyToken` member the caller left unset: from the configured
    /// provider, else a random UUID v4.
    pub fn idempotency_token(&self) -> String {
        match &self.idempotency_token_provider {
            Some(provider) => provider(),
            None => crate::encoding::idempotency_token(),
        }
    }

    /// Checks the values that may come from outside the program: the region must be a host
    /// label ([`check_region`]); the endpoint URL (set in code, or `AWS_ENDPOINT_URL`) must be
    /// an `http` or `https` URL without user information and with a port in range. A client
    /// checks the URL it uses, `AWS_ENDPOINT_URL_<SERVICE>` included. A client runs this once when it is made and
    /// fails every call with a construction error, before signing or sending anything, when it
    /// does not pass; [`ClientConfigBuilder::try_build`] runs it when the configuration is built.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(region) = &self.region {
            check_region(region)?;
        }
        if let Some(url) = &self.endpoint_url {
            check_endpoint_url(url, &EndpointSource::Config.to_string())?;
        }
        if let Some(url) = &self.env_endpoints.global {
            check_endpoint_url(url, &EndpointSource::GlobalEnv.to_string())?;
        }
        if let Some(url) = &self.env_endpoints.profile {
            check_endpoint_url(url, &EndpointSource::Profile.to_string())?;
        }
        Ok(())
    }

    /// The region requests go to and are signed for.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The credentials provider, if one is set.
    pub fn credentials_provider(&self) -> Option<&SharedCredentialsProvider> {
        self.credentials.as_ref()
    }

    /// The bearer token for services that authenticate with `smithy.api#httpBearerAuth`.
    pub fn bearer_token(&self) -> Option<&BearerToken> {
        self.bearer_token.as_ref()
    }

    /// The bearer token for the service whose signing name is `signing_name`: the one set in
    /// code, else `AWS_BEARER_TOKEN_<NAME>` ([`bearer_token_env_var`], the convention of the
    /// AWS SDKs' service API keys, `AWS_BEARER_TOKEN_BEDROCK`) as read by `from_env`.
    pub fn bearer_token_for(&self, signing_name: &str) -> Option<&BearerToken> {
        if let Some(token) = &self.bearer_token {
            return Some(token);
        }
        let name = bearer_token_env_var(signing_name);
        self.env_bearer_tokens
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, token)| token)
    }

    /// The endpoint URL set in code ([`ClientConfigBuilder::endpoint_url`]), if any; the
    /// environment's are in [`ClientConfig::endpoint_url_for`].
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// The endpoint URL that replaces the resolved one for the service whose id (the model's
    /// `sdkId`) is `service_id`, and where it comes from: the one set in code, else
    /// `AWS_ENDPOINT_URL_<SERVICE>` ([`endpoint_env_var`]), else `AWS_ENDPOINT_URL`, else the
    /// active profile's `endpoint_url`, as read by [`ClientConfig::from_env`]. With
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (or, without the variable, the profile's
    /// `ignore_configured_endpoint_urls = true`) only the one set in code counts.
    pub fn endpoint_url_for(&self, service_id: &str) -> Option<(&str, EndpointSource)> {
        if let Some(url) = &self.endpoint_url {
            return Some((url, EndpointSource::Config));
        }
        let env = &self.env_endpoints;
        if env.ignored() {
            return None;
        }
        let name = endpoint_env_var(service_id);
        if let Some((_, url)) = env.per_service.iter().find(|(n, _)| *n == name) {
            return Some((url, EndpointSource::ServiceEnv));
        }
        if let Some(url) = &env.global {
            return Some((url, EndpointSource::GlobalEnv));
        }
        env.profile
            .as_deref()
            .map(|url| (url, EndpointSource::Profile))
    }

    /// Whether FIPS endpoints are used.
    pub fn use_fips(&self) -> bool {
        self.use_fips
    }

    /// Whether dual-stack (IPv4 and IPv6) endpoints are used.
    pub fn use_dual_stack(&self) -> bool {
        self.use_dual_stack
    }

    /// The retry settings.
    pub fn retry(&self) -> &RetryConfig {
        &self.retry
    }

    /// The timeouts.
    pub fn timeouts(&self) -> &TimeoutConfig {
        &self.timeouts
    }

    /// The transport.
    pub fn http_client(&self) -> &SharedHttpClient {
        &self.http_client
    }

    /// The application name sent in the user agent, if set.
    pub fn app_name(&self) -> Option<&str> {
        self.app_name.as_deref()
    }
}

/// Builds a [`ClientConfig`]. Every setting is optional.
#[derive(Clone, Default)]
pub struct ClientConfigBuilder {
    region: Option<String>,
    credentials: Option<SharedCredentialsProvider>,
    bearer_token: Option<BearerToken>,
    endpoint_url: Option<String>,
    env_endpoints: EnvEndpoints,
    /// `AWS_BEARER_TOKEN_<SERVICE>` variables, read by `from_env` (the service is known only
    /// when a client is made).
    env_bearer_tokens: Vec<(String, BearerToken)>,
    use_fips: bool,
    use_dual_stack: bool,
    retry: RetryConfig,
    timeouts: TimeoutConfig,
    http_client: Option<SharedHttpClient>,
    app_name: Option<String>,
    idempotency_token_provider: Option<IdempotencyTokenProvider>,
    interceptors: Vec<SharedInterceptor>,
    mocks: Option<Mocks>,
}

impl fmt::Debug for ClientConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfigBuilder")
            .field("region", &self.region)
            .field(
                "credentials_provider",
                &self.credentials.as_ref().map(|_| "<set>"),
            )
            .field("bearer_token", &self.bearer_token.as_ref().map(|_| "<set>"))
            .field(
                "endpoint_url",
                &self.endpoint_url.as_deref().map(redact_userinfo),
            )
            .field("env_endpoints", &self.env_endpoints)
            .field("env_bearer_tokens", &bearer_names(&self.env_bearer_tokens))
            .field("use_fips", &self.use_fips)
            .field("use_dual_stack", &self.use_dual_stack)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "<custom>"),
            )
            .field("app_name", &self.app_name)
            .field(
                "idempotency_token_provider",
                &self.idempotency_token_provider.as_ref().map(|_| "<custom>"),
            )
            .field("interceptors", &self.interceptors)
            .field("mocks", &self.mocks)
            .finish()
    }
}

impl ClientConfigBuilder {
    /// A builder preset from the environment; see [`ClientConfig::from_env`].
    ///
    /// The region lookup may read the config file on the calling thread; in async code
    /// [`ClientConfig::from_env`] reads it off the executor.
    pub fn from_env() -> Self {
        let mut builder = Self::from_env_vars();
        let settings = crate::region::settings_blocking(&crate::credentials::ProviderConfig::new());
        builder.region = settings.region.clone();
        builder.env_endpoints = builder.env_endpoints.with_profile(&settings);
        builder
    }

    /// Everything of [`Self::from_env`] but what the shared files say.
    fn from_env_vars() -> Self {
        let mut builder = ClientConfig::builder();
        builder.credentials = Some(crate::credentials::default_provider());
        builder.env_endpoints = EnvEndpoints::from_process_env();
        builder.env_bearer_tokens = env_bearer_tokens(
            std::env::vars_os()
                .filter_map(|(n, v)| Some((n.into_string().ok()?, v.into_string().ok()?))),
        );
        if let Some(fips) = env_var("AWS_USE_FIPS_ENDPOINT").and_then(|v| parse_bool(&v)) {
            builder.use_fips = fips;
        }
        if let Some(dual) = env_var("AWS_USE_DUALSTACK_ENDPOINT").and_then(|v| parse_bool(&v)) {
            builder.use_dual_stack = dual;
        }
        if let Some(n) = env_var("AWS_MAX_ATTEMPTS").and_then(|v| v.trim().parse::<u32>().ok()) {
            builder.retry = builder.retry.with_max_attempts(n);
        }
        builder
    }

    /// The region requests go to and are signed for, such as `us-west-2`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Where credentials come from. Wrap a provider that is slow to ask (one that reads files
    /// or makes a network call) in [`crate::credentials::CachedProvider`].
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// The bearer token sent as `Authorization: Bearer <token>` to services that
    /// authenticate with `smithy.api#httpBearerAuth` (CodeCatalyst, for one).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.bearer_token = Some(BearerToken::new(token));
        self
    }

    /// Fixed credentials, used as they are for every request.
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.credentials_provider(credentials)
    }

    /// An endpoint URL that replaces the resolved one (a local test server, a VPC endpoint).
    /// Its path, if any, is put in front of every request path.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Use FIPS endpoints (default `false`).
    pub fn use_fips(mut self, use_fips: bool) -> Self {
        self.use_fips = use_fips;
        self
    }

    /// Use dual-stack (IPv4 and IPv6) endpoints (default `false`).
    pub fn use_dual_stack(mut self, use_dual_stack: bool) -> Self {
        self.use_dual_stack = use_dual_stack;
        self
    }

    /// Retry settings (default [`RetryConfig::standard`]).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Timeouts (default [`TimeoutConfig::default`]).
    pub fn timeouts(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The transport (default: a [`HyperClient`] with the configured connect timeout). The
    /// connect timeout of [`TimeoutConfig`] only applies to the default transport.
    pub fn http_client(mut self, client: impl HttpClient) -> Self {
        self.http_client = Some(Arc::new(client));
        self
    }

    /// A name for your application, added to the user agent as `app/<name>`. Characters
    /// other than letters, digits and ``!#$%&'*+-.^_`|~`` are replaced by `_`, so the header
    /// is always valid; an empty name is ignored.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        let name: String = name
            .into()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.app_name = (!name.is_empty()).then_some(name);
        self
    }

    /// Where the values of unset `@idempotencyToken` members come from (default: a random
    /// UUID v4 per request, [`crate::encoding::idempotency_token`]). Tests use a fixed token.
    pub fn idempotency_token_provider(
        mut self,
        provider: impl Fn() -> String + Send + Sync + 'static,
    ) -> Self {
        self.idempotency_token_provider = Some(Arc::new(provider));
        self
    }

    /// Adds an interceptor, called on every attempt after those added before it.
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// Answers every operation from `mocks` instead of the service: nothing is sent, and
    /// region and credentials are not needed. For unit tests; see [`crate::mock`].
    pub fn mocks(mut self, mocks: Mocks) -> Self {
        self.mocks = Some(mocks);
        self
    }

    /// The configuration, checked by [`ClientConfig::validate`]: the way to build one from
    /// values you do not control (a region from a request or a tenant's settings).
    pub fn try_build(self) -> Result<ClientConfig, ConfigError> {
        let config = self.build();
        config.validate()?;
        Ok(config)
    }

    /// The configuration. Values are not checked here: a client made with an invalid region
    /// or endpoint URL fails each call with a construction error (see
    /// [`ClientConfig::validate`]); [`ClientConfigBuilder::try_build`] reports it now.
    pub fn build(self) -> ClientConfig {
        let custom_http_client = self.http_client.is_some();
        let http_client = self.http_client.unwrap_or_else(|| {
            Arc::new(
                HyperClient::builder()
                    .connect_timeout(self.timeouts.connect)
                    .build(),
            )
        });
        ClientConfig {
            region: self.region,
            credentials: self.credentials,
            bearer_token: self.bearer_token,
            endpoint_url: self.endpoint_url,
            env_endpoints: self.env_endpoints,
            env_bearer_tokens: self.env_bearer_tokens,
            use_fips: self.use_fips,
            use_dual_stack: self.use_dual_stack,
            retry: self.retry,
            timeouts: self.timeouts,
            http_client,
            custom_http_client,
            app_name: self.app_name,
            idempotency_token_provider: self.idempotency_token_provider,
            interceptors: self.interceptors,
            mocks: self.mocks,
        }
    }
}

/// Where an endpoint URL came from (see [`ClientConfig::endpoint_url_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointSource {
    /// [`ClientConfigBuilder::endpoint_url`].
    Config,
    /// `AWS_ENDPOINT_URL_<SERVICE>`.
    ServiceEnv,
    /// `AWS_ENDPOINT_URL`.
    GlobalEnv,
    /// The active profile's `endpoint_url` in the shared config file.
    Profile,
}

impl fmt::Display for EndpointSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EndpointSource::Config => "the configured endpoint URL",
            EndpointSource::ServiceEnv => "from AWS_ENDPOINT_URL_<SERVICE>",
            EndpointSource::GlobalEnv => "from AWS_ENDPOINT_URL",
            EndpointSource::Profile => "from the profile's endpoint_url",
        })
    }
}

/// The environment variable holding the bearer token of one service: `AWS_BEARER_TOKEN_` and
/// its signing name upper-cased, with spaces and `-` as `_` (`bedrock` ->
/// `AWS_BEARER_TOKEN_BEDROCK`).
pub fn bearer_token_env_var(signing_name: &str) -> String {
    service_env_var("AWS_BEARER_TOKEN_", signing_name)
}

/// `prefix` and `service` upper-cased, spaces and `-` as `_`: the SDKs' naming of a
/// per-service environment variable.
fn service_env_var(prefix: &str, service: &str) -> String {
    let mut name = String::from(prefix);
    for c in service.trim().chars() {
        name.push(match c {
            ' ' | '-' => '_',
            c => c.to_ascii_uppercase(),
        });
    }
    name
}

/// The non-blank `AWS_BEARER_TOKEN_<SERVICE>` variables of `vars`.
fn env_bearer_tokens(vars: impl Iterator<Item = (String, String)>) -> Vec<(String, BearerToken)> {
    vars.filter(|(n, v)| n.starts_with("AWS_BEARER_TOKEN_") && !v.trim().is_empty())
        .map(|(n, v)| (n, BearerToken::new(v.trim())))
        .collect()
}

/// The variables' names only: the tokens are secrets.
fn bearer_names(tokens: &[(String, BearerToken)]) -> Vec<&str> {
    tokens.iter().map(|(n, _)| n.as_str()).collect()
}

/// The environment variable holding the endpoint URL of one service:
/// `AWS_ENDPOINT_URL_` and the service id upper-cased, with spaces and `-` as `_`
/// (`ivs` -> `AWS_ENDPOINT_URL_IVS`, `IVS RealTime` -> `AWS_ENDPOINT_URL_IVS_REALTIME`).
pub fn endpoint_env_var(service_id: &str) -> String {
    service_env_var("AWS_ENDPOINT_URL_", service_id)
}

/// The endpoint URLs the environment gives: `AWS_ENDPOINT_URL`, every
/// `AWS_ENDPOINT_URL_<SERVICE>` (the service is known only when a client is made) and the
/// active profile's `endpoint_url`.
#[derive(Clone, Default)]
struct EnvEndpoints {
    global: Option<String>,
    /// (variable name, URL), in the environment's order.
    per_service: Vec<(String, String)>,
    /// The active profile's `endpoint_url`.
    profile: Option<String>,
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, when set to `true` or `false`.
    ignore_env: Option<bool>,
    /// The profile's `ignore_configured_endpoint_urls`.
    ignore_profile: Option<bool>,
}

impl fmt::Debug for EnvEndpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // URLs with user information are refused, but Debug must not show it either.
        let mut map = f.debug_map();
        if let Some(url) = &self.global {
            map.entry(&"AWS_ENDPOINT_URL", &redact_userinfo(url));
        }
        for (name, url) in &self.per_service {
            map.entry(name, &redact_userinfo(url));
        }
        if let Some(url) = &self.profile {
            map.entry(&"profile endpoint_url", &redact_userinfo(url));
        }
        if self.ignored() {
            map.entry(&IGNORE_ENDPOINTS, &true);
        }
        map.finish()
    }
}

impl EnvEndpoints {
    fn from_process_env() -> Self {
        let mut vars = Vec::new();
        for (name, value) in std::env::vars_os() {
            if let (Some(name), Some(value)) = (name.to_str(), value.to_str()) {
                if name.starts_with("AWS_ENDPOINT_URL") || name == IGNORE_ENDPOINTS {
                    vars.push((name.to_owned(), value.to_owned()));
                }
            }
        }
        Self::from_vars(&vars)
    }

    /// From `(name, value)` pairs; empty values count as unset.
    fn from_vars(vars: &[(String, String)]) -> Self {
        let get = |wanted: &str| {
            vars.iter()
                .find(|(n, v)| n == wanted && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_owned())
        };
        let mut per_service = Vec::new();
        for (name, value) in vars {
            if name.starts_with("AWS_ENDPOINT_URL_") && !value.trim().is_empty() {
                per_service.push((name.clone(), value.trim().to_owned()));
            }
        }
        EnvEndpoints {
            global: get("AWS_ENDPOINT_URL"),
            per_service,
            profile: None,
            ignore_env: get(IGNORE_ENDPOINTS).and_then(|v| parse_bool(&v)),
            ignore_profile: None,
        }
    }

    /// Adds what the active profile says: its `endpoint_url`, used after the variables, and
    /// its `ignore_configured_endpoint_urls`, which the variable overrides.
    fn with_profile(mut self, settings: &crate::region::Settings) -> Self {
        self.profile = settings.endpoint_url.clone();
        self.ignore_profile = settings.ignore_configured_endpoint_urls;
        self
    }

    /// Whether the environment's and the profile's endpoint URLs are ignored.
    fn ignored(&self) -> bool {
        self.ignore_env.or(self.ignore_profile).unwrap_or(false)
    }
}

/// `true` makes every endpoint URL from the environment and the profile ignored (not one set
/// in code); it overrides the profile's `ignore_configured_endpoint_urls`.
const IGNORE_ENDPOINTS: &str = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";

/// Settings that replace the client's for one call (`.customize(|c| ...)` on an operation's
/// fluent builder): region, credentials, endpoint, retries, timeouts, transport, and more
/// interceptors. What is not set stays as the client has it.
///
/// ```
/// use std::time::Duration;
/// use aws_lite_runtime::config::{ConfigOverride, RetryConfig, TimeoutConfig};
/// let over = ConfigOverride::new()
///     .retry(RetryConfig::disabled())
///     .timeouts(TimeoutConfig::default().with_operation(Some(Duration::from_secs(2))))
///     .endpoint_url("http://127.0.0.1:5000");
/// # let _ = over;
/// ```
#[derive(Clone, Default)]
pub struct ConfigOverride {
    region: Option<String>,
    credentials: Option<SharedCredentialsProvider>,
    endpoint_url: Option<String>,
    retry: Option<RetryConfig>,
    timeouts: Option<TimeoutConfig>,
    http_client: Option<SharedHttpClient>,
    interceptors: Vec<SharedInterceptor>,
}

impl fmt::Debug for ConfigOverride {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigOverride")
            .field("region", &self.region)
            .field(
                "credentials_provider",
                &self.credentials.as_ref().map(|_| "<set>"),
            )
            .field(
                "endpoint_url",
                &self.endpoint_url.as_deref().map(redact_userinfo),
            )
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "<custom>"),
            )
            .field("interceptors", &self.interceptors)
            .finish()
    }
}

impl ConfigOverride {
    /// Nothing overridden.
    pub fn new() -> Self {
        Self::default()
    }

    /// The region for this call.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Fixed credentials for this call.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(Arc::new(credentials));
        self
    }

    /// A credentials provider for this call.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// The endpoint URL for this call.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Retry settings for this call.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Timeouts for this call (the connect timeout only applies with a transport set here).
    pub fn timeouts(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = Some(timeouts);
        self
    }

    /// The transport for this call.
    pub fn http_client(mut self, client: impl HttpClient) -> Self {
        self.http_client = Some(Arc::new(client));
        self
    }

    /// An interceptor for this call, after the client's.
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// How failed attempts are retried: the AWS SDKs' "standard" mode (see [`crate::retry`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryConfig {
    /// Standard mode as in the AWS SDKs: 3 attempts in all, backoff base 1 s with full jitter,
    /// at most 20 s between attempts.
    pub fn standard() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
        }
    }

    /// No retries: one attempt only.
    pub fn disabled() -> Self {
        Self::standard().with_max_attempts(1)
    }

    /// Attempts in all, the first included; 0 counts as 1.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// The base of the exponential backoff (the largest delay before the first retry).
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// The longest delay between two attempts.
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The base of the exponential backoff.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest delay between two attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }
}

/// Time limits of a request. Every limit has a finite default, so nothing waits forever
/// unless you ask for it by passing `None`.
///
/// | limit | default | covers |
/// | --- | --- | --- |
/// | connect | 3.1 s | establishing one TCP connection (default transport only) |
/// | attempt | 30 s | one attempt: connect, TLS, send, read the whole response |
/// | operation | 120 s | the whole call: credentials, every attempt, every backoff |
///
/// 120 s leaves room for the default 3 attempts to each use their full 30 s, plus backoff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutConfig {
    connect: Duration,
    attempt: Option<Duration>,
    operation: Option<Duration>,
}

/// The default attempt timeout.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default operation timeout.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(120);

impl Default for TimeoutConfig {
    fn default() -> Self {
        Self {
            connect: DEFAULT_CONNECT_TIMEOUT,
            attempt: Some(DEFAULT_ATTEMPT_TIMEOUT),
            operation: Some(DEFAULT_OPERATION_TIMEOUT),
        }
    }
}

impl TimeoutConfig {
    /// The connect timeout of the default transport.
    pub fn with_connect(mut self, timeout: Duration) -> Self {
        self.connect = timeout;
        self
    }

    /// The limit on one attempt; `None` for no limit.
    pub fn with_attempt(mut self, timeout: Option<Duration>) -> Self {
        self.attempt = timeout;
        self
    }

    /// The limit on a whole operation, retries included; `None` for no limit.
    pub fn with_operation(mut self, timeout: Option<Duration>) -> Self {
        self.operation = timeout;
        self
    }

    /// The connect timeout of the default transport.
    pub fn connect(&self) -> Duration {
        self.connect
    }

    /// The limit on one attempt.
    pub fn attempt(&self) -> Option<Duration> {
        self.attempt
    }

    /// The limit on a whole operation.
    pub fn operation(&self) -> Option<Duration> {
        self.operation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Nothing;
    impl crate::interceptor::Interceptor for Nothing {}

    #[test]
    fn an_override_replaces_the_endpoint_and_adds_its_interceptors() {
        let base = ClientConfig::builder()
            .region("us-west-2")
            .endpoint_url("http://127.0.0.1:1")
            .interceptor(Nothing)
            .build();
        assert_eq!(base.interceptors().len(), 1);
        let over = ConfigOverride::default()
            .endpoint_url("http://127.0.0.1:2")
            .interceptor(Nothing);
        let config = base.with_override(&over);
        assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:2"));
        assert_eq!(config.interceptors().len(), 2);
        // The base configuration is unchanged.
        assert_eq!(base.endpoint_url(), Some("http://127.0.0.1:1"));
    }

    #[test]
    fn endpoint_sources_say_where_the_url_came_from() {
        let shown = [
            EndpointSource::Config,
            EndpointSource::ServiceEnv,
            EndpointSource::GlobalEnv,
            EndpointSource::Profile,
        ]
        .map(|s| s.to_string());
        assert_eq!(
            shown,
            [
                "the configured endpoint URL",
                "from AWS_ENDPOINT_URL_<SERVICE>",
                "from AWS_ENDPOINT_URL",
                "from the profile's endpoint_url",
            ]
        );
    }

    #[test]
    fn the_endpoint_url_set_in_code_is_the_one_returned() {
        let without = ClientConfig::builder().region("us-west-2").build();
        assert_eq!(without.endpoint_url(), None);
        let with = without
            .to_builder()
            .endpoint_url("http://127.0.0.1:5000")
            .build();
        assert_eq!(with.endpoint_url(), Some("http://127.0.0.1:5000"));
        assert_eq!(
            with.endpoint_url_for("ivs"),
            Some(("http://127.0.0.1:5000", EndpointSource::Config))
        );
    }

    #[test]
    fn userinfo_is_redacted() {
        assert_eq!(
            redact_userinfo("http://u:p@localhost:5000/x?a=b@c"),
            "http://***@localhost:5000/x?a=b@c"
        );
        assert_eq!(
            redact_userinfo("http://localhost:5000/a@b"),
            "http://localhost:5000/a@b"
        );
        assert_eq!(redact_userinfo("not a url"), "not a url");
    }

    #[test]
    fn bearer_tokens_come_from_code_then_the_service_variable() {
        assert_eq!(bearer_token_env_var("bedrock"), "AWS_BEARER_TOKEN_BEDROCK");
        assert_eq!(
            bearer_token_env_var("code-catalyst"),
            "AWS_BEARER_TOKEN_CODE_CATALYST"
        );
        let vars = [
            ("AWS_BEARER_TOKEN_BEDROCK", " tok-b "),
            ("AWS_BEARER_TOKEN_CODECATALYST", ""),
            ("AWS_REGION", "us-east-1"),
        ]
        .map(|(n, v)| (n.to_owned(), v.to_owned()));
        let mut b = ClientConfig::builder();
        b.env_bearer_tokens = env_bearer_tokens(vars.into_iter());
        let c = b.clone().build();
        assert_eq!(
            c.bearer_token_for("bedrock").map(BearerToken::token),
            Some("tok-b")
        );
        // A blank variable is unset; another service's is not used.
        assert_eq!(c.bearer_token_for("codecatalyst"), None);
        assert_eq!(c.bearer_token_for("ivs"), None);
        // The token never shows in Debug, only the variable's name.
        let debug = format!("{c:?}");
        assert!(
            debug.contains("AWS_BEARER_TOKEN_BEDROCK") && !debug.contains("tok-b"),
            "{debug}"
        );
        // A token set in code wins.
        let c = b.bearer_token("in-code").build();
        assert_eq!(
            c.bearer_token_for("bedrock").map(BearerToken::token),
            Some("in-code")
        );
    }

    #[test]
    fn service_specific_endpoint_variables() {
        assert_eq!(endpoint_env_var("ivs"), "AWS_ENDPOINT_URL_IVS");
        assert_eq!(
            endpoint_env_var("IVS RealTime"),
            "AWS_ENDPOINT_URL_IVS_REALTIME"
        );
        let vars = |pairs: &[(&str, &str)]| {
            let pairs: Vec<(String, String)> = pairs
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            EnvEndpoints::from_vars(&pairs)
        };
        let config = |env: EnvEndpoints, explicit: Option<&str>| {
            let mut b = ClientConfig::builder();
            b.env_endpoints = env;
            if let Some(url) = explicit {
                b = b.endpoint_url(url);
            }
            b.build()
        };
        let both = || {
            vars(&[
                ("AWS_ENDPOINT_URL", "http://global:1"),
                ("AWS_ENDPOINT_URL_IVS", "http://ivs:2"),
                ("AWS_ENDPOINT_URL_S3", "http://s3:3"),
            ])
        };
        let c = config(both(), None);
        assert_eq!(
            c.endpoint_url_for("ivs"),
            Some(("http://ivs:2", EndpointSource::ServiceEnv))
        );
        assert_eq!(
            c.endpoint_url_for("IVS RealTime"),
            Some(("http://global:1", EndpointSource::GlobalEnv))
        );
        let c = config(both(), Some("http://code:4"));
        assert_eq!(
            c.endpoint_url_for("ivs"),
            Some(("http://code:4", EndpointSource::Config))
        );
        let ignored = vars(&[
            ("AWS_ENDPOINT_URL_IVS", "http://ivs:2"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"),
        ]);
        assert_eq!(config(ignored.clone(), None).endpoint_url_for("ivs"), None);
        assert_eq!(
            config(ignored, Some("http://code:4")).endpoint_url_for("ivs"),
            Some(("http://code:4", EndpointSource::Config))
        );
        let empty = vars(&[("AWS_ENDPOINT_URL_IVS", " "), ("AWS_ENDPOINT_URL", "")]);
        assert_eq!(config(empty, None).endpoint_url_for("ivs"), None);

        // The profile's endpoint_url comes last; its ignore flag yields to the variable's.
        let profile = |url: Option<&str>, ignore: Option<bool>| crate::region::Settings {
            region: None,
            endpoint_url: url.map(str::to_owned),
            ignore_configured_endpoint_urls: ignore,
        };
        let with = |pairs: &[(&str, &str)], settings| vars(pairs).with_profile(&settings);
        let p = Some("http://profile:5");
        assert_eq!(
            config(with(&[], profile(p, None)), None).endpoint_url_for("ivs"),
            Some(("http://profile:5", EndpointSource::Profile))
        );
        assert_eq!(
            config(
                with(&[("AWS_ENDPOINT_URL", "http://global:1")], profile(p, None)),
                None
            )
            .endpoint_url_for("ivs"),
            Some(("http://global:1", EndpointSource::GlobalEnv))
        );
        let ignored_by_profile = with(
            &[("AWS_ENDPOINT_URL", "http://g:1")],
            profile(p, Some(true)),
        );
        assert_eq!(
            config(ignored_by_profile, None).endpoint_url_for("ivs"),
            None
        );
        let kept_by_variable = with(
            &[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false")],
            profile(p, Some(true)),
        );
        assert_eq!(
            config(kept_by_variable, None).endpoint_url_for("ivs"),
            Some(("http://profile:5", EndpointSource::Profile))
        );
    }

    #[test]
    fn app_name_is_made_header_safe() {
        let b = ClientConfig::builder().app_name("my app/1\n");
        assert_eq!(b.app_name.as_deref(), Some("my_app_1_"));
        assert_eq!(ClientConfig::builder().app_name("").app_name, None);
    }

    #[test]
    fn defaults() {
        let t = TimeoutConfig::default();
        assert_eq!(t.connect(), Duration::from_millis(3100));
        assert_eq!(t.attempt(), Some(Duration::from_secs(30)));
        assert_eq!(t.operation(), Some(Duration::from_secs(120)));
        let r = RetryConfig::default();
        assert_eq!(r.max_attempts(), 3);
        assert_eq!(RetryConfig::disabled().max_attempts(), 1);
        assert_eq!(r.with_max_attempts(0).max_attempts(), 1);
    }
}

/// A bearer token (`smithy.api#httpBearerAuth`). A secret: `Debug` redacts it and there is no
/// `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(Arc<str>);

impl BearerToken {
    /// The token `token`.
    pub fn new(token: impl Into<String>) -> Self {
        Self(Arc::from(token.into()))
    }

    /// The token itself.
    pub fn token(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(** redacted **)")
    }
}
