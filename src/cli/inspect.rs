//! `upgrade-planner inspect`: what each RPM package is, whether it is intact, and which upgrade
//! routes it carries.

use super::{Format, print_err, print_json, print_out, progress, report};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use upgrade_planner::docs;
use upgrade_planner::limits;
use upgrade_planner::render;
use upgrade_planner::rpm::{InspectOptions, PACKAGE_SCHEMA};

/// Output formats of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum InspectFormat {
    /// Aligned text for people.
    #[default]
    Text,
    /// `upgrade-planner/package/v1` JSON (an array for several packages).
    Json,
}

/// Inspect RPM packages: metadata, digests, and the upgrade routes they carry.
///
/// Reads each package's headers, then streams the file once to verify the MD5 of header+payload,
/// the header SHA-1/SHA-256 and the payload digest, and reads the upgrade-dependency YAML
/// (/home/admin/oceanbase/etc/oceanbase_upgrade_dep.yml) out of the payload. MD5 is weak; the
/// SHA-256 digests are the integrity check when the package has them.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    upgrade-planner inspect oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.rpm\n  \
    upgrade-planner inspect --format json --chunk-size 32MiB packages/*.rpm\n  \
    upgrade-planner inspect --no-verify big.rpm   # headers only, no payload read\n\n\
    SIZE accepts bytes or a suffix: KiB/MiB/GiB (also K/M/G, binary) or KB/MB/GB (decimal).\n\n\
    Exit codes: 0 every package read and every digest verified; 1 a digest mismatch (or the upgrade\n\
    YAML cannot be read out of a payload), a bad signature, or with --require-signature a package\n\
    whose signature is not verified; 2 a package is unreadable, malformed (librpm could not load it)\n\
    or not an RPM, or a --keyring file is unreadable or not OpenPGP (2 wins over 1).")]
pub struct InspectArgs {
    /// The packages (.rpm files).
    #[arg(value_name = "PKG", required = true)]
    packages: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
    format: InspectFormat,
    /// Read only the headers: do not stream the payload (MD5 and payload digest are `unchecked`,
    /// the upgrade YAML's versions are not read). Header digests are still checked.
    #[arg(long)]
    no_verify: bool,
    /// Chunk size for the `chunks` field (services that store uploads in chunks).
    #[arg(long, value_name = "SIZE", default_value = "8MiB", value_parser = parse_size)]
    chunk_size: u64,
    #[command(flatten)]
    trust: super::TrustArgs,
}

/// Parses `8388608`, `8MiB`, `8M`, `32MB`, `4KiB`, `1GiB`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (examples: 8388608, 8MiB, 32MiB)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        other => {
            return Err(format!(
                "unknown size unit `{other}` (use KiB, MiB, GiB, KB, MB or GB)"
            ));
        }
    };
    let size = n
        .checked_mul(mult)
        .ok_or_else(|| format!("`{s}` is too large"))?;
    if size == 0 || size > limits::MAX_CHUNK_SIZE {
        return Err(format!(
            "the chunk size must be between 1 byte and {} bytes (4 GiB)",
            limits::MAX_CHUNK_SIZE
        ));
    }
    Ok(size)
}

pub fn run(args: InspectArgs) -> u8 {
    let format = match args.format {
        InspectFormat::Json => Format::Json,
        InspectFormat::Text => Format::Text,
    };
    let trust = match args.trust.policy(format, PACKAGE_SCHEMA) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let total: u64 = args.packages.iter().map(|p| progress::file_size(p)).sum();
    let bar = progress::Bar::bytes(
        if args.no_verify { 0 } else { total },
        progress::INSPECT_THRESHOLD,
        "verifying",
        format == Format::Json,
    );
    let options = InspectOptions {
        verify: !args.no_verify,
        chunk_size: args.chunk_size,
        trust,
        progress: bar.callback(),
    };
    let answer = docs::rpm::inspect(&args.packages, &options);
    bar.finish();
    let exit = answer.exit().code();
    match args.format {
        InspectFormat::Json => match answer.to_json() {
            Ok(doc) => print_json(&doc),
            Err(f) => return report(Format::Json, &f),
        },
        InspectFormat::Text => {
            let mut first = true;
            for result in &answer.results {
                match result {
                    Ok(record) => {
                        if !first {
                            print_out("\n");
                        }
                        first = false;
                        print_out(&render::rpm::to_text(record));
                        // A bad signature reads in the verdict, as a digest mismatch does; the
                        // refusal the user asked for (--require-signature) is also an error line.
                        if let Some(refusal) = record
                            .refusal
                            .as_ref()
                            .filter(|r| r.kind == "signature_required")
                        {
                            let s = render::style::ERROR;
                            print_err(&format!("{s}error{s:#}: {}", refusal.message));
                        }
                    }
                    Err(e) => {
                        let s = render::style::ERROR;
                        print_err(&format!("{s}error{s:#}: {e}"));
                    }
                }
            }
        }
    }
    exit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("8388608"), Ok(8 << 20));
        assert_eq!(parse_size("8MiB"), Ok(8 << 20));
        assert_eq!(parse_size("32M"), Ok(32 << 20));
        assert_eq!(parse_size("1MB"), Ok(1_000_000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("5TiB").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }
}
