//! Resource limits applied to every input, in one place.
//!
//! Each limit, when hit, produces an error that names it, so that an operator knows which input was
//! too large and by how much. The values are generous for real files (the largest real
//! upgrade-dependency file is a few kilobytes) and small enough that hostile input fails fast.

/// Largest upgrade-dependency (or other YAML) document accepted, in bytes. Real files are a few
/// kilobytes; a generated 10,000-version file is under 1 MiB.
pub const MAX_YAML_BYTES: usize = 8 * 1024 * 1024;
/// Deepest nesting of YAML sequences and mappings.
pub const MAX_YAML_DEPTH: usize = 64;
/// Most YAML nodes (scalars, sequences, mappings) in one document, counting every alias expansion.
/// Enough for about 50,000 versions; keeps the span-keeping tree of any accepted file well under
/// 64 MiB.
pub const MAX_YAML_NODES: usize = 300_000;
/// Most nodes that aliases (`*name`) may expand to in one document. Upgrade files and inventories
/// need no aliases at all; this stops an alias bomb before it copies anything large.
pub const MAX_YAML_ALIAS_NODES: usize = 50_000;
/// Longest version string, in bytes.
pub const MAX_VERSION_LEN: usize = 256;
/// Most dot-separated numeric components in one version.
pub const MAX_VERSION_COMPONENTS: usize = 32;
/// Most versions (declared and implicit) in one dependency graph.
pub const MAX_GRAPH_NODES: usize = 1_000_000;
/// Most `can_be_upgraded_to` edges in one dependency graph.
pub const MAX_GRAPH_EDGES: usize = 4_000_000;
/// Most states the exact simple-path search may create (only used for `--objective stops` when
/// the graph's cycles let the fastest walk revisit a version; see the planner docs). A state takes
/// about 60 bytes, so the search stays under 64 MiB.
pub const MAX_EXACT_SEARCH_STATES: usize = 1_000_000;

// --- lint, diff and graph ---------------------------------------------------------------------

/// Most work (edges × 64-bit words, one bit per conditioned barrier) the
/// `unreachable-barrier-condition` rule may spend on its reachability bit sets; it also bounds
/// their memory (at most 32 MiB). Beyond it the rule is skipped with an `analysis-limit` note. A
/// 10,000-version file with 30,000 edges may hold about 6,000 conditioned barriers.
pub const MAX_LINT_REACHABILITY_WORK: usize = 4_000_000;
/// Most findings `lint` lists for one file (a note says how many more there were).
pub const MAX_LINT_FINDINGS: usize = 10_000;
/// Most versions (the union of both files) `diff` compares: it compares every ordered pair (one
/// search per start and file), so the work and the output grow with the square of this number.
pub const MAX_DIFF_VERSIONS: usize = 1_000;

// ---- Rollout planning (cluster inventories, maintenance windows, `--only`) ----

/// Most nodes in one cluster inventory.
pub const MAX_INVENTORY_NODES: usize = 10_000;
/// Longest node name, zone name, cluster name or package name in an inventory, in bytes.
pub const MAX_INVENTORY_NAME_LEN: usize = 256;
/// Longest duration accepted for one step estimate or one maintenance window, in seconds (30 days).
pub const MAX_DURATION_SECS: u64 = 30 * 24 * 3600;
/// Most maintenance windows in one `--windows` file.
pub const MAX_WINDOWS: usize = 10_000;
/// Largest Redfish firmware inventory (`--firmware-inventory`) read, in bytes. A server's
/// expanded `FirmwareInventory` is tens of kilobytes.
pub const MAX_FIRMWARE_INVENTORY_BYTES: usize = 16 * 1024 * 1024;
/// Most members of one firmware inventory collection.
pub const MAX_FIRMWARE_MEMBERS: usize = 10_000;
/// Most rounds of route reconciliation between nodes on different versions (each round adds at
/// least one shared stage to a node's route, so real clusters need two or three).
pub const MAX_RECONCILE_ROUNDS: usize = 64;

// --- NetApp NPM package metadata (`crate::npm`) ---

/// Largest NPM metadata input (text or XML) accepted, in bytes. Real metadata is well under a
/// kilobyte; the limit leaves room for generated benchmark inputs of tens of megabytes.
pub const MAX_NPM_BYTES: usize = 64 * 1024 * 1024;
/// Most items (name/value pairs) in one NPM metadata input. Real metadata has about ten; the
/// memory the items hold is bounded besides ([`npm_item_memory`]).
pub const MAX_NPM_ITEMS: usize = 1_000_000;
/// Most memory the items of one NPM input may hold, in bytes, whatever its size (see
/// [`npm_item_memory`]).
pub const MAX_NPM_ITEM_MEMORY: usize = 160 * 1024 * 1024;

/// Most memory the items read from an NPM input of `input_len` bytes may hold: 3 bytes per byte
/// of input + 16 MiB, at most [`MAX_NPM_ITEM_MEMORY`]. An item costs about 120 bytes besides its
/// text, so this keeps a reader within 4x its input + 32 MiB (issue 15's bound) for the smallest
/// items (`X=` lines stop after about 100,000) while 40 MB of 75-byte items (520,000) read whole.
pub fn npm_item_memory(input_len: usize) -> usize {
    input_len
        .saturating_mul(3)
        .saturating_add(16 * 1024 * 1024)
        .min(MAX_NPM_ITEM_MEMORY)
}
/// Most values one multi-valued NPM item may be split into.
pub const MAX_NPM_VALUES_PER_ITEM: usize = 10_000;
/// Most findings (warnings) kept for one NPM input; further ones are summarised in one note.
pub const MAX_NPM_FINDINGS: usize = 1_000;
/// Deepest XML element nesting accepted in the NPM XML form (the ZAPI shape needs 5 levels).
pub const MAX_NPM_XML_DEPTH: usize = 256;

// ---------------------------------------------------------------------------------------------
// RPM packages (`crate::rpm`). The header limits are librpm's own (rpm 4.18 `lib/header.c`:
// `HEADER_TAGS_MAX`, `HEADER_DATA_MAX`), so every package rpm accepts is accepted here, and they
// are checked on the 16-byte header intro before anything sized from the input is allocated.
// ---------------------------------------------------------------------------------------------

/// Most index entries (tags) in one RPM header (librpm's `HEADER_TAGS_MAX`).
pub const MAX_RPM_HEADER_TAGS: u32 = 0xffff;
/// Largest data store of one RPM header, in bytes (librpm's `HEADER_DATA_MAX`, 256 MiB − 1).
pub const MAX_RPM_HEADER_DATA: u32 = 0x0fff_ffff;
/// Longest file name in a cpio entry of an RPM payload, NUL included (librpm's
/// `CPIO_NAMESIZE_MAX`).
pub const MAX_CPIO_NAME: u32 = 4096;
/// Most memory an xz/lzma payload decoder may use for its dictionary, in KiB (256 MiB; rpm's
/// strongest xz preset needs 64 MiB). A payload asking for more is refused as corrupt.
pub const MAX_XZ_DECODER_MEMORY_KIB: u32 = 256 * 1024;
/// Largest zstd window accepted, as a power of two (2^27 = 128 MiB, zstd's default limit).
pub const MAX_ZSTD_WINDOW_LOG: u32 = 27;
/// Largest chunk size accepted by `inspect --chunk-size` (4 GiB).
pub const MAX_CHUNK_SIZE: u64 = 4 * 1024 * 1024 * 1024;
/// Largest file `extract` holds in memory before writing it to stdout (it is written only once
/// its digest is verified; larger files are staged in a temporary file instead).
pub const MAX_EXTRACT_MEMORY_STAGING: u64 = 16 * 1024 * 1024;

// --- Known upgrade risks (`crate::risks`, `--risks`, `--facts`, inventory `facts:`) ---

/// Most risk files `--risks DIR` reads from one directory.
pub const MAX_RISK_FILES: usize = 10_000;
/// Most risks in one `--risks` file or directory (OpenShift's graph data has about 2,000).
pub const MAX_RISKS: usize = 10_000;
/// Longest `from` pattern of one risk, in bytes (real ones are a few dozen bytes).
pub const MAX_RISK_PATTERN_LEN: usize = 1024;
/// Most bytes one `from` pattern may compile to (the `regex` crate's `size_limit`): stops
/// repetition bombs such as `(a{1000}){1000}` before they allocate.
pub const MAX_RISK_REGEX_SIZE: usize = 1024 * 1024;
/// Most bytes every distinct `from` pattern of a risks input may compile to together (one
/// `RegexSet`), and the budget of its lazy DFA cache: keeps any accepted input well under 64 MiB.
pub const MAX_RISK_REGEX_SET_SIZE: usize = 8 * 1024 * 1024;
/// Most facts (after flattening nested mappings to dotted names) in one `facts:` mapping or
/// `--facts` file.
pub const MAX_FACTS: usize = 10_000;
/// Longest fact name (dotted) or fact value, in bytes.
pub const MAX_FACT_LEN: usize = 4096;

/// Most files `rollout --packages DIR` reads from one directory.
pub const MAX_PACKAGE_DIR_FILES: usize = 100_000;

// ---------------------------------------------------------------------------------------------
// Hostile input (issue 7). Every limit of this file, with the error it produces, is listed in
// `docs/limits.md`.
// ---------------------------------------------------------------------------------------------

/// Most archive bytes an RPM payload may decompress to per compressed byte consumed so far
/// (checked on every read once the output passes [`PAYLOAD_RATIO_GRACE_BYTES`]). gzip cannot
/// exceed ~1030:1 and real RPM payloads are 2:1 to 20:1, so a stream past this ratio is a
/// decompression bomb: it stops early with `corrupt_payload` instead of being skipped through for
/// minutes.
pub const MAX_PAYLOAD_RATIO: u64 = 1_000;
/// Archive bytes a payload may produce before [`MAX_PAYLOAD_RATIO`] applies (small payloads of
/// highly compressible files are fine at any ratio).
pub const PAYLOAD_RATIO_GRACE_BYTES: u64 = 64 * 1024 * 1024;
/// Most archive bytes any RPM payload may decompress to (64 GiB), whatever its compressed size.
pub const MAX_PAYLOAD_ARCHIVE_BYTES: u64 = 64 * 1024 * 1024 * 1024;

/// Longest line of the NPM text form, in bytes (1 MiB; the longest sample value is about 30,000
/// characters). A longer line is refused with `too-large` naming the line.
pub const MAX_NPM_LINE_BYTES: usize = 1024 * 1024;

// --- Benchmarks and the xz block seek (`crate::rpm::seek`) ---

/// Largest xz index read to seek into a multi-block payload (16 MiB: a few million blocks; rpm's
/// 500 MB packages have about a hundred). A larger index is not used; the payload is streamed.
pub const MAX_XZ_INDEX_BYTES: u64 = 16 * 1024 * 1024;

// --- Package trust (`crate::rpm::signature`, `--keyring`) ---

/// Largest key file `--keyring` reads, in bytes (4 MiB: a public key is a few kilobytes, a
/// distribution's whole keyring a few hundred). A larger file is refused naming it, before parsing.
pub const MAX_KEYRING_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Most files read from one `--keyring` directory.
pub const MAX_KEYRING_FILES: usize = 1_000;
/// Most keys (primary keys and subkeys) in all `--keyring` files together.
pub const MAX_KEYRING_KEYS: usize = 10_000;
/// Smallest RSA key whose signatures are verified, in bits; a smaller one is `unsupported`.
pub const MIN_RSA_BITS: u16 = 2048;
/// Largest RSA key whose signatures are verified, in bits (what `pgp` verifies without its
/// `large-rsa` feature); a larger one is `unsupported`.
pub const MAX_RSA_BITS: u16 = 4096;
/// Most signatures read from one rpm 6 OPENPGP tag (278); further ones are ignored.
pub const MAX_OPENPGP_SIGNATURES: usize = 64;
