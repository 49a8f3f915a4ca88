//! The model's `smithy.test` protocol compliance cases as `#[test]`s of the generated crate:
//! `src/protocol_tests/mod.rs` (shared configuration) and one file per operation.
//!
//! A request test builds the input from `params`, sends it through a capture transport and
//! checks the request with `aws_lite_runtime::protocol_test`. A response test replays the response
//! and compares what the client parsed (output or error) with `params`, built as Rust values.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::{ident, type_path};
use crate::ir::{Ir, MemberIr, OperationIr, ProtocolTestIr, ProtocolTestKind, StructIr, Ty};
use crate::names;

/// The idempotency token the Smithy protocol tests expect.
const TOKEN: &str = "00000000-0000-4000-8000-000000000000";

/// Whether any operation has protocol tests.
pub(crate) fn has_tests(ir: &Ir) -> bool {
    ir.operations.iter().any(|o| !o.protocol_tests.is_empty())
}

/// `src/protocol_tests/mod.rs`.
pub(crate) fn module(ir: &Ir) -> TokenStream {
    let mods = ir
        .operations
        .iter()
        .filter(|o| !o.protocol_tests.is_empty())
        .map(|o| ident(&o.snake));
    quote! {
        //! The model's protocol compliance tests (`smithy.test#httpRequestTests` and
        //! `smithy.test#httpResponseTests` that apply to clients), one module per operation.

        #( mod #mods; )*

        /// A configuration for protocol tests: fixed region, credentials and idempotency token,
        /// no retries, requests to `endpoint`.
        fn config(endpoint: &str) -> ::aws_lite_runtime::config::ClientConfigBuilder {
            crate::Config::builder()
                .region("us-west-2")
                .credentials(crate::Credentials::new("AKID", "SECRET", ::std::option::Option::None, ::std::option::Option::None, "protocol-tests"))
                .endpoint_url(endpoint)
                .retry(crate::RetryConfig::disabled())
                .idempotency_token_provider(|| #TOKEN.to_owned())
        }
    }
}

/// `src/protocol_tests/<operation>.rs`.
pub(crate) fn operation_tests(ir: &Ir, op: &OperationIr) -> TokenStream {
    let doc = format!(" Protocol tests of `{}`.", op.name);
    let tests = op.protocol_tests.iter().map(|t| match &t.kind {
        ProtocolTestKind::Request => request_test(ir, op, t),
        ProtocolTestKind::Response => response_test(ir, op, t, None),
        ProtocolTestKind::Error(e) => response_test(ir, op, t, Some(e)),
    });
    quote! {
        #![doc = #doc]
        #(#tests)*
    }
}

fn test_name(t: &ProtocolTestIr) -> proc_macro2::Ident {
    let kind = match t.kind {
        ProtocolTestKind::Request => "request",
        _ => "response",
    };
    format_ident!("{}_{}", names::snake(&t.id), kind)
}

fn doc_of(t: &ProtocolTestIr) -> TokenStream {
    let mut line = format!(" `{}`", t.id);
    if let Some(d) = t.case.get("documentation").and_then(Value::as_str) {
        line.push_str(": ");
        line.push_str(&d.replace(['\n', '\r'], " "));
    }
    quote! { #[doc = #line] }
}

fn strs(case: &Value, key: &str) -> Vec<String> {
    case.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn header_pairs(case: &Value) -> Vec<TokenStream> {
    case.get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let v = v.as_str().unwrap_or_default();
            quote! { (#k, #v) }
        })
        .collect()
}

fn opt_str(v: Option<&str>) -> TokenStream {
    match v {
        Some(s) => quote! { ::std::option::Option::Some(#s) },
        None => quote! { ::std::option::Option::None },
    }
}

/// `https://{host}` for the test's `host`, else `https://example.com`.
fn endpoint_of(case: &Value) -> String {
    let host = case
        .get("host")
        .and_then(Value::as_str)
        .unwrap_or("example.com");
    format!("https://{host}")
}

fn request_test(ir: &Ir, op: &OperationIr, t: &ProtocolTestIr) -> TokenStream {
    let case = &t.case;
    let name = test_name(t);
    let doc = doc_of(t);
    let input = &ir.structures[&op.input];
    let params = case
        .get("params")
        .cloned()
        .unwrap_or(Value::Object(Default::default()));
    let input_expr = struct_expr(ir, input, &params);
    let method_name = ident(&op.client_method);
    let endpoint = endpoint_of(case);
    let method = case.get("method").and_then(Value::as_str).unwrap_or("");
    let uri = case.get("uri").and_then(Value::as_str).unwrap_or("");
    let host = case
        .get("resolvedHost")
        .or_else(|| case.get("host"))
        .and_then(Value::as_str)
        .map(|h| h.split('/').next().unwrap_or(h));
    let host = opt_str(host);
    let query = strs(case, "queryParams");
    let forbid_query = strs(case, "forbidQueryParams");
    let require_query = strs(case, "requireQueryParams");
    let headers = header_pairs(case);
    let forbid_headers = strs(case, "forbidHeaders");
    let require_headers = strs(case, "requireHeaders");
    let body = opt_str(case.get("body").and_then(Value::as_str));
    let media = opt_str(case.get("bodyMediaType").and_then(Value::as_str));
    quote! {
        #doc
        #[::tokio::test]
        async fn #name() {
            let capture = ::aws_lite_runtime::http::CaptureClient::new();
            let client = crate::Client::new(super::config(#endpoint).http_client(capture.clone()).build());
            let input = #input_expr;
            // The capture transport answers `200 {}`; only the request matters here.
            let _ = client.#method_name().with_input(input).send().await;
            let requests = capture.requests();
            ::std::assert_eq!(requests.len(), 1, "exactly one request is sent");
            ::aws_lite_runtime::protocol_test::assert_request(&requests[0], &::aws_lite_runtime::protocol_test::ExpectedRequest {
                method: #method,
                uri: #uri,
                host: #host,
                query_params: &[#(#query),*],
                forbid_query_params: &[#(#forbid_query),*],
                require_query_params: &[#(#require_query),*],
                headers: &[#(#headers),*],
                forbid_headers: &[#(#forbid_headers),*],
                require_headers: &[#(#require_headers),*],
                body: #body,
                body_media_type: #media,
            });
        }
    }
}

fn response_test(
    ir: &Ir,
    op: &OperationIr,
    t: &ProtocolTestIr,
    error: Option<&String>,
) -> TokenStream {
    let case = &t.case;
    let name = test_name(t);
    let doc = doc_of(t);
    let code = case.get("code").and_then(Value::as_u64).unwrap_or(200) as u16;
    let headers = header_pairs(case);
    let body = case.get("body").and_then(Value::as_str).unwrap_or("");
    let body = Literal::byte_string(body.as_bytes());
    let params = case
        .get("params")
        .cloned()
        .unwrap_or(Value::Object(Default::default()));
    let module = ident(&op.snake);
    let input = ident(&ir.structures[&op.input].rust_name);
    let err_enum = format_ident!("{}Error", op.name);
    let shape = match error {
        Some(e) => &ir.structures[e],
        None => &ir.structures[&op.output],
    };
    let expected = struct_expr(ir, shape, &params);
    // NaN is not equal to itself: compare such values through their Debug text.
    let compare = if has_nan(&params) {
        quote! { ::std::assert_eq!(::std::format!("{actual:?}"), ::std::format!("{expected:?}")); }
    } else {
        quote! { ::std::assert_eq!(actual, expected); }
    };
    let stream = shape.members.iter().find(|m| m.ty == Ty::ByteStream);
    let check = match (error, stream) {
        // A stream has no `PartialEq`: compare its bytes, then the rest through `Debug`.
        (None, Some(m)) => {
            let f = ident(&m.rust_name);
            quote! {
                let mut actual = result.expect("the response parses into the output");
                let mut expected = #expected;
                let actual_body = ::std::mem::take(&mut actual.#f).collect().await.expect("the body reads");
                let expected_body = ::std::mem::take(&mut expected.#f).collect().await.expect("the body reads");
                ::std::assert_eq!(actual_body, expected_body);
                ::std::assert_eq!(::std::format!("{actual:?}"), ::std::format!("{expected:?}"));
            }
        }
        (None, None) => quote! {
            let actual = result.expect("the response parses into the output");
            let expected = #expected;
            #compare
        },
        (Some(_), _) => {
            let variant = ident(&shape.rust_name);
            quote! {
                let crate::operation::#module::#err_enum::#variant(actual) = result.expect_err("the response is an error") else {
                    ::std::panic!("the response parses into another error");
                };
                let mut expected = #expected;
                expected.meta = ::std::clone::Clone::clone(&actual.meta);
                #compare
            }
        }
    };
    quote! {
        #doc
        #[::tokio::test]
        async fn #name() {
            let replay = ::aws_lite_runtime::http::ReplayClient::new();
            replay.push(::aws_lite_runtime::http::Replay::Response(
                ::aws_lite_runtime::protocol_test::response(#code, &[#(#headers),*], #body),
            ));
            let handle = ::aws_lite_runtime::orchestrator::Handle::new(
                super::config("https://example.com").http_client(replay.clone()).build(),
                &crate::endpoint::SERVICE,
            );
            // The input does not matter; the operation's own send skips the builder's checks.
            let result = crate::operation::#module::send(&handle, crate::operation::#module::#input::builder().build()).await;
            #check
        }
    }
}

fn has_nan(v: &Value) -> bool {
    match v {
        Value::String(s) => s == "NaN",
        Value::Array(a) => a.iter().any(has_nan),
        Value::Object(o) => o.values().any(has_nan),
        _ => false,
    }
}

/// A structure built from its `params` object (member names as keys).
fn struct_expr(ir: &Ir, s: &StructIr, params: &Value) -> TokenStream {
    let path = type_path(ir, &s.id);
    let empty = serde_json::Map::new();
    let obj = params.as_object().unwrap_or(&empty);
    let setters = obj.iter().filter_map(|(key, value)| {
        let m = s.members.iter().find(|m| &m.name == key)?;
        if value.is_null() {
            return None;
        }
        let set = format_ident!("set_{}", names::unraw(&m.rust_name));
        let v = member_expr(ir, m, value);
        Some(quote! { .#set(::std::option::Option::Some(#v)) })
    });
    // A `params` key the structure does not have fails the test loudly rather than being
    // dropped.
    let unknown: Vec<&String> = obj
        .keys()
        .filter(|k| !s.members.iter().any(|m| &m.name == *k))
        .collect();
    if !unknown.is_empty() {
        let msg = format!(
            "the test's params name members {unknown:?} that {} does not have",
            s.rust_name
        );
        return quote! { ::std::panic!(#msg) };
    }
    let missing = s.members.iter().any(|m| !m.optional && m.default.is_none());
    let build = if !missing {
        quote! { build() }
    } else if ir.deserialized.contains(&s.id) {
        quote! { build_lenient() }
    } else {
        quote! { build().expect("the test's params set every required member") }
    };
    quote! { #path::builder() #(#setters)* .#build }
}

fn member_expr(ir: &Ir, m: &MemberIr, v: &Value) -> TokenStream {
    value_expr(ir, &m.ty, v)
}

fn float_expr(ty: &Ty, v: &Value) -> TokenStream {
    let t = if *ty == Ty::Float {
        quote! { f32 }
    } else {
        quote! { f64 }
    };
    match v {
        Value::String(s) if s == "NaN" => quote! { #t::NAN },
        Value::String(s) if s == "Infinity" => quote! { #t::INFINITY },
        Value::String(s) if s == "-Infinity" => quote! { #t::NEG_INFINITY },
        _ => {
            let f = v.as_f64().unwrap_or(0.0);
            if *ty == Ty::Float {
                let lit = Literal::f32_suffixed(f as f32);
                quote! { #lit }
            } else {
                let lit = Literal::f64_suffixed(f);
                quote! { #lit }
            }
        }
    }
}

fn timestamp_expr(v: &Value) -> TokenStream {
    if let Some(i) = v.as_i64() {
        return quote! { ::aws_lite_runtime::DateTime::from_secs(#i) };
    }
    let f = v.as_f64().unwrap_or(0.0);
    let mut secs = f.floor() as i64;
    let mut millis = ((f - f.floor()) * 1000.0).round() as u32;
    if millis >= 1000 {
        secs += 1;
        millis -= 1000;
    }
    let nanos = millis * 1_000_000;
    quote! { ::aws_lite_runtime::DateTime::from_secs_and_nanos(#secs, #nanos) }
}

/// A Rust expression of type `ty` for the JSON `v` of a test's `params`.
fn value_expr(ir: &Ir, ty: &Ty, v: &Value) -> TokenStream {
    match ty {
        Ty::String => {
            let s = v.as_str().unwrap_or_default();
            quote! { ::std::string::String::from(#s) }
        }
        Ty::BigInteger | Ty::BigDecimal => {
            let s = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            quote! { ::std::string::String::from(#s) }
        }
        Ty::Bool => {
            let b = v.as_bool().unwrap_or_default();
            quote! { #b }
        }
        Ty::Byte => {
            let lit = Literal::i8_suffixed(v.as_i64().unwrap_or(0) as i8);
            quote! { #lit }
        }
        Ty::Short => {
            let lit = Literal::i16_suffixed(v.as_i64().unwrap_or(0) as i16);
            quote! { #lit }
        }
        Ty::Integer => {
            let lit = Literal::i32_suffixed(v.as_i64().unwrap_or(0) as i32);
            quote! { #lit }
        }
        Ty::Long => {
            let lit = Literal::i64_suffixed(v.as_i64().unwrap_or(0));
            quote! { #lit }
        }
        Ty::Float | Ty::Double => float_expr(ty, v),
        Ty::Blob => {
            let bytes = Literal::byte_string(v.as_str().unwrap_or_default().as_bytes());
            quote! { ::aws_lite_runtime::Blob::new(&#bytes[..]) }
        }
        Ty::ByteStream => {
            let bytes = Literal::byte_string(v.as_str().unwrap_or_default().as_bytes());
            quote! { ::aws_lite_runtime::ByteStream::from(&#bytes[..]) }
        }
        Ty::Timestamp(_) => timestamp_expr(v),
        Ty::Document => {
            let text = v.to_string();
            let bytes = Literal::byte_string(text.as_bytes());
            quote! {
                ::aws_lite_runtime::json::document(::aws_lite_runtime::json::parse_body(#bytes).expect("the test's document is JSON"))
            }
        }
        Ty::Enum(id) => {
            let p = type_path(ir, id);
            let s = v.as_str().unwrap_or_default();
            quote! { #p::from(#s) }
        }
        Ty::IntEnum(id) => {
            let p = type_path(ir, id);
            let i = v.as_i64().unwrap_or(0) as i32;
            quote! { #p::from(#i) }
        }
        Ty::Struct(id) => match ir.structures.get(id) {
            Some(s) => struct_expr(ir, s, v),
            None => quote! { ::std::unreachable!() },
        },
        Ty::Union(id) => union_expr(ir, id, v),
        Ty::Unit => quote! { () },
        Ty::List { member, sparse } => {
            let items = v.as_array().into_iter().flatten().map(|item| {
                if *sparse {
                    if item.is_null() {
                        quote! { ::std::option::Option::None }
                    } else {
                        let e = value_expr(ir, member, item);
                        quote! { ::std::option::Option::Some(#e) }
                    }
                } else {
                    value_expr(ir, member, item)
                }
            });
            quote! { ::std::vec![#(#items),*] }
        }
        Ty::Map { key, value, sparse } => {
            let entries = v.as_object().into_iter().flatten().map(|(k, item)| {
                let k = match &**key {
                    Ty::Enum(id) => {
                        let p = type_path(ir, id);
                        quote! { #p::from(#k) }
                    }
                    _ => quote! { ::std::string::String::from(#k) },
                };
                let e = if *sparse {
                    if item.is_null() {
                        quote! { ::std::option::Option::None }
                    } else {
                        let e = value_expr(ir, value, item);
                        quote! { ::std::option::Option::Some(#e) }
                    }
                } else {
                    value_expr(ir, value, item)
                };
                quote! { (#k, #e) }
            });
            quote! { ::std::collections::HashMap::from([#(#entries),*]) }
        }
    }
}

fn union_expr(ir: &Ir, id: &str, v: &Value) -> TokenStream {
    let p = type_path(ir, id);
    let Some(u) = ir.unions.get(id) else {
        return quote! { ::std::unreachable!() };
    };
    let set = v
        .as_object()
        .into_iter()
        .flatten()
        .find(|(_, value)| !value.is_null());
    let Some((key, value)) = set else {
        return quote! { #p::Unknown };
    };
    match u.members.iter().find(|m| &m.name == key) {
        Some(m) => {
            let variant = ident(&m.rust_name);
            if m.ty == Ty::Unit {
                quote! { #p::#variant }
            } else {
                let e = value_expr(ir, &m.ty, value);
                if m.boxed {
                    quote! { #p::#variant(::std::boxed::Box::new(#e)) }
                } else {
                    quote! { #p::#variant(#e) }
                }
            }
        }
        None => quote! { #p::Unknown },
    }
}
