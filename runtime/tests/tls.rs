//! A whole HTTPS exchange: a certificate authority and a server certificate made at test time
//! (rcgen), a TLS server on loopback (tokio-rustls), and `HyperClient` trusting that authority
//! through `HyperClientBuilder::tls_root_certificates`. Every call is bounded in time.
#![cfg(feature = "rustls")]

use std::sync::Arc;
use std::time::Duration;

use aws_lite_runtime::config::{ClientConfig, RetryConfig};
use aws_lite_runtime::credentials::Credentials;
use aws_lite_runtime::http::{Bytes, ConnectorErrorKind, HttpClient, HttpRequest};
use aws_lite_runtime::orchestrator::{Handle, OperationSpec, ServiceSpec};
use aws_lite_runtime::transport::HyperClient;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::rustls;

const BOUND: Duration = Duration::from_secs(10);

/// A certificate authority and a certificate it issued for `127.0.0.1`, with its key (DER).
struct Pki {
    ca_der: Vec<u8>,
    server_der: Vec<u8>,
    server_key_der: Vec<u8>,
}

fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "aws-lite-runtime test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    // An IP address subject alternative name: the client connects to 127.0.0.1.
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &ca, &ca_key)
        .unwrap();
    Pki {
        ca_der: ca.der().to_vec(),
        server_der: server.der().to_vec(),
        server_key_der: server_key.serialize_der(),
    }
}

/// Serves one TLS connection: reads one request head, answers `200 hello`, returns the head
/// (or the handshake error).
async fn tls_server(pki: &Pki) -> (String, JoinHandle<Result<String, String>>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![pki.server_der.clone().into()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(pki.server_key_der.clone().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.map_err(|e| e.to_string())?;
        let mut tls = acceptor.accept(tcp).await.map_err(|e| e.to_string())?;
        let mut head = Vec::new();
        let mut chunk = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = tls.read(&mut chunk).await.map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&chunk[..n]);
        }
        tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello")
            .await
            .map_err(|e| e.to_string())?;
        tls.shutdown().await.ok();
        Ok(String::from_utf8_lossy(&head).into_owned())
    });
    (format!("https://{addr}"), task)
}

/// The error and its causes in one line.
fn chain(error: &aws_lite_runtime::http::ConnectorError) -> String {
    aws_lite_runtime::error::DisplayErrorChain(error).to_string()
}

fn get(url: &str) -> HttpRequest {
    ::http::Request::builder()
        .uri(url)
        .body(Bytes::new())
        .unwrap()
}

#[tokio::test]
async fn https_exchange_with_a_custom_root_succeeds() {
    let pki = pki();
    let (url, server) = tls_server(&pki).await;
    let client = HyperClient::builder()
        .tls_root_certificates([pki.ca_der.clone()])
        .build();
    let response = tokio::time::timeout(BOUND, client.call(get(&format!("{url}/ping"))))
        .await
        .expect("bounded")
        .unwrap_or_else(|e| panic!("the HTTPS exchange failed: {e}"));
    assert_eq!(response.status(), 200);
    assert_eq!(response.body().as_ref(), b"hello");
    let head = server.await.unwrap().unwrap();
    assert!(head.starts_with("GET /ping HTTP/1.1\r\n"), "{head}");
}

#[tokio::test]
async fn the_default_roots_do_not_trust_the_test_authority() {
    let pki = pki();
    let (url, server) = tls_server(&pki).await;
    let error = tokio::time::timeout(BOUND, HyperClient::new().call(get(&url)))
        .await
        .expect("bounded")
        .unwrap_err();
    // A certificate failure is final, not a transient error to retry.
    assert_eq!(error.kind(), ConnectorErrorKind::Other, "{error}");
    assert!(
        chain(&error).to_ascii_lowercase().contains("certificate"),
        "{error}"
    );
    assert!(server.await.unwrap().is_err(), "the handshake must fail");
}

#[tokio::test]
async fn a_root_that_does_not_parse_fails_every_call_naming_it() {
    let client = HyperClient::builder()
        .tls_root_certificates([b"not a certificate".to_vec()])
        .build();
    let error = tokio::time::timeout(BOUND, client.call(get("https://127.0.0.1:9/")))
        .await
        .expect("bounded")
        .unwrap_err();
    assert!(chain(&error).contains("tls_root_certificates"), "{error}");
}

static LOCAL: ServiceSpec = ServiceSpec {
    service_id: "ivs",
    signing_name: "ivs",
    user_agent: "ivs/0.1.0",
    endpoint_rules: r#"{
        "version": "1.0",
        "parameters": {
            "Endpoint": {"builtIn": "SDK::Endpoint", "required": false, "type": "String", "documentation": "e"}
        },
        "rules": [
            {"conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}],
             "endpoint": {"url": {"ref": "Endpoint"}, "properties": {}, "headers": {}},
             "type": "endpoint"},
            {"conditions": [], "error": "an endpoint URL is required", "type": "error"}
        ]
    }"#,
    partitions: r#"{"version": "1.1", "partitions": []}"#,
};

static OP: OperationSpec = OperationSpec {
    name: "CreateChannel",
    retryable_errors: &[],
};

#[tokio::test]
async fn a_signed_call_over_https_through_the_orchestrator() {
    let pki = pki();
    let (url, server) = tls_server(&pki).await;
    let config = ClientConfig::builder()
        .region("us-west-2")
        .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url(url)
        .retry(RetryConfig::disabled())
        .http_client(
            HyperClient::builder()
                .tls_root_certificates([pki.ca_der.clone()])
                .build(),
        )
        .build();
    let request = ::http::Request::builder()
        .method("POST")
        .uri("/CreateChannel")
        .body(Bytes::from_static(b"{}"))
        .unwrap();
    let response = tokio::time::timeout(BOUND, Handle::new(config, &LOCAL).send(&OP, request))
        .await
        .expect("bounded")
        .unwrap();
    assert_eq!(response.status(), 200);
    let head = server.await.unwrap().unwrap().to_ascii_lowercase();
    assert!(
        head.starts_with("post /createchannel http/1.1\r\n"),
        "{head}"
    );
    assert!(
        head.contains("\r\nauthorization: aws4-hmac-sha256 credential=akid/"),
        "{head}"
    );
}
