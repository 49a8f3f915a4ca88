//! Every operation against botocore, AWS's Python SDK, as the reference.
//!
//! `compat/botocore_cases.py` (run with the Python in `BOTOCORE_PYTHON`, which must have
//! `botocore`) makes inputs from the model for each of the 35 operations and records the request
//! botocore sends for each, and botocore's parse of canned responses and error responses. This
//! test sends the same inputs through our client (capture/replay transports, no network) and
//! compares: method, URL, query, the headers that matter and the JSON body of each request; the
//! output of each response; code, messages, request id and modeled-ness of each error.
//!
//! The test is `#[ignore]`d, with the reason, so a plain `cargo test` says it did not run;
//! `.ci/run` runs it with `-- --include-ignored`. Without `BOTOCORE_PYTHON` it uses
//! `.venv/bin/python` when it exists (unless `CI` is set), else fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use ivs::runtime::error::ErrorKind;
use ivs::runtime::http::{CaptureClient, HttpClient, HttpRequest, Replay, ReplayClient};
use serde_json::{json, Value};

/// Request headers not compared, and why.
const IGNORED_HEADERS: &[(&str, &str)] = &[
    ("authorization", "signature over a different x-amz-date and user agent; SigV4 has its own suite"),
    ("x-amz-date", "the time of signing"),
    ("user-agent", "names the SDK"),
    ("x-amz-user-agent", "names the SDK"),
    ("amz-sdk-invocation-id", "botocore's per-call random id"),
    ("amz-sdk-request", "botocore's attempt counter"),
    ("content-length", "follows from the body, which is compared; botocore sends `0` on a DELETE without body and none on a GET"),
    ("host", "the URL's origin is compared"),
];

/// A `before-send` answer of our test transport.
fn response(status: u16, headers: &Value, body: &str) -> ivs::runtime::http::HttpResponse {
    let mut b = http::Response::builder().status(status);
    for (k, v) in headers.as_object().expect("headers object") {
        b = b.header(k.as_str(), v.as_str().expect("header value"));
    }
    b.body(bytes::Bytes::copy_from_slice(body.as_bytes()))
        .expect("valid response")
}

fn client(http: impl HttpClient) -> ivs::Client {
    let config = ivs::Config::builder()
        .region("us-west-2")
        .credentials(ivs::Credentials::new("AKID", "SECRET", None, None, "test"))
        // One attempt, as botocore is configured: a canned 500 is parsed, not retried.
        .retry(ivs::RetryConfig::disabled())
        .http_client(http)
        .build();
    ivs::Client::new(config)
}

/// What our client gave back.
enum Outcome {
    Ok(Value),
    Err(SeenError),
    /// The case's input could not be deserialized into our input type.
    BadInput(String),
}

struct SeenError {
    kind: ErrorKind,
    code: Option<String>,
    exception_message: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    status: Option<u16>,
    modeled: bool,
    display: String,
}

fn seen(e: ivs::Error) -> SeenError {
    use ivs::Error as E;
    let display = e.to_string();
    let kind = e.kind();
    let code = e.code().map(str::to_owned);
    let request_id = e.request_id().map(str::to_owned);
    // The modeled member (`exceptionMessage`) and what the service said generically (`message`)
    // apart, as botocore keeps them.
    macro_rules! modeled {
        ($($v:ident),*) => {
            match &e {
                $(E::$v(x) => (
                    true,
                    x.exception_message().map(str::to_owned),
                    x.meta().message.clone(),
                    x.meta().status,
                ),)*
                E::Unhandled(f) => (false, None, f.meta().message.clone(), f.meta().status),
                #[allow(unreachable_patterns)]
                _ => panic!("an error variant this test does not know: {e:?}"),
            }
        };
    }
    let (modeled, exception_message, message, status) = modeled!(
        AccessDeniedException,
        ChannelNotBroadcasting,
        ConflictException,
        InternalServerException,
        PendingVerification,
        ResourceNotFoundException,
        ServiceQuotaExceededException,
        StreamUnavailable,
        ThrottlingException,
        ValidationException
    );
    SeenError {
        kind,
        code,
        exception_message,
        message,
        request_id,
        status,
        modeled,
        display,
    }
}

/// `(operation name, module and fluent method, input type)` for every operation.
macro_rules! operations {
    ($($name:literal => $module:ident, $input:ident;)*) => {
        const OPERATIONS: &[&str] = &[$($name),*];

        async fn call(client: &ivs::Client, op: &str, params: &Value) -> Outcome {
            match op {
                $($name => {
                    let input: ivs::operation::$module::$input =
                        match serde_json::from_value(params.clone()) {
                            Ok(input) => input,
                            Err(e) => return Outcome::BadInput(format!(
                                "the input does not deserialize with serde ({e}): {params}"
                            )),
                        };
                    match client.$module().with_input(input).send().await {
                        Ok(out) => Outcome::Ok(serde_json::to_value(&out).expect("output serializes")),
                        Err(e) => Outcome::Err(seen(e.into())),
                    }
                })*
                other => panic!("botocore cases name an operation this test does not list: {other}"),
            }
        }
    };
}

operations! {
    "BatchGetChannel" => batch_get_channel, BatchGetChannelInput;
    "BatchGetStreamKey" => batch_get_stream_key, BatchGetStreamKeyInput;
    "BatchStartViewerSessionRevocation" => batch_start_viewer_session_revocation, BatchStartViewerSessionRevocationInput;
    "CreateChannel" => create_channel, CreateChannelInput;
    "CreatePlaybackRestrictionPolicy" => create_playback_restriction_policy, CreatePlaybackRestrictionPolicyInput;
    "CreateRecordingConfiguration" => create_recording_configuration, CreateRecordingConfigurationInput;
    "CreateStreamKey" => create_stream_key, CreateStreamKeyInput;
    "DeleteChannel" => delete_channel, DeleteChannelInput;
    "DeletePlaybackKeyPair" => delete_playback_key_pair, DeletePlaybackKeyPairInput;
    "DeletePlaybackRestrictionPolicy" => delete_playback_restriction_policy, DeletePlaybackRestrictionPolicyInput;
    "DeleteRecordingConfiguration" => delete_recording_configuration, DeleteRecordingConfigurationInput;
    "DeleteStreamKey" => delete_stream_key, DeleteStreamKeyInput;
    "GetChannel" => get_channel, GetChannelInput;
    "GetPlaybackKeyPair" => get_playback_key_pair, GetPlaybackKeyPairInput;
    "GetPlaybackRestrictionPolicy" => get_playback_restriction_policy, GetPlaybackRestrictionPolicyInput;
    "GetRecordingConfiguration" => get_recording_configuration, GetRecordingConfigurationInput;
    "GetStream" => get_stream, GetStreamInput;
    "GetStreamKey" => get_stream_key, GetStreamKeyInput;
    "GetStreamSession" => get_stream_session, GetStreamSessionInput;
    "ImportPlaybackKeyPair" => import_playback_key_pair, ImportPlaybackKeyPairInput;
    "ListChannels" => list_channels, ListChannelsInput;
    "ListPlaybackKeyPairs" => list_playback_key_pairs, ListPlaybackKeyPairsInput;
    "ListPlaybackRestrictionPolicies" => list_playback_restriction_policies, ListPlaybackRestrictionPoliciesInput;
    "ListRecordingConfigurations" => list_recording_configurations, ListRecordingConfigurationsInput;
    "ListStreamKeys" => list_stream_keys, ListStreamKeysInput;
    "ListStreamSessions" => list_stream_sessions, ListStreamSessionsInput;
    "ListStreams" => list_streams, ListStreamsInput;
    "ListTagsForResource" => list_tags_for_resource, ListTagsForResourceInput;
    "PutMetadata" => put_metadata, PutMetadataInput;
    "StartViewerSessionRevocation" => start_viewer_session_revocation, StartViewerSessionRevocationInput;
    "StopStream" => stop_stream, StopStreamInput;
    "TagResource" => tag_resource, TagResourceInput;
    "UntagResource" => untag_resource, UntagResourceInput;
    "UpdateChannel" => update_channel, UpdateChannelInput;
    "UpdatePlaybackRestrictionPolicy" => update_playback_restriction_policy, UpdatePlaybackRestrictionPolicyInput;
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("client-tests sits in the workspace")
        .to_path_buf()
}

/// The Python to run botocore with.
fn python() -> PathBuf {
    match std::env::var_os("BOTOCORE_PYTHON") {
        Some(p) if !p.is_empty() => return PathBuf::from(p),
        _ => {}
    }
    if std::env::var_os("CI").is_some() {
        panic!("CI is set but BOTOCORE_PYTHON is not: the botocore comparison must run in CI");
    }
    let venv = workspace().join(".venv/bin/python");
    if venv.exists() {
        return venv;
    }
    panic!(
        "BOTOCORE_PYTHON is not set and there is no .venv/bin/python: set it to a Python with \
         botocore (bash .ci/run makes .venv)"
    );
}

fn botocore_cases(python: &Path) -> Value {
    let root = workspace();
    let out = Command::new(python)
        .arg(root.join("compat/botocore_cases.py"))
        .arg(root.join("model/ivs.json"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    assert!(
        out.status.success(),
        "compat/botocore_cases.py failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the cases are JSON")
}

/// Our request in the shape of botocore's.
fn our_request(r: &HttpRequest) -> Value {
    let uri = r.uri();
    let query: Vec<Value> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            json!([k, v])
        })
        .collect();
    let headers: serde_json::Map<String, Value> = r
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                Value::String(v.to_str().expect("ASCII header").to_owned()),
            )
        })
        .collect();
    json!({
        "method": r.method().as_str(),
        "origin": format!("{}://{}", uri.scheme_str().unwrap_or(""), uri.authority().map(|a| a.as_str()).unwrap_or("")),
        "path": uri.path(),
        "query": query,
        "headers": headers,
        "body": String::from_utf8(r.body().to_vec()).expect("UTF-8 body"),
    })
}

/// The differences between botocore's request and ours, empty when they agree.
/// `body_with_defaults` is botocore's body with the model's `@default`s filled in for members
/// of nested structures it left out, which we send (see `fill_input_defaults` in the script).
fn request_differences(expected: &Value, body_with_defaults: &Value, ours: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    for key in ["method", "origin", "path"] {
        if expected[key] != ours[key] {
            diffs.push(format!(
                "{key}: botocore {} ours {}",
                expected[key], ours[key]
            ));
        }
    }
    // Query parameters: order between different keys is free, order of one key's values is not.
    let sorted = |q: &Value| {
        let mut v: Vec<(String, String)> = q
            .as_array()
            .expect("query list")
            .iter()
            .map(|kv| {
                (
                    kv[0].as_str().unwrap().to_owned(),
                    kv[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    if sorted(&expected["query"]) != sorted(&ours["query"]) {
        diffs.push(format!(
            "query: botocore {} ours {}",
            expected["query"], ours["query"]
        ));
    }
    let headers = |h: &Value| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = h
            .as_object()
            .expect("headers")
            .iter()
            .filter(|(k, _)| !IGNORED_HEADERS.iter().any(|(i, _)| i == k))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str().unwrap().to_owned()))
            .collect();
        v.sort();
        v
    };
    if headers(&expected["headers"]) != headers(&ours["headers"]) {
        diffs.push(format!(
            "headers: botocore {:?} ours {:?}",
            headers(&expected["headers"]),
            headers(&ours["headers"])
        ));
    }
    // The body: both empty, or the same JSON value (spacing, key order and escapes are free).
    let (eb, ob) = (
        expected["body"].as_str().unwrap(),
        ours["body"].as_str().unwrap(),
    );
    let same = match (eb.is_empty(), ob.is_empty()) {
        (true, true) => true,
        (false, false) => match (
            serde_json::from_str::<Value>(eb),
            serde_json::from_str::<Value>(ob),
        ) {
            (Ok(e), Ok(o)) => e == o || o == *body_with_defaults,
            _ => false,
        },
        _ => false,
    };
    if !same {
        diffs.push(format!("body: botocore {eb:?} ours {ob:?}"));
    }
    diffs
}

/// Compares botocore's parsed output with ours (serialized with serde): timestamps as
/// instants, our `null`s (absent members) as absent.
fn output_differences(path: &str, expected: &Value, ours: &Value, diffs: &mut Vec<String>) {
    match (expected, ours) {
        (Value::Object(e), Value::String(s)) if e.contains_key("$timestamp") => {
            let want = e["$timestamp"].as_f64().expect("epoch seconds");
            match ivs::primitives::DateTime::from_str(s, ivs::runtime::time::Format::DateTime) {
                Ok(t) if (t.as_secs_f64() - want).abs() < 1e-6 => {}
                Ok(t) => diffs.push(format!(
                    "{path}: botocore instant {want} ours {s} ({})",
                    t.as_secs_f64()
                )),
                Err(err) => diffs.push(format!("{path}: ours {s:?} is not a timestamp: {err}")),
            }
        }
        (Value::Object(e), Value::Object(o)) => {
            for (k, ev) in e {
                match o.get(k) {
                    Some(ov) if !ov.is_null() => {
                        output_differences(&format!("{path}.{k}"), ev, ov, diffs)
                    }
                    _ => diffs.push(format!("{path}.{k}: botocore {ev} ours absent")),
                }
            }
            for (k, ov) in o {
                if !ov.is_null() && !e.contains_key(k) {
                    diffs.push(format!("{path}.{k}: botocore absent ours {ov}"));
                }
            }
        }
        (Value::Array(e), Value::Array(o)) => {
            if e.len() != o.len() {
                diffs.push(format!(
                    "{path}: botocore {} items ours {}",
                    e.len(),
                    o.len()
                ));
            } else {
                for (i, (ev, ov)) in e.iter().zip(o).enumerate() {
                    output_differences(&format!("{path}[{i}]"), ev, ov, diffs);
                }
            }
        }
        (Value::Number(e), Value::Number(o)) if e.as_f64() == o.as_f64() => {}
        (e, o) if e == o => {}
        (e, o) => diffs.push(format!("{path}: botocore {e} ours {o}")),
    }
}

#[derive(Default)]
struct Tally {
    requests: usize,
    refusals: usize,
    responses: usize,
    errors: usize,
    failures: Vec<String>,
    operations: std::collections::BTreeSet<String>,
    display: Option<String>,
}

async fn check_requests(op: &str, case: &Value, tally: &mut Tally) {
    let name = format!("{op}/request/{}", case["name"].as_str().unwrap());
    let capture = CaptureClient::new();
    let outcome = call(&client(capture.clone()), op, &case["params"]).await;
    let sent = capture.requests();
    if let Outcome::BadInput(why) = &outcome {
        tally.failures.push(format!("{name}: {why}"));
        return;
    }
    if let Some(reason) = case.get("refused") {
        // botocore refused the input client-side; so must we, before sending anything.
        tally.refusals += 1;
        match outcome {
            Outcome::Err(e) if e.kind == ErrorKind::Construction && sent.is_empty() => {}
            Outcome::Err(e) => tally.failures.push(format!(
                "{name}: botocore refused ({reason}); ours failed with {:?} after {} requests: {}",
                e.kind,
                sent.len(),
                e.display
            )),
            _ => tally.failures.push(format!(
                "{name}: botocore refused ({reason}); ours sent {} requests",
                sent.len()
            )),
        }
        return;
    }
    tally.requests += 1;
    if sent.len() != 1 {
        let why = match outcome {
            Outcome::Err(e) => e.display,
            _ => "ok".to_owned(),
        };
        tally
            .failures
            .push(format!("{name}: ours sent {} requests ({why})", sent.len()));
        return;
    }
    let diffs = request_differences(
        &case["request"],
        &case["body_with_defaults"],
        &our_request(&sent[0]),
    );
    if !diffs.is_empty() {
        tally
            .failures
            .push(format!("{name}:\n    {}", diffs.join("\n    ")));
    }
}

fn replay(case: &Value) -> ReplayClient {
    let r = &case["response"];
    let replay = ReplayClient::new();
    replay.push(Replay::Response(response(
        r["status"].as_u64().unwrap() as u16,
        &r["headers"],
        r["body"].as_str().unwrap(),
    )));
    replay
}

async fn check_response(op: &str, case: &Value, tally: &mut Tally) {
    tally.responses += 1;
    let name = format!("{op}/response/{}", case["name"].as_str().unwrap());
    match call(&client(replay(case)), op, &case["params"]).await {
        Outcome::Ok(ours) => {
            let mut diffs = Vec::new();
            output_differences("$", &case["expected"], &ours, &mut diffs);
            if !diffs.is_empty() {
                tally
                    .failures
                    .push(format!("{name}:\n    {}", diffs.join("\n    ")));
            }
        }
        Outcome::Err(e) => tally.failures.push(format!(
            "{name}: botocore parsed it, ours failed: {}",
            e.display
        )),
        Outcome::BadInput(why) => tally.failures.push(format!("{name}: {why}")),
    }
}

async fn check_error(op: &str, case: &Value, tally: &mut Tally) {
    tally.errors += 1;
    let name = format!("{op}/error/{}", case["name"].as_str().unwrap());
    let e = match call(&client(replay(case)), op, &case["params"]).await {
        Outcome::Err(e) => e,
        Outcome::Ok(out) => {
            tally
                .failures
                .push(format!("{name}: botocore raised, ours returned {out}"));
            return;
        }
        Outcome::BadInput(why) => {
            tally.failures.push(format!("{name}: {why}"));
            return;
        }
    };
    let want = &case["expected"];
    let s = |v: &Value| v.as_str().map(str::to_owned);
    let mut diffs = Vec::new();
    if e.kind != ErrorKind::Service {
        diffs.push(format!("kind {:?}, not Service", e.kind));
    }
    let mut cmp = |what: &str, botocore: Option<String>, ours: Option<String>| {
        if botocore != ours {
            diffs.push(format!("{what}: botocore {botocore:?} ours {ours:?}"));
        }
    };
    cmp("code", s(&want["code"]), e.code.clone());
    cmp(
        "exceptionMessage",
        s(&want["exceptionMessage"]),
        e.exception_message.clone(),
    );
    cmp("message", s(&want["message"]), e.message.clone());
    cmp("request id", s(&want["requestId"]), e.request_id.clone());
    cmp(
        "status",
        want["status"].as_u64().map(|s| s.to_string()),
        e.status.map(|s| s.to_string()),
    );
    cmp(
        "modeled",
        Some(want["modeled"].to_string()),
        Some(e.modeled.to_string()),
    );
    if !diffs.is_empty() {
        tally
            .failures
            .push(format!("{name}:\n    {}", diffs.join("\n    ")));
    }
    if tally.display.is_none() && e.modeled {
        tally.display = Some(format!("{name}: {}", e.display));
    }
}

#[tokio::test]
#[ignore = "needs botocore: set BOTOCORE_PYTHON, run with --include-ignored (.ci/run does)"]
async fn every_operation_matches_botocore() {
    let python = python();
    let cases = botocore_cases(&python);
    // What the corpus holds, counted before anything runs.
    let present: usize = cases["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .map(|op| {
            ["requests", "responses", "errors"]
                .iter()
                .map(|k| op[*k].as_array().map_or(0, Vec::len))
                .sum::<usize>()
        })
        .sum();
    let mut tally = Tally::default();
    for entry in cases["operations"].as_array().expect("operations") {
        let op = entry["operation"].as_str().expect("operation name");
        tally.operations.insert(op.to_owned());
        for case in entry["requests"].as_array().unwrap() {
            check_requests(op, case, &mut tally).await;
        }
        for case in entry["responses"].as_array().unwrap() {
            check_response(op, case, &mut tally).await;
        }
        for case in entry["errors"].as_array().unwrap() {
            check_error(op, case, &mut tally).await;
        }
    }
    let listed: std::collections::BTreeSet<String> =
        OPERATIONS.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        tally.operations, listed,
        "botocore cases cover every operation"
    );
    // The model's operations, against the data: one this test does not list fails here.
    let model: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace().join("model/ivs.json")).expect("model/ivs.json"),
    )
    .expect("the model parses");
    let modeled: std::collections::BTreeSet<String> = model["shapes"]
        .as_object()
        .expect("shapes")
        .iter()
        .filter(|(_, s)| s["type"] == "operation")
        .map(|(id, _)| id.rsplit('#').next().unwrap_or(id).to_owned())
        .collect();
    assert_eq!(tally.operations, modeled, "the model's operations");
    let ran = tally.requests + tally.refusals + tally.responses + tally.errors;
    println!("botocore corpus: {ran} of {present} cases ran");
    assert_eq!(ran, present, "every case of the corpus ran");
    println!(
        "botocore {}: {} operations; {} requests and {} client-side refusals, {} responses, {} error responses compared; {} differ",
        cases["botocore"].as_str().unwrap_or("?"),
        tally.operations.len(),
        tally.requests,
        tally.refusals,
        tally.responses,
        tally.errors,
        tally.failures.len()
    );
    if let Some(d) = &tally.display {
        println!("an error's Display: {d}");
    }
    assert!(
        tally.failures.is_empty(),
        "{} cases differ from botocore:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
}
