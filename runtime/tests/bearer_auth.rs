//! The bearer-token chain serving a `smithy.api#httpBearerAuth` service: Amazon CodeCatalyst,
//! with its real endpoint rule set, and the SSO token of the active profile from a fake home
//! directory.

use std::sync::OnceLock;

use aws_lite_runtime::config::ClientConfig;
use aws_lite_runtime::credentials::{Env, Fs, ProviderConfig};
use aws_lite_runtime::http::{Bytes, HttpRequest, ReplayClient};
use aws_lite_runtime::orchestrator::{AuthScheme, AuthSpec, Handle, OperationSpec, ServiceSpec};
use aws_lite_runtime::token::{self, ProvideToken};

const ACCESS_TOKEN: &str = "bearer-token-that-must-stay-secret";

/// CodeCatalyst as generated code would describe it: the model's rule set, the partitions.
fn codecatalyst() -> &'static ServiceSpec {
    static SPEC: OnceLock<ServiceSpec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/model/");
        let text =
            std::fs::read_to_string(format!("{root}aws/codecatalyst-2022-09-28.json")).unwrap();
        let model: serde_json::Value = serde_json::from_str(&text).unwrap();
        let service = model["shapes"]
            .as_object()
            .unwrap()
            .values()
            .find(|s| s["type"] == "service")
            .unwrap();
        // The model really is a bearer-auth service.
        assert!(service["traits"].get("smithy.api#httpBearerAuth").is_some());
        let rules = service["traits"]["smithy.rules#endpointRuleSet"].to_string();
        let partitions = std::fs::read_to_string(format!("{root}partitions.json")).unwrap();
        ServiceSpec {
            service_id: "CodeCatalyst",
            signing_name: "codecatalyst",
            user_agent: "codecatalyst/0.1.0",
            endpoint_rules: Box::leak(rules.into_boxed_str()),
            partitions: Box::leak(partitions.into_boxed_str()),
        }
    })
}

static GET_USER_DETAILS: OperationSpec = OperationSpec {
    name: "GetUserDetails",
    retryable_errors: &[],
};

fn request() -> HttpRequest {
    http::Request::builder()
        .method("GET")
        .uri("/userDetails?id=me")
        .body(Bytes::new())
        .unwrap()
}

/// `[profile default]` with an `sso_session`, and its cached token under `~/.aws/sso/cache`.
fn sso_profile() -> ProviderConfig {
    let config = "[profile default]\nsso_session = test-sso\nregion = us-west-2\n\n\
        [sso-session test-sso]\nsso_start_url = https://ssotest.awsapps.com/start\nsso_region = us-east-2\n";
    let cache = format!(
        r#"{{"accessToken": "{ACCESS_TOKEN}", "expiresAt": "2080-10-16T03:56:45Z", "startUrl": "https://ssotest.awsapps.com/start"}}"#
    );
    ProviderConfig::empty()
        .with_env(Env::from_vars([("HOME", "/home")]))
        .with_fs(Fs::from_map([
            ("/home/.aws/config".to_owned(), config.as_bytes().to_vec()),
            (
                // SHA-1 of "test-sso", as the AWS CLI names the file.
                "/home/.aws/sso/cache/d12208e38164f558a1d06c99432ab77dbb346c45.json".to_owned(),
                cache.into_bytes(),
            ),
        ]))
}

static BEARER: AuthSpec = AuthSpec {
    schemes: &[AuthScheme::Bearer],
    unsigned_payload: false,
};

#[tokio::test]
async fn the_default_token_chain_authorizes_a_bearer_auth_request() {
    // The token chain (the SSO token of the active profile) feeds the runtime's bearer path.
    let token = token::default_provider_with(sso_profile())
        .provide_token()
        .await
        .unwrap();
    assert!(!format!("{token:?}").contains(ACCESS_TOKEN));
    let replay = ReplayClient::new();
    replay.push_json(200, r#"{"userId": "u"}"#);
    let config = ClientConfig::builder()
        .region("us-west-2")
        .bearer_token(token.token())
        .http_client(replay.clone())
        .build();
    let handle = Handle::new(config, codecatalyst());
    let response = handle
        .send_with_auth(&GET_USER_DETAILS, &BEARER, request())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let sent = replay.requests();
    assert_eq!(sent.len(), 1);
    let sent = &sent[0];
    // CodeCatalyst's rule set has one global endpoint.
    assert_eq!(
        sent.uri(),
        "https://codecatalyst.global.api.aws/userDetails?id=me"
    );
    assert_eq!(
        sent.headers()["authorization"],
        format!("Bearer {ACCESS_TOKEN}").as_str()
    );
    // Bearer auth signs nothing.
    assert!(sent.headers().get("x-amz-date").is_none());
    assert!(
        !format!("{sent:?}").contains(ACCESS_TOKEN),
        "Debug leaks the token"
    );
}

#[tokio::test]
async fn a_profile_without_sso_has_no_token() {
    let no_sso = ProviderConfig::empty()
        .with_env(Env::from_vars([("HOME", "/home")]))
        .with_fs(Fs::from_map([(
            "/home/.aws/config",
            b"[default]\nregion = us-west-2\n".to_vec(),
        )]));
    let err = token::default_provider_with(no_sso)
        .provide_token()
        .await
        .unwrap_err();
    assert!(err.is_not_loaded(), "{err}");
    assert!(err.to_string().contains("no sso_session"), "{err}");
}
