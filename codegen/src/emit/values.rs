//! Expressions that convert one value between its Rust type and the wire: JSON values,
//! URI labels, query strings and headers. Shared by structures, unions and operations.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::{rust_type, type_path};
use crate::ir::{Ir, Ty};

/// The runtime's `Format` for a `@timestampFormat` value, else `default`.
pub(crate) fn ts_format(format: Option<&str>, default: &str) -> TokenStream {
    match format.unwrap_or(default) {
        "date-time" => quote! { ::aws_lite_runtime::time::Format::DateTime },
        "http-date" => quote! { ::aws_lite_runtime::time::Format::HttpDate },
        _ => quote! { ::aws_lite_runtime::time::Format::EpochSeconds },
    }
}

fn element_format<'a>(ty: &'a Ty, member_format: Option<&'a str>) -> Option<&'a str> {
    match ty {
        Ty::Timestamp(f) => member_format.or(f.as_deref()),
        _ => member_format,
    }
}

/// A `Value` expression for `v`, an expression of type `&T`.
pub(crate) fn to_json(ir: &Ir, ty: &Ty, v: TokenStream, format: Option<&str>) -> TokenStream {
    let json = quote! { ::aws_lite_runtime::json };
    match ty {
        // Runtime functions rather than inline expressions: as element writers they are passed
        // as they are, where an expression would be a closure (and a shim) per member.
        Ty::String => quote! { #json::string_value(#v) },
        Ty::BigInteger | Ty::BigDecimal => quote! { #json::big_number_value(#v) },
        Ty::Bool => quote! { #json::Value::Bool(*#v) },
        Ty::Byte | Ty::Short | Ty::Integer | Ty::Long => quote! { #json::Value::from(*#v) },
        Ty::Float => quote! { #json::float_value(*#v) },
        Ty::Double => quote! { #json::double_value(*#v) },
        Ty::Blob => quote! { #json::blob_value(#v) },
        // Only ever a payload, streamed as it is; a JSON writer for it is an IR bug.
        Ty::ByteStream => {
            quote! { ::std::compile_error!("a streaming blob is never written as JSON") }
        }
        Ty::Timestamp(_) => {
            let f = ts_format(element_format(ty, format), "epoch-seconds");
            quote! { #json::timestamp_value(#v, #f) }
        }
        Ty::Document => quote! { #json::document_value(#v) },
        Ty::Enum(_) => quote! { #json::enum_value(#v) },
        Ty::IntEnum(_) => quote! { #json::Value::from(#v.as_i32()) },
        Ty::Struct(_) | Ty::Union(_) => quote! { #v.to_json() },
        Ty::Unit => quote! { #json::Value::Object(#json::Map::new()) },
        // Collections go through runtime helpers that take the element writer as a function
        // pointer: one copy per element type instead of an iterator chain per member.
        Ty::List { member, sparse } => {
            let helper = if *sparse {
                quote! { sparse_list_value }
            } else {
                quote! { list_value }
            };
            let inner = element_writer(ir, member, format);
            quote! { #json::#helper(#v, #inner) }
        }
        Ty::Map { key, value, sparse } => {
            let k = function(key_to_string(key, quote! { key }), "key");
            let inner = element_writer(ir, value, format);
            let helper = if *sparse {
                quote! { sparse_map_value }
            } else {
                quote! { map_value }
            };
            quote! { #json::#helper(#v, #k, #inner) }
        }
    }
}

/// The writer of a collection's elements, as a function of `item: &T`.
fn element_writer(ir: &Ir, ty: &Ty, format: Option<&str>) -> TokenStream {
    match ty {
        // The method itself: `|item| item.to_json()` would be a closure per member.
        Ty::Struct(id) | Ty::Union(id) => {
            let p = type_path(ir, id);
            quote! { #p::to_json }
        }
        _ => function(to_json(ir, ty, quote! { item }, format), "item"),
    }
}

/// `body` (an expression of the variable `var`) as a function: the function itself when
/// `body` only calls one with `var` (`path(var)`), else a closure `|var| body`.
fn function(body: TokenStream, var: &str) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    let tokens: Vec<TokenTree> = body.clone().into_iter().collect();
    if let Some((TokenTree::Group(args), path)) = tokens.split_last() {
        let only_var = matches!(
            &args.stream().into_iter().collect::<Vec<_>>()[..],
            [TokenTree::Ident(i)] if i == var
        );
        // A plain path: identifiers, `::` and turbofish generics, no method call or group.
        let plain = !path.is_empty()
            && path.iter().all(|t| match t {
                TokenTree::Ident(_) => true,
                TokenTree::Punct(p) => matches!(p.as_char(), ':' | '<' | '>' | ','),
                _ => false,
            });
        if args.delimiter() == Delimiter::Parenthesis && only_var && plain {
            return path.iter().cloned().collect();
        }
    }
    let var = proc_macro2::Ident::new(var, proc_macro2::Span::call_site());
    quote! { |#var| #body }
}

fn key_to_string(key: &Ty, k: TokenStream) -> TokenStream {
    match key {
        Ty::Enum(_) => quote! { #k.as_str().to_owned() },
        _ => quote! { ::std::clone::Clone::clone(#k) },
    }
}

/// A `Result<T, DeError>` expression reading `v`, an expression of type `Value` that it
/// consumes (strings, lists and maps are moved out, not cloned).
pub(crate) fn from_json(ir: &Ir, ty: &Ty, v: TokenStream, format: Option<&str>) -> TokenStream {
    let json = quote! { ::aws_lite_runtime::json };
    match ty {
        Ty::String => quote! { #json::string(#v) },
        Ty::BigInteger | Ty::BigDecimal => quote! { #json::big_number(#v) },
        Ty::Bool => quote! { #json::boolean(#v) },
        Ty::Byte => quote! { #json::integer::<i8>(#v) },
        Ty::Short => quote! { #json::integer::<i16>(#v) },
        Ty::Integer => quote! { #json::integer::<i32>(#v) },
        Ty::Long => quote! { #json::integer::<i64>(#v) },
        Ty::Float => quote! { #json::float(#v) },
        Ty::Double => quote! { #json::double(#v) },
        Ty::Blob => quote! { #json::blob(#v) },
        Ty::ByteStream => {
            quote! { ::std::compile_error!("a streaming blob is never read from JSON") }
        }
        Ty::Timestamp(_) => {
            let f = ts_format(element_format(ty, format), "epoch-seconds");
            quote! { #json::timestamp(#v, #f) }
        }
        Ty::Document => {
            quote! { ::std::result::Result::<_, #json::DeError>::Ok(#json::document(#v)) }
        }
        Ty::Enum(id) => {
            let p = type_path(ir, id);
            quote! { #json::enumeration::<#p>(#v) }
        }
        Ty::IntEnum(id) => {
            let p = type_path(ir, id);
            quote! { #json::integer::<i32>(#v).map(#p::from) }
        }
        Ty::Struct(id) | Ty::Union(id) => {
            let p = type_path(ir, id);
            quote! { #p::from_json(#v) }
        }
        Ty::Unit => quote! { ::std::result::Result::Ok(()) },
        // Dense collections drop nulls; sparse ones keep them as `None`. The element reader
        // is a function pointer, so each helper is compiled once per element type.
        Ty::List { member, sparse } => {
            let inner = from_json(ir, member, quote! { item }, format);
            let helper = if *sparse {
                quote! { sparse_list }
            } else {
                quote! { list }
            };
            let inner = function(inner, "item");
            quote! { #json::#helper(#v, #inner) }
        }
        Ty::Map { key, value, sparse } => {
            let k = match &**key {
                Ty::Enum(id) => {
                    let p = type_path(ir, id);
                    function(quote! { #p::from(key.as_str()) }, "key")
                }
                _ => quote! { ::std::convert::identity },
            };
            let inner = function(from_json(ir, value, quote! { item }, format), "item");
            let helper = if *sparse {
                quote! { sparse_map }
            } else {
                quote! { map }
            };
            quote! { #json::#helper(#v, #k, #inner) }
        }
    }
}

/// The value a missing required member takes when a response omits it (Smithy's error
/// correction: zero values rather than a failure).
pub(crate) fn zero(ir: &Ir, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String | Ty::BigInteger | Ty::BigDecimal => quote! { ::std::string::String::new() },
        Ty::Bool => quote! { false },
        Ty::Byte | Ty::Short | Ty::Integer | Ty::Long => quote! { 0 },
        Ty::Float | Ty::Double => quote! { 0.0 },
        Ty::Blob => quote! { ::aws_lite_runtime::Blob::default() },
        Ty::ByteStream => quote! { ::aws_lite_runtime::ByteStream::new() },
        Ty::Timestamp(_) => quote! { ::aws_lite_runtime::DateTime::from_secs(0) },
        Ty::Document => quote! { ::aws_lite_runtime::Document::Null },
        Ty::Enum(id) => {
            let p = type_path(ir, id);
            quote! { #p::from("") }
        }
        Ty::IntEnum(id) => {
            let p = type_path(ir, id);
            quote! { #p::from(0) }
        }
        Ty::Struct(id) => {
            let p = type_path(ir, id);
            quote! { #p::zero() }
        }
        Ty::Union(id) => {
            let p = type_path(ir, id);
            quote! { #p::Unknown }
        }
        Ty::Unit => quote! { () },
        Ty::List { .. } => quote! { ::std::vec::Vec::new() },
        Ty::Map { .. } => quote! { ::std::collections::HashMap::new() },
    }
}

/// The expression of a `@default` value, falling back to the zero value where the model's
/// JSON does not fit the type.
pub(crate) fn default_value(ir: &Ir, ty: &Ty, v: &Value) -> TokenStream {
    match (ty, v) {
        (Ty::String, Value::String(s)) => quote! { ::std::string::String::from(#s) },
        (Ty::Bool, Value::Bool(b)) => quote! { #b },
        (Ty::Byte | Ty::Short | Ty::Integer | Ty::Long, Value::Number(n)) => {
            let lit: TokenStream = n
                .as_i64()
                .unwrap_or(0)
                .to_string()
                .parse()
                .unwrap_or_else(|_| quote! { 0 });
            quote! { #lit }
        }
        (Ty::Float | Ty::Double, Value::Number(n)) => {
            let f = n.as_f64().unwrap_or(0.0);
            if *ty == Ty::Float {
                let lit = proc_macro2::Literal::f32_suffixed(f as f32);
                quote! { #lit }
            } else {
                let lit = proc_macro2::Literal::f64_suffixed(f);
                quote! { #lit }
            }
        }
        (Ty::Enum(id), Value::String(s)) => {
            let p = type_path(ir, id);
            quote! { #p::from(#s) }
        }
        (Ty::IntEnum(id), Value::Number(n)) => {
            let p = type_path(ir, id);
            let i = n.as_i64().and_then(|i| i32::try_from(i).ok()).unwrap_or(0);
            quote! { #p::from(#i) }
        }
        (Ty::Timestamp(_), Value::Number(n)) => {
            let f = n.as_f64().unwrap_or(0.0);
            quote! { ::aws_lite_runtime::DateTime::from_secs_f64(#f) }
        }
        (Ty::Blob, Value::String(s)) => {
            // The model writes a blob's default in base64 (checked by the IR).
            use base64::Engine as _;
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(s)
                .unwrap_or_else(|_| s.as_bytes().to_vec());
            let bytes = proc_macro2::Literal::byte_string(&decoded);
            quote! { ::aws_lite_runtime::Blob::new(&#bytes[..]) }
        }
        (Ty::Document, v) => {
            let text = v.to_string();
            quote! { ::aws_lite_runtime::json::document(::aws_lite_runtime::json::parse_body(#text.as_bytes()).unwrap_or_default()) }
        }
        _ => zero(ir, ty),
    }
}

/// A `String` expression of a scalar `v: &T` as it goes into a label, query value or header.
/// `default_format` is the timestamp format of that location.
pub(crate) fn to_text(
    ty: &Ty,
    v: TokenStream,
    format: Option<&str>,
    default_format: &str,
) -> TokenStream {
    match ty {
        Ty::String | Ty::BigInteger | Ty::BigDecimal => quote! { ::std::clone::Clone::clone(#v) },
        Ty::Bool | Ty::Byte | Ty::Short | Ty::Integer | Ty::Long => quote! { #v.to_string() },
        Ty::Float => quote! { ::aws_lite_runtime::encoding::fmt_f32(*#v) },
        Ty::Double => quote! { ::aws_lite_runtime::encoding::fmt_f64(*#v) },
        Ty::Timestamp(_) => {
            let f = ts_format(element_format(ty, format), default_format);
            quote! { ::aws_lite_runtime::json::timestamp_text(#v, #f) }
        }
        Ty::Enum(_) => quote! { #v.as_str().to_owned() },
        Ty::IntEnum(_) => quote! { #v.as_i32().to_string() },
        Ty::Blob => quote! { #v.to_base64() },
        // Structures, unions, documents and collections are not scalar; the IR does not
        // bind them to text locations.
        _ => quote! { ::std::string::String::new() },
    }
}

/// A `Result<T, DeError>` expression parsing a scalar from header text `s: &str`.
pub(crate) fn from_text(ir: &Ir, ty: &Ty, s: TokenStream, format: Option<&str>) -> TokenStream {
    let json = quote! { ::aws_lite_runtime::json };
    match ty {
        Ty::String | Ty::BigInteger | Ty::BigDecimal => {
            quote! { ::std::result::Result::<_, #json::DeError>::Ok(#s.to_owned()) }
        }
        Ty::Bool | Ty::Byte | Ty::Short | Ty::Integer | Ty::Long | Ty::Float | Ty::Double => {
            let t = rust_type(ir, ty);
            quote! { #json::parse_text::<#t>(#s) }
        }
        Ty::Timestamp(_) => {
            let f = ts_format(element_format(ty, format), "http-date");
            quote! { #json::timestamp_from_text(#s, #f) }
        }
        Ty::Enum(id) => {
            let p = type_path(ir, id);
            quote! { ::std::result::Result::<_, #json::DeError>::Ok(#p::from(#s)) }
        }
        Ty::IntEnum(id) => {
            let p = type_path(ir, id);
            quote! { #json::parse_text::<i32>(#s).map(#p::from) }
        }
        Ty::Blob => quote! { #json::blob_from_text(#s) },
        _ => {
            quote! { ::std::result::Result::<_, #json::DeError>::Err(#json::DeError::new("not a scalar")) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::function;
    use quote::quote;

    #[test]
    fn a_call_with_only_the_variable_becomes_the_function() {
        let f = |body: proc_macro2::TokenStream, var: &str| function(body, var).to_string();
        assert_eq!(
            f(
                quote! { ::aws_lite_runtime::json::integer::<i32>(item) },
                "item"
            ),
            quote! { ::aws_lite_runtime::json::integer::<i32> }.to_string()
        );
        assert_eq!(
            f(quote! { crate::types::Node::from_json(item) }, "item"),
            quote! { crate::types::Node::from_json }.to_string()
        );
        // Anything else stays a closure: other arguments, method calls, another variable.
        for (body, var) in [
            (
                quote! { ::aws_lite_runtime::json::timestamp(item, Format::DateTime) },
                "item",
            ),
            (quote! { item.to_json() }, "item"),
            (quote! { key }, "key"),
            (quote! { ::aws_lite_runtime::json::string(other) }, "item"),
            (
                quote! { ::aws_lite_runtime::json::string(item).map(f) },
                "item",
            ),
        ] {
            let want = format!("| {var} | {body}");
            assert_eq!(f(body, var), want);
        }
    }
}
