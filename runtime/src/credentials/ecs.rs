//! Credentials from a container credentials endpoint: ECS task roles and EKS Pod Identity.
//!
//! The endpoint is, in this order:
//! 1. `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, a path under `http://169.254.170.2` (ECS);
//! 2. `AWS_CONTAINER_CREDENTIALS_FULL_URI`, any `https` URI, or an `http` one whose host is
//!    the loopback interface, the ECS address `169.254.170.2` or the EKS Pod Identity agent
//!    (`169.254.170.23`, `fd00:ec2::23`). A host name is resolved, and every address it
//!    resolves to must be one of those: plain HTTP to anywhere else would hand the
//!    authorization token, and the credentials, to the network.
//!
//! The `Authorization` header comes from the file `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
//! names (read again on every call: EKS rotates it), else from
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`. A token holding CR or LF is refused rather than
//! trimmed or sent.
//!
//! The answer is a JSON document (`AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`,
//! `AccountId`, or an error `Code` and `Message`). Connection failures, timeouts, 5xx
//! answers and unreadable 200 answers are retried (3 attempts); each attempt is bounded by
//! [`ATTEMPT_TIMEOUT`].

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;

use ::http::header::{HeaderValue, ACCEPT, AUTHORIZATION};
use ::http::Uri;

use super::json_credentials::{self, JsonCredentials};
use super::provider_config::ProviderConfig;
use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::http::{BoxFuture, Bytes, HttpClient};

const ENV_RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const ENV_FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const ENV_TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
const ENV_TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
const ECS_HOST: &str = "http://169.254.170.2";
const ECS_ADDRESS: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 2);
const EKS_ADDRESS_V4: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 23);
const EKS_ADDRESS_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x23);

/// How long one attempt may take, connecting included (the official SDK allows 2 s to
/// connect and 5 s to read).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
/// Attempts per call.
const MAX_ATTEMPTS: u32 = 3;
/// Retry delays: jittered, doubling from this.
const INITIAL_BACKOFF: Duration = Duration::from_millis(100);

/// Resolves a host name to its addresses, to check where a full URI leads.
pub trait ResolveDns: Send + Sync + fmt::Debug + 'static {
    /// The addresses `host` resolves to.
    fn resolve(&self, host: String) -> BoxFuture<'_, std::io::Result<Vec<IpAddr>>>;
}

/// The system resolver, through tokio (`getaddrinfo` on its blocking pool).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioDns;

impl ResolveDns for TokioDns {
    fn resolve(&self, host: String) -> BoxFuture<'_, std::io::Result<Vec<IpAddr>>> {
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    }
}

/// Credentials from the ECS or EKS container credentials endpoint; see the [module](self)
/// documentation.
#[derive(Debug, Clone)]
pub struct EcsProvider {
    config: ProviderConfig,
    dns: Arc<dyn ResolveDns>,
}

impl EcsProvider {
    /// Reads the variables and the token file through `config`, and calls the endpoint
    /// through its transport.
    pub fn new(config: ProviderConfig) -> Self {
        Self {
            config,
            dns: Arc::new(TokioDns),
        }
    }

    /// Resolves host names of a full URI with `dns` instead of the system resolver.
    pub fn with_dns(mut self, dns: impl ResolveDns) -> Self {
        self.dns = Arc::new(dns);
        self
    }

    /// Whether the environment configures this provider at all.
    pub fn is_configured(&self) -> bool {
        let env = self.config.env();
        env.get(ENV_RELATIVE_URI).is_some() || env.get(ENV_FULL_URI).is_some()
    }

    /// The endpoint the environment names, checked as the [module](self) documentation says.
    pub async fn endpoint(&self) -> Result<Uri, CredentialsError> {
        resolve_uri(self.config.env(), self.dns.as_ref()).await
    }

    async fn authorization(&self) -> Result<Option<HeaderValue>, CredentialsError> {
        let env = self.config.env();
        let (token, source) = if let Some(path) = env.get(ENV_TOKEN_FILE) {
            let bytes = self
                .config
                .fs()
                .read(std::path::Path::new(&path))
                .await
                .map_err(|e| {
                    CredentialsError::provider_error(format!(
                        "cannot read the container authorization token file `{path}` \
                         ({ENV_TOKEN_FILE})"
                    ))
                    .with_source(e)
                })?;
            let token = String::from_utf8(bytes).map_err(|_| {
                CredentialsError::invalid_configuration(format!(
                    "the container authorization token file `{path}` ({ENV_TOKEN_FILE}) is not UTF-8"
                ))
            })?;
            (token, ENV_TOKEN_FILE)
        } else if let Some(token) = env.get(ENV_TOKEN) {
            (token, ENV_TOKEN)
        } else {
            return Ok(None);
        };
        if token.contains(['\r', '\n']) {
            return Err(CredentialsError::invalid_configuration(format!(
                "the container authorization token from {source} contains a line break \
                 (CR or LF); it is not sent"
            )));
        }
        let mut value = HeaderValue::from_str(&token).map_err(|_| {
            CredentialsError::invalid_configuration(format!(
                "the container authorization token from {source} holds characters an HTTP \
                 header cannot carry"
            ))
        })?;
        value.set_sensitive(true);
        Ok(Some(value))
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        if !self.is_configured() {
            return Err(CredentialsError::not_loaded(
                "No environment variables were set to configure ECS provider \
                 (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI)",
            ));
        }
        let uri = self.endpoint().await?;
        let auth = self.authorization().await?;
        let http = self.config.http_client();
        let mut last_error = String::new();
        for attempt in 0..MAX_ATTEMPTS {
            if attempt > 0 {
                let delay = INITIAL_BACKOFF * 2u32.pow(attempt - 1);
                tokio::time::sleep(delay.mul_f64(fastrand::f64())).await;
            }
            match self.attempt(http.as_ref(), &uri, auth.as_ref()).await {
                Ok(credentials) => return Ok(credentials),
                Err(Attempt::Final(e)) => return Err(e),
                Err(Attempt::Retry(message)) => {
                    tracing::debug!(attempt, "container credentials attempt failed: {message}");
                    last_error = message;
                }
            }
        }
        Err(CredentialsError::provider_error(format!(
            "failed to load credentials from the container endpoint after {MAX_ATTEMPTS} \
             attempts: {last_error}"
        )))
    }

    async fn attempt(
        &self,
        http: &dyn HttpClient,
        uri: &Uri,
        auth: Option<&HeaderValue>,
    ) -> Result<Credentials, Attempt> {
        let mut request = ::http::Request::builder()
            .method("GET")
            .uri(uri.clone())
            .header(ACCEPT, "application/json");
        if let Some(auth) = auth {
            request = request.header(AUTHORIZATION, auth.clone());
        }
        let request = request.body(Bytes::new()).map_err(|e| {
            Attempt::Final(CredentialsError::invalid_configuration(format!(
                "cannot build the container credentials request: {e}"
            )))
        })?;
        let response = match tokio::time::timeout(ATTEMPT_TIMEOUT, http.call(request)).await {
            Err(_) => {
                return Err(Attempt::Retry(format!(
                    "no answer within {ATTEMPT_TIMEOUT:?}"
                )))
            }
            Ok(Err(e)) => match crate::retry::classify_connector_error(e.kind()) {
                Some(_) => return Err(Attempt::Retry(e.to_string())),
                None => {
                    return Err(Attempt::Final(
                        CredentialsError::provider_error(
                            "cannot reach the container credentials endpoint",
                        )
                        .with_source(e),
                    ))
                }
            },
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        if status.is_server_error() {
            return Err(Attempt::Retry(format!("status {}", status.as_u16())));
        }
        let parsed = json_credentials::parse(response.body(), "EcsContainer");
        if !status.is_success() {
            let detail = match parsed {
                Ok(JsonCredentials::Error { code, message }) => format!(": [{code}] {message}"),
                _ => String::new(),
            };
            return Err(Attempt::Final(CredentialsError::provider_error(format!(
                "the container credentials endpoint answered {}{detail}",
                status.as_u16()
            ))));
        }
        match parsed {
            Ok(JsonCredentials::Credentials(credentials)) => Ok(credentials),
            Ok(JsonCredentials::Error { code, message }) => {
                Err(Attempt::Final(CredentialsError::provider_error(format!(
                    "the container credentials endpoint refused: [{code}] {message}"
                ))))
            }
            // A broken 200 answer may be a proxy hiccup: retried, as the official SDK does.
            Err(e) => Err(Attempt::Retry(format!("unreadable answer: {e}"))),
        }
    }
}

enum Attempt {
    Retry(String),
    Final(CredentialsError),
}

impl ProvideCredentials for EcsProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// The endpoint `env` configures, or why not.
pub(crate) async fn resolve_uri(
    env: &super::Env,
    dns: &dyn ResolveDns,
) -> Result<Uri, CredentialsError> {
    if let Some(relative) = env.get(ENV_RELATIVE_URI) {
        let relative = relative.trim();
        let sep = if relative.starts_with('/') { "" } else { "/" };
        return format!("{ECS_HOST}{sep}{relative}")
            .parse::<Uri>()
            .map_err(|e| {
                CredentialsError::invalid_configuration(format!(
                    "invalid relative URI in {ENV_RELATIVE_URI}: {e}"
                ))
            });
    }
    let Some(full) = env.get(ENV_FULL_URI) else {
        return Err(CredentialsError::not_loaded(
            "No environment variables were set to configure ECS provider \
             (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI)",
        ));
    };
    let invalid = |why: String| {
        CredentialsError::invalid_configuration(format!(
            "invalid full URI in {ENV_FULL_URI}: {why}"
        ))
    };
    let uri = full
        .trim()
        .parse::<Uri>()
        .map_err(|e| invalid(format!("uri was invalid: {e}")))?;
    let host = uri
        .host()
        .ok_or_else(|| invalid("URI did not specify a host".to_owned()))?;
    match uri.scheme_str() {
        Some("https") => return Ok(uri),
        Some("http") => {}
        _ => return Err(invalid("the scheme must be http or https".to_owned())),
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let allowed = match bare.parse::<IpAddr>() {
        Ok(ip) => is_allowed(ip),
        Err(_) => {
            let addrs = dns.resolve(bare.to_owned()).await.map_err(|e| {
                invalid(format!(
                    "failed to perform DNS lookup of `{bare}` while validating the URI: {e}"
                ))
            })?;
            !addrs.is_empty() && addrs.into_iter().all(is_allowed)
        }
    };
    if allowed {
        Ok(uri)
    } else {
        Err(invalid(format!(
            "plain http is only allowed to the loopback interface, the ECS address \
             {ECS_ADDRESS} or the EKS Pod Identity agent ({EKS_ADDRESS_V4}, {EKS_ADDRESS_V6}); \
             `{host}` is none of those (use https)"
        )))
    }
}

fn is_allowed(ip: IpAddr) -> bool {
    let ip = match ip {
        // `::ffff:a.b.c.d` is the IPv4 address spelt as IPv6.
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    ip.is_loopback() || ip == ECS_ADDRESS || ip == EKS_ADDRESS_V4 || ip == EKS_ADDRESS_V6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::provider_config::Fs;
    use crate::credentials::Env;
    use crate::http::{Replay, ReplayClient};

    /// `localhost` is the loopback interface; every other name resolves to a public address.
    #[derive(Debug)]
    struct FakeDns;

    impl ResolveDns for FakeDns {
        fn resolve(&self, host: String) -> BoxFuture<'_, std::io::Result<Vec<IpAddr>>> {
            let addrs = match host.as_str() {
                "localhost" => vec![[127, 0, 0, 1].into(), [127, 0, 0, 2].into()],
                "mixed" => vec![[127, 0, 0, 1].into(), [192, 168, 0, 1].into()],
                "pod-identity" => vec![EKS_ADDRESS_V4.into(), EKS_ADDRESS_V6.into()],
                _ => vec![[72, 21, 210, 29].into()],
            };
            Box::pin(async move { Ok(addrs) })
        }
    }

    async fn uri_of(vars: &[(&str, &str)]) -> Result<String, String> {
        let env = Env::from_vars(vars.iter().copied());
        resolve_uri(&env, &FakeDns)
            .await
            .map(|u| u.to_string())
            .map_err(|e| e.to_string())
    }

    /// The official table `ecs-tests.json`, every case, counted from the data.
    #[tokio::test]
    async fn ecs_tests_json_table() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/credential-tests/ecs-tests.json"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let root = crate::json::from_str(&text).unwrap();
        let tests = root.get("tests").and_then(|t| t.as_array()).unwrap();
        assert!(!tests.is_empty(), "no cases in {path}");
        let mut passed = 0;
        for case in tests {
            let docs = case.get("docs").and_then(|d| d.as_str()).unwrap();
            let vars: Vec<(String, String)> = case
                .get("env")
                .and_then(|e| e.as_object())
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            let env = Env::from_vars(vars);
            let got = resolve_uri(&env, &FakeDns)
                .await
                .map(|u| u.to_string())
                .map_err(|e| e.to_string());
            let result = case.get("result").unwrap();
            if let Some(ok) = result.get("Ok").and_then(|v| v.as_str()) {
                assert_eq!(got.as_deref(), Ok(ok), "case `{docs}`");
            } else if let Some(part) = result.get("ErrorContains").and_then(|v| v.as_str()) {
                let err = got.expect_err(docs);
                assert!(err.contains(part), "case `{docs}`: `{err}` lacks `{part}`");
            } else {
                panic!("case `{docs}`: unknown result {result:?}");
            }
            passed += 1;
        }
        assert_eq!(passed, tests.len());
        eprintln!("ecs-tests.json: {passed} of {} cases pass", tests.len());
    }

    #[tokio::test]
    async fn plain_http_goes_only_to_allowed_hosts() {
        let full = |uri: &'static str| [(ENV_FULL_URI, uri)];
        assert!(uri_of(&full("http://127.0.0.1:8080/creds")).await.is_ok());
        assert!(uri_of(&full("http://[::1]/creds")).await.is_ok());
        assert!(uri_of(&full("http://[::ffff:127.0.0.1]/creds"))
            .await
            .is_ok());
        assert!(uri_of(&full("http://pod-identity/creds")).await.is_ok());
        for bad in [
            "http://192.168.10.120/creds",
            "http://mixed/creds",
            "http://example.com/creds",
            "http://169.254.169.254/creds",
        ] {
            let err = uri_of(&full(bad)).await.unwrap_err();
            assert!(err.contains("is none of those"), "{bad}: {err}");
        }
        assert!(uri_of(&full("https://example.com/creds")).await.is_ok());
        let err = uri_of(&full("ftp://127.0.0.1/creds")).await.unwrap_err();
        assert!(err.contains("http or https"), "{err}");
        let err = uri_of(&full("not a uri")).await.unwrap_err();
        assert!(err.contains("uri was invalid"), "{err}");
    }

    #[tokio::test]
    async fn the_system_resolver_finds_localhost_on_loopback() {
        let addrs = TokioDns.resolve("localhost".to_owned()).await.unwrap();
        assert!(!addrs.is_empty() && addrs.iter().all(|a| a.is_loopback()));
    }

    fn ok_body() -> &'static str {
        r#"{"AccessKeyId": "AKID", "SecretAccessKey": "SECRET", "Token": "TOKEN",
            "AccountId": "123456789012", "Expiration": "2009-02-13T23:31:30Z"}"#
    }

    fn provider(
        vars: &[(&str, &str)],
        files: &[(&str, &str)],
        replay: &ReplayClient,
    ) -> EcsProvider {
        let config = ProviderConfig::empty()
            .with_env(Env::from_vars(vars.iter().copied()))
            .with_fs(Fs::from_map(
                files
                    .iter()
                    .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())),
            ))
            .with_http_client(Arc::new(replay.clone()));
        EcsProvider::new(config).with_dns(FakeDns)
    }

    #[tokio::test]
    async fn loads_with_the_token_and_rereads_the_token_file() {
        let replay = ReplayClient::new();
        replay.push_json(200, ok_body());
        let p = provider(
            &[
                (ENV_RELATIVE_URI, "/v2/credentials/abc"),
                (ENV_TOKEN, "Basic password"),
            ],
            &[],
            &replay,
        );
        let c = p.provide_credentials().await.unwrap();
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("AKID", "SECRET", Some("TOKEN"))
        );
        assert_eq!(c.account_id(), Some("123456789012"));
        assert_eq!(c.provider_name(), "EcsContainer");
        let sent = &replay.requests()[0];
        assert_eq!(sent.method(), "GET");
        assert_eq!(sent.uri(), "http://169.254.170.2/v2/credentials/abc");
        assert_eq!(sent.headers()["authorization"], "Basic password");
        assert_eq!(sent.headers()["accept"], "application/json");
        assert!(
            !format!("{sent:?}").contains("password"),
            "Debug leaks the token"
        );

        // The file wins over the variable.
        let replay = ReplayClient::new();
        replay.push_json(200, ok_body());
        let p = provider(
            &[
                (ENV_FULL_URI, "http://169.254.170.23/v1/credentials"),
                (ENV_TOKEN, "from-env"),
                (ENV_TOKEN_FILE, "/token"),
            ],
            &[("/token", "from-file")],
            &replay,
        );
        p.provide_credentials().await.unwrap();
        assert_eq!(replay.requests()[0].headers()["authorization"], "from-file");

        // A token with a line break is refused before anything is sent.
        let replay = ReplayClient::new();
        for files in [&[("/token", "abc\n")][..], &[("/token", "a\rb")][..]] {
            let p = provider(
                &[(ENV_RELATIVE_URI, "/c"), (ENV_TOKEN_FILE, "/token")],
                files,
                &replay,
            );
            let err = p.provide_credentials().await.unwrap_err();
            assert!(err.to_string().contains("line break"), "{err}");
            assert!(!err.to_string().contains("abc"), "{err}");
        }
        let p = provider(
            &[(ENV_RELATIVE_URI, "/c"), (ENV_TOKEN_FILE, "/missing")],
            &[],
            &replay,
        );
        let err = p.provide_credentials().await.unwrap_err();
        assert!(err.to_string().contains("/missing"), "{err}");
        assert!(replay.requests().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn retries_server_errors_and_broken_answers_but_not_refusals() {
        let replay = ReplayClient::new();
        replay.push_json(500, "{}");
        replay.push_json(200, "not json");
        replay.push_json(200, ok_body());
        let p = provider(&[(ENV_RELATIVE_URI, "/c")], &[], &replay);
        assert_eq!(
            p.provide_credentials().await.unwrap().access_key_id(),
            "AKID"
        );
        assert_eq!(replay.requests().len(), 3);

        let replay = ReplayClient::new();
        replay.push_json(400, r#"{"code": "Denied", "message": "not yours"}"#);
        let p = provider(&[(ENV_RELATIVE_URI, "/c")], &[], &replay);
        let err = p.provide_credentials().await.unwrap_err();
        assert!(err.to_string().contains("[Denied] not yours"), "{err}");
        assert_eq!(replay.requests().len(), 1);

        // Three attempts that hang: each ends at the attempt timeout, then the call fails.
        let replay = ReplayClient::new();
        for _ in 0..3 {
            replay.push(Replay::Hang);
        }
        let p = provider(&[(ENV_RELATIVE_URI, "/c")], &[], &replay);
        let err = p.provide_credentials().await.unwrap_err();
        assert!(err.to_string().contains("after 3 attempts"), "{err}");
        assert_eq!(replay.requests().len(), 3);
    }

    #[tokio::test]
    async fn unconfigured_is_not_loaded() {
        let replay = ReplayClient::new();
        let err = provider(&[], &[], &replay)
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(err.is_not_loaded());
    }
}
