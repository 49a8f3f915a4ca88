//! Pass: `smithy.waiters#waitable` waiters, with their JMESPath matchers compiled against the
//! resolved output structures.
//!
//! The JMESPath subset is the one AWS models use in waiters: member paths (`cluster.status`),
//! comparisons with a raw string (`status != 'DELETING'`), `&&`, `||` and parentheses. A
//! waiter using anything else (projections, functions, `inputOutput` matchers) is left out
//! with a warning, never generated wrong.

use serde_json::Value;

use super::{docs_of, Ir, LeftOut, MemberIr, Ty};
use crate::model::{Model, ShapeId};
use crate::names;

/// A waiter of an operation.
#[derive(Debug, Clone)]
pub struct WaiterIr {
    /// The model's name (`ClusterActive`).
    pub name: String,
    /// The client method (`wait_until_cluster_active`).
    pub method: String,
    /// The operation polled.
    pub operation: ShapeId,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// `minDelay` in seconds (2 by default).
    pub min_delay: u64,
    /// `maxDelay` in seconds (120 by default).
    pub max_delay: u64,
    /// Acceptors, in order: the first that matches decides.
    pub acceptors: Vec<AcceptorIr>,
    /// `deprecated: true`.
    pub deprecated: bool,
}

/// The state an acceptor moves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptorState {
    Success,
    Failure,
    Retry,
}

/// An acceptor: a state and when it applies.
#[derive(Debug, Clone)]
pub struct AcceptorIr {
    /// The state.
    pub state: AcceptorState,
    /// When.
    pub matcher: MatcherIr,
}

/// What an acceptor matches.
#[derive(Debug, Clone)]
pub enum MatcherIr {
    /// `success: true` (any output) or `false` (any error).
    Success(bool),
    /// `errorType`: an error whose code is this name.
    ErrorType(String),
    /// `output` with `stringEquals`: the path's string (or enum) value equals `expected`.
    StringEquals(PathExpr, String),
    /// `output` with `booleanEquals`: the path's boolean value equals `expected`.
    BooleanEquals(PathExpr, bool),
}

/// One member access of a path.
#[derive(Debug, Clone)]
pub struct Step {
    /// Field name.
    pub rust_name: String,
    /// The JSON key (`@jsonName`, else the member name).
    pub json_name: String,
    /// Bound to the whole body (`@httpPayload`): no key of its own.
    pub payload: bool,
    /// Stored as `Option`.
    pub optional: bool,
    /// Stored in a `Box`.
    pub boxed: bool,
}

/// What a path's last member holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    /// A string or a string enum.
    Str,
    /// A boolean.
    Bool,
}

/// A compiled JMESPath expression over the output.
#[derive(Debug, Clone)]
pub enum PathExpr {
    /// A member path, and what it ends in.
    Path(Vec<Step>, Leaf),
    /// `path == 'literal'` (`eq`) or `path != 'literal'`.
    Compare {
        path: Vec<Step>,
        eq: bool,
        literal: String,
    },
    /// `a && b`.
    And(Box<PathExpr>, Box<PathExpr>),
    /// `a || b`.
    Or(Box<PathExpr>, Box<PathExpr>),
}

impl PathExpr {
    /// Whether the expression gives a boolean (a comparison, `&&`, `||`, or a boolean member).
    pub fn is_bool(&self) -> bool {
        !matches!(self, PathExpr::Path(_, Leaf::Str))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Dot,
    Eq,
    Ne,
    And,
    Or,
    Open,
    Close,
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        match c {
            ' ' | '\t' | '\n' => i += 1,
            '.' => {
                out.push(Token::Dot);
                i += 1;
            }
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            '\'' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '\'')
                    .ok_or("an unclosed raw string")?;
                out.push(Token::Str(chars[i + 1..i + 1 + end].iter().collect()));
                i += end + 2;
            }
            _ if two == "==" => {
                out.push(Token::Eq);
                i += 2;
            }
            _ if two == "!=" => {
                out.push(Token::Ne);
                i += 2;
            }
            _ if two == "&&" => {
                out.push(Token::And);
                i += 2;
            }
            _ if two == "||" => {
                out.push(Token::Or);
                i += 2;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let len = chars[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                    .count();
                out.push(Token::Ident(chars[i..i + len].iter().collect()));
                i += len;
            }
            other => return Err(format!("`{other}`, which the supported subset lacks")),
        }
    }
    Ok(out)
}

struct Parser<'a> {
    ir: &'a Ir,
    root: &'a ShapeId,
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn or(&mut self) -> Result<PathExpr, String> {
        let mut left = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            let right = self.and()?;
            left = PathExpr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<PathExpr, String> {
        let mut left = self.comparison()?;
        while self.peek() == Some(&Token::And) {
            self.pos += 1;
            let right = self.comparison()?;
            left = PathExpr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn comparison(&mut self) -> Result<PathExpr, String> {
        if self.peek() == Some(&Token::Open) {
            self.pos += 1;
            let inner = self.or()?;
            if self.peek() != Some(&Token::Close) {
                return Err("an unclosed parenthesis".to_owned());
            }
            self.pos += 1;
            return Ok(inner);
        }
        let (steps, leaf) = self.path()?;
        let eq = match self.peek() {
            Some(Token::Eq) => true,
            Some(Token::Ne) => false,
            _ => return Ok(PathExpr::Path(steps, leaf)),
        };
        self.pos += 1;
        let Some(Token::Str(literal)) = self.peek().cloned() else {
            return Err("a comparison with something other than a raw string".to_owned());
        };
        self.pos += 1;
        if leaf != Leaf::Str {
            return Err("a comparison of a member that is not a string".to_owned());
        }
        Ok(PathExpr::Compare {
            path: steps,
            eq,
            literal,
        })
    }

    fn path(&mut self) -> Result<(Vec<Step>, Leaf), String> {
        let mut current = self.root.clone();
        let mut steps = Vec::new();
        loop {
            let Some(Token::Ident(name)) = self.peek().cloned() else {
                return Err("an expression that is not a member path".to_owned());
            };
            self.pos += 1;
            let s = self
                .ir
                .structures
                .get(&current)
                .ok_or_else(|| format!("`{name}` of {current}, which is not a structure"))?;
            let m: &MemberIr = s
                .members
                .iter()
                .find(|m| m.name == name)
                .ok_or_else(|| format!("`{name}`, which {current} has no member named"))?;
            steps.push(Step {
                rust_name: m.rust_name.clone(),
                json_name: m.json_name.clone(),
                payload: m.binding == super::HttpBinding::Payload,
                optional: m.optional,
                boxed: m.boxed,
            });
            if self.peek() == Some(&Token::Dot) {
                self.pos += 1;
                match &m.ty {
                    Ty::Struct(id) => current = id.clone(),
                    _ => return Err(format!("`{name}.`, a path through a non-structure")),
                }
                continue;
            }
            let leaf = match &m.ty {
                Ty::String | Ty::Enum(_) => Leaf::Str,
                Ty::Bool => Leaf::Bool,
                _ => {
                    return Err(format!(
                        "`{name}`, a member that is not a string or boolean"
                    ))
                }
            };
            return Ok((steps, leaf));
        }
    }
}

/// Compiles `path` against the structure `root`.
pub fn compile_path(ir: &Ir, root: &ShapeId, path: &str) -> Result<PathExpr, String> {
    let mut p = Parser {
        ir,
        root,
        tokens: tokenize(path)?,
        pos: 0,
    };
    let expr = p.or()?;
    if p.pos != p.tokens.len() {
        return Err("more than the supported subset".to_owned());
    }
    Ok(expr)
}

fn matcher(ir: &Ir, output: &ShapeId, m: &Value) -> Result<MatcherIr, String> {
    if let Some(b) = m.get("success").and_then(Value::as_bool) {
        return Ok(MatcherIr::Success(b));
    }
    if let Some(e) = m.get("errorType").and_then(Value::as_str) {
        let name = e.rsplit('#').next().unwrap_or(e);
        return Ok(MatcherIr::ErrorType(name.to_owned()));
    }
    if m.get("inputOutput").is_some() {
        return Err("an inputOutput matcher, which is not supported".to_owned());
    }
    let Some(o) = m.get("output") else {
        return Err(format!("the matcher {m}, which is not supported"));
    };
    let path = o.get("path").and_then(Value::as_str).unwrap_or_default();
    let expected = o
        .get("expected")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let expr = compile_path(ir, output, path).map_err(|e| format!("path `{path}` uses {e}"))?;
    match o.get("comparator").and_then(Value::as_str) {
        Some("stringEquals") if !expr.is_bool() => {
            Ok(MatcherIr::StringEquals(expr, expected.to_owned()))
        }
        Some("booleanEquals") if expr.is_bool() => {
            let b = match expected {
                "true" => true,
                "false" => false,
                other => return Err(format!("booleanEquals with `{other}`")),
            };
            Ok(MatcherIr::BooleanEquals(expr, b))
        }
        other => Err(format!(
            "the comparator {} on path `{path}`, which is not supported",
            other.unwrap_or("(none)")
        )),
    }
}

/// Pass: every `smithy.waiters#waitable` of the crate's operations, sorted by method name.
/// Waiters the generator cannot express exactly are returned apart, with the reason.
pub fn resolve_waiters(model: &Model, ir: &Ir) -> (Vec<WaiterIr>, Vec<LeftOut>) {
    let mut waiters = Vec::new();
    let mut left_out = Vec::new();
    for op in &ir.operations {
        let Some(Value::Object(map)) = model
            .shape(&op.id)
            .and_then(|s| s.trait_value("smithy.waiters#waitable"))
        else {
            continue;
        };
        for (name, w) in map {
            let acceptors: Result<Vec<AcceptorIr>, String> = w
                .get("acceptors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|a| {
                    let state = match a.get("state").and_then(Value::as_str) {
                        Some("success") => AcceptorState::Success,
                        Some("failure") => AcceptorState::Failure,
                        Some("retry") => AcceptorState::Retry,
                        other => return Err(format!("the acceptor state {other:?}")),
                    };
                    let m = a.get("matcher").cloned().unwrap_or(Value::Null);
                    Ok(AcceptorIr {
                        state,
                        matcher: matcher(ir, &op.output, &m)?,
                    })
                })
                .collect();
            match acceptors {
                Ok(acceptors) => {
                    let traits: crate::model::Traits = w
                        .get("documentation")
                        .map(|d| [("smithy.api#documentation".to_owned(), d.clone())].into())
                        .unwrap_or_default();
                    waiters.push(WaiterIr {
                        name: name.clone(),
                        method: format!("wait_until_{}", names::snake(name)),
                        operation: op.id.clone(),
                        docs: docs_of(&traits),
                        min_delay: w.get("minDelay").and_then(Value::as_u64).unwrap_or(2),
                        max_delay: w.get("maxDelay").and_then(Value::as_u64).unwrap_or(120),
                        acceptors,
                        deprecated: w.get("deprecated").and_then(Value::as_bool) == Some(true),
                    })
                }
                Err(reason) => left_out.push(LeftOut {
                    id: op.id.clone(),
                    name: name.clone(),
                    reason: format!("waiter `{name}` uses {reason}"),
                }),
            }
        }
    }
    waiters.sort_by(|a, b| a.method.cmp(&b.method));
    (waiters, left_out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Options;

    fn ir() -> Ir {
        let text = r#"{"smithy": "2.0", "shapes": {
            "t.s#Svc": {"type": "service", "version": "1", "operations": [{"target": "t.s#Get"}],
                "traits": {"aws.protocols#restJson1": {}}},
            "t.s#Get": {"type": "operation", "output": {"target": "t.s#Out"},
                "traits": {"smithy.api#http": {"method": "GET", "uri": "/"},
                "smithy.waiters#waitable": {
                    "Ready": {"minDelay": 5, "acceptors": [
                        {"state": "success", "matcher": {"output": {"path": "thing.status", "expected": "READY", "comparator": "stringEquals"}}},
                        {"state": "failure", "matcher": {"output": {"path": "status != 'A' && status != 'B'", "expected": "true", "comparator": "booleanEquals"}}},
                        {"state": "retry", "matcher": {"errorType": "t.s#NotFound"}}]},
                    "Odd": {"acceptors": [
                        {"state": "success", "matcher": {"output": {"path": "items[].status", "expected": "X", "comparator": "allStringEquals"}}}]}}}},
            "t.s#Out": {"type": "structure", "members": {
                "thing": {"target": "t.s#Thing"}, "status": {"target": "smithy.api#String"}}},
            "t.s#Thing": {"type": "structure", "members": {"status": {"target": "smithy.api#String"}}}
        }}"#;
        Ir::build(&Model::from_json(text).unwrap(), &Options::default()).unwrap()
    }

    #[test]
    fn waiters_compile_their_paths_or_are_left_out() {
        let ir = ir();
        assert_eq!(ir.waiters.len(), 1);
        let w = &ir.waiters[0];
        assert_eq!(w.method, "wait_until_ready");
        assert_eq!((w.min_delay, w.max_delay), (5, 120));
        assert!(
            matches!(&w.acceptors[0].matcher, MatcherIr::StringEquals(PathExpr::Path(steps, Leaf::Str), v) if steps.len() == 2 && v == "READY")
        );
        assert!(matches!(
            &w.acceptors[1].matcher,
            MatcherIr::BooleanEquals(PathExpr::And(..), true)
        ));
        assert!(matches!(&w.acceptors[2].matcher, MatcherIr::ErrorType(c) if c == "NotFound"));
        assert_eq!(ir.left_out_waiters.len(), 1);
        assert!(
            ir.left_out_waiters[0]
                .reason
                .starts_with("waiter `Odd` uses path `items[].status` uses `[`"),
            "{}",
            ir.left_out_waiters[0].reason
        );
        let out = "smithy.synthetic#GetOutput".to_owned();
        assert_eq!(
            compile_path(&ir, &out, "thing.size").unwrap_err(),
            "`size`, which t.s#Thing has no member named"
        );
    }
}
