//! Request plans (`upgrade-planner/requests/v1`) for every dialect: golden outputs (insta) on the
//! inventories of `tests/fixtures/rollout/` and the generated 500-node inventory, each validated
//! against the envelope schema and its dialect's schema (`tests/schemas/requests/`), and properties
//! of the plans (one server per endpoint, uploads before their queue entries, sections, PowerStore's
//! order).
//!
//! The fixtures carry no endpoint fields (`bmc`, `consumer_id`, `appliance_id`), so the golden
//! tests fill them in from the node names; packages come from a fixed in-memory source (the RPM
//! fixtures hold only 4.2.1.1), one of them larger than 32 MiB so that uploads go in sections.

use proptest::prelude::*;
use serde_json::Value;
use std::sync::OnceLock;
use std::time::Duration;
use upgrade_planner::DepGraph;
use upgrade_planner::rollout::inventory::{Inventory, Role};
use upgrade_planner::rollout::packages::{CandidatePackage, MemoryPackageSource, resolve};
use upgrade_planner::rollout::requests::{
    Dialect, HPE_SECTION_BYTES, HandoffOptions, RequestPlan, build, sections,
};
use upgrade_planner::rollout::windows::{WindowSpec, windows_from_path};
use upgrade_planner::rollout::{Rollout, RolloutRequest, plan_rollout};

const SEED: &str = "data/seed-oceanbase-ce-4.2.1.1.yml";
const MASTER: &str = "data/oceanbase-master.yml";
const FX: &str = "tests/fixtures/rollout";
const DIALECTS: [Dialect; 4] = [
    Dialect::RedfishHpe,
    Dialect::RedfishDmtf,
    Dialect::Pulp,
    Dialect::PowerStore,
];

fn graph(path: &str) -> DepGraph {
    DepGraph::from_path(path.as_ref(), None).unwrap()
}

fn with_endpoints(mut inv: Inventory) -> Inventory {
    for (i, n) in inv.nodes.iter_mut().enumerate() {
        n.bmc
            .get_or_insert_with(|| format!("https://{}-ilo.example", n.name));
        n.consumer_id
            .get_or_insert_with(|| format!("{}.example", n.name));
        n.appliance_id.get_or_insert_with(|| format!("A{}", i + 1));
    }
    inv
}

/// A package for every version the steps need; 4.3.0.0 is larger than 32 MiB and has a .compsig.
fn source(r: &Rollout) -> MemoryPackageSource {
    let mut packages: Vec<CandidatePackage> = Vec::new();
    for p in r.steps.iter().filter_map(|s| s.package.as_ref()) {
        if packages.iter().any(|c| c.version == p.version) {
            continue;
        }
        let build = p
            .min_build
            .clone()
            .unwrap_or_else(|| "100000012024010101".into());
        let release = format!("{build}.el7");
        let big = p.version == "4.3.0.0";
        packages.push(CandidatePackage {
            name: p.name.clone(),
            version: p.version.clone(),
            file: format!("rpms/{}-{}-{release}.x86_64.rpm", p.name, p.version),
            release,
            digests_ok: true,
            arch: "x86_64".into(),
            refused: None,
            epoch: None,
            size: Some(if big {
                2 * HPE_SECTION_BYTES + 12_345
            } else {
                48_000_000 / 3
            }),
            compsig: big.then(|| format!("rpms/{}-{}.compsig", p.name, p.version)),
        });
    }
    MemoryPackageSource { packages }
}

fn options() -> HandoffOptions {
    HandoffOptions {
        image_base_url: Some("https://repo.example/oceanbase".into()),
        package_ids: vec![(None, "pkg-4f2a".into())],
        endpoint_url: Some("https://mgmt.example".into()),
        ..HandoffOptions::default()
    }
}

fn plan(
    deps: &str,
    inventory: &str,
    dialect: Dialect,
    windows: Option<WindowSpec>,
    opts: &HandoffOptions,
) -> (Rollout, Inventory, RequestPlan) {
    let g = graph(deps);
    let inv = with_endpoints(Inventory::from_path(format!("{FX}/{inventory}").as_ref()).unwrap());
    let mut req = RolloutRequest::new("4.3.0.0");
    req.leaders_first = dialect == Dialect::PowerStore;
    req.windows = windows;
    let mut r = plan_rollout(&g, &inv, &req).unwrap();
    let src = source(&r);
    let missing = resolve(&mut r.steps, &src).unwrap();
    assert!(missing.is_empty(), "{missing:?}");
    let p = build(dialect, &r, &inv, opts).unwrap();
    (r, inv, p)
}

fn validators() -> &'static [(Dialect, jsonschema::Validator); 5] {
    static V: OnceLock<[(Dialect, jsonschema::Validator); 5]> = OnceLock::new();
    V.get_or_init(|| {
        let load = |name: &str| {
            let text =
                std::fs::read_to_string(format!("tests/schemas/requests/{name}.schema.json"))
                    .unwrap();
            jsonschema::validator_for(&serde_json::from_str::<Value>(&text).unwrap()).unwrap()
        };
        [
            (Dialect::Pulp, load("envelope")),
            (Dialect::RedfishHpe, load("redfish-hpe")),
            (Dialect::RedfishDmtf, load("redfish-dmtf")),
            (Dialect::Pulp, load("pulp")),
            (Dialect::PowerStore, load("powerstore")),
        ]
    })
}

/// Validates against the envelope and the dialect's schema, and checks the placeholders.
fn check(p: &RequestPlan) -> Value {
    let v = serde_json::to_value(p).unwrap();
    let all = validators();
    let (_, envelope) = &all[0];
    let errors: Vec<String> = envelope.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "envelope: {errors:?}");
    let (_, dialect) = all[1..].iter().find(|(d, _)| *d == p.dialect).unwrap();
    let errors: Vec<String> = dialect
        .iter_errors(&v)
        .take(5)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{:?}: {errors:?}", p.dialect);
    assert_eq!(p.problems(), Vec::<String>::new());
    v
}

#[test]
fn golden_per_fixture_and_dialect() {
    let windows =
        WindowSpec::List(windows_from_path(format!("{FX}/windows.yml").as_ref()).unwrap());
    let cases: [(&str, &str, &str, Option<WindowSpec>); 6] = [
        ("one", SEED, "one.yml", None),
        ("two", SEED, "two.yml", None),
        ("three", SEED, "three.json", None),
        ("mixed", SEED, "mixed.yml", None),
        ("twelve_zones", MASTER, "twelve-zones.yml", None),
        ("twelve_windows", SEED, "twelve.yml", Some(windows)),
    ];
    for (name, deps, inventory, windows) in cases {
        for dialect in DIALECTS {
            let (_, _, p) = plan(deps, inventory, dialect, windows.clone(), &options());
            let v = check(&p);
            insta::assert_json_snapshot!(format!("{name}_{}", dialect.as_str()), v);
        }
    }
}

#[test]
fn hpe_installset_and_pulp_groups() {
    let mut opts = options();
    opts.installset = true;
    let (_, _, p) = plan(SEED, "three.json", Dialect::RedfishHpe, None, &opts);
    insta::assert_json_snapshot!("three_redfish-hpe_installset", check(&p));
    let mut opts = options();
    opts.group_parallel = true;
    let (_, inv, p) = plan(SEED, "twelve.yml", Dialect::Pulp, None, &opts);
    let v = check(&p);
    // Groups hold only members: never the primary or the secondary.
    let groups: Vec<_> = p.endpoints.iter().filter(|e| e.nodes.len() > 1).collect();
    assert!(!groups.is_empty());
    for e in groups {
        for n in &e.nodes {
            assert_eq!(inv.nodes[inv.find(n).unwrap()].role, Role::Member, "{n}");
        }
    }
    insta::assert_json_snapshot!("twelve_pulp_group_parallel", v);
}

/// The 500-node, 3-zone, mixed-version inventory (generated by `generate-large.py`): every
/// dialect's plan validates; the snapshot summarises it (the plans are megabytes).
#[test]
fn large_inventory() {
    let mut summary = Vec::new();
    for dialect in DIALECTS {
        let (r, inv, p) = plan(
            SEED,
            "large-500.yml",
            dialect,
            Some(WindowSpec::Length(Duration::from_secs(8 * 3600))),
            &options(),
        );
        check(&p);
        let requests: usize = p.endpoints.iter().map(|e| e.requests.len()).sum();
        let first: Vec<&str> = p
            .endpoints
            .iter()
            .take(3)
            .filter_map(|e| e.node.as_deref())
            .collect();
        summary.push(format!(
            "{}: {} endpoint(s), {requests} request(s), {} step(s) outside, first endpoints {first:?}",
            dialect.as_str(),
            p.endpoints.len(),
            p.outside.len()
        ));
        if dialect == Dialect::PowerStore {
            let primary = inv.nodes[inv.primary().unwrap()]
                .appliance_id
                .clone()
                .unwrap();
            let secondary = inv.nodes[inv.secondary().unwrap()]
                .appliance_id
                .clone()
                .unwrap();
            let calls = &p.endpoints[0].requests;
            let firsts: Vec<Vec<&str>> = calls
                .iter()
                .map(|c| {
                    c.body["appliances"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .take(2)
                        .map(|a| a.as_str().unwrap())
                        .collect()
                })
                .collect();
            // At each stage the primary opens the first call and the secondary comes second.
            for stage in &r.stages {
                let c = calls
                    .iter()
                    .position(|c| c.stage.as_deref() == Some(&stage.version))
                    .unwrap();
                assert_eq!(firsts[c], [primary.as_str(), secondary.as_str()]);
            }
            summary.push(format!(
                "powerstore: {} call(s); first call starts {:?}",
                calls.len(),
                firsts[0]
            ));
        }
    }
    insta::assert_snapshot!("large_500_summary", summary.join("\n"));
}

/// A firmware inventory member's `@odata.id` is the DMTF `Targets` entry of that node only.
#[test]
fn dmtf_targets_come_from_the_firmware_inventory() {
    let mut opts = options();
    opts.targets.insert(
        "n1".into(),
        "/redfish/v1/UpdateService/FirmwareInventory/2/".into(),
    );
    let (_, _, p) = plan(SEED, "three.json", Dialect::RedfishDmtf, None, &opts);
    check(&p);
    for e in &p.endpoints {
        for r in e.requests.iter().filter(|r| r.action == "simple_update") {
            let expected = (e.node.as_deref() == Some("n1"))
                .then(|| serde_json::json!(["/redfish/v1/UpdateService/FirmwareInventory/2/"]));
            assert_eq!(r.body.get("Targets").cloned(), expected, "{}", r.id);
        }
    }
}

#[test]
fn missing_endpoint_fields_are_named() {
    let g = graph(SEED);
    let inv = Inventory::from_path(format!("{FX}/two.yml").as_ref()).unwrap();
    let r = plan_rollout(&g, &inv, &RolloutRequest::new("4.3.0.0")).unwrap();
    let e = build(Dialect::Pulp, &r, &inv, &options()).unwrap_err();
    assert_eq!(e.kind(), "invalid_inventory");
    assert!(e.to_string().contains("consumer_id"), "{e}");
    let e = build(Dialect::RedfishHpe, &r, &with_endpoints(inv), &options()).unwrap_err();
    assert!(e.to_string().contains("--packages"), "{e}");
}

/// Nodes (joined, version index, zone), the primary, the secondary, the `--only` selection.
type Case = (Vec<(u64, usize, u8)>, usize, Option<usize>, Vec<bool>);

fn arb_case() -> impl Strategy<Value = Case> {
    (2usize..=9)
        .prop_flat_map(|n| {
            (
                proptest::collection::vec((0u64..20, 0usize..4, 0u8..3), n),
                0..n,
                proptest::option::of(0..n),
                proptest::collection::vec(any::<bool>(), n),
            )
        })
        .prop_map(|(nodes, p, s, only)| (nodes, p, s.filter(|&s| s != p), only))
}

fn yaml(nodes: &[(u64, usize, u8)], primary: usize, secondary: Option<usize>) -> String {
    const V: [&str; 4] = ["4.1.0.0", "4.1.0.2", "4.2.0.0", "4.2.1.0"];
    let mut out = String::from("nodes:\n");
    for (i, (joined, v, zone)) in nodes.iter().enumerate() {
        let role = if i == primary {
            "primary"
        } else if Some(i) == secondary {
            "secondary"
        } else {
            "member"
        };
        out.push_str(&format!(
            "  - {{name: n{i}, role: {role}, joined: {joined}, version: {}, zone: z{zone}, \
             bmc: 'https://n{i}.example', consumer_id: c{i}, appliance_id: A{i}}}\n",
            V[*v]
        ));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Every request of a server's endpoint targets that server only, and per server the uploads
    /// come before the queue entries that use them.
    #[test]
    fn per_server_requests((nodes, p, s, _) in arb_case(), installset in any::<bool>()) {
        let g = graph(SEED);
        let inv = Inventory::parse(&yaml(&nodes, p, s)).unwrap();
        let mut r = plan_rollout(&g, &inv, &RolloutRequest::new("4.3.0.0")).unwrap();
        let src = source(&r);
        resolve(&mut r.steps, &src).unwrap();
        let mut opts = options();
        opts.installset = installset;
        for dialect in [Dialect::RedfishHpe, Dialect::RedfishDmtf] {
            let plan = build(dialect, &r, &inv, &opts).unwrap();
            prop_assert!(plan.problems().is_empty());
            for e in &plan.endpoints {
                prop_assert_eq!(e.nodes.len(), 1);
                let me = &e.nodes[0];
                let n = &inv.nodes[inv.find(me).unwrap()];
                prop_assert_eq!(Some(&e.base_url), n.bmc.as_ref());
                let others: Vec<&str> = inv.nodes.iter().map(|x| x.name.as_str()).filter(|x| x != me).collect();
                let mut uploaded: Vec<String> = Vec::new();
                for q in &e.requests {
                    let text = serde_json::to_string(&q.body).unwrap();
                    for o in &others {
                        prop_assert!(!text.contains(&format!("\"{o}:")), "{} names {}", q.id, o);
                    }
                    for st in &q.steps {
                        prop_assert_eq!(&r.steps[*st].node, me);
                    }
                    if let Some(u) = &q.upload {
                        let f = q.body["ComponentFileName"].as_str().map(str::to_string)
                            .unwrap_or(u.serve.clone());
                        uploaded.push(f);
                    }
                    let files: Vec<String> = if q.action == "create_installset" {
                        q.body["Sequence"].as_array().unwrap().iter()
                            .filter_map(|x| x["Filename"].as_str().map(str::to_string)).collect()
                    } else {
                        q.body["Filename"].as_str().map(str::to_string).into_iter().collect()
                    };
                    for f in files {
                        prop_assert!(uploaded.contains(&f), "{} uses {} before its upload", q.id, f);
                    }
                }
            }
        }
    }

    /// Sections are numbered from 1, follow each other and cover every byte exactly once.
    #[test]
    fn sections_cover_the_file(size in 0u64..(6 * HPE_SECTION_BYTES)) {
        let s = sections(size);
        let mut next = 0;
        for (k, (n, off, len)) in s.iter().enumerate() {
            prop_assert_eq!(*n, k as u64 + 1);
            prop_assert_eq!(*off, next);
            prop_assert!(*len <= HPE_SECTION_BYTES && (*len > 0 || size == 0));
            next += len;
        }
        prop_assert_eq!(next, size);
    }

    /// PowerStore calls: at every stage the primary goes first and the secondary second (before
    /// any other appliance), whatever the zones and any `--only` the order rules accept.
    #[test]
    fn powerstore_order((nodes, p, s, only) in arb_case(), hours in proptest::option::of(1u64..6)) {
        let g = graph(SEED);
        let inv = Inventory::parse(&yaml(&nodes, p, s)).unwrap();
        let mut req = RolloutRequest::new("4.3.0.0");
        req.leaders_first = true;
        req.windows = hours.map(|h| WindowSpec::Length(Duration::from_secs(h * 3600)));
        let names: Vec<String> = inv.nodes.iter().zip(&only).filter(|(_, k)| **k).map(|(n, _)| n.name.clone()).collect();
        if !names.is_empty() {
            req = req.only(names);
        }
        let r = match plan_rollout(&g, &inv, &req) {
            Ok(r) => r,
            Err(e) => { prop_assert_eq!(e.kind(), "subset_order"); return Ok(()); }
        };
        let plan = build(Dialect::PowerStore, &r, &inv, &options()).unwrap();
        let id = |i: Option<usize>| i.map(|i| format!("A{i}"));
        let (pa, sa) = (id(inv.primary()), id(inv.secondary()));
        for stage in &r.stages {
            let order: Vec<String> = plan.endpoints.iter().flat_map(|e| &e.requests)
                .filter(|c| c.stage.as_deref() == Some(stage.version.as_str()))
                .flat_map(|c| c.body["appliances"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()))
                .collect();
            let at = |a: &Option<String>| a.as_ref().and_then(|a| order.iter().position(|x| x == a));
            if let Some(pp) = at(&pa) { prop_assert_eq!(pp, 0); }
            if let Some(sp) = at(&sa) { prop_assert_eq!(sp, usize::from(at(&pa).is_some())); }
            // Members never come before a leader that has not yet reached the stage.
            for (k, a) in order.iter().enumerate() {
                let i: usize = a[1..].parse().unwrap();
                if inv.nodes[i].role == Role::Member {
                    for l in [inv.primary(), inv.secondary()].into_iter().flatten() {
                        let leader = format!("A{l}");
                        let reached = r.nodes.iter().find(|n| n.name == inv.nodes[l].name)
                            .is_some_and(|n| !n.route.stages.contains(&stage.version));
                        prop_assert!(reached || order[..k].contains(&leader));
                    }
                }
            }
        }
    }
}
