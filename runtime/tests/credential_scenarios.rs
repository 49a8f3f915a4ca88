//! The official credential scenarios (`../shared/credential-tests/`), every folder of
//! `default-credential-provider-chain/`, `profile-provider/` and
//! `default-token-provider-chain/`, found by listing them (a scenario added later runs
//! without a code change).
//!
//! Each scenario runs against a fake environment (`env.json`), a fake file system (`fs/`,
//! mounted at `/`; the real home directory is never touched) and a replay transport serving
//! the recorded exchanges of `http-traffic.json` in order. The transport checks each request
//! the providers send against the recording: method, URI, that it is signed exactly when the
//! recorded one was (and for the same service), the `content-type` and the IMDS session
//! token headers, and for form bodies (STS) every parameter. Every recorded exchange must be
//! used. The result is compared with `test-case.json`: the credentials (key, secret, token,
//! account id, expiry in seconds) or the token, or an error (whose text may differ from the
//! official SDK's: the official text is shown when ours lacks it).
//!
//! Where the recorded data cannot match what a correct client sends, the difference is listed
//! in `credential-scenario-divergences.json` beside this file, with the reason; the harness
//! checks that each listed difference is exactly what happens, and fails on an unlisted one or
//! on a listed one that no longer occurs.
//!
//! Adding a provider: map the suite folder to the provider in `run_scenario` (all three are
//! mapped); nothing here lists scenario names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use aws_lite_runtime::credentials::{
    DefaultCredentialsChain, Env, Fs, ProfileProvider, ProvideCredentials, ProviderConfig,
    TimeSource,
};
use aws_lite_runtime::http::{
    BoxFuture, Bytes, ConnectorError, ConnectorErrorKind, HttpClient, HttpRequest, HttpResponse,
};
use serde_json::Value;

/// Every tracing event and span field, at every level, as text: the harness looks for
/// secrets in them.
#[derive(Default)]
struct LogCapture {
    lines: Mutex<Vec<String>>,
    next_span: std::sync::atomic::AtomicU64,
}

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push_str(&format!(" {}={value}", field.name()));
    }
}

impl LogCapture {
    fn push(&self, line: String) {
        self.lines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(line);
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.lines.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl tracing::Subscriber for &'static LogCapture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut line = format!("span {}", span.metadata().name());
        span.record(&mut Fields(&mut line));
        self.push(line);
        let id = self
            .next_span
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        tracing::span::Id::from_u64(id)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = "span record".to_owned();
        values.record(&mut Fields(&mut line));
        self.push(line);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = format!("{} {}", event.metadata().level(), event.metadata().target());
        event.record(&mut Fields(&mut line));
        self.push(line);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// The secrets of a scenario: the secret keys and session tokens of its files (profiles,
/// SSO token caches, web identity token files), of its recorded answers, and of the
/// expected result.
fn scenario_secrets(
    files: &[(PathBuf, Vec<u8>)],
    exchanges: &[Exchange],
    expected: &Value,
) -> Vec<String> {
    let mut secrets = Vec::new();
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(bytes);
        if path.extension().is_some_and(|e| e == "jwt") {
            secrets.push(text.trim().to_owned());
        }
        for line in text.lines() {
            if let Some((k, v)) = line.split_once('=') {
                let k = k.trim().to_ascii_lowercase();
                if k == "aws_secret_access_key" || k == "aws_session_token" {
                    secrets.push(v.trim().to_owned());
                }
            }
        }
        if let Ok(json) = serde_json::from_slice::<Value>(bytes) {
            for key in ["accessToken", "refreshToken", "clientSecret"] {
                if let Some(v) = json[key].as_str() {
                    secrets.push(v.to_owned());
                }
            }
        }
    }
    for e in exchanges {
        for tag in [
            "SecretAccessKey",
            "SessionToken",
            "secretAccessKey",
            "sessionToken",
            "Token",
            "accessToken",
        ] {
            for quoted in [format!("<{tag}>"), format!("\"{tag}\"")] {
                for piece in e.response_body.split(&quoted).skip(1) {
                    let value: String = piece
                        .trim_start_matches([':', ' ', '"'])
                        .chars()
                        .take_while(|c| !matches!(c, '<' | '"'))
                        .collect();
                    secrets.push(value);
                }
            }
        }
    }
    for key in ["secret_access_key", "session_token", "token"] {
        if let Some(v) = expected[key].as_str() {
            secrets.push(v.to_owned());
        }
    }
    // Short values ("FAKE", "foo") would match ordinary words.
    secrets.retain(|s| s.len() >= 8);
    secrets.sort();
    secrets.dedup();
    secrets
}

const SUITES: [&str; 3] = [
    "default-credential-provider-chain",
    "profile-provider",
    "default-token-provider-chain",
];

/// Headers whose value must equal the recorded one when the recording has them (the
/// official harness checks the same two).
const CHECKED_HEADERS: [&str; 2] = ["content-type", "x-aws-ec2-metadata-token"];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/credential-tests")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Every file under `dir`, as (`/relative/path`, bytes).
fn fake_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("under the fs folder");
                let bytes = std::fs::read(&path).expect("readable test file");
                out.push((Path::new("/").join(relative), bytes));
            }
        }
    }
    out
}

/// One recorded request and its answer.
#[derive(Debug, Clone)]
struct Exchange {
    method: String,
    uri: String,
    headers: BTreeMap<String, String>,
    body: String,
    status: u16,
    response_headers: Vec<(String, String)>,
    response_body: String,
}

fn exchanges(traffic: &Value) -> Vec<Exchange> {
    let mut by_connection: Vec<(u64, Exchange)> = Vec::new();
    for event in traffic["events"].as_array().expect("events") {
        let id = event["connection_id"].as_u64().expect("connection_id");
        let action = &event["action"];
        if let Some(request) = action.get("Request") {
            let request = &request["request"];
            let headers = request["headers"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| {
                    let values: Vec<&str> = v
                        .as_array()
                        .expect("header values")
                        .iter()
                        .map(|s| s.as_str().expect("header value"))
                        .collect();
                    (k.to_ascii_lowercase(), values.join(","))
                })
                .collect();
            by_connection.push((
                id,
                Exchange {
                    method: request["method"].as_str().expect("method").to_owned(),
                    uri: request["uri"].as_str().expect("uri").to_owned(),
                    headers,
                    body: String::new(),
                    status: 0,
                    response_headers: Vec::new(),
                    response_body: String::new(),
                },
            ));
            continue;
        }
        let exchange = &mut by_connection
            .iter_mut()
            .rev()
            .find(|(c, _)| *c == id)
            .expect("an event of a known connection")
            .1;
        if let Some(data) = action.get("Data") {
            let text = data["data"]["Utf8"].as_str().expect("UTF-8 data");
            match data["direction"].as_str() {
                Some("Request") => exchange.body.push_str(text),
                Some("Response") => exchange.response_body.push_str(text),
                other => panic!("unknown direction {other:?}"),
            }
        } else if let Some(response) = action.get("Response") {
            let ok = response["response"]
                .get("Ok")
                .unwrap_or_else(|| panic!("a recorded transport error: {response}"));
            exchange.status = ok["status"].as_u64().expect("status") as u16;
            for (k, v) in ok["headers"].as_object().into_iter().flatten() {
                for value in v.as_array().expect("header values") {
                    let value = value.as_str().expect("header value").to_owned();
                    // The replayed body is ours to size.
                    if !k.eq_ignore_ascii_case("content-length") {
                        exchange.response_headers.push((k.clone(), value));
                    }
                }
            }
        }
    }
    by_connection.into_iter().map(|(_, e)| e).collect()
}

/// A difference between a request sent and the one recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Mismatch {
    exchange: usize,
    what: String,
    recorded: String,
    sent: String,
}

/// Serves the recorded exchanges in order and notes how each request differs.
#[derive(Debug, Clone, Default)]
struct ScenarioTransport {
    state: Arc<Mutex<TransportState>>,
}

#[derive(Debug, Default)]
struct TransportState {
    exchanges: Vec<Exchange>,
    next: usize,
    mismatches: Vec<Mismatch>,
}

fn form(body: &str) -> BTreeMap<String, String> {
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8()
                    .expect("UTF-8 form value")
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect()
}

/// `AWS4-HMAC-SHA256 Credential=AKID/20210810/us-east-1/sts/aws4_request, ...` -> `sts`.
fn signing_service(authorization: &str) -> Option<&str> {
    authorization
        .split("Credential=")
        .nth(1)?
        .split(',')
        .next()?
        .split('/')
        .nth(3)
}

/// A generated default session name: ours is `<prefix>-<milliseconds>`, the recorded one
/// anything STS accepts.
fn generated_session_names(recorded: &str, sent: &str) -> bool {
    let allowed = |s: &str| {
        (2..=64).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
    };
    let ours = ["assume-role-from-profile-", "web-identity-token-"]
        .iter()
        .any(|prefix| {
            sent.strip_prefix(prefix).is_some_and(|millis| {
                !millis.is_empty() && millis.bytes().all(|b| b.is_ascii_digit())
            })
        });
    ours && allowed(recorded) && allowed(sent)
}

impl ScenarioTransport {
    fn new(exchanges: Vec<Exchange>) -> Self {
        Self {
            state: Arc::new(Mutex::new(TransportState {
                exchanges,
                ..TransportState::default()
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, TransportState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn check(index: usize, recorded: &Exchange, request: &HttpRequest, out: &mut Vec<Mismatch>) {
        let mut differ = |what: &str, recorded: &str, sent: &str| {
            if recorded != sent {
                out.push(Mismatch {
                    exchange: index,
                    what: what.to_owned(),
                    recorded: recorded.to_owned(),
                    sent: sent.to_owned(),
                });
            }
        };
        differ("method", &recorded.method, request.method().as_str());
        // A recorded bare authority (`http://host`) is the same request as `http://host/`, and
        // the order of query parameters carries no meaning.
        let normalize = |uri: &str| {
            let (base, query) = uri.split_once('?').unwrap_or((uri, ""));
            let mut base = base.to_owned();
            if base
                .split_once("://")
                .is_some_and(|(_, rest)| !rest.contains('/'))
            {
                base.push('/');
            }
            let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
            params.sort_unstable();
            if !params.is_empty() {
                base.push('?');
                base.push_str(&params.join("&"));
            }
            base
        };
        differ(
            "uri",
            &normalize(&recorded.uri),
            &normalize(&request.uri().to_string()),
        );
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        for name in CHECKED_HEADERS {
            if let Some(value) = recorded.headers.get(name) {
                differ(
                    &format!("header {name}"),
                    value,
                    &header(name).unwrap_or_else(|| "<absent>".to_owned()),
                );
            }
        }
        let recorded_auth = recorded.headers.get("authorization");
        let sent_auth = header("authorization");
        let service = |a: Option<&str>| match a {
            None => "<unsigned>".to_owned(),
            Some(a) => format!("signed for {}", signing_service(a).unwrap_or("<no scope>")),
        };
        if recorded.method == "POST" {
            // Only the form posts (STS) are signed in the recordings; bearer and token
            // headers of GETs are not SigV4.
            differ(
                "signature",
                &service(recorded_auth.map(String::as_str)),
                &service(sent_auth.as_deref()),
            );
        }
        let sent_body = String::from_utf8_lossy(request.body()).into_owned();
        let form_body = recorded
            .headers
            .get("content-type")
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if form_body {
            let (want, got) = (form(&recorded.body), form(&sent_body));
            for key in want
                .keys()
                .chain(got.keys())
                .collect::<std::collections::BTreeSet<_>>()
            {
                let (w, g) = (want.get(key), got.get(key));
                let w = w.map_or("<absent>", String::as_str);
                let g = g.map_or("<absent>", String::as_str);
                if key == "RoleSessionName" && generated_session_names(w, g) {
                    continue;
                }
                differ(&format!("form {key}"), w, g);
            }
        } else {
            differ("body", &recorded.body, &sent_body);
        }
    }
}

impl HttpClient for ScenarioTransport {
    fn call(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>> {
        let answer = {
            let mut state = self.lock();
            let index = state.next;
            match state.exchanges.get(index).cloned() {
                None => {
                    // A request past the recording (a retry the recording stopped before)
                    // gets a connection error, as a replay of the official SDK's does.
                    let sent = format!("{} {}", request.method(), request.uri());
                    state.mismatches.push(Mismatch {
                        exchange: index,
                        what: "request beyond the recording".to_owned(),
                        recorded: "<none>".to_owned(),
                        sent,
                    });
                    Err(ConnectorError::new(
                        ConnectorErrorKind::Io,
                        "the recording has no exchange left for this request",
                    ))
                }
                Some(recorded) => {
                    state.next += 1;
                    let mut found = Vec::new();
                    Self::check(index, &recorded, &request, &mut found);
                    state.mismatches.extend(found);
                    let mut response = ::http::Response::builder().status(recorded.status);
                    for (k, v) in &recorded.response_headers {
                        response = response.header(k, v);
                    }
                    Ok(response
                        .body(Bytes::from(recorded.response_body.clone()))
                        .expect("a recorded response is valid"))
                }
            }
        };
        Box::pin(async move { answer })
    }
}

/// What `test-case.json` expects.
#[derive(Debug)]
enum Expected {
    Ok(Value),
    ErrorContains(String),
}

/// What a provider produced, in the notation of `test-case.json`.
async fn run_scenario(suite: &str, config: ProviderConfig) -> Result<Value, String> {
    let credentials = |c: aws_lite_runtime::credentials::Credentials| {
        let mut out = serde_json::Map::new();
        out.insert("access_key_id".into(), c.access_key_id().into());
        out.insert("secret_access_key".into(), c.secret_access_key().into());
        if let Some(token) = c.session_token() {
            out.insert("session_token".into(), token.into());
        }
        if let Some(account) = c.account_id() {
            out.insert("account_id".into(), account.into());
        }
        if let Some(expiry) = c.expiry() {
            let secs = expiry
                .duration_since(UNIX_EPOCH)
                .expect("after 1970")
                .as_secs();
            out.insert("expiry".into(), secs.into());
        }
        Value::Object(out)
    };
    match suite {
        "default-credential-provider-chain" => DefaultCredentialsChain::with_config(config)
            .provide_credentials()
            .await
            .map(credentials)
            .map_err(|e| error_text(&e)),
        "profile-provider" => ProfileProvider::with_config(config)
            .provide_credentials()
            .await
            .map(credentials)
            .map_err(|e| error_text(&e)),
        "default-token-provider-chain" => {
            use aws_lite_runtime::token::ProvideToken;
            let provider = aws_lite_runtime::token::default_provider_with(config);
            let token = provider.provide_token().await.map_err(|e| error_text(&e))?;
            let mut out = serde_json::Map::new();
            out.insert("token".into(), token.token().into());
            if let Some(expiry) = token.expiry() {
                let secs = expiry
                    .duration_since(UNIX_EPOCH)
                    .expect("after 1970")
                    .as_secs();
                let text = aws_lite_runtime::DateTime::from_secs(secs as i64)
                    .fmt(aws_lite_runtime::time::Format::DateTime)
                    .expect("a formattable date");
                out.insert("expiration".into(), text.into());
            }
            Ok(Value::Object(out))
        }
        other => panic!("no provider for suite {other}"),
    }
}

/// An error and its sources, as one line.
fn error_text(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// The listed differences between the recordings and what a correct client does.
struct Divergences {
    /// (scenario, what) -> (recorded, sent)
    requests: BTreeMap<(String, String), (String, String)>,
    /// scenario -> the error we give instead of the official result
    not_applicable: BTreeMap<String, String>,
}

fn divergences() -> Divergences {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/credential-scenario-divergences.json");
    let data = read_json(&path);
    let mut requests = BTreeMap::new();
    for entry in data["requests"].as_array().expect("requests") {
        let s = |k: &str| {
            entry[k]
                .as_str()
                .unwrap_or_else(|| panic!("{k} in {entry}"))
                .to_owned()
        };
        assert!(!s("why").is_empty());
        requests.insert((s("scenario"), s("what")), (s("recorded"), s("sent")));
    }
    let mut not_applicable = BTreeMap::new();
    for entry in data["not_applicable"].as_array().expect("not_applicable") {
        let s = |k: &str| {
            entry[k]
                .as_str()
                .unwrap_or_else(|| panic!("{k} in {entry}"))
                .to_owned()
        };
        assert!(!s("why").is_empty());
        not_applicable.insert(s("scenario"), s("error_contains"));
    }
    Divergences {
        requests,
        not_applicable,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_official_scenario() {
    static LOGS: std::sync::OnceLock<LogCapture> = std::sync::OnceLock::new();
    let logs: &'static LogCapture = LOGS.get_or_init(LogCapture::default);
    tracing::subscriber::set_global_default(logs).expect("the only subscriber of this binary");
    let divergences = divergences();
    let mut log_lines = 0;
    let mut used_divergences = std::collections::BTreeSet::new();
    let mut used_not_applicable = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    let mut counts: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    // Every folder of the data that holds scenario folders is a suite, and every folder in a
    // suite is a scenario: one without `test-case.json` or of a suite with no runner fails.
    let mut found: Vec<String> = std::fs::read_dir(data_dir())
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", data_dir().display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            std::fs::read_dir(p)
                .map(|mut entries| entries.any(|e| e.is_ok_and(|e| e.path().is_dir())))
                .unwrap_or(false)
        })
        .map(|p| {
            p.file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    let mut known: Vec<&str> = SUITES.to_vec();
    known.sort();
    assert_eq!(
        found,
        known,
        "the scenario folders of {} and the suites this harness runs",
        data_dir().display()
    );
    for suite in SUITES {
        let mut scenarios: Vec<PathBuf> = std::fs::read_dir(data_dir().join(suite))
            .unwrap_or_else(|e| panic!("cannot list {suite}: {e}"))
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_dir())
            .collect();
        scenarios.sort();
        assert!(!scenarios.is_empty(), "{suite} has no scenario");
        for dir in &scenarios {
            assert!(
                dir.join("test-case.json").is_file(),
                "{} has no test-case.json",
                dir.display()
            );
        }
        for dir in scenarios {
            let name = format!(
                "{suite}/{}",
                dir.file_name().expect("a name").to_string_lossy()
            );
            let count = counts.entry(suite).or_default();
            count.0 += 1;
            let env: Vec<(String, String)> = read_json(&dir.join("env.json"))
                .as_object()
                .expect("env.json is an object")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("string").to_owned()))
                .collect();
            let recorded = exchanges(&read_json(&dir.join("http-traffic.json")));
            let files = fake_files(&dir.join("fs"));
            let transport = ScenarioTransport::new(recorded.clone());
            let expected = match &read_json(&dir.join("test-case.json"))["result"] {
                r if r.get("Ok").is_some() => Expected::Ok(r["Ok"].clone()),
                r => Expected::ErrorContains(
                    r["ErrorContains"]
                        .as_str()
                        .expect("Ok or ErrorContains")
                        .to_owned(),
                ),
            };
            // The clock stands at the first recorded answer's `date`, so credentials are as
            // fresh as when they were recorded (and requests are signed for that time).
            let now = transport
                .lock()
                .exchanges
                .iter()
                .flat_map(|e| &e.response_headers)
                .find(|(k, _)| k.eq_ignore_ascii_case("date"))
                .and_then(|(_, v)| {
                    aws_lite_runtime::DateTime::from_str(
                        v,
                        aws_lite_runtime::time::Format::HttpDate,
                    )
                    .ok()
                })
                .and_then(|t| t.to_system_time());
            let mut config = ProviderConfig::empty()
                .with_env(Env::from_vars(env))
                .with_fs(Fs::from_map(files.clone()))
                .with_http_client(Arc::new(transport.clone()));
            if let Some(now) = now {
                config = config.with_time_source(TimeSource::fixed(now));
            }
            let result = tokio::time::timeout(Duration::from_secs(60), run_scenario(suite, config))
                .await
                .unwrap_or_else(|_| Err("the scenario did not finish within 60 s".to_owned()));

            let mut problems = Vec::new();
            let expected_value = match &expected {
                Expected::Ok(v) => v.clone(),
                Expected::ErrorContains(_) => Value::Null,
            };
            let secrets = scenario_secrets(&files, &recorded, &expected_value);
            let shown_error = result.as_ref().err().cloned().unwrap_or_default();
            let lines = logs.take();
            log_lines += lines.len();
            for line in lines.iter().chain([&shown_error]) {
                if let Some(secret) = secrets.iter().find(|s| line.contains(s.as_str())) {
                    problems.push(format!(
                        "a secret ({}...) reached a log line or the error: {}",
                        &secret[..4],
                        line.replace(secret.as_str(), "<SECRET>")
                    ));
                }
            }
            let state = transport.lock();
            for m in &state.mismatches {
                let key = (name.clone(), m.what.clone());
                match divergences.requests.get(&key) {
                    Some((recorded, sent)) if *recorded == m.recorded && *sent == m.sent => {
                        used_divergences.insert(key);
                    }
                    _ => problems.push(format!(
                        "request {}: {} recorded {:?}, sent {:?}",
                        m.exchange, m.what, m.recorded, m.sent
                    )),
                }
            }
            if state.next < state.exchanges.len() {
                problems.push(format!(
                    "{} of {} recorded exchanges were never requested (first: {} {})",
                    state.exchanges.len() - state.next,
                    state.exchanges.len(),
                    state.exchanges[state.next].method,
                    state.exchanges[state.next].uri
                ));
            }
            drop(state);
            let not_applicable = divergences.not_applicable.get(&name);
            match (&expected, &result, not_applicable) {
                (_, Err(e), Some(ours)) => {
                    if e.contains(ours.as_str()) {
                        used_not_applicable.insert(name.clone());
                    } else {
                        problems.push(format!(
                            "listed as not applicable with an error containing {ours:?}, got: {e}"
                        ));
                    }
                }
                (_, Ok(got), Some(_)) => problems.push(format!(
                    "listed as not applicable, but now gives {got}: remove it from the divergences"
                )),
                (Expected::Ok(want), Ok(got), None) => {
                    if want != got {
                        problems.push(format!("expected {want}, got {got}"));
                    }
                }
                (Expected::Ok(want), Err(e), None) => {
                    problems.push(format!("expected {want}, got the error: {e}"))
                }
                (Expected::ErrorContains(_), Ok(got), None) => {
                    problems.push(format!("expected an error, got {got}"))
                }
                (Expected::ErrorContains(official), Err(e), None) => {
                    if !e.contains(official.as_str()) {
                        eprintln!(
                            "  {name}: our error differs from the official text {official:?}: {e}"
                        );
                    }
                }
            }
            if problems.is_empty() {
                if not_applicable.is_some() {
                    count.2 += 1;
                    eprintln!("n/a  {name} (see credential-scenario-divergences.json)");
                } else {
                    count.1 += 1;
                    eprintln!("pass {name}");
                }
            } else {
                eprintln!("FAIL {name}");
                failures.push(format!("{name}:\n    {}", problems.join("\n    ")));
            }
        }
    }
    for (suite, (total, passed, not_applicable)) in &counts {
        println!(
            "credential scenarios, {suite}: {} of {total} scenario folders ran: {passed} pass, \
             {not_applicable} not applicable (listed)",
            passed + not_applicable
        );
    }
    for key in divergences.requests.keys() {
        if !used_divergences.contains(key) {
            failures.push(format!(
                "listed divergence {key:?} no longer occurs: remove it"
            ));
        }
    }
    for name in divergences.not_applicable.keys() {
        if !used_not_applicable.contains(name)
            && !failures.iter().any(|f| f.starts_with(name.as_str()))
        {
            failures.push(format!(
                "{name} is listed as not applicable but did not run"
            ));
        }
    }
    // The secret check saw the providers' logs (their debug and trace events).
    eprintln!("{log_lines} log lines checked for secrets");
    assert!(log_lines > 0, "the log capture saw nothing");
    let total: usize = counts.values().map(|c| c.0).sum();
    let accounted: usize = counts.values().map(|c| c.1 + c.2).sum();
    assert!(
        failures.is_empty(),
        "{} of {total} scenarios fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(accounted, total);
}
