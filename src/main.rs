//! The `upgrade-planner` command: a thin layer over the `upgrade_planner` library.
#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
