//! `upgrade-planner extract`: one file streamed out of an RPM payload, verified before it is handed
//! out.

use super::{EXIT_INPUT, EXIT_OK, Format, fail, print_json};
use clap::Args;
use std::io::{self, Seek, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use upgrade_planner::docs;
use upgrade_planner::limits;
use upgrade_planner::rpm::{self, RpmError};

/// Extract one file from an RPM package (default: the upgrade-dependency YAML).
///
/// Streams the payload (xz, zstd, gzip, bzip2, lzma or uncompressed; cpio newc or rpm's large-file
/// format) and stops at the file. The header's own SHA-256 is checked before its file list is
/// trusted, and the file's bytes against the header's per-file digest; nothing is written to
/// stdout or OUT unless both verify (the file is staged, then handed out).
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    upgrade-planner extract oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.rpm > deps.yml\n  \
    upgrade-planner extract pkg.rpm --file /home/admin/oceanbase/bin/observer -o observer\n  \
    upgrade-planner extract pkg.rpm -o deps.yml --format json   # a report of what was written\n\n\
    Nothing is handed out from a package whose main header is authenticated by nothing (no header\n\
    SHA-256 or SHA-1, no signature verified with --keyring): MD5 alone does not authenticate it.\n\n\
    Exit codes: 0 extracted and verified; 1 refused: a digest mismatch (header or file), a corrupt\n\
    payload, the file is absent or not a regular file, bad_signature, unverified_header, or\n\
    signature_required (--require-signature); 2 usage error, unreadable, malformed or not an RPM,\n\
    or a --keyring file unreadable or not OpenPGP.")]
pub struct ExtractArgs {
    /// The package (.rpm file).
    #[arg(value_name = "PKG")]
    package: PathBuf,
    /// The file's absolute path in the package (default: the upgrade-dependency YAML,
    /// /home/admin/oceanbase/etc/oceanbase_upgrade_dep.yml).
    #[arg(long, value_name = "PATH")]
    file: Option<String>,
    /// Write to OUT instead of stdout (replaced only once the file verified). A new OUT gets the
    /// file's permissions in the package less the umask, as `cpio -i` gives; an existing OUT keeps
    /// its own.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: Option<PathBuf>,
    /// Report format: `text` (errors on stderr, nothing on stdout but the file) or `json` (needs
    /// -o: a JSON report of the file written, or the JSON error object, on stdout).
    #[arg(long, value_enum, default_value_t = ExtractFormat::Text)]
    format: ExtractFormat,
    #[command(flatten)]
    trust: super::TrustArgs,
}

/// Report formats of `extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExtractFormat {
    /// Errors as text on stderr.
    Text,
    /// A versioned JSON report (or error object) on stdout; needs `-o OUT`.
    Json,
}

pub use upgrade_planner::docs::rpm::EXTRACT_SCHEMA;

/// Holds the output in memory up to a limit, then in an anonymous temporary file.
struct Staging {
    memory: Vec<u8>,
    file: Option<std::fs::File>,
}

impl Write for Staging {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.file.is_none()
            && (self.memory.len() + buf.len()) as u64 > limits::MAX_EXTRACT_MEMORY_STAGING
        {
            let mut f = tempfile::tempfile()?;
            f.write_all(&self.memory)?;
            self.memory = Vec::new();
            self.file = Some(f);
        }
        match &mut self.file {
            Some(f) => f.write(buf),
            None => {
                self.memory.extend_from_slice(buf);
                Ok(buf.len())
            }
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

fn format_of(args: &ExtractArgs) -> Format {
    match args.format {
        ExtractFormat::Text => Format::Text,
        ExtractFormat::Json => Format::Json,
    }
}

fn report(format: Format, e: &RpmError) -> u8 {
    super::report(format, &docs::rpm::extract_failure(e))
}

pub fn run(args: ExtractArgs) -> u8 {
    let policy = match args.trust.policy(format_of(&args), EXTRACT_SCHEMA) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match (&args.output, args.format) {
        (Some(out), _) => to_file(&args, out, &policy),
        (None, ExtractFormat::Json) => fail(
            Format::Json,
            EXTRACT_SCHEMA,
            "usage",
            "--format json needs -o OUT: without it stdout carries the extracted file itself",
            None,
            EXIT_INPUT,
        ),
        (None, ExtractFormat::Text) => to_stdout(&args, &policy),
    }
}

fn to_file(args: &ExtractArgs, out: &Path, policy: &rpm::TrustPolicy) -> u8 {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let write_err = |source| RpmError::Write {
        target: out.display().to_string(),
        source,
    };
    let format = format_of(args);
    let mut staged = match tempfile::NamedTempFile::new_in(&dir) {
        Ok(f) => f,
        Err(e) => return report(format, &write_err(e)),
    };
    let mut buffered = io::BufWriter::new(staged.as_file_mut());
    let result = rpm::extract_with(&args.package, args.file.as_deref(), &mut buffered, policy);
    let flushed = buffered.flush();
    drop(buffered);
    let extracted = match result {
        Ok(extracted) => extracted,
        Err(e) => return report(format, &e),
    };
    if let Err(e) = flushed {
        return report(format, &write_err(e));
    }
    let mode = output_mode(out, extracted.mode);
    if let Err(e) = std::fs::set_permissions(staged.path(), std::fs::Permissions::from_mode(mode)) {
        return report(format, &write_err(e));
    }
    if let Err(e) = staged.persist(out) {
        return report(format, &write_err(e.error));
    }
    if format == Format::Json {
        print_json(&docs::rpm::extract_report(&args.package, out, &extracted));
    }
    EXIT_OK
}

/// The permissions OUT gets: an existing OUT keeps its own (as `cp` onto a file, or a shell `>`,
/// leaves them); a new one gets the file's permissions in the package less the process umask, as
/// `cpio -i` creates it (the staging file itself is private, 0600, until it verified).
fn output_mode(out: &Path, package_mode: u32) -> u32 {
    if let Ok(existing) = std::fs::metadata(out)
        && existing.is_file()
    {
        return existing.permissions().mode() & 0o7777;
    }
    package_mode & 0o777 & !umask()
}

/// The process umask, read from `/proc/self/status` (Linux ≥ 4.7); 022 where that is unavailable.
/// Reading it through `umask(2)` would need `unsafe` (it is set-and-return) for no gain.
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

fn to_stdout(args: &ExtractArgs, policy: &rpm::TrustPolicy) -> u8 {
    let mut staging = Staging {
        memory: Vec::new(),
        file: None,
    };
    match rpm::extract_with(&args.package, args.file.as_deref(), &mut staging, policy) {
        Err(e) => return report(Format::Text, &e),
        Ok(extracted) => {
            for f in &extracted.findings {
                super::print_err(&format!("warning: {}", f.message));
            }
        }
    }
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    let result = match staging.file {
        Some(mut f) => f
            .seek(io::SeekFrom::Start(0))
            .and_then(|_| io::copy(&mut f, &mut lock).map(|_| ())),
        None => lock.write_all(&staging.memory),
    }
    .and_then(|_| lock.flush());
    match result {
        Ok(()) => EXIT_OK,
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => report(
            Format::Text,
            &RpmError::Write {
                target: "stdout".into(),
                source: e,
            },
        ),
    }
}
