//! Tests of the generated `ivs` client live under `tests/`; this library is empty.
