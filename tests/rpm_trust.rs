//! Package trust (issue 12): OpenPGP signatures against `rpmkeys --checksig`, the trust policy of
//! every command, and the reproducers of the issue (tests/fixtures/trust/).

mod common;

use assert_cmd::Command;
use common::external::require;
use common::rpm_edit::{main_header, rebuild_main, rebuild_signature, signature_entries};
use common::signing::keys;
use std::path::{Path, PathBuf};

const OB: &str = "tests/fixtures/rpm/oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64";
const SEED: &str = "data/seed-oceanbase-ce-4.2.1.1.yml";
const TRUST: &str = "tests/fixtures/trust";

fn bin() -> Command {
    Command::cargo_bin("upgrade-planner").unwrap()
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// `inspect --format json PKG`: the output (exit code and JSON).
fn inspect_json(pkg: &str) -> std::process::Output {
    bin()
        .args(["inspect", "--format", "json", pkg])
        .output()
        .unwrap()
}

/// A temporary rpm database holding `keys` (`rpmkeys --dbpath DIR --import`).
fn rpmdb(dir: &Path, keys: &[PathBuf]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for key in keys {
        let mut cmd = std::process::Command::new("rpmkeys");
        cmd.arg("--dbpath").arg(dir).arg("--import").arg(key);
        common::signing::run_ok(&mut cmd);
    }
    dir.to_path_buf()
}

// ---- the reproducers -------------------------------------------------------------------------

#[test]
fn reproducer_1_a_tampered_yaml_with_no_header_digest_is_never_handed_out() {
    let pkg = format!("{TRUST}/tampered-yaml-no-header-digests.rpm");
    // inspect: not intact (only MD5 catches it).
    let out = inspect_json(&pkg);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["digests"]["md5"]["status"], "mismatch", "{v}");
    assert_eq!(v["digests"]["header_sha256"]["status"], "absent");
    assert_eq!(v["header_authenticated"], false);
    // extract: nothing written, unverified_header.
    let out = bin().args(["extract", &pkg]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("authenticated by nothing"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("deps.yml");
    let out = bin()
        .args(["extract", &pkg, "--format", "json", "-o"])
        .arg(&o)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["error"]["kind"], "unverified_header");
    assert!(!o.exists());
    // plan: refused, never the one-hop route 4.0.0.0 -> 4.2.1.1.
    let out = bin()
        .args([
            "plan",
            "--package",
            &pkg,
            "--from",
            "4.0.0.0",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["error"]["kind"], "unverified_header");
    if require(&["rpm"], "reproducer 1: rpm -K refuses it too") {
        let k = std::process::Command::new("rpm")
            .arg("-K")
            .arg(&pkg)
            .output()
            .unwrap();
        assert!(!k.status.success());
    }
}

#[test]
fn reproducer_2_packages_librpm_cannot_load_are_malformed() {
    for name in [
        "signature-data-length-plus-2.rpm",
        "reservedspace-count-minus-2.rpm",
    ] {
        let pkg = format!("{TRUST}/{name}");
        let out = inspect_json(&pkg);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let v = json(&out);
        assert_eq!(v["error"]["kind"], "malformed", "{name}: {v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains("hdr load: BAD"), "{message}");
        bin().args(["extract", &pkg]).assert().code(2);
        bin()
            .args(["plan", "--package", &pkg, "--from", "4.0.0.0"])
            .assert()
            .code(2);
        if require(
            &["rpm"],
            &format!("reproducer 2 ({name}): librpm's verdicts"),
        ) {
            let k = std::process::Command::new("rpm")
                .arg("-K")
                .arg(&pkg)
                .output()
                .unwrap();
            assert!(
                k.status.success(),
                "{name}: rpm -K accepts it (it does not import)"
            );
            let q = std::process::Command::new("rpm")
                .arg("-qp")
                .arg(&pkg)
                .output()
                .unwrap();
            assert!(!q.status.success(), "{name}: rpm -qp refuses it");
            assert!(String::from_utf8_lossy(&q.stderr).contains("hdr load: BAD"));
        }
    }
}

#[test]
fn reproducer_3_a_wrong_signature_size_is_a_finding_not_a_refusal() {
    let pkg = format!("{TRUST}/signature-size-plus-2.rpm");
    let out = inspect_json(&pkg);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["verified"], true, "{v}");
    assert_eq!(v["findings"][0]["code"], "signed-size-mismatch", "{v}");
    let out = bin().args(["extract", &pkg]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, std::fs::read(SEED).unwrap());
    assert!(String::from_utf8_lossy(&out.stderr).contains("signature header says"));
    bin()
        .args(["plan", "--package", &pkg, "--from", "4.0.0.0"])
        .assert()
        .code(0);
    // --no-verify cannot tell: a warning, no verdict.
    let out = bin()
        .args(["inspect", "--no-verify", "--format", "json", &pkg])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["findings"][0]["code"], "signed-size-mismatch");
    if require(&["rpm", "rpm2cpio"], "reproducer 3: rpm accepts it") {
        for args in [&["-K"][..], &["-qp"][..]] {
            let o = std::process::Command::new("rpm")
                .args(args)
                .arg(&pkg)
                .output()
                .unwrap();
            assert!(o.status.success(), "rpm {args:?}");
        }
        let o = std::process::Command::new("rpm2cpio")
            .arg(&pkg)
            .output()
            .unwrap();
        assert!(o.status.success());
    }
    // A real cut is still `truncated`.
    let bytes = std::fs::read(&pkg).unwrap();
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), &bytes[..bytes.len() - 100]).unwrap();
    let out = bin()
        .arg("inspect")
        .arg(f.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["kind"], "truncated");
}

#[test]
fn keyring_errors_are_usage_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let not_key = dir.path().join("notakey.asc");
    std::fs::write(&not_key, "hello\n").unwrap();
    let pkg = format!("{OB}.xz.rpm");
    for args in [
        vec!["inspect", "--format", "json", &pkg],
        vec!["extract", &pkg, "-o", "/dev/null", "--format", "json"],
        vec![
            "plan",
            "--package",
            &pkg,
            "--from",
            "4.0.0.0",
            "--format",
            "json",
        ],
    ] {
        let out = bin()
            .args(&args)
            .arg("--keyring")
            .arg(&not_key)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let v = json(&out);
        assert_eq!(v["error"]["kind"], "invalid_keyring", "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("notakey.asc")
        );
        let out = bin()
            .args(&args)
            .args(["--keyring", "/nonexistent/key.asc"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(json(&out)["error"]["kind"], "invalid_keyring");
    }
    // An empty directory has no key.
    let empty = tempfile::tempdir().unwrap();
    bin()
        .args(["inspect", &pkg, "--keyring"])
        .arg(empty.path())
        .assert()
        .code(2);
    // --keyring without a package to apply to.
    bin()
        .args([
            "plan",
            "--deps",
            SEED,
            "--from",
            "4.0.0.0",
            "--to",
            "latest",
            "--require-signature",
        ])
        .assert()
        .code(2);
}

#[test]
fn unsigned_packages_and_require_signature() {
    let pkg = format!("{OB}.zstd.rpm");
    let out = inspect_json(&pkg);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["signature"]["status"], "unsigned");
    assert_eq!(v["signature"]["checks"], serde_json::json!([]));
    assert_eq!(v["header_authenticated"], true);
    assert_eq!(v["refusal"], serde_json::Value::Null);
    let out = bin()
        .args(["inspect", "--format", "json", "--require-signature", &pkg])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["refusal"]["kind"], "signature_required");
    let out = bin()
        .args(["extract", "--require-signature", &pkg])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsigned"));
}

// ---- the differential test against rpmkeys --checksig ------------------------------------------

/// rpmkeys' verdict per signature: (header-only?, key ID (8 hex), OK/NOKEY/BAD).
fn rpmkeys_verdicts(db: &Path, pkg: &Path) -> Vec<(bool, String, String)> {
    let out = std::process::Command::new("rpmkeys")
        .arg("--dbpath")
        .arg(db)
        .args(["--checksig", "-v"])
        .arg(pkg)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let mut v = Vec::new();
    for line in text.lines().map(str::trim) {
        // "RSA signature: NOTFOUND": the legacy header+payload slots rpm 4.18 reports as empty.
        if !line.contains("ignature") || line.contains("digest") || line.contains("NOTFOUND") {
            continue;
        }
        let header = line.starts_with("Header");
        let key = line
            .split("key ID ")
            .nth(1)
            .map(|r| r.chars().take(8).collect())
            .unwrap_or_default();
        let verdict = ["NOKEY", "BAD", "OK"]
            .into_iter()
            .find(|w| line.contains(&format!(": {w}")))
            .unwrap_or("?")
            .to_string();
        v.push((header, key, verdict));
    }
    v.sort();
    v
}

/// Ours, in rpm's words.
fn our_verdicts(
    keyring: &[PathBuf],
    pkg: &Path,
) -> (Vec<(bool, String, String)>, serde_json::Value) {
    let mut cmd = bin();
    cmd.args(["inspect", "--format", "json"]).arg(pkg);
    for k in keyring {
        cmd.arg("--keyring").arg(k);
    }
    let out = cmd.output().unwrap();
    let v = json(&out);
    let mut checks: Vec<(bool, String, String)> = v["signature"]["checks"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|c| {
            let id = c["key_id"].as_str().unwrap_or("");
            let verdict = match c["status"].as_str().unwrap() {
                "verified" => "OK",
                "no_key" => "NOKEY",
                "bad" => "BAD",
                other => other,
            };
            (
                c["covers"] == "header",
                id.get(id.len().saturating_sub(8)..)
                    .unwrap_or("")
                    .to_string(),
                verdict.to_string(),
            )
        })
        .collect();
    checks.sort();
    (checks, v)
}

fn flip(path: &Path, at: usize) {
    let mut b = std::fs::read(path).unwrap();
    b[at] ^= 0x01;
    std::fs::write(path, b).unwrap();
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).unwrap()
}

#[test]
fn signatures_agree_with_rpmkeys_checksig() {
    if !require(
        &["rpmsign", "rpmkeys", "gpg"],
        "signatures_agree_with_rpmkeys_checksig",
    ) {
        return;
    }
    let k = keys();
    let work = tempfile::tempdir().unwrap();
    let ring = ["rsa", "ed", "sub"];
    let keyring: Vec<PathBuf> = ring.iter().map(|n| k.asc(n)).collect();
    let db = rpmdb(&work.path().join("rpmdb"), &keyring);
    let yaml = std::fs::read(SEED).unwrap();
    let base = PathBuf::from(format!("{OB}.none.rpm"));
    // (case, file, whether extract --require-signature may hand out the YAML)
    let mut cases: Vec<(String, PathBuf, bool)> = Vec::new();
    let p = |n: &str| work.path().join(format!("{n}.rpm"));
    cases.push(("unsigned".into(), base.clone(), false));
    for (signer, v3) in [("rsa", false), ("ed", false), ("sub", false), ("rsa", true)] {
        let tag = format!("{signer}{}", if v3 { "-v3" } else { "" });
        let f = p(&format!("{tag}-good"));
        k.sign(&base, signer, v3, &f);
        cases.push((format!("{tag}: signed with a keyring key"), f.clone(), true));
        // The header changed after signing: a byte of the SUMMARY text.
        let h = p(&format!("{tag}-header"));
        std::fs::copy(&f, &h).unwrap();
        let at = find(&std::fs::read(&h).unwrap(), b"OceanBase-like test fixture");
        flip(&h, at + 3);
        cases.push((format!("{tag}: header changed after signing"), h, false));
        // A byte of the signature packet flipped (inside the signature value).
        let s = p(&format!("{tag}-sigbyte"));
        std::fs::copy(&f, &s).unwrap();
        let bytes = std::fs::read(&s).unwrap();
        let (entries, _) = signature_entries(&bytes);
        let (_, _, _, data) = entries.iter().find(|e| e.0 == 268 || e.0 == 267).unwrap();
        let at = find(&bytes, data) + data.len() - 5;
        flip(&s, at);
        cases.push((format!("{tag}: a byte of the signature flipped"), s, false));
        // The payload changed after signing: a byte of the upgrade YAML.
        let y = p(&format!("{tag}-payload"));
        std::fs::copy(&f, &y).unwrap();
        let at = find(&std::fs::read(&y).unwrap(), b"can_be_upgraded_to");
        flip(&y, at + 2);
        cases.push((format!("{tag}: payload changed after signing"), y, false));
    }
    // Signed with a key that is not in the keyring.
    let other = p("other");
    k.sign(&base, "other", false, &other);
    cases.push(("signed with another key".into(), other.clone(), false));
    // Two signatures, one from a key that is not in the keyring (spliced: rpmsign 4.18 does not
    // add a second signature to a signed package).
    for signer in ["rsa", "ed"] {
        let good = p(&format!("{signer}-good"));
        let other_sig = signature_entries(&std::fs::read(&other).unwrap())
            .0
            .into_iter()
            .find(|e| e.0 == 267)
            .unwrap();
        // ed: its DSAHEADER plus the RSA key's RSAHEADER, checked against the Ed25519 key only.
        let theirs = if signer == "ed" {
            signature_entries(&std::fs::read(p("rsa-good")).unwrap())
                .0
                .into_iter()
                .find(|e| e.0 == 268)
                .unwrap()
        } else {
            other_sig
        };
        let two = p(&format!("{signer}-two"));
        let bytes = rebuild_signature(&std::fs::read(&good).unwrap(), |e| e.push(theirs));
        std::fs::write(&two, bytes).unwrap();
        cases.push((format!("{signer}: two signatures, one unknown"), two, true));
    }
    let mut disagreements = Vec::new();
    for (what, file, hand_out) in &cases {
        // For "ed: two signatures", the other signature is the RSA key's: leave it out of the
        // keyring (rpm's database, then ours) to make it unknown.
        let (db, keyring) = if what.starts_with("ed: two") {
            let db2 = work.path().join("rpmdb-ed");
            if !db2.exists() {
                rpmdb(&db2, &[k.asc("ed")]);
            }
            (db2, vec![k.asc("ed")])
        } else {
            (db.clone(), keyring.clone())
        };
        let theirs = rpmkeys_verdicts(&db, file);
        let (ours, record) = our_verdicts(&keyring, file);
        if theirs != ours {
            disagreements.push(format!("{what}: rpmkeys {theirs:?}, ours {ours:?}"));
        }
        // extract --require-signature hands out bytes only when the signature verified (and the
        // bytes are the original ones).
        let mut cmd = bin();
        cmd.args(["extract", "--require-signature"]).arg(file);
        for key in &keyring {
            cmd.arg("--keyring").arg(key);
        }
        let out = cmd.output().unwrap();
        if *hand_out {
            assert_eq!(
                out.status.code(),
                Some(0),
                "{what}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.stdout, yaml, "{what}");
            assert_eq!(record["signature"]["status"], "verified", "{what}");
        } else {
            assert_ne!(
                out.status.code(),
                Some(0),
                "{what}: extract handed out bytes"
            );
            assert!(out.stdout.is_empty(), "{what}");
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

#[test]
fn an_openpgp_tag_with_several_signatures_is_read_like_rpm_6() {
    // rpm 4.18 cannot write rpm 6's OPENPGP tag (278): it is built here from rpmsign's own
    // signature packets, base64-encoded as rpm 6 writes them, one known and one unknown key.
    if !require(
        &["rpmsign", "gpg"],
        "an_openpgp_tag_with_several_signatures_is_read_like_rpm_6",
    ) {
        return;
    }
    use base64::Engine as _;
    let k = keys();
    let work = tempfile::tempdir().unwrap();
    let base = PathBuf::from(format!("{OB}.xz.rpm"));
    let packet = |signer: &str| {
        let f = work.path().join(format!("{signer}.rpm"));
        k.sign(&base, signer, false, &f);
        let (entries, _) = signature_entries(&std::fs::read(&f).unwrap());
        entries
            .into_iter()
            .find(|e| e.0 == 267 || e.0 == 268)
            .unwrap()
            .3
    };
    let known = packet("rsa");
    let unknown = packet("other");
    // rpm 6's OPENPGP tag: a STRING_ARRAY of base64-encoded signature packets.
    let with_openpgp = |packets: &[&Vec<u8>]| {
        let mut strings = Vec::new();
        for p in packets {
            let encoded = base64::engine::general_purpose::STANDARD.encode(p);
            strings.extend_from_slice(encoded.as_bytes());
            strings.push(0);
        }
        rebuild_signature(&std::fs::read(&base).unwrap(), |e| {
            e.push((278, 8, packets.len() as u32, strings))
        })
    };
    let f = work.path().join("openpgp.rpm");
    std::fs::write(&f, with_openpgp(&[&known, &unknown])).unwrap();
    let (ours, v) = our_verdicts(&[k.asc("rsa")], &f);
    assert_eq!(v["signature"]["status"], "verified", "{v}");
    assert_eq!(v["signatures"], serde_json::json!(["openpgp"]));
    let mut statuses: Vec<&str> = ours.iter().map(|c| c.2.as_str()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["NOKEY", "OK"], "{ours:?}");
    // A flipped signature byte in one of them makes the package bad.
    let mut broken = known.clone();
    let n = broken.len();
    broken[n - 5] ^= 1;
    std::fs::write(&f, with_openpgp(&[&broken, &unknown])).unwrap();
    let (_, v) = our_verdicts(&[k.asc("rsa")], &f);
    assert_eq!(v["signature"]["status"], "bad", "{v}");
    assert_eq!(v["verified"], false);
}

#[test]
fn ecdsa_signatures_are_verified_and_small_rsa_keys_are_unsupported() {
    // Debian's rpm 4.18 can neither make nor import an ECDSA signature ("Unsupported PGP
    // signature"): the DSAHEADER is made here as rpmsign makes it, a detached gpg signature
    // (NIST P-256, SHA-256) of the main header, and only our verdicts are checked.
    if !require(
        &["gpg", "rpmsign", "rpmkeys"],
        "ecdsa_signatures_are_verified_and_small_rsa_keys_are_unsupported",
    ) {
        return;
    }
    let k = keys();
    let work = tempfile::tempdir().unwrap();
    let base = std::fs::read(format!("{OB}.zstd.rpm")).unwrap();
    let sig = k.detach_sign(&base[main_header(&base)], "ec");
    let signed = rebuild_signature(&base, |e| e.push((267, 7, sig.len() as u32, sig.clone())));
    let f = work.path().join("ecdsa.rpm");
    std::fs::write(&f, &signed).unwrap();
    let (_, v) = our_verdicts(&[k.asc("ec")], &f);
    assert_eq!(v["signature"]["status"], "verified", "{v}");
    assert_eq!(v["signature"]["checks"][0]["algorithm"], "ecdsa", "{v}");
    assert_eq!(v["signature"]["checks"][0]["hash"], "sha256", "{v}");
    // The header changed after signing: bad.
    let mut tampered = signed.clone();
    let at = main_header(&tampered).end - 30;
    tampered[at] ^= 1;
    std::fs::write(&f, &tampered).unwrap();
    let (_, v) = our_verdicts(&[k.asc("ec")], &f);
    assert_eq!(v["signature"]["status"], "bad", "{v}");
    // An RSA key of 1024 bits: rpm verifies it, we say `unsupported` (2048 to 4096 bits only).
    let weak = work.path().join("weak.rpm");
    k.sign(Path::new(&format!("{OB}.zstd.rpm")), "weak", false, &weak);
    let db = rpmdb(&work.path().join("db"), &[k.asc("weak")]);
    let theirs = rpmkeys_verdicts(&db, &weak);
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].2, "OK");
    let (_, v) = our_verdicts(&[k.asc("weak")], &weak);
    assert_eq!(v["signature"]["status"], "unsupported", "{v}");
    let reason = v["signature"]["checks"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("1024 bits"), "{reason}");
    bin()
        .args(["extract", "--require-signature", "--keyring"])
        .arg(k.asc("weak"))
        .arg(&weak)
        .assert()
        .code(1);
}

/// `rpm -qp --qf FORMAT` without digest or signature checks.
fn rpm_query(pkg: &Path, format: &str) -> String {
    let out = std::process::Command::new("rpm")
        .args(["-qp", "--nodigest", "--nosignature", "--qf", format])
        .arg(pkg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn repeated_tags_resolve_to_the_occurrence_librpm_uses() {
    if !require(
        &["rpm"],
        "repeated_tags_resolve_to_the_occurrence_librpm_uses",
    ) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let base = std::fs::read(format!("{OB}.gzip.rpm")).unwrap();
    // Main header: NAME (1000) written 2, 3 and 4 times, each copy another name, in several
    // places of the index; whatever `rpm -qp` prints (glibc's bsearch over the index sorted by
    // tag), we read the same.
    for (copies, at_end) in [(2, false), (2, true), (3, false), (4, true)] {
        let bytes = rebuild_main(&base, |e| {
            let name = e.iter().position(|x| x.0 == 1000).unwrap();
            for i in 1..copies {
                let copy = (1000, 6, 1, format!("name-copy-{i}\0").into_bytes());
                if at_end {
                    e.push(copy);
                } else {
                    e.insert(name + i, copy);
                }
            }
        });
        let f = work.path().join(format!("dup-{copies}-{at_end}.rpm"));
        std::fs::write(&f, &bytes).unwrap();
        let theirs = rpm_query(&f, "%{NAME}");
        // The cases are worth something only if librpm does not simply read the first one.
        assert_ne!(
            theirs, "oceanbase-ce",
            "{copies} copies: rpm read the first NAME"
        );
        let v = json(
            &bin()
                .args(["inspect", "--no-verify", "--format", "json"])
                .arg(&f)
                .output()
                .unwrap(),
        );
        assert_eq!(
            v["name"],
            theirs.as_str(),
            "{copies} copies, at end: {at_end}: {v}"
        );
    }
    // Signature header: two SHA-256 header digests. librpm's checks read the first
    // (`hdrblobGet`): a wrong second one is ignored, a wrong first one fails, for both of us.
    let (entries, _) = signature_entries(&base);
    let good = entries.iter().find(|e| e.0 == 273).unwrap().clone();
    let mut wrong = good.clone();
    wrong.3[..8].copy_from_slice(b"00000000");
    for (first, second, ok) in [(&good, &wrong, true), (&wrong, &good, false)] {
        let bytes = rebuild_signature(&base, |e| {
            e.retain(|x| x.0 != 273);
            e.push(first.clone());
            e.push(second.clone());
        });
        let f = work.path().join(format!("sig-dup-{ok}.rpm"));
        std::fs::write(&f, &bytes).unwrap();
        let k = std::process::Command::new("rpm")
            .arg("-K")
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(k.status.success(), ok, "rpm -K, first digest good: {ok}");
        let out = inspect_json(f.to_str().unwrap());
        assert_eq!(
            out.status.code(),
            Some(if ok { 0 } else { 1 }),
            "first digest good: {ok}"
        );
        bin()
            .arg("extract")
            .arg(&f)
            .assert()
            .code(if ok { 0 } else { 1 });
    }
}
