//! Entry points for fuzzing and corpus replay: one plain function per parser, taking arbitrary
//! bytes. Each must return normally on any input; a panic is a bug. The `fuzz/` targets call these,
//! and `tests/fuzz_corpus.rs` replays every committed corpus file through them on stable Rust.

use crate::depgraph::DepGraph;
use crate::planner::{Objective, PlanRequest, Target};
use crate::version::{Version, VersionScheme};

/// Loads bytes as an upgrade-dependency document and, when valid, plans between its first, middle
/// and last versions (and to `latest`) with both objectives, checking the plan's invariants.
pub fn deps_plan(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    // The direct loader (the common shape, straight to the graph) must build the general path's
    // graph whenever it takes an input.
    crate::depgraph::check_direct_load(src);
    let Ok(graph) = DepGraph::from_yaml_str(src) else {
        return;
    };
    let names: Vec<String> = graph
        .nodes()
        .map(|(_, n)| n.version.as_str().to_string())
        .collect();
    let picks: Vec<&String> = [names.first(), names.get(names.len() / 2), names.last()]
        .into_iter()
        .flatten()
        .collect();
    for from in &picks {
        for to in picks
            .iter()
            .map(|t| Target::Version((*t).clone()))
            .chain([Target::Latest])
        {
            for objective in [Objective::Hops, Objective::Stops] {
                let req = PlanRequest::new((*from).clone(), to.clone()).objective(objective);
                if let Ok(plan) = graph.plan(&req) {
                    assert_eq!(plan.hops + 1, plan.path.len(), "hops and path agree");
                    for pair in plan.path.windows(2) {
                        if let [a, b] = pair {
                            let (Some(a), Some(b)) = (graph.find(a), graph.find(b)) else {
                                panic!("path names a version that is not in the graph");
                            };
                            assert!(graph.successors(a).contains(&b), "path follows edges");
                        }
                    }
                    if plan.hops > 0
                        && let Some(t) = graph.find(&plan.to)
                    {
                        assert!(!graph.node(t).deprecated, "target never deprecated");
                    }
                }
            }
        }
    }
}

/// Parses bytes as a version in both schemes and checks that the source text is kept and the order
/// is reflexive.
pub fn version(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for scheme in [VersionScheme::OceanBase, VersionScheme::SemVer] {
        if let Ok(v) = Version::parse(text, scheme) {
            assert_eq!(v.as_str(), text, "source text kept");
            assert_eq!(v.cmp(&v), std::cmp::Ordering::Equal);
            let _ = (v.base(), v.build(), v.base_version());
        }
    }
}

/// Parses bytes as an RPM package's lead and headers and reads every field `inspect` reports
/// (delegates to [`crate::rpm::fuzz_header`]).
pub fn rpm_header(data: &[u8]) {
    let _ = crate::rpm::fuzz_header(data);
}

/// Treats bytes as an RPM payload: decompresses it and walks the cpio archive inside, reading every
/// entry (delegates to [`crate::rpm::fuzz_payload`]).
pub fn rpm_payload(data: &[u8]) {
    let _ = crate::rpm::fuzz_payload(data);
}

/// Parses a key file and an OpenPGP signature packet out of bytes (a u16 length, the key file,
/// the packet) and verifies the one with the other (delegates to
/// [`crate::rpm::signature::fuzz_signature`]).
pub fn rpm_signature(data: &[u8]) {
    crate::rpm::signature::fuzz_signature(data);
}

/// Parses bytes as NetApp NPM text metadata, validates and re-renders it (delegates to
/// [`crate::npm::fuzz_text`]).
pub fn npm_text(data: &[u8]) {
    crate::npm::fuzz_text(data);
}

/// Parses bytes as NetApp NPM ZAPI XML metadata, validates and re-renders it (delegates to
/// [`crate::npm::fuzz_xml`]).
pub fn npm_xml(data: &[u8]) {
    crate::npm::fuzz_xml(data);
}

/// Parses bytes as a cluster inventory (ordering a valid one) and as a maintenance-windows file
/// (delegates to [`crate::rollout::fuzz_inventory`]).
pub fn inventory(data: &[u8]) {
    crate::rollout::fuzz_inventory(data);
}

/// Parses bytes as a Redfish firmware inventory (`$expand=.`), looks members up and maps their
/// versions (delegates to [`crate::rollout::firmware::fuzz_firmware`]).
pub fn firmware(data: &[u8]) {
    crate::rollout::firmware::fuzz_firmware(data);
}

/// Lints bytes as an upgrade-dependency file and renders the findings in every format (delegates
/// to [`crate::lint::fuzz_entry`]).
pub fn lint(data: &[u8]) {
    crate::lint::fuzz_entry(data);
}

/// Differential: whenever the hand-written fast YAML reader (`yaml::fast`) reads bytes, its tree
/// must be exactly the one saphyr-parser's events give (same nodes, texts, styles and spans); and
/// whenever the direct loader (`depgraph::direct`) loads them, its graph must be the general
/// path's. Panics on any difference.
pub fn yaml_fast(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    crate::yaml::check_fast_path(src);
    crate::depgraph::check_direct_load(src);
}

/// Reads bytes as a known-risks file; when valid, binds it to a small graph and plans, lists
/// targets and exports the Cincinnati graph with it, with and without facts and acceptances; lints
/// it too (delegates to [`crate::risks::fuzz_entry`]).
pub fn risks(data: &[u8]) {
    crate::risks::fuzz_entry(data);
}

/// Whether the direct loader (`depgraph::direct`, the common shape of dependency files read
/// straight into the graph) takes `src`; when it does, its graph is checked against the general
/// path's (panics on any difference). For benchmarks that claim to measure it.
pub fn direct_load_agrees(src: &str) -> bool {
    crate::depgraph::check_direct_load(src)
}

/// A fuzz entry point: takes any bytes, returns normally, panics only on a bug.
pub type Entry = fn(&[u8]);

/// Every fuzz target by name (the `fuzz/fuzz_targets/<name>.rs` binary and the
/// `fuzz/corpus/<name>/` directory), for the corpus replay test.
pub const TARGETS: &[(&str, Entry)] = &[
    ("deps_plan", deps_plan),
    ("version", version),
    ("rpm_header", rpm_header),
    ("rpm_payload", rpm_payload),
    ("rpm_signature", rpm_signature),
    ("npm_text", npm_text),
    ("npm_xml", npm_xml),
    ("inventory", inventory),
    ("lint", lint),
    ("firmware", firmware),
    ("yaml_fast", yaml_fast),
    ("risks", risks),
];
