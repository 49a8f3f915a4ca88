//! What the runtime reads from the process environment itself (`std::env`), in a test binary
//! of its own: the variables are set once, before anything reads them, and no other test of
//! this process changes them.

use aws_lite_runtime::config::{ClientConfig, EndpointSource};

#[tokio::test]
async fn region_and_endpoint_urls_come_from_the_process_environment() {
    let dir = std::env::temp_dir().join(format!("process-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // SAFETY (edition 2021: `set_var` is safe to call): one test in this binary, so no other
    // thread reads the environment while it changes.
    std::env::set_var("AWS_CONFIG_FILE", dir.join("config"));
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"));
    std::env::remove_var("AWS_DEFAULT_REGION");
    std::env::remove_var("AWS_ENDPOINT_URL");
    std::env::remove_var("AWS_PROFILE");
    std::env::remove_var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    for name in [
        "AWS_USE_FIPS_ENDPOINT",
        "AWS_USE_DUALSTACK_ENDPOINT",
        "AWS_MAX_ATTEMPTS",
    ] {
        std::env::remove_var(name);
    }
    std::env::set_var("AWS_REGION", "eu-west-3");
    std::env::set_var("AWS_ENDPOINT_URL_IVS", "http://127.0.0.1:9");
    assert_eq!(
        aws_lite_runtime::region::region_from_env().as_deref(),
        Some("eu-west-3")
    );
    let config = ClientConfig::from_env().await;
    assert_eq!(config.region(), Some("eu-west-3"));
    assert_eq!(
        config.endpoint_url_for("ivs"),
        Some(("http://127.0.0.1:9", EndpointSource::ServiceEnv))
    );
    assert_eq!(config.endpoint_url_for("sts"), None);

    // Unset, blank and unparsable values keep the defaults.
    assert!(!config.use_fips() && !config.use_dual_stack());
    let default_attempts = config.retry().max_attempts();
    std::env::set_var("AWS_USE_FIPS_ENDPOINT", " ");
    std::env::set_var("AWS_MAX_ATTEMPTS", "many");
    let config = ClientConfig::from_env().await;
    assert!(!config.use_fips());
    assert_eq!(config.retry().max_attempts(), default_attempts);
    std::env::set_var("AWS_USE_FIPS_ENDPOINT", "true");
    std::env::set_var("AWS_USE_DUALSTACK_ENDPOINT", "TRUE");
    std::env::set_var("AWS_MAX_ATTEMPTS", " 5 ");
    let config = ClientConfig::from_env().await;
    assert!(config.use_fips() && config.use_dual_stack());
    assert_eq!(config.retry().max_attempts(), 5);
    std::env::remove_var("AWS_USE_FIPS_ENDPOINT");
    std::env::remove_var("AWS_USE_DUALSTACK_ENDPOINT");
    std::env::remove_var("AWS_MAX_ATTEMPTS");

    std::env::set_var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
    let config = ClientConfig::from_env().await;
    assert_eq!(config.endpoint_url_for("ivs"), None);

    std::env::remove_var("AWS_REGION");
    std::env::set_var("AWS_DEFAULT_REGION", "ap-south-2");
    assert_eq!(
        aws_lite_runtime::region::region_from_env().as_deref(),
        Some("ap-south-2")
    );
    std::env::remove_var("AWS_DEFAULT_REGION");
    std::fs::write(dir.join("config"), "[default]\nregion = sa-east-1\n").unwrap();
    assert_eq!(
        aws_lite_runtime::region::region_from_env().as_deref(),
        Some("sa-east-1")
    );
    let _ = std::fs::remove_dir_all(&dir);
}
