//! A tiny backtracking regular-expression matcher for the partition table's `regionRegex`.
//!
//! The patterns in `partitions.json` are small (`^(us|eu|ap)\-\w+\-\d+$`), so a full regex
//! engine would be a heavy dependency for them. This supports the common subset: literals,
//! escapes (`\w`, `\d`, `\s`, their negations, escaped punctuation), `.`, bracket classes with
//! ranges and negation, groups (`(...)`, `(?:...)`) with alternation, `^`/`$`, and the
//! quantifiers `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}` (a lazy `?` suffix is accepted: it cannot
//! change whether a string matches). Anything else is rejected when the pattern is compiled, so
//! a future pattern outside the subset fails loudly instead of matching wrongly.
//!
//! Backtracking is exponential in the worst case; patterns come from the trusted partition
//! table and inputs are region names, so that is acceptable here.

/// A compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Regex {
    alternatives: Vec<Vec<Piece>>,
}

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Class(Class),
    Start,
    End,
    Group(Vec<Vec<Piece>>),
}

#[derive(Debug, Clone)]
enum Class {
    Any,
    Word(bool),
    Digit(bool),
    Space(bool),
    /// A bracket class: negated, then items (ranges; single characters are `(c, c)`).
    Set(bool, Vec<ClassItem>),
}

#[derive(Debug, Clone)]
enum ClassItem {
    Range(char, char),
    Class(Class),
}

#[derive(Debug, Clone)]
struct Piece {
    node: Node,
    min: usize,
    max: Option<usize>,
}

impl Class {
    fn matches(&self, c: char) -> bool {
        match self {
            Class::Any => c != '\n',
            Class::Word(neg) => (c.is_ascii_alphanumeric() || c == '_') != *neg,
            Class::Digit(neg) => c.is_ascii_digit() != *neg,
            Class::Space(neg) => c.is_ascii_whitespace() != *neg,
            Class::Set(neg, items) => {
                let hit = items.iter().any(|item| match item {
                    ClassItem::Range(lo, hi) => (*lo..=*hi).contains(&c),
                    ClassItem::Class(class) => class.matches(c),
                });
                hit != *neg
            }
        }
    }
}

impl Regex {
    /// Compiles `pattern`, or says why it is outside the supported subset.
    pub(crate) fn new(pattern: &str) -> Result<Regex, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut parser = Parser { chars, pos: 0 };
        let alternatives = parser.alternation()?;
        if parser.pos != parser.chars.len() {
            return Err(format!("unbalanced `)` at offset {}", parser.pos));
        }
        Ok(Regex { alternatives })
    }

    /// Whether the pattern matches somewhere in `input` (anchors make that the whole input).
    pub(crate) fn is_match(&self, input: &str) -> bool {
        let input: Vec<char> = input.chars().collect();
        (0..=input.len()).any(|start| {
            self.alternatives
                .iter()
                .any(|alt| match_seq(alt, &input, start, &|_| true))
        })
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += usize::from(c.is_some());
        c
    }

    fn alternation(&mut self) -> Result<Vec<Vec<Piece>>, String> {
        let mut alternatives = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            alternatives.push(self.sequence()?);
        }
        Ok(alternatives)
    }

    fn sequence(&mut self) -> Result<Vec<Piece>, String> {
        let mut pieces = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let node = self.atom()?;
            let (min, max) = self.quantifier()?;
            if matches!(node, Node::Start | Node::End) && (min, max) != (1, Some(1)) {
                return Err(format!("quantified anchor at offset {}", self.pos));
            }
            pieces.push(Piece { node, min, max });
        }
        Ok(pieces)
    }

    fn atom(&mut self) -> Result<Node, String> {
        let at = self.pos;
        match self.next() {
            Some('^') => Ok(Node::Start),
            Some('$') => Ok(Node::End),
            Some('.') => Ok(Node::Class(Class::Any)),
            Some('\\') => self.escape().map(|item| match item {
                ClassItem::Class(class) => Node::Class(class),
                ClassItem::Range(c, _) => Node::Char(c),
            }),
            Some('[') => self.bracket(),
            Some('(') => {
                if self.peek() == Some('?') {
                    if self.chars.get(self.pos + 1) != Some(&':') {
                        return Err(format!("unsupported group syntax at offset {at}"));
                    }
                    self.pos += 2;
                }
                let alternatives = self.alternation()?;
                if self.next() != Some(')') {
                    return Err(format!("unclosed `(` at offset {at}"));
                }
                Ok(Node::Group(alternatives))
            }
            Some(c @ ('*' | '+' | '?' | '{' | '}' | ']')) => {
                Err(format!("unexpected `{c}` at offset {at}"))
            }
            Some(c) => Ok(Node::Char(c)),
            None => Err("unexpected end of pattern".to_owned()),
        }
    }

    /// After a `\`: a class shorthand or an escaped punctuation character.
    fn escape(&mut self) -> Result<ClassItem, String> {
        let at = self.pos;
        let item = match self.next() {
            Some('w') => ClassItem::Class(Class::Word(false)),
            Some('W') => ClassItem::Class(Class::Word(true)),
            Some('d') => ClassItem::Class(Class::Digit(false)),
            Some('D') => ClassItem::Class(Class::Digit(true)),
            Some('s') => ClassItem::Class(Class::Space(false)),
            Some('S') => ClassItem::Class(Class::Space(true)),
            Some('n') => ClassItem::Range('\n', '\n'),
            Some('t') => ClassItem::Range('\t', '\t'),
            // Escaped letters and digits have meanings (backreferences, \b, \p{..}) we do not
            // implement; punctuation escapes are literal.
            Some(c) if !c.is_ascii_alphanumeric() => ClassItem::Range(c, c),
            Some(c) => return Err(format!("unsupported escape `\\{c}` at offset {at}")),
            None => return Err("pattern ends with `\\`".to_owned()),
        };
        Ok(item)
    }

    fn bracket(&mut self) -> Result<Node, String> {
        let at = self.pos;
        let negated = self.peek() == Some('^');
        self.pos += usize::from(negated);
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let item = match self.next() {
                None => return Err(format!("unclosed `[` at offset {at}")),
                // A `]` first in the class is literal, as in every regex dialect.
                Some(']') if !first => break,
                Some('\\') => self.escape()?,
                Some(c) => ClassItem::Range(c, c),
            };
            first = false;
            let is_range_start = matches!(item, ClassItem::Range(..))
                && self.peek() == Some('-')
                && !matches!(self.chars.get(self.pos + 1), Some(']') | None);
            if let (ClassItem::Range(lo, _), true) = (&item, is_range_start) {
                let lo = *lo;
                self.pos += 1;
                let hi = match self.next() {
                    Some('\\') => match self.escape()? {
                        ClassItem::Range(hi, _) => hi,
                        ClassItem::Class(_) => {
                            return Err(format!("class shorthand ends a range at offset {at}"))
                        }
                    },
                    Some(hi) => hi,
                    None => return Err(format!("unclosed `[` at offset {at}")),
                };
                if hi < lo {
                    return Err(format!("reversed range `{lo}-{hi}` at offset {at}"));
                }
                items.push(ClassItem::Range(lo, hi));
            } else {
                items.push(item);
            }
        }
        Ok(Node::Class(Class::Set(negated, items)))
    }

    fn quantifier(&mut self) -> Result<(usize, Option<usize>), String> {
        let bounds = match self.peek() {
            Some('?') => (0, Some(1)),
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('{') => {
                let at = self.pos;
                let close = self.chars[self.pos..]
                    .iter()
                    .position(|&c| c == '}')
                    .ok_or_else(|| format!("unclosed `{{` at offset {at}"))?;
                let body: String = self.chars[self.pos + 1..self.pos + close].iter().collect();
                let number = |s: &str| {
                    s.parse::<usize>()
                        .map_err(|_| format!("bad repetition `{{{body}}}` at offset {at}"))
                };
                let bounds = match body.split_once(',') {
                    None => {
                        let n = number(&body)?;
                        (n, Some(n))
                    }
                    Some((lo, "")) => (number(lo)?, None),
                    Some((lo, hi)) => (number(lo)?, Some(number(hi)?)),
                };
                if bounds.1.is_some_and(|hi| hi < bounds.0) {
                    return Err(format!("bad repetition `{{{body}}}` at offset {at}"));
                }
                self.pos += close;
                bounds
            }
            _ => return Ok((1, Some(1))),
        };
        self.pos += 1;
        // Laziness changes which match is found, never whether one exists.
        if self.peek() == Some('?') {
            self.pos += 1;
        }
        Ok(bounds)
    }
}

/// Matches `seq` at `pos`, then hands the end position to `k` (the rest of the pattern).
fn match_seq(seq: &[Piece], input: &[char], pos: usize, k: &dyn Fn(usize) -> bool) -> bool {
    match seq.split_first() {
        None => k(pos),
        Some((piece, rest)) => match_repeat(piece, 0, rest, input, pos, k),
    }
}

/// Greedy repetition with backtracking: try one more occurrence first, then stop.
fn match_repeat(
    piece: &Piece,
    count: usize,
    rest: &[Piece],
    input: &[char],
    pos: usize,
    k: &dyn Fn(usize) -> bool,
) -> bool {
    if piece.max.is_none_or(|max| count < max) {
        // An empty occurrence past the minimum would loop forever without progress.
        let more = |next: usize| {
            (next != pos || count < piece.min)
                && match_repeat(piece, count + 1, rest, input, next, k)
        };
        if match_node(&piece.node, input, pos, &more) {
            return true;
        }
    }
    count >= piece.min && match_seq(rest, input, pos, k)
}

fn match_node(node: &Node, input: &[char], pos: usize, k: &dyn Fn(usize) -> bool) -> bool {
    match node {
        Node::Char(c) => input.get(pos) == Some(c) && k(pos + 1),
        Node::Class(class) => input.get(pos).is_some_and(|&c| class.matches(c)) && k(pos + 1),
        Node::Start => pos == 0 && k(pos),
        Node::End => pos == input.len() && k(pos),
        Node::Group(alternatives) => alternatives.iter().any(|alt| match_seq(alt, input, pos, k)),
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn matches(pattern: &str, input: &str) -> bool {
        Regex::new(pattern).unwrap().is_match(input)
    }

    #[test]
    fn partition_patterns() {
        let aws = r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$";
        assert!(matches(aws, "us-east-1"));
        assert!(matches(aws, "mx-central-12"));
        assert!(!matches(aws, "us-iso-east-1"), "\\w excludes `-`");
        assert!(!matches(aws, "cn-north-1"));
        assert!(!matches(aws, "us-east-1a"));
        assert!(!matches(aws, "xus-east-1"));
        assert!(!matches(aws, "us-east-"));
        assert!(!matches(aws, ""));
        let eusc = r"^eusc\-(de)\-\w+\-\d+$";
        assert!(matches(eusc, "eusc-de-east-1"));
        assert!(!matches(eusc, "eusc-fr-east-1"));
        let iso = r"^us\-iso\-\w+\-\d+$";
        assert!(matches(iso, "us-iso-west-1"));
        assert!(!matches(iso, "us-isob-east-1"));
    }

    #[test]
    fn backtracking_through_groups_and_quantifiers() {
        assert!(
            matches(r"^(a|ab)c$", "abc"),
            "first alternative fails, second wins"
        );
        assert!(matches(r"^\w+\d$", "abc1"), "\\w+ gives back the digit");
        assert!(matches(r"^a*a$", "aaaa"));
        assert!(matches(r"^(ab)+$", "ababab"));
        assert!(!matches(r"^(ab)+$", "ababa"));
        assert!(matches(r"^(a?)+b$", "b"), "empty iterations terminate");
        assert!(matches(r"^x(?:y|z)?$", "x"));
        assert!(matches(r"^a{2,3}$", "aaa"));
        assert!(!matches(r"^a{2,3}$", "aaaa"));
        assert!(matches(r"^a{2}$", "aa"));
        assert!(matches(r"^a{2,}?$", "aaaaa"));
        assert!(matches(r"^[a-c\d_]+$", "ab9_c"));
        assert!(!matches(r"^[^a-c]$", "b"));
        assert!(matches(r"^[-a]$", "-"));
        assert!(matches(r"^[]]$", "]"));
        assert!(matches(r"^.\.\s$", "x. "));
        assert!(matches(r"\d", "abc5def"), "unanchored patterns search");
        assert!(!matches(r"^\D$", "5"));
    }

    #[test]
    fn unsupported_syntax_is_rejected() {
        for pattern in [
            r"(a", r"a)", r"[a", r"\1", r"\p{L}", r"(?=a)", r"*a", r"a{2", r"a{x}", r"a{3,2}",
            r"[z-a]", r"^*", r"\",
        ] {
            assert!(Regex::new(pattern).is_err(), "{pattern} should be rejected");
        }
    }
}
