//! Examples of the generated `ivs` crate (see the `*.rs` files beside this one, run with
//! `cargo run -p ivs-examples --example NAME`), and the repository README's Rust snippets,
//! compiled as doctests by `cargo test -p ivs-examples --doc`.

/// The README, whose `rust` code blocks are doctests (`no_run`: they compile in CI; they
/// would talk to AWS if run).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
