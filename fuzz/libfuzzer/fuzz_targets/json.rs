#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ivs_fuzz::json(data));
