//! Smithy JSON AST to Rust client generator.
//!
//! `model` reads the JSON AST, `ir` resolves it into what the emitters need, `emit` turns the
//! IR into token streams and `render` prints them.

pub mod model;
pub mod names;
pub mod docs;
pub mod ir;
