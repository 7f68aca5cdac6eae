//! Rules that look at one entry at a time (with the set of versions of the file at hand):
//! `self-edge`, `float-version`, `unknown-key`, `unknown-reference`, `duplicate-edge`,
//! `downgrade-edge`, `empty-condition`, `implicit-node`, `misspelled-key` (entry keys; the loader
//! reports misspelled `require_from_binary` keys itself), `barrier-without-value`. They run even
//! when the loader found errors, on whatever could be read.

use super::shown;
use crate::depgraph::{Condition, Document, KNOWN_KEYS, SourceVersion, misspelling_of};
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::version::Version;
use std::collections::{HashMap, HashSet};

/// Runs every entry rule on `doc`, appending findings to `diags`.
pub fn check(doc: &Document, diags: &mut Vec<Diagnostic>) {
    let scheme = doc.scheme;
    let parse = |sv: &SourceVersion| Version::parse(&sv.text, scheme).ok();
    let declared: HashSet<Version> = doc
        .entries
        .iter()
        .filter_map(|e| parse(&e.version))
        .collect();
    // Every node of the graph (declared or target), and the plain versions they have, for
    // condition references (a plain `4.1.0.0` names the node `4.1.0.0` and its build nodes).
    let mut nodes: HashSet<Version> = declared.clone();
    for e in &doc.entries {
        nodes.extend(e.upgrades_to.iter().filter_map(parse));
    }
    let bases: HashSet<Version> = nodes.iter().map(Version::base_version).collect();
    let mut implicit_reported: HashSet<Version> = HashSet::new();

    for entry in &doc.entries {
        float_version(&entry.version, diags);
        for (key, span) in &entry.unknown_keys {
            diags.push(match misspelling_of(key, &KNOWN_KEYS) {
                Some(meant) => misspelled_key(key, meant, *span),
                None => unknown_key(key, *span),
            });
        }
        let from = parse(&entry.version);
        let mut targets: HashMap<Version, Span> = HashMap::new();
        for t in &entry.upgrades_to {
            float_version(t, diags);
            let Some(to) = parse(t) else {
                continue;
            };
            if from.as_ref() == Some(&to) {
                diags.push(
                    Diagnostic::error(
                        "self-edge",
                        Some(t.span),
                        format!("`{}` lists itself as an upgrade target", shown(&t.text)),
                    )
                    .with_hint("remove it from its own `can_be_upgraded_to` list"),
                );
                continue;
            }
            if let Some(first) = targets.get(&to) {
                diags.push(
                    Diagnostic::warning(
                        "duplicate-edge",
                        Some(t.span),
                        format!(
                            "`{}` lists `{}` as an upgrade target twice",
                            shown(&entry.version.text),
                            shown(&t.text)
                        ),
                    )
                    .with_related(*first, "first listed here")
                    .with_hint("remove the second occurrence"),
                );
                continue;
            }
            targets.insert(to.clone(), t.span);
            if let Some(from) = &from
                && to < *from
            {
                diags.push(
                    Diagnostic::warning(
                        "downgrade-edge",
                        Some(t.span),
                        format!(
                            "`{}` upgrades to the lower version `{}`",
                            shown(&entry.version.text),
                            shown(&t.text)
                        ),
                    )
                    .with_hint("upgrades go to newer versions: check the direction of this edge"),
                );
            }
            if !declared.contains(&to) && implicit_reported.insert(to) {
                diags.push(
                    Diagnostic::new(
                        "implicit-node",
                        Severity::Note,
                        Some(t.span),
                        format!(
                            "`{}` appears only as an upgrade target and has no entry of its own",
                            shown(&t.text)
                        ),
                    )
                    .with_hint(format!(
                        "add `- version: {}` if it needs properties (deprecated, a barrier, upgrades)",
                        shown(&t.text)
                    )),
                );
            }
        }
        let Some(rfb) = &entry.require_from_binary else {
            continue;
        };
        if !rfb.value_written {
            diags.push(
                Diagnostic::error(
                    "barrier-without-value",
                    Some(rfb.span),
                    format!(
                        "`require_from_binary` of `{}` has no `value`: it is read as `value: false` (as OceanBase's tools read it), so this version is not a barrier and its condition is ignored",
                        shown(&entry.version.text)
                    ),
                )
                .with_hint("add `value: true` if the binary must be installed here, or remove `require_from_binary`"),
            );
        }
        let key = match &rfb.condition {
            Condition::Always => continue,
            Condition::ComeFrom(_) => "when_come_from",
            Condition::UpgradedTo(_) => "when_upgraded_to",
        };
        let list = rfb.condition.versions();
        if list.is_empty() {
            let span = rfb.condition_span.unwrap_or(rfb.span);
            diags.push(
                Diagnostic::warning(
                    "empty-condition",
                    Some(span),
                    format!("`{key}` is empty, which is read as no condition: the binary is always required at `{}`", shown(&entry.version.text)),
                )
                .with_hint(format!(
                    "list the versions in `{key}`, or write `require_from_binary: true` if the binary is always required"
                )),
            );
        }
        for sv in list {
            float_version(sv, diags);
            let Some(v) = parse(sv) else {
                continue;
            };
            let known = nodes.contains(&v) || (!v.is_build_specific() && bases.contains(&v));
            if !known {
                diags.push(
                    Diagnostic::warning(
                        "unknown-reference",
                        Some(sv.span),
                        format!(
                            "`{key}` of `{}` names `{}`, which is not a version of this file",
                            shown(&entry.version.text),
                            shown(&sv.text)
                        ),
                    )
                    .with_hint(
                        "fix the version or remove it: as written, this entry never matches",
                    ),
                );
            }
        }
    }
}

/// `float-version`: a plain scalar that YAML loaders type as a number.
fn float_version(sv: &SourceVersion, diags: &mut Vec<Diagnostic>) {
    if !sv.number_like {
        return;
    }
    let digits: String = sv.text.chars().filter(|&c| c != '_').collect();
    let read_as = if digits.contains('.') {
        match digits.parse::<f64>() {
            Ok(f) => format!("the float {f:?}"),
            Err(_) => "a float".to_string(),
        }
    } else {
        "an integer".to_string()
    };
    let text = shown(&sv.text);
    diags.push(
        Diagnostic::warning(
            "float-version",
            Some(sv.span),
            format!("`{text}` is not quoted: YAML loaders read it as {read_as}, not the version `{text}`"),
        )
        .with_hint(format!("quote it: '{text}'")),
    );
}

/// `misspelled-key`: an entry key one or two edits away from a known key. The planner, like
/// OceanBase's tools, ignores it, so the rule it meant to state is lost: an error.
fn misspelled_key(key: &str, meant: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        "misspelled-key",
        Some(span),
        format!(
            "`{}` is not a key of the format: did you mean `{meant}`? As written it is ignored, and the rule it states is lost",
            shown(key)
        ),
    )
    .with_hint(format!("write `{meant}`"))
}

/// `unknown-key`, with a "did you mean" when a known key is close.
fn unknown_key(key: &str, span: Span) -> Diagnostic {
    let closest = KNOWN_KEYS
        .iter()
        .map(|k| (strsim::jaro_winkler(key, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let hint = match closest {
        Some((_, k)) => format!("did you mean `{k}`?"),
        None => format!(
            "the keys are {}; remove this one or fix its spelling",
            KNOWN_KEYS.map(|k| format!("`{k}`")).join(", ")
        ),
    };
    Diagnostic::warning(
        "unknown-key",
        Some(span),
        format!("unknown key `{}`: the planner ignores it", shown(key)),
    )
    .with_hint(hint)
}

#[cfg(test)]
mod tests {
    use crate::lint::lint;

    fn found(src: &str) -> Vec<(&'static str, usize, usize)> {
        lint(src, None)
            .iter()
            .filter(|d| d.code != "implicit-node" && d.code != "dead-end")
            .map(|d| {
                let s = d.span.unwrap_or_default();
                (d.code, s.start.line, s.start.column)
            })
            .collect()
    }

    #[test]
    fn float_versions_in_every_place() {
        let src = "- version: 4.10\n  can_be_upgraded_to: ['4.20', 4.30]\n  require_from_binary: {value: true, when_come_from: [4.0]}\n- version: '4.0'\n  can_be_upgraded_to: ['4.10']\n";
        assert_eq!(
            found(src),
            [
                ("float-version", 1, 12),
                ("float-version", 2, 32),
                ("float-version", 3, 55)
            ]
        );
        let d = lint(src, None);
        assert!(d[0].message.contains("the float 4.1,"), "{}", d[0].message);
    }

    #[test]
    fn misspelled_keys_are_errors_and_other_unknown_keys_warnings() {
        let d = lint(
            "- version: '4.1'\n  can_be_upgrade_to: ['4.2']\n  colour: red\n  Deprecated: true\n  can_be_upgraded_too: []\n",
            None,
        );
        let keys: Vec<(&str, &str)> = d
            .iter()
            .filter(|d| d.code == "unknown-key" || d.code == "misspelled-key")
            .map(|d| (d.code, d.hint.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(keys[0], ("misspelled-key", "write `can_be_upgraded_to`"));
        assert_eq!(keys[1].0, "unknown-key");
        assert!(keys[1].1.starts_with("the keys are"), "{keys:?}");
        // Letter case and a doubled letter are misspellings too.
        assert_eq!(keys[2], ("misspelled-key", "write `deprecated`"));
        assert_eq!(keys[3], ("misspelled-key", "write `can_be_upgraded_to`"));
        assert_eq!(keys.len(), 4);
        for key in ["requires_from_binary", "deprecate", "versions"] {
            assert!(
                crate::depgraph::misspelling_of(key, &crate::depgraph::KNOWN_KEYS).is_some(),
                "{key}"
            );
        }
        for key in ["release_notes", "colour", "comment", "note", "ver"] {
            assert_eq!(
                crate::depgraph::misspelling_of(key, &crate::depgraph::KNOWN_KEYS),
                None,
                "{key}"
            );
        }
    }

    #[test]
    fn references_match_plain_versions_against_builds() {
        let src = "- version: 1.0.0.0-5\n  can_be_upgraded_to: [1.1.0.0]\n- version: 1.1.0.0\n  can_be_upgraded_to: [1.2.0.0]\n  require_from_binary: {value: true, when_come_from: [1.0.0.0, 1.0.0.0-6, 0.9.0.0]}\n";
        assert_eq!(
            found(src),
            [("unknown-reference", 5, 64), ("unknown-reference", 5, 75)]
        );
    }

    #[test]
    fn build_nodes_upgrading_to_their_plain_version_are_not_downgrades() {
        let src = "- version: 4.2.0.0-100\n  can_be_upgraded_to: [4.2.0.0]\n- version: 4.2.0.0\n  can_be_upgraded_to: [4.2.0.0-100]\n";
        assert_eq!(found(src), [("cycle", 4, 24), ("downgrade-edge", 4, 24)]);
    }
}
