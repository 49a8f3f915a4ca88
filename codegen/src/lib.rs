//! Smithy to Rust generator.
