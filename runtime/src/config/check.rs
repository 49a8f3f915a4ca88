//! Checks of configuration values that may come from outside the program (`AWS_REGION`, a
//! profile, a tenant's settings): a region must be a host label, an endpoint URL must not carry
//! user information or an impossible port. What the official SDKs refuse, refused once, before
//! anything is signed or sent.

use std::fmt;

/// A configuration value that cannot be used. `Display` names the setting and the value
/// (escaped as a Rust string literal, shortened when long); user information in an endpoint
/// URL is never repeated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    fn new(message: String) -> Self {
        Self { message }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// The longest region accepted: one DNS label.
pub const MAX_REGION_LEN: usize = 63;

/// How many characters of an offending value an error shows.
const SHOWN_CHARS: usize = 64;

/// `value` as an escaped Rust string literal; a long one is cut after [`SHOWN_CHARS`]
/// characters and its length given, so a 60,000-character value does not flood a log.
pub(crate) fn escaped(value: &str) -> String {
    let count = value.chars().count();
    if count <= SHOWN_CHARS {
        return format!("{value:?}");
    }
    let cut: String = value.chars().take(SHOWN_CHARS).collect();
    format!("{cut:?}... ({count} characters)")
}

/// Checks that `region` can be the host label the endpoint rules put it in, as the official
/// SDKs do (botocore's `validate_region_name`, the JavaScript SDK's `checkRegion`): 1 to 63
/// ASCII letters, digits and `-`, starting and ending with a letter or digit.
///
/// ```
/// use aws_lite_runtime::config::check_region;
/// assert!(check_region("us-west-2").is_ok());
/// let err = check_region("x@evil.example/").unwrap_err();
/// assert!(err.to_string().starts_with(r#"invalid region "x@evil.example/""#));
/// ```
pub fn check_region(region: &str) -> Result<(), ConfigError> {
    let bytes = region.as_bytes();
    let valid = (1..=MAX_REGION_LEN).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric();
    if valid {
        return Ok(());
    }
    let why = if region.is_empty() {
        "it is empty".to_owned()
    } else if region.chars().count() > MAX_REGION_LEN {
        format!("it is longer than {MAX_REGION_LEN} characters")
    } else {
        "a region is 1 to 63 ASCII letters, digits and `-`, starting and ending with a letter \
         or digit, such as \"us-west-2\""
            .to_owned()
    };
    Err(ConfigError::new(format!(
        "invalid region {}: {why}",
        escaped(region)
    )))
}

/// The parts of an endpoint URL a client needs to trust it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EndpointUrl {
    /// `http` (plain text) rather than `https`.
    pub(crate) plain_http: bool,
}

/// Checks an endpoint URL (`ClientConfigBuilder::endpoint_url`, `AWS_ENDPOINT_URL`...): an
/// absolute `http` or `https` URL with a host, no user information (`user:password@`: a
/// password in a URL ends up in logs; the SDKs take credentials from providers only) and, if
/// it has a port, one from 0 to 65535. `setting` names where the URL came from, for the error.
pub(crate) fn check_endpoint_url(url: &str, setting: &str) -> Result<EndpointUrl, ConfigError> {
    let bad = |why: &str| {
        ConfigError::new(format!(
            "invalid endpoint URL {} ({setting}): {why}",
            escaped(&crate::config::redact_userinfo(url))
        ))
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains whitespace or control characters"));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(bad(
            "it is not absolute (it needs `http://` or `https://` and a host)",
        ));
    };
    let plain_http = match scheme.to_ascii_lowercase().as_str() {
        "https" => false,
        "http" => true,
        _ => return Err(bad("the scheme must be `http` or `https`")),
    };
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    if authority.contains('@') {
        return Err(bad(
            "it carries user information (text and `@` ahead of the host), which an endpoint \
             URL must not: credentials come from the credentials provider",
        ));
    }
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return Err(bad("an IPv6 host is missing its `]`"));
        };
        let after = &inner[close + 1..];
        let port = match after {
            "" => None,
            _ => match after.strip_prefix(':') {
                Some(port) => Some(port),
                None => return Err(bad("unexpected text after the IPv6 host")),
            },
        };
        (&authority[..close + 2], port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() || host == "[]" {
        return Err(bad("it has no host"));
    }
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("the port is not a number"));
        }
        if port.parse::<u16>().is_err() {
            return Err(bad("the port is out of range (0 to 65535)"));
        }
    }
    Ok(EndpointUrl { plain_http })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        for ok in [
            "us-west-2",
            "aws-global",
            "us-iso-east-1",
            "a",
            "12345",
            &"a".repeat(63),
        ] {
            assert!(check_region(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-us",
            "us-",
            "us_west",
            "us.west",
            "us west",
            "us-west-2\r\n",
            "é",
            &"a".repeat(64),
        ] {
            let err = check_region(bad).unwrap_err().to_string();
            assert!(err.starts_with("invalid region "), "{err}");
        }
        assert_eq!(
            check_region("").unwrap_err().to_string(),
            "invalid region \"\": it is empty"
        );
        let long = check_region(&"x".repeat(60_000)).unwrap_err().to_string();
        assert!(long.len() < 200, "{long}");
        assert!(long.contains("(60000 characters)"), "{long}");
        let crlf = check_region("a\r\nb").unwrap_err().to_string();
        assert!(crlf.starts_with(r#"invalid region "a\r\nb""#), "{crlf}");
    }

    #[test]
    fn endpoint_urls() {
        let check = |u: &str| check_endpoint_url(u, "test").map_err(|e| e.to_string());
        assert_eq!(
            check("https://ivs.example.com"),
            Ok(EndpointUrl { plain_http: false })
        );
        assert_eq!(
            check("HTTP://127.0.0.1:5000/x"),
            Ok(EndpointUrl { plain_http: true })
        );
        assert!(check("http://[::1]:65535/").is_ok());
        assert!(check("http://localhost:0").is_ok());
        assert!(
            check("https://h/p?q=a@b").is_ok(),
            "an `@` after the authority is no userinfo"
        );
        for (url, needle) in [
            ("https://user:hunter2@host/", "user information"),
            ("https://hunter2@host", "user information"),
            ("http://host:65536", "out of range"),
            ("http://host:99999999999999999999", "out of range"),
            ("http://host:", "not a number"),
            ("http://host:8o", "not a number"),
            ("ftp://host", "scheme"),
            ("host:80", "not absolute"),
            ("https://", "no host"),
            ("https://:80/", "no host"),
            ("http://[::1", "`]`"),
            ("https://a b", "whitespace"),
        ] {
            let err = check(url).unwrap_err();
            assert!(err.contains(needle), "{url}: {err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
    }
}
