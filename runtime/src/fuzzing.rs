//! Entry points of the fuzz targets (`fuzz/`): each takes arbitrary bytes, runs one parser of
//! untrusted input the way the runtime runs it, and asserts what must hold of the result (a
//! panic is a finding). The same functions replay the committed corpora in a stable
//! `cargo test` (`fuzz/tests/corpus_replay.rs`). Not part of the API: feature `fuzzing`.

use crate::credentials::profile_file::{FileKind, ProfileSet};
use crate::json::{self, Value};
use crate::time::{DateTime, Format};

/// The runtime's JSON reader (every response body, IMDS/ECS/SSO answers). A document it
/// accepts is written back and read again to the same tree; a refused one gets an error with
/// a position inside the input.
pub fn json(data: &[u8]) {
    match json::from_slice(data) {
        Ok(value) => {
            let text = json::to_vec(&value);
            let again = json::from_slice(&text)
                .unwrap_or_else(|e| panic!("our own output does not parse: {e}"));
            assert_eq!(again, value, "write then read changed the tree");
        }
        Err(e) => {
            // Lines are 1-based and never past the input's last line.
            let lines = data.iter().filter(|b| **b == b'\n').count() + 1;
            assert!(
                e.line() >= 1 && e.line() <= lines,
                "line {} of {lines}",
                e.line()
            );
        }
    }
    // A response body: blank is `{}`, anything else parses as above.
    let _ = json::parse_body(data);
}

/// Timestamp parsing: the first byte picks the format (epoch seconds, RFC 3339 date-time,
/// HTTP date), the rest is the text. An accepted instant written in that format reads back
/// to the same instant (HTTP dates to the second: they have no fraction).
pub fn timestamp(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let format = match selector % 3 {
        0 => Format::EpochSeconds,
        1 => Format::DateTime,
        _ => Format::HttpDate,
    };
    let Ok(parsed) = DateTime::from_str(text, format) else {
        return;
    };
    for out in [Format::EpochSeconds, Format::DateTime, Format::HttpDate] {
        let Ok(written) = parsed.fmt(out) else {
            // Only the calendar formats may fail, outside years 0 to 9999.
            assert_ne!(out, Format::EpochSeconds, "epoch seconds never fail");
            continue;
        };
        let back = DateTime::from_str(&written, out)
            .unwrap_or_else(|e| panic!("{parsed:?} written as {written:?} does not read: {e}"));
        if out == Format::HttpDate {
            assert_eq!(back.secs(), parsed.secs(), "{written:?}");
        } else {
            assert_eq!(back, parsed, "{written:?}");
        }
    }
    let _ = parsed.to_system_time();
    let _ = parsed.to_millis();
}

/// The shared config/credentials file parser and the profile chain built from it: the first
/// byte picks the file kind, the rest is the file. Every profile the file defines is resolved
/// (a plan only: nothing is run or sent). A syntax error names a line of the file.
pub fn profile_file(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let kind = if selector % 2 == 0 {
        FileKind::Config
    } else {
        FileKind::Credentials
    };
    let mut set = ProfileSet::default();
    if let Err(e) = set.merge_file(text, kind, "fuzz") {
        let lines = text.lines().count().max(1);
        assert!(e.line >= 1 && e.line <= lines, "line {} of {lines}", e.line);
        return;
    }
    let names: Vec<String> = set.profile_names().map(str::to_owned).collect();
    for name in names.iter().take(16).map(String::as_str).chain(["default"]) {
        let _ = crate::credentials::profile_chain::resolve_chain(&set, name);
    }
}

/// What a `credential_process` program prints; the first byte says whether the profile has
/// an `aws_account_id` to fall back on. Errors never quote the output (it holds secrets).
pub fn credential_process(data: &[u8]) {
    let Some((&selector, output)) = data.split_first() else {
        return;
    };
    let fallback = (selector % 2 == 1).then_some("123456789012");
    let parse = |output: &[u8]| crate::credentials::credential_process::parse(output, fallback);
    assert_no_secret_in_error(output, parse);
}

/// The credentials JSON of the ECS/EKS container endpoint and of IMDS.
pub fn container_credentials(data: &[u8]) {
    assert_no_secret_in_error(data, |data: &[u8]| {
        crate::credentials::json_credentials::parse(data, "fuzz")
    });
}

/// An STS answer (AssumeRole, AssumeRoleWithWebIdentity): the first byte picks the status,
/// the rest is the body.
pub fn sts_response(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let status = [200, 400, 403, 500, 503][usize::from(selector) % 5];
    let Ok(response) = ::http::Response::builder()
        .status(status)
        .body(bytes::Bytes::copy_from_slice(body))
    else {
        return;
    };
    let _ = crate::credentials::sts::parse_response(&response, "AssumeRole", "fuzz");
    let _ = crate::credentials::sts::error_code(&response);
}

/// A secret that a parser read must not come back in its error. For each member named like a
/// secret that holds a string, the input is parsed again with that string replaced by a
/// marker: the error must not contain the marker (comparing with the original value would
/// flag a value that merely spells a word of the message).
fn assert_no_secret_in_error<T>(input: &[u8], parse: impl Fn(&[u8]) -> Result<T, String>) {
    if parse(input).is_ok() {
        return;
    }
    let Ok(Value::Object(object)) = json::from_slice(input) else {
        return;
    };
    const MARKER: &str = "SECRET-MARKER-7f3a9c";
    for (key, value) in &object {
        let secret = ["secretaccesskey", "token", "sessiontoken"]
            .contains(&key.to_ascii_lowercase().as_str());
        if !(secret && matches!(value, Value::String(_))) {
            continue;
        }
        let mut marked = object.clone();
        marked.insert(key.clone(), Value::String(MARKER.to_owned()));
        if let Err(e) = parse(&json::to_vec(&Value::Object(marked))) {
            assert!(!e.contains(MARKER), "the error quotes `{key}`: {e}");
        }
    }
}
