//! A generated crate turns on the runtime features its model cannot work without: `sigv4a`
//! when the endpoint rules can pick a `sigv4a` auth scheme (CloudFront KeyValueStore, whose
//! every endpoint says `sigv4a` with `signingRegionSet: ["*"]`), and not otherwise (IVS).
//! Without it, every call of such a crate would fail at run time.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `aws-lite-runtime = ...` line of the Cargo.toml generated from `model`.
fn runtime_dependency(model: &str) -> String {
    let root = root();
    let text = std::fs::read_to_string(root.join(model)).unwrap_or_else(|e| panic!("{model}: {e}"));
    let options = codegen::Options {
        ir: codegen::ir::Options {
            crate_name: None,
            crate_version: None,
            any_protocol: false,
            pinned_items: None,
        },
        emit: codegen::EmitOptions {
            runtime_dependency: r#"{ path = "../../runtime" }"#.to_owned(),
            partitions_json: std::fs::read_to_string(root.join("model/partitions.json"))
                .expect("model/partitions.json"),
            endpoint_divergences: codegen::EndpointDivergences::default(),
        },
    };
    let files = codegen::generate(&text, &options).unwrap_or_else(|e| panic!("{model}: {e}"));
    let manifest = files
        .iter()
        .find(|(path, _)| path == "Cargo.toml")
        .expect("a Cargo.toml");
    manifest
        .1
        .lines()
        .find(|l| l.starts_with("aws-lite-runtime = "))
        .expect("the runtime dependency")
        .to_owned()
}

#[test]
fn sigv4a_endpoints_turn_the_runtime_feature_on() {
    let kvs = runtime_dependency("../shared/model/aws/cloudfront-keyvaluestore-2022-07-26.json");
    assert_eq!(
        kvs,
        r#"aws-lite-runtime = { path = "../../runtime", features = ["sigv4a"] }"#
    );
    let ivs = runtime_dependency("model/ivs.json");
    assert!(!ivs.contains("sigv4a"), "{ivs}");
}
