//! The official parser and file-location suites, run whole, and our own edge cases.

use super::*;
use serde_json::Value;

fn suite(name: &str) -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/credential-tests")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let data: Value = serde_json::from_str(&text).expect("the suite is JSON");
    data["tests"].as_array().expect("a `tests` array").clone()
}

fn as_map(value: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (name, props) in value.as_object().into_iter().flatten() {
        let props = props
            .as_object()
            .expect("properties are an object")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().expect("string value").to_owned()))
            .collect();
        out.insert(name.clone(), props);
    }
    out
}

fn parse_both(input: &Value) -> Result<ProfileSet, ParseError> {
    let mut set = ProfileSet::default();
    if let Some(text) = input["configFile"].as_str() {
        set.merge_file(text, FileKind::Config, "config")?;
    }
    if let Some(text) = input["credentialsFile"].as_str() {
        set.merge_file(text, FileKind::Credentials, "credentials")?;
    }
    Ok(set)
}

fn flatten(sections: &BTreeMap<String, Profile>) -> BTreeMap<String, BTreeMap<String, String>> {
    sections
        .iter()
        .map(|(k, p)| (k.clone(), p.properties().clone()))
        .collect()
}

#[test]
fn official_profile_parser_suite() {
    let tests = suite("profile-parser-tests.json");
    assert!(tests.len() >= 60, "the suite shrank to {}", tests.len());
    let mut ran = 0;
    let mut failures = Vec::new();
    for test in &tests {
        let name = test["name"].as_str().expect("a name");
        let got = parse_both(&test["input"]);
        let output = &test["output"];
        let verdict = match (output.get("errorContaining"), &got) {
            (Some(expected), Err(e)) => {
                let expected = expected.as_str().expect("error text");
                (!e.to_string().contains(expected))
                    .then(|| format!("error {e} does not contain {expected:?}"))
            }
            (Some(expected), Ok(set)) => Some(format!(
                "parsed ({:?}) but expected an error containing {expected}",
                flatten(&set.profiles)
            )),
            (None, Err(e)) => Some(format!("unexpected error: {e}")),
            (None, Ok(set)) => {
                let config = &output["config"];
                let mut why = None;
                if flatten(&set.profiles) != as_map(&config["profiles"]) {
                    why = Some(format!(
                        "profiles {:?} != {:?}",
                        flatten(&set.profiles),
                        as_map(&config["profiles"])
                    ));
                }
                if let Some(sessions) = config.get("sso_sessions") {
                    if flatten(&set.sso_sessions) != as_map(sessions) {
                        why = Some(format!(
                            "sso sessions {:?} != {:?}",
                            flatten(&set.sso_sessions),
                            as_map(sessions)
                        ));
                    }
                }
                why
            }
        };
        ran += 1;
        if let Some(why) = verdict {
            failures.push(format!("{name}: {why}"));
        }
    }
    assert_eq!(ran, tests.len());
    assert!(
        failures.is_empty(),
        "{} of {} parser cases fail:\n{}",
        failures.len(),
        tests.len(),
        failures.join("\n")
    );
    eprintln!(
        "profile-parser-tests.json: {ran} of {} cases pass",
        tests.len()
    );
}

#[test]
fn official_file_location_suite() {
    let tests = suite("file-location-tests.json");
    assert!(!tests.is_empty());
    let mut ran = 0;
    for test in &tests {
        let name = test["name"].as_str().expect("a name");
        let env = Env::from_vars(
            test["environment"]
                .as_object()
                .expect("environment")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("string").to_owned())),
        );
        let os = match test["platform"].as_str() {
            Some("windows") => Os::Windows,
            Some("linux" | "macos") => Os::Unix,
            other => panic!("{name}: unknown platform {other:?}"),
        };
        if let Some(profile) = test.get("profile") {
            assert_eq!(
                Some(profile_name(&env).as_str()),
                profile.as_str(),
                "{name}"
            );
        }
        assert_eq!(
            Some(file_location(&env, os, FileKind::Config).as_str()),
            test["configLocation"].as_str(),
            "{name}"
        );
        assert_eq!(
            Some(file_location(&env, os, FileKind::Credentials).as_str()),
            test["credentialsLocation"].as_str(),
            "{name}"
        );
        ran += 1;
    }
    assert_eq!(ran, tests.len());
    eprintln!(
        "file-location-tests.json: {ran} of {} cases pass",
        tests.len()
    );
}

#[test]
fn home_expansion_only_for_a_leading_tilde_component() {
    let env = Env::from_vars([("HOME", "/u")]);
    assert_eq!(expand_home("~/x/y", &env, Os::Unix), "/u/x/y");
    assert_eq!(expand_home("~", &env, Os::Unix), "/u");
    assert_eq!(expand_home("~aws/config", &env, Os::Unix), "~aws/config");
    assert_eq!(expand_home("/a/~/b", &env, Os::Unix), "/a/~/b");
    let none = Env::from_vars(Vec::<(String, String)>::new());
    assert_eq!(expand_home("~/x", &none, Os::Unix), "~/x");
}

#[test]
fn errors_name_the_file_and_line_and_never_quote_it() {
    for (text, line) in [
        ("aws_secret_access_key = s3cr3t\n", 1),
        ("[default]\n\nthis line has s3cr3t but no equals sign\n", 3),
        ("[default\n", 1),
        ("[default]\n= s3cr3t\n", 2),
        ("[default]\n  s3cr3t\n", 2),
    ] {
        let err = ProfileSet::default()
            .merge_file(text, FileKind::Config, "/h/.aws/config")
            .unwrap_err();
        assert_eq!(err.line, line, "{text:?}");
        let shown = err.to_string();
        assert!(shown.contains("/h/.aws/config"), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
}

async fn load_files(files: &[(&str, &[u8])]) -> Result<ProfileSet, CredentialsError> {
    let fs = super::super::Fs::from_map(files.iter().map(|(p, b)| (*p, b.to_vec())));
    let config = ProviderConfig::empty()
        .with_env(Env::from_vars([("HOME", "/h")]))
        .with_fs(fs);
    load(&config).await
}

#[tokio::test]
async fn a_bom_is_stripped_and_the_credentials_file_wins() {
    let set = load_files(&[
        (
            "/h/.aws/config",
            "\u{feff}[default]\nregion = eu-west-1\na = config\n".as_bytes(),
        ),
        ("/h/.aws/credentials", b"\xef\xbb\xbf[default]\na = creds\n"),
    ])
    .await
    .unwrap();
    let default = set.profile("default").unwrap();
    assert_eq!(default.get("region"), Some("eu-west-1"));
    assert_eq!(default.get("a"), Some("creds"));
    assert!(set.any_file());
}

#[tokio::test]
async fn missing_files_are_empty_and_bad_files_are_named_errors() {
    let set = load_files(&[]).await.unwrap();
    assert!(!set.any_file());
    assert!(set.profile("default").is_none());
    assert!(set.describe().contains("/h/.aws/config"));

    let err = load_files(&[("/h/.aws/credentials", b"[default]\na = \xff\n")])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("/h/.aws/credentials"), "{err}");
    assert!(err.to_string().contains("not UTF-8"), "{err}");

    let big = vec![b'#'; MAX_FILE_SIZE as usize + 1];
    let err = load_files(&[("/h/.aws/config", &big)]).await.unwrap_err();
    // The cause (over the limit) is the source's to say, once.
    let chain = crate::error::DisplayErrorChain(&err).to_string();
    assert!(chain.contains("limit"), "{chain}");
    assert_eq!(chain.matches("limit").count(), 1, "{chain}");
}
