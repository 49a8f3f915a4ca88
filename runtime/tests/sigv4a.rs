//! SigV4a through the orchestrator: CloudFront KeyValueStore's real endpoint rules (from
//! `../shared/model/aws/`) pick `sigv4a` with `signingRegionSet: ["*"]`, so its requests must
//! carry `AWS4-ECDSA-P256-SHA256` signatures and `x-amz-region-set: *`; an endpoint's
//! `authSchemes` are taken in order, the first supported one winning. Without the `sigv4a`
//! feature such a request fails with an error naming the feature, before anything is sent.
//! CI runs this file with and without the feature.

use std::sync::OnceLock;

use aws_lite_runtime::config::ClientConfig;
use aws_lite_runtime::credentials::Credentials;
use aws_lite_runtime::endpoint::ParamValue;
use aws_lite_runtime::http::{Bytes, CaptureClient, HttpRequest};
use aws_lite_runtime::orchestrator::{
    AuthScheme, AuthSpec, EndpointParams, Handle, OperationSpec, ServiceSpec,
};

const KVS_ARN: &str =
    "arn:aws:cloudfront::123456789012:key-value-store/my-first-kvs-e10b1dce4f394248811e77167e0451ba";

static GET_KEY: OperationSpec = OperationSpec {
    name: "GetKey",
    retryable_errors: &[],
};

/// CloudFront KeyValueStore as its generated crate describes it: the model's rule set and the
/// shared partition table.
fn keyvaluestore() -> &'static ServiceSpec {
    static SPEC: OnceLock<ServiceSpec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/model/");
        let path = format!("{root}aws/cloudfront-keyvaluestore-2022-07-26.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let model: serde_json::Value = serde_json::from_str(&text).unwrap();
        let rules = model["shapes"]
            .as_object()
            .unwrap()
            .values()
            .find_map(|s| s["traits"].get("smithy.rules#endpointRuleSet"))
            .expect("the model has an endpoint rule set")
            .to_string();
        let partitions = std::fs::read_to_string(format!("{root}partitions.json")).unwrap();
        ServiceSpec {
            service_id: "CloudFront KeyValueStore",
            signing_name: "cloudfront-keyvaluestore",
            user_agent: "cloudfront-keyvaluestore/0.1.0",
            endpoint_rules: Box::leak(rules.into_boxed_str()),
            partitions: Box::leak(partitions.into_boxed_str()),
        }
    })
}

/// A service whose one endpoint lists `schemes` (a JSON array) as its auth schemes.
fn listing(schemes: &str) -> &'static ServiceSpec {
    let rules = format!(
        r#"{{"version": "1.0",
            "parameters": {{"Region": {{"builtIn": "AWS::Region", "required": false, "type": "String"}}}},
            "rules": [{{"conditions": [], "type": "endpoint",
                "endpoint": {{"url": "https://svc.example.com", "properties": {{"authSchemes": {schemes}}}}}}}]}}"#
    );
    Box::leak(Box::new(ServiceSpec {
        service_id: "svc",
        signing_name: "svc",
        user_agent: "svc/0.1.0",
        endpoint_rules: Box::leak(rules.into_boxed_str()),
        partitions: r#"{"version": "1.1", "partitions": []}"#,
    }))
}

/// A service whose endpoint names no auth scheme: the operation's modeled scheme applies.
static PLAIN: ServiceSpec = ServiceSpec {
    service_id: "svc",
    signing_name: "svc",
    user_agent: "svc/0.1.0",
    endpoint_rules: r#"{"version": "1.0",
        "parameters": {"Region": {"builtIn": "AWS::Region", "required": false, "type": "String"}},
        "rules": [{"conditions": [], "type": "endpoint", "endpoint": {"url": "https://svc.example.com"}}]}"#,
    partitions: r#"{"version": "1.1", "partitions": []}"#,
};

fn handle(service: &'static ServiceSpec, capture: &CaptureClient, token: Option<&str>) -> Handle {
    let config = ClientConfig::builder()
        .region("us-west-2")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_owned),
            None,
            "test",
        ))
        .http_client(capture.clone())
        .build();
    Handle::new(config, service)
}

/// GetKey as the generated serializer makes it, with its `KvsARN` endpoint parameter.
fn get_key() -> HttpRequest {
    let mut request = ::http::Request::builder()
        .method("GET")
        .uri("/key-value-stores/arn%3Aaws%3Acloudfront%3A%3A123456789012%3Akey-value-store%2Fmy-first-kvs-e10b1dce4f394248811e77167e0451ba/keys/k1")
        .body(Bytes::new())
        .unwrap();
    request.extensions_mut().insert(EndpointParams(vec![(
        "KvsARN",
        ParamValue::String(KVS_ARN.to_owned()),
    )]));
    request
}

/// A request of a service without endpoint parameters of its own.
fn plain() -> HttpRequest {
    ::http::Request::builder()
        .method("POST")
        .uri("/op")
        .header("content-type", "application/json")
        .body(Bytes::from_static(b"{}"))
        .unwrap()
}

fn header<'a>(r: &'a HttpRequest, name: &str) -> Option<&'a str> {
    r.headers().get(name).map(|v| v.to_str().unwrap())
}

#[cfg(feature = "sigv4a")]
mod with_feature {
    use super::*;
    use aws_lite_runtime::sigv4::{self, SigningSettings};
    use aws_lite_runtime::sigv4a::{self, SigningKey};
    use p256::ecdsa::signature::Verifier as _;

    /// Checks the request's signature from scratch: the canonical request of what was sent,
    /// the SigV4a string to sign, and the ECDSA signature under the derived public key.
    fn assert_signed_v4a(r: &HttpRequest, service: &str, region_set: &str) {
        assert_eq!(header(r, "x-amz-region-set"), Some(region_set));
        let authorization = header(r, "authorization").expect("signed");
        let amz_date = header(r, "x-amz-date").unwrap();
        let scope = sigv4a::credential_scope(&amz_date[..8], service);
        let (head, signature) = authorization.split_once(", Signature=").unwrap();
        let signed_headers = head.split_once("SignedHeaders=").unwrap().1;
        assert_eq!(
            head,
            format!("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/{scope}, SignedHeaders={signed_headers}")
        );
        assert!(
            signed_headers.split(';').any(|h| h == "x-amz-region-set"),
            "{signed_headers}"
        );
        let headers: Vec<(&str, &str)> = r
            .headers()
            .iter()
            .filter(|(n, _)| signed_headers.split(';').any(|h| h == n.as_str()))
            .map(|(n, v)| (n.as_str(), v.to_str().unwrap()))
            .collect();
        let canonical = sigv4::canonical_request(
            r.method().as_str(),
            r.uri().path(),
            r.uri().query().unwrap_or(""),
            &headers,
            &sigv4::sha256_hex(r.body()),
            &SigningSettings::default(),
        );
        assert_eq!(canonical.signed_headers(), signed_headers);
        let sts = sigv4a::string_to_sign(amz_date, &scope, canonical.as_str());
        let key =
            SigningKey::derive("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").unwrap();
        let public = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.public_key_sec1()).unwrap();
        let der: Vec<u8> = (0..signature.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&signature[i..i + 2], 16).unwrap())
            .collect();
        let signature = p256::ecdsa::Signature::from_der(&der).unwrap();
        public
            .verify(sts.as_bytes(), &signature)
            .expect("the signature verifies under the derived public key");
    }

    #[tokio::test]
    async fn keyvaluestore_requests_are_signed_with_sigv4a_for_every_region() {
        let capture = CaptureClient::new();
        let handle = handle(keyvaluestore(), &capture, Some("session-token"));
        handle.send(&GET_KEY, get_key()).await.unwrap();
        let sent = capture.requests();
        assert_eq!(sent.len(), 1);
        let r = &sent[0];
        assert_eq!(
            r.uri().host(),
            Some("123456789012.cloudfront-kvs.global.api.aws")
        );
        assert_signed_v4a(r, "cloudfront-keyvaluestore", "*");
        // The session token is sent and signed, as with SigV4.
        assert_eq!(header(r, "x-amz-security-token"), Some("session-token"));
        assert!(header(r, "authorization")
            .unwrap()
            .contains(";x-amz-region-set;x-amz-security-token;"));
    }

    #[tokio::test]
    async fn the_first_supported_scheme_of_the_endpoint_wins() {
        // sigv4a first: sigv4a, for the listed regions joined with commas.
        let capture = CaptureClient::new();
        let service = listing(
            r#"[{"name": "sigv4a", "signingName": "svc-a", "signingRegionSet": ["us-east-1", "eu-west-1"]},
                {"name": "sigv4", "signingName": "svc-4", "signingRegion": "us-east-2"}]"#,
        );
        handle(service, &capture, None)
            .send(&GET_KEY, plain())
            .await
            .unwrap();
        assert_signed_v4a(&capture.requests()[0], "svc-a", "us-east-1,eu-west-1");

        // An unknown scheme is passed over; sigv4 first: sigv4.
        let capture = CaptureClient::new();
        let service = listing(
            r#"[{"name": "sigv5"}, {"name": "sigv4", "signingName": "svc-4", "signingRegion": "us-east-2"},
                {"name": "sigv4a", "signingRegionSet": ["*"]}]"#,
        );
        handle(service, &capture, None)
            .send(&GET_KEY, plain())
            .await
            .unwrap();
        let r = &capture.requests()[0];
        assert!(header(r, "authorization")
            .unwrap()
            .starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
        assert!(header(r, "authorization")
            .unwrap()
            .contains("/us-east-2/svc-4/aws4_request"));
        assert_eq!(header(r, "x-amz-region-set"), None);

        // No signingRegionSet: the configured region; no signingName: the service's.
        let capture = CaptureClient::new();
        handle(listing(r#"[{"name": "sigv4a"}]"#), &capture, None)
            .send(&GET_KEY, plain())
            .await
            .unwrap();
        assert_signed_v4a(&capture.requests()[0], "svc", "us-west-2");
    }

    #[tokio::test]
    async fn a_modeled_sigv4a_operation_signs_for_the_configured_region() {
        let capture = CaptureClient::new();
        let auth = AuthSpec {
            schemes: &[AuthScheme::SigV4a, AuthScheme::SigV4],
            unsigned_payload: false,
        };
        handle(&PLAIN, &capture, None)
            .send_with_auth(&GET_KEY, &auth, plain())
            .await
            .unwrap();
        assert_signed_v4a(&capture.requests()[0], "svc", "us-west-2");
    }
}

#[cfg(not(feature = "sigv4a"))]
mod without_feature {
    use super::*;
    use aws_lite_runtime::error::ErrorKind;

    #[tokio::test]
    async fn a_sigv4a_endpoint_names_the_feature_and_sends_nothing() {
        let capture = CaptureClient::new();
        let e = handle(keyvaluestore(), &capture, None)
            .send(&GET_KEY, get_key())
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Endpoint);
        let text = e.to_string();
        assert!(text.contains("enable the `sigv4a` feature"), "{text}");
        assert!(capture.requests().is_empty());

        // A modeled sigv4a operation too.
        let auth = AuthSpec {
            schemes: &[AuthScheme::SigV4a],
            unsigned_payload: false,
        };
        let e = handle(&PLAIN, &capture, None)
            .send_with_auth(&GET_KEY, &auth, plain())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("enable the `sigv4a` feature"), "{e}");
        assert!(capture.requests().is_empty());
    }

    #[tokio::test]
    async fn without_the_feature_sigv4_is_the_first_supported_scheme() {
        let capture = CaptureClient::new();
        let service = listing(
            r#"[{"name": "sigv4a", "signingRegionSet": ["*"]},
                {"name": "sigv4", "signingName": "svc-4", "signingRegion": "us-east-2"}]"#,
        );
        handle(service, &capture, None)
            .send(&GET_KEY, plain())
            .await
            .unwrap();
        let r = &capture.requests()[0];
        let authorization = header(r, "authorization").unwrap();
        assert!(
            authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
            "{authorization}"
        );
        assert!(authorization.contains("/us-east-2/svc-4/aws4_request"));
    }
}
