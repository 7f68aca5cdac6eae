//! Exhaustive small-scope test: every graph of up to 3 declared versions (every edge set, each
//! version deprecated or not, `require_from_binary` absent, true, or conditioned by `when_come_from`
//! or `when_upgraded_to` on one version), every query, both objectives, against the brute force in
//! `tests/common`. Two version sets run: plain versions, and one with a build-specific node so that
//! conditions naming a plain version also match its builds. A third scope covers dense cycles:
//! every edge set of four versions with conditions on most versions. Every graph also checks
//! `targets` against the brute force, start by start. A fourth covers known risks (issue 17):
//! every edge set of three versions with every subset of its edges not recommended.

mod common;

use common::{Cond, Model, Obj};
use upgrade_planner::{DepGraph, Objective, PlanRequest, Target};

/// Every version declared, in the given order.
fn model(
    versions: &[&str],
    barrier: Vec<Option<Cond>>,
    deprecated: Vec<bool>,
    edges: Vec<(usize, usize)>,
) -> Model {
    Model {
        versions: versions.iter().map(|s| s.to_string()).collect(),
        declared: vec![true; versions.len()],
        deprecated,
        barrier,
        edges,
    }
}

fn check_graph(model: &Model) -> usize {
    let n = model.versions.len();
    let order: Vec<usize> = (0..n).collect();
    let yaml = model.to_yaml(&order);
    let graph = DepGraph::from_yaml_str(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    let mut checked = 0;
    for obj in [Obj::Hops, Obj::Stops] {
        let objective = match obj {
            Obj::Hops => Objective::Hops,
            Obj::Stops => Objective::Stops,
        };
        for from in 0..n {
            for to in (0..n).map(Some).chain([None]) {
                let target = match to {
                    Some(t) => Target::Version(model.versions[t].clone()),
                    None => Target::Latest,
                };
                let req =
                    PlanRequest::new(model.versions[from].clone(), target).objective(objective);
                let got = graph.plan(&req).map(|p| p.path).map_err(|e| e.kind());
                let want = model.brute_force(from, to, obj).map(|p| {
                    p.iter()
                        .map(|&i| model.versions[i].clone())
                        .collect::<Vec<_>>()
                });
                assert_eq!(got, want, "query {req:?}\n{yaml}");
                checked += 1;
            }
            // `targets` lists what `plan` routes to, with the same routes, newest first.
            let listed: Vec<Vec<String>> = graph
                .targets(&model.versions[from], objective)
                .unwrap()
                .targets
                .into_iter()
                .map(|t| t.path)
                .collect();
            let expected: Vec<Vec<String>> = (0..n)
                .rev()
                .filter(|&t| t != from && !model.deprecated[t])
                .filter_map(|t| model.brute_force(from, Some(t), obj).ok())
                .map(|p| p.iter().map(|&i| model.versions[i].clone()).collect())
                .collect();
            assert_eq!(
                listed, expected,
                "targets from {}\n{yaml}",
                model.versions[from]
            );
        }
    }
    checked
}

/// This shard's edge sets over `n` versions: every subset of the ordered pairs of distinct
/// versions, the shards taking every `shards`-th one.
fn edge_sets(n: usize, shard: usize, shards: usize) -> impl Iterator<Item = Vec<(usize, usize)>> {
    let pairs: Vec<(usize, usize)> = (0..n)
        .flat_map(|a| (0..n).filter(move |&b| b != a).map(move |b| (a, b)))
        .collect();
    (0..1usize << pairs.len())
        .filter(move |m| m % shards == shard)
        .map(move |mask| {
            pairs
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, &p)| p)
                .collect()
        })
}

fn all_graphs(versions: &[&str], shard: usize, shards: usize) -> usize {
    let n = versions.len();
    let mut options: Vec<Option<Cond>> = vec![None, Some(Cond::Always)];
    options.extend((0..n).map(|j| Some(Cond::ComeFrom(vec![j]))));
    options.extend((0..n).map(|j| Some(Cond::UpgradedTo(vec![j]))));
    let k = options.len();
    let mut checked = 0;
    for edges in edge_sets(n, shard, shards) {
        for dep in 0..1usize << n {
            for combo in 0..k.pow(n as u32) {
                let mut c = combo;
                let barrier = (0..n)
                    .map(|_| {
                        let o = options[c % k].clone();
                        c /= k;
                        o
                    })
                    .collect();
                let model = model(
                    versions,
                    barrier,
                    (0..n).map(|i| dep & (1 << i) != 0).collect(),
                    edges.clone(),
                );
                checked += check_graph(&model);
            }
        }
    }
    checked
}

/// Every edge set of four versions (4,096, from no edge to the complete graph: every 2-, 3- and
/// 4-cycle), each with eight barrier assignments that condition most versions (drawn once from a
/// fixed seed) and two deprecation patterns.
fn dense_graphs(shard: usize, shards: usize) -> usize {
    let versions = ["1.0-5", "1.0", "2.0", "3.0"];
    let n = versions.len();
    let mut x: u64 = 0x1234_5678;
    let mut next = move |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m as u64) as usize
    };
    let patterns: Vec<Vec<Option<Cond>>> = (0..8)
        .map(|_| {
            (0..n)
                .map(|_| match next(8) {
                    0 => None,
                    1 => Some(Cond::Always),
                    2..=4 => Some(Cond::ComeFrom(vec![next(n)])),
                    _ => Some(Cond::UpgradedTo(vec![next(n)])),
                })
                .collect()
        })
        .collect();
    let deprecations = [vec![false; n], vec![true, false, false, false]];
    let mut checked = 0;
    for edges in edge_sets(n, shard, shards) {
        for barrier in &patterns {
            for deprecated in &deprecations {
                let model = model(
                    &versions,
                    barrier.clone(),
                    deprecated.clone(),
                    edges.clone(),
                );
                checked += check_graph(&model);
            }
        }
    }
    checked
}

#[test]
fn every_edge_set_of_four_versions_with_conditions_on_most() {
    let total = sharded(dense_graphs);
    assert_eq!(total, (2 * 4 * 5) * 4096 * 8 * 2);
}

/// Runs `work(shard, shards)` on every core and adds up the queries checked.
fn sharded(work: impl Fn(usize, usize) -> usize + Sync) -> usize {
    let shards = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .max(2);
    let work = &work;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..shards)
            .map(|shard| s.spawn(move || work(shard, shards)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn run(versions: &[&str]) -> usize {
    sharded(|shard, shards| all_graphs(versions, shard, shards))
}

#[test]
fn every_graph_of_up_to_three_plain_versions() {
    let mut total = 0;
    for n in 1..=3 {
        total += run(&["1.0", "2.0", "3.0"][..n]);
    }
    // queries per graph (2 objectives × n starts × (n targets + latest)) × graphs (edge sets ×
    // deprecated flags × barrier options): the count proves the loops covered the whole scope.
    assert_eq!(
        total,
        (2 * 2) * 8 + (2 * 2 * 3) * (4 * 4 * 36) + (2 * 3 * 4) * (64 * 8 * 512)
    );
}

#[test]
fn every_graph_of_three_versions_with_a_build_node() {
    // "1.0-5" sorts before "1.0"; a condition naming "1.0" also names "1.0-5".
    let total = run(&["1.0-5", "1.0", "2.0"]);
    assert_eq!(total, (2 * 3 * 4) * (64 * 8 * 512));
}

/// Known risks: every edge set of three versions and every subset of its edges under a risk
/// that applies (3^6 = 729 pairs), each with two deprecation patterns and four barrier patterns;
/// every query under both objectives against the brute force, and `targets` (recommended and not
/// recommended) start by start.
fn risky_graphs(shard: usize, shards: usize) -> usize {
    use upgrade_planner::risks::RiskSet;
    let versions = ["1.0", "2.0", "3.0"];
    let n = versions.len();
    let barriers: [Vec<Option<Cond>>; 4] = [
        vec![None, None, None],
        vec![None, Some(Cond::Always), None],
        vec![None, Some(Cond::ComeFrom(vec![0])), Some(Cond::Always)],
        vec![None, Some(Cond::UpgradedTo(vec![2])), None],
    ];
    let deprecations = [vec![false; n], vec![false, true, false]];
    let mut checked = 0;
    for edges in edge_sets(n, shard, shards) {
        for mask in 0..1usize << edges.len() {
            let risky: Vec<(usize, usize)> = edges
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, &e)| e)
                .collect();
            for barrier in &barriers {
                for deprecated in &deprecations {
                    let model = model(
                        &versions,
                        barrier.clone(),
                        deprecated.clone(),
                        edges.clone(),
                    );
                    let yaml = model.to_yaml(&(0..n).collect::<Vec<_>>());
                    let graph = DepGraph::from_yaml_str(&yaml).unwrap();
                    let risks = model.risks_yaml(&risky, &[]);
                    let set = RiskSet::from_yaml_str(&risks).unwrap();
                    let bound = set.bind(&graph);
                    let a = bound.assess(None, &[]);
                    for (obj, objective) in
                        [(Obj::Hops, Objective::Hops), (Obj::Stops, Objective::Stops)]
                    {
                        for from in 0..n {
                            for to in (0..n).map(Some).chain([None]) {
                                let target = match to {
                                    Some(t) => Target::Version(versions[t].to_string()),
                                    None => Target::Latest,
                                };
                                let req =
                                    PlanRequest::new(versions[from], target).objective(objective);
                                let got = a.plan(&req).map(|p| p.path).map_err(|e| e.kind());
                                let want =
                                    model
                                        .brute_force_with_risks(from, to, obj, &risky)
                                        .map(|p| {
                                            p.iter()
                                                .map(|&i| versions[i].to_string())
                                                .collect::<Vec<_>>()
                                        });
                                assert_eq!(got, want, "query {req:?}\n{yaml}\n{risks}");
                                checked += 1;
                            }
                            let listed = a.targets(versions[from], objective, true).unwrap();
                            let path = |p: Vec<usize>| -> Vec<String> {
                                p.iter().map(|&i| versions[i].to_string()).collect()
                            };
                            let candidates =
                                (0..n).rev().filter(|&t| t != from && !model.deprecated[t]);
                            let recommended: Vec<Vec<String>> = candidates
                                .clone()
                                .filter_map(|t| {
                                    model
                                        .brute_force_with_risks(from, Some(t), obj, &risky)
                                        .ok()
                                })
                                .map(path)
                                .collect();
                            let others: Vec<String> = candidates
                                .filter(|&t| {
                                    model.brute_force_with_risks(from, Some(t), obj, &risky)
                                        == Err("not_recommended")
                                })
                                .map(|t| versions[t].to_string())
                                .collect();
                            let got: Vec<Vec<String>> =
                                listed.targets.into_iter().map(|t| t.path).collect();
                            assert_eq!(
                                got, recommended,
                                "targets from {}\n{yaml}\n{risks}",
                                versions[from]
                            );
                            let got: Vec<String> = listed
                                .not_recommended
                                .unwrap_or_default()
                                .into_iter()
                                .map(|t| t.version)
                                .collect();
                            assert_eq!(
                                got, others,
                                "not recommended from {}\n{yaml}\n{risks}",
                                versions[from]
                            );
                        }
                    }
                }
            }
        }
    }
    checked
}

#[test]
fn every_graph_of_three_versions_with_every_set_of_risky_edges() {
    let total = sharded(risky_graphs);
    // queries per graph (2 objectives × 3 starts × 4 targets) × (edge set, risky subset) pairs
    // (3^6) × barrier patterns × deprecation patterns.
    assert_eq!(total, 24 * 729 * 4 * 2);
}
