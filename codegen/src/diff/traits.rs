//! ModifiedTrait: what adding, removing or changing a trait costs, per trait.
//!
//! The severities follow the `diff.*` tags of Smithy's prelude (for example `httpLabel` is
//! `diff.error.const`, `paginated` is `diff.error.remove` plus per-property rules). Traits
//! without a rule get smithy-diff's default: added NOTE, changed NOTE, removed WARNING. Traits
//! other evaluators own (nullability, enums, length and range, documentation) are skipped here.

use serde_json::Value;

use super::Severity;

/// Documentation traits: their changes are counted apart, never as model changes.
pub(super) const DOC_TRAITS: [&str; 3] = [
    "smithy.api#documentation",
    "smithy.api#externalDocumentation",
    "smithy.api#examples",
];

/// Traits that dedicated evaluators judge (or that normalization already folded away).
const OWNED_ELSEWHERE: [&str; 11] = [
    "smithy.api#box",
    "smithy.api#default",
    "smithy.api#addedDefault",
    "smithy.api#required",
    "smithy.api#clientOptional",
    "smithy.api#input",
    "smithy.api#enum",
    "smithy.api#enumValue",
    "smithy.api#length",
    "smithy.api#range",
    "smithy.api#documentation",
];

/// Severity of adding, removing and changing a trait; `None` means "not reported".
#[derive(Debug, Clone, Copy)]
struct Rule {
    add: Option<Severity>,
    remove: Option<Severity>,
    update: Option<Severity>,
}

const fn rule(add: Option<Severity>, remove: Option<Severity>, update: Option<Severity>) -> Rule {
    Rule {
        add,
        remove,
        update,
    }
}

const E: Option<Severity> = Some(Severity::Error);
const D: Option<Severity> = Some(Severity::Danger);
const W: Option<Severity> = Some(Severity::Warning);
const N: Option<Severity> = Some(Severity::Note);

/// smithy-diff's default for traits without `diff.*` tags.
const DEFAULT_RULE: Rule = rule(N, W, N);
/// `diff.error.const`: any change breaks the wire.
const CONST_ERROR: Rule = rule(E, E, E);

fn rule_for(id: &str) -> Rule {
    match id {
        // Serialization and binding traits: the bytes on the wire change.
        "smithy.api#error"
        | "smithy.api#httpError"
        | "smithy.api#httpLabel"
        | "smithy.api#httpQuery"
        | "smithy.api#httpQueryParams"
        | "smithy.api#httpHeader"
        | "smithy.api#httpPrefixHeaders"
        | "smithy.api#httpPayload"
        | "smithy.api#httpResponseCode"
        | "smithy.api#jsonName"
        | "smithy.api#timestampFormat"
        | "smithy.api#streaming"
        | "smithy.api#requiresLength"
        | "smithy.api#sparse"
        | "smithy.api#enumDefault"
        | "smithy.api#endpoint"
        | "smithy.api#hostLabel"
        | "smithy.api#eventPayload"
        | "smithy.api#eventHeader"
        | "smithy.api#xmlAttribute"
        | "smithy.api#xmlFlattened"
        | "smithy.api#xmlName"
        | "smithy.api#xmlNamespace"
        | "smithy.api#nestedProperties"
        | "smithy.api#output" => CONST_ERROR,
        // Adding a token makes the client fill it in; removing it changes retry safety.
        "smithy.api#idempotencyToken" | "smithy.api#idempotent" => rule(N, E, None),
        "smithy.api#mediaType" | "smithy.api#resourceIdentifier" | "smithy.api#property" => {
            rule(None, E, None)
        }
        // Adding `@http` to an operation that had none changes its whole binding.
        "smithy.api#http" => rule(D, E, None),
        "smithy.api#paginated" => rule(N, E, None),
        // Sets and lists generate the same Rust type; uniqueness is the service's business.
        "smithy.api#uniqueItems" => rule(N, N, N),
        id if id.starts_with("aws.protocols#") => rule(N, E, W),
        "aws.auth#sigv4" => rule(N, E, E),
        _ => DEFAULT_RULE,
    }
}

/// Whether ModifiedTrait looks at trait `id`.
pub(super) fn is_judged_here(id: &str) -> bool {
    !OWNED_ELSEWHERE.contains(&id) && !DOC_TRAITS.contains(&id)
}

/// The findings for one trait of one shape or member: `(severity, message)` pairs.
pub(super) fn judge(id: &str, old: Option<&Value>, new: Option<&Value>) -> Vec<(Severity, String)> {
    let rule = rule_for(id);
    match (old, new) {
        (None, Some(v)) => rule
            .add
            .map(|s| (s, format!("added trait `{id}`{}", with_value(v))))
            .into_iter()
            .collect(),
        (Some(v), None) => rule
            .remove
            .map(|s| (s, format!("removed trait `{id}` (was {})", brief(v))))
            .into_iter()
            .collect(),
        (Some(a), Some(b)) if a != b => match id {
            "smithy.api#http" => http_changes(a, b),
            "smithy.api#paginated" => paginated_changes(a, b),
            _ => rule
                .update
                .map(|s| {
                    (
                        s,
                        format!("changed trait `{id}`: {}", describe_update(a, b)),
                    )
                })
                .into_iter()
                .collect(),
        },
        _ => Vec::new(),
    }
}

/// Method and URI are the operation's address; the success code only matters to clients that
/// check it exactly.
fn http_changes(old: &Value, new: &Value) -> Vec<(Severity, String)> {
    let mut out = Vec::new();
    for (key, severity) in [
        ("method", Severity::Error),
        ("uri", Severity::Error),
        ("code", Severity::Warning),
    ] {
        let (a, b) = (old.get(key), new.get(key));
        if a != b {
            out.push((
                severity,
                format!(
                    "`@http` {key} changed from {} to {}",
                    brief_opt(a),
                    brief_opt(b)
                ),
            ));
        }
    }
    out
}

/// The prelude's per-property rules of `@paginated`: tokens and items are fixed; a page size
/// may be added but not changed or removed.
fn paginated_changes(old: &Value, new: &Value) -> Vec<(Severity, String)> {
    let mut out = Vec::new();
    for key in ["inputToken", "outputToken", "items", "pageSize"] {
        let (a, b) = (old.get(key), new.get(key));
        if a == b {
            continue;
        }
        let severity = match (key, a) {
            ("pageSize", None) => Severity::Note,
            _ => Severity::Error,
        };
        out.push((
            severity,
            format!(
                "`@paginated` {key} changed from {} to {}",
                brief_opt(a),
                brief_opt(b)
            ),
        ));
    }
    out
}

/// `from A to B`; for objects only the keys that changed, so the difference stays visible
/// when the values are long.
fn describe_update(a: &Value, b: &Value) -> String {
    let (Value::Object(oa), Value::Object(ob)) = (a, b) else {
        return format!("from {} to {}", brief(a), brief(b));
    };
    let mut keys: Vec<&String> = oa.keys().chain(ob.keys()).collect();
    keys.sort();
    keys.dedup();
    let changed: Vec<String> = keys
        .into_iter()
        .filter(|k| oa.get(*k) != ob.get(*k))
        .map(|k| format!("{k} {} -> {}", brief_opt(oa.get(k)), brief_opt(ob.get(k))))
        .collect();
    const SHOWN: usize = 3;
    let mut text = changed
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if changed.len() > SHOWN {
        text.push_str(&format!("; and {} more key(s)", changed.len() - SHOWN));
    }
    text
}

/// ` with value X`, or nothing for marker traits (`{}`).
fn with_value(v: &Value) -> String {
    match v {
        Value::Object(o) if o.is_empty() => String::new(),
        _ => format!(" with value {}", brief(v)),
    }
}

fn brief_opt(v: Option<&Value>) -> String {
    v.map_or_else(|| "none".to_owned(), brief)
}

/// Compact JSON, cut short: trait values such as endpoint rule sets are pages long.
pub(super) fn brief(v: &Value) -> String {
    const MAX: usize = 60;
    let text = v.to_string();
    if text.chars().count() <= MAX {
        text
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}...")
    }
}
