//! RPM packages: differential tests against `rpm -qp`, extraction, tampering, corruption, snapshots.

mod common;

use assert_cmd::Command;
use common::external::require;
use std::path::{Path, PathBuf};
use upgrade_planner::rpm::{self, InspectOptions, Package, RpmError};

const DIR: &str = "tests/fixtures/rpm";
const SEED: &str = "data/seed-oceanbase-ce-4.2.1.1.yml";
const OB: &str = "oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64";
const COMPRESSIONS: [&str; 5] = ["xz", "zstd", "gzip", "bzip2", "none"];

fn ob(compression: &str) -> String {
    format!("{DIR}/{OB}.{compression}.rpm")
}

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rpm"))
        .collect();
    v.sort();
    assert_eq!(v.len(), 7, "the committed fixtures");
    v
}

fn bin() -> Command {
    Command::cargo_bin("upgrade-planner").unwrap()
}

fn rpm_query(path: &Path, format: &str) -> String {
    let out = std::process::Command::new("rpm")
        .args([
            "-qp",
            "--nosignature",
            "--nodigest",
            "--queryformat",
            format,
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "rpm -qp failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every field `rpm -qp --queryformat` prints equals ours.
fn differential(path: &Path) {
    let record = rpm::inspect(path, &InspectOptions::default()).unwrap();
    let (pkg, _) = Package::open(path).unwrap();
    let q = |tag: &str| rpm_query(path, &format!("%{{{tag}}}"));
    let none = |v: Option<String>| v.unwrap_or_else(|| "(none)".into());
    assert_eq!(q("NAME"), record.name);
    assert_eq!(q("EPOCH"), none(record.epoch.map(|e| e.to_string())));
    assert_eq!(q("VERSION"), record.version);
    assert_eq!(q("RELEASE"), record.release);
    assert_eq!(q("ARCH"), record.arch);
    assert_eq!(q("LONGSIZE"), record.installed_size.unwrap().to_string());
    assert_eq!(q("SIZE"), record.installed_size.unwrap().to_string());
    assert_eq!(q("SIGMD5"), record.md5.clone().unwrap());
    assert_eq!(q("SIGSIZE"), record.signed_size.unwrap().to_string());
    assert_eq!(q("PAYLOADFORMAT"), record.payload_format.clone().unwrap());
    let compressor = q("PAYLOADCOMPRESSOR");
    if compressor == "(none)" {
        assert_eq!(record.payload_compressor, "none", "{}", path.display());
    } else {
        assert_eq!(compressor, record.payload_compressor);
    }
    assert_eq!(
        q("SHA256HEADER"),
        record.digests.header_sha256.expected.clone().unwrap()
    );
    assert_eq!(
        q("SHA1HEADER"),
        record.digests.header_sha1.expected.clone().unwrap()
    );
    let files = pkg.files().unwrap();
    let ours: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    let theirs: Vec<String> = rpm_query(path, "[%{FILENAMES}\n]")
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(ours, theirs, "file list of {}", path.display());
    let digests: Vec<String> = files
        .iter()
        .map(|f| f.digest.clone().unwrap_or_default())
        .collect();
    let theirs: Vec<String> = rpm_query(path, "[%{FILEDIGESTS}\n]")
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(digests, theirs);
    let sizes: Vec<String> = files.iter().map(|f| f.size.to_string()).collect();
    let theirs: Vec<String> = rpm_query(path, "[%{FILESIZES}\n]")
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(sizes, theirs);
    assert_eq!(record.verified, Some(true), "{}", path.display());
    // rpm's own verdict agrees.
    let k = std::process::Command::new("rpm")
        .args(["-K", "--nosignature"])
        .arg(path)
        .output()
        .unwrap();
    assert!(k.status.success());
}

#[test]
fn fields_match_rpm_query_on_every_fixture() {
    if !require(&["rpm"], "fields_match_rpm_query_on_every_fixture") {
        return;
    }
    for path in fixtures() {
        differential(&path);
    }
}

#[test]
fn package_with_thousands_of_files() {
    if !require(&["rpmbuild", "rpm"], "package_with_thousands_of_files") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("bash")
        .arg(format!("{DIR}/build-fixtures.sh"))
        .args(["--many", "2000"])
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let path = dir.path().join("many-files-1.0-1.noarch.rpm");
    differential(&path);
    let record = rpm::inspect(&path, &InspectOptions::default()).unwrap();
    assert_eq!(
        record.file_count, 2003,
        "2000 files, two directories and the YAML"
    );
    assert_eq!(
        record.upgrade_deps.path.as_deref(),
        Some("/opt/many/zz/oceanbase_upgrade_dep.yml")
    );
    assert_eq!(record.upgrade_deps.versions.as_ref().unwrap().len(), 10);
    let out = bin().arg("extract").arg(&path).assert().success();
    assert_eq!(out.get_output().stdout, std::fs::read(SEED).unwrap());
    let out = bin()
        .arg("extract")
        .arg(&path)
        .args(["--file", "/opt/many/f001234.txt"])
        .assert()
        .success();
    assert_eq!(out.get_output().stdout, b"file 1234\n");
}

#[test]
fn extracted_yaml_equals_the_input_for_every_compression() {
    let seed = std::fs::read(SEED).unwrap();
    for c in COMPRESSIONS {
        let out = bin().arg("extract").arg(ob(c)).assert().success();
        assert_eq!(out.get_output().stdout, seed, "{c}");
        // Same to a file, and with --file naming another file.
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.yml");
        bin()
            .arg("extract")
            .arg(ob(c))
            .arg("-o")
            .arg(&target)
            .assert()
            .success();
        assert_eq!(std::fs::read(&target).unwrap(), seed, "{c}");
        let out = bin()
            .arg("extract")
            .arg(ob(c))
            .args(["--file", "/home/admin/oceanbase/bin/obshell"])
            .assert()
            .success();
        assert_eq!(
            out.get_output().stdout,
            b"#!/bin/sh\necho \"fake obshell\"\n"
        );
    }
    let out = bin()
        .arg("extract")
        .arg(format!("{DIR}/ob-deploy-tools-1.3.0-7.noarch.rpm"))
        .assert()
        .success();
    assert_eq!(out.get_output().stdout, seed);
}

#[test]
fn extract_matches_rpm2cpio() {
    if !require(&["rpm2cpio", "cpio"], "extract_matches_rpm2cpio") {
        return;
    }
    for c in COMPRESSIONS {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "rpm2cpio '{}' | cpio -i --quiet --to-stdout ./home/admin/oceanbase/bin/observer",
                ob(c)
            ))
            .output()
            .unwrap();
        let ours = bin()
            .arg("extract")
            .arg(ob(c))
            .args(["--file", "home/admin/oceanbase/bin/observer"])
            .assert()
            .success();
        assert_eq!(ours.get_output().stdout, out.stdout, "{c}");
    }
}

#[test]
fn extract_errors() {
    let none = bin()
        .arg("extract")
        .arg(format!("{DIR}/obproxy-ce-4.2.0.0-5.el8.x86_64.rpm"))
        .assert()
        .code(1);
    assert!(
        String::from_utf8_lossy(&none.get_output().stderr).contains("no upgrade-dependency file")
    );
    let absent = bin()
        .arg("extract")
        .arg(ob("xz"))
        .args(["--file", "/home/admin/oceanbase/bin/observerd"])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&absent.get_output().stderr).to_string();
    assert!(
        err.contains("has no file `/home/admin/oceanbase/bin/observerd`"),
        "{err}"
    );
    let link = bin()
        .arg("extract")
        .arg(format!("{DIR}/obproxy-ce-4.2.0.0-5.el8.x86_64.rpm"))
        .args(["--file", "/home/admin/obproxy/bin/obproxyd"])
        .assert()
        .code(1);
    assert!(String::from_utf8_lossy(&link.get_output().stderr).contains("a symlink to `obproxy`"));
    bin()
        .arg("extract")
        .arg("no/such/file.rpm")
        .assert()
        .code(2);
    bin().arg("extract").arg(SEED).assert().code(2);
}

#[test]
fn extract_json_report_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("deps.yml");
    let json = |out: &assert_cmd::assert::Assert| -> serde_json::Value {
        serde_json::from_slice(&out.get_output().stdout).expect("stdout is one JSON document")
    };
    // Success: the report names what was written, and the file is the YAML.
    let ok = bin()
        .arg("extract")
        .arg(ob("xz"))
        .arg("-o")
        .arg(&target)
        .args(["--format", "json"])
        .assert()
        .success();
    let report = json(&ok);
    assert_eq!(report["schema"], "upgrade-planner/extract/v1");
    assert_eq!(
        report["file"],
        "/home/admin/oceanbase/etc/oceanbase_upgrade_dep.yml"
    );
    assert_eq!(report["output"], target.display().to_string());
    let written = std::fs::read(&target).unwrap();
    assert_eq!(report["size"], written.len() as u64);
    assert_eq!(report["header_digest"]["status"], "verified");
    assert_eq!(report["file_digest"]["status"], "verified");
    assert_eq!(
        report["file_digest"]["actual"],
        report["file_digest"]["expected"]
    );
    assert_eq!(report["block_seek"], false);
    assert!(ok.get_output().stderr.is_empty());

    // Without -o, stdout is the file itself: JSON is a usage error, and nothing is extracted.
    let usage = bin()
        .arg("extract")
        .arg(ob("xz"))
        .args(["--format", "json"])
        .assert()
        .code(2);
    assert_eq!(json(&usage)["error"]["kind"], "usage");

    // Refusals (exit 1) and unreadable input (exit 2) are JSON error objects on stdout.
    for (args, code, kind) in [
        (
            vec![ob("xz"), "--file".into(), "/nope".into()],
            1,
            "file_not_found",
        ),
        (
            vec![format!("{DIR}/obproxy-ce-4.2.0.0-5.el8.x86_64.rpm")],
            1,
            "no_upgrade_deps",
        ),
        (vec![SEED.to_string()], 2, "not_rpm"),
        (vec!["no/such/file.rpm".into()], 2, "unreadable"),
    ] {
        let out = bin()
            .arg("extract")
            .args(&args)
            .arg("-o")
            .arg(dir.path().join("refused.yml"))
            .args(["--format", "json"])
            .assert()
            .code(code);
        let doc = json(&out);
        assert_eq!(doc["schema"], "upgrade-planner/extract/v1", "{args:?}");
        assert_eq!(doc["error"]["kind"], kind, "{args:?}: {doc}");
        assert!(
            doc["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        assert!(!dir.path().join("refused.yml").exists(), "{args:?}");
    }
}

/// `extract -o OUT`: a new OUT gets the file's mode in the package less the umask (as `cpio -i`
/// creates it); an existing OUT keeps its own mode (as `cp` onto it).
#[test]
fn extract_output_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode_of = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    let run = |umask: &str, file: &str, out: &Path| {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_upgrade-planner"))
            .args(["extract", &ob("xz"), "--file", file, "-o"])
            .arg(out)
            .status()
            .unwrap();
        assert!(status.success(), "{umask} {file}");
    };
    let observer = "/home/admin/oceanbase/bin/observer"; // -rwxr-xr-x in the package
    let yaml = "/home/admin/oceanbase/etc/oceanbase_upgrade_dep.yml"; // -rw-r--r--
    run("022", observer, &dir.path().join("a"));
    assert_eq!(mode_of(&dir.path().join("a")), 0o755);
    run("077", observer, &dir.path().join("b"));
    assert_eq!(mode_of(&dir.path().join("b")), 0o700);
    run("022", yaml, &dir.path().join("c"));
    assert_eq!(mode_of(&dir.path().join("c")), 0o644);
    let existing = dir.path().join("d");
    std::fs::write(&existing, b"old").unwrap();
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o640)).unwrap();
    run("022", observer, &existing);
    assert_eq!(mode_of(&existing), 0o640);
    assert_ne!(std::fs::read(&existing).unwrap(), b"old");
}

fn write_temp(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".rpm").tempfile().unwrap();
    std::io::Write::write_all(&mut f, bytes).unwrap();
    f
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap()
}

#[test]
fn altered_payload_is_refused_where_rpm2cpio_hands_it_out() {
    // Uncompressed payload: change one byte of the YAML's content.
    let mut bytes = std::fs::read(ob("none")).unwrap();
    let at = find(&bytes, b"can_be_upgraded_to") + 2;
    bytes[at] ^= 0x01;
    let f = write_temp(&bytes);
    let out = bin().arg("extract").arg(f.path()).assert().code(1);
    assert!(out.get_output().stdout.is_empty(), "nothing handed out");
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains(
            "file /home/admin/oceanbase/etc/oceanbase_upgrade_dep.yml (sha256) digest mismatch"
        ),
        "{err}"
    );
    // -o OUT is not created either.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("deps.yml");
    bin()
        .arg("extract")
        .arg(f.path())
        .arg("-o")
        .arg(&target)
        .assert()
        .code(1);
    assert!(!target.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no staged file left behind"
    );
    // inspect reports it.
    let record = rpm::inspect(f.path(), &InspectOptions::default()).unwrap();
    assert_eq!(record.verified, Some(false));
    assert_eq!(record.digests.md5.status, rpm::digest::Status::Mismatch);
    assert_eq!(record.digests.payload.status, rpm::digest::Status::Mismatch);
    assert_eq!(
        record.digests.header_sha256.status,
        rpm::digest::Status::Verified
    );
    assert_eq!(
        record.upgrade_deps.digest.as_ref().unwrap().status,
        rpm::digest::Status::Mismatch
    );
    bin().arg("inspect").arg(f.path()).assert().code(1);
    // --no-verify reads only the header, which is intact.
    bin()
        .arg("inspect")
        .arg("--no-verify")
        .arg(f.path())
        .assert()
        .code(0);
    // plan never uses it.
    assert!(matches!(
        rpm::upgrade_deps_from_package(f.path()),
        Err(RpmError::DigestMismatch { .. })
    ));
}

#[test]
fn altered_header_is_refused_before_extracting() {
    for c in COMPRESSIONS {
        let mut bytes = std::fs::read(ob(c)).unwrap();
        let at = find(&bytes, b"OceanBase-like test fixture");
        bytes[at] = b'o';
        let f = write_temp(&bytes);
        let out = bin().arg("extract").arg(f.path()).assert().code(1);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains("header SHA256 digest mismatch"), "{c}: {err}");
        assert!(out.get_output().stdout.is_empty());
        let record = rpm::inspect(f.path(), &InspectOptions::default()).unwrap();
        assert_eq!(
            record.digests.header_sha256.status,
            rpm::digest::Status::Mismatch
        );
        assert_eq!(record.digests.md5.status, rpm::digest::Status::Mismatch);
        bin()
            .arg("inspect")
            .arg("--no-verify")
            .arg(f.path())
            .assert()
            .code(1);
    }
}

#[test]
fn flipped_compressed_payload_bytes_are_refused() {
    for c in ["xz", "zstd", "gzip", "bzip2"] {
        let original = std::fs::read(ob(c)).unwrap();
        let (pkg, _) = Package::open(Path::new(&ob(c))).unwrap();
        let start = pkg.headers.payload_offset as usize;
        for at in [
            start + 20,
            (start + original.len()) / 2,
            original.len() - 30,
        ] {
            let mut bytes = original.clone();
            bytes[at] ^= 0x55;
            let f = write_temp(&bytes);
            let record = rpm::inspect(f.path(), &InspectOptions::default()).unwrap();
            assert_eq!(record.verified, Some(false), "{c} at {at}");
            bin().arg("inspect").arg(f.path()).assert().code(1);
            // extract refuses (corrupt stream or file digest) or, when the flipped byte lies past
            // the YAML's entry, hands out the intact YAML, which verifies.
            let out = bin().arg("extract").arg(f.path()).output().unwrap();
            match out.status.code() {
                Some(0) => assert_eq!(out.stdout, std::fs::read(SEED).unwrap(), "{c} at {at}"),
                Some(1) => assert!(out.stdout.is_empty()),
                other => panic!(
                    "{c} at {at}: exit {other:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                ),
            }
        }
    }
}

#[test]
fn truncated_packages_give_the_right_error() {
    for c in COMPRESSIONS {
        let original = std::fs::read(ob(c)).unwrap();
        let (pkg, _) = Package::open(Path::new(&ob(c))).unwrap();
        let payload = pkg.headers.payload_offset as usize;
        let main = pkg.main().file_offset() as usize;
        for cut in [0, 50, 96, 100, 200, main + 10, main + 500, payload - 1] {
            let f = write_temp(&original[..cut]);
            let err = rpm::inspect(f.path(), &InspectOptions::default()).unwrap_err();
            let expected = if cut < 4 { "not_rpm" } else { "truncated" };
            assert_eq!(err.kind(), expected, "{c} cut at {cut}: {err}");
            bin().arg("inspect").arg(f.path()).assert().code(2);
            bin().arg("extract").arg(f.path()).assert().code(2);
        }
        for cut in [
            payload,
            payload + 10,
            (payload + original.len()) / 2,
            original.len() - 1,
        ] {
            let f = write_temp(&original[..cut]);
            // The signature header's size of header + payload tells a cut payload from an
            // altered one: truncated (exit 2), not a digest mismatch.
            let err = rpm::inspect(f.path(), &InspectOptions::default()).unwrap_err();
            assert_eq!(err.kind(), "truncated", "{c} cut at {cut}: {err}");
            bin().arg("inspect").arg(f.path()).assert().code(2);
            // `extract` says the same, even when the file it wants lies before the cut.
            let out = bin().arg("extract").arg(f.path()).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{c} cut at {cut}");
            assert!(out.stdout.is_empty(), "{c} cut at {cut}");
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("is truncated"),
                "{c} cut at {cut}"
            );
        }
    }
}

#[test]
fn bad_magic_and_absurd_counts() {
    let original = std::fs::read(ob("xz")).unwrap();
    let mut bytes = original.clone();
    bytes[0] = 0;
    let f = write_temp(&bytes);
    let out = bin()
        .args(["inspect", "--format", "json"])
        .arg(f.path())
        .assert()
        .code(2);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["error"]["kind"], "not_rpm");
    // Main header magic.
    let (pkg, _) = Package::open(Path::new(&ob("xz"))).unwrap();
    let main = pkg.main().file_offset() as usize;
    let mut bytes = original.clone();
    bytes[main] = 0;
    assert_eq!(
        rpm::inspect(write_temp(&bytes).path(), &InspectOptions::default())
            .unwrap_err()
            .kind(),
        "malformed"
    );
    // Absurd index counts in either header: refused before anything is allocated.
    for (at, value, kind) in [
        (96 + 8, u32::MAX, "malformed"),
        (96 + 12, u32::MAX, "malformed"),
        (main + 8, 0x0001_0000, "malformed"),
        (main + 12, 0x1000_0000, "malformed"),
        (main + 8, 0xffff, "truncated"),
        (main + 8, 0, "malformed"),
        // first index entry's count
        (main + 16 + 12, 0x7fff_ffff, "malformed"),
        // first index entry's offset
        (main + 16 + 8, 0x7fff_fff0, "malformed"),
    ] {
        let mut bytes = original.clone();
        bytes[at..at + 4].copy_from_slice(&u32::to_be_bytes(value));
        let err = rpm::inspect(write_temp(&bytes).path(), &InspectOptions::default()).unwrap_err();
        assert_eq!(err.kind(), kind, "{at}={value:#x}: {err}");
    }
}

#[test]
fn plan_library_entry_point() {
    let (graph, pkg) = rpm::upgrade_deps_from_package(Path::new(&ob("zstd"))).unwrap();
    assert_eq!(pkg.target, "4.2.1.1-101000062023110109");
    assert!(graph.find("4.2.1.1").is_some());
    let err = rpm::upgrade_deps_from_package(Path::new(&format!(
        "{DIR}/obproxy-ce-4.2.0.0-5.el8.x86_64.rpm"
    )));
    assert!(matches!(err, Err(RpmError::NoUpgradeDeps { .. })));
}

#[test]
fn inspect_snapshots() {
    let text = bin().arg("inspect").arg(ob("xz")).assert().success();
    insta::assert_snapshot!(
        "inspect_xz_text",
        String::from_utf8_lossy(&text.get_output().stdout)
    );
    let json = bin()
        .args(["inspect", "--format", "json"])
        .arg(ob("xz"))
        .assert()
        .success();
    insta::assert_snapshot!(
        "inspect_xz_json",
        String::from_utf8_lossy(&json.get_output().stdout)
    );
    let text = bin()
        .args(["inspect", "--no-verify", "--chunk-size", "4KiB"])
        .arg(ob("none"))
        .arg(format!("{DIR}/ob-deploy-tools-1.3.0-7.noarch.rpm"))
        .arg(format!("{DIR}/obproxy-ce-4.2.0.0-5.el8.x86_64.rpm"))
        .assert()
        .success();
    insta::assert_snapshot!(
        "inspect_no_verify_text",
        String::from_utf8_lossy(&text.get_output().stdout)
    );
    let json = bin()
        .args(["inspect", "--format", "json", "--chunk-size", "4KiB"])
        .arg(format!("{DIR}/ob-deploy-tools-1.3.0-7.noarch.rpm"))
        .arg("tests/fixtures/rpm/README.md")
        .assert()
        .code(2);
    insta::assert_snapshot!(
        "inspect_several_json",
        String::from_utf8_lossy(&json.get_output().stdout)
    );
}

#[test]
fn json_shape_is_the_contract() {
    let json = bin()
        .args(["inspect", "--format", "json"])
        .arg(ob("gzip"))
        .arg(ob("bzip2"))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    for p in arr {
        assert_eq!(p["schema"], "upgrade-planner/package/v1");
        for key in [
            "name",
            "epoch",
            "version",
            "release",
            "build",
            "distribution",
            "arch",
            "installed_size",
            "file_size",
            "signed_size",
            "payload_compressor",
            "payload_format",
            "md5",
            "chunks",
            "upgrade_deps",
        ] {
            assert!(p.get(key).is_some(), "missing {key}");
        }
        assert_eq!(p["chunks"]["size"], 8 * 1024 * 1024);
        assert_eq!(p["chunks"]["count"], 1);
        assert_eq!(p["digests"]["md5"]["status"], "verified");
        assert_eq!(p["upgrade_deps"]["present"], true);
    }
    assert_eq!(arr[0]["payload_compressor"], "gzip");
    assert_eq!(arr[1]["payload_compressor"], "bzip2");
    let epoch = bin()
        .args(["inspect", "--format", "json"])
        .arg(format!("{DIR}/ob-deploy-tools-1.3.0-7.noarch.rpm"))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&epoch.get_output().stdout).unwrap();
    assert_eq!(v["epoch"], 2);
    assert_eq!(v["distribution"], serde_json::Value::Null);
    assert_eq!(v["build"], "7");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any mutation of a real package's headers parses or fails with an error; never panics.
        #[test]
        fn mutated_headers_never_panic(at in 0usize..4000, value in any::<u8>(), cut in 0usize..9000) {
            let mut bytes = std::fs::read(ob("xz")).unwrap();
            let at = at % bytes.len();
            bytes[at] = value;
            bytes.truncate(cut.max(1));
            let _ = rpm::fuzz_header(&bytes);
        }

        /// Any mutation of a real payload decodes or fails; never panics.
        #[test]
        fn mutated_payloads_never_panic(c in 0usize..5, at in 0usize..10_000, value in any::<u8>()) {
            let path = ob(COMPRESSIONS[c]);
            let bytes = std::fs::read(&path).unwrap();
            let (pkg, _) = Package::open(Path::new(&path)).unwrap();
            let mut payload = bytes[pkg.headers.payload_offset as usize..].to_vec();
            let at = at % payload.len();
            payload[at] = value;
            let _ = rpm::fuzz_payload(&payload);
        }
    }

    #[test]
    fn unmodified_payloads_walk_every_entry() {
        for c in COMPRESSIONS {
            let path = ob(c);
            let bytes = std::fs::read(&path).unwrap();
            let (pkg, _) = Package::open(Path::new(&path)).unwrap();
            // 5 files and their directories as rpm lists them: the 5 files.
            assert_eq!(
                rpm::fuzz_payload(&bytes[pkg.headers.payload_offset as usize..]),
                5,
                "{c}"
            );
        }
    }
}

/// File offset of the signature header's index entry for `tag`.
fn signature_entry(bytes: &[u8], tag: u32) -> usize {
    let il = u32::from_be_bytes(bytes[104..108].try_into().unwrap()) as usize;
    (0..il)
        .map(|i| 96 + 16 + 16 * i)
        .find(|&at| bytes[at..at + 4] == tag.to_be_bytes())
        .unwrap()
}

/// `inspect --format json` on `bytes`: exit 2, a `malformed` error whose message contains
/// `needle`; and `rpm -K --nosignature` (when installed) refuses the same file.
fn refused_as_malformed(bytes: &[u8], what: &str, needle: &str) {
    refused(bytes, what, needle, true);
}

/// Like [`refused_as_malformed`]; `rpm_refuses: false` for what only we refuse.
fn refused(bytes: &[u8], what: &str, needle: &str, rpm_refuses: bool) {
    let f = write_temp(bytes);
    let out = bin()
        .args(["inspect", "--format", "json"])
        .arg(f.path())
        .assert()
        .code(2);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["error"]["kind"], "malformed", "{what}: {v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains(needle), "{what}: {message}");
    assert!(v.get("signed_size").is_none(), "{what}: no record");
    bin().arg("extract").arg(f.path()).assert().code(2);
    if rpm_refuses && require(&["rpm"], &format!("rpm -K cross-check of {what}")) {
        let rpm = std::process::Command::new("rpm")
            .args(["-K", "--nosignature"])
            .arg(f.path())
            .output()
            .unwrap();
        assert!(!rpm.status.success(), "{what}: rpm -K accepts it");
    }
}

#[test]
fn header_magic_reserved_bytes_must_be_zero() {
    for c in ["xz", "zstd"] {
        let original = std::fs::read(ob(c)).unwrap();
        let (pkg, _) = Package::open(Path::new(&ob(c))).unwrap();
        let main = pkg.main().file_offset() as usize;
        for at in [100, 101, 102, 103, main + 4, main + 7] {
            let mut bytes = original.clone();
            bytes[at] ^= 0x01;
            refused_as_malformed(&bytes, &format!("{c} at {at}"), "reserved bytes");
        }
    }
}

#[test]
fn a_moved_signature_entry_is_refused_not_read_as_a_size_of_zero() {
    // Byte 170 of the zstd fixture: the SIZE entry's offset moves from 108 to 364, into the
    // reserved space (zeros). rpm -K: `signature tag[3]: BAD`; we used to print `signed size 0`.
    let mut bytes = std::fs::read(ob("zstd")).unwrap();
    assert_eq!(signature_entry(&bytes, 1000) + 8 + 2, 170);
    bytes[170] ^= 0x01;
    refused_as_malformed(&bytes, "zstd at 170", "overlaps earlier entries");
    // Every byte of every signature index entry's offset and count, in both fixtures.
    for c in ["xz", "zstd"] {
        let original = std::fs::read(ob(c)).unwrap();
        let il = u32::from_be_bytes(original[104..108].try_into().unwrap()) as usize;
        for i in 1..il {
            for at in (96 + 16 + 16 * i + 8)..(96 + 16 + 16 * i + 16) {
                let mut bytes = original.clone();
                bytes[at] ^= 0x01;
                let f = write_temp(&bytes);
                let out = bin()
                    .args(["inspect", "--format", "json"])
                    .arg(f.path())
                    .output()
                    .unwrap();
                assert_eq!(out.status.code(), Some(2), "{c}: entry {i}, byte {at}");
                let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert!(
                    ["malformed", "truncated"].contains(&v["error"]["kind"].as_str().unwrap()),
                    "{c}: entry {i}, byte {at}: {v}"
                );
            }
        }
    }
}

#[test]
fn damaged_signature_entries_are_refused() {
    let original = std::fs::read(ob("xz")).unwrap();
    let size = signature_entry(&original, 1000);
    let md5 = signature_entry(&original, 1004);
    let sha256 = signature_entry(&original, 273);
    let (pkg, _) = Package::open(Path::new(&ob("xz"))).unwrap();
    let il = u32::from_be_bytes(original[104..108].try_into().unwrap()) as usize;
    let region_offset = u32::from_be_bytes(original[120..124].try_into().unwrap()) as usize;
    let trailer = 96 + 16 + 16 * il + region_offset;
    let main = pkg.main().file_offset() as usize;
    let set = |at: usize, value: u32| {
        let mut bytes = original.clone();
        bytes[at..at + 4].copy_from_slice(&value.to_be_bytes());
        bytes
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("SIZE count 0", set(size + 12, 0), "no data"),
        ("SIZE as INT64", set(size + 4, 5), "aligned"),
        ("MD5 count 15", set(md5 + 12, 15), "MD5"),
        ("SHA256 as BIN", set(sha256 + 4, 7), "SHA256HEADER"),
        ("region tag 63", set(112, 63), "tag 63"),
        ("region type", set(116, 6), "region entry"),
        ("region trailer tag", set(trailer, 63), "region trailer"),
        (
            "region trailer offset",
            set(trailer + 8, (-111i32) as u32),
            "region trailer",
        ),
        ("main region count", set(main + 16 + 12, 15), "region entry"),
        (
            "lead major version",
            {
                let mut b = original.clone();
                b[4] = 2;
                b
            },
            "major version",
        ),
    ];
    for (what, bytes, needle) in cases {
        refused_as_malformed(&bytes, what, needle);
    }
    // SIZE retyped INT16 leaves 2 bytes of the store unaccounted for: `rpm -K` (which does not
    // import the header) passes it, `rpm -qp` says `hdr load: BAD`, and so do we (malformed).
    refused(&set(size + 4, 3), "SIZE as INT16", "account for", false);
    // The signature header's data length one byte longer: the region need not cover it
    // (`rpm -K` passes it) but the entries no longer account for the store (`rpm -qp` refuses).
    let mut bytes = original.clone();
    bytes[111] ^= 0x01;
    refused(&bytes, "signature data length + 1", "hdr load: BAD", false);
    if require(&["rpm"], "signature data length + 1: rpm -qp refuses it") {
        let f = write_temp(&bytes);
        let q = std::process::Command::new("rpm")
            .arg("-qp")
            .arg(f.path())
            .output()
            .unwrap();
        assert!(!q.status.success());
    }
}

/// A package signed with `rpmsign` (RSA header signature, rpm 4.18's layout with its reserved space)
/// passes the librpm-strict header checks: the signature is listed, every digest verifies, and
/// `extract` still hands out the YAML. The key is made on the spot (`tests/common/signing.rs`).
#[test]
fn package_signed_with_rpmsign_is_intact() {
    if !require(&["rpmsign", "gpg"], "package_signed_with_rpmsign_is_intact") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let signed = dir.path().join("signed.rpm");
    common::signing::keys().sign(Path::new(&ob("xz")), "rsa", false, &signed);
    let out = bin()
        .arg("inspect")
        .arg(&signed)
        .args(["--format", "json"])
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["verified"], true, "{v}");
    assert!(
        v["signatures"]
            .as_array()
            .is_some_and(|s| s.iter().any(|x| x == "rsa")),
        "{v}"
    );
    // Without --keyring the signature is read, not verified.
    assert_eq!(v["signature"]["status"], "not_checked", "{v}");
    assert_eq!(v["signature"]["checks"][0]["algorithm"], "rsa", "{v}");
    let yaml = bin().arg("extract").arg(&signed).assert().code(0);
    assert_eq!(yaml.get_output().stdout, std::fs::read(SEED).unwrap());
}

/// A signature region trailer that says HEADERIMAGE (61) instead of HEADERSIGNATURES (62), as some
/// old packages were written, is accepted: librpm fixes it up before checking, and so do we.
#[test]
fn signature_trailer_tagged_headerimage_is_accepted_as_librpm_does() {
    let mut bytes = std::fs::read(format!("{DIR}/ob-deploy-tools-1.3.0-7.noarch.rpm")).unwrap();
    let be = |b: &[u8], at: usize| u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize;
    let sig = 96;
    let entries = be(&bytes, sig + 8);
    assert_eq!(
        be(&bytes, sig + 16),
        62,
        "the first entry is the signature region"
    );
    let trailer = sig + 16 + entries * 16 + be(&bytes, sig + 16 + 8);
    assert_eq!(
        be(&bytes, trailer),
        62,
        "the trailer repeats the region tag"
    );
    bytes[trailer..trailer + 4].copy_from_slice(&61u32.to_be_bytes());
    let f = write_temp(&bytes);
    if require(
        &["rpm"],
        "signature_trailer_tagged_headerimage_is_accepted_as_librpm_does (rpm -K)",
    ) {
        let out = std::process::Command::new("rpm")
            .args(["-K", "--nosignature"])
            .arg(f.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "rpm itself accepts it");
    }
    let out = bin()
        .arg("inspect")
        .arg(f.path())
        .args(["--format", "json"])
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["verified"], true, "{v}");
}
