//! Properties of rollout planning, for any inventory and subset on the real seed dependency file:
//! the emitted order obeys the rules, windows never reorder steps, and every node reaches the
//! target exactly once.

use proptest::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use std::time::Duration;
use upgrade_planner::rollout::inventory::{Inventory, Role};
use upgrade_planner::rollout::steps::Action;
use upgrade_planner::rollout::windows::WindowSpec;
use upgrade_planner::rollout::{RolloutError, RolloutRequest, plan_rollout};
use upgrade_planner::{DepGraph, Version, VersionScheme};

const VERSIONS: [&str; 10] = [
    "4.0.0.0",
    "4.1.0.0-100000192023032010",
    "4.1.0.0",
    "4.1.0.1",
    "4.1.0.2",
    "4.2.0.0-100000152023080109",
    "4.2.0.0",
    "4.2.1.0",
    "4.2.1.1",
    "4.3.0.0",
];
const TARGET: &str = "4.3.0.0";

fn graph() -> &'static DepGraph {
    static G: OnceLock<DepGraph> = OnceLock::new();
    G.get_or_init(|| {
        DepGraph::from_path("data/seed-oceanbase-ce-4.2.1.1.yml".as_ref(), None).unwrap()
    })
}

fn v(s: &str) -> Version {
    Version::parse(s, VersionScheme::OceanBase).unwrap()
}

#[derive(Debug, Clone)]
struct Case {
    nodes: Vec<(u64, usize, Option<u8>)>, // joined, version index, zone
    primary: usize,
    secondary: Option<usize>,
    subset: Option<Vec<bool>>,
    window_minutes: Option<u64>,
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..=12, any::<bool>())
        .prop_flat_map(|(n, zoned)| {
            let zone = if zoned {
                (0u8..3).prop_map(Some).boxed()
            } else {
                Just(None).boxed()
            };
            (
                proptest::collection::vec((0u64..20, 0usize..VERSIONS.len(), zone), n),
                0..n,
                proptest::option::of(0..n),
                proptest::option::of(proptest::collection::vec(any::<bool>(), n)),
                proptest::option::of(50u64..400),
            )
        })
        .prop_map(|(nodes, primary, secondary, subset, window_minutes)| Case {
            nodes,
            primary,
            secondary: secondary.filter(|&s| s != primary),
            subset,
            window_minutes,
        })
}

fn yaml(c: &Case) -> String {
    let mut out = String::from("nodes:\n");
    for (i, (joined, ver, zone)) in c.nodes.iter().enumerate() {
        let role = if i == c.primary {
            "primary"
        } else if Some(i) == c.secondary {
            "secondary"
        } else {
            "member"
        };
        out.push_str(&format!(
            "  - {{name: n{i}, role: {role}, joined: {joined}, version: {}{}, estimates: {{install_binary: {}m}}}}\n",
            VERSIONS[*ver],
            zone.map(|z| format!(", zone: z{z}")).unwrap_or_default(),
            10 + i * 7
        ));
    }
    out
}

/// The expected order of nodes at a stage, computed independently from the rules.
fn expected_order(inv: &Inventory, names: &[String]) -> Vec<String> {
    let idx = |n: &String| inv.find(n).unwrap();
    let node_key = |i: usize| {
        let n = &inv.nodes[i];
        (n.role, n.joined, i)
    };
    let mut zones: Vec<Option<String>> = names
        .iter()
        .map(|n| inv.nodes[idx(n)].zone.clone())
        .collect();
    zones.sort();
    zones.dedup();
    // Zone rank over the whole cluster (not only this stage's nodes).
    let zone_key = |z: &Option<String>| {
        let best = (0..inv.nodes.len())
            .filter(|&i| inv.nodes[i].zone == *z)
            .map(node_key)
            .min()
            .unwrap();
        ((best.0, best.1), z.clone())
    };
    zones.sort_by_key(|z| zone_key(z));
    let mut out = Vec::new();
    for z in zones {
        let mut members: Vec<usize> = names
            .iter()
            .map(idx)
            .filter(|&i| inv.nodes[i].zone == z)
            .collect();
        members.sort_by_key(|&i| node_key(i));
        out.extend(members.into_iter().map(|i| inv.nodes[i].name.clone()));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn rollout_obeys_the_rules(c in case()) {
        let g = graph();
        let inv = Inventory::parse(&yaml(&c)).unwrap();
        let mut req = RolloutRequest::new(TARGET);
        if let Some(m) = c.window_minutes {
            req = req.windows(WindowSpec::Length(Duration::from_secs(m * 60)));
        }
        let selected: Vec<bool> = c.subset.clone().unwrap_or_else(|| vec![true; inv.nodes.len()]);
        if c.subset.is_some() {
            let names = inv.nodes.iter().zip(&selected).filter(|(_, s)| **s).map(|(n, _)| n.name.clone()).collect();
            req = req.only(names);
        }
        let result = plan_rollout(g, &inv, &req);
        let installed = |i: usize| g.node(g.resolve_installed(&inv.nodes[i].version).unwrap()).version.clone();
        let r = match result {
            Ok(r) => r,
            Err(RolloutError::SubsetOrder { node, stage, first, .. }) => {
                // A refusal must be justified: `first` is left out, has not reached the stage,
                // and precedes `node`.
                prop_assert!(c.subset.is_some());
                let (ni, fi) = (inv.find(&node).unwrap(), inv.find(&first).unwrap());
                prop_assert!(selected[ni] && !selected[fi]);
                prop_assert!(installed(fi) < v(&stage));
                prop_assert!(inv.nodes[fi].role < inv.nodes[ni].role);
                return Ok(());
            }
            Err(e) => return Err(TestCaseError::fail(format!("unexpected refusal: {e}"))),
        };
        // Steps: four per node and stage, stages in version order.
        let stage_index: HashMap<&str, usize> =
            r.stages.iter().enumerate().map(|(i, s)| (s.version.as_str(), i)).collect();
        prop_assert!(r.stages.windows(2).all(|w| v(&w[0].version) < v(&w[1].version)));
        prop_assert!(r.steps.windows(2).all(|w| stage_index[w[0].stage.as_str()] <= stage_index[w[1].stage.as_str()]));
        for (i, s) in r.steps.iter().enumerate() {
            prop_assert_eq!(s.index, i);
            prop_assert_eq!(s.action, Action::ALL[i % 4]);
            prop_assert_eq!(s.asynchronous, s.action == Action::Reboot && s.role == Role::Primary);
        }
        // Order at every stage.
        for stage in &r.stages {
            let names: Vec<String> = r.steps.iter()
                .filter(|s| s.stage == stage.version && s.action == Action::InstallBinary)
                .map(|s| s.node.clone())
                .collect();
            prop_assert_eq!(&names, &stage.nodes);
            prop_assert_eq!(expected_order(&inv, &names), names.clone());
            for (k, n) in names.iter().enumerate() {
                let i = inv.find(n).unwrap();
                prop_assert!(selected[i], "unselected node {} upgraded", n);
                prop_assert!(installed(i) < v(&stage.version), "{} already at {}", n, stage.version);
                // The primary has reached the stage (before, or earlier at this stage), and so has
                // the secondary when it precedes this member.
                let leaders = [inv.primary(), inv.secondary()];
                for l in leaders.into_iter().flatten() {
                    if inv.nodes[l].role >= inv.nodes[i].role { continue; }
                    let before = names[..k].contains(&inv.nodes[l].name);
                    let reached = installed(l) >= v(&stage.version);
                    let later_zone = inv.nodes[l].zone != inv.nodes[i].zone
                        && !names[..k].iter().any(|m| inv.nodes[inv.find(m).unwrap()].zone == inv.nodes[l].zone)
                        && inv.nodes[l].zone.is_some();
                    prop_assert!(before || reached || later_zone,
                        "{} at {} before its {} {}", n, stage.version, inv.nodes[l].role, inv.nodes[l].name);
                }
            }
        }
        // Every selected node reaches the target exactly once; its stages only go up.
        for (i, n) in inv.nodes.iter().enumerate() {
            let mine: Vec<&str> = r.steps.iter()
                .filter(|s| s.node == n.name && s.action == Action::InstallBinary)
                .map(|s| s.stage.as_str())
                .collect();
            let at_target = mine.iter().filter(|s| **s == TARGET).count();
            let expected = usize::from(selected[i] && installed(i) != v(TARGET));
            prop_assert_eq!(at_target, expected, "node {}", n.name);
            prop_assert!(mine.windows(2).all(|w| v(w[0]) < v(w[1])));
            prop_assert!(mine.last().is_none_or(|s| *s == TARGET));
        }
        // Windows never reorder steps; what does not fit is a tail.
        if let Some(m) = c.window_minutes {
            let mut last = 0;
            let first_unscheduled = r.unscheduled.first().copied().unwrap_or(r.steps.len());
            prop_assert_eq!(r.unscheduled.clone(), (first_unscheduled..r.steps.len()).collect::<Vec<_>>());
            let mut used: HashMap<usize, u64> = HashMap::new();
            for s in &r.steps {
                match s.window {
                    Some(w) => {
                        prop_assert!(s.index < first_unscheduled);
                        prop_assert!(w >= last);
                        last = w;
                        *used.entry(w).or_default() += s.estimate_seconds;
                    }
                    None => prop_assert!(s.index >= first_unscheduled),
                }
            }
            prop_assert!(used.values().all(|&u| u <= m * 60));
            // A node never spans two windows at one stage.
            let mut seen: HashSet<(String, String, usize)> = HashSet::new();
            for s in r.steps.iter().filter(|s| s.window.is_some()) {
                seen.insert((s.node.clone(), s.stage.clone(), s.window.unwrap()));
            }
            let units: HashSet<(String, String)> = seen.iter().map(|(a, b, _)| (a.clone(), b.clone())).collect();
            prop_assert_eq!(units.len(), seen.len());
        } else {
            prop_assert!(r.windows.is_empty() && r.steps.iter().all(|s| s.window.is_none()));
        }
    }

    #[test]
    fn inventory_reader_never_panics(s in "\\PC{0,200}") {
        upgrade_planner::rollout::fuzz_inventory(s.as_bytes());
    }

    #[test]
    fn inventory_reader_never_panics_on_near_valid_input(c in case(), cut in 0usize..400, junk in "[{}\\[\\]:,'\" a-z0-9-]{0,8}") {
        let mut text = yaml(&c);
        let at = cut.min(text.len());
        if text.is_char_boundary(at) {
            text.insert_str(at, &junk);
        }
        upgrade_planner::rollout::fuzz_inventory(text.as_bytes());
    }
}

// ---- Known risks (issue 17): per-node verdicts follow each node's facts -----------------------

const RISK_DEPS: &str = "data/risks-example/deps.yml";
const RISKS: &str = "data/risks-example/risks";
const PURGE: &str = "PurgeRebuildCorruption";
const DIRECT: &str = "DirectUpgradeSkipsDictionaryCheck";

#[derive(Debug, Clone)]
struct RiskCase {
    /// Per node: installed version (index into 4.2.1.0, 4.2.1.1, 4.2.1.2) and its own
    /// `parameters.enable_rebuild_on_purge` (None: no node fact).
    nodes: Vec<(usize, Option<bool>)>,
    cluster: Option<bool>,
    accept_purge: bool,
    accept_direct: bool,
}

fn risk_case() -> impl Strategy<Value = RiskCase> {
    (
        proptest::collection::vec((0usize..3, proptest::option::of(any::<bool>())), 1..=6),
        proptest::option::of(any::<bool>()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(nodes, cluster, accept_purge, accept_direct)| RiskCase {
            nodes,
            cluster,
            accept_purge,
            accept_direct,
        })
}

fn risk_yaml(c: &RiskCase) -> String {
    let fact = |b: bool| if b { "\"True\"" } else { "\"False\"" };
    let mut out = String::new();
    if let Some(b) = c.cluster {
        out.push_str(&format!(
            "facts: {{parameters: {{enable_rebuild_on_purge: {}}}}}\n",
            fact(b)
        ));
    }
    out.push_str("nodes:\n");
    for (i, (ver, f)) in c.nodes.iter().enumerate() {
        let role = if i == 0 { "primary" } else { "member" };
        out.push_str(&format!(
            "  - {{name: n{i}, role: {role}, joined: {i}, version: 4.2.1.{ver}{}}}\n",
            f.map(|b| format!(
                ", facts: {{parameters.enable_rebuild_on_purge: {}}}",
                fact(b)
            ))
            .unwrap_or_default()
        ));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn rollout_risk_verdicts_follow_each_nodes_facts(c in risk_case()) {
        use upgrade_planner::risks::RiskSet;
        use upgrade_planner::rollout::{RolloutRisks, plan_rollout_with_risks};
        static G: OnceLock<DepGraph> = OnceLock::new();
        let g = G.get_or_init(|| DepGraph::from_path(RISK_DEPS.as_ref(), None).unwrap());
        let set = RiskSet::from_path(RISKS.as_ref()).unwrap();
        let bound = set.bind(g);
        let inv = Inventory::parse(&risk_yaml(&c)).unwrap();
        let mut accepted = Vec::new();
        if c.accept_purge { accepted.push(PURGE.to_string()); }
        if c.accept_direct { accepted.push(DIRECT.to_string()); }
        let result = plan_rollout_with_risks(
            g, &inv, &RolloutRequest::new("4.3.0.0"),
            RolloutRisks { risks: &bound, accepted: &accepted },
        );
        // PurgeRebuildCorruption applies to a node unless its fact (its own, else the cluster's)
        // is False: True matches the Fact rule, no fact leaves only the Always rule.
        let applies = |i: usize| c.nodes[i].1.or(c.cluster) != Some(false);
        let at_start = |i: usize| c.nodes[i].0 == 0;
        let blocked: Vec<usize> = (0..c.nodes.len()).filter(|&i| at_start(i) && applies(i) && !c.accept_purge).collect();
        match result {
            Err(RolloutError::NotRecommended { node, risks, .. }) => {
                prop_assert!(blocked.iter().any(|&i| node == format!("n{i}")), "{} refused; {:?}", node, c);
                prop_assert!(risks.iter().all(|r| r.name == PURGE));
            }
            Ok(r) => {
                prop_assert!(blocked.is_empty(), "{:?} planned though {:?} have no recommended route", c, blocked);
                let known = r.known_risks.unwrap();
                for (i, (ver, _)) in c.nodes.iter().enumerate() {
                    let node = format!("n{i}");
                    let verdicts = |risk: &str| -> Vec<(&'static str, &'static str)> {
                        known.iter().filter(|k| k.name == risk).flat_map(|k| &k.nodes)
                            .filter(|n| n.node == node).map(|n| (n.verdict, n.evaluation)).collect()
                    };
                    let purge = verdicts(PURGE);
                    if *ver == 0 {
                        // Applying: matched (by the Fact rule, or by Always when no fact is given).
                        let want = if applies(i) {
                            ("accepted", "matched")
                        } else {
                            ("not_applicable", "not_matched")
                        };
                        prop_assert_eq!(purge, vec![want], "{} {:?}", node, c);
                    } else {
                        prop_assert!(purge.is_empty());
                    }
                    // The direct 4.2.1.1 -> 4.3.0.0 update always applies: avoided, or accepted.
                    let direct = verdicts(DIRECT);
                    if *ver <= 1 {
                        let want = if c.accept_direct { "accepted" } else { "avoided" };
                        prop_assert_eq!(direct, vec![(want, "matched")], "{} {:?}", node, c);
                    } else {
                        prop_assert!(direct.is_empty());
                    }
                }
            }
            Err(e) => prop_assert!(false, "{:?}: {}", c, e),
        }
    }
}
