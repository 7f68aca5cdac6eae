//! Synthetic upgrade-dependency documents, for benchmarks and scale tests.
//!
//! The generator is deterministic (a fixed-seed xorshift: a dependency-free PRNG is enough for
//! reproducible benchmark data, and keeps the generated files identical on every machine).

/// Shape of a generated document.
#[derive(Debug, Clone, Copy)]
pub struct SynthSpec {
    /// Number of declared versions.
    pub versions: usize,
    /// Approximate number of `can_be_upgraded_to` edges (at least `versions - 1`: a chain).
    pub edges: usize,
    /// One version in `barrier_every` is a barrier (`require_from_binary`), alternating between
    /// unconditional and `when_come_from` / `when_upgraded_to` conditions.
    pub barrier_every: usize,
    /// One version in `deprecated_every` is a deprecated build-specific node.
    pub deprecated_every: usize,
    /// Percentage of versions (0–100) that are barriers with a condition, `when_come_from` (three
    /// versions among the fifty before) or `when_upgraded_to` (one newer version), half each.
    /// When non-zero it replaces the `barrier_every` pattern.
    pub conditioned_percent: u32,
    /// With `conditioned_percent`: percentage of the other versions that are unconditional
    /// barriers (`require_from_binary: true`).
    pub always_percent: u32,
    /// When non-zero, the extra edges go to a random version at most this far away, before or
    /// after: dense cycles among neighbouring versions.
    pub cycle_window: usize,
    /// Most edges out of one version (0: no limit).
    pub max_out_degree: usize,
    /// PRNG seed.
    pub seed: u64,
}

impl SynthSpec {
    /// `versions` versions with three edges each, a barrier every 25 and a deprecated build every 40.
    pub fn new(versions: usize) -> Self {
        SynthSpec {
            versions,
            edges: versions * 3,
            barrier_every: 25,
            deprecated_every: 40,
            conditioned_percent: 0,
            always_percent: 0,
            cycle_window: 0,
            max_out_degree: 0,
            seed: 0x5eed,
        }
    }

    /// [`SynthSpec::new`] where about 90% of the versions carry a `when_come_from` or
    /// `when_upgraded_to` condition: the largest state space the planner meets.
    pub fn conditioned(versions: usize) -> Self {
        SynthSpec {
            conditioned_percent: 90,
            ..SynthSpec::new(versions)
        }
    }

    /// Dense cycles: up to 7 edges per version, to neighbours up to 6 versions before or after
    /// (so most versions sit in a cycle, many of them through barriers), 80% of the versions
    /// conditioned and half of the others unconditional barriers, plus the chain that keeps the
    /// newest version reachable. Unconditional barriers on cycles are what can make the fastest
    /// walk repeat a version under `--objective stops` (passing one resets the last stop), so
    /// these graphs exercise the exact simple-path search.
    pub fn cyclic(versions: usize) -> Self {
        SynthSpec {
            edges: versions * 6,
            conditioned_percent: 80,
            always_percent: 50,
            cycle_window: 6,
            max_out_degree: 7,
            ..SynthSpec::new(versions)
        }
    }
}

struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The version name of the `i`-th generated version (ascending in version order).
pub fn version_name(i: usize, spec: &SynthSpec) -> String {
    let plain = format!("4.{}.{}.{}", i / 10_000, (i / 100) % 100, i % 100);
    if spec.deprecated_every > 0 && i % spec.deprecated_every == spec.deprecated_every - 1 {
        // A build-specific node sorts before its plain version; no plain version has this base.
        format!("{plain}-{}", 100_000 + i)
    } else {
        plain
    }
}

/// A generated entry's barrier.
enum Barrier<'a> {
    Always,
    ComeFrom(Vec<&'a str>),
    UpgradedTo(&'a str),
}

/// One generated entry: its version, targets, deprecation and barrier.
struct Entry<'a> {
    version: &'a str,
    targets: Vec<&'a str>,
    deprecated: bool,
    barrier: Option<Barrier<'a>>,
}

/// The entries of a generated document (see [`generate`]): one PRNG stream, edges first, then
/// each entry's barrier in order, so the block and flow renderings describe the same graph.
fn entries<'a>(spec: &SynthSpec, names: &'a [String]) -> Vec<Entry<'a>> {
    let n = names.len();
    let mut rng = XorShift(spec.seed.max(1));
    let mut targets: Vec<Vec<usize>> = (0..n)
        .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
        .collect();
    let extra = spec.edges.saturating_sub(n.saturating_sub(1));
    for _ in 0..extra {
        let from = rng.below(n.saturating_sub(1));
        let to = if spec.cycle_window > 0 {
            let w = spec.cycle_window;
            (from + rng.below(2 * w + 1)).saturating_sub(w)
        } else {
            from + 2 + rng.below(48)
        };
        let full = spec.max_out_degree > 0 && targets[from].len() >= spec.max_out_degree;
        if to < n && to != from && !full && !targets[from].contains(&to) {
            targets[from].push(to);
        }
    }
    let mut out = Vec::with_capacity(n);
    for (i, name) in names.iter().enumerate() {
        let barrier = if spec.conditioned_percent > 0 {
            if i > 0 && i + 1 < n && rng.below(100) < spec.conditioned_percent as usize {
                if rng.below(2) == 0 {
                    Some(Barrier::ComeFrom(
                        (0..3)
                            .map(|_| names[i - 1 - rng.below(i.min(50))].as_str())
                            .collect(),
                    ))
                } else {
                    Some(Barrier::UpgradedTo(
                        names[i + 1 + rng.below(n - i - 1)].as_str(),
                    ))
                }
            } else if spec.always_percent > 0
                && i + 1 < n
                && rng.below(100) < spec.always_percent as usize
            {
                Some(Barrier::Always)
            } else {
                None
            }
        } else if spec.barrier_every > 0
            && i % spec.barrier_every == spec.barrier_every - 1
            && i + 1 < n
        {
            Some(match (i / spec.barrier_every) % 3 {
                0 => Barrier::Always,
                1 => Barrier::ComeFrom((0..3).map(|_| names[rng.below(i)].as_str()).collect()),
                _ => Barrier::UpgradedTo(names[(i + 1 + rng.below(n - i - 1)).min(n - 1)].as_str()),
            })
        } else {
            None
        };
        out.push(Entry {
            version: name,
            targets: targets[i].iter().map(|&t| names[t].as_str()).collect(),
            deprecated: name.contains('-'),
            barrier,
        });
    }
    out
}

/// Generates a document. Every version upgrades to the next (a chain), plus random forward edges
/// (or, with [`SynthSpec::cycle_window`], edges to neighbours on either side); the last version is
/// the newest and reachable from every version.
///
/// ```
/// use upgrade_planner::synth::{generate, SynthSpec};
/// use upgrade_planner::{DepGraph, PlanRequest, Target};
/// let yaml = generate(&SynthSpec::new(500));
/// let g = DepGraph::from_yaml_str(&yaml)?;
/// assert_eq!(g.len(), 500);
/// assert!(g.plan(&PlanRequest::new("4.0.0.0", Target::Latest)).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn generate(spec: &SynthSpec) -> String {
    let names: Vec<String> = (0..spec.versions).map(|i| version_name(i, spec)).collect();
    let mut out = String::with_capacity(spec.versions * 80);
    out.push_str("# generated by upgrade_planner::synth::generate\n");
    for e in entries(spec, &names) {
        out.push_str("- version: ");
        out.push_str(e.version);
        out.push('\n');
        if !e.targets.is_empty() {
            out.push_str(&format!(
                "  can_be_upgraded_to: [{}]\n",
                e.targets.join(", ")
            ));
        }
        if e.deprecated {
            out.push_str("  deprecated: True\n");
        }
        match e.barrier {
            None => {}
            Some(Barrier::Always) => out.push_str("  require_from_binary: true\n"),
            Some(Barrier::ComeFrom(from)) => out.push_str(&format!(
                "  require_from_binary:\n    value: True\n    when_come_from: [{}]\n",
                from.join(", ")
            )),
            Some(Barrier::UpgradedTo(to)) => out.push_str(&format!(
                "  require_from_binary: {{value: true, when_upgraded_to: [{to}]}}\n"
            )),
        }
    }
    out
}

/// The document [`generate`] writes, as one line of YAML flow style (`[{version: .., ..}, ..]`),
/// after a comment line: the shape a JSON or flow-style writer produces.
///
/// ```
/// use upgrade_planner::synth::{generate, generate_flow, SynthSpec};
/// use upgrade_planner::DepGraph;
/// let spec = SynthSpec::new(300);
/// let (block, flow) = (generate(&spec), generate_flow(&spec));
/// assert_eq!(flow.lines().count(), 2);
/// let (a, b) = (DepGraph::from_yaml_str(&block)?, DepGraph::from_yaml_str(&flow)?);
/// assert_eq!((a.len(), a.graph().edge_count()), (b.len(), b.graph().edge_count()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn generate_flow(spec: &SynthSpec) -> String {
    let names: Vec<String> = (0..spec.versions).map(|i| version_name(i, spec)).collect();
    let mut out = String::with_capacity(spec.versions * 90);
    out.push_str("# generated by upgrade_planner::synth::generate_flow\n[");
    for (i, e) in entries(spec, &names).into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("{version: ");
        out.push_str(e.version);
        if !e.targets.is_empty() {
            out.push_str(&format!(", can_be_upgraded_to: [{}]", e.targets.join(", ")));
        }
        if e.deprecated {
            out.push_str(", deprecated: True");
        }
        match e.barrier {
            None => {}
            Some(Barrier::Always) => out.push_str(", require_from_binary: true"),
            Some(Barrier::ComeFrom(from)) => out.push_str(&format!(
                ", require_from_binary: {{value: True, when_come_from: [{}]}}",
                from.join(", ")
            )),
            Some(Barrier::UpgradedTo(to)) => out.push_str(&format!(
                ", require_from_binary: {{value: true, when_upgraded_to: [{to}]}}"
            )),
        }
        out.push('}');
    }
    out.push_str("]\n");
    out
}

/// A cluster inventory of `nodes` nodes on version 4.1.0.0 (`node-0` primary, `node-1`
/// secondary, the rest members) as JSON: on one line, as `json.dumps` or `jq -c` write it, or
/// indented by two spaces, as `jq .` writes it.
///
/// ```
/// use upgrade_planner::rollout::inventory::Inventory;
/// let compact = upgrade_planner::synth::inventory_json(50, false);
/// assert_eq!(compact.lines().count(), 1);
/// let inv = Inventory::parse(&compact)?;
/// assert_eq!(inv.nodes.len(), 50);
/// let indented = upgrade_planner::synth::inventory_json(50, true);
/// assert_eq!(Inventory::parse(&indented)?.nodes.len(), 50);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn inventory_json(nodes: usize, indented: bool) -> String {
    let (nl, i1, i2, i3, sp) = if indented {
        ("\n", "  ", "    ", "      ", " ")
    } else {
        ("", "", "", "", "")
    };
    let mut out = String::with_capacity(nodes * 140);
    out.push_str(&format!(
        "{{{nl}{i1}\"cluster\":{sp}\"synth\",{nl}{i1}\"package\":{sp}\"oceanbase-ce\",{nl}{i1}\"nodes\":{sp}["
    ));
    for i in 0..nodes {
        let role = match i {
            0 => "primary",
            1 => "secondary",
            _ => "member",
        };
        let comma = if i + 1 < nodes { "," } else { "" };
        out.push_str(&format!(
            "{nl}{i2}{{{nl}{i3}\"name\":{sp}\"node-{i}\",{nl}{i3}\"role\":{sp}\"{role}\",{nl}\
             {i3}\"joined\":{sp}\"2023-04-01T09:{:02}:{:02}Z\",{nl}{i3}\"version\":{sp}\"4.1.0.0\"{nl}{i2}}}{comma}",
            (i / 60) % 60,
            i % 60
        ));
    }
    out.push_str(&format!("{nl}{i1}]{nl}}}\n"));
    out
}

/// The six items of a real DataOntap package (`docs/npm.md`), the head of generated NPM metadata.
const NPM_HEAD: &[(&str, &str)] = &[
    ("PKG_TYPE", "DataOntap"),
    ("PKG_DTS", "Thu Oct 15 11:55:39 2009 GMT"),
    ("CPU_ARCH", "pc"),
    (
        "ONTAP_RLS",
        "NetApp Release 7.3.2: Thu Oct 15 04:17:39 PDT 2009",
    ),
    ("FILESYS_VER", "21"),
    ("NVLOG_VER", "7"),
];

/// NPM metadata items of about `bytes` bytes of text: the six items of a real package, then
/// numbered `PKG_NOTE_*` items of about `note_bytes` bytes each (release-note text).
pub fn npm_items(bytes: usize, note_bytes: usize) -> Vec<(String, String)> {
    let mut items: Vec<(String, String)> = NPM_HEAD
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let mut len: usize = items.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    let sentence = "fixes in WAFL, RAID and the NFS server; ";
    let mut i = 0;
    while len < bytes {
        let name = format!("PKG_NOTE_{i:07}");
        let mut value = format!("release note {i}: ");
        while value.len() + name.len() + 2 + sentence.len() <= note_bytes.max(40) {
            value.push_str(sentence);
        }
        let value = value.trim_end().to_string();
        len += name.len() + value.len() + 2;
        items.push((name, value));
        i += 1;
    }
    items
}

/// `items` as the NPM text dump (`NAME=VALUE` per line).
pub fn npm_text(items: &[(String, String)]) -> String {
    let mut out = String::new();
    for (n, v) in items {
        out.push_str(n);
        out.push('=');
        out.push_str(v);
        out.push('\n');
    }
    out
}

/// `items` as a ZAPI response on one line (as a client that does not pretty-print sends it).
pub fn npm_xml_one_line(items: &[(String, String)]) -> String {
    let mut out = String::from(
        "<netapp version='1.9' xmlns='http://www.netapp.com/filer/admin'><results status=\"passed\"><npm-metadata>",
    );
    for (n, v) in items {
        out.push_str("<npm-meta-elem-info><npm-meta-name>");
        out.push_str(&quick_xml::escape::escape(n.as_str()));
        out.push_str("</npm-meta-name><npm-meta-value>");
        out.push_str(&quick_xml::escape::escape(v.as_str()));
        out.push_str("</npm-meta-value></npm-meta-elem-info>");
    }
    out.push_str("</npm-metadata></results></netapp>\n");
    out
}
