//! Endpoint URLs from the environment, with the AWS SDKs' precedence: an endpoint URL set in
//! code, else `AWS_ENDPOINT_URL_IVS` (the service-specific variable), else `AWS_ENDPOINT_URL`,
//! else the profile's `endpoint_url`; `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (or the
//! profile's `ignore_configured_endpoint_urls`) ignores all but the one in code (issue 19).
//!
//! This file holds one test: it changes the process environment, which no other test in the
//! same process may read meanwhile.

use ivs::runtime::error::ErrorKind;
use ivs::runtime::http::CaptureClient;

const VARS: [&str; 6] = [
    "AWS_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_IVS",
    "AWS_ENDPOINT_URL_S3",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_REGION",
];

/// Where a ListChannels goes with the environment `env` (and an endpoint URL set in code).
async fn destination(env: &[(&str, &str)], in_code: Option<&str>) -> Result<String, String> {
    for var in VARS {
        std::env::remove_var(var);
    }
    std::env::set_var("AWS_REGION", "us-west-2");
    // No profile file can add a region or endpoint of its own.
    std::env::set_var("AWS_CONFIG_FILE", "/nonexistent/aws/config");
    for (name, value) in env {
        std::env::set_var(name, value);
    }
    let http = CaptureClient::new();
    let mut builder = ivs::Config::from_env()
        .await
        .to_builder()
        .credentials(ivs::Credentials::new("AKID", "SECRET", None, None, "test"))
        .http_client(http.clone());
    if let Some(url) = in_code {
        builder = builder.endpoint_url(url);
    }
    let client = ivs::Client::new(builder.build());
    let result = client.list_channels().send().await;
    match result {
        Ok(_) => {
            let requests = http.requests();
            assert_eq!(requests.len(), 1);
            Ok(requests[0].uri().to_string())
        }
        Err(e) => {
            let e = ivs::Error::from(e);
            assert_eq!(e.kind(), ErrorKind::Construction, "{e}");
            assert!(http.requests().is_empty());
            Err(e.to_string())
        }
    }
}

#[tokio::test]
async fn endpoint_precedence_code_then_service_variable_then_global_variable() {
    const GLOBAL: (&str, &str) = ("AWS_ENDPOINT_URL", "http://127.0.0.1:1001");
    const IVS: (&str, &str) = ("AWS_ENDPOINT_URL_IVS", "http://127.0.0.1:1002");
    const OTHER: (&str, &str) = ("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:1009");
    const IGNORE: (&str, &str) = ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
    const CODE: &str = "http://127.0.0.1:1003";
    const SERVICE: &str = "https://ivs.us-west-2.amazonaws.com/ListChannels";
    let ok = |port: u16| Ok(format!("http://127.0.0.1:{port}/ListChannels"));

    assert_eq!(destination(&[], None).await, Ok(SERVICE.to_owned()));
    assert_eq!(destination(&[GLOBAL], None).await, ok(1001));
    assert_eq!(destination(&[GLOBAL, IVS], None).await, ok(1002));
    assert_eq!(destination(&[IVS], None).await, ok(1002));
    assert_eq!(destination(&[GLOBAL, IVS], Some(CODE)).await, ok(1003));
    // Another service's variable is not ours.
    assert_eq!(destination(&[OTHER], None).await, Ok(SERVICE.to_owned()));
    assert_eq!(destination(&[OTHER, GLOBAL], None).await, ok(1001));
    // Ignoring configured endpoints drops the environment's, not the one set in code.
    assert_eq!(
        destination(&[GLOBAL, IVS, IGNORE], None).await,
        Ok(SERVICE.to_owned())
    );
    assert_eq!(
        destination(&[GLOBAL, IVS, IGNORE], Some(CODE)).await,
        ok(1003)
    );
    assert_eq!(
        destination(
            &[
                GLOBAL,
                IVS,
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false")
            ],
            None
        )
        .await,
        ok(1002)
    );
    // The service variable is checked like any endpoint URL, and the error names it.
    let err = destination(
        &[("AWS_ENDPOINT_URL_IVS", "http://u:hunter2@127.0.0.1:1002")],
        None,
    )
    .await
    .unwrap_err();
    assert!(err.contains("AWS_ENDPOINT_URL_IVS"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    let err = destination(&[("AWS_ENDPOINT_URL", "http://127.0.0.1:70000")], None)
        .await
        .unwrap_err();
    assert!(
        err.contains("AWS_ENDPOINT_URL") && err.contains("out of range"),
        "{err}"
    );
    // An invalid region from AWS_REGION is refused like one set in code.
    let err = destination(&[("AWS_REGION", "evil.com/")], None)
        .await
        .unwrap_err();
    assert!(err.contains(r#"invalid region "evil.com/""#), "{err}");

    // The active profile's endpoint_url comes after both variables.
    let dir = std::env::temp_dir().join(format!("endpoint-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config");
    std::fs::write(
        &file,
        "[default]\nendpoint_url = http://127.0.0.1:1004\n\n\
         [profile quiet]\nendpoint_url = http://127.0.0.1:1005\n\
         ignore_configured_endpoint_urls = true\n",
    )
    .unwrap();
    let config_file = ("AWS_CONFIG_FILE", file.to_str().unwrap());
    assert_eq!(destination(&[config_file], None).await, ok(1004));
    assert_eq!(destination(&[config_file, GLOBAL], None).await, ok(1001));
    assert_eq!(destination(&[config_file, IVS], None).await, ok(1002));
    assert_eq!(destination(&[config_file], Some(CODE)).await, ok(1003));
    assert_eq!(
        destination(&[config_file, IGNORE], None).await,
        Ok(SERVICE.to_owned())
    );
    // A profile that ignores configured endpoints drops the variables too, unless the
    // variable says otherwise.
    let quiet = ("AWS_PROFILE", "quiet");
    assert_eq!(
        destination(&[config_file, quiet, GLOBAL], None).await,
        Ok(SERVICE.to_owned())
    );
    assert_eq!(
        destination(
            &[
                config_file,
                quiet,
                GLOBAL,
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false")
            ],
            None
        )
        .await,
        ok(1001)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
