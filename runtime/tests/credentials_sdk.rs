//! The `aws-config` feature: credentials providers of the official AWS SDK adapted to ours.
//! Run with `cargo test -p aws-lite-runtime --features aws-config`.
#![cfg(feature = "aws-config")]

use std::time::{Duration, SystemTime};

use aws_credential_types::credential_fn::provide_credentials_fn;
use aws_credential_types::provider::error::CredentialsError as SdkError;
use aws_lite_runtime::credentials::{CredentialsErrorKind, ProvideCredentials, SdkCredentials};

#[tokio::test]
async fn sdk_credentials_keep_keys_token_and_expiry() {
    let expiry = SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000);
    let sdk = aws_credential_types::Credentials::new(
        "AKIDSDK",
        "sdk-secret",
        Some("sdk-token".to_owned()),
        Some(expiry),
        "sdk-test",
    );
    let ours = SdkCredentials::new(sdk)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(ours.access_key_id(), "AKIDSDK");
    assert_eq!(ours.secret_access_key(), "sdk-secret");
    assert_eq!(ours.session_token(), Some("sdk-token"));
    assert_eq!(ours.expiry(), Some(expiry));
    assert_eq!(ours.provider_name(), "aws-config");
    let shown = format!("{ours:?}");
    assert!(
        !shown.contains("sdk-secret") && !shown.contains("sdk-token"),
        "{shown}"
    );
}

#[tokio::test]
async fn sdk_errors_keep_their_kind() {
    let not_loaded = SdkCredentials::new(provide_credentials_fn(|| async {
        Err(SdkError::not_loaded("no SSO session"))
    }));
    let e = not_loaded.provide_credentials().await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::NotLoaded);
    assert!(std::error::Error::source(&e).is_some());

    let invalid = SdkCredentials::new(provide_credentials_fn(|| async {
        Err(SdkError::invalid_configuration("bad profile"))
    }));
    let e = invalid.provide_credentials().await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);

    let failed = SdkCredentials::new(provide_credentials_fn(|| async {
        Err(SdkError::provider_error("IMDS unreachable"))
    }));
    let e = failed.provide_credentials().await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::ProviderError);
    assert!(e.to_string().contains("AWS SDK provider failed"), "{e}");
}
