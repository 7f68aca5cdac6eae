//! `upgrade-planner plan`: the route from an installed version to a target.

use super::{EXIT_OK, Format, print_json, print_out, report};
use clap::Args;
use std::path::{Path, PathBuf};
use upgrade_planner::docs::plan::{PlanQuery, Routes};
use upgrade_planner::docs::{self, Failure, Source};
use upgrade_planner::planner::PLAN_SCHEMA;
use upgrade_planner::render;
use upgrade_planner::{Objective, Target, VersionScheme};

/// Plan the upgrade route from an installed version to a target.
///
/// Prints the stages (where the binary must be installed) and every hop. The route has the fewest
/// hops (ties: fewest binary stops, then fewest deprecated transits, then the route through older
/// versions first); `--objective stops` puts fewest binary stops first.
///
/// The routes come from `--deps FILE`, or from the upgrade YAML inside an RPM (`--package PKG`, whose
/// digests are verified first; the target defaults to the package's own VERSION-BUILD). With
/// `--from-npm`/`--to-npm`, start and target are the ONTAP releases in two NetApp NPM metadata files.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    upgrade-planner plan --deps data/seed-oceanbase-ce-4.2.1.1.yml --from 4.0.0.0 --to 4.3.0.0\n  \
    upgrade-planner plan --deps deps.yml --from 4.1.0.0-100000192023032010.el7 --to latest\n  \
    upgrade-planner plan --deps deps.yml --from 4.1.0.0 --to latest --format json\n  \
    upgrade-planner plan --package oceanbase-ce-4.2.1.1-1.el7.x86_64.rpm --from 4.1.0.0\n  \
    upgrade-planner plan --deps data/ontap-example.yml --from-npm a.txt --to-npm b.xml\n  \
    upgrade-planner plan --deps deps.yml --from 4.2.1.0 --to latest --risks risks/ --facts facts.yml\n  \
    upgrade-planner plan --deps deps.yml --from 4.2.1.0 --to 4.2.1.1 --risks risks.yml \\\n      \
    --accept-risk PurgeRebuildCorruption\n\n\
    Exit codes:\n  \
    0  planned\n  \
    1  refused: unknown_start, unknown_target, deprecated_target, no_route,\n     \
    not_recommended (with --risks: only routes a known risk applies to);\n     \
    with --package also digest_mismatch, no_upgrade_deps, corrupt_payload, bad_signature,\n     \
    unverified_header, signature_required;\n     \
    with --from-npm also not_ontap, mode_mismatch, unplaceable_release\n  \
    2  usage, invalid_document, search_limit; with --package also unreadable, not_rpm,\n     \
    truncated, malformed, unsupported_compressor, invalid_upgrade_deps, invalid_keyring;\n     \
    with --from-npm also invalid_metadata, wrong_scheme; with --firmware-inventory\n     \
    also invalid_firmware_inventory; with --risks also invalid_risks, unknown_risk,\n     \
    invalid_facts\n\n\
    The JSON error kinds are listed in full in the README (plan section).")]
pub struct PlanArgs {
    /// The upgrade-dependency YAML file (oceanbase_upgrade_dep.yml format).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "package",
        conflicts_with = "package"
    )]
    deps: Option<PathBuf>,
    /// Plan with the upgrade YAML inside this RPM package (verified first); the target defaults to
    /// the package's VERSION-BUILD.
    #[arg(long, value_name = "PKG")]
    package: Option<PathBuf>,
    /// The installed version: V, V-BUILD, or an RPM release such as V-BUILD.el7.
    #[arg(long, value_name = "VERSION", required_unless_present_any = ["from_npm", "firmware_inventory"])]
    from: Option<String>,
    /// The target version, resolved like --from (node V-BUILD if the file has it, else node V), or
    /// `latest` for the newest non-deprecated version the start can reach.
    #[arg(long, value_name = "VERSION|latest", required_unless_present_any = ["package", "to_npm", "from_npm"])]
    to: Option<Target>,
    /// NetApp NPM metadata (text or ZAPI XML) of the installed system: start at its ONTAP release.
    #[arg(long, value_name = "FILE", requires_all = ["to_npm", "deps"], conflicts_with_all = ["from", "to", "package", "risks"])]
    from_npm: Option<PathBuf>,
    /// NetApp NPM metadata of the package to install: its ONTAP release is the target.
    #[arg(long, value_name = "FILE", requires = "from_npm")]
    to_npm: Option<PathBuf>,
    /// What to minimise first.
    #[arg(long, value_enum, default_value_t = Objective::Hops)]
    objective: Objective,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Version scheme of the file (default: detected; OceanBase unless versions only parse as SemVer).
    #[arg(long, value_name = "oceanbase|semver")]
    scheme: Option<VersionScheme>,
    /// The installed version from one server's Redfish firmware inventory (what GET
    /// /redfish/v1/UpdateService/FirmwareInventory?$expand=. returns), instead of --from.
    #[arg(long, value_name = "FILE", requires_all = ["component", "deps"], conflicts_with_all = ["from", "from_npm", "package"])]
    firmware_inventory: Option<PathBuf>,
    /// The firmware inventory member to read (its Id, Name or SoftwareId).
    #[arg(long, value_name = "NAME", requires = "firmware_inventory")]
    component: Option<String>,
    #[command(flatten)]
    risk: super::risks::RiskArgs,
    /// Facts about the cluster for the risks' Fact rules: a YAML or JSON mapping (nested
    /// mappings are dotted names). Without it no Fact rule can be evaluated.
    #[arg(
        long,
        value_name = "FILE",
        requires = "risks",
        conflicts_with = "from_npm"
    )]
    facts: Option<PathBuf>,
    /// With --package: --keyring PATH (repeatable) and --require-signature.
    #[command(flatten)]
    trust: super::TrustArgs,
}

pub fn run(args: PlanArgs) -> u8 {
    if let (Some(from_npm), Some(to_npm), Some(deps)) = (&args.from_npm, &args.to_npm, &args.deps) {
        return run_npm(&args, deps, from_npm, to_npm);
    }
    let policy = match args.trust.policy_with(
        args.package.is_some(),
        "--package PKG",
        args.format,
        PLAN_SCHEMA,
    ) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let routes = match (&args.package, &args.deps) {
        (Some(pkg), _) => Routes::Package {
            path: pkg.clone(),
            trust: policy,
        },
        (None, Some(deps)) => Routes::Deps(Source::Path(deps.clone())),
        (None, None) => {
            return report(
                args.format,
                &Failure::usage(
                    PLAN_SCHEMA,
                    "give --deps FILE or --package PKG, --from VERSION and --to VERSION (see --help)",
                ),
            );
        }
    };
    let query = PlanQuery {
        routes,
        from: args.from.clone().unwrap_or_default(),
        firmware: args.firmware_inventory.clone().zip(args.component.clone()),
        to: args.to.clone(),
        objective: args.objective,
        scheme: args.scheme,
        risks: args.risk.options(args.facts.as_ref()),
    };
    match docs::plan::plan(&query) {
        Ok(answer) => {
            let notes = &answer.notes;
            match args.format {
                Format::Json => print_json(&answer),
                Format::Text => {
                    print_out(&with_notes(&render::plan::to_text(&answer.plan), notes, ""))
                }
                Format::Markdown => print_out(&with_notes(
                    &render::plan::to_markdown(&answer.plan),
                    notes,
                    "\n> ",
                )),
            }
            EXIT_OK
        }
        Err(f) => report(args.format, &f),
    }
}

/// The rendered plan with the resolution notes after its first (title) line, each prefixed.
fn with_notes(rendered: &str, notes: &[String], prefix: &str) -> String {
    if notes.is_empty() {
        return rendered.to_string();
    }
    let (title, rest) = rendered.split_once('\n').unwrap_or((rendered, ""));
    let mut out = format!("{title}\n");
    for note in notes {
        out.push_str(&format!("{prefix}{note}\n"));
    }
    out.push('\n');
    out.push_str(rest.trim_start_matches('\n'));
    out
}

/// `--from-npm A --to-npm B --deps FILE`: the route between two ONTAP releases.
fn run_npm(args: &PlanArgs, deps: &Path, from_npm: &Path, to_npm: &Path) -> u8 {
    let answer = docs::plan::plan_npm(
        &Source::Path(deps.to_path_buf()),
        &Source::Path(from_npm.to_path_buf()),
        &Source::Path(to_npm.to_path_buf()),
        args.objective,
        args.scheme,
    );
    match answer {
        Ok(answer) => {
            match args.format {
                Format::Json => print_json(&answer),
                Format::Text => {
                    print_out(&render::plan::to_text(&answer.route.with_release_names()))
                }
                Format::Markdown => print_out(&render::plan::to_markdown(
                    &answer.route.with_release_names(),
                )),
            }
            if args.format != Format::Json {
                for finding in &answer.route.check.findings {
                    print_out(&format!("{}: {}\n", finding.severity, finding.message));
                }
            }
            EXIT_OK
        }
        Err(f) => report(args.format, &f),
    }
}
