//! Resolving `install_binary` steps to real packages (`--packages DIR`).
//!
//! Where packages come from is behind the [`PackageSource`] trait: a source lists candidate
//! packages read from their headers (name, version, release, whether their digests verify). The
//! matching rule lives here, independent of the source:
//!
//! * the name and the plain version must match the step's package;
//! * a build-specific stage `V-N` is satisfied by a build ≥ N (the build is the release up to its
//!   first `.`, compared as a number); a plain stage `V` by any build;
//! * a package whose digests do not verify is never chosen;
//! * among the rest, the newest wins (highest build, then release, then file name).
//!
//! Steps with no match are listed as [`MissingPackage`]s (the command exits 1).

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
    /// `Arch` from the header (`x86_64`), when the source knows it.
    pub arch: Option<String>,
    /// `Epoch` from the header, when the package has one.
    pub epoch: Option<u64>,
    /// The file's size in bytes, when the source knows it (uploads in sections need it).
    pub size: Option<u64>,
    /// The HPE component signature file beside the package (`NAME.compsig`), if there is one.
    pub compsig: Option<String>,
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
        let options = crate::rpm::InspectOptions::default();
        let mut out = RpmDirectory::default();
        for (path, result) in files.iter().zip(crate::rpm::inspect_many(&files, &options)) {
            let file = path.display().to_string();
            match result {
                Ok(record) => out.packages.push(CandidatePackage {
                    digests_ok: record.first_mismatch().is_none(),
                    arch: Some(record.arch.clone()),
                    epoch: record.epoch,
                    size: Some(record.file_size),
                    compsig: compsig_beside(path),
                    name: record.name,
                    version: record.version,
                    release: record.release,
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
}

/// Compares digit strings as numbers, of any length.
fn cmp_digits(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Chooses the package for `name`/`version` with build ≥ `min_build`, or says why there is none.
pub fn choose<'a>(
    candidates: &'a [CandidatePackage],
    name: &str,
    version: &str,
    min_build: Option<&str>,
) -> Result<&'a CandidatePackage, String> {
    let same: Vec<&CandidatePackage> = candidates
        .iter()
        .filter(|c| c.name == name && c.version == version)
        .collect();
    if same.is_empty() {
        return Err(format!("no package {name} {version} found"));
    }
    let builds_ok: Vec<&CandidatePackage> = same
        .iter()
        .copied()
        .filter(|c| match min_build {
            None => true,
            Some(min) => c
                .build()
                .is_some_and(|b| cmp_digits(b, min) != Ordering::Less),
        })
        .collect();
    if builds_ok.is_empty() {
        let found: Vec<&str> = same.iter().map(|c| c.release.as_str()).collect();
        return Err(format!(
            "no build ≥ {} of {name} {version} (found releases: {})",
            min_build.unwrap_or(""),
            found.join(", ")
        ));
    }
    builds_ok
        .iter()
        .copied()
        .filter(|c| c.digests_ok)
        .max_by(|a, b| {
            cmp_digits(a.build().unwrap_or(""), b.build().unwrap_or(""))
                .then_with(|| a.release.cmp(&b.release))
                .then_with(|| b.file.cmp(&a.file))
        })
        .ok_or_else(|| {
            let files: Vec<&str> = builds_ok.iter().map(|c| c.file.as_str()).collect();
            format!(
                "every matching package fails digest verification: {}",
                files.join(", ")
            )
        })
}

/// Fills the package of every `install_binary` step from `source`. Returns what is missing
/// (one entry per stage and package; empty when everything resolved).
pub fn resolve(
    steps: &mut [Step],
    source: &dyn PackageSource,
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
        match choose(
            candidates,
            &pkg.name,
            &pkg.version,
            pkg.min_build.as_deref(),
        ) {
            Ok(c) => {
                pkg.build = c.build().map(str::to_string);
                pkg.release = Some(c.release.clone());
                pkg.file = Some(c.file.clone());
                pkg.resolved = true;
                pkg.arch = c.arch.clone();
                pkg.epoch = c.epoch;
                pkg.size = c.size;
                pkg.compsig = c.compsig.clone();
            }
            Err(reason) => {
                if let Some(m) = missing
                    .iter_mut()
                    .find(|m| m.stage == step.stage && m.name == pkg.name)
                {
                    m.nodes.push(step.node.clone());
                } else {
                    missing.push(MissingPackage {
                        stage: step.stage.clone(),
                        name: pkg.name.clone(),
                        version: pkg.version.clone(),
                        min_build: pkg.min_build.clone(),
                        nodes: vec![step.node.clone()],
                        reason,
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
