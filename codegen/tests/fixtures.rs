//! Small hand-written fixture models (`tests/fixtures/*.json`), each showing one feature in the
//! smallest model: one insta snapshot per generated file, a determinism check, and a check that
//! each fixture's generated crate compiles on its own.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Every fixture, by file stem: the `*.json` files of `tests/fixtures/`, listed from the
/// folder so a new fixture is snapshotted and compiled without being named here.
///
/// - `shapes`: every shape type as a member of an operation's input and output.
/// - `enums_v2`, `enums_v1`: a Smithy 2.0 `enum` and the same enum as a Smithy 1.0 `string`
///   with `@enum`.
/// - `recursive`: a structure that contains itself, directly and through a list.
/// - `sensitive`: `@sensitive` on a string shape and on a structure.
/// - `naming`: Rust keywords and prelude names as member, shape and operation names.
/// - `paginated`: `@paginated` with inputToken, outputToken and pageSize.
/// - `obstacles`: the naming obstacle course: members named `Default`, `Self`, `self`, `type`,
///   `Ok`, `Some`, `build`, `send`, `meta`, `builder`...; shapes named like std types and like
///   the crate's own items; operations named `Client` and `Config`; enum values `Unknown`; and
///   deprecated shapes, members and an operation (the crate's own code must not warn).
/// - `streaming`: `@streaming` blob payloads: an upload (streaming input) and a download
///   (streaming output), whose structures hold a `ByteStream`.
/// - `payloads`: `@httpPayload` blobs (default and `@mediaType` content types) and a string
///   payload, in and out.
/// - `waiters`: `smithy.waiters#waitable` with output (`stringEquals`, `booleanEquals`),
///   `errorType` and `success` matchers.
/// - `injection`: names and documentation that try to break out of Rust strings, comments and
///   attributes (`tests/hardening.rs` also runs its wire test).
fn fixtures() -> Vec<String> {
    let dir = manifest_dir().join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a fixture folder entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let stem = path.file_stem().expect("a file name");
            stem.to_string_lossy().into_owned()
        })
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no fixture in {}", dir.display());
    names
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn workspace_root() -> PathBuf {
    let parent = manifest_dir().join("..");
    parent.canonicalize().unwrap_or(parent)
}

const RUNTIME_PLACEHOLDER: &str = "{ path = \"../../runtime\", default-features = false }";

fn options() -> codegen::Options {
    let root = workspace_root();
    let partitions = std::fs::read_to_string(root.join("model/partitions.json"))
        .expect("read model/partitions.json");
    codegen::Options {
        ir: codegen::ir::Options {
            crate_name: None,
            crate_version: None,
            any_protocol: false,
            pinned_items: None,
        },
        emit: codegen::EmitOptions {
            // Snapshots must not depend on where the repository is checked out; the compile
            // test points this at the real runtime.
            runtime_dependency: RUNTIME_PLACEHOLDER.to_owned(),
            partitions_json: partitions,
            endpoint_divergences: codegen::EndpointDivergences::default(),
        },
    }
}

fn generate(fixture: &str) -> Vec<codegen::File> {
    let path = manifest_dir().join(format!("tests/fixtures/{fixture}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    codegen::generate(&text, &options())
        .unwrap_or_else(|e| panic!("generating fixture `{fixture}` failed: {e}"))
}

/// A snapshot name for one generated file: `{fixture}__{path}` with `/` and `.` as `_`.
fn snapshot_name(fixture: &str, path: &str) -> String {
    format!("{fixture}__{}", path.replace(['/', '.'], "_"))
}

#[test]
fn snapshots() {
    let fixtures = fixtures();
    for fixture in &fixtures {
        for (path, text) in generate(fixture) {
            insta::assert_snapshot!(snapshot_name(fixture, &path), text);
        }
    }
}

#[test]
fn generation_is_deterministic() {
    for fixture in &fixtures() {
        assert!(
            generate(fixture) == generate(fixture),
            "generating fixture `{fixture}` twice gave different output"
        );
    }
}

/// Writes the generated crate to `dir` as a standalone workspace.
fn write_crate(dir: &Path, files: &[codegen::File]) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("clear temp dir");
    }
    for (path, text) in files {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().expect("file has a parent")).expect("mkdir");
        let text = if path == "Cargo.toml" {
            // Only the path changes: the emitter may add `features` to the dependency.
            let runtime = format!("path = \"{}\"", workspace_root().join("runtime").display());
            format!(
                "{}\n[workspace]\n",
                text.replace("path = \"../../runtime\"", &runtime)
            )
        } else {
            text.clone()
        };
        std::fs::write(&target, text).expect("write generated file");
    }
    // The workspace's lock file pins the same dependency versions, so `--offline` resolves.
    let lock = workspace_root().join("Cargo.lock");
    if lock.exists() {
        std::fs::copy(&lock, dir.join("Cargo.lock")).expect("copy Cargo.lock");
    }
}

/// Fixtures left out of the compile test (each with its reason); none today.
const NOT_COMPILED: &[&str] = &[];

#[test]
fn generated_crates_compile() {
    let target_dir = workspace_root().join("target/fixtures");
    let mut failures = Vec::new();
    let fixtures = fixtures();
    for fixture in fixtures
        .iter()
        .filter(|f| !NOT_COMPILED.contains(&f.as_str()))
    {
        let dir =
            std::env::temp_dir().join(format!("codegen-fixture-{fixture}-{}", std::process::id()));
        write_crate(&dir, &generate(fixture));
        let output = Command::new(env!("CARGO"))
            // Warnings are errors in the crate itself (not in its dependencies).
            .args([
                "rustc",
                "--quiet",
                "--offline",
                "--lib",
                "--",
                "-D",
                "warnings",
            ])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target_dir)
            .output()
            .expect("run cargo build");
        if output.status.success() {
            let _ = std::fs::remove_dir_all(&dir);
        } else {
            failures.push(format!(
                "fixture `{fixture}` does not compile (crate left in {}):\n{}",
                dir.display(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
