//! Walks a parsed rule set with parameter values bound.
//!
//! Values are JSON [`Value`]s (strings, booleans, integers, arrays, objects); an unset
//! value is `None`. Parsing has already checked names and arities, so what can still go wrong
//! here is a value of the wrong type reaching a function or template, reported as an invalid
//! rule set at the rule where it happened.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::json::{Map, Value};

use super::parse::{
    Condition, EndpointSpec, Expr, Func, Part, Path, Prop, Rule, RuleKind, Segment, Template,
};
use super::{stdlib, Endpoint, EndpointError, Partitions};

/// Where one part of a template landed in its text; `true` for literal text.
type Span = (Range<usize>, bool);

pub(crate) struct Eval<'a> {
    partitions: &'a Partitions,
    /// Bound names, innermost last: parameters first, then assignments of enclosing rules.
    vars: Vec<(&'a str, Value)>,
    /// The rule being evaluated, for error messages.
    at: &'a str,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Eval<'a> {
    pub(crate) fn new(partitions: &'a Partitions, vars: Vec<(&'a str, Value)>) -> Self {
        Eval {
            partitions,
            vars,
            at: "rules",
        }
    }

    fn bad(&self, msg: impl std::fmt::Display) -> EndpointError {
        EndpointError::invalid_rule_set(format!("{}: {msg}", self.at))
    }

    /// Evaluates rules in order: `Ok(None)` when none matched.
    pub(crate) fn rules(&mut self, rules: &'a [Rule]) -> Result<Option<Endpoint>, EndpointError> {
        for rule in rules {
            if let Some(endpoint) = self.rule(rule)? {
                return Ok(Some(endpoint));
            }
        }
        Ok(None)
    }

    /// `Ok(None)` when a condition failed; an error rule that matches is an `Err`.
    fn rule(&mut self, rule: &'a Rule) -> Result<Option<Endpoint>, EndpointError> {
        let outer_vars = self.vars.len();
        let outer_at = self.at;
        self.at = &rule.at;
        let result = self.rule_body(rule);
        self.vars.truncate(outer_vars);
        self.at = outer_at;
        result
    }

    fn rule_body(&mut self, rule: &'a Rule) -> Result<Option<Endpoint>, EndpointError> {
        for Condition { expr, assign } in &rule.conditions {
            match self.expr(expr)? {
                None | Some(Value::Bool(false)) => return Ok(None),
                Some(value) => {
                    if let Some(name) = assign {
                        self.vars.push((name.as_str(), value));
                    }
                }
            }
        }
        match &rule.kind {
            RuleKind::Endpoint(spec) => self.endpoint(spec).map(Some),
            RuleKind::Error(message) => {
                let message = self.string(message, "the error message")?;
                Err(EndpointError::rule(message))
            }
            RuleKind::Tree(children) => match self.rules(children)? {
                Some(endpoint) => Ok(Some(endpoint)),
                // Tree rules are terminal: once their conditions hold, no sibling is tried.
                None => Err(EndpointError::no_match(format!(
                    "no rule under `{}` matched, and tree rules are terminal",
                    rule.at
                ))),
            },
        }
    }

    fn endpoint(&mut self, spec: &'a EndpointSpec) -> Result<Endpoint, EndpointError> {
        let url = match &spec.url {
            Expr::Str(t) => {
                let (url, spans) = self.render(t)?;
                check_url_host(&url, &spans).map_err(|why| {
                    EndpointError::invalid_params(format!(
                        "the endpoint parameters do not fit the URL template {:?} of `{}`: \
                         {why}",
                        t.raw, self.at
                    ))
                })?;
                url
            }
            other => self.string(other, "the endpoint url")?,
        };
        let mut headers = BTreeMap::new();
        for (name, values) in &spec.headers {
            let mut strings = Vec::with_capacity(values.len());
            for v in values {
                strings.push(self.string(v, &format!("header `{name}`"))?);
            }
            headers.insert(name.clone(), strings);
        }
        let mut properties = Map::new();
        for (key, prop) in &spec.properties {
            properties.insert(key.clone(), self.prop(prop)?);
        }
        Ok(Endpoint {
            url,
            headers,
            properties,
        })
    }

    fn prop(&self, prop: &Prop) -> Result<Value, EndpointError> {
        Ok(match prop {
            Prop::Str(t) => Value::String(self.template(t)?),
            Prop::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                for p in items {
                    values.push(self.prop(p)?);
                }
                Value::Array(values)
            }
            Prop::Object(entries) => {
                let mut map = Map::new();
                for (k, p) in entries {
                    map.insert(k.clone(), self.prop(p)?);
                }
                Value::Object(map)
            }
            Prop::Other(v) => v.clone(),
        })
    }

    /// Evaluates an expression that must produce a string.
    fn string(&mut self, expr: &Expr, what: &str) -> Result<String, EndpointError> {
        match self.expr(expr)? {
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(self.bad(format_args!(
                "{what} is {}, expected a string",
                kind(&other)
            ))),
            None => Err(self.bad(format_args!("{what} is not set"))),
        }
    }

    fn lookup(&self, name: &str) -> Option<&Value> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    fn template(&self, t: &Template) -> Result<String, EndpointError> {
        Ok(self.render(t)?.0)
    }

    /// A template's text, and where in it each part landed (`true` for literal text).
    fn render(&self, t: &Template) -> Result<(String, Vec<Span>), EndpointError> {
        let mut out = String::new();
        let mut spans = Vec::with_capacity(t.parts.len());
        for part in &t.parts {
            let from = out.len();
            match part {
                Part::Lit(s) => {
                    out.push_str(s);
                    spans.push((from..out.len(), true));
                }
                Part::Var(name, path) => {
                    let hole = if path.raw.is_empty() {
                        name.clone()
                    } else {
                        format!("{name}#{}", path.raw)
                    };
                    let value = match self.lookup(name) {
                        Some(v) => self.walk(v, path)?,
                        None => None,
                    };
                    match value {
                        Some(Value::String(s)) => {
                            out.push_str(&s);
                            spans.push((from..out.len(), false));
                        }
                        Some(other) => {
                            return Err(self.bad(format_args!(
                                "template {:?}: `{{{hole}}}` is {}, expected a string",
                                t.raw,
                                kind(&other)
                            )))
                        }
                        None => {
                            return Err(self.bad(format_args!(
                                "template {:?}: `{{{hole}}}` is not set",
                                t.raw
                            )))
                        }
                    }
                }
            }
        }
        Ok((out, spans))
    }

    /// Follows a `getAttr` path; a missing key or index is unset, the wrong shape an error.
    fn walk(&self, value: &Value, path: &Path) -> Result<Option<Value>, EndpointError> {
        let mut current = value;
        for segment in &path.segments {
            let next = match (segment, current) {
                (Segment::Key(key), Value::Object(map)) => map.get(key),
                (Segment::Index(i), Value::Array(items)) => items.get(*i),
                (Segment::Key(key), other) => {
                    return Err(self.bad(format_args!(
                        "getAttr `{}`: `{key}` of {}",
                        path.raw,
                        kind(other)
                    )))
                }
                (Segment::Index(i), other) => {
                    return Err(self.bad(format_args!(
                        "getAttr `{}`: `[{i}]` of {}",
                        path.raw,
                        kind(other)
                    )))
                }
            };
            match next {
                None | Some(Value::Null) => return Ok(None),
                Some(v) => current = v,
            }
        }
        Ok(Some(current.clone()))
    }

    pub(crate) fn expr(&mut self, expr: &Expr) -> Result<Option<Value>, EndpointError> {
        match expr {
            Expr::Literal(v) => Ok(Some(v.clone())),
            Expr::Str(t) => Ok(Some(Value::String(self.template(t)?))),
            Expr::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match self.expr(item)? {
                        Some(v) => out.push(v),
                        None => return Err(self.bad("an array element is not set")),
                    }
                }
                Ok(Some(Value::Array(out)))
            }
            Expr::Ref(name) => Ok(self.lookup(name).cloned()),
            Expr::GetAttr(target, path) => match self.expr(target)? {
                Some(v) => self.walk(&v, path),
                None => Ok(None),
            },
            Expr::Call(func, args) => self.call(*func, args),
        }
    }

    fn call(&mut self, func: Func, args: &[Expr]) -> Result<Option<Value>, EndpointError> {
        match func {
            Func::IsSet => return Ok(Some(Value::Bool(self.expr(&args[0])?.is_some()))),
            Func::Coalesce => {
                // Lazily, in order: the first set value, else the last argument's (unset).
                for arg in args {
                    if let Some(v) = self.expr(arg)? {
                        return Ok(Some(v));
                    }
                }
                return Ok(None);
            }
            Func::Ite => {
                return match self.expr(&args[0])? {
                    Some(Value::Bool(c)) => self.expr(&args[if c { 1 } else { 2 }]),
                    None => Ok(None),
                    Some(other) => Err(self.bad(format_args!(
                        "`ite` condition is {}, expected a boolean",
                        kind(&other)
                    ))),
                };
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            // A well-typed rule set guards optional values with `isSet`; if one slips through
            // unset, the call is unset too, which fails its condition rather than guessing.
            match self.expr(arg)? {
                Some(v) => values.push(v),
                None => return Ok(None),
            }
        }
        let a = Args {
            eval: self,
            func,
            values: &values,
        };
        let out = match func {
            Func::BooleanEquals => Value::Bool(a.bool(0)? == a.bool(1)?),
            Func::StringEquals => Value::Bool(a.str(0)? == a.str(1)?),
            Func::Not => Value::Bool(!a.bool(0)?),
            Func::IsValidHostLabel => {
                Value::Bool(stdlib::is_valid_host_label(a.str(0)?, a.bool(1)?))
            }
            Func::ParseUrl => return Ok(stdlib::parse_url(a.str(0)?)),
            Func::Substring => {
                let s = stdlib::substring(a.str(0)?, a.int(1)?, a.int(2)?, a.bool(3)?);
                return Ok(s.map(Value::String));
            }
            Func::UriEncode => Value::String(stdlib::uri_encode(a.str(0)?)),
            Func::Split => {
                let delimiter = a.str(1)?;
                if delimiter.is_empty() {
                    return Err(self.bad("`split` delimiter is empty"));
                }
                let limit = usize::try_from(a.int(2)?)
                    .map_err(|_| self.bad("`split` limit is negative"))?;
                let mut parts = Vec::new();
                for part in stdlib::split(a.str(0)?, delimiter, limit) {
                    parts.push(Value::String(part));
                }
                Value::Array(parts)
            }
            Func::AwsPartition => return Ok(self.partitions.lookup(a.str(0)?)),
            Func::AwsParseArn => return Ok(stdlib::parse_arn(a.str(0)?)),
            Func::AwsIsVirtualHostableS3Bucket => {
                Value::Bool(stdlib::is_virtual_hostable_s3_bucket(a.str(0)?, a.bool(1)?))
            }
            Func::IsSet | Func::Coalesce | Func::Ite => unreachable!("handled above"),
        };
        Ok(Some(out))
    }
}

/// Typed access to evaluated arguments, with errors naming the function and position.
struct Args<'e, 'a> {
    eval: &'e Eval<'a>,
    func: Func,
    values: &'e [Value],
}

impl<'e> Args<'e, '_> {
    fn wrong(&self, i: usize, expected: &str) -> EndpointError {
        let got = self.values.get(i).map_or("missing", kind);
        self.eval.bad(format_args!(
            "`{}` argument {} is {got}, expected {expected}",
            self.func.name(),
            i + 1
        ))
    }

    fn str(&self, i: usize) -> Result<&'e str, EndpointError> {
        self.values
            .get(i)
            .and_then(Value::as_str)
            .ok_or_else(|| self.wrong(i, "a string"))
    }

    fn bool(&self, i: usize) -> Result<bool, EndpointError> {
        self.values
            .get(i)
            .and_then(Value::as_bool)
            .ok_or_else(|| self.wrong(i, "a boolean"))
    }

    fn int(&self, i: usize) -> Result<i64, EndpointError> {
        self.values
            .get(i)
            .and_then(Value::as_i64)
            .ok_or_else(|| self.wrong(i, "an integer"))
    }
}

/// Checks that the values put into an endpoint URL template left its host where the template
/// meant it. After the template's own `://`, each value must either lie wholly in the host
/// (host-name characters only) or, as a path does, start with `/`, `?` or `#` after a complete
/// host; and the authority of the result holds host-name characters only (no `@` turning the
/// start of the host into user information, no space or control character). A region such as
/// `evil.com/x` or `x@evil.example/` would otherwise send a signed request to a host of its
/// choosing. A template whose `://` comes from a value (`{Endpoint}`, the user's own URL,
/// checked when the client is made) is only checked for its authority's characters.
///
/// `spans` are the byte ranges of the result each part of the template wrote, `true` for
/// literal text.
fn check_url_host(url: &str, spans: &[Span]) -> Result<(), String> {
    let Some(sep) = url.find("://") else {
        return Err("the result is not an absolute URL".to_owned());
    };
    let start = sep + 3;
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    if let Some(bad) = url[start..end]
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-._~:[]%".contains(*c)))
    {
        return Err(format!(
            "the host would hold {bad:?}, which is not a host-name character"
        ));
    }
    let Some(literal_sep) = spans.iter().find_map(|(r, literal)| {
        let found = url[r.start..r.end].find("://");
        found.filter(|_| *literal).map(|i| r.start + i)
    }) else {
        return Ok(());
    };
    if literal_sep != sep {
        return Err("a value ahead of the template's `://` holds another `://`".to_owned());
    }
    // Walk what follows `://`, part by part, until the host ends.
    for (r, literal) in spans.iter().filter(|(r, _)| r.end > start) {
        let text = &url[r.start.max(start)..r.end];
        if *literal {
            if text.contains(['/', '?', '#']) {
                return Ok(());
            }
        } else if text.starts_with(['/', '?', '#']) {
            let host = &url[start..r.start];
            if host.is_empty() || host.ends_with(['.', '-', ':']) {
                return Err("a value ends the host early".to_owned());
            }
            return Ok(());
        } else if text.contains(['/', '?', '#']) {
            return Err("a value ends the host early (it holds `/`, `?` or `#`)".to_owned());
        }
    }
    Ok(())
}
