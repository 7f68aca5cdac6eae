//! The graphs and queries `cargo bench --bench plan` times, shared with the test that checks each
//! benchmarked query answers what its name says (`tests/planner_scale.rs`): a route, or for the
//! `no_route` query that refusal and no other.
#![allow(dead_code)]

use upgrade_planner::synth::{SynthSpec, generate, version_name};
use upgrade_planner::{DepGraph, Target};

/// One benchmarked graph with its queries.
pub struct Case {
    /// Short name used in benchmark ids.
    pub name: String,
    /// The YAML text (for the load benchmark).
    pub src: String,
    /// The loaded graph.
    pub graph: DepGraph,
    /// How many versions the loaded graph has (generated: the spec's count).
    pub versions: usize,
    /// The start of every query.
    pub from: String,
    /// Queries that must plan a route: (label, target).
    pub routes: Vec<(&'static str, Target)>,
    /// A query that must be refused with `no_route`: (start, target).
    pub no_route: Option<(String, Target)>,
}

fn generated(name: &str, spec: SynthSpec, no_route: bool) -> Case {
    let src = generate(&spec);
    let graph = DepGraph::from_yaml_str(&src).expect("generated graphs are valid");
    let n = spec.versions;
    let plain = |i: usize| !version_name(i, &spec).contains('-');
    let middle = (n / 2..n).find(|&i| plain(i)).unwrap_or(0);
    let last_plain = (0..n).rev().find(|&i| plain(i)).unwrap_or(0);
    Case {
        name: name.to_string(),
        src,
        graph,
        versions: n,
        from: version_name(0, &spec),
        routes: vec![
            ("latest", Target::Latest),
            ("middle", Target::Version(version_name(middle, &spec))),
            ("1 hop", Target::Version(version_name(1, &spec))),
        ],
        // Newest to oldest: a downgrade, which no forward-only graph can route.
        no_route: no_route.then(|| {
            (
                version_name(last_plain, &spec),
                Target::Version(version_name(0, &spec)),
            )
        }),
    }
}

fn real(file: &str, versions: usize, one_hop: &str, newest: &str) -> Case {
    let src = std::fs::read_to_string(file).expect("data file");
    let graph = DepGraph::from_yaml_str(&src).expect("valid");
    Case {
        name: file.trim_start_matches("data/").to_string(),
        src,
        graph,
        versions,
        from: "4.0.0.0".into(),
        routes: vec![
            ("latest", Target::Latest),
            ("middle", Target::Version("4.2.0.0".into())),
            ("1 hop", Target::Version(one_hop.into())),
        ],
        no_route: Some((newest.into(), Target::Version("4.0.0.0".into()))),
    }
}

/// (a) 10,000 versions / 30,000 edges with barriers and deprecated builds; (b) 2,500 versions,
/// ~90% of them with `when_come_from`/`when_upgraded_to`; dense cycles, 2,000 versions with
/// out-degree up to 7 and conditions on most versions; (c) the real files in `data/`.
pub fn cases() -> Vec<Case> {
    vec![
        generated("generated 10k", SynthSpec::new(10_000), true),
        generated("conditioned 2.5k", SynthSpec::conditioned(2_500), true),
        generated("cyclic 2k", SynthSpec::cyclic(2_000), false),
        real(
            "data/seed-oceanbase-ce-4.2.1.1.yml",
            11,
            "4.1.0.0",
            "4.3.0.0",
        ),
        real("data/oceanbase-master.yml", 12, "4.1.0.0", "4.3.0.0"),
    ]
}
