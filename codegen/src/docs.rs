//! Model documentation (HTML, as AWS writes it) to rustdoc Markdown.
//!
//! The output is plain text with Markdown markup: paragraphs, lists, inline code, bold,
//! italic and links. Whatever could mislead rustdoc is escaped: stray `<`/`>` (HTML tags),
//! `[`/`]` (intra-doc links), backticks and fences (code that swallows the rest), bare URLs.
//! Since each line is emitted as a `#[doc = "..."]` string literal, no text can close a
//! comment or inject tokens.

/// Converts model documentation to Markdown lines (without the leading space rustdoc wants).
pub fn to_markdown(html: &str) -> Vec<String> {
    let mut c = Converter::default();
    c.run(html);
    c.finish()
}

/// Doc lines ready for `#[doc = ...]`: each starts with a space so prettyplease prints
/// `/// text`.
pub fn doc_lines(html: &str) -> Vec<String> {
    to_markdown(html)
        .into_iter()
        .map(|l| if l.is_empty() { l } else { format!(" {l}") })
        .collect()
}

#[derive(Default)]
struct Converter {
    lines: Vec<String>,
    current: String,
    /// Open lists: `None` for bullets, `Some(n)` for numbered lists at item n.
    lists: Vec<Option<u32>>,
    in_code: bool,
    in_pre: bool,
    link: Option<String>,
    link_text: String,
    /// Opening emphasis markers not written yet (they go right before the next text).
    pending_emphasis: String,
}

impl Converter {
    fn run(&mut self, html: &str) {
        let mut rest = html;
        while !rest.is_empty() {
            if let Some(tag_end) = rest.strip_prefix('<').and_then(tag_len) {
                let tag = &rest[1..tag_end + 1];
                self.tag(tag);
                rest = &rest[tag_end + 2..];
            } else {
                // Skip the first character whole: it may be a `<` that starts no tag, or a
                // character of several bytes.
                let first = rest.chars().next().map_or(1, char::len_utf8);
                let next = rest[first..].find('<').map_or(rest.len(), |i| i + first);
                let text = decode_entities(&rest[..next]);
                self.text(&text);
                rest = &rest[next..];
            }
        }
    }

    fn tag(&mut self, tag: &str) {
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match (name.as_str(), closing) {
            ("p" | "div" | "note" | "important" | "br" | "dl" | "dt" | "dd", _) => {
                if name == "br" {
                    self.break_line();
                } else {
                    self.paragraph();
                }
            }
            ("ul", false) => {
                self.paragraph();
                self.lists.push(None);
            }
            ("ol", false) => {
                self.paragraph();
                self.lists.push(Some(0));
            }
            ("ul" | "ol", true) => {
                self.break_line();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.paragraph();
                }
            }
            ("li", false) => {
                self.break_line();
                self.current.clear();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{n}. ")
                    }
                    _ => "- ".to_owned(),
                };
                self.current = format!("{}{marker}", "  ".repeat(depth));
            }
            ("li", true) => self.break_line(),
            ("code" | "tt", false) if !self.in_pre => {
                self.flush_emphasis();
                self.in_code = true;
                self.current.push('`');
            }
            // A closing tag with nothing open would leave a lone backtick that pairs with a
            // later one and turns the text between into code.
            ("code" | "tt", true) if !self.in_pre && self.in_code => {
                self.in_code = false;
                if self.current.ends_with('`') {
                    self.current.pop();
                } else {
                    self.current.push('`');
                }
            }
            ("pre", false) => {
                self.paragraph();
                self.in_pre = true;
                self.lines.push("```text".to_owned());
            }
            ("pre", true) => {
                self.flush_pre();
                self.in_pre = false;
                self.lines.push("```".to_owned());
                self.lines.push(String::new());
            }
            // Emphasis markers hug the text they wrap: the model's HTML puts whitespace and
            // line breaks inside `<i><b> ... </b></i>`, and `** text **` is literal stars in
            // Markdown. An opening marker waits for the first text; a closing one goes before
            // trailing whitespace; an emphasis around nothing vanishes.
            ("b" | "strong" | "i" | "em", false) if !self.in_code => {
                self.pending_emphasis
                    .push_str(if name == "b" || name == "strong" {
                        "**"
                    } else {
                        "*"
                    });
            }
            ("b" | "strong" | "i" | "em", true) if !self.in_code => {
                let marker = if name == "b" || name == "strong" {
                    "**"
                } else {
                    "*"
                };
                if self.pending_emphasis.ends_with(marker) {
                    let keep = self.pending_emphasis.len() - marker.len();
                    self.pending_emphasis.truncate(keep);
                } else {
                    let trimmed = self.current.trim_end_matches(' ').len();
                    let had_space = trimmed < self.current.len();
                    self.current.truncate(trimmed);
                    self.current.push_str(marker);
                    if had_space {
                        self.current.push(' ');
                    }
                }
            }
            ("a", false) => {
                self.link = Some(attr(tag, "href").unwrap_or_default());
                self.link_text.clear();
            }
            ("a", true) => {
                if let Some(href) = self.link.take() {
                    // Link text is HTML text too: its whitespace folds.
                    let text = std::mem::take(&mut self.link_text);
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    let text = text.as_str();
                    if href.starts_with("http://") || href.starts_with("https://") {
                        self.flush_emphasis();
                        let label = if text.is_empty() { &href } else { text };
                        let label = escape_text(label);
                        self.current.push_str(&format!(
                            "[{label}]({})",
                            href.replace(' ', "%20").replace(')', "%29")
                        ));
                    } else {
                        // `<a>GetChannel</a>` (no href) names an operation or a shape: code,
                        // not a link that goes nowhere.
                        self.flush_emphasis();
                        if !text.is_empty() && !text.contains(' ') {
                            self.current.push_str(&code_span(text));
                        } else {
                            self.current.push_str(&escape_text(text));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.link.is_some() {
            self.link_text.push_str(text);
            return;
        }
        if self.in_pre {
            let text: String = text
                .replace("```", "` ` `")
                .chars()
                .map(|c| match c {
                    '\0' => "\\u{0}".to_owned(),
                    '\n' | '\t' => c.to_string(),
                    c if c.is_control() => " ".to_owned(),
                    c => c.to_string(),
                })
                .collect();
            self.current.push_str(&text);
            return;
        }
        // HTML whitespace folds.
        let mut folded = String::with_capacity(text.len());
        let mut space = false;
        for ch in text.chars() {
            if ch.is_whitespace() {
                space = true;
            } else {
                if space
                    && !(folded.is_empty()
                        && (self.current.is_empty() || self.current.ends_with(' ')))
                {
                    folded.push(' ');
                }
                space = false;
                folded.push(ch);
            }
        }
        let trailing_room =
            !folded.is_empty() || (!self.current.is_empty() && !self.current.ends_with(' '));
        if space && trailing_room {
            folded.push(' ');
        }
        if self.in_code {
            self.current.push_str(&folded.replace('`', "'"));
        } else if folded.trim().is_empty() {
            self.current.push_str(&folded);
        } else {
            let body = folded.trim_start_matches(' ');
            if body.len() < folded.len() {
                self.current.push(' ');
            }
            self.flush_emphasis();
            self.current.push_str(&escape_text(body));
        }
    }

    /// Writes the opening emphasis markers that wait for text.
    fn flush_emphasis(&mut self) {
        let pending = std::mem::take(&mut self.pending_emphasis);
        self.current.push_str(&pending);
    }

    fn flush_pre(&mut self) {
        let text = std::mem::take(&mut self.current);
        for l in text.trim_matches('\n').lines() {
            self.lines.push(l.trim_end().to_owned());
        }
    }

    fn break_line(&mut self) {
        let t = self.current.trim();
        // A list marker waiting for its item's text (`<li><p>...`) stays where it is.
        if !t.is_empty()
            && t.trim_end_matches(['-', '.'])
                .chars()
                .all(|c| c.is_ascii_digit())
        {
            return;
        }
        let line = std::mem::take(&mut self.current);
        let line = line.trim_end();
        if !line.trim().is_empty() {
            self.lines.push(line.to_owned());
        }
    }

    fn paragraph(&mut self) {
        self.break_line();
        if self.lists.is_empty() && self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.in_code {
            self.current.push('`');
        }
        if self.in_pre {
            self.flush_pre();
            self.lines.push("```".to_owned());
        }
        self.break_line();
        while self.lines.last().is_some_and(|l| l.is_empty()) {
            self.lines.pop();
        }
        // Unbalanced markup from the model must not leak into the next item: drop a lone
        // trailing `**`/`*` imbalance by closing it on the last line.
        let stars: usize = self
            .lines
            .iter()
            .filter(|l| !l.starts_with("```"))
            .map(|l| l.matches("**").count())
            .sum();
        if stars % 2 == 1 {
            if let Some(last) = self.lines.last_mut() {
                last.push_str("**");
            }
        }
        // Text right after a list item would continue it lazily; a blank line ends the list.
        let is_item = |l: &str| {
            let t = l.trim_start();
            t.starts_with("- ")
                || t.split_once(". ")
                    .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        };
        let mut out: Vec<String> = Vec::with_capacity(self.lines.len());
        for l in self.lines {
            let l = l.trim_start_matches(['#', '=']).to_owned();
            if out.last().is_some_and(|p| is_item(p))
                && !l.is_empty()
                && !is_item(&l)
                && !l.starts_with("  ")
            {
                out.push(String::new());
            }
            out.push(l);
        }
        out
    }
}

/// The length of a tag's inside (up to `>`), if `rest` (after `<`) starts a real tag.
fn tag_len(rest: &str) -> Option<usize> {
    let first = rest.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '/' || first == '!') {
        return None;
    }
    let end = rest.find('>')?;
    if rest[..end].contains('<') {
        return None;
    }
    Some(end)
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let pos = tag.find(&format!("{name}="))?;
    let rest = &tag[pos + name.len() + 1..];
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        let end = rest[1..].find(quote)?;
        Some(decode_entities(&rest[1..end + 1]))
    } else {
        Some(rest.split_whitespace().next()?.to_owned())
    }
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let ch = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            ch.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `value` as a Markdown code span that shows it exactly: delimited by one backtick more
/// than its longest run of backticks, control characters written as Rust escapes (`\n`,
/// `\u{0}`), so a value can neither end the span nor start a line of its own.
pub fn code_span(value: &str) -> String {
    let mut text = String::with_capacity(value.len());
    for c in value.chars() {
        if c.is_control() {
            text.extend(c.escape_default());
        } else {
            text.push(c);
        }
    }
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

/// Escapes text so rustdoc shows it as written.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '[' | ']' | '*' | '_' | '`' | '\\' | '|' => {
                out.push('\\');
                out.push(ch);
            }
            '\0' => out.push_str("\\u{0}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    // A bare URL would draw a rustdoc warning; angle brackets make it a link.
    wrap_bare_urls(&out)
}

fn wrap_bare_urls(s: &str) -> String {
    if !s.contains("http://") && !s.contains("https://") {
        return s.to_owned();
    }
    s.split(' ')
        .map(|w| {
            if (w.starts_with("http://") || w.starts_with("https://")) && !w.contains("&lt;") {
                let trimmed = w.trim_end_matches(['.', ',', ')', ';', ':']);
                format!("<{}>{}", trimmed.replace('\\', ""), &w[trimmed.len()..])
            } else {
                w.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_and_inline_markup() {
        let md = to_markdown(
            "<p>Gets the <code>channel</code> <b>now</b>.</p> <ul><li><p>One</p></li><li>Two <i>x</i></li></ul><p>End</p>",
        );
        assert_eq!(
            md,
            [
                "Gets the `channel` **now**.",
                "",
                "- One",
                "- Two *x*",
                "",
                "End"
            ]
        );
    }

    #[test]
    fn emphasis_hugs_its_text() {
        // As IVS's service documentation writes it: whitespace inside nested emphasis.
        let md = to_markdown(
            "<p>\n  <i>\n   <b>All API request parameters are case sensitive.\n  </b>\n  </i>\n </p>",
        );
        assert_eq!(md, ["***All API request parameters are case sensitive.***"]);
        let md = to_markdown("<p>a <b> b </b> c<i> </i>d <b><code>x</code></b></p>");
        assert_eq!(md, ["a **b** c d **`x`**"]);
    }

    #[test]
    fn anchors_without_href_are_code() {
        let md = to_markdown("<p>See also <a>BatchGetChannel</a> and <a>two words</a>.</p>");
        assert_eq!(md, ["See also `BatchGetChannel` and two words."]);
    }

    #[test]
    fn link_text_whitespace_folds() {
        let md = to_markdown("<a href=\"https://x.example/a\">Amazon\n         Resource Names</a>");
        assert_eq!(md, ["[Amazon Resource Names](https://x.example/a)"]);
    }

    #[test]
    fn links_and_bare_urls() {
        let md = to_markdown(
            r#"<p>See <a href="https://docs.aws.amazon.com/ivs/x.html">the guide</a> and https://example.com.</p>"#,
        );
        assert_eq!(
            md,
            ["See [the guide](https://docs.aws.amazon.com/ivs/x.html) and <https://example.com>."]
        );
    }

    #[test]
    fn hostile_text_is_escaped() {
        let md = to_markdown("a */ b [link] <script>x</script> ``` `tick` \\ \u{0}").join("\n");
        assert!(!md.contains("<script>"));
        assert!(md.contains("\\[link\\]"));
        assert!(!md.contains("```"));
        assert!(!md.contains('\0'));
    }

    #[test]
    fn entities_and_unclosed_tags() {
        assert_eq!(
            to_markdown("a &amp; b &lt;c&gt; &#65;"),
            ["a & b &lt;c&gt; A"]
        );
        assert_eq!(to_markdown("<p>open <code>code"), ["open `code`"]);
        assert_eq!(to_markdown("<b>bold"), ["**bold**"]);
    }

    #[test]
    fn code_spans_show_any_value() {
        assert_eq!(code_span("LOW"), "`LOW`");
        assert_eq!(code_span("a`b"), "`` a`b ``");
        assert_eq!(code_span("```"), "```` ``` ````");
        assert_eq!(code_span("a\n# b\0"), "`a\\n# b\\u{0}`");
    }

    #[test]
    fn preformatted_text_and_stray_closing_tags() {
        assert_eq!(
            to_markdown("<pre>a \u{0} b\u{7}</pre>"),
            ["```text", "a \\u{0} b", "```"]
        );
        assert_eq!(to_markdown("a </code> b `c`"), ["a b \\`c\\`"]);
    }

    #[test]
    fn a_closed_list_ends_its_nesting_and_its_paragraph() {
        // Text right after `</ul>` starts a new paragraph, and a list after a nested one
        // starts at the left margin again.
        assert_eq!(
            to_markdown("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>after<ol><li>d</li></ol>"),
            ["- a", "  - b", "- c", "", "after", "", "1. d"]
        );
    }

    #[test]
    fn text_after_an_item_is_its_own_paragraph_even_with_a_full_stop() {
        // "Text. More" is no numbered item ("Text" is not a number): without the blank line
        // Markdown would fold it into the item above.
        assert_eq!(
            to_markdown("<ul><li>a</li>Text. More</ul>"),
            ["- a", "", "Text. More"]
        );
    }

    #[test]
    fn control_characters_in_text_become_spaces() {
        assert_eq!(to_markdown("a\u{7}b\u{1b}c\u{7f}d"), ["a b c d"]);
    }

    #[test]
    fn numbered_lists() {
        assert_eq!(
            to_markdown("<ol><li>a</li><li>b</li></ol>"),
            ["1. a", "2. b"]
        );
    }
}
