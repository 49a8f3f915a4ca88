//! Pass: the items member of paginators whose `@paginated` trait names none.
//!
//! Such a member is inferred when the output has exactly one list member in its body. Left
//! at that, a harmless model update (a second list member in the output) would remove the
//! paginator's `items()`, a breaking change from a non-breaking update. So what was
//! inferred is pinned in a reviewed file (as botocore pins its paginators' `result_key`s):
//! a pinned member is used while it is still a list member of the output, and the file is
//! written back with what every such paginator uses now.

use std::collections::BTreeMap;

use super::*;
use crate::model::ModelError;

/// Pass: applies `pins` (operation name to items member, `None` for none) to the
/// paginators whose model names no items, and returns what they all use now. A pin naming
/// a member that is not a list in the output's body is an error naming the operation and
/// the member.
pub fn pin_items(
    ir: &mut Ir,
    pins: Option<&BTreeMap<String, Option<String>>>,
) -> Result<BTreeMap<String, Option<String>>, ModelError> {
    let mut used = BTreeMap::new();
    for op in &mut ir.operations {
        let Some(paginated) = op.paginated.as_mut().filter(|p| p.items_pinnable) else {
            continue;
        };
        if let Some(pinned) = pins.and_then(|p| p.get(&op.name)) {
            if let Some(member) = pinned {
                let output = &ir.structures[&op.output];
                let is_list = output.members.iter().any(|m| {
                    &m.name == member
                        && matches!(m.ty, Ty::List { .. })
                        && m.binding == HttpBinding::Body
                });
                if !is_list {
                    return Err(invalid(
                        &op.id,
                        format!(
                            "the paginator's items are pinned to output member `{member}`, which \
                             is not a list member of the output's body any more (remove the \
                             operation from the pins file to infer its items again, or pin \
                             another member)"
                        ),
                    ));
                }
            }
            paginated.items = pinned.clone();
        }
        used.insert(op.name.clone(), paginated.items.clone());
    }
    Ok(used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    /// A paginated `ListThings` whose output has the given extra members.
    fn model(extra_members: &str) -> Model {
        Model::from_json(&model_json(extra_members)).unwrap()
    }

    fn model_json(extra_members: &str) -> String {
        format!(
            r#"{{"smithy": "2.0", "shapes": {{
                "t.s#Svc": {{"type": "service", "version": "1",
                    "operations": [{{"target": "t.s#ListThings"}}],
                    "traits": {{"aws.protocols#restJson1": {{}}}}}},
                "t.s#ListThings": {{"type": "operation",
                    "input": {{"target": "t.s#In"}}, "output": {{"target": "t.s#Out"}},
                    "traits": {{"smithy.api#http": {{"method": "GET", "uri": "/things"}},
                        "smithy.api#readonly": {{}},
                        "smithy.api#paginated": {{"inputToken": "nextToken",
                            "outputToken": "nextToken"}}}}}},
                "t.s#In": {{"type": "structure", "members": {{
                    "nextToken": {{"target": "smithy.api#String",
                        "traits": {{"smithy.api#httpQuery": "nextToken"}}}}}}}},
                "t.s#Out": {{"type": "structure", "members": {{
                    "nextToken": {{"target": "smithy.api#String"}},
                    "things": {{"target": "t.s#Names"}}{extra_members}}}}},
                "t.s#Names": {{"type": "list", "member": {{"target": "smithy.api#String"}}}}
            }}}}"#
        )
    }

    fn build(model: &Model, pins: Option<&[(&str, Option<&str>)]>) -> Result<Ir, ModelError> {
        let options = Options {
            pinned_items: pins.map(|p| {
                p.iter()
                    .map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned)))
                    .collect()
            }),
            ..Options::default()
        };
        Ir::build(model, &options)
    }

    fn items(ir: &Ir) -> Option<String> {
        ir.operations[0].paginated.as_ref().unwrap().items.clone()
    }

    #[test]
    fn inferred_items_are_reported_for_pinning() {
        let ir = build(&model(""), None).unwrap();
        assert_eq!(items(&ir).as_deref(), Some("things"));
        assert_eq!(
            ir.item_pins,
            BTreeMap::from([("ListThings".to_owned(), Some("things".to_owned()))])
        );
    }

    /// The harmless update: a second list member. Unpinned, `items()` disappears; pinned, it
    /// stays.
    #[test]
    fn a_second_list_member_keeps_pinned_items() {
        let updated = model(r#", "others": {"target": "t.s#Names"}"#);
        assert_eq!(items(&build(&updated, None).unwrap()), None);
        let ir = build(&updated, Some(&[("ListThings", Some("things"))])).unwrap();
        assert_eq!(items(&ir).as_deref(), Some("things"));
        assert_eq!(ir.item_pins["ListThings"].as_deref(), Some("things"));
        // A pinned "no items" stays none even where one list could be inferred.
        let ir = build(&model(""), Some(&[("ListThings", None)])).unwrap();
        assert_eq!(items(&ir), None);
        assert_eq!(ir.item_pins["ListThings"], None);
    }

    #[test]
    fn a_pin_to_a_member_that_is_gone_is_an_error_naming_it() {
        let err = build(&model(""), Some(&[("ListThings", Some("gone"))])).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("t.s#ListThings"), "{text}");
        assert!(text.contains("pinned to output member `gone`"), "{text}");
        // A member that is there but not a list is refused too.
        let err = build(&model(""), Some(&[("ListThings", Some("nextToken"))])).unwrap_err();
        assert!(err.to_string().contains("`nextToken`"), "{err}");
    }

    /// Paginators whose model names the items are not pinned: the model is the authority.
    #[test]
    fn modeled_items_are_not_pinned() {
        let json = model_json(r#", "others": {"target": "t.s#Names"}"#).replace(
            r#""outputToken": "nextToken""#,
            r#""outputToken": "nextToken", "items": "others""#,
        );
        let ir = build(
            &Model::from_json(&json).unwrap(),
            Some(&[("ListThings", Some("things"))]),
        )
        .unwrap();
        assert_eq!(items(&ir).as_deref(), Some("others"));
        assert!(ir.item_pins.is_empty());
    }
}
