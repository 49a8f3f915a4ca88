//! Replays every committed corpus file (`fuzz/corpus/<target>/`) through its target's entry
//! point on the stable toolchain, so a regression the fuzzers once covered fails
//! `cargo test --workspace` without nightly. Every corpus folder must name a target and every
//! target must have a non-empty corpus.

use std::path::Path;

#[test]
fn every_corpus_file_replays_without_a_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut folders: Vec<String> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|entry| entry.expect("a corpus folder entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut names: Vec<&str> = ivs_fuzz::TARGETS.iter().map(|(name, _)| *name).collect();
    names.sort_unstable();
    assert_eq!(folders, names, "corpus folders against targets");
    let mut total = 0;
    for (name, target) in ivs_fuzz::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("a corpus file entry").path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{}: empty corpus", dir.display());
        for file in &files {
            let data = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{} fails on {}", name, file.display());
        }
        println!("{name}: {} corpus files replayed", files.len());
        total += files.len();
    }
    println!("{total} corpus files, {} targets", ivs_fuzz::TARGETS.len());
}
