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
