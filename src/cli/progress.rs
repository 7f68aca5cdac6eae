//! Progress on standard error for long work (`inspect` of large packages, `rollout --packages`,
//! `diff` of large files): only when standard error is a terminal, never with JSON output (a
//! script reading the document gets nothing else), and gone once the work is done.

use std::io::IsTerminal;
use std::path::Path;
use upgrade_planner::rpm::Progress;

/// `inspect` shows a bar from this total size on (smaller packages take well under a second).
pub const INSPECT_THRESHOLD: u64 = 64 << 20;
/// `diff` shows a spinner from this combined file size on.
pub const DIFF_THRESHOLD: u64 = 1 << 20;

/// A bar or spinner, or nothing when progress is not shown.
pub struct Bar(Option<indicatif::ProgressBar>);

fn shown(json: bool) -> bool {
    !json && std::io::stderr().is_terminal()
}

impl Bar {
    /// A bar over `total` bytes with `message`, when shown and `total` reaches `threshold`.
    pub fn bytes(total: u64, threshold: u64, message: &str, json: bool) -> Bar {
        if !shown(json) || total < threshold || total == 0 {
            return Bar(None);
        }
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} ({eta})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message.to_string());
        Bar(Some(bar))
    }

    /// A spinner with `message`, when shown (`quiet`: never, as for JSON output).
    pub fn spinner(message: &str, quiet: bool) -> Bar {
        if !shown(quiet) {
            return Bar(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(message.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Bar(Some(bar))
    }

    /// The library callback that advances the bar.
    pub fn callback(&self) -> Option<Progress> {
        self.0.clone().map(|bar| Progress::new(move |n| bar.inc(n)))
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The size of a file, 0 when it cannot be read (standard input, a missing file).
pub fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| if m.is_file() { m.len() } else { 0 })
}

/// The total size of the `.rpm` files in a directory.
pub fn rpm_dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "rpm"))
            .map(|p| file_size(&p))
            .sum()
    })
}
