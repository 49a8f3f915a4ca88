//! One module per operation: input, output, error enum, fluent builder, request serializer,
//! response deserializer and, for `@paginated` operations, the paginator.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::shapes::{setters, structure};
use super::values::{from_json, from_text, to_json, to_text};
use super::{deprecated, docs, docs_or, ident, type_path};
use crate::ir::{AuthScheme, HttpBinding, Ir, MemberIr, OperationIr, StructIr, Ty, UriSegment};
use crate::names;

/// The whole operation module.
pub(crate) fn operation(ir: &Ir, op: &OperationIr) -> TokenStream {
    let input = &ir.structures[&op.input];
    let output = &ir.structures[&op.output];
    let input_struct = structure(ir, input);
    let output_struct = structure(ir, output);
    let error_enum = error_enum(ir, op);
    let fluent = fluent_builder(ir, op, input);
    let ser = serialize_request(ir, op, input);
    let de = deserialize_response(ir, output);
    let paginator = super::service::paginator(ir, op);
    let waiters = super::waiters::waiters(ir, op, input);
    // Endpoint parameters of the operation and its input go in the request's extensions:
    // static ones start the vector (clippy's vec_init_then_push), input members follow.
    let mut static_params = Vec::new();
    let mut member_params = Vec::new();
    for p in &op.endpoint_params {
        match p {
            crate::ir::EndpointParamIr::Static { name, value } => {
                let v = match value {
                    serde_json::Value::Bool(b) => {
                        quote! { ::aws_lite_runtime::endpoint::ParamValue::Bool(#b) }
                    }
                    v => {
                        let s = v.as_str().unwrap_or_default();
                        quote! { ::aws_lite_runtime::endpoint::ParamValue::String(::std::string::String::from(#s)) }
                    }
                };
                static_params.push(quote! { (#name, #v) });
            }
            crate::ir::EndpointParamIr::Member {
                name,
                rust_name,
                ty,
            } => {
                let f = ident(rust_name);
                let v = if *ty == Ty::Bool {
                    quote! { ::aws_lite_runtime::endpoint::ParamValue::Bool(*v) }
                } else {
                    quote! { ::aws_lite_runtime::endpoint::ParamValue::String(::std::clone::Clone::clone(v)) }
                };
                member_params.push(quote! {
                    if let ::std::option::Option::Some(v) = &input.#f {
                        params.push((#name, #v));
                    }
                });
            }
        }
    }
    let (endpoint_params_decl, request_binding, attach_params) = if static_params.is_empty()
        && member_params.is_empty()
    {
        (quote! {}, quote! { request }, quote! {})
    } else {
        let init = if static_params.is_empty() {
            quote! { ::std::vec::Vec::new() }
        } else {
            quote! { ::std::vec![#(#static_params),*] }
        };
        let binding = if member_params.is_empty() {
            quote! {}
        } else {
            quote! { mut }
        };
        (
            quote! {
                let #binding params = #init;
                #(#member_params)*
            },
            quote! { mut request },
            quote! {
                request.extensions_mut().insert(::aws_lite_runtime::orchestrator::EndpointParams(params));
            },
        )
    };
    let stream_in = input.members.iter().find(|m| m.ty == Ty::ByteStream);
    let stream_out = output.members.iter().find(|m| m.ty == Ty::ByteStream);
    let streaming = stream_in.is_some() || stream_out.is_some();
    // SigV4 over the body, the common case, is `send`; anything else names its schemes.
    let (auth_static, send_call) = if op.auth.schemes == [AuthScheme::SigV4]
        && !op.auth.unsigned_payload
        && !streaming
    {
        (quote! {}, quote! { handle.send(&SPEC, request).await })
    } else {
        let schemes = op.auth.schemes.iter().map(|s| match s {
            AuthScheme::SigV4 => quote! { ::aws_lite_runtime::orchestrator::AuthScheme::SigV4 },
            AuthScheme::SigV4a => quote! { ::aws_lite_runtime::orchestrator::AuthScheme::SigV4a },
            AuthScheme::Bearer => quote! { ::aws_lite_runtime::orchestrator::AuthScheme::Bearer },
            AuthScheme::Anonymous => {
                quote! { ::aws_lite_runtime::orchestrator::AuthScheme::Anonymous }
            }
        });
        let unsigned = op.auth.unsigned_payload;
        // A streaming body goes through `send_body` (the answer read whole) or, when the
        // output streams, `send_streaming`; the body of a non-streaming input is in memory.
        let call = match (stream_in, stream_out) {
            (Some(_), None) => quote! { handle.send_body(&SPEC, &AUTH, request).await },
            (_, Some(_)) => quote! { handle.send_streaming(&SPEC, &AUTH, request).await },
            (None, None) => quote! { handle.send_with_auth(&SPEC, &AUTH, request).await },
        };
        (
            quote! {
                /// How the operation authenticates: the model's auth schemes, in order.
                static AUTH: ::aws_lite_runtime::orchestrator::AuthSpec = ::aws_lite_runtime::orchestrator::AuthSpec {
                    schemes: &[#(#schemes),*],
                    unsigned_payload: #unsigned,
                };
            },
            call,
        )
    };
    // The request's body: the input's stream, moved out before the head is serialized, or
    // the serialized bytes as a stream body.
    let (take_stream, attach_body) = match stream_in {
        Some(m) => {
            let f = ident(&m.rust_name);
            // `@requiresLength`: the service needs Content-Length, so a stream of unknown
            // length is refused before anything is sent.
            let check = if m.requires_length {
                let label = &m.name;
                let op_name = &op.name;
                let err_name = format_ident!("{}Error", op.name);
                quote! {
                    if let ::std::result::Result::Err(e) = ::aws_lite_runtime::byte_stream::require_length(&input.#f, #label, #op_name) {
                        return ::std::result::Result::Err(#err_name::Unhandled(e.into()));
                    }
                }
            } else {
                quote! {}
            };
            (
                // Taken after the head is serialized, which reads whether it is empty.
                quote! {
                    let mut input = input;
                    #check
                },
                quote! { let #request_binding = request.map(|_| ::std::mem::take(&mut input.#f)); },
            )
        }
        None if streaming => (
            quote! {},
            quote! { let #request_binding = request.map(::aws_lite_runtime::ByteStream::from); },
        ),
        None => (quote! {}, quote! {}),
    };
    // A streaming request is rebound with its body: the serializer's result is not changed.
    let arm_binding = if streaming {
        quote! { request }
    } else {
        request_binding.clone()
    };
    let name = &op.name;
    let retryable: Vec<String> = op
        .errors
        .iter()
        .filter_map(|e| match &ir.structures.get(e)?.role {
            crate::ir::StructRole::Error(er) if er.retryable => Some(er.code.clone()),
            _ => None,
        })
        .collect();
    let in_name = ident(&input.rust_name);
    let out_name = ident(&output.rust_name);
    let err_name = format_ident!("{}Error", op.name);
    // Unset `@idempotencyToken` members get a token from the configuration.
    let token_members: Vec<_> = input
        .members
        .iter()
        .filter(|m| m.idempotency_token && m.optional && m.ty == Ty::String)
        .map(|m| ident(&m.rust_name))
        .collect();
    let fill_tokens = if token_members.is_empty() {
        quote! {}
    } else {
        quote! {
            let mut input = input;
            #(
                if input.#token_members.is_none() {
                    input.#token_members = ::std::option::Option::Some(handle.config().idempotency_token());
                }
            )*
        }
    };
    let read_response = if stream_out.is_some() {
        quote! {
            match response {
                ::std::result::Result::Ok(answer) => match answer.into_success() {
                    ::std::result::Result::Ok((head, body)) => match deserialize_output(&head, body) {
                        ::std::result::Result::Ok(mut output) => {
                            (output._request_id, output._extended_request_id) = ::aws_lite_runtime::error::request_ids(&head);
                            ::std::result::Result::Ok(output)
                        }
                        ::std::result::Result::Err(e) => ::std::result::Result::Err(#err_name::Unhandled(
                            ::aws_lite_runtime::error::Failure::unreadable_output(#name, &head, e),
                        )),
                    },
                    ::std::result::Result::Err(response) => ::std::result::Result::Err(deserialize_error(&response)),
                },
                ::std::result::Result::Err(f) => ::std::result::Result::Err(#err_name::Unhandled(f)),
            }
        }
    } else {
        quote! {
            match response {
                ::std::result::Result::Ok(response) if response.status().is_success() => {
                    match deserialize_output(&response) {
                        ::std::result::Result::Ok(mut output) => {
                            (output._request_id, output._extended_request_id) = ::aws_lite_runtime::error::request_ids(&response);
                            ::std::result::Result::Ok(output)
                        }
                        ::std::result::Result::Err(e) => ::std::result::Result::Err(#err_name::Unhandled(
                            ::aws_lite_runtime::error::Failure::unreadable_output(#name, &response, e),
                        )),
                    }
                }
                ::std::result::Result::Ok(response) => ::std::result::Result::Err(deserialize_error(&response)),
                ::std::result::Result::Err(f) => ::std::result::Result::Err(#err_name::Unhandled(f)),
            }
        }
    };
    let in_builder = format_ident!("{}Builder", input.rust_name);
    let out_builder = format_ident!("{}Builder", output.rust_name);
    let fluent_name = format_ident!("{}FluentBuilder", op.name);
    let module_doc = format!(" Types for the `{}` operation.", op.name);
    let paginator_reexport = if op.paginated.is_some() {
        let p = format_ident!("{}Paginator", op.name);
        quote! {
            /// The paginator of this operation.
            pub mod paginator {
                pub use super::#p;
            }
        }
    } else {
        quote! {}
    };
    quote! {
        #![doc = #module_doc]

        #input_struct
        #output_struct
        #error_enum
        #fluent
        #paginator
        #waiters

        /// Builders of this operation's input and output, and its fluent builder.
        pub mod builders {
            pub use super::{#in_builder, #out_builder, #fluent_name};
        }
        #paginator_reexport

        static SPEC: ::aws_lite_runtime::orchestrator::OperationSpec = ::aws_lite_runtime::orchestrator::OperationSpec {
            name: #name,
            retryable_errors: &[#(#retryable),*],
        };
        #auth_static

        /// Sends `input` and reads the answer.
        pub(crate) async fn send(
            handle: &::aws_lite_runtime::orchestrator::Handle,
            input: #in_name,
        ) -> ::std::result::Result<#out_name, #err_name> {
            #fill_tokens
            if let ::std::option::Option::Some(mocks) = handle.config().mocks() {
                return match mocks.respond::<#in_name, #out_name, #err_name>(#name, &input) {
                    ::std::result::Result::Ok(answer) => answer,
                    ::std::result::Result::Err(f) => ::std::result::Result::Err(#err_name::Unhandled(f)),
                };
            }
            #take_stream
            #endpoint_params_decl
            // Plain `match`es: `map_err` and its closures would be compiled once per operation.
            let response = match serialize_request(&input) {
                ::std::result::Result::Ok(#arm_binding) => {
                    #attach_body
                    #attach_params
                    #send_call
                }
                ::std::result::Result::Err(f) => ::std::result::Result::Err(f),
            };
            #read_response
        }

        #ser
        #de
    }
}

fn error_enum(ir: &Ir, op: &OperationIr) -> TokenStream {
    let name = format_ident!("{}Error", op.name);
    let errors: Vec<&StructIr> = op
        .errors
        .iter()
        .filter_map(|e| ir.structures.get(e))
        .collect();
    let variants: Vec<_> = errors.iter().map(|e| ident(&e.rust_name)).collect();
    let paths: Vec<_> = errors.iter().map(|e| type_path(ir, &e.id)).collect();
    let codes: Vec<String> = errors
        .iter()
        .map(|e| match &e.role {
            crate::ir::StructRole::Error(er) => er.code.clone(),
            _ => e.rust_name.clone(),
        })
        .collect();
    let is_fns = errors.iter().map(|e| {
        let f = format_ident!("is_{}", names::snake(&e.rust_name));
        let v = ident(&e.rust_name);
        let d = format!(" Whether this is a `{}`.", e.rust_name);
        quote! {
            #[doc = #d]
            pub fn #f(&self) -> bool { ::std::matches!(self, Self::#v(_)) }
        }
    });
    let variant_docs = errors
        .iter()
        .map(|e| docs_or(&e.docs, &format!("A `{}` error.", e.rust_name)));
    let deser_body = if errors.is_empty() {
        quote! { #name::Unhandled(::aws_lite_runtime::error::Failure::unmodeled(::aws_lite_runtime::error::parse_error_metadata(response))) }
    } else {
        // Plain `match`es: `map` and `unwrap_or_else` would be compiled once per variant.
        quote! {
            let meta = ::aws_lite_runtime::error::parse_error_metadata(response);
            match meta.code.as_deref() {
                #(
                    ::std::option::Option::Some(#codes) => {
                        match #paths::from_response(response, meta) {
                            ::std::result::Result::Ok(e) => #name::#variants(e),
                            ::std::result::Result::Err(f) => #name::Unhandled(f),
                        }
                    }
                )*
                _ => #name::Unhandled(::aws_lite_runtime::error::Failure::unmodeled(meta)),
            }
        }
    };
    let doc = format!(" Errors of `{}`: one variant per modeled error, and `Unhandled` for everything else (unmodeled service errors, transport failures, timeouts, unreadable responses).", op.name);
    quote! {
        #[doc = #doc]
        #[non_exhaustive]
        #[derive(::std::fmt::Debug)]
        pub enum #name {
            #( #variant_docs #variants(#paths), )*
            /// Anything the model does not describe; `kind()` says what.
            Unhandled(::aws_lite_runtime::error::Failure),
        }
        impl #name {
            /// The error code (`ResourceNotFoundException`), for service errors.
            pub fn code(&self) -> ::std::option::Option<&str> {
                match self {
                    #( Self::#variants(e) => ::std::option::Option::Some(e.code()), )*
                    Self::Unhandled(f) => f.code(),
                }
            }
            /// The message.
            pub fn message(&self) -> ::std::option::Option<&str> {
                match self {
                    #( Self::#variants(e) => e.message(), )*
                    Self::Unhandled(f) => f.message(),
                }
            }
            /// The request id, when a response was received.
            pub fn request_id(&self) -> ::std::option::Option<&str> {
                match self {
                    #( Self::#variants(e) => e.request_id(), )*
                    Self::Unhandled(f) => f.request_id(),
                }
            }
            /// What kind of failure this is: `Service` for every modeled error.
            pub fn kind(&self) -> ::aws_lite_runtime::error::ErrorKind {
                match self {
                    Self::Unhandled(f) => f.kind(),
                    #[allow(unreachable_patterns)]
                    _ => ::aws_lite_runtime::error::ErrorKind::Service,
                }
            }
            #(#is_fns)*
            /// Whether this is not a modeled error.
            pub fn is_unhandled(&self) -> bool { ::std::matches!(self, Self::Unhandled(_)) }
            /// Everything known about the response: code, message, request ids, HTTP status
            /// and headers (empty when no response was received).
            pub fn meta(&self) -> &::aws_lite_runtime::error::ErrorMetadata {
                match self {
                    #( Self::#variants(e) => e.meta(), )*
                    Self::Unhandled(f) => f.meta(),
                }
            }
        }
        impl ::aws_lite_runtime::error::ProvideErrorMetadata for #name {
            fn meta(&self) -> &::aws_lite_runtime::error::ErrorMetadata { #name::meta(self) }
            fn code(&self) -> ::std::option::Option<&str> { #name::code(self) }
            fn message(&self) -> ::std::option::Option<&str> { #name::message(self) }
        }
        impl ::aws_lite_runtime::mock::MockAnswer for #name {}
        impl ::aws_lite_runtime::error::RequestId for #name {
            fn request_id(&self) -> ::std::option::Option<&str> { #name::request_id(self) }
            fn extended_request_id(&self) -> ::std::option::Option<&str> { self.meta().extended_request_id() }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #( Self::#variants(e) => ::std::fmt::Display::fmt(e, f), )*
                    Self::Unhandled(e) => ::std::fmt::Display::fmt(e, f),
                }
            }
        }
        impl ::std::error::Error for #name {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    Self::Unhandled(e) => ::std::error::Error::source(e),
                    #[allow(unreachable_patterns)]
                    _ => ::std::option::Option::None,
                }
            }
        }
        /// Maps an error response to the modeled error its code names.
        fn deserialize_error(response: &::aws_lite_runtime::http::HttpResponse) -> #name {
            #deser_body
        }
    }
}

fn fluent_builder(ir: &Ir, op: &OperationIr, input: &StructIr) -> TokenStream {
    let name = format_ident!("{}FluentBuilder", op.name);
    let in_name = ident(&input.rust_name);
    let in_builder = format_ident!("{}Builder", input.rust_name);
    let out_name = ident(&ir.structures[&op.output].rust_name);
    let err_name = format_ident!("{}Error", op.name);
    let doc = docs(&op.docs);
    let dep = deprecated(&op.deprecated);
    let setters = input
        .members
        .iter()
        .map(|m| setters(ir, m, quote! { self.inner }));
    let build = if input
        .members
        .iter()
        .any(|m| !m.optional && m.default.is_none())
    {
        quote! { self.inner.build().map_err(|e| #err_name::Unhandled(e.into()))? }
    } else {
        // Inputs are all optional; `required` members are checked here so no request leaves
        // without them.
        quote! { self.inner.build() }
    };
    let required_checks = input
        .members
        .iter()
        .filter(|m| m.required && m.default.is_none())
        .map(|m| {
            let f = ident(&m.rust_name);
            let label = &m.name;
            let msg = format!("`{label}` is required by {} but was not set", op.name);
            quote! {
                if input.#f.is_none() {
                    return ::std::result::Result::Err(#err_name::Unhandled(
                        ::aws_lite_runtime::error::BuildError::missing(#label, #msg).into(),
                    ));
                }
            }
        });
    let paginate = if op.paginated.is_some() {
        let p = format_ident!("{}Paginator", op.name);
        quote! {
            /// Pages through every result: see the paginator's `send()` and `items()`.
            pub fn into_paginator(self) -> #p {
                #p::new(self.handle, self.inner)
            }
        }
    } else {
        quote! {}
    };
    let field_names: Vec<_> = input.members.iter().map(|m| ident(&m.rust_name)).collect();
    // Input members are `Option`s, but for a stream, which is never one.
    let field_values = input.members.iter().map(|m| {
        let f = ident(&m.rust_name);
        if m.optional {
            quote! { input.#f }
        } else {
            quote! { ::std::option::Option::Some(input.#f) }
        }
    });
    // An input without members has nothing to copy.
    let discard_input = if field_names.is_empty() {
        quote! { let _ = input; }
    } else {
        quote! {}
    };
    let struct_doc = format!(
        " Fluent builder of the `{}` operation: set members, then `send()`.",
        op.name
    );
    // A streaming body is read once: such a builder cannot be copied.
    let derive = if super::shapes::holds_stream(input) {
        quote! { #[derive(::std::fmt::Debug)] }
    } else {
        quote! { #[derive(::std::clone::Clone, ::std::fmt::Debug)] }
    };
    quote! {
        #[doc = #struct_doc]
        #[doc = ""]
        #doc
        #derive
        pub struct #name {
            handle: ::aws_lite_runtime::orchestrator::Handle,
            inner: #in_builder,
        }
        impl #name {
            pub(crate) fn new(handle: ::aws_lite_runtime::orchestrator::Handle) -> Self {
                Self { handle, inner: ::std::default::Default::default() }
            }
            /// The input built so far.
            pub fn as_input(&self) -> &#in_builder { &self.inner }
            /// Replaces every member with those of `input` (an input made elsewhere, for
            /// example deserialized with the `serde` feature).
            pub fn with_input(mut self, input: #in_name) -> Self {
                #discard_input
                self.inner = #in_builder { #( #field_names: #field_values, )* };
                self
            }
            /// Overrides the client's configuration for this call only (and for the pages of
            /// its paginator): timeouts, retries, endpoint, region, credentials, transport,
            /// more interceptors.
            pub fn customize(
                mut self,
                over: impl ::std::ops::FnOnce(::aws_lite_runtime::config::ConfigOverride) -> ::aws_lite_runtime::config::ConfigOverride,
            ) -> Self {
                self.handle = self.handle.with_override(&over(::std::default::Default::default()));
                self
            }
            /// Sends the request and waits for the answer.
            #dep
            pub async fn send(self) -> ::std::result::Result<#out_name, #err_name> {
                let input: #in_name = #build;
                #(#required_checks)*
                send(&self.handle, input).await
            }
            #paginate
            #(#setters)*
        }
    }
}

/// A list of timestamps in the `http-date` format (the default of headers).
fn is_http_date_list(m: &MemberIr) -> bool {
    match &m.ty {
        Ty::List { member, .. } => match &**member {
            Ty::Timestamp(format) => {
                m.timestamp_format
                    .as_deref()
                    .or(format.as_deref())
                    .unwrap_or("http-date")
                    == "http-date"
            }
            _ => false,
        },
        _ => false,
    }
}

/// Statements reading the member `m` bound to a header (`@httpHeader`) of `response` into
/// `assign(value)`, with `?` on a value that does not parse; `None` for other bindings.
pub(crate) fn header_read(
    ir: &Ir,
    m: &MemberIr,
    assign: impl Fn(TokenStream) -> TokenStream,
) -> Option<TokenStream> {
    let HttpBinding::Header(name) = &m.binding else {
        return None;
    };
    let parse = match &m.ty {
        Ty::List { member, .. } => {
            let inner = from_text(
                ir,
                member,
                quote! { item.as_str() },
                m.timestamp_format.as_deref(),
            );
            let split = if is_http_date_list(m) {
                quote! { ::aws_lite_runtime::encoding::split_http_date_list(s) }
            } else {
                quote! { ::aws_lite_runtime::encoding::split_header_list(s) }
            };
            quote! { #split.iter().map(|item| #inner).collect::<::std::result::Result<::std::vec::Vec<_>, _>>() }
        }
        Ty::String if m.media_type.is_some() => {
            quote! { ::aws_lite_runtime::json::base64_text(s) }
        }
        ty => from_text(ir, ty, quote! { s }, m.timestamp_format.as_deref()),
    };
    let lname = name.to_ascii_lowercase();
    let set = assign(quote! { ::aws_lite_runtime::json::at(#parse, #name)? });
    Some(quote! {
        let values: ::std::vec::Vec<&str> = response.headers().get_all(#lname).iter().filter_map(|v| v.to_str().ok()).collect();
        if !values.is_empty() {
            let joined = values.join(", ");
            let s = joined.as_str();
            #set
        }
    })
}

fn scalar_or_list_text(m: &MemberIr, v: TokenStream, default_format: &str) -> (bool, TokenStream) {
    match &m.ty {
        Ty::List { member, .. } if matches!(**member, Ty::String) => {
            (true, quote! { ::std::clone::Clone::clone(#v) })
        }
        Ty::List { member, .. } => {
            let inner = to_text(
                member,
                quote! { item },
                m.timestamp_format.as_deref(),
                default_format,
            );
            (
                true,
                quote! { #v.iter().map(|item| #inner).collect::<::std::vec::Vec<_>>() },
            )
        }
        ty => (
            false,
            to_text(ty, v, m.timestamp_format.as_deref(), default_format),
        ),
    }
}

fn serialize_request(ir: &Ir, op: &OperationIr, input: &StructIr) -> TokenStream {
    let in_name = ident(&input.rust_name);
    let method = &op.method;
    // The common shape (a constant path, every member in a JSON body, nothing else) is one
    // runtime call.
    let literal_path: Option<String> = op
        .path
        .iter()
        .map(|seg| match seg {
            UriSegment::Literal(l) => Some(l.as_str()),
            UriSegment::Label { .. } => None,
        })
        .collect();
    let body_only = input.members.iter().all(|m| m.binding == HttpBinding::Body);
    if let Some(path) = literal_path {
        if body_only
            && !input.members.is_empty()
            && op.query_literals.is_empty()
            && op.host_prefix.is_none()
            && !op.checksum_required
            && op.request_compression.is_empty()
        {
            return quote! {
                /// Builds the HTTP request of `input` (path only; the endpoint comes later).
                fn serialize_request(input: &#in_name) -> ::std::result::Result<::aws_lite_runtime::http::HttpRequest, ::aws_lite_runtime::error::Failure> {
                    ::aws_lite_runtime::http::json_request(#method, #path, &input.to_json())
                }
            };
        }
    }
    let member = |name: &str| input.members.iter().find(|m| m.name == name);

    let path = op.path.iter().map(|seg| match seg {
        UriSegment::Literal(l) => push_literal(quote! { uri }, l),
        UriSegment::Label {
            member: label,
            greedy,
        } => {
            let Some(m) = member(label) else {
                return quote! {};
            };
            let f = ident(&m.rust_name);
            let text = to_text(
                &m.ty,
                quote! { v },
                m.timestamp_format.as_deref(),
                "date-time",
            );
            let name = &m.name;
            let op_name = &op.name;
            quote! {
                let value = match &input.#f {
                    ::std::option::Option::Some(v) => #text,
                    ::std::option::Option::None => ::std::string::String::new(),
                };
                ::aws_lite_runtime::http::push_label(&mut uri, #name, #op_name, &value, #greedy)?;
            }
        }
    });
    let literals = op
        .query_literals
        .iter()
        .map(|(k, v)| quote! { query.push((#k.to_owned(), #v.to_owned())); });
    let queries = input.members.iter().filter_map(|m| {
        let f = ident(&m.rust_name);
        match &m.binding {
            HttpBinding::Query(key) => {
                let (list, text) = scalar_or_list_text(m, quote! { v }, "date-time");
                Some(if list {
                    quote! {
                        if let ::std::option::Option::Some(v) = &input.#f {
                            for item in #text { query.push((#key.to_owned(), item)); }
                        }
                    }
                } else {
                    quote! {
                        if let ::std::option::Option::Some(v) = &input.#f {
                            query.push((#key.to_owned(), #text));
                        }
                    }
                })
            }
            _ => None,
        }
    });
    let query_params = input.members.iter().filter_map(|m| {
        let f = ident(&m.rust_name);
        if m.binding != HttpBinding::QueryParams {
            return None;
        }
        let push = match &m.ty {
            Ty::Map { value, .. } => match &**value {
                Ty::List { member, .. } => {
                    let t = to_text(member, quote! { item }, None, "date-time");
                    quote! { for item in v { query.push((k.clone(), #t)); } }
                }
                ty => {
                    let t = to_text(ty, quote! { v }, None, "date-time");
                    quote! { query.push((k.clone(), #t)); }
                }
            },
            _ => quote! {},
        };
        Some(quote! {
            if let ::std::option::Option::Some(map) = &input.#f {
                let mut keys: ::std::vec::Vec<_> = map.iter().collect();
                keys.sort_by(|a, b| a.0.cmp(b.0));
                for (k, v) in keys {
                    // Explicit @httpQuery members win over the map.
                    if !query.iter().any(|(q, _)| q == k) { #push }
                }
            }
        })
    });
    let headers = input.members.iter().filter_map(|m| {
        let f = ident(&m.rust_name);
        match &m.binding {
            HttpBinding::Header(name) => {
                let (list, text) = scalar_or_list_text(m, quote! { v }, "http-date");
                let value = if is_http_date_list(m) {
                    // Each date has a comma, but Smithy writes http-date lists unquoted.
                    quote! { (#text).join(", ") }
                } else if list {
                    quote! { ::aws_lite_runtime::encoding::fmt_header_list(&#text) }
                } else if m.ty == Ty::String && m.media_type.is_some() {
                    // A string with a media type travels base64-encoded in a header.
                    quote! { ::aws_lite_runtime::encoding::base64_text(v) }
                } else {
                    text
                };
                Some(quote! {
                    if let ::std::option::Option::Some(v) = &input.#f {
                        headers.push((#name.to_owned(), #value));
                    }
                })
            }
            _ => None,
        }
    });
    // Prefix headers come last and never replace a header a member binds explicitly.
    let prefix_headers = input.members.iter().filter_map(|m| {
        let f = ident(&m.rust_name);
        match &m.binding {
            HttpBinding::PrefixHeaders(prefix) => Some(quote! {
                if let ::std::option::Option::Some(map) = &input.#f {
                    let mut entries: ::std::vec::Vec<_> = map.iter().collect();
                    entries.sort();
                    for (k, v) in entries {
                        let name = ::std::format!("{}{}", #prefix, k);
                        if !headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(&name)) {
                            headers.push((name, ::std::clone::Clone::clone(v)));
                        }
                    }
                }
            }),
            _ => None,
        }
    });
    let payload = input
        .members
        .iter()
        .find(|m| m.binding == HttpBinding::Payload);
    let body_members: Vec<&MemberIr> = input
        .members
        .iter()
        .filter(|m| m.binding == HttpBinding::Body)
        .collect();
    // The default Content-Type of the body, unless a member binds the header itself.
    // A runtime call rather than an `any` over a closure, which is compiled per operation.
    let content_type = |media: &str| {
        quote! {
            ::aws_lite_runtime::http::push_default_header(&mut headers, "Content-Type", #media);
        }
    };
    let body = if let Some(p) = payload {
        let f = ident(&p.rust_name);
        match &p.ty {
            Ty::ByteStream => {
                // The stream itself is moved into the request by `send`; an empty one sends
                // no body and no Content-Type, as an unset blob does.
                let ct = content_type(
                    p.media_type
                        .as_deref()
                        .unwrap_or("application/octet-stream"),
                );
                quote! {
                    if input.#f.content_length() != ::std::option::Option::Some(0) {
                        #ct
                    }
                    let body = ::aws_lite_runtime::http::Bytes::new();
                }
            }
            Ty::Blob | Ty::String | Ty::Enum(_) => {
                let default = match &p.ty {
                    Ty::Blob => "application/octet-stream",
                    _ => "text/plain",
                };
                let ct = content_type(p.media_type.as_deref().unwrap_or(default));
                let bytes = match &p.ty {
                    Ty::Blob => quote! { ::std::clone::Clone::clone(v).into_inner() },
                    Ty::String => quote! { ::std::clone::Clone::clone(v) },
                    _ => quote! { v.as_str().to_owned() },
                };
                quote! {
                    let body = match &input.#f {
                        ::std::option::Option::Some(v) => {
                            #ct
                            ::aws_lite_runtime::http::Bytes::from(#bytes)
                        }
                        ::std::option::Option::None => ::aws_lite_runtime::http::Bytes::new(),
                    };
                }
            }
            ty => {
                let v = to_json(ir, ty, quote! { v }, p.timestamp_format.as_deref());
                let ct = content_type(p.media_type.as_deref().unwrap_or("application/json"));
                // An unset structure payload is an empty object; an unset union or document
                // sends no body at all.
                let unset = if matches!(ty, Ty::Struct(_)) {
                    quote! {
                        #ct
                        ::aws_lite_runtime::http::Bytes::from_static(b"{}")
                    }
                } else {
                    quote! { ::aws_lite_runtime::http::Bytes::new() }
                };
                quote! {
                    let body = match &input.#f {
                        ::std::option::Option::Some(v) => {
                            #ct
                            ::aws_lite_runtime::json::to_body(&#v)
                        }
                        ::std::option::Option::None => { #unset }
                    };
                }
            }
        }
    } else if !body_members.is_empty() {
        let ct = content_type("application/json");
        quote! {
            #ct
            let body = ::aws_lite_runtime::json::to_body(&input.to_json());
        }
    } else {
        quote! { let body = ::aws_lite_runtime::http::Bytes::new(); }
    };
    let checksum = if op.checksum_required {
        quote! { headers.push(("Content-MD5".to_owned(), ::aws_lite_runtime::encoding::content_md5(&body))); }
    } else {
        quote! {}
    };
    let compression = if op.request_compression.is_empty() {
        quote! {}
    } else {
        let encodings = &op.request_compression;
        quote! {
            request.extensions_mut().insert(::aws_lite_runtime::orchestrator::RequestCompression(&[#(#encodings),*]));
        }
    };
    let (host_prefix, finish) = match &op.host_prefix {
        Some(prefix) => {
            let parts = host_prefix_parts(prefix).into_iter().map(|(literal, label)| {
                if !label {
                    return push_literal(quote! { prefix }, &literal);
                }
                let Some(m) = member(&literal) else {
                    return quote! {};
                };
                let f = ident(&m.rust_name);
                let name = &m.name;
                let msg = format!("`{name}` is required for the host of {} and must be a valid host label", op.name);
                quote! {
                    match input.#f.as_deref() {
                        ::std::option::Option::Some(v) if ::aws_lite_runtime::encoding::is_host_label(v) => prefix.push_str(v),
                        _ => return ::std::result::Result::Err(::aws_lite_runtime::error::BuildError::invalid(#name, #msg).into()),
                    }
                }
            });
            (
                quote! {
                    let mut prefix = ::std::string::String::new();
                    #(#parts)*
                },
                quote! {
                    request.extensions_mut().insert(::aws_lite_runtime::orchestrator::HostPrefix(prefix));
                },
            )
        }
        None => (quote! {}, quote! {}),
    };
    let build =
        quote! { ::aws_lite_runtime::http::build_request(#method, uri, &query, headers, body) };
    let build = if finish.is_empty() && compression.is_empty() {
        build
    } else {
        quote! {
            let mut request = #build?;
            #finish
            #compression
            ::std::result::Result::Ok(request)
        }
    };
    quote! {
        /// Builds the HTTP request of `input` (path and query only; the endpoint comes later).
        // Each binding appends in model order; a `vec![]` literal would need them all at once.
        #[allow(unused_mut, clippy::vec_init_then_push)]
        fn serialize_request(input: &#in_name) -> ::std::result::Result<::aws_lite_runtime::http::HttpRequest, ::aws_lite_runtime::error::Failure> {
            // Inputs without members read nothing from `input`.
            let _ = input;
            let mut uri = ::std::string::String::new();
            #(#path)*
            let mut query: ::std::vec::Vec<(::std::string::String, ::std::string::String)> = ::std::vec::Vec::new();
            #(#literals)*
            #(#queries)*
            #(#query_params)*
            let mut headers: ::std::vec::Vec<(::std::string::String, ::std::string::String)> = ::std::vec::Vec::new();
            #(#headers)*
            #(#prefix_headers)*
            #host_prefix
            #body
            #checksum
            #build
        }
    }
}

/// `target.push('c')` for one character, else `target.push_str("text")`.
fn push_literal(target: TokenStream, text: &str) -> TokenStream {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => quote! { #target.push(#c); },
        _ => quote! { #target.push_str(#text); },
    }
}

/// `foo.{bar}.` -> `[("foo.", false), ("bar", true), (".", false)]`.
fn host_prefix_parts(prefix: &str) -> Vec<(String, bool)> {
    let mut parts = Vec::new();
    let mut rest = prefix;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            parts.push((rest[..open].to_owned(), false));
        }
        parts.push((rest[open + 1..open + close].to_owned(), true));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push((rest.to_owned(), false));
    }
    parts
}

fn deserialize_response(ir: &Ir, output: &StructIr) -> TokenStream {
    let out_name = ident(&output.rust_name);
    let body_members: Vec<&MemberIr> = output
        .members
        .iter()
        .filter(|m| m.binding == HttpBinding::Body)
        .collect();
    let payload = output
        .members
        .iter()
        .find(|m| m.binding == HttpBinding::Payload);
    let body = if let Some(p) = payload {
        let f = ident(&p.rust_name);
        match &p.ty {
            // The stream as it arrives (`deserialize_output` gets it apart from the head).
            Ty::ByteStream => quote! {
                builder.#f = ::std::option::Option::Some(body);
            },
            Ty::Blob => quote! {
                if !response.body().is_empty() {
                    builder.#f = ::std::option::Option::Some(::aws_lite_runtime::Blob::new(response.body().to_vec()));
                }
            },
            Ty::String | Ty::Enum(_) => {
                let text = quote! {
                    ::std::str::from_utf8(response.body())
                        .map_err(|_| ::aws_lite_runtime::json::DeError::new("payload is not UTF-8"))?
                };
                let value = match &p.ty {
                    Ty::Enum(id) => {
                        let path = type_path(ir, id);
                        quote! { #path::from(#text) }
                    }
                    _ => quote! { #text.to_owned() },
                };
                quote! {
                    if !response.body().is_empty() {
                        builder.#f = ::std::option::Option::Some(#value);
                    }
                }
            }
            ty => {
                let v = from_json(ir, ty, quote! { value }, p.timestamp_format.as_deref());
                quote! {
                    if !response.body().is_empty() {
                        let value = ::aws_lite_runtime::json::parse_body(response.body())?;
                        builder.#f = ::std::option::Option::Some(#v?);
                    }
                }
            }
        }
    } else if body_members.is_empty() {
        quote! {}
    } else {
        quote! {
            let parsed = #out_name::from_json(::aws_lite_runtime::json::parse_body(response.body())?)?;
        }
    };
    let copy_body = body_members.iter().map(|m| {
        let f = ident(&m.rust_name);
        if m.optional {
            quote! { builder.#f = parsed.#f; }
        } else {
            quote! { builder.#f = ::std::option::Option::Some(parsed.#f); }
        }
    });
    let headers = output.members.iter().filter_map(|m| {
        let f = ident(&m.rust_name);
        match &m.binding {
            HttpBinding::Header(_) => header_read(ir, m, |v| quote! { builder.#f = ::std::option::Option::Some(#v); }),
            HttpBinding::PrefixHeaders(prefix) => {
                let lp = prefix.to_ascii_lowercase();
                Some(quote! {
                    let mut map = ::std::collections::HashMap::new();
                    for (k, v) in response.headers() {
                        if let (::std::option::Option::Some(rest), ::std::result::Result::Ok(v)) = (k.as_str().strip_prefix(#lp), v.to_str()) {
                            map.insert(rest.to_owned(), v.to_owned());
                        }
                    }
                    if !map.is_empty() { builder.#f = ::std::option::Option::Some(map); }
                })
            }
            HttpBinding::ResponseCode => Some(quote! {
                builder.#f = ::std::option::Option::Some(i32::from(response.status().as_u16()));
            }),
            _ => None,
        }
    });
    let out_builder = format_ident!("{}Builder", output.rust_name);
    let finish = if output
        .members
        .iter()
        .any(|m| !m.optional && m.default.is_none())
    {
        quote! { builder.build_lenient() }
    } else {
        quote! { builder.build() }
    };
    let bound_elsewhere = output
        .members
        .iter()
        .any(|m| m.binding != HttpBinding::Body);
    if !body_members.is_empty() && !bound_elsewhere {
        // Everything is in the body: its reader builds the output itself.
        return quote! {
            /// Reads a success response into the output.
            fn deserialize_output(response: &::aws_lite_runtime::http::HttpResponse) -> ::std::result::Result<#out_name, ::aws_lite_runtime::json::DeError> {
                #out_name::from_json(::aws_lite_runtime::json::parse_body(response.body())?)
            }
        };
    }
    let params = if payload.is_some_and(|p| p.ty == Ty::ByteStream) {
        // `response` is the head only (an empty body); the payload streams in `body`.
        quote! { response: &::aws_lite_runtime::http::HttpResponse, body: ::aws_lite_runtime::ByteStream }
    } else {
        quote! { response: &::aws_lite_runtime::http::HttpResponse }
    };
    quote! {
        /// Reads a success response into the output.
        #[allow(unused_mut)]
        fn deserialize_output(#params) -> ::std::result::Result<#out_name, ::aws_lite_runtime::json::DeError> {
            let mut builder = <#out_builder as ::std::default::Default>::default();
            let _ = response;
            #body
            #(#copy_body)*
            #(#headers)*
            ::std::result::Result::Ok(#finish)
        }
    }
}
