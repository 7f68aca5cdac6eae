//! `upgrade-planner plan`: the route from an installed version to a target.

use super::{EXIT_INPUT, EXIT_OK, EXIT_REFUSED, Format, fail, print_json, print_out};
use clap::Args;
use std::path::{Path, PathBuf};
use upgrade_planner::planner::{NodeMatch, PLAN_SCHEMA, Resolution};
use upgrade_planner::rpm::upgrade_deps_from_package_with;
use upgrade_planner::{DepGraph, Objective, Plan, PlanError, PlanRequest, Target, VersionScheme};
use upgrade_planner::{npm, render};

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
    let (graph, default_target, package_target) = match (&args.package, &args.deps) {
        (Some(pkg), _) => match upgrade_deps_from_package_with(pkg, &policy) {
            // The package's own VERSION-BUILD: node V-B when the file has it, else node V (the
            // package is a build of V), as the upgrade service resolves it on upload.
            Ok((graph, identity)) => {
                let node = graph
                    .resolve_installed(&identity.target)
                    .map_or(identity.target.clone(), |ix| {
                        graph.node(ix).version.as_str().to_string()
                    });
                (graph, Some(node), Some(identity.target))
            }
            Err(e) => {
                let exit = if e.is_refusal() {
                    EXIT_REFUSED
                } else {
                    EXIT_INPUT
                };
                return fail(
                    args.format,
                    PLAN_SCHEMA,
                    e.kind(),
                    &e.to_string(),
                    None,
                    exit,
                );
            }
        },
        (None, Some(deps)) => match DepGraph::from_path(deps, args.scheme) {
            Ok(g) => (g, None, None),
            Err(e) => return super::load_failure(args.format, PLAN_SCHEMA, &e),
        },
        (None, None) => return unreachable_usage(args.format),
    };
    let Some(to) = args.to.clone().or(default_target.map(Target::Version)) else {
        return unreachable_usage(args.format);
    };
    let mut firmware_note = None;
    let from = match (&args.firmware_inventory, &args.component) {
        (Some(file), Some(component)) => {
            use upgrade_planner::rollout::firmware;
            let read = firmware::read_file(file).and_then(|members| {
                let m = firmware::find(&members, component)?;
                let v = firmware::installed_version(&m.version, component, &graph)?;
                Ok((v, m.version.clone()))
            });
            match read {
                Ok((v, raw)) => {
                    firmware_note = Some(format!(
                        "--firmware-inventory: `{component}` is at `{raw}`, read as {v}"
                    ));
                    v
                }
                Err(e) => {
                    return fail(
                        args.format,
                        PLAN_SCHEMA,
                        "invalid_firmware_inventory",
                        &e.to_string(),
                        None,
                        EXIT_INPUT,
                    );
                }
            }
        }
        _ => args.from.clone().unwrap_or_default(),
    };
    // What was asked for, as given: `--to`, else the package's VERSION-BUILD.
    let to_requested = match (&args.to, package_target) {
        (Some(Target::Latest), _) => "latest".to_string(),
        (Some(Target::Version(t)), _) => t.clone(),
        (None, Some(t)) => t,
        (None, None) => String::new(),
    };
    let request = PlanRequest::new(from.clone(), to).objective(args.objective);
    let risks = match super::risks::load(&args.risk, args.format, PLAN_SCHEMA) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let facts = match super::risks::load_facts(args.facts.as_deref(), args.format, PLAN_SCHEMA) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let bound = risks.as_ref().map(|r| r.bind(&graph));
    let assessment = bound
        .as_ref()
        .map(|b| b.assess(facts.as_ref(), &args.risk.accept_risk));
    let result = match &assessment {
        Some(a) => a.plan(&request),
        None => graph.plan(&request),
    };
    match result {
        Ok(plan) => {
            let from_match = match_name(&graph, &from, &plan.from);
            // `None`: `--to latest`, which names no node.
            let to_match = (args.to != Some(Target::Latest))
                .then(|| match_name(&graph, &to_requested, &plan.to));
            let to_what = if args.to.is_some() {
                "--to"
            } else {
                "the package's version"
            };
            let mut notes: Vec<String> = [
                resolution_note("--from", &from, &plan.from, from_match),
                to_match.and_then(|how| resolution_note(to_what, &to_requested, &plan.to, how)),
            ]
            .into_iter()
            .flatten()
            .chain(firmware_note.clone())
            .collect();
            // Two different builds that the file does not tell apart: the same node, 0 hops,
            // which must not read as "already there".
            if plan.hops == 0
                && to_match.is_some()
                && from.trim() != to_requested.trim()
                && (from_match == NodeMatch::PlainVersion
                    || to_match == Some(NodeMatch::PlainVersion))
            {
                notes.push(format!(
                    "{from} and {} are both node {}: the file does not tell these builds apart, \
                     so it has no route between them (install the package directly)",
                    to_requested.trim(),
                    plan.to
                ));
            }
            // `--to latest` picked a version the file never declares: say so, it may be a typo
            // or an unreleased version listed ahead of time.
            if to_match.is_none()
                && let Some(target) = graph.find(&plan.to)
                && !graph.node(target).declared
                && plan.hops > 0
            {
                notes.push(format!(
                    "latest is {}, which has no entry of its own in the file (it only appears in \
                     `can_be_upgraded_to`): check that this version is meant as a target",
                    plan.to
                ));
            }
            if let Some(newer) = &plan.newer_not_recommended {
                notes.push(format!(
                    "latest recommended is {}; {newer} is newer but every route to it takes an \
                     update a known risk applies to (plan --to {newer} shows the risks)",
                    plan.to
                ));
            }
            let extra = serde_json::json!({
                "from_requested": from,
                "from_match": from_match.as_str(),
                "to_requested": to_requested,
                "to_match": to_match.map_or("latest", NodeMatch::as_str),
                "notes": notes,
            });
            match args.format {
                Format::Json => print_plan(args.format, &plan, Some(extra)),
                Format::Text => print_out(&with_notes(&render::plan::to_text(&plan), &notes, "")),
                Format::Markdown => print_out(&with_notes(
                    &render::plan::to_markdown(&plan),
                    &notes,
                    "\n> ",
                )),
            }
            EXIT_OK
        }
        Err(e) => plan_failure_in(args.format, PLAN_SCHEMA, &graph, &e),
    }
}

/// How a requested name matched its node. A name the resolver does not take (a `--package`
/// release whose build is not a number, resolved to node `V` as before) is `PlainVersion` unless
/// it is the node's name.
fn match_name(graph: &DepGraph, requested: &str, node: &str) -> NodeMatch {
    match graph.resolve_version(requested) {
        Resolution::Found { how, .. } => how,
        _ if requested.trim() == node => NodeMatch::Exact,
        _ => NodeMatch::PlainVersion,
    }
}

/// One line saying which node a requested name was planned with, unless it named the node exactly.
fn resolution_note(what: &str, asked: &str, node: &str, how: NodeMatch) -> Option<String> {
    let why = match how {
        NodeMatch::WithoutDistribution => "the distribution suffix is not part of the node name",
        NodeMatch::PlainVersion => {
            "the file has no node for that build, so its plain version is used"
        }
        NodeMatch::BuildMetadata => "the only node with that version (build metadata aside)",
        NodeMatch::Exact => return None,
    };
    (asked.trim() != node).then(|| format!("{what} {asked} is node {node}: {why}"))
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

/// clap enforces the argument rules; should they ever be bypassed, say so instead of panicking.
fn unreachable_usage(format: Format) -> u8 {
    fail(
        format,
        PLAN_SCHEMA,
        "usage",
        "give --deps FILE or --package PKG, --from VERSION and --to VERSION (see --help)",
        None,
        EXIT_INPUT,
    )
}

fn print_plan(format: Format, plan: &Plan, extra: Option<serde_json::Value>) {
    match format {
        Format::Json => match (serde_json::to_value(plan), extra) {
            (Ok(serde_json::Value::Object(mut obj)), Some(serde_json::Value::Object(more))) => {
                obj.extend(more);
                print_json(&obj);
            }
            _ => print_json(plan),
        },
        Format::Text => print_out(&render::plan::to_text(plan)),
        Format::Markdown => print_out(&render::plan::to_markdown(plan)),
    }
}

/// `--from-npm A --to-npm B --deps FILE`: the route between two ONTAP releases.
fn run_npm(args: &PlanArgs, deps: &Path, from_npm: &Path, to_npm: &Path) -> u8 {
    let graph = match DepGraph::from_path(deps, args.scheme) {
        Ok(g) => g,
        Err(e) => return super::load_failure(args.format, PLAN_SCHEMA, &e),
    };
    let read = |path: &Path, role: &str| -> Result<npm::Package, u8> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| {
            fail(
                args.format,
                PLAN_SCHEMA,
                "invalid_metadata",
                &format!("cannot read the {role} metadata `{file}`: {e}"),
                None,
                EXIT_INPUT,
            )
        })?;
        npm::read(&bytes).map_err(|e| {
            let mut details = render::npm::error_json(&e);
            if let Some(obj) = details.as_object_mut() {
                obj.remove("message");
                obj.remove("kind");
                obj.insert("file".into(), file.clone().into());
                obj.insert("role".into(), role.into());
                obj.insert("metadata_kind".into(), e.kind.as_str().into());
            }
            fail(
                args.format,
                PLAN_SCHEMA,
                "invalid_metadata",
                &format!("the {role} metadata `{file}` is invalid: {e}"),
                Some(details),
                EXIT_INPUT,
            )
        })
    };
    let installed = match read(from_npm, "installed") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let package = match read(to_npm, "package") {
        Ok(p) => p,
        Err(code) => return code,
    };
    match npm::plan_between(&graph, &installed, &package, args.objective) {
        Ok(route) => {
            let check = serde_json::json!({
                "verdict": route.check.verdict.as_str(),
                "revert_procedure_required": route.check.revert_procedure_required,
                "findings": route.check.findings.iter()
                    .map(|d| render::diagnostics::to_json(&to_npm.display().to_string(), d))
                    .collect::<Vec<_>>(),
            });
            if args.format == Format::Json {
                print_plan(
                    args.format,
                    &route.plan,
                    Some(serde_json::json!({
                        "from_release": route.from_release,
                        "to_release": route.to_release,
                        "path_releases": route.path_releases,
                        "check": check,
                    })),
                );
            } else {
                print_plan(args.format, &route.with_release_names(), None);
                for finding in &route.check.findings {
                    print_out(&format!("{}: {}\n", finding.severity, finding.message));
                }
            }
            EXIT_OK
        }
        Err(npm::NpmPlanError::Plan(e)) => plan_failure(args.format, PLAN_SCHEMA, &e),
        Err(e) => {
            let exit = match e {
                npm::NpmPlanError::WrongScheme => EXIT_INPUT,
                _ => EXIT_REFUSED,
            };
            fail(
                args.format,
                PLAN_SCHEMA,
                e.kind(),
                &e.to_string(),
                None,
                exit,
            )
        }
    }
}

/// Reports a refused plan with what the graph can add: why an unknown version did not resolve
/// (message and `reason`: `invalid_build`, `ambiguous`, `not_found`; `candidates` when ambiguous).
/// `schema`: the JSON document of the command (`plan`, `targets`).
pub fn plan_failure_in(format: Format, schema: &str, graph: &DepGraph, e: &PlanError) -> u8 {
    let (requested, nearest) = match e {
        PlanError::UnknownStart { from, nearest } => (from, nearest),
        PlanError::UnknownTarget { to, nearest } => (to, nearest),
        _ => return plan_failure(format, schema, e),
    };
    let resolution = graph.resolve_version(requested);
    let mut details = serde_json::json!({
        "nearest": nearest,
        "requested": requested,
        "reason": resolution.refusal_reason().unwrap_or("not_found"),
    });
    if let (Resolution::Ambiguous { candidates }, Some(obj)) =
        (&resolution, details.as_object_mut())
    {
        let names: Vec<&str> = candidates
            .iter()
            .map(|&ix| graph.node(ix).version.as_str())
            .collect();
        obj.insert("candidates".into(), names.into());
    }
    fail(
        format,
        schema,
        e.kind(),
        &graph.refusal_message(e),
        Some(details),
        EXIT_REFUSED,
    )
}

/// Reports a refused plan (exit 1; `search_limit` exit 2) under the command's JSON `schema`.
pub fn plan_failure(format: Format, schema: &str, e: &PlanError) -> u8 {
    let details = match e {
        PlanError::UnknownStart { nearest, .. } | PlanError::UnknownTarget { nearest, .. } => {
            Some(serde_json::json!({ "nearest": nearest }))
        }
        PlanError::DeprecatedTarget { alternatives, .. } => {
            Some(serde_json::json!({ "alternatives": alternatives }))
        }
        PlanError::NoRoute {
            closest_reachable,
            can_reach_target,
            downgrade,
            ..
        } => Some(serde_json::json!({
            "closest_reachable": closest_reachable,
            "can_reach_target": can_reach_target,
            "downgrade": downgrade,
        })),
        PlanError::NotRecommended { .. } => render::risks::refusal_details(e),
        PlanError::SearchLimit { .. } => None,
    };
    let exit = match e {
        PlanError::SearchLimit { .. } => EXIT_INPUT,
        _ => EXIT_REFUSED,
    };
    let code = fail(format, schema, e.kind(), &e.to_string(), details, exit);
    if let (PlanError::NotRecommended { risks, .. }, false) = (e, format == Format::Json) {
        super::print_err(render::risks::refusal_text(risks).trim_end());
    }
    code
}
