//! Is package B an acceptable upgrade for the system whose metadata is A?
//!
//! [`check`] compares the installed system's metadata with a package's: same CPU architecture, a
//! DataOntap package, the same mode (7-Mode vs Cluster-Mode is a transition, not an upgrade), a newer
//! release (or says it is a revert), and flags `FILESYS_VER`/`NVLOG_VER` going down as a revert that
//! needs NetApp's revert procedure.

use super::model::{Package, PackageType};
use super::release::Mode;
use crate::diagnostic::{Diagnostic, Severity};
use serde::Serialize;
use std::cmp::Ordering;

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The package is a newer release for this system: an upgrade.
    Upgrade,
    /// The package holds the installed release.
    SameRelease,
    /// The package is older, or lowers an on-disk format version: a revert.
    Revert,
    /// The package cannot be installed on this system (architecture, type or mode).
    Incompatible,
    /// The releases cannot be ordered (engineering `X` builds with the same numbers).
    Unordered,
}

impl Verdict {
    /// The kebab-case name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Upgrade => "upgrade",
            Verdict::SameRelease => "same-release",
            Verdict::Revert => "revert",
            Verdict::Incompatible => "incompatible",
            Verdict::Unordered => "unordered",
        }
    }
}

/// The result of [`check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// The installed release (`ONTAP_RLS`), when the installed metadata has one.
    pub installed_release: Option<String>,
    /// The package's release, when it has one.
    pub package_release: Option<String>,
    /// The outcome.
    pub verdict: Verdict,
    /// Whether `FILESYS_VER` or `NVLOG_VER` goes down, so NetApp's revert procedure is needed.
    pub revert_procedure_required: bool,
    /// Every finding, errors first in check order, then warnings and notes.
    pub findings: Vec<Diagnostic>,
}

impl CheckReport {
    /// Whether the package is an acceptable upgrade (verdict [`Verdict::Upgrade`]).
    pub fn acceptable(&self) -> bool {
        self.verdict == Verdict::Upgrade
    }
}

fn note(code: &'static str, message: String) -> Diagnostic {
    Diagnostic::new(code, Severity::Note, None, message)
}

/// Compares installed metadata `installed` with a package's metadata `package`.
///
/// ```
/// use upgrade_planner::npm::{self, Verdict};
/// let meta = |rls: &str, fs: u32| format!(
///     "PKG_TYPE=DataOntap\nPKG_DTS=Thu Oct 15 11:55:39 2009 GMT\nCPU_ARCH=pc\n\
///      ONTAP_RLS=NetApp Release {rls}: Thu Oct 15 04:17:39 PDT 2009\nFILESYS_VER={fs}\nNVLOG_VER=7\n");
/// let a = npm::read(meta("7.3.2", 21).as_bytes())?;
/// let b = npm::read(meta("7.3.7P1", 21).as_bytes())?;
/// assert_eq!(npm::check(&a, &b).verdict, Verdict::Upgrade);
/// let old = npm::read(meta("7.2.2", 19).as_bytes())?;
/// let report = npm::check(&a, &old);
/// assert_eq!(report.verdict, Verdict::Revert);
/// assert!(report.revert_procedure_required);
/// # Ok::<(), npm::NpmError>(())
/// ```
pub fn check(installed: &Package, package: &Package) -> CheckReport {
    let mut findings = Vec::new();
    let mut incompatible = false;
    if installed.package_type != PackageType::DataOntap {
        incompatible = true;
        findings.push(
            Diagnostic::error(
                "installed-not-ontap",
                None,
                format!(
                    "the installed metadata is a {} package, not a DataOntap one: it does not describe an ONTAP system",
                    installed.package_type
                ),
            )
            .with_hint("give the metadata of the Data ONTAP release running on the system"),
        );
    }
    if package.package_type != PackageType::DataOntap {
        incompatible = true;
        findings.push(
            Diagnostic::error(
                "package-not-ontap",
                None,
                format!(
                    "the package is a {} package; an ONTAP upgrade needs a DataOntap package",
                    package.package_type
                ),
            )
            .with_hint("service packages (diagnostics, firmware) are not ONTAP upgrades"),
        );
    }
    let missing: Vec<&str> = installed
        .typed
        .cpu_arch
        .iter()
        .filter(|a| !package.typed.cpu_arch.contains(a))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        incompatible = true;
        findings.push(
            Diagnostic::error(
                "cpu-arch-mismatch",
                None,
                format!(
                    "the system's CPU_ARCH {} is not among the package's ({})",
                    missing.join(", "),
                    package.typed.cpu_arch.join(", ")
                ),
            )
            .with_hint("use the package built for the system's architecture"),
        );
    }
    let (a, b) = (
        installed.typed.ontap_rls.as_ref(),
        package.typed.ontap_rls.as_ref(),
    );
    if let (Some(a), Some(b)) = (a, b) {
        match (a.effective_mode(), b.effective_mode()) {
            (Some(x), Some(y)) if x != y => {
                incompatible = true;
                findings.push(
                    Diagnostic::error(
                        "mode-mismatch",
                        None,
                        format!(
                            "the system runs {} ({}) and the package is {} ({}): that is a transition, not an upgrade",
                            a.release,
                            x.as_str(),
                            b.release,
                            y.as_str()
                        ),
                    )
                    .with_hint("moving between 7-Mode and clustered ONTAP needs NetApp's transition tools"),
                );
            }
            (None, _) | (_, None) => findings.push(Diagnostic::warning(
                "mode-unknown",
                None,
                format!(
                    "the mode of {} cannot be told (an 8.x release without 7-Mode/Cluster-Mode)",
                    if a.effective_mode().is_none() {
                        &a.release
                    } else {
                        &b.release
                    }
                ),
            )),
            _ => {}
        }
    }
    let mut release_verdict = None;
    if let (Some(a), Some(b)) = (a, b) {
        let order = b.release.compare(&a.release);
        let (code, severity, message, v) = match order {
            Some(Ordering::Greater) => (
                "release-upgrade",
                Severity::Note,
                format!("{} is newer than the installed {}", b.release, a.release),
                Verdict::Upgrade,
            ),
            Some(Ordering::Equal) => (
                "same-release",
                Severity::Warning,
                format!(
                    "the package holds {}, the release already installed ({})",
                    b.release, a.release
                ),
                Verdict::SameRelease,
            ),
            Some(Ordering::Less) => (
                "release-revert",
                Severity::Error,
                format!(
                    "{} is older than the installed {}: installing it is a revert, not an upgrade",
                    b.release, a.release
                ),
                Verdict::Revert,
            ),
            None => (
                "release-unordered",
                Severity::Error,
                format!(
                    "{} and {} cannot be ordered (engineering X builds of the same release)",
                    b.release, a.release
                ),
                Verdict::Unordered,
            ),
        };
        findings.push(Diagnostic::new(code, severity, None, message));
        release_verdict = Some(v);
    }
    let mut revert_procedure_required = false;
    for (name, x, y) in [
        (
            "FILESYS_VER",
            &installed.typed.filesys_ver,
            &package.typed.filesys_ver,
        ),
        (
            "NVLOG_VER",
            &installed.typed.nvlog_ver,
            &package.typed.nvlog_ver,
        ),
    ] {
        let (Some(x), Some(y)) = (
            x.as_ref().and_then(|v| v.iter().max()),
            y.as_ref().and_then(|v| v.iter().max()),
        ) else {
            continue;
        };
        match y.cmp(x) {
            Ordering::Less => {
                revert_procedure_required = true;
                findings.push(
                    Diagnostic::error(
                        if name == "FILESYS_VER" { "filesys-ver-revert" } else { "nvlog-ver-revert" },
                        None,
                        format!("{name} goes down from {x} to {y}: installing this package is a revert"),
                    )
                    .with_hint("follow NetApp's revert procedure (revert_to) for the target release family; a plain install is not enough"),
                );
            }
            Ordering::Greater => findings.push(note(
                if name == "FILESYS_VER" { "filesys-ver-upgrade" } else { "nvlog-ver-upgrade" },
                format!("{name} goes up from {x} to {y}: going back later will need the revert procedure"),
            )),
            Ordering::Equal => {}
        }
    }
    let mut verdict = if revert_procedure_required {
        Some(Verdict::Revert)
    } else {
        release_verdict
    };
    if incompatible {
        verdict = Some(Verdict::Incompatible);
    }
    findings.sort_by_key(|d| std::cmp::Reverse(d.severity));
    CheckReport {
        installed_release: a.map(|r| r.release.to_string()),
        package_release: b.map(|r| r.release.to_string()),
        verdict: verdict.unwrap_or(Verdict::Incompatible),
        revert_procedure_required,
        findings,
    }
}

/// Whether the modes of two releases allow an upgrade between them (unknown modes do).
pub fn modes_compatible(a: Option<Mode>, b: Option<Mode>) -> bool {
    !matches!((a, b), (Some(x), Some(y)) if x != y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::npm::read;

    fn ontap(rls: &str, arch: &str, fs: &str, nv: &str) -> Package {
        read(
            format!(
                "PKG_TYPE=DataOntap\nPKG_DTS=Thu Oct 15 11:55:39 2009 GMT\nCPU_ARCH={arch}\n\
                 ONTAP_RLS=NetApp Release {rls}: Thu Oct 15 04:17:39 PDT 2009\nFILESYS_VER={fs}\nNVLOG_VER={nv}\n"
            )
            .as_bytes(),
        )
        .unwrap()
    }

    fn codes(r: &CheckReport) -> Vec<&str> {
        r.findings.iter().map(|d| d.code).collect()
    }

    #[test]
    fn verdicts() {
        let a = ontap("7.3.2", "pc", "21", "7");
        let r = check(&a, &ontap("8.1.2 7-Mode", "pc,mips", "25", "9"));
        assert_eq!(r.verdict, Verdict::Upgrade);
        assert!(r.acceptable() && !r.revert_procedure_required);
        assert_eq!(
            codes(&r),
            [
                "release-upgrade",
                "filesys-ver-upgrade",
                "nvlog-ver-upgrade"
            ]
        );

        let r = check(&a, &ontap("7.3.2", "pc", "21", "7"));
        assert_eq!(
            (r.verdict, codes(&r)),
            (Verdict::SameRelease, vec!["same-release"])
        );

        let r = check(&a, &ontap("7.3.1", "pc", "21", "7"));
        assert_eq!(
            (r.verdict, r.revert_procedure_required),
            (Verdict::Revert, false)
        );

        let r = check(&a, &ontap("7.3.7", "pc", "21", "6"));
        assert_eq!(
            (r.verdict, r.revert_procedure_required),
            (Verdict::Revert, true)
        );
        assert_eq!(codes(&r), ["nvlog-ver-revert", "release-upgrade"]);

        let r = check(&a, &ontap("7.3.7", "mips", "21", "7"));
        assert_eq!(
            (r.verdict, codes(&r)[0]),
            (Verdict::Incompatible, "cpu-arch-mismatch")
        );

        let r = check(
            &ontap("8.1.2 7-Mode", "pc", "25", "9"),
            &ontap("8.2.1 Cluster-Mode", "pc", "25", "9"),
        );
        assert_eq!(
            (r.verdict, codes(&r)[0]),
            (Verdict::Incompatible, "mode-mismatch")
        );

        let r = check(
            &ontap("8.1.1X34", "pc", "25", "9"),
            &ontap("8.1.1", "pc", "25", "9"),
        );
        assert_eq!(r.verdict, Verdict::Unordered);

        let service = read(
            b"PKG_TYPE=Service\nPKG_DTS=Thu Jan 15 20:13:02 2009 GMT\nCPU_ARCH=pc\nOFW_VER=4.3\n",
        )
        .unwrap();
        let r = check(&a, &service);
        assert_eq!(
            (r.verdict, codes(&r)[0]),
            (Verdict::Incompatible, "package-not-ontap")
        );
    }
}
