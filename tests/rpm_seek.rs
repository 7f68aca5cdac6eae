//! The xz block seek on a real multi-block package: rpmbuild with threaded xz (`w0T2.xzdio`: 1 MiB
//! blocks) over a 4 MiB binary that comes before the upgrade YAML in payload order. Built into a
//! temporary directory (`rpmbuild` is required: see tests/common/external.rs; `.ci/run` installs it).

mod common;

use assert_cmd::Command;
use common::external::require;
use std::path::{Path, PathBuf};
use upgrade_planner::rpm::{self, InspectOptions, Package, seek};

const SEED: &str = "data/seed-oceanbase-ce-4.2.1.1.yml";

/// Pseudo-random bytes (xorshift): incompressible, so the payload really has several blocks.
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Builds the package with `payload` (an rpm `_binary_payload` value) and returns its path.
fn build(dir: &Path, payload: &str) -> PathBuf {
    let seed = std::fs::canonicalize(SEED).unwrap();
    std::fs::write(dir.join("observer"), noise(4 << 20, 7)).unwrap();
    std::fs::write(dir.join("libx.so"), noise(1 << 20, 8)).unwrap();
    let spec = dir.join("seek.spec");
    std::fs::write(
        &spec,
        "Name: seek-test\nVersion: 4.2.1.1\nRelease: 1.el7\nSummary: seek fixture\nLicense: Apache-2.0\n\
         BuildArch: noarch\nAutoReqProv: no\n%description\nseek fixture\n%install\n\
         d=%{buildroot}/home/admin/oceanbase\nmkdir -p $d/bin $d/etc $d/lib\n\
         cp %{src}/observer $d/bin/observer\ncp %{src}/libx.so $d/lib/libx.so\n\
         cp %{yaml} $d/etc/oceanbase_upgrade_dep.yml\nln -s observer $d/bin/observerd\n\
         %files\n/home/admin/oceanbase\n",
    )
    .unwrap();
    let top = dir.join("top");
    let status = std::process::Command::new("rpmbuild")
        .arg("-bb")
        .arg("--quiet")
        .args(["--define", &format!("_topdir {}", top.display())])
        .args(["--define", &format!("src {}", dir.display())])
        .args(["--define", &format!("yaml {}", seed.display())])
        .args(["--define", &format!("_binary_payload {payload}")])
        .args(["--define", "_binary_filedigest_algorithm 8"])
        .args(["--define", "__os_install_post %{nil}"])
        .args(["--define", "_build_id_links none"])
        .args(["--define", "debug_package %{nil}"])
        .arg(&spec)
        .env("SOURCE_DATE_EPOCH", "1698796800")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "rpmbuild failed");
    let out = dir.join(format!("seek-{}.rpm", payload.replace('.', "-")));
    std::fs::rename(
        top.join("RPMS/noarch/seek-test-4.2.1.1-1.el7.noarch.rpm"),
        &out,
    )
    .unwrap();
    std::fs::remove_dir_all(&top).unwrap();
    out
}

fn index_of(path: &Path) -> (Package, seek::XzIndex) {
    let (pkg, mut reader) = Package::open(path).unwrap();
    let len = std::fs::metadata(path).unwrap().len();
    let index = seek::read_index(reader.get_mut(), pkg.headers.payload_offset, len).unwrap();
    (pkg, index)
}

#[test]
fn multi_block_payloads_are_read_by_seeking_and_checked() {
    if !require(
        &["rpmbuild"],
        "multi_block_payloads_are_read_by_seeking_and_checked",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = build(dir.path(), "w0T2.xzdio");
    let yaml = std::fs::read(SEED).unwrap();
    let (pkg, index) = index_of(&path);
    assert!(
        index.blocks.len() >= 4,
        "{} blocks: rpm's threaded xz writes 1 MiB blocks at level 0",
        index.blocks.len()
    );

    // Our offset computation agrees with the archive rpm wrote, for every file.
    let files = pkg.files().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let payload = &bytes[pkg.headers.payload_offset as usize..];
    let mut dec = rpm::payload::decoder(rpm::payload::Compressor::Xz, payload).unwrap();
    let mut archive = Vec::new();
    std::io::Read::read_to_end(&mut dec, &mut archive).unwrap();
    let mut cpio = rpm::cpio::CpioReader::new(&archive[..]);
    let mut seen = 0;
    while let Some(entry) = cpio.next_entry().unwrap() {
        let rpm::cpio::EntryName::Path(name) = &entry.name else {
            panic!("newc expected")
        };
        let name = String::from_utf8_lossy(name);
        let f = files
            .iter()
            .find(|f| format!(".{}", f.path) == name)
            .unwrap();
        assert_eq!(
            seek::archive_offset(&files, f.index, false),
            Some(entry.offset),
            "{name}"
        );
        seen += 1;
    }
    assert_eq!(seen, files.len());

    // extract seeks, and hands out the YAML byte for byte.
    let mut out = Vec::new();
    let done = rpm::extract(&path, None, &mut out).unwrap();
    assert!(
        done.block_seek,
        "the multi-block payload is read by seeking"
    );
    assert_eq!(out, yaml);
    let cli = Command::cargo_bin("upgrade-planner")
        .unwrap()
        .arg("extract")
        .arg(&path)
        .assert()
        .success();
    assert_eq!(cli.get_output().stdout, yaml);
    // A file spanning several blocks, too.
    let mut out = Vec::new();
    let done = rpm::extract(&path, Some("/home/admin/oceanbase/lib/libx.so"), &mut out).unwrap();
    assert!(done.block_seek);
    assert_eq!(out, noise(1 << 20, 8));

    // inspect fills upgrade_deps from the seek and verifies every digest.
    let record = rpm::inspect(&path, &InspectOptions::default()).unwrap();
    assert_eq!(record.verified, Some(true));
    assert_eq!(record.upgrade_deps.versions.as_ref().unwrap().len(), 10);

    // A single-block build of the same package streams (nothing to seek to).
    let single = build(dir.path(), "w0.xzdio");
    let mut out = Vec::new();
    let done = rpm::extract(&single, None, &mut out).unwrap();
    assert!(!done.block_seek);
    assert_eq!(out, yaml);
}

#[test]
fn damage_in_the_sought_block_is_refused() {
    if !require(&["rpmbuild"], "damage_in_the_sought_block_is_refused") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = build(dir.path(), "w0T2.xzdio");
    let (pkg, index) = index_of(&path);
    let files = pkg.files().unwrap();
    let target = rpm::find_upgrade_deps(&files).unwrap();
    let offset = seek::archive_offset(&files, target.index, false).unwrap();
    let block = index.block_at(offset).unwrap();
    let original = std::fs::read(&path).unwrap();
    // Flip a byte of the YAML's compressed bytes (near the start of its block, past the block
    // header: the YAML comes right after the 4 MiB binary, at the start of a block).
    assert!(
        offset - block.uncompressed_offset < 1024,
        "the YAML starts its block"
    );
    let at = (pkg.headers.payload_offset + block.compressed_offset + 64) as usize;
    let mut bytes = original.clone();
    bytes[at] ^= 0x55;
    let damaged = dir.path().join("damaged.rpm");
    std::fs::write(&damaged, &bytes).unwrap();
    let out = Command::cargo_bin("upgrade-planner")
        .unwrap()
        .arg("extract")
        .arg(&damaged)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let record = rpm::inspect(&damaged, &InspectOptions::default()).unwrap();
    assert_eq!(record.verified, Some(false));

    // An index that lies (CRCs fixed up) makes the seek miss; the streamed payload still gives
    // the right YAML.
    let mut bytes = original.clone();
    let index_at = (pkg.headers.payload_offset + index.index_offset) as usize;
    let lie = lie_about_sizes(&bytes[index_at..bytes.len() - 12]);
    bytes.truncate(index_at);
    bytes.extend_from_slice(&lie);
    let backward = (lie.len() / 4 - 1) as u32;
    let mut footer = backward.to_le_bytes().to_vec();
    footer.extend_from_slice(&original[pkg.headers.payload_offset as usize + 6..][..2]);
    bytes.extend_from_slice(&crc32fast::hash(&footer).to_le_bytes());
    bytes.extend_from_slice(&footer);
    bytes.extend_from_slice(b"YZ");
    let lying = dir.path().join("lying.rpm");
    std::fs::write(&lying, &bytes).unwrap();
    let mut out = Vec::new();
    let done = rpm::extract(&lying, None, &mut out).unwrap();
    assert!(!done.block_seek, "the lying index is not used");
    assert_eq!(out, std::fs::read(SEED).unwrap());
}

/// The same index with the first block 4 KiB larger than it is, so every later block seems to
/// start 4 KiB later (CRC recomputed).
fn lie_about_sizes(index: &[u8]) -> Vec<u8> {
    fn get(b: &[u8], pos: &mut usize) -> u64 {
        let mut v = 0u64;
        for i in 0.. {
            let x = b[*pos];
            *pos += 1;
            v |= u64::from(x & 0x7f) << (7 * i);
            if x & 0x80 == 0 {
                break;
            }
        }
        v
    }
    fn put(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }
    let mut pos = 1;
    let n = get(index, &mut pos);
    let mut records: Vec<(u64, u64)> = (0..n)
        .map(|_| (get(index, &mut pos), get(index, &mut pos)))
        .collect();
    records[0].1 += 4096;
    let mut out = vec![0u8];
    put(n, &mut out);
    for (u, s) in records {
        put(u, &mut out);
        put(s, &mut out);
    }
    while out.len() % 4 != 0 {
        out.push(0);
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}
