//! Pass: the service shape's names, signing name and endpoint rules.

use serde_json::Value;

use super::{docs_of, Options, ServiceIr};
use crate::model::{Shape, ShapeKind};
use crate::names;

pub fn resolve_service(service: &Shape, options: &Options) -> ServiceIr {
    let sdk_id = service
        .trait_value("aws.api#service")
        .and_then(|v| v.get("sdkId"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| service.name().to_owned());
    let version = match &service.kind {
        ShapeKind::Service(b) => b.version.clone().unwrap_or_default(),
        _ => String::new(),
    };
    ServiceIr {
        id: service.id.clone(),
        crate_name: options
            .crate_name
            .clone()
            .unwrap_or_else(|| names::crate_name(&sdk_id)),
        crate_version: options
            .crate_version
            .clone()
            .unwrap_or_else(|| "0.1.0".to_owned()),
        title: service
            .trait_value("title")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| sdk_id.clone()),
        sdk_id,
        version,
        docs: docs_of(&service.traits),
        // SigV4's name, else SigV4a's: a service with only `aws.auth#sigv4a` signs as it says.
        signing_name: ["aws.auth#sigv4", "aws.auth#sigv4a"]
            .iter()
            .find_map(|t| service.trait_value(t))
            .and_then(|v| v.get("name"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        endpoint_rules: service.trait_value("smithy.rules#endpointRuleSet").cloned(),
        endpoint_tests: service.trait_value("smithy.rules#endpointTests").cloned(),
    }
}
