#![no_main]
// The body lives in posdoctor::fuzz so that `cargo test` replays
// fuzz/regressions/mask/ through the same code.
libfuzzer_sys::fuzz_target!(|data: &[u8]| posdoctor::fuzz::mask(data));
