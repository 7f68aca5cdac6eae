//! Peak memory (maximum resident set size) of a child process, measured exactly in-process: no
//! GNU `time`, no unsafe code.
//!
//! Why a probe process. `getrusage(RUSAGE_CHILDREN)` reports the largest `ru_maxrss` of the
//! waited-for children, and a child's `ru_maxrss` starts from the memory of whoever spawned it:
//! `std::process::Command` spawns with `posix_spawn` (`CLONE_VM | CLONE_VFORK`), so at `exec` the
//! kernel records the *parent's* peak as the child's (`/bin/true` spawned by a process that once
//! used 300 MiB reports 300 MiB), and a plain `fork` starts the child from the parent's current
//! size. A test binary that built large inputs would inflate every figure. So the measured command
//! is run by a *probe*: this same test binary started again with [`PROBE_VAR`] set, which only
//! spawns the command, waits for it and reads `getrusage(RUSAGE_CHILDREN)` (exactly that one
//! child: the probe has no other). What the probe itself adds is its own small size (a few MiB,
//! checked by [`self_check`]), as GNU time adds its own. The measurement is read after the child has
//! exited, so it cannot race, and nothing else in the test binary can disturb it.
//!
//! A test binary with the default harness declares the probe with [`rss_probe!`]; one with
//! `harness = false` calls [`probe_main`] first thing in `main`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Set (to the request file) in the environment of a probe process.
pub const PROBE_VAR: &str = "UPGRADE_PLANNER_RSS_PROBE";
/// Name of the test function [`rss_probe!`] declares (the probe re-runs the binary with it alone).
pub const PROBE_TEST: &str = "rss_probe";
/// Set (to a size in MiB) when the probe is asked to allocate and touch that much, then exit: the
/// known quantity [`self_check`] measures.
const ALLOC_VAR: &str = "UPGRADE_PLANNER_RSS_ALLOCATE_MIB";

/// What a measured run produced.
#[derive(Debug)]
pub struct Measured {
    /// Exit code, `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The child's peak resident memory, in KiB.
    pub peak_rss_kib: u64,
}

/// Declares the `rss_probe` test of a test binary that uses [`measure`] (default harness). In a
/// normal run it is [`self_check`]; started as a probe it runs the requested command.
#[macro_export]
macro_rules! rss_probe {
    () => {
        #[test]
        fn rss_probe() {
            if !common::rss::probe_main() {
                common::rss::self_check();
            }
        }
    };
}

/// Runs `program` with `args` (stdin closed, `NO_COLOR=1` plus `envs`) and measures its peak memory.
pub fn measure(program: &Path, args: &[OsString], envs: &[(&str, &str)]) -> Measured {
    let dir = tempfile::tempdir().expect("a temporary directory for the probe");
    let request = dir.path().join("request");
    let mut lines = vec![program.as_os_str().to_owned()];
    lines.push(OsString::from(envs.len().to_string()));
    for (k, v) in envs {
        lines.push(OsString::from(format!("{k}={v}")));
    }
    lines.extend(args.iter().cloned());
    std::fs::write(&request, join_lines(&lines)).expect("write the probe request");
    let exe = std::env::current_exe().expect("the test binary's path");
    let status = Command::new(&exe)
        .args([
            PROBE_TEST,
            "--exact",
            "--nocapture",
            "--quiet",
            "--test-threads=1",
        ])
        .env(PROBE_VAR, &request)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("start the probe");
    let result = std::fs::read_to_string(dir.path().join("result")).unwrap_or_else(|e| {
        panic!(
            "the probe ({}) wrote no result ({e}); it exited with {status}",
            exe.display()
        )
    });
    let mut fields = result.split_whitespace();
    let code = match fields.next() {
        Some("signal") => None,
        Some(c) => Some(c.parse().expect("an exit code")),
        None => panic!("empty probe result"),
    };
    let peak_rss_kib = fields
        .next()
        .and_then(|k| k.parse().ok())
        .expect("a peak RSS in the probe result");
    Measured {
        code,
        stdout: std::fs::read(dir.path().join("stdout")).unwrap_or_default(),
        stderr: std::fs::read(dir.path().join("stderr")).unwrap_or_default(),
        peak_rss_kib,
    }
}

/// In a probe process (started by [`measure`]): runs the requested command, writes its exit code
/// and peak RSS beside the request, and returns `true`. Anywhere else returns `false` at once.
pub fn probe_main() -> bool {
    if let Ok(mib) = std::env::var(ALLOC_VAR) {
        let mib: usize = mib.parse().expect("a size in MiB");
        let block = vec![1u8; mib << 20];
        // Every page written, and the block kept until here, so all of it was resident.
        assert_eq!(
            block
                .iter()
                .step_by(4096)
                .map(|&b| b as usize)
                .sum::<usize>(),
            block.len() / 4096
        );
        std::process::exit(0);
    }
    let Some(request) = std::env::var_os(PROBE_VAR).map(PathBuf::from) else {
        return false;
    };
    let dir = request
        .parent()
        .expect("the request's directory")
        .to_path_buf();
    let text = std::fs::read(&request).expect("read the probe request");
    let mut lines = split_lines(&text).into_iter();
    let program = lines.next().expect("a program");
    let envs: usize = lines
        .next()
        .and_then(|n| n.into_string().ok())
        .and_then(|n| n.parse().ok())
        .expect("an environment count");
    let mut cmd = Command::new(program);
    for _ in 0..envs {
        let kv = lines
            .next()
            .expect("an environment entry")
            .into_string()
            .expect("UTF-8");
        let (k, v) = kv.split_once('=').expect("KEY=VALUE");
        cmd.env(k, v);
    }
    cmd.args(lines)
        .env("NO_COLOR", "1")
        .env_remove(PROBE_VAR)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.join("stdout")).expect("create stdout"))
        .stderr(std::fs::File::create(dir.join("stderr")).expect("create stderr"));
    let status = cmd.status().expect("start the measured command");
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage");
    // Linux reports ru_maxrss in KiB.
    let code = status
        .code()
        .map_or("signal".to_string(), |c| c.to_string());
    std::fs::write(dir.join("result"), format!("{code} {}\n", usage.max_rss()))
        .expect("write the probe result");
    true
}

/// Checks the measurement against known quantities: a child that allocates and touches 96 MiB
/// measures at least that, and a small child measures small even though this process allocated
/// far more before starting it (the reason for the probe).
pub fn self_check() {
    let exe = std::env::current_exe().expect("the test binary's path");
    let alloc = |mib: &str| {
        let args = [PROBE_TEST, "--exact", "--quiet"].map(OsString::from);
        measure(&exe, &args, &[(ALLOC_VAR, mib)])
    };
    let big = alloc("96");
    assert_eq!(
        big.code,
        Some(0),
        "{}",
        String::from_utf8_lossy(&big.stderr)
    );
    assert!(
        (96 * 1024..140 * 1024).contains(&big.peak_rss_kib),
        "a child that touched 96 MiB measured {} KiB",
        big.peak_rss_kib
    );
    let ballast = std::hint::black_box(vec![1u8; 200 << 20]);
    let small = alloc("0");
    assert!(
        small.peak_rss_kib < 32 * 1024,
        "a small child measured {} KiB (the parent's own {} MiB leaked into it?)",
        small.peak_rss_kib,
        ballast.iter().step_by(4096).count() / 256
    );
}

/// Arguments may hold any byte but NUL: NUL-separated lines.
fn join_lines(lines: &[OsString]) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l.as_bytes());
        out.push(0);
    }
    out
}

fn split_lines(bytes: &[u8]) -> Vec<OsString> {
    use std::os::unix::ffi::OsStrExt;
    let mut lines: Vec<OsString> = bytes
        .split(|&b| b == 0)
        .map(|l| std::ffi::OsStr::from_bytes(l).to_owned())
        .collect();
    // Every line ends with NUL: the last piece is the empty rest.
    lines.pop();
    lines
}
