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
    let n = spec.versions;
    let mut rng = XorShift(spec.seed.max(1));
    let names: Vec<String> = (0..n).map(|i| version_name(i, spec)).collect();
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
    let mut out = String::with_capacity(n * 80);
    out.push_str("# generated by upgrade_planner::synth::generate\n");
    for (i, name) in names.iter().enumerate() {
        out.push_str("- version: ");
        out.push_str(name);
        out.push('\n');
        if !targets[i].is_empty() {
            let list: Vec<&str> = targets[i].iter().map(|&t| names[t].as_str()).collect();
            out.push_str(&format!("  can_be_upgraded_to: [{}]\n", list.join(", ")));
        }
        if name.contains('-') {
            out.push_str("  deprecated: True\n");
        }
        if spec.conditioned_percent > 0 {
            if i > 0 && i + 1 < n && rng.below(100) < spec.conditioned_percent as usize {
                if rng.below(2) == 0 {
                    let from: Vec<&str> = (0..3)
                        .map(|_| names[i - 1 - rng.below(i.min(50))].as_str())
                        .collect();
                    out.push_str(&format!(
                        "  require_from_binary:\n    value: True\n    when_come_from: [{}]\n",
                        from.join(", ")
                    ));
                } else {
                    let to = names[i + 1 + rng.below(n - i - 1)].as_str();
                    out.push_str(&format!(
                        "  require_from_binary: {{value: true, when_upgraded_to: [{to}]}}\n"
                    ));
                }
            } else if spec.always_percent > 0
                && i + 1 < n
                && rng.below(100) < spec.always_percent as usize
            {
                out.push_str("  require_from_binary: true\n");
            }
        } else if spec.barrier_every > 0
            && i % spec.barrier_every == spec.barrier_every - 1
            && i + 1 < n
        {
            match (i / spec.barrier_every) % 3 {
                0 => out.push_str("  require_from_binary: true\n"),
                1 => {
                    let from: Vec<&str> = (0..3).map(|_| names[rng.below(i)].as_str()).collect();
                    out.push_str(&format!(
                        "  require_from_binary:\n    value: True\n    when_come_from: [{}]\n",
                        from.join(", ")
                    ));
                }
                _ => {
                    let to = names[(i + 1 + rng.below(n - i - 1)).min(n - 1)].as_str();
                    out.push_str(&format!(
                        "  require_from_binary: {{value: true, when_upgraded_to: [{to}]}}\n"
                    ));
                }
            }
        }
    }
    out
}
