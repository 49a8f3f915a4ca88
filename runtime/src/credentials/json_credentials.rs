//! The JSON document the container (ECS, EKS Pod Identity) and instance metadata (IMDS)
//! endpoints answer with: credentials, or an error code and message.
//!
//! ```json
//! { "Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIA...", "SecretAccessKey": "...",
//!   "Token": "...", "Expiration": "2021-09-21T04:16:53Z", "AccountId": "123456789012" }
//! ```
//!
//! Keys are matched without regard to case (the container endpoints document `code` and
//! `message` in lower case for errors). Messages about a bad document name the field at
//! fault, never a value.

use std::time::SystemTime;

use super::Credentials;
use crate::json::Value;
use crate::time::{DateTime, Format};

/// What an endpoint answered.
#[derive(Debug)]
pub(crate) enum JsonCredentials {
    /// Credentials (the `Code`, when present, was `Success`).
    Credentials(Credentials),
    /// An error the endpoint reported, with its code and message.
    Error { code: String, message: String },
}

/// Parses `body`; `provider_name` goes into the credentials. The error text says what is
/// wrong with the document, never what it holds.
pub(crate) fn parse(body: &[u8], provider_name: &'static str) -> Result<JsonCredentials, String> {
    let value =
        crate::json::from_slice(body).map_err(|e| format!("the answer is not JSON: {e}"))?;
    let Value::Object(object) = value else {
        return Err("the answer is not a JSON object".to_owned());
    };
    let field = |name: &str| -> Result<Option<&str>, String> {
        match object.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
            None | Some((_, Value::Null)) => Ok(None),
            Some((_, Value::String(s))) => Ok(Some(s.as_str())),
            Some((k, _)) => Err(format!("`{k}` is not a string")),
        }
    };
    let code = field("Code")?;
    if let Some(code) = code.filter(|c| *c != "Success") {
        return Ok(JsonCredentials::Error {
            code: code.to_owned(),
            message: field("Message")?.unwrap_or("no message").to_owned(),
        });
    }
    let required = |name: &'static str| -> Result<&str, String> {
        field(name)?
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("the answer has no `{name}`"))
    };
    let access_key_id = required("AccessKeyId")?;
    let secret_access_key = required("SecretAccessKey")?;
    let token = required("Token")?;
    let expiration = required("Expiration")?;
    let expiry = parse_expiry(expiration)?;
    let mut credentials = Credentials::new(
        access_key_id,
        secret_access_key,
        Some(token.to_owned()),
        Some(expiry),
        provider_name,
    );
    if let Some(account_id) = field("AccountId")?.filter(|a| !a.is_empty()) {
        credentials = credentials.with_account_id(account_id);
    }
    Ok(JsonCredentials::Credentials(credentials))
}

fn parse_expiry(text: &str) -> Result<SystemTime, String> {
    DateTime::from_str(text, Format::DateTime)
        .ok()
        .and_then(|t| t.to_system_time())
        .ok_or_else(|| "`Expiration` is not an RFC 3339 date-time after 1970".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn credentials_with_and_without_code() {
        let body = br#"{"Code" : "Success", "Type": "AWS-HMAC", "AccessKeyId": "AKID",
            "SecretAccessKey": "SECRET", "Token": "TOKEN", "AccountId": "123456789012",
            "Expiration": "2009-02-13T23:31:30Z", "LastUpdated": "2009-02-13T23:00:00Z"}"#;
        let JsonCredentials::Credentials(c) = parse(body, "test").unwrap() else {
            panic!("credentials expected")
        };
        assert_eq!(c.access_key_id(), "AKID");
        assert_eq!(c.secret_access_key(), "SECRET");
        assert_eq!(c.session_token(), Some("TOKEN"));
        assert_eq!(c.account_id(), Some("123456789012"));
        assert_eq!(
            c.expiry(),
            Some(UNIX_EPOCH + Duration::from_secs(1234567890))
        );
        // Without `Code`, and keys in another case.
        let body = br#"{"accesskeyid": "A", "secretaccesskey": "S", "token": "T",
            "expiration": "2009-02-13T23:31:30Z"}"#;
        assert!(matches!(
            parse(body, "test").unwrap(),
            JsonCredentials::Credentials(c) if c.account_id().is_none()
        ));
    }

    #[test]
    fn error_documents_and_bad_documents() {
        let body = br#"{"code": "AssumeRoleUnauthorizedAccess", "message": "no trust"}"#;
        match parse(body, "test").unwrap() {
            JsonCredentials::Error { code, message } => {
                assert_eq!(code, "AssumeRoleUnauthorizedAccess");
                assert_eq!(message, "no trust");
            }
            other => panic!("error expected, got {other:?}"),
        }
        let missing =
            br#"{"AccessKeyId": "A", "Token": "T", "Expiration": "2009-02-13T23:31:30Z"}"#;
        assert_eq!(
            parse(missing, "t").unwrap_err(),
            "the answer has no `SecretAccessKey`"
        );
        let secret_date = br#"{"AccessKeyId": "A", "SecretAccessKey": "S", "Token": "T",
            "Expiration": "SECRETISH"}"#;
        let err = parse(secret_date, "t").unwrap_err();
        assert!(
            err.contains("Expiration") && !err.contains("SECRETISH"),
            "{err}"
        );
        assert!(parse(b"404 not found", "t")
            .unwrap_err()
            .starts_with("the answer is not JSON"));
        assert_eq!(
            parse(b"[]", "t").unwrap_err(),
            "the answer is not a JSON object"
        );
        let wrong_type = br#"{"AccessKeyId": 5}"#;
        assert_eq!(
            parse(wrong_type, "t").unwrap_err(),
            "`AccessKeyId` is not a string"
        );
    }
}
