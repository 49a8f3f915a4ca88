//! Configuration from outside the program (a region from `AWS_REGION`, a tenant's settings, an
//! endpoint URL from the environment) can never steer a signed request elsewhere, crash the
//! process or leak a password (issue 16).

use ivs::runtime::error::ErrorKind;
use ivs::runtime::http::CaptureClient;

fn config(region: &str, http: &CaptureClient) -> ivs::runtime::config::ClientConfigBuilder {
    ivs::Config::builder()
        .region(region)
        .credentials(ivs::Credentials::new(
            "AKIDEXAMPLE",
            "SECRETEXAMPLE",
            Some("SESSIONTOKEN".to_owned()),
            None,
            "test",
        ))
        .http_client(http.clone())
}

/// Every hostile region the issue lists, and the ones the official SDKs refuse.
fn hostile_regions() -> Vec<String> {
    let mut regions: Vec<String> = [
        "x@evil.example/",
        "evil.com/",
        "evil.com#",
        "evil.com?",
        "us-east-1.evil.com/x",
        "",
        " ",
        "us west 2",
        " us-west-2",
        "us-west-2\r\nX-Injected: 1",
        "us-west-2\n",
        "us-wést-2",
        "üs-west-2",
        "us-west-2\u{202e}",
        "-us-west-2",
        "us-west-2-",
        "us_west_2",
        "us-west-2:443",
        "[::1]",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    regions.push("a".repeat(64));
    regions.push("a".repeat(60_000));
    regions
}

async fn list_channels(client: &ivs::Client) -> Result<(), ivs::Error> {
    client
        .list_channels()
        .send()
        .await
        .map(|_| ())
        .map_err(ivs::Error::from)
}

#[tokio::test]
async fn hostile_regions_are_construction_errors_and_nothing_is_sent() {
    for region in hostile_regions() {
        let http = CaptureClient::new();
        let client = ivs::Client::new(config(&region, &http).build());
        let err = list_channels(&client)
            .await
            .expect_err("an invalid region must fail");
        let text = err.to_string();
        assert_eq!(err.kind(), ErrorKind::Construction, "{region:?}: {text}");
        assert!(
            http.requests().is_empty(),
            "{region:?}: a request reached the transport"
        );
        // The region is named, escaped as a string literal (a CR/LF cannot forge a log line).
        let shown: String = region.chars().take(64).collect();
        let shown = format!("{shown:?}");
        assert!(
            text.contains(&format!("invalid region {shown}")),
            "{region:?}: {text}"
        );
        assert!(!text.contains('\n') && !text.contains('\r'), "{text}");
        assert!(text.len() < 400, "a long region is shortened: {text}");

        // `try_build` reports the same when the configuration is made.
        let built = config(&region, &http).try_build();
        let err = built.expect_err("try_build refuses it");
        assert!(err.to_string().starts_with("invalid region "), "{err}");
    }
}

#[tokio::test]
async fn a_plain_region_still_resolves_to_the_service_endpoint() {
    let http = CaptureClient::new();
    let client = ivs::Client::new(config("us-west-2", &http).try_build().expect("valid"));
    list_channels(&client).await.expect("200 {}");
    let requests = http.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].uri().to_string(),
        "https://ivs.us-west-2.amazonaws.com/ListChannels"
    );
    let auth = requests[0].headers()["authorization"].to_str().unwrap();
    assert!(auth.contains("/us-west-2/ivs/aws4_request"), "{auth}");
}

/// Where the process used to abort: a 60,000-character region on a worker thread (2 MiB
/// stack) of a multi-thread runtime.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_region_on_a_worker_thread_is_an_error_not_an_abort() {
    let worker = tokio::spawn(async {
        let http = CaptureClient::new();
        let region = "a".repeat(60_000);
        let client = ivs::Client::new(config(&region, &http).build());
        let err = list_channels(&client).await.expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Construction, "{err}");
        assert!(err.to_string().contains("(60000 characters)"), "{err}");
        http.requests().len()
    });
    assert_eq!(worker.await.expect("the worker ends normally"), 0);
}

/// Counts the WARN events the client logs, with their text (a minimal `tracing` subscriber).
#[derive(Default)]
struct Warnings(std::sync::Mutex<Vec<String>>);

struct MessageText<'a>(&'a mut String);

impl tracing::field::Visit for MessageText<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write as _;
        let _ = write!(self.0, "{}={value:?} ", field.name());
    }
}

impl tracing::Subscriber for &'static Warnings {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut text = String::new();
        event.record(&mut MessageText(&mut text));
        if *event.metadata().level() == tracing::Level::WARN {
            self.0.lock().unwrap().push(text);
        } else {
            // Logs of every level must not carry the password either.
            assert!(!text.contains("hunter2"), "{text}");
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Runs `body` on this thread with `warnings` as the subscriber.
fn with_warnings<T>(body: impl FnOnce() -> T) -> (T, Vec<String>) {
    let warnings: &'static Warnings = Box::leak(Box::default());
    let out = tracing::subscriber::with_default(warnings, body);
    let seen = warnings.0.lock().unwrap().clone();
    (out, seen)
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn endpoint_urls_with_userinfo_or_a_bad_port_are_refused_without_repeating_the_password() {
    for (url, needle) in [
        ("https://user:hunter2@ivs.example.com/", "user information"),
        ("http://user:hunter2@127.0.0.1:5000", "user information"),
        ("https://hunter2@ivs.example.com", "user information"),
        ("https://ivs.example.com:65536", "out of range"),
        ("http://127.0.0.1:99999/", "out of range"),
        ("http://127.0.0.1:-1/", "not a number"),
    ] {
        let http = CaptureClient::new();
        let ((err, built), warnings) = with_warnings(|| {
            let client = ivs::Client::new(config("us-west-2", &http).endpoint_url(url).build());
            let err = block_on(list_channels(&client)).expect_err("refused");
            let built = config("us-west-2", &http).endpoint_url(url).try_build();
            (
                err,
                built.expect_err("try_build refuses it too").to_string(),
            )
        });
        let text = format!("{err} {err:?} {built}");
        assert_eq!(err.kind(), ErrorKind::Construction, "{url}: {text}");
        assert!(text.contains(needle), "{url}: {text}");
        assert!(!text.contains("hunter2"), "{url}: {text}");
        assert!(http.requests().is_empty(), "{url}: a request was sent");
        assert!(warnings.is_empty(), "{url}: {warnings:?}");
    }
}

#[test]
fn a_plain_http_endpoint_works_and_warns_once_per_client() {
    let http = CaptureClient::new();
    let (sent, warnings) = with_warnings(|| {
        let client = ivs::Client::new(
            config("us-west-2", &http)
                .endpoint_url("http://127.0.0.1:5000")
                .build(),
        );
        block_on(async {
            for _ in 0..3 {
                list_channels(&client).await.expect("200 {}");
            }
        });
        http.requests().len()
    });
    assert_eq!(sent, 3);
    assert_eq!(
        http.requests()[0].uri().to_string(),
        "http://127.0.0.1:5000/ListChannels"
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("clear text"), "{warnings:?}");
    assert!(
        warnings[0].contains("http://127.0.0.1:5000"),
        "{warnings:?}"
    );

    // An https endpoint warns about nothing.
    let (_, warnings) = with_warnings(|| {
        let client = ivs::Client::new(
            config("us-west-2", &http)
                .endpoint_url("https://ivs.example.com")
                .build(),
        );
        block_on(list_channels(&client)).expect("200 {}");
    });
    assert!(warnings.is_empty(), "{warnings:?}");
}
