//! The public API of a generated crate, one line per public item, read back from the
//! generated files with syn. Its snapshot shows a model update as exactly the API it changes.

use std::collections::BTreeSet;

/// One line per public item: `struct types::Channel`, `fn types::Channel::arn(&self) -> ..`,
/// `field types::Channel::arn -> Option<String>`. The text before `(` or ` -> ` names the
/// item, the rest is its signature.
pub fn public_api(files: &[(String, String)]) -> Result<Vec<String>, String> {
    let mut parsed = Vec::new();
    // Modules declared without `pub` (one file per shape, re-exported by its parent) are not
    // part of a public path: their items are listed under the parent that re-exports them.
    let mut private_mods = BTreeSet::new();
    for (path, text) in files {
        let Some(module) = module_path(path) else {
            continue;
        };
        let file = syn::parse_file(text).map_err(|e| format!("{path}: {e}"))?;
        for item in &file.items {
            if let syn::Item::Mod(m) = item {
                if m.content.is_none() && !is_pub(&m.vis) {
                    private_mods.insert(join(&module, &m.ident.to_string()));
                }
            }
        }
        parsed.push((module, file));
    }
    let mut out = BTreeSet::new();
    for (module, file) in &parsed {
        let public = if private_mods.contains(module) {
            module.rsplit_once("::").map_or("", |(parent, _)| parent)
        } else {
            module.as_str()
        };
        // Items of a private module that are not re-exported stay private; our generated
        // crates re-export every public item of such a module, which the `use` lines show.
        items(public, &file.items, &mut out);
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
                            "field {}::{} -> {}",
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
    tidy(&t.to_token_stream().to_string())
}

/// Token-stream text made readable: no spaces inside paths and generics, and the standard
/// library's absolute paths shortened (a model shape named `Option` still reads
/// `crate::types::Option`).
fn tidy(text: &str) -> String {
    let mut s = text.to_owned();
    // Token text spells paths `:: std :: option :: Option`; shorten those first, while the
    // space before an absolute path (`impl :: std ...`) still separates it from a keyword.
    for (from, to) in [
        (":: std :: option :: Option", "Option"),
        (":: std :: string :: String", "String"),
        (":: std :: vec :: Vec", "Vec"),
        (":: std :: collections :: HashMap", "HashMap"),
        (":: std :: result :: Result", "Result"),
        (":: std :: boxed :: Box", "Box"),
        (":: std :: convert :: Into", "Into"),
        (":: aws_lite_runtime :: ", "aws_lite_runtime :: "),
        (" :: ", "::"),
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ,", ","),
        (",>", ">"),
        ("& ", "&"),
    ] {
        s = s.replace(from, to);
    }
    s
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
