//! Runs every `smithy.rules#endpointTests` case of the IVS model through the rules engine.
//!
//! The model's 31 cases were written against an older partition table: in the
//! `model/partitions.json` shipped beside it, `aws-iso` and `aws-iso-b` now support dual-stack,
//! so four cases that expect "does not support DualStack" errors resolve to dual-stack
//! endpoints instead. The cases are therefore run twice: against the table the cases were
//! written for (the shipped one with those two flags put back), where all 31 must pass as
//! written, and against the shipped table, where 27 must pass as written and the four named
//! ones must give the dual-stack endpoints that table implies. Either drifting again fails.

use std::collections::BTreeMap;
use std::path::PathBuf;

use aws_lite_runtime::endpoint::{
    resolve, Endpoint, EndpointError, ParamValue, Params, Partitions, RuleSet,
};
use serde_json::{json, Value};

const SERVICE: &str = "com.amazonaws.ivs#AmazonInteractiveVideoService";

fn read(relative: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; the model links in model/ must resolve",
            path.display()
        )
    })
}

struct Fixture {
    rules: RuleSet,
    cases: Vec<Value>,
    partitions_json: Value,
}

fn fixture() -> Fixture {
    let model: Value =
        serde_json::from_str(&read("../model/ivs.json")).expect("model/ivs.json is JSON");
    let traits = &model["shapes"][SERVICE]["traits"];
    let rule_set = &traits["smithy.rules#endpointRuleSet"];
    assert!(
        rule_set.is_object(),
        "{SERVICE} has no smithy.rules#endpointRuleSet trait"
    );
    let rules = RuleSet::from_json(&rule_set.to_string()).expect("the IVS rule set parses");
    let cases = traits["smithy.rules#endpointTests"]["testCases"]
        .as_array()
        .unwrap_or_else(|| panic!("{SERVICE} has no smithy.rules#endpointTests test cases"))
        .clone();
    let partitions_json = serde_json::from_str(&read("../model/partitions.json"))
        .expect("model/partitions.json is JSON");
    Fixture {
        rules,
        cases,
        partitions_json,
    }
}

fn params(case: &Value) -> Params {
    let mut params = Params::new();
    for (name, value) in case["params"].as_object().into_iter().flatten() {
        // The test reads the model with serde_json; the runtime has its own JSON tree.
        let ours =
            aws_lite_runtime::json::from_str(&value.to_string()).expect("serde_json wrote JSON");
        let value = ParamValue::from_json(&ours)
            .unwrap_or_else(|| panic!("param {name} = {value} is not a parameter value"));
        params.set(name.clone(), value);
    }
    params
}

fn doc(case: &Value) -> &str {
    case["documentation"]
        .as_str()
        .unwrap_or("<undocumented case>")
}

/// Compares a resolution with a case's `expect`; `Err` describes the difference.
fn check(case: &Value, result: &Result<Endpoint, EndpointError>) -> Result<(), String> {
    let expect = &case["expect"];
    match (result, expect.get("endpoint"), expect.get("error")) {
        (Ok(endpoint), Some(expected), None) => {
            let want_url = expected["url"]
                .as_str()
                .ok_or("expect.endpoint has no url")?;
            let want_headers: BTreeMap<String, Vec<String>> =
                serde_json::from_value(expected.get("headers").cloned().unwrap_or(json!({})))
                    .map_err(|e| format!("expect.endpoint.headers: {e}"))?;
            let want_properties = expected.get("properties").cloned().unwrap_or(json!({}));
            let got_properties: Value = serde_json::from_str(&aws_lite_runtime::json::to_string(
                &aws_lite_runtime::json::Value::Object(endpoint.properties.clone()),
            ))
            .map_err(|e| format!("properties are not JSON: {e}"))?;
            if endpoint.url != want_url
                || endpoint.headers != want_headers
                || got_properties != want_properties
            {
                return Err(format!(
                    "expected {want_url} {want_headers:?} {want_properties}, got {} {:?} {got_properties}",
                    endpoint.url, endpoint.headers
                ));
            }
            Ok(())
        }
        (Err(err), None, Some(Value::String(message))) if err.to_string() == *message => Ok(()),
        (result, _, _) => Err(format!("expected {expect}, got {result:?}")),
    }
}

fn run_all(
    fixture: &Fixture,
    partitions_json: &Value,
) -> BTreeMap<String, Result<Endpoint, EndpointError>> {
    let partitions =
        Partitions::from_json(&partitions_json.to_string()).expect("the partition table parses");
    let mut results = BTreeMap::new();
    for case in &fixture.cases {
        let previous = results.insert(
            doc(case).to_owned(),
            resolve(&fixture.rules, &partitions, &params(case)),
        );
        assert!(
            previous.is_none(),
            "duplicate case documentation {:?}",
            doc(case)
        );
    }
    results
}

#[test]
fn the_model_has_31_cases() {
    assert_eq!(fixture().cases.len(), 31);
}

/// All 31 cases, as written, against the partition table they were written for.
#[test]
fn every_case_passes_against_the_partition_table_of_the_model() {
    let fixture = fixture();
    let mut table = fixture.partitions_json.clone();
    let mut restored = 0;
    for partition in table["partitions"]
        .as_array_mut()
        .expect("partitions array")
    {
        if matches!(partition["id"].as_str(), Some("aws-iso" | "aws-iso-b")) {
            partition["outputs"]["supportsDualStack"] = json!(false);
            restored += 1;
        }
    }
    assert_eq!(restored, 2, "aws-iso and aws-iso-b are in the table");
    let results = run_all(&fixture, &table);
    let failures: Vec<String> = fixture
        .cases
        .iter()
        .filter_map(|case| {
            check(case, &results[doc(case)])
                .err()
                .map(|e| format!("{}: {e}", doc(case)))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of 31 cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(results.len(), 31);
}

/// All 31 cases against the shipped table: 27 as written, the 4 it changes as it implies.
#[test]
fn every_case_against_the_shipped_partition_table() {
    let fixture = fixture();
    let results = run_all(&fixture, &fixture.partitions_json);
    let changed: BTreeMap<&str, &str> = [
        (
            "For region us-iso-east-1 with FIPS enabled and DualStack enabled",
            "https://ivs-fips.us-iso-east-1.api.aws.ic.gov",
        ),
        (
            "For region us-iso-east-1 with FIPS disabled and DualStack enabled",
            "https://ivs.us-iso-east-1.api.aws.ic.gov",
        ),
        (
            "For region us-isob-east-1 with FIPS enabled and DualStack enabled",
            "https://ivs-fips.us-isob-east-1.api.aws.scloud",
        ),
        (
            "For region us-isob-east-1 with FIPS disabled and DualStack enabled",
            "https://ivs.us-isob-east-1.api.aws.scloud",
        ),
    ]
    .into_iter()
    .collect();
    let mut failures = Vec::new();
    for case in &fixture.cases {
        let result = &results[doc(case)];
        let outcome = match changed.get(doc(case)) {
            None => check(case, result),
            Some(url) => {
                assert!(
                    case["expect"]["error"].is_string(),
                    "{}: the model now expects an endpoint",
                    doc(case)
                );
                match result {
                    Ok(endpoint)
                        if endpoint.url == *url
                            && endpoint.headers.is_empty()
                            && endpoint.properties.is_empty() =>
                    {
                        Ok(())
                    }
                    other => Err(format!("expected {url}, got {other:?}")),
                }
            }
        };
        if let Err(e) = outcome {
            failures.push(format!("{}: {e}", doc(case)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 31 cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(results.len(), 31);
    assert!(
        changed.keys().all(|k| results.contains_key(*k)),
        "a changed case is missing from the model"
    );
}

/// Errors from `error` rules carry the rule set's message verbatim.
#[test]
fn error_rule_messages_are_verbatim() {
    let fixture = fixture();
    let partitions = Partitions::from_json(&fixture.partitions_json.to_string()).unwrap();
    let params = Params::new()
        .with("Region", "us-east-1")
        .with("UseFIPS", true)
        .with("Endpoint", "https://example.com");
    let err = resolve(&fixture.rules, &partitions, &params).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Invalid Configuration: FIPS and custom endpoint are not supported"
    );
    assert_eq!(
        err.kind(),
        aws_lite_runtime::endpoint::EndpointErrorKind::Rule
    );
    // Defaults apply: UseFIPS and UseDualStack are required with defaults, so may be omitted.
    let endpoint = resolve(
        &fixture.rules,
        &partitions,
        &Params::new().with("Region", "eu-west-1"),
    )
    .unwrap();
    assert_eq!(endpoint.url, "https://ivs.eu-west-1.amazonaws.com");
}

/// Every single-node corruption of the IVS rule set either parses and resolves (to an
/// endpoint or an error) or is rejected with an invalid-rule-set error; nothing panics.
#[test]
fn corrupted_rule_sets_never_panic() {
    fn paths(value: &Value, at: Vec<Value>, out: &mut Vec<Vec<Value>>) {
        match value {
            Value::Object(map) => map.iter().for_each(|(k, v)| {
                let mut p = at.clone();
                p.push(json!(k));
                paths(v, p, out)
            }),
            Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| {
                let mut p = at.clone();
                p.push(json!(i));
                paths(v, p, out)
            }),
            _ => {}
        }
        out.push(at);
    }
    fn node<'a>(root: &'a mut Value, path: &[Value]) -> &'a mut Value {
        path.iter().fold(root, |v, step| match step {
            Value::String(k) => &mut v[k.as_str()],
            _ => &mut v[step.as_u64().unwrap() as usize],
        })
    }
    let model: Value = serde_json::from_str(&read("../model/ivs.json")).unwrap();
    let original = model["shapes"][SERVICE]["traits"]["smithy.rules#endpointRuleSet"].clone();
    let partitions = Partitions::from_json(&read("../model/partitions.json")).unwrap();
    let param_sets = [
        Params::new(),
        Params::new()
            .with("Region", "us-east-1")
            .with("UseFIPS", true),
        Params::new()
            .with("Region", "cn-north-1")
            .with("UseDualStack", true),
        Params::new().with("Endpoint", "https://example.com"),
    ];
    let mut all = Vec::new();
    paths(&original, Vec::new(), &mut all);
    let replacements = [
        json!(null),
        json!(1.5),
        json!(7),
        json!("{"),
        json!("x"),
        json!({}),
        json!([]),
        json!(true),
    ];
    let (mut rejected, mut resolved) = (0, 0);
    for path in all.iter().filter(|p| !p.is_empty()) {
        for replacement in &replacements {
            let mut doc = original.clone();
            *node(&mut doc, path) = replacement.clone();
            match RuleSet::from_json(&doc.to_string()) {
                Err(err) => {
                    assert!(
                        err.to_string().starts_with("invalid endpoint rule set: "),
                        "{err}"
                    );
                    rejected += 1;
                }
                Ok(rules) => {
                    for params in &param_sets {
                        let _ = resolve(&rules, &partitions, params);
                    }
                    resolved += 1;
                }
            }
        }
    }
    assert!(
        rejected > 100 && resolved > 100,
        "rejected {rejected}, resolved {resolved}"
    );
}
