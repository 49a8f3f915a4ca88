//! Runs the official AWS SigV4 signing test suite (the CRT suite as kept by smithy-rs) against
//! `aws_lite_runtime::sigv4`.
//!
//! The suite lives outside the repository, in `shared/sigv4-test-suite/v4/` beside the
//! checkout; `SIGV4_TEST_SUITE` overrides the path. A missing suite fails the test: a signer
//! that is not checked must not look checked.
//!
//! Every case directory is one case, and every case must pass; the test counts them. For each
//! case it checks, against the suite's files:
//!
//! * end to end: the request is parsed into an `http::Request`, signed with
//!   [`sigv4::sign_request_with`], and its canonical request, string to sign, signature,
//!   `Authorization` header and the whole set of headers of the signed request must equal the
//!   `header-*` files;
//! * step by step: the lower-level functions ([`sigv4::canonical_request`],
//!   [`sigv4::string_to_sign`], [`sigv4::signing_key`], [`sigv4::signature`],
//!   [`sigv4::authorization`]) fed the raw request text must give the same results;
//! * the `query-*` files (presigned URLs, where the signature goes into the query string):
//!   the client has no presigning, but those files pin the canonical query encoding (`/`,
//!   `;`, `+`, `=` in values), so the step-by-step functions are checked against their
//!   canonical request, string to sign and signature (not `query-signed-request.txt`, which
//!   is about placing a presigned URL's parameters).
//!
//! Where a case does not fit a client that sends real HTTP requests, the case table below
//! says why and what is checked instead. All cases, including the path-normalization ones,
//! apply to IVS: only S3 skips normalization.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lite_runtime::credentials::Credentials;
use aws_lite_runtime::http::{Bytes, HttpRequest};
use aws_lite_runtime::sigv4::{self, SigningParams, SigningSettings};

/// The suite's own example key pair, used by every case with a `context.json`.
const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn suite_dir() -> PathBuf {
    let dir = match std::env::var_os("SIGV4_TEST_SUITE") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/sigv4-test-suite/v4"),
    };
    assert!(
        dir.is_dir(),
        "the SigV4 test suite is not at {} (set SIGV4_TEST_SUITE to its v4 directory)",
        dir.display()
    );
    dir
}

/// What a case is signed with: the suite's `context.json`, or for the two cases smithy-rs
/// added without one, the values its own tests use.
#[derive(Debug, Clone)]
struct Context {
    access_key_id: String,
    secret_access_key: String,
    token: Option<String>,
    region: String,
    service: String,
    time: SystemTime,
    /// The time `header-canonical-request.txt` was made at, when it differs from `time`.
    canonical_time: SystemTime,
    normalize: bool,
    sign_body: bool,
    omit_session_token: bool,
    expires_in: u64,
}

fn context(case: &str, dir: &Path) -> Result<Context, String> {
    match case {
        // smithy-rs's test of a `%3D` already in the path (it must become `%253D`). Its
        // signed request was made with smithy-rs's `Credentials::for_tests()` at
        // 20150830T123600Z; its canonical request by a canonical-request unit test that signs
        // at 20210511T154045Z. It has no string-to-sign file. Both are checked, each at its
        // own time.
        "double-encode-path" => Ok(Context {
            access_key_id: "ANOTREAL".into(),
            secret_access_key: "notrealrnrELgWzOk3IfjzDKtFBhDby".into(),
            token: None,
            region: "us-east-1".into(),
            service: "service".into(),
            time: timestamp("2015-08-30T12:36:00Z")?,
            canonical_time: timestamp("2021-05-11T15:40:45Z")?,
            normalize: true,
            sign_body: false,
            omit_session_token: false,
            expires_in: 3600,
        }),
        // smithy-rs's Lambda case: an ARN with `%3A` in the path; the scope in its files says
        // us-east-2/lambda at 20210511T154045Z, with the suite's example key.
        "double-url-encode" => Ok(Context {
            access_key_id: AKID.into(),
            secret_access_key: SECRET.into(),
            token: None,
            region: "us-east-2".into(),
            service: "lambda".into(),
            time: timestamp("2021-05-11T15:40:45Z")?,
            canonical_time: timestamp("2021-05-11T15:40:45Z")?,
            normalize: true,
            sign_body: false,
            omit_session_token: false,
            expires_in: 3600,
        }),
        _ => {
            let text = read(&dir.join("context.json"))?;
            let json: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("context.json: {e}"))?;
            let string = |v: &serde_json::Value, key: &str| -> Result<String, String> {
                v.get(key)
                    .and_then(|x| x.as_str())
                    .map(str::to_owned)
                    .ok_or_else(|| format!("context.json has no string `{key}`"))
            };
            let flag = |key: &str, default: bool| {
                json.get(key).and_then(|x| x.as_bool()).unwrap_or(default)
            };
            let credentials = json
                .get("credentials")
                .ok_or("context.json has no credentials")?;
            let time = timestamp(&string(&json, "timestamp")?)?;
            Ok(Context {
                access_key_id: string(credentials, "access_key_id")?,
                secret_access_key: string(credentials, "secret_access_key")?,
                token: credentials
                    .get("token")
                    .and_then(|t| t.as_str())
                    .map(str::to_owned),
                region: string(&json, "region")?,
                service: string(&json, "service")?,
                time,
                canonical_time: time,
                normalize: flag("normalize", true),
                // smithy-rs's reader defaults an absent `sign_body` to true; every case sets it.
                sign_body: flag("sign_body", true),
                omit_session_token: flag("omit_session_token", false),
                expires_in: json
                    .get("expiration_in_seconds")
                    .and_then(|x| x.as_u64())
                    .ok_or("context.json has no expiration_in_seconds")?,
            })
        }
    }
}

impl Context {
    fn credentials(&self) -> Credentials {
        Credentials::new(
            self.access_key_id.clone(),
            self.secret_access_key.clone(),
            self.token.clone(),
            None,
            "test-suite",
        )
    }

    fn settings(&self) -> SigningSettings {
        let mut settings = SigningSettings::default();
        settings.normalize_path = self.normalize;
        settings.sign_session_token = !self.omit_session_token;
        settings.content_sha256_header = self.sign_body;
        settings
    }
}

/// A request as written in the suite's text files.
#[derive(Debug, Clone, PartialEq)]
struct RawRequest {
    method: String,
    /// Path and query as written (may hold a raw space or raw UTF-8).
    target: String,
    /// Names as written; folded (multi-line) values joined with a space, as RFC 7230
    /// section 3.2.4 tells a recipient to do.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawRequest {
    fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Headers with lowercase names, sorted, for comparing as a multiset.
    fn header_set(&self) -> Vec<(String, String)> {
        let mut set: Vec<_> = self
            .headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
            .collect();
        set.sort();
        set
    }

    /// The request as an `http::Request` with an absolute `https://host/...` URI, when the
    /// target is a valid URI (a raw space is not).
    fn to_http(&self) -> Result<HttpRequest, String> {
        let host = self
            .header("host")
            .ok_or("the request has no Host header")?;
        let mut builder = http::Request::builder()
            .method(self.method.as_str())
            .uri(format!("https://{host}{}", self.target));
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder
            .body(Bytes::from(self.body.clone()))
            .map_err(|e| format!("not a valid http::Request: {e}"))
    }
}

fn parse_request(text: &str) -> Result<RawRequest, String> {
    let text = text.replace("\r\n", "\n");
    let (head, body) = match text.split_once("\n\n") {
        Some((head, body)) => (head, body),
        None => (text.trim_end_matches('\n'), ""),
    };
    let mut lines = head.split('\n');
    let request_line = lines.next().ok_or("empty request")?;
    let (method, rest) = request_line
        .split_once(' ')
        .ok_or("request line without a space")?;
    // The target may contain spaces (`/example space/`); the version is optional (one of
    // smithy-rs's files leaves it out).
    let target = match rest.rsplit_once(' ') {
        Some((target, version)) if version.starts_with("HTTP/") => target,
        _ => rest,
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let (_, value) = headers
                .last_mut()
                .ok_or("a folded header line before any header")?;
            value.push(' ');
            value.push_str(line.trim());
        } else {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| format!("header line without a colon: {line:?}"))?;
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
    }
    Ok(RawRequest {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body: body.as_bytes().to_vec(),
    })
}

/// Parses the suite's `YYYY-MM-DDTHH:MM:SSZ` timestamps.
fn timestamp(text: &str) -> Result<SystemTime, String> {
    let bad = || format!("bad timestamp {text:?}");
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, String> {
        text.get(range).and_then(|s| s.parse().ok()).ok_or_else(bad)
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let secs = num(11..13)? * 3600 + num(14..16)? * 60 + num(17..19)?;
    // Howard Hinnant's days_from_civil, the inverse of what the signer formats with.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let total = u64::try_from(days * 86_400 + secs).map_err(|_| bad())?;
    Ok(UNIX_EPOCH + Duration::from_secs(total))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads an expected-value file, without the trailing newline some of them have.
fn expected(dir: &Path, file: &str) -> Result<Option<String>, String> {
    let path = dir.join(file);
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some(read(&path)?.trim_end_matches(['\n', '\r']).to_owned()))
}

/// Collects every mismatch of a case instead of stopping at the first.
struct Checks {
    failures: Vec<String>,
    checked: usize,
}

impl Checks {
    fn eq(&mut self, what: &str, actual: &str, expected: &str) {
        self.checked += 1;
        if actual != expected {
            self.failures.push(format!(
                "{what}:\n--- expected\n{expected}\n--- actual\n{actual}"
            ));
        }
    }

    fn fail(&mut self, what: String) {
        self.failures.push(what);
    }
}

/// The case the smithy-rs copy altered: `request.txt` says `/example%20space/`, while the
/// expected files were made from the CRT original `/example space/` (which
/// `header-signed-request.txt` still shows). Encoding `%20` once more is right for a path on
/// the wire (see `double-encode-path`), so the test signs the original path, and checks
/// separately that the altered one is double-encoded.
const ALTERED_INPUT: &str = "get-space-normalized";

fn run_case(case: &str, dir: &Path, checks: &mut Checks) -> Result<(), String> {
    let ctx = context(case, dir)?;
    let mut request = parse_request(&read(&dir.join("request.txt"))?)?;
    let signed = parse_request(&read(&dir.join("header-signed-request.txt"))?)?;
    if case == ALTERED_INPUT {
        checks.eq("altered request path", request.path(), "/example%20space/");
        checks.eq("original request path", signed.path(), "/example space/");
        request.target = signed.target.clone();
    }
    let creq =
        expected(dir, "header-canonical-request.txt")?.ok_or("no header-canonical-request.txt")?;
    let sts = expected(dir, "header-string-to-sign.txt")?;
    let sig = expected(dir, "header-signature.txt")?;
    let authz = signed
        .header("authorization")
        .ok_or("the signed request has no Authorization header")?
        .to_owned();

    let steps = step_by_step(&ctx, &request, ctx.canonical_time)?;
    checks.eq(
        "step-by-step canonical request",
        &steps.canonical_request,
        &creq,
    );
    let steps = step_by_step(&ctx, &request, ctx.time)?;
    if let Some(sts) = &sts {
        checks.eq("step-by-step string to sign", &steps.string_to_sign, sts);
    }
    if let Some(sig) = &sig {
        checks.eq("step-by-step signature", &steps.signature, sig);
    }
    checks.eq("step-by-step authorization", &steps.authorization, &authz);
    if let Some(query_creq) = expected(dir, "query-canonical-request.txt")? {
        presigned(&ctx, &request, dir, &query_creq, checks)?;
    }

    match request.to_http() {
        Ok(mut http_request) => end_to_end(
            &ctx,
            &mut http_request,
            &creq,
            sts.as_deref(),
            &signed,
            checks,
        )?,
        // Only a raw space in the path cannot be put into a URI; nothing on the wire looks
        // like that, so the step-by-step check above is what applies.
        Err(_) if request.target.contains(' ') => {}
        Err(e) => checks.fail(format!("request.txt: {e}")),
    }
    if case == ALTERED_INPUT {
        let mut altered = parse_request(&read(&dir.join("request.txt"))?)?.to_http()?;
        let credentials = ctx.credentials();
        let out = sigv4::sign_request_with(
            &mut altered,
            &params(&ctx, ctx.time, &credentials),
            &ctx.settings(),
        )
        .map_err(|e| e.to_string())?;
        let path = out
            .canonical_request()
            .as_str()
            .lines()
            .nth(1)
            .unwrap_or("");
        checks.eq("altered path, encoded again", path, "/example%2520space/");
    }
    Ok(())
}

fn params<'a>(
    ctx: &'a Context,
    time: SystemTime,
    credentials: &'a Credentials,
) -> SigningParams<'a> {
    SigningParams {
        credentials,
        region: &ctx.region,
        service: &ctx.service,
        time,
    }
}

/// What the step-by-step functions produced.
struct Steps {
    canonical_request: String,
    string_to_sign: String,
    signature: String,
    authorization: String,
}

/// Signs with the public lower-level functions, adding the headers `sign_request` adds.
fn step_by_step(ctx: &Context, request: &RawRequest, time: SystemTime) -> Result<Steps, String> {
    let amz_date = sigv4::amz_date(time).map_err(|e| e.to_string())?;
    let payload_hash = sigv4::sha256_hex(&request.body);
    let mut headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("x-amz-date"))
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    headers.push(("X-Amz-Date", &amz_date));
    if let (Some(token), false) = (&ctx.token, ctx.omit_session_token) {
        headers.push(("X-Amz-Security-Token", token));
    }
    if ctx.sign_body {
        headers.push(("x-amz-content-sha256", &payload_hash));
    }
    let creq = sigv4::canonical_request(
        &request.method,
        request.path(),
        request.query(),
        &headers,
        &payload_hash,
        &ctx.settings(),
    );
    let date = &amz_date[..8];
    let scope = sigv4::credential_scope(date, &ctx.region, &ctx.service);
    let string_to_sign = sigv4::string_to_sign(&amz_date, &scope, creq.as_str());
    let key = sigv4::signing_key(&ctx.secret_access_key, date, &ctx.region, &ctx.service);
    let signature = sigv4::signature(&key, &string_to_sign);
    let authorization = sigv4::authorization(
        &ctx.access_key_id,
        &scope,
        creq.signed_headers(),
        &signature,
    );
    Ok(Steps {
        canonical_request: creq.as_str().to_owned(),
        string_to_sign,
        signature,
        authorization,
    })
}

/// The `query-*` files: the same request presigned. The `X-Amz-*` parameters are added to
/// the query the way the CRT does it, then the canonical query encoding and the steps are
/// this crate's.
fn presigned(
    ctx: &Context,
    request: &RawRequest,
    dir: &Path,
    expected_creq: &str,
    checks: &mut Checks,
) -> Result<(), String> {
    let amz_date = sigv4::amz_date(ctx.time).map_err(|e| e.to_string())?;
    let date = &amz_date[..8];
    let scope = sigv4::credential_scope(date, &ctx.region, &ctx.service);
    let payload_hash = sigv4::sha256_hex(&request.body);
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let settings = ctx.settings();
    // The signed headers are those of the request itself: nothing is added in this mode.
    let signed_headers = sigv4::canonical_request("GET", "/", "", &headers, "", &settings)
        .signed_headers()
        .to_owned();
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let mut query = request.query().to_owned();
    let mut add = |key: &str, value: &str| {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&format!("{key}={}", enc(value)));
    };
    add("X-Amz-Algorithm", sigv4::ALGORITHM);
    add(
        "X-Amz-Credential",
        &format!("{}/{scope}", ctx.access_key_id),
    );
    add("X-Amz-Date", &amz_date);
    add("X-Amz-Expires", &ctx.expires_in.to_string());
    add("X-Amz-SignedHeaders", &signed_headers);
    if let (Some(token), false) = (&ctx.token, ctx.omit_session_token) {
        add("X-Amz-Security-Token", token);
    }
    let creq = sigv4::canonical_request(
        &request.method,
        request.path(),
        &query,
        &headers,
        &payload_hash,
        &settings,
    );
    checks.eq("presigned canonical request", creq.as_str(), expected_creq);
    let sts = sigv4::string_to_sign(&amz_date, &scope, creq.as_str());
    if let Some(expected_sts) = expected(dir, "query-string-to-sign.txt")? {
        checks.eq("presigned string to sign", &sts, &expected_sts);
    }
    let key = sigv4::signing_key(&ctx.secret_access_key, date, &ctx.region, &ctx.service);
    if let Some(expected_sig) = expected(dir, "query-signature.txt")? {
        checks.eq(
            "presigned signature",
            &sigv4::signature(&key, &sts),
            &expected_sig,
        );
    }
    Ok(())
}

/// Signs the parsed request with `sign_request_with` and compares everything it produced.
fn end_to_end(
    ctx: &Context,
    request: &mut HttpRequest,
    expected_creq: &str,
    expected_sts: Option<&str>,
    expected_signed: &RawRequest,
    checks: &mut Checks,
) -> Result<(), String> {
    let credentials = ctx.credentials();
    let settings = ctx.settings();
    if ctx.canonical_time != ctx.time {
        let mut copy = request.clone();
        let p = params(ctx, ctx.canonical_time, &credentials);
        let out = sigv4::sign_request_with(&mut copy, &p, &settings).map_err(|e| e.to_string())?;
        checks.eq(
            "canonical request",
            out.canonical_request().as_str(),
            expected_creq,
        );
    }
    let p = params(ctx, ctx.time, &credentials);
    let out = sigv4::sign_request_with(request, &p, &settings).map_err(|e| e.to_string())?;
    if ctx.canonical_time == ctx.time {
        checks.eq(
            "canonical request",
            out.canonical_request().as_str(),
            expected_creq,
        );
    }
    if let Some(sts) = expected_sts {
        checks.eq("string to sign", out.string_to_sign(), sts);
    }
    let authz = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("<none>");
    checks.eq(
        "Authorization header",
        authz,
        expected_signed.header("authorization").unwrap_or("<none>"),
    );
    checks.eq("SigningOutput::authorization", out.authorization(), authz);

    // The whole signed request: method, target, every header (as a multiset), body.
    let mut actual_headers: Vec<(String, String)> = Vec::new();
    for (name, value) in request.headers() {
        let value = std::str::from_utf8(value.as_bytes()).map_err(|e| e.to_string())?;
        actual_headers.push((name.as_str().to_owned(), value.to_owned()));
    }
    actual_headers.sort();
    let show = |h: &[(String, String)]| {
        h.iter()
            .map(|(n, v)| format!("{n}:{v}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    checks.eq(
        "signed request headers",
        &show(&actual_headers),
        &show(&expected_signed.header_set()),
    );
    checks.eq("method", request.method().as_str(), &expected_signed.method);
    let target = request
        .uri()
        .path_and_query()
        .map_or("", |pq| pq.as_str())
        .to_owned();
    checks.eq("target", &target, &expected_signed.target);
    checks.eq(
        "body",
        &String::from_utf8_lossy(request.body()),
        &String::from_utf8_lossy(&expected_signed.body),
    );
    Ok(())
}

#[test]
fn official_sigv4_suite() {
    let root = suite_dir();
    let mut cases: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            )
        })
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {}", root.display());
    for special in ["double-encode-path", "double-url-encode", ALTERED_INPUT] {
        assert!(
            cases.iter().any(|(name, _)| name == special),
            "the suite no longer has `{special}`: revisit its special handling here"
        );
    }

    let mut passed = 0;
    let mut checked = 0;
    let mut report = Vec::new();
    for (name, dir) in &cases {
        let mut checks = Checks {
            failures: Vec::new(),
            checked: 0,
        };
        if let Err(e) = run_case(name, dir, &mut checks) {
            checks.fail(format!("could not run: {e}"));
        }
        if checks.checked == 0 {
            checks.fail("compared nothing".to_owned());
        }
        checked += checks.checked;
        if checks.failures.is_empty() {
            passed += 1;
        } else {
            report.push(format!("== {name}\n{}", checks.failures.join("\n")));
        }
    }
    println!(
        "SigV4 suite: {passed} of {} cases pass ({checked} comparisons) in {}",
        cases.len(),
        root.display()
    );
    assert!(report.is_empty(), "failing cases:\n{}", report.join("\n\n"));
    assert_eq!(
        passed,
        cases.len(),
        "every case directory must be run and pass"
    );
}

#[test]
fn request_parser_handles_folds_spaces_and_bodies() {
    let r = parse_request("GET /example space/ HTTP/1.1\nHost:h\nA:one\n  two\n\tthree\n").unwrap();
    assert_eq!(r.target, "/example space/");
    assert_eq!(r.headers[1], ("A".to_owned(), "one two three".to_owned()));
    assert!(r.body.is_empty());
    let r = parse_request("POST /x?a=b\nHost:h\n\nbody\nmore").unwrap();
    assert_eq!((r.path(), r.query()), ("/x", "a=b"));
    assert_eq!(r.body, b"body\nmore");
    assert!(parse_request("GET / HTTP/1.1\n  folded first\n").is_err());
    assert_eq!(
        timestamp("2015-08-30T12:36:00Z").unwrap(),
        UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    );
    assert!(timestamp("2015-08-30 12:36:00").is_err());
}
