//! Checks for generated protocol compliance tests (`smithy.test#httpRequestTests` and
//! `httpResponseTests`): what a request must look like, and canned responses.
//!
//! Comparisons follow the `smithy.test` specification: query parameters are compared as
//! decoded `key=value` pairs in any order, header names case-insensitively, JSON bodies as JSON
//! (numbers by value, objects in any order), other bodies byte for byte.

use crate::http::{Bytes, HttpRequest, HttpResponse};
use crate::json::Value;

/// The expectations of one request test.
#[derive(Debug, Clone, Default)]
pub struct ExpectedRequest<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The path (percent-encoded, as on the wire), without the query.
    pub uri: &'a str,
    /// Host the request must go to (`resolvedHost`, else `host`), if given.
    pub host: Option<&'a str>,
    /// `key=value` pairs (percent-encoded) that must all be present.
    pub query_params: &'a [&'a str],
    /// Query keys that must be absent.
    pub forbid_query_params: &'a [&'a str],
    /// Query keys that must be present.
    pub require_query_params: &'a [&'a str],
    /// Headers with their exact (comma-joined) values.
    pub headers: &'a [(&'a str, &'a str)],
    /// Header names that must be absent.
    pub forbid_headers: &'a [&'a str],
    /// Header names that must be present.
    pub require_headers: &'a [&'a str],
    /// The body, if the test gives one.
    pub body: Option<&'a str>,
    /// `bodyMediaType`: JSON media types compare as JSON.
    pub body_media_type: Option<&'a str>,
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn pair(s: &str) -> (String, String) {
    match s.split_once('=') {
        Some((k, v)) => (decode(k), decode(v)),
        None => (decode(s), String::new()),
    }
}

/// Every way `request` differs from `expected` (empty when it complies).
pub fn request_mismatches(request: &HttpRequest, expected: &ExpectedRequest<'_>) -> Vec<String> {
    let mut problems = Vec::new();
    if request.method().as_str() != expected.method {
        problems.push(format!(
            "method: expected {}, got {}",
            expected.method,
            request.method()
        ));
    }
    if request.uri().path() != expected.uri {
        problems.push(format!(
            "path: expected {}, got {}",
            expected.uri,
            request.uri().path()
        ));
    }
    if let Some(host) = expected.host {
        let actual = request.uri().host().unwrap_or("");
        if actual != host {
            problems.push(format!("host: expected {host}, got {actual}"));
        }
    }
    let mut actual_query = Vec::new();
    for p in request.uri().query().unwrap_or("").split('&') {
        if !p.is_empty() {
            actual_query.push(pair(p));
        }
    }
    let mut remaining = actual_query.clone();
    for want in expected.query_params {
        let want = pair(want);
        match remaining.iter().position(|p| *p == want) {
            Some(i) => {
                remaining.remove(i);
            }
            None => problems.push(format!(
                "query: expected {}={}, got {actual_query:?}",
                want.0, want.1
            )),
        }
    }
    for key in expected.forbid_query_params {
        if actual_query.iter().any(|(k, _)| k == key) {
            problems.push(format!(
                "query: `{key}` must be absent, got {actual_query:?}"
            ));
        }
    }
    for key in expected.require_query_params {
        if !actual_query.iter().any(|(k, _)| k == key) {
            problems.push(format!(
                "query: `{key}` must be present, got {actual_query:?}"
            ));
        }
    }
    let headers = request.headers();
    for (name, value) in expected.headers {
        // The values joined with `, `, as one header line would carry them.
        let mut actual: Option<String> = None;
        for v in headers.get_all(*name) {
            let v = v.to_str().unwrap_or("<not text>");
            match &mut actual {
                Some(joined) => {
                    joined.push_str(", ");
                    joined.push_str(v);
                }
                None => actual = Some(v.to_owned()),
            }
        }
        match actual {
            None => problems.push(format!("header `{name}`: expected `{value}`, absent")),
            Some(actual) if actual != *value => problems.push(format!(
                "header `{name}`: expected `{value}`, got `{actual}`"
            )),
            Some(_) => {}
        }
    }
    for name in expected.forbid_headers {
        if headers.contains_key(*name) {
            problems.push(format!("header `{name}` must be absent"));
        }
    }
    for name in expected.require_headers {
        if !headers.contains_key(*name) {
            problems.push(format!("header `{name}` must be present"));
        }
    }
    if let Some(body) = expected.body {
        if let Some(problem) = body_mismatch(request.body(), body, expected.body_media_type) {
            problems.push(problem);
        }
    }
    problems
}

/// Panics with every mismatch when `request` does not comply with `expected`.
#[track_caller]
pub fn assert_request(request: &HttpRequest, expected: &ExpectedRequest<'_>) {
    let problems = request_mismatches(request, expected);
    assert!(
        problems.is_empty(),
        "request does not match:\n  {}\nrequest: {request:?}",
        problems.join("\n  ")
    );
}

fn is_json(media_type: Option<&str>) -> bool {
    media_type.is_some_and(|m| {
        let m = m.split(';').next().unwrap_or("").trim();
        m == "application/json" || m.ends_with("+json")
    })
}

/// Why `actual` is not the expected body, if it is not.
pub fn body_mismatch(actual: &[u8], expected: &str, media_type: Option<&str>) -> Option<String> {
    if is_json(media_type) {
        let blank = |b: &[u8]| b.iter().all(u8::is_ascii_whitespace);
        if blank(actual) && blank(expected.as_bytes()) {
            return None;
        }
        let parsed_actual: Result<Value, _> = crate::json::from_slice(actual);
        let parsed_expected: Result<Value, _> = crate::json::from_str(expected);
        match (parsed_actual, parsed_expected) {
            (Ok(a), Ok(e)) if json_eq(&a, &e) => None,
            (Ok(a), Ok(e)) => Some(format!("body: expected JSON {e}, got {a}")),
            (Err(err), _) => Some(format!(
                "body: not JSON ({err}): {:?}",
                String::from_utf8_lossy(actual)
            )),
            (_, Err(err)) => Some(format!("body: the expected body is not JSON: {err}")),
        }
    } else if actual != expected.as_bytes() {
        Some(format!(
            "body: expected {expected:?}, got {:?}",
            String::from_utf8_lossy(actual)
        ))
    } else {
        None
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// A response with `status`, `headers` and `body`, to queue on a
/// [`ReplayClient`](crate::http::ReplayClient).
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> HttpResponse {
    let mut builder = ::http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Bytes::copy_from_slice(body))
        .expect("protocol test responses have valid status codes and headers")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uri: &str, body: &str) -> HttpRequest {
        ::http::Request::builder()
            .method("POST")
            .uri(uri)
            .header("X-A", "1")
            .body(Bytes::copy_from_slice(body.as_bytes()))
            .unwrap()
    }

    #[test]
    fn compares_query_headers_and_json() {
        let r = request(
            "https://example.com/p?b=2&a=%20x",
            r#"{"n": 1.0, "s": [1]}"#,
        );
        let ok = ExpectedRequest {
            method: "POST",
            uri: "/p",
            host: Some("example.com"),
            query_params: &["a=%20x", "b=2"],
            forbid_query_params: &["c"],
            require_query_params: &["a"],
            headers: &[("x-a", "1")],
            forbid_headers: &["x-b"],
            require_headers: &["X-A"],
            body: Some(r#"{"s": [1], "n": 1}"#),
            body_media_type: Some("application/json"),
        };
        assert_eq!(request_mismatches(&r, &ok), Vec::<String>::new());
        let bad = ExpectedRequest {
            method: "GET",
            query_params: &["a=y"],
            forbid_query_params: &["b"],
            body: Some(r#"{"n": 2}"#),
            body_media_type: Some("application/json"),
            ..ok.clone()
        };
        assert_eq!(request_mismatches(&r, &bad).len(), 4);
    }
}
