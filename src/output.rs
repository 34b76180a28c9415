//! Every file tenderlint writes (`report -o`, `--write-baseline`, `init`), written one way.
//!
//! - A regular file, or one that does not exist yet, is written atomically: to a
//!   temporary file beside it, created exclusively under an unpredictable name, then
//!   renamed over it, so an interrupted run never leaves half a file. A file that is
//!   replaced keeps its permissions.
//! - A symbolic link is never replaced: the file it points to is written, as above.
//! - A device or a named pipe (`/dev/null`, `/dev/stdout`, `mkfifo`) is written to in
//!   place, opened without creating or truncating anything. Renaming over it would
//!   replace it (as root, `report -o /dev/null` would replace the system's `/dev/null`).
//! - A folder is refused.

use std::fs::{Metadata, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Most links followed before giving up, as the kernel does (Linux: 40).
const MAX_LINKS: usize = 40;

/// Writes `bytes` to `path`; see the module's documentation for what "to" means.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_parts(path, &[bytes])
}

/// Writes `parts`, one after the other, to `path`, as [`write`] does.
pub fn write_parts(path: &Path, bytes: &[&[u8]]) -> io::Result<()> {
    let target = resolve_links(path)?;
    match std::fs::metadata(&target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => replace(&target, bytes, None),
        Err(e) => Err(e),
        Ok(meta) if meta.is_file() => replace(&target, bytes, Some(&meta)),
        Ok(meta) if meta.is_dir() => Err(io::Error::other("it is a folder")),
        Ok(_) => in_place(&target, bytes),
    }
}

/// The path a chain of symbolic links ends at, when it ends at a regular file or at
/// nothing (the file to create). Any other path is returned as it is: a device is
/// written through its link (`/dev/stdout` ends in a link that names no real path).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut at = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let meta = match std::fs::symlink_metadata(&at) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(at),
            other => other?,
        };
        if !meta.file_type().is_symlink() {
            return Ok(at);
        }
        match std::fs::metadata(&at) {
            Ok(m) if !m.is_file() => return Ok(path.to_path_buf()),
            Ok(_) => return std::fs::canonicalize(&at),
            // Dangling: follow it by hand to the file to create.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let to = std::fs::read_link(&at)?;
                at = match at.parent() {
                    Some(dir) => dir.join(to),
                    None => to,
                };
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Writes a temporary file beside `path` and renames it over `path`. `old` is the
/// regular file being replaced, if any: its permissions are kept. A file that did not
/// exist is created as `File::create` would (mode 0666 less the umask), and is not
/// clobbered if one appears meanwhile.
fn replace(path: &Path, bytes: &[&[u8]], old: Option<&Metadata>) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(path.file_name().unwrap_or_default());
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    if let Some(old) = old {
        tmp.as_file().set_permissions(old.permissions())?;
    }
    for b in bytes {
        tmp.write_all(b)?;
    }
    tmp.as_file().sync_all()?;
    match old {
        Some(_) => tmp.persist(path).map(drop).map_err(|e| e.error),
        None => match tmp.persist_noclobber(path) {
            Ok(_) => Ok(()),
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => Err(io::Error::other(
                "another program created it while tenderlint was writing it",
            )),
            // A file system that can neither rename without replacing nor link.
            Err(e) => e.file.persist(path).map(drop).map_err(|e| e.error),
        },
    }
}

/// Writes to a device or a named pipe as it is: no file is created, none is truncated.
/// Opening a named pipe waits for a reader, as the shell's `>` does.
fn in_place(path: &Path, bytes: &[&[u8]]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).open(path)?;
    let meta = file.metadata()?;
    if meta.is_file() {
        // Swapped for a regular file since it was looked at: replace that instead.
        drop(file);
        return replace(path, bytes, Some(&meta));
    }
    for b in bytes {
        file.write_all(b)?;
    }
    file.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_and_a_replaced_one_are_whole_and_nothing_is_left_beside_them() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("out.txt");
        write(&path, b"one").unwrap_or_else(|e| panic!("{e}"));
        write(&path, b"two").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&path).ok(), Some(b"two".to_vec()));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["out.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_and_links_are_not_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let real = dir.path().join("real.txt");
        std::fs::write(&real, "old").unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640))
            .unwrap_or_else(|e| panic!("{e}"));
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("real.txt", &link).unwrap_or_else(|e| panic!("{e}"));
        write(&link, b"new").unwrap_or_else(|e| panic!("{e}"));
        assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
        assert_eq!(std::fs::read(&real).ok(), Some(b"new".to_vec()));
        let mode = std::fs::metadata(&real).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o640));
        // A dangling link: the file it names is created, and the link stays.
        let dangling = dir.path().join("dangling.txt");
        std::os::unix::fs::symlink("made.txt", &dangling).unwrap_or_else(|e| panic!("{e}"));
        write(&dangling, b"made").unwrap_or_else(|e| panic!("{e}"));
        assert!(std::fs::symlink_metadata(&dangling).is_ok_and(|m| m.file_type().is_symlink()));
        assert_eq!(
            std::fs::read(dir.path().join("made.txt")).ok(),
            Some(b"made".to_vec())
        );
    }
}
