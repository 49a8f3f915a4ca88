//! A small client of the EC2 instance metadata service (IMDS), IMDSv2 only.
//!
//! Every request carries a session token fetched with `PUT /latest/api/token` (header
//! `x-aws-ec2-metadata-token-ttl-seconds`, 6 hours unless set) and reused until 2 minutes
//! before it expires. There is deliberately no fallback to the token-less IMDSv1.
//!
//! The endpoint is, first found: the one given to [`ImdsClient::builder`], the variable
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the profile's `ec2_metadata_service_endpoint`; else
//! the address of the endpoint mode (given to the builder, `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`,
//! the profile's `ec2_metadata_service_endpoint_mode`, else `IPv4`): `http://169.254.169.254`
//! or `http://[fd00:ec2::254]`.
//!
//! As the official SDKs do: 4 attempts; 5xx answers are retried, and 401 (an expired token)
//! after fetching a new token; other answers, connection failures and timeouts are not (off
//! EC2, the default credentials chain must give up on IMDS quickly). Each attempt is bounded
//! by [`ATTEMPT_TIMEOUT`]. Answers are [`Sensitive`]: their `Debug` shows no content.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ::http::header::{HeaderValue, USER_AGENT};
use ::http::Uri;

use crate::credentials::provider_config::ProviderConfig;
use crate::http::{Bytes, HttpClient, HttpRequest, HttpResponse};

const ENV_ENDPOINT: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
const ENV_ENDPOINT_MODE: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
const PROFILE_ENDPOINT: &str = "ec2_metadata_service_endpoint";
const PROFILE_ENDPOINT_MODE: &str = "ec2_metadata_service_endpoint_mode";
const TOKEN_PATH: &str = "/latest/api/token";
const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
const TOKEN_TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";

/// The session token's default lifetime: 6 hours.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(21_600);
/// Attempts per request, the first included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 4;
/// How long one attempt may take, connecting included: the official SDK's 1 s to connect
/// plus 1 s to read.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
/// A token is replaced this long before it expires.
const TOKEN_REFRESH_BUFFER: Duration = Duration::from_secs(120);
/// Retry delays: full jitter, doubling from this (the standard retry mode's base).
const INITIAL_BACKOFF: Duration = Duration::from_secs(1);

/// Which address the default endpoint has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointMode {
    /// `http://169.254.169.254`, the default.
    IpV4,
    /// `http://[fd00:ec2::254]`.
    IpV6,
}

impl EndpointMode {
    /// Parses `IPv4` or `IPv6`, in any case.
    pub fn parse(value: &str) -> Result<Self, ImdsError> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("ipv4") {
            Ok(Self::IpV4)
        } else if value.eq_ignore_ascii_case("ipv6") {
            Ok(Self::IpV6)
        } else {
            Err(ImdsError::new(
                ImdsErrorKind::InvalidConfiguration,
                format!(
                    "`{value}` is not a valid endpoint mode. Valid values are [`IPv4`, `IPv6`]"
                ),
            ))
        }
    }

    fn endpoint(self) -> &'static str {
        match self {
            Self::IpV4 => "http://169.254.169.254",
            Self::IpV6 => "http://[fd00:ec2::254]",
        }
    }
}

/// What kind of failure an [`ImdsError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImdsErrorKind {
    /// The endpoint or endpoint mode configured is invalid.
    InvalidConfiguration,
    /// IMDS could not be reached (connection failure or timeout while fetching the token):
    /// most likely the code does not run on EC2.
    Unreachable,
    /// IMDS refused the session token request (403: IMDS is disabled, or 400).
    TokenRefused,
    /// IMDS answered a request with an error status ([`ImdsError::status`]).
    ErrorResponse,
    /// Anything else: a connection failure after the token, an unreadable answer.
    Other,
}

/// Why an IMDS request failed. Never holds a token or an answer's content.
#[derive(Debug)]
pub struct ImdsError {
    kind: ImdsErrorKind,
    message: String,
    status: Option<u16>,
}

impl ImdsError {
    fn new(kind: ImdsErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            status: None,
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ImdsErrorKind {
        self.kind
    }

    /// The HTTP status of an [`ImdsErrorKind::ErrorResponse`] or [`ImdsErrorKind::TokenRefused`].
    pub fn status(&self) -> Option<u16> {
        self.status
    }
}

impl fmt::Display for ImdsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ImdsError {}

/// An answer of IMDS: may be a secret (credentials), so `Debug` shows none of it.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive(String);

impl Sensitive {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive(** redacted **)")
    }
}

/// Builds an [`ImdsClient`].
#[derive(Debug, Clone)]
pub struct ImdsClientBuilder {
    config: Option<ProviderConfig>,
    endpoint: Option<String>,
    mode: Option<EndpointMode>,
    token_ttl: Duration,
    max_attempts: u32,
}

impl ImdsClientBuilder {
    /// Environment, files, transport and clock.
    pub fn configure(mut self, config: &ProviderConfig) -> Self {
        self.config = Some(config.clone());
        self
    }

    /// Uses this endpoint, whatever the environment and profile say.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Uses this endpoint mode unless an endpoint is configured.
    pub fn endpoint_mode(mut self, mode: EndpointMode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// The session token's lifetime (6 hours unless set; IMDS accepts 1 s to 6 hours).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Attempts per request (4 unless set; at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The client. Reads no configuration yet: that happens on the first request.
    pub fn build(self) -> ImdsClient {
        ImdsClient {
            inner: Arc::new(Inner {
                config: self.config.unwrap_or_default(),
                endpoint_override: self.endpoint,
                mode_override: self.mode,
                token_ttl: self.token_ttl,
                max_attempts: self.max_attempts,
                endpoint: tokio::sync::OnceCell::new(),
                token: tokio::sync::Mutex::new(None),
            }),
        }
    }
}

/// The IMDSv2 client; see the [module](self) documentation. Cheap to clone: clones share the
/// session token.
#[derive(Clone)]
pub struct ImdsClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: ProviderConfig,
    endpoint_override: Option<String>,
    mode_override: Option<EndpointMode>,
    token_ttl: Duration,
    max_attempts: u32,
    /// Resolved on first use (it may read the config file), then kept.
    endpoint: tokio::sync::OnceCell<Result<String, String>>,
    token: tokio::sync::Mutex<Option<Token>>,
}

struct Token {
    value: HeaderValue,
    expires: SystemTime,
}

impl fmt::Debug for ImdsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImdsClient")
            .field("endpoint_override", &self.inner.endpoint_override)
            .field("mode_override", &self.inner.mode_override)
            .field("token_ttl", &self.inner.token_ttl)
            .field("max_attempts", &self.inner.max_attempts)
            .finish_non_exhaustive()
    }
}

impl ImdsClient {
    /// A builder; without [`ImdsClientBuilder::configure`] the client reads the real
    /// environment and files.
    pub fn builder() -> ImdsClientBuilder {
        ImdsClientBuilder {
            config: None,
            endpoint: None,
            mode: None,
            token_ttl: DEFAULT_TOKEN_TTL,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    /// The endpoint (scheme, host, port; no trailing `/`) the configuration selects.
    pub async fn endpoint(&self) -> Result<String, ImdsError> {
        self.inner
            .endpoint
            .get_or_init(|| resolve_endpoint(&self.inner))
            .await
            .clone()
            .map_err(|m| ImdsError::new(ImdsErrorKind::InvalidConfiguration, m))
    }

    /// `GET path` (`/latest/meta-data/...`) with the session token, retried as the
    /// [module](self) documentation says. The answer must be UTF-8.
    pub async fn get(&self, path: &str) -> Result<Sensitive, ImdsError> {
        let endpoint = self.endpoint().await?;
        let uri = join(&endpoint, path)?;
        let http = self.inner.config.http_client();
        let mut last = None;
        for attempt in 0..self.inner.max_attempts {
            if attempt > 0 {
                backoff(attempt).await;
            }
            let token = self.token(http.as_ref(), &endpoint).await?;
            let request = request("GET", &uri)?;
            let mut request = request;
            request.headers_mut().insert(TOKEN_HEADER, token);
            let response = send(http.as_ref(), request, &uri, ImdsErrorKind::Other).await?;
            let status = response.status().as_u16();
            match status {
                200..=299 => {
                    return String::from_utf8(response.into_body().to_vec())
                        .map(Sensitive)
                        .map_err(|_| {
                            ImdsError::new(
                                ImdsErrorKind::Other,
                                format!("IMDS answered {path} with text that is not UTF-8"),
                            )
                        })
                }
                401 => {
                    // The token expired early (IMDS restarted): fetch a new one and retry.
                    *self.inner.token.lock().await = None;
                }
                500..=599 => {}
                _ => {
                    let mut e = ImdsError::new(
                        ImdsErrorKind::ErrorResponse,
                        format!("error response from IMDS (code: {status}) for {path}"),
                    );
                    e.status = Some(status);
                    return Err(e);
                }
            }
            tracing::debug!(attempt, status, "IMDS request failed; retrying");
            last = Some(status);
        }
        let status = last.unwrap_or_default();
        let mut e = ImdsError::new(
            ImdsErrorKind::ErrorResponse,
            format!(
                "error response from IMDS (code: {status}) for {path} after {} attempts",
                self.inner.max_attempts
            ),
        );
        e.status = Some(status);
        Err(e)
    }

    /// The cached session token, or a new one.
    async fn token(&self, http: &dyn HttpClient, endpoint: &str) -> Result<HeaderValue, ImdsError> {
        let mut slot = self.inner.token.lock().await;
        let now = self.inner.config.now();
        if let Some(token) = slot.as_ref() {
            if now + TOKEN_REFRESH_BUFFER < token.expires {
                return Ok(token.value.clone());
            }
        }
        let token = self.fetch_token(http, endpoint).await?;
        let value = token.value.clone();
        *slot = Some(token);
        Ok(value)
    }

    async fn fetch_token(&self, http: &dyn HttpClient, endpoint: &str) -> Result<Token, ImdsError> {
        let uri = join(endpoint, TOKEN_PATH)?;
        let ttl = self.inner.token_ttl.as_secs().max(1);
        let mut last = 0;
        for attempt in 0..self.inner.max_attempts {
            if attempt > 0 {
                backoff(attempt).await;
            }
            let mut request = request("PUT", &uri)?;
            request
                .headers_mut()
                .insert(TOKEN_TTL_HEADER, HeaderValue::from(ttl));
            let response = send(http, request, &uri, ImdsErrorKind::Unreachable)
                .await
                .map_err(|e| {
                    ImdsError::new(e.kind, format!("failed to load IMDS session token: {e}"))
                })?;
            let status = response.status().as_u16();
            match status {
                200..=299 => return self.read_token(&response, ttl),
                500..=599 => {
                    tracing::debug!(attempt, status, "IMDS token request failed; retrying");
                    last = status;
                }
                _ => {
                    let why = match status {
                        403 => "request forbidden: IMDS is disabled or the caller has insufficient permissions",
                        400 => "invalid request parameters (the token TTL)",
                        _ => "unexpected status",
                    };
                    let mut e = ImdsError::new(
                        ImdsErrorKind::TokenRefused,
                        format!("failed to load IMDS session token: {why} (code: {status})"),
                    );
                    e.status = Some(status);
                    return Err(e);
                }
            }
        }
        let mut e = ImdsError::new(
            ImdsErrorKind::ErrorResponse,
            format!(
                "failed to load IMDS session token: error response from IMDS (code: {last}) after {} attempts",
                self.inner.max_attempts
            ),
        );
        e.status = Some(last);
        Err(e)
    }

    fn read_token(&self, response: &HttpResponse, requested_ttl: u64) -> Result<Token, ImdsError> {
        let bad = |what: &str| {
            ImdsError::new(
                ImdsErrorKind::Other,
                format!("failed to load IMDS session token: {what}"),
            )
        };
        // IMDS echoes the TTL it granted; without one, the requested TTL applies.
        let ttl = match response.headers().get(TOKEN_TTL_HEADER) {
            None => requested_ttl,
            Some(v) => v
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .ok_or_else(|| bad("the returned TTL was invalid"))?,
        };
        let text = std::str::from_utf8(response.body())
            .map_err(|_| bad("the token is not UTF-8"))?
            .trim();
        if text.is_empty() {
            return Err(bad("the token is empty"));
        }
        let mut value = HeaderValue::from_str(text)
            .map_err(|_| bad("the token holds characters a header cannot carry"))?;
        value.set_sensitive(true);
        Ok(Token {
            value,
            expires: self.inner.config.now() + Duration::from_secs(ttl),
        })
    }
}

async fn resolve_endpoint(inner: &Inner) -> Result<String, String> {
    let config = &inner.config;
    let env = config.env();
    let configured = match (&inner.endpoint_override, env.get(ENV_ENDPOINT)) {
        (Some(e), _) => Some(e.clone()),
        (None, Some(e)) => Some(e),
        (None, None) => profile_setting(config, PROFILE_ENDPOINT).await?,
    };
    if let Some(endpoint) = configured {
        let endpoint = endpoint.trim();
        let uri = endpoint
            .parse::<Uri>()
            .map_err(|e| format!("invalid IMDS endpoint `{endpoint}`: {e}"))?;
        if uri.scheme().is_none() || uri.host().is_none() {
            return Err(format!(
                "invalid IMDS endpoint `{endpoint}`: it needs a scheme and a host"
            ));
        }
        return Ok(endpoint.trim_end_matches('/').to_owned());
    }
    let mode = match inner.mode_override {
        Some(mode) => mode,
        None => match env.get(ENV_ENDPOINT_MODE) {
            Some(mode) => EndpointMode::parse(&mode).map_err(|e| e.to_string())?,
            None => match profile_setting(config, PROFILE_ENDPOINT_MODE).await? {
                Some(mode) => EndpointMode::parse(&mode).map_err(|e| e.to_string())?,
                None => EndpointMode::IpV4,
            },
        },
    };
    Ok(mode.endpoint().to_owned())
}

/// A setting of the active profile in the config file.
async fn profile_setting(config: &ProviderConfig, key: &str) -> Result<Option<String>, String> {
    let files = crate::credentials::profile_file::load(config)
        .await
        .map_err(|e| e.to_string())?;
    Ok(files
        .profile(&config.profile_name())
        .and_then(|p| p.get(key))
        .map(str::to_owned))
}

fn join(endpoint: &str, path: &str) -> Result<Uri, ImdsError> {
    format!("{endpoint}{path}").parse::<Uri>().map_err(|e| {
        ImdsError::new(
            ImdsErrorKind::InvalidConfiguration,
            format!("invalid IMDS URI for {path}: {e}"),
        )
    })
}

fn request(method: &str, uri: &Uri) -> Result<HttpRequest, ImdsError> {
    ::http::Request::builder()
        .method(method)
        .uri(uri.clone())
        .header(
            USER_AGENT,
            concat!("aws-lite-runtime/", env!("CARGO_PKG_VERSION"), " api/imds"),
        )
        .body(Bytes::new())
        .map_err(|e| {
            ImdsError::new(
                ImdsErrorKind::Other,
                format!("cannot build the IMDS request: {e}"),
            )
        })
}

/// One attempt, bounded by [`ATTEMPT_TIMEOUT`]; a transport failure or timeout is of
/// `failure_kind`.
async fn send(
    http: &dyn HttpClient,
    request: HttpRequest,
    uri: &Uri,
    failure_kind: ImdsErrorKind,
) -> Result<HttpResponse, ImdsError> {
    match tokio::time::timeout(ATTEMPT_TIMEOUT, http.call(request)).await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(e)) => Err(ImdsError::new(
            failure_kind,
            format!("could not communicate with IMDS at {uri}: {e}"),
        )),
        Err(_) => Err(ImdsError::new(
            failure_kind,
            format!(
                "could not communicate with IMDS at {uri}: no answer within {ATTEMPT_TIMEOUT:?}"
            ),
        )),
    }
}

async fn backoff(attempt: u32) {
    let base = INITIAL_BACKOFF * 2u32.pow(attempt.saturating_sub(1).min(4));
    tokio::time::sleep(base.mul_f64(fastrand::f64())).await;
}

#[cfg(test)]
mod tests;
