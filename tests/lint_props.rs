//! Properties of `lint`: it never panics, and every position it reports lies inside the file; and
//! it completes on a generated 10,000-version file with every rule active.

use proptest::prelude::*;
use upgrade_planner::diagnostic::Position;
use upgrade_planner::lint::{self, FileReport};

/// Whether `p` is a position of `src`: a line that exists (line 1 for an empty file) and a column
/// at most one past the line's last character. The byte offset must agree with line and column.
fn inside(src: &str, p: Position) -> bool {
    let lines: Vec<&str> = if src.is_empty() {
        vec![""]
    } else {
        src.split_inclusive('\n')
            .map(|l| l.trim_end_matches(['\n', '\r']))
            .collect()
    };
    let Some(line) = p.line.checked_sub(1).and_then(|i| lines.get(i)) else {
        return false;
    };
    let line_start: usize = src
        .split_inclusive('\n')
        .take(p.line - 1)
        .map(str::len)
        .sum();
    let col_ok = p.column >= 1 && p.column <= line.chars().count() + 1;
    let byte = line
        .char_indices()
        .nth(p.column - 1)
        .map_or(line.len(), |(i, _)| i);
    col_ok && p.offset == line_start + byte
}

fn check(src: &str) -> Result<(), TestCaseError> {
    for d in lint::lint(src, None) {
        for span in d.span.into_iter().chain(d.related.iter().map(|r| r.span)) {
            prop_assert!(
                inside(src, span.start),
                "{d} start {:?} outside {src:?}",
                span.start
            );
            prop_assert!(
                inside(src, span.end),
                "{d} end {:?} outside {src:?}",
                span.end
            );
            prop_assert!(span.start <= span.end);
        }
    }
    lint::fuzz_entry(src.as_bytes());
    Ok(())
}

/// Documents that look like upgrade-dependency files, so that every rule gets exercised.
fn doc_like() -> impl Strategy<Value = String> {
    let version = prop::sample::select(vec![
        "1.0.0.0",
        "1.1.0.0",
        "1.1.0.0-5",
        "1.2",
        "1.10",
        "2.0.0.0",
        "'2.0.0.0'",
        "x.1",
        "\"1.0.0.0\"",
        "",
    ]);
    let list =
        prop::collection::vec(version.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", ")));
    let key_line = prop_oneof![
        list.clone()
            .prop_map(|l| format!("  can_be_upgraded_to: {l}")),
        prop::sample::select(vec!["true", "false", "maybe", "", "[1]"])
            .prop_map(|b| format!("  deprecated: {b}")),
        list.clone()
            .prop_map(|l| format!("  require_from_binary: {{value: true, when_come_from: {l}}}")),
        list.clone().prop_map(|l| format!(
            "  require_from_binary:\n    value: true\n    when_upgraded_to: {l}"
        )),
        prop::sample::select(vec!["true", "3", "{value: yes}", "[]"])
            .prop_map(|v| format!("  require_from_binary: {v}")),
        Just("  can_be_upgrade_to: [1.0.0.0]".to_string()),
        Just("  # comment ünïcode".to_string()),
    ];
    let entry = (version, prop::collection::vec(key_line, 0..4)).prop_map(|(v, keys)| {
        let mut e = format!("- version: {v}\n");
        for k in keys {
            e.push_str(&k);
            e.push('\n');
        }
        e
    });
    (
        prop::collection::vec(entry, 0..8),
        any::<bool>(),
        0usize..40,
    )
        .prop_map(|(entries, crlf, cut)| {
            let mut s = entries.concat();
            if crlf {
                s = s.replace('\n', "\r\n");
            }
            // Sometimes cut the text short, to get syntax errors at odd places.
            if cut < 5 && !s.is_empty() {
                let mut at = s.len() * cut / 5;
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                s.truncate(at);
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_never_panics_and_stays_inside(src in "\\PC{0,200}") {
        check(&src)?;
    }

    #[test]
    fn yaml_punctuation_never_panics_and_stays_inside(src in "[-:\\[\\]{},'\"#&*!|> \\n\\t0-9.a-z]{0,120}") {
        check(&src)?;
    }

    #[test]
    fn document_like_files_never_panic_and_stay_inside(src in doc_like()) {
        check(&src)?;
    }
}

/// Whether version `i` of [`generated`] is deprecated: every 7th, except next to a dead end.
fn deprecated(i: usize) -> bool {
    i % 7 == 3 && (i - 1) % 997 != 996 && (i + 1) % 997 != 996
}

/// A generated file of `n` versions `1.I.0.0`: each upgrades to the next two; every 7th is
/// deprecated (see [`deprecated`]); every 50th is a barrier whose `when_come_from` names a version 10 below (reachable),
/// 5 above (unreachable) and one that does not exist; every 100th has a deprecated build node;
/// every 1000th also upgrades back 2 versions (a cycle); every 997th upgrades to nothing (a dead end
/// unless deprecated).
fn generated(n: usize) -> String {
    let v = |i: usize| format!("'1.{i}.0.0'");
    let mut s = String::with_capacity(n * 80);
    for i in 0..n {
        s.push_str(&format!("- version: {}\n", v(i)));
        if deprecated(i) {
            s.push_str("  deprecated: true\n");
        }
        let mut targets = Vec::new();
        if i % 997 != 996 {
            targets.extend([i + 1, i + 2].into_iter().filter(|&t| t < n).map(v));
        }
        if i % 1000 == 999 {
            targets.push(v(i - 2));
        }
        if !targets.is_empty() {
            s.push_str(&format!("  can_be_upgraded_to: [{}]\n", targets.join(", ")));
        }
        if i % 50 == 49 && i + 5 < n {
            s.push_str(&format!(
                "  require_from_binary:\n    value: true\n    when_come_from: [{}, {}, '9.{i}.0.0']\n",
                v(i - 10),
                v(i + 5)
            ));
        }
        if i % 100 == 0 {
            s.push_str(&format!(
                "- version: '1.{i}.0.0-100'\n  deprecated: true\n  can_be_upgraded_to: [{}]\n",
                v(i)
            ));
        }
    }
    s
}

#[test]
fn lint_completes_on_ten_thousand_versions() {
    let src = generated(10_000);
    let started = std::time::Instant::now();
    let report = FileReport::from_source("generated.yml", src, None);
    eprintln!("lint of 10,000 versions: {:?}", started.elapsed());
    let count = |rule: &str| report.diagnostics.iter().filter(|d| d.code == rule).count();
    assert_eq!(
        count("yaml-syntax") + count("schema") + count("invalid-version"),
        0
    );
    // Every 1000th version closes a cycle of 3 with the two before it.
    assert_eq!(count("cycle"), 10);
    // 199 barriers: each names one unknown version and one it cannot be reached from.
    assert_eq!(count("unknown-reference"), 199);
    assert_eq!(count("unreachable-barrier-condition"), 199);
    // Non-deprecated versions that upgrade to nothing, except the newest: dead ends.
    let dead = (0..9_999)
        .filter(|&i| i % 997 == 996 && !deprecated(i))
        .count();
    assert_eq!(count("dead-end"), dead);
    // The build nodes of deprecated versions can only go through them.
    let only_deprecated = (0..10_000)
        .filter(|&i| i % 100 == 0 && deprecated(i))
        .count();
    assert_eq!(count("deprecated-only-route"), only_deprecated);
    assert_eq!(count("analysis-limit"), 0);
}
