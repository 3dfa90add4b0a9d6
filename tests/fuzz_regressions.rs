//! Every input that once made a fuzz target fail (fuzz/regressions/TARGET/)
//! is replayed through the same function the fuzzer calls, so a fixed
//! crash stays fixed. New ones: copy the file from fuzz/artifacts/TARGET/.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/regressions/TARGET exists") {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|f| f == ".gitkeep") {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{} fails again", path.display());
        n += 1;
    }
    assert!(n > 0, "no inputs in {}", dir.display());
}

#[test]
fn rules() {
    replay("rules", posdoctor::fuzz::rules);
}

#[test]
fn answers() {
    replay("answers", posdoctor::fuzz::answers);
}

#[test]
fn session_log() {
    replay("session_log", posdoctor::fuzz::session_log);
}

#[test]
fn mask() {
    replay("mask", posdoctor::fuzz::mask);
}

#[test]
fn engine() {
    replay("engine", posdoctor::fuzz::engine);
}
