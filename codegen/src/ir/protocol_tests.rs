//! Pass: the `smithy.test` protocol compliance cases that apply to clients.

use serde_json::Value;

use super::Ir;
use crate::model::{Model, ShapeId};

/// What a protocol test checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolTestKind {
    /// `httpRequestTests`: the request serialized from `params`.
    Request,
    /// `httpResponseTests` on the operation: the output parsed from a response.
    Response,
    /// `httpResponseTests` on an error structure: that error parsed from a response.
    Error(ShapeId),
}

/// One test case, as the model gives it (`id`, `params`, `method`, `uri`, `headers`, ...).
#[derive(Debug, Clone)]
pub struct ProtocolTestIr {
    /// The case's `id`.
    pub id: String,
    /// What it checks.
    pub kind: ProtocolTestKind,
    /// The whole case.
    pub case: Value,
}

const REQUEST: &str = "smithy.test#httpRequestTests";
const RESPONSE: &str = "smithy.test#httpResponseTests";

fn client_cases(value: Option<&Value>) -> Vec<(String, Value)> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| {
            matches!(
                c.get("appliesTo").and_then(Value::as_str),
                None | Some("client") | Some("both")
            )
        })
        .filter_map(|c| Some((c.get("id")?.as_str()?.to_owned(), c.clone())))
        .collect()
}

/// Pass: every client request and response test of each operation; the response tests of an
/// error structure go to the first operation (by name) that can return it.
pub fn collect_protocol_tests(model: &Model, ir: &mut Ir) {
    let mut error_tests: Vec<(ShapeId, Vec<(String, Value)>)> = Vec::new();
    for id in ir.structures.keys() {
        if let Some(shape) = model.shape(id) {
            let cases = client_cases(shape.trait_value(RESPONSE));
            if !cases.is_empty() {
                error_tests.push((id.clone(), cases));
            }
        }
    }
    for op in &mut ir.operations {
        let Some(shape) = model.shape(&op.id) else {
            continue;
        };
        for (id, case) in client_cases(shape.trait_value(REQUEST)) {
            op.protocol_tests.push(ProtocolTestIr {
                id,
                kind: ProtocolTestKind::Request,
                case,
            });
        }
        for (id, case) in client_cases(shape.trait_value(RESPONSE)) {
            op.protocol_tests.push(ProtocolTestIr {
                id,
                kind: ProtocolTestKind::Response,
                case,
            });
        }
    }
    for (error, cases) in error_tests {
        if let Some(op) = ir.operations.iter_mut().find(|o| o.errors.contains(&error)) {
            for (id, case) in cases {
                op.protocol_tests.push(ProtocolTestIr {
                    id,
                    kind: ProtocolTestKind::Error(error.clone()),
                    case,
                });
            }
        }
    }
}
