//! Boolean configuration values from the environment: `AWS_USE_FIPS_ENDPOINT` and
//! `AWS_USE_DUALSTACK_ENDPOINT` take `true`/`false` in any case, with blanks around; anything
//! else leaves the default (off). Checked by where a ListChannels goes.
//!
//! This file holds one test: it changes the process environment, which no other test in the
//! same process may read meanwhile.

use ivs::runtime::http::CaptureClient;

const FIPS: &str = "AWS_USE_FIPS_ENDPOINT";
const DUAL: &str = "AWS_USE_DUALSTACK_ENDPOINT";

/// The host a ListChannels goes to with `env` set (and nothing else that moves the endpoint).
async fn host(env: &[(&str, &str)]) -> String {
    for var in [
        FIPS,
        DUAL,
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_IVS",
        "AWS_PROFILE",
    ] {
        std::env::remove_var(var);
    }
    std::env::set_var("AWS_REGION", "us-west-2");
    std::env::set_var("AWS_CONFIG_FILE", "/nonexistent/aws/config");
    for (name, value) in env {
        std::env::set_var(name, value);
    }
    let http = CaptureClient::new();
    let config = ivs::Config::from_env()
        .await
        .to_builder()
        .credentials(ivs::Credentials::new("AKID", "SECRET", None, None, "test"))
        .http_client(http.clone())
        .build();
    ivs::Client::new(config)
        .list_channels()
        .send()
        .await
        .unwrap();
    let requests = http.requests();
    assert_eq!(requests.len(), 1);
    requests[0].uri().host().unwrap().to_owned()
}

#[tokio::test]
async fn fips_and_dual_stack_variables_read_true_and_false() {
    const PLAIN: &str = "ivs.us-west-2.amazonaws.com";
    const FIPS_HOST: &str = "ivs-fips.us-west-2.amazonaws.com";
    const DUAL_HOST: &str = "ivs.us-west-2.api.aws";
    const BOTH_HOST: &str = "ivs-fips.us-west-2.api.aws";
    assert_eq!(host(&[]).await, PLAIN);
    for yes in ["true", "TRUE", "True", " true\n"] {
        assert_eq!(host(&[(FIPS, yes)]).await, FIPS_HOST, "{FIPS}={yes:?}");
        assert_eq!(host(&[(DUAL, yes)]).await, DUAL_HOST, "{DUAL}={yes:?}");
        assert_eq!(
            host(&[(FIPS, yes), (DUAL, yes)]).await,
            BOTH_HOST,
            "both {yes:?}"
        );
    }
    for no in ["false", "FALSE", " false "] {
        assert_eq!(host(&[(FIPS, no), (DUAL, no)]).await, PLAIN, "{no:?}");
    }
    // Not a boolean: ignored, as the AWS SDKs' config loaders ignore it (the default stays).
    for other in ["1", "yes", "on", ""] {
        assert_eq!(
            host(&[(FIPS, other), (DUAL, other)]).await,
            PLAIN,
            "{other:?}"
        );
    }
}
