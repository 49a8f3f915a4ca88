//! Hardening of the generator against hostile models.
//!
//! Property tests (proptest, bounded so the whole file runs in well under a minute in debug
//! builds): the model reader on arbitrary text and on structured mutations of `model/ivs.json`
//! never panics and ends in a model or an error that says where; the whole pipeline on mutated
//! models never panics; the HTML-to-Markdown converter never panics on arbitrary text.
//!
//! The case counts are small on purpose (CI time); set `HARDENING_CASES=N` to run N cases of
//! every property instead, e.g. for a long local run. Inputs that once crashed are kept below
//! as plain `#[test]`s.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use codegen::model::{Model, ModelError};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

fn workspace_root() -> PathBuf {
    let parent = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    parent.canonicalize().unwrap_or(parent)
}

fn ivs_model_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        std::fs::read_to_string(workspace_root().join("model/ivs.json")).expect("model/ivs.json")
    })
}

fn ivs_model() -> &'static Value {
    static JSON: OnceLock<Value> = OnceLock::new();
    JSON.get_or_init(|| serde_json::from_str(ivs_model_text()).expect("ivs.json is JSON"))
}

/// Every shape id of the IVS model plus a few ids that do not exist, for retargeting.
fn shape_ids() -> &'static Vec<String> {
    static IDS: OnceLock<Vec<String>> = OnceLock::new();
    IDS.get_or_init(|| {
        let mut ids: Vec<String> = ivs_model()["shapes"]
            .as_object()
            .expect("shapes")
            .keys()
            .cloned()
            .collect();
        ids.extend(
            [
                "smithy.api#String",
                "smithy.api#Unit",
                "smithy.api#Document",
                "com.amazonaws.ivs#Nope",
                "not a shape id",
                "",
                "#",
                "a#b$c",
            ]
            .map(String::from),
        );
        ids
    })
}

fn options() -> codegen::Options {
    static PARTITIONS: OnceLock<String> = OnceLock::new();
    let partitions = PARTITIONS.get_or_init(|| {
        std::fs::read_to_string(workspace_root().join("model/partitions.json"))
            .expect("model/partitions.json")
    });
    codegen::Options {
        ir: codegen::ir::Options {
            crate_name: None,
            crate_version: None,
            any_protocol: false,
            pinned_items: None,
        },
        emit: codegen::EmitOptions {
            runtime_dependency: "{ path = \"../../runtime\" }".to_owned(),
            partitions_json: partitions.clone(),
            endpoint_divergences: codegen::EndpointDivergences::default(),
        },
    }
}

/// How many cases a property runs: `default`, or `HARDENING_CASES` when set.
fn cases(default: u32) -> u32 {
    std::env::var("HARDENING_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `test` on `cases` values of `strategy`, with no regression files (crashes found are
/// kept as `#[test]`s in this file), and prints how long it took.
fn run<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let config = Config {
        cases,
        failure_persistence: None,
        // Shrinking a mutated 200 KB model is slow; a bounded number of steps still gives a
        // small enough input to read.
        max_shrink_iters: 256,
        ..Config::default()
    };
    let start = Instant::now();
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, test);
    println!(
        "property `{name}`: {cases} cases in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("property `{name}` failed: {e}");
    }
}

/// An error must say where the problem is: a line and column, a shape id or a location.
fn check_error_names_a_place(e: &ModelError) -> Result<(), TestCaseError> {
    let place_named = match e {
        ModelError::Json { line, .. } => *line > 0,
        ModelError::Malformed { at, .. } => !at.is_empty(),
        ModelError::UnknownShapeType { shape, .. } => !shape.is_empty(),
        ModelError::MissingTarget { shape, target, .. } => !shape.is_empty() || !target.is_empty(),
        ModelError::Invalid { shape, .. } => !shape.is_empty(),
    };
    prop_assert!(place_named, "the error names no place: {e:?}");
    prop_assert!(!e.to_string().trim().is_empty(), "empty message: {e:?}");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Mutations of a JSON tree

/// One structured change to a JSON document.
#[derive(Debug, Clone)]
enum Mutation {
    /// Delete the node (object entry or array element).
    Delete,
    /// Replace the node with another value.
    Replace(Value),
    /// Point a `target` (or any string) at another shape id, existing or not.
    Retarget(usize),
    /// Rename the key of an object entry.
    Rename(String),
    /// Duplicate the node into its parent under a new key, or at the end of an array.
    Duplicate,
}

/// Every node of `v` by JSON pointer, parents before children.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        _ => {}
    }
}

fn all_pointers(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    pointers(v, String::new(), &mut out);
    out
}

fn split_pointer(p: &str) -> (&str, String) {
    let (parent, last) = p.rsplit_once('/').expect("a pointer below the root");
    (parent, last.replace("~1", "/").replace("~0", "~"))
}

/// Applies `m` at pointer `p` (which must exist).
fn apply(doc: &mut Value, p: &str, m: &Mutation) {
    let (parent_ptr, key) = split_pointer(p);
    let ids = shape_ids();
    let Some(parent) = doc.pointer_mut(parent_ptr) else {
        return;
    };
    match parent {
        Value::Object(map) => match m {
            Mutation::Delete => {
                map.remove(&key);
            }
            Mutation::Replace(v) => {
                map.insert(key, v.clone());
            }
            Mutation::Retarget(i) => {
                map.insert(key, Value::String(ids[i % ids.len()].clone()));
            }
            Mutation::Rename(new) => {
                if let Some(v) = map.remove(&key) {
                    map.insert(new.clone(), v);
                }
            }
            Mutation::Duplicate => {
                if let Some(v) = map.get(&key).cloned() {
                    map.insert(format!("{key}Copy"), v);
                }
            }
        },
        Value::Array(items) => {
            let Ok(i) = key.parse::<usize>() else { return };
            if i >= items.len() {
                return;
            }
            match m {
                Mutation::Delete => {
                    items.remove(i);
                }
                Mutation::Replace(v) => items[i] = v.clone(),
                Mutation::Retarget(j) => items[i] = Value::String(ids[j % ids.len()].clone()),
                Mutation::Rename(_) => {}
                Mutation::Duplicate => {
                    let v = items[i].clone();
                    items.push(v);
                }
            }
        }
        _ => {}
    }
}

/// Small JSON values, including the wrong types for every field of a model.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        hostile_string().prop_map(Value::String),
        (0..10_000usize).prop_map(|i| Value::String(shape_ids()[i % shape_ids().len()].clone())),
        Just(Value::String("structure".into())),
        Just(Value::String("operation".into())),
        Just(Value::String("enum".into())),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("target".to_owned()),
                    Just("member".to_owned()),
                    Just("traits".to_owned()),
                    Just("members".to_owned()),
                    "[a-z]{1,6}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Strings with the characters that break generators: quotes, backslashes, comment ends,
/// backticks, fences, HTML, NUL, non-ASCII, and plain identifiers.
fn hostile_string() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("*/".to_owned()),
        Just("/*".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("`".to_owned()),
        Just("```".to_owned()),
        Just("#[doc = \"x\"]".to_owned()),
        Just("<script>".to_owned()),
        Just("</p>".to_owned()),
        Just("<p>".to_owned()),
        Just("<a href=\"".to_owned()),
        Just("&#x0;".to_owned()),
        Just("&".to_owned()),
        Just("\0".to_owned()),
        Just("\n".to_owned()),
        Just("é".to_owned()),
        Just("🦀".to_owned()),
        Just("self".to_owned()),
        Just("Unknown".to_owned()),
        "[A-Za-z][A-Za-z0-9_]{0,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => Just(Mutation::Delete),
        3 => json_value().prop_map(Mutation::Replace),
        3 => any::<usize>().prop_map(Mutation::Retarget),
        1 => prop_oneof![hostile_string(), "[a-zA-Z]{1,10}"].prop_map(Mutation::Rename),
        1 => Just(Mutation::Duplicate),
    ]
}

/// A model with 1 to `max` mutations at random nodes. Pointers are picked by index into the
/// node list of the document as it is before each mutation.
fn mutated(base: &'static Value, max: usize) -> impl Strategy<Value = MutatedModel> {
    prop::collection::vec((any::<prop::sample::Index>(), mutation()), 1..=max).prop_map(
        move |changes| {
            let mut doc = base.clone();
            let mut applied = Vec::new();
            for (index, m) in changes {
                let ptrs = all_pointers(&doc);
                if ptrs.is_empty() {
                    break;
                }
                let p = ptrs[index.index(ptrs.len())].clone();
                apply(&mut doc, &p, &m);
                applied.push((p, m));
            }
            MutatedModel { applied, doc }
        },
    )
}

/// A mutated model; `Debug` shows only the mutations (the model is 200 KB).
#[derive(Clone)]
struct MutatedModel {
    applied: Vec<(String, Mutation)>,
    doc: Value,
}

impl std::fmt::Debug for MutatedModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(&self.applied).finish()
    }
}

/// Mutations aimed at the shapes the generator reads most: one shape of the model, mutated
/// inside, with its shape id kept.
fn mutated_shape(max: usize) -> impl Strategy<Value = MutatedModel> {
    let ids: Vec<String> = ivs_model()["shapes"]
        .as_object()
        .expect("shapes")
        .keys()
        .cloned()
        .collect();
    (
        prop::sample::select(ids),
        prop::collection::vec((any::<prop::sample::Index>(), mutation()), 1..=max),
    )
        .prop_map(|(id, changes)| {
            let mut doc = ivs_model().clone();
            let mut applied = Vec::new();
            let root = format!("/shapes/{}", id.replace('~', "~0").replace('/', "~1"));
            for (index, m) in changes {
                let Some(shape) = doc.pointer(&root) else {
                    break;
                };
                let ptrs: Vec<String> = all_pointers(shape)
                    .into_iter()
                    .map(|p| format!("{root}{p}"))
                    .collect();
                if ptrs.is_empty() {
                    break;
                }
                let p = ptrs[index.index(ptrs.len())].clone();
                apply(&mut doc, &p, &m);
                applied.push((p, m));
            }
            MutatedModel { applied, doc }
        })
}

// ---------------------------------------------------------------------------------------------
// Properties

#[test]
fn model_reader_on_arbitrary_bytes() {
    run(
        "Model::from_json(arbitrary bytes)",
        cases(2000),
        prop::collection::vec(any::<u8>(), 0..512),
        |bytes| {
            let text = String::from_utf8_lossy(&bytes);
            if let Err(e) = Model::from_json(&text) {
                check_error_names_a_place(&e)?;
            }
            Ok(())
        },
    );
}

#[test]
fn model_reader_on_arbitrary_json() {
    // JSON that parses, shaped a little like a model, so the reader gets past serde_json.
    let doc = (
        prop_oneof![
            Just(Value::from("2.0")),
            Just(Value::from("1.0")),
            json_value()
        ],
        prop::collection::btree_map(
            prop_oneof![
                (0..10_000usize).prop_map(|i| shape_ids()[i % shape_ids().len()].clone()),
                hostile_string(),
            ],
            json_value(),
            0..6,
        ),
    )
        .prop_map(|(version, shapes)| {
            serde_json::json!({ "smithy": version, "shapes": Value::Object(shapes.into_iter().collect()) })
                .to_string()
        });
    run(
        "Model::from_json(arbitrary JSON)",
        cases(1000),
        doc,
        |text| {
            match Model::from_json(&text) {
                Ok(model) => {
                    // What reads must also resolve or fail cleanly.
                    if let Err(e) = codegen::ir::Ir::build(&model, &options().ir) {
                        check_error_names_a_place(&e)?;
                    }
                }
                Err(e) => check_error_names_a_place(&e)?,
            }
            Ok(())
        },
    );
}

#[test]
fn model_reader_on_mutated_ivs_model() {
    run(
        "Model::from_json(mutated ivs.json)",
        cases(100),
        mutated(ivs_model(), 4),
        |m| {
            let text = m.doc.to_string();
            match Model::from_json(&text) {
                Ok(model) => {
                    if let Err(e) = codegen::ir::Ir::build(&model, &options().ir) {
                        check_error_names_a_place(&e)?;
                    }
                }
                Err(e) => check_error_names_a_place(&e)?,
            }
            Ok(())
        },
    );
}

/// The small fixture models, parsed: the whole pipeline runs fast on them.
fn fixture_models() -> &'static Vec<Value> {
    static MODELS: OnceLock<Vec<Value>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("tests/fixtures")
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).expect("read fixture");
                serde_json::from_str(&text).expect("fixture is JSON")
            })
            .collect()
    })
}

#[test]
fn generate_on_mutated_fixture_models() {
    let models = fixture_models();
    let strategy = (0..models.len())
        .prop_flat_map(|i| mutated(&fixture_models()[i], 4).prop_map(move |m| (i, m)));
    run(
        "codegen::generate(mutated fixture model)",
        cases(300),
        strategy,
        |(_, m)| {
            let text = m.doc.to_string();
            if let Err(e) = codegen::generate(&text, &options()) {
                check_error_names_a_place(&e)?;
            }
            Ok(())
        },
    );
}

#[test]
fn generate_on_mutated_ivs_shapes() {
    // The whole pipeline on the IVS model with one shape mutated. Each case generates the
    // whole crate (about 1 s in a debug build), hence few cases.
    run(
        "codegen::generate(ivs.json with a mutated shape)",
        cases(12),
        mutated_shape(3),
        |m| {
            let text = m.doc.to_string();
            if let Err(e) = codegen::generate(&text, &options()) {
                check_error_names_a_place(&e)?;
            }
            Ok(())
        },
    );
}

#[test]
fn generate_on_mutated_ivs_model() {
    run(
        "codegen::generate(mutated ivs.json)",
        cases(8),
        mutated(ivs_model(), 3),
        |m| {
            let text = m.doc.to_string();
            if let Err(e) = codegen::generate(&text, &options()) {
                check_error_names_a_place(&e)?;
            }
            Ok(())
        },
    );
}

#[test]
fn docs_to_markdown_on_arbitrary_text() {
    let text = prop_oneof![
        any::<String>(),
        prop::collection::vec(hostile_string(), 0..8).prop_map(|v| v.concat()),
    ];
    run(
        "docs::doc_lines(arbitrary text)",
        cases(3000),
        text,
        |html| {
            let lines = codegen::docs::doc_lines(&html);
            for l in &lines {
                prop_assert!(!l.contains('\n'), "a doc line holds a newline: {l:?}");
                prop_assert!(!l.contains('\0'), "a doc line holds NUL: {l:?}");
            }
            let fences = lines
                .iter()
                .filter(|l| l.trim_start().starts_with("```"))
                .count();
            prop_assert!(fences % 2 == 0, "unbalanced code fences: {lines:?}");
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Crashes found by the properties above, kept as plain tests.

#[test]
fn regression_doc_text_starting_with_a_multibyte_character() {
    // Panicked: the converter sliced the text one byte after its start.
    assert_eq!(codegen::docs::to_markdown("é"), ["é"]);
    assert_eq!(codegen::docs::to_markdown("<p>🦀 crab</p>"), ["🦀 crab"]);
    assert_eq!(codegen::docs::to_markdown("a<é"), ["a&lt;é"]);
}

#[test]
fn regression_empty_shape_id_is_an_error_with_a_place() {
    let e = Model::from_json(r#"{"smithy":"2.0","shapes":{"":null}}"#).unwrap_err();
    check_error_names_a_place(&e).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Injection: a model whose strings try to break out of docs, literals and names.

/// Generates `tests/fixtures/injection.json` as a crate in a temp dir, with `wire_test`
/// added as `tests/wire.rs`.
fn write_injection_crate(dir: &std::path::Path, wire_test: &str) -> Vec<codegen::File> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/injection.json");
    let text = std::fs::read_to_string(&path).expect("read injection.json");
    let files = codegen::generate(&text, &options())
        .unwrap_or_else(|e| panic!("the injection fixture does not generate: {e}"));
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("clear temp dir");
    }
    let runtime = format!(
        "{{ path = \"{}\", default-features = false }}",
        workspace_root().join("runtime").display()
    );
    for (path, text) in &files {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        let text = if path == "Cargo.toml" {
            // The generated manifest already has tokio as a dev-dependency (endpoint tests).
            format!(
                "{}\n[workspace]\n",
                text.replace("{ path = \"../../runtime\" }", &runtime)
            )
        } else {
            text.clone()
        };
        std::fs::write(&target, text).expect("write generated file");
    }
    std::fs::create_dir_all(dir.join("tests")).expect("mkdir tests");
    std::fs::write(dir.join("tests/wire.rs"), wire_test).expect("write wire test");
    // The workspace's lock file pins the same versions, so `--offline` resolves.
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .expect("copy Cargo.lock");
    files
}

/// The strings of the injection fixture, exactly as the model spells them.
fn injection_model() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/injection.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON")
}

#[test]
fn injection_fixture_generates_with_docs_that_cannot_escape() {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/injection.json"),
    )
    .expect("read");
    let files = codegen::generate(&text, &options()).expect("generates");
    for (path, text) in &files {
        if !path.ends_with(".rs") {
            continue;
        }
        // Every file parses as Rust (render already checked), and the text the model put in
        // docs never shows up outside a doc comment or a string literal: the only items are
        // the ones the generator makes.
        let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        for item in &file.items {
            if let syn::Item::Fn(f) = item {
                assert_ne!(f.sig.ident, "evil", "{path}: injected function");
            }
        }
        assert!(!text.contains('\0'), "{path}: a raw NUL in the source");
        for (n, line) in text.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with("///") || t.starts_with("//!") {
                assert!(
                    !t.contains("<script>alert"),
                    "{path}:{}: raw HTML in docs",
                    n + 1
                );
            } else {
                // Outside doc comments the model's text may only appear in string literals.
                assert!(!t.contains("fn evil"), "{path}:{}: injected code", n + 1);
                assert!(
                    !t.starts_with("/**"),
                    "{path}:{}: a block doc comment",
                    n + 1
                );
            }
        }
    }
}

/// Percent-encodes as the Smithy spec asks for labels and query strings.
fn smithy_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The wire test run inside the generated injection crate: every hostile name and value of
/// the model reaches the request exactly, and a default value comes back exactly.
fn injection_wire_test() -> String {
    let model = injection_model();
    let shapes = &model["shapes"];
    let input = &shapes["example.injection#InjectInput"]["members"];
    let json_name = |member: &str| -> String {
        input[member]["traits"]["smithy.api#jsonName"]
            .as_str()
            .unwrap_or(member)
            .to_owned()
    };
    let query_name = input["query"]["traits"]["smithy.api#httpQuery"]
        .as_str()
        .expect("httpQuery")
        .to_owned();
    let kind_value = shapes["example.injection#Kind"]["members"]["NUL"]["traits"]
        ["smithy.api#enumValue"]
        .as_str()
        .expect("enumValue")
        .to_owned();
    let legacy_value = shapes["example.injection#Legacy"]["traits"]["smithy.api#enum"][0]["value"]
        .as_str()
        .expect("value")
        .to_owned();
    let output = &shapes["example.injection#InjectOutput"]["members"];
    let default = output["defaulted"]["traits"]["smithy.api#default"]
        .as_str()
        .expect("default")
        .to_owned();
    let default_key = output["defaulted"]["traits"]["smithy.api#jsonName"]
        .as_str()
        .expect("jsonName")
        .to_owned();
    let echo_key = output["echo"]["traits"]["smithy.api#jsonName"]
        .as_str()
        .expect("jsonName")
        .to_owned();
    let label = "i d/é?#%";
    let mut body = serde_json::Map::new();
    for (member, value) in [
        ("commentEnd", "1"),
        ("quoted", "2"),
        ("ticks", "3"),
        ("attr", "4"),
        ("html", "5"),
        ("nul", "6"),
        ("unicode", "7"),
        ("type", "8"),
    ] {
        body.insert(json_name(member), Value::from(value));
    }
    body.insert(json_name("kind"), Value::from(kind_value.clone()));
    body.insert(json_name("legacy"), Value::from(legacy_value.clone()));
    let expected_body = Value::Object(body).to_string();
    let expected_path = format!("/inject/{}", smithy_encode(label));
    let expected_query = format!("{}={}", smithy_encode(&query_name), smithy_encode("v &="));
    let response = serde_json::json!({ echo_key: "echoed", "<kind>": kind_value }).to_string();
    format!(
        r##"//! Written by codegen/tests/hardening.rs: the model's strings on the wire.

use injection::runtime::http::{{CaptureClient, HttpClient, ReplayClient}};
use injection::types::{{Kind, Legacy}};

fn client(http: impl HttpClient) -> injection::Client {{
    let config = injection::Config::builder()
        .region("us-west-2")
        .credentials(injection::Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url("http://127.0.0.1:1")
        .http_client(http)
        .build();
    injection::Client::new(config)
}}

#[tokio::test]
async fn strings_reach_the_wire_as_the_model_spells_them() {{
    let capture = CaptureClient::new();
    client(capture.clone())
        .inject()
        .id({label:?})
        .query("v &=")
        .comment_end("1")
        .quoted("2")
        .ticks("3")
        .attr("4")
        .html("5")
        .nul("6")
        .unicode("7")
        .set_type(Some("8".to_owned()))
        .kind_value(Kind::Nul)
        .legacy(Legacy::from({legacy_value:?}))
        .send()
        .await
        .expect("sent");
    let requests = capture.requests();
    let request = &requests[0];
    assert_eq!(request.uri().path(), {expected_path:?});
    assert_eq!(request.uri().query(), Some({expected_query:?}));
    let body = injection::runtime::json::parse_body(request.body()).expect("JSON body");
    let expected = injection::runtime::json::parse_body({expected_body:?}.as_bytes()).expect("JSON");
    assert_eq!(body, expected);
    assert_eq!(Kind::Nul.as_str(), {kind_value:?});
    assert_eq!(Kind::from({kind_value:?}), Kind::Nul);
    assert_eq!(Legacy::from({legacy_value:?}).as_str(), {legacy_value:?});
    assert!(Legacy::values().contains(&{legacy_value:?}));
}}

#[tokio::test]
async fn names_and_defaults_come_back_as_the_model_spells_them() {{
    let replay = ReplayClient::new();
    replay.push_json(200, {response:?});
    let out = client(replay).inject().id("x").send().await.expect("parsed");
    assert_eq!(out.echo(), Some("echoed"));
    assert_eq!(out.kind_value(), Some(&Kind::Nul));
    assert_eq!(out.defaulted(), {default:?});
    let _ = {default_key:?};
}}
"##
    )
}

#[test]
fn injection_crate_compiles_documents_cleanly_and_puts_the_model_strings_on_the_wire() {
    let dir = std::env::temp_dir().join(format!("codegen-injection-{}", std::process::id()));
    write_injection_crate(&dir, &injection_wire_test());
    let target_dir = workspace_root().join("target/fixtures");
    let start = Instant::now();
    let test = std::process::Command::new(env!("CARGO"))
        .args(["test", "--quiet", "--offline", "--test", "wire"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target_dir)
        .output()
        .expect("run cargo test");
    let stderr = String::from_utf8_lossy(&test.stderr);
    assert!(
        test.status.success(),
        "the injection crate's wire test failed (crate left in {}):\n{stderr}\n{}",
        dir.display(),
        String::from_utf8_lossy(&test.stdout)
    );
    assert!(
        !stderr.contains("warning"),
        "the injection crate compiles with warnings (crate left in {}):\n{stderr}",
        dir.display()
    );
    let doc = std::process::Command::new(env!("CARGO"))
        .args(["doc", "--quiet", "--offline", "--no-deps"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .expect("run cargo doc");
    assert!(
        doc.status.success(),
        "cargo doc on the injection crate warns (crate left in {}):\n{}",
        dir.display(),
        String::from_utf8_lossy(&doc.stderr)
    );
    println!(
        "injection crate: test and doc in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
