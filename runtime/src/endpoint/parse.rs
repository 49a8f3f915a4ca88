//! Reads an `endpointRuleSet` document into the tree the evaluator walks.
//!
//! Everything that can be checked without parameter values is checked here, so evaluation
//! cannot meet an unknown function, a wrong argument count, a reference to a name that is not
//! in scope or a malformed template: each is an error naming its place in the document, such
//! as `rules[1].rules[0].conditions[0].argv[1]`.

use crate::json::{Map, Value};

use super::{EndpointError, ParamValue};

/// A declared parameter.
#[derive(Debug, Clone)]
pub(crate) struct Parameter {
    pub(crate) name: String,
    pub(crate) ty: ParamType,
    pub(crate) required: bool,
    pub(crate) default: Option<ParamValue>,
}

/// The parameter types of the specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamType {
    String,
    Boolean,
    StringArray,
}

impl ParamType {
    pub(crate) fn name(self) -> &'static str {
        match self {
            ParamType::String => "String",
            ParamType::Boolean => "Boolean",
            ParamType::StringArray => "StringArray",
        }
    }

    pub(crate) fn admits(self, value: &ParamValue) -> bool {
        matches!(
            (self, value),
            (ParamType::String, ParamValue::String(_))
                | (ParamType::Boolean, ParamValue::Bool(_))
                | (ParamType::StringArray, ParamValue::StringArray(_))
        )
    }
}

/// A rule with its location in the document (for error messages).
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) at: String,
    pub(crate) conditions: Vec<Condition>,
    pub(crate) kind: RuleKind,
}

#[derive(Debug, Clone)]
pub(crate) enum RuleKind {
    Endpoint(EndpointSpec),
    Error(Expr),
    Tree(Vec<Rule>),
}

/// A function call whose result must be set and not `false`, optionally bound to a name.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    pub(crate) expr: Expr,
    pub(crate) assign: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct EndpointSpec {
    pub(crate) url: Expr,
    /// By name, sorted and unique (as read from a JSON object); only ever iterated, so a
    /// `Vec` rather than another map type to compile.
    pub(crate) headers: Vec<(String, Vec<Expr>)>,
    pub(crate) properties: Vec<(String, Prop)>,
}

/// An endpoint property: plain JSON whose strings are templates.
#[derive(Debug, Clone)]
pub(crate) enum Prop {
    Str(Template),
    Array(Vec<Prop>),
    /// Sorted and unique keys, as in the JSON object.
    Object(Vec<(String, Prop)>),
    Other(Value),
}

#[derive(Debug, Clone)]
pub(crate) enum Expr {
    /// A boolean or integer literal.
    Literal(Value),
    Str(Template),
    Array(Vec<Expr>),
    Ref(String),
    GetAttr(Box<Expr>, Path),
    Call(Func, Vec<Expr>),
}

/// A string with `{name}` / `{name#path}` holes; `{{` and `}}` stand for braces.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub(crate) raw: String,
    pub(crate) parts: Vec<Part>,
}

#[derive(Debug, Clone)]
pub(crate) enum Part {
    Lit(String),
    Var(String, Path),
}

/// A `getAttr` path such as `resourceId[1]` or `a.b`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Path {
    pub(crate) raw: String,
    pub(crate) segments: Vec<Segment>,
}

#[derive(Debug, Clone)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// The functions this engine implements; `getAttr` is [`Expr::GetAttr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    BooleanEquals,
    StringEquals,
    IsSet,
    Not,
    IsValidHostLabel,
    ParseUrl,
    Substring,
    UriEncode,
    Coalesce,
    Ite,
    Split,
    AwsPartition,
    AwsParseArn,
    AwsIsVirtualHostableS3Bucket,
}

/// Name, function, fewest and most arguments (`None`: variadic).
const FUNCTIONS: &[(&str, Func, usize, Option<usize>)] = &[
    ("booleanEquals", Func::BooleanEquals, 2, Some(2)),
    ("stringEquals", Func::StringEquals, 2, Some(2)),
    ("isSet", Func::IsSet, 1, Some(1)),
    ("not", Func::Not, 1, Some(1)),
    ("isValidHostLabel", Func::IsValidHostLabel, 2, Some(2)),
    ("parseURL", Func::ParseUrl, 1, Some(1)),
    ("substring", Func::Substring, 4, Some(4)),
    ("uriEncode", Func::UriEncode, 1, Some(1)),
    ("coalesce", Func::Coalesce, 2, None),
    ("ite", Func::Ite, 3, Some(3)),
    ("split", Func::Split, 3, Some(3)),
    ("aws.partition", Func::AwsPartition, 1, Some(1)),
    ("aws.parseArn", Func::AwsParseArn, 1, Some(1)),
    (
        "aws.isVirtualHostableS3Bucket",
        Func::AwsIsVirtualHostableS3Bucket,
        2,
        Some(2),
    ),
];

impl Func {
    pub(crate) fn name(self) -> &'static str {
        FUNCTIONS
            .iter()
            .find(|(_, f, ..)| *f == self)
            .map_or("?", |(name, ..)| name)
    }
}

fn err(at: &str, msg: impl std::fmt::Display) -> EndpointError {
    EndpointError::invalid_rule_set(format!("{at}: {msg}"))
}

/// Parses the whole document: `{version, parameters, rules}`.
pub(crate) fn rule_set(json: &str) -> Result<(Vec<Parameter>, Vec<Rule>), EndpointError> {
    let root: Value = crate::json::from_str(json)
        .map_err(|e| EndpointError::invalid_rule_set(format!("not valid JSON: {e}")))?;
    let root = root
        .as_object()
        .ok_or_else(|| EndpointError::invalid_rule_set("the document is not an object"))?;
    // Plain loops rather than `collect`ing `Result`s throughout this module: each such
    // iterator chain is a few hundred lines of generic code to compile, and this is cold.
    let mut parameters = Vec::new();
    match root.get("parameters") {
        None => {}
        Some(Value::Object(map)) => {
            for (name, p) in map {
                parameters.push(parameter(name, p)?);
            }
        }
        Some(_) => return Err(err("parameters", "not an object")),
    }
    let mut scope = Vec::with_capacity(parameters.len());
    for p in &parameters {
        scope.push(p.name.clone());
    }
    let rules = rules(root.get("rules"), "rules", &mut scope)?;
    Ok((parameters, rules))
}

fn parameter(name: &str, json: &Value) -> Result<Parameter, EndpointError> {
    let at = format!("parameters.{name}");
    if !is_identifier(name) {
        return Err(err(&at, "the name is not an identifier"));
    }
    let obj = json.as_object().ok_or_else(|| err(&at, "not an object"))?;
    // The specification spells types in lower camel case; models in the wild use both.
    let ty = match obj.get("type").and_then(Value::as_str) {
        Some(t) if t.eq_ignore_ascii_case("string") => ParamType::String,
        Some(t) if t.eq_ignore_ascii_case("boolean") => ParamType::Boolean,
        Some(t) if t.eq_ignore_ascii_case("stringArray") => ParamType::StringArray,
        Some(t) => return Err(err(&at, format_args!("unknown type `{t}`"))),
        None => return Err(err(&at, "no string `type`")),
    };
    let required = match obj.get("required") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(err(&at, "`required` is not a boolean")),
    };
    let default = match obj.get("default") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let value = ParamValue::from_json(v)
                .filter(|v| ty.admits(v))
                .ok_or_else(|| err(&at, format_args!("`default` is not a {}", ty.name())))?;
            Some(value)
        }
    };
    Ok(Parameter {
        name: name.to_owned(),
        ty,
        required,
        default,
    })
}

fn rules(
    json: Option<&Value>,
    at: &str,
    scope: &mut Vec<String>,
) -> Result<Vec<Rule>, EndpointError> {
    let list = json
        .and_then(Value::as_array)
        .ok_or_else(|| err(at, "missing or not an array"))?;
    if list.is_empty() {
        return Err(err(at, "no rules"));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        out.push(rule(r, &format!("{at}[{i}]"), scope)?);
    }
    Ok(out)
}

fn rule(json: &Value, at: &str, scope: &mut Vec<String>) -> Result<Rule, EndpointError> {
    let obj = json.as_object().ok_or_else(|| err(at, "not an object"))?;
    let outer = scope.len();
    let result = (|| {
        let mut conditions = Vec::new();
        match obj.get("conditions") {
            None => {}
            Some(Value::Array(list)) => {
                for (i, c) in list.iter().enumerate() {
                    conditions.push(condition(c, &format!("{at}.conditions[{i}]"), scope)?);
                }
            }
            Some(_) => return Err(err(at, "`conditions` is not an array")),
        }
        let kind = match obj.get("type").and_then(Value::as_str) {
            Some("endpoint") => {
                let spec = obj
                    .get("endpoint")
                    .ok_or_else(|| err(at, "no `endpoint`"))?;
                RuleKind::Endpoint(endpoint(spec, &format!("{at}.endpoint"), scope)?)
            }
            Some("error") => {
                let message = obj.get("error").ok_or_else(|| err(at, "no `error`"))?;
                RuleKind::Error(expr(message, &format!("{at}.error"), scope)?)
            }
            Some("tree") => RuleKind::Tree(rules(obj.get("rules"), &format!("{at}.rules"), scope)?),
            Some(other) => return Err(err(at, format_args!("unknown rule type `{other}`"))),
            None => return Err(err(at, "no string `type`")),
        };
        Ok(Rule {
            at: at.to_owned(),
            conditions,
            kind,
        })
    })();
    // Names a rule's conditions assign are visible to that rule only.
    scope.truncate(outer);
    result
}

fn condition(json: &Value, at: &str, scope: &mut Vec<String>) -> Result<Condition, EndpointError> {
    let obj = json.as_object().ok_or_else(|| err(at, "not an object"))?;
    if !obj.contains_key("fn") {
        return Err(err(at, "a condition must be a function call (`fn`)"));
    }
    let expr = expr(json, at, scope)?;
    let assign = match obj.get("assign") {
        None => None,
        Some(Value::String(name)) => {
            if !is_identifier(name) {
                return Err(err(
                    at,
                    format_args!("`assign` name `{name}` is not an identifier"),
                ));
            }
            if scope.contains(name) {
                return Err(err(
                    at,
                    format_args!("`assign` shadows `{name}`, which is already in scope"),
                ));
            }
            scope.push(name.clone());
            Some(name.clone())
        }
        Some(_) => return Err(err(at, "`assign` is not a string")),
    };
    Ok(Condition { expr, assign })
}

fn endpoint(json: &Value, at: &str, scope: &[String]) -> Result<EndpointSpec, EndpointError> {
    let obj = json.as_object().ok_or_else(|| err(at, "not an object"))?;
    let url = expr(
        obj.get("url").ok_or_else(|| err(at, "no `url`"))?,
        &format!("{at}.url"),
        scope,
    )?;
    let mut headers = Vec::new();
    match obj.get("headers") {
        None => {}
        Some(Value::Object(map)) => {
            for (name, values) in map {
                let at = format!("{at}.headers.{name}");
                let Some(values) = values.as_array() else {
                    return Err(err(&at, "not an array"));
                };
                headers.push((name.clone(), exprs(values, &at, scope)?));
            }
        }
        Some(_) => return Err(err(at, "`headers` is not an object")),
    }
    let properties = match obj.get("properties") {
        None => Vec::new(),
        Some(Value::Object(map)) => object_props(map, &format!("{at}.properties"), scope)?,
        Some(_) => return Err(err(at, "`properties` is not an object")),
    };
    Ok(EndpointSpec {
        url,
        headers,
        properties,
    })
}

fn object_props(
    map: &Map<String, Value>,
    at: &str,
    scope: &[String],
) -> Result<Vec<(String, Prop)>, EndpointError> {
    let mut props = Vec::with_capacity(map.len());
    for (k, v) in map {
        props.push((k.clone(), prop(v, &format!("{at}.{k}"), scope)?));
    }
    Ok(props)
}

fn prop(json: &Value, at: &str, scope: &[String]) -> Result<Prop, EndpointError> {
    Ok(match json {
        Value::String(s) => Prop::Str(template(s, at, scope)?),
        Value::Array(items) => {
            let mut props = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                props.push(prop(v, &format!("{at}[{i}]"), scope)?);
            }
            Prop::Array(props)
        }
        Value::Object(map) => Prop::Object(object_props(map, at, scope)?),
        other => Prop::Other(other.clone()),
    })
}

pub(crate) fn expr(json: &Value, at: &str, scope: &[String]) -> Result<Expr, EndpointError> {
    match json {
        Value::Bool(_) => Ok(Expr::Literal(json.clone())),
        Value::Number(n) if n.is_i64() => Ok(Expr::Literal(json.clone())),
        Value::Number(n) => Err(err(at, format_args!("number `{n}` is not an integer"))),
        Value::String(s) => Ok(Expr::Str(template(s, at, scope)?)),
        Value::Array(items) => Ok(Expr::Array(exprs(items, at, scope)?)),
        Value::Null => Err(err(at, "`null` is not an expression")),
        Value::Object(obj) => {
            if let Some(name) = obj.get("ref") {
                let name = name
                    .as_str()
                    .ok_or_else(|| err(at, "`ref` is not a string"))?;
                check_in_scope(name, scope).map_err(|e| err(at, e))?;
                return Ok(Expr::Ref(name.to_owned()));
            }
            let name = match obj.get("fn") {
                Some(Value::String(name)) => name.as_str(),
                Some(_) => return Err(err(at, "`fn` is not a string")),
                None => return Err(err(at, "an object expression needs `ref` or `fn`")),
            };
            let argv = obj
                .get("argv")
                .and_then(Value::as_array)
                .ok_or_else(|| err(at, format_args!("`{name}` has no `argv` array")))?;
            let arg_at = |i: usize| format!("{at}.argv[{i}]");
            if name == "getAttr" {
                let [target, path] = argv.as_slice() else {
                    return Err(err(
                        at,
                        format_args!("`getAttr` takes 2 arguments, got {}", argv.len()),
                    ));
                };
                let target = expr(target, &arg_at(0), scope)?;
                // The path is a plain string, not a template.
                let path = path
                    .as_str()
                    .ok_or_else(|| err(&arg_at(1), "a `getAttr` path must be a string literal"))?;
                return Ok(Expr::GetAttr(
                    Box::new(target),
                    parse_path(path, &arg_at(1))?,
                ));
            }
            let &(_, func, min, max) = FUNCTIONS
                .iter()
                .find(|(n, ..)| *n == name)
                .ok_or_else(|| err(at, format_args!("unknown function `{name}`")))?;
            if argv.len() < min || max.is_some_and(|max| argv.len() > max) {
                let expected = match max {
                    Some(max) if max == min => format!("{min}"),
                    Some(max) => format!("{min} to {max}"),
                    None => format!("at least {min}"),
                };
                return Err(err(
                    at,
                    format_args!("`{name}` takes {expected} arguments, got {}", argv.len()),
                ));
            }
            let mut args = Vec::with_capacity(argv.len());
            for (i, a) in argv.iter().enumerate() {
                args.push(expr(a, &arg_at(i), scope)?);
            }
            Ok(Expr::Call(func, args))
        }
    }
}

/// The expressions of a JSON array, each at `{at}[i]`.
fn exprs(items: &[Value], at: &str, scope: &[String]) -> Result<Vec<Expr>, EndpointError> {
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        out.push(expr(v, &format!("{at}[{i}]"), scope)?);
    }
    Ok(out)
}

fn check_in_scope(name: &str, scope: &[String]) -> Result<(), String> {
    if scope.iter().any(|s| s == name) {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is neither a parameter nor assigned by an enclosing condition"
        ))
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses a template string; the holes must name values in scope.
pub(crate) fn template(raw: &str, at: &str, scope: &[String]) -> Result<Template, EndpointError> {
    let bad = |msg: String| err(at, format_args!("template {raw:?}: {msg}"));
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                chars.next();
                lit.push('}');
            }
            '}' => return Err(bad(format!("unmatched `}}` at offset {i}"))),
            '{' => {
                let body_start = i + 1;
                let len = raw[body_start..]
                    .find(['}', '{'])
                    .filter(|&n| raw[body_start + n..].starts_with('}'))
                    .ok_or_else(|| bad(format!("unclosed `{{` at offset {i}")))?;
                let body = &raw[body_start..body_start + len];
                // Skip the body and its closing brace.
                while chars.peek().is_some_and(|&(j, _)| j <= body_start + len) {
                    chars.next();
                }
                let (name, path) = match body.split_once('#') {
                    Some((name, path)) => (name, parse_path(path, at)?),
                    None => (body, Path::default()),
                };
                if !is_identifier(name) {
                    return Err(bad(format!("`{{{body}}}` does not start with a name")));
                }
                check_in_scope(name, scope).map_err(bad)?;
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                parts.push(Part::Var(name.to_owned(), path));
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        parts.push(Part::Lit(lit));
    }
    Ok(Template {
        raw: raw.to_owned(),
        parts,
    })
}

/// Parses `key`, `key[2]`, `[2]` and dot-joined sequences of them.
pub(crate) fn parse_path(raw: &str, at: &str) -> Result<Path, EndpointError> {
    let bad = || err(at, format_args!("malformed path `{raw}`"));
    let mut segments = Vec::new();
    for part in raw.split('.') {
        let (key, index) = match part.find('[') {
            None => (part, None),
            Some(open) => {
                let inner = part[open + 1..].strip_suffix(']').ok_or_else(bad)?;
                let index: usize = inner.parse().map_err(|_| bad())?;
                if !inner.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                (&part[..open], Some(index))
            }
        };
        if !key.is_empty() {
            if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(bad());
            }
            segments.push(Segment::Key(key.to_owned()));
        } else if index.is_none() {
            return Err(bad());
        }
        if let Some(index) = index {
            segments.push(Segment::Index(index));
        }
    }
    Ok(Path {
        raw: raw.to_owned(),
        segments,
    })
}
