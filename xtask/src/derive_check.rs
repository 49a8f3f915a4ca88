//! The generated crate's attributes and derives, checked by compiling code that relies on them
//! (snapshots only show the text). From the IVS public API listing, a small crate under
//! `target/derive-check/` is written that needs, of every data type (`types::*`, operation
//! inputs and outputs), `Debug`, `Clone`, `PartialEq` and serde's `Serialize` and
//! `Deserialize` (feature `serde`), of every modeled error structure `Debug`, `Clone`,
//! `PartialEq` and `std::error::Error`, and of every error enum `Debug` and `std::error::Error`;
//! it must compile. Then two variants of it must not: one builds every struct with a struct
//! expression, the other matches every enum on all of its variants without a wildcard; each
//! item must give its own `#[non_exhaustive]` error (E0639, E0004).

use std::path::Path;
use std::process::Command;

use crate::codegen_cmd::{generate, parse_args, root};

struct Items {
    /// Data structs and enums, by path under the crate.
    data: Vec<String>,
    structs: Vec<String>,
    /// Enums with the paths of their variants.
    enums: Vec<(String, Vec<String>)>,
    errors: Vec<String>,
    /// Modeled error structures (`types::error::*`): no serde.
    error_structs: Vec<String>,
}

fn items() -> Items {
    let files = generate(&parse_args(&[]).expect("default args")).expect("generate IVS");
    let api = codegen::surface::public_api(&files).expect("the public API listing");
    let mut items = Items {
        data: Vec::new(),
        structs: Vec::new(),
        enums: Vec::new(),
        errors: Vec::new(),
        error_structs: Vec::new(),
    };
    // Builders are not data: they have their own derives.
    let is_data = |path: &str| {
        !path.ends_with("Builder") && path.starts_with("types::")
            || (path.starts_with("operation::")
                && (path.ends_with("Input") || path.ends_with("Output")))
    };
    for line in &api {
        if let Some(path) = line.strip_prefix("struct ") {
            if path.starts_with("types::error::") && !path.ends_with("Builder") {
                items.error_structs.push(path.to_owned());
                items.structs.push(path.to_owned());
            } else if is_data(path) {
                items.data.push(path.to_owned());
                items.structs.push(path.to_owned());
            }
        } else if let Some(path) = line.strip_prefix("enum ") {
            let prefix = format!("variant {path}::");
            let variants: Vec<String> = api
                .iter()
                .filter_map(|l| l.strip_prefix(&prefix))
                .filter(|v| !v.contains("::"))
                .map(|v| format!("{path}::{v}"))
                .collect();
            if is_data(path) {
                items.data.push(path.to_owned());
            } else if path.ends_with("Error") {
                items.errors.push(path.to_owned());
            } else {
                continue;
            }
            items.enums.push((path.to_owned(), variants));
        }
    }
    items
}

fn write_if_changed(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create the check crate's directory");
    }
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}

fn source(items: &Items) -> String {
    let mut out = String::from(
        "//! Written by xtask's derive check: code that relies on the generated derives.\n\
         #![allow(dead_code, unreachable_patterns)]\n\
         fn data<T: std::fmt::Debug + Clone + PartialEq + serde::Serialize + serde::de::DeserializeOwned>() {}\n\
         fn error<T: std::fmt::Debug + std::error::Error>() {}\n\
         fn modeled_error<T: std::fmt::Debug + Clone + PartialEq + std::error::Error>() {}\n\
         pub fn derives() {\n",
    );
    for path in &items.data {
        out.push_str(&format!("    data::<ivs::{path}>();\n"));
    }
    for path in &items.errors {
        out.push_str(&format!("    error::<ivs::{path}>();\n"));
    }
    for path in &items.error_structs {
        out.push_str(&format!("    modeled_error::<ivs::{path}>();\n"));
    }
    out.push_str("}\n\n#[cfg(feature = \"struct-expressions\")]\npub mod struct_expressions {\n");
    for (i, path) in items.structs.iter().enumerate() {
        out.push_str(&format!(
            "    pub fn s{i}() -> ivs::{path} {{ ivs::{path} {{}} }}\n"
        ));
    }
    out.push_str("}\n\n#[cfg(feature = \"exhaustive-matches\")]\npub mod exhaustive_matches {\n");
    for (i, (path, variants)) in items.enums.iter().enumerate() {
        let arms: Vec<String> = variants
            .iter()
            .map(|v| format!("ivs::{v} {{ .. }} => {{}}"))
            .collect();
        out.push_str(&format!(
            "    pub fn e{i}(v: &ivs::{path}) {{ match v {{ {} }} }}\n",
            arms.join(", ")
        ));
    }
    out.push_str("}\n");
    out
}

/// `cargo check` of the check crate with `feature` (if any): success, and the compiler's output.
fn check(dir: &Path, feature: Option<&str>) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["check", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env(
            "CARGO_TARGET_DIR",
            root().join("target/derive-check-target"),
        );
    if let Some(f) = feature {
        cmd.args(["--features", f]);
    }
    let out = cmd.output().expect("run cargo check");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn derives_and_non_exhaustive_hold_in_code_that_relies_on_them() {
    let items = items();
    assert!(!items.data.is_empty() && !items.errors.is_empty());
    let root = root();
    let dir = root.join("target/derive-check");
    write_if_changed(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"derive-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [workspace]\n\n[features]\nstruct-expressions = []\nexhaustive-matches = []\n\n\
             [dependencies]\nivs = {{ path = \"{}\", features = [\"serde\"] }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\n",
            root.join("generated/ivs").display()
        ),
    );
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("read Cargo.lock");
    write_if_changed(&dir.join("Cargo.lock"), &lock);
    write_if_changed(&dir.join("src/lib.rs"), &source(&items));

    let mut failures = Vec::new();
    let (ok, stderr) = check(&dir, None);
    if !ok {
        failures.push(format!(
            "code relying on the derives does not compile:\n{stderr}"
        ));
    }
    let (ok, stderr) = check(&dir, Some("struct-expressions"));
    let refused = stderr.matches("error[E0639]").count();
    if ok || refused != items.structs.len() {
        failures.push(format!(
            "{refused} of {} structs refuse a struct expression as #[non_exhaustive]:\n{stderr}",
            items.structs.len()
        ));
    }
    let (ok, stderr) = check(&dir, Some("exhaustive-matches"));
    let refused = stderr.matches("error[E0004]").count();
    if ok || refused != items.enums.len() {
        failures.push(format!(
            "{refused} of {} enums need a wildcard arm as #[non_exhaustive]:\n{stderr}",
            items.enums.len()
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    println!(
        "derive check: {} data types (Debug, Clone, PartialEq, serde), {} modeled errors \
         (Debug, Clone, PartialEq, Error), {} error enums (Debug, Error); #[non_exhaustive]: \
         {} structs, {} enums",
        items.data.len(),
        items.error_structs.len(),
        items.errors.len(),
        items.structs.len(),
        items.enums.len()
    );
}
