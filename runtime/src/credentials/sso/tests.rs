use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::credentials::provider_config::{Fs, TimeSource};
use crate::credentials::sso_token::cache_file;
use crate::credentials::Env;
use crate::http::{Bytes, Replay, ReplayClient};

const NOW: u64 = 1_700_000_000;
const SESSION_CONFIG: &str =
    "[profile default]\nsso_session = dev\nsso_account_id = 012345678901\n\
    sso_role_name = SampleRole\nregion = us-east-1\n\n[sso-session dev]\nsso_region = us-east-1\n\
    sso_start_url = https://d-abc123.awsapps.com/start\n";
const ROLE_ANSWER: &str = r#"{"roleCredentials":{"accessKeyId":"ASIARTESTID","secretAccessKey":"TESTSECRETKEY","sessionToken":"TESTSESSIONTOKEN","expiration":1651516560000}}"#;

fn rfc3339(secs: u64) -> String {
    DateTimeText(secs).to_string()
}

struct DateTimeText(u64);

impl std::fmt::Display for DateTimeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = crate::time::DateTime::from_secs(self.0 as i64);
        f.write_str(&t.fmt(crate::time::Format::DateTime).unwrap())
    }
}

fn session() -> SsoSession {
    SsoSession {
        name: Some("dev".into()),
        start_url: "https://d-abc123.awsapps.com/start".into(),
        region: "us-east-1".into(),
    }
}

fn cached(expires_at: u64, refreshable: bool) -> String {
    let extra = if refreshable {
        format!(
            r#","refreshToken": "secret-refresh-token", "clientId": "CLIENT", "clientSecret": "CLIENTSECRET",
            "registrationExpiresAt": "{}""#,
            rfc3339(NOW + 86_400)
        )
    } else {
        String::new()
    };
    format!(
        r#"{{"accessToken": "secret-access-token", "expiresAt": "{}", "startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1"{extra}}}"#,
        rfc3339(expires_at)
    )
}

fn make_config(
    vars: &[(&str, &str)],
    files: Vec<(String, String)>,
    replay: &ReplayClient,
) -> ProviderConfig {
    let mut env: Vec<(String, String)> = vec![("HOME".into(), "/home".into())];
    env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    ProviderConfig::empty()
        .with_env(Env::from_vars(env))
        .with_fs(Fs::from_map(
            files.into_iter().map(|(p, c)| (p, c.into_bytes())),
        ))
        .with_http_client(Arc::new(replay.clone()))
        .with_time_source(TimeSource::fixed(UNIX_EPOCH + Duration::from_secs(NOW)))
}

fn session_files(token: String) -> Vec<(String, String)> {
    vec![
        ("/home/.aws/config".into(), SESSION_CONFIG.into()),
        (cache_file("/home", &session()).display().to_string(), token),
    ]
}

async fn provider(config: &ProviderConfig) -> Result<SsoCredentialsProvider, CredentialsError> {
    SsoCredentialsProvider::for_profile(config, &config.profile_name())
        .await
        .map(|p| p.expect("the profile uses SSO"))
}

fn json(status: u16, body: &str) -> Replay {
    Replay::Response(
        ::http::Response::builder()
            .status(status)
            .body(Bytes::copy_from_slice(body.as_bytes()))
            .unwrap(),
    )
}

#[test]
fn cache_file_names_are_the_sha1_of_the_session_or_start_url() {
    // The names of the cache files in the official test data.
    for (name, start_url, hash) in [
        (
            None,
            "https://ssotest.awsapps.com/start",
            "dace00cba5f8355ec9d274ceb2bcebdfbeed0e12",
        ),
        (Some("dev"), "x", "34c6fceca75e456f25e7e99531e2425c6c1de443"),
        (
            Some("test-sso"),
            "x",
            "d12208e38164f558a1d06c99432ab77dbb346c45",
        ),
        (
            Some("correct-sso"),
            "x",
            "29faa2f70ab0f58f60e284d585d95865572f5cbd",
        ),
    ] {
        let session = SsoSession {
            name: name.map(str::to_owned),
            start_url: start_url.into(),
            region: "us-east-1".into(),
        };
        assert_eq!(
            cache_file("/h", &session).display().to_string(),
            format!("/h/.aws/sso/cache/{hash}.json")
        );
    }
}

#[tokio::test]
async fn endpoints_follow_the_rules_and_the_overrides() {
    let replay = ReplayClient::new();
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, Service, &'a str);
    let cases: &[Case] = &[
        (
            &[],
            "us-east-2",
            Service::Sso,
            "https://portal.sso.us-east-2.amazonaws.com",
        ),
        (
            &[
                ("AWS_USE_FIPS_ENDPOINT", "true"),
                ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
            ],
            "us-east-2",
            Service::Sso,
            "https://portal.sso-fips.us-east-2.api.aws",
        ),
        (
            &[("AWS_USE_FIPS_ENDPOINT", "true")],
            "us-east-1",
            Service::SsoOidc,
            "https://oidc-fips.us-east-1.amazonaws.com",
        ),
        (
            &[("AWS_USE_FIPS_ENDPOINT", "true")],
            "us-gov-west-1",
            Service::Sso,
            "https://portal.sso.us-gov-west-1.amazonaws.com",
        ),
        (
            &[("AWS_USE_DUALSTACK_ENDPOINT", "true")],
            "cn-north-1",
            Service::SsoOidc,
            "https://oidc.cn-north-1.api.amazonwebservices.com.cn",
        ),
        (
            &[("AWS_ENDPOINT_URL", "http://global/")],
            "us-east-1",
            Service::Sso,
            "http://global",
        ),
        (
            &[
                ("AWS_ENDPOINT_URL", "http://global"),
                ("AWS_ENDPOINT_URL_SSO", "http://sso"),
            ],
            "us-east-1",
            Service::Sso,
            "http://sso",
        ),
        (
            &[
                ("AWS_ENDPOINT_URL_SSO", "http://sso"),
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
            ],
            "us-east-1",
            Service::Sso,
            "https://portal.sso.us-east-1.amazonaws.com",
        ),
    ];
    for (vars, region, service, expected) in cases {
        let config = make_config(vars, vec![], &replay);
        let files = crate::credentials::profile_file::load(&config)
            .await
            .unwrap();
        let got = service_endpoint(&config, &files, None, *service, region).unwrap();
        assert_eq!(&got, expected, "{vars:?} {region}");
    }
    // The profile's services section and endpoint_url.
    let text = "[default]\nservices = local\nendpoint_url = http://profile-global\n\
        [services local]\nsso =\n  endpoint_url = http://profile-sso\n";
    let config = make_config(
        &[],
        vec![("/home/.aws/config".into(), text.into())],
        &replay,
    );
    let files = crate::credentials::profile_file::load(&config)
        .await
        .unwrap();
    let profile = files.profile("default");
    assert_eq!(
        service_endpoint(&config, &files, profile, Service::Sso, "us-east-1").unwrap(),
        "http://profile-sso"
    );
    assert_eq!(
        service_endpoint(&config, &files, profile, Service::SsoOidc, "us-east-1").unwrap(),
        "http://profile-global"
    );
    let err = service_endpoint(&config, &files, None, Service::Sso, "evil.com/x").unwrap_err();
    assert!(err.to_string().contains("not a valid SSO region"), "{err}");
}

/// The suffixes written into `partition` agree with the partition table beside the
/// repository, for a region of every partition.
#[test]
fn the_partition_suffixes_match_partitions_json() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/model/partitions.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let table = crate::endpoint::Partitions::from_json(&text).unwrap();
    let root = crate::json::from_str(&text).unwrap();
    let partitions = root.get("partitions").and_then(Value::as_array).unwrap();
    let mut checked = 0;
    for p in partitions {
        let regions = p.get("regions").and_then(Value::as_object).unwrap();
        let region = regions.keys().find(|r| !r.starts_with("aws-")).unwrap();
        let found = table.lookup(region).unwrap();
        let (id, dns, dual) = partition(region);
        assert_eq!(
            found.get("name").and_then(Value::as_str),
            Some(id),
            "{region}"
        );
        assert_eq!(
            found.get("dnsSuffix").and_then(Value::as_str),
            Some(dns),
            "{region}"
        );
        assert_eq!(
            found.get("dualStackDnsSuffix").and_then(Value::as_str),
            Some(dual),
            "{region}"
        );
        checked += 1;
    }
    assert_eq!(checked, partitions.len());
}

#[tokio::test]
async fn get_role_credentials_is_an_unsigned_get_with_the_bearer_header() {
    let replay = ReplayClient::new();
    replay.push(json(200, ROLE_ANSWER));
    let config = make_config(&[], session_files(cached(NOW + 3600, false)), &replay);
    let c = provider(&config)
        .await
        .unwrap()
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "ASIARTESTID");
    assert_eq!(c.secret_access_key(), "TESTSECRETKEY");
    assert_eq!(c.session_token(), Some("TESTSESSIONTOKEN"));
    assert_eq!(c.account_id(), Some("012345678901"));
    assert_eq!(
        c.expiry(),
        Some(UNIX_EPOCH + Duration::from_secs(1651516560))
    );
    let sent = &replay.requests()[0];
    assert_eq!(sent.method(), "GET");
    assert_eq!(
        sent.uri(),
        "https://portal.sso.us-east-1.amazonaws.com/federation/credentials?role_name=SampleRole&account_id=012345678901"
    );
    assert_eq!(
        sent.headers()["x-amz-sso_bearer_token"],
        "secret-access-token"
    );
    assert!(
        sent.headers().get("authorization").is_none(),
        "GetRoleCredentials is unsigned"
    );
    assert!(
        !format!("{sent:?}").contains("secret-access-token"),
        "Debug leaks the token"
    );
}

#[tokio::test(start_paused = true)]
async fn service_errors_say_what_failed_without_secrets() {
    let replay = ReplayClient::new();
    replay.push(json(
        403,
        r#"{"__type": "UnauthorizedException", "message": "Session token not found or invalid"}"#,
    ));
    let config = make_config(&[], session_files(cached(NOW + 3600, false)), &replay);
    let err = provider(&config)
        .await
        .unwrap()
        .provide_credentials()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("an error occurred while loading credentials"),
        "{text}"
    );
    assert!(
        text.contains("UnauthorizedException") && text.contains("aws sso login"),
        "{text}"
    );
    assert!(!text.contains("secret-access-token"), "{text}");

    // 5xx is retried, up to 3 attempts.
    let replay = ReplayClient::new();
    for _ in 0..3 {
        replay.push(json(503, ""));
    }
    let config = make_config(&[], session_files(cached(NOW + 3600, false)), &replay);
    let err = provider(&config)
        .await
        .unwrap()
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("answered 503"), "{err}");
    assert_eq!(replay.requests().len(), 3);
}

#[tokio::test]
async fn profile_errors_name_the_key() {
    let replay = ReplayClient::new();
    for (text, part) in [
        ("[default]\nsso_session = dev\nregion = us-east-1\n[sso-session dev]\nsso_region = us-east-1\nsso_start_url = https://x\n",
         "selected profile will resolve an access token instead of credentials"),
        ("[default]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = r\n", "no [sso-session nope] section"),
        ("[default]\nsso_start_url = https://x\nsso_region = us-east-1\nsso_account_id = 1\n", "no `sso_role_name`"),
        ("[default]\nsso_session = dev\nsso_account_id = 1\nsso_role_name = r\nsso_region = eu-west-1\n[sso-session dev]\nsso_region = us-east-1\nsso_start_url = https://x\n",
         "sets `sso_region` to another value"),
    ] {
        let config = make_config(&[], vec![("/home/.aws/config".into(), text.into())], &replay);
        let err = provider(&config).await.unwrap_err();
        assert!(err.to_string().contains(part), "{err}");
    }
    assert!(replay.requests().is_empty());
}

#[tokio::test]
async fn a_token_near_expiry_is_refreshed_through_oidc_and_written_back() {
    let replay = ReplayClient::new();
    replay.push(json(
        200,
        r#"{"accessToken": "new-access-token", "expiresIn": 28800, "refreshToken": "new-refresh", "tokenType": "Bearer"}"#,
    ));
    let config = make_config(&[], session_files(cached(NOW + 60, true)), &replay);
    let token_provider = SsoTokenProvider::new(config.clone(), session());
    let token = token_provider.provide_token().await.unwrap();
    assert_eq!(token.token(), "new-access-token");
    assert_eq!(
        token.expiry(),
        Some(UNIX_EPOCH + Duration::from_secs(NOW + 28800))
    );
    let sent = &replay.requests()[0];
    assert_eq!(sent.method(), "POST");
    assert_eq!(sent.uri(), "https://oidc.us-east-1.amazonaws.com/token");
    let body = crate::json::from_slice(sent.body()).unwrap();
    assert_eq!(
        body.get("grantType").and_then(Value::as_str),
        Some("refresh_token")
    );
    assert_eq!(
        body.get("refreshToken").and_then(Value::as_str),
        Some("secret-refresh-token")
    );
    assert_eq!(body.get("clientId").and_then(Value::as_str), Some("CLIENT"));
    assert_eq!(
        body.get("clientSecret").and_then(Value::as_str),
        Some("CLIENTSECRET")
    );

    // Written back: the file now holds the new token, its expiry and refresh token, and
    // keeps the other fields.
    let path = cache_file("/home", &session());
    let written = crate::json::from_slice(&config.fs().read(&path).await.unwrap()).unwrap();
    assert_eq!(
        written.get("accessToken").and_then(Value::as_str),
        Some("new-access-token")
    );
    assert_eq!(
        written.get("refreshToken").and_then(Value::as_str),
        Some("new-refresh")
    );
    assert_eq!(
        written.get("expiresAt").and_then(Value::as_str),
        Some(rfc3339(NOW + 28800).as_str())
    );
    assert_eq!(
        written.get("clientId").and_then(Value::as_str),
        Some("CLIENT")
    );

    // Served from memory now: no other request.
    assert_eq!(
        token_provider.provide_token().await.unwrap().token(),
        "new-access-token"
    );
    assert_eq!(replay.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_failed_refresh_serves_the_old_token_until_it_expires() {
    let replay = ReplayClient::new();
    replay.push(json(400, r#"{"error": "invalid_grant"}"#));
    let config = make_config(&[], session_files(cached(NOW + 60, true)), &replay);
    let token = SsoTokenProvider::new(config, session())
        .provide_token()
        .await
        .unwrap();
    assert_eq!(token.token(), "secret-access-token");

    let replay = ReplayClient::new();
    replay.push(json(400, r#"{"error": "invalid_grant"}"#));
    let config = make_config(&[], session_files(cached(NOW - 60, true)), &replay);
    let err = SsoTokenProvider::new(config, session())
        .provide_token()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("SSO OIDC CreateToken answered 400"),
        "{err}"
    );

    // Legacy tokens are never refreshed.
    let replay = ReplayClient::new();
    let legacy = SsoSession {
        name: None,
        ..session()
    };
    let files = vec![(
        cache_file("/home", &legacy).display().to_string(),
        cached(NOW - 60, true),
    )];
    let config = make_config(&[], files, &replay);
    let err = SsoTokenProvider::new(config, legacy)
        .provide_token()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("has expired") && err.to_string().contains("aws sso login"),
        "{err}"
    );
    assert!(replay.requests().is_empty());
}

#[tokio::test]
async fn a_missing_or_broken_cache_file_is_reported_with_its_path() {
    let replay = ReplayClient::new();
    let config = make_config(
        &[],
        vec![("/home/.aws/config".into(), SESSION_CONFIG.into())],
        &replay,
    );
    let err = provider(&config)
        .await
        .unwrap()
        .provide_credentials()
        .await
        .unwrap_err();
    let path = cache_file("/home", &session()).display().to_string();
    assert!(
        err.to_string()
            .contains(&format!("failed to read `{path}`")),
        "{err}"
    );

    let config = make_config(
        &[],
        session_files(r#"{"accessToken": "SECRET"}"#.into()),
        &replay,
    );
    let err = provider(&config)
        .await
        .unwrap()
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no valid `expiresAt`"), "{err}");
    assert!(!err.to_string().contains("SECRET"));
}
