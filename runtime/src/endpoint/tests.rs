//! Engine tests: expressions, templates, scoping, rule kinds, parameters and malformed input.
//! The pure library functions are tested beside them in `stdlib.rs`.

use crate::json::{json, Value};

use super::eval::Eval;
use super::*;

const PARTITIONS: &str = r#"{"partitions": [
    {"id": "aws", "regionRegex": "^(us|eu)\\-\\w+\\-\\d+$", "regions": {"us-east-1": {}},
     "outputs": {"dnsSuffix": "amazonaws.com", "dualStackDnsSuffix": "api.aws",
                 "supportsFIPS": true, "supportsDualStack": true,
                 "implicitGlobalRegion": "us-east-1"}},
    {"id": "aws-iso", "regionRegex": "^us\\-iso\\-\\w+\\-\\d+$", "regions": {},
     "outputs": {"dnsSuffix": "c2s.ic.gov", "dualStackDnsSuffix": "api.aws.ic.gov",
                 "supportsFIPS": true, "supportsDualStack": false}}
]}"#;

fn partitions() -> Partitions {
    Partitions::from_json(PARTITIONS).unwrap()
}

/// Evaluates one expression with `vars` bound (their names are the scope).
fn eval(expr: Value, vars: &[(&str, Value)]) -> Result<Option<Value>, EndpointError> {
    let scope: Vec<String> = vars.iter().map(|(n, _)| n.to_string()).collect();
    let expr = parse::expr(&expr, "test", &scope)?;
    let partitions = partitions();
    let mut eval = Eval::new(&partitions, vars.to_vec());
    eval.expr(&expr)
}

fn call(f: &str, argv: Value) -> Option<Value> {
    eval(json!({"fn": f, "argv": argv}), &[]).unwrap()
}

/// A rule set with String parameters `A`, `B`, a Boolean `Flag` and the given rules.
fn rule_set(rules: Value) -> Result<RuleSet, EndpointError> {
    RuleSet::from_json(
        &json!({
            "version": "1.0",
            "parameters": {
                "A": {"type": "String"},
                "B": {"type": "string"},
                "Flag": {"type": "Boolean", "required": true, "default": false},
                "List": {"type": "stringArray", "required": true, "default": ["x", "y"]}
            },
            "rules": rules
        })
        .to_string(),
    )
}

fn run(rules: Value, params: Params) -> Result<Endpoint, EndpointError> {
    resolve(&rule_set(rules).unwrap(), &partitions(), &params)
}

fn url(rules: Value, params: Params) -> String {
    run(rules, params).unwrap().url
}

fn endpoint_rule(conditions: Value, url: &str) -> Value {
    json!({"type": "endpoint", "conditions": conditions, "endpoint": {"url": url}})
}

#[test]
fn boolean_and_string_equality_not_and_is_set() {
    assert_eq!(
        call("booleanEquals", json!([true, true])),
        Some(json!(true))
    );
    assert_eq!(
        call("booleanEquals", json!([true, false])),
        Some(json!(false))
    );
    assert_eq!(call("stringEquals", json!(["a", "a"])), Some(json!(true)));
    assert_eq!(call("stringEquals", json!(["a", "b"])), Some(json!(false)));
    assert_eq!(call("not", json!([false])), Some(json!(true)));
    let vars = [("X", json!("v"))];
    let is_set = |name: &str, vars: &[(&str, Value)]| {
        eval(json!({"fn": "isSet", "argv": [{"ref": name}]}), vars).unwrap()
    };
    assert_eq!(is_set("X", &vars), Some(json!(true)));
    assert_eq!(
        is_set("X", &[("Y", json!(1)), ("X", json!(false))]),
        Some(json!(true)),
        "false is set"
    );
    // An unset argument to a function other than isSet leaves the result unset.
    let unset = eval(json!({"fn": "not", "argv": [{"ref": "X"}]}), &[]);
    assert!(unset.is_err(), "X is not in scope at all");
    let scope_only: Vec<String> = vec!["X".into()];
    let expr = parse::expr(
        &json!({"fn": "not", "argv": [{"ref": "X"}]}),
        "t",
        &scope_only,
    )
    .unwrap();
    let p = partitions();
    assert_eq!(Eval::new(&p, vec![]).expr(&expr).unwrap(), None);
}

#[test]
fn library_functions_through_the_evaluator() {
    assert_eq!(
        call("isValidHostLabel", json!(["a.b", true])),
        Some(json!(true))
    );
    assert_eq!(
        call("isValidHostLabel", json!(["a.b", false])),
        Some(json!(false))
    );
    assert_eq!(call("uriEncode", json!(["a b"])), Some(json!("a%20b")));
    assert_eq!(
        call("substring", json!(["abcdef", 0, 2, true])),
        Some(json!("ef"))
    );
    assert_eq!(call("substring", json!(["ab", 0, 4, false])), None);
    assert_eq!(
        call("parseURL", json!(["https://h:1/p"])).unwrap()["normalizedPath"],
        "/p/"
    );
    assert_eq!(call("parseURL", json!(["https://h?q"])), None);
    assert_eq!(
        call("split", json!(["a--b--c", "--", 2])),
        Some(json!(["a", "b--c"]))
    );
    assert_eq!(
        call("aws.parseArn", json!(["arn:aws:s3:::b/k"])).unwrap()["resourceId"],
        json!(["b", "k"])
    );
    assert_eq!(
        call("aws.isVirtualHostableS3Bucket", json!(["my.bucket", true])),
        Some(json!(true))
    );
    assert_eq!(
        call("aws.partition", json!(["us-iso-west-9"])).unwrap()["name"],
        "aws-iso"
    );
    assert_eq!(
        call("aws.partition", json!(["us-east-1"])).unwrap()["implicitGlobalRegion"],
        "us-east-1"
    );
    assert_eq!(
        call(
            "coalesce",
            json!([{"fn": "substring", "argv": ["a", 0, 5, false]}, "fallback"])
        ),
        Some(json!("fallback"))
    );
    assert_eq!(
        call("coalesce", json!([false, true])),
        Some(json!(false)),
        "false is not empty"
    );
    assert_eq!(call("ite", json!([true, "yes", "no"])), Some(json!("yes")));
    assert_eq!(call("ite", json!([false, "yes", "no"])), Some(json!("no")));
}

#[test]
fn runtime_type_errors_name_the_function_and_argument() {
    let err = eval(json!({"fn": "stringEquals", "argv": ["a", true]}), &[]).unwrap_err();
    assert_eq!(err.kind(), EndpointErrorKind::InvalidRuleSet);
    assert!(
        err.to_string()
            .contains("`stringEquals` argument 2 is a boolean, expected a string"),
        "{err}"
    );
    let err = eval(
        json!({"fn": "substring", "argv": ["a", "0", 1, false]}),
        &[],
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("argument 2 is a string, expected an integer"),
        "{err}"
    );
    let err = eval(json!({"fn": "split", "argv": ["a", "", 0]}), &[]).unwrap_err();
    assert!(err.to_string().contains("delimiter is empty"), "{err}");
    let err = eval(json!({"fn": "split", "argv": ["a", "-", -1]}), &[]).unwrap_err();
    assert!(err.to_string().contains("limit is negative"), "{err}");
    let err = eval(json!({"fn": "ite", "argv": ["x", "a", "b"]}), &[]).unwrap_err();
    assert!(
        err.to_string().contains("`ite` condition is a string"),
        "{err}"
    );
}

#[test]
fn get_attr_paths() {
    let doc = json!({"a": {"b": ["x", "y"]}, "name": "n", "list": ["p", "q"], "nil": null});
    let vars = [("D", doc), ("L", json!(["first", "second"]))];
    let get = |target: &str, path: &str| {
        eval(
            json!({"fn": "getAttr", "argv": [{"ref": target}, path]}),
            &vars,
        )
    };
    assert_eq!(get("D", "name").unwrap(), Some(json!("n")));
    assert_eq!(get("D", "a.b[1]").unwrap(), Some(json!("y")));
    assert_eq!(get("D", "a.b").unwrap(), Some(json!(["x", "y"])));
    assert_eq!(get("D", "list[0]").unwrap(), Some(json!("p")));
    assert_eq!(get("D", "list[2]").unwrap(), None, "out of range is unset");
    assert_eq!(get("D", "missing").unwrap(), None, "absent key is unset");
    assert_eq!(get("D", "nil").unwrap(), None, "null is unset");
    assert_eq!(
        get("L", "[1]").unwrap(),
        Some(json!("second")),
        "index on the value itself"
    );
    let err = get("D", "name[0]").unwrap_err().to_string();
    assert!(
        err.contains("getAttr `name[0]`: `[0]` of a string"),
        "{err}"
    );
    let err = get("L", "key").unwrap_err().to_string();
    assert!(err.contains("`key` of an array"), "{err}");
    for bad in [
        "", "a..b", "a[", "a[x]", "a[-1]", "a[1]b", "[]", "a b", "a[+1]",
    ] {
        let err = get("D", bad).unwrap_err().to_string();
        assert!(err.contains("malformed path"), "{bad:?}: {err}");
    }
    // Nested calls: getAttr of a function result.
    let arn = json!({"fn": "getAttr", "argv": [
        {"fn": "aws.parseArn", "argv": ["arn:aws:s3-outposts:us-west-2:1:outpost/op-1/accesspoint/ap"]},
        "resourceId[3]"]});
    assert_eq!(eval(arn, &[]).unwrap(), Some(json!("ap")));
}

#[test]
fn templates_and_escapes() {
    let vars = [
        ("R", json!("us-west-2")),
        ("P", json!({"dns": "amazonaws.com", "ids": ["i0", "i1"]})),
    ];
    let t = |s: &str| eval(json!(s), &vars);
    assert_eq!(
        t("https://svc.{R}.{P#dns}").unwrap(),
        Some(json!("https://svc.us-west-2.amazonaws.com"))
    );
    assert_eq!(t("{P#ids[1]}").unwrap(), Some(json!("i1")));
    assert_eq!(
        t("{{R}}").unwrap(),
        Some(json!("{R}")),
        "doubled braces are literal"
    );
    assert_eq!(t("a}}b{{c").unwrap(), Some(json!("a}b{c")));
    assert_eq!(t("{{{R}}}").unwrap(), Some(json!("{us-west-2}")));
    assert_eq!(t("").unwrap(), Some(json!("")));
    assert_eq!(t("plain").unwrap(), Some(json!("plain")));
    assert_eq!(t("héllo {R} ✓").unwrap(), Some(json!("héllo us-west-2 ✓")));
    for (bad, needle) in [
        ("a}b", "unmatched `}`"),
        ("{R", "unclosed `{`"),
        ("{R{x}}", "unclosed `{`"),
        ("{}", "does not start with a name"),
        ("{#dns}", "does not start with a name"),
        ("{1x}", "does not start with a name"),
        ("{Nope}", "`Nope` is neither a parameter"),
        ("{P#}", "malformed path"),
    ] {
        let err = t(bad).unwrap_err().to_string();
        assert!(err.contains(needle), "{bad:?}: {err}");
    }
    let err = t("{P#ids}").unwrap_err().to_string();
    assert!(
        err.contains("`{P#ids}` is an array, expected a string"),
        "{err}"
    );
    let err = t("{P#nope}").unwrap_err().to_string();
    assert!(err.contains("`{P#nope}` is not set"), "{err}");
}

#[test]
fn parameters_defaults_required_and_types() {
    let rules = json!([endpoint_rule(json!([]), "https://{List#[1]}.example")]);
    assert_eq!(
        url(rules.clone(), Params::new()),
        "https://y.example",
        "StringArray default"
    );
    let list = Params::new().with("List", vec!["a".to_owned(), "b".to_owned()]);
    assert_eq!(url(rules.clone(), list), "https://b.example");

    let flag = json!([
        endpoint_rule(
            json!([{"fn": "booleanEquals", "argv": [{"ref": "Flag"}, true]}]),
            "https://on"
        ),
        endpoint_rule(json!([]), "https://off")
    ]);
    assert_eq!(
        url(flag.clone(), Params::new()),
        "https://off",
        "Boolean default"
    );
    assert_eq!(
        url(flag.clone(), Params::new().with("Flag", true)),
        "https://on"
    );

    let err = run(flag.clone(), Params::new().with("Flag", "yes")).unwrap_err();
    assert_eq!(err.kind(), EndpointErrorKind::InvalidParams);
    assert!(
        err.to_string().contains("`Flag` must be a Boolean"),
        "{err}"
    );
    let err = run(flag.clone(), Params::new().with("Flga", true)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`Flga` is not an endpoint parameter of this rule set"
    );

    let required = RuleSet::from_json(
        r#"{"parameters": {"Bucket": {"type": "String", "required": true}},
            "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"url": "https://{Bucket}"}}]}"#,
    )
    .unwrap();
    let err = resolve(&required, &partitions(), &Params::new()).unwrap_err();
    assert_eq!(err.kind(), EndpointErrorKind::InvalidParams);
    assert_eq!(
        err.to_string(),
        "missing required endpoint parameter `Bucket`"
    );
    let mut params = Params::new();
    params
        .set_opt("Bucket", Some("b"))
        .set_opt::<&str>("Other", None);
    assert_eq!(params.get("Bucket"), Some(&ParamValue::String("b".into())));
    assert_eq!(params.0.len(), 1);
    assert_eq!(
        resolve(&required, &partitions(), &params).unwrap().url,
        "https://b"
    );
}

#[test]
fn assign_scope_and_rule_kinds() {
    let rules = json!([
        {"type": "tree",
         "conditions": [
            {"fn": "isSet", "argv": [{"ref": "A"}]},
            {"fn": "aws.partition", "argv": [{"ref": "A"}], "assign": "Part"},
            {"fn": "getAttr", "argv": [{"ref": "Part"}, "name"], "assign": "PartName"}],
         "rules": [
            {"type": "error",
             "conditions": [{"fn": "stringEquals", "argv": ["{PartName}", "aws-iso"]}],
             "error": "{PartName} is not supported for {A}"},
            endpoint_rule(json!([]), "https://svc.{A}.{Part#dnsSuffix}")
         ]},
        {"type": "error", "conditions": [], "error": "Missing A"}
    ]);
    assert_eq!(
        url(rules.clone(), Params::new().with("A", "eu-west-1")),
        "https://svc.eu-west-1.amazonaws.com"
    );
    let err = run(rules.clone(), Params::new().with("A", "us-iso-east-1")).unwrap_err();
    assert_eq!(err.kind(), EndpointErrorKind::Rule);
    assert_eq!(
        err.to_string(),
        "aws-iso is not supported for us-iso-east-1"
    );
    assert_eq!(err.message(), "aws-iso is not supported for us-iso-east-1");
    assert_eq!(
        run(rules, Params::new()).unwrap_err().to_string(),
        "Missing A"
    );

    // Assignments are visible only inside their rule.
    let leak = rule_set(json!([
        endpoint_rule(
            json!([{"fn": "parseURL", "argv": ["https://x"], "assign": "U"}]),
            "https://a"
        ),
        endpoint_rule(json!([]), "{U#scheme}://b")
    ]));
    assert!(leak
        .unwrap_err()
        .to_string()
        .contains("rules[1].endpoint.url: template"));
    let shadow = rule_set(json!([endpoint_rule(
        json!([{"fn": "parseURL", "argv": ["https://x"], "assign": "A"}]),
        "https://a"
    )]));
    assert!(shadow
        .unwrap_err()
        .to_string()
        .contains("`assign` shadows `A`"));
    // A later condition sees an earlier assignment; a failed one stops the rule.
    let chain = json!([
        endpoint_rule(
            json!([
                {"fn": "parseURL", "argv": ["{A}"], "assign": "U"},
                {"fn": "booleanEquals", "argv": [{"fn": "getAttr", "argv": [{"ref": "U"}, "isIp"]}, true]}
            ]),
            "https://ip/{U#authority}"
        ),
        endpoint_rule(json!([]), "https://fallback")
    ]);
    assert_eq!(
        url(chain.clone(), Params::new().with("A", "http://10.0.0.1:80")),
        "https://ip/10.0.0.1:80"
    );
    assert_eq!(
        url(chain.clone(), Params::new().with("A", "http://host")),
        "https://fallback"
    );
    assert_eq!(
        url(chain, Params::new().with("A", "http://host?q")),
        "https://fallback"
    );
}

#[test]
fn tree_rules_are_terminal_and_exhaustion_is_an_error() {
    let rules = json!([
        {"type": "tree", "conditions": [{"fn": "isSet", "argv": [{"ref": "A"}]}],
         "rules": [endpoint_rule(json!([{"fn": "isSet", "argv": [{"ref": "B"}]}]), "https://ab")]},
        endpoint_rule(json!([]), "https://sibling")
    ]);
    assert_eq!(
        url(rules.clone(), Params::new().with("A", "a").with("B", "b")),
        "https://ab"
    );
    assert_eq!(url(rules.clone(), Params::new()), "https://sibling");
    let err = run(rules, Params::new().with("A", "a")).unwrap_err();
    assert_eq!(err.kind(), EndpointErrorKind::NoMatch);
    assert!(err.to_string().contains("under `rules[0]`"), "{err}");

    let none = json!([endpoint_rule(
        json!([{"fn": "isSet", "argv": [{"ref": "A"}]}]),
        "https://a"
    )]);
    let err = run(none, Params::new()).unwrap_err();
    assert_eq!(err.kind(), EndpointErrorKind::NoMatch);
    assert_eq!(err.to_string(), "no endpoint rule matched the parameters");
}

#[test]
fn headers_and_properties() {
    let rules = json!([{
        "type": "endpoint", "conditions": [],
        "endpoint": {
            "url": {"ref": "A"},
            "headers": {"x-amz-a": ["{A}", "literal"], "x-b": [{"fn": "uriEncode", "argv": ["a b"]}]},
            "properties": {
                "authSchemes": [{"name": "sigv4", "signingName": "ivs", "signingRegion": "{B}",
                                 "disableDoubleEncoding": true}],
                "nested": {"list": ["{{x}}", 1, false, null]}
            }
        }
    }]);
    let endpoint = run(
        rules.clone(),
        Params::new().with("A", "https://a").with("B", "us-west-2"),
    )
    .unwrap();
    assert_eq!(endpoint.url, "https://a");
    assert_eq!(endpoint.headers["x-amz-a"], ["https://a", "literal"]);
    assert_eq!(endpoint.headers["x-b"], ["a%20b"]);
    assert_eq!(
        Value::Object(endpoint.properties),
        json!({"authSchemes": [{"name": "sigv4", "signingName": "ivs", "signingRegion": "us-west-2",
                                "disableDoubleEncoding": true}],
               "nested": {"list": ["{x}", 1, false, null]}})
    );
    // An unset value reaching the URL or a property is a rule-set bug, reported as such.
    let err = run(rules, Params::new().with("B", "b")).unwrap_err();
    assert_eq!(err.kind(), EndpointErrorKind::InvalidRuleSet);
    assert!(
        err.to_string()
            .contains("rules[0]: the endpoint url is not set"),
        "{err}"
    );
}

#[test]
fn malformed_rule_sets_are_errors_naming_the_fault() {
    let ok_rule = endpoint_rule(json!([]), "https://x");
    let cases: Vec<(Value, &str)> = vec![
        (json!([]), "rules: no rules"),
        (json!("x"), "rules: missing or not an array"),
        (json!([1]), "rules[0]: not an object"),
        (
            json!([{"type": "nope", "conditions": []}]),
            "unknown rule type `nope`",
        ),
        (json!([{"conditions": []}]), "rules[0]: no string `type`"),
        (
            json!([{"type": "endpoint", "conditions": []}]),
            "rules[0]: no `endpoint`",
        ),
        (
            json!([{"type": "endpoint", "endpoint": {}}]),
            "rules[0].endpoint: no `url`",
        ),
        (
            json!([{"type": "error", "conditions": []}]),
            "rules[0]: no `error`",
        ),
        (
            json!([{"type": "tree", "conditions": [], "rules": []}]),
            "rules[0].rules: no rules",
        ),
        (
            json!([{"type": "endpoint", "conditions": {}, "endpoint": {"url": "u"}}]),
            "`conditions` is not an array",
        ),
        (
            json!([endpoint_rule(json!([{"ref": "A"}]), "u")]),
            "conditions[0]: a condition must be a function call",
        ),
        (
            json!([endpoint_rule(
                json!([{"fn": "frobnicate", "argv": []}]),
                "u"
            )]),
            "unknown function `frobnicate`",
        ),
        (
            json!([endpoint_rule(json!([{"fn": "isSet", "argv": []}]), "u")]),
            "`isSet` takes 1 arguments, got 0",
        ),
        (
            json!([endpoint_rule(
                json!([{"fn": "coalesce", "argv": ["a"]}]),
                "u"
            )]),
            "takes at least 2 arguments",
        ),
        (
            json!([endpoint_rule(json!([{"fn": "isSet"}]), "u")]),
            "`isSet` has no `argv` array",
        ),
        (
            json!([endpoint_rule(json!([{"fn": 3, "argv": []}]), "u")]),
            "`fn` is not a string",
        ),
        (
            json!([endpoint_rule(json!([{"fn": "not", "argv": [1.5]}]), "u")]),
            "argv[0]: number `1.5` is not an integer",
        ),
        (
            json!([endpoint_rule(json!([{"fn": "not", "argv": [null]}]), "u")]),
            "`null` is not an expression",
        ),
        (
            json!([endpoint_rule(
                json!([{"fn": "not", "argv": [{"x": 1}]}]),
                "u"
            )]),
            "needs `ref` or `fn`",
        ),
        (
            json!([endpoint_rule(
                json!([{"fn": "isSet", "argv": [{"ref": "Zed"}]}]),
                "u"
            )]),
            "`Zed` is neither a parameter",
        ),
        (
            json!([endpoint_rule(
                json!([{"fn": "isSet", "argv": [{"ref": 1}]}]),
                "u"
            )]),
            "`ref` is not a string",
        ),
        (
            json!([endpoint_rule(
                json!([{"fn": "getAttr", "argv": [{"ref": "A"}]}]),
                "u"
            )]),
            "`getAttr` takes 2 arguments",
        ),
        (
            json!([endpoint_rule(
                json!([{"fn": "getAttr", "argv": [{"ref": "A"}, {"ref": "B"}]}]),
                "u"
            )]),
            "path must be a string literal",
        ),
        (
            json!([endpoint_rule(
                json!([{"fn": "isSet", "argv": [{"ref": "A"}], "assign": "1x"}]),
                "u"
            )]),
            "is not an identifier",
        ),
        (
            json!([endpoint_rule(
                json!([{"fn": "isSet", "argv": [{"ref": "A"}], "assign": true}]),
                "u"
            )]),
            "`assign` is not a string",
        ),
        (
            json!([{"type": "endpoint", "conditions": [], "endpoint": {"url": "u", "headers": {"h": "v"}}}]),
            "headers.h: not an array",
        ),
        (
            json!([{"type": "endpoint", "conditions": [], "endpoint": {"url": "u", "headers": []}}]),
            "`headers` is not an object",
        ),
        (
            json!([{"type": "endpoint", "conditions": [], "endpoint": {"url": "u", "properties": {"p": ["{Q}"]}}}]),
            "properties.p[0]",
        ),
        (
            json!([ok_rule, {"type": "error", "conditions": [], "error": "{"}]),
            "rules[1].error: template",
        ),
    ];
    for (rules, needle) in cases {
        let err = rule_set(rules.clone()).unwrap_err();
        assert_eq!(err.kind(), EndpointErrorKind::InvalidRuleSet);
        assert!(
            err.to_string().contains(needle),
            "{rules}: {err} should contain {needle:?}"
        );
    }
    let documents = [
        ("", "not valid JSON"),
        ("[]", "the document is not an object"),
        (
            r#"{"parameters": [], "rules": []}"#,
            "parameters: not an object",
        ),
        (r#"{"parameters": {"A": 1}}"#, "parameters.A: not an object"),
        (
            r#"{"parameters": {"A-b": {"type": "String"}}}"#,
            "not an identifier",
        ),
        (
            r#"{"parameters": {"A": {}}}"#,
            "parameters.A: no string `type`",
        ),
        (
            r#"{"parameters": {"A": {"type": "Integer"}}}"#,
            "unknown type `Integer`",
        ),
        (
            r#"{"parameters": {"A": {"type": "String", "required": "yes"}}}"#,
            "`required` is not a boolean",
        ),
        (
            r#"{"parameters": {"A": {"type": "Boolean", "default": "no"}}}"#,
            "`default` is not a Boolean",
        ),
        (
            r#"{"parameters": {"A": {"type": "StringArray", "default": [1]}}}"#,
            "`default` is not a StringArray",
        ),
    ];
    for (json, needle) in documents {
        let err = RuleSet::from_json(json).unwrap_err().to_string();
        assert!(err.starts_with("invalid endpoint rule set: "), "{err}");
        assert!(
            err.contains(needle),
            "{json}: {err} should contain {needle:?}"
        );
    }
}

/// The parse-URL conformance cases of the Smithy test suite, through a rule set like theirs.
#[test]
fn parse_url_conformance_rule_set() {
    let rules = json!([
        {"type": "tree", "conditions": [
            {"fn": "isSet", "argv": [{"ref": "A"}]},
            {"fn": "parseURL", "argv": ["{A}"], "assign": "url"}],
         "rules": [
            endpoint_rule(json!([{"fn": "booleanEquals", "argv": [{"fn": "getAttr", "argv": [{"ref": "url"}, "isIp"]}, true]}]),
                "{url#scheme}://{url#authority}{url#normalizedPath}is-ip-addr"),
            endpoint_rule(json!([{"fn": "stringEquals", "argv": ["{url#path}", "/port"]}]),
                "{url#scheme}://{url#authority}/uri-with-port"),
            endpoint_rule(json!([{"fn": "stringEquals", "argv": ["{url#normalizedPath}", "/"]}]),
                "https://{url#scheme}-{url#authority}-nopath.example.com"),
            endpoint_rule(json!([]), "https://{url#scheme}-{url#authority}.example.com/path-is{url#path}")
         ]},
        {"type": "error", "conditions": [], "error": "endpoint was invalid"}
    ]);
    let cases = [
        (
            "https://authority.com/custom-path",
            "https://https-authority.com.example.com/path-is/custom-path",
        ),
        (
            "https://authority.com",
            "https://https-authority.com-nopath.example.com",
        ),
        (
            "https://authority.com/",
            "https://https-authority.com-nopath.example.com",
        ),
        (
            "https://authority.com:8000/port",
            "https://authority.com:8000/uri-with-port",
        ),
        (
            "http://authority.com:8000/port",
            "http://authority.com:8000/uri-with-port",
        ),
        (
            "http://99_ab.com",
            "https://http-99_ab.com-nopath.example.com",
        ),
        (
            "http://99_ab-.com",
            "https://http-99_ab-.com-nopath.example.com",
        ),
        (
            "http://192.168.1.1/foo/",
            "http://192.168.1.1/foo/is-ip-addr",
        ),
        (
            "http://192.168.1.1:1234/foo/",
            "http://192.168.1.1:1234/foo/is-ip-addr",
        ),
        (
            "https://[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443",
            "https://[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443/is-ip-addr",
        ),
        (
            "https://999.999.abc.blah",
            "https://https-999.999.abc.blah-nopath.example.com",
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(
            url(rules.clone(), Params::new().with("A", input)),
            expected,
            "{input}"
        );
    }
    for invalid in [
        "acbd://example.com",
        "http://abc.com:a/foo",
        "https://example.com/path?query1=foo",
    ] {
        let err = run(rules.clone(), Params::new().with("A", invalid)).unwrap_err();
        assert_eq!(err.to_string(), "endpoint was invalid", "{invalid}");
    }
}

/// A value put into a URL template cannot move the request to another host: what the template
/// writes after the host hole must stay in the host, and the host holds host-name characters
/// only. The region check of the client comes first; this is the rule engine's own guard.
#[test]
fn values_cannot_move_the_host_of_a_url_template() {
    let rules = || {
        json!([{"type": "endpoint", "conditions": [
            {"fn": "aws.partition", "argv": [{"ref": "A"}], "assign": "p"}],
         "endpoint": {"url": "https://ivs.{A}.{p#dnsSuffix}/base"}}])
    };
    assert_eq!(
        url(rules(), Params::new().with("A", "us-west-2")),
        "https://ivs.us-west-2.amazonaws.com/base"
    );
    let long = "a".repeat(60_000);
    for hostile in [
        "x@evil.example/",
        "evil.com/",
        "evil.com#",
        "evil.com?",
        "us-east-1.evil.com/x",
        "us east",
        "us-east-1\r\nx: y",
        "évil",
        "a\\b",
    ] {
        let err = run(rules(), Params::new().with("A", hostile)).unwrap_err();
        assert_eq!(
            err.kind(),
            EndpointErrorKind::InvalidParams,
            "{hostile:?}: {err}"
        );
        assert!(
            err.to_string()
                .contains("do not fit the URL template \"https://ivs.{A}.{p#dnsSuffix}/base\""),
            "{err}"
        );
    }
    // A long but harmless label is the host's business (DNS refuses it), not a redirection.
    assert!(run(rules(), Params::new().with("A", long.as_str())).is_ok());

    // `{A}://...`: a value cannot bring its own scheme and host ahead of the template's.
    let scheme = json!([{"type": "endpoint", "conditions": [],
        "endpoint": {"url": "{A}://svc.example.com"}}]);
    assert!(run(scheme.clone(), Params::new().with("A", "https")).is_ok());
    assert!(run(scheme, Params::new().with("A", "https://evil.example/#")).is_err());

    // The whole URL from a value (an SDK::Endpoint parameter): only the host's characters are
    // checked (the client checks the configured URL when it is made).
    let whole = || json!([{"type": "endpoint", "conditions": [], "endpoint": {"url": "{A}"}}]);
    assert_eq!(
        url(
            whole(),
            Params::new().with("A", "http://127.0.0.1:5000/p?x=@")
        ),
        "http://127.0.0.1:5000/p?x=@"
    );
    assert!(run(whole(), Params::new().with("A", "https://u:pw@host/")).is_err());

    // A path hole may hold `/`: it is after the host.
    let path = json!([{"type": "endpoint", "conditions": [],
        "endpoint": {"url": "https://svc.example.com/{A}"}}]);
    assert_eq!(
        url(path, Params::new().with("A", "a/b")),
        "https://svc.example.com/a/b"
    );
}
