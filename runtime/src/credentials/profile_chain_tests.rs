//! `assume-role-tests.json`, the official profile-chain suite, run whole.

use std::collections::BTreeMap;

use super::*;
use serde_json::{json, Value};

fn maps(value: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, props)| {
            let props = props
                .as_object()
                .expect("properties are an object")
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_ascii_lowercase(),
                        v.as_str().expect("string").to_owned(),
                    )
                })
                .collect();
            (name.clone(), props)
        })
        .collect()
}

/// The chain in the suite's own notation.
fn to_json(chain: &ProfileChain) -> Value {
    let mut out = Vec::new();
    let opt = |o: &Option<String>| o.clone().map_or(Value::Null, Value::String);
    let object = |kind: &str, fields: Vec<(&str, Value)>| {
        let fields: serde_json::Map<String, Value> = fields
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        json!({ kind: fields })
    };
    match &chain.base {
        BaseProvider::AccessKey(keys) => out.push(object(
            "AccessKey",
            vec![
                ("access_key_id", json!(keys.access_key_id)),
                ("secret_access_key", json!(keys.secret_access_key)),
                ("session_token", opt(&keys.session_token)),
                ("account_id", opt(&keys.account_id)),
            ],
        )),
        BaseProvider::NamedSource(name) => out.push(json!({ "NamedSource": name })),
        BaseProvider::WebIdentityToken {
            role_arn,
            token_file,
            session_name,
        } => out.push(object(
            "WebIdentityToken",
            vec![
                ("role_arn", json!(role_arn)),
                ("web_identity_token_file", json!(token_file)),
                ("role_session_name", opt(session_name)),
            ],
        )),
        BaseProvider::Sso(sso) => out.push(object(
            "Sso",
            vec![
                ("sso_session", opt(&sso.session_name)),
                ("sso_region", json!(sso.region)),
                ("sso_start_url", json!(sso.start_url)),
                ("sso_account_id", opt(&sso.account_id)),
                ("sso_role_name", opt(&sso.role_name)),
            ],
        )),
        BaseProvider::CredentialProcess { command, .. } => {
            out.push(json!({ "CredentialProcess": command }))
        }
    }
    for role in &chain.roles {
        out.push(object(
            "AssumeRole",
            vec![
                ("role_arn", json!(role.role_arn)),
                ("external_id", opt(&role.external_id)),
                ("role_session_name", opt(&role.session_name)),
            ],
        ));
    }
    Value::Array(out)
}

#[test]
fn official_assume_role_suite() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/credential-tests/assume-role-tests.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let tests: Vec<Value> = serde_json::from_str(&text).expect("JSON");
    assert!(tests.len() >= 28, "the suite shrank to {}", tests.len());
    let mut failures = Vec::new();
    let mut ran = 0;
    for test in &tests {
        let docs = test["docs"].as_str().expect("docs");
        let input = &test["input"];
        let set = ProfileSet::from_maps(maps(&input["profiles"]), maps(&input["sso_sessions"]));
        let selected = input["selected_profile"]
            .as_str()
            .expect("selected_profile");
        let got = resolve_chain(&set, selected);
        let output = &test["output"];
        let verdict = match (output.get("Error"), output.get("ProfileChain"), &got) {
            (Some(expected), _, Err(e)) => {
                let expected = expected.as_str().expect("error text");
                (!e.to_string().contains(expected))
                    .then(|| format!("error `{e}` does not contain `{expected}`"))
            }
            (None, Some(expected), Ok(chain)) => {
                let got = to_json(chain);
                (&got != expected).then(|| format!("got {got}, expected {expected}"))
            }
            (_, _, Ok(chain)) => Some(format!("expected an error, got {}", to_json(chain))),
            (_, _, Err(e)) => Some(format!("unexpected error: {e}")),
        };
        ran += 1;
        if let Some(why) = verdict {
            failures.push(format!("{docs}: {why}"));
        }
    }
    assert_eq!(ran, tests.len());
    assert!(
        failures.is_empty(),
        "{} of {} assume-role cases fail:\n{}",
        failures.len(),
        tests.len(),
        failures.join("\n")
    );
    eprintln!(
        "assume-role-tests.json: {ran} of {} cases pass",
        tests.len()
    );
}

#[test]
fn debug_of_static_keys_hides_the_secret() {
    let keys = StaticKeys {
        access_key_id: "AKID".into(),
        secret_access_key: "s3cr3t".into(),
        session_token: Some("t0k3n".into()),
        account_id: None,
    };
    let shown = format!("{keys:?}");
    assert!(shown.contains("AKID") && !shown.contains("s3cr3t") && !shown.contains("t0k3n"));
}
