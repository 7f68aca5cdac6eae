//! Input files as users name them: a path, or `-` for standard input (every file argument of the
//! command line accepts it).
//!
//! Text inputs (dependency YAML, inventories, windows, NPM metadata, firmware inventories, keys)
//! are read whole, within their limits, from a file or from standard input alike. RPM packages are
//! read with seeks (the header digests, the xz index of a multi-block payload, the payload's size
//! checks), so a package must be a regular file: `-` works when standard input is redirected from
//! a file (`< pkg.rpm`), and a pipe is refused with a message that says so (never "truncated").

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Whether `path` names standard input (`-`).
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Opens a text input: the file, or standard input for `-`.
pub fn open(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    if is_stdin(path) {
        Ok(Box::new(io::stdin()))
    } else {
        Ok(Box::new(File::open(path)?))
    }
}

/// Reads a text input whole, but at most `limit + 1` bytes, so that the caller can name the limit
/// when the input is larger.
pub fn read_limited(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open(path)?.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Opens an input that is read with seeks (an RPM package): a regular file, or `-` when standard
/// input is redirected from one. A pipe, a socket or a terminal is refused with an error that
/// names it (`ErrorKind::Unsupported`).
pub fn open_seekable(path: &Path) -> io::Result<File> {
    // `/dev/stdin` opens the file standard input is redirected from anew: its own offset, so the
    // threads that read a package through their own handles do not disturb each other.
    let file = if is_stdin(path) {
        File::open("/dev/stdin")?
    } else {
        File::open(path)?
    };
    let kind = file.metadata()?.file_type();
    if kind.is_file() {
        return Ok(file);
    }
    use std::os::unix::fs::FileTypeExt;
    let what = if kind.is_fifo() {
        "a pipe"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_dir() {
        "a directory"
    } else {
        "not a regular file (a terminal or a device)"
    };
    let given = if is_stdin(path) {
        format!("standard input is {what}")
    } else {
        format!("it is {what}")
    };
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        format!(
            "{given}; a package is read with seeks (header digests, the payload index), so save it \
             to a file first, or redirect one with `< PKG.rpm`"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_as_a_pipe() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            // mkfifo is in coreutils, present on every machine the tests run on.
            panic!("mkfifo failed");
        }
        // Opening a FIFO for reading blocks until a writer comes: give it one.
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let _ = std::fs::OpenOptions::new().write(true).open(fifo);
            })
        };
        let err = open_seekable(&fifo).unwrap_err();
        writer.join().unwrap();
        assert_eq!(err.kind(), io::ErrorKind::Unsupported);
        assert!(err.to_string().starts_with("it is a pipe"), "{err}");
        let err = open_seekable(dir.path()).unwrap_err();
        assert!(err.to_string().contains("a directory"), "{err}");
        assert!(open_seekable(Path::new("Cargo.toml")).is_ok());
    }
}
