//! Property tests of the solver on random graphs, against the brute force in `tests/common`:
//! every returned path follows edges, the target is never deprecated, the cost is optimal (and the
//! route is the documented tie-break choice), planning is deterministic and independent of entry
//! order, and versions keep their source text. Start and target names resolve alike (`V-B` with no
//! node `V-B` plans as `V`, `V-B.el7` as `V-B`), a build that is not a number is refused, target
//! suggestions are never deprecated, and `no_route` never lists the target as reaching itself.
//! Two graph families: sparse random graphs, and dense cycles (out-degree up to 7) with conditions
//! on most versions, where `--objective stops` needs the exact simple-path search. On both,
//! `targets` agrees with `plan` for every start, and `diff` with planning every pair.

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

/// Dense cycles with conditions on most versions (issue 14): 4 to 8 declared versions, each with
/// 1 to 7 upgrade targets in any direction (so most versions sit on several cycles), and a
/// barrier with a one- to three-entry `when_come_from` or `when_upgraded_to` on about 85% of them.
fn dense_model() -> impl Strategy<Value = (Model, Vec<usize>)> {
    (4usize..=8)
        .prop_flat_map(|n| {
            let cond = prop_oneof![
                3 => Just(None),
                2 => Just(Some(Cond::Always)),
                8 => proptest::collection::vec(0..n, 1..=3).prop_map(|l| Some(Cond::ComeFrom(l))),
                7 => proptest::collection::vec(0..n, 1..=3).prop_map(|l| Some(Cond::UpgradedTo(l))),
            ];
            (
                proptest::sample::subsequence((0..POOL.len()).collect::<Vec<_>>(), n),
                proptest::collection::vec(prop::bool::weighted(0.2), n),
                proptest::collection::vec(cond, n),
                proptest::collection::vec(proptest::collection::vec(0..n, 1..=7), n),
                Just(n),
            )
        })
        .prop_flat_map(|(picked, deprecated, barrier, targets, n)| {
            let versions: Vec<String> = picked.iter().map(|&i| POOL[i].to_string()).collect();
            let mut edges: Vec<(usize, usize)> = Vec::new();
            for (a, list) in targets.iter().enumerate() {
                for &b in list {
                    if a != b && !edges.contains(&(a, b)) {
                        edges.push((a, b));
                    }
                }
            }
            let m = Model {
                versions,
                declared: vec![true; n],
                deprecated,
                barrier,
                edges,
            };
            (Just(m), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        })
}

/// [`dense_model`] with a planted "reset" gadget on seven of its versions S, A, Y, X, B, Z, T:
/// S→A, A↔Y, A→X→B→Z→T, Y always a barrier, X a barrier when coming from S, Z when coming
/// from X. Under `--objective stops` the fastest *walk* S→A→Y→A→X→B→Z→T repeats A (passing Y
/// resets the last stop, so neither X nor Z fires), so only the exact simple-path search gives
/// the right route (S→A→X→B→Z→T, two stops); the rest of the graph is random.
fn reset_model() -> impl Strategy<Value = (Model, Vec<usize>)> {
    dense_model()
        .prop_filter("seven versions", |(m, _)| m.versions.len() >= 7)
        .prop_flat_map(|(m, order)| {
            let n = m.versions.len();
            (
                Just(m),
                Just(order),
                Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
            )
        })
        .prop_map(|(mut m, order, roles)| {
            let [s, a, y, x, b, z, t] = [0, 1, 2, 3, 4, 5, 6].map(|i| roles[i]);
            // The gadget's versions keep only the gadget's edges out of them (edges into them
            // from the rest of the graph stay), so no shortcut hides the repeated walk.
            let gadget = [(s, a), (a, y), (y, a), (a, x), (x, b), (b, z), (z, t)];
            m.edges.retain(|e| ![s, a, y, x, b, z].contains(&e.0));
            m.edges.extend(gadget);
            for v in [s, a, b] {
                m.barrier[v] = None;
            }
            m.barrier[y] = Some(Cond::Always);
            m.barrier[x] = Some(Cond::ComeFrom(vec![s]));
            m.barrier[z] = Some(Cond::ComeFrom(vec![x]));
            m.deprecated[t] = false;
            (m, order)
        })
}

/// Plans every query of a model (both objectives, every start, every target and `latest`) and
/// compares with the brute force; also checks `targets` against `plan` for every start.
fn check_against_brute_force(m: &Model, order: &[usize]) -> Result<(), TestCaseError> {
    let yaml = m.to_yaml(&(0..m.versions.len()).collect::<Vec<_>>());
    let shuffled = m.to_yaml(order);
    let graph = DepGraph::from_yaml_str(&yaml).unwrap();
    let graph2 = DepGraph::from_yaml_str(&shuffled).unwrap();
    let nodes = present(m);
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
                        let names: Vec<String> =
                            path.iter().map(|&i| m.versions[i].clone()).collect();
                        prop_assert_eq!(&plan.path, &names, "{:?}\n{}", req, yaml);
                        // Every hop is an edge; versions keep their source text.
                        for w in path.windows(2) {
                            prop_assert!(m.edges.contains(&(w[0], w[1])));
                        }
                        let idx = |v: &String| m.versions.iter().position(|x| x == v).unwrap();
                        prop_assert!(!m.deprecated[idx(&plan.to)] || plan.hops == 0);
                        let stops: Vec<String> = m
                            .stops(path)
                            .iter()
                            .map(|&i| m.versions[i].clone())
                            .collect();
                        prop_assert_eq!(&plan.binary_stops, &stops);
                        prop_assert_eq!(plan.hops, path.len() - 1);
                    }
                    (Err(e), Err(kind)) => prop_assert_eq!(e.kind(), *kind, "{:?}\n{}", req, yaml),
                    _ => prop_assert!(
                        false,
                        "got {:?}, want {:?} for {:?}\n{}",
                        got,
                        want,
                        req,
                        yaml
                    ),
                }
            }
            // `targets` lists exactly the versions `plan` routes to (not the start, not
            // deprecated), each with `plan`'s route, newest first.
            let listed = graph.targets(&m.versions[from], objective).unwrap();
            let mut expected = Vec::new();
            for &to in nodes.iter().rev() {
                if to == from || m.deprecated[to] {
                    continue;
                }
                let req = PlanRequest::new(
                    m.versions[from].clone(),
                    Target::Version(m.versions[to].clone()),
                )
                .objective(objective);
                if let Ok(plan) = graph.plan(&req) {
                    expected.push((
                        plan.to,
                        plan.path,
                        plan.binary_stops,
                        plan.deprecated_transits,
                    ));
                }
            }
            let got: Vec<_> = listed
                .targets
                .into_iter()
                .map(|t| (t.version, t.path, t.binary_stops, t.deprecated_transits))
                .collect();
            prop_assert_eq!(
                got,
                expected,
                "targets from {} ({})\n{}",
                m.versions[from],
                objective,
                yaml
            );
        }
    }
    Ok(())
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
        check_against_brute_force(&m, &order)?;
    }

    #[test]
    fn solver_matches_brute_force_on_dense_cycles((m, order) in dense_model()) {
        check_against_brute_force(&m, &order)?;
    }

    #[test]
    fn solver_matches_brute_force_where_walks_repeat_versions((m, order) in reset_model()) {
        check_against_brute_force(&m, &order)?;
    }

    #[test]
    fn diff_matches_pairwise_plans((old, _) in dense_model(), (new, _) in model()) {
        // `diff` searches once per start; the result must be what planning each pair gives.
        let (a, b) = (old.to_yaml(&(0..old.versions.len()).collect::<Vec<_>>()), new.to_yaml(&(0..new.versions.len()).collect::<Vec<_>>()));
        let (ga, gb) = (DepGraph::from_yaml_str(&a).unwrap(), DepGraph::from_yaml_str(&b).unwrap());
        let d = upgrade_planner::diff::diff(&ga, &gb, "old", "new").unwrap();
        let outcome = |g: &DepGraph, from: &str, to: &str| match g.plan(&PlanRequest::new(from, Target::Version(to.into()))) {
            Ok(p) => upgrade_planner::diff::Outcome::Route { path: p.path, hops: p.hops, binary_stops: p.binary_stops },
            Err(e) => upgrade_planner::diff::Outcome::Refused { error: e.kind() },
        };
        let mut pairs = 0;
        let mut changed = 0;
        let names: Vec<String> = {
            let mut v: Vec<String> = gb.nodes().map(|(_, n)| n.version.as_str().to_string()).collect();
            for (_, n) in ga.nodes() {
                if !v.contains(&n.version.as_str().to_string()) {
                    v.push(n.version.as_str().to_string());
                }
            }
            v
        };
        for from in &names {
            for to in &names {
                if from == to {
                    continue;
                }
                pairs += 1;
                let (o, n) = (outcome(&ga, from, to), outcome(&gb, from, to));
                let listed = d.changes.iter().find(|c| &c.from == from && &c.to == to);
                let differs = match (&o, &n) {
                    (upgrade_planner::diff::Outcome::Refused { .. }, upgrade_planner::diff::Outcome::Refused { .. }) => false,
                    _ => o != n,
                };
                if differs {
                    changed += 1;
                    let c = listed.unwrap();
                    prop_assert_eq!(&c.old, &o);
                    prop_assert_eq!(&c.new, &n);
                } else {
                    prop_assert!(listed.is_none(), "{} -> {} listed\n{}\n{}", from, to, a, b);
                }
            }
        }
        prop_assert_eq!(d.pairs_compared, pairs);
        prop_assert_eq!(d.changes.len(), changed);
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

// ---- Known risks (issue 17) -------------------------------------------------------------------

/// Edges of a model, as pairs of version indices.
type Edges = Vec<(usize, usize)>;

/// A model with some edges under a risk that applies and some under one that does not apply.
fn risky_model() -> impl Strategy<Value = (Model, Edges, Edges)> {
    prop_oneof![model(), dense_model()].prop_flat_map(|(m, _)| {
        let n = m.edges.len();
        (
            Just(m),
            proptest::collection::vec(prop::bool::weighted(0.35), n),
            proptest::collection::vec(prop::bool::weighted(0.2), n),
        )
            .prop_map(|(m, risky, safe)| {
                let pick = |flags: &[bool]| -> Edges {
                    m.edges
                        .iter()
                        .zip(flags)
                        .filter(|(_, f)| **f)
                        .map(|(e, _)| *e)
                        .collect()
                };
                let (r, s) = (pick(&risky), pick(&safe));
                (m, r, s)
            })
    })
}

/// A plan without the fields known risks add, to compare with a plan made without risks.
fn bare(mut p: upgrade_planner::Plan) -> upgrade_planner::Plan {
    p.accepted_risks = None;
    p.avoided_risks = None;
    p.newer_not_recommended = None;
    p
}

/// Plans every query with risks and checks: the brute force's route (avoiding not-recommended
/// edges) or refusal; no returned route takes an edge whose risk applies and is not accepted; a
/// `not_recommended` refusal's `accept` names give exactly its route and none of them can be left
/// out; `targets` agrees with `plan`; accepting every risk, and risks that do not apply, change
/// nothing.
fn check_risks(
    m: &Model,
    risky: &[(usize, usize)],
    safe: &[(usize, usize)],
) -> Result<(), TestCaseError> {
    use upgrade_planner::risks::{RiskSet, facts::Facts};
    let yaml = m.to_yaml(&(0..m.versions.len()).collect::<Vec<_>>());
    let graph = DepGraph::from_yaml_str(&yaml).unwrap();
    let risks_src = m.risks_yaml(risky, safe);
    let set = RiskSet::from_yaml_str(&risks_src).unwrap();
    let bound = set.bind(&graph);
    let facts = Facts::parse(Model::SAFE_FACTS).unwrap();
    let a = bound.assess(Some(&facts), &[]);
    let all_names = set.names();
    let everything = bound.assess(None, &all_names);
    let only_safe_src = m.risks_yaml(&[], safe);
    let only_safe_set = RiskSet::from_yaml_str(&only_safe_src).unwrap();
    let only_safe_bound = only_safe_set.bind(&graph);
    let only_safe = only_safe_bound.assess(Some(&facts), &[]);
    let nodes = present(m);
    let name_of = |v: &str| m.versions.iter().position(|x| x == v).unwrap();
    let ctx = || format!("{yaml}\n{risks_src}");
    for (obj, objective) in [(Obj::Hops, Objective::Hops), (Obj::Stops, Objective::Stops)] {
        for &from in &nodes {
            for to in nodes.iter().copied().map(Some).chain([None]) {
                let target = to.map_or(Target::Latest, |t| Target::Version(m.versions[t].clone()));
                let req = PlanRequest::new(m.versions[from].clone(), target).objective(objective);
                let got = a.plan(&req);
                let want = m.brute_force_with_risks(from, to, obj, risky);
                let plain = graph.plan(&req);
                // Accepting every risk, or only risks that do not apply: the plan without risks.
                prop_assert_eq!(
                    everything.plan(&req).map(bare),
                    plain.clone(),
                    "{:?}\n{}",
                    req,
                    ctx()
                );
                prop_assert_eq!(
                    only_safe.plan(&req).map(bare),
                    plain.clone(),
                    "{:?}\n{}",
                    req,
                    ctx()
                );
                match (&got, &want) {
                    (Ok(plan), Ok(path)) => {
                        let names: Vec<String> =
                            path.iter().map(|&i| m.versions[i].clone()).collect();
                        prop_assert_eq!(&plan.path, &names, "{:?}\n{}", req, ctx());
                        for w in plan.path.windows(2) {
                            let e = (name_of(&w[0]), name_of(&w[1]));
                            prop_assert!(!risky.contains(&e), "{:?} takes {:?}\n{}", req, e, ctx());
                        }
                        prop_assert_eq!(plan.accepted_risks.as_deref(), Some(&[][..]));
                    }
                    (Err(e), Err(kind)) => {
                        prop_assert_eq!(e.kind(), *kind, "{:?}\n{}", req, ctx());
                        if let PlanError::NotRecommended { risks, route, .. } = e {
                            let accept = upgrade_planner::render::risks::accept_names(risks);
                            prop_assert!(!accept.is_empty());
                            let exact = PlanRequest::new(
                                m.versions[from].clone(),
                                Target::Version(route.to.clone()),
                            )
                            .objective(objective);
                            let accepted = bound.assess(Some(&facts), &accept);
                            prop_assert_eq!(
                                accepted.plan(&exact),
                                Ok((**route).clone()),
                                "{:?}\n{}",
                                req,
                                ctx()
                            );
                            for leave_out in &accept {
                                let fewer: Vec<String> =
                                    accept.iter().filter(|n| *n != leave_out).cloned().collect();
                                let r = bound.assess(Some(&facts), &fewer).plan(&exact);
                                prop_assert!(
                                    matches!(r, Err(PlanError::NotRecommended { .. })),
                                    "{} is superfluous for {:?}: {:?}\n{}",
                                    leave_out,
                                    req,
                                    r,
                                    ctx()
                                );
                            }
                        }
                    }
                    _ => prop_assert!(
                        false,
                        "got {:?}, want {:?} for {:?}\n{}",
                        got,
                        want,
                        req,
                        ctx()
                    ),
                }
            }
            // `targets` agrees with `plan`: the recommended targets, then the others with the
            // route and the risks `plan` refuses them with.
            let listed = a.targets(&m.versions[from], objective, true).unwrap();
            let mut recommended = Vec::new();
            let mut not_recommended = Vec::new();
            for &to in nodes.iter().rev() {
                if to == from || m.deprecated[to] {
                    continue;
                }
                let req = PlanRequest::new(
                    m.versions[from].clone(),
                    Target::Version(m.versions[to].clone()),
                )
                .objective(objective);
                match a.plan(&req) {
                    Ok(p) => recommended.push(p.path),
                    Err(PlanError::NotRecommended { route, risks, .. }) => {
                        not_recommended.push((route.path.clone(), risks))
                    }
                    Err(_) => {}
                }
            }
            let got: Vec<Vec<String>> = listed.targets.iter().map(|t| t.path.clone()).collect();
            prop_assert_eq!(
                got,
                recommended,
                "targets from {}\n{}",
                m.versions[from],
                ctx()
            );
            let got: Vec<(Vec<String>, Vec<upgrade_planner::risks::RiskReport>)> = listed
                .not_recommended
                .unwrap_or_default()
                .into_iter()
                .map(|t| (t.path, t.risks.unwrap_or_default()))
                .collect();
            prop_assert_eq!(listed.not_recommended_count, Some(not_recommended.len()));
            prop_assert_eq!(
                got,
                not_recommended,
                "targets from {}\n{}",
                m.versions[from],
                ctx()
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn risks_match_brute_force((m, risky, safe) in risky_model()) {
        check_risks(&m, &risky, &safe)?;
    }

    #[test]
    fn diff_with_risks_matches_pairwise_plans((m, risky, _) in risky_model()) {
        // The same file with and without risks: a pair is reported exactly when the plan with
        // risks became `not_recommended` (the only way risks can take a route away).
        use upgrade_planner::diff::{ChangeKind, diff_with_risks};
        use upgrade_planner::risks::RiskSet;
        let yaml = m.to_yaml(&(0..m.versions.len()).collect::<Vec<_>>());
        let g = DepGraph::from_yaml_str(&yaml).unwrap();
        let set = RiskSet::from_yaml_str(&m.risks_yaml(&risky, &[])).unwrap();
        let d = diff_with_risks(&g, &g, "a", "b", None, Some(&set)).unwrap();
        let bound = set.bind(&g);
        let a = bound.assess(None, &[]);
        let names: Vec<String> = g.nodes().map(|(_, n)| n.version.as_str().to_string()).collect();
        let mut expected = 0;
        for from in &names {
            for to in &names {
                if from == to {
                    continue;
                }
                let req = PlanRequest::new(from.clone(), Target::Version(to.clone()));
                let (before, after) = (g.plan(&req), a.plan(&req));
                let listed = d.changes.iter().find(|c| &c.from == from && &c.to == to);
                match (&before, &after) {
                    (Ok(_), Err(PlanError::NotRecommended { .. })) => {
                        expected += 1;
                        prop_assert_eq!(listed.map(|c| c.kind), Some(ChangeKind::BecameNotRecommended));
                    }
                    (Ok(p), Ok(q)) if p.path != q.path => {
                        expected += 1;
                        prop_assert!(listed.is_some_and(|c| matches!(c.kind, ChangeKind::Changed | ChangeKind::Rerouted)));
                    }
                    _ => prop_assert!(listed.is_none(), "{} -> {}: {:?}", from, to, listed),
                }
            }
        }
        prop_assert_eq!(d.changes.len(), expected);
        prop_assert_eq!(d.summary.became_not_recommended, Some(d.changes.iter().filter(|c| c.kind == ChangeKind::BecameNotRecommended).count()));
    }
}
