//! Resource limits applied to every input, in one place.
//!
//! Each limit, when hit, produces an error that names it, so that an operator knows which input was
//! too large and by how much. The values are generous for real files (the largest real
//! upgrade-dependency file is a few kilobytes) and small enough that hostile input fails fast.

/// Largest upgrade-dependency (or other YAML) document accepted, in bytes.
pub const MAX_YAML_BYTES: usize = 16 * 1024 * 1024;
/// Deepest nesting of YAML sequences and mappings.
pub const MAX_YAML_DEPTH: usize = 64;
/// Most YAML nodes (scalars, sequences, mappings) in one document, counting every alias expansion.
pub const MAX_YAML_NODES: usize = 2_000_000;
/// Longest version string, in bytes.
pub const MAX_VERSION_LEN: usize = 256;
/// Most dot-separated numeric components in one version.
pub const MAX_VERSION_COMPONENTS: usize = 32;
/// Most versions (declared and implicit) in one dependency graph.
pub const MAX_GRAPH_NODES: usize = 1_000_000;
/// Most `can_be_upgraded_to` edges in one dependency graph.
pub const MAX_GRAPH_EDGES: usize = 4_000_000;
/// Most states the exact simple-path search may visit (only used for `--objective stops` on
/// graphs whose cycles let the fast search revisit a version; see the planner docs).
pub const MAX_SIMPLE_PATH_SEARCH_STEPS: usize = 2_000_000;

// --- NetApp NPM package metadata (`crate::npm`) ---

/// Largest NPM metadata input (text or XML) accepted, in bytes. Real metadata is well under a
/// kilobyte; the limit leaves room for generated benchmark inputs of tens of megabytes.
pub const MAX_NPM_BYTES: usize = 64 * 1024 * 1024;
/// Most items (name/value pairs) in one NPM metadata input.
pub const MAX_NPM_ITEMS: usize = 1_000_000;
/// Most values one multi-valued NPM item may be split into.
pub const MAX_NPM_VALUES_PER_ITEM: usize = 10_000;
/// Most findings (warnings) kept for one NPM input; further ones are summarised in one note.
pub const MAX_NPM_FINDINGS: usize = 1_000;
/// Deepest XML element nesting accepted in the NPM XML form (the ZAPI shape needs 5 levels).
pub const MAX_NPM_XML_DEPTH: usize = 256;
