//! Nothing here: the benchmarks are in `benches/codec.rs` (`cargo bench`).
