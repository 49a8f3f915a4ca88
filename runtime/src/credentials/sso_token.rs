//! The SSO access token that `aws sso login` caches in `~/.aws/sso/cache/<key>.json`,
//! where `<key>` is the SHA-1 (hex) of the `sso_session` name, or of the start URL for the
//! legacy profile keys.
//!
//! The token is served while more than 5 minutes remain. Closer to its expiry, a token of an
//! `sso_session` is refreshed through SSO OIDC `CreateToken` (grant `refresh_token`, with the
//! client registration cached beside it), at most once every 30 seconds, and the new token
//! is written back to the cache file for the CLI and other SDKs. A failed refresh still
//! serves the old token until it expires. A legacy token is never refreshed.

use std::time::{Duration, SystemTime};

use super::profile_file::{expand_home, Os, Profile, ProfileSet};
use super::provider_config::ProviderConfig;
use super::sso::{self, Service};
use super::CredentialsError;
use crate::http::BoxFuture;
use crate::json::{Map, Value};
use crate::time::{DateTime, Format};
use crate::token::{ProvideToken, Token, TokenError};

/// A token is refreshed once less than this remains.
const REFRESH_BUFFER: Duration = Duration::from_secs(5 * 60);
/// At most one refresh attempt per this long.
const REFRESH_INTERVAL: Duration = Duration::from_secs(30);

/// Where an SSO token comes from: a session (`sso_session`) or the legacy profile keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SsoSession {
    /// The `sso_session` name; `None` for the legacy keys.
    pub(crate) name: Option<String>,
    pub(crate) start_url: String,
    pub(crate) region: String,
}

impl SsoSession {
    /// The session profile `name` uses, or `None` when it uses no SSO at all. Missing keys,
    /// and legacy keys contradicting the session, are errors naming them.
    pub(crate) fn from_profile(
        files: &ProfileSet,
        name: &str,
        profile: &Profile,
    ) -> Result<Option<Self>, CredentialsError> {
        let invalid = |what: String| CredentialsError::invalid_configuration(what);
        if let Some(session_name) = profile.get("sso_session") {
            let section = files.sso_session(session_name).ok_or_else(|| {
                invalid(format!(
                    "profile `{name}` uses sso_session `{session_name}`, but there is no \
                     [sso-session {session_name}] section in the config file"
                ))
            })?;
            let key = |k: &str| {
                section
                    .get(k)
                    .map(str::to_owned)
                    .ok_or_else(|| invalid(format!("[sso-session {session_name}] has no `{k}`")))
            };
            let session = SsoSession {
                name: Some(session_name.to_owned()),
                start_url: key("sso_start_url")?,
                region: key("sso_region")?,
            };
            // The legacy keys may be repeated in the profile, but must agree.
            for (k, v) in [
                ("sso_start_url", &session.start_url),
                ("sso_region", &session.region),
            ] {
                if profile.get(k).is_some_and(|p| p != v) {
                    return Err(invalid(format!(
                        "profile `{name}` sets `{k}` to another value than its \
                         [sso-session {session_name}]"
                    )));
                }
            }
            return Ok(Some(session));
        }
        match (profile.get("sso_start_url"), profile.get("sso_region")) {
            (None, None) if !profile.contains_key("sso_account_id") => Ok(None),
            (Some(start_url), Some(region)) => Ok(Some(SsoSession {
                name: None,
                start_url: start_url.to_owned(),
                region: region.to_owned(),
            })),
            (None, _) => Err(invalid(format!(
                "profile `{name}` uses SSO but has neither `sso_session` nor `sso_start_url`"
            ))),
            (Some(_), None) => Err(invalid(format!(
                "profile `{name}` uses SSO but has no `sso_region`"
            ))),
        }
    }

    /// The cache file's name: SHA-1 of the session name, else of the start URL.
    fn cache_key(&self) -> String {
        let input = self.name.as_deref().unwrap_or(&self.start_url);
        let digest =
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, input.as_bytes());
        let mut hex = String::with_capacity(40);
        for byte in digest.as_ref() {
            hex.push_str(&format!("{byte:02x}"));
        }
        hex
    }
}

/// The cached token file, parsed; the document is kept whole to be written back.
struct CachedToken {
    document: Map<String, Value>,
    access_token: String,
    expires_at: SystemTime,
}

impl CachedToken {
    fn text(&self, key: &str) -> Option<&str> {
        self.document
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }
}

/// The SSO access token of one session; see the [module](self) documentation.
#[derive(Debug)]
pub struct SsoTokenProvider {
    config: ProviderConfig,
    session: SsoSession,
    state: tokio::sync::Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    token: Option<Token>,
    last_refresh: Option<SystemTime>,
}

impl SsoTokenProvider {
    pub(crate) fn new(config: ProviderConfig, session: SsoSession) -> Self {
        Self {
            config,
            session,
            state: tokio::sync::Mutex::new(State::default()),
        }
    }

    fn cache_path(&self) -> String {
        let key = self.session.cache_key();
        expand_home(
            &format!("~/.aws/sso/cache/{key}.json"),
            self.config.env(),
            Os::current(),
        )
    }

    async fn read_cache(&self, path: &str) -> Result<CachedToken, CredentialsError> {
        let bytes = self
            .config
            .fs()
            .read(std::path::Path::new(path))
            .await
            .map_err(|e| {
                // The path last: the cause follows it in an error chain, as the official
                // SDK's message has it.
                CredentialsError::provider_error(format!(
                    "no SSO token (run `aws sso login`): failed to read `{path}`"
                ))
                .with_source(e)
            })?;
        let bad = |what: &str| {
            CredentialsError::invalid_configuration(format!(
                "the SSO token cache `{path}` {what}; run `aws sso login`"
            ))
        };
        let document = match crate::json::from_slice(&bytes) {
            Ok(Value::Object(map)) => map,
            _ => return Err(bad("is not a JSON object")),
        };
        let access_token = document
            .get("accessToken")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| bad("has no `accessToken`"))?
            .to_owned();
        let expires_at = document
            .get("expiresAt")
            .and_then(Value::as_str)
            .and_then(|t| DateTime::from_str(t, Format::DateTime).ok())
            .and_then(|t| t.to_system_time())
            .ok_or_else(|| bad("has no valid `expiresAt`"))?;
        Ok(CachedToken {
            document,
            access_token,
            expires_at,
        })
    }

    fn refreshable(&self, cached: &CachedToken, now: SystemTime) -> bool {
        let registration_valid = cached
            .text("registrationExpiresAt")
            .and_then(|t| DateTime::from_str(t, Format::DateTime).ok())
            .and_then(|t| t.to_system_time())
            .is_some_and(|t| now < t);
        self.session.name.is_some()
            && registration_valid
            && ["refreshToken", "clientId", "clientSecret"]
                .iter()
                .all(|k| cached.text(k).is_some())
    }

    /// SSO OIDC `CreateToken` with the refresh token; the new token and the document to
    /// write back.
    async fn refresh(
        &self,
        cached: &CachedToken,
    ) -> Result<(Token, Map<String, Value>), CredentialsError> {
        let files = super::profile_file::load(&self.config).await?;
        let profile = files.profile(&self.config.profile_name());
        let endpoint = sso::service_endpoint(
            &self.config,
            &files,
            profile,
            Service::SsoOidc,
            &self.session.region,
        )?;
        let mut body = Map::new();
        for (field, key) in [
            ("clientId", "clientId"),
            ("clientSecret", "clientSecret"),
            ("refreshToken", "refreshToken"),
        ] {
            let value = cached.text(key).unwrap_or_default().to_owned();
            body.insert(field.to_owned(), Value::String(value));
        }
        body.insert(
            "grantType".to_owned(),
            Value::String("refresh_token".to_owned()),
        );
        let body = crate::http::Bytes::from(crate::json::to_vec(&Value::Object(body)));
        let uri = format!("{endpoint}/token");
        let make = || {
            ::http::Request::builder()
                .method("POST")
                .uri(&uri)
                .header("content-type", "application/json")
                .header("content-length", body.len())
                .body(body.clone())
                .map_err(|e| {
                    CredentialsError::invalid_configuration(format!(
                        "cannot build the SSO OIDC CreateToken request: {e}"
                    ))
                })
        };
        let response = sso::call(&self.config, make, "SSO OIDC CreateToken").await?;
        if !response.status().is_success() {
            return Err(sso::failed("SSO OIDC CreateToken", &response));
        }
        let bad = |what: &str| {
            CredentialsError::provider_error(format!("SSO OIDC CreateToken answered {what}"))
        };
        let answer =
            crate::json::from_slice(response.body()).map_err(|_| bad("a body that is not JSON"))?;
        let access_token = answer
            .get("accessToken")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| bad("no `accessToken`"))?;
        let expires_in = answer
            .get("expiresIn")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad("no `expiresIn`"))?;
        let expiry = self.config.now() + Duration::from_secs(expires_in);
        let expires_text = DateTime::from_secs(
            expiry
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
        )
        .fmt(Format::DateTime)
        .map_err(|_| bad("an `expiresIn` out of range"))?;
        let mut document = cached.document.clone();
        document.insert(
            "accessToken".to_owned(),
            Value::String(access_token.to_owned()),
        );
        document.insert("expiresAt".to_owned(), Value::String(expires_text));
        if let Some(refresh) = answer.get("refreshToken").and_then(Value::as_str) {
            document.insert("refreshToken".to_owned(), Value::String(refresh.to_owned()));
        }
        Ok((Token::new(access_token, Some(expiry)), document))
    }

    async fn load(&self) -> Result<Token, TokenError> {
        let mut state = self.state.lock().await;
        let now = self.config.now();
        if let Some(token) = &state.token {
            if token.expiry().is_some_and(|e| now + REFRESH_BUFFER < e) {
                return Ok(token.clone());
            }
        }
        let path = self.cache_path();
        let cached = self.read_cache(&path).await?;
        let token = Token::new(cached.access_token.clone(), Some(cached.expires_at));
        if now + REFRESH_BUFFER < cached.expires_at {
            state.token = Some(token.clone());
            return Ok(token);
        }
        let may_try = state
            .last_refresh
            .is_none_or(|last| now >= last + REFRESH_INTERVAL);
        if self.refreshable(&cached, now) && may_try {
            state.last_refresh = Some(now);
            match self.refresh(&cached).await {
                Ok((fresh, document)) => {
                    let bytes = crate::json::to_vec(&Value::Object(document));
                    if let Err(e) = self
                        .config
                        .fs()
                        .write(std::path::Path::new(&path), bytes)
                        .await
                    {
                        tracing::warn!("cannot write the refreshed SSO token to {path}: {e}");
                    }
                    state.token = Some(fresh.clone());
                    return Ok(fresh);
                }
                Err(e) if now < cached.expires_at => {
                    tracing::warn!(
                        "refreshing the SSO token failed ({e}); using it until it expires"
                    );
                }
                Err(e) => return Err(e),
            }
        }
        if now < cached.expires_at {
            return Ok(token);
        }
        let session = match &self.session.name {
            Some(name) => format!("SSO session `{name}`"),
            None => format!("SSO start URL {}", self.session.start_url),
        };
        Err(CredentialsError::provider_error(format!(
            "the SSO token of {session} in `{path}` has expired and cannot be refreshed; \
             run `aws sso login`"
        )))
    }
}

impl ProvideToken for SsoTokenProvider {
    fn provide_token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        Box::pin(self.load())
    }
}

/// The SSO token of the active profile (`AWS_PROFILE`, else `default`): the default bearer
/// token chain. The profile is read on first use.
#[derive(Debug)]
pub struct ProfileTokenProvider {
    config: ProviderConfig,
    inner: tokio::sync::OnceCell<SsoTokenProvider>,
}

impl ProfileTokenProvider {
    /// Reads the profile through `config`.
    pub fn new(config: ProviderConfig) -> Self {
        Self {
            config,
            inner: tokio::sync::OnceCell::new(),
        }
    }

    async fn provider(&self) -> Result<&SsoTokenProvider, TokenError> {
        self.inner
            .get_or_try_init(|| async {
                let files = super::profile_file::load(&self.config).await?;
                let name = self.config.profile_name();
                let profile = files.profile(&name).ok_or_else(|| {
                    CredentialsError::not_loaded(format!(
                        "no bearer token: profile `{name}` not found ({})",
                        files.describe()
                    ))
                })?;
                let session =
                    SsoSession::from_profile(&files, &name, profile)?.ok_or_else(|| {
                        CredentialsError::not_loaded(format!(
                            "no bearer token: profile `{name}` has no sso_session"
                        ))
                    })?;
                Ok(SsoTokenProvider::new(self.config.clone(), session))
            })
            .await
    }
}

impl ProvideToken for ProfileTokenProvider {
    fn provide_token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        Box::pin(async move { self.provider().await?.provide_token().await })
    }
}

/// Path of the cache file for tests of other modules.
#[cfg(test)]
pub(crate) fn cache_file(home: &str, session: &SsoSession) -> std::path::PathBuf {
    std::path::PathBuf::from(format!(
        "{home}/.aws/sso/cache/{}.json",
        session.cache_key()
    ))
}
