//! How adding, removing or changing a trait is graded, after smithy-diff's two trait
//! evaluators:
//!
//! - **TraitBreakingChange** applies the `breakingChanges` rules of the trait's definition
//!   (`@trait(breakingChanges: [{change: "remove"}, {path: "/code", change: "update"}, ...])`).
//!   The rules of the prelude and AWS traits are in [`prelude_rules`]; a trait defined in the
//!   model itself brings its own.
//! - **ModifiedTrait** applies the legacy `diff.*` tags (`diff.error.const` on `enumValue`), and
//!   for traits with neither tags nor rules smithy-diff's default: added NOTE, changed NOTE,
//!   removed WARNING. A trait defined nowhere counts as `diff.warning.const`.
//!
//! Traits other evaluators own (nullability, defaults, documentation) are skipped here.

use serde_json::Value;

use super::Severity;
use crate::model::Model;

/// Documentation traits: their changes are counted apart, never as model changes.
pub(super) const DOC_TRAITS: [&str; 3] = [
    "smithy.api#documentation",
    "smithy.api#externalDocumentation",
    "smithy.api#examples",
];

/// Marks a string `@enum` that normalization turned into an enum shape (never in a model).
pub(super) const SYNTHETIC_ENUM: &str = "diff.synthetic#enumTrait";

/// Marks a `set` that normalization turned into a list with `@uniqueItems`.
pub(super) const SYNTHETIC_SET: &str = "diff.synthetic#set";

/// Traits judged by dedicated evaluators (ChangedDefault, ChangedNullability; smithy-diff's
/// ModifiedTrait ignores `box` and `required` too) or folded away by normalization.
const OWNED_ELSEWHERE: [&str; 6] = [
    "smithy.api#box",
    "smithy.api#default",
    "smithy.api#required",
    "smithy.api#enum",
    SYNTHETIC_ENUM,
    SYNTHETIC_SET,
];

/// A kind of change a rule fires on (smithy's `TraitChangeType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChangeType {
    Add,
    Remove,
    Update,
    /// Add or remove.
    Presence,
    /// Add, remove or update.
    Any,
}

impl ChangeType {
    fn parse(s: &str) -> Option<ChangeType> {
        match s {
            "add" => Some(ChangeType::Add),
            "remove" => Some(ChangeType::Remove),
            "update" => Some(ChangeType::Update),
            "presence" => Some(ChangeType::Presence),
            "any" => Some(ChangeType::Any),
            _ => None,
        }
    }

    /// The concrete change (`Add`, `Remove` or `Update`) this rule sees between two values,
    /// if it fires.
    fn fires(self, old: &Value, new: &Value) -> Option<ChangeType> {
        let added = old.is_null() && !new.is_null();
        let removed = !old.is_null() && new.is_null();
        let updated = !old.is_null() && !new.is_null() && old != new;
        let pick = |c: ChangeType, yes: bool| yes.then_some(c);
        match self {
            ChangeType::Add => pick(ChangeType::Add, added),
            ChangeType::Remove => pick(ChangeType::Remove, removed),
            ChangeType::Update => pick(ChangeType::Update, updated),
            ChangeType::Presence => {
                pick(ChangeType::Add, added).or(pick(ChangeType::Remove, removed))
            }
            ChangeType::Any => pick(ChangeType::Add, added)
                .or(pick(ChangeType::Remove, removed))
                .or(pick(ChangeType::Update, updated)),
        }
    }
}

/// One `breakingChanges` rule: a top-level key of the trait value (or the whole value), the
/// change it fires on and its severity (ERROR unless the definition says otherwise).
#[derive(Debug, Clone, PartialEq)]
struct BreakingRule {
    path: Option<String>,
    change: ChangeType,
    severity: Severity,
}

fn rule(path: Option<&str>, change: ChangeType, severity: Severity) -> BreakingRule {
    BreakingRule {
        path: path.map(str::to_owned),
        change,
        severity,
    }
}

/// How a trait's changes are graded.
#[derive(Debug, Clone, PartialEq)]
enum Strategy {
    /// TraitBreakingChange with these rules.
    Breaking(Vec<BreakingRule>),
    /// ModifiedTrait with these `(change, severity)` strategies (`diff.*` tags or defaults).
    Modified(Vec<(ChangeType, Severity)>),
}

/// smithy-diff's default for a defined trait without `diff.*` tags or `breakingChanges`.
fn default_strategy() -> Strategy {
    Strategy::Modified(vec![
        (ChangeType::Add, Severity::Note),
        (ChangeType::Update, Severity::Note),
        (ChangeType::Remove, Severity::Warning),
    ])
}

/// The `breakingChanges` and `diff.*` tags of the prelude's traits (smithy-lang/smithy's
/// `prelude.smithy`) and of the AWS and rules traits an AWS model uses. Traits not listed
/// have neither, so smithy-diff's defaults apply to them.
fn prelude_rules(id: &str) -> Option<Strategy> {
    use ChangeType::*;
    use Severity::*;
    let whole = |change| Strategy::Breaking(vec![rule(None, change, Error)]);
    let name = id.strip_prefix("smithy.api#")?;
    Some(match name {
        "error" | "httpError" | "jsonName" | "xmlAttribute" | "xmlFlattened" | "xmlName"
        | "xmlNamespace" | "streaming" | "httpQuery" | "httpQueryParams" | "httpHeader"
        | "httpPrefixHeaders" | "httpResponseCode" | "eventPayload" | "eventHeader"
        | "timestampFormat" | "endpoint" | "hostLabel" | "nestedProperties" => whole(Any),
        "requiresLength" | "httpLabel" | "httpPayload" | "input" | "output" | "sparse"
        | "protocolDefinition" | "authDefinition" | "trait" => whole(Presence),
        "retryable" | "readonly" | "idempotent" | "idempotencyToken" | "mediaType"
        | "resourceIdentifier" | "cors" | "optionalAuth" | "addedDefault" | "httpBasicAuth"
        | "httpDigestAuth" | "httpBearerAuth" | "httpApiKeyAuth" => whole(Remove),
        "notProperty" => whole(Add),
        "property" => {
            Strategy::Breaking(vec![rule(None, Remove, Error), rule(None, Update, Error)])
        }
        "internal" => Strategy::Breaking(vec![rule(None, Remove, Warning)]),
        "uniqueItems" => Strategy::Breaking(vec![rule(None, Presence, Warning)]),
        "pattern" => Strategy::Breaking(vec![rule(None, Add, Warning), rule(None, Update, Note)]),
        "paginated" => Strategy::Breaking(vec![
            rule(None, Remove, Error),
            rule(Some("inputToken"), Update, Error),
            rule(Some("outputToken"), Update, Error),
            rule(Some("items"), Remove, Error),
            rule(Some("items"), Add, Note),
            rule(Some("items"), Update, Note),
            rule(Some("pageSize"), Update, Error),
            rule(Some("pageSize"), Remove, Error),
        ]),
        "http" => Strategy::Breaking(vec![
            rule(None, Remove, Error),
            rule(Some("method"), Update, Error),
            rule(Some("uri"), Update, Error),
            rule(Some("code"), Update, Error),
            rule(Some("code"), Presence, Danger),
        ]),
        // Still tagged the legacy way in the prelude.
        "enumValue" => Strategy::Modified(vec![(Any, Error)]),
        _ => return None,
    })
}

/// The strategy the trait definition `id` declares in `model`, if the model defines it.
fn defined_in_model(model: &Model, id: &str) -> Option<Strategy> {
    let shape = model.shape(id)?;
    let definition = shape.trait_value("smithy.api#trait")?;
    let mut rules = Vec::new();
    for r in definition
        .get("breakingChanges")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(change) = r
            .get("change")
            .and_then(Value::as_str)
            .and_then(ChangeType::parse)
        else {
            continue;
        };
        let severity = r
            .get("severity")
            .and_then(Value::as_str)
            .and_then(Severity::parse)
            .unwrap_or(Severity::Error);
        let path = r
            .get("path")
            .and_then(Value::as_str)
            .map(|p| p.trim_start_matches('/'));
        rules.push(rule(path.filter(|p| !p.is_empty()), change, severity));
    }
    let tags: Vec<(ChangeType, Severity)> = shape
        .trait_value("smithy.api#tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|tag| {
            let mut parts = tag.strip_prefix("diff.")?.split('.');
            let severity = Severity::parse(parts.next()?)?;
            let change = match parts.next()? {
                "const" => ChangeType::Any,
                other => ChangeType::parse(other)?,
            };
            Some((change, severity))
        })
        .collect();
    Some(if !tags.is_empty() {
        Strategy::Modified(tags)
    } else if !rules.is_empty() {
        Strategy::Breaking(rules)
    } else {
        default_strategy()
    })
}

fn strategy(model: &Model, id: &str) -> Strategy {
    if let Some(s) = defined_in_model(model, id) {
        return s;
    }
    if let Some(s) = prelude_rules(id) {
        return s;
    }
    let known_namespace = [
        "smithy.api#",
        "aws.",
        "smithy.rules#",
        "smithy.waiters#",
        "smithy.test#",
    ]
    .iter()
    .any(|ns| id.starts_with(ns));
    if known_namespace {
        default_strategy()
    } else {
        // smithy-diff cannot find the definition: any change is a WARNING.
        Strategy::Modified(vec![(ChangeType::Any, Severity::Warning)])
    }
}

/// Traits that only shape the bytes on the wire: the generator reads them in serializers and
/// deserializers, never in a public signature, so changing them breaks behaviour, not code.
pub(super) fn is_wire_only(id: &str) -> bool {
    if id.starts_with("aws.protocols#") {
        return true;
    }
    let Some(name) = id.strip_prefix("smithy.api#") else {
        return false;
    };
    matches!(
        name,
        "jsonName"
            | "httpQuery"
            | "httpQueryParams"
            | "httpHeader"
            | "httpPrefixHeaders"
            | "httpLabel"
            | "httpPayload"
            | "httpResponseCode"
            | "http"
            | "httpError"
            | "error"
            | "timestampFormat"
            | "endpoint"
            | "hostLabel"
            | "xmlAttribute"
            | "xmlFlattened"
            | "xmlName"
            | "xmlNamespace"
            | "eventHeader"
            | "eventPayload"
            | "enumValue"
            | "idempotencyToken"
    )
}

/// Whether the trait evaluators look at trait `id`.
pub(super) fn is_judged_here(id: &str) -> bool {
    !OWNED_ELSEWHERE.contains(&id) && !DOC_TRAITS.contains(&id)
}

/// One finding of a trait evaluator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TraitFinding {
    /// `TraitBreakingChange` or `ModifiedTrait`.
    pub evaluator: &'static str,
    pub severity: Severity,
    pub message: String,
}

/// The findings for trait `id` on one shape or member, judged by the rules `new_model`
/// gives it.
pub(super) fn judge(
    new_model: &Model,
    id: &str,
    old: Option<&Value>,
    new: Option<&Value>,
) -> Vec<TraitFinding> {
    let (old_v, new_v) = (old.unwrap_or(&Value::Null), new.unwrap_or(&Value::Null));
    if old_v == new_v
        || (id == "smithy.api#http" && with_default_code(old_v) == with_default_code(new_v))
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    match strategy(new_model, id) {
        Strategy::Breaking(rules) => {
            for r in rules {
                let (a, b) = match &r.path {
                    None => (old_v.clone(), new_v.clone()),
                    // Nested rules only look inside a trait that is still there.
                    Some(_) if new_v.is_null() => continue,
                    Some(key) => (
                        old_v.get(key).cloned().unwrap_or(Value::Null),
                        new_v.get(key).cloned().unwrap_or(Value::Null),
                    ),
                };
                if let Some(change) = r.change.fires(&a, &b) {
                    out.push(TraitFinding {
                        evaluator: "TraitBreakingChange",
                        severity: r.severity,
                        message: message(id, r.path.as_deref(), change, &a, &b),
                    });
                }
            }
        }
        Strategy::Modified(strategies) => {
            for (change, severity) in strategies {
                if let Some(change) = change.fires(old_v, new_v) {
                    out.push(TraitFinding {
                        evaluator: "ModifiedTrait",
                        severity,
                        message: message(id, None, change, old_v, new_v),
                    });
                }
            }
        }
    }
    out
}

/// An `@http` value with its default `code: 200` filled in: smithy-diff's trait equality.
fn with_default_code(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(o) = &mut v {
        o.entry("code").or_insert_with(|| Value::from(200));
    }
    v
}

fn message(id: &str, path: Option<&str>, change: ChangeType, old: &Value, new: &Value) -> String {
    let at = path.map_or_else(String::new, |p| format!(" at `/{p}`"));
    match change {
        ChangeType::Add => format!("added trait `{id}`{at}{}", with_value(new)),
        ChangeType::Remove => format!("removed trait `{id}`{at} (was {})", brief(old)),
        _ => format!(
            "changed trait `{id}`{at}: {}",
            describe_update(id, old, new)
        ),
    }
}

/// ` with value X`, or nothing for marker traits (`{}`).
fn with_value(v: &Value) -> String {
    match v {
        Value::Object(o) if o.is_empty() => String::new(),
        _ => format!(" with value {}", brief(v)),
    }
}

/// Compact JSON, cut short: trait values such as endpoint rule sets are pages long.
pub(super) fn brief(v: &Value) -> String {
    const MAX: usize = 80;
    let text = v.to_string();
    if text.chars().count() <= MAX {
        text
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}...")
    }
}

/// `from A to B` when both are short; otherwise where they differ: the endpoint test count
/// for `endpointTests`, a short JSON diff (pointer: old -> new) for anything else.
pub(super) fn describe_update(id: &str, a: &Value, b: &Value) -> String {
    let (ta, tb) = (a.to_string(), b.to_string());
    if ta.chars().count() <= 60 && tb.chars().count() <= 60 {
        return format!("from {ta} to {tb}");
    }
    let mut differences = Vec::new();
    json_diff("", a, b, &mut differences);
    const SHOWN: usize = 4;
    let mut text = differences
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if differences.len() > SHOWN {
        text.push_str(&format!(
            "; and {} more difference(s)",
            differences.len() - SHOWN
        ));
    }
    if id == "smithy.rules#endpointTests" {
        let count = |v: &Value| {
            v.get("testCases")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        };
        return format!("{} test cases -> {}; {text}", count(a), count(b));
    }
    text
}

/// The JSON pointers where `a` and `b` differ, each with both values (briefly).
fn json_diff(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    if a == b {
        return;
    }
    let here = if path.is_empty() { "/" } else { path };
    match (a, b) {
        (Value::Object(oa), Value::Object(ob)) => {
            for (k, va) in oa {
                let p = format!("{path}/{}", k.replace('~', "~0").replace('/', "~1"));
                match ob.get(k) {
                    Some(vb) => json_diff(&p, va, vb, out),
                    None => out.push(format!("{p} removed (was {})", brief_short(va))),
                }
            }
            for (k, vb) in ob.iter().filter(|(k, _)| !oa.contains_key(*k)) {
                let p = format!("{path}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(format!("{p} added: {}", brief_short(vb)));
            }
        }
        (Value::Array(xa), Value::Array(xb)) => {
            if xa.len() != xb.len() {
                out.push(format!("{here} length {} -> {}", xa.len(), xb.len()));
            }
            for (i, (va, vb)) in xa.iter().zip(xb).enumerate() {
                json_diff(&format!("{path}/{i}"), va, vb, out);
            }
        }
        (Value::String(sa), Value::String(sb)) => {
            out.push(format!("{here}: {}", string_difference(sa, sb)));
        }
        _ => out.push(format!("{here}: {} -> {}", brief_short(a), brief_short(b))),
    }
}

/// Two long strings from a little before their first difference: `..."x" -> ..."y"`.
fn string_difference(a: &str, b: &str) -> String {
    let common = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    let mut start = common.saturating_sub(12);
    while !a.is_char_boundary(start) {
        start -= 1;
    }
    let lead = if start > 0 { "..." } else { "" };
    let show = |s: &str| brief_short(&Value::from(&s[start..]));
    format!("{lead}{} -> {lead}{}", show(a), show(b))
}

fn brief_short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= 40 {
        text
    } else {
        let cut: String = text.chars().take(40).collect();
        format!("{cut}...")
    }
}
