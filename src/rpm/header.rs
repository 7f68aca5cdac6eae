//! The RPM lead, signature header and main header: bounds-checked parsing of the on-disk format.
//!
//! Layout of a package (rpm 4.x, "v3" headers):
//!
//! ```text
//! lead (96 bytes) | signature header | padding to 8 | main header | payload
//! header = magic 8E AD E8 01 00000000 | il: u32 BE | dl: u32 BE | il × index entry (16 bytes) | store (dl bytes)
//! index entry = tag: u32 | type: u32 | offset: u32 | count: u32   (all big-endian)
//! ```
//!
//! **Why not the `rpm` crate.** `rpm` 0.30 trusts the intro's entry count and data size (a `u32`
//! product that can overflow before a `vec![0; n]` of up to 4 GiB) and slices the store at entry
//! offsets without checking them, so a hostile package can make it panic or exhaust memory. We need
//! the raw header bytes for the digests anyway, and the format is small, so the index is parsed here
//! with `nom` and every check librpm makes (`lib/header.c`, rpm 4.18: `hdrchkTags`, `hdrchkData`,
//! `hdrchkType`, `hdrchkAlign`, `hdrchkRange`, string termination) is made on the 16-byte intro and
//! on each index entry **before** any allocation sized from the input. Like librpm we also compare
//! all 8 bytes of the header magic, check the region tag and its trailer (`hdrblobVerifyRegion`),
//! refuse entries whose data overlaps or precedes the previous entry's (`hdrblobVerifyInfo`), and
//! check the signature header's digest and size tags ([`check_signature_tags`]).

use super::RpmError;
use crate::limits;
use nom::IResult;
use nom::Parser;
use nom::bytes::complete::{tag as nom_tag, take};
use nom::number::complete::{be_u8, be_u16, be_u32};
use std::io::Read;
use std::path::Path;

/// Size of the lead, in bytes.
pub const LEAD_SIZE: usize = 96;
/// The lead's magic number.
pub const LEAD_MAGIC: [u8; 4] = [0xed, 0xab, 0xee, 0xdb];
/// The header magic (3 bytes) followed by the header version (1).
pub const HEADER_MAGIC: [u8; 4] = [0x8e, 0xad, 0xe8, 0x01];
/// The full 8-byte header magic librpm compares (`rpm_header_magic`): the magic, the version and
/// 4 reserved bytes that must be zero.
pub const HEADER_MAGIC_FULL: [u8; 8] = [0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0];
/// Size of a header intro: magic, version, 4 reserved bytes, entry count, data size.
pub const INTRO_SIZE: usize = 16;
/// Size of one index entry.
pub const ENTRY_SIZE: usize = 16;

/// Tag numbers used by this crate (`rpmtag.h`). Signature-header tags share the numbering.
pub mod tag {
    /// `RPMTAG_HEADERIMAGE`: what some old packages wrote in their signature region trailer.
    pub const HEADERIMAGE: u32 = 61;
    /// Region tag opening the signature header (`RPMTAG_HEADERSIGNATURES`).
    pub const HEADERSIGNATURES: u32 = 62;
    /// Region tag opening the main header (`RPMTAG_HEADERIMMUTABLE`).
    pub const HEADERIMMUTABLE: u32 = 63;
    /// The first tag number an ordinary entry may have (`RPMTAG_HEADERI18NTABLE`); librpm refuses
    /// entries below it other than the leading region tag.
    pub const HEADERI18NTABLE: u32 = 100;

    /// Signature header: size of header + payload (32-bit).
    pub const SIG_SIZE: u32 = 1000;
    /// Signature header: PGP signature of header + payload.
    pub const SIG_PGP: u32 = 1002;
    /// Signature header: MD5 of header + payload (16 bytes).
    pub const SIG_MD5: u32 = 1004;
    /// Signature header: GPG signature of header + payload.
    pub const SIG_GPG: u32 = 1005;
    /// Signature header: uncompressed payload size (32-bit).
    pub const SIG_PAYLOADSIZE: u32 = 1007;
    /// Signature header: reserved space for signatures added later (zeros).
    pub const SIG_RESERVEDSPACE: u32 = 1008;
    /// Signature header: DSA signature of the header.
    pub const SIG_DSA: u32 = 267;
    /// Signature header: RSA signature of the header.
    pub const SIG_RSA: u32 = 268;
    /// Signature header: SHA-1 of the main header, hex.
    pub const SIG_SHA1: u32 = 269;
    /// Signature header: size of header + payload (64-bit).
    pub const SIG_LONGSIZE: u32 = 270;
    /// Signature header: uncompressed payload size (64-bit).
    pub const SIG_LONGARCHIVESIZE: u32 = 271;
    /// Signature header: SHA-256 of the main header, hex.
    pub const SIG_SHA256: u32 = 273;
    /// Signature header: OpenPGP v6 / other signatures (rpm 4.20+), reported as present only.
    pub const SIG_OPENPGP: u32 = 278;

    /// Package name.
    pub const NAME: u32 = 1000;
    /// Version.
    pub const VERSION: u32 = 1001;
    /// Release.
    pub const RELEASE: u32 = 1002;
    /// Epoch (int32).
    pub const EPOCH: u32 = 1003;
    /// One-line summary (i18n string).
    pub const SUMMARY: u32 = 1004;
    /// Build time (seconds since the epoch).
    pub const BUILDTIME: u32 = 1006;
    /// Build host.
    pub const BUILDHOST: u32 = 1007;
    /// Total size of the files (32-bit).
    pub const SIZE: u32 = 1009;
    /// Licence.
    pub const LICENSE: u32 = 1014;
    /// Operating system.
    pub const OS: u32 = 1021;
    /// Architecture.
    pub const ARCH: u32 = 1022;
    /// Full file names (packages older than rpm 4.0).
    pub const OLDFILENAMES: u32 = 1027;
    /// File sizes (32-bit).
    pub const FILESIZES: u32 = 1028;
    /// File modes (int16).
    pub const FILEMODES: u32 = 1030;
    /// File digests, hex (empty for non-regular files).
    pub const FILEDIGESTS: u32 = 1035;
    /// Symlink targets.
    pub const FILELINKTOS: u32 = 1036;
    /// File flags (`%config`, `%ghost`, ...).
    pub const FILEFLAGS: u32 = 1037;
    /// Source package name.
    pub const SOURCERPM: u32 = 1044;
    /// File devices (hard-link sets).
    pub const FILEDEVICES: u32 = 1095;
    /// File inodes (hard-link sets).
    pub const FILEINODES: u32 = 1096;
    /// Index into DIRNAMES of each file.
    pub const DIRINDEXES: u32 = 1116;
    /// File base names.
    pub const BASENAMES: u32 = 1117;
    /// Directory names (with a trailing `/`).
    pub const DIRNAMES: u32 = 1118;
    /// Payload format (`cpio`).
    pub const PAYLOADFORMAT: u32 = 1124;
    /// Payload compressor (`gzip`, `bzip2`, `xz`, `lzma`, `zstd`); absent when uncompressed.
    pub const PAYLOADCOMPRESSOR: u32 = 1125;
    /// Payload flags (compression level, e.g. `9`, `2T0`, `19T0`).
    pub const PAYLOADFLAGS: u32 = 1126;
    /// File sizes (64-bit; used instead of FILESIZES when a file is ≥ 4 GiB).
    pub const LONGFILESIZES: u32 = 5008;
    /// Total size of the files (64-bit).
    pub const LONGSIZE: u32 = 5009;
    /// Algorithm of FILEDIGESTS (absent: MD5).
    pub const FILEDIGESTALGO: u32 = 5011;
    /// Digest of the compressed payload, hex.
    pub const PAYLOADDIGEST: u32 = 5092;
    /// Algorithm of PAYLOADDIGEST.
    pub const PAYLOADDIGESTALGO: u32 = 5093;
}

/// Data types of index entries (`rpm_tagtype_e`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataType {
    /// No data.
    Null,
    /// Characters.
    Char,
    /// 8-bit integers.
    Int8,
    /// 16-bit integers.
    Int16,
    /// 32-bit integers.
    Int32,
    /// 64-bit integers.
    Int64,
    /// One NUL-terminated string.
    String,
    /// Raw bytes.
    Bin,
    /// NUL-terminated strings.
    StringArray,
    /// Translated strings (NUL-terminated, first one is the C locale).
    I18nString,
}

impl DataType {
    fn from_u32(v: u32) -> Option<DataType> {
        Some(match v {
            0 => DataType::Null,
            1 => DataType::Char,
            2 => DataType::Int8,
            3 => DataType::Int16,
            4 => DataType::Int32,
            5 => DataType::Int64,
            6 => DataType::String,
            7 => DataType::Bin,
            8 => DataType::StringArray,
            9 => DataType::I18nString,
            _ => return None,
        })
    }

    /// Size of one element of a fixed-size type (and the alignment librpm requires).
    fn element_size(self) -> Option<u32> {
        match self {
            DataType::Null => Some(0),
            DataType::Char | DataType::Int8 | DataType::Bin => Some(1),
            DataType::Int16 => Some(2),
            DataType::Int32 => Some(4),
            DataType::Int64 => Some(8),
            DataType::String | DataType::StringArray | DataType::I18nString => None,
        }
    }

    /// The name rpm uses for the type.
    pub fn name(self) -> &'static str {
        match self {
            DataType::Null => "NULL",
            DataType::Char => "CHAR",
            DataType::Int8 => "INT8",
            DataType::Int16 => "INT16",
            DataType::Int32 => "INT32",
            DataType::Int64 => "INT64",
            DataType::String => "STRING",
            DataType::Bin => "BIN",
            DataType::StringArray => "STRING_ARRAY",
            DataType::I18nString => "I18NSTRING",
        }
    }
}

/// The 96-byte lead at the start of every package (mostly obsolete; librpm checks, and so do we,
/// only its magic, its signature type and its major version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lead {
    /// Format major version (3 for every rpm since 1996; 4 for rpm 6 packages).
    pub major: u8,
    /// Format minor version.
    pub minor: u8,
    /// 0 binary, 1 source.
    pub package_type: u16,
    /// The obsolete name-version-release field, up to its NUL.
    pub name: String,
    /// Signature type (5: a signature header follows).
    pub signature_type: u16,
}

fn lead_parser(input: &[u8]) -> IResult<&[u8], Lead> {
    let (input, _) = nom_tag(&LEAD_MAGIC[..]).parse(input)?;
    let (input, (major, minor, package_type, _arch, name, _os, signature_type, _reserved)) = (
        be_u8,
        be_u8,
        be_u16,
        be_u16,
        take(66usize),
        be_u16,
        be_u16,
        take(16usize),
    )
        .parse(input)?;
    let name: &[u8] = name;
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    let name = String::from_utf8_lossy(name.get(..end).unwrap_or_default()).into_owned();
    Ok((
        input,
        Lead {
            major,
            minor,
            package_type,
            name,
            signature_type,
        },
    ))
}

/// Parses the lead from the first 96 bytes of a file.
pub fn parse_lead(bytes: &[u8], source: &Path) -> Result<Lead, RpmError> {
    if bytes.len() < LEAD_SIZE {
        if bytes.get(..bytes.len().min(4)) == LEAD_MAGIC.get(..bytes.len().min(4))
            && !bytes.is_empty()
        {
            return Err(RpmError::truncated(
                source,
                "lead",
                0,
                LEAD_SIZE as u64,
                bytes.len() as u64,
            ));
        }
        return Err(RpmError::NotRpm {
            path: source.to_path_buf(),
            reason: format!(
                "the file is {} bytes long, shorter than an RPM lead (96 bytes)",
                bytes.len()
            ),
        });
    }
    match lead_parser(bytes) {
        Ok((_, lead)) => {
            if lead.signature_type != 5 {
                return Err(RpmError::malformed(
                    source,
                    "lead",
                    78,
                    format!(
                        "signature type {} is not supported (only 5, a header-style signature, exists since rpm 3)",
                        lead.signature_type
                    ),
                ));
            }
            // `rpmLeadCheck` (lib/rpmlead.c): "unsupported RPM package version".
            if !(3..=4).contains(&lead.major) {
                return Err(RpmError::malformed(
                    source,
                    "lead",
                    4,
                    format!(
                        "format major version {} is not supported (librpm reads only 3 and 4); \
                         the lead is damaged: fetch the package again",
                        lead.major
                    ),
                ));
            }
            Ok(lead)
        }
        Err(_) => Err(RpmError::NotRpm {
            path: source.to_path_buf(),
            reason: format!(
                "bad lead magic {} (an RPM package starts with ed ab ee db)",
                spaced_hex(bytes.get(..4).unwrap_or_default())
            ),
        }),
    }
}

fn spaced_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One validated index entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Tag number.
    pub tag: u32,
    /// Data type.
    pub data_type: DataType,
    /// Offset of the data in the store.
    pub offset: u32,
    /// Number of elements.
    pub count: u32,
    /// Length of the data in the store, in bytes (computed and checked).
    pub len: u32,
}

/// A parsed, validated header: its raw bytes (for digests) and its index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The header exactly as in the file, from its magic to the end of its store.
    raw: Vec<u8>,
    /// Validated index entries, in file order.
    entries: Vec<Entry>,
    /// Positions in `entries`, sorted by tag (stable), as librpm's `headerSort` orders them.
    sorted: Vec<u32>,
    /// Which header this is (tag look-ups differ, see [`Header::entry`]).
    which: Which,
    /// Whether the header opens with a region entry.
    has_region: bool,
    /// Where the header starts in the file.
    file_offset: u64,
    /// The file it was read from (for error messages).
    source: std::path::PathBuf,
}

/// Which header is being read (for error messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The signature header.
    Signature,
    /// The main header.
    Main,
}

impl Which {
    fn name(self) -> &'static str {
        match self {
            Which::Signature => "signature header",
            Which::Main => "main header",
        }
    }

    /// The region tag librpm expects as the header's first entry.
    fn region_tag(self) -> u32 {
        match self {
            Which::Signature => tag::HEADERSIGNATURES,
            Which::Main => tag::HEADERIMMUTABLE,
        }
    }

    /// Whether the region must cover the whole header (librpm's `exact_size`: true for the main
    /// header of a package file; the signature header "might not be in a contiguous region").
    fn exact_region(self) -> bool {
        matches!(self, Which::Main)
    }
}

/// The counts announced by a header intro, checked against librpm's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intro {
    /// Number of index entries.
    pub entries: u32,
    /// Size of the data store.
    pub data_len: u32,
}

impl Intro {
    /// Bytes that follow the intro: the index and the store.
    pub fn body_len(self) -> usize {
        // Both bounded by the checks in `parse_intro`: at most 65,535 × 16 + 256 MiB.
        self.entries as usize * ENTRY_SIZE + self.data_len as usize
    }
}

fn intro_parser(input: &[u8]) -> IResult<&[u8], (u32, u32)> {
    let (input, _) = nom_tag(&HEADER_MAGIC_FULL[..]).parse(input)?;
    let (input, (il, dl)) = (be_u32, be_u32).parse(input)?;
    Ok((input, (il, dl)))
}

/// Parses and checks a 16-byte header intro against librpm's limits.
pub fn parse_intro(bytes: &[u8], which: Which, at: u64, source: &Path) -> Result<Intro, RpmError> {
    let section = which.name();
    if bytes.len() < INTRO_SIZE {
        return Err(RpmError::truncated(
            source,
            section,
            at,
            INTRO_SIZE as u64,
            bytes.len() as u64,
        ));
    }
    let (il, dl) = match intro_parser(bytes) {
        Ok((_, v)) => v,
        Err(_) => {
            let magic = bytes.get(..4).unwrap_or_default();
            if magic == HEADER_MAGIC {
                // librpm compares all 8 bytes (`hdr magic: BAD`).
                return Err(RpmError::malformed(
                    source,
                    section,
                    at + 4,
                    format!(
                        "the 4 reserved bytes after the header magic are {}, not 00 00 00 00 \
                         (librpm refuses the header); the file is damaged: fetch the package again",
                        spaced_hex(bytes.get(4..8).unwrap_or_default())
                    ),
                ));
            }
            return Err(RpmError::malformed(
                source,
                section,
                at,
                format!(
                    "bad header magic {} (expected 8e ad e8 01 00 00 00 00)",
                    spaced_hex(magic)
                ),
            ));
        }
    };
    if il == 0 || il > limits::MAX_RPM_HEADER_TAGS {
        return Err(RpmError::malformed(
            source,
            section,
            at + 8,
            format!(
                "the header announces {il} index entries; librpm accepts 1 to {}",
                limits::MAX_RPM_HEADER_TAGS
            ),
        ));
    }
    if dl > limits::MAX_RPM_HEADER_DATA {
        return Err(RpmError::malformed(
            source,
            section,
            at + 12,
            format!(
                "the header announces {dl} bytes of data; librpm accepts at most {} (256 MiB)",
                limits::MAX_RPM_HEADER_DATA
            ),
        ));
    }
    Ok(Intro {
        entries: il,
        data_len: dl,
    })
}

fn entry_parser(input: &[u8]) -> IResult<&[u8], RawEntry> {
    (be_u32, be_u32, be_u32, be_u32).parse(input)
}

/// One index entry as stored: tag, type, offset, count.
type RawEntry = (u32, u32, u32, u32);

/// `hdrblobVerifyRegion` (lib/header.c, rpm 4.18): when the first entry carries the header's region
/// tag, checks it and the 16-byte trailer it points at. Returns the region's data length (`rdl`,
/// the end of its trailer), or `None` for a header without a region (librpm reads those as
/// legacy headers and checks every entry as an ordinary one).
fn check_region(
    fields: &[RawEntry],
    store: &[u8],
    intro: Intro,
    which: Which,
    at: u64,
    source: &Path,
) -> Result<Option<u32>, RpmError> {
    let region_tag = which.region_tag();
    let Some(&(tag, type_raw, offset, count)) = fields.first() else {
        return Ok(None);
    };
    if tag != region_tag {
        return Ok(None);
    }
    let dl = intro.data_len;
    let entry_at = at + INTRO_SIZE as u64;
    let bin = 7;
    let region_count = ENTRY_SIZE as u32;
    if type_raw != bin || count != region_count {
        return Err(RpmError::malformed(
            source,
            which.name(),
            entry_at,
            format!(
                "the region entry (tag {tag}) has type {type_raw} and count {count}; librpm requires \
                 BIN (7) with count 16 (a damaged index): fetch the package again"
            ),
        ));
    }
    let rdl = u64::from(offset) + ENTRY_SIZE as u64;
    let trailer = store
        .get(offset as usize..)
        .and_then(|rest| rest.get(..ENTRY_SIZE))
        .filter(|_| rdl <= u64::from(dl))
        .and_then(|t| entry_parser(t).ok().map(|(_, f)| f));
    let Some((ttag, ttype, toffset, tcount)) = trailer else {
        return Err(RpmError::malformed(
            source,
            which.name(),
            entry_at,
            format!(
                "the region entry (tag {tag}) puts its 16-byte trailer at data offset {offset}, past \
                 the {dl}-byte data store (a damaged index): fetch the package again"
            ),
        ));
    };
    let trailer_at =
        at + (INTRO_SIZE + intro.entries as usize * ENTRY_SIZE) as u64 + u64::from(offset);
    let bad_trailer =
        |message: String| RpmError::malformed(source, which.name(), trailer_at, message);
    // librpm (hdrblobVerifyRegion, rpm ≥ 4.14) rewrites a signature trailer that says
    // HEADERIMAGE (61) to HEADERSIGNATURES (62) before checking it: some old packages were
    // written that way.
    let ttag = if matches!(which, Which::Signature) && ttag == tag::HEADERIMAGE {
        region_tag
    } else {
        ttag
    };
    if ttag != region_tag || ttype != bin || tcount != region_count {
        return Err(bad_trailer(format!(
            "the region trailer reads tag {ttag}, type {ttype}, count {tcount}; librpm requires tag \
             {region_tag}, BIN (7), count 16 (a damaged header): fetch the package again"
        )));
    }
    // The trailer's offset is minus the size of the index the region covers.
    let covered = (toffset as i32).wrapping_neg();
    let ril = u32::try_from(covered).unwrap_or(u32::MAX) / ENTRY_SIZE as u32;
    if covered < 0 || covered % ENTRY_SIZE as i32 != 0 || ril > intro.entries {
        return Err(bad_trailer(format!(
            "the region trailer claims an index of {covered} bytes; librpm requires a multiple of \
             16 covering at most the header's {} entries (a damaged header): fetch the package again",
            intro.entries
        )));
    }
    // `rdl <= dl` was checked above.
    let rdl = rdl as u32;
    if which.exact_region() && (ril != intro.entries || rdl != dl) {
        return Err(bad_trailer(format!(
            "the region covers {ril} entries and {rdl} bytes of data but the header has {} and {dl}; \
             in a package file they must match (librpm refuses it): fetch the package again",
            intro.entries
        )));
    }
    Ok(Some(rdl))
}

/// `hdrblobImport` (lib/header.c, rpm 4.18): laid end to end from offset 0, each aligned as its
/// type requires, the entries' data (plus the 16-byte region trailer, when the header has a
/// region) must fill the data store exactly. A gap, a trailing byte or a store length that
/// disagrees with the entries is `hdr load: BAD` for `rpm -qp`, `rpm -i` and `rpm2cpio`, even
/// though `rpm -K` (which does not import the header) accepts the package.
fn check_data_accounted(
    entries: &[Entry],
    has_region: bool,
    dl: u32,
    which: Which,
    at: u64,
    source: &Path,
) -> Result<(), RpmError> {
    let ordinary = entries.get(usize::from(has_region)..).unwrap_or_default();
    let mut total: u64 = 0;
    for e in ordinary {
        if let Some(size) = e.data_type.element_size().filter(|&s| s > 1) {
            let size = u64::from(size);
            total = total.div_ceil(size) * size;
        }
        total += u64::from(e.len);
    }
    if has_region {
        total += ENTRY_SIZE as u64;
    }
    if total != u64::from(dl) {
        return Err(RpmError::malformed(
            source,
            which.name(),
            at + 8,
            format!(
                "the header announces {dl} bytes of data but its entries account for {total}; \
                 librpm cannot load it (`hdr load: BAD` from rpm -qp, rpm -i and rpm2cpio, \
                 although rpm -K may pass it): the header is damaged, fetch the package again"
            ),
        ));
    }
    Ok(())
}

/// Length of the strings starting at `offset`: `count` NUL-terminated strings inside `store`.
fn strings_len(store: &[u8], offset: u32, count: u32) -> Option<u32> {
    let mut pos = offset as usize;
    for _ in 0..count {
        let rest = store.get(pos..)?;
        let nul = memchr_nul(rest)?;
        pos = pos.checked_add(nul + 1)?;
    }
    u32::try_from(pos - offset as usize).ok()
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

impl Header {
    /// Parses a header from `bytes` (starting at its magic; `bytes` may continue past it).
    /// `at` is the header's offset in the file, for error messages. Returns the header and the
    /// number of bytes it occupies (padding not included).
    pub fn parse(
        bytes: &[u8],
        which: Which,
        at: u64,
        source: &Path,
    ) -> Result<(Header, usize), RpmError> {
        let intro = parse_intro(bytes, which, at, source)?;
        let total = INTRO_SIZE + intro.body_len();
        let Some(raw) = bytes.get(..total) else {
            return Err(RpmError::truncated(
                source,
                which.name(),
                at,
                total as u64,
                bytes.len() as u64,
            ));
        };
        let header = Header::from_raw(raw.to_vec(), intro, which, at, source)?;
        Ok((header, total))
    }

    /// Reads a header from a stream positioned at its magic.
    pub fn read<R: Read>(
        reader: &mut R,
        which: Which,
        at: u64,
        source: &Path,
    ) -> Result<Header, RpmError> {
        let mut intro_bytes = [0u8; INTRO_SIZE];
        let got = read_full(reader, &mut intro_bytes, source)?;
        let intro = parse_intro(
            intro_bytes.get(..got).unwrap_or_default(),
            which,
            at,
            source,
        )?;
        let total = INTRO_SIZE + intro.body_len();
        // `take` + `read_to_end` grows the buffer as bytes arrive: a truncated file that announces
        // 256 MiB allocates only what it holds.
        let mut raw =
            Vec::with_capacity(INTRO_SIZE + (intro.entries as usize * ENTRY_SIZE).min(1 << 20));
        raw.extend_from_slice(&intro_bytes);
        reader
            .take(intro.body_len() as u64)
            .read_to_end(&mut raw)
            .map_err(|e| RpmError::io(source, e))?;
        if raw.len() < total {
            return Err(RpmError::truncated(
                source,
                which.name(),
                at,
                total as u64,
                raw.len() as u64,
            ));
        }
        Header::from_raw(raw, intro, which, at, source)
    }

    fn from_raw(
        raw: Vec<u8>,
        intro: Intro,
        which: Which,
        at: u64,
        source: &Path,
    ) -> Result<Header, RpmError> {
        let index_start = INTRO_SIZE;
        let store_start = index_start + intro.entries as usize * ENTRY_SIZE;
        let index = raw.get(index_start..store_start).unwrap_or_default();
        let store = raw.get(store_start..).unwrap_or_default();
        let dl = intro.data_len;
        let entry_at = |i: usize| at + (index_start + i * ENTRY_SIZE) as u64;
        let mut fields = Vec::with_capacity(intro.entries as usize);
        for (i, chunk) in index.chunks_exact(ENTRY_SIZE).enumerate() {
            let Ok((_, f)) = entry_parser(chunk) else {
                return Err(RpmError::malformed(
                    source,
                    which.name(),
                    entry_at(i),
                    "index entry shorter than 16 bytes",
                ));
            };
            fields.push(f);
        }
        let region = check_region(&fields, store, intro, which, at, source)?;
        let mut entries = Vec::with_capacity(fields.len());
        if let (Some(rdl), Some(&(tag, _, offset, count))) = (region, fields.first()) {
            entries.push(Entry {
                tag,
                data_type: DataType::Bin,
                offset,
                count,
                len: rdl.saturating_sub(offset),
            });
        }
        // `hdrblobVerifyInfo`: the entries after the region (all of them in a header without one)
        // come in the order of their data, which must not overlap. A string walk therefore starts
        // where the previous entry's data ended, so the walks together cover the store once.
        let mut prev_end: u64 = 0;
        for (i, &(tag, type_raw, offset, count)) in fields.iter().enumerate().skip(entries.len()) {
            let bad =
                |message: String| RpmError::malformed(source, which.name(), entry_at(i), message);
            if u64::from(offset) < prev_end {
                return Err(bad(format!(
                    "index entry {i} (tag {tag}) overlaps earlier entries: its data starts at offset \
                     {offset} but the previous entry's data runs to {prev_end} (librpm refuses \
                     overlapping or out-of-order entries; a damaged index)"
                )));
            }
            // Tags are signed in librpm: 0x8000_0000 and up are negative, below 100 too.
            if tag < tag::HEADERI18NTABLE || tag > i32::MAX as u32 {
                return Err(bad(format!(
                    "index entry {i} has tag {tag}; librpm refuses tags below {} (other than the \
                     leading region tag) and above {} (a damaged index)",
                    tag::HEADERI18NTABLE,
                    i32::MAX
                )));
            }
            let Some(data_type) = DataType::from_u32(type_raw) else {
                return Err(bad(format!(
                    "index entry {i} (tag {tag}) has unknown data type {type_raw}"
                )));
            };
            if offset > dl {
                return Err(bad(format!(
                    "index entry {i} (tag {tag}) points at offset {offset}, past the {dl}-byte data store"
                )));
            }
            let len = match data_type.element_size() {
                Some(size) => {
                    if size > 1 && offset % size != 0 {
                        return Err(bad(format!(
                            "index entry {i} (tag {tag}, {}) at offset {offset} is not aligned to {size} bytes",
                            data_type.name()
                        )));
                    }
                    let Some(len) = count.checked_mul(size) else {
                        return Err(bad(format!(
                            "index entry {i} (tag {tag}) has an absurd count {count}"
                        )));
                    };
                    len
                }
                None => {
                    if data_type == DataType::String && count != 1 {
                        return Err(bad(format!(
                            "index entry {i} (tag {tag}, STRING) has count {count}; a STRING has count 1"
                        )));
                    }
                    // Each string needs at least one byte: a count larger than the store is absurd
                    // (checked before walking the strings).
                    if count > dl {
                        return Err(bad(format!(
                            "index entry {i} (tag {tag}) announces {count} strings in a {dl}-byte data store"
                        )));
                    }
                    match strings_len(store, offset, count) {
                        Some(len) => len,
                        None => {
                            return Err(bad(format!(
                                "index entry {i} (tag {tag}, {}) runs past the end of the data store \
                                 (a string is not NUL-terminated)",
                                data_type.name()
                            )));
                        }
                    }
                }
            };
            // librpm's `dataLength` must be positive: NULL entries and empty arrays are refused.
            if len == 0 {
                return Err(bad(format!(
                    "index entry {i} (tag {tag}, {}) has count {count} and so no data; librpm \
                     refuses empty entries (a damaged index)",
                    data_type.name()
                )));
            }
            let end = u64::from(offset) + u64::from(len);
            if end > u64::from(dl) {
                return Err(bad(format!(
                    "index entry {i} (tag {tag}) covers bytes {offset}..{end} past the {dl}-byte data store"
                )));
            }
            if let Some(rdl) = region {
                let trailer = u64::from(rdl) - ENTRY_SIZE as u64;
                if end > trailer && u64::from(offset) < u64::from(rdl) {
                    return Err(bad(format!(
                        "index entry {i} (tag {tag}) covers bytes {offset}..{end}, over the region \
                         trailer at {trailer}..{rdl} (librpm refuses it; a damaged index)"
                    )));
                }
            }
            prev_end = end;
            entries.push(Entry {
                tag,
                data_type,
                offset,
                count,
                len,
            });
        }
        // The signature header is checked after its known tags (`check_signature_tags`), whose
        // messages say more about a retyped digest than "not accounted for" would.
        if which == Which::Main {
            check_data_accounted(&entries, region.is_some(), dl, which, at, source)?;
        }
        // librpm looks tags up in the index sorted by tag (a stable sort, glibc's merge sort)
        // with glibc's `bsearch`: a repeated tag resolves to the occurrence that search hits.
        let mut sorted: Vec<u32> = (0..entries.len() as u32).collect();
        sorted.sort_by_key(|&i| entries.get(i as usize).map_or(0, |e| e.tag));
        Ok(Header {
            raw,
            entries,
            sorted,
            which,
            has_region: region.is_some(),
            file_offset: at,
            source: source.to_path_buf(),
        })
    }

    /// `hdrblobImport`'s check that the entries account for every data byte (see
    /// [`check_data_accounted`]); made by the parser for the main header, by [`read_headers`]
    /// for the signature header once its known tags were checked.
    pub fn check_data_accounted(&self) -> Result<(), RpmError> {
        let dl = self
            .raw
            .get(12..16)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, u32::from_be_bytes);
        check_data_accounted(
            &self.entries,
            self.has_region,
            dl,
            self.which,
            self.file_offset,
            &self.source,
        )
    }

    /// The header's bytes exactly as in the file (what the header digests cover).
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Size of the header in the file, padding excluded.
    pub fn len(&self) -> usize {
        self.raw.len()
    }

    /// Whether the header is empty (never true for a parsed header).
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Where the header starts in the file.
    pub fn file_offset(&self) -> u64 {
        self.file_offset
    }

    /// The index entries, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry for a tag, as librpm finds it when a header repeats a tag: in the signature
    /// header the first in index order (`hdrblobGet`, what rpm's signature and digest checks
    /// read); in the main header the one glibc's `bsearch` hits in the index sorted by tag
    /// (`headerGet` after `headerSort`, what `rpm -qp` and the installer read).
    pub fn entry(&self, tag: u32) -> Option<&Entry> {
        match self.which {
            Which::Signature => self.entries.iter().find(|e| e.tag == tag),
            Which::Main => {
                let (mut lo, mut hi) = (0usize, self.sorted.len());
                while lo < hi {
                    let mid = (lo + hi) / 2;
                    let e = self
                        .sorted
                        .get(mid)
                        .and_then(|&i| self.entries.get(i as usize))?;
                    match tag.cmp(&e.tag) {
                        std::cmp::Ordering::Less => hi = mid,
                        std::cmp::Ordering::Greater => lo = mid + 1,
                        std::cmp::Ordering::Equal => return Some(e),
                    }
                }
                None
            }
        }
    }

    fn data(&self, e: &Entry) -> &[u8] {
        let store_start = INTRO_SIZE + self.entries.len() * ENTRY_SIZE;
        let start = store_start + e.offset as usize;
        self.raw
            .get(start..start + e.len as usize)
            .unwrap_or_default()
    }

    fn wrong_type(&self, e: &Entry, expected: &str) -> RpmError {
        RpmError::WrongType {
            path: self.source.clone(),
            tag: e.tag,
            found: e.data_type.name(),
            expected: expected.to_string(),
        }
    }

    /// Raw bytes of a BIN entry.
    pub fn bin(&self, tag: u32) -> Result<Option<&[u8]>, RpmError> {
        let Some(e) = self.entry(tag) else {
            return Ok(None);
        };
        match e.data_type {
            DataType::Bin => Ok(Some(self.data(e))),
            _ => Err(self.wrong_type(e, "BIN")),
        }
    }

    /// The strings of a STRING, STRING_ARRAY or I18NSTRING entry, as bytes.
    pub fn strings(&self, tag: u32) -> Result<Option<Vec<&[u8]>>, RpmError> {
        let Some(e) = self.entry(tag) else {
            return Ok(None);
        };
        match e.data_type {
            DataType::String | DataType::StringArray | DataType::I18nString => {
                let data = self.data(e);
                let mut out: Vec<&[u8]> = data.split(|&b| b == 0).collect();
                // The data ends with a NUL, so `split` yields one empty tail.
                out.truncate(e.count as usize);
                Ok(Some(out))
            }
            _ => Err(self.wrong_type(e, "STRING, STRING_ARRAY or I18NSTRING")),
        }
    }

    /// The first string of a string entry, lossily decoded as UTF-8.
    pub fn string(&self, tag: u32) -> Result<Option<String>, RpmError> {
        Ok(self
            .strings(tag)?
            .and_then(|v| v.first().map(|s| String::from_utf8_lossy(s).into_owned())))
    }

    /// The values of an integer entry (INT8/CHAR, INT16, INT32 or INT64), widened to u64.
    pub fn ints(&self, tag: u32) -> Result<Option<Vec<u64>>, RpmError> {
        let Some(e) = self.entry(tag) else {
            return Ok(None);
        };
        let data = self.data(e);
        let v: Vec<u64> = match e.data_type {
            DataType::Char | DataType::Int8 => data.iter().map(|&b| u64::from(b)).collect(),
            DataType::Int16 => data
                .chunks_exact(2)
                .map(|c| u64::from(u16::from_be_bytes([c[0], c[1]])))
                .collect(),
            DataType::Int32 => data
                .chunks_exact(4)
                .map(|c| u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect(),
            DataType::Int64 => data
                .chunks_exact(8)
                .map(|c| u64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect(),
            _ => return Err(self.wrong_type(e, "an integer type")),
        };
        Ok(Some(v))
    }

    /// The first value of an integer entry.
    pub fn int(&self, tag: u32) -> Result<Option<u64>, RpmError> {
        Ok(self.ints(tag)?.and_then(|v| v.first().copied()))
    }
}

/// What the signature header's known tags must look like: tag, name, type, count (0: any).
const SIGNATURE_TAGS: [(u32, &str, DataType, u32); 12] = [
    (tag::SIG_SIZE, "SIZE", DataType::Int32, 1),
    (tag::SIG_LONGSIZE, "LONGSIZE", DataType::Int64, 1),
    (tag::SIG_PAYLOADSIZE, "PAYLOADSIZE", DataType::Int32, 1),
    (
        tag::SIG_LONGARCHIVESIZE,
        "LONGARCHIVESIZE",
        DataType::Int64,
        1,
    ),
    (tag::SIG_MD5, "MD5", DataType::Bin, 16),
    (tag::SIG_SHA1, "SHA1HEADER", DataType::String, 1),
    (tag::SIG_SHA256, "SHA256HEADER", DataType::String, 1),
    (tag::SIG_RSA, "RSAHEADER", DataType::Bin, 0),
    (tag::SIG_DSA, "DSAHEADER", DataType::Bin, 0),
    (tag::SIG_PGP, "PGP", DataType::Bin, 0),
    (tag::SIG_GPG, "GPG", DataType::Bin, 0),
    (tag::SIG_RESERVEDSPACE, "RESERVEDSPACE", DataType::Bin, 0),
];

/// Checks the signature header's known tags the way librpm's signature code does (`rpmvs.c`:
/// type, count, digest length and hex) and, for the sizes, with the type and count rpm writes,
/// so that a damaged size is refused instead of read as another number (or as nothing).
pub fn check_signature_tags(sig: &Header) -> Result<(), RpmError> {
    let index_at = |i: usize| sig.file_offset + (INTRO_SIZE + i * ENTRY_SIZE) as u64;
    for (i, e) in sig.entries.iter().enumerate() {
        let Some(&(_, name, data_type, count)) = SIGNATURE_TAGS.iter().find(|(t, ..)| *t == e.tag)
        else {
            continue;
        };
        let bad = |message: String| {
            RpmError::malformed(&sig.source, "signature header", index_at(i), message)
        };
        // SIZE and LONGSIZE: librpm never reads them and no digest covers them, so a retyped one
        // is not a reason to refuse a package rpm installs; it is reported (a finding) and not
        // read (`Package::signed_size`).
        if matches!(e.tag, tag::SIG_SIZE | tag::SIG_LONGSIZE) {
            continue;
        }
        if e.data_type != data_type || (count != 0 && e.count != count) {
            let want_count = if count == 0 {
                String::new()
            } else {
                format!(" with count {count}")
            };
            return Err(bad(format!(
                "tag {} ({name}) has type {} and count {}; rpm writes {}{want_count} (librpm \
                 refuses the package): the signature header is damaged, fetch the package again",
                e.tag,
                e.data_type.name(),
                e.count,
                data_type.name(),
            )));
        }
        let hex_len = match e.tag {
            tag::SIG_SHA1 => 40,
            tag::SIG_SHA256 => 64,
            _ => continue,
        };
        let text = sig.data(e);
        let text = text.strip_suffix(&[0]).unwrap_or(text);
        if text.len() != hex_len || !text.iter().all(u8::is_ascii_hexdigit) {
            return Err(bad(format!(
                "tag {} ({name}) is not {hex_len} hex digits but {:?} (librpm refuses the \
                 package): the signature header is damaged, fetch the package again",
                e.tag,
                String::from_utf8_lossy(text)
            )));
        }
    }
    Ok(())
}

/// Reads until `buf` is full or the stream ends; returns the number of bytes read.
pub fn read_full<R: Read>(
    reader: &mut R,
    buf: &mut [u8],
    source: &Path,
) -> Result<usize, RpmError> {
    let mut got = 0;
    while got < buf.len() {
        let Some(rest) = buf.get_mut(got..) else {
            break;
        };
        match reader.read(rest) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(RpmError::io(source, e)),
        }
    }
    Ok(got)
}

/// Padding after the signature header so that the main header starts on an 8-byte boundary.
pub fn signature_padding(sig: &Header) -> usize {
    (8 - sig.len() % 8) % 8
}

/// The lead, both headers and where the payload starts.
#[derive(Debug, Clone)]
pub struct Headers {
    /// The lead.
    pub lead: Lead,
    /// The signature header.
    pub signature: Header,
    /// The main header.
    pub main: Header,
    /// Offset of the payload in the file.
    pub payload_offset: u64,
}

/// Reads the lead and both headers from a stream positioned at the start of a package.
/// Leaves the stream at the start of the payload.
pub fn read_headers<R: Read>(reader: &mut R, source: &Path) -> Result<Headers, RpmError> {
    let mut lead_bytes = [0u8; LEAD_SIZE];
    let got = read_full(reader, &mut lead_bytes, source)?;
    let lead = parse_lead(lead_bytes.get(..got).unwrap_or_default(), source)?;
    let sig_at = LEAD_SIZE as u64;
    let signature = Header::read(reader, Which::Signature, sig_at, source)?;
    check_signature_tags(&signature)?;
    signature.check_data_accounted()?;
    let pad = signature_padding(&signature);
    let mut pad_bytes = [0u8; 8];
    let pad_buf = pad_bytes.get_mut(..pad).unwrap_or_default();
    let got = read_full(reader, pad_buf, source)?;
    let main_at = sig_at + signature.len() as u64 + pad as u64;
    if got < pad {
        return Err(RpmError::truncated(
            source,
            "signature header padding",
            main_at - pad as u64,
            pad as u64,
            got as u64,
        ));
    }
    let main = Header::read(reader, Which::Main, main_at, source)?;
    let payload_offset = main_at + main.len() as u64;
    Ok(Headers {
        lead,
        signature,
        main,
        payload_offset,
    })
}

/// Parses the lead and both headers from bytes (the start of a package).
pub fn parse_headers(bytes: &[u8], source: &Path) -> Result<Headers, RpmError> {
    let mut cursor = bytes;
    read_headers(&mut cursor, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_bytes(entries: &[(u32, u32, u32, u32)], store: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&HEADER_MAGIC);
        v.extend_from_slice(&[0; 4]);
        v.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        v.extend_from_slice(&(store.len() as u32).to_be_bytes());
        for &(t, ty, off, count) in entries {
            for x in [t, ty, off, count] {
                v.extend_from_slice(&x.to_be_bytes());
            }
        }
        v.extend_from_slice(store);
        v
    }

    fn parse(bytes: &[u8]) -> Result<Header, RpmError> {
        Header::parse(bytes, Which::Main, 0, Path::new("t")).map(|(h, _)| h)
    }

    #[test]
    fn reads_typed_values() {
        let store = b"abc\0x\0y\0\0\0\0\x07\x00\x01\x00\x02";
        let h = parse(&header_bytes(
            &[
                (1000, 6, 0, 1),
                (1001, 8, 4, 2),
                (1003, 4, 8, 1),
                (1030, 3, 12, 2),
            ],
            store,
        ))
        .unwrap();
        assert_eq!(h.string(1000).unwrap().as_deref(), Some("abc"));
        assert_eq!(
            h.strings(1001).unwrap().unwrap(),
            vec![&b"x"[..], &b"y"[..]]
        );
        assert_eq!(h.int(1003).unwrap(), Some(7));
        assert_eq!(h.ints(1030).unwrap().unwrap(), vec![1, 2]);
        assert!(h.bin(1000).is_err());
        assert_eq!(h.string(4242).unwrap(), None);
    }

    #[test]
    fn refuses_hostile_indexes() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (header_bytes(&[(1000, 4, 8, 1)], b"\0\0\0\0"), "past the"),
            (
                header_bytes(&[(1000, 4, 2, 1)], b"\0\0\0\0\0\0\0\0"),
                "aligned",
            ),
            (
                header_bytes(&[(1000, 4, 0, 0x4000_0001)], b"\0\0\0\0"),
                "absurd count",
            ),
            (
                header_bytes(&[(1000, 5, 0, 0x1000_0000)], b"\0\0\0\0\0\0\0\0"),
                "past the",
            ),
            (header_bytes(&[(1000, 6, 0, 1)], b"abc"), "NUL-terminated"),
            (
                header_bytes(&[(1000, 8, 0, 1_000_000)], b"a\0"),
                "strings in a",
            ),
            (
                header_bytes(&[(1000, 42, 0, 1)], b"a\0"),
                "unknown data type",
            ),
            (header_bytes(&[(1000, 6, 0, 2)], b"a\0b\0"), "count 1"),
        ];
        for (bytes, needle) in cases {
            let err = parse(&bytes).unwrap_err().to_string();
            assert!(err.contains(needle), "{err} should contain {needle}");
        }
    }

    #[test]
    fn overlapping_entries_are_refused_so_parsing_stays_linear() {
        // 2000 entries, each claiming every empty string of a 4000-byte store: librpm refuses
        // the second one (its data starts before the first one's ends), so no entry walks the
        // store again (walking it 2000 times took minutes for a 2 MiB file).
        let store = vec![0u8; 4000];
        let entries: Vec<_> = (0..2000).map(|i| (1000 + i, 8, 0, 4000)).collect();
        let err = parse(&header_bytes(&entries, &store))
            .unwrap_err()
            .to_string();
        assert!(err.contains("overlaps earlier entries"), "{err}");
        // Two entries sharing strings, or out of order, are refused too.
        for entries in [
            &[(1000, 8, 0, 2), (1001, 8, 0, 2)][..],
            &[(1000, 6, 2, 1), (1001, 6, 0, 1)][..],
        ] {
            let err = parse(&header_bytes(entries, b"a\0b\0"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("overlaps earlier entries"), "{err}");
        }
        // Adjacent entries are fine.
        let h = parse(&header_bytes(
            &[(1000, 6, 0, 1), (1001, 6, 2, 1)],
            b"a\0b\0",
        ))
        .unwrap();
        assert_eq!(h.string(1001).unwrap().as_deref(), Some("b"));
    }

    /// A header with a region, as rpm writes it: the region entry first, its trailer last.
    fn region_header(which: Which, entries: &[(u32, u32, u32, u32)], data: &[u8]) -> Vec<u8> {
        let region = which.region_tag();
        let il = entries.len() as u32 + 1;
        let mut store = data.to_vec();
        let trailer_at = store.len() as u32;
        for x in [region, 7, (-(il as i32 * 16)) as u32, 16] {
            store.extend_from_slice(&x.to_be_bytes());
        }
        let mut all = vec![(region, 7, trailer_at, 16)];
        all.extend_from_slice(entries);
        header_bytes(&all, &store)
    }

    #[test]
    fn regions_are_checked_like_librpm() {
        let ok = region_header(Which::Main, &[(1000, 6, 0, 1)], b"abc\0");
        let (h, _) = Header::parse(&ok, Which::Main, 0, Path::new("t")).unwrap();
        assert_eq!(h.string(1000).unwrap().as_deref(), Some("abc"));
        let refused = |bytes: &[u8], which: Which, needle: &str| {
            let err = Header::parse(bytes, which, 0, Path::new("t"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{err} should contain {needle}");
        };
        // The reserved bytes of the magic.
        let mut bad = ok.clone();
        bad[6] = 1;
        refused(&bad, Which::Main, "reserved bytes");
        // The region entry's type and count, its trailer's tag and size.
        let mut bad = ok.clone();
        bad[16 + 7] = 6;
        refused(&bad, Which::Main, "region entry");
        let mut bad = ok.clone();
        bad[16 + 32 + 4 + 3] = 62;
        refused(&bad, Which::Main, "region trailer");
        let mut bad = ok.clone();
        bad[16 + 32 + 4 + 11] = 0xf1;
        refused(&bad, Which::Main, "region trailer");
        // An entry over the trailer.
        let over = region_header(Which::Main, &[(1000, 7, 0, 8)], b"abcd");
        refused(&over, Which::Main, "over the region trailer");
        // The wrong region tag for the header is an ordinary entry with a tag below 100.
        let sig = region_header(Which::Signature, &[(1000, 6, 0, 1)], b"abc\0");
        refused(&sig, Which::Main, "tag 62");
        assert!(Header::parse(&sig, Which::Signature, 0, Path::new("t")).is_ok());
        // The main header's region must cover the whole header; the signature header's need not
        // (`hdrblobVerifyRegion`), but its entries must still account for every data byte
        // (`hdrblobImport`: a trailing byte is `hdr load: BAD`).
        let mut longer = sig.clone();
        longer[15] += 1;
        longer.push(0);
        let (h, _) = Header::parse(&longer, Which::Signature, 0, Path::new("t")).unwrap();
        let err = h.check_data_accounted().unwrap_err().to_string();
        assert!(err.contains("account for"), "{err}");
        let mut longer = ok.clone();
        longer[15] += 1;
        longer.push(0);
        refused(&longer, Which::Main, "must match");
    }

    #[test]
    fn signature_tags_have_the_types_rpm_writes() {
        let sig = |entries: &[(u32, u32, u32, u32)], store: &[u8]| {
            let (h, _) = Header::parse(
                &region_header(Which::Signature, entries, store),
                Which::Signature,
                0,
                Path::new("t"),
            )
            .unwrap();
            check_signature_tags(&h).map_err(|e| e.to_string())
        };
        let sha1 = [b'a'; 40];
        let mut store = sha1.to_vec();
        store.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 7]);
        assert!(sig(&[(269, 6, 0, 1), (1000, 4, 44, 1)], &store).is_ok());
        // SIZE of another type is not refused (librpm never reads it; `Package::signed_size`
        // does not read it either and a finding says so).
        assert!(sig(&[(1000, 3, 0, 2)], &[0, 0, 0, 7]).is_ok());
        // MD5 must be 16 bytes.
        let mut md5 = sha1.to_vec();
        md5.extend_from_slice(&[0; 20]);
        let err = sig(&[(269, 6, 0, 1), (1004, 7, 41, 15)], &md5[..56]).unwrap_err();
        assert!(err.contains("count 15"), "{err}");
        store[3] = b'g';
        let err = sig(&[(269, 6, 0, 1), (1000, 4, 44, 1)], &store).unwrap_err();
        assert!(err.contains("40 hex digits"), "{err}");
    }

    #[test]
    fn refuses_absurd_intro_counts_before_allocating() {
        let mut v = Vec::from(HEADER_MAGIC);
        v.extend_from_slice(&[0; 4]);
        v.extend_from_slice(&0xffff_ffffu32.to_be_bytes());
        v.extend_from_slice(&16u32.to_be_bytes());
        assert!(parse(&v).unwrap_err().to_string().contains("index entries"));
        let mut v = Vec::from(HEADER_MAGIC);
        v.extend_from_slice(&[0; 4]);
        v.extend_from_slice(&1u32.to_be_bytes());
        v.extend_from_slice(&0x1000_0000u32.to_be_bytes());
        assert!(parse(&v).unwrap_err().to_string().contains("256 MiB"));
        // Within limits but truncated: reading from a stream allocates only what exists.
        let mut v = Vec::from(HEADER_MAGIC);
        v.extend_from_slice(&[0; 4]);
        v.extend_from_slice(&0xffffu32.to_be_bytes());
        v.extend_from_slice(&0x0fff_ffffu32.to_be_bytes());
        let err = Header::read(&mut &v[..], Which::Main, 0, Path::new("t")).unwrap_err();
        assert!(matches!(err, RpmError::Truncated { .. }), "{err}");
    }

    #[test]
    fn lead_errors() {
        assert!(matches!(
            parse_lead(b"hello", Path::new("t")),
            Err(RpmError::NotRpm { .. })
        ));
        assert!(matches!(
            parse_lead(&[0xed, 0xab, 0xee], Path::new("t")),
            Err(RpmError::Truncated { .. })
        ));
        let mut lead = [0u8; 96];
        lead[..4].copy_from_slice(&LEAD_MAGIC);
        lead[4] = 3;
        lead[78..80].copy_from_slice(&5u16.to_be_bytes());
        assert!(parse_lead(&lead, Path::new("t")).is_ok());
        for major in [0, 2, 5] {
            lead[4] = major;
            let err = parse_lead(&lead, Path::new("t")).unwrap_err().to_string();
            assert!(err.contains("major version"), "{err}");
        }
    }
}
