//! A Smithy endpoint rules engine: resolves an endpoint from a service's
//! `smithy.rules#endpointRuleSet` and parameter values, at run time.
//!
//! The rule set is interpreted rather than compiled to Rust so that generated crates carry
//! the model's rule set as data and one engine, tested once, serves every service. It
//! implements the Smithy rules-engine specification: parameters (`String`, `Boolean`,
//! `StringArray`, with defaults and `required`), endpoint / error / tree rules, conditions
//! with `assign`, template strings (`{Param}`, `{Ref#path}`, `{{` and `}}` for braces),
//! endpoint headers and properties, the standard library (`booleanEquals`, `stringEquals`,
//! `isSet`, `not`, `getAttr`, `isValidHostLabel`, `parseURL`, `substring`, `uriEncode`, and
//! from version 1.1 `coalesce`, `ite`, `split`) and the AWS functions (`aws.partition`,
//! `aws.parseArn`, `aws.isVirtualHostableS3Bucket`).
//!
//! ```
//! use aws_lite_runtime::endpoint::{resolve, Params, Partitions, RuleSet};
//!
//! let rules = RuleSet::from_json(r#"{
//!     "version": "1.0",
//!     "parameters": {"Region": {"type": "String", "required": true}},
//!     "rules": [
//!         {"type": "endpoint", "conditions": [
//!             {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"}],
//!          "endpoint": {"url": "https://svc.{Region}.{p#dnsSuffix}"}}
//!     ]
//! }"#)?;
//! let partitions = Partitions::from_json(r#"{"partitions": [{
//!     "id": "aws", "regionRegex": "^us\\-\\w+\\-\\d+$", "regions": {},
//!     "outputs": {"dnsSuffix": "amazonaws.com", "dualStackDnsSuffix": "api.aws",
//!                 "supportsFIPS": true, "supportsDualStack": true}}]}"#)?;
//! let endpoint = resolve(&rules, &partitions, &Params::new().with("Region", "us-west-2"))?;
//! assert_eq!(endpoint.url, "https://svc.us-west-2.amazonaws.com");
//!
//! let err = resolve(&rules, &partitions, &Params::new()).unwrap_err();
//! assert_eq!(err.to_string(), "missing required endpoint parameter `Region`");
//! # Ok::<(), aws_lite_runtime::endpoint::EndpointError>(())
//! ```

mod eval;
mod parse;
mod partition;
mod stdlib;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use crate::json::{Map, Value};

pub use partition::Partitions;

/// A parsed and checked endpoint rule set, ready for [`resolve`].
///
/// Parse it once (it is immutable) and resolve per request.
#[derive(Debug, Clone)]
pub struct RuleSet {
    parameters: Vec<parse::Parameter>,
    rules: Vec<parse::Rule>,
}

impl RuleSet {
    /// Parses the `smithy.rules#endpointRuleSet` document (`{version, parameters, rules}`).
    ///
    /// Checks everything that does not depend on parameter values (rule and parameter shapes,
    /// function names and argument counts, references and template holes naming values in
    /// scope, `getAttr` paths); the error names the place, such as
    /// `rules[1].conditions[0]`.
    pub fn from_json(json: &str) -> Result<RuleSet, EndpointError> {
        let (parameters, rules) = parse::rule_set(json)?;
        Ok(RuleSet { parameters, rules })
    }
}

/// A parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A `String` parameter.
    String(String),
    /// A `Boolean` parameter.
    Bool(bool),
    /// A `StringArray` parameter.
    StringArray(Vec<String>),
}

impl ParamValue {
    /// The value a JSON string, boolean or array of strings stands for (as in the
    /// `params` of `smithy.rules#endpointTests`); `None` for any other JSON.
    pub fn from_json(json: &Value) -> Option<ParamValue> {
        match json {
            Value::String(s) => Some(ParamValue::String(s.clone())),
            Value::Bool(b) => Some(ParamValue::Bool(*b)),
            Value::Array(items) => {
                let mut strings = Vec::with_capacity(items.len());
                for item in items {
                    strings.push(item.as_str()?.to_owned());
                }
                Some(ParamValue::StringArray(strings))
            }
            _ => None,
        }
    }

    fn to_json(&self) -> Value {
        match self {
            ParamValue::String(s) => Value::String(s.clone()),
            ParamValue::Bool(b) => Value::Bool(*b),
            ParamValue::StringArray(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(Value::String(item.clone()));
                }
                Value::Array(values)
            }
        }
    }
}

impl From<&str> for ParamValue {
    fn from(value: &str) -> Self {
        ParamValue::String(value.to_owned())
    }
}

impl From<String> for ParamValue {
    fn from(value: String) -> Self {
        ParamValue::String(value)
    }
}

impl From<bool> for ParamValue {
    fn from(value: bool) -> Self {
        ParamValue::Bool(value)
    }
}

impl From<Vec<String>> for ParamValue {
    fn from(value: Vec<String>) -> Self {
        ParamValue::StringArray(value)
    }
}

/// Parameter values by parameter name. Names the rule set does not declare are rejected by
/// [`resolve`], so a misspelt name fails instead of being ignored.
#[derive(Debug, Clone, Default)]
pub struct Params(pub BTreeMap<String, ParamValue>);

impl Params {
    /// No values set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value`, replacing any earlier value.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<ParamValue>) -> &mut Self {
        self.0.insert(name.into(), value.into());
        self
    }

    /// Sets `name` when `value` is `Some`, and leaves it unset otherwise (for optional
    /// configuration such as a region).
    pub fn set_opt<V: Into<ParamValue>>(
        &mut self,
        name: impl Into<String>,
        value: Option<V>,
    ) -> &mut Self {
        if let Some(value) = value {
            self.set(name, value);
        }
        self
    }

    /// [`Params::set`], by value, for chaining.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<ParamValue>) -> Self {
        self.set(name, value);
        self
    }

    /// The value set for `name`, if any (defaults are applied by [`resolve`], not here).
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.0.get(name)
    }
}

/// A resolved endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The URL to send the request to.
    pub url: String,
    /// Headers to add to the request, by name.
    pub headers: BTreeMap<String, Vec<String>>,
    /// Endpoint properties such as `authSchemes` (signing name and region overrides).
    pub properties: Map<String, Value>,
}

/// What went wrong resolving an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointErrorKind {
    /// An `error` rule matched: the configuration is not supported (the message is the rule
    /// set's own).
    Rule,
    /// No rule matched (the rule set does not cover these parameters).
    NoMatch,
    /// The parameters do not fit the rule set: a required one is missing, one has the wrong
    /// type, or one is not declared.
    InvalidParams,
    /// The rule set is malformed, found while parsing or, for a value of the wrong type,
    /// while evaluating.
    InvalidRuleSet,
    /// The partition table is malformed.
    InvalidPartitions,
}

/// An endpoint resolution failure. `Display` shows the message; for an `error` rule that is
/// the rule set's message verbatim (`Invalid Configuration: Missing Region`).
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointError {
    kind: EndpointErrorKind,
    message: String,
}

impl EndpointError {
    fn new(kind: EndpointErrorKind, message: String) -> Self {
        EndpointError { kind, message }
    }

    pub(crate) fn rule(message: String) -> Self {
        Self::new(EndpointErrorKind::Rule, message)
    }

    pub(crate) fn no_match(message: String) -> Self {
        Self::new(EndpointErrorKind::NoMatch, message)
    }

    pub(crate) fn invalid_params(message: String) -> Self {
        Self::new(EndpointErrorKind::InvalidParams, message)
    }

    pub(crate) fn invalid_rule_set(message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(
            EndpointErrorKind::InvalidRuleSet,
            format!("invalid endpoint rule set: {message}"),
        )
    }

    pub(crate) fn invalid_partitions(message: String) -> Self {
        Self::new(
            EndpointErrorKind::InvalidPartitions,
            format!("invalid partition table: {message}"),
        )
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> EndpointErrorKind {
        self.kind
    }

    /// The message, as `Display` shows it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EndpointError {}

/// Resolves the endpoint for `params` under `rules`, with `partitions` for `aws.partition`.
///
/// Applies parameter defaults first, then rejects a required parameter left without a value
/// (naming it), a value of the wrong type and a name the rule set does not declare. Rules
/// are tried in order; the first whose conditions hold decides: an endpoint, or an error
/// whose message is the rule set's.
pub fn resolve(
    rules: &RuleSet,
    partitions: &Partitions,
    params: &Params,
) -> Result<Endpoint, EndpointError> {
    let mut given = Vec::with_capacity(params.0.len());
    for (name, value) in &params.0 {
        given.push((name.as_str(), value));
    }
    resolve_given(rules, partitions, &given)
}

/// [`resolve`] for values given as pairs with unique names: lets the orchestrator skip building
/// a `BTreeMap`, whose insertion code is a lot to compile for one small map.
pub(crate) fn resolve_given(
    rules: &RuleSet,
    partitions: &Partitions,
    given: &[(&str, &ParamValue)],
) -> Result<Endpoint, EndpointError> {
    for (name, _) in given {
        if !rules.parameters.iter().any(|p| p.name == *name) {
            return Err(EndpointError::invalid_params(format!(
                "`{name}` is not an endpoint parameter of this rule set"
            )));
        }
    }
    let mut vars = Vec::with_capacity(rules.parameters.len());
    for parameter in &rules.parameters {
        let value = match given.iter().find(|(name, _)| *name == parameter.name) {
            Some((_, value)) => Some(*value),
            None => parameter.default.as_ref(),
        };
        match value {
            Some(value) if !parameter.ty.admits(value) => {
                return Err(EndpointError::invalid_params(format!(
                    "endpoint parameter `{}` must be a {}, got {value:?}",
                    parameter.name,
                    parameter.ty.name()
                )))
            }
            Some(value) => vars.push((parameter.name.as_str(), value.to_json())),
            None if parameter.required => {
                return Err(EndpointError::invalid_params(format!(
                    "missing required endpoint parameter `{}`",
                    parameter.name
                )))
            }
            None => {}
        }
    }
    eval::Eval::new(partitions, vars)
        .rules(&rules.rules)?
        .ok_or_else(|| EndpointError::no_match("no endpoint rule matched the parameters".into()))
}
