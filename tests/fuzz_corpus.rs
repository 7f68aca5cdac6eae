//! Replays every committed fuzz corpus file (and crash reproducer) through the same library entry
//! points the `fuzz/` targets call, so `cargo test` on stable guards against regressions.

use std::path::Path;
use upgrade_planner::fuzzing::TARGETS;

#[test]
fn replay_every_corpus_file() {
    let mut replayed = 0;
    for (name, entry) in TARGETS {
        for dir in ["corpus", "artifacts-committed"] {
            let path = Path::new("fuzz").join(dir).join(name);
            let Ok(read) = std::fs::read_dir(&path) else {
                continue;
            };
            let mut files: Vec<_> = read.map(|e| e.unwrap().path()).collect();
            files.sort();
            for file in files {
                let data = std::fs::read(&file).unwrap();
                let result = std::panic::catch_unwind(|| entry(&data));
                assert!(
                    result.is_ok(),
                    "target {name} panicked on {}",
                    file.display()
                );
                replayed += 1;
            }
        }
        assert!(
            Path::new("fuzz/corpus").join(name).is_dir(),
            "every target has a committed corpus: fuzz/corpus/{name}"
        );
    }
    assert!(replayed >= TARGETS.len(), "replayed {replayed} files");
}
