//! Pass: the service's protocol. Only `aws.protocols#restJson1` is generated; any other
//! protocol (or none) is refused before anything is written, naming the protocol and the
//! service, so that an XML or query service never gets a JSON client.

use super::invalid;
use crate::model::{Model, ModelError, Shape};

/// The protocol trait this generator implements.
pub const REST_JSON_1: &str = "aws.protocols#restJson1";

/// Protocol traits known to exist, for the message; a trait whose shape carries
/// `@protocolDefinition` in the model counts too.
const KNOWN: &[&str] = &[
    "aws.protocols#awsJson1_0",
    "aws.protocols#awsJson1_1",
    "aws.protocols#awsQuery",
    "aws.protocols#ec2Query",
    "aws.protocols#restXml",
    "smithy.protocols#rpcv2Cbor",
];

/// Pass: the service declares `aws.protocols#restJson1`, else an error naming the
/// protocols it declares (or that it declares none) and the service.
pub fn check_protocol(model: &Model, service: &Shape) -> Result<(), ModelError> {
    if service.traits.contains_key(REST_JSON_1) {
        return Ok(());
    }
    let declared: Vec<&str> = service
        .traits
        .keys()
        .map(String::as_str)
        .filter(|t| {
            KNOWN.contains(t)
                || t.starts_with("aws.protocols#")
                || model
                    .shape(t)
                    .is_some_and(|s| s.has_trait("protocolDefinition"))
        })
        .collect();
    let message = match declared.as_slice() {
        [] => format!(
            "service declares no protocol trait; this generator supports only {REST_JSON_1}"
        ),
        [one] => format!(
            "service uses protocol {one}, which this generator does not support (only \
             {REST_JSON_1}); nothing was generated"
        ),
        many => format!(
            "service uses protocols {}, none of which this generator supports (only \
             {REST_JSON_1}); nothing was generated",
            many.join(", ")
        ),
    };
    Err(invalid(&service.id, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(traits: &str) -> Result<(), ModelError> {
        let text = format!(
            r#"{{"smithy": "2.0", "shapes": {{
                "t.s#Svc": {{"type": "service", "version": "1", "traits": {{{traits}}}}}}}}}"#
        );
        let model = Model::from_json(&text)?;
        check_protocol(&model, model.service()?)
    }

    #[test]
    fn rest_json_is_accepted_and_others_are_named() {
        check(r#""aws.protocols#restJson1": {}"#).unwrap();
        check(r#""aws.protocols#restJson1": {}, "aws.protocols#awsJson1_1": {}"#).unwrap();
        for p in [
            "awsJson1_0",
            "awsJson1_1",
            "awsQuery",
            "ec2Query",
            "restXml",
        ] {
            let err = check(&format!(r#""aws.protocols#{p}": {{}}"#)).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "t.s#Svc: service uses protocol aws.protocols#{p}, which this generator \
                     does not support (only aws.protocols#restJson1); nothing was generated"
                )
            );
        }
        let err = check(r#""smithy.api#title": "x""#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.s#Svc: service declares no protocol trait; this generator supports only \
             aws.protocols#restJson1"
        );
    }
}
