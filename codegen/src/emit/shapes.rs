//! Structures (with builders), enums and unions, with their JSON conversions.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::values::{default_value, from_json, to_json, zero};
use super::{deprecated, deprecated_doc, docs_or, ident, is_copy, rust_type};
use crate::ir::{EnumIr, HttpBinding, Ir, MemberIr, StructIr, StructRole, Ty, UnionIr};
use crate::names;

const REDACTED: &str = "*** Sensitive Data Redacted ***";

fn serde_derive() -> TokenStream {
    quote! { #[cfg_attr(feature = "serde", derive(::serde::Serialize, ::serde::Deserialize))] }
}

fn serde_rename(name: &str) -> TokenStream {
    quote! { #[cfg_attr(feature = "serde", serde(rename = #name))] }
}

/// For a member that is no `Option` but has a `@default`: the serde attribute that makes an
/// absent member deserialize to the model's default (as `build()` fills it), and the function it
/// calls when that default is not the type's `Default` (else nothing).
fn serde_default(ir: &Ir, s: &StructIr, m: &MemberIr) -> (TokenStream, TokenStream) {
    let Some(d) = m.default.as_ref().filter(|_| !m.optional) else {
        return (quote! {}, quote! {});
    };
    let v = default_value(ir, &m.ty, d);
    let text = v.to_string();
    if !m.boxed && (text == "false" || text == "0" && !matches!(m.ty, Ty::Float | Ty::Double)) {
        return (
            quote! { #[cfg_attr(feature = "serde", serde(default))] },
            quote! {},
        );
    }
    let v = if m.boxed {
        quote! { ::std::boxed::Box::new(#v) }
    } else {
        v
    };
    let f = format_ident!("__serde_default_{}", names::unraw(&m.rust_name));
    let path = format!("{}::{f}", s.rust_name);
    let t = field_type(ir, m);
    (
        quote! { #[cfg_attr(feature = "serde", serde(default = #path))] },
        quote! {
            #[cfg(feature = "serde")]
            #[doc(hidden)]
            fn #f() -> #t { #v }
        },
    )
}

/// The field type of a member: `Option`, `Box` as the IR says.
pub(crate) fn field_type(ir: &Ir, m: &MemberIr) -> TokenStream {
    let t = rust_type(ir, &m.ty);
    let t = if m.boxed {
        quote! { ::std::boxed::Box<#t> }
    } else {
        t
    };
    if m.optional {
        quote! { ::std::option::Option<#t> }
    } else {
        t
    }
}

fn builder_field_type(ir: &Ir, m: &MemberIr) -> TokenStream {
    let t = rust_type(ir, &m.ty);
    if m.boxed {
        quote! { ::std::option::Option<::std::boxed::Box<#t>> }
    } else {
        quote! { ::std::option::Option<#t> }
    }
}

/// A getter: `Option<&str>` for optional strings, slices for lists, values for `Copy` types.
fn getter(ir: &Ir, m: &MemberIr) -> TokenStream {
    let name = ident(&m.rust_name);
    let doc = docs_or(&m.docs, &format!("The `{}` member.", m.name));
    let dep = deprecated(&m.deprecated);
    let t = rust_type(ir, &m.ty);
    let (ret, body) = match (&m.ty, m.optional) {
        (ty, true) if is_copy(ty) => (quote! { ::std::option::Option<#t> }, quote! { self.#name }),
        (ty, false) if is_copy(ty) => (quote! { #t }, quote! { self.#name }),
        (Ty::String, true) => (
            quote! { ::std::option::Option<&str> },
            quote! { self.#name.as_deref() },
        ),
        (Ty::String, false) => (quote! { &str }, quote! { &self.#name }),
        (Ty::List { member, sparse }, true) => {
            let e = rust_type(ir, member);
            let e = if *sparse {
                quote! { ::std::option::Option<#e> }
            } else {
                e
            };
            (
                quote! { &[#e] },
                quote! { self.#name.as_deref().unwrap_or_default() },
            )
        }
        (Ty::List { member, sparse }, false) => {
            let e = rust_type(ir, member);
            let e = if *sparse {
                quote! { ::std::option::Option<#e> }
            } else {
                e
            };
            (quote! { &[#e] }, quote! { &self.#name })
        }
        (_, true) if m.boxed => (
            quote! { ::std::option::Option<&#t> },
            quote! { self.#name.as_deref() },
        ),
        (_, true) => (
            quote! { ::std::option::Option<&#t> },
            quote! { self.#name.as_ref() },
        ),
        (_, false) => (quote! { &#t }, quote! { &self.#name }),
    };
    let list_note = if matches!(m.ty, Ty::List { .. }) && m.optional {
        let n = format!(" If no value was sent for this field, a default will be set. To tell an absent list from an empty one, use `.{}.is_none()`.", names::unraw(&m.rust_name));
        quote! { #[doc = ""] #[doc = #n] }
    } else {
        quote! {}
    };
    quote! {
        #doc #list_note #dep
        pub fn #name(&self) -> #ret { #body }
    }
}

/// Builder setters: `x(value)`, `set_x(Option)`, `get_x()`; lists append, maps insert.
pub(crate) fn setters(ir: &Ir, m: &MemberIr, target: TokenStream) -> TokenStream {
    let name = ident(&m.rust_name);
    let base = names::unraw(&m.rust_name);
    let set = format_ident!("set_{}", base);
    let get = format_ident!("get_{}", base);
    let doc = docs_or(&m.docs, &format!("The `{}` member.", m.name));
    let dep = deprecated(&m.deprecated);
    let t = rust_type(ir, &m.ty);
    let bt = builder_field_type(ir, m);
    let wrap = |v: TokenStream| {
        if m.boxed {
            quote! { ::std::boxed::Box::new(#v) }
        } else {
            v
        }
    };
    let adder = match &m.ty {
        Ty::List { member, sparse } => {
            let e = rust_type(ir, member);
            let e = if *sparse {
                quote! { ::std::option::Option<#e> }
            } else {
                e
            };
            let note = format!(
                " Appends an item to `{base}`; use `set_{base}` to replace the whole list."
            );
            quote! {
                #doc #[doc = ""] #[doc = #note] #dep
                pub fn #name(mut self, input: impl ::std::convert::Into<#e>) -> Self {
                    #target.#name.get_or_insert_with(::std::vec::Vec::new).push(input.into());
                    self
                }
            }
        }
        Ty::Map { key, value, sparse } => {
            let k = rust_type(ir, key);
            let v = rust_type(ir, value);
            let v = if *sparse {
                quote! { ::std::option::Option<#v> }
            } else {
                v
            };
            let note = format!(
                " Adds a key-value pair to `{base}`; use `set_{base}` to replace the whole map."
            );
            quote! {
                #doc #[doc = ""] #[doc = #note] #dep
                pub fn #name(mut self, k: impl ::std::convert::Into<#k>, v: impl ::std::convert::Into<#v>) -> Self {
                    #target.#name.get_or_insert_with(::std::collections::HashMap::new).insert(k.into(), v.into());
                    self
                }
            }
        }
        _ => {
            let v = wrap(quote! { input.into() });
            quote! {
                #doc #dep
                pub fn #name(mut self, input: impl ::std::convert::Into<#t>) -> Self {
                    #target.#name = ::std::option::Option::Some(#v);
                    self
                }
            }
        }
    };
    let set_value = if m.boxed {
        quote! { input.map(::std::boxed::Box::new) }
    } else {
        quote! { input }
    };
    let get_body = quote! { &#target.#name };
    let get_ret = if m.boxed {
        quote! { ::std::option::Option<::std::boxed::Box<#t>> }
    } else {
        quote! { ::std::option::Option<#t> }
    };
    let _ = bt;
    // The member's documentation is on its setter; the Option forms point there.
    let set_doc = format!(" Sets or clears `{base}` (see the `{base}` setter).");
    let get_doc = format!(" The `{base}` set so far, if any.");
    quote! {
        #adder
        #[doc = #set_doc] #dep
        pub fn #set(mut self, input: ::std::option::Option<#t>) -> Self {
            #target.#name = #set_value;
            self
        }
        #[doc = #get_doc] #dep
        pub fn #get(&self) -> &#get_ret { #get_body }
    }
}

/// `impl Debug` that prints `REDACTED` for sensitive fields (or everything for a sensitive
/// structure).
fn debug_impl(
    name: &proc_macro2::Ident,
    display: &str,
    fields: &[(&MemberIr, bool)],
    all_sensitive: bool,
    extra: TokenStream,
) -> TokenStream {
    let entries = fields.iter().map(|(m, _)| {
        let f = ident(&m.rust_name);
        let label = names::unraw(&m.rust_name);
        if all_sensitive || m.sensitive {
            quote! { .field(#label, &#REDACTED) }
        } else {
            quote! { .field(#label, &self.#f) }
        }
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#display) #(#entries)* #extra .finish()
            }
        }
    }
}

/// `field: self.field.unwrap_or(..)`, eager for `Copy` values, through `Default` where the
/// value is the type's default, lazy otherwise.
fn fill(f: &proc_macro2::Ident, m: &MemberIr, v: TokenStream) -> TokenStream {
    let text = v.to_string();
    let is_default = m.default.is_none()
        && !m.boxed
        && matches!(
            m.ty,
            Ty::String
                | Ty::BigInteger
                | Ty::BigDecimal
                | Ty::List { .. }
                | Ty::Map { .. }
                | Ty::Blob
        );
    // An empty list or map default is the type's `Default`.
    let empty_collection =
        !m.boxed && (text.ends_with("Vec :: new ()") || text.ends_with("HashMap :: new ()"));
    if is_default
        || m.ty == Ty::ByteStream
        || empty_collection
        || text == "0" && is_copy(&m.ty) && !matches!(m.ty, Ty::Float | Ty::Double)
        || text == "false"
    {
        quote! { #f: self.#f.unwrap_or_default(), }
    } else if (is_copy(&m.ty)
        || matches!(m.ty, Ty::Union(_)) && text.ends_with(":: Unknown")
        || text.ends_with("Document :: Null"))
        && !m.boxed
    {
        quote! { #f: self.#f.unwrap_or(#v), }
    } else if let (Ty::Struct(_), None, false) = (&m.ty, &m.default, m.boxed) {
        // `T::zero()`: pass the function itself.
        let path: TokenStream = text.trim_end_matches("()").trim_end().parse().unwrap_or(v);
        quote! { #f: self.#f.unwrap_or_else(#path), }
    } else {
        quote! { #f: self.#f.unwrap_or_else(|| #v), }
    }
}

/// A structure, its builder and its JSON conversions.
pub(crate) fn structure(ir: &Ir, s: &StructIr) -> TokenStream {
    let name = ident(&s.rust_name);
    let builder = format_ident!("{}Builder", s.rust_name);
    let doc = docs_or(&s.docs, &format!("The `{}` structure.", s.rust_name));
    let dep = deprecated(&s.deprecated);
    let dep_doc = deprecated_doc(&s.deprecated);
    let is_error = matches!(s.role, StructRole::Error(_));
    // A stream can be neither copied, compared nor serialized: such a structure derives
    // only what it can.
    let streams = holds_stream(s);
    let serde = if is_error || streams {
        quote! {}
    } else {
        serde_derive()
    };

    let fields = s.members.iter().map(|m| {
        let f = ident(&m.rust_name);
        let t = field_type(ir, m);
        let d = docs_or(&m.docs, &format!("The `{}` member.", m.name));
        let dep = deprecated_doc(&m.deprecated);
        // Errors carry response metadata and are not serde types.
        let rename = if is_error || streams {
            quote! {}
        } else {
            let default = serde_default(ir, s, m).0;
            let rename = serde_rename(&m.name);
            quote! { #rename #default }
        };
        quote! { #d #dep #rename pub #f: #t, }
    });
    let serde_default_fns = s
        .members
        .iter()
        .filter(|_| !is_error && !streams)
        .map(|m| serde_default(ir, s, m).1);
    let getters = s.members.iter().map(|m| getter(ir, m));
    let is_output = matches!(s.role, StructRole::Output(_));
    let meta_field = if is_error {
        quote! { pub(crate) meta: ::aws_lite_runtime::error::ErrorMetadata, }
    } else if is_output {
        // The response's request ids: not model members, so no model name can collide
        // with a leading underscore; not part of the serde form (a streaming output has none).
        let skip = if streams {
            quote! {}
        } else {
            quote! { #[cfg_attr(feature = "serde", serde(skip))] }
        };
        quote! {
            #skip
            pub(crate) _request_id: ::std::option::Option<::std::string::String>,
            #skip
            pub(crate) _extended_request_id: ::std::option::Option<::std::string::String>,
        }
    } else {
        quote! {}
    };
    let builder_fields = s.members.iter().map(|m| {
        let f = ident(&m.rust_name);
        let t = builder_field_type(ir, m);
        quote! { pub(crate) #f: #t, }
    });
    let builder_setters = s.members.iter().map(|m| setters(ir, m, quote! { self }));

    // Required members without a default make `build()` fallible.
    let missing: Vec<&MemberIr> = s
        .members
        .iter()
        .filter(|m| !m.optional && m.default.is_none())
        .collect();
    let strict_fields = s.members.iter().map(|m| {
        let f = ident(&m.rust_name);
        if m.optional {
            quote! { #f: self.#f, }
        } else if let Some(d) = &m.default {
            let v = default_value(ir, &m.ty, d);
            let v = if m.boxed {
                quote! { ::std::boxed::Box::new(#v) }
            } else {
                v
            };
            fill(&f, m, v)
        } else {
            // Checked before the literal (`required` below).
            quote! { #f, }
        }
    });
    // A `match` per required member: `ok_or_else` and its closure would be compiled once
    // per member.
    let required = missing.iter().map(|m| {
        let f = ident(&m.rust_name);
        let label = &m.name;
        let msg = format!("`{label}` is required to build {}", s.rust_name);
        quote! {
            let #f = match self.#f {
                ::std::option::Option::Some(v) => v,
                ::std::option::Option::None => return ::std::result::Result::Err(::aws_lite_runtime::error::BuildError::missing(#label, #msg)),
            };
        }
    });
    let lenient_fields = s.members.iter().map(|m| {
        let f = ident(&m.rust_name);
        if m.optional {
            quote! { #f: self.#f, }
        } else {
            let v = match &m.default {
                Some(d) => default_value(ir, &m.ty, d),
                None => zero(ir, &m.ty),
            };
            let v = if m.boxed {
                quote! { ::std::boxed::Box::new(#v) }
            } else {
                v
            };
            fill(&f, m, v)
        }
    });
    let meta_init = if is_error {
        quote! { meta: ::std::default::Default::default(), }
    } else if is_output {
        quote! { _request_id: ::std::option::Option::None, _extended_request_id: ::std::option::Option::None, }
    } else {
        quote! {}
    };
    let build_doc = format!(" Builds a [`{}`].", s.rust_name);
    let build = if missing.is_empty() {
        quote! {
            #[doc = #build_doc]
            pub fn build(self) -> #name {
                #name { #(#lenient_fields)* #meta_init }
            }
        }
    } else {
        let names_list = missing
            .iter()
            .map(|m| format!("`{}`", names::unraw(&m.rust_name)))
            .collect::<Vec<_>>()
            .join(", ");
        let lenient_fn = if ir.deserialized.contains(&s.id) {
            quote! {
                /// Builds with zero values for missing required members (error correction for
                /// responses that omit them).
                pub(crate) fn build_lenient(self) -> #name {
                    #name { #(#lenient_fields)* #meta_init }
                }
            }
        } else {
            quote! {}
        };
        let err_doc = format!(" Fails with a [`BuildError`](::aws_lite_runtime::error::BuildError) naming the first missing required member of: {names_list}.");
        quote! {
            #[doc = #build_doc]
            #[doc = ""]
            #[doc = #err_doc]
            pub fn build(self) -> ::std::result::Result<#name, ::aws_lite_runtime::error::BuildError> {
                #(#required)*
                ::std::result::Result::Ok(#name { #(#strict_fields)* #meta_init })
            }
            #lenient_fn
        }
    };
    let lenient_call = if missing.is_empty() {
        quote! { build() }
    } else {
        quote! { build_lenient() }
    };

    // JSON body members (all members for plain structures; an error's header members are
    // read from the headers).
    let body_members: Vec<&MemberIr> = s
        .members
        .iter()
        .filter(|m| matches!(s.role, StructRole::Plain) || m.binding == HttpBinding::Body)
        .collect();
    let ser = body_members.iter().map(|m| {
        let f = ident(&m.rust_name);
        let key = &m.json_name;
        let fmt = m.timestamp_format.as_deref();
        let v = to_json(ir, &m.ty, quote! { v }, fmt);
        if m.optional {
            // Unset `@idempotencyToken` members were filled in before serializing.
            quote! {
                if let ::std::option::Option::Some(v) = &self.#f {
                    ::aws_lite_runtime::json::insert(&mut map, #key, #v);
                }
            }
        } else {
            quote! {
                {
                    let v = &self.#f;
                    ::aws_lite_runtime::json::insert(&mut map, #key, #v);
                }
            }
        }
    });
    let de = body_members.iter().map(|m| {
        let f = ident(&m.rust_name);
        let key = &m.json_name;
        let fmt = m.timestamp_format.as_deref();
        let v = from_json(ir, &m.ty, quote! { v }, fmt);
        let v = if m.boxed {
            quote! { (#v).map(::std::boxed::Box::new) }
        } else {
            v
        };
        (
            key,
            quote! { ::aws_lite_runtime::json::set(&mut builder.#f, #v, #key) },
        )
    });
    let map_mut = if body_members.is_empty() {
        quote! { let map = ::aws_lite_runtime::json::Map::new(); }
    } else {
        quote! { let mut map = ::aws_lite_runtime::json::Map::new(); }
    };
    // One pass over the object, moving each member out; `null` is absent and unknown keys
    // are ignored.
    let de: Vec<_> = de.collect();
    // Each member is one `json::set` call; the match yields its result and one `?` serves
    // every member (a `?` per member costs a branch and a conversion each).
    let read_member = if let [(key, read)] = de.as_slice() {
        // One member: an `if`, as clippy prefers to a one-armed `match`.
        quote! {
            if key == #key {
                #read?;
            }
        }
    } else {
        let arms = de.iter().map(|(key, read)| quote! { #key => #read, });
        quote! {
            match key.as_str() {
                #(#arms)*
                _ => ::std::result::Result::Ok(()),
            }?;
        }
    };
    let read_members = if body_members.is_empty() {
        quote! { let builder = <#builder as ::std::default::Default>::default(); let _ = obj; }
    } else {
        quote! {
            let mut builder = <#builder as ::std::default::Default>::default();
            for (key, v) in obj {
                if v.is_null() {
                    continue;
                }
                #read_member
            }
        }
    };
    // Operation inputs and outputs without body members never touch JSON.
    let io_without_body =
        matches!(s.role, StructRole::Input(_) | StructRole::Output(_)) && body_members.is_empty();
    let to_json_fn = if ir.serialized.contains(&s.id) && !io_without_body {
        quote! {
            /// The JSON object of this structure's body members.
            pub(crate) fn to_json(&self) -> ::aws_lite_runtime::json::Value {
                #map_mut
                #(#ser)*
                ::aws_lite_runtime::json::Value::Object(map)
            }
        }
    } else {
        quote! {}
    };
    let from_json_fn = if ir.deserialized.contains(&s.id) && !io_without_body {
        quote! {
            /// Reads the structure from its JSON object; unknown keys are ignored.
            pub(crate) fn from_json(value: ::aws_lite_runtime::json::Value) -> ::std::result::Result<Self, ::aws_lite_runtime::json::DeError> {
                let obj = ::aws_lite_runtime::json::object(value)?;
                #read_members
                ::std::result::Result::Ok(builder.#lenient_call)
            }
        }
    } else {
        quote! {}
    };
    // The zero value serves error correction of responses that omit a required member.
    let zero_fn = if ir.deserialized.contains(&s.id) && needs_zero(ir, &s.id) {
        quote! {
            /// The value with every required member at its zero value.
            pub(crate) fn zero() -> Self {
                <#builder as ::std::default::Default>::default().#lenient_call
            }
        }
    } else {
        quote! {}
    };
    let json_impl = quote! {
        impl #name {
            #to_json_fn
            #from_json_fn
            #zero_fn
        }
    };

    let all_sensitive = s.sensitive;
    // Derived `Debug` prints the same as ours; ours is only needed to redact.
    let redact = all_sensitive || s.members.iter().any(|m| m.sensitive);
    let derive_debug = if redact {
        quote! {}
    } else {
        quote! { ::std::fmt::Debug, }
    };
    let field_list: Vec<(&MemberIr, bool)> = s.members.iter().map(|m| (m, true)).collect();
    let display = s.rust_name.as_str();
    let debug = if !redact {
        quote! {}
    } else {
        debug_impl(
            &name,
            display,
            &field_list,
            all_sensitive,
            if is_error {
                quote! { .field("meta", &self.meta) }
            } else {
                quote! {}
            },
        )
    };
    let builder_debug = if !redact {
        quote! {}
    } else {
        debug_impl(
            &builder,
            &format!("{}Builder", s.rust_name),
            &field_list,
            all_sensitive,
            quote! {},
        )
    };

    let error_impl = match &s.role {
        StructRole::Error(e) => {
            let code = &e.code;
            let msg_getter = match e
                .message_member
                .as_ref()
                .and_then(|mm| s.members.iter().find(|m| &m.name == mm))
            {
                Some(m) if matches!(m.ty, Ty::String) => {
                    let f = ident(&m.rust_name);
                    if m.optional {
                        quote! { self.#f.as_deref().or(self.meta.message.as_deref()) }
                    } else {
                        quote! { ::std::option::Option::Some(self.#f.as_str()).filter(|m| !m.is_empty()).or(self.meta.message.as_deref()) }
                    }
                }
                _ => quote! { self.meta.message.as_deref() },
            };
            let retryable = e.retryable;
            let throttling = e.throttling;
            let header_reads: Vec<TokenStream> = s
                .members
                .iter()
                .filter_map(|m| {
                    let f = ident(&m.rust_name);
                    let optional = m.optional;
                    super::operation::header_read(ir, m, |v| {
                        if optional {
                            quote! { err.#f = ::std::option::Option::Some(#v); }
                        } else {
                            quote! { err.#f = #v; }
                        }
                    })
                })
                .collect();
            let read_headers = if header_reads.is_empty() {
                quote! {}
            } else {
                quote! {
                    // Members bound to headers are read from them, whatever the body holds.
                    let parsed = parsed.and_then(|mut err| {
                        #(#header_reads)*
                        ::std::result::Result::Ok(err)
                    });
                }
            };
            quote! {
                impl #name {
                    /// The error code, `#code`.
                    pub fn code(&self) -> &str { #code }
                    /// The message the service sent, if any.
                    pub fn message(&self) -> ::std::option::Option<&str> { #msg_getter }
                    /// The request id of the response that carried the error.
                    pub fn request_id(&self) -> ::std::option::Option<&str> { self.meta.request_id.as_deref() }
                    /// Code, message, request id and status of the response.
                    pub fn meta(&self) -> &::aws_lite_runtime::error::ErrorMetadata { &self.meta }
                    /// Whether the model marks this error `@retryable`.
                    pub fn is_retryable(&self) -> bool { #retryable }
                    /// Whether the model marks this error as throttling.
                    pub fn is_throttling(&self) -> bool { #throttling }
                    /// Reads the error from an error response; a body that does not read is
                    /// an `Unhandled` failure carrying `meta`.
                    pub(crate) fn from_response(
                        response: &::aws_lite_runtime::http::HttpResponse,
                        meta: ::aws_lite_runtime::error::ErrorMetadata,
                    ) -> ::std::result::Result<Self, ::aws_lite_runtime::error::Failure> {
                        // An empty body reads as `{}`: header members are still read below.
                        let parsed = ::aws_lite_runtime::json::parse_body(response.body()).and_then(Self::from_json);
                        #read_headers
                        match parsed {
                            ::std::result::Result::Ok(mut err) => {
                                err.meta = meta;
                                ::std::result::Result::Ok(err)
                            }
                            ::std::result::Result::Err(e) => ::std::result::Result::Err(::aws_lite_runtime::error::Failure::unreadable_error(meta, e)),
                        }
                    }
                }
                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        // Same form as an unmodeled error: `Code (HTTP 404): message`.
                        ::aws_lite_runtime::error::fmt_service_error(f, #code, &self.meta, self.message())
                    }
                }
                impl ::std::error::Error for #name {}
                impl ::aws_lite_runtime::error::ProvideErrorMetadata for #name {
                    fn meta(&self) -> &::aws_lite_runtime::error::ErrorMetadata { &self.meta }
                    fn code(&self) -> ::std::option::Option<&str> { ::std::option::Option::Some(#code) }
                    fn message(&self) -> ::std::option::Option<&str> { #name::message(self) }
                }
                impl ::aws_lite_runtime::error::RequestId for #name {
                    fn request_id(&self) -> ::std::option::Option<&str> { self.meta.request_id.as_deref() }
                    fn extended_request_id(&self) -> ::std::option::Option<&str> { self.meta.extended_request_id() }
                }
            }
        }
        StructRole::Output(_) => quote! {
            impl #name {
                /// The request id of the response (`x-amzn-RequestId`).
                pub fn request_id(&self) -> ::std::option::Option<&str> { self._request_id.as_deref() }
            }
            impl ::aws_lite_runtime::error::RequestId for #name {
                fn request_id(&self) -> ::std::option::Option<&str> { self._request_id.as_deref() }
                fn extended_request_id(&self) -> ::std::option::Option<&str> { self._extended_request_id.as_deref() }
            }
            impl ::aws_lite_runtime::mock::MockAnswer for #name {}
        },
        _ => quote! {},
    };

    let (derive_struct, derive_builder) = if streams {
        (
            quote! { #[derive(#derive_debug)] },
            quote! { #[derive(#derive_debug ::std::default::Default)] },
        )
    } else {
        (
            quote! { #[derive(#derive_debug ::std::clone::Clone, ::std::cmp::PartialEq)] },
            quote! { #[derive(#derive_debug ::std::clone::Clone, ::std::cmp::PartialEq, ::std::default::Default)] },
        )
    };
    let builder_doc = format!(" A builder for [`{}`].", s.rust_name);
    let builder_fn_doc = format!(" A builder for [`{}`].", s.rust_name);
    quote! {
        #doc
        #dep_doc
        #[non_exhaustive]
        #derive_struct
        #serde
        pub struct #name {
            #(#fields)*
            #meta_field
        }

        impl #name {
            #(#getters)*
            #[doc = #builder_fn_doc]
            #dep
            pub fn builder() -> #builder { <#builder as ::std::default::Default>::default() }
            #(#serde_default_fns)*
        }

        #debug

        #[doc = #builder_doc]
        #[non_exhaustive]
        #derive_builder
        pub struct #builder {
            #(#builder_fields)*
        }

        impl #builder {
            #(#builder_setters)*
            #build
        }

        #builder_debug

        #json_impl

        #error_impl
    }
}

/// Whether the structure has a `@streaming` blob member (a `ByteStream`), which derives no
/// `Clone`, `PartialEq` or serde traits.
pub(crate) fn holds_stream(s: &StructIr) -> bool {
    s.members.iter().any(|m| m.ty == Ty::ByteStream)
}

/// Whether some structure reads `id` as a required member (so its zero value is needed).
fn needs_zero(ir: &Ir, id: &str) -> bool {
    let is_target = |ty: &Ty| matches!(ty, Ty::Struct(t) if t == id);
    ir.structures
        .values()
        .flat_map(|s| &s.members)
        .any(|m| !m.optional && m.default.is_none() && is_target(&m.ty))
}

/// A string or integer enum with a forward-compatible `Unknown` value nobody can construct.
pub(crate) fn enumeration(e: &EnumIr) -> TokenStream {
    let name = ident(&e.rust_name);
    let doc = docs_or(&e.docs, &format!("The `{}` enum.", e.rust_name));
    let dep = deprecated_doc(&e.deprecated);
    let variants = e.variants.iter().map(|v| {
        let n = ident(&v.rust_name);
        let d = docs_or(&v.docs, &crate::docs::code_span(&v.value));
        let dep = deprecated(&v.deprecated);
        quote! { #d #dep #n, }
    });
    let idents: Vec<_> = e.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let example = e
        .variants
        .first()
        .map(|v| v.value.clone())
        .unwrap_or_default();
    let unknown_doc = " A value this version of the crate does not know. It cannot be constructed; match it with `Unknown(_)` and read it with `as_str()`.";
    if e.int {
        let values: Vec<i32> = e
            .variants
            .iter()
            .map(|v| v.value.parse().unwrap_or(0))
            .collect();
        return quote! {
            #doc
            #dep
            #[non_exhaustive]
            #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, ::std::cmp::PartialOrd, ::std::cmp::Ord)]
            pub enum #name {
                #(#variants)*
                #[doc = #unknown_doc]
                Unknown(crate::primitives::UnknownIntValue),
            }
            #[allow(deprecated)]
            impl #name {
                /// The wire value.
                pub fn as_i32(&self) -> i32 {
                    match self { #( Self::#idents => #values, )* Self::Unknown(v) => v.0 }
                }
                /// Every value the model defines.
                pub const fn values() -> &'static [i32] { &[#(#values),*] }
            }
            #[allow(deprecated)]
            impl ::std::convert::From<i32> for #name {
                fn from(v: i32) -> Self {
                    match v { #( #values => Self::#idents, )* other => Self::Unknown(crate::primitives::UnknownIntValue(other)) }
                }
            }
            #[cfg(feature = "serde")]
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> { s.serialize_i32(self.as_i32()) }
            }
            #[cfg(feature = "serde")]
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                    <i32 as ::serde::Deserialize>::deserialize(d).map(Self::from)
                }
            }
        };
    }
    let values: Vec<&String> = e.variants.iter().map(|v| &v.value).collect();
    let from_doc = format!(
        " {}: every string is accepted; values the model does not define become `Unknown`.",
        crate::docs::code_span(&format!("{name}::from({example:?})"))
    );
    quote! {
        #doc
        #dep
        #[non_exhaustive]
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, ::std::cmp::PartialOrd, ::std::cmp::Ord)]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            Unknown(crate::primitives::UnknownVariantValue),
        }
        #[allow(deprecated)]
        impl #name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self { #( Self::#idents => #values, )* Self::Unknown(v) => v.as_str() }
            }
            /// Every value the model defines.
            pub const fn values() -> &'static [&'static str] { &[#(#values),*] }
        }
        #[allow(deprecated)]
        impl ::std::convert::From<&str> for #name {
            #[doc = #from_doc]
            fn from(s: &str) -> Self {
                match s { #( #values => Self::#idents, )* other => Self::Unknown(crate::primitives::UnknownVariantValue(other.to_owned())) }
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> { ::std::result::Result::Ok(Self::from(s)) }
        }
        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str { self.as_str() }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str(self.as_str()) }
        }
        #[cfg(feature = "serde")]
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }
        #[cfg(feature = "serde")]
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(d).map(|s| Self::from(s.as_str()))
            }
        }
    }
}

/// A union: one variant per member plus `Unknown` for members added after this crate.
pub(crate) fn union(ir: &Ir, u: &UnionIr) -> TokenStream {
    let name = ident(&u.rust_name);
    let doc = docs_or(&u.docs, &format!("The `{}` union.", u.rust_name));
    let dep = deprecated_doc(&u.deprecated);
    let variants = u.members.iter().map(|m| {
        let v = ident(&m.rust_name);
        let d = docs_or(&m.docs, &format!("The `{}` member.", m.name));
        let dep = deprecated_doc(&m.deprecated);
        let rename = serde_rename(&m.name);
        if m.ty == Ty::Unit {
            quote! { #d #dep #rename #v, }
        } else {
            let t = rust_type(ir, &m.ty);
            let t = if m.boxed {
                quote! { ::std::boxed::Box<#t> }
            } else {
                t
            };
            quote! { #d #dep #rename #v(#t), }
        }
    });
    let accessors = u.members.iter().map(|m| {
        let v = ident(&m.rust_name);
        let snake = names::union_accessor(&m.name);
        let is = format_ident!("is_{}", snake);
        let as_ = format_ident!("as_{}", snake);
        let is_doc = format!(" Whether this is the `{}` variant.", m.rust_name);
        let dep = deprecated(&m.deprecated);
        // `is_x` calls the deprecated `as_x` of a deprecated member.
        let allow = if m.deprecated.is_some() {
            quote! { #[allow(deprecated)] }
        } else {
            quote! {}
        };
        if m.ty == Ty::Unit {
            quote! {
                #[doc = #is_doc]
                #dep
                pub fn #is(&self) -> bool { ::std::matches!(self, Self::#v) }
            }
        } else {
            let t = rust_type(ir, &m.ty);
            let t = if m.boxed { quote! { ::std::boxed::Box<#t> } } else { t };
            let as_doc = format!(" The `{}` value, or `Err(self)` for another variant.", m.rust_name);
            quote! {
                #[doc = #as_doc]
                #dep
                pub fn #as_(&self) -> ::std::result::Result<&#t, &Self> {
                    if let Self::#v(v) = self { ::std::result::Result::Ok(v) } else { ::std::result::Result::Err(self) }
                }
                #[doc = #is_doc]
                #dep
                #allow
                pub fn #is(&self) -> bool { self.#as_().is_ok() }
            }
        }
    });
    let ser_arms = u.members.iter().map(|m| {
        let v = ident(&m.rust_name);
        let key = &m.json_name;
        if m.ty == Ty::Unit {
            quote! { Self::#v => (#key, ::aws_lite_runtime::json::Value::Object(::aws_lite_runtime::json::Map::new())), }
        } else {
            let val = to_json(ir, &m.ty, quote! { v }, m.timestamp_format.as_deref());
            quote! { Self::#v(v) => (#key, #val), }
        }
    });
    let de_arms = u.members.iter().map(|m| {
        let v = ident(&m.rust_name);
        let key = &m.json_name;
        if m.ty == Ty::Unit {
            quote! { #key => ::std::result::Result::Ok(Self::#v), }
        } else {
            let val = from_json(ir, &m.ty, quote! { value }, m.timestamp_format.as_deref());
            let val = if m.boxed {
                quote! { (#val).map(::std::boxed::Box::new) }
            } else {
                val
            };
            quote! { #key => ::aws_lite_runtime::json::at(#val, #key).map(Self::#v), }
        }
    });
    let debug = if u.sensitive || u.members.iter().any(|m| m.sensitive) {
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(#REDACTED)
                }
            }
        }
    } else {
        quote! {}
    };
    let derive_debug = if u.sensitive || u.members.iter().any(|m| m.sensitive) {
        quote! {}
    } else {
        quote! { #[derive(::std::fmt::Debug)] }
    };
    let union_to_json = if ir.serialized.contains(&u.id) {
        quote! {
            /// The JSON object of the set member (`Unknown` cannot be sent and writes `{}`).
            pub(crate) fn to_json(&self) -> ::aws_lite_runtime::json::Value {
                let (key, value) = match self {
                    #(#ser_arms)*
                    Self::Unknown => return ::aws_lite_runtime::json::Value::Object(::aws_lite_runtime::json::Map::new()),
                };
                let mut map = ::aws_lite_runtime::json::Map::new();
                map.insert(key.to_owned(), value);
                ::aws_lite_runtime::json::Value::Object(map)
            }
        }
    } else {
        quote! {}
    };
    let union_from_json = if ir.deserialized.contains(&u.id) {
        quote! {
            /// Reads the union from a JSON object with exactly one non-null member.
            pub(crate) fn from_json(value: ::aws_lite_runtime::json::Value) -> ::std::result::Result<Self, ::aws_lite_runtime::json::DeError> {
                let obj = ::aws_lite_runtime::json::object(value)?;
                let mut set = obj.into_iter().filter(|(k, v)| !v.is_null() && k.as_str() != "__type");
                let (key, value) = match (set.next(), set.next()) {
                    (::std::option::Option::Some(one), ::std::option::Option::None) => one,
                    (::std::option::Option::None, _) => return ::std::result::Result::Err(::aws_lite_runtime::json::DeError::new("a union needs exactly one member set, found none")),
                    _ => return ::std::result::Result::Err(::aws_lite_runtime::json::DeError::new("a union needs exactly one member set, found several")),
                };
                let _ = value;
                match key.as_str() {
                    #(#de_arms)*
                    _ => ::std::result::Result::Ok(Self::Unknown),
                }
            }
        }
    } else {
        quote! {}
    };
    let serde = serde_derive();
    quote! {
        #doc
        #dep
        #[non_exhaustive]
        #[derive(::std::clone::Clone, ::std::cmp::PartialEq)]
        #derive_debug
        #serde
        pub enum #name {
            #(#variants)*
            /// A member this version of the crate does not know.
            #[cfg_attr(feature = "serde", serde(skip))]
            #[non_exhaustive]
            Unknown,
        }
        impl #name {
            #(#accessors)*
            /// Whether this is a member this version of the crate does not know.
            pub fn is_unknown(&self) -> bool { ::std::matches!(self, Self::Unknown) }
            #union_to_json
            #union_from_json
        }
        #debug
    }
}
