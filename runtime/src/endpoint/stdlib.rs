//! The pure functions behind the rules engine's standard and AWS libraries.
//!
//! Each follows the Smithy specification and, where the prose is silent, the reference
//! implementation and its conformance test suites (noted at the function).

use crate::json::{Map, Value};

/// `isValidHostLabel`: an RFC 1123 label (1-63 ASCII letters, digits or `-`, not starting
/// with `-`); with `allow_sub_domains`, dot-separated labels that each qualify (so no empty,
/// leading or trailing label).
pub(crate) fn is_valid_host_label(value: &str, allow_sub_domains: bool) -> bool {
    let label = |s: &str| {
        (1..=63).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if allow_sub_domains {
        value.split('.').all(label)
    } else {
        label(value)
    }
}

/// Whether `host` is an IP address literal: bracketed (IPv6) or four dot-separated decimal
/// numbers of at most 255 (what the reference implementation checks).
pub(crate) fn is_ip(host: &str) -> bool {
    if host.starts_with('[') && host.ends_with(']') {
        return true;
    }
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| n <= 255)
        })
}

/// `parseURL`: `{scheme, authority, path, normalizedPath, isIp}`, or `None` for anything but
/// an `http`/`https` URL with a host, an optional numeric port and no query.
///
/// The authority is kept as written (an explicit `:443` stays, as the conformance tests
/// expect) minus any userinfo; `path` is the unmodified path (empty when absent);
/// `normalizedPath` always starts and ends with `/`. A fragment is dropped, as Java's `URL`
/// does. Host names are not validated beyond being non-empty and free of whitespace.
pub(crate) fn parse_url(value: &str) -> Option<Value> {
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (scheme, rest) = value.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    if rest.contains('?') {
        return None;
    }
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let (host, port) = if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (host, after) = authority.split_at(close + 1);
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() || host == "[]" {
        return None;
    }
    if let Some(port) = port {
        if port.is_empty()
            || !port.bytes().all(|b| b.is_ascii_digit())
            || port.parse::<u16>().is_err()
        {
            return None;
        }
    }
    let normalized = match path {
        "" => "/".to_owned(),
        _ => {
            let mut p = String::with_capacity(path.len() + 1);
            p.push_str(path);
            if !p.ends_with('/') {
                p.push('/');
            }
            p
        }
    };
    let mut url = Map::new();
    url.insert("scheme".into(), scheme.into());
    url.insert("authority".into(), authority.into());
    url.insert("path".into(), path.into());
    url.insert("normalizedPath".into(), normalized.into());
    url.insert("isIp".into(), is_ip(host).into());
    Some(Value::Object(url))
}

/// `substring`: characters `start..stop` (counted from the end when `reverse`), or `None` when
/// the input is not all ASCII, the range is empty or negative, or the input is too short.
pub(crate) fn substring(input: &str, start: i64, stop: i64, reverse: bool) -> Option<String> {
    if !input.is_ascii() || start < 0 || start >= stop {
        return None;
    }
    let (start, stop) = (usize::try_from(start).ok()?, usize::try_from(stop).ok()?);
    let len = input.len();
    if stop > len {
        return None;
    }
    let range = if reverse {
        len - stop..len - start
    } else {
        start..stop
    };
    // All ASCII, so byte indices are character indices.
    input.get(range).map(str::to_owned)
}

/// `uriEncode`: RFC 3986 percent-encoding of every byte except the unreserved characters,
/// with uppercase hex digits.
pub(crate) fn uri_encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out
}

/// `split` (rules engine 1.1): `limit` 0 splits everywhere, `n > 0` yields at most `n` parts.
/// The caller rejects an empty delimiter and a negative limit.
pub(crate) fn split(value: &str, delimiter: &str, limit: usize) -> Vec<String> {
    if value.is_empty() || limit == 1 {
        return vec![value.to_owned()];
    }
    let mut parts = Vec::new();
    if limit == 0 {
        for part in value.split(delimiter) {
            parts.push(part.to_owned());
        }
    } else {
        for part in value.splitn(limit, delimiter) {
            parts.push(part.to_owned());
        }
    }
    parts
}

/// `aws.parseArn`: `arn:partition:service:region:accountId:resource`, with the resource split
/// on `:` and `/` into `resourceId`. Region and account may be empty; partition, service and
/// resource may not.
pub(crate) fn parse_arn(value: &str) -> Option<Value> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts[..] else {
        return None;
    };
    if arn != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    let mut resource_id = Vec::new();
    for s in resource.split([':', '/']) {
        resource_id.push(Value::String(s.to_owned()));
    }
    let mut out = Map::new();
    out.insert("partition".into(), partition.into());
    out.insert("service".into(), service.into());
    out.insert("region".into(), region.into());
    out.insert("accountId".into(), account.into());
    out.insert("resourceId".into(), Value::Array(resource_id));
    Some(Value::Object(out))
}

/// `aws.isVirtualHostableS3Bucket`: 3-63 characters of lowercase letters, digits and `-`
/// (and `.` with `allow_sub_domains`), starting and ending alphanumeric; with dots, no `..`,
/// `.-` or `-.`, and not shaped like an IPv4 address. Mirrors the reference implementation.
pub(crate) fn is_virtual_hostable_s3_bucket(value: &str, allow_sub_domains: bool) -> bool {
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let bytes = value.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if !(3..=63).contains(&bytes.len()) || !alnum(first) || !alnum(last) {
        return false;
    }
    if !allow_sub_domains {
        return bytes.iter().all(|&c| alnum(c) || c == b'-');
    }
    let adjacent_ok = bytes.windows(2).all(|w| match (w[0], w[1]) {
        (b'.' | b'-', b'.') | (b'.', b'-') => false,
        (_, c) => alnum(c) || c == b'.' || c == b'-',
    });
    adjacent_ok && !is_ip(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;

    #[test]
    fn host_labels() {
        for ok in ["us-east-1", "3aws4", "a", "A-b", &"a".repeat(63), "a-"] {
            assert!(is_valid_host_label(ok, false), "{ok}");
        }
        for bad in ["", "-a", "a.b", "a b", "a_b", &"a".repeat(64), "é"] {
            assert!(!is_valid_host_label(bad, false), "{bad}");
        }
        assert!(is_valid_host_label("part1.part2", true));
        assert!(is_valid_host_label("a.b.c", true));
        for bad in [
            "part1.",
            ".part1",
            "part1..part2",
            "part1.-part2",
            "",
            "a b.c",
        ] {
            assert!(!is_valid_host_label(bad, true), "{bad}");
        }
    }

    #[test]
    fn parse_url_cases() {
        let url = |s: &str| parse_url(s);
        assert_eq!(
            url("https://example.com"),
            Some(
                json!({"scheme": "https", "authority": "example.com", "path": "",
                        "normalizedPath": "/", "isIp": false})
            )
        );
        assert_eq!(
            url("http://example.com:80/foo/bar"),
            Some(
                json!({"scheme": "http", "authority": "example.com:80", "path": "/foo/bar",
                        "normalizedPath": "/foo/bar/", "isIp": false})
            )
        );
        let get = |s: &str, k: &str| url(s).unwrap()[k].clone();
        assert_eq!(get("https://example.com/", "path"), "/");
        assert_eq!(get("https://example.com/", "normalizedPath"), "/");
        assert_eq!(get("https://example.com/a/", "normalizedPath"), "/a/");
        assert_eq!(get("https://127.0.0.1", "isIp"), true);
        assert_eq!(get("http://192.168.1.1:1234/foo/", "isIp"), true);
        assert_eq!(
            get("http://192.168.1.1:1234/foo/", "authority"),
            "192.168.1.1:1234"
        );
        assert_eq!(get("https://[fe80::1]", "isIp"), true);
        assert_eq!(get("https://[fe80::1]", "authority"), "[fe80::1]");
        assert_eq!(
            get("https://[2001:db8::1]:443", "authority"),
            "[2001:db8::1]:443"
        );
        assert_eq!(get("https://999.999.abc.blah", "isIp"), false);
        assert_eq!(get("https://256.1.1.1", "isIp"), false);
        assert_eq!(get("http://99_ab-.com", "authority"), "99_ab-.com");
        assert_eq!(get("HTTPS://example.com", "scheme"), "https");
        assert_eq!(
            get("https://user:pw@example.com/x", "authority"),
            "example.com"
        );
        assert_eq!(get("https://example.com/p#frag", "path"), "/p");
        for bad in [
            "https://example.com:8443?foo=bar",
            "https://example.com/path?query1=foo",
            "acbd://example.com",
            "http://abc.com:a/foo",
            "http://abc.com:/foo",
            "http://abc.com:99999",
            "example.com",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "https://[fe80::1",
            "https://[fe80::1]x",
            "",
        ] {
            assert_eq!(url(bad), None, "{bad}");
        }
    }

    #[test]
    fn ip_detection() {
        assert!(is_ip("0.0.0.0"));
        assert!(is_ip("[::1]"));
        assert!(
            is_ip("1.2.3.0004"),
            "leading zeros parse, as in the reference"
        );
        for not_ip in [
            "1.2.3",
            "1.2.3.4.5",
            "a.b.c.d",
            "1..2.3",
            "1.2.3.+4",
            "1.2.3.99999999999",
        ] {
            assert!(!is_ip(not_ip), "{not_ip}");
        }
    }

    #[test]
    fn substring_cases() {
        assert_eq!(substring("abcdefg", 0, 4, false).as_deref(), Some("abcd"));
        assert_eq!(substring("abcd", 0, 4, false).as_deref(), Some("abcd"));
        assert_eq!(substring("abcdefg", 0, 4, true).as_deref(), Some("defg"));
        assert_eq!(substring("defg", 1, 3, false).as_deref(), Some("ef"));
        assert_eq!(substring("defg", 1, 3, true).as_deref(), Some("ef"));
        assert_eq!(
            substring("\u{7f}abcdef", 0, 4, false).as_deref(),
            Some("\u{7f}abc")
        );
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("", 0, 4, true), None);
        assert_eq!(substring("\u{fdfd}", 0, 1, false), None, "non-ASCII");
        assert_eq!(
            substring("abcdef\u{80}", 0, 4, false),
            None,
            "non-ASCII anywhere"
        );
        assert_eq!(substring("abc", 2, 2, false), None, "empty range");
        assert_eq!(substring("abc", -1, 2, false), None);
    }

    #[test]
    fn uri_encode_cases() {
        assert_eq!(uri_encode("abcdefg"), "abcdefg");
        assert_eq!(uri_encode("abc:defg"), "abc%3Adefg");
        assert_eq!(
            uri_encode("/:,?#[]{}|@! $&'()*+;=%<>\"^`\\"),
            "%2F%3A%2C%3F%23%5B%5D%7B%7D%7C%40%21%20%24%26%27%28%29%2A%2B%3B%3D%25%3C%3E%22%5E%60%5C"
        );
        assert_eq!(
            uri_encode("0123456789.underscore_dash-Tilda~"),
            "0123456789.underscore_dash-Tilda~"
        );
        assert_eq!(uri_encode("\u{1F639}"), "%F0%9F%98%B9");
        assert_eq!(uri_encode(""), "");
    }

    #[test]
    fn split_cases() {
        let s = |v: &str, d: &str, n: usize| split(v, d, n);
        assert_eq!(s("a--b--c", "--", 0), ["a", "b", "c"]);
        assert_eq!(s("a--b--c", "--", 2), ["a", "b--c"]);
        assert_eq!(s("--b--", "--", 0), ["", "b", ""]);
        assert_eq!(s("abc", "x", 0), ["abc"]);
        assert_eq!(s("", "--", 0), [""]);
        assert_eq!(s("----", "--", 0), ["", "", ""]);
        assert_eq!(s("mybucket", "--", 1), ["mybucket"]);
        assert_eq!(
            s("--x-s3--azid--suffix", "--", 4),
            ["", "x-s3", "azid", "suffix"]
        );
    }

    #[test]
    fn parse_arn_cases() {
        assert_eq!(
            parse_arn("arn:aws:sns:us-west-2:012345678910:example-sns-topic-name"),
            Some(
                json!({"partition": "aws", "service": "sns", "region": "us-west-2",
                        "accountId": "012345678910", "resourceId": ["example-sns-topic-name"]})
            )
        );
        let resource = |arn: &str| parse_arn(arn).unwrap()["resourceId"].clone();
        assert_eq!(
            resource("arn:aws:ec2:us-east-1:012345678910:vpc/vpc-0e9"),
            json!(["vpc", "vpc-0e9"])
        );
        assert_eq!(resource("arn:aws:s3:::bucket_name"), json!(["bucket_name"]));
        assert_eq!(
            resource("arn:aws:s3-outposts:us-west-2:123:outpost:op-01:accesspoint/ap"),
            json!(["outpost", "op-01", "accesspoint", "ap"])
        );
        assert_eq!(resource("arn:aws:s3:::a//b:"), json!(["a", "", "b", ""]));
        let iam = parse_arn("arn:aws:iam::012345678910:user/johndoe").unwrap();
        assert_eq!(iam["region"], "");
        assert_eq!(iam["accountId"], "012345678910");
        for bad in [
            "11111111-2222-3333-4444-555555555555",
            "arn:aws:sns:us-west-2:0123",
            "arn::sns:us-west-2:0123:x",
            "arn:aws::us-west-2:0123:x",
            "arn:aws:sns:us-west-2:0123:",
            "urn:aws:sns:us-west-2:0123:x",
            "",
        ] {
            assert_eq!(parse_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn virtual_hostable_buckets() {
        for ok in ["abc", "my-bucket-1", &"a".repeat(63)] {
            assert!(is_virtual_hostable_s3_bucket(ok, false), "{ok}");
        }
        for bad in [
            "ab",
            "Abc",
            "abc-",
            "-abc",
            "a.bc",
            "a_bc",
            &"a".repeat(64),
            "",
        ] {
            assert!(!is_virtual_hostable_s3_bucket(bad, false), "{bad}");
        }
        assert!(is_virtual_hostable_s3_bucket("my.bucket.name", true));
        assert!(is_virtual_hostable_s3_bucket("a.b-c", true));
        for bad in [
            "a..bc",
            "ab.-c",
            "ab-.c",
            "192.168.5.4",
            "ab.C",
            "ab_c.d",
            ".abc",
            "abc.",
        ] {
            assert!(!is_virtual_hostable_s3_bucket(bad, true), "{bad}");
        }
    }
}
