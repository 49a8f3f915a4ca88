//! Tests of the model diff: one per evaluator on tiny model pairs, the Smithy 1.0 -> 2.0
//! conversion, bad input, output formats, and every consecutive pair of the IVS model history
//! (a text snapshot plus facts checked by reading the two JSON files).

use codegen::{diff, model};

#[path = "diff/parity.rs"]
mod parity;

use std::path::{Path, PathBuf};

use diff::{render, DiffReport, Format, RenderOptions, Semver, Severity};
use model::Model;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Helpers

fn model_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../model")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(name)
}

/// A model from a `shapes` object; a service binding every operation is added when missing.
fn model(version: &str, shapes: Value) -> Model {
    let mut shapes = shapes.as_object().cloned().expect("shapes object");
    // The API impact generates the crate, which needs an HTTP binding per operation.
    for (id, shape) in shapes.iter_mut() {
        if shape["type"] == "operation" && shape["traits"]["smithy.api#http"].is_null() {
            let name = id.rsplit('#').next().unwrap_or(id).to_owned();
            let traits = shape
                .as_object_mut()
                .expect("shape object")
                .entry("traits")
                .or_insert_with(|| json!({}));
            traits["smithy.api#http"] = json!({"method": "POST", "uri": format!("/{name}")});
        }
    }
    if !shapes.values().any(|s| s["type"] == "service") {
        let ops: Vec<Value> = shapes
            .iter()
            .filter(|(_, s)| s["type"] == "operation")
            .map(|(id, _)| json!({ "target": id }))
            .collect();
        shapes.insert(
            "ex#Svc".to_owned(),
            json!({"type": "service", "version": "1", "operations": ops}),
        );
    }
    let text = json!({"smithy": version, "shapes": shapes}).to_string();
    Model::from_json(&text).unwrap_or_else(|e| panic!("fixture model: {e}"))
}

fn v2(shapes: Value) -> Model {
    model("2.0", shapes)
}

fn diff2(old: Value, new: Value) -> DiffReport {
    diff::diff(&v2(old), &v2(new)).expect("diff")
}

/// `(severity, shape, message)` of the changes one evaluator found.
fn found(report: &DiffReport, evaluator: &str) -> Vec<(Severity, String, String)> {
    report
        .changes
        .iter()
        .filter(|c| c.evaluator == evaluator)
        .map(|c| (c.severity, c.shape.clone(), c.message.clone()))
        .collect()
}

fn severities(report: &DiffReport, evaluator: &str) -> Vec<Severity> {
    found(report, evaluator).into_iter().map(|c| c.0).collect()
}

/// A structure with the given members.
fn structure(members: Value) -> Value {
    json!({"type": "structure", "members": members})
}

fn string_member() -> Value {
    json!({"target": "smithy.api#String"})
}

use Severity::{Danger, Error, Note, Warning};

// ---------------------------------------------------------------------------------------------
// One test per evaluator

#[test]
fn added_shape_notes_new_shapes_and_members() {
    let r = diff2(
        json!({"ex#A": structure(json!({"a": string_member()}))}),
        json!({"ex#A": structure(json!({"a": string_member(), "b": string_member()})),
               "ex#B": {"type": "string"}}),
    );
    assert_eq!(
        found(&r, "AddedShape"),
        [
            (
                Note,
                "ex#A$b".into(),
                "added member targeting `smithy.api#String`".into()
            ),
            (Note, "ex#B".into(), "added string".into()),
        ]
    );
    assert_eq!(r.max_severity(), Some(Note));
}

#[test]
fn removed_shape_is_an_error_and_a_scalar_a_warning() {
    let r = diff2(
        json!({"ex#A": structure(json!({"a": string_member(), "b": string_member()})),
               "ex#S": {"type": "string"}, "ex#T": structure(json!({}))}),
        json!({"ex#A": structure(json!({"a": string_member()}))}),
    );
    assert_eq!(
        found(&r, "RemovedShape"),
        [
            (Error, "ex#A$b".into(), "removed member".into()),
            (Error, "ex#T".into(), "removed structure".into()),
            (Warning, "ex#S".into(), "removed string (a scalar)".into()),
        ]
    );
}

#[test]
fn entity_binding_tracks_operations_bound_to_the_service() {
    let op = json!({"type": "operation"});
    let svc = |ops: Value| json!({"type": "service", "version": "1", "operations": ops});
    let r = diff2(
        json!({"ex#Svc": svc(json!([{"target": "ex#Old"}])), "ex#Old": op, "ex#New": op}),
        json!({"ex#Svc": svc(json!([{"target": "ex#New"}])), "ex#Old": op, "ex#New": op}),
    );
    assert_eq!(
        found(&r, "AddedOperationBinding"),
        [(
            Note,
            "ex#Svc".into(),
            "operation `ex#New` bound to the service".into()
        )]
    );
    assert_eq!(
        found(&r, "RemovedOperationBinding"),
        [(
            Error,
            "ex#Svc".into(),
            "operation `ex#Old` no longer bound to the service".into()
        )]
    );
}

#[test]
fn operation_errors_added_and_removed_are_warnings() {
    let err = json!({"type": "structure", "members": {}, "traits": {"smithy.api#error": "client"}});
    let op = |errors: Value| json!({"type": "operation", "errors": errors});
    let r = diff2(
        json!({"ex#Op": op(json!([{"target": "ex#E1"}])), "ex#E1": err, "ex#E2": err}),
        json!({"ex#Op": op(json!([{"target": "ex#E2"}])), "ex#E1": err, "ex#E2": err}),
    );
    assert_eq!(
        found(&r, "AddedOperationError"),
        [(Warning, "ex#Op".into(), "error `ex#E2` added".into())]
    );
    assert_eq!(
        found(&r, "RemovedOperationError"),
        [(Warning, "ex#Op".into(), "error `ex#E1` removed".into())]
    );
}

#[test]
fn operation_input_and_output_changes() {
    let shapes = |input: &str, output: Option<&str>| {
        let mut op = json!({"type": "operation", "input": {"target": input}});
        if let Some(o) = output {
            op["output"] = json!({"target": o});
        }
        json!({"ex#Op": op,
               "ex#In1": structure(json!({})), "ex#In2": structure(json!({})),
               "ex#Out": structure(json!({"x": string_member()}))})
    };
    let r = diff2(shapes("ex#In1", None), shapes("ex#In2", Some("ex#Out")));
    assert_eq!(
        found(&r, "ChangedOperationInput"),
        [(
            Error,
            "ex#Op".into(),
            "input changed from `ex#In1` to `ex#In2`".into()
        )]
    );
    assert_eq!(
        found(&r, "ChangedOperationOutput"),
        [(
            Note,
            "ex#Op".into(),
            "output `ex#Out` added; none of its members is required".into()
        )]
    );
    let r = diff2(shapes("ex#In1", Some("ex#Out")), shapes("ex#In1", None));
    assert_eq!(severities(&r, "ChangedOperationOutput"), [Error]);
}

#[test]
fn changed_shape_type_except_enum_and_set_upgrades() {
    let enum_shape = json!({"type": "enum", "members": {"X": {"target": "smithy.api#Unit",
                            "traits": {"smithy.api#enumValue": "X"}}}});
    let string_enum =
        json!({"type": "string", "traits": {"smithy.api#enum": [{"value": "X", "name": "X"}]}});
    let list = |unique: bool| {
        let traits = if unique {
            json!({"smithy.api#uniqueItems": {}})
        } else {
            json!({})
        };
        json!({"type": "list", "member": {"target": "smithy.api#String"}, "traits": traits})
    };
    let set = json!({"type": "set", "member": {"target": "smithy.api#String"}});
    let r = diff2(
        json!({"ex#A": {"type": "string"}, "ex#E": string_enum, "ex#S": set, "ex#U": set,
               "ex#B": enum_shape}),
        json!({"ex#A": {"type": "integer"}, "ex#E": enum_shape, "ex#S": list(true),
               "ex#U": list(false), "ex#B": string_enum}),
    );
    let got: Vec<(Severity, String)> = r
        .changes
        .iter()
        .map(|c| (c.severity, c.shape.clone()))
        .collect();
    // A string `@enum` -> enum shape and a set -> list with `@uniqueItems` are the upgrades
    // Smithy 2.0 recommends; the way back, and a set losing its uniqueness, are type changes.
    assert_eq!(
        got,
        [
            (Error, "ex#A".into()),
            (Error, "ex#B".into()),
            (Error, "ex#B$X".into()),
            (Error, "ex#U".into()),
        ],
        "{:#?}",
        r.changes
    );
    assert_eq!(
        found(&r, "ChangedShapeType")[1].2,
        "type changed from enum to string (with the `@enum` trait)"
    );
}

#[test]
fn changed_member_target_compares_resolved_shapes_not_ids() {
    let holder = |target: &str| structure(json!({"m": {"target": target}}));
    let base = json!({
        "ex#Plain": {"type": "string"},
        "ex#Short": {"type": "string", "traits": {"smithy.api#length": {"max": 5}}},
        "ex#Tagged": {"type": "string", "traits": {"smithy.api#pattern": "^a$"}},
        "ex#Num": {"type": "integer"},
        "ex#S1": structure(json!({})), "ex#S2": structure(json!({}))
    });
    let with = |target: &str| {
        let mut v = base.clone();
        v["ex#H"] = holder(target);
        v
    };
    let check =
        |old: &str, new: &str| severities(&diff2(with(old), with(new)), "ChangedMemberTarget");
    // Compatible targets are a WARNING in smithy-diff, even an equivalent one; the trait
    // differences can only raise that (a new `@length` is ModifiedTrait's NOTE).
    assert_eq!(check("smithy.api#String", "ex#Plain"), [Warning]);
    assert_eq!(check("ex#Plain", "ex#Tagged"), [Warning]);
    assert_eq!(check("ex#Plain", "ex#Short"), [Warning]);
    assert_eq!(check("ex#Plain", "ex#Num"), [Error]);
    assert_eq!(check("ex#S1", "ex#S2"), [Error]);
    let r = diff2(with("smithy.api#String"), with("ex#Plain"));
    assert!(found(&r, "ChangedMemberTarget")[0]
        .2
        .contains("an equivalent string"));
}

#[test]
fn added_required_member_without_default_is_an_error() {
    let r = diff2(
        json!({"ex#A": structure(json!({"a": string_member()}))}),
        json!({"ex#A": structure(json!({
            "a": string_member(),
            "b": {"target": "smithy.api#String", "traits": {"smithy.api#required": {}}},
            "c": {"target": "smithy.api#Integer",
                  "traits": {"smithy.api#required": {}, "smithy.api#default": 1}}}))}),
    );
    assert_eq!(
        found(&r, "AddedRequiredMember"),
        [(
            Error,
            "ex#A$b".into(),
            "new member is @required without a @default".into()
        )]
    );
    assert_eq!(r.api.as_ref().unwrap().semver, Semver::Major);
}

#[test]
fn changed_nullability_follows_required_client_optional_and_input() {
    let req = json!({"smithy.api#required": {}});
    let m = |traits: Value| json!({"target": "smithy.api#String", "traits": traits});
    let s = |traits: Value| json!({"target": "ex#T", "traits": traits});
    let r = diff2(
        json!({"ex#A": structure(json!({"add": m(json!({})), "drop": m(req.clone()),
                                         "drop_struct": s(req.clone()), "opt": m(req.clone())})),
               "ex#T": structure(json!({}))}),
        json!({"ex#A": structure(json!({"add": m(req.clone()), "drop": m(json!({})),
                                         "drop_struct": s(json!({})),
                                         "opt": m(json!({"smithy.api#required": {},
                                                         "smithy.api#clientOptional": {}}))})),
               "ex#T": structure(json!({}))}),
    );
    let got: Vec<(Severity, String)> = found(&r, "ChangedNullability")
        .into_iter()
        .map(|(s, shape, _)| (s, shape))
        .collect();
    assert_eq!(
        got,
        [
            (Error, "ex#A$add".into()),
            (Error, "ex#A$drop".into()),
            (Error, "ex#A$opt".into()),
            (Warning, "ex#A$drop_struct".into()),
        ]
    );
    let input = |traits: Value| json!({"ex#I": {"type": "structure", "members": {"x": m(req.clone())}, "traits": traits}});
    let r = diff2(input(json!({})), input(json!({"smithy.api#input": {}})));
    assert_eq!(severities(&r, "ChangedNullability"), [Danger]);
}

#[test]
fn changed_default_removed_added_and_changed() {
    let int = |d: Option<Value>| match d {
        Some(d) => json!({"target": "smithy.api#Integer", "traits": {"smithy.api#default": d}}),
        None => json!({"target": "smithy.api#Integer"}),
    };
    let r = diff2(
        json!({"ex#A": structure(json!({"gone": int(Some(json!(0))), "new": int(None),
                                         "tweak": int(Some(json!(1))), "zero": int(Some(json!(0)))})),
               "ex#N": {"type": "integer"}}),
        json!({"ex#A": structure(json!({"gone": int(None), "new": int(Some(json!(0))),
                                         "tweak": int(Some(json!(2))), "zero": int(Some(json!(3)))})),
               "ex#N": {"type": "integer", "traits": {"smithy.api#default": 0}}}),
    );
    let got: Vec<(Severity, String)> = found(&r, "ChangedDefault")
        .into_iter()
        .map(|(s, shape, _)| (s, shape))
        .collect();
    assert_eq!(
        got,
        [
            (Error, "ex#A$gone".into()),
            (Error, "ex#A$new".into()),
            (Error, "ex#A$zero".into()),
            (Error, "ex#N".into()),
            (Danger, "ex#A$tweak".into()),
        ]
    );
    // The flip to nullable is ChangedDefault's to report; a default added to a member that
    // was not required is ChangedNullability's too.
    let nullability: Vec<(Severity, String)> = found(&r, "ChangedNullability")
        .into_iter()
        .map(|(s, shape, _)| (s, shape))
        .collect();
    assert_eq!(nullability, [(Error, "ex#A$new".into())]);
    // @addedDefault satisfies ChangedDefault, but an optional member still becomes
    // non-nullable: smithy-diff's ChangedNullability.AddedDefaultTrait, an ERROR.
    let r = diff2(
        json!({"ex#A": structure(json!({"x": int(None)}))}),
        json!({"ex#A": structure(json!({"x": {"target": "smithy.api#Integer",
            "traits": {"smithy.api#default": 0, "smithy.api#addedDefault": {}}}}))}),
    );
    assert!(found(&r, "ChangedDefault").is_empty());
    assert_eq!(severities(&r, "ChangedNullability"), [Error]);
    // Replacing @required by @default + @addedDefault is the sanctioned way.
    let r = diff2(
        json!({"ex#A": structure(json!({"x": {"target": "smithy.api#Integer",
            "traits": {"smithy.api#required": {}}}}))}),
        json!({"ex#A": structure(json!({"x": {"target": "smithy.api#Integer",
            "traits": {"smithy.api#default": 0, "smithy.api#addedDefault": {}}}}))}),
    );
    assert_eq!(r.max_severity(), None, "{:#?}", r.changes);
}

#[test]
fn changed_enum_appended_is_a_note_everything_else_an_error() {
    let e = |values: &[(&str, &str)]| {
        let members: serde_json::Map<String, Value> = values
            .iter()
            .map(|(name, value)| {
                let m =
                    json!({"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": value}});
                (name.to_string(), m)
            })
            .collect();
        json!({"ex#E": {"type": "enum", "members": members}})
    };
    let check = |old: &[(&str, &str)], new: &[(&str, &str)]| {
        found(&diff2(e(old), e(new)), "ChangedEnumTrait")
            .into_iter()
            .map(|(s, _, m)| (s, m))
            .collect::<Vec<_>>()
    };
    let ab = [("A", "a"), ("B", "b")];
    assert_eq!(
        check(&ab, &[("A", "a"), ("B", "b"), ("C", "c")]),
        [(Note, "value `c` appended".into())]
    );
    assert_eq!(
        check(&ab, &[("A", "a")]),
        [(Error, "value `b` removed".into())]
    );
    assert_eq!(
        check(&ab, &[("A", "a"), ("Bee", "b")]),
        [(Error, "value `b` renamed from `B` to `Bee`".into())]
    );
    assert_eq!(
        check(&ab, &[("A", "a"), ("C", "c"), ("B", "b")]),
        [(Error, "value `c` inserted before existing values".into())]
    );
    // smithy-diff's ChangedEnumTrait does not look at the order of existing values.
    assert_eq!(check(&ab, &[("B", "b"), ("A", "a")]), []);
}

#[test]
fn changed_length_and_range_stricter_is_an_error_looser_is_modified_trait() {
    let s = |traits: Value| {
        json!({"ex#S": {"type": "string", "traits": traits},
                                   "ex#N": {"type": "integer", "traits": traits.get("r").cloned()
                                       .map(|r| json!({"smithy.api#range": r})).unwrap_or(json!({}))}})
    };
    let len = |l: Value| s(json!({"smithy.api#length": l}));
    assert_eq!(
        found(
            &diff2(
                len(json!({"min": 1, "max": 10})),
                len(json!({"min": 2, "max": 8}))
            ),
            "ChangedLengthTrait"
        )
        .into_iter()
        .map(|c| (c.0, c.2))
        .collect::<Vec<_>>(),
        [
            (Error, "@length max lowered from 10 to 8".into()),
            (Error, "@length min raised from 1 to 2".into()),
        ]
    );
    // Looser is ModifiedTrait's NOTE; so is adding the trait (ChangedLengthTrait only compares
    // two values).
    let looser = diff2(len(json!({"max": 10})), len(json!({"max": 20})));
    assert_eq!(severities(&looser, "ChangedLengthTrait"), []);
    assert_eq!(severities(&looser, "ModifiedTrait"), [Note]);
    let added = diff2(s(json!({})), len(json!({"max": 3})));
    assert_eq!(severities(&added, "ChangedLengthTrait"), []);
    assert_eq!(severities(&added, "ModifiedTrait"), [Note]);
    let range = |r: Value| s(json!({"r": r}));
    assert_eq!(
        severities(
            &diff2(
                range(json!({"min": 1, "max": 50})),
                range(json!({"min": 1, "max": 100}))
            ),
            "ChangedRangeTrait"
        ),
        []
    );
    assert_eq!(
        severities(
            &diff2(range(json!({"min": 5})), range(json!({"min": 6}))),
            "ChangedRangeTrait"
        ),
        [Error]
    );
}

#[test]
fn changed_member_order_is_dangerous_appending_is_not() {
    let a = |names: &[&str]| {
        let members: serde_json::Map<String, Value> = names
            .iter()
            .map(|n| (n.to_string(), string_member()))
            .collect();
        json!({"ex#A": {"type": "structure", "members": members}})
    };
    assert_eq!(
        severities(
            &diff2(a(&["x", "y"]), a(&["x", "y", "z"])),
            "ChangedMemberOrder"
        ),
        []
    );
    assert_eq!(
        found(
            &diff2(a(&["x", "y"]), a(&["x", "z", "y"])),
            "ChangedMemberOrder"
        ),
        [(
            Danger,
            "ex#A".into(),
            "members reordered or inserted before existing ones: position 2 was `y`, is now `z`"
                .into()
        )]
    );
    assert_eq!(
        severities(&diff2(a(&["x", "y"]), a(&["y", "x"])), "ChangedMemberOrder"),
        [Danger]
    );
}

/// `(evaluator, severity)` of the changes a trait change on a plain structure gives.
fn trait_change(id: &str, old: Option<Value>, new: Option<Value>) -> Vec<(&'static str, Severity)> {
    let shape = |v: Option<Value>| {
        let mut traits = json!({});
        if let Some(v) = v {
            traits[id] = v;
        }
        json!({"ex#T": {"type": "structure", "members": {}, "traits": traits}})
    };
    let found = diff::model_changes(&v2(shape(old)), &v2(shape(new))).expect("diff");
    found
        .changes
        .iter()
        .map(|c| (c.evaluator, c.severity))
        .collect()
}

#[test]
fn trait_changes_follow_smithy_diff_breaking_change_rules_and_defaults() {
    let tbc = "TraitBreakingChange";
    let mt = "ModifiedTrait";
    let some = |v: Value| Some(v);
    let m = || some(json!({}));
    let http = |code: Option<i64>| {
        let mut v = json!({"method": "POST", "uri": "/a"});
        if let Some(c) = code {
            v["code"] = json!(c);
        }
        some(v)
    };
    let pag = |extra: Value| {
        let mut v = json!({"inputToken": "next", "outputToken": "next"});
        for (k, x) in extra.as_object().cloned().unwrap_or_default() {
            v[k] = x;
        }
        some(v)
    };
    #[allow(clippy::type_complexity)]
    let table: Vec<(&str, Option<Value>, Option<Value>, Vec<(&str, Severity)>)> = vec![
        // Removing these breaks callers; adding them is free (no rule fires).
        ("smithy.api#retryable", m(), None, vec![(tbc, Error)]),
        ("smithy.api#retryable", None, m(), vec![]),
        ("smithy.api#readonly", m(), None, vec![(tbc, Error)]),
        ("smithy.api#readonly", None, m(), vec![]),
        ("smithy.api#idempotent", None, m(), vec![]),
        ("smithy.api#cors", m(), None, vec![(tbc, Error)]),
        // Wire traits: any change.
        (
            "smithy.api#jsonName",
            some(json!("a")),
            some(json!("b")),
            vec![(tbc, Error)],
        ),
        (
            "smithy.api#httpError",
            some(json!(400)),
            some(json!(404)),
            vec![(tbc, Error)],
        ),
        (
            "smithy.api#timestampFormat",
            None,
            some(json!("epoch-seconds")),
            vec![(tbc, Error)],
        ),
        ("smithy.api#input", m(), None, vec![(tbc, Error)]),
        ("smithy.api#input", None, m(), vec![(tbc, Error)]),
        (
            "smithy.api#pattern",
            None,
            some(json!("^a$")),
            vec![(tbc, Warning)],
        ),
        (
            "smithy.api#pattern",
            some(json!("^a$")),
            some(json!("^b$")),
            vec![(tbc, Note)],
        ),
        ("smithy.api#pattern", some(json!("^a$")), None, vec![]),
        ("smithy.api#uniqueItems", m(), None, vec![(tbc, Warning)]),
        // @http: an implicit and an explicit 200 are equal; once the values differ they
        // compare as written (an explicit 200 changed is an update, an implicit one an add).
        ("smithy.api#http", http(None), http(Some(200)), vec![]),
        ("smithy.api#http", http(Some(200)), http(None), vec![]),
        (
            "smithy.api#http",
            http(None),
            http(Some(201)),
            vec![(tbc, Danger)],
        ),
        (
            "smithy.api#http",
            http(Some(200)),
            http(Some(201)),
            vec![(tbc, Error)],
        ),
        (
            "smithy.api#http",
            http(Some(204)),
            http(None),
            vec![(tbc, Danger)],
        ),
        (
            "smithy.api#http",
            http(Some(204)),
            http(Some(201)),
            vec![(tbc, Error)],
        ),
        (
            "smithy.api#http",
            http(None),
            some(json!({"method": "GET", "uri": "/a"})),
            vec![(tbc, Error)],
        ),
        // @paginated: per property.
        (
            "smithy.api#paginated",
            pag(json!({})),
            pag(json!({"items": "xs"})),
            vec![(tbc, Note)],
        ),
        (
            "smithy.api#paginated",
            pag(json!({"items": "xs"})),
            pag(json!({})),
            vec![(tbc, Error)],
        ),
        (
            "smithy.api#paginated",
            pag(json!({})),
            pag(json!({"pageSize": "n"})),
            vec![],
        ),
        (
            "smithy.api#paginated",
            pag(json!({"pageSize": "n"})),
            pag(json!({})),
            vec![(tbc, Error)],
        ),
        (
            "smithy.api#paginated",
            pag(json!({})),
            None,
            vec![(tbc, Error)],
        ),
        // Legacy tags: enumValue is diff.error.const.
        (
            "smithy.api#enumValue",
            some(json!("a")),
            some(json!("b")),
            vec![(mt, Error)],
        ),
        // Traits without rules: added NOTE, changed NOTE, removed WARNING.
        ("smithy.api#sensitive", None, m(), vec![(mt, Note)]),
        ("smithy.api#sensitive", m(), None, vec![(mt, Warning)]),
        ("smithy.api#deprecated", None, m(), vec![(mt, Note)]),
        ("aws.protocols#restJson1", m(), None, vec![(mt, Warning)]),
        (
            "smithy.api#length",
            some(json!({"max": 3})),
            None,
            vec![(mt, Warning)],
        ),
        // A trait defined nowhere: any change is a WARNING.
        ("custom.ns#flag", None, m(), vec![(mt, Warning)]),
    ];
    for (id, old, new, want) in table {
        let got = trait_change(id, old.clone(), new.clone());
        assert_eq!(got, want, "{id}: {old:?} -> {new:?}");
    }
}

#[test]
fn a_trait_defined_in_the_model_brings_its_breaking_change_rules() {
    let with = |flag: Option<Value>| {
        let mut t = json!({});
        if let Some(f) = flag {
            t["ex#flag"] = f;
        }
        json!({
            "ex#flag": {"type": "structure", "members": {"level": {"target": "smithy.api#String"}},
                        "traits": {"smithy.api#trait": {"breakingChanges": [
                            {"change": "remove"},
                            {"path": "/level", "change": "update", "severity": "DANGER"}]}}},
            "ex#T": {"type": "structure", "members": {}, "traits": t}
        })
    };
    let run = |a: Option<Value>, b: Option<Value>| {
        diff::model_changes(&v2(with(a)), &v2(with(b)))
            .unwrap()
            .changes
            .iter()
            .filter(|c| c.shape == "ex#T")
            .map(|c| (c.evaluator, c.severity))
            .collect::<Vec<_>>()
    };
    let lvl = |l: &str| Some(json!({"level": l}));
    assert_eq!(run(lvl("a"), None), [("TraitBreakingChange", Error)]);
    assert_eq!(run(lvl("a"), lvl("b")), [("TraitBreakingChange", Danger)]);
    assert_eq!(run(None, lvl("a")), []);
}

#[test]
fn long_trait_values_show_where_they_differ() {
    let rules = |url: &str| {
        json!({"version": "1.0", "parameters": {"Region": {"type": "String"}},
               "rules": [{"conditions": [], "type": "endpoint",
                          "endpoint": {"url": url, "properties": {}, "headers": {}}}]})
    };
    let tests = |n: usize| {
        json!({"version": "1.0", "testCases": (0..n).map(|i| json!({"documentation": format!("case {i}"),
        "expect": {"endpoint": {"url": "https://example.com"}}, "params": {"Region": "us-east-1"}})).collect::<Vec<_>>()})
    };
    let change = |id: &str, a: Value, b: Value| {
        let shape =
            |v: Value| json!({"ex#T": {"type": "structure", "members": {}, "traits": {id: v}}});
        diff::model_changes(&v2(shape(a)), &v2(shape(b)))
            .unwrap()
            .changes[0]
            .message
            .clone()
    };
    let msg = change(
        "smithy.rules#endpointRuleSet",
        rules("https://ivs.{Region}.amazonaws.com"),
        rules("https://ivs.{Region}.api.as_ref().unwrap().aws"),
    );
    assert!(
        msg.contains(
            "/rules/0/endpoint/url: ...\"s.{Region}.amazonaws.com\" -> ...\"s.{Region}.api.as_ref().unwrap().aws\""
        ),
        "{msg}"
    );
    let msg = change("smithy.rules#endpointTests", tests(3), tests(5));
    assert!(msg.contains("3 test cases -> 5"), "{msg}");
}

#[test]
fn metadata_added_removed_and_changed() {
    let with_meta = |meta: Value| {
        let text = json!({"smithy": "2.0", "metadata": meta,
                          "shapes": {"ex#Svc": {"type": "service", "version": "1"}}});
        Model::from_json(&text.to_string()).unwrap()
    };
    let r = diff::diff(
        &with_meta(json!({"gone": 1, "same": 2, "moved": 3, "suppressions": []})),
        &with_meta(json!({"same": 2, "moved": 4, "fresh": 5})),
    )
    .unwrap();
    let got: Vec<(Severity, String, &str)> = r
        .changes
        .iter()
        .map(|c| (c.severity, c.shape.clone(), c.evaluator))
        .collect();
    assert_eq!(
        got,
        [
            (Danger, "metadata `gone`".into(), "RemovedMetadata"),
            (Danger, "metadata `suppressions`".into(), "RemovedMetadata"),
            (Warning, "metadata `moved`".into(), "ChangedMetadata"),
            (Note, "metadata `fresh`".into(), "AddedMetadata"),
        ]
    );
}

#[test]
fn documentation_changes_are_counted_apart() {
    let doc = |text: &str| {
        json!({"ex#A": {"type": "structure", "traits": {"smithy.api#documentation": text},
        "members": {"a": {"target": "smithy.api#String", "traits": {"smithy.api#documentation": text}}}}})
    };
    let r = diff2(doc("old"), doc("new"));
    assert!(r.changes.is_empty(), "{:#?}", r.changes);
    assert_eq!(r.docs.len(), 2);
    let quiet = render(&r, RenderOptions::default());
    assert!(
        quiet.contains("2 documentation change(s) (--docs lists them)"),
        "{quiet}"
    );
    assert!(!quiet.contains("ex#A$a changed"));
    let loud = render(
        &r,
        RenderOptions {
            docs: true,
            ..Default::default()
        },
    );
    assert!(
        loud.contains("  ex#A$a changed smithy.api#documentation"),
        "{loud}"
    );
    assert_eq!(r.api.as_ref().unwrap().semver, Semver::Patch);
}

// ---------------------------------------------------------------------------------------------
// Normalization, semver, input errors, formats

#[test]
fn smithy_1_to_2_conversion_of_the_same_api_is_not_breaking() {
    let old = diff::load_model(&fixture("conversion-v1.json")).unwrap();
    let new = diff::load_model(&fixture("conversion-v2.json")).unwrap();
    let r = diff::diff(&old, &new).unwrap();
    // Only the new local `Name` string (replacing the prelude String) shows: an added shape,
    // and a member target that smithy-diff calls compatible (a WARNING).
    let got: Vec<(Severity, String, &str)> = r
        .changes
        .iter()
        .map(|c| (c.severity, c.shape.clone(), c.evaluator))
        .collect();
    assert_eq!(
        got,
        [
            (
                Warning,
                "ex.conv#GetThingRequest$name".into(),
                "ChangedMemberTarget"
            ),
            (Note, "ex.conv#Name".into(), "AddedShape"),
        ]
    );
    assert!(r.docs.is_empty(), "{:?}", r.docs);
    assert_eq!(
        r.api.as_ref().unwrap().semver,
        Semver::Patch,
        "{:#?}",
        r.api
    );
    // The way back is not an upgrade: smithy-diff calls an enum shape turned into a string
    // with `@enum`, and a list turned into a set, type changes.
    let back = diff::diff(&new, &old).unwrap();
    let errors: Vec<(&str, &str)> = back
        .changes_of(Error)
        .map(|c| (c.shape.as_str(), c.evaluator))
        .collect();
    assert_eq!(
        errors,
        [
            ("ex.conv#Kind", "ChangedShapeType"),
            ("ex.conv#Kind$Alpha", "RemovedShape"),
            ("ex.conv#Kind$Beta", "RemovedShape"),
            ("ex.conv#TagSet", "ChangedShapeType"),
        ]
    );
    assert!(back
        .changes
        .iter()
        .all(|c| c.severity == Error || c.shape.ends_with("#Name") || c.shape.ends_with("$name")));
}

#[test]
fn semver_verdicts() {
    let base = json!({"ex#Op": {"type": "operation", "input": {"target": "ex#In"}},
                      "ex#In": structure(json!({"a": string_member()}))});
    let same = diff2(base.clone(), base.clone());
    assert_eq!(same.api.as_ref().unwrap().semver, Semver::Patch);
    assert!(same.changes.is_empty());
    let mut optional = base.clone();
    optional["ex#In"] = structure(json!({"a": string_member(), "b": string_member()}));
    let minor = diff2(base.clone(), optional.clone());
    assert_eq!(minor.api.as_ref().unwrap().semver, Semver::Minor);
    assert!(minor
        .api
        .as_ref()
        .unwrap()
        .added
        .iter()
        .any(|l| l.contains("OpFluentBuilder::b(self, ")));
    let major = diff2(optional, base);
    assert_eq!(major.api.as_ref().unwrap().semver, Semver::Major);
    assert!(major
        .api
        .as_ref()
        .unwrap()
        .removed
        .iter()
        .any(|l| l.contains("OpFluentBuilder::b(")));
}

#[test]
fn a_wire_only_break_is_its_own_verdict() {
    let with = |member_traits: Value| {
        json!({"ex#Op": {"type": "operation", "input": {"target": "ex#In"}},
               "ex#In": structure(json!({"a": {"target": "smithy.api#String",
                                               "traits": member_traits}}))})
    };
    let r = diff2(with(json!({})), with(json!({"smithy.api#jsonName": "A"})));
    let api = r.api.as_ref().unwrap();
    // The Rust API is untouched (no item changes), and the report says so.
    assert!(api.removed.is_empty() && api.changed.is_empty() && api.added.is_empty());
    assert_eq!(api.semver, Semver::Wire);
    assert_eq!(api.wire_breaks, ["ex#In$a"]);
    let out = text(&r);
    assert!(
        out.contains("`smithy.api#jsonName` with value \"A\" (wire break: callers' code compiles, requests or responses change meaning)"),
        "{out}"
    );
    assert!(out.contains("Semver: wire (1 wire break"), "{out}");
    assert_eq!(r.wire_breaks().count(), 1);
    // A change that only loosens the wire (a pattern, a new error) is no wire break.
    let r = diff2(with(json!({})), with(json!({"smithy.api#pattern": "^a$"})));
    assert_eq!(r.wire_breaks().count(), 0);
}

#[test]
fn appended_enum_values_change_the_derived_ord() {
    let e = |values: &[&str]| {
        let members: serde_json::Map<String, Value> = values
            .iter()
            .map(|v| {
                let m = json!({"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": v}});
                (v.to_string(), m)
            })
            .collect();
        json!({"ex#Op": {"type": "operation", "input": {"target": "ex#In"}},
               "ex#In": structure(json!({"e": {"target": "ex#E"}})),
               "ex#E": {"type": "enum", "members": members}})
    };
    let r = diff2(e(&["A", "B"]), e(&["A", "B", "C"]));
    let api = r.api.as_ref().unwrap();
    assert_eq!(
        api.ordering,
        ["types::E: derived `Ord` changes: `C` (values that were `Unknown` and sorted last) now sort before `Unknown`"]
    );
    assert!(text(&r).contains("  ! types::E: derived `Ord` changes"));
    let r = diff2(e(&["A", "B"]), e(&["B", "A"]));
    assert!(r.api.as_ref().unwrap().ordering[0].ends_with("existing variants are reordered"));
    let r = diff2(e(&["A", "B"]), e(&["A", "B"]));
    assert!(r.api.as_ref().unwrap().ordering.is_empty());
}

#[test]
fn a_model_that_cannot_be_generated_still_gets_its_findings() {
    let old = v2(
        json!({"ex#Op": {"type": "operation", "input": {"target": "ex#In"}},
                        "ex#In": structure(json!({"a": string_member()}))}),
    );
    // No @http on the operation: the generator refuses it.
    let text_new = json!({"smithy": "2.0", "shapes": {
        "ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}]},
        "ex#Op": {"type": "operation", "input": {"target": "ex#In"}},
        "ex#In": structure(json!({}))}})
    .to_string();
    let new = Model::from_json(&text_new).unwrap();
    let r = diff::diff(&old, &new).expect("the model findings do not need the generator");
    assert!(has(&r, Error, "ex#In$a", "RemovedShape"));
    let why = r.api.as_ref().unwrap_err();
    assert!(
        why.starts_with("the new model cannot be generated: "),
        "{why}"
    );
    let out = text(&r);
    assert!(out.contains("ex#In$a [RemovedShape]"), "{out}");
    assert!(
        out.contains("Rust API impact: not available: the new model cannot be generated"),
        "{out}"
    );
    assert!(out.contains("Semver: unknown"), "{out}");
    let json_out: Value = serde_json::from_str(&render(
        &r,
        RenderOptions {
            format: Format::Json,
            ..Default::default()
        },
    ))
    .unwrap();
    assert!(json_out["api"].is_null() && json_out["semver"].is_null());
    assert!(json_out["api_error"]
        .as_str()
        .unwrap()
        .contains("cannot be generated"));
    let md = render(
        &r,
        RenderOptions {
            format: Format::Markdown,
            ..Default::default()
        },
    );
    assert!(
        md.contains("Not available: the new model cannot be generated"),
        "{md}"
    );
}

#[test]
fn added_api_items_fold_into_counts_per_module_unless_verbose() {
    let r = ivs("history/ivs-2021-11.json", "history/ivs-2022-01.json");
    let added = r.api.as_ref().unwrap().added.len();
    let folded = text(&r);
    assert!(
        !folded.lines().any(|l| l.starts_with("  + fn ")),
        "{folded}"
    );
    let counted: usize = folded
        .lines()
        .filter_map(|l| l.strip_prefix("  + "))
        .filter_map(|l| l.split_once(" item(s) added in "))
        .map(|(n, _)| n.parse::<usize>().unwrap())
        .sum();
    assert_eq!(counted, added);
    let verbose = render(
        &r,
        RenderOptions {
            verbose: true,
            ..Default::default()
        },
    );
    assert_eq!(
        verbose.lines().filter(|l| l.starts_with("  + ")).count(),
        added
    );
}

#[test]
fn bad_input_names_the_file() {
    let err = diff::load_model(&fixture("does-not-exist.json"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("cannot read model `") && err.contains("does-not-exist.json"),
        "{err}"
    );
    let err = diff::load_model(&fixture("invalid.json"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("invalid.json") && err.contains("line 4, column 35"),
        "{err}"
    );
    let err = diff::load_model(&fixture("no-service.json"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no-service.json") && err.contains("has no service shape"),
        "{err}"
    );
    let err = diff::load_model(&fixture("two-services.json"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("two-services.json") && err.contains("2 service shapes"),
        "{err}"
    );
}

#[test]
fn json_and_markdown_formats() {
    let r = diff2(
        json!({"ex#A": structure(json!({"a": string_member()}))}),
        json!({"ex#A": structure(json!({}))}),
    );
    let out = render(
        &r,
        RenderOptions {
            format: Format::Json,
            docs: false,
            verbose: false,
        },
    );
    let v: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["summary"]["ERROR"], 1);
    assert_eq!(v["changes"][0]["evaluator"], "RemovedShape");
    assert_eq!(v["changes"][0]["severity"], "ERROR");
    assert_eq!(v["semver"], "patch");
    assert!(v.get("documentation").is_none());
    let md = render(
        &r,
        RenderOptions {
            format: Format::Markdown,
            docs: false,
            verbose: false,
        },
    );
    assert!(
        md.contains("| ERROR | 1 |") && md.contains("### ERROR (1)"),
        "{md}"
    );
    assert!(r.has_at_least(Error) && r.has_at_least(Note));
    assert!(!diff2(json!({}), json!({})).has_at_least(Note));
}

// ---------------------------------------------------------------------------------------------
// The IVS history

fn ivs(old: &str, new: &str) -> DiffReport {
    let path = |f: &str| model_dir().join(f);
    let a = diff::load_model(&path(old)).unwrap_or_else(|e| panic!("{e}"));
    let b = diff::load_model(&path(new)).unwrap_or_else(|e| panic!("{e}"));
    let mut r = diff::diff(&a, &b).unwrap();
    r.old.label = old.rsplit('/').next().unwrap_or(old).to_owned();
    r.new.label = new.rsplit('/').next().unwrap_or(new).to_owned();
    r
}

fn text(r: &DiffReport) -> String {
    render(r, RenderOptions::default())
}

fn has(r: &DiffReport, severity: Severity, shape: &str, evaluator: &str) -> bool {
    r.changes
        .iter()
        .any(|c| c.severity == severity && c.shape == shape && c.evaluator == evaluator)
}

const IVS: &str = "com.amazonaws.ivs#";

#[test]
fn ivs_2021_06_to_2021_10() {
    let r = ivs("history/ivs-2021-06.json", "history/ivs-2021-10.json");
    insta::assert_snapshot!("ivs_2021_06_to_2021_10", text(&r));
    // ListTagsForResource lost its pagination: the trait and the three token/size members.
    let ltfr = format!("{IVS}ListTagsForResource");
    assert!(has(&r, Error, &ltfr, "TraitBreakingChange"));
    for m in [
        "Request$nextToken",
        "Request$maxResults",
        "Response$nextToken",
    ] {
        assert!(has(&r, Error, &format!("{ltfr}{m}"), "RemovedShape"), "{m}");
    }
    // The two shapes only those members used went with them.
    assert!(has(
        &r,
        Warning,
        &format!("{IVS}MaxTagResults"),
        "RemovedShape"
    ));
    assert!(has(&r, Warning, &format!("{IVS}String"), "RemovedShape"));
    // Thirteen operations became @readonly (and UntagResource @idempotent): adding either is
    // no change smithy-diff reports (only removing them is).
    assert!(!r
        .changes
        .iter()
        .any(|c| c.message.contains("smithy.api#readonly")));
    // The dropped `suppressions` metadata is RemovedMetadata's DANGER.
    assert_eq!((r.count(Error), r.count(Danger)), (4, 1));
    assert_eq!(r.api.as_ref().unwrap().semver, Semver::Major);
    // Only ListTagsForResource's pagination leaves the Rust API: its token and page-size
    // members (fields, getters, setters) and its paginator.
    assert!(!r.api.as_ref().unwrap().removed.is_empty());
    assert!(
        r.api
            .as_ref()
            .unwrap()
            .removed
            .iter()
            .all(|l| l.contains("list_tags_for_resource")),
        "{:#?}",
        r.api.as_ref().unwrap().removed
    );
    for item in [
        "::next_token(",
        "::max_results(",
        "::into_paginator(",
        "ListTagsForResourcePaginator",
    ] {
        assert!(
            r.api
                .as_ref()
                .unwrap()
                .removed
                .iter()
                .any(|l| l.contains(item)),
            "{item} not removed"
        );
    }
}

#[test]
fn ivs_2021_10_to_2021_11() {
    let r = ivs("history/ivs-2021-10.json", "history/ivs-2021-11.json");
    insta::assert_snapshot!("ivs_2021_10_to_2021_11", text(&r));
    let svc = format!("{IVS}AmazonInteractiveVideoService");
    let bound: Vec<String> = found(&r, "AddedOperationBinding")
        .into_iter()
        .map(|c| c.2)
        .collect();
    assert_eq!(
        bound,
        [
            format!("operation `{IVS}GetStreamSession` bound to the service"),
            format!("operation `{IVS}ListStreamSessions` bound to the service"),
        ]
    );
    assert!(has(&r, Note, &svc, "AddedOperationBinding"));
    // `streamId` went in second place in Stream and StreamSummary, `filterBy` first in
    // ListStreamsRequest: smithy-diff calls member insertions before the end dangerous.
    for s in ["Stream", "StreamSummary", "ListStreamsRequest"] {
        assert!(
            has(&r, Danger, &format!("{IVS}{s}"), "ChangedMemberOrder"),
            "{s}"
        );
    }
    assert_eq!(r.count(Error), 0);
    assert_eq!(r.api.as_ref().unwrap().semver, Semver::Minor);
}

#[test]
fn ivs_2021_11_to_2022_01() {
    let r = ivs("history/ivs-2021-11.json", "history/ivs-2022-01.json");
    insta::assert_snapshot!("ivs_2021_11_to_2022_01", text(&r));
    assert_eq!(
        found(&r, "AddedOperationError"),
        [(
            Warning,
            format!("{IVS}ListStreams"),
            format!("error `{IVS}ValidationException` added")
        )]
    );
    for s in [
        "CreateRecordingConfigurationRequest",
        "RecordingConfiguration",
    ] {
        assert!(has(
            &r,
            Note,
            &format!("{IVS}{s}$thumbnailConfiguration"),
            "AddedShape"
        ));
    }
    assert_eq!(r.max_severity(), Some(Warning));
    assert_eq!(r.api.as_ref().unwrap().semver, Semver::Minor);
}

#[test]
fn ivs_2022_01_to_2023_03_idl_conversion_is_not_noise() {
    let r = ivs("history/ivs-2022-01.json", "history/ivs-2023-03.json");
    insta::assert_snapshot!("ivs_2022_01_to_2023_03", text(&r));
    assert_eq!((r.old.idl, r.new.idl), ("1.0", "2.0"));
    // The 2.0 file spells 34 @default traits, drops `code: 200` from every @http and turns no
    // enum or set: none of that is a change. What is left is what really changed: the worst
    // is a `@pattern` added to PaginationToken (smithy-diff: WARNING).
    assert_eq!(r.max_severity(), Some(Warning), "{:#?}", r.changes);
    assert_eq!(
        r.changes_of(Warning)
            .map(|c| (c.shape.as_str(), c.evaluator))
            .collect::<Vec<_>>(),
        [("com.amazonaws.ivs#PaginationToken", "TraitBreakingChange")]
    );
    for c in &r.changes {
        assert!(
            !matches!(
                c.evaluator,
                "ChangedDefault" | "ChangedNullability" | "ChangedShapeType"
            ),
            "{c:?}"
        );
        assert!(!c.message.contains("@http"), "{c:?}");
    }
    // Really changed: the new recordingReconnectWindowSeconds member, page sizes raised from 50
    // to 100, a pattern on PaginationToken, endpoint rules on the service.
    for s in [
        "CreateRecordingConfigurationRequest",
        "RecordingConfiguration",
    ] {
        assert!(has(
            &r,
            Note,
            &format!("{IVS}{s}$recordingReconnectWindowSeconds"),
            "AddedShape"
        ));
    }
    // Loosened ranges: ModifiedTrait's NOTE (ChangedRangeTrait only reports stricter ones).
    let loosened: Vec<String> = found(&r, "ModifiedTrait")
        .into_iter()
        .filter(|c| c.2.contains("smithy.api#range"))
        .map(|c| c.1)
        .collect();
    assert_eq!(
        loosened,
        [
            "MaxChannelResults",
            "MaxPlaybackKeyPairResults",
            "MaxRecordingConfigurationResults",
            "MaxStreamResults"
        ]
        .map(|s| format!("{IVS}{s}"))
    );
    assert!(
        r.api.as_ref().unwrap().removed.is_empty() && r.api.as_ref().unwrap().changed.is_empty(),
        "{:#?}",
        r.api
    );
    assert_eq!(r.api.as_ref().unwrap().semver, Semver::Minor);
}

#[test]
fn ivs_2023_03_to_latest() {
    let r = ivs("history/ivs-2023-03.json", "ivs.json");
    insta::assert_snapshot!("ivs_2023_03_to_latest", text(&r));
    // Seven operations were added and bound to the service.
    let added_ops: Vec<String> = r
        .changes
        .iter()
        .filter(|c| c.evaluator == "AddedShape" && c.message == "added operation")
        .map(|c| c.shape.trim_start_matches(IVS).to_owned())
        .collect();
    assert_eq!(
        added_ops,
        [
            "BatchStartViewerSessionRevocation",
            "CreatePlaybackRestrictionPolicy",
            "DeletePlaybackRestrictionPolicy",
            "GetPlaybackRestrictionPolicy",
            "ListPlaybackRestrictionPolicies",
            "StartViewerSessionRevocation",
            "UpdatePlaybackRestrictionPolicy",
        ]
    );
    assert_eq!(found(&r, "AddedOperationBinding").len(), 7);
    // ChannelType went from a string @enum to an enum shape and gained two values at the end.
    let channel_type = found(&r, "ChangedEnumTrait");
    assert_eq!(
        channel_type,
        [
            (
                Note,
                format!("{IVS}ChannelType"),
                "value `ADVANCED_HD` appended".into()
            ),
            (
                Note,
                format!("{IVS}ChannelType"),
                "value `ADVANCED_SD` appended".into()
            ),
        ]
    );
    // maxResults of the six List* inputs lost @default(0): they become nullable.
    for op in [
        "ListChannels",
        "ListPlaybackKeyPairs",
        "ListRecordingConfigurations",
        "ListStreamKeys",
        "ListStreamSessions",
        "ListStreams",
    ] {
        assert!(
            has(
                &r,
                Error,
                &format!("{IVS}{op}Request$maxResults"),
                "ChangedDefault"
            ),
            "{op}"
        );
    }
    // DeleteRecordingConfiguration and PutMetadata now answer 204: a code where there was the
    // default 200 is DANGER in smithy-diff.
    for op in ["DeleteRecordingConfiguration", "PutMetadata"] {
        assert!(
            has(&r, Danger, &format!("{IVS}{op}"), "TraitBreakingChange"),
            "{op}"
        );
    }
    assert!(has(
        &r,
        Danger,
        &format!("{IVS}ListChannelsRequest"),
        "ChangedMemberOrder"
    ));
    assert!(has(
        &r,
        Danger,
        &format!("{IVS}StreamSession"),
        "ChangedMemberOrder"
    ));
    assert_eq!(
        (
            r.count(Error),
            r.count(Danger),
            r.count(Warning),
            r.count(Note)
        ),
        (13, 4, 0, 107)
    );
    // ThumbnailConfiguration.targetIntervalSeconds lost its default: its getter changes type.
    // Its field and its getter: both now `Option<i64>`.
    assert_eq!(
        r.api.as_ref().unwrap().changed.len(),
        2,
        "{:#?}",
        r.api.as_ref().unwrap().changed
    );
    assert!(r.api.as_ref().unwrap().changed.iter().all(|c| c
        .old
        .contains("ThumbnailConfiguration::target_interval_seconds")
        && c.new.ends_with("-> Option<i64>")));
    assert!(r.api.as_ref().unwrap().removed.is_empty());
    assert_eq!(r.api.as_ref().unwrap().semver, Semver::Major);
}
