//! Planning between two ONTAP metadata sets on the illustrative route file `data/ontap-example.yml`.

use upgrade_planner::npm::{self, NpmPlanError, Verdict};
use upgrade_planner::{DepGraph, Objective};

fn graph() -> DepGraph {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/ontap-example.yml");
    DepGraph::from_path(&path, None).unwrap()
}

fn meta(rls: &str, fs: u32) -> npm::Package {
    npm::read(
        format!(
            "PKG_TYPE=DataOntap\nPKG_DTS=Thu Oct 15 11:55:39 2009 GMT\nCPU_ARCH=pc\n\
             ONTAP_RLS=NetApp Release {rls}: Thu Oct 15 04:17:39 PDT 2009\nFILESYS_VER={fs}\nNVLOG_VER=7\n"
        )
        .as_bytes(),
    )
    .unwrap()
}

#[test]
fn every_node_of_the_example_is_an_ontap_release() {
    let g = graph();
    for (_, node) in g.nodes() {
        let name = node.to_string();
        let release = npm::OntapRelease::from_graph_node(&name)
            .unwrap_or_else(|| panic!("{name} is not an ONTAP node"));
        assert_eq!(release.graph_node().unwrap(), name);
    }
}

#[test]
fn plans_from_7_3_to_8_2() {
    let route = npm::plan_between(
        &graph(),
        &meta("7.3.2", 21),
        &meta("8.2.5P1 7-Mode", 27),
        Objective::Hops,
    )
    .unwrap();
    // Two 4-hop routes (via 7.3.7P1 or via 8.0.2); the tie goes to the older versions.
    assert_eq!(
        route.plan.path,
        [
            "7.3.2.0.1000",
            "7.3.7.0.1000",
            "7.3.7.0.1001",
            "8.1.2.0.1000",
            "8.2.5.0.1001"
        ]
    );
    assert_eq!(
        route.path_releases,
        ["7.3.2", "7.3.7", "7.3.7P1", "8.1.2", "8.2.5P1"]
    );
    // 8.1.2 is a barrier only when the last stop is 7.3.7 or 7.3.7P1; here it is the start, 7.3.2.
    assert!(route.plan.binary_stops.is_empty());
    assert_eq!(route.check.verdict, Verdict::Upgrade);
}

#[test]
fn the_barrier_is_a_binary_stop_with_release_names() {
    let route = npm::plan_between(
        &graph(),
        &meta("7.3.7P1", 21),
        &meta("8.2.5P1 7-Mode", 27),
        Objective::Hops,
    )
    .unwrap();
    let named = route.with_release_names();
    assert_eq!(named.path, ["7.3.7P1", "8.1.2", "8.2.5P1"]);
    assert_eq!(named.binary_stops, ["8.1.2"]);
    assert_eq!(
        (named.from.as_str(), named.to.as_str()),
        ("7.3.7P1", "8.2.5P1")
    );
    let text = upgrade_planner::render::plan::to_text(&named);
    assert!(
        text.contains("8.1.2") && !text.contains("8.1.2.0.1000"),
        "{text}"
    );
}

#[test]
fn patch_and_rc_releases_are_placed() {
    let route = npm::plan_between(
        &graph(),
        &meta("8.0.1RC2 7-Mode", 23),
        &meta("8.0.3P3 7-Mode", 23),
        Objective::Hops,
    )
    .unwrap();
    assert_eq!(route.path_releases, ["8.0.1RC2", "8.0.2", "8.0.3P3"]);
}

#[test]
fn refusals_have_stable_kinds() {
    let g = graph();
    let kind = |a: &str, b: &str| {
        npm::plan_between(&g, &meta(a, 21), &meta(b, 21), Objective::Hops)
            .unwrap_err()
            .kind()
    };
    assert_eq!(kind("8.1.2 7-Mode", "8.2.1 Cluster-Mode"), "mode_mismatch");
    assert_eq!(
        kind("8.1.1X34 7-Mode", "8.2.5P1 7-Mode"),
        "unplaceable_release"
    );
    assert_eq!(kind("7.3.3", "8.2.5P1 7-Mode"), "unknown_start");
    assert_eq!(kind("8.2.5P1 7-Mode", "7.3.2"), "no_route");
    assert_eq!(kind("7.3.2", "8.0.1RC2 7-Mode"), "deprecated_target");
    let service = npm::read(
        b"PKG_TYPE=Service\nPKG_DTS=Thu Jan 15 20:13:02 2009 GMT\nCPU_ARCH=pc\nOFW_VER=4.3\n",
    )
    .unwrap();
    let e = npm::plan_between(&g, &meta("7.3.2", 21), &service, Objective::Hops).unwrap_err();
    assert!(
        matches!(
            e,
            NpmPlanError::NotOntap {
                which: "package",
                ..
            }
        ),
        "{e}"
    );
}
