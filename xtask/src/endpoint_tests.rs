//! The model endpoint tests are generated one `#[test]` per case into each crate's
//! `src/endpoint.rs`, where `cargo test` runs them. Here each model's generated tests are
//! counted against its `smithy.rules#endpointTests` cases: a case the generator drops fails.

use std::path::{Path, PathBuf};

use crate::codegen_cmd::{generate, root, Args};

/// The model's endpoint test cases and its protocols, read from the model itself.
fn model_facts(model: &Path) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(model)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", model.display()));
    let value: serde_json::Value = serde_json::from_str(&text).expect("the model is JSON");
    let services = value["shapes"]
        .as_object()
        .expect("shapes")
        .values()
        .filter(|s| s["type"] == "service");
    let (mut cases, mut protocols) = (0, Vec::new());
    for s in services {
        cases += s["traits"]["smithy.rules#endpointTests"]["testCases"]
            .as_array()
            .map_or(0, Vec::len);
        if let Some(traits) = s["traits"].as_object() {
            protocols.extend(
                traits
                    .keys()
                    .filter(|k| k.starts_with("aws.protocols#"))
                    .cloned(),
            );
        }
    }
    (cases, protocols)
}

/// `#[test]` functions in the generated `src/endpoint.rs` (none may be `#[ignore]`d).
fn generated_tests(model: &Path) -> usize {
    let args = Args {
        model: model.to_path_buf(),
        out: root().join("target/endpoint-count"),
        crate_name: None,
        check: true,
        pins: None,
    };
    let files = generate(&args).unwrap_or_else(|e| panic!("{}: {e}", model.display()));
    let (_, text) = files
        .iter()
        .find(|(p, _)| p == "src/endpoint.rs")
        .unwrap_or_else(|| panic!("{}: no src/endpoint.rs", model.display()));
    assert!(
        !text.contains("#[ignore"),
        "{}: an ignored endpoint test",
        model.display()
    );
    text.matches("#[test]").count()
}

#[test]
fn every_endpoint_test_case_becomes_a_test() {
    let mut models: Vec<PathBuf> = vec![root().join("model/ivs.json")];
    let aws = root().join("../shared/model/aws");
    let mut others: Vec<PathBuf> = std::fs::read_dir(&aws)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", aws.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    others.sort();
    models.extend(others);
    let (mut generated_models, mut total, mut refused) = (0, 0, 0);
    let mut failures = Vec::new();
    for model in &models {
        let (cases, protocols) = model_facts(model);
        if !protocols.iter().any(|p| p == "aws.protocols#restJson1") {
            // Refused by the generator (CI checks the refusal): nothing to count.
            refused += 1;
            continue;
        }
        let tests = generated_tests(model);
        generated_models += 1;
        total += cases;
        if tests != cases {
            failures.push(format!(
                "{}: {tests} generated endpoint tests for {cases} cases",
                model.display()
            ));
        }
    }
    println!(
        "endpoint tests: {total} cases of {generated_models} models each generated as a test \
         ({refused} models of other protocols not generated)"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
