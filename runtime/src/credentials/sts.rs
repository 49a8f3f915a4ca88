//! The smallest STS client the credential providers need: `AssumeRole` (signed with the
//! source credentials) and `AssumeRoleWithWebIdentity` (unsigned: the token is the proof).
//!
//! STS speaks awsQuery: a form-encoded `POST /` with `Action` and `Version`, an XML answer.
//! The XML is read with quick-xml, the answer's secrets never logged. The endpoint follows the
//! STS rules and overrides (see [`super::sso::service_endpoint`]: `AWS_ENDPOINT_URL_STS`,
//! `AWS_ENDPOINT_URL`, `[services]`, `endpoint_url`, FIPS and dual-stack); calls go through the
//! provider's transport, with the SSO calls' retries and attempt timeout.

use std::time::SystemTime;

use quick_xml::events::Event;

use super::profile_file::{Profile, ProfileSet};
use super::sso::{call_with, service_endpoint, Service};
use super::{Credentials, CredentialsError, ProviderConfig};
use crate::http::{Bytes, HttpRequest, HttpResponse};

const VERSION: &str = "2011-06-15";

/// The region STS calls go to when nothing names one, as in the official SDKs.
pub(crate) const DEFAULT_REGION: &str = "us-east-1";

/// Where the STS calls of a provider go: the endpoint (no trailing `/`) and the signing
/// region.
#[derive(Debug, Clone)]
pub(crate) struct StsEndpoint {
    url: String,
    region: String,
}

impl StsEndpoint {
    /// The endpoint for the region `config` names (else the environment's `AWS_REGION` /
    /// `AWS_DEFAULT_REGION`, else the profile's `region`, else us-east-1), with the overrides
    /// of the environment and of `profile`.
    pub(crate) fn resolve(
        config: &ProviderConfig,
        files: &ProfileSet,
        profile: Option<&Profile>,
    ) -> Result<Self, CredentialsError> {
        let env = config.env();
        let region = config
            .region()
            .map(str::to_owned)
            .or_else(|| env.get("AWS_REGION"))
            .or_else(|| env.get("AWS_DEFAULT_REGION"))
            .or_else(|| profile.and_then(|p| p.get("region")).map(str::to_owned))
            .map(|r| r.trim().to_owned())
            .unwrap_or_else(|| DEFAULT_REGION.to_owned());
        let url = service_endpoint(config, files, profile, Service::Sts, &region)?;
        Ok(Self { url, region })
    }
}

/// `AssumeRole` of `role_arn` with `credentials`.
pub(crate) async fn assume_role(
    config: &ProviderConfig,
    endpoint: &StsEndpoint,
    credentials: &Credentials,
    role_arn: &str,
    session_name: &str,
    external_id: Option<&str>,
) -> Result<Credentials, CredentialsError> {
    let mut params = vec![
        ("Action", "AssumeRole"),
        ("Version", VERSION),
        ("RoleArn", role_arn),
        ("RoleSessionName", session_name),
    ];
    if let Some(id) = external_id {
        params.push(("ExternalId", id));
    }
    let body = form(&params);
    let make = || {
        let mut request = request(endpoint, &body)?;
        let params = crate::sigv4::SigningParams {
            credentials,
            region: &endpoint.region,
            service: "sts",
            time: config.now(),
        };
        crate::sigv4::sign_request(&mut request, &params).map_err(|e| {
            CredentialsError::invalid_configuration("cannot sign the STS AssumeRole request")
                .with_source(e)
        })?;
        Ok(request)
    };
    let response = call_with(config, make, "STS AssumeRole", error_code).await?;
    parse_response(&response, "AssumeRole", "sts-assume-role")
}

/// `AssumeRoleWithWebIdentity` of `role_arn` with the OIDC `token` (unsigned).
pub(crate) async fn assume_role_with_web_identity(
    config: &ProviderConfig,
    endpoint: &StsEndpoint,
    role_arn: &str,
    session_name: &str,
    token: &str,
) -> Result<Credentials, CredentialsError> {
    let body = form(&[
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", VERSION),
        ("RoleArn", role_arn),
        ("RoleSessionName", session_name),
        ("WebIdentityToken", token),
    ]);
    let make = || request(endpoint, &body);
    let response = call_with(config, make, "STS AssumeRoleWithWebIdentity", error_code).await?;
    parse_response(&response, "AssumeRoleWithWebIdentity", "web-identity-token")
}

/// A default `RoleSessionName`: `prefix-<milliseconds since the epoch>`, as the official
/// SDKs make one (STS wants 2 to 64 of `[\w+=,.@-]`).
pub(crate) fn session_name(prefix: &str, now: SystemTime) -> String {
    let millis = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("{prefix}-{millis}")
}

fn form(params: &[(&str, &str)]) -> Bytes {
    let mut out = String::new();
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&crate::encoding::encode_query(k));
        out.push('=');
        out.push_str(&crate::encoding::encode_query(v));
    }
    Bytes::from(out)
}

fn request(endpoint: &StsEndpoint, body: &Bytes) -> Result<HttpRequest, CredentialsError> {
    ::http::Request::builder()
        .method("POST")
        .uri(format!("{}/", endpoint.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("content-length", body.len())
        .body(body.clone())
        .map_err(|e| {
            CredentialsError::invalid_configuration(format!(
                "cannot build the STS request for {}: {e}",
                endpoint.url
            ))
        })
}

/// The credentials of a successful answer (with the account id of the assumed role's ARN),
/// or the service's error code and message.
pub(crate) fn parse_response(
    response: &HttpResponse,
    action: &str,
    provider_name: &'static str,
) -> Result<Credentials, CredentialsError> {
    let status = response.status().as_u16();
    let text = std::str::from_utf8(response.body()).map_err(|_| {
        CredentialsError::provider_error(format!(
            "STS {action} answered {status} with a body that is not UTF-8"
        ))
    })?;
    let fields = read_fields(text).map_err(|e| {
        CredentialsError::provider_error(format!(
            "STS {action} answered {status} with malformed XML: {e}"
        ))
    })?;
    if !response.status().is_success() {
        let code = fields.error_code.as_deref().unwrap_or("unknown error");
        let mut message = format!("STS {action} failed with status {status}: {code}");
        if let Some(m) = &fields.error_message {
            message.push_str(": ");
            message.push_str(m);
        }
        return Err(CredentialsError::provider_error(message));
    }
    let missing = |what: &str| {
        CredentialsError::provider_error(format!("STS {action} answered without {what}"))
    };
    let access_key_id = fields.access_key_id.ok_or_else(|| missing("AccessKeyId"))?;
    let secret = fields
        .secret_access_key
        .ok_or_else(|| missing("SecretAccessKey"))?;
    let token = fields
        .session_token
        .ok_or_else(|| missing("SessionToken"))?;
    let expiration = fields.expiration.ok_or_else(|| missing("Expiration"))?;
    let expiry = crate::time::DateTime::from_str(&expiration, crate::time::Format::DateTime)
        .ok()
        .and_then(|t| t.to_system_time())
        .ok_or_else(|| {
            CredentialsError::provider_error(format!(
                "STS {action} answered an Expiration that is not a date-time: {expiration:?}"
            ))
        })?;
    let mut credentials = Credentials::new(
        access_key_id,
        secret,
        Some(token),
        Some(expiry),
        provider_name,
    );
    // arn:aws:sts::<account>:assumed-role/<role>/<session>
    if let Some(account) = fields
        .assumed_role_arn
        .as_deref()
        .and_then(|arn| arn.split(':').nth(4))
        .filter(|a| !a.is_empty())
    {
        credentials = credentials.with_account_id(account);
    }
    Ok(credentials)
}

/// The `Error/Code` of an STS error answer (`Throttling` is retried).
pub(crate) fn error_code(response: &HttpResponse) -> Option<String> {
    let text = std::str::from_utf8(response.body()).ok()?;
    read_fields(text).ok()?.error_code
}

/// The leaves of an STS answer the providers read.
#[derive(Default)]
struct Fields {
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    expiration: Option<String>,
    assumed_role_arn: Option<String>,
    error_code: Option<String>,
    error_message: Option<String>,
}

/// Walks the XML and keeps the text of the elements [`Fields`] names, by their parent and
/// name (`Credentials/AccessKeyId`, `AssumedRoleUser/Arn`, `Error/Code`...).
fn read_fields(text: &str) -> Result<Fields, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut fields = Fields::default();
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(start) => {
                path.push(start.local_name().as_ref().to_owned());
                current.clear();
            }
            Event::Text(t) => current.push_str(&t.xml10_content()),
            Event::CData(c) => current.push_str(&c.into_inner()),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().map_err(|e| e.to_string())? {
                    current.push(c);
                } else {
                    let name = r.xml10_content();
                    let resolved = quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| format!("unknown entity &{name};"))?;
                    current.push_str(resolved);
                }
            }
            Event::End(_) => {
                let n = path.len();
                let (parent, name) = match n {
                    0 => return Err("a closing tag without an opening one".to_owned()),
                    1 => ("", path[0].as_str()),
                    _ => (path[n - 2].as_str(), path[n - 1].as_str()),
                };
                let slot = match (parent, name) {
                    ("Credentials", "AccessKeyId") => Some(&mut fields.access_key_id),
                    ("Credentials", "SecretAccessKey") => Some(&mut fields.secret_access_key),
                    ("Credentials", "SessionToken") => Some(&mut fields.session_token),
                    ("Credentials", "Expiration") => Some(&mut fields.expiration),
                    ("AssumedRoleUser", "Arn") => Some(&mut fields.assumed_role_arn),
                    ("Error", "Code") => Some(&mut fields.error_code),
                    ("Error", "Message") => Some(&mut fields.error_message),
                    _ => None,
                };
                if let Some(slot) = slot {
                    *slot = Some(current.trim().to_owned());
                }
                current.clear();
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> HttpResponse {
        ::http::Response::builder()
            .status(status)
            .body(Bytes::copy_from_slice(body.as_bytes()))
            .unwrap()
    }

    #[test]
    fn reads_credentials_account_and_expiry() {
        let body = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROAR:s</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAX</AccessKeyId>
      <SecretAccessKey>se&amp;cr&#x65;t</SecretAccessKey>
      <SessionToken><![CDATA[tok<en>]]></SessionToken>
      <Expiration>2021-08-05T19:58:02Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
</AssumeRoleResponse>"#;
        let c = parse_response(&response(200, body), "AssumeRole", "sts").unwrap();
        assert_eq!(c.access_key_id(), "ASIAX");
        assert_eq!(c.secret_access_key(), "se&cret");
        assert_eq!(c.session_token(), Some("tok<en>"));
        assert_eq!(c.account_id(), Some("123456789012"));
        let expiry = c.expiry().unwrap();
        assert_eq!(
            expiry
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            1628193482
        );
    }

    #[test]
    fn errors_carry_code_and_message_and_bad_bodies_are_named() {
        let body = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                    <Message>not allowed</Message></Error></ErrorResponse>";
        let e = parse_response(&response(403, body), "AssumeRole", "sts").unwrap_err();
        assert_eq!(
            e.to_string(),
            "STS AssumeRole failed with status 403: AccessDenied: not allowed"
        );
        for bad in ["<a><b></a>", "<Credentials><AccessKeyId>x</AccessKeyId>"] {
            let e = parse_response(&response(200, bad), "AssumeRole", "sts").unwrap_err();
            assert!(e.to_string().contains("AssumeRole"), "{e}");
        }
        let e =
            parse_response(&response(200, "<Credentials></Credentials>"), "X", "sts").unwrap_err();
        assert!(e.to_string().contains("without AccessKeyId"), "{e}");
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_and_server_errors_are_retried_three_times_in_all() {
        use crate::http::{Replay, ReplayClient};
        let throttled = "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
        let ok = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
                  <AccessKeyId>ASIAW</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>\
                  <Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult>\
                  </AssumeRoleWithWebIdentityResponse>";
        let replay = ReplayClient::new();
        for (status, body) in [(400, throttled), (503, ""), (200, ok)] {
            replay.push(Replay::Response(response(status, body)));
        }
        let config = ProviderConfig::empty().with_http_client(std::sync::Arc::new(replay.clone()));
        let endpoint = StsEndpoint {
            url: "https://sts.us-east-1.amazonaws.com".to_owned(),
            region: "us-east-1".to_owned(),
        };
        let c =
            assume_role_with_web_identity(&config, &endpoint, "arn:aws:iam::1:role/r", "s", "jwt")
                .await
                .unwrap();
        assert_eq!(c.access_key_id(), "ASIAW");
        assert_eq!(replay.requests().len(), 3);
        // Unsigned: the token is the proof.
        assert!(replay.requests()[0]
            .headers()
            .get("authorization")
            .is_none());

        // An error that is not transient is not retried; three throttles end the call.
        let replay = ReplayClient::new();
        let denied = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>";
        replay.push(Replay::Response(response(403, denied)));
        let config = ProviderConfig::empty().with_http_client(std::sync::Arc::new(replay.clone()));
        let e =
            assume_role_with_web_identity(&config, &endpoint, "arn:aws:iam::1:role/r", "s", "jwt")
                .await
                .unwrap_err();
        assert!(e.to_string().contains("AccessDenied: no"), "{e}");
        assert_eq!(replay.requests().len(), 1);
        let replay = ReplayClient::new();
        for _ in 0..3 {
            replay.push(Replay::Response(response(400, throttled)));
        }
        let config = ProviderConfig::empty().with_http_client(std::sync::Arc::new(replay.clone()));
        let e =
            assume_role_with_web_identity(&config, &endpoint, "arn:aws:iam::1:role/r", "s", "jwt")
                .await
                .unwrap_err();
        assert!(e.to_string().contains("Throttling"), "{e}");
        assert_eq!(replay.requests().len(), 3);
    }

    #[test]
    fn the_form_encodes_everything_but_unreserved_characters() {
        let body = form(&[("RoleArn", "arn:aws:iam::1:role/a b+c")]);
        assert_eq!(
            &body[..],
            b"RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b%2Bc"
        );
    }
}
