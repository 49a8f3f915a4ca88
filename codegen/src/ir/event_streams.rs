//! Pass: operations with an event stream are left out of the generated crate.
//!
//! An event stream (a member targeting a `@streaming` union) needs the
//! `application/vnd.amazon.eventstream` framing, which the runtime does not implement. A
//! client that compiled and then failed on the first frame would be worse than none, so these
//! operations are removed from the service before anything else is resolved; the generator
//! warns about each, and the crate's docs list them.

use super::{op_name, LeftOut};
use crate::model::{Model, Shape, ShapeKind};

/// Pass: removes every operation whose input or output has an event stream member from the
/// service (and its resources), and returns what was left out, sorted by name.
pub fn leave_out_event_streams(model: &mut Model, service: &Shape) -> Vec<LeftOut> {
    let mut left_out = Vec::new();
    for op_id in model.service_operations(service) {
        let Some(ShapeKind::Operation(op)) = model.shape(&op_id).map(|s| &s.kind) else {
            continue;
        };
        let streams: Vec<String> = [("input", &op.input), ("output", &op.output)]
            .into_iter()
            .filter_map(|(side, id)| {
                let members = model.shape(id)?.kind.members();
                let m = members.into_iter().find(|m| {
                    model.shape(&m.target).is_some_and(|t| {
                        matches!(t.kind, ShapeKind::Union(_)) && t.has_trait("streaming")
                    })
                })?;
                Some(format!("{side} member `{}`", m.name))
            })
            .collect();
        if streams.is_empty() {
            continue;
        }
        left_out.push(LeftOut {
            id: op_id.clone(),
            name: op_name(service, &model.shapes[&op_id]),
            reason: format!(
                "has an event stream ({}); event streams are not supported",
                streams.join(", ")
            ),
        });
    }
    for shape in model.shapes.values_mut() {
        if let ShapeKind::Service(b) | ShapeKind::Resource(b) = &mut shape.kind {
            b.operations.retain(|o| left_out.iter().all(|l| &l.id != o));
            b.lifecycle
                .retain(|_, o| left_out.iter().all(|l| &l.id != o));
        }
    }
    left_out.sort_by(|a, b| a.name.cmp(&b.name));
    left_out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Ir, Options};

    #[test]
    fn event_stream_operations_are_left_out() {
        let text = r#"{"smithy": "2.0", "shapes": {
            "t.s#Svc": {"type": "service", "version": "1",
                "operations": [{"target": "t.s#Chat"}, {"target": "t.s#Get"}],
                "traits": {"aws.protocols#restJson1": {}}},
            "t.s#Chat": {"type": "operation", "output": {"target": "t.s#ChatOut"},
                "traits": {"smithy.api#http": {"method": "POST", "uri": "/chat"}}},
            "t.s#ChatOut": {"type": "structure", "members": {
                "stream": {"target": "t.s#Events", "traits": {"smithy.api#httpPayload": {}}}}},
            "t.s#Events": {"type": "union", "members": {"a": {"target": "t.s#A"}},
                "traits": {"smithy.api#streaming": {}}},
            "t.s#A": {"type": "structure", "members": {}},
            "t.s#Get": {"type": "operation",
                "traits": {"smithy.api#http": {"method": "GET", "uri": "/get"}}}
        }}"#;
        let ir = Ir::build(&Model::from_json(text).unwrap(), &Options::default()).unwrap();
        let names: Vec<&str> = ir.operations.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["Get"]);
        assert_eq!(ir.left_out.len(), 1);
        assert_eq!(ir.left_out[0].name, "Chat");
        assert_eq!(
            ir.left_out[0].reason,
            "has an event stream (output member `stream`); event streams are not supported"
        );
        assert!(!ir.unions.contains_key("t.s#Events"));
    }
}
