//! The public API of a generated crate, one line per public item, read back from the
//! generated files with syn. Its snapshot shows a model update as exactly the API it changes.

use std::collections::BTreeSet;

/// One line per public item: `struct types::Channel`, `fn types::Channel::arn(&self)`...
pub fn public_api(files: &[(String, String)]) -> Result<Vec<String>, String> {
    let mut out = BTreeSet::new();
    for (path, text) in files {
        let Some(module) = module_path(path) else {
            continue;
        };
        let file = syn::parse_file(text).map_err(|e| format!("{path}: {e}"))?;
        items(&module, &file.items, &mut out);
    }
    Ok(out.into_iter().collect())
}

fn module_path(path: &str) -> Option<String> {
    let rel = path.strip_prefix("src/")?.strip_suffix(".rs")?;
    let rel = rel.trim_end_matches("/mod").trim_end_matches("mod");
    Some(if rel == "lib" {
        String::new()
    } else {
        rel.replace('/', "::")
    })
}

fn join(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_owned()
    } else {
        format!("{module}::{name}")
    }
}

fn is_pub(v: &syn::Visibility) -> bool {
    matches!(v, syn::Visibility::Public(_))
}

fn items(module: &str, list: &[syn::Item], out: &mut BTreeSet<String>) {
    for item in list {
        match item {
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                out.insert(format!("struct {}", join(module, &s.ident.to_string())));
                for f in &s.fields {
                    if let (true, Some(name)) = (is_pub(&f.vis), &f.ident) {
                        let ty = &f.ty;
                        out.insert(format!(
                            "field {}::{}: {}",
                            join(module, &s.ident.to_string()),
                            name,
                            quote_type(ty)
                        ));
                    }
                }
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                let name = join(module, &e.ident.to_string());
                out.insert(format!("enum {name}"));
                for v in &e.variants {
                    out.insert(format!("variant {name}::{}", v.ident));
                }
            }
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                out.insert(format!("fn {}", join(module, &f.sig.ident.to_string())));
            }
            syn::Item::Mod(m) if is_pub(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    items(&join(module, &m.ident.to_string()), inner, out);
                }
            }
            syn::Item::Use(u) if is_pub(&u.vis) => {
                out.insert(format!(
                    "use {} in {}",
                    quote_tree(&u.tree),
                    if module.is_empty() { "crate" } else { module }
                ));
            }
            syn::Item::Impl(i) if i.trait_.is_none() => {
                let self_ty = quote_type(&i.self_ty);
                for it in &i.items {
                    if let syn::ImplItem::Fn(f) = it {
                        if is_pub(&f.vis) {
                            let inputs: Vec<String> = f.sig.inputs.iter().map(quote_arg).collect();
                            let ret = match &f.sig.output {
                                syn::ReturnType::Default => String::new(),
                                syn::ReturnType::Type(_, t) => format!(" -> {}", quote_type(t)),
                            };
                            out.insert(format!(
                                "fn {}::{}({}){}",
                                join(module, &self_ty),
                                f.sig.ident,
                                inputs.join(", "),
                                ret
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn quote_type(t: &syn::Type) -> String {
    use quote::ToTokens;
    t.to_token_stream()
        .to_string()
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace("& ", "&")
}

fn quote_arg(a: &syn::FnArg) -> String {
    match a {
        syn::FnArg::Receiver(r) => {
            if r.reference.is_some() {
                if r.mutability.is_some() {
                    "&mut self".into()
                } else {
                    "&self".into()
                }
            } else {
                "self".into()
            }
        }
        syn::FnArg::Typed(t) => quote_type(&t.ty),
    }
}

fn quote_tree(t: &syn::UseTree) -> String {
    use quote::ToTokens;
    t.to_token_stream()
        .to_string()
        .replace(" :: ", "::")
        .replace(":: ", "::")
}
