//! SigV4a against botocore's CRT signer (`botocore.crt.auth.CrtSigV4AsymAuth`, awscrt), the
//! official implementation the AWS CLI uses.
//!
//! Each case is a fixed request, credentials, region set and time. We sign it, then
//! `compat/sigv4a_botocore.py` has botocore sign the same request at the same time. ECDSA
//! signatures are randomized in the CRT, so they cannot be compared as text; instead:
//!
//! - botocore's `Authorization` must name the same algorithm, credential scope and signed
//!   headers as ours, and its `x-amz-date`, `x-amz-region-set` and session token must be ours;
//! - botocore's signature must verify under *our* derived public key over *our* string to sign:
//!   which holds only if both sides derived the same key and built the same canonical request;
//! - awscrt must verify our signature under our public key (our DER encoding is what it reads).
//!
//! The Python comes from `BOTOCORE_PYTHON`, else (unless `CI` is set) the workspace's
//! `.venv/bin/python`; it needs `botocore` and `awscrt`. The test is `#[ignore]`d with that
//! reason, so a plain `cargo test --features sigv4a` says it did not run; `.ci/run` runs it with
//! `-- --include-ignored`, and then a missing peer fails it.
#![cfg(feature = "sigv4a")]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, UNIX_EPOCH};

use aws_lite_runtime::credentials::Credentials;
use aws_lite_runtime::http::{Bytes, HttpRequest};
use aws_lite_runtime::sigv4::SigningSettings;
use aws_lite_runtime::sigv4a::{self, SigningKey, SigningParams};
use p256::ecdsa::signature::Verifier as _;
use serde_json::{json, Value};

struct Case {
    method: &'static str,
    url: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: &'static str,
    access_key_id: &'static str,
    secret_access_key: &'static str,
    token: Option<&'static str>,
    region_set: &'static str,
    service: &'static str,
    time: u64,
}

const CASES: &[Case] = &[
    // CloudFront KeyValueStore's GetKey, as its endpoint rules sign it.
    Case {
        method: "GET",
        url: "https://123456789012.cloudfront-kvs.global.api.aws/key-value-stores/arn%3Aaws%3Acloudfront%3A%3A123456789012%3Akey-value-store%2Fkvs/keys/k1",
        headers: &[("user-agent", "test/1.0")],
        body: "",
        access_key_id: "AKIDEXAMPLE",
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        token: None,
        region_set: "*",
        service: "cloudfront-keyvaluestore",
        time: 1_440_938_160,
    },
    // A JSON body, a session token, a region list, a query to sort and re-encode.
    Case {
        method: "POST",
        url: "https://svc.example.com/things/a%20b?z=1&a=x%2Fy&a=b",
        headers: &[
            ("content-type", "application/json"),
            ("x-amz-user-agent", "test/1.0"),
            ("x-custom", "  spaced   value  "),
        ],
        body: "{\"name\":\"demo\"}",
        access_key_id: "AKID",
        secret_access_key: "SECRET",
        token: Some("session/token+with=chars"),
        region_set: "us-east-1,us-west-2",
        service: "svc",
        time: 1_700_000_000,
    },
    // Dot segments to normalize and a non-default port.
    Case {
        method: "PUT",
        url: "https://svc.example.com:8443/a/./b/../c/",
        headers: &[("content-type", "text/plain")],
        body: "hello",
        access_key_id: "AKIAIOSFODNN7EXAMPLE",
        secret_access_key: "s3cr3t",
        token: None,
        region_set: "eu-central-1",
        service: "other",
        time: 1_234_567_890,
    },
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("runtime sits in the workspace")
        .to_path_buf()
}

/// The Python to run botocore with.
fn python() -> PathBuf {
    match std::env::var_os("BOTOCORE_PYTHON") {
        Some(p) if !p.is_empty() => return PathBuf::from(p),
        _ => {}
    }
    if std::env::var_os("CI").is_some() {
        panic!("CI is set but BOTOCORE_PYTHON is not: the SigV4a comparison with botocore must run in CI");
    }
    let venv = workspace().join(".venv/bin/python");
    if venv.exists() {
        return venv;
    }
    panic!(
        "BOTOCORE_PYTHON is not set and there is no .venv/bin/python: set it to a Python with \
         botocore and awscrt (bash .ci/run makes .venv)"
    );
}

fn request(case: &Case) -> HttpRequest {
    let mut b = http::Request::builder().method(case.method).uri(case.url);
    for (name, value) in case.headers {
        b = b.header(*name, *value);
    }
    b.body(Bytes::from_static(case.body.as_bytes())).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex length: {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `Authorization` split into (algorithm, credential, signed headers, signature).
fn parts(authorization: &str) -> (String, String, String, String) {
    let (algorithm, rest) = authorization.split_once(' ').unwrap();
    let mut fields = rest.split(", ");
    let mut field = |name: &str| {
        let f = fields
            .next()
            .unwrap_or_else(|| panic!("no {name} in {authorization}"));
        f.strip_prefix(name)
            .and_then(|f| f.strip_prefix('='))
            .unwrap_or_else(|| panic!("expected {name} in {authorization}"))
            .to_owned()
    };
    let credential = field("Credential");
    let signed = field("SignedHeaders");
    let signature = field("Signature");
    (algorithm.to_owned(), credential, signed, signature)
}

#[test]
#[ignore = "needs botocore with awscrt: set BOTOCORE_PYTHON, run with --include-ignored (.ci/run does)"]
fn botocore_signatures_verify_under_our_key_and_ours_under_awscrt() {
    let python = python();

    // Our side first: each case signed, with what the peer needs to check us.
    let mut ours = Vec::new();
    let mut input = Vec::new();
    for case in CASES {
        let credentials = Credentials::new(
            case.access_key_id,
            case.secret_access_key,
            case.token.map(str::to_owned),
            None,
            "test",
        );
        let params = SigningParams {
            credentials: &credentials,
            region_set: case.region_set,
            service: case.service,
            time: UNIX_EPOCH + Duration::from_secs(case.time),
        };
        let mut signed = request(case);
        let out =
            sigv4a::sign_request_with(&mut signed, &params, &SigningSettings::default()).unwrap();
        let key = SigningKey::derive(case.access_key_id, case.secret_access_key).unwrap();
        input.push(json!({
            "method": case.method,
            "url": case.url,
            "headers": case
                .headers
                .iter()
                .map(|(n, v)| (n.to_string(), json!(v)))
                .collect::<serde_json::Map<_, _>>(),
            "body": case.body,
            "access_key_id": case.access_key_id,
            "secret_access_key": case.secret_access_key,
            "token": case.token,
            "region_set": case.region_set,
            "service": case.service,
            "time": case.time,
            "ours": {
                "public_key": hex(&key.public_key_sec1()),
                "string_to_sign": out.string_to_sign(),
                "signature": out.signature(),
            },
        }));
        ours.push((signed, out, key));
    }

    let script = workspace().join("compat/sigv4a_botocore.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(Value::Array(input).to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() == Some(3) {
        panic!(
            "{} lacks the peer (pip install botocore awscrt): {stderr}",
            python.display()
        );
    }
    assert!(output.status.success(), "{}: {stderr}", script.display());
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results.len(), CASES.len(), "one answer per case");

    for ((case, (signed, out, key)), result) in CASES.iter().zip(&ours).zip(&results) {
        let url = case.url;
        let theirs = &result["headers"];
        let their = |name: &str| theirs[name].as_str().map(str::to_owned);
        let mine = |name: &str| {
            signed
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        for name in ["x-amz-date", "x-amz-region-set", "x-amz-security-token"] {
            assert_eq!(their(name), mine(name), "{url}: {name}");
        }
        let (algorithm, credential, signed_headers, signature) =
            parts(&their("authorization").expect("botocore signed"));
        let (my_algorithm, my_credential, my_signed_headers, _) =
            parts(&mine("authorization").unwrap());
        assert_eq!(algorithm, "AWS4-ECDSA-P256-SHA256", "{url}");
        assert_eq!(algorithm, my_algorithm, "{url}");
        assert_eq!(credential, my_credential, "{url}: credential scope");
        assert_eq!(signed_headers, my_signed_headers, "{url}: signed headers");
        assert_eq!(
            signed_headers,
            out.canonical_request().signed_headers(),
            "{url}"
        );

        let public = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.public_key_sec1()).unwrap();
        let their_signature = p256::ecdsa::Signature::from_der(&unhex(&signature))
            .unwrap_or_else(|e| panic!("{url}: botocore's signature is not DER: {e}"));
        public
            .verify(out.string_to_sign().as_bytes(), &their_signature)
            .unwrap_or_else(|_| {
                panic!(
                    "{url}: botocore's signature does not verify under our key over our string \
                     to sign:\n{}\ncanonical request:\n{}",
                    out.string_to_sign(),
                    out.canonical_request().as_str()
                )
            });
        assert_eq!(
            result["ours_verified"],
            Value::Bool(true),
            "{url}: awscrt rejects our signature"
        );
    }
}
