//! Waiters: one `{Name}Waiter` per `smithy.waiters#waitable` of an operation, in the
//! operation's module, and its `wait_until_<name>()` on the client.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::shapes::setters;
use super::{docs_or, ident};
use crate::ir::{
    AcceptorState, Ir, Leaf, MatcherIr, OperationIr, PathExpr, Step, StructIr, WaiterIr,
};

/// `Option<&T>` of the member at the end of `steps`, from `root` (a reference).
fn walk(steps: &[Step], root: TokenStream) -> TokenStream {
    let mut e = quote! { ::std::option::Option::Some(#root) };
    for s in steps {
        let f = ident(&s.rust_name);
        e = match (s.optional, s.boxed) {
            (true, true) => quote! { #e.and_then(|v| v.#f.as_deref()) },
            (true, false) => quote! { #e.and_then(|v| v.#f.as_ref()) },
            (false, true) => quote! { #e.map(|v| &*v.#f) },
            (false, false) => quote! { #e.map(|v| &v.#f) },
        };
    }
    e
}

/// An expression over `output`: `Option<&str>` for a string path, `Option<bool>` for a
/// boolean one or a comparison (JMESPath's null is `None`; `null != 'x'` is true).
fn expr(e: &PathExpr) -> TokenStream {
    match e {
        PathExpr::Path(steps, Leaf::Str) => {
            let w = walk(steps, quote! { output });
            quote! { #w.map(|v| v.as_str()) }
        }
        PathExpr::Path(steps, Leaf::Bool) => {
            let w = walk(steps, quote! { output });
            quote! { #w.copied() }
        }
        PathExpr::Compare { path, eq, literal } => {
            let w = walk(path, quote! { output });
            let cmp = if *eq {
                quote! { == }
            } else {
                quote! { != }
            };
            quote! { ::std::option::Option::Some(#w.map(|v| v.as_str()) #cmp ::std::option::Option::Some(#literal)) }
        }
        PathExpr::And(a, b) => {
            let (a, b) = (expr(a), expr(b));
            quote! { ::std::option::Option::Some(#a == ::std::option::Option::Some(true) && #b == ::std::option::Option::Some(true)) }
        }
        PathExpr::Or(a, b) => {
            let (a, b) = (expr(a), expr(b));
            quote! { ::std::option::Option::Some(#a == ::std::option::Option::Some(true) || #b == ::std::option::Option::Some(true)) }
        }
    }
}

/// Whether `result` matches the matcher.
fn condition(m: &MatcherIr) -> TokenStream {
    match m {
        MatcherIr::Success(true) => quote! { result.is_ok() },
        MatcherIr::Success(false) => quote! { result.is_err() },
        MatcherIr::ErrorType(code) => {
            quote! { ::std::matches!(result, ::std::result::Result::Err(e) if e.code() == ::std::option::Option::Some(#code)) }
        }
        MatcherIr::StringEquals(path, want) => {
            let e = expr(path);
            quote! { ::std::matches!(result, ::std::result::Result::Ok(output) if #e == ::std::option::Option::Some(#want)) }
        }
        MatcherIr::BooleanEquals(path, want) => {
            let e = expr(path);
            quote! { ::std::matches!(result, ::std::result::Result::Ok(output) if #e == ::std::option::Option::Some(#want)) }
        }
    }
}

/// The waiters of `op`, for its module.
pub(crate) fn waiters(ir: &Ir, op: &OperationIr, input: &StructIr) -> TokenStream {
    let items = ir.waiters.iter().filter(|w| w.operation == op.id).map(|w| {
        let waiter = waiter(ir, op, input, w);
        let tests = waiter_tests(ir, input, w);
        quote! { #waiter #tests }
    });
    quote! { #(#items)* }
}

fn waiter(ir: &Ir, op: &OperationIr, input: &StructIr, w: &WaiterIr) -> TokenStream {
    let name = format_ident!("{}Waiter", w.name);
    let fluent = format_ident!("{}FluentBuilder", op.name);
    let in_builder = format_ident!("{}Builder", input.rust_name);
    let out_name = ident(&ir.structures[&op.output].rust_name);
    let err_name = format_ident!("{}Error", op.name);
    let doc = docs_or(
        &w.docs,
        &format!("Waits for `{}` by polling `{}`.", w.name, op.name),
    );
    let summary = format!(
        " Polls `{}` (first at once, then every {} to {} seconds, jittered) until an acceptor of the model says success or failure, or the maximum wait elapses.",
        op.name, w.min_delay, w.max_delay
    );
    let setters = input
        .members
        .iter()
        .map(|m| setters(ir, m, quote! { self.inner }));
    let (min, max) = (w.min_delay, w.max_delay);
    let checks = w.acceptors.iter().map(|a| {
        let cond = condition(&a.matcher);
        let state = match a.state {
            AcceptorState::Success => quote! { Success },
            AcceptorState::Failure => quote! { Failure },
            AcceptorState::Retry => quote! { Retry },
        };
        quote! {
            if #cond {
                return ::std::option::Option::Some(::aws_lite_runtime::waiter::Acceptor::#state);
            }
        }
    });
    let dep = if w.deprecated {
        quote! { #[deprecated(note = "the model deprecates this waiter")] }
    } else {
        quote! {}
    };
    quote! {
        #doc
        #[doc = ""]
        #[doc = #summary]
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
        pub struct #name {
            handle: ::aws_lite_runtime::orchestrator::Handle,
            inner: #in_builder,
            min_delay: ::std::time::Duration,
            max_delay: ::std::time::Duration,
        }
        impl #name {
            pub(crate) fn new(handle: ::aws_lite_runtime::orchestrator::Handle) -> Self {
                Self {
                    handle,
                    inner: ::std::default::Default::default(),
                    min_delay: ::std::time::Duration::from_secs(#min),
                    max_delay: ::std::time::Duration::from_secs(#max),
                }
            }
            /// The shortest delay between polls (the model's, by default).
            pub fn min_delay(mut self, delay: ::std::time::Duration) -> Self {
                self.min_delay = delay;
                self
            }
            /// The longest delay between polls (the model's, by default).
            pub fn max_delay(mut self, delay: ::std::time::Duration) -> Self {
                self.max_delay = delay;
                self
            }
            /// Polls until the model's acceptors say success or failure, or `max_wait`
            /// elapses. Success gives the last poll's result: its output, or the error a
            /// success acceptor expects (a resource that is gone, as waited for). An
            /// operation error that no acceptor expects ends the wait with that error.
            #dep
            pub async fn wait(
                self,
                max_wait: ::std::time::Duration,
            ) -> ::std::result::Result<::std::result::Result<#out_name, #err_name>, ::aws_lite_runtime::waiter::WaiterError<#err_name>> {
                let config = ::aws_lite_runtime::waiter::WaiterConfig {
                    min_delay: self.min_delay,
                    max_delay: self.max_delay,
                    max_wait,
                };
                let handle = self.handle;
                let inner = self.inner;
                ::aws_lite_runtime::waiter::wait(
                    config,
                    || #fluent { handle: handle.clone(), inner: inner.clone() }.send(),
                    |result: &::std::result::Result<#out_name, #err_name>| {
                        #(#checks)*
                        ::std::option::Option::None
                    },
                )
                .await
            }
            #(#setters)*
        }
    }
}

/// A response a waiter test replays: a JSON body of a success, or an error code.
#[derive(Debug, Clone)]
enum Candidate {
    Output(serde_json::Value),
    Error(String),
}

/// The JSON body holding `value` at the end of `steps`.
fn body_with(steps: &[Step], value: serde_json::Value) -> serde_json::Value {
    steps.iter().rev().fold(value, |inner, s| {
        if s.payload {
            inner
        } else {
            serde_json::json!({ s.json_name.clone(): inner })
        }
    })
}

/// The value at the end of `steps` in `body` (JMESPath: null when absent).
fn value_at<'a>(steps: &[Step], body: &'a serde_json::Value) -> Option<&'a serde_json::Value> {
    let mut v = body;
    for s in steps {
        if !s.payload {
            v = v.get(&s.json_name)?;
        }
    }
    Some(v).filter(|v| !v.is_null())
}

/// The generator's own evaluation of a path on a JSON body, to compute what each test
/// expects independently of the generated code: `Some(string)` or `Some(bool)` as JSON.
fn evaluate(e: &PathExpr, body: &serde_json::Value) -> Option<serde_json::Value> {
    match e {
        PathExpr::Path(steps, _) => value_at(steps, body).cloned(),
        PathExpr::Compare { path, eq, literal } => {
            let v = value_at(path, body).and_then(|v| v.as_str());
            Some(serde_json::Value::Bool(
                (v == Some(literal.as_str())) == *eq,
            ))
        }
        PathExpr::And(a, b) => Some(serde_json::Value::Bool(
            evaluate(a, body) == Some(serde_json::Value::Bool(true))
                && evaluate(b, body) == Some(serde_json::Value::Bool(true)),
        )),
        PathExpr::Or(a, b) => Some(serde_json::Value::Bool(
            evaluate(a, body) == Some(serde_json::Value::Bool(true))
                || evaluate(b, body) == Some(serde_json::Value::Bool(true)),
        )),
    }
}

/// The state of the first acceptor matching `c`, as the specification defines it.
fn first_match(w: &WaiterIr, c: &Candidate) -> Option<AcceptorState> {
    w.acceptors.iter().find_map(|a| {
        let hit = match (&a.matcher, c) {
            (MatcherIr::Success(b), Candidate::Output(_)) => *b,
            (MatcherIr::Success(b), Candidate::Error(_)) => !*b,
            (MatcherIr::ErrorType(code), Candidate::Error(got)) => code == got,
            (MatcherIr::StringEquals(e, want), Candidate::Output(body)) => {
                evaluate(e, body) == Some(serde_json::Value::String(want.clone()))
            }
            (MatcherIr::BooleanEquals(e, want), Candidate::Output(body)) => {
                evaluate(e, body) == Some(serde_json::Value::Bool(*want))
            }
            _ => false,
        };
        hit.then_some(a.state)
    })
}

/// A response per acceptor that a replayed response can show: the string an output path
/// must equal, the error code, any success or any error.
fn candidates(w: &WaiterIr) -> Vec<Candidate> {
    let mut out = Vec::new();
    for a in &w.acceptors {
        match &a.matcher {
            MatcherIr::StringEquals(PathExpr::Path(steps, _), want) => out.push(Candidate::Output(
                body_with(steps, serde_json::Value::String(want.clone())),
            )),
            MatcherIr::StringEquals(..) | MatcherIr::BooleanEquals(..) => {}
            MatcherIr::ErrorType(code) => out.push(Candidate::Error(code.clone())),
            MatcherIr::Success(true) => out.push(Candidate::Output(serde_json::json!({}))),
            MatcherIr::Success(false) => out.push(Candidate::Error("UnmodeledError".into())),
        }
        // The compared paths of boolean matchers: each literal, as a body.
        if let MatcherIr::BooleanEquals(e, _) = &a.matcher {
            let mut stack = vec![e];
            while let Some(e) = stack.pop() {
                match e {
                    PathExpr::Compare { path, literal, .. } => out.push(Candidate::Output(
                        body_with(path, serde_json::Value::String(literal.clone())),
                    )),
                    PathExpr::And(a, b) | PathExpr::Or(a, b) => {
                        stack.push(a);
                        stack.push(b);
                    }
                    PathExpr::Path(..) => {}
                }
            }
        }
    }
    out
}

/// Statements pushing `c` onto `replay`.
fn push(c: &Candidate) -> TokenStream {
    match c {
        Candidate::Output(body) => {
            let body = body.to_string();
            quote! { replay.push_json(200, #body); }
        }
        Candidate::Error(code) => quote! {
            replay.push(::aws_lite_runtime::http::Replay::Response(
                ::aws_lite_runtime::protocol_test::response(400u16, &[("x-amzn-errortype", #code)], b"{}"),
            ));
        },
    }
}

/// Tests of the waiter `w` on replayed responses: for each response an acceptor describes,
/// the outcome the specification gives (computed here, from the model) is what `wait` does.
pub(crate) fn waiter_tests(ir: &Ir, input: &StructIr, w: &WaiterIr) -> TokenStream {
    let method = ident(&w.method);
    let module = format_ident!("{}_tests", crate::names::snake(&w.name));
    // Required members get a value so the request is sent.
    let required = input
        .members
        .iter()
        .filter(|m| m.required && m.default.is_none())
        .map(|m| {
            let f = ident(&m.rust_name);
            let v = match m.ty {
                crate::ir::Ty::String => quote! { ::std::string::String::from("x") },
                ref ty => super::values::zero(ir, ty),
            };
            quote! { waiter.inner.#f = ::std::option::Option::Some(#v); }
        })
        .collect::<Vec<_>>();
    let cands = candidates(w);
    let success = cands
        .iter()
        .find(|c| first_match(w, c) == Some(AcceptorState::Success))
        .cloned();
    let mut tests = Vec::new();
    for (i, c) in cands.iter().enumerate() {
        let state = first_match(w, c);
        // Success gives the last poll's result: an output, or the error a success acceptor
        // expects.
        let succeeded = |last: &Candidate| match last {
            Candidate::Output(_) => quote! {
                ::std::assert!(::std::matches!(result, ::std::result::Result::Ok(::std::result::Result::Ok(_))), "{result:?}");
            },
            Candidate::Error(_) => quote! {
                ::std::assert!(::std::matches!(result, ::std::result::Result::Ok(::std::result::Result::Err(_))), "{result:?}");
            },
        };
        let (pushes, polls, check) = match (state, c) {
            (Some(AcceptorState::Success), _) => (vec![push(c)], 1usize, succeeded(c)),
            (Some(AcceptorState::Failure), _) => (
                vec![push(c)],
                1,
                quote! { ::std::assert!(::std::matches!(result, ::std::result::Result::Err(::aws_lite_runtime::waiter::WaiterError::FailureState(_))), "{result:?}"); },
            ),
            (Some(AcceptorState::Retry), _) | (None, Candidate::Output(_)) => match &success {
                Some(s) => (vec![push(c), push(s)], 2, succeeded(s)),
                None => continue,
            },
            (None, Candidate::Error(_)) => (
                vec![push(c)],
                1,
                quote! { ::std::assert!(::std::matches!(result, ::std::result::Result::Err(::aws_lite_runtime::waiter::WaiterError::Operation(_))), "{result:?}"); },
            ),
        };
        let name = format_ident!("response_{}", i);
        let doc = format!(" Replays {c:?}: the model's acceptors give {state:?}.");
        tests.push(quote! {
            #[doc = #doc]
            #[::tokio::test]
            async fn #name() {
                let replay = ::aws_lite_runtime::http::ReplayClient::new();
                #(#pushes)*
                let config = crate::Config::builder()
                    .region("us-east-1")
                    .credentials(crate::Credentials::new("AKID", "SECRET", ::std::option::Option::None, ::std::option::Option::None, "test"))
                    .retry(crate::RetryConfig::disabled())
                    .http_client(replay.clone())
                    .build();
                let client = crate::Client::new(config);
                #[allow(unused_mut)]
                let mut waiter = client
                    .#method()
                    .min_delay(::std::time::Duration::from_millis(1))
                    .max_delay(::std::time::Duration::from_millis(2));
                #(#required)*
                let result = waiter.wait(::std::time::Duration::from_secs(10)).await;
                #check
                ::std::assert_eq!(replay.requests().len(), #polls);
            }
        });
    }
    quote! {
        /// The waiter's acceptors on replayed responses.
        #[cfg(test)]
        mod #module {
            #(#tests)*
        }
    }
}
