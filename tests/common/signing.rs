//! OpenPGP keys made with gpg for one test run, and packages signed with them by rpmsign (the
//! callers check `require(&["rpmsign", "gpg"], ...)` first). Debian's quirks are handled here:
//! its rpm macros name `/usr/bin/gpg2`, which its gpg package does not ship, and a gpg-agent is
//! started per GNUPGHOME (killed after each use).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Keys made with gpg for this run: (name, public key file, uid).
pub struct Keys {
    _dir: tempfile::TempDir,
    home: PathBuf,
    dir: PathBuf,
}

const KEY_PARAMS: [(&str, &str); 6] = [
    (
        "ec",
        "Key-Type: ECDSA\nKey-Curve: nistp256\nName-Real: ECDSA Signer\nName-Email: ec@fixtures.invalid\n",
    ),
    (
        "weak",
        "Key-Type: RSA\nKey-Length: 1024\nName-Real: Weak Signer\nName-Email: weak@fixtures.invalid\n",
    ),
    (
        "rsa",
        "Key-Type: RSA\nKey-Length: 3072\nName-Real: RSA Signer\nName-Email: rsa@fixtures.invalid\n",
    ),
    (
        "ed",
        "Key-Type: EDDSA\nKey-Curve: ed25519\nName-Real: Ed Signer\nName-Email: ed@fixtures.invalid\n",
    ),
    (
        "sub",
        "Key-Type: RSA\nKey-Length: 3072\nKey-Usage: cert\nSubkey-Type: RSA\nSubkey-Length: 3072\n\
         Subkey-Usage: sign\nName-Real: Subkey Signer\nName-Email: sub@fixtures.invalid\n",
    ),
    (
        "other",
        "Key-Type: EDDSA\nKey-Curve: ed25519\nName-Real: Stranger\nName-Email: other@fixtures.invalid\n",
    ),
];

pub fn gpg() -> PathBuf {
    super::external::locate("gpg").unwrap()
}

pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("gnupg");
        std::fs::create_dir(&home).unwrap();
        std::fs::set_permissions(&home, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .unwrap();
        for (name, params) in KEY_PARAMS {
            let p = tmp.path().join(format!("{name}.params"));
            std::fs::write(
                &p,
                format!("%no-protection\n{params}Expire-Date: 0\n%commit\n"),
            )
            .unwrap();
            run_ok(
                std::process::Command::new(gpg())
                    .env("GNUPGHOME", &home)
                    .args(["--batch", "--quiet", "--gen-key"])
                    .arg(&p),
            );
            let out = run_ok(
                std::process::Command::new(gpg())
                    .env("GNUPGHOME", &home)
                    .args(["--armor", "--export", &format!("{name}@fixtures.invalid")]),
            );
            std::fs::write(tmp.path().join(format!("{name}.asc")), out.stdout).unwrap();
        }
        let _ = std::process::Command::new("gpgconf")
            .env("GNUPGHOME", &home)
            .args(["--kill", "gpg-agent"])
            .status();
        Keys {
            home,
            dir: tmp.path().to_path_buf(),
            _dir: tmp,
        }
    })
}

/// Runs `cmd` and fails the test with its stderr unless it succeeds.
pub fn run_ok(cmd: &mut std::process::Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// One signer at a time: tests run in parallel and share the GNUPGHOME, whose gpg-agent is
/// killed after each rpmsign run (a concurrent signer would lose it mid-signature).
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Keys {
    pub fn asc(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.asc"))
    }

    /// A detached binary OpenPGP signature of `data` by `key` (`gpg --detach-sign`, SHA-256): what
    /// rpmsign stores in RSAHEADER/DSAHEADER when `data` is the main header.
    pub fn detach_sign(&self, data: &[u8], key: &str) -> Vec<u8> {
        let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let input = self.dir.join(format!("to-sign-{key}"));
        std::fs::write(&input, data).unwrap();
        let out = self.dir.join(format!("to-sign-{key}.sig"));
        let _ = std::fs::remove_file(&out);
        run_ok(
            std::process::Command::new(gpg())
                .env("GNUPGHOME", &self.home)
                .args([
                    "--batch",
                    "--yes",
                    "--digest-algo",
                    "sha256",
                    "--local-user",
                ])
                .arg(format!("{key}@fixtures.invalid"))
                .arg("--output")
                .arg(&out)
                .arg("--detach-sign")
                .arg(&input),
        );
        std::fs::read(out).unwrap()
    }

    /// A copy of `src` signed by `key` (`rpmsign --addsign`; `--rpmv3` adds the legacy
    /// header+payload signature too).
    pub fn sign(&self, src: &Path, key: &str, v3: bool, out: &Path) {
        let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        std::fs::copy(src, out).unwrap();
        let mut cmd = std::process::Command::new("rpmsign");
        cmd.env("GNUPGHOME", &self.home)
            .args(["--define", &format!("_gpg_name {key}@fixtures.invalid")])
            // Debian's rpm macros name /usr/bin/gpg2, which Debian's gpg package does not ship.
            .arg("--define")
            .arg(format!("__gpg {}", gpg().display()))
            .arg("--addsign");
        if v3 {
            cmd.arg("--rpmv3");
        }
        cmd.arg(out);
        let result = cmd.output().unwrap();
        let _ = std::process::Command::new("gpgconf")
            .env("GNUPGHOME", &self.home)
            .args(["--kill", "gpg-agent"])
            .status();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
}
