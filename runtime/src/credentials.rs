//! AWS credentials and where they come from: static keys, the environment, the shared
//! `~/.aws/credentials` and `~/.aws/config` files, a chain of those, and a cache.
//!
//! Only what plain keys need is implemented here. SSO, assumed roles, IMDS and web identity
//! come from the official SDK through the optional `aws-config` feature (`SdkCredentials`).
//! Secrets never reach `Debug` output or error messages: parse errors name the file and the
//! line, not its text.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::error::BoxError;
use crate::http::BoxFuture;

/// An access key, its secret, and a session token for temporary credentials.
///
/// `Debug` shows the access key id and the provider; the secret and the token are redacted.
/// There is deliberately no `Display`.
#[derive(Clone)]
pub struct Credentials {
    inner: Arc<CredentialsInner>,
}

struct CredentialsInner {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
    provider_name: &'static str,
}

impl Credentials {
    /// Credentials from their parts. `expiry` is when temporary credentials stop working;
    /// `provider_name` says where they came from, for messages.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiry: Option<SystemTime>,
        provider_name: &'static str,
    ) -> Self {
        Self {
            inner: Arc::new(CredentialsInner {
                access_key_id: access_key_id.into(),
                secret_access_key: secret_access_key.into(),
                session_token,
                expiry,
                provider_name,
            }),
        }
    }

    /// The access key id (`AKIA...` or `ASIA...`); not a secret.
    pub fn access_key_id(&self) -> &str {
        &self.inner.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.inner.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.inner.session_token.as_deref()
    }

    /// When the credentials expire; `None` for long-term keys.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.inner.expiry
    }

    /// Which provider produced the credentials.
    pub fn provider_name(&self) -> &'static str {
        self.inner.provider_name
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Credentials");
        d.field("provider_name", &self.inner.provider_name)
            .field("access_key_id", &self.inner.access_key_id)
            .field("secret_access_key", &"** redacted **");
        if self.inner.session_token.is_some() {
            d.field("session_token", &"** redacted **");
        }
        d.field("expiry", &self.inner.expiry).finish()
    }
}

/// What kind of failure a [`CredentialsError`] is; decides whether a chain tries the next
/// provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// This provider has nothing to offer (no variables set, no such profile): a chain goes
    /// on to the next provider.
    NotLoaded,
    /// The provider is configured but broken (a key without its secret, a malformed file): a
    /// chain stops, because going on would silently pick another identity.
    InvalidConfiguration,
    /// The provider failed for another reason (a file could not be read, a service failed).
    ProviderError,
}

/// Why no credentials could be provided. Messages never contain a secret.
#[derive(Debug)]
pub struct CredentialsError {
    kind: CredentialsErrorKind,
    message: String,
    source: Option<BoxError>,
}

impl CredentialsError {
    /// The provider has no credentials to offer; a chain tries the next one.
    pub fn not_loaded(message: impl Into<String>) -> Self {
        Self::new(CredentialsErrorKind::NotLoaded, message)
    }

    /// The provider's configuration is broken.
    pub fn invalid_configuration(message: impl Into<String>) -> Self {
        Self::new(CredentialsErrorKind::InvalidConfiguration, message)
    }

    /// The provider failed.
    pub fn provider_error(message: impl Into<String>) -> Self {
        Self::new(CredentialsErrorKind::ProviderError, message)
    }

    fn new(kind: CredentialsErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the underlying error.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// Whether the provider simply had nothing to offer.
    pub fn is_not_loaded(&self) -> bool {
        self.kind == CredentialsErrorKind::NotLoaded
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

/// Something that produces credentials, possibly asynchronously (from a file, a service).
pub trait ProvideCredentials: Send + Sync + fmt::Debug + 'static {
    /// Produce credentials, or say why not.
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

/// A credentials provider shared by a client and its clones.
pub type SharedCredentialsProvider = Arc<dyn ProvideCredentials>;

/// Static credentials provide themselves.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        (**self).provide_credentials()
    }
}

/// The credentials provider a client uses when given none: [`DefaultCredentialsChain`]
/// behind a [`CachedProvider`], so files are read once per credentials lifetime.
pub fn default_provider() -> SharedCredentialsProvider {
    Arc::new(CachedProvider::new(DefaultCredentialsChain::new()))
}

/// Where environment variables are read from: the process, or a fixed set in tests (so tests
/// never change the process environment, which other threads read at the same time).
///
/// An empty or all-whitespace value counts as unset, as in the AWS SDKs.
#[derive(Clone)]
pub struct Env {
    lookup: Arc<EnvLookup>,
}

type EnvLookup = dyn Fn(&str) -> Option<String> + Send + Sync;

impl Env {
    /// The process environment.
    pub fn process() -> Self {
        Self::from_fn(|name| std::env::var(name).ok())
    }

    /// A fixed set of variables; any other name is unset.
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars: BTreeMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self::from_fn(move |name| vars.get(name).cloned())
    }

    /// Variables looked up by a function.
    pub fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self {
            lookup: Arc::new(lookup),
        }
    }

    /// The value of `name`, or `None` when unset or blank.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|v| !v.trim().is_empty())
    }

    /// The home directory (`HOME`, else `USERPROFILE` on Windows-like systems).
    fn home(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }

    /// A path from `var`, with a leading `~` expanded, else `~/.aws/<default>`.
    fn aws_file(&self, var: &str, default: &str) -> Option<PathBuf> {
        match self.get(var) {
            Some(path) => {
                let rest = path.strip_prefix("~/").or_else(|| path.strip_prefix("~\\"));
                match (rest, self.home()) {
                    (Some(rest), Some(home)) => Some(home.join(rest)),
                    _ => Some(PathBuf::from(path)),
                }
            }
            None => self.home().map(|home| home.join(".aws").join(default)),
        }
    }
}

// The variables may hold secrets: print none of them.
impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Env { .. }")
    }
}

impl Default for Env {
    fn default() -> Self {
        Self::process()
    }
}

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::with_env(Env::process())
    }

    /// Reads `env` instead of the process environment.
    pub fn with_env(env: Env) -> Self {
        Self { env }
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let access_key_id = self
            .env
            .get("AWS_ACCESS_KEY_ID")
            .ok_or_else(|| CredentialsError::not_loaded("AWS_ACCESS_KEY_ID is not set"))?;
        // A key without its secret is a mistake, not an absence: falling through to a
        // profile would silently sign as someone else.
        let secret = self.env.get("AWS_SECRET_ACCESS_KEY").ok_or_else(|| {
            CredentialsError::invalid_configuration(
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            )
        })?;
        Ok(Credentials::new(
            access_key_id.trim(),
            secret.trim(),
            self.env
                .get("AWS_SESSION_TOKEN")
                .map(|t| t.trim().to_owned()),
            None,
            "environment",
        ))
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let result = self.load();
        Box::pin(async move { result })
    }
}

/// Credentials from a profile of the shared files `~/.aws/credentials` and `~/.aws/config`.
///
/// The profile is `AWS_PROFILE` (else `default`); the files are `AWS_SHARED_CREDENTIALS_FILE`
/// and `AWS_CONFIG_FILE` when set. The credentials file has `[name]` sections, the config
/// file `[profile name]` (and `[default]`); for a key in both, the credentials file wins.
/// Static keys only: a profile that uses `role_arn`, SSO or `credential_process` is reported
/// as unsupported (use the `aws-config` feature for those).
#[derive(Debug, Clone, Default)]
pub struct ProfileProvider {
    env: Env,
    profile: Option<String>,
}

impl ProfileProvider {
    /// Reads the files and the profile name the process environment points at.
    pub fn new() -> Self {
        Self::with_env(Env::process())
    }

    /// Takes `HOME`, `AWS_PROFILE` and the file variables from `env`.
    pub fn with_env(env: Env) -> Self {
        Self { env, profile: None }
    }

    /// Uses profile `name` whatever `AWS_PROFILE` says.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let name = self
            .profile
            .clone()
            .unwrap_or_else(|| profile_name(&self.env));
        let credentials_path = self
            .env
            .aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
        let config_path = self.env.aws_file("AWS_CONFIG_FILE", "config");
        let from_credentials =
            lookup_profile(credentials_path.as_deref(), FileKind::Credentials, &name)?;
        let from_config = lookup_profile(config_path.as_deref(), FileKind::Config, &name)?;
        let where_ = describe_paths(credentials_path.as_deref(), config_path.as_deref());

        let profile = match (from_credentials, from_config) {
            (Lookup::FileMissing, Lookup::FileMissing) => {
                return Err(CredentialsError::not_loaded(format!(
                    "no shared credentials or config file ({where_})"
                )))
            }
            (Lookup::Found(creds), Lookup::Found(mut config)) => {
                // The credentials file wins for a key set in both.
                config.extend(creds);
                config
            }
            (Lookup::Found(p), _) | (_, Lookup::Found(p)) => p,
            _ => {
                return Err(CredentialsError::not_loaded(format!(
                    "profile `{name}` not found ({where_})"
                )))
            }
        };

        match profile.get("aws_access_key_id") {
            Some(access_key_id) if !access_key_id.is_empty() => {
                let secret = profile
                    .get("aws_secret_access_key")
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| {
                        CredentialsError::invalid_configuration(format!(
                            "profile `{name}` sets aws_access_key_id but not aws_secret_access_key ({where_})"
                        ))
                    })?;
                let token = profile
                    .get("aws_session_token")
                    .or_else(|| profile.get("aws_security_token"))
                    .filter(|t| !t.is_empty())
                    .cloned();
                Ok(Credentials::new(
                    access_key_id.clone(),
                    secret.clone(),
                    token,
                    None,
                    "profile",
                ))
            }
            _ => {
                const UNSUPPORTED: &[&str] = &[
                    "role_arn",
                    "sso_session",
                    "sso_start_url",
                    "credential_process",
                    "web_identity_token_file",
                ];
                match UNSUPPORTED.iter().find(|key| profile.contains_key(key)) {
                    Some(key) => Err(CredentialsError::not_loaded(format!(
                        "profile `{name}` gets credentials through `{key}`, which this client does \
                         not implement; enable the `aws-config` feature and use SdkCredentials"
                    ))),
                    None => Err(CredentialsError::not_loaded(format!(
                        "profile `{name}` has no aws_access_key_id ({where_})"
                    ))),
                }
            }
        }
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        // The files are small and read at most once per cached credentials lifetime; blocking
        // for that long is cheaper than a thread hop.
        let result = self.load();
        Box::pin(async move { result })
    }
}

/// The environment, then the shared profile files: the first that has credentials wins.
///
/// A provider that has none ([`CredentialsErrorKind::NotLoaded`]) passes on to the next; one
/// that is misconfigured stops the chain. The final error says what each provider answered.
#[derive(Debug, Clone, Default)]
pub struct DefaultCredentialsChain {
    environment: EnvironmentProvider,
    profile: ProfileProvider,
}

impl DefaultCredentialsChain {
    /// The chain over the process environment.
    pub fn new() -> Self {
        Self::with_env(Env::process())
    }

    /// The chain over `env` (for tests, or a configuration read elsewhere).
    pub fn with_env(env: Env) -> Self {
        Self {
            environment: EnvironmentProvider::with_env(env.clone()),
            profile: ProfileProvider::with_env(env),
        }
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let providers: [(&str, &dyn ProvideCredentials); 2] = [
                ("environment", &self.environment),
                ("profile", &self.profile),
            ];
            let mut said = Vec::new();
            for (name, provider) in providers {
                match provider.provide_credentials().await {
                    Ok(credentials) => return Ok(credentials),
                    Err(e) if e.is_not_loaded() => said.push(format!("{name}: {e}")),
                    Err(e) => {
                        said.push(format!("{name}: {e}"));
                        let message = format!("no usable AWS credentials: {}", said.join("; "));
                        return Err(CredentialsError {
                            kind: e.kind,
                            message,
                            source: Some(Box::new(e)),
                        });
                    }
                }
            }
            Err(CredentialsError::not_loaded(format!(
                "no AWS credentials found: {}",
                said.join("; ")
            )))
        })
    }
}

/// Caches the credentials of another provider until they come close to expiring.
///
/// Credentials are refreshed once fewer than `buffer` (5 minutes unless set) remain before
/// their expiry; credentials without an expiry are kept for good. One refresh runs at a
/// time: concurrent callers wait for it and share its result. When a refresh fails while
/// the cached credentials have not yet expired, those are still returned.
pub struct CachedProvider<P> {
    inner: P,
    buffer: Duration,
    cached: tokio::sync::Mutex<Option<Credentials>>,
}

impl<P: ProvideCredentials> CachedProvider<P> {
    /// The default refresh margin before expiry.
    pub const DEFAULT_BUFFER: Duration = Duration::from_secs(5 * 60);

    /// Caches `inner` with the default 5-minute refresh margin.
    pub fn new(inner: P) -> Self {
        Self {
            inner,
            buffer: Self::DEFAULT_BUFFER,
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// Refreshes once less than `buffer` remains before expiry.
    pub fn with_buffer(mut self, buffer: Duration) -> Self {
        self.buffer = buffer;
        self
    }
}

impl<P: fmt::Debug> fmt::Debug for CachedProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("CachedProvider");
        d.field("inner", &self.inner).field("buffer", &self.buffer);
        // `Credentials`' own Debug redacts the secrets.
        match self.cached.try_lock() {
            Ok(cached) => d.field("cached", &*cached),
            Err(_) => d.field("cached", &"<refreshing>"),
        };
        d.finish()
    }
}

impl<P: ProvideCredentials> ProvideCredentials for CachedProvider<P> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            // Held across the refresh, so there is only ever one in flight.
            let mut cached = self.cached.lock().await;
            let now = SystemTime::now();
            if let Some(credentials) = cached.as_ref() {
                let fresh = match credentials.expiry() {
                    None => true,
                    Some(expiry) => now.checked_add(self.buffer).is_some_and(|t| t < expiry),
                };
                if fresh {
                    return Ok(credentials.clone());
                }
            }
            match self.inner.provide_credentials().await {
                Ok(credentials) => {
                    *cached = Some(credentials.clone());
                    Ok(credentials)
                }
                Err(error) => match cached.as_ref() {
                    Some(old) if old.expiry().is_some_and(|expiry| now < expiry) => {
                        tracing::warn!(
                            "refreshing AWS credentials failed ({error}); using the cached ones until they expire"
                        );
                        Ok(old.clone())
                    }
                    _ => Err(error),
                },
            }
        })
    }
}

#[cfg(feature = "aws-config")]
pub use sdk::SdkCredentials;

#[cfg(feature = "aws-config")]
mod sdk {
    use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};
    use aws_credential_types::provider::error::CredentialsError as SdkError;
    use aws_credential_types::provider::{
        ProvideCredentials as SdkProvideCredentials, SharedCredentialsProvider,
    };

    /// Adapts a credentials provider of the official AWS SDK (`aws-config`'s default chain,
    /// SSO, IMDS, web identity...) to this crate's [`ProvideCredentials`].
    ///
    /// ```ignore
    /// let sdk_config = aws_config::load_from_env().await;
    /// let provider = SdkCredentials::new(sdk_config.credentials_provider().unwrap());
    /// ```
    #[derive(Debug, Clone)]
    pub struct SdkCredentials(pub SharedCredentialsProvider);

    impl SdkCredentials {
        /// Wraps any SDK provider.
        pub fn new(provider: impl SdkProvideCredentials + 'static) -> Self {
            Self(SharedCredentialsProvider::new(provider))
        }
    }

    impl ProvideCredentials for SdkCredentials {
        fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
            Box::pin(async move {
                match self.0.provide_credentials().await {
                    Ok(c) => Ok(Credentials::new(
                        c.access_key_id(),
                        c.secret_access_key(),
                        c.session_token().map(str::to_owned),
                        c.expiry(),
                        "aws-config",
                    )),
                    Err(e) => {
                        let mapped = match &e {
                            SdkError::CredentialsNotLoaded(_) => CredentialsError::not_loaded,
                            SdkError::InvalidConfiguration(_) => {
                                CredentialsError::invalid_configuration
                            }
                            _ => CredentialsError::provider_error,
                        };
                        Err(mapped(format!("the AWS SDK provider failed: {e}")).with_source(e))
                    }
                }
            })
        }
    }
}

/// The profile `AWS_PROFILE` names, else `default`.
pub(crate) fn profile_name(env: &Env) -> String {
    env.get("AWS_PROFILE")
        .map(|p| p.trim().to_owned())
        .unwrap_or_else(|| "default".to_owned())
}

/// The config file `AWS_CONFIG_FILE` names, else `~/.aws/config`.
pub(crate) fn config_file(env: &Env) -> Option<PathBuf> {
    env.aws_file("AWS_CONFIG_FILE", "config")
}

/// The two shared files, which spell section names differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// `[name]` sections.
    Credentials,
    /// `[profile name]` sections, and `[default]`.
    Config,
}

/// What looking a profile up in one file found.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// There is no such file (or no home directory to find it in).
    FileMissing,
    /// The file has no section for the profile.
    ProfileMissing,
    /// The profile's properties, keys lowercase.
    Found(Profile),
}

/// A profile's properties in the order they were merged; a later one overrides an earlier
/// one of the same key. A plain `Vec`, as [`Section`] has, rather than one more map type
/// to compile: profiles are small and read once.
#[derive(Debug, Default)]
pub(crate) struct Profile(Vec<(String, String)>);

impl Profile {
    /// The value of `key`: its last setting.
    pub(crate) fn get(&self, key: &str) -> Option<&String> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Adds `other`'s properties, which override this profile's.
    fn extend(&mut self, other: Profile) {
        self.0.extend(other.0);
    }
}

/// Looks profile `name` up in the file at `path`.
pub(crate) fn lookup_profile(
    path: Option<&Path>,
    kind: FileKind,
    name: &str,
) -> Result<Lookup, CredentialsError> {
    let Some(path) = path else {
        return Ok(Lookup::FileMissing);
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Lookup::FileMissing),
        Err(e) => {
            return Err(CredentialsError::provider_error(format!(
                "cannot read {}: {e}",
                path.display()
            ))
            .with_source(e))
        }
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        CredentialsError::invalid_configuration(format!("{} is not UTF-8", path.display()))
    })?;
    let sections = parse_sections(&text).map_err(|(line, what)| {
        CredentialsError::invalid_configuration(format!("{}:{line}: {what}", path.display()))
    })?;
    Ok(select_profile(&sections, kind, name))
}

/// One `[...]` section as written; its properties in file order.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Section {
    header: String,
    properties: Vec<(String, String)>,
}

/// Parses the INI dialect of the shared files: `[section]` headers, `key = value`
/// properties, indented continuation lines, and `#`/`;` comments (whole lines; at the end of
/// a header; and after whitespace at the end of a value, so a secret may contain `#`).
///
/// The error is a 1-based line number and what is wrong with it. It never quotes the line,
/// which may hold a secret.
pub(crate) fn parse_sections(text: &str) -> Result<Vec<Section>, (usize, &'static str)> {
    let mut sections: Vec<Section> = Vec::new();
    // Indentation of the last property of the current section: a line indented deeper
    // continues it, as in Python's configparser (which the AWS CLI uses).
    let mut property_indent: Option<usize> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if trimmed.starts_with('[') {
            let header = strip_comment(trimmed, false);
            let inner = header
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .ok_or((line_no, "a section header must end with `]`"))?;
            sections.push(Section {
                header: inner.trim().to_owned(),
                properties: Vec::new(),
            });
            property_indent = None;
            continue;
        }
        let section = sections
            .last_mut()
            .ok_or((line_no, "a property must follow a `[section]` header"))?;
        let indent = raw.len() - raw.trim_start().len();
        let continues = property_indent.is_some_and(|last| indent > last);
        if let (true, Some((_, value))) = (continues, section.properties.last_mut()) {
            // Continuation of the previous value (sub-properties such as `s3 =` blocks).
            if !value.is_empty() {
                value.push('\n');
            }
            value.push_str(strip_comment(trimmed, true));
            continue;
        }
        let (key, value) = trimmed
            .split_once('=')
            .ok_or((line_no, "expected `key = value`"))?;
        let key = key.trim();
        if key.is_empty() {
            return Err((line_no, "a property needs a name before `=`"));
        }
        section.properties.push((
            key.to_ascii_lowercase(),
            strip_comment(value.trim(), true).to_owned(),
        ));
        property_indent = Some(indent);
    }
    Ok(sections)
}

/// Cuts a `#` or `;` comment off `line`; in values only one that follows whitespace.
fn strip_comment(line: &str, needs_whitespace: bool) -> &str {
    let mut previous_is_space = false;
    for (index, c) in line.char_indices() {
        if (c == '#' || c == ';') && (previous_is_space || !needs_whitespace) {
            return line[..index].trim_end();
        }
        previous_is_space = c.is_whitespace();
    }
    line
}

/// Merges the sections that make up profile `name` in a file of `kind`; later sections and
/// properties override earlier ones.
pub(crate) fn select_profile(sections: &[Section], kind: FileKind, name: &str) -> Lookup {
    // Sections of rank 0 first, then rank 1, each in file order: in the config file,
    // `[profile default]` (rank 1) beats `[default]`. Two passes rather than a sort, which
    // would be one more sort instantiation to compile.
    let mut found = false;
    let mut properties = Vec::new();
    for rank in [0, 1] {
        for section in sections {
            if section_rank(&section.header, kind, name) == Some(rank) {
                found = true;
                properties.extend_from_slice(&section.properties);
            }
        }
    }
    if !found {
        return Lookup::ProfileMissing;
    }
    Lookup::Found(Profile(properties))
}

fn section_rank(header: &str, kind: FileKind, name: &str) -> Option<u8> {
    match kind {
        FileKind::Credentials => (header == name).then_some(0),
        FileKind::Config => {
            if let Some(rest) = header.strip_prefix("profile") {
                if rest.starts_with([' ', '\t']) && rest.trim() == name {
                    return Some(1);
                }
            }
            (name == "default" && header == "default").then_some(0)
        }
    }
}

fn describe_paths(credentials: Option<&Path>, config: Option<&Path>) -> String {
    let show = |p: Option<&Path>| match p {
        Some(p) => p.display().to_string(),
        None => "<no home directory>".to_owned(),
    };
    format!("looked in {} and {}", show(credentials), show(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(lookup: Lookup) -> BTreeMap<String, String> {
        match lookup {
            Lookup::Found(p) => {
                let mut map = BTreeMap::new();
                for (k, v) in p.0 {
                    map.insert(k, v);
                }
                map
            }
            other => panic!("expected a profile, got {other:?}"),
        }
    }

    #[test]
    fn parses_comments_whitespace_and_continuations() {
        let text = "\
# a comment
; another
[default]   # comment after a header
aws_access_key_id = AKID   ; trailing comment
aws_secret_access_key=se#cret
  \t
[profile  dev ]
region = eu-west-1
s3 =
  max_concurrent_requests = 10
  addressing_style = path
";
        let sections = parse_sections(text).unwrap();
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].header, "default");
        assert_eq!(
            sections[0].properties,
            vec![
                ("aws_access_key_id".to_owned(), "AKID".to_owned()),
                ("aws_secret_access_key".to_owned(), "se#cret".to_owned()),
            ]
        );
        assert_eq!(sections[1].header, "profile  dev");
        let dev = props(select_profile(&sections, FileKind::Config, "dev"));
        assert_eq!(dev["region"], "eu-west-1");
        assert_eq!(
            dev["s3"],
            "max_concurrent_requests = 10\naddressing_style = path"
        );
    }

    #[test]
    fn section_names_differ_between_the_files() {
        let sections = parse_sections("[dev]\na=1\n[profile dev]\na=2\n[default]\na=3\n").unwrap();
        assert_eq!(
            props(select_profile(&sections, FileKind::Credentials, "dev"))["a"],
            "1"
        );
        assert_eq!(
            props(select_profile(&sections, FileKind::Config, "dev"))["a"],
            "2"
        );
        assert_eq!(
            props(select_profile(&sections, FileKind::Config, "default"))["a"],
            "3"
        );
        assert!(matches!(
            select_profile(&sections, FileKind::Config, "other"),
            Lookup::ProfileMissing
        ));
        // `[profiledev]` is not `[profile dev]`.
        let sections = parse_sections("[profiledev]\na=1\n").unwrap();
        assert!(matches!(
            select_profile(&sections, FileKind::Config, "dev"),
            Lookup::ProfileMissing
        ));
    }

    #[test]
    fn profile_default_beats_bare_default_and_later_sections_override() {
        let text = "[profile default]\na=prefixed\n[default]\na=bare\nb=bare\n[profile default]\nc=again\n";
        let sections = parse_sections(text).unwrap();
        let p = props(select_profile(&sections, FileKind::Config, "default"));
        assert_eq!(p["a"], "prefixed");
        assert_eq!(p["b"], "bare");
        assert_eq!(p["c"], "again");
    }

    #[test]
    fn errors_name_the_line_and_never_quote_it() {
        for (text, line) in [
            ("aws_secret_access_key = s3cr3t\n", 1),
            ("[default]\n\nthis line has s3cr3t but no equals sign\n", 3),
            ("[default\n", 1),
            ("[default]\n= s3cr3t\n", 2),
            ("[default]\n  s3cr3t\n", 2),
        ] {
            let (got, what) = parse_sections(text).unwrap_err();
            assert_eq!(got, line, "{text:?}");
            assert!(!what.contains("s3cr3t"));
        }
    }
}
