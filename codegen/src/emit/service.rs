//! Crate-level files: `lib.rs`, `Cargo.toml`, the client, the crate error, module files,
//! primitives, endpoint rules (with the model's endpoint tests) and paginators.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::{ident, EmitOptions};
use crate::ir::{Ir, OperationIr, Placement, StructRole, Ty};
use crate::names;

/// `src/types/mod.rs` (or `src/types/error/mod.rs` with `errors`).
pub(crate) fn types_mod(
    ir: &Ir,
    modules: &[(Placement, String, String)],
    errors: bool,
) -> TokenStream {
    let wanted = if errors {
        Placement::Errors
    } else {
        Placement::Types
    };
    let mut items: Vec<(&String, &String)> = modules
        .iter()
        .filter(|(p, _, _)| *p == wanted)
        .map(|(_, m, n)| (m, n))
        .collect();
    items.sort();
    let mods = items.iter().map(|(m, _)| ident(m));
    let uses = items.iter().map(|(m, n)| {
        let m = ident(m);
        let n = ident(n);
        quote! { pub use #m::#n; }
    });
    let builder_uses = items
        .iter()
        .filter(|(_, n)| {
            ir.structures
                .values()
                .any(|s| &&s.rust_name == n && s.placement == wanted)
        })
        .map(|(m, n)| {
            let m = ident(m);
            let b = format_ident!("{}Builder", n);
            quote! { pub use super::#m::#b; }
        });
    let header = if errors {
        quote! {
            //! Modeled errors: one structure per error shape.
        }
    } else {
        quote! {
            //! Data types of the service: structures, enums and unions.
            /// Modeled errors.
            pub mod error;
        }
    };
    quote! {
        #header
        #( mod #mods; )*
        #( #uses )*
        /// Builders of the structures in this module.
        pub mod builders {
            #( #builder_uses )*
        }
    }
}

/// `src/operation/mod.rs`.
pub(crate) fn operation_mod(ir: &Ir) -> TokenStream {
    let mods = ir.operations.iter().map(|op| {
        let m = ident(&op.snake);
        let d = super::docs_or(&op.docs, &format!("The `{}` operation.", op.name));
        quote! { #d pub mod #m; }
    });
    quote! {
        //! One module per operation: input, output, error enum, builders, paginator.
        #( #mods )*
    }
}

/// `src/client.rs`.
pub(crate) fn client(ir: &Ir) -> TokenStream {
    let methods = ir.operations.iter().map(|op| {
        let m = ident(&op.client_method);
        let module = ident(&op.snake);
        let fluent = format_ident!("{}FluentBuilder", op.name);
        let d = super::docs_or(&op.docs, &format!("Calls the `{}` operation.", op.name));
        let dep = super::deprecated(&op.deprecated);
        quote! {
            #d
            #dep
            pub fn #m(&self) -> crate::operation::#module::#fluent {
                crate::operation::#module::#fluent::new(self.handle.clone())
            }
        }
    });
    let waiter_methods = ir.waiters.iter().map(|w| {
        let m = ident(&w.method);
        let op = ir.operations.iter().find(|o| o.id == w.operation);
        let module = ident(op.map(|o| o.snake.as_str()).unwrap_or_default());
        let ty = format_ident!("{}Waiter", w.name);
        let d = format!(
            " Waits until `{}`: polls `{}` as the model's waiter says; set the input, then `wait(max_wait)`.",
            w.name,
            op.map(|o| o.name.as_str()).unwrap_or_default()
        );
        let dep = if w.deprecated {
            quote! { #[deprecated(note = "the model deprecates this waiter")] }
        } else {
            quote! {}
        };
        quote! {
            #[doc = #d]
            #dep
            pub fn #m(&self) -> crate::operation::#module::#ty {
                crate::operation::#module::#ty::new(self.handle.clone())
            }
        }
    });
    let title = format!(" A client for {}.", ir.service.title);
    quote! {
        #[doc = #title]
        ///
        /// Cheap to clone: clones share the configuration and the connection pool.
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
        pub struct Client {
            handle: ::aws_lite_runtime::orchestrator::Handle,
        }
        impl Client {
            /// A client with `config`.
            pub fn new(config: crate::Config) -> Self {
                Self { handle: ::aws_lite_runtime::orchestrator::Handle::new(config, &crate::endpoint::SERVICE) }
            }
            /// A client configured from the environment: region from `AWS_REGION` (or the
            /// profile), credentials from the environment or the shared files.
            pub async fn from_env() -> Self {
                Self::new(crate::Config::from_env().await)
            }
            /// The configuration.
            pub fn config(&self) -> &crate::Config { self.handle.config() }
            #( #methods )*
            #( #waiter_methods )*
        }
    }
}

/// `src/error.rs`: one error type for every operation, so `?` works across them.
pub(crate) fn crate_error(ir: &Ir) -> TokenStream {
    let errors: Vec<_> = ir
        .structures
        .values()
        .filter(|s| matches!(s.role, StructRole::Error(_)))
        .collect();
    let variants: Vec<_> = errors.iter().map(|e| ident(&e.rust_name)).collect();
    let paths: Vec<_> = errors.iter().map(|e| super::type_path(ir, &e.id)).collect();
    let variant_docs = errors.iter().map(|e| {
        let mut doc = format!(" The service's `{}` error", e.rust_name);
        if let StructRole::Error(info) = &e.role {
            match info.http_status {
                Some(status) => doc.push_str(&format!(" (HTTP {status}, {} fault)", info.fault)),
                None => doc.push_str(&format!(" ({} fault)", info.fault)),
            }
        }
        doc.push('.');
        // The structure's own first paragraph says what it means, when the model has one.
        match e.docs.first().filter(|d| !d.trim().is_empty()) {
            Some(first) => quote! { #[doc = #doc] #[doc = ""] #[doc = #first] },
            None => quote! { #[doc = #doc] },
        }
    });
    let froms = ir.operations.iter().map(|op| {
        let module = ident(&op.snake);
        let err = format_ident!("{}Error", op.name);
        let vs: Vec<_> = op
            .errors
            .iter()
            .filter_map(|e| ir.structures.get(e))
            .map(|e| ident(&e.rust_name))
            .collect();
        quote! {
            impl ::std::convert::From<crate::operation::#module::#err> for Error {
                fn from(e: crate::operation::#module::#err) -> Self {
                    match e {
                        #( crate::operation::#module::#err::#vs(e) => Error::#vs(e), )*
                        crate::operation::#module::#err::Unhandled(f) => Error::Unhandled(f),
                    }
                }
            }
        }
    });
    let is_fns = errors.iter().map(|e| {
        let f = format_ident!("is_{}", names::snake(&e.rust_name));
        let v = ident(&e.rust_name);
        let d = format!(" Whether this is a `{}`.", e.rust_name);
        quote! { #[doc = #d] pub fn #f(&self) -> bool { ::std::matches!(self, Self::#v(_)) } }
    });
    quote! {
        //! The error of any operation, and the runtime's error types users name.
        pub use ::aws_lite_runtime::error::{
            BuildError, DisplayErrorChain, ErrorKind, ErrorMetadata, Failure, ProvideErrorMetadata,
            RequestId,
        };
        /// Any operation's error: every modeled error of the service, and `Unhandled`.
        #[non_exhaustive]
        #[derive(::std::fmt::Debug)]
        pub enum Error {
            #( #variant_docs #variants(#paths), )*
            /// Anything the model does not describe; `kind()` says what.
            Unhandled(::aws_lite_runtime::error::Failure),
        }
        impl Error {
            /// The error code, for service errors.
            pub fn code(&self) -> ::std::option::Option<&str> {
                match self { #( Self::#variants(e) => ::std::option::Option::Some(e.code()), )* Self::Unhandled(f) => f.code() }
            }
            /// The message.
            pub fn message(&self) -> ::std::option::Option<&str> {
                match self { #( Self::#variants(e) => e.message(), )* Self::Unhandled(f) => f.message() }
            }
            /// The request id, when a response was received.
            pub fn request_id(&self) -> ::std::option::Option<&str> {
                match self { #( Self::#variants(e) => e.request_id(), )* Self::Unhandled(f) => f.request_id() }
            }
            /// What kind of failure this is.
            pub fn kind(&self) -> ::aws_lite_runtime::error::ErrorKind {
                match self { Self::Unhandled(f) => f.kind(), #[allow(unreachable_patterns)] _ => ::aws_lite_runtime::error::ErrorKind::Service }
            }
            /// Everything known about the response: code, message, request ids, HTTP status
            /// and headers (empty when no response was received).
            pub fn meta(&self) -> &::aws_lite_runtime::error::ErrorMetadata {
                match self { #( Self::#variants(e) => e.meta(), )* Self::Unhandled(f) => f.meta() }
            }
            #( #is_fns )*
        }
        impl ::aws_lite_runtime::error::ProvideErrorMetadata for Error {
            fn meta(&self) -> &::aws_lite_runtime::error::ErrorMetadata { Error::meta(self) }
            fn code(&self) -> ::std::option::Option<&str> { Error::code(self) }
            fn message(&self) -> ::std::option::Option<&str> { Error::message(self) }
        }
        impl ::aws_lite_runtime::error::RequestId for Error {
            fn request_id(&self) -> ::std::option::Option<&str> { Error::request_id(self) }
            fn extended_request_id(&self) -> ::std::option::Option<&str> { self.meta().extended_request_id() }
        }
        impl ::std::fmt::Display for Error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self { #( Self::#variants(e) => ::std::fmt::Display::fmt(e, f), )* Self::Unhandled(e) => ::std::fmt::Display::fmt(e, f) }
            }
        }
        impl ::std::error::Error for Error {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self { Self::Unhandled(e) => ::std::error::Error::source(e), #[allow(unreachable_patterns)] _ => ::std::option::Option::None }
            }
        }
        #( #froms )*
    }
}

/// `src/primitives.rs`: the sealed unknown values of enums, and re-exported value types.
pub(crate) fn primitives(ir: &Ir) -> TokenStream {
    // Only crates with a `@streaming` payload name the stream type.
    let byte_stream = if ir.structures.values().any(super::shapes::holds_stream) {
        quote! {
            /// The body of a `@streaming` payload: bytes, or a stream of chunks.
            pub use ::aws_lite_runtime::byte_stream::{ByteStream, ByteStreamError};
        }
    } else {
        quote! {}
    };
    quote! {
        //! Value types used by the data types.
        pub use ::aws_lite_runtime::{Blob, DateTime, Document, Number};
        #byte_stream
        /// The value of an enum the crate does not know. Only the crate constructs it, so an
        /// `Unknown` never equals a value that a later version knows.
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, ::std::cmp::PartialOrd, ::std::cmp::Ord)]
        pub struct UnknownVariantValue(pub(crate) ::std::string::String);
        impl UnknownVariantValue {
            /// The value as the service sent it.
            pub fn as_str(&self) -> &str { &self.0 }
        }
        /// The value of an integer enum the crate does not know.
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, ::std::cmp::PartialOrd, ::std::cmp::Ord)]
        pub struct UnknownIntValue(pub(crate) i32);
        impl UnknownIntValue {
            /// The value as the service sent it.
            pub fn value(&self) -> i32 { self.0 }
        }
    }
}

/// A test case's parameter value, as the argument of `Params::set`.
fn param_value(v: &Value) -> TokenStream {
    // `Params::set` takes `impl Into<ParamValue>`: booleans and strings go in as literals.
    match v {
        Value::Bool(b) => quote! { #b },
        Value::String(s) => quote! { #s },
        Value::Array(items) => {
            let items = items.iter().filter_map(Value::as_str);
            quote! { ::aws_lite_runtime::endpoint::ParamValue::StringArray(::std::vec![#(#items.to_owned()),*]) }
        }
        _ => {
            quote! { ::aws_lite_runtime::endpoint::ParamValue::String(::std::string::String::new()) }
        }
    }
}

/// The model's `smithy.rules#endpointTests` cases.
fn endpoint_cases(ir: &Ir) -> Vec<Value> {
    ir.service
        .endpoint_tests
        .as_ref()
        .and_then(|t| t.get("testCases"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The expectation of an endpoint test case, as an `Expected` literal of the generated
/// test module: the model's error message, or its endpoint (URL, headers, properties).
fn expectation(expect: &Value) -> TokenStream {
    if let Some(err) = expect.get("error").and_then(Value::as_str) {
        return quote! {
            Expected { error: ::std::option::Option::Some(#err), url: "", headers: &[], properties: ::std::option::Option::None }
        };
    }
    let ep = expect.get("endpoint").cloned().unwrap_or(Value::Null);
    let url = ep.get("url").and_then(Value::as_str).unwrap_or_default();
    let headers = ep
        .get("headers")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let headers = headers.iter().map(|(k, v)| {
        let vals = v.as_array().cloned().unwrap_or_default();
        let vals = vals.iter().filter_map(Value::as_str);
        quote! { (#k, &[#(#vals),*]) }
    });
    let props = match ep.get("properties").map(Value::to_string) {
        Some(p) => quote! { ::std::option::Option::Some(#p) },
        None => quote! { ::std::option::Option::None },
    };
    quote! {
        Expected { error: ::std::option::Option::None, url: #url, headers: &[#(#headers),*], properties: #props }
    }
}

/// `text` as doc lines (each with the leading space of `/// `) of at most 88 characters where
/// the words allow: generated test functions sit indented in a module.
fn doc_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + word.len() <= 88 => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(format!(" {word}")),
        }
    }
    lines
}

/// `src/endpoint.rs`: the service spec with the rule set and partitions compiled in, and one
/// test per `smithy.rules#endpointTests` case, asserting the model's expectation. When the
/// options carry a partition table as the models' tests were written (a patch of the shipped
/// table, naming no service), a case that the shipped table contradicts must give the
/// model's expectation with that table instead.
pub(crate) fn endpoint(ir: &Ir, options: &EmitOptions) -> TokenStream {
    let rules = ir
        .service
        .endpoint_rules
        .as_ref()
        .map(Value::to_string)
        .unwrap_or_default();
    let partitions = serde_json::from_str::<Value>(&options.partitions_json)
        .map(|v| v.to_string())
        .unwrap_or_default();
    let signing = ir
        .service
        .signing_name
        .clone()
        .unwrap_or_else(|| ir.service.sdk_id.to_lowercase());
    let ua = ir.service.crate_name.clone();
    let service_id = ir.service.sdk_id.clone();
    let cases = endpoint_cases(ir);
    let tests = cases.iter().enumerate().map(|(i, case)| {
        let name = format_ident!("case_{:02}", i);
        let doc = case
            .get("documentation")
            .and_then(Value::as_str)
            .map(|d| format!(" {d}"))
            .unwrap_or_default();
        let params = case
            .get("params")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let sets = params.iter().map(|(k, v)| {
            let v = param_value(v);
            quote! { params.set(#k, #v); }
        });
        let decl = if params.is_empty() {
            quote! { let params = ::aws_lite_runtime::endpoint::Params::default(); }
        } else {
            quote! { let mut params = ::aws_lite_runtime::endpoint::Params::default(); }
        };
        let expected = expectation(&case.get("expect").cloned().unwrap_or(Value::Null));
        quote! {
            #[doc = #doc]
            #[test]
            fn #name() {
                #decl
                #( #sets )*
                check(&params, &#expected);
            }
        }
    });
    let as_tested = &options.endpoint_divergences.partitions_as_tested;
    let (as_tested_items, fallback) = if as_tested.is_empty() {
        (
            quote! {},
            quote! {
                if let ::std::result::Result::Err(shipped) = shipped {
                    ::std::panic!("{shipped}");
                }
            },
        )
    } else {
        let mut note: Vec<String> = doc_lines(
            "The partition table the models' endpoint tests were written against: the shipped \
             one with the outputs of `partitions_as_tested` in \
             `model/endpoint-test-divergences.json` set over it.",
        );
        note.push(String::new());
        note.extend(doc_lines(&options.endpoint_divergences.reason));
        (
            quote! {
                #( #[doc = #note] )*
                const PARTITIONS_AS_TESTED: &str = #as_tested;
                fn partitions_as_tested() -> ::aws_lite_runtime::endpoint::Partitions {
                    ::aws_lite_runtime::endpoint::Partitions::from_json(PARTITIONS_AS_TESTED).expect("the partitions as tested parse")
                }
            },
            quote! {
                if let ::std::result::Result::Err(shipped) = shipped {
                    let result = ::aws_lite_runtime::endpoint::resolve(&rules(), &partitions_as_tested(), params);
                    if let ::std::result::Result::Err(as_tested) = verdict(&result, expected) {
                        ::std::panic!("with the shipped partition table: {shipped}; with the table as the tests were written: {as_tested}");
                    }
                }
            },
        )
    };
    let test_mod = if cases.is_empty() {
        quote! {}
    } else {
        quote! {
            /// The model's `smithy.rules#endpointTests`, one test per case.
            #[cfg(test)]
            mod tests {
                fn rules() -> ::aws_lite_runtime::endpoint::RuleSet {
                    ::aws_lite_runtime::endpoint::RuleSet::from_json(super::RULES).expect("the rule set parses")
                }
                fn partitions() -> ::aws_lite_runtime::endpoint::Partitions {
                    ::aws_lite_runtime::endpoint::Partitions::from_json(super::PARTITIONS).expect("the partitions parse")
                }
                #as_tested_items
                /// A case's expectation, from the model: an error message, or an endpoint.
                struct Expected {
                    error: ::std::option::Option<&'static str>,
                    url: &'static str,
                    headers: &'static [(&'static str, &'static [&'static str])],
                    properties: ::std::option::Option<&'static str>,
                }
                /// Whether `result` is what the model expects, else what differs.
                fn verdict(
                    result: &::std::result::Result<::aws_lite_runtime::endpoint::Endpoint, ::aws_lite_runtime::endpoint::EndpointError>,
                    expected: &Expected,
                ) -> ::std::result::Result<(), ::std::string::String> {
                    let endpoint = match (result, expected.error) {
                        (::std::result::Result::Err(e), ::std::option::Option::Some(want)) if e.to_string() == want => return ::std::result::Result::Ok(()),
                        (::std::result::Result::Err(e), ::std::option::Option::Some(want)) => return ::std::result::Result::Err(::std::format!("error {e:?}, the model expects the error {want:?}")),
                        (::std::result::Result::Err(e), ::std::option::Option::None) => return ::std::result::Result::Err(::std::format!("error {e:?}, the model expects {}", expected.url)),
                        (::std::result::Result::Ok(endpoint), ::std::option::Option::Some(want)) => return ::std::result::Result::Err(::std::format!("resolved {}, the model expects the error {want:?}", endpoint.url)),
                        (::std::result::Result::Ok(endpoint), ::std::option::Option::None) => endpoint,
                    };
                    if endpoint.url != expected.url {
                        return ::std::result::Result::Err(::std::format!("resolved {}, the model expects {}", endpoint.url, expected.url));
                    }
                    for (name, values) in expected.headers {
                        let got = endpoint.headers.get(*name).cloned().unwrap_or_default();
                        if got != *values {
                            return ::std::result::Result::Err(::std::format!("header {name}: {got:?}, the model expects {values:?}"));
                        }
                    }
                    if let ::std::option::Option::Some(properties) = expected.properties {
                        let want: ::aws_lite_runtime::json::Value = ::aws_lite_runtime::json::parse_body(properties.as_bytes()).expect("test properties are JSON");
                        let got = ::aws_lite_runtime::json::Value::Object(endpoint.properties.clone());
                        if got != want {
                            return ::std::result::Result::Err(::std::format!("properties {got:?}, the model expects {want:?}"));
                        }
                    }
                    ::std::result::Result::Ok(())
                }
                /// Resolves `params` and asserts the model's expectation.
                fn check(params: &::aws_lite_runtime::endpoint::Params, expected: &Expected) {
                    let result = ::aws_lite_runtime::endpoint::resolve(&rules(), &partitions(), params);
                    let shipped = verdict(&result, expected);
                    #fallback
                }
                #( #tests )*
            }
        }
    };
    quote! {
        //! Endpoint resolution: the model's rule set and the AWS partitions, compiled in.
        /// The model's `smithy.rules#endpointRuleSet`.
        pub(crate) const RULES: &str = #rules;
        /// The AWS partition table the rules' `aws.partition` reads.
        pub(crate) const PARTITIONS: &str = #partitions;
        /// What the runtime needs to know about this service.
        pub(crate) static SERVICE: ::aws_lite_runtime::orchestrator::ServiceSpec = ::aws_lite_runtime::orchestrator::ServiceSpec {
            service_id: #service_id,
            signing_name: #signing,
            user_agent: ::std::concat!(#ua, "/", ::std::env!("CARGO_PKG_VERSION")),
            endpoint_rules: RULES,
            partitions: PARTITIONS,
        };
        #test_mod
    }
}

/// `src/lib.rs`.
pub(crate) fn lib(ir: &Ir) -> TokenStream {
    let title = format!(
        " {} client, generated from its Smithy model.",
        ir.service.title
    );
    let service_docs = ir.service.docs.iter().map(|l| quote! { #![doc = #l] });
    let service_docs = quote! { #(#service_docs)* };
    let left_out = if ir.left_out.is_empty() {
        quote! {}
    } else {
        let lines = ir
            .left_out
            .iter()
            .map(|l| format!(" - `{}`: {}.", l.name, l.reason));
        quote! {
            #![doc = ""]
            #![doc = " ## Operations left out"]
            #![doc = ""]
            #![doc = " The model's operations below are not part of this crate: calling them needs what the"]
            #![doc = " generator does not implement, and a method that compiled but failed at run time"]
            #![doc = " would be worse than none."]
            #![doc = ""]
            #( #![doc = #lines] )*
        }
    };
    let protocol_tests = if super::protocol_tests::has_tests(ir) {
        quote! {
            #[cfg(test)]
            #[rustfmt::skip]
            mod protocol_tests;
        }
    } else {
        quote! {}
    };
    quote! {
        #![doc = #title]
        #![doc = ""]
        #![doc = " Create a [`Client`] (`Client::from_env().await`, or `Client::new(config)`), call an"]
        #![doc = " operation method, set its members, and `send().await` it."]
        #![doc = ""]
        #service_docs
        #left_out
        #![warn(missing_docs)]

        // Generated files are printed by prettyplease, not rustfmt; `cargo fmt` leaves them be.
        #[rustfmt::skip]
        pub mod types;
        #[rustfmt::skip]
        pub mod operation;
        #[rustfmt::skip]
        pub mod primitives;
        #[rustfmt::skip]
        pub mod error;
        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        mod endpoint;
        #protocol_tests

        pub use client::Client;
        pub use error::Error;
        /// Client configuration: region, credentials, endpoint, retries, timeouts, transport.
        pub use ::aws_lite_runtime::config::ClientConfig as Config;
        /// Builds a [`Config`]: `Config::builder()`.
        pub use ::aws_lite_runtime::config::ClientConfigBuilder as ConfigBuilder;
        pub use ::aws_lite_runtime::config::{RetryConfig, TimeoutConfig};
        pub use ::aws_lite_runtime::credentials::Credentials;
        /// A transport answering canned responses, for tests.
        pub use ::aws_lite_runtime::http::ReplayClient;
        /// Typed mocks: operations answered with Rust values, for unit tests
        /// (`Config::builder().mocks(..)`).
        pub use ::aws_lite_runtime::mock::Mocks;
        /// The request ids of the response an output or error came from.
        pub use ::aws_lite_runtime::error::RequestId;
        /// A hook into every attempt: see [`runtime::interceptor`].
        pub use ::aws_lite_runtime::interceptor::{AttemptContext, Interceptor};
        /// The streams paginators return: `next().await`, `collect()`, `try_collect()`, and
        /// every `Stream` combinator.
        pub use ::aws_lite_runtime::paginate::{ItemStream, PageStream};
        /// Configuration: [`Config`], its [`Builder`](config::Builder), retries
        /// and timeouts.
        pub mod config {
            pub use ::aws_lite_runtime::config::ClientConfig as Config;
            pub use ::aws_lite_runtime::config::ClientConfigBuilder as Builder;
            pub use ::aws_lite_runtime::config::ConfigOverride;
            pub use ::aws_lite_runtime::config::{RetryConfig, TimeoutConfig};
        }
        /// The runtime, for transports, credentials providers and test helpers.
        pub use ::aws_lite_runtime as runtime;
    }
}

/// The paginator of a `@paginated` operation (nothing for others).
pub(crate) fn paginator(ir: &Ir, op: &OperationIr) -> TokenStream {
    let Some(p) = &op.paginated else {
        return quote! {};
    };
    let input = &ir.structures[&op.input];
    let output = &ir.structures[&op.output];
    let name = format_ident!("{}Paginator", op.name);
    let in_builder = format_ident!("{}Builder", input.rust_name);
    let out = ident(&output.rust_name);
    let err = format_ident!("{}Error", op.name);
    let fluent = format_ident!("{}FluentBuilder", op.name);
    let Some(in_tok) = input.members.iter().find(|m| m.name == p.input_token) else {
        return quote! {};
    };
    let Some(out_tok) = output.members.iter().find(|m| m.name == p.output_token) else {
        return quote! {};
    };
    let in_tok = ident(&in_tok.rust_name);
    let out_tok_f = ident(&out_tok.rust_name);
    let get_token = if out_tok.optional {
        quote! { o.#out_tok_f.as_deref() }
    } else {
        quote! { ::std::option::Option::Some(o.#out_tok_f.as_str()) }
    };
    let page_size = p
        .page_size
        .as_ref()
        .and_then(|ps| input.members.iter().find(|m| &m.name == ps))
        .map(|m| {
            let f = ident(&m.rust_name);
            let t = super::rust_type(ir, &m.ty);
            quote! {
                /// How many results each page request asks for.
                pub fn page_size(mut self, limit: #t) -> Self {
                    self.inner.#f = ::std::option::Option::Some(limit);
                    self
                }
            }
        });
    let items = p
        .items
        .as_ref()
        .and_then(|i| output.members.iter().find(|m| &m.name == i))
        .and_then(|m| match &m.ty {
            Ty::List { member, sparse: false } => Some((m, member)),
            _ => None,
        })
        .map(|(m, member)| {
            let f = ident(&m.rust_name);
            let t = super::rust_type(ir, member);
            let take = if m.optional {
                quote! { o.#f.unwrap_or_default() }
            } else {
                quote! { o.#f }
            };
            let doc = format!(" A stream of the `{}` of every page.", m.name);
            quote! {
                #[doc = #doc]
                pub fn items(self) -> ::aws_lite_runtime::paginate::ItemStream<#in_builder, #out, #err, #t> {
                    self.send().items(|o: #out| #take)
                }
            }
        });
    let doc = format!(" Pages through `{}`: `send()` gives a `Stream` of pages (lazy: nothing is requested before the first poll).", op.name);
    quote! {
        #[doc = #doc]
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
        pub struct #name {
            handle: ::aws_lite_runtime::orchestrator::Handle,
            inner: #in_builder,
            stop_on_duplicate_token: bool,
        }
        impl #name {
            pub(crate) fn new(handle: ::aws_lite_runtime::orchestrator::Handle, inner: #in_builder) -> Self {
                Self { handle, inner, stop_on_duplicate_token: true }
            }
            #page_size
            /// Whether a token the service repeats ends the stream with an error (default
            /// `true`, so a buggy service cannot make the stream loop forever).
            pub fn stop_on_duplicate_token(mut self, stop: bool) -> Self {
                self.stop_on_duplicate_token = stop;
                self
            }
            /// A stream of pages.
            pub fn send(self) -> ::aws_lite_runtime::paginate::PageStream<#in_builder, #out, #err> {
                let handle = self.handle;
                ::aws_lite_runtime::paginate::PageStream::new(
                    self.inner,
                    move |inner: #in_builder| {
                        let fluent = #fluent { handle: handle.clone(), inner };
                        ::std::boxed::Box::pin(fluent.send())
                    },
                    ::aws_lite_runtime::paginate::TokenAccess {
                        set: |i: &mut #in_builder, t: ::std::string::String| i.#in_tok = ::std::option::Option::Some(t),
                        get: |o: &#out| #get_token,
                        duplicate: |t: ::std::string::String| #err::Unhandled(::aws_lite_runtime::error::Failure::duplicate_token(&t)),
                    },
                    self.stop_on_duplicate_token,
                )
            }
            #items
        }
    }
}

/// Whether an operation has `@requestCompression`: only then does the crate turn on the
/// runtime's `gzip` feature (and its flate2 dependencies).
fn needs_gzip(ir: &Ir) -> bool {
    ir.operations
        .iter()
        .any(|o| !o.request_compression.is_empty())
}

fn gzip_feature(ir: &Ir) -> &'static str {
    if needs_gzip(ir) {
        "# gzip request compression for the operations with `@requestCompression`.\ngzip = [\"aws-lite-runtime/gzip\"]\n"
    } else {
        ""
    }
}

/// Whether an operation has `@httpChecksumRequired`: only then does the crate need the
/// runtime's `content-md5` feature (and md-5). Not a feature of the generated crate, since
/// such a request without its `Content-MD5` header is refused by the service.
fn needs_md5(ir: &Ir) -> bool {
    ir.operations.iter().any(|o| o.checksum_required)
}

/// Whether the crate can sign with SigV4a: an operation whose auth schemes include
/// `aws.auth#sigv4a`, or endpoint rules that can pick a `sigv4a` auth scheme. Only then does
/// it need the runtime's `sigv4a` feature (and p256). Not a feature of the generated crate:
/// without it, such requests fail.
pub(crate) fn needs_sigv4a(ir: &Ir) -> bool {
    ir.operations
        .iter()
        .any(|o| o.auth.schemes.contains(&crate::ir::AuthScheme::SigV4a))
        || ir
            .service
            .endpoint_rules
            .as_ref()
            .is_some_and(crate::ir::rules_name_sigv4a)
}

/// The runtime dependency of `Cargo.toml`, with `features` added: `dependency` is an inline
/// table (`{ path = "..." }`) or a version requirement (`"0.1"`).
fn runtime_dependency(dependency: &str, features: &[&str]) -> String {
    if features.is_empty() {
        return dependency.to_owned();
    }
    let list = features
        .iter()
        .map(|f| format!("\"{f}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let dependency = dependency.trim();
    match dependency
        .strip_prefix('{')
        .and_then(|d| d.strip_suffix('}'))
    {
        Some(table) if table.trim().is_empty() => format!("{{ features = [{list}] }}"),
        Some(table) => format!("{{ {}, features = [{list}] }}", table.trim()),
        None => format!("{{ version = {dependency}, features = [{list}] }}"),
    }
}

/// The runtime features a crate cannot work without.
fn runtime_features(ir: &Ir) -> Vec<&'static str> {
    let mut features = Vec::new();
    if needs_md5(ir) {
        features.push("content-md5");
    }
    if needs_sigv4a(ir) {
        features.push("sigv4a");
    }
    features
}

/// `Cargo.toml` of the generated crate.
pub(crate) fn cargo_toml(ir: &Ir, options: &EmitOptions) -> String {
    format!(
        r#"# @generated by cargo xtask codegen. Do not edit.
[package]
name = "{name}"
version = "{version}"
edition = "2021"
description = "{title} client generated from its Smithy model (API version {api})."
license = "Apache-2.0"
publish = false

[features]
default = ["rustls"{default_gzip}]
# HTTPS through rustls; without it only plain-HTTP endpoints (local servers) work.
rustls = ["aws-lite-runtime/rustls"]
# Serialize/Deserialize on every data type, with the model's member names.
serde = ["dep:serde", "aws-lite-runtime/serde"]
# Reuse the official SDK's setup (region, SSO/IMDS/web-identity credentials) through
# `aws_lite_runtime::sdk_config::from_sdk_config`. Needs Rust 1.94+.
aws-config = ["aws-lite-runtime/aws-config"]
{gzip}
[dependencies]
aws-lite-runtime = {runtime}
serde = {{ version = "1", features = ["derive"], optional = true }}

[dev-dependencies]
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
"#,
        name = ir.service.crate_name.replace('_', "-"),
        version = ir.service.crate_version,
        title = ir.service.title.replace('"', "'"),
        api = ir.service.version,
        runtime = runtime_dependency(&options.runtime_dependency, &runtime_features(ir)),
        gzip = gzip_feature(ir),
        default_gzip = if needs_gzip(ir) { ", \"gzip\"" } else { "" },
    )
}

#[cfg(test)]
mod tests {
    use super::runtime_dependency;

    #[test]
    fn runtime_dependency_gets_features() {
        let path = r#"{ path = "../../runtime", default-features = false }"#;
        assert_eq!(runtime_dependency(path, &[]), path);
        assert_eq!(
            runtime_dependency(path, &["content-md5"]),
            r#"{ path = "../../runtime", default-features = false, features = ["content-md5"] }"#
        );
        assert_eq!(
            runtime_dependency(r#""0.1""#, &["content-md5"]),
            r#"{ version = "0.1", features = ["content-md5"] }"#
        );
        assert_eq!(
            runtime_dependency("{}", &["content-md5"]),
            r#"{ features = ["content-md5"] }"#
        );
    }
}
