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
