//! The fuzz targets' entry points, one function per target: `fuzz/libfuzzer` (cargo fuzz,
//! nightly) calls them with libFuzzer's inputs, `tests/corpus_replay.rs` (stable `cargo test`)
//! with every file of `corpus/<target>/`. A panic is a finding; each function asserts what
//! must hold of its parser's result, not only that it returns.

use std::cell::RefCell;
use std::time::Duration;

use bytes::Bytes;
use std::sync::{Arc, Mutex};

use ivs::runtime::http::{
    BoxFuture, CaptureClient, ConnectorError, ConnectorErrorKind, HttpClient, HttpRequest,
    HttpResponse,
};

pub use aws_lite_runtime::fuzzing::{
    container_credentials, credential_process, json, profile_file, sts_response, timestamp,
};

/// A target's entry point.
pub type Target = fn(&[u8]);

/// Every target, by the name of its corpus folder and its `fuzz_targets/<name>.rs`.
pub const TARGETS: &[(&str, Target)] = &[
    ("json", json),
    ("responses", responses),
    ("profile_file", profile_file),
    ("endpoint", endpoint),
    ("timestamp", timestamp),
    ("sts_response", sts_response),
    ("credential_process", credential_process),
    ("container_credentials", container_credentials),
];

thread_local! {
    // One runtime per thread: building one per input would dominate the fuzzer's time.
    static RUNTIME: RefCell<tokio::runtime::Runtime> = RefCell::new(
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread tokio runtime"),
    );
}

/// A transport holding the one answer to give, keeping nothing of the requests (a
/// `ReplayClient` records each, which a fuzzer's millions of inputs would pile up).
#[derive(Debug, Default, Clone)]
struct OneAnswer(Arc<Mutex<Option<HttpResponse>>>);

impl HttpClient for OneAnswer {
    fn call(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>> {
        let answer = self.0.lock().unwrap_or_else(|p| p.into_inner()).take();
        Box::pin(async move {
            answer.ok_or_else(|| ConnectorError::new(ConnectorErrorKind::Other, "no answer left"))
        })
    }
}

thread_local! {
    static REPLAY: (OneAnswer, ivs::Client) = {
        let replay = OneAnswer::default();
        let client = ivs::Client::new(
            config(replay.clone())
                .region("us-west-2")
                .endpoint_url("http://127.0.0.1:1")
                .build(),
        );
        (replay, client)
    };
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    RUNTIME.with(|rt| rt.borrow().block_on(future))
}

fn config(http: impl ivs::runtime::http::HttpClient) -> ivs::ConfigBuilder {
    ivs::Config::builder()
        .credentials(ivs::Credentials::new("AKID", "SECRET", None, None, "fuzz"))
        .retry(ivs::RetryConfig::disabled())
        .timeouts(ivs::TimeoutConfig::default().with_operation(Some(Duration::from_secs(5))))
        .http_client(http)
}

/// The generated response and error deserializers: the first byte picks one of the 35
/// operations, the second the status code; the rest is `name: value` header lines, a blank
/// line and the body (or only a body when there is no blank line). The call returns a result
/// (never a panic, never a hang); a 2xx answer is never an error of the service, a non-2xx
/// one never a success.
pub fn responses(data: &[u8]) {
    let [op, status, rest @ ..] = data else {
        return;
    };
    let op = usize::from(*op) % client_tests::OPERATIONS.len();
    let status = [200, 201, 204, 400, 403, 404, 409, 429, 500, 503][usize::from(*status) % 10];
    let (head, body) = match rest.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&rest[..at], &rest[at + 2..]),
        None => (&rest[..0], rest),
    };
    let mut response = http::Response::builder().status(status);
    for line in head.split(|b| *b == b'\n') {
        if let Some(colon) = line.iter().position(|b| *b == b':') {
            response = response.header(&line[..colon], line[colon + 1..].trim_ascii());
        }
    }
    // Headers `http` itself refuses cannot come from a transport either.
    let Ok(response) = response.body(Bytes::copy_from_slice(body)) else {
        return;
    };
    // One client per thread, answering from a replay queue: building a client per input
    // (its endpoint rules parsed again) would cost more than the parsing fuzzed here.
    let (replay, client) = REPLAY.with(|(replay, client)| {
        *replay.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(response);
        (replay.clone(), client.clone())
    });
    let result = block_on(client_tests::call_operation(&client, op));
    let name = client_tests::OPERATIONS[op];
    let unused = replay.0.lock().unwrap_or_else(|p| p.into_inner()).take();
    assert!(unused.is_none(), "{name} sent no request");
    match result {
        Ok(output) => assert!(status < 300, "{name}: status {status} read as {output}"),
        Err((kind, message)) => assert!(
            status >= 300 || kind != ivs::runtime::error::ErrorKind::Service,
            "{name}: status {status} read as a service error: {message}"
        ),
    }
}

/// DNS suffixes of the partition table (`model/partitions.json`): a region resolves into one
/// of these or into nothing.
const DNS_SUFFIXES: &[&str] = &[
    "amazonaws.com",
    "api.aws",
    "amazonaws.com.cn",
    "api.amazonwebservices.com.cn",
    "amazonaws.eu",
    "api.amazonwebservices.eu",
    "c2s.ic.gov",
    "api.aws.ic.gov",
    "sc2s.sgov.gov",
    "api.aws.scloud",
    "cloud.adc-e.uk",
    "api.cloud-aws.adc-e.uk",
    "csp.hci.ic.gov",
    "api.aws.hci.ic.gov",
];

/// Region and endpoint URL handling, end to end: the first byte sets FIPS, dual-stack and
/// whether an endpoint URL is given; the rest is the region, then a NUL and the endpoint URL.
/// Whatever they hold, a signed request goes to `ivs[-fips].<region>.<partition suffix>` or to
/// the endpoint URL's own host, or nowhere (the builder or the call fails first).
pub fn endpoint(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let (region, url) = match rest.iter().position(|b| *b == 0) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let region = String::from_utf8_lossy(region).into_owned();
    let url = url.map(|u| String::from_utf8_lossy(u).into_owned());
    let capture = CaptureClient::new();
    let mut builder = config(capture.clone())
        .region(region.clone())
        .use_fips(flags & 1 != 0)
        .use_dual_stack(flags & 2 != 0);
    if let Some(url) = &url {
        builder = builder.endpoint_url(url.clone());
    }
    let Ok(config) = builder.try_build() else {
        return;
    };
    let client = ivs::Client::new(config);
    let sent = block_on(client.get_channel().arn(client_tests::ARN).send()).is_ok();
    let requests = capture.requests();
    assert!(requests.len() <= 1, "one call, {} requests", requests.len());
    let Some(request) = requests.first() else {
        assert!(!sent, "a success without a request");
        return;
    };
    let host = request.uri().host().unwrap_or_default().to_owned();
    match &url {
        Some(url) => {
            let given: http::Uri = url
                .parse()
                .unwrap_or_else(|e| panic!("{url:?} was used but is no URI: {e}"));
            assert_eq!(Some(host.as_str()), given.host(), "endpoint URL {url:?}");
        }
        None => {
            let after = host
                .strip_prefix("ivs-fips.")
                .or_else(|| host.strip_prefix("ivs."))
                .and_then(|h| h.strip_prefix(region.as_str()))
                .and_then(|h| h.strip_prefix('.'));
            assert!(
                after.is_some_and(|suffix| DNS_SUFFIXES.contains(&suffix)),
                "region {region:?} sent the request to {host:?}"
            );
        }
    }
}
