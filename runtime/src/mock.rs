//! Typed mocks: answer operations with Rust values instead of wire JSON, for users' unit
//! tests.
//!
//! A [`Mocks`] set in the configuration ([`crate::config::ClientConfigBuilder::mocks`]) answers
//! every operation of the client: nothing is serialized, signed or sent. Each call takes the
//! first rule, in the order they were added, that answers its operation (and whose input
//! predicate, if any, accepts the input); a rule made from a value answers once, one made
//! from a function answers every matching call. A call no rule answers fails with a transport
//! error naming the operation.
//!
//! Rules are keyed by type: an operation's output type (`ListChannelsOutput`), its error type
//! (`GetChannelError`) or its input type (`GetChannelInput`) each name exactly one operation.
//!
//! ```text
//! // In the generated crate's terms (see the crate's `examples/typed_mocks.rs`):
//! let mocks = ivs::Mocks::new()
//!     .output(ListChannelsOutput::builder().channels(summary).build())
//!     .error(GetChannelError::ResourceNotFoundException(not_found));
//! let client = ivs::Client::new(ivs::Config::builder().mocks(mocks.clone()).build());
//! ```

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::{Arc, Mutex};

use crate::error::{ErrorKind, Failure};

type Answer = Box<dyn Any + Send>;
type Predicate = Box<dyn Fn(&dyn Any) -> bool + Send>;
type Responder = Box<dyn FnMut(&dyn Any) -> Option<Answer> + Send>;

enum Response {
    /// An output, given once.
    Output(Option<Answer>),
    /// An operation error, given once.
    Error(Option<Answer>),
    /// A function of the input giving `Result<Output, Error>`, every time.
    Function(Responder),
}

struct Rule {
    /// The type that names the operation (its output, error or input type).
    key: TypeId,
    /// That type's name, for messages.
    key_name: &'static str,
    predicate: Option<Predicate>,
    response: Response,
}

impl Rule {
    fn used_up(&self) -> bool {
        matches!(
            self.response,
            Response::Output(None) | Response::Error(None)
        )
    }
}

/// An operation's output or error type, which a mock rule may answer with. Generated crates
/// implement it for each; a value of another type (a `Result` from a fallible `build()`, say)
/// does not compile instead of never matching.
pub trait MockAnswer: Any + Send {}

/// A set of typed answers shared by a test and the client it configures (clones share
/// the rules). See the [module docs](self).
#[derive(Clone, Default)]
pub struct Mocks {
    inner: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    calls: Vec<&'static str>,
}

impl fmt::Debug for Mocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let rules: Vec<&str> = state.rules.iter().map(|r| r.key_name).collect();
        f.debug_struct("Mocks")
            .field("rules", &rules)
            .field("calls", &state.calls)
            .finish()
    }
}

impl Mocks {
    /// No rules: every call fails until rules are added.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next call of the operation whose output type is `O` succeeds with `output`.
    pub fn output<O: MockAnswer>(self, output: O) -> Self {
        self.push(Rule {
            key: TypeId::of::<O>(),
            key_name: std::any::type_name::<O>(),
            predicate: None,
            response: Response::Output(Some(Box::new(output))),
        })
    }

    /// The next call of the operation whose error type is `E` fails with `error`.
    pub fn error<E: MockAnswer>(self, error: E) -> Self {
        self.push(Rule {
            key: TypeId::of::<E>(),
            key_name: std::any::type_name::<E>(),
            predicate: None,
            response: Response::Error(Some(Box::new(error))),
        })
    }

    /// Every call of the operation whose input type is `I` (that no earlier rule answers) is
    /// answered by `answer`, from its input.
    pub fn answer<I, O, E>(
        self,
        mut answer: impl FnMut(&I) -> Result<O, E> + Send + 'static,
    ) -> Self
    where
        I: Any,
        O: MockAnswer,
        E: MockAnswer,
    {
        self.push(Rule {
            key: TypeId::of::<I>(),
            key_name: std::any::type_name::<I>(),
            predicate: None,
            response: Response::Function(Box::new(move |input: &dyn Any| {
                input
                    .downcast_ref::<I>()
                    .map(|input| Box::new(answer(input)) as Answer)
            })),
        })
    }

    /// Restricts the rule added last to calls whose input `predicate` accepts (an input of
    /// another type than `I` is never accepted).
    pub fn matching<I: Any>(self, predicate: impl Fn(&I) -> bool + Send + 'static) -> Self {
        if let Some(rule) = self.lock().rules.last_mut() {
            rule.predicate = Some(Box::new(move |input: &dyn Any| {
                input.downcast_ref::<I>().is_some_and(&predicate)
            }));
        }
        self
    }

    /// The operations called so far, oldest first (`ListChannels`, `GetChannel`, ...).
    pub fn calls(&self) -> Vec<&'static str> {
        self.lock().calls.clone()
    }

    /// How many rules that answer once have not answered yet.
    pub fn remaining(&self) -> usize {
        self.lock()
            .rules
            .iter()
            .filter(|r| !matches!(r.response, Response::Function(_)) && !r.used_up())
            .count()
    }

    fn push(self, rule: Rule) -> Self {
        self.lock().rules.push(rule);
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A test that panicked while holding the lock leaves plain data behind.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The answer to a call of `operation` with `input`; generated operation code calls this
    /// instead of sending when mocks are configured. `Err` when no rule answers.
    pub fn respond<I: Any, O: Any, E: Any>(
        &self,
        operation: &'static str,
        input: &I,
    ) -> Result<Result<O, E>, Failure> {
        let keys = [TypeId::of::<O>(), TypeId::of::<E>(), TypeId::of::<I>()];
        let mut state = self.lock();
        state.calls.push(operation);
        for rule in state.rules.iter_mut() {
            if !keys.contains(&rule.key) || rule.used_up() {
                continue;
            }
            if let Some(predicate) = &rule.predicate {
                if !predicate(input) {
                    continue;
                }
            }
            let answer = match &mut rule.response {
                Response::Output(value) => value
                    .take()
                    .and_then(|v| v.downcast::<O>().ok())
                    .map(|o| Ok(*o)),
                Response::Error(value) => value
                    .take()
                    .and_then(|v| v.downcast::<E>().ok())
                    .map(|e| Err(*e)),
                Response::Function(f) => {
                    f(input).and_then(|v| v.downcast::<Result<O, E>>().ok().map(|r| *r))
                }
            };
            if let Some(answer) = answer {
                return Ok(answer);
            }
        }
        let unused: Vec<&str> = state
            .rules
            .iter()
            .filter(|r| !r.used_up())
            .map(|r| r.key_name)
            .collect();
        Err(Failure::new(
            ErrorKind::Transport,
            format!(
                "no mocked answer left for {operation} (add one with Mocks::output, \
                 Mocks::error or Mocks::answer; rules left: {unused:?})"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct In(u32);
    #[derive(Debug, PartialEq)]
    struct Out(u32);
    #[derive(Debug, PartialEq)]
    struct Err1;
    #[derive(Debug, PartialEq)]
    struct OtherOut;
    impl MockAnswer for Out {}
    impl MockAnswer for Err1 {}
    impl MockAnswer for OtherOut {}

    fn call(m: &Mocks, n: u32) -> Result<Result<Out, Err1>, Failure> {
        m.respond::<In, Out, Err1>("Op", &In(n))
    }

    #[test]
    fn rules_answer_in_order_once_then_functions_every_time() {
        let m = Mocks::new()
            .output(OtherOut)
            .output(Out(1))
            .error(Err1)
            .answer(|i: &In| Ok::<_, Err1>(Out(i.0 * 10)));
        assert_eq!(m.remaining(), 3);
        assert_eq!(call(&m, 0).unwrap(), Ok(Out(1)));
        assert_eq!(call(&m, 0).unwrap(), Err(Err1));
        assert_eq!(call(&m, 4).unwrap(), Ok(Out(40)));
        assert_eq!(call(&m, 5).unwrap(), Ok(Out(50)));
        // The rule for another operation is still there.
        assert_eq!(m.remaining(), 1);
        assert_eq!(m.calls(), ["Op"; 4]);
    }

    #[test]
    fn predicates_filter_and_a_miss_names_the_operation() {
        let m = Mocks::new().output(Out(7)).matching(|i: &In| i.0 == 2);
        let miss = call(&m, 1).unwrap_err();
        assert_eq!(miss.kind(), ErrorKind::Transport);
        assert!(
            miss.to_string().contains("no mocked answer left for Op"),
            "{miss}"
        );
        assert_eq!(call(&m, 2).unwrap(), Ok(Out(7)));
        assert!(call(&m, 2).is_err());
    }
}
