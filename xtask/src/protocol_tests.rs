//! The restJson1 protocol compliance tests in `cargo test`: the crates generated from
//! `../shared/protocol-tests/restjson1.json` (the Smithy suite) and from
//! `codegen/tests/protocol/restjson1-more.json` (ours, in its style) are written under
//! `target/protocol-tests/` and tested there by `cargo test`, in `target/protocol` (so their
//! builds are incremental). The request and response tests that ran are counted against the
//! `smithy.test` cases of each model that apply to clients: a case the generator drops fails
//! here.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codegen_cmd::root;

/// `(request, response)` cases of a model that apply to clients, counted in the model itself.
fn client_cases(model: &Path) -> (usize, usize) {
    let text = std::fs::read_to_string(model)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", model.display()));
    let model: serde_json::Value = serde_json::from_str(&text).expect("the model is JSON");
    let count = |trait_id: &str| {
        model["shapes"]
            .as_object()
            .expect("shapes")
            .values()
            .filter_map(|s| s["traits"].get(trait_id)?.as_array())
            .flatten()
            .filter(|case| case.get("appliesTo").is_none_or(|a| a == "client"))
            .count()
    };
    (
        count("smithy.test#httpRequestTests"),
        count("smithy.test#httpResponseTests"),
    )
}

/// Generates `model` into `dir` (only changed files are written, so builds stay incremental).
fn generate(model: &Path, dir: &Path) {
    let args = [
        "--model".to_owned(),
        model.display().to_string(),
        "--out".to_owned(),
        dir.display().to_string(),
    ];
    crate::codegen_cmd::run(&args)
        .unwrap_or_else(|e| panic!("generating {} failed: {e}", model.display()));
}

fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}

/// `(passed, failed)` of the generated tests named `protocol_tests::..._{kind}` in `output`.
fn tally(output: &str, kind: &str) -> (usize, usize) {
    let suffix = format!("_{kind}");
    let (mut passed, mut failed) = (0, 0);
    for line in output.lines() {
        let Some(rest) = line.strip_prefix("test protocol_tests::") else {
            continue;
        };
        let Some((name, verdict)) = rest.split_once(" ... ") else {
            continue;
        };
        if name.ends_with(&suffix) {
            if verdict == "ok" {
                passed += 1;
            } else {
                failed += 1;
            }
        }
    }
    (passed, failed)
}

#[test]
fn restjson1_protocol_tests_all_run_and_pass() {
    let root = root();
    let models: [(&str, PathBuf); 2] = [
        (
            "restjson1",
            root.join("../shared/protocol-tests/restjson1.json"),
        ),
        (
            "restjson1-more",
            root.join("codegen/tests/protocol/restjson1-more.json"),
        ),
    ];
    let work = root.join("target/protocol-tests");
    std::fs::create_dir_all(&work).expect("create target/protocol-tests");
    // One workspace for both crates: the runtime and the dependencies build once.
    let members: Vec<String> = models.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    write_if_changed(
        &work.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    );
    // The workspace's lock file pins the same versions, so nothing is resolved anew.
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("read Cargo.lock");
    write_if_changed(&work.join("Cargo.lock"), &lock);
    for (name, model) in &models {
        generate(model, &work.join(name));
    }
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for (name, model) in &models {
        let dir = work.join(name);
        let output = Command::new(env!("CARGO"))
            .args(["test", "--lib", "--no-fail-fast", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", root.join("target/protocol"))
            .output()
            .expect("run cargo test");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let (requests, responses) = client_cases(model);
        for (kind, present) in [("request", requests), ("response", responses)] {
            let (passed, failed) = tally(&stdout, kind);
            report.push(format!(
                "{name}: {kind} tests {passed} passed, {failed} failed, of {present} client cases in {}",
                model.display()
            ));
            if passed != present || failed != 0 {
                failures.push(format!(
                    "{name}: {passed} of {present} {kind} cases passed ({failed} failed, {} missing)",
                    present.saturating_sub(passed + failed)
                ));
            }
        }
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            failures.push(format!(
                "{name}: cargo test failed in {}:\n{}\n{}",
                dir.display(),
                stdout
                    .lines()
                    .filter(|l| l.contains("FAILED") || l.contains("panicked"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                stderr
                    .lines()
                    .rev()
                    .take(30)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    println!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_tally_reads_libtest_lines() {
    let out = "test protocol_tests::a::x_request ... ok\n\
               test protocol_tests::a::y_request ... FAILED\n\
               test protocol_tests::b::z_response ... ok\n\
               test endpoint::tests::w_request ... ok\n";
    assert_eq!(tally(out, "request"), (1, 1));
    assert_eq!(tally(out, "response"), (1, 0));
}
