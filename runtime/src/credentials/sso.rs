//! Credentials of an IAM Identity Center (SSO) role: the profile's `sso_account_id` and
//! `sso_role_name`, exchanged for credentials with SSO `GetRoleCredentials` and the cached
//! SSO access token ([`super::sso_token`]).
//!
//! Two profile layouts, as in the AWS CLI:
//! - `sso_session = name`, with `[sso-session name]` holding `sso_start_url` and
//!   `sso_region`: the token is cached under the session name and refreshed through SSO OIDC;
//! - the legacy keys `sso_start_url` and `sso_region` in the profile itself: the token is
//!   cached under the start URL and never refreshed (run `aws sso login` again).
//!
//! `GetRoleCredentials` is the smallest restJson1 call there is: an unsigned
//! `GET /federation/credentials?role_name=..&account_id=..` with the token in the
//! `x-amz-sso_bearer_token` header, written here by hand rather than generated. Its endpoint
//! follows the SSO endpoint rules (FIPS, dual-stack, partition DNS suffix) and the endpoint
//! overrides (`AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL`, the profile's `services` section
//! and `endpoint_url`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ::http::header::HeaderValue;

use super::profile_file::{Profile, ProfileSet};
use super::provider_config::ProviderConfig;
use super::sso_token::{SsoSession, SsoTokenProvider};
use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::http::{BoxFuture, HttpRequest, HttpResponse};
use crate::json::Value;
use crate::token::ProvideToken;

/// Attempts per SSO or SSO OIDC call (the standard retry mode's 3).
const MAX_ATTEMPTS: u32 = 3;
/// How long one attempt may take.
const ATTEMPT_TIMEOUT: Duration = crate::config::DEFAULT_ATTEMPT_TIMEOUT;
const INITIAL_BACKOFF: Duration = Duration::from_secs(1);

/// The services the credential providers call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// `portal.sso`: GetRoleCredentials.
    Sso,
    /// `oidc`: CreateToken.
    SsoOidc,
    /// `sts`: AssumeRole, AssumeRoleWithWebIdentity ([`super::sts`]).
    Sts,
}

impl Service {
    fn env_suffix(self) -> &'static str {
        match self {
            Service::Sso => "SSO",
            Service::SsoOidc => "SSO_OIDC",
            Service::Sts => "STS",
        }
    }

    fn services_key(self) -> &'static str {
        match self {
            Service::Sso => "sso",
            Service::SsoOidc => "sso_oidc",
            Service::Sts => "sts",
        }
    }

    fn host(self, fips: bool) -> &'static str {
        match (self, fips) {
            (Service::Sso, false) => "portal.sso",
            (Service::Sso, true) => "portal.sso-fips",
            (Service::SsoOidc, false) => "oidc",
            (Service::SsoOidc, true) => "oidc-fips",
            (Service::Sts, false) => "sts",
            (Service::Sts, true) => "sts-fips",
        }
    }
}

/// The partition of `region`: its name, DNS suffix and dual-stack DNS suffix, as
/// `partitions.json` has them (a test checks the two agree). Every partition supports FIPS
/// and dual-stack.
fn partition(region: &str) -> (&'static str, &'static str, &'static str) {
    const TABLE: &[(&str, &str, &str, &str)] = &[
        (
            "cn-",
            "aws-cn",
            "amazonaws.com.cn",
            "api.amazonwebservices.com.cn",
        ),
        (
            "eusc-de-",
            "aws-eusc",
            "amazonaws.eu",
            "api.amazonwebservices.eu",
        ),
        ("us-iso-", "aws-iso", "c2s.ic.gov", "api.aws.ic.gov"),
        ("us-isob-", "aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud"),
        (
            "eu-isoe-",
            "aws-iso-e",
            "cloud.adc-e.uk",
            "api.cloud-aws.adc-e.uk",
        ),
        (
            "us-isof-",
            "aws-iso-f",
            "csp.hci.ic.gov",
            "api.aws.hci.ic.gov",
        ),
        ("us-gov-", "aws-us-gov", "amazonaws.com", "api.aws"),
    ];
    TABLE
        .iter()
        .find(|(prefix, ..)| region.starts_with(prefix))
        .map_or(
            ("aws", "amazonaws.com", "api.aws"),
            |&(_, id, dns, dual)| (id, dns, dual),
        )
}

/// A region is one DNS label of letters, digits and `-`: anything else would let the
/// configuration steer the request to another host.
fn check_region(region: &str) -> Result<(), CredentialsError> {
    if !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        Ok(())
    } else {
        Err(CredentialsError::invalid_configuration(format!(
            "`{region}` is not a valid SSO region"
        )))
    }
}

fn flag(config: &ProviderConfig, profile: Option<&Profile>, var: &str, key: &str) -> bool {
    let value = config
        .env()
        .get(var)
        .or_else(|| profile.and_then(|p| p.get(key)).map(str::to_owned));
    value.is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// The endpoint (no trailing `/`) of `service` for `region`, as the [module](self)
/// documentation says.
pub(crate) fn service_endpoint(
    config: &ProviderConfig,
    files: &ProfileSet,
    profile: Option<&Profile>,
    service: Service,
    region: &str,
) -> Result<String, CredentialsError> {
    let env = config.env();
    let ignore = flag(
        config,
        profile,
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "ignore_configured_endpoint_urls",
    );
    if !ignore {
        let from_services = || {
            let section = profile?.get("services")?;
            let block = files
                .section("services", section)?
                .get(service.services_key())?;
            block.lines().find_map(|line| {
                let (k, v) = line.split_once('=')?;
                (k.trim().eq_ignore_ascii_case("endpoint_url")).then(|| v.trim().to_owned())
            })
        };
        let configured = env
            .get(&format!("AWS_ENDPOINT_URL_{}", service.env_suffix()))
            .or_else(|| env.get("AWS_ENDPOINT_URL"))
            .or_else(from_services)
            .or_else(|| {
                profile
                    .and_then(|p| p.get("endpoint_url"))
                    .map(str::to_owned)
            });
        if let Some(url) = configured {
            let url = url.trim().trim_end_matches('/').to_owned();
            let uri = url.parse::<::http::Uri>().map_err(|e| {
                CredentialsError::invalid_configuration(format!(
                    "the endpoint URL configured for {} is invalid: {e}",
                    service.services_key()
                ))
            })?;
            if uri.scheme().is_none() || uri.host().is_none() {
                return Err(CredentialsError::invalid_configuration(format!(
                    "the endpoint URL configured for {} needs a scheme and a host",
                    service.services_key()
                )));
            }
            return Ok(url);
        }
    }
    check_region(region)?;
    let fips = flag(
        config,
        profile,
        "AWS_USE_FIPS_ENDPOINT",
        "use_fips_endpoint",
    );
    let dual = flag(
        config,
        profile,
        "AWS_USE_DUALSTACK_ENDPOINT",
        "use_dualstack_endpoint",
    );
    let (name, dns, dual_dns) = partition(region);
    let (host, suffix) = match (fips, dual) {
        (true, true) => (service.host(true), dual_dns),
        // The rules' one exception: FIPS in GovCloud is the ordinary host.
        (true, false) if name == "aws-us-gov" => (service.host(false), "amazonaws.com"),
        (true, false) => (service.host(true), dns),
        (false, true) => (service.host(false), dual_dns),
        (false, false) => (service.host(false), dns),
    };
    Ok(format!("https://{host}.{region}.{suffix}"))
}

/// Sends the request `make` builds, retrying connection failures, timeouts, 5xx and 429
/// answers and throttling or transient error codes (read by [`parse_error_metadata`]);
/// returns the last answer whatever its status. `what` names the call in errors.
///
/// [`parse_error_metadata`]: crate::error::parse_error_metadata
pub(crate) async fn call(
    config: &ProviderConfig,
    make: impl Fn() -> Result<HttpRequest, CredentialsError>,
    what: &str,
) -> Result<HttpResponse, CredentialsError> {
    call_with(config, make, what, |response| {
        crate::error::parse_error_metadata(response).code
    })
    .await
}

/// [`call`] for a service that names its errors its own way (STS answers in XML):
/// `error_code` reads the code of an error answer.
pub(crate) async fn call_with(
    config: &ProviderConfig,
    make: impl Fn() -> Result<HttpRequest, CredentialsError>,
    what: &str,
    error_code: impl Fn(&HttpResponse) -> Option<String>,
) -> Result<HttpResponse, CredentialsError> {
    let http = config.http_client();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let request = make()?;
        let outcome = tokio::time::timeout(ATTEMPT_TIMEOUT, http.call(request)).await;
        let retry = match outcome {
            Ok(Ok(response)) => {
                let status = response.status().as_u16();
                let retryable = !response.status().is_success()
                    && crate::retry::classify_response(
                        status,
                        error_code(&response).as_deref(),
                        &[],
                    )
                    .is_some();
                if !retryable || attempt >= MAX_ATTEMPTS {
                    return Ok(response);
                }
                format!("status {status}")
            }
            Ok(Err(e)) => {
                if crate::retry::classify_connector_error(e.kind()).is_none()
                    || attempt >= MAX_ATTEMPTS
                {
                    return Err(CredentialsError::provider_error(format!(
                        "an error occurred while loading credentials: {what} failed"
                    ))
                    .with_source(e));
                }
                e.to_string()
            }
            Err(_) => {
                if attempt >= MAX_ATTEMPTS {
                    return Err(CredentialsError::provider_error(format!(
                        "an error occurred while loading credentials: {what} got no answer \
                         within {ATTEMPT_TIMEOUT:?}"
                    )));
                }
                "timeout".to_owned()
            }
        };
        tracing::debug!(attempt, "{what} failed ({retry}); retrying");
        let delay = INITIAL_BACKOFF * 2u32.pow(attempt - 1);
        tokio::time::sleep(delay.mul_f64(fastrand::f64())).await;
    }
}

/// The error of a failed answer: status, the service's code and message (which never hold
/// a secret), and a hint when the token was refused.
pub(crate) fn failed(what: &str, response: &HttpResponse) -> CredentialsError {
    let meta = crate::error::parse_error_metadata(response);
    let status = response.status().as_u16();
    let mut text = format!("an error occurred while loading credentials: {what} answered {status}");
    if let Some(code) = meta.code.as_deref() {
        text.push_str(&format!(" ({code}"));
        if let Some(message) = meta.message.as_deref() {
            text.push_str(&format!(": {message}"));
        }
        text.push(')');
    }
    if status == 401 || status == 403 {
        text.push_str("; the SSO session may have expired: run `aws sso login`");
    }
    CredentialsError::provider_error(text)
}

/// What a profile says about SSO role credentials.
#[derive(Debug, Clone)]
struct RoleConfig {
    account_id: String,
    role_name: String,
    region: String,
}

/// Credentials of an SSO role; see the [module](self) documentation.
#[derive(Debug)]
pub struct SsoCredentialsProvider {
    config: ProviderConfig,
    role: RoleConfig,
    token: SsoTokenProvider,
    profile: String,
}

impl SsoCredentialsProvider {
    /// The provider for profile `name` of the shared files `config` reads, or `None` when the
    /// profile does not use SSO (or does not exist). A profile with SSO keys missing or
    /// contradicting its session is an error naming the key.
    pub async fn for_profile(
        config: &ProviderConfig,
        name: &str,
    ) -> Result<Option<Self>, CredentialsError> {
        let files = super::profile_file::load(config).await?;
        Self::from_profile(config, &files, name)
    }

    /// [`Self::for_profile`] over files already read.
    pub(crate) fn from_profile(
        config: &ProviderConfig,
        files: &ProfileSet,
        name: &str,
    ) -> Result<Option<Self>, CredentialsError> {
        let Some(profile) = files.profile(name) else {
            return Ok(None);
        };
        let Some(session) = SsoSession::from_profile(files, name, profile)? else {
            return Ok(None);
        };
        let account_id = profile.get("sso_account_id");
        let role_name = profile.get("sso_role_name");
        let (account_id, role_name) = match (account_id, role_name) {
            (Some(a), Some(r)) => (a.to_owned(), r.to_owned()),
            (None, None) if session.name.is_some() => {
                return Err(CredentialsError::invalid_configuration(format!(
                    "profile `{name}` has an sso_session but no sso_account_id and \
                     sso_role_name: the selected profile will resolve an access token instead \
                     of credentials (use it with the bearer token chain)"
                )))
            }
            (None, _) => return Err(missing(name, "sso_account_id")),
            (_, None) => return Err(missing(name, "sso_role_name")),
        };
        let region = session.region.clone();
        let token = SsoTokenProvider::new(config.clone(), session);
        Ok(Some(Self {
            config: config.clone(),
            role: RoleConfig {
                account_id,
                role_name,
                region,
            },
            token,
            profile: name.to_owned(),
        }))
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let token = self.token.provide_token().await?;
        let files = super::profile_file::load(&self.config).await?;
        let endpoint = service_endpoint(
            &self.config,
            &files,
            files.profile(&self.profile),
            Service::Sso,
            &self.role.region,
        )?;
        let uri = format!(
            "{endpoint}/federation/credentials?role_name={}&account_id={}",
            crate::encoding::encode_query(&self.role.role_name),
            crate::encoding::encode_query(&self.role.account_id),
        );
        let mut bearer = HeaderValue::from_str(token.token()).map_err(|_| {
            CredentialsError::invalid_configuration(
                "the cached SSO access token holds characters an HTTP header cannot carry",
            )
        })?;
        bearer.set_sensitive(true);
        let make = || {
            ::http::Request::builder()
                .method("GET")
                .uri(&uri)
                .header("x-amz-sso_bearer_token", bearer.clone())
                .body(crate::http::Bytes::new())
                .map_err(|e| {
                    CredentialsError::invalid_configuration(format!(
                        "cannot build the SSO GetRoleCredentials request: {e}"
                    ))
                })
        };
        let response = call(&self.config, make, "SSO GetRoleCredentials").await?;
        if !response.status().is_success() {
            return Err(failed("SSO GetRoleCredentials", &response));
        }
        parse_role_credentials(response.body(), &self.role.account_id)
    }
}

fn missing(profile: &str, key: &str) -> CredentialsError {
    CredentialsError::invalid_configuration(format!(
        "profile `{profile}` uses SSO but has no `{key}`"
    ))
}

/// The `roleCredentials` of a GetRoleCredentials answer.
fn parse_role_credentials(body: &[u8], account_id: &str) -> Result<Credentials, CredentialsError> {
    let bad = |what: &str| {
        CredentialsError::provider_error(format!(
            "an error occurred while loading credentials: SSO GetRoleCredentials answered {what}"
        ))
    };
    let value = crate::json::from_slice(body).map_err(|_| bad("a body that is not JSON"))?;
    let role = value
        .get("roleCredentials")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("no `roleCredentials`"))?;
    let string = |key: &str| {
        role.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad(&format!("no `roleCredentials.{key}`")))
    };
    let access_key_id = string("accessKeyId")?;
    let secret_access_key = string("secretAccessKey")?;
    let session_token = string("sessionToken")?;
    let expiration = role
        .get("expiration")
        .and_then(Value::as_i64)
        .and_then(|ms| u64::try_from(ms).ok())
        .ok_or_else(|| bad("no `roleCredentials.expiration` in epoch milliseconds"))?;
    let expiry: SystemTime = UNIX_EPOCH + Duration::from_millis(expiration);
    Ok(Credentials::new(
        access_key_id,
        secret_access_key,
        Some(session_token.to_owned()),
        Some(expiry),
        "SSO",
    )
    .with_account_id(account_id))
}

impl ProvideCredentials for SsoCredentialsProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

#[cfg(test)]
mod tests;
