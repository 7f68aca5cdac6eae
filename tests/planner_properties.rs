//! Property tests of the solver on random graphs, against the brute force in `tests/common`:
//! every returned path follows edges, the target is never deprecated, the cost is optimal (and the
//! route is the documented tie-break choice), planning is deterministic and independent of entry
//! order, and versions keep their source text.

mod common;

use common::{Cond, Model, Obj};
use proptest::prelude::*;
use upgrade_planner::{DepGraph, Objective, PlanRequest, Target};

/// Ascending in version order, with build nodes, implicit-looking forms and texts a float loader
/// would mangle (`1.10`, `3.0`).
const POOL: [&str; 10] = [
    "1.0-5", "1.0", "1.2", "1.10", "2.0-3", "2.0-12", "2.0", "2.1.0", "3.0", "10.0.0.1",
];

fn cond(n: usize) -> impl Strategy<Value = Option<Cond>> {
    let list = proptest::collection::vec(0..n, 0..3);
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(Cond::Always)),
        2 => list.clone().prop_map(|l| Some(Cond::ComeFrom(l))),
        1 => list.prop_map(|l| Some(Cond::UpgradedTo(l))),
    ]
}

fn model() -> impl Strategy<Value = (Model, Vec<usize>)> {
    (2usize..=POOL.len())
        .prop_flat_map(|n| {
            (
                proptest::sample::subsequence((0..POOL.len()).collect::<Vec<_>>(), n),
                proptest::collection::vec(any::<bool>(), n),
                proptest::collection::vec(prop::bool::weighted(0.25), n),
                proptest::collection::vec(cond(n), n),
                proptest::collection::vec((0..n, 0..n), 0..n * 3),
                Just(n),
            )
        })
        .prop_flat_map(|(picked, mut declared, deprecated, barrier, edges, n)| {
            // A file declares at least one version (an empty file is invalid).
            if let Some(first) = declared.first_mut() {
                *first = true;
            }
            let versions: Vec<String> = picked.iter().map(|&i| POOL[i].to_string()).collect();
            // An implicit (undeclared) version has no flags of its own.
            let deprecated = deprecated
                .iter()
                .zip(&declared)
                .map(|(&d, &decl)| d && decl)
                .collect();
            let barrier = barrier
                .into_iter()
                .zip(&declared)
                .map(|(b, &decl)| if decl { b } else { None })
                .collect();
            let edges = edges
                .into_iter()
                .filter(|&(a, b)| a != b && declared[a])
                .collect();
            let m = Model {
                versions,
                declared,
                deprecated,
                barrier,
                edges,
            };
            (Just(m), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        })
}

/// Versions that exist in the loaded graph: declared, or the target of an edge.
fn present(m: &Model) -> Vec<usize> {
    (0..m.versions.len())
        .filter(|&i| m.declared[i] || m.edges.iter().any(|e| e.1 == i))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn solver_matches_brute_force((m, order) in model()) {
        let yaml = m.to_yaml(&(0..m.versions.len()).collect::<Vec<_>>());
        let shuffled = m.to_yaml(&order);
        let graph = DepGraph::from_yaml_str(&yaml).unwrap();
        let graph2 = DepGraph::from_yaml_str(&shuffled).unwrap();
        let nodes = present(&m);
        for (obj, objective) in [(Obj::Hops, Objective::Hops), (Obj::Stops, Objective::Stops)] {
            for &from in &nodes {
                for to in nodes.iter().copied().map(Some).chain([None]) {
                    let target = to.map_or(Target::Latest, |t| Target::Version(m.versions[t].clone()));
                    let req = PlanRequest::new(m.versions[from].clone(), target).objective(objective);
                    let got = graph.plan(&req);
                    // Deterministic, and independent of the order of entries in the file.
                    prop_assert_eq!(&got, &graph.plan(&req));
                    prop_assert_eq!(&got, &graph2.plan(&req));
                    let want = m.brute_force(from, to, obj);
                    match (&got, &want) {
                        (Ok(plan), Ok(path)) => {
                            let names: Vec<String> = path.iter().map(|&i| m.versions[i].clone()).collect();
                            prop_assert_eq!(&plan.path, &names, "{:?}\n{}", req, yaml);
                            // Every hop is an edge; versions keep their source text.
                            for w in path.windows(2) {
                                prop_assert!(m.edges.contains(&(w[0], w[1])));
                            }
                            let idx = |v: &String| m.versions.iter().position(|x| x == v).unwrap();
                            prop_assert!(!m.deprecated[idx(&plan.to)] || plan.hops == 0);
                            let stops: Vec<String> = m.stops(path).iter().map(|&i| m.versions[i].clone()).collect();
                            prop_assert_eq!(&plan.binary_stops, &stops);
                            prop_assert_eq!(plan.hops, path.len() - 1);
                        }
                        (Err(e), Err(kind)) => prop_assert_eq!(e.kind(), *kind, "{:?}\n{}", req, yaml),
                        _ => prop_assert!(false, "got {:?}, want {:?} for {:?}\n{}", got, want, req, yaml),
                    }
                }
            }
        }
    }

    #[test]
    fn loading_never_panics(src in "[-:\\[\\]{}, a-z0-9.\\n]{0,200}") {
        let _ = DepGraph::from_yaml_str(&src);
    }
}
