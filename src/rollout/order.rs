//! The order nodes are upgraded in at every stage, and the rule a `--only` subset must respect.
//!
//! Without zones: the primary, then the secondary (the management database fail-over target), then
//! the other nodes in the order they joined (ties: file order). With zones, the nodes of one zone go
//! together and zones follow the same rule: the zone holding the primary first, then the zone
//! holding the secondary, then the others by their earliest-joined node (ties: zone name); inside a
//! zone, the same node rule applies.
//!
//! ```
//! use upgrade_planner::rollout::{inventory::Inventory, order::cluster_order};
//! let inv = Inventory::parse("nodes:\n\
//!   - {name: m, role: member, joined: 1, version: 1}\n\
//!   - {name: s, role: secondary, joined: 3, version: 1}\n\
//!   - {name: p, role: primary, joined: 2, version: 1}\n")?;
//! let names: Vec<_> = cluster_order(&inv).into_iter().map(|i| inv.nodes[i].name.as_str()).collect();
//! assert_eq!(names, ["p", "s", "m"]);
//! # Ok::<(), upgrade_planner::rollout::inventory::InventoryError>(())
//! ```

use super::inventory::{ClusterNode, Inventory, Joined, Role};
use std::collections::BTreeMap;

fn node_key(n: &ClusterNode, file_index: usize) -> (Role, Joined, usize) {
    (n.role, n.joined, file_index)
}

/// The indexes of the inventory's nodes, in upgrade order.
pub fn cluster_order(inv: &Inventory) -> Vec<usize> {
    let mut zones: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, n) in inv.nodes.iter().enumerate() {
        zones.entry(n.zone.as_deref()).or_default().push(i);
    }
    let key = |i: usize| inv.nodes.get(i).map(|n| node_key(n, i));
    let mut groups: Vec<(Option<&str>, Vec<usize>)> = zones.into_iter().collect();
    for (_, members) in &mut groups {
        members.sort_by_key(|&i| key(i));
    }
    // A zone's rank is its best node's key: the primary's zone first, then the secondary's,
    // then by earliest join; the zone name breaks ties.
    groups.sort_by(|(za, a), (zb, b)| {
        let ka = a.first().and_then(|&i| key(i));
        let kb = b.first().and_then(|&i| key(i));
        ka.map(|k| (k.0, k.1))
            .cmp(&kb.map(|k| (k.0, k.1)))
            .then_with(|| za.cmp(zb))
    });
    groups.into_iter().flat_map(|(_, m)| m).collect()
}

/// PowerStore's strict rule: the primary first, the secondary second, whatever the zones; then
/// the other nodes in [`cluster_order`] (zones order only the rest).
///
/// ```
/// use upgrade_planner::rollout::{inventory::Inventory, order::leaders_first_order};
/// let inv = Inventory::parse("nodes:\n\
///   - {name: a, role: member, joined: 1, version: 1, zone: za}\n\
///   - {name: s, role: secondary, joined: 3, version: 1, zone: zb}\n\
///   - {name: p, role: primary, joined: 2, version: 1, zone: za}\n")?;
/// let names: Vec<_> = leaders_first_order(&inv).into_iter().map(|i| inv.nodes[i].name.as_str()).collect();
/// assert_eq!(names, ["p", "s", "a"]);
/// # Ok::<(), upgrade_planner::rollout::inventory::InventoryError>(())
/// ```
pub fn leaders_first_order(inv: &Inventory) -> Vec<usize> {
    let leaders: Vec<usize> = [inv.primary(), inv.secondary()]
        .into_iter()
        .flatten()
        .collect();
    let rest = cluster_order(inv)
        .into_iter()
        .filter(|i| !leaders.contains(i));
    leaders.iter().copied().chain(rest).collect()
}

/// For each node (by inventory index), its position in [`cluster_order`].
pub fn positions(inv: &Inventory) -> Vec<usize> {
    positions_in(&cluster_order(inv), inv.nodes.len())
}

/// For each of `len` nodes (by inventory index), its position in `order`.
pub fn positions_in(order: &[usize], len: usize) -> Vec<usize> {
    let mut pos = vec![0; len];
    for (p, &i) in order.iter().enumerate() {
        if let Some(slot) = pos.get_mut(i) {
            *slot = p;
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> Vec<String> {
        let inv = Inventory::parse(src).unwrap();
        cluster_order(&inv)
            .into_iter()
            .map(|i| inv.nodes[i].name.clone())
            .collect()
    }

    #[test]
    fn primary_secondary_then_join_order() {
        let got = names(
            "nodes:\n\
             - {name: m3, role: member, joined: 3, version: 1}\n\
             - {name: m1, role: member, joined: 1, version: 1}\n\
             - {name: s, role: secondary, joined: 9, version: 1}\n\
             - {name: p, role: primary, joined: 5, version: 1}\n\
             - {name: m2, role: member, joined: 2, version: 1}\n",
        );
        assert_eq!(got, ["p", "s", "m1", "m2", "m3"]);
    }

    #[test]
    fn zones_go_together_primary_zone_first() {
        let got = names(
            "nodes:\n\
             - {name: a1, role: member, joined: 1, version: 1, zone: za}\n\
             - {name: c1, role: member, joined: 2, version: 1, zone: zc}\n\
             - {name: b1, role: secondary, joined: 7, version: 1, zone: zb}\n\
             - {name: p, role: primary, joined: 8, version: 1, zone: zc}\n\
             - {name: a2, role: member, joined: 3, version: 1, zone: za}\n\
             - {name: b2, role: member, joined: 0, version: 1, zone: zb}\n",
        );
        assert_eq!(got, ["p", "c1", "b1", "b2", "a1", "a2"]);
    }

    #[test]
    fn times_order_like_numbers() {
        let got = names(
            "nodes:\n\
             - {name: late, role: member, joined: '2024-01-01T00:00:00Z', version: 1}\n\
             - {name: early, role: member, joined: '2023-01-01T00:00:00+08:00', version: 1}\n\
             - {name: p, role: primary, joined: '2025-01-01T00:00:00Z', version: 1}\n",
        );
        assert_eq!(got, ["p", "early", "late"]);
    }
}
