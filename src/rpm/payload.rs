//! Streaming decompression of RPM payloads.
//!
//! Decoders, chosen by measuring on real rpm payloads (see `docs/rpm.md`, "Measurements"):
//! * xz: `lzma-rust2` (pure Rust, reads rpm's SHA-256-checked xz streams; `lzma-rs` cannot);
//! * zstd: `zstd` (libzstd bindings; the pure-Rust `ruzstd` was ~3× slower);
//! * gzip: `flate2`; bzip2: `bzip2`;
//! * none: the cpio archive itself.
//!
//! Every decoder reads from a [`BufRead`] and is itself a [`Read`]: nothing is buffered beyond
//! the decoder's own window, whatever the payload size.

use crate::limits;
use std::io::{self, BufRead, Read};

/// A payload compression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compressor {
    /// Uncompressed cpio (`w0.ufdio`; the header has no PAYLOADCOMPRESSOR tag).
    None,
    /// gzip (Debian's rpmbuild default).
    Gzip,
    /// bzip2.
    Bzip2,
    /// xz (single- or multi-block; rpm writes SHA-256-checked streams).
    Xz,
    /// Legacy `.lzma` (LZMA "alone" format).
    Lzma,
    /// zstd.
    Zstd,
}

/// Magic of an uncompressed newc cpio archive (and of rpm's stripped variant, `07070X`).
pub const CPIO_MAGIC_PREFIX: &[u8] = b"07070";

impl Compressor {
    /// The name used by rpm's PAYLOADCOMPRESSOR tag (`none` for an uncompressed payload).
    pub fn name(self) -> &'static str {
        match self {
            Compressor::None => "none",
            Compressor::Gzip => "gzip",
            Compressor::Bzip2 => "bzip2",
            Compressor::Xz => "xz",
            Compressor::Lzma => "lzma",
            Compressor::Zstd => "zstd",
        }
    }

    /// Reads the PAYLOADCOMPRESSOR tag value. `None` for an unknown name.
    pub fn from_tag(name: &str) -> Option<Compressor> {
        Some(match name {
            "gzip" => Compressor::Gzip,
            "bzip2" => Compressor::Bzip2,
            "xz" => Compressor::Xz,
            "lzma" => Compressor::Lzma,
            "zstd" => Compressor::Zstd,
            // rpm never writes these, but an uncompressed payload spelled out is harmless.
            "none" | "identity" | "ufdio" => Compressor::None,
            _ => return None,
        })
    }

    /// Guesses the compression from the first bytes of the payload (used when the header has no
    /// PAYLOADCOMPRESSOR tag: rpm omits it for uncompressed payloads).
    pub fn sniff(start: &[u8]) -> Option<Compressor> {
        if start.starts_with(CPIO_MAGIC_PREFIX) {
            Some(Compressor::None)
        } else if start.starts_with(&[0x1f, 0x8b]) {
            Some(Compressor::Gzip)
        } else if start.starts_with(b"BZh") {
            Some(Compressor::Bzip2)
        } else if start.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Some(Compressor::Xz)
        } else if start.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compressor::Zstd)
        } else {
            None
        }
    }
}

/// Parsed PAYLOADFLAGS: the compression level and, for threaded xz/zstd, the thread count
/// (`2T0` is level 2 with `T0` = as many threads as cores; `19T0` likewise; `9` is plain level 9).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PayloadFlags {
    /// The tag exactly as written.
    pub raw: String,
    /// The leading digits: the compression level.
    pub level: Option<u32>,
    /// The number after `T`, when threaded (0 means "one per core").
    pub threads: Option<u32>,
}

impl PayloadFlags {
    /// Parses the PAYLOADFLAGS string; never fails (unknown forms keep only `raw`).
    pub fn parse(raw: &str) -> PayloadFlags {
        let digits: String = raw.chars().take_while(char::is_ascii_digit).collect();
        let rest = raw.get(digits.len()..).unwrap_or_default();
        let threads = rest.strip_prefix('T').and_then(|t| {
            let d: String = t.chars().take_while(char::is_ascii_digit).collect();
            d.parse().ok()
        });
        PayloadFlags {
            raw: raw.to_string(),
            level: digits.parse().ok(),
            threads,
        }
    }
}

/// Wraps a payload stream in the decoder for `compressor`. The result yields the cpio archive.
pub fn decoder<'a, R: BufRead + Send + 'a>(
    compressor: Compressor,
    reader: R,
) -> io::Result<Box<dyn Read + Send + 'a>> {
    // Every decoder is bounded against decompression bombs (see `super::bomb`).
    let (reader, consumed) = super::bomb::CountingInput::new(reader);
    let decoder: Box<dyn Read + Send + 'a> = match compressor {
        Compressor::None => Box::new(reader),
        Compressor::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(reader)),
        Compressor::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(reader)),
        Compressor::Xz => Box::new(lzma_rust2::XzReader::new_mem_limit(
            reader,
            true,
            limits::MAX_XZ_DECODER_MEMORY_KIB,
        )),
        Compressor::Lzma => Box::new(
            lzma_rust2::LzmaReader::new_mem_limit(reader, limits::MAX_XZ_DECODER_MEMORY_KIB, None)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?,
        ),
        Compressor::Zstd => {
            let mut d = zstd::stream::read::Decoder::with_buffer(reader)?;
            d.window_log_max(limits::MAX_ZSTD_WINDOW_LOG)?;
            Box::new(d)
        }
    };
    Ok(Box::new(super::bomb::Guarded::new(decoder, consumed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_flags() {
        assert_eq!(PayloadFlags::parse("2T0").level, Some(2));
        assert_eq!(PayloadFlags::parse("2T0").threads, Some(0));
        assert_eq!(PayloadFlags::parse("19T0").level, Some(19));
        assert_eq!(PayloadFlags::parse("9").threads, None);
        assert_eq!(PayloadFlags::parse("").level, None);
        assert_eq!(PayloadFlags::parse("x").level, None);
    }

    #[test]
    fn sniffing() {
        assert_eq!(Compressor::sniff(b"070701000"), Some(Compressor::None));
        assert_eq!(Compressor::sniff(&[0x1f, 0x8b, 8]), Some(Compressor::Gzip));
        assert_eq!(Compressor::sniff(b"nothing"), None);
    }

    #[test]
    fn decoders_refuse_garbage_without_panicking() {
        for c in [
            Compressor::Gzip,
            Compressor::Bzip2,
            Compressor::Xz,
            Compressor::Lzma,
            Compressor::Zstd,
        ] {
            let data = b"definitely not compressed data, repeated: aaaaaaaaaaaaaaaaaaaaaaaaa";
            let result = decoder(c, &data[..]).and_then(|mut d| io::copy(&mut d, &mut io::sink()));
            assert!(result.is_err(), "{c:?} accepted garbage");
        }
    }
}
