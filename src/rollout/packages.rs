//! Resolving `install_binary` steps to real packages (`--packages DIR`).
//!
//! Where packages come from is behind the [`PackageSource`] trait: a source lists candidate
//! packages read from their headers (name, version, release, whether their digests verify). The
//! matching rule lives here, independent of the source:
//!
//! * the name and the plain version must match the step's package;
//! * a build-specific stage `V-N` is satisfied by a build ≥ N (the build is the release up to its
//!   first `.`, compared as a number); a plain stage `V` by any build;
//! * the architecture must be the node's (inventory `arch`, per node or for the cluster) or
//!   `noarch`; for a node without `arch`, candidates of several architectures are ambiguous
//!   (refused, never guessed);
//! * a package whose digests do not verify is never chosen, nor one the trust policy refuses
//!   (a bad signature, a main header authenticated by nothing, `--require-signature` without a
//!   verified signature: the policy of `extract` and `plan --package`, see `crate::rpm::trust`);
//! * among the rest, the newest wins (highest build, then release, then file name).
//!
//! Every candidate considered (same name) is listed on the step with the reason it was taken or
//! passed over ([`CandidateVerdict`]). Steps with no match are listed as [`MissingPackage`]s (the
//! command exits 1).

use super::steps::{Action, Step};
use serde::Serialize;
use std::cmp::Ordering;
use thiserror::Error;

/// A package a source offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct CandidatePackage {
    /// `Name` from the package header.
    pub name: String,
    /// `Version` from the header (`4.2.1.1`).
    pub version: String,
    /// `Release` from the header (`100000102023091817.el7`).
    pub release: String,
    /// Where it is (a file name, or any locator the source understands).
    pub file: String,
    /// Whether every digest in the package verified against its payload and header.
    pub digests_ok: bool,
    /// ARCH from the header (`x86_64`, `aarch64`, `noarch`); empty when unknown (any node).
    pub arch: String,
    /// Why the trust policy refuses it (`kind: message`); null when it does not.
    pub refused: Option<String>,
    /// `Epoch` from the header, when the package has one.
    pub epoch: Option<u64>,
    /// The file's size in bytes, when the source knows it (uploads in sections need it).
    pub size: Option<u64>,
    /// The HPE component signature file beside the package (`NAME.compsig`), if there is one.
    pub compsig: Option<String>,
}

/// What happened to one candidate for one step (`candidates` of a resolved or missing package).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateVerdict {
    /// The candidate's file.
    pub file: String,
    /// Its VERSION.
    pub version: String,
    /// Its RELEASE.
    pub release: String,
    /// Its ARCH.
    pub arch: String,
    /// Whether it was chosen.
    pub taken: bool,
    /// Why it was taken or passed over.
    pub reason: String,
}

impl CandidatePackage {
    /// The build: the release up to its first `.`, when it is digits.
    pub fn build(&self) -> Option<&str> {
        let b = self.release.split('.').next().unwrap_or("");
        (!b.is_empty() && b.bytes().all(|c| c.is_ascii_digit())).then_some(b)
    }
}

/// Why a source could not list its packages.
#[derive(Debug, Error)]
#[error("{message}")]
pub struct PackageSourceError {
    /// What went wrong, naming the file or directory.
    pub message: String,
}

/// Somewhere packages can be found (a directory of RPMs, a repository, a test list).
pub trait PackageSource {
    /// Every candidate named `name`. Packages that cannot be read are left out (a source may
    /// report them elsewhere); packages that can be read but fail verification are included with
    /// `digests_ok: false`, so that the rollout can say why nothing was chosen.
    fn candidates(&self, name: &str) -> Result<Vec<CandidatePackage>, PackageSourceError>;
}

/// The RPM packages in a directory, identified by their headers (file names are not trusted) and
/// verified (MD5, header SHA-1/SHA-256, payload digest) on all cores. Files that are not RPMs are
/// left out; RPMs that cannot be read are listed in [`RpmDirectory::unreadable`].
#[derive(Debug, Clone, Default)]
pub struct RpmDirectory {
    /// Every RPM read, with whether its digests verified.
    pub packages: Vec<CandidatePackage>,
    /// RPM files that could not be read, with the reason.
    pub unreadable: Vec<(String, String)>,
}

impl RpmDirectory {
    /// Reads every regular file in `dir` (not recursive) that is an RPM package.
    pub fn scan(dir: &std::path::Path) -> Result<RpmDirectory, PackageSourceError> {
        Self::scan_with(dir, &crate::rpm::TrustPolicy::default())
    }

    /// [`RpmDirectory::scan`] with signatures checked against the policy's keyring and every
    /// candidate judged by it (see `crate::rpm::trust`).
    pub fn scan_with(
        dir: &std::path::Path,
        policy: &crate::rpm::TrustPolicy,
    ) -> Result<RpmDirectory, PackageSourceError> {
        Self::scan_reporting(dir, policy, None)
    }

    /// [`RpmDirectory::scan_with`], telling `progress` how many bytes of packages were read.
    pub fn scan_reporting(
        dir: &std::path::Path,
        policy: &crate::rpm::TrustPolicy,
        progress: Option<crate::rpm::Progress>,
    ) -> Result<RpmDirectory, PackageSourceError> {
        let fail = |message: String| PackageSourceError { message };
        let entries = std::fs::read_dir(dir).map_err(|e| {
            fail(format!(
                "cannot read the package directory `{}`: {e}",
                dir.display()
            ))
        })?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| fail(format!("cannot list `{}`: {e}", dir.display())))?;
            let path = entry.path();
            if path.is_file() {
                files.push(path);
            }
            if files.len() > crate::limits::MAX_PACKAGE_DIR_FILES {
                return Err(fail(format!(
                    "`{}` holds more than {} files; point --packages at a directory of packages",
                    dir.display(),
                    crate::limits::MAX_PACKAGE_DIR_FILES
                )));
            }
        }
        files.sort();
        let options = crate::rpm::InspectOptions {
            trust: policy.clone(),
            progress,
            ..crate::rpm::InspectOptions::default()
        };
        let mut out = RpmDirectory::default();
        for (path, result) in files.iter().zip(crate::rpm::inspect_many(&files, &options)) {
            let file = path.display().to_string();
            match result {
                Ok(record) => out.packages.push(CandidatePackage {
                    digests_ok: record.first_mismatch().is_none(),
                    epoch: record.epoch,
                    size: Some(record.file_size),
                    compsig: compsig_beside(path),
                    refused: record
                        .trust_refusal(policy, true)
                        .map(|e| format!("{}: {e}", e.kind())),
                    name: record.name,
                    version: record.version,
                    release: record.release,
                    arch: record.arch,
                    file,
                }),
                Err(crate::rpm::RpmError::NotRpm { .. }) => {}
                Err(e) => out.unreadable.push((file, e.to_string())),
            }
        }
        Ok(out)
    }
}

/// The HPE component signature beside `path` (same name with the extension `.compsig`), when it is
/// a regular file.
fn compsig_beside(path: &std::path::Path) -> Option<String> {
    let sig = path.with_extension("compsig");
    sig.is_file().then(|| sig.display().to_string())
}

impl PackageSource for RpmDirectory {
    fn candidates(&self, name: &str) -> Result<Vec<CandidatePackage>, PackageSourceError> {
        Ok(named(&self.packages, name))
    }
}

/// The packages of a list that carry `name`.
fn named(packages: &[CandidatePackage], name: &str) -> Vec<CandidatePackage> {
    packages
        .iter()
        .filter(|p| p.name == name)
        .cloned()
        .collect()
}

/// A source holding a fixed list, for tests and for callers that already read their packages.
#[derive(Debug, Clone, Default)]
pub struct MemoryPackageSource {
    /// The packages.
    pub packages: Vec<CandidatePackage>,
}

impl PackageSource for MemoryPackageSource {
    fn candidates(&self, name: &str) -> Result<Vec<CandidatePackage>, PackageSourceError> {
        Ok(named(&self.packages, name))
    }
}

/// A stage's package that no candidate satisfies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingPackage {
    /// The stage.
    pub stage: String,
    /// Package name.
    pub name: String,
    /// Plain version.
    pub version: String,
    /// Smallest acceptable build, if any.
    pub min_build: Option<String>,
    /// The nodes that need it at that stage.
    pub nodes: Vec<String>,
    /// Why nothing matched.
    pub reason: String,
    /// The architectures among which nothing chose, for a node without `arch`
    /// (`ambiguous_package`); empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ambiguous_arches: Vec<String>,
    /// Every candidate considered, with why it was passed over.
    pub candidates: Vec<CandidateVerdict>,
}

/// Compares digit strings as numbers, of any length.
fn cmp_digits(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Why no candidate was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoChoice {
    /// Nothing acceptable: why.
    Missing(String),
    /// Acceptable candidates of several architectures for a node without `arch`.
    Ambiguous(Vec<String>),
}

impl NoChoice {
    /// The message.
    pub fn reason(&self) -> String {
        match self {
            NoChoice::Missing(r) => r.clone(),
            NoChoice::Ambiguous(arches) => format!(
                "packages of several architectures ({}) fit and the node has no `arch`: give \
                 `arch` in the inventory (per node or for the cluster)",
                arches.join(", ")
            ),
        }
    }
}

fn newer(a: &CandidatePackage, b: &CandidatePackage) -> Ordering {
    cmp_digits(a.build().unwrap_or(""), b.build().unwrap_or(""))
        .then_with(|| a.release.cmp(&b.release))
        .then_with(|| b.file.cmp(&a.file))
}

/// Chooses the package for `name`/`version` with build ≥ `min_build` for a node of architecture
/// `arch` (`None`: unknown), with the verdict on every candidate named `name`.
pub fn choose_for<'a>(
    candidates: &'a [CandidatePackage],
    name: &str,
    version: &str,
    min_build: Option<&str>,
    arch: Option<&str>,
) -> (
    Result<&'a CandidatePackage, NoChoice>,
    Vec<CandidateVerdict>,
) {
    let mut verdicts = Vec::new();
    let mut acceptable: Vec<&CandidatePackage> = Vec::new();
    let (mut same_version, mut build_ok, mut arch_ok, mut intact) = (0, 0, 0, 0);
    for c in candidates.iter().filter(|c| c.name == name) {
        let why_not = if c.version != version {
            Some(format!("version {}, not {version}", c.version))
        } else if let Some(min) = min_build.filter(|min| {
            c.build()
                .is_none_or(|b| cmp_digits(b, min) == Ordering::Less)
        }) {
            same_version += 1;
            Some(format!(
                "build {} is below the stage's {min}",
                c.build().unwrap_or("(not a number)")
            ))
        } else if let Some(want) =
            arch.filter(|a| !(c.arch.is_empty() || c.arch == "noarch" || c.arch == *a))
        {
            same_version += 1;
            build_ok += 1;
            Some(format!("architecture {}, the node is {want}", c.arch))
        } else if !c.digests_ok {
            same_version += 1;
            build_ok += 1;
            arch_ok += 1;
            Some("its digests do not verify (damaged or altered)".to_string())
        } else if let Some(refused) = &c.refused {
            same_version += 1;
            build_ok += 1;
            arch_ok += 1;
            intact += 1;
            Some(format!("refused by the trust policy: {refused}"))
        } else {
            same_version += 1;
            build_ok += 1;
            arch_ok += 1;
            intact += 1;
            acceptable.push(c);
            None
        };
        verdicts.push(CandidateVerdict {
            file: c.file.clone(),
            version: c.version.clone(),
            release: c.release.clone(),
            arch: c.arch.clone(),
            taken: false,
            reason: why_not.unwrap_or_default(),
        });
    }
    let result = if acceptable.is_empty() {
        let reason = if same_version == 0 {
            format!("no package {name} {version} found")
        } else if build_ok == 0 {
            let found: Vec<&str> = candidates
                .iter()
                .filter(|c| c.name == name && c.version == version)
                .map(|c| c.release.as_str())
                .collect();
            format!(
                "no build ≥ {} of {name} {version} (found releases: {})",
                min_build.unwrap_or(""),
                found.join(", ")
            )
        } else if arch_ok == 0 {
            format!(
                "no build of {name} {version} for architecture {} (or noarch)",
                arch.unwrap_or("?")
            )
        } else if intact == 0 {
            let files: Vec<&str> = verdicts
                .iter()
                .filter(|v| v.reason.starts_with("its digests"))
                .map(|v| v.file.as_str())
                .collect();
            format!(
                "every matching package fails digest verification: {}",
                files.join(", ")
            )
        } else {
            let files: Vec<&str> = verdicts
                .iter()
                .filter(|v| v.reason.starts_with("refused by the trust policy"))
                .map(|v| v.file.as_str())
                .collect();
            format!(
                "every matching package is refused by the trust policy (see each candidate's \
                 reason): {}",
                files.join(", ")
            )
        };
        Err(NoChoice::Missing(reason))
    } else {
        let mut arches: Vec<String> = acceptable
            .iter()
            .map(|c| c.arch.clone())
            .filter(|a| !a.is_empty() && a != "noarch")
            .collect();
        arches.sort();
        arches.dedup();
        if arch.is_none() && arches.len() > 1 {
            for v in verdicts.iter_mut().filter(|v| v.reason.is_empty()) {
                v.reason = "acceptable, but the node's architecture is unknown".into();
            }
            Err(NoChoice::Ambiguous(arches))
        } else {
            match acceptable.iter().copied().max_by(|a, b| newer(a, b)) {
                Some(best) => {
                    for v in verdicts.iter_mut().filter(|v| v.reason.is_empty()) {
                        if v.file == best.file {
                            v.taken = true;
                            v.reason = "the newest acceptable build".into();
                        } else {
                            v.reason = format!("older than {}", best.file);
                        }
                    }
                    Ok(best)
                }
                None => Err(NoChoice::Missing(format!(
                    "no package {name} {version} found"
                ))),
            }
        }
    };
    (result, verdicts)
}

/// Chooses the package for `name`/`version` with build ≥ `min_build`, or says why there is none
/// (any architecture; see [`choose_for`]).
pub fn choose<'a>(
    candidates: &'a [CandidatePackage],
    name: &str,
    version: &str,
    min_build: Option<&str>,
) -> Result<&'a CandidatePackage, String> {
    let (result, _) = choose_for(candidates, name, version, min_build, None);
    match result {
        Ok(c) => Ok(c),
        // Without an architecture to choose by, the newest of any architecture wins.
        Err(NoChoice::Ambiguous(_)) => candidates
            .iter()
            .filter(|c| {
                c.name == name
                    && c.version == version
                    && c.digests_ok
                    && c.refused.is_none()
                    && min_build.is_none_or(|min| {
                        c.build()
                            .is_some_and(|b| cmp_digits(b, min) != Ordering::Less)
                    })
            })
            .max_by(|a, b| newer(a, b))
            .ok_or_else(|| format!("no package {name} {version} found")),
        Err(e) => Err(e.reason()),
    }
}

/// Fills the package of every `install_binary` step from `source`. Returns what is missing
/// (one entry per stage and package; empty when everything resolved). Architecture is not
/// considered (see [`resolve_for`]).
pub fn resolve(
    steps: &mut [Step],
    source: &dyn PackageSource,
) -> Result<Vec<MissingPackage>, PackageSourceError> {
    resolve_for(steps, source, &|_| None)
}

/// [`resolve`] choosing, for each step, a package of its node's architecture (`arch_of(node)`,
/// `None`: unknown; several architectures then make the step ambiguous).
pub fn resolve_for(
    steps: &mut [Step],
    source: &dyn PackageSource,
    arch_of: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<MissingPackage>, PackageSourceError> {
    let mut missing: Vec<MissingPackage> = Vec::new();
    let mut cache: Vec<(String, Vec<CandidatePackage>)> = Vec::new();
    for step in steps.iter_mut() {
        if step.action != Action::InstallBinary {
            continue;
        }
        let Some(pkg) = step.package.as_mut() else {
            continue;
        };
        if !cache.iter().any(|(n, _)| *n == pkg.name) {
            cache.push((pkg.name.clone(), source.candidates(&pkg.name)?));
        }
        let candidates = cache
            .iter()
            .find(|(n, _)| *n == pkg.name)
            .map(|(_, c)| c.as_slice())
            .unwrap_or(&[]);
        let arch = arch_of(&step.node);
        let (result, verdicts) = choose_for(
            candidates,
            &pkg.name,
            &pkg.version,
            pkg.min_build.as_deref(),
            arch.as_deref(),
        );
        match result {
            Ok(c) => {
                pkg.build = c.build().map(str::to_string);
                pkg.release = Some(c.release.clone());
                pkg.file = Some(c.file.clone());
                pkg.resolved = true;
                pkg.arch = (!c.arch.is_empty()).then(|| c.arch.clone());
                pkg.epoch = c.epoch;
                pkg.size = c.size;
                pkg.compsig = c.compsig.clone();
                pkg.candidates = verdicts;
            }
            Err(no) => {
                let ambiguous_arches = match &no {
                    NoChoice::Ambiguous(a) => a.clone(),
                    NoChoice::Missing(_) => Vec::new(),
                };
                pkg.candidates = verdicts.clone();
                if let Some(m) = missing.iter_mut().find(|m| {
                    m.stage == step.stage
                        && m.name == pkg.name
                        && m.ambiguous_arches == ambiguous_arches
                        && m.reason == no.reason()
                }) {
                    m.nodes.push(step.node.clone());
                } else {
                    missing.push(MissingPackage {
                        stage: step.stage.clone(),
                        name: pkg.name.clone(),
                        version: pkg.version.clone(),
                        min_build: pkg.min_build.clone(),
                        nodes: vec![step.node.clone()],
                        reason: no.reason(),
                        ambiguous_arches,
                        candidates: verdicts,
                    });
                }
            }
        }
    }
    Ok(missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(version: &str, release: &str, ok: bool) -> CandidatePackage {
        CandidatePackage {
            name: "oceanbase-ce".into(),
            version: version.into(),
            release: release.into(),
            file: format!("oceanbase-ce-{version}-{release}.x86_64.rpm"),
            digests_ok: ok,
            arch: "x86_64".into(),
            refused: None,
            ..CandidatePackage::default()
        }
    }

    #[test]
    fn build_at_least_n_and_newest_wins() {
        let c = vec![
            pkg("4.1.0.0", "100000192023032009.el7", true),
            pkg("4.1.0.0", "100000192023032010.el7", true),
            pkg("4.1.0.0", "100000192023040100.el7", true),
            pkg("4.1.0.0", "100000192023050100.el7", false),
        ];
        let got = choose(&c, "oceanbase-ce", "4.1.0.0", Some("100000192023032010")).unwrap();
        assert_eq!(got.release, "100000192023040100.el7");
        let e = choose(&c, "oceanbase-ce", "4.1.0.0", Some("200000000000000000")).unwrap_err();
        assert!(e.starts_with("no build ≥ 200000000000000000"), "{e}");
        assert!(
            choose(&c, "oceanbase-ce", "4.2.0.0", None)
                .unwrap_err()
                .starts_with("no package")
        );
    }

    #[test]
    fn never_a_package_whose_digests_fail() {
        let c = vec![pkg("4.2.1.1", "1.el7", false)];
        let e = choose(&c, "oceanbase-ce", "4.2.1.1", None).unwrap_err();
        assert!(e.contains("digest"), "{e}");
    }

    #[test]
    fn architectures_filter_and_ambiguity() {
        let mut arm = pkg("4.2.1.1", "2.el7", true);
        arm.arch = "aarch64".into();
        arm.file = "arm.rpm".into();
        let mut any = pkg("4.2.1.1", "1.el7", true);
        any.arch = "noarch".into();
        any.file = "noarch.rpm".into();
        let x86 = pkg("4.2.1.1", "1.el7", true);
        let c = vec![x86.clone(), arm.clone()];
        let (got, verdicts) = choose_for(&c, "oceanbase-ce", "4.2.1.1", None, Some("x86_64"));
        assert_eq!(got.unwrap().file, x86.file);
        assert_eq!(verdicts.iter().filter(|v| v.taken).count(), 1);
        let (got, _) = choose_for(&c, "oceanbase-ce", "4.2.1.1", None, None);
        assert_eq!(
            got.unwrap_err(),
            NoChoice::Ambiguous(vec!["aarch64".into(), "x86_64".into()])
        );
        // noarch fits every node and is never ambiguous with one architecture.
        let c = vec![x86.clone(), any.clone()];
        let (got, _) = choose_for(&c, "oceanbase-ce", "4.2.1.1", None, None);
        assert!(got.is_ok());
        let c = vec![arm.clone(), any];
        let (got, _) = choose_for(&c, "oceanbase-ce", "4.2.1.1", None, Some("x86_64"));
        assert_eq!(got.unwrap().file, "noarch.rpm");
        // No build of the node's architecture.
        let only_arm = [arm];
        let (got, verdicts) =
            choose_for(&only_arm, "oceanbase-ce", "4.2.1.1", None, Some("x86_64"));
        assert!(
            got.unwrap_err()
                .reason()
                .contains("for architecture x86_64")
        );
        assert_eq!(
            verdicts[0].reason,
            "architecture aarch64, the node is x86_64"
        );
        // A candidate the trust policy refuses is passed over, saying why.
        let mut refused = x86;
        refused.refused = Some("bad_signature: ...".into());
        let refused = [refused];
        let (got, verdicts) = choose_for(&refused, "oceanbase-ce", "4.2.1.1", None, None);
        assert!(got.unwrap_err().reason().contains("trust policy"));
        assert!(verdicts[0].reason.contains("bad_signature"));
    }

    #[test]
    fn builds_compare_as_numbers() {
        let c = vec![pkg("4.2", "9.el7", true), pkg("4.2", "10.el7", true)];
        assert_eq!(
            choose(&c, "oceanbase-ce", "4.2", Some("9"))
                .unwrap()
                .release,
            "10.el7"
        );
    }
}
