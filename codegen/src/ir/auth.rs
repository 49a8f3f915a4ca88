//! Pass: the auth schemes of each operation, in the order the client tries them.
//!
//! Smithy's rules: the service's auth traits (`aws.auth#sigv4`, `smithy.api#httpBearerAuth`,
//! ...) are the schemes it supports; `smithy.api#auth` on the service or an operation lists
//! which apply and in what order (an empty list: none, the request goes unsigned); without
//! it, every scheme of the service applies, sorted by shape id. `smithy.api#optionalAuth`
//! lets the request go unsigned when no identity is configured, and
//! `aws.auth#unsignedPayload` signs with `UNSIGNED-PAYLOAD` instead of the body's hash.
//!
//! SigV4a is also chosen at run time, by endpoint rules whose results name a `sigv4a` auth
//! scheme; [`rules_name_sigv4a`] tells when a crate needs the runtime's `sigv4a` feature for that.

use serde_json::Value;

use super::invalid;
use crate::model::{ModelError, Shape};

/// An auth scheme the runtime implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AuthScheme {
    /// `aws.auth#sigv4`.
    SigV4,
    /// `aws.auth#sigv4a` (the runtime's `sigv4a` feature).
    SigV4a,
    /// `smithy.api#httpBearerAuth`: `Authorization: Bearer <token>`.
    Bearer,
    /// No identity: the request goes unsigned (`smithy.api#noAuth`, `@optionalAuth`, or an
    /// empty `@auth`).
    Anonymous,
}

/// The auth of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthIr {
    /// Schemes in the order the client tries them; the first whose identity is available is
    /// used.
    pub schemes: Vec<AuthScheme>,
    /// `aws.auth#unsignedPayload`.
    pub unsigned_payload: bool,
}

const SIGV4: &str = "aws.auth#sigv4";
const SIGV4A: &str = "aws.auth#sigv4a";
const BEARER: &str = "smithy.api#httpBearerAuth";
const NO_AUTH: &str = "smithy.api#noAuth";

fn scheme(id: &str) -> Option<AuthScheme> {
    match id {
        SIGV4 => Some(AuthScheme::SigV4),
        SIGV4A => Some(AuthScheme::SigV4a),
        BEARER => Some(AuthScheme::Bearer),
        NO_AUTH => Some(AuthScheme::Anonymous),
        _ => None,
    }
}

/// The ids listed by an `@auth` trait value.
fn listed(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Auth scheme traits of Smithy and AWS that the runtime does not implement.
const OTHER_SCHEMES: &[&str] = &[
    "smithy.api#httpBasicAuth",
    "smithy.api#httpDigestAuth",
    "smithy.api#httpApiKeyAuth",
];

/// Auth scheme traits applied to the service, sorted by id.
fn service_schemes(service: &Shape) -> Vec<String> {
    let mut out: Vec<String> = service
        .traits
        .keys()
        .filter(|t| {
            matches!(t.as_str(), SIGV4 | SIGV4A | BEARER) || OTHER_SCHEMES.contains(&t.as_str())
        })
        .cloned()
        .collect();
    out.sort();
    out
}

/// Pass: the auth of `op` on `service`. An operation whose schemes are all unknown to the
/// runtime (and that may not go unsigned) is an error naming the schemes.
pub fn resolve_auth(service: &Shape, op: &Shape) -> Result<AuthIr, ModelError> {
    let supported = service_schemes(service);
    let effective: Vec<String> = match op
        .trait_value("auth")
        .or_else(|| service.trait_value("auth"))
    {
        Some(v) => listed(v),
        None => supported.clone(),
    };
    let mut schemes: Vec<AuthScheme> = effective.iter().filter_map(|id| scheme(id)).collect();
    if effective.is_empty() || op.has_trait("optionalAuth") {
        schemes.push(AuthScheme::Anonymous);
    }
    schemes.dedup();
    if schemes.is_empty() {
        return Err(invalid(
            &op.id,
            format!(
                "authenticates with {}, which the runtime does not implement (it implements \
                 {SIGV4}, {SIGV4A} and {BEARER})",
                effective.join(", ")
            ),
        ));
    }
    Ok(AuthIr {
        schemes,
        unsigned_payload: op.has_trait("aws.auth#unsignedPayload"),
    })
}

/// Whether an endpoint rule set can resolve to an endpoint whose `authSchemes` name `sigv4a`:
/// any `authSchemes` list in the rules with an entry named so.
pub fn rules_name_sigv4a(rules: &Value) -> bool {
    match rules {
        Value::Object(map) => map.iter().any(|(key, value)| {
            (key == "authSchemes"
                && value.as_array().is_some_and(|schemes| {
                    schemes
                        .iter()
                        .any(|s| s.get("name").and_then(Value::as_str) == Some("sigv4a"))
                }))
                || rules_name_sigv4a(value)
        }),
        Value::Array(items) => items.iter().any(rules_name_sigv4a),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    fn auth(service_traits: &str, op_traits: &str) -> Result<AuthIr, ModelError> {
        let text = format!(
            r#"{{"smithy": "2.0", "shapes": {{
                "t.s#Svc": {{"type": "service", "version": "1", "operations": [{{"target": "t.s#Op"}}],
                    "traits": {{{service_traits}}}}},
                "t.s#Op": {{"type": "operation", "traits": {{{op_traits}}}}}}}}}"#
        );
        let model = Model::from_json(&text)?;
        let service = model.service()?;
        resolve_auth(service, &model.shapes["t.s#Op"])
    }

    #[test]
    fn schemes_follow_the_auth_traits() {
        use AuthScheme::*;
        let both = r#""aws.auth#sigv4": {"name": "x"}, "smithy.api#httpBearerAuth": {}"#;
        // Without @auth: every scheme of the service, sorted by id.
        assert_eq!(auth(both, "").unwrap().schemes, [SigV4, Bearer]);
        // @auth on the service orders them; on the operation it overrides the service's.
        let ordered = format!(
            r#"{both}, "smithy.api#auth": ["smithy.api#httpBearerAuth", "aws.auth#sigv4"]"#
        );
        assert_eq!(auth(&ordered, "").unwrap().schemes, [Bearer, SigV4]);
        assert_eq!(
            auth(&ordered, r#""smithy.api#auth": ["aws.auth#sigv4"]"#)
                .unwrap()
                .schemes,
            [SigV4]
        );
        // An empty @auth: unsigned; @optionalAuth: unsigned when no identity is configured.
        assert_eq!(
            auth(both, r#""smithy.api#auth": []"#).unwrap().schemes,
            [Anonymous]
        );
        assert_eq!(
            auth(both, r#""smithy.api#optionalAuth": {}"#)
                .unwrap()
                .schemes,
            [SigV4, Bearer, Anonymous]
        );
        let unsigned = auth(both, r#""aws.auth#unsignedPayload": {}"#).unwrap();
        assert!(unsigned.unsigned_payload);
        let err = auth(r#""smithy.api#httpBasicAuth": {}"#, "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.s#Op: authenticates with smithy.api#httpBasicAuth, which the runtime does not \
             implement (it implements aws.auth#sigv4, aws.auth#sigv4a and \
             smithy.api#httpBearerAuth)"
        );
        // SigV4a is a scheme like the others, sorted by id without @auth.
        let asym = r#""aws.auth#sigv4a": {"name": "x"}, "aws.auth#sigv4": {"name": "x"}"#;
        assert_eq!(auth(asym, "").unwrap().schemes, [SigV4, SigV4a]);
        let ordered =
            format!(r#"{asym}, "smithy.api#auth": ["aws.auth#sigv4a", "aws.auth#sigv4"]"#);
        assert_eq!(auth(&ordered, "").unwrap().schemes, [SigV4a, SigV4]);
    }

    #[test]
    fn rules_that_name_sigv4a_are_found_at_any_depth() {
        let endpoint = |schemes: &str| {
            serde_json::from_str::<Value>(&format!(
                r#"{{"rules": [{{"type": "tree", "rules": [{{"type": "endpoint", "endpoint":
                    {{"url": "https://x", "properties": {{"authSchemes": {schemes}}}}}}}]}}]}}"#
            ))
            .unwrap()
        };
        assert!(rules_name_sigv4a(&endpoint(
            r#"[{"name": "sigv4a", "signingRegionSet": ["*"]}]"#
        )));
        assert!(rules_name_sigv4a(&endpoint(
            r#"[{"name": "sigv4"}, {"name": "sigv4a"}]"#
        )));
        assert!(!rules_name_sigv4a(&endpoint(r#"[{"name": "sigv4"}]"#)));
        // The word elsewhere (a documentation string, a URL) does not count.
        assert!(!rules_name_sigv4a(
            &serde_json::from_str(r#"{"documentation": "sigv4a", "url": "https://sigv4a"}"#)
                .unwrap()
        ));
    }
}
