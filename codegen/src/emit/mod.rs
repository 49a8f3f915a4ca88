//! IR to token streams: one module per concern. Each function returns items; [`emit`]
//! assembles them into files and [`crate::render`] prints them.

mod operation;
mod protocol_tests;
mod service;
mod shapes;
mod values;

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Deprecated, Ir, Placement, Ty};
use crate::model::ModelError;
use crate::render;

/// Options of the emitted crate that do not come from the model.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// The `ivs-runtime` dependency line of `Cargo.toml`, e.g. `{ path = "../../runtime" }`.
    pub runtime_dependency: String,
    /// The partitions JSON compiled into the crate for endpoint resolution.
    pub partitions_json: String,
    /// Endpoint test cases (by `documentation`) whose model expectation the shipped partition
    /// table contradicts, with the URL it gives instead, and why.
    pub endpoint_divergences: Vec<EndpointDivergence>,
}

/// An endpoint test case known to differ from the model's expectation, with the reason.
#[derive(Debug, Clone)]
pub struct EndpointDivergence {
    /// The case's `documentation` string.
    pub documentation: String,
    /// The URL the shipped partition table resolves.
    pub url: String,
    /// Why the model's expectation does not hold.
    pub reason: String,
}

/// A generated file: path relative to the crate root, and its text.
pub type File = (String, String);

/// Every file of the crate for `ir`.
pub fn emit(ir: &Ir, options: &EmitOptions) -> Result<Vec<File>, ModelError> {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut put = |path: String, tokens: TokenStream| -> Result<(), ModelError> {
        let text = render::render(&path, tokens)?;
        files.insert(path, text);
        Ok(())
    };

    // Types and errors: one file per shape.
    let mut type_modules: Vec<(Placement, String, String)> = Vec::new();
    for s in ir.structures.values() {
        if matches!(s.placement, Placement::Operation(_)) {
            continue;
        }
        let module = crate::names::module_name(&s.rust_name);
        let dir = match s.placement {
            Placement::Errors => "src/types/error",
            _ => "src/types",
        };
        put(format!("{dir}/{module}.rs"), shapes::structure(ir, s))?;
        type_modules.push((s.placement.clone(), module, s.rust_name.clone()));
    }
    for e in ir.enums.values() {
        let module = crate::names::module_name(&e.rust_name);
        put(format!("src/types/{module}.rs"), shapes::enumeration(e))?;
        type_modules.push((Placement::Types, module, e.rust_name.clone()));
    }
    for u in ir.unions.values() {
        let module = crate::names::module_name(&u.rust_name);
        put(format!("src/types/{module}.rs"), shapes::union(ir, u))?;
        type_modules.push((Placement::Types, module, u.rust_name.clone()));
    }
    put(
        "src/types/mod.rs".into(),
        service::types_mod(ir, &type_modules, false),
    )?;
    put(
        "src/types/error/mod.rs".into(),
        service::types_mod(ir, &type_modules, true),
    )?;

    for op in &ir.operations {
        put(
            format!("src/operation/{}.rs", op.snake),
            operation::operation(ir, op),
        )?;
    }
    put("src/operation/mod.rs".into(), service::operation_mod(ir))?;
    put("src/client.rs".into(), service::client(ir))?;
    put("src/error.rs".into(), service::crate_error(ir))?;
    put("src/primitives.rs".into(), service::primitives())?;
    put("src/endpoint.rs".into(), service::endpoint(ir, options))?;
    put("src/lib.rs".into(), service::lib(ir))?;
    if protocol_tests::has_tests(ir) {
        put(
            "src/protocol_tests/mod.rs".into(),
            protocol_tests::module(ir),
        )?;
        for op in ir
            .operations
            .iter()
            .filter(|o| !o.protocol_tests.is_empty())
        {
            put(
                format!("src/protocol_tests/{}.rs", op.snake),
                protocol_tests::operation_tests(ir, op),
            )?;
        }
    }

    let mut out: Vec<File> = files.into_iter().collect();
    out.push(("Cargo.toml".into(), service::cargo_toml(ir, options)));
    out.sort();
    Ok(out)
}

/// An identifier, raw where the name says so (`r#type`).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = ...]` attributes for documentation lines.
pub(crate) fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter();
    quote! { #( #[doc = #lines] )* }
}

/// Like [`docs`], with `fallback` when the model documents nothing (every public item gets a
/// doc line).
pub(crate) fn docs_or(lines: &[String], fallback: &str) -> TokenStream {
    if lines.is_empty() {
        let line = format!(" {fallback}");
        quote! { #[doc = #line] }
    } else {
        docs(lines)
    }
}

/// `#[deprecated(note = ...)]`, if deprecated.
pub(crate) fn deprecated(d: &Option<Deprecated>) -> TokenStream {
    match d {
        Some(d) => {
            let note = &d.note;
            quote! { #[deprecated(note = #note)] }
        }
        None => quote! {},
    }
}

/// The path of a generated type from anywhere in the crate.
pub(crate) fn type_path(ir: &Ir, id: &str) -> TokenStream {
    match ir.type_path(id) {
        Some((placement, name)) => {
            let name = ident(&name);
            match placement {
                Placement::Types => quote! { crate::types::#name },
                Placement::Errors => quote! { crate::types::error::#name },
                Placement::Operation(m) => {
                    let m = ident(&m);
                    quote! { crate::operation::#m::#name }
                }
            }
        }
        // The IR resolves every target it hands out; this is unreachable for a valid IR.
        None => quote! { () },
    }
}

/// The Rust type of `ty`.
pub(crate) fn rust_type(ir: &Ir, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String | Ty::BigInteger | Ty::BigDecimal => quote! { ::std::string::String },
        Ty::Bool => quote! { bool },
        Ty::Byte => quote! { i8 },
        Ty::Short => quote! { i16 },
        Ty::Integer => quote! { i32 },
        Ty::Long => quote! { i64 },
        Ty::Float => quote! { f32 },
        Ty::Double => quote! { f64 },
        Ty::Blob => quote! { ::ivs_runtime::Blob },
        Ty::Timestamp(_) => quote! { ::ivs_runtime::DateTime },
        Ty::Document => quote! { ::ivs_runtime::Document },
        Ty::Unit => quote! { () },
        Ty::Enum(id) | Ty::IntEnum(id) | Ty::Struct(id) | Ty::Union(id) => type_path(ir, id),
        Ty::List { member, sparse } => {
            let m = rust_type(ir, member);
            if *sparse {
                quote! { ::std::vec::Vec<::std::option::Option<#m>> }
            } else {
                quote! { ::std::vec::Vec<#m> }
            }
        }
        Ty::Map { key, value, sparse } => {
            let k = rust_type(ir, key);
            let v = rust_type(ir, value);
            if *sparse {
                quote! { ::std::collections::HashMap<#k, ::std::option::Option<#v>> }
            } else {
                quote! { ::std::collections::HashMap<#k, #v> }
            }
        }
    }
}

/// Whether values of `ty` are `Copy` (getters return them by value).
pub(crate) fn is_copy(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::Bool | Ty::Byte | Ty::Short | Ty::Integer | Ty::Long | Ty::Float | Ty::Double
    )
}
