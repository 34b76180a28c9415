//! Every file tenderlint reads, read one way: only a regular file, and never more than a
//! limit. Configurations and the rule files they `extend`, `--rules`, baselines,
//! `tender.toml`, documents and standard input all come through here, so that a path
//! naming an endless device (`/dev/zero`), a named pipe nobody writes to, or a file of
//! many gigabytes is refused with a reason instead of growing memory or hanging.
//!
//! A path is looked at before it is opened, so a special file is never opened at all;
//! it is opened without blocking (a named pipe swapped in meanwhile does not wait for a
//! writer), and the opened handle is looked at again, since the path may have changed in
//! between. Reading stops one byte past the limit.

use crate::error::{SourceError, TomlFile};
use std::fmt;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

const MIB: u64 = 1 << 20;

/// How much of one kind of file tenderlint reads, and what the kind is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub bytes: u64,
    /// The kind of file, for the message: "a configuration or rule file".
    pub of: &'static str,
}

/// Configurations, the rule files they extend, `--rules` and `tender.toml`: TOML that
/// people write. The built-in rules and concepts together are under 200 KB.
pub const TOML: Limit = Limit {
    bytes: 8 * MIB,
    of: "a configuration, rule or tender file",
};

/// Baselines: JSON that tenderlint writes, about 250 bytes a finding, so this holds
/// about a million findings.
pub const BASELINE: Limit = Limit {
    bytes: 256 * MIB,
    of: "a baseline",
};

/// A document, on disk or on standard input. Tenders are a few megabytes; a gigabyte is
/// already thousands of times the largest one.
pub const DOCUMENT: Limit = Limit {
    bytes: 1024 * MIB,
    of: "a document",
};

/// A Word file (.docx): compressed XML. The reader bounds what it inflates on its own;
/// 256 MiB of zip is already hundreds of times the largest tender.
pub const WORD: Limit = Limit {
    bytes: 256 * MIB,
    of: "a Word document",
};

/// Why a file was not read, in words that follow its name: "x.md is a folder, not a file".
#[derive(Debug)]
pub enum ReadError {
    NotFound,
    /// A symbolic link to nothing.
    Dangling,
    /// A symbolic link to itself, or into a loop of links (ELOOP).
    Loop,
    PermissionDenied,
    Folder,
    /// Anything else that is not a regular file: "a named pipe (FIFO)", ...
    Special(&'static str),
    TooLarge(Limit),
    NotUtf8,
    Io(io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("does not exist"),
            ReadError::Dangling => f.write_str("is a symbolic link to a file that does not exist"),
            ReadError::Loop => f.write_str(
                "is a symbolic link that points to itself or into a loop of links (too many levels of symbolic links)",
            ),
            ReadError::PermissionDenied => f.write_str("cannot be read: permission denied"),
            ReadError::Folder => f.write_str("is a folder, not a file"),
            ReadError::Special(kind) => write!(f, "is {kind}, not a regular file"),
            ReadError::TooLarge(limit) => write!(
                f,
                "is larger than {}, the most tenderlint reads for {}",
                size(limit.bytes),
                limit.of
            ),
            ReadError::NotUtf8 => f.write_str("is not UTF-8 text"),
            ReadError::Io(e) => write!(f, "cannot be read: {e}"),
        }
    }
}

impl ReadError {
    /// What the owner of the file can do about it, when that is not obvious.
    pub fn help(&self) -> Option<&'static str> {
        match self {
            ReadError::NotFound => Some("Check the spelling of the path."),
            ReadError::Dangling | ReadError::Loop => Some("Fix or remove the link."),
            ReadError::Special(_) => Some(
                "tenderlint reads only regular files (and a pipe on standard input), so that a device or a named pipe cannot hang it.",
            ),
            ReadError::TooLarge(_) => Some("Check that the path names the file you meant."),
            ReadError::NotUtf8 => Some("Save the file as UTF-8."),
            _ => None,
        }
    }

    /// The error of looking at or opening `path`.
    pub fn of_io(path: &Path, e: io::Error) -> ReadError {
        match e.kind() {
            io::ErrorKind::NotFound if path.symlink_metadata().is_ok() => ReadError::Dangling,
            io::ErrorKind::NotFound => ReadError::NotFound,
            io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
            _ if is_loop(&e) => ReadError::Loop,
            _ => ReadError::Io(e),
        }
    }
}

#[cfg(unix)]
fn is_loop(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
fn is_loop(_: &io::Error) -> bool {
    false
}

/// A TOML file that could not be read, as the loaders report it: "x.toml: this
/// configuration file is a named pipe (FIFO), not a regular file". `what` is "this
/// configuration file", "this rule file"...
pub fn toml_error(name: &str, code: &'static str, what: &str, e: &ReadError) -> SourceError {
    let err = SourceError::new(&TomlFile::new(name, ""), code, format!("{what} {e}"));
    match e.help() {
        Some(help) => err.help(help),
        None => err,
    }
}

/// `bytes` for people: "8 MiB", "1 GiB", "300 bytes".
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b >> 20),
        b => format!("{b} bytes"),
    }
}

/// What a file that is not a regular file is, or None for a regular file.
fn kind(meta: &Metadata) -> Option<ReadError> {
    if meta.is_file() {
        return None;
    }
    if meta.is_dir() {
        return Some(ReadError::Folder);
    }
    Some(ReadError::Special(special(meta)))
}

#[cfg(unix)]
fn special(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special(_: &Metadata) -> &'static str {
    "a special file"
}

/// Opens `path` for reading without blocking on a named pipe, and without making a
/// terminal the controlling one.
fn open(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// The bytes of the regular file `path`, at most `limit.bytes` of them.
pub fn read(path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError> {
    read_until(path, limit, |_| false)
}

/// As [`read`], but reading stops early after a piece for which `stop` is true (a
/// binary file is known to be one from its first NUL byte, not from its last).
pub fn read_until(
    path: &Path,
    limit: Limit,
    stop: impl FnMut(&[u8]) -> bool,
) -> Result<Vec<u8>, ReadError> {
    // Looked at first, so that a device or a named pipe is never opened.
    let meta = std::fs::metadata(path).map_err(|e| ReadError::of_io(path, e))?;
    if let Some(e) = kind(&meta) {
        return Err(e);
    }
    let file = open(path).map_err(|e| ReadError::of_io(path, e))?;
    // Then the handle: the path may name something else by now.
    let meta = file.metadata().map_err(ReadError::Io)?;
    if let Some(e) = kind(&meta) {
        return Err(e);
    }
    if meta.len() > limit.bytes {
        return Err(ReadError::TooLarge(limit));
    }
    // The length is a hint: the file may grow while it is read.
    read_pieces(file, meta.len(), limit, stop)
}

/// The text of the regular file `path`, which must be UTF-8, at most `limit.bytes` of it.
pub fn read_text(path: &Path, limit: Limit) -> Result<String, ReadError> {
    String::from_utf8(read(path, limit)?).map_err(|_| ReadError::NotUtf8)
}

/// Standard input, at most `limit.bytes` of it. It may be a regular file, a pipe or a
/// socket; a terminal, a device or a folder is refused without reading.
pub fn read_stdin(limit: Limit) -> Result<Vec<u8>, ReadError> {
    let stdin = io::stdin();
    #[cfg(unix)]
    {
        use std::io::IsTerminal;
        use std::os::fd::AsFd;
        if stdin.is_terminal() {
            return Err(ReadError::Special("a terminal"));
        }
        let fd = stdin.as_fd().try_clone_to_owned().map_err(ReadError::Io)?;
        let file = File::from(fd);
        let meta = file.metadata().map_err(ReadError::Io)?;
        let t = meta.file_type();
        let streamed = std::os::unix::fs::FileTypeExt::is_fifo(&t)
            || std::os::unix::fs::FileTypeExt::is_socket(&t);
        if !streamed {
            if let Some(e) = kind(&meta) {
                return Err(e);
            }
            if meta.len() > limit.bytes {
                return Err(ReadError::TooLarge(limit));
            }
        }
        read_bounded(stdin.lock(), meta.len(), limit)
    }
    #[cfg(not(unix))]
    {
        read_bounded(stdin.lock(), 0, limit)
    }
}

/// Pieces read at a time by [`read_until`].
const PIECE: usize = 64 * 1024;

/// Reads to the end, or to the first piece `stop` is true for, or fails one byte past
/// the limit.
fn read_pieces(
    mut source: impl Read,
    hint: u64,
    limit: Limit,
    mut stop: impl FnMut(&[u8]) -> bool,
) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::with_capacity(hint.min(limit.bytes) as usize);
    let mut piece = vec![0; PIECE];
    loop {
        let n = match source.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        if (bytes.len() + n) as u64 > limit.bytes {
            return Err(ReadError::TooLarge(limit));
        }
        bytes.extend_from_slice(&piece[..n]);
        if stop(&piece[..n]) {
            break;
        }
    }
    Ok(bytes)
}

/// Reads to the end, or fails one byte past the limit.
fn read_bounded(source: impl Read, hint: u64, limit: Limit) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::with_capacity(hint.min(limit.bytes) as usize);
    source
        .take(limit.bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit.bytes {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(8 * MIB), "8 MiB");
        assert_eq!(size(1 << 30), "1 GiB");
        assert_eq!(size(300), "300 bytes");
    }

    #[test]
    fn reading_stops_one_byte_past_the_limit() {
        let limit = Limit {
            bytes: 4,
            of: "a test",
        };
        assert_eq!(
            read_bounded(&b"abcd"[..], 0, limit).ok(),
            Some(b"abcd".to_vec())
        );
        assert!(matches!(
            read_bounded(&b"abcde"[..], 0, limit),
            Err(ReadError::TooLarge(_))
        ));
        // An endless source is read only to the limit.
        assert!(matches!(
            read_bounded(io::repeat(0), 0, limit),
            Err(ReadError::TooLarge(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_folders_are_refused_before_they_are_read() {
        let zero = read(Path::new("/dev/zero"), DOCUMENT);
        assert!(
            matches!(zero, Err(ReadError::Special("a character device"))),
            "{zero:?}"
        );
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(read(dir.path(), TOML), Err(ReadError::Folder)));
        let link = dir.path().join("self.toml");
        std::os::unix::fs::symlink(&link, &link).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(read(&link, TOML), Err(ReadError::Loop)));
    }
}
