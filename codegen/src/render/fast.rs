//! The fast path of [`super::render`]: prints the items the generator emits most (structs,
//! enums, `use`, `mod`, consts, and impl blocks of functions made of statements, `for`/`if`/
//! `match` blocks, calls, chains and struct literals) straight from the tokens, byte for byte
//! as prettyplease prints them, without building a syntax tree. Parsing into `syn` and
//! printing was about 80% of the generator's time.
//!
//! Whatever it does not know, or is not sure to print as prettyplease would (a short
//! if-else, a closure with a block inside a call, generics on an item that do not fit their
//! line, a line it cannot break the same way...), it hands back as tokens, and prettyplease
//! prints that item. A test renders every file of the
//! IVS models, the protocol test model and the fixtures both ways and compares the bytes.

use proc_macro2::{Delimiter, Ident, Literal, Spacing, Span, TokenStream, TokenTree};

/// prettyplease's line width: a line that fits stays flat.
const MARGIN: usize = 89;
/// The least room prettyplease gives a line, however deep its indentation.
const MIN_SPACE: usize = 60;
const INDENT: usize = 4;
/// The widest struct literal prettyplease keeps on one line.
const STRUCT_MAX_WIDTH: usize = 34;

/// A token tree read once from the token stream: `proc_macro2` hands out a group's tokens
/// only as copies, and the printer looks at most of them more than once.
pub(super) enum Tree {
    Ident(Word),
    Punct(Punct),
    Literal(Word),
    Group(Group),
}

/// An identifier's or literal's text.
pub(super) struct Word(String);

impl PartialEq<str> for Word {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl std::fmt::Display for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub(super) struct Punct {
    ch: char,
    joint: bool,
}

impl Punct {
    fn as_char(&self) -> char {
        self.ch
    }

    fn spacing(&self) -> Spacing {
        if self.joint {
            Spacing::Joint
        } else {
            Spacing::Alone
        }
    }
}

pub(super) struct Group {
    delimiter: Delimiter,
    inner: Vec<Tree>,
}

impl Group {
    fn delimiter(&self) -> Delimiter {
        self.delimiter
    }
}

/// Reads a token tree, taking it: once the group is gone its tokens are no longer shared, so
/// `proc_macro2` hands them over instead of copying each one.
fn read_tree(t: TokenTree) -> Tree {
    match t {
        TokenTree::Ident(i) => Tree::Ident(Word(i.to_string())),
        TokenTree::Literal(l) => Tree::Literal(Word(l.to_string())),
        TokenTree::Punct(p) => Tree::Punct(Punct {
            ch: p.as_char(),
            joint: p.spacing() == Spacing::Joint,
        }),
        TokenTree::Group(g) => {
            let delimiter = g.delimiter();
            let stream = g.stream();
            drop(g);
            Tree::Group(Group {
                delimiter,
                inner: stream.into_iter().map(read_tree).collect(),
            })
        }
    }
}

/// The tokens `tts` were read from (same text and spacing), for prettyplease; `None` if a
/// literal does not read back, which `proc_macro2` rules out.
fn to_tokens(tts: &[Tree]) -> Option<TokenStream> {
    tts.iter().map(to_token).collect()
}

fn to_token(t: &Tree) -> Option<TokenTree> {
    Some(match t {
        Tree::Ident(w) => match w.0.strip_prefix("r#") {
            Some(raw) => Ident::new_raw(raw, Span::call_site()).into(),
            None => Ident::new(&w.0, Span::call_site()).into(),
        },
        Tree::Literal(w) => w.0.parse::<Literal>().ok()?.into(),
        Tree::Punct(p) => proc_macro2::Punct::new(p.ch, p.spacing()).into(),
        Tree::Group(g) => proc_macro2::Group::new(g.delimiter, to_tokens(&g.inner)?).into(),
    })
}

/// A printed item, or the tokens of an item for prettyplease.
pub(super) enum Piece {
    Text(String),
    Tokens(TokenStream),
    /// An impl block printed here whose listed items prettyplease prints: `(head, body)`
    /// where body pieces are text already indented or item tokens.
    Impl(String, Vec<Piece>),
    /// Items `start..end` of the impl body being printed, for prettyplease.
    Range(usize, usize),
}

/// The pieces of a file: all its tokens as one piece when its items cannot be told apart here
/// (prettyplease then prints the whole file); `None` if tokens cannot be rebuilt.
pub(super) fn file(tokens: TokenStream) -> Option<Vec<Piece>> {
    let tts: Vec<Tree> = tokens.into_iter().map(read_tree).collect();
    match split_items(&tts) {
        Ok(pieces) => Some(pieces),
        Err(Stop::Unsplit) => Some(vec![Piece::Tokens(to_tokens(&tts)?)]),
        Err(Stop::Unrebuilt) => None,
    }
}

/// Why [`split_items`] stopped.
enum Stop {
    /// The items cannot be told apart.
    Unsplit,
    /// Tokens for prettyplease cannot be rebuilt.
    Unrebuilt,
}

fn split_items(tts: &[Tree]) -> Result<Vec<Piece>, Stop> {
    let mut out = Vec::new();
    let mut i = 0;
    // Inner attributes: `#![...]`.
    let mut inner = String::new();
    while let (Some(Tree::Punct(h)), Some(Tree::Punct(b)), Some(Tree::Group(g))) =
        (tts.get(i), tts.get(i + 1), tts.get(i + 2))
    {
        if h.as_char() != '#' || b.as_char() != '!' || g.delimiter() != Delimiter::Bracket {
            break;
        }
        attr(&mut inner, 0, "//!", "#!", &g.inner).ok_or(Stop::Unsplit)?;
        i += 3;
    }
    if !inner.is_empty() {
        out.push(Piece::Text(inner));
    }
    while i < tts.len() {
        let end = item_end(tts, i).ok_or(Stop::Unsplit)?;
        let item = &tts[i..end];
        out.push(match print_item(item, 0) {
            Some(Piece::Impl(head, mut items)) => {
                // Items left to prettyplease are rebuilt from the body.
                if items.iter().any(|p| matches!(p, Piece::Range(..))) {
                    let Some(Tree::Group(g)) = tts.get(end - 1) else {
                        return Err(Stop::Unrebuilt);
                    };
                    for p in &mut items {
                        if let Piece::Range(a, b) = *p {
                            let body = g.inner.get(a..b).and_then(to_tokens);
                            *p = Piece::Tokens(body.ok_or(Stop::Unrebuilt)?);
                        }
                    }
                }
                Piece::Impl(head, items)
            }
            Some(p) => p,
            None => Piece::Tokens(to_tokens(item).ok_or(Stop::Unrebuilt)?),
        });
        i = end;
    }
    Ok(out)
}

/// Where the item starting at `start` ends: after its body's braces or its `;`.
fn item_end(tts: &[Tree], start: usize) -> Option<usize> {
    let mut i = start;
    while is_punct(tts.get(i), '#') {
        match tts.get(i + 1) {
            Some(Tree::Group(g)) if g.delimiter() == Delimiter::Bracket => i += 2,
            _ => return None,
        }
    }
    let kind = keyword_after_vis(tts, i)?;
    // `const fn` has a body; `const NAME: T = v;` ends with `;`.
    let const_fn = kind == "const" && tts[i..].iter().take(4).any(|t| ident_is(Some(t), "fn"));
    let braced = const_fn
        || matches!(
            kind.as_str(),
            "struct" | "enum" | "impl" | "fn" | "mod" | "trait" | "async" | "unsafe"
        );
    if !braced && !matches!(kind.as_str(), "use" | "static" | "const" | "type") {
        return None;
    }
    let mut j = i;
    while j < tts.len() {
        match &tts[j] {
            Tree::Punct(p) if p.as_char() == ';' => return Some(j + 1),
            Tree::Group(g) if braced && g.delimiter() == Delimiter::Brace => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// The keyword after an optional `pub`/`pub(...)` at `i`.
fn keyword_after_vis(tts: &[Tree], mut i: usize) -> Option<String> {
    if ident_is(tts.get(i), "pub") {
        i += 1;
        if let Some(Tree::Group(g)) = tts.get(i) {
            if g.delimiter() == Delimiter::Parenthesis {
                i += 1;
            }
        }
    }
    match tts.get(i) {
        Some(Tree::Ident(id)) => Some(id.0.clone()),
        _ => None,
    }
}

fn is_punct(t: Option<&Tree>, c: char) -> bool {
    matches!(t, Some(Tree::Punct(p)) if p.as_char() == c)
}

fn ident_is(t: Option<&Tree>, s: &str) -> bool {
    matches!(t, Some(Tree::Ident(id)) if id == s)
}

/// Prints one item at `indent`, or `None` for prettyplease.
fn print_item(item: &[Tree], indent: usize) -> Option<Piece> {
    let mut text = String::new();
    let mut i = 0;
    while is_punct(item.get(i), '#') {
        let Tree::Group(g) = &item[i + 1] else {
            return None;
        };
        attr(&mut text, indent, "///", "#", &g.inner)?;
        i += 2;
    }
    let rest = &item[i..];
    let (vis, k) = visibility(rest)?;
    let kind = match rest.get(k) {
        Some(Tree::Ident(id)) => id.0.clone(),
        _ => return None,
    };
    match kind.as_str() {
        "struct" => structure(&mut text, indent, &vis, &rest[k + 1..]).map(|_| Piece::Text(text)),
        "enum" => enumeration(&mut text, indent, &vis, &rest[k + 1..]).map(|_| Piece::Text(text)),
        "fn" | "async" | "const" if is_fn(&rest[k..]) => {
            function(&mut text, indent, &vis, &rest[k..]).map(|_| Piece::Text(text))
        }
        "use" | "mod" => {
            // `use path;`, `use a::{b, c};`, `mod name;`
            if !is_punct(rest.last(), ';') {
                return module(&mut text, indent, &vis, &rest[k + 1..]).map(|_| Piece::Text(text));
            }
            let line = format!("{vis}{kind} {}", flat(&rest[k + 1..])?);
            if line.chars().count() <= room(indent) {
                push_raw(&mut text, indent, &line);
            } else if kind == "use" && is_plain_path(&rest[k + 1..rest.len() - 1]) {
                // A path has nowhere to break.
                push_raw(&mut text, indent, &line);
            } else if kind == "use" {
                use_group(&mut text, indent, &vis, &rest[k + 1..rest.len() - 1])?;
            } else {
                return None;
            }
            Some(Piece::Text(text))
        }
        "impl" if indent == 0 => implementation(text, &rest[k..]),
        "type" if is_punct(rest.last(), ';') => {
            push_line(&mut text, indent, &format!("{vis}{}", flat(&rest[k..])?))?;
            Some(Piece::Text(text))
        }
        "const" | "static" => {
            let (semi, value) = rest.split_last()?;
            if !is_punct(Some(semi), ';') {
                return None;
            }
            // A literal value cannot break: the line stays whole, however long.
            if let [.., Tree::Punct(eq), Tree::Literal(_)] = value {
                if eq.as_char() == '=' {
                    push_raw(&mut text, indent, &format!("{};", flat(value)?));
                    return Some(Piece::Text(text));
                }
            }
            statement(&mut text, indent, value, ";")?;
            Some(Piece::Text(text))
        }
        _ => None,
    }
}

/// `use path::{A, B, C}` too long for a line: the names filled on lines after the `{`, with
/// a trailing comma, and `};` on a line of its own. Names only (a nested group breaks after
/// itself, a single name loses its braces).
fn use_group(out: &mut String, indent: usize, vis: &str, tts: &[Tree]) -> Option<()> {
    let (Tree::Group(g), path) = tts.split_last()? else {
        return None;
    };
    if g.delimiter() != Delimiter::Brace || !is_punct(path.last(), ':') {
        return None;
    }
    let names: Vec<&[Tree]> = split(&g.inner, ',').collect();
    if names.len() < 2 || names.iter().any(|n| !is_plain_path(n)) {
        return None;
    }
    push_line(out, indent, &format!("{vis}use {}{{", flat(path)?))?;
    let at = indent + INDENT;
    let mut line = String::new();
    let last = names.len() - 1;
    for (i, name) in names.into_iter().enumerate() {
        let name = flat(name)?;
        // The last name's comma is the list's trailing comma, not counted for the fit.
        let chunk = if i == last { name } else { format!("{name},") };
        if line.is_empty() {
            line = chunk;
        } else if line.chars().count() + 1 + chunk.chars().count() <= room(at) {
            line.push(' ');
            line.push_str(&chunk);
        } else {
            push_line(out, at, &line)?;
            line = chunk;
        }
    }
    line.push(',');
    push_raw(out, at, &line);
    push_line(out, indent, "};")
}

/// `pub `, `pub(crate) `... and the index after it.
fn visibility(tts: &[Tree]) -> Option<(String, usize)> {
    if !ident_is(tts.first(), "pub") {
        return Some((String::new(), 0));
    }
    match tts.get(1) {
        Some(Tree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
            Some((format!("pub({}) ", flat(&g.inner)?), 2))
        }
        _ => Some(("pub ".into(), 1)),
    }
}

fn is_fn(tts: &[Tree]) -> bool {
    tts.iter()
        .take(4)
        .any(|t| matches!(t, Tree::Ident(id) if id == "fn"))
}

/// The width a line indented by `indent` may take.
fn room(indent: usize) -> usize {
    MARGIN.saturating_sub(indent).max(MIN_SPACE)
}

/// Appends `indent` spaces, `line` and a newline; `None` when the line is over the margin.
fn push_line(out: &mut String, indent: usize, line: &str) -> Option<()> {
    if line.chars().count() > room(indent) {
        return None;
    }
    push_raw(out, indent, line);
    Some(())
}

fn push_raw(out: &mut String, indent: usize, line: &str) {
    const SPACES: &str = "                                                                ";
    let mut left = indent;
    while left > 0 {
        let n = left.min(SPACES.len());
        out.push_str(&SPACES[..n]);
        left -= n;
    }
    out.push_str(line);
    out.push('\n');
}

/// One attribute: a one-line doc string as a comment, anything else flat.
fn attr(out: &mut String, indent: usize, doc: &str, hash: &str, tts: &[Tree]) -> Option<()> {
    if let [Tree::Ident(name), Tree::Punct(eq), Tree::Literal(lit)] = tts {
        if name == "doc" && eq.as_char() == '=' {
            let text = unescape(&lit.0)?;
            // prettyplease prints other doc strings as block comments.
            if text.contains('\n') || doc == "///" && text.starts_with('/') {
                return None;
            }
            push_raw(out, indent, &format!("{doc}{}", text.trim_end_matches(' ')));
            return Some(());
        }
    }
    let line = format!("{hash}[{}]", flat(tts)?);
    if line.chars().count() <= room(indent) {
        push_raw(out, indent, &line);
        return Some(());
    }
    // `#[name(a, b, c)]` too long: one element per line, no trailing comma.
    let [Tree::Ident(name), Tree::Group(list)] = tts else {
        return None;
    };
    if list.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    let parts: Vec<String> = split(&list.inner, ',').map(flat).collect::<Option<_>>()?;
    push_line(out, indent, &format!("{hash}[{name}("))?;
    let last = parts.len().checked_sub(1)?;
    for (i, p) in parts.iter().enumerate() {
        let comma = if i == last { "" } else { "," };
        push_line(out, indent + INDENT, &format!("{p}{comma}"))?;
    }
    push_line(out, indent, ")]")
}

/// `tokens` + `suffix` on a line if it fits, else, when the tokens end with a type's generic
/// arguments (`name: Path<A, B>`), those arguments one per line, each printed the same way.
/// `slack` is the width of a suffix prettyplease does not count (a broken list's last comma).
fn typed(out: &mut String, indent: usize, tts: &[Tree], suffix: &str, slack: usize) -> Option<()> {
    typed_after(out, indent, "", tts, suffix, slack)
}

/// [`typed`] with `lead` printed before the tokens (`) ` before a function's `-> Type`).
fn typed_after(
    out: &mut String,
    indent: usize,
    lead: &str,
    tts: &[Tree],
    suffix: &str,
    slack: usize,
) -> Option<()> {
    let line = format!("{lead}{}{suffix}", flat(tts)?);
    if line.chars().count() <= room(indent) + slack {
        push_raw(out, indent, &line);
        return Some(());
    }
    if !is_punct(tts.last(), '>') {
        // A path without generic arguments (maybe behind `&` or a binding) has nowhere to
        // break: prettyplease leaves the line long.
        // Also a function's `-> Type`.
        let skip = if ident_is(tts.first(), "pub") && matches!(tts.get(1), Some(Tree::Group(_)))
            || is_punct(tts.first(), '-') && is_punct(tts.get(1), '>')
        {
            2
        } else {
            0
        };
        let unbreakable = tts[skip..].iter().all(|t| {
            matches!(t, Tree::Ident(_)) || is_punct(Some(t), ':') || is_punct(Some(t), '&')
        });
        if !unbreakable {
            return None;
        }
        push_raw(out, indent, &line);
        return Some(());
    }
    // The `<` that the last `>` closes.
    let mut depth = 0usize;
    let mut open = None;
    for (i, t) in tts.iter().enumerate().rev() {
        if is_punct(Some(t), '>')
            && !(i > 0 && (is_punct(tts.get(i - 1), '-') || is_punct(tts.get(i - 1), '=')))
        {
            depth += 1;
        } else if is_punct(Some(t), '<') {
            depth -= 1;
            if depth == 0 {
                open = Some(i);
                break;
            }
        }
    }
    let open = open?;
    let args = &tts[open + 1..tts.len() - 1];
    let head = &tts[..open];
    // `pub(crate)` is the only group allowed before the type.
    let vis = if ident_is(head.first(), "pub") && matches!(head.get(1), Some(Tree::Group(_))) {
        2
    } else {
        0
    };
    if head.len() <= vis
        || head[vis..]
            .iter()
            .any(|t| is_punct(Some(t), '<') || matches!(t, Tree::Group(_)))
    {
        return None;
    }
    push_line(out, indent, &format!("{lead}{}<", flat(head)?))?;
    let parts: Vec<&[Tree]> = split(args, ',').collect();
    let last = parts.len().checked_sub(1)?;
    for (i, a) in parts.into_iter().enumerate() {
        typed(out, indent + INDENT, a, ",", usize::from(i == last))?;
    }
    push_line(out, indent, &format!(">{suffix}"))
}

/// The value of a plain string literal token (`"..."`), or `None` for any other literal.
fn unescape(lit: &str) -> Option<String> {
    if let Some(raw) = lit.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..].strip_prefix('"')?;
        return Some(body.get(..body.len().checked_sub(hashes + 1)?)?.to_owned());
    }
    let body = lit.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            '0' => '\0',
            '\\' => '\\',
            '\'' => '\'',
            '"' => '"',
            'u' => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            _ => return None,
        });
    }
    Some(out)
}

/// `struct Name { fields }` or `struct Name;` (no generics, no tuple structs).
fn structure(out: &mut String, indent: usize, vis: &str, tts: &[Tree]) -> Option<()> {
    if let [Tree::Ident(name), Tree::Group(g), semi] = tts {
        // `struct Name(pub(crate) T, U);` on one line.
        if g.delimiter() != Delimiter::Parenthesis || !is_punct(Some(semi), ';') {
            return None;
        }
        let mut fields = Vec::new();
        for field in split(&g.inner, ',') {
            let (field_vis, k) = visibility(field)?;
            if is_punct(field.first(), '#') || k >= field.len() {
                return None;
            }
            fields.push(format!("{field_vis}{}", flat(&field[k..])?));
        }
        return push_line(
            out,
            indent,
            &format!("{vis}struct {name}({});", fields.join(", ")),
        );
    }
    let [Tree::Ident(name), body] = tts else {
        return None;
    };
    match body {
        Tree::Punct(p) if p.as_char() == ';' => {
            push_line(out, indent, &format!("{vis}struct {name};"))
        }
        Tree::Group(g) if g.delimiter() == Delimiter::Brace => {
            let fields = &g.inner;
            if fields.is_empty() {
                return push_line(out, indent, &format!("{vis}struct {name} {{}}"));
            }
            push_line(out, indent, &format!("{vis}struct {name} {{"))?;
            for field in split(fields, ',') {
                let mut i = 0;
                while is_punct(field.get(i), '#') {
                    let Tree::Group(a) = field.get(i + 1)? else {
                        return None;
                    };
                    attr(out, indent + INDENT, "///", "#", &a.inner)?;
                    i += 2;
                }
                typed(out, indent + INDENT, &field[i..], ",", 0)?;
            }
            push_line(out, indent, "}")
        }
        _ => None,
    }
}

/// `enum Name { Variant, Variant(T), ... }` (no struct variants, no discriminants).
fn enumeration(out: &mut String, indent: usize, vis: &str, tts: &[Tree]) -> Option<()> {
    let [Tree::Ident(name), Tree::Group(g)] = tts else {
        return None;
    };
    let variants = &g.inner;
    if variants.is_empty() {
        return push_line(out, indent, &format!("{vis}enum {name} {{}}"));
    }
    push_line(out, indent, &format!("{vis}enum {name} {{"))?;
    for v in split(variants, ',') {
        let mut i = 0;
        while is_punct(v.get(i), '#') {
            let Tree::Group(a) = v.get(i + 1)? else {
                return None;
            };
            attr(out, indent + INDENT, "///", "#", &a.inner)?;
            i += 2;
        }
        match &v[i..] {
            [Tree::Ident(_)] => {}
            [Tree::Ident(_), Tree::Group(p)] if p.delimiter() == Delimiter::Parenthesis => {}
            _ => return None,
        }
        push_line(out, indent + INDENT, &format!("{},", flat(&v[i..])?))?;
    }
    push_line(out, indent, "}")
}

/// `mod name { items }`: each item printed here or by prettyplease.
fn module(out: &mut String, indent: usize, vis: &str, tts: &[Tree]) -> Option<()> {
    let [Tree::Ident(name), Tree::Group(g)] = tts else {
        return None;
    };
    let items = &g.inner;
    if items.is_empty() {
        return push_line(out, indent, &format!("{vis}mod {name} {{}}"));
    }
    push_line(out, indent, &format!("{vis}mod {name} {{"))?;
    let mut i = 0;
    while i < items.len() {
        let end = item_end(items, i)?;
        // Nested items must print here: prettyplease cannot print one alone at this depth.
        match print_item(&items[i..end], indent + INDENT)? {
            Piece::Text(t) => out.push_str(&t),
            _ => return None,
        }
        i = end;
    }
    push_line(out, indent, "}")
}

/// `impl [Trait for] Type { items }`: functions printed here where they can be, the other
/// items by prettyplease.
fn implementation(mut head: String, tts: &[Tree]) -> Option<Piece> {
    let (Tree::Group(body), header) = tts.split_last()? else {
        return None;
    };
    // `where` clauses are left to prettyplease.
    if header.iter().any(|t| ident_is(Some(t), "where")) {
        return None;
    }
    // `impl<T> Trait for Type`: printed only on one line.
    let generic = generic_params(&header[1..])?;
    let header_text = match &generic {
        Some((text, used)) => format!("impl{text} {}", flat(&header[1 + used..])?),
        None => flat(header)?,
    };
    let items = &body.inner;
    if items.is_empty() {
        push_line(&mut head, 0, &format!("{header_text} {{}}"))?;
        return Some(Piece::Text(head));
    }
    let line = format!("{header_text} {{");
    if line.chars().count() <= room(0) {
        push_raw(&mut head, 0, &line);
    } else if generic.is_some() {
        return None;
    } else {
        // `impl Trait for Type` too long: `for Type` goes on the next line.
        let at = header.iter().position(|t| ident_is(Some(t), "for"))?;
        let tail = format!("{} {{", flat(&header[at..])?);
        let trait_ = flat(&header[..at])?;
        if trait_.chars().count() <= room(0) {
            push_line(&mut head, 0, &trait_)?;
            push_line(&mut head, 0, &tail)?;
        } else {
            // `impl Trait<A>` too long as well: its generic arguments break, and `for Type`
            // follows the `>` (declined if it does not fit there).
            typed_after(&mut head, 0, "", &header[..at], &format!(" {tail}"), 0)?;
        }
    }
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let end = item_end(items, i)?;
        let item = &items[i..end];
        pieces.push(match print_item(item, INDENT) {
            Some(p @ Piece::Text(_)) => p,
            _ => Piece::Range(i, end),
        });
        i = end;
    }
    Some(Piece::Impl(head, pieces))
}

/// A function: qualifiers, `fn name(params) -> Ret`, body of statements that fit a line.
fn function(out: &mut String, indent: usize, vis: &str, tts: &[Tree]) -> Option<()> {
    let fn_at = tts.iter().position(|t| ident_is(Some(t), "fn"))?;
    let mut quals = String::new();
    for q in &tts[..fn_at] {
        let Tree::Ident(q) = q else { return None };
        quals.push_str(&format!("{q} "));
    }
    let Some(Tree::Ident(name)) = tts.get(fn_at + 1) else {
        return None;
    };
    // `fn name<T: Bound>`: generic parameters flat (they break only where `fn name<..>(`
    // does not fit, which is declined below).
    let (generics, after) = match generic_params(&tts[fn_at + 2..])? {
        Some((text, used)) => (text, fn_at + 2 + used),
        None => (String::new(), fn_at + 2),
    };
    let Some(Tree::Group(params)) = tts.get(after) else {
        return None;
    };
    if params.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    let (Tree::Group(body), sig_rest) = tts[after + 1..].split_last()? else {
        return None;
    };
    if body.delimiter() != Delimiter::Brace || sig_rest.iter().any(|t| ident_is(Some(t), "where")) {
        return None;
    }
    let ret = if sig_rest.is_empty() {
        String::new()
    } else {
        format!(" {}", flat(sig_rest)?)
    };
    let param_tts = &params.inner;
    let param_parts: Vec<&[Tree]> = split(param_tts, ',').collect();
    let params: Vec<String> = param_parts.iter().map(|p| flat(p)).collect::<Option<_>>()?;
    let stmts = &body.inner;
    let open = if stmts.is_empty() { " {}" } else { " {" };
    let head = format!("{vis}{quals}fn {name}{generics}");
    if !generics.is_empty() && head.chars().count() + 1 > room(indent) {
        return None;
    }
    let one_line = format!("{head}({}){ret}{open}", params.join(", "));
    if one_line.chars().count() <= room(indent) {
        push_raw(out, indent, &one_line);
    } else if params.is_empty() {
        // No parameters to break: the return type's generic arguments break.
        typed_after(out, indent, &format!("{head}() "), sig_rest, open, 0)?;
    } else {
        push_line(out, indent, &format!("{head}("))?;
        let last = param_parts.len() - 1;
        for (i, p) in param_parts.iter().enumerate() {
            typed(out, indent + INDENT, p, ",", usize::from(i == last))?;
        }
        if sig_rest.is_empty() {
            push_line(out, indent, &format!("){open}"))?;
        } else {
            // `) -> Type<A, B> {` too long: the type's arguments break as a field's do.
            typed_after(out, indent, ") ", sig_rest, open, 0)?;
        }
    }
    if stmts.is_empty() {
        return Some(());
    }
    block(out, indent + INDENT, stmts)?;
    push_line(out, indent, "}")
}

/// `<A, B: Bound<'a>>` at the start of `tts`: `Some(None)` when there is no `<`, else the
/// printed parameters and how many trees they take; `None` for what is not a plain list of
/// names, lifetimes and path bounds.
#[allow(clippy::option_option)]
fn generic_params(tts: &[Tree]) -> Option<Option<(String, usize)>> {
    if !is_punct(tts.first(), '<') {
        return Some(None);
    }
    let mut depth = 0usize;
    for (i, t) in tts.iter().enumerate() {
        match t {
            Tree::Punct(p) if p.ch == '<' => depth += 1,
            Tree::Punct(p) if p.ch == '>' => {
                depth -= 1;
                if depth == 0 {
                    let inner = &tts[1..i];
                    let plain = inner.iter().all(|t| match t {
                        Tree::Ident(_) => true,
                        Tree::Punct(p) => matches!(p.ch, ':' | ',' | '\'' | '<' | '>' | '+'),
                        _ => false,
                    });
                    if !plain || inner.is_empty() {
                        return None;
                    }
                    return Some(Some((format!("<{}>", flat(inner)?), i + 1)));
                }
            }
            Tree::Punct(p) if matches!(p.ch, '-' | '=') => return None,
            _ => {}
        }
    }
    None
}

/// Statements at `indent`: lines that fit, and `for`/`if`/`match`/`while` with their blocks
/// (no `else`: prettyplease may put a short if-else on one line).
fn block(out: &mut String, indent: usize, tts: &[Tree]) -> Option<()> {
    let mut i = 0;
    while i < tts.len() {
        let keyword = match &tts[i] {
            Tree::Ident(id) => id.0.as_str(),
            _ => "",
        };
        if matches!(keyword, "for" | "if" | "match" | "while") {
            let open = i + tts[i..].iter().position(is_brace)?;
            let Tree::Group(body) = &tts[open] else {
                return None;
            };
            if keyword == "if" && ident_is(tts.get(open + 1), "else") {
                i = if_else(out, indent, &tts[i..])? + i;
                continue;
            }
            // `match x { .. }?;` closes with `}?;`; any other method, `?` or `;` after the
            // block is left to prettyplease.
            let tried = keyword == "match"
                && is_punct(tts.get(open + 1), '?')
                && is_punct(tts.get(open + 2), ';')
                && tts.get(open + 3).is_none_or(starts_statement);
            let (close, next) = if tried {
                ("}?;", open + 3)
            } else {
                ("}", open + 1)
            };
            if !tried && open + 1 < tts.len() && !starts_statement(&tts[open + 1]) {
                return None;
            }
            let head = flat(&tts[i..open])?;
            let inner = &body.inner;
            if inner.is_empty() {
                push_line(out, indent, &format!("{head} {{}}{}", &close[1..]))?;
            } else {
                let line = format!("{head} {{");
                if line.chars().count() <= room(indent) {
                    push_raw(out, indent, &line);
                } else if keyword == "if" {
                    if_let_field(out, indent, &tts[i..open])?;
                } else if keyword == "match" {
                    // The scrutinee breaks like any expression, `{` after its last line.
                    expression(out, indent, &tts[i..open], " {")?;
                } else {
                    return None;
                }
                if keyword == "match" {
                    arms(out, indent + INDENT, inner)?;
                } else {
                    block(out, indent + INDENT, inner)?;
                }
                push_line(out, indent, close)?;
            }
            i = next;
            continue;
        }
        if is_brace(&tts[i]) {
            let Tree::Group(body) = &tts[i] else {
                return None;
            };
            let inner = &body.inner;
            if inner.is_empty() || !tts.get(i + 1).is_none_or(starts_statement) {
                return None;
            }
            push_line(out, indent, "{")?;
            block(out, indent + INDENT, inner)?;
            push_line(out, indent, "}")?;
            i += 1;
            continue;
        }
        let end = tts[i..]
            .iter()
            .position(|t| is_punct(Some(t), ';'))
            .map_or(tts.len(), |p| i + p);
        let stmt = &tts[i..end];
        let semi = if end < tts.len() { ";" } else { "" };
        statement(out, indent, stmt, semi)?;
        i = end + 1;
    }
    Some(())
}

/// `if let P = &a.b` too long for a line with its ` {`: the condition breaks, so the `{`
/// goes on a line of its own, and `.b` goes on the next line too when the condition alone
/// does not fit.
fn if_let_field(out: &mut String, indent: usize, head: &[Tree]) -> Option<()> {
    let [.., Tree::Punct(eq), Tree::Ident(recv), Tree::Punct(dot), Tree::Ident(field)] = head
    else {
        return None;
    };
    if eq.ch == '&' {
        return if_let_field_ref(out, indent, head);
    }
    if_let_field_at(out, indent, head, eq, "", recv, dot, field)
}

fn if_let_field_ref(out: &mut String, indent: usize, head: &[Tree]) -> Option<()> {
    let [.., Tree::Punct(eq), Tree::Punct(amp), Tree::Ident(recv), Tree::Punct(dot), Tree::Ident(field)] =
        head
    else {
        return None;
    };
    if amp.ch != '&' || amp.joint {
        return None;
    }
    if_let_field_at(out, indent, head, eq, "&", recv, dot, field)
}

#[allow(clippy::too_many_arguments)]
fn if_let_field_at(
    out: &mut String,
    indent: usize,
    head: &[Tree],
    eq: &Punct,
    amp: &str,
    recv: &Word,
    dot: &Punct,
    field: &Word,
) -> Option<()> {
    let value_len = 3 + usize::from(!amp.is_empty());
    let pat = &head[..head.len() - value_len - 1];
    if eq.ch != '=' || eq.joint || dot.ch != '.' || !ident_is(pat.first(), "if") {
        return None;
    }
    if !ident_is(pat.get(1), "let") {
        return None;
    }
    let lead = format!("{} = {amp}{recv}", flat(pat)?);
    let whole = format!("{lead}.{field}");
    if whole.chars().count() <= room(indent) {
        push_raw(out, indent, &whole);
    } else {
        push_line(out, indent, &lead)?;
        push_line(out, indent + INDENT, &format!(".{field}"))?;
    }
    push_line(out, indent, "{")
}

/// `if a { .. } else if b { .. } else { .. }` at the start of `tts`, when some branch has a
/// statement ending in `;` (so prettyplease cannot keep it on one line); returns how many
/// trees it used.
fn if_else(out: &mut String, indent: usize, tts: &[Tree]) -> Option<usize> {
    let mut branches: Vec<(String, &[Tree])> = Vec::new();
    let mut i = 0;
    loop {
        let open = i + tts[i..].iter().position(is_brace)?;
        let Tree::Group(body) = &tts[open] else {
            return None;
        };
        if body.inner.is_empty() {
            return None;
        }
        branches.push((flat(&tts[i..open])?, &body.inner));
        i = open + 1;
        if !ident_is(tts.get(i), "else") {
            break;
        }
        // `else` is followed by `if ..` or by the last block.
        if !ident_is(tts.get(i + 1), "if") && !matches!(tts.get(i + 1), Some(t) if is_brace(t)) {
            return None;
        }
    }
    if i < tts.len() && !starts_statement(&tts[i]) {
        return None;
    }
    // Broken for sure when a branch has a statement, or has no one-line form, or the whole
    // chain is wider than the margin; otherwise prettyplease may keep it on one line.
    let mut width = 0;
    let mut forced = false;
    for (head, body) in &branches {
        if body.iter().any(|t| is_punct(Some(t), ';')) {
            forced = true;
        }
        width += head.chars().count() + min_width(body) + 5;
    }
    if !forced && width <= room(indent) {
        return None;
    }
    let mut close = "";
    for (head, body) in &branches {
        push_line(out, indent, &format!("{close}{head} {{"))?;
        block(out, indent + INDENT, body)?;
        close = "} ";
    }
    push_line(out, indent, "}")?;
    Some(i)
}

/// A lower bound of the width of `tts` on one line: their text without any space.
fn min_width(tts: &[Tree]) -> usize {
    tts.iter()
        .map(|t| match t {
            Tree::Ident(w) | Tree::Literal(w) => w.0.chars().count(),
            Tree::Punct(_) => 1,
            Tree::Group(g) => 2 + min_width(&g.inner),
        })
        .sum()
}

fn is_brace(t: &Tree) -> bool {
    matches!(t, Tree::Group(g) if g.delimiter() == Delimiter::Brace)
}

/// Whether `t` can only begin a new statement after a block (not `else`, `.`, `?`, `;`...).
fn starts_statement(t: &Tree) -> bool {
    match t {
        Tree::Ident(id) => id != "else" && id != "as",
        Tree::Punct(p) => matches!(p.as_char(), '&' | '*' | '!' | ':'),
        Tree::Literal(_) => true,
        Tree::Group(g) => g.delimiter() == Delimiter::Brace,
    }
}

/// One statement: on a line if it fits, else a call whose arguments go one per line, a
/// struct literal with one field per line, or `let x = match y {` with its arms.
fn statement(out: &mut String, indent: usize, stmt: &[Tree], semi: &str) -> Option<()> {
    if let Some((Tree::Group(g), head)) = stmt.split_last() {
        if g.delimiter() == Delimiter::Brace && !head.iter().any(is_brace) {
            let inner = &g.inner;
            if head.iter().any(|t| ident_is(Some(t), "match")) {
                push_line(out, indent, &format!("{} {{", flat(head)?))?;
                arms(out, indent + INDENT, inner)?;
                return push_line(out, indent, &format!("}}{semi}"));
            }
            return struct_literal(out, indent, "", head, inner, semi);
        }
    }
    if stmt.iter().any(is_brace) {
        return None;
    }
    expression(out, indent, stmt, semi)
}

/// `Path { fields }`: flat if it fits, else one field per line.
fn struct_literal(
    out: &mut String,
    indent: usize,
    lead: &str,
    head: &[Tree],
    fields: &[Tree],
    semi: &str,
) -> Option<()> {
    // A path right before the braces (not `if x {`, `match`, closures...).
    if !matches!(head.last(), Some(Tree::Ident(_)))
        || head.iter().any(|t| {
            matches!(t, Tree::Ident(id) if ["if", "while", "for", "loop", "unsafe", "async", "move", "else"].contains(&id.0.as_str()))
                || is_punct(Some(t), '|')
        })
    {
        return None;
    }
    // The path: the trailing run of identifiers and `::`.
    let path_len = head
        .iter()
        .rev()
        .take_while(|t| matches!(t, Tree::Ident(_)) || is_punct(Some(t), ':'))
        .count();
    let path = flat(&head[head.len() - path_len..])?;
    let head_tts = head;
    let head = format!("{lead}{}", flat(head)?);
    let field_parts: Vec<&[Tree]> = split(fields, ',').collect();
    let fields: Vec<String> = field_parts.iter().map(|f| flat(f)).collect::<Option<_>>()?;
    if fields.is_empty() {
        if path.chars().count() + 2 < STRUCT_MAX_WIDTH {
            return push_line(out, indent, &format!("{head} {{}}{semi}"));
        }
        push_line(out, indent, &format!("{head} {{"))?;
        return push_line(out, indent, &format!("}}{semi}"));
    }
    let one = format!("{head} {{ {} }}{semi}", fields.join(", "));
    // prettyplease keeps a struct literal on one line only up to a width of 34.
    let width =
        path.chars().count() + fields.iter().map(|f| f.chars().count() + 2).sum::<usize>() + 2;
    if width <= STRUCT_MAX_WIDTH && one.chars().count() <= room(indent) {
        push_raw(out, indent, &one);
        return Some(());
    }
    let open = format!("{head} {{");
    if open.chars().count() > room(indent) && !unbreakable_head(head_tts) {
        return None;
    }
    push_raw(out, indent, &open);
    let last = fields.len() - 1;
    for (i, f) in field_parts.iter().enumerate() {
        let line = format!("{},", fields[i]);
        if line.chars().count() <= room(indent + INDENT) + usize::from(i == last) {
            push_raw(out, indent + INDENT, &line);
            continue;
        }
        // `name: value.field` too long: the field access goes on the next line.
        if let [Tree::Ident(name), Tree::Punct(colon), Tree::Ident(recv), Tree::Punct(dot), Tree::Ident(member)] =
            f
        {
            if colon.as_char() != ':' || dot.as_char() != '.' {
                return None;
            }
            push_line(out, indent + INDENT, &format!("{name}: {recv}"))?;
            push_line(out, indent + 2 * INDENT, &format!(".{member},"))?;
            continue;
        }
        // `name: a.b.method(..)` too long: a chain after the field's name.
        let [Tree::Ident(name), Tree::Punct(colon), value @ ..] = f else {
            return None;
        };
        if colon.as_char() != ':' || colon.joint {
            return None;
        }
        let slack = usize::from(i == last);
        // `name: path(args)`: the call's arguments break.
        if let [path @ .., Tree::Group(g)] = value {
            if g.delimiter() == Delimiter::Parenthesis && is_plain_path(path) {
                expression_in(out, indent + INDENT, f, ",", slack)?;
                continue;
            }
        }
        chain_after(
            out,
            indent + INDENT,
            &format!("{name}: "),
            value,
            ",",
            slack,
        )?;
    }
    push_line(out, indent, &format!("}}{semi}"))
}

/// Whether the tokens before a struct literal's `{` have nowhere to break: a path, maybe
/// after `static NAME: Type = ` or `let name = ` (whose `=` is followed by a break that never
/// breaks).
fn unbreakable_head(tts: &[Tree]) -> bool {
    let vis = if ident_is(tts.first(), "pub") && matches!(tts.get(1), Some(Tree::Group(_))) {
        2
    } else {
        0
    };
    tts[vis..].iter().all(|t| match t {
        Tree::Ident(_) => true,
        Tree::Punct(p) => p.ch == ':' || p.ch == '=' && !p.joint,
        _ => false,
    })
}

/// An expression (no blocks) followed by `suffix`: on a line if it fits, else, when it ends
/// with a call of a path (not a method) and maybe `?`, that call's arguments one per line,
/// each printed the same way.
fn expression(out: &mut String, indent: usize, tts: &[Tree], suffix: &str) -> Option<()> {
    expression_in(out, indent, tts, suffix, 0)
}

/// [`expression`]; `slack` is the width of a suffix prettyplease does not count when it
/// decides whether a line fits (the trailing comma of a broken list).
fn expression_in(
    out: &mut String,
    indent: usize,
    tts: &[Tree],
    suffix: &str,
    slack: usize,
) -> Option<()> {
    match flat(tts).map(|f| format!("{f}{suffix}")) {
        Some(line) if line.chars().count() <= room(indent) + slack => {
            push_raw(out, indent, &line);
            return Some(());
        }
        Some(_) => {}
        // No flat form here (a closure with a block inside): prettyplease may still keep it on
        // one line, unless even its shortest spelling is too wide.
        None => {
            if min_width(tts) + suffix.len() <= room(indent) + slack {
                return None;
            }
        }
    }
    // A literal or a path cannot break: its line stays long.
    if matches!(tts, [Tree::Literal(_)]) || is_plain_path(tts) {
        push_raw(out, indent, &format!("{}{suffix}", flat(tts)?));
        return Some(());
    }
    if let Some(()) = unbreakable_let(out, indent, tts, suffix) {
        return Some(());
    }
    if let Some(()) = chain(out, indent, tts, suffix, slack) {
        return Some(());
    }
    if let Some(()) = call_chain(out, indent, tts, suffix, slack) {
        return Some(());
    }
    if is_punct(tts.last(), '>') {
        return turbofish(out, indent, tts, suffix, slack);
    }
    let (tts, question) = match tts.split_last() {
        Some((q, rest)) if is_punct(Some(q), '?') => (rest, "?"),
        _ => (tts, ""),
    };
    let (Tree::Group(args), prefix) = tts.split_last()? else {
        return None;
    };
    // `path!(tokens)` too long: the tokens go on a line of their own (prettyplease breaks
    // them only where that line would be too long, which is declined).
    if is_punct(prefix.last(), '!') && args.delimiter() == Delimiter::Parenthesis {
        if args.inner.is_empty() || !is_plain_path(&prefix[..prefix.len() - 1]) {
            return None;
        }
        push_line(out, indent, &format!("{}(", flat(prefix)?))?;
        macro_tokens(out, indent + INDENT, &args.inner)?;
        return push_line(out, indent, &format!("){question}{suffix}"));
    }
    // `path(Struct { .. })`: a struct literal, the only argument, follows the `(` and breaks
    // on its own.
    if let [lit_path @ .., Tree::Group(fields)] = &args.inner[..] {
        if fields.delimiter() == Delimiter::Brace
            && is_plain_path(lit_path)
            && is_plain_path(prefix)
            && args.delimiter() == Delimiter::Parenthesis
        {
            let lead = format!("{}(", flat(prefix)?);
            let semi = format!("){question}{suffix}");
            return struct_literal(out, indent, &lead, lit_path, &fields.inner, &semi);
        }
    }
    // `path::<T>(args)`: the turbofish breaks first (its box ends after the call).
    if prefix.iter().any(|t| is_punct(Some(t), '<')) {
        if args.delimiter() != Delimiter::Parenthesis {
            return None;
        }
        let after = format!("({}){question}{suffix}", flat(&args.inner)?);
        return turbofish(out, indent, prefix, &after, slack);
    }
    let n = prefix.len();
    // `recv.method(args)` breaks its arguments like a path call does.
    // `recv.method(args)` keeps `recv.method(` together when the receiver is short.
    let simple_method = matches!(prefix, [Tree::Ident(r), Tree::Punct(p), Tree::Ident(_)]
        if p.as_char() == '.' && r.0.chars().count() <= INDENT);
    // Macro arguments are tokens: prettyplease lays them out by rules of its own.
    if args.delimiter() != Delimiter::Parenthesis
        || is_punct(prefix.last(), '!')
        || prefix
            .iter()
            .any(|t| matches!(t, Tree::Group(_)) || is_punct(Some(t), '<'))
        || n >= 2 && is_punct(prefix.get(n - 2), '.') && !simple_method
        || prefix.is_empty()
    {
        return None;
    }
    let args = &args.inner;
    let args: Vec<&[Tree]> = split(args, ',').collect();
    if args.is_empty() || args.len() == 1 && is_punct(args[0].first(), '|') {
        return None;
    }
    let open = format!("{}(", flat(prefix)?);
    if open.chars().count() > room(indent) && !unbreakable_call_head(indent, prefix) {
        return None;
    }
    push_raw(out, indent, &open);
    let last = args.len() - 1;
    for (i, a) in args.into_iter().enumerate() {
        if a.iter().any(is_brace) {
            return None;
        }
        expression_in(out, indent + INDENT, a, ",", usize::from(i == last))?;
    }
    push_line(out, indent, &format!("){question}{suffix}"))
}

/// `path::<A, B>` too long for its line (followed by `after`, a call's arguments and the
/// suffix): the generic arguments one per line, then `>` and `after`.
fn turbofish(
    out: &mut String,
    indent: usize,
    tts: &[Tree],
    after: &str,
    slack: usize,
) -> Option<()> {
    let lt = tts.iter().position(|t| is_punct(Some(t), '<'))?;
    if lt < 2
        || !is_plain_path(&tts[..lt - 2])
        || !is_punct(tts.get(lt - 1), ':')
        || !is_punct(tts.get(lt - 2), ':')
        || !is_punct(tts.last(), '>')
    {
        return None;
    }
    let generics = &tts[lt + 1..tts.len() - 1];
    if generics
        .iter()
        .any(|t| is_punct(Some(t), '<') || is_punct(Some(t), '>'))
    {
        return None;
    }
    push_line(out, indent, &format!("{}<", flat(&tts[..lt])?))?;
    let parts: Vec<&[Tree]> = split(generics, ',').collect();
    let last = parts.len().checked_sub(1)?;
    for (i, a) in parts.into_iter().enumerate() {
        typed(out, indent + INDENT, a, ",", usize::from(i == last))?;
    }
    let close = format!(">{after}");
    if close.chars().count() > room(indent) + slack {
        return None;
    }
    push_raw(out, indent, &close);
    Some(())
}

/// Whether the tokens before a call's `(` have nowhere to break: a path, maybe after `return`
/// or after `let name = ` / `a.b = ` that fits (a field access breaks only when it does not fit
/// up to the `= `, which is followed by a break that never breaks).
fn unbreakable_call_head(indent: usize, tts: &[Tree]) -> bool {
    let eq = tts
        .iter()
        .position(|t| matches!(t, Tree::Punct(p) if p.ch == '=' && !p.joint));
    let (lhs, path) = match eq {
        Some(eq) => (&tts[..eq], &tts[eq + 1..]),
        None if ident_is(tts.first(), "return") => (&tts[..0], &tts[1..]),
        None => (&tts[..0], tts),
    };
    if !is_plain_path(path) {
        return false;
    }
    if lhs.is_empty() {
        return eq.is_none();
    }
    let simple = lhs
        .iter()
        .all(|t| matches!(t, Tree::Ident(_)) || is_punct(Some(t), '.'));
    simple && flat(lhs).is_some_and(|l| l.chars().count() + " = ".len() <= room(indent))
}

/// `let pat: Type = path()` too long for a line, whose value has nowhere to break (a path,
/// maybe called without arguments, or a literal): prettyplease leaves the line long as long as
/// `let pat: Type = ` fits, since the type's generic arguments break only when they, up to the
/// `= `, do not fit (the value follows a break that never breaks).
fn unbreakable_let(out: &mut String, indent: usize, tts: &[Tree], suffix: &str) -> Option<()> {
    if !ident_is(tts.first(), "let") {
        return None;
    }
    let eq = tts
        .iter()
        .position(|t| matches!(t, Tree::Punct(p) if p.as_char() == '=' && !p.joint))?;
    // `==`, `<=`, `=>`... are joint on their first character: the `=` found is the binding's
    // unless a comparison ends before it.
    if eq == 0 || matches!(&tts[eq - 1], Tree::Punct(p) if p.joint) {
        return None;
    }
    let (lhs, init) = (&tts[..eq], &tts[eq + 1..]);
    let unbreakable = match init {
        [Tree::Literal(_)] => true,
        [path @ .., Tree::Group(g)] if g.delimiter() == Delimiter::Parenthesis => {
            g.inner.is_empty() && is_plain_path(path)
        }
        path => is_plain_path(path),
    };
    if !unbreakable {
        return None;
    }
    let lead = format!("{} = ", flat(lhs)?);
    if lead.chars().count() > room(indent) {
        return None;
    }
    push_raw(out, indent, &format!("{lead}{}{suffix}", flat(init)?));
    Some(())
}

/// Identifiers joined by `::` (no generic arguments).
fn is_plain_path(tts: &[Tree]) -> bool {
    !tts.is_empty()
        && matches!(tts.last(), Some(Tree::Ident(_)))
        && tts
            .iter()
            .all(|t| matches!(t, Tree::Ident(_)) || is_punct(Some(t), ':'))
}

/// A broken macro call's tokens at `indent`: as many `,`-separated literals and paths on a
/// line as fit (prettyplease's macro tokens break only at their spaces, where needed). Other
/// tokens are spaced by macro rules of their own: declined.
fn macro_tokens(out: &mut String, indent: usize, tts: &[Tree]) -> Option<()> {
    let mut line = String::new();
    let mut parts = split(tts, ',').peekable();
    let trailing = is_punct(tts.last(), ',');
    while let Some(part) = parts.next() {
        if !matches!(part, [Tree::Literal(_)]) && !is_plain_path(part) && !is_field_call(part) {
            return None;
        }
        let comma = if parts.peek().is_some() || trailing {
            ","
        } else {
            ""
        };
        let chunk = format!("{}{comma}", flat(part)?);
        if line.is_empty() {
            line = chunk;
        } else if line.chars().count() + 1 + chunk.chars().count() <= room(indent) {
            line.push(' ');
            line.push_str(&chunk);
        } else {
            // Only a lone token run can be too long, and it has nowhere to break.
            push_raw(out, indent, &line);
            line = chunk;
        }
    }
    push_raw(out, indent, &line);
    Some(())
}

/// `a.b.c` or `a.b()`: names joined by dots, maybe called without arguments at the end
/// (macro tokens print these as expressions do).
fn is_field_call(tts: &[Tree]) -> bool {
    let tts = match tts.split_last() {
        Some((Tree::Group(g), rest))
            if g.delimiter() == Delimiter::Parenthesis && g.inner.is_empty() =>
        {
            rest
        }
        _ => tts,
    };
    tts.len() % 2 == 1
        && tts.iter().enumerate().all(|(i, t)| {
            if i % 2 == 0 {
                matches!(t, Tree::Ident(_))
            } else {
                is_punct(Some(t), '.')
            }
        })
}

/// A method chain of two calls or more, one `.segment` per line after the receiver (`self.x`
/// or a name); `None` when `tts` is not such a chain.
fn chain(out: &mut String, indent: usize, tts: &[Tree], suffix: &str, slack: usize) -> Option<()> {
    let (lead, tts) = let_lead(tts);
    chain_after(out, indent, &lead, tts, suffix, slack)
}

/// [`chain`] after `lead` (a binding or a field's name) on its first line; `slack` as in
/// [`expression_in`].
fn chain_after(
    out: &mut String,
    indent: usize,
    lead: &str,
    tts: &[Tree],
    suffix: &str,
    slack: usize,
) -> Option<()> {
    let Tree::Ident(first) = tts.first()? else {
        return None;
    };
    // A receiver that ends within one indentation of the line's start keeps its first
    // segment on its line.
    let attach_first = lead.chars().count() + first.0.chars().count() <= INDENT;
    let mut segments = segments(&tts[1..])?;
    let calls = segments
        .iter()
        .filter(|s| matches!(s.get(2), Some(Tree::Group(_))))
        .count();
    // One call keeps a short receiver: `map.insert(` (see `expression_in`).
    if calls == 0 || calls == 1 && attach_first {
        return None;
    }
    let mut receiver = format!("{lead}{first}");
    if attach_first {
        receiver.push_str(&flat(segments.remove(0))?);
    }
    let mut text = String::new();
    push_line(&mut text, indent, &receiver)?;
    print_segments(&mut text, indent + INDENT, &segments, suffix, slack)?;
    out.push_str(&text);
    Some(())
}

/// `let name = value` / `let mut name = value`: the binding, which starts the value's first
/// line, and the value's tokens; otherwise no binding and all of `tts`.
fn let_lead(tts: &[Tree]) -> (String, &[Tree]) {
    match tts {
        [Tree::Ident(l), Tree::Ident(n), Tree::Punct(eq), rest @ ..]
            if l == "let" && eq.as_char() == '=' && !eq.joint =>
        {
            (format!("let {n} = "), rest)
        }
        [Tree::Ident(l), Tree::Ident(m), Tree::Ident(n), Tree::Punct(eq), rest @ ..]
            if l == "let" && m == "mut" && eq.as_char() == '=' && !eq.joint =>
        {
            (format!("let mut {n} = "), rest)
        }
        _ => (String::new(), tts),
    }
}

/// The `.name`, `.name(args)`, `.name(args)?` segments of a method chain.
fn segments(tts: &[Tree]) -> Option<Vec<&[Tree]>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tts.len() {
        if !is_punct(tts.get(i), '.') || !matches!(tts.get(i + 1), Some(Tree::Ident(_))) {
            return None;
        }
        let mut j = i + 2;
        if let Some(Tree::Group(g)) = tts.get(j) {
            if g.delimiter() != Delimiter::Parenthesis {
                return None;
            }
            j += 1;
        }
        if is_punct(tts.get(j), '?') {
            j += 1;
        }
        out.push(&tts[i..j]);
        i = j;
    }
    Some(out)
}

/// Chain segments one per line at `indent`, the last followed by `suffix`. A segment too long
/// for its line breaks its arguments; a closure with a block as the only argument opens the
/// block on the segment's line.
/// `slack`: see [`expression_in`] (for the last segment, which the suffix follows).
fn print_segments(
    out: &mut String,
    indent: usize,
    segs: &[&[Tree]],
    suffix: &str,
    slack: usize,
) -> Option<()> {
    let last = segs.len().checked_sub(1)?;
    for (k, seg) in segs.iter().enumerate() {
        let (end, slack) = if k == last { (suffix, slack) } else { ("", 0) };
        let question = if is_punct(seg.last(), '?') { "?" } else { "" };
        let name = match seg.get(1) {
            Some(Tree::Ident(n)) => n,
            _ => return None,
        };
        let args = match seg.get(2) {
            Some(Tree::Group(g)) => &g.inner[..],
            _ => &[],
        };
        if let Some((params, body)) = block_closure(args) {
            push_line(out, indent, &format!(".{name}({params} {{"))?;
            block(out, indent + INDENT, body)?;
            push_line(out, indent, &format!("}}){question}{end}"))?;
            continue;
        }
        if seg.iter().any(is_brace) {
            return None;
        }
        let line = format!("{}{end}", flat(seg)?);
        if line.chars().count() <= room(indent) + slack {
            push_raw(out, indent, &line);
            continue;
        }
        let parts: Vec<&[Tree]> = split(args, ',').collect();
        let last_arg = parts.len().checked_sub(1)?;
        // A lone closure argument stays on the call's line (prettyplease breaks inside it).
        if parts.len() == 1 && is_punct(parts[0].first(), '|') {
            let (params, path, call_args) = closure_call(parts[0])?;
            push_line(out, indent, &format!(".{name}({params} {path}("))?;
            let call_args: Vec<&[Tree]> = split(call_args, ',').collect();
            let last_arg = call_args.len().checked_sub(1)?;
            for (a, part) in call_args.into_iter().enumerate() {
                if part.iter().any(is_brace) {
                    return None;
                }
                expression_in(out, indent + INDENT, part, ",", usize::from(a == last_arg))?;
            }
            push_line(out, indent, &format!(")){question}{end}"))?;
            continue;
        }
        push_line(out, indent, &format!(".{name}("))?;
        for (a, part) in parts.into_iter().enumerate() {
            if part.iter().any(is_brace) {
                return None;
            }
            expression_in(out, indent + INDENT, part, ",", usize::from(a == last_arg))?;
        }
        push_line(out, indent, &format!("){question}{end}"))?;
    }
    Some(())
}

/// `|params| path(args)`: the printed parameters, the path and the arguments (not empty).
/// prettyplease does not wrap a call body in a block, so the call's arguments break.
fn closure_call(tts: &[Tree]) -> Option<(String, String, &[Tree])> {
    let close = 1 + tts[1..].iter().position(|t| is_punct(Some(t), '|'))?;
    let (params, body) = tts.split_at(close + 1);
    let (Tree::Group(args), path) = body.split_last()? else {
        return None;
    };
    if args.delimiter() != Delimiter::Parenthesis || args.inner.is_empty() || !is_plain_path(path) {
        return None;
    }
    Some((flat(params)?, flat(path)?, &args.inner))
}

/// `|params| { body }` (the whole argument list): the printed parameters and the body.
fn block_closure(args: &[Tree]) -> Option<(String, &[Tree])> {
    let (Tree::Group(body), params) = args.split_last()? else {
        return None;
    };
    if body.delimiter() != Delimiter::Brace
        || body.inner.is_empty()
        || !is_punct(params.first(), '|')
        || !is_punct(params.last(), '|')
        || params.len() < 2
    {
        return None;
    }
    Some((flat(params)?, &body.inner))
}

/// `path(args).method(..)...` too long for a line: the call on the first line (its arguments
/// one per line, indented twice, if it does not fit), then one `.segment` per line.
fn call_chain(
    out: &mut String,
    indent: usize,
    tts: &[Tree],
    suffix: &str,
    slack: usize,
) -> Option<()> {
    let (lead, tts) = let_lead(tts);
    let call = tts.iter().position(|t| matches!(t, Tree::Group(_)))?;
    let (path, rest) = tts.split_at(call);
    let Some((Tree::Group(args), rest)) = rest.split_first() else {
        return None;
    };
    // A qualified path's `<..>` has nowhere to break.
    let unqualified = qpath_len(path).map_or(path, |n| &path[n..]);
    if path.is_empty()
        || args.delimiter() != Delimiter::Parenthesis
        || unqualified
            .iter()
            .any(|t| is_punct(Some(t), '.') || is_punct(Some(t), '<'))
        || !matches!(path.last(), Some(Tree::Ident(_)))
        || rest.is_empty()
    {
        return None;
    }
    let segments = segments(rest)?;
    let mut text = String::new();
    let head = flat(path)?;
    let receiver = format!("{lead}{head}({})", flat(&args.inner)?);
    if receiver.chars().count() <= room(indent) {
        push_raw(&mut text, indent, &receiver);
    } else if !lead.is_empty() {
        return None;
    } else {
        let parts: Vec<&[Tree]> = split(&args.inner, ',').collect();
        let last = parts.len().checked_sub(1)?;
        if parts.iter().any(|a| a.iter().any(is_brace)) {
            return None;
        }
        push_line(&mut text, indent, &format!("{head}("))?;
        for (k, a) in parts.into_iter().enumerate() {
            expression_in(
                &mut text,
                indent + 2 * INDENT,
                a,
                ",",
                usize::from(k == last),
            )?;
        }
        push_line(&mut text, indent + INDENT, ")")?;
    }
    print_segments(&mut text, indent + INDENT, &segments, suffix, slack)?;
    out.push_str(&text);
    Some(())
}

/// The arms of a `match`: `pat => expr,` lines and `pat => {` blocks.
fn arms(out: &mut String, indent: usize, tts: &[Tree]) -> Option<()> {
    let mut i = 0;
    while i < tts.len() {
        while is_punct(tts.get(i), '#') {
            let Tree::Group(a) = tts.get(i + 1)? else {
                return None;
            };
            attr(out, indent, "///", "#", &a.inner)?;
            i += 2;
        }
        let arrow = i + tts[i..].windows(2).position(|w| {
            matches!(&w[0], Tree::Punct(p) if p.as_char() == '=' && p.spacing() == Spacing::Joint)
                && is_punct(Some(&w[1]), '>')
        })?;
        let mut pat = flat(&tts[i..arrow])?;
        let body_at = arrow + 2;
        // The pattern breaks when it does not fit with what follows it up to the first place
        // the line may break: ` => ` before a plain expression, ` => {` before a block.
        let opener = match tts.get(body_at)? {
            Tree::Group(g) if g.delimiter() == Delimiter::Brace => {
                let inner = &g.inner;
                let unwrapped = !inner.is_empty()
                    && !inner.iter().any(|t| is_punct(Some(t), ';') || is_brace(t));
                if unwrapped {
                    " => "
                } else {
                    " => {"
                }
            }
            _ => " => ",
        };
        if pat.chars().count() + opener.len() > room(indent) {
            pat = broken_pattern(out, indent, &tts[i..arrow])?;
        }
        match tts.get(body_at)? {
            Tree::Group(g) if g.delimiter() == Delimiter::Brace => {
                let inner = &g.inner;
                let single_expr = !inner.is_empty()
                    && !inner.iter().any(|t| is_punct(Some(t), ';') || is_brace(t));
                if inner.is_empty() {
                    push_line(out, indent, &format!("{pat} => {{}}"))?;
                } else if single_expr {
                    // prettyplease unwraps a block of one expression.
                    if matches!(&inner[0], Tree::Ident(id) if ["if", "match", "for", "while", "loop", "unsafe", "return"].contains(&id.0.as_str()))
                    {
                        return None;
                    }
                    let line = format!("{pat} => {},", flat(inner)?);
                    if line.chars().count() <= room(indent) + 1 {
                        push_raw(out, indent, &line);
                    } else {
                        // The `{` is printed where the line breaks: not counted (the
                        // pattern fits with ` => `, checked above).
                        push_raw(out, indent, &format!("{pat} => {{"));
                        expression(out, indent + INDENT, inner, "")?;
                        push_line(out, indent, "}")?;
                    }
                } else {
                    push_line(out, indent, &format!("{pat} => {{"))?;
                    block(out, indent + INDENT, inner)?;
                    push_line(out, indent, "}")?;
                }
                i = body_at + 1;
                if is_punct(tts.get(i), ',') {
                    i += 1;
                }
            }
            _ => {
                let end = tts[body_at..]
                    .iter()
                    .position(|t| is_punct(Some(t), ','))
                    .map_or(tts.len(), |p| body_at + p);
                let body = &tts[body_at..end];
                if body.iter().any(is_brace)
                    || matches!(body, [Tree::Group(g)] if g.inner.is_empty())
                {
                    return None;
                }
                // In a block, prettyplease ends `return` with a semicolon.
                let semi = if ident_is(body.first(), "return") {
                    ";"
                } else {
                    ""
                };
                // The arm's comma does not count against the margin.
                let line = format!("{pat} => {},", flat(body)?);
                if line.chars().count() <= room(indent) + 1 {
                    push_raw(out, indent, &line);
                } else {
                    // Too long: prettyplease puts the expression in a block (its `{` is
                    // not counted, as above).
                    push_raw(out, indent, &format!("{pat} => {{"));
                    expression_in(out, indent + INDENT, body, semi, semi.len())?;
                    push_line(out, indent, "}")?;
                }
                i = end + 1;
            }
        }
    }
    Some(())
}

/// `Path(a, b)` as a pattern too long for its line: `Path(`, one element per line, and `)`
/// returned to start the arm's last line.
fn broken_pattern(out: &mut String, indent: usize, tts: &[Tree]) -> Option<String> {
    let (Tree::Group(g), path) = tts.split_last()? else {
        return None;
    };
    if g.delimiter() != Delimiter::Parenthesis || !is_plain_path(path) || g.inner.is_empty() {
        return None;
    }
    // The path cannot break: its line may be long.
    push_raw(out, indent, &format!("{}(", flat(path)?));
    for elem in split(&g.inner, ',') {
        // Bindings and `_` only: nested patterns have breaks of their own.
        let [Tree::Ident(name)] = elem else {
            return None;
        };
        push_line(out, indent + INDENT, &format!("{name},"))?;
    }
    Some(")".into())
}

/// The `sep`-separated parts of `tts`, outside generic arguments (a trailing separator ends
/// the last part).
fn split(tts: &[Tree], sep: char) -> impl Iterator<Item = &[Tree]> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, t) in tts.iter().enumerate() {
        let Tree::Punct(p) = t else { continue };
        let after_arrow = i > 0 && (is_punct(tts.get(i - 1), '-') || is_punct(tts.get(i - 1), '='));
        match p.as_char() {
            '<' => depth += 1,
            '>' if !after_arrow => depth = depth.saturating_sub(1),
            c if c == sep && depth == 0 => {
                parts.push(&tts[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < tts.len() {
        parts.push(&tts[start..]);
    }
    parts.into_iter()
}

/// What was printed last, for spacing.
#[derive(Clone, Copy, PartialEq)]
enum Prev {
    /// Start of the text or of a group: no space.
    Open,
    /// An identifier, literal, lifetime or closing group: an operand ended.
    Operand,
    /// A keyword such as `impl`, `dyn`, `mut`, `return`.
    Keyword,
    /// A prefix operator (`&`, `*`, `-`, `!`), `::`, `.`, `<` of generics, `#`: no space after.
    Tight,
    /// A binary operator, `,`, `:`, `;`, `=`...: a space after.
    Spaced,
    /// The `!` of a macro call.
    Bang,
    /// The `>` closing generic arguments.
    GenericClose,
}

/// The keywords after which a group or `::` is spaced.
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "pub"
    )
}

/// Tokens on one line with prettyplease's spacing, or `None` for anything whose printing is
/// not a plain join (blocks, closures, ranges, attributes on expressions...).
fn flat(tts: &[Tree]) -> Option<String> {
    let mut out = String::new();
    flat_into(&mut out, tts)?;
    Some(out)
}

fn flat_into(out: &mut String, tts: &[Tree]) -> Option<()> {
    let mut prev = Prev::Open;
    let mut generics = 0usize;
    let mut i = 0;
    let space = |out: &mut String, yes: bool| {
        if yes {
            out.push(' ');
        }
    };
    while i < tts.len() {
        match &tts[i] {
            Tree::Ident(id) => {
                let s = id.0.as_str();
                space(out, !matches!(prev, Prev::Open | Prev::Tight));
                out.push_str(s);
                prev = if is_keyword(s) {
                    Prev::Keyword
                } else {
                    Prev::Operand
                };
            }
            Tree::Literal(l) => {
                space(out, !matches!(prev, Prev::Open | Prev::Tight));
                out.push_str(&l.0);
                prev = Prev::Operand;
            }
            Tree::Group(g) => {
                let inner = &g.inner;
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ('(', ')'),
                    Delimiter::Bracket => ('[', ']'),
                    // Only `use a::{b, c}` trees; braces elsewhere are blocks or literals.
                    Delimiter::Brace if prev == Prev::Tight && out.ends_with("::") => ('{', '}'),
                    _ => return None,
                };
                let glued = match prev {
                    Prev::Open | Prev::Tight | Prev::Bang | Prev::GenericClose => true,
                    Prev::Operand => true,
                    Prev::Keyword => out.ends_with("fn") || out.ends_with("pub"),
                    Prev::Spaced => false,
                };
                space(out, !glued);
                out.push(open);
                // A trailing comma goes when flat, except for a one-element tuple (a group
                // that is not the argument list of a call).
                let call = matches!(prev, Prev::Operand | Prev::GenericClose | Prev::Bang);
                let inner = match inner.split_last() {
                    // A macro's arguments are printed as they come, trailing comma included.
                    Some(_) if prev == Prev::Bang => &inner[..],
                    Some((last, rest)) if is_punct(Some(last), ',') => {
                        if !call && !rest.iter().any(|t| is_punct(Some(t), ',')) {
                            return None;
                        }
                        rest
                    }
                    _ => &inner[..],
                };
                flat_into(out, inner)?;
                out.push(close);
                prev = Prev::Operand;
            }
            Tree::Punct(p) => {
                let c = p.as_char();
                let joint = p.spacing() == Spacing::Joint;
                let next = tts.get(i + 1);
                let next_char = match next {
                    Some(Tree::Punct(n)) => Some(n.as_char()),
                    _ => None,
                };
                // Two-character operators.
                let pair = if joint {
                    next_char.map(|n| (c, n))
                } else {
                    None
                };
                match (c, pair) {
                    (':', Some((':', ':'))) => {
                        space(out, matches!(prev, Prev::Keyword | Prev::Spaced));
                        out.push_str("::");
                        prev = Prev::Tight;
                        i += 2;
                        continue;
                    }
                    ('\'', _) => {
                        let Some(Tree::Ident(l)) = next else {
                            return None;
                        };
                        space(out, !matches!(prev, Prev::Open | Prev::Tight));
                        out.push('\'');
                        out.push_str(&l.0);
                        // Spaced like a keyword: `&'a [T]`, `&'a mut T`.
                        prev = Prev::Keyword;
                        i += 2;
                        continue;
                    }
                    ('-', Some(('-', '>')))
                    | ('=', Some(('=', '>')))
                    | ('=', Some(('=', '=')))
                    | ('!', Some(('!', '=')))
                    | ('&', Some(('&', '&')))
                    | ('|', Some(('|', '|')))
                    | ('+', Some(('+', '=')))
                    | ('-', Some(('-', '=')))
                        if prev == Prev::Operand
                            || prev == Prev::GenericClose
                            || c == '-'
                            || c == '=' =>
                    {
                        space(out, prev != Prev::Open);
                        out.push(c);
                        out.push(next_char?);
                        prev = Prev::Spaced;
                        i += 2;
                        continue;
                    }
                    ('.', Some(('.', _))) | ('#', _) | ('$', _) | ('@', _) | ('~', _) => {
                        return None
                    }
                    _ => {}
                }
                match c {
                    ',' | ';' => {
                        out.push(c);
                        prev = Prev::Spaced;
                    }
                    ':' => {
                        out.push(':');
                        prev = Prev::Spaced;
                    }
                    '.' => {
                        out.push('.');
                        prev = Prev::Tight;
                    }
                    '?' => {
                        out.push('?');
                        prev = Prev::Operand;
                    }
                    '!' if prev == Prev::Operand => {
                        out.push('!');
                        prev = Prev::Bang;
                    }
                    '<' if prev == Prev::Tight && out.ends_with("::")
                        || prev == Prev::Operand && starts_upper(out) =>
                    {
                        out.push('<');
                        generics += 1;
                        prev = Prev::Tight;
                    }
                    // `<a::T as b::Trait>::f`: a qualified path of plain paths.
                    '<' if prev == Prev::Open && qpath_len(&tts[i..]).is_some() => {
                        out.push('<');
                        generics += 1;
                        prev = Prev::Tight;
                    }
                    // Other uses of `<` not after an operand.
                    '<' if !matches!(prev, Prev::Operand | Prev::GenericClose) => return None,
                    '>' if generics > 0 => {
                        out.push('>');
                        generics -= 1;
                        prev = Prev::GenericClose;
                    }
                    // A closure's parameters (its body follows as tokens; a block body is
                    // declined like any block).
                    '|' if !matches!(prev, Prev::Operand | Prev::GenericClose) => {
                        space(out, !matches!(prev, Prev::Open | Prev::Tight));
                        if joint && next_char == Some('|') {
                            out.push_str("||");
                            i += 1;
                        } else {
                            let close =
                                i + 1 + tts[i + 1..].iter().position(|t| is_punct(Some(t), '|'))?;
                            out.push('|');
                            flat_into(out, &tts[i + 1..close])?;
                            out.push('|');
                            i = close;
                        }
                        prev = Prev::Spaced;
                    }
                    '&' | '*' | '-' | '!'
                        if !matches!(prev, Prev::Operand | Prev::GenericClose) =>
                    {
                        space(out, !matches!(prev, Prev::Open | Prev::Tight));
                        out.push(c);
                        prev = Prev::Tight;
                    }
                    '=' | '+' | '-' | '*' | '/' | '%' | '<' | '>' | '&' | '|' | '^' => {
                        if joint {
                            return None;
                        }
                        space(out, prev != Prev::Open);
                        out.push(c);
                        prev = Prev::Spaced;
                    }
                    _ => return None,
                }
            }
        }
        i += 1;
    }
    Some(())
}

/// `<a::T as b::Trait>::` at the start of `tts` (plain paths only, no boxes to break): the
/// number of trees up to and including the `>`.
fn qpath_len(tts: &[Tree]) -> Option<usize> {
    if !is_punct(tts.first(), '<') {
        return None;
    }
    let close = tts.iter().position(|t| is_punct(Some(t), '>'))?;
    let inner = &tts[1..close];
    let as_at = inner.iter().position(|t| ident_is(Some(t), "as"))?;
    let followed = is_punct(tts.get(close + 1), ':') && is_punct(tts.get(close + 2), ':');
    (followed && is_plain_path(&inner[..as_at]) && is_plain_path(&inner[as_at + 1..]))
        .then_some(close + 1)
}

/// Whether the word just printed starts with an upper-case letter (a type, so `<` opens its
/// generic arguments rather than comparing).
fn starts_upper(out: &str) -> bool {
    let word = out
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    word.starts_with(|c: char| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast printer's text for `src`, or `None` when it leaves the file to prettyplease.
    fn fast(src: &str) -> Option<String> {
        let mut out = String::new();
        for piece in file(src.parse().unwrap())? {
            match piece {
                Piece::Text(t) => out.push_str(&t),
                Piece::Impl(head, items) => {
                    out.push_str(&head);
                    for item in items {
                        let Piece::Text(t) = item else { return None };
                        out.push_str(&t);
                    }
                    out.push_str("}\n");
                }
                _ => return None,
            }
        }
        Some(out)
    }

    fn pretty(src: &str) -> String {
        prettyplease::unparse(&syn::parse_str(src).unwrap())
    }

    #[test]
    fn prints_the_common_shapes_as_prettyplease_does() {
        for src in [
            "/// A thing.\n#[derive(Debug, Clone)] pub struct Thing { /// Its name.\n pub name: Option<String>, pub(crate) size: u64 }",
            "pub enum Kind { A, B(String), Unknown(crate::primitives::UnknownVariantValue) }",
            "impl Thing { pub fn name(&self) -> Option<&str> { self.name.as_deref() } pub fn set_name(mut self, input: Option<String>) -> Self { self.name = input; self } }",
            "fn f(v: &Value) -> Result<u64, Error> { let n = v.as_u64().ok_or_else(|| Error::new(\"not a number\"))?; match n { 0 => Err(Error::zero()), n => Ok(n) } }",
            "fn g(items: Vec<u8>) { for i in items { if i > 3 { continue; } println(i); } }",
            // A match whose scrutinee breaks; a match statement ending `}?;`.
            "fn d(response: &Response, meta: Meta) -> OperationError { match meta.code.as_deref() { Some(\"AccessDeniedException\") => { match crate::types::error::AccessDeniedException::from_response(response, meta) { Ok(e) => OperationError::AccessDeniedException(e), Err(f) => OperationError::Unhandled(f), } } _ => OperationError::Unhandled(Failure::unmodeled(meta)), } }",
            "fn j(obj: Map) -> Result<Thing, DeError> { let mut builder = ThingBuilder::default(); for (key, v) in obj { match key.as_str() { \"arn\" => set(&mut builder.arn, string(v), \"arn\"), _ => Ok(()), }?; } Ok(builder.build()) }",
            "fn h(a: bool, b: bool) -> u8 { if a { log(1); 1 } else if b { 2 } else { log(3); 3 } }",
            "fn s(r: Response) -> Result<Output, OperationError> { if r.status().is_success() { deserialize_output(&r).map_err(|e| { OperationError::Unhandled(::ivs_runtime::error::Failure::new(::ivs_runtime::error::ErrorKind::ResponseParse, \"cannot read the response\").with_source(e)) }) } else { ::std::result::Result::Err(deserialize_error(&r)) } }",
            // Chains: a broken call as receiver, a closure with a block, `return` in an arm.
            "fn e(response: &Response, meta: Meta) -> OperationError { let parsed = match meta.code.as_deref() { ::std::option::Option::Some(\"AccessDeniedException\") => crate::types::error::AccessDeniedException::from_response(response, meta.clone()).map(OperationError::AccessDeniedException), _ => return OperationError::Unhandled(::ivs_runtime::error::Failure::unmodeled(meta)), }; parsed.unwrap_or_else(|e| { OperationError::Unhandled(::ivs_runtime::error::Failure::new(::ivs_runtime::error::ErrorKind::ResponseParse, \"cannot read the error response\").with_meta(meta).with_source(e)) }) }",
            "impl Thing { fn very_long_function_name_that_needs_breaking(first_argument: ::std::string::String, second_argument: ::std::string::String) -> Self { Self { name: ::std::option::Option::Some(first_argument), size: second_argument.len() as u64 } } }",
            // A broken return type, and `let` lines left over the margin.
            "fn serialize_request(input: &ListStreamsInput) -> ::std::result::Result<::ivs_runtime::http::HttpRequest, ::ivs_runtime::error::Failure> { let mut query: ::std::vec::Vec<(::std::string::String, ::std::string::String)> = ::std::vec::Vec::new(); let mut a_rather_long_name_for_a_string_value_in_the_request = ::std::string::String::new(); ::std::result::Result::Ok(request) }",
            "fn no_params() -> ::std::result::Result<::ivs_runtime::http::HttpRequest, ::ivs_runtime::error::Failure> {}",
            // Calls of a `let` chain, macros broken (at a depth where a line may pass the margin
            // up to 60 columns after its indentation), a macro's trailing comma.
            "# [doc = r\" Sends `input` and reads the answer.\"] pub (crate) async fn send (handle : & :: ivs_runtime :: orchestrator :: Handle , input : BatchStartViewerSessionRevocationInput ,) -> :: std :: result :: Result < BatchStartViewerSessionRevocationOutput , BatchStartViewerSessionRevocationError > { let request = serialize_request (& input) . map_err (BatchStartViewerSessionRevocationError :: Unhandled) ? ; let response = handle . send (& SPEC , request) . await . map_err (BatchStartViewerSessionRevocationError :: Unhandled) ? ; if response . status () . is_success () { deserialize_output (& response) . map_err (| e | { BatchStartViewerSessionRevocationError :: Unhandled (:: ivs_runtime :: error :: Failure :: new (:: ivs_runtime :: error :: ErrorKind :: ResponseParse , :: std :: format ! (\"cannot read the {} response\" , \"BatchStartViewerSessionRevocation\") ,) . with_meta (:: ivs_runtime :: error :: parse_error_metadata (& response)) . with_source (e) ,) }) } else { :: std :: result :: Result :: Err (deserialize_error (& response)) } }",
            "# [doc = r\" Sends `input` and reads the answer.\"] pub (crate) async fn send (handle : & :: ivs_runtime :: orchestrator :: Handle , input : ListRecordingConfigurationsInput ,) -> :: std :: result :: Result < ListRecordingConfigurationsOutput , ListRecordingConfigurationsError > { let request = serialize_request (& input) . map_err (ListRecordingConfigurationsError :: Unhandled) ? ; let response = handle . send (& SPEC , request) . await . map_err (ListRecordingConfigurationsError :: Unhandled) ? ; if response . status () . is_success () { deserialize_output (& response) . map_err (| e | { ListRecordingConfigurationsError :: Unhandled (:: ivs_runtime :: error :: Failure :: new (:: ivs_runtime :: error :: ErrorKind :: ResponseParse , :: std :: format ! (\"cannot read the {} response\" , \"ListRecordingConfigurations\") ,) . with_meta (:: ivs_runtime :: error :: parse_error_metadata (& response)) . with_source (e) ,) }) } else { :: std :: result :: Result :: Err (deserialize_error (& response)) } }",
            "fn d() { ::std::format!(\"a {}\", \"b\",) }",
            // An impl header's generic arguments broken, paths too long for any line, match
            // patterns broken.
            "impl :: std :: convert :: From < crate :: operation :: batch_start_viewer_session_revocation :: BatchStartViewerSessionRevocationError > for Error { fn from (e : crate :: operation :: batch_start_viewer_session_revocation :: BatchStartViewerSessionRevocationError) -> Self { match e { crate :: operation :: batch_start_viewer_session_revocation :: BatchStartViewerSessionRevocationError :: AccessDeniedException (e) => Error :: AccessDeniedException (e) , crate :: operation :: batch_start_viewer_session_revocation :: BatchStartViewerSessionRevocationError :: PendingVerification (e) => Error :: PendingVerification (e) , crate :: operation :: batch_start_viewer_session_revocation :: BatchStartViewerSessionRevocationError :: ThrottlingException (e) => Error :: ThrottlingException (e) , crate :: operation :: batch_start_viewer_session_revocation :: BatchStartViewerSessionRevocationError :: ValidationException (e) => Error :: ValidationException (e) , crate :: operation :: batch_start_viewer_session_revocation :: BatchStartViewerSessionRevocationError :: Unhandled (f) => Error :: Unhandled (f) , } } }",
            "impl X { fn from (e : crate :: operation :: batch_get_stream_key :: BatchGetStreamKeyError) -> Self { match e { crate :: operation :: batch_get_stream_key :: BatchGetStreamKeyError :: Unhandled (f) => Error :: Unhandled (f) , } } }",
            // A long `use` group filled on lines; a struct literal after an unbreakable long head.
            "# [doc = r\" Builders of this operation's input and output, and its fluent builder.\"] pub mod builders { pub use super :: { BatchGetChannelInputBuilder , BatchGetChannelOutputBuilder , BatchGetChannelFluentBuilder } ; }",
            "static SPEC : :: ivs_runtime :: orchestrator :: OperationSpec = :: ivs_runtime :: orchestrator :: OperationSpec { name : \"BatchGetChannel\" , retryable_errors : & [] , } ;",
            "use a::{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, c::d, eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee, f, g, hhhhhhhhhhhhhhhhhhhhhhhh, iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii};",
            // A call of one struct literal, field chains with a closure calling a path, a long literal argument.
            "impl X { # [doc = r\" Sends the request and waits for the answer.\"] pub async fn send (self) -> :: std :: result :: Result < BatchStartViewerSessionRevocationOutput , BatchStartViewerSessionRevocationError > { let input : BatchStartViewerSessionRevocationInput = self . inner . build () ; if input . viewer_sessions . is_none () { return :: std :: result :: Result :: Err (BatchStartViewerSessionRevocationError :: Unhandled (:: ivs_runtime :: error :: BuildError :: missing (\"viewerSessions\" , \"`viewerSessions` is required by BatchStartViewerSessionRevocation but was not set\") . into () ,)) ; } send (& self . handle , input) . await } }",
            "impl X { # [doc = \" Builds a [`ListChannelsOutput`].\"] # [doc = \"\"] # [doc = \" Fails with a [`BuildError`](::ivs_runtime::error::BuildError) naming the first missing required member of: `channels`.\"] pub fn build (self) -> :: std :: result :: Result < ListChannelsOutput , :: ivs_runtime :: error :: BuildError > { :: std :: result :: Result :: Ok (ListChannelsOutput { channels : self . channels . ok_or_else (|| :: ivs_runtime :: error :: BuildError :: missing (\"channels\" , \"`channels` is required to build ListChannelsOutput\")) ? , next_token : self . next_token , }) } }",
            // Turbofish arguments broken (called or not), a call after a long `a.b = `, a long path argument.
            "impl X { # [doc = r\" Reads the structure from its JSON object; unknown keys are ignored.\"] pub (crate) fn from_json (value : :: ivs_runtime :: json :: Value) -> :: std :: result :: Result < Self , :: ivs_runtime :: json :: DeError > { let obj = :: ivs_runtime :: json :: object (value) ? ; let mut builder = ThumbnailConfigurationBuilder :: default () ; for (key , v) in obj { if v . is_null () { continue ; } match key . as_str () { \"recordingMode\" => { builder . recording_mode = :: std :: option :: Option :: Some (:: ivs_runtime :: json :: at (:: ivs_runtime :: json :: enumeration :: < crate :: types :: RecordingMode > (v) , \"recordingMode\") ?) ; } \"targetIntervalSeconds\" => { builder . target_interval_seconds = :: std :: option :: Option :: Some (:: ivs_runtime :: json :: at (:: ivs_runtime :: json :: integer :: < i64 > (v) , \"targetIntervalSeconds\") ?) ; } \"resolution\" => { builder . resolution = :: std :: option :: Option :: Some (:: ivs_runtime :: json :: at (:: ivs_runtime :: json :: enumeration :: < crate :: types :: ThumbnailConfigurationResolution > (v) , \"resolution\") ?) ; } \"storage\" => { builder . storage = :: std :: option :: Option :: Some (:: ivs_runtime :: json :: at (:: ivs_runtime :: json :: list (v , :: ivs_runtime :: json :: enumeration :: < crate :: types :: ThumbnailConfigurationStorage >) , \"storage\") ?) ; } _ => { } } } :: std :: result :: Result :: Ok (builder . build ()) } }",
            // Broken macro statements: dotted names and calls, a literal too long for any line.
            "fn case_10() { let mut params = ::ivs_runtime::endpoint::Params::default(); params.set(\"Region\", \"cn-north-1\"); params.set(\"UseFIPS\", true); params.set(\"UseDualStack\", true); let result = ::ivs_runtime::endpoint::resolve(&rules(), &partitions(), &params); let endpoint = result.expect(\"the rules must resolve these parameters\"); ::std::assert_eq!( endpoint.url, \"https://ivs-fips.cn-north-1.api.amazonwebservices.com.cn\" ); }",
            "mod tests { fn case_18() { let mut params = ::ivs_runtime::endpoint::Params::default(); params.set(\"Region\", \"us-iso-east-1\"); params.set(\"UseFIPS\", true); params.set(\"UseDualStack\", true); let result = ::ivs_runtime::endpoint::resolve(&rules(), &partitions(), &params); let endpoint = result.expect(\"the shipped partition table resolves this case\"); ::std::assert_eq!(endpoint.url, \"https://ivs-fips.us-iso-east-1.api.aws.ic.gov\"); let result = ::ivs_runtime::endpoint::resolve( &rules(), &partitions_as_tested(), &params, ); let err = result.expect_err(\"the rules must reject these parameters\"); ::std::assert_eq!( err.to_string(), \"FIPS and DualStack are enabled, but this partition does not support one or both\" ); } }",
            // A const fn and lifetimes before a slice type; a long use path; a long return path.
            "# [allow (deprecated)] impl ChannelType { # [doc = r\" The wire value.\"] pub fn as_str (& self) -> & str { match self { Self :: BasicChannelType => \"BASIC\" , Self :: Unknown (v) => v . as_str () } } # [doc = r\" Every value the model defines.\"] pub const fn values () -> & 'static [& 'static str] { & [\"BASIC\" , \"STANDARD\" , \"ADVANCED_SD\" , \"ADVANCED_HD\"] } }",
            "pub mod builders { pub use super :: batch_start_viewer_session_revocation_viewer_session :: BatchStartViewerSessionRevocationViewerSessionBuilder ; }",
            "impl X { pub fn delete_recording_configuration (& self) -> crate :: operation :: delete_recording_configuration :: DeleteRecordingConfigurationFluentBuilder { crate :: operation :: delete_recording_configuration :: DeleteRecordingConfigurationFluentBuilder :: new (self . handle . clone ()) } }",
            // Generics on impls and functions, a type alias, tuple structs.
            "# [cfg (feature = \"serde\")] impl < 'de > :: serde :: Deserialize < 'de > for ChannelLatencyMode { fn deserialize < D : :: serde :: Deserializer < 'de >> (d : D) -> :: std :: result :: Result < Self , D :: Error > { deserialize_string (d) . map (| s | Self :: from (s . as_str ())) } }",
            "impl ::serde::Serialize for X { fn serialize < S : :: serde :: Serializer > (& self , s : S) -> :: std :: result :: Result < S :: Ok , S :: Error > { s . serialize_str (self . as_str ()) } }",
            "impl X { type Err = :: std :: convert :: Infallible ; }",
            "# [doc = r\" The value of an enum the crate does not know. Only the crate constructs it, so an\"] # [doc = r\" `Unknown` never equals a value that a later version knows.\"] # [derive (:: std :: clone :: Clone , :: std :: fmt :: Debug , :: std :: cmp :: PartialEq , :: std :: cmp :: Eq , :: std :: hash :: Hash , :: std :: cmp :: PartialOrd , :: std :: cmp :: Ord)] pub struct UnknownVariantValue (pub (crate) :: std :: string :: String) ;",
            "# [doc = r\" The value of an integer enum the crate does not know.\"] # [derive (:: std :: clone :: Clone , :: std :: fmt :: Debug , :: std :: cmp :: PartialEq , :: std :: cmp :: Eq , :: std :: hash :: Hash , :: std :: cmp :: PartialOrd , :: std :: cmp :: Ord)] pub struct UnknownIntValue (pub (crate) i32) ;",
            "impl<T> Wrapper<T> { fn get(&self) -> &T { &self.0 } }",
            // Qualified paths of plain paths, in a call chain too.
            "impl X { fn deserialize < D : :: serde :: Deserializer < 'de >> (d : D) -> :: std :: result :: Result < Self , D :: Error > { < :: std :: string :: String as :: serde :: Deserialize > :: deserialize (d) . map (| s | Self :: from (s . as_str ())) } }",
            "fn f() -> u8 { <T as Trait>::f() }",
            // Arms whose block opens past the margin, a struct field calling a path, if-let conditions broken.
            "impl X { fn from (e : crate :: operation :: get_stream_session :: GetStreamSessionError) -> Self { match e { crate :: operation :: get_stream_session :: GetStreamSessionError :: AccessDeniedException (e) => Error :: AccessDeniedException (e) , crate :: operation :: get_stream_session :: GetStreamSessionError :: ResourceNotFoundException (e) => Error :: ResourceNotFoundException (e) , crate :: operation :: get_stream_session :: GetStreamSessionError :: ValidationException (e) => Error :: ValidationException (e) , crate :: operation :: get_stream_session :: GetStreamSessionError :: Unhandled (f) => Error :: Unhandled (f) , } } }",
            "impl X { # [doc = r\" A client with `config`.\"] pub fn new (config : crate :: Config) -> Self { Self { handle : :: ivs_runtime :: orchestrator :: Handle :: new (config , & crate :: endpoint :: SERVICE) } } }",
            "impl X { fn f(&self) { if let :: std :: option :: Option :: Some (v) = & self . aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa { g(v); } } }",
            "impl X { fn f(&self) { if let :: std :: option :: Option :: Some (v) = & self . recording_reconnect_window_seconds_and_more_words_here { g(v); } } }",
            "pub(crate) const RULES: &str = \"a literal longer than the margin, a literal longer than the margin, a literal longer than the margin\";",
        ] {
            let text = fast(src).unwrap_or_else(|| panic!("declined: {src}"));
            assert_eq!(text, pretty(src), "{src}");
        }
    }

    #[test]
    fn leaves_what_it_does_not_know_to_prettyplease() {
        for src in [
            // A short if-else may go on one line.
            "fn f(a: bool) -> u8 { if a { 1 } else { 2 } }",
            // A qualified path with generics, a where clause.
            "fn f() -> u8 { <T as Trait<U>>::f() }",
            "impl<T> Wrapper<T> where T: Clone { fn get(&self) -> &T { &self.0 } }",
            // A closure with a block body.
            "fn f() { run(|x| { let y = x; y }); }",
            // A chain that may fit on one line with its closure's block.
            "fn s(r: Response) -> Result<Output, OperationError> { if r.status().is_success() { deserialize_output(&r).map_err(|e| { OperationError::Unhandled(e.into()) }) } else { Err(deserialize_error(&r)) } }",
            // Unknown items.
            "macro_rules! m { () => {} }",
        ] {
            let pieces = file(src.parse().unwrap()).unwrap();
            let handed_back = pieces.iter().any(|p| match p {
                Piece::Tokens(_) => true,
                Piece::Impl(_, items) => items.iter().any(|i| matches!(i, Piece::Tokens(_))),
                _ => false,
            });
            assert!(handed_back, "printed instead of handing back: {src}");
        }
    }

    #[test]
    fn tokens_handed_back_are_rebuilt_as_read() {
        let src = "#[doc = r\"a\"] macro_rules! m { ($a:expr) => { $a + 1 } } fn r#type<'a>(x: &'a [u8]) -> f64 { -1.5e3 + b'x' as f64 + x.len() as f64 } const S: &str = \"\\u{e9}\\n\";";
        let tokens: TokenStream = src.parse().unwrap();
        let read: Vec<Tree> = tokens.clone().into_iter().map(read_tree).collect();
        assert_eq!(to_tokens(&read).unwrap().to_string(), tokens.to_string());
    }

    #[test]
    fn doc_strings_are_unescaped() {
        assert_eq!(
            unescape(r#""a \"b\" \\ c""#).as_deref(),
            Some(r#"a "b" \ c"#)
        );
        assert_eq!(unescape(r#""\u{e9}t\u{e9}""#).as_deref(), Some("été"));
        assert_eq!(
            unescape(r##"r#"raw "quoted""#"##).as_deref(),
            Some(r#"raw "quoted""#)
        );
        assert_eq!(unescape("b\"bytes\""), None);
    }
}
