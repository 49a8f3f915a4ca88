//! Reusing the official SDK's setup: region, credentials (SSO, IMDS, web identity, processes),
//! endpoint URL, FIPS and dual-stack from `aws-config`'s `SdkConfig`.

use crate::config::ClientConfigBuilder;
use crate::credentials::SdkCredentials;

/// A configuration builder holding what `sdk` says: region, credentials provider, endpoint URL
/// override, FIPS and dual-stack. Retries, timeouts and the transport stay this crate's.
///
/// ```text
/// let sdk = aws_config::load_from_env().await;
/// let client = ivs::Client::new(aws_lite_runtime::sdk_config::from_sdk_config(&sdk).build());
/// ```
pub fn from_sdk_config(sdk: &aws_types::SdkConfig) -> ClientConfigBuilder {
    let mut builder = ClientConfigBuilder::default();
    if let Some(region) = sdk.region() {
        builder = builder.region(region.as_ref());
    }
    if let Some(provider) = sdk.credentials_provider() {
        builder = builder.credentials_provider(SdkCredentials(provider));
    }
    if let Some(url) = sdk.endpoint_url() {
        builder = builder.endpoint_url(url);
    }
    if let Some(fips) = sdk.use_fips() {
        builder = builder.use_fips(fips);
    }
    if let Some(dual) = sdk.use_dual_stack() {
        builder = builder.use_dual_stack(dual);
    }
    builder
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::provider::SharedCredentialsProvider;

    #[tokio::test]
    async fn region_credentials_and_endpoint_come_from_the_sdk_config() {
        let sdk = aws_types::SdkConfig::builder()
            .region(aws_types::region::Region::new("eu-west-1"))
            .credentials_provider(SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new(
                    "AKSDK",
                    "sdk-secret",
                    Some("tok".into()),
                    None,
                    "test",
                ),
            ))
            .endpoint_url("http://127.0.0.1:9")
            .use_fips(true)
            .build();
        let config = from_sdk_config(&sdk).build();
        assert_eq!(config.region(), Some("eu-west-1"));
        assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:9"));
        assert!(config.use_fips());
        let creds = config
            .credentials_provider()
            .expect("a provider")
            .provide_credentials()
            .await
            .expect("credentials");
        assert_eq!(creds.access_key_id(), "AKSDK");
        assert_eq!(creds.session_token(), Some("tok"));
        assert!(!format!("{config:?}").contains("sdk-secret"));
    }
}
