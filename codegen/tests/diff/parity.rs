//! Parity with smithy-diff, case by case. Every file of `../shared/diff-tests/cases/` is one
//! model update made from `model/ivs.json` by a named change, with the events smithy-diff
//! reports for it. Per case, our evaluators and smithy-diff must agree on:
//!
//! - the highest severity of the non-documentation events (none when there are none), and
//! - the set of `(shape, severity)` of those events, where the events of one shape fold into
//!   the worst of them: smithy-diff reports some changes twice (`ChangedLengthTrait` ERROR and
//!   `ModifiedTrait` NOTE on one `@length`; `ChangedNullability` and the trait event on one
//!   member), so one change per shape is what both sides can be held to.
//!
//! Documentation events are those on `documentation`, `externalDocumentation` and `examples`
//! (we count them apart, never grade them). smithy-diff names metadata events' shape `-`.
//!
//! A case may differ only when README.md lists it, with the reason, in the table under
//! "Where the diff differs from smithy-diff"; a listed case that agrees fails too (the list
//! must stay true).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use codegen::diff::{self, Severity};
use codegen::model::Model;
use serde_json::{Map, Value};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cases_dir() -> PathBuf {
    repo_root().join("../shared/diff-tests/cases")
}

/// `ivs.json` with a case's `shapes` and `top` replacements applied.
fn apply(base: &Value, side: &Value, case: &str, new_members_first: bool) -> Model {
    let mut doc = base.clone();
    let root = doc.as_object_mut().expect("ivs.json is an object");
    let patch = |target: &mut Map<String, Value>, changes: Option<&Value>| {
        for (k, v) in changes.and_then(Value::as_object).into_iter().flatten() {
            if v.is_null() {
                target.remove(k);
            } else {
                target.insert(k.clone(), v.clone());
            }
        }
    };
    patch(root, side.get("top"));
    let shapes = root
        .get_mut("shapes")
        .and_then(Value::as_object_mut)
        .expect("ivs.json has shapes");
    patch(shapes, side.get("shapes"));
    restore_member_order(base, shapes, new_members_first);
    Model::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("case {case}: model: {e}"))
}

/// The case files store JSON objects with their keys sorted, which loses the members' order
/// (smithy-diff saw them in the model's order: it reports no reordering where a member was
/// appended). Members a shape shares with `ivs.json` go back to its order; new ones follow,
/// in the file's order (or come first, to check the cases where that is what was lost).
fn restore_member_order(base: &Value, shapes: &mut Map<String, Value>, new_first: bool) {
    for (id, shape) in shapes.iter_mut() {
        let Some(Value::Object(base_members)) =
            base["shapes"].get(id).and_then(|s| s.get("members"))
        else {
            continue;
        };
        let Some(Value::Object(members)) = shape.get_mut("members") else {
            continue;
        };
        let mut ordered = Map::new();
        let mut fresh = Map::new();
        for name in base_members.keys() {
            if let Some(m) = members.remove(name) {
                ordered.insert(name.clone(), m);
            }
        }
        fresh.append(members);
        if new_first {
            fresh.append(&mut ordered);
            *members = fresh;
        } else {
            ordered.append(&mut fresh);
            *members = ordered;
        }
    }
}

fn is_doc_event(event_id: &str) -> bool {
    ["documentation", "externalDocumentation", "examples"]
        .iter()
        .any(|t| event_id.ends_with(&format!("smithy.api#{t}")))
}

/// Shape -> worst severity.
type Folded = BTreeMap<String, Severity>;

fn fold(events: impl IntoIterator<Item = (String, Severity)>) -> Folded {
    let mut out = Folded::new();
    for (shape, sev) in events {
        let e = out.entry(shape).or_insert(sev);
        *e = (*e).max(sev);
    }
    out
}

fn theirs(case: &Value, name: &str) -> Folded {
    let events = case["smithy_diff"]
        .as_array()
        .unwrap_or_else(|| panic!("case {name}: no smithy_diff list"));
    fold(events.iter().filter_map(|e| {
        let sev = Severity::parse(e[0].as_str()?)
            .unwrap_or_else(|| panic!("case {name}: bad severity {}", e[0]));
        let (shape, id) = (e[1].as_str()?, e[2].as_str()?);
        (!is_doc_event(id)).then(|| (shape.to_owned(), sev))
    }))
}

fn ours(old: &Model, new: &Model, name: &str) -> Folded {
    let found = diff::model_changes(old, new).unwrap_or_else(|e| panic!("case {name}: {e}"));
    fold(found.changes.into_iter().map(|c| {
        let shape = if c.shape.starts_with("metadata `") {
            "-".to_owned()
        } else {
            c.shape
        };
        (shape, c.severity)
    }))
}

/// The cases README.md says we deliberately differ on: `| `case` | reason |` rows of the
/// table under the heading naming smithy-diff's differences.
fn listed_differences() -> BTreeMap<String, String> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let mut out = BTreeMap::new();
    let mut in_section = false;
    for line in readme.lines() {
        if line.starts_with('#') {
            in_section = line.contains("differs from smithy-diff");
            continue;
        }
        if !in_section {
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() >= 4 {
            if let Some(case) = cells[1].strip_prefix('`').and_then(|c| c.strip_suffix('`')) {
                assert!(!cells[2].is_empty(), "README: case {case} lists no reason");
                out.insert(case.to_owned(), cells[2].to_owned());
            }
        }
    }
    out
}

fn show(f: &Folded) -> String {
    let items: Vec<String> = f.iter().map(|(s, sev)| format!("{sev} {s}")).collect();
    format!("[{}]", items.join(", "))
}

#[test]
fn every_case_agrees_with_smithy_diff_or_is_a_listed_difference() {
    let dir = cases_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    files.sort();
    // Every entry is a case: anything else would be data this test silently skips.
    let other: Vec<&PathBuf> = files
        .iter()
        .filter(|p| !p.is_file() || p.extension().is_none_or(|x| x != "json"))
        .collect();
    assert!(
        other.is_empty(),
        "entries of {} that are not case files: {other:?}",
        dir.display()
    );
    assert!(!files.is_empty(), "no case files in {}", dir.display());
    let base: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("model/ivs.json")).expect("model/ivs.json"),
    )
    .expect("ivs.json parses");
    let listed = listed_differences();

    let mut agree = 0;
    let mut differ = BTreeSet::new();
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("case file");
        let case: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = case["name"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: no name", path.display()));
        let want = theirs(&case, name);
        let run = |new_first: bool| {
            let old = apply(&base, &case["old"], name, new_first);
            let new = apply(&base, &case["new"], name, new_first);
            ours(&old, &new, name)
        };
        let got = run(false);
        let (want_max, got_max) = (want.values().max(), got.values().max());
        let same = want == got && want_max == got_max;
        // A difference blamed on the lost member order must vanish once the new member is put
        // back first.
        if !same && listed.get(name).is_some_and(|r| r.contains("sorted")) {
            let first = run(true);
            if first != want {
                failures.push(format!(
                    "{name}: with the new member first, smithy-diff {} but ours {}",
                    show(&want),
                    show(&first)
                ));
            }
        }
        match (same, listed.contains_key(name)) {
            (true, false) => agree += 1,
            (false, true) => {
                differ.insert(name.to_owned());
            }
            (true, true) => failures.push(format!(
                "{name}: listed in README as a difference, but agrees with smithy-diff"
            )),
            (false, false) => failures.push(format!(
                "{name}: smithy-diff {} (worst {:?}), ours {} (worst {:?})",
                show(&want),
                want_max,
                show(&got),
                got_max
            )),
        }
    }
    let stale: Vec<&String> = listed
        .keys()
        .filter(|c| {
            !differ.contains(*c) && !failures.iter().any(|f| f.starts_with(&format!("{c}:")))
        })
        .collect();
    assert!(
        stale.is_empty(),
        "README lists cases that are not in the data: {stale:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    assert_eq!(agree + differ.len(), files.len());
    println!(
        "{} cases: {agree} agree with smithy-diff, {} deliberately differ ({:?})",
        files.len(),
        differ.len(),
        differ
    );
}
