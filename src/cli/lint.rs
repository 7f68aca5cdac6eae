//! `upgrade-planner lint`: checks upgrade-dependency files, as CI does on every release.

use super::{Format, print_err, print_json, print_out, report};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use upgrade_planner::docs::{self, Source};
use upgrade_planner::render::lint as render;
use upgrade_planner::{Severity, VersionScheme};

/// Output formats of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// Findings as rustc-style text with a source snippet, then a summary line.
    Text,
    /// A versioned JSON document (`upgrade-planner/lint/v1`).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning (`github/codeql-action/upload-sarif`).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`): annotations on the PR.
    Github,
}

/// The lowest severity that fails the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Fail on warnings and errors.
    Warning,
    /// Fail on errors only.
    Error,
}

/// Check upgrade-dependency YAML files for errors and likely mistakes.
///
/// Every finding has a rule id, a severity, the file, the line and column of the offending scalar,
/// a message and often a hint. Rules are documented in docs/lint.md.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    upgrade-planner lint data/oceanbase-master.yml\n  \
    upgrade-planner lint --format github --deny warning deps/*.yml\n  \
    upgrade-planner lint --format sarif deps.yml > lint.sarif\n  \
    upgrade-planner lint deps.yml --risks risks/\n\n\
    With --risks, the risks file(s) are checked too, against the one dependency FILE (rules in\n\
    docs/lint.md), each file a report of its own.\n\n\
    Exit codes: 0 no finding reaches the --deny level; 1 some finding does;\n\
    2 a file cannot be read (or a usage error).")]
pub struct LintArgs {
    /// The upgrade-dependency YAML files (oceanbase_upgrade_dep.yml format).
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    format: LintFormat,
    /// The lowest severity that makes the command exit 1.
    #[arg(long, value_enum, default_value_t = Deny::Error)]
    deny: Deny,
    /// Version scheme of the files (default: detected per file).
    #[arg(long, value_name = "oceanbase|semver")]
    scheme: Option<VersionScheme>,
    /// Also check known risks (a risks file or a directory of them) against the dependency
    /// FILE (give exactly one FILE).
    #[arg(long, value_name = "PATH")]
    risks: Option<PathBuf>,
}

pub fn run(args: LintArgs) -> u8 {
    let files: Vec<Source> = args.files.iter().cloned().map(Source::Path).collect();
    let machine = matches!(args.format, LintFormat::Json | LintFormat::Sarif);
    let risks = args.risks.clone().map(Source::Path);
    let answer = match docs::lint::lint_with_risks(&files, args.scheme, risks.as_ref()) {
        Ok(a) => a,
        Err(f) => {
            let format = if machine { Format::Json } else { Format::Text };
            return report(format, &f);
        }
    };
    match args.format {
        LintFormat::Text => print_out(&render::to_text(&answer.reports)),
        LintFormat::Json => print_json(&answer.to_json()),
        LintFormat::Sarif => print_json(&answer.to_sarif()),
        LintFormat::Github => print_out(&render::to_github(&answer.reports)),
    }
    // JSON and SARIF carry the unreadable files in the document itself (nothing on stderr, as
    // for every command's JSON errors); text and GitHub annotations say it on stderr.
    for u in answer.unreadable.iter().filter(|_| !machine) {
        let s = upgrade_planner::render::style::ERROR;
        print_err(&format!(
            "{s}error{s:#}: cannot read {}: {}",
            u.file, u.message
        ));
    }
    let level = match args.deny {
        Deny::Warning => Severity::Warning,
        Deny::Error => Severity::Error,
    };
    answer.exit(level).code()
}
