//! Property tests of the solver on random graphs, against the brute force in `tests/common`:
//! every returned path follows edges, the target is never deprecated, the cost is optimal (and the
//! route is the documented tie-break choice), planning is deterministic and independent of entry
//! order, and versions keep their source text. Start and target names resolve alike (`V-B` with no
//! node `V-B` plans as `V`, `V-B.el7` as `V-B`), a build that is not a number is refused, target
//! suggestions are never deprecated, and `no_route` never lists the target as reaching itself.

mod common;

use common::{Cond, Model, Obj};
use proptest::prelude::*;
use upgrade_planner::{DepGraph, Objective, PlanError, PlanRequest, Target};

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
    fn from_and_to_resolve_alike((m, _) in model()) {
        let yaml = m.to_yaml(&(0..m.versions.len()).collect::<Vec<_>>());
        let graph = DepGraph::from_yaml_str(&yaml).unwrap();
        let nodes = present(&m);
        // `V-B` (B a build no node has, optionally `.el7`) plans as `V`; `V-B.el7` as `V-B`.
        let spellings = |v: &str| -> Vec<String> {
            if v.contains('-') {
                vec![format!("{v}.el7"), format!("{v}.el8_9")]
            } else {
                vec![format!("{v}-999999"), format!("{v}-999999.el7")]
            }
        };
        for &from in &nodes {
            for &to in &nodes {
                let (f, t) = (&m.versions[from], &m.versions[to]);
                let want = graph.plan(&PlanRequest::new(f.clone(), Target::Version(t.clone())));
                for alt in spellings(t) {
                    let got = graph.plan(&PlanRequest::new(f.clone(), Target::Version(alt.clone())));
                    prop_assert_eq!(&got, &want, "--to {}\n{}", alt, yaml);
                }
                for alt in spellings(f) {
                    let got = graph.plan(&PlanRequest::new(alt.clone(), Target::Version(t.clone())));
                    prop_assert_eq!(&got, &want, "--from {}\n{}", alt, yaml);
                }
                // A build that is not a number is refused, and the version it names comes first.
                let bad = format!("{}-x1", t.split('-').next().unwrap());
                match graph.plan(&PlanRequest::new(f.clone(), Target::Version(bad.clone()))) {
                    Err(PlanError::UnknownTarget { nearest, .. }) => {
                        let base = t.split('-').next().unwrap();
                        let base_ok = m.versions.iter().position(|v| v == base)
                            .is_some_and(|i| nodes.contains(&i) && !m.deprecated[i]);
                        if base_ok {
                            prop_assert_eq!(nearest.first().map(String::as_str), Some(base));
                        }
                    }
                    other => prop_assert!(false, "--to {} gave {:?}\n{}", bad, other, yaml),
                }
                if let Err(PlanError::NoRoute { can_reach_target, to: target, .. }) = &want {
                    prop_assert!(!can_reach_target.contains(target), "{:?}\n{}", want, yaml);
                }
            }
        }
        // Target suggestions never name a deprecated version.
        for unknown in ["0.5", "1.1", "1.5", "2.0-7", "2.0.1", "5.0", "99.0"] {
            if let Some(&from) = nodes.first()
                && let Err(PlanError::UnknownTarget { nearest, .. }) = graph.plan(&PlanRequest::new(
                    m.versions[from].clone(),
                    Target::Version(unknown.into()),
                ))
            {
                for n in &nearest {
                    let i = m.versions.iter().position(|v| v == n).unwrap();
                    prop_assert!(!m.deprecated[i], "{} suggested for {}\n{}", n, unknown, yaml);
                }
            }
        }
    }

    #[test]
    fn loading_never_panics(src in "[-:\\[\\]{}, a-z0-9.\\n]{0,200}") {
        let _ = DepGraph::from_yaml_str(&src);
    }
}
