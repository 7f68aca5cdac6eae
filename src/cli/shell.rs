//! `upgrade-planner completions SHELL` and `upgrade-planner man`: what a packager installs next to
//! the binary, generated from the command-line definition itself (so they never go stale).

use super::{EXIT_INPUT, EXIT_OK, print_err};
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::path::PathBuf;

/// Print a shell completion script.
///
/// Bash: `upgrade-planner completions bash > ~/.local/share/bash-completion/completions/upgrade-planner`;
/// zsh: into a directory of `$fpath` as `_upgrade-planner`; fish:
/// `~/.config/fish/completions/upgrade-planner.fish`; PowerShell: add `| Out-String | Invoke-Expression`
/// to your profile; elvish: `eval (upgrade-planner completions elvish | slurp)`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    upgrade-planner completions bash > ~/.local/share/bash-completion/completions/upgrade-planner\n  \
    upgrade-planner completions zsh > ~/.zfunc/_upgrade-planner\n  \
    upgrade-planner completions fish > ~/.config/fish/completions/upgrade-planner.fish")]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: Shell,
}

/// Print the manual page (roff), or write one page per command into a directory.
///
/// `upgrade-planner man | man -l -` reads it; `upgrade-planner man plan` prints the page of one
/// command; `--dir DIR` writes upgrade-planner.1 and upgrade-planner-COMMAND.1 for every command.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    upgrade-planner man | man -l -\n  \
    upgrade-planner man rollout | man -l -\n  \
    upgrade-planner man --dir /usr/local/share/man/man1")]
pub struct ManArgs {
    /// The command whose page to print (default: the main page).
    #[arg(value_name = "COMMAND")]
    command: Option<String>,
    /// Write every page into this directory instead.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    dir: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> u8 {
    let mut cmd = super::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "upgrade-planner", &mut out);
    super::print_out(&String::from_utf8_lossy(&out));
    EXIT_OK
}

fn render(cmd: clap::Command) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = clap_mangen::Man::new(cmd).render(&mut out);
    out
}

pub fn man(args: ManArgs) -> u8 {
    let mut root = super::Cli::command();
    root.build();
    if let Some(dir) = &args.dir {
        let mut pages = vec![("upgrade-planner.1".to_string(), render(root.clone()))];
        for sub in root.get_subcommands() {
            let name = format!("upgrade-planner-{}", sub.get_name());
            pages.push((format!("{name}.1"), render(sub.clone().name(name))));
        }
        if let Err(e) = std::fs::create_dir_all(dir) {
            print_err(&format!("error: cannot create {}: {e}", dir.display()));
            return EXIT_INPUT;
        }
        for (file, page) in pages {
            if let Err(e) = std::fs::write(dir.join(&file), page) {
                print_err(&format!(
                    "error: cannot write {}: {e}",
                    dir.join(file).display()
                ));
                return EXIT_INPUT;
            }
        }
        return EXIT_OK;
    }
    let page = match &args.command {
        None => render(root),
        Some(name) => match root.find_subcommand(name) {
            Some(sub) => render(sub.clone().name(format!("upgrade-planner-{name}"))),
            None => {
                let names: Vec<&str> = root.get_subcommands().map(|s| s.get_name()).collect();
                print_err(&format!(
                    "error: no command `{name}` (commands: {})",
                    names.join(", ")
                ));
                return EXIT_INPUT;
            }
        },
    };
    super::print_out(&String::from_utf8_lossy(&page));
    EXIT_OK
}
