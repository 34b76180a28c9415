//! Paths -> the Markdown files to check, and reading each one as UTF-8 text.
//!
//! Directories are walked with `walkdir` (following symbolic links, which it guards
//! against loops). We do not read `.gitignore`: tender repositories keep their
//! documents under version control, and an explicit `exclude` in the configuration
//! says more plainly what is skipped. Hidden entries, `target/` and `node_modules/`
//! are skipped, and so are a repository's own Markdown files (`README.md`,
//! `CHANGELOG.md` and the like: [`is_repository_file`]), which are not tenders; a file
//! named on the command line is always checked.

// Without the `cli` feature (the browser build), walking folders (discover) is the command line's alone.
#![cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]

use crate::input::{self, ReadError};
use crate::source::Source;
use globset::GlobSet;
use std::fmt;
use std::path::{Path, PathBuf};
#[cfg(feature = "cli")]
use walkdir::WalkDir;

/// What a folder is searched for: Markdown and Word documents.
pub const EXTENSIONS: [&str; 3] = ["md", "markdown", "docx"];
const SKIPPED_DIRS: [&str; 2] = ["target", "node_modules"];
/// A repository's own documents, by file stem (any case): not tenders, so a folder walk
/// skips them when they are Markdown.
const REPOSITORY_FILES: [&str; 10] = [
    "README",
    "CHANGELOG",
    "CONTRIBUTING",
    "LICENSE",
    "LICENCE",
    "CODE_OF_CONDUCT",
    "SECURITY",
    "AUTHORS",
    "NOTICE",
    "HISTORY",
];

/// A file that could not be checked, and why, in words for the person who owns it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileError {
    pub path: String,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The path as people read it: without a leading `./`.
///
/// A file name need not be UTF-8 on Linux. Each byte of it that is not (0x80 to 0xFF)
/// is kept as a private-use character of plane 16, U+10FF80 to U+10FFFF, rather than
/// lost to U+FFFD: the name is still one string through the run (baselines key files by
/// it), and each output shows the byte as it can: `\xff` in human and GitHub output
/// and the HTML report, `%FF` in a SARIF URI, U+FFFD in `path` and the exact bytes in
/// `path_bytes` in JSON ([`raw_byte`], [`lossy`], [`path_bytes`]).
pub fn display(path: &Path) -> String {
    let s = unicode(path);
    match s.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => s,
    }
}

/// Where the private-use characters standing for raw bytes of a file name start.
const RAW_BYTES: u32 = 0x10FF00;

#[cfg(unix)]
fn unicode(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for &b in chunk.invalid() {
            out.extend(char::from_u32(RAW_BYTES + u32::from(b)));
        }
    }
    out
}

#[cfg(not(unix))]
fn unicode(path: &Path) -> String {
    path.display().to_string()
}

/// The byte of a file name that `c` stands for, if it stands for one (see [`display`]).
pub fn raw_byte(c: char) -> Option<u8> {
    let b = (c as u32).checked_sub(RAW_BYTES)?;
    u8::try_from(b).ok().filter(|b| *b >= 0x80)
}

/// A displayed path as text, each byte that was not UTF-8 as U+FFFD.
pub fn lossy(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.chars().any(|c| raw_byte(c).is_some()) {
        return std::borrow::Cow::Borrowed(path);
    }
    let lossy = path.chars().map(|c| match raw_byte(c) {
        Some(_) => '\u{fffd}',
        None => c,
    });
    std::borrow::Cow::Owned(lossy.collect())
}

/// The exact bytes of a displayed path whose name is not UTF-8; `None` for a name that is.
pub fn path_bytes(path: &str) -> Option<Vec<u8>> {
    if !path.chars().any(|c| raw_byte(c).is_some()) {
        return None;
    }
    let mut out = Vec::with_capacity(path.len());
    for c in path.chars() {
        match raw_byte(c) {
            Some(b) => out.push(b),
            None => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    Some(out)
}

/// Files found under `paths`, sorted and without duplicates, and the paths that failed.
/// `excluded` says which entries met while walking a folder are skipped (a file named in
/// `paths` is always kept). The command line only: the browser build has no folders.
#[cfg(feature = "cli")]
pub fn discover(
    paths: &[PathBuf],
    excluded: &mut dyn FnMut(&Path) -> bool,
    follow: bool,
) -> (Vec<PathBuf>, Vec<FileError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        match std::fs::metadata(root) {
            Err(e) => errors.push(io_error(root, e)),
            Ok(meta) if meta.is_file() => files.push(root.clone()),
            Ok(meta) if meta.is_dir() => {
                let walker = WalkDir::new(root)
                    .follow_links(follow)
                    .sort_by_file_name()
                    .into_iter();
                let walker = walker.filter_entry(|e| {
                    if e.depth() == 0 {
                        return true;
                    }
                    let name = e.file_name().to_string_lossy();
                    let skip_dir = e.file_type().is_dir() && SKIPPED_DIRS.contains(&name.as_ref());
                    !(name.starts_with('.') || skip_dir || excluded(e.path()))
                });
                for entry in walker {
                    match entry {
                        Ok(e)
                            if e.file_type().is_file()
                                && is_document(e.path())
                                && !is_repository_file(e.path()) =>
                        {
                            files.push(e.into_path())
                        }
                        Ok(_) => {}
                        Err(e) => {
                            let path = e
                                .path()
                                .map(Path::to_path_buf)
                                .unwrap_or_else(|| root.clone());
                            if e.loop_ancestor().is_some() {
                                errors.push(FileError {
                                    path: display(&path),
                                    message: "this symbolic link points back to a folder that contains it, so it was not followed".into(),
                                    help: Some("Remove the link, or point it somewhere outside the folder.".into()),
                                });
                            } else if let Some(io) = e.into_io_error() {
                                // A dangling link to something that is not Markdown is not ours to report.
                                let dangling = io.kind() == std::io::ErrorKind::NotFound;
                                if !dangling || is_document(&path) {
                                    errors.push(io_error(&path, io));
                                }
                            }
                        }
                    }
                }
            }
            Ok(_) => errors.push(FileError {
                path: display(root),
                message: "is neither a file nor a folder".into(),
                help: None,
            }),
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

/// Whether `path` matches the exclude globs of one configuration, when there is one.
pub fn excluded_by<'a>(
    excludes: Option<(&'a GlobSet, &'a Path)>,
) -> impl FnMut(&Path) -> bool + 'a {
    move |p| excludes.is_some_and(|(globs, root)| is_excluded(p, globs, root))
}

/// Whether `path` matches an exclude glob, taken relative to `root` (the folder of the
/// configuration file) or as written.
pub fn is_excluded(path: &Path, globs: &GlobSet, root: &Path) -> bool {
    let abs = absolute(path);
    let rel = abs.strip_prefix(root).unwrap_or(path);
    globs.is_match(rel) || globs.is_match(path)
}

/// `path` made absolute, with `.` and `..` resolved by reading the path, not the disk.
pub fn absolute(path: &Path) -> PathBuf {
    use std::path::Component;
    // The empty path (the folder of a file named without one) is the current folder.
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether a folder's file is one to check: Markdown or Word, but not the lock file Word
/// keeps beside a document it has open (`~$spec.docx`).
pub fn is_document(path: &Path) -> bool {
    let lock = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("~$"));
    !lock
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Whether `path` is a repository's own Markdown file (`README.md`, `licence.markdown`,
/// ...), which a folder walk leaves out.
pub fn is_repository_file(path: &Path) -> bool {
    let markdown = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    markdown
        && REPOSITORY_FILES
            .iter()
            .any(|n| n.eq_ignore_ascii_case(stem))
}

fn io_error(path: &Path, e: std::io::Error) -> FileError {
    read_error(path, ReadError::of_io(path, e))
}

/// A document that could not be read, with what to do about it.
fn read_error(path: &Path, e: ReadError) -> FileError {
    let help = match &e {
        ReadError::PermissionDenied => {
            Some("Ask the owner of the file for read access, or exclude it in tenderlint.toml.")
        }
        ReadError::Folder => Some("Name the folder itself to check the Markdown files inside it."),
        ReadError::TooLarge(_) => Some("Check the path, or exclude the file in tenderlint.toml."),
        e => e.help(),
    };
    FileError {
        path: display(path),
        message: e.to_string(),
        help: help.map(str::to_string),
    }
}

/// Reads a document: a Word file (`.docx`, or an old `.doc`, which is named as one) into
/// its paragraphs, anything else as Markdown text.
pub fn read_source(path: &Path) -> Result<Source, FileError> {
    if !crate::source::is_word(path) {
        return read(path).map(Source::markdown);
    }
    let bytes = input::read(path, input::WORD).map_err(|e| read_error(path, e))?;
    Source::word(&bytes).map_err(|e| FileError {
        path: display(path),
        message: e.to_string(),
        help: e.help().map(str::to_string),
    })
}

/// Reads a regular file of at most [`input::DOCUMENT`] bytes as UTF-8 text (a byte order
/// mark is kept; the parser skips it).
pub fn read(path: &Path) -> Result<String, FileError> {
    // A NUL byte makes it binary (or UTF-16 or UTF-32): reading stops at the first one,
    // so a large binary file costs one piece of it, not all of it.
    let stop = |piece: &[u8]| piece.contains(&0);
    let bytes = input::read_until(path, input::DOCUMENT, stop).map_err(|e| read_error(path, e))?;
    decode(bytes).map_err(|(message, help)| FileError {
        path: display(path),
        message,
        help: Some(help),
    })
}

/// UTF-8 text, or what is wrong with it and what to do.
pub fn decode(bytes: Vec<u8>) -> Result<String, (String, String)> {
    if let Some(encoding) = wide_encoding(&bytes) {
        return Err((
            format!("is {encoding} text, not UTF-8"),
            "Save the file as UTF-8 (in Word or Notepad: Save As, Encoding: UTF-8).".into(),
        ));
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        let (line, _) = line_col(&bytes, at);
        return Err((
            format!("looks like a binary file, not a Markdown document (it holds a NUL byte on line {line})"),
            "Check only the Markdown text of the tender; export other formats to Markdown first.".into(),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let bad = bytes[at];
        let (line, column) = line_col(bytes, at);
        let likely = if (0x80..=0x9F).contains(&bad) {
            "It looks like Windows-1252 text from a word processor (smart quotes, dashes or the £ sign)."
        } else {
            "It looks like Latin-1 or Windows-1252 text."
        };
        (
            format!("is not valid UTF-8: byte 0x{bad:02X} on line {line}, column {column}"),
            format!("{likely} Save the file as UTF-8 (in Word or Notepad: Save As, Encoding: UTF-8)."),
        )
    })
}

/// "UTF-32" or "UTF-16" when the text is in one of them: by its byte order mark, or,
/// without one, by the NUL bytes that text mostly in ASCII has at fixed places in each
/// character (every other byte in UTF-16, three bytes in four in UTF-32).
fn wide_encoding(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Some("UTF-32");
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Some("UTF-16");
    }
    let head = &bytes[..bytes.len().min(4096)];
    if head.len() < 8 {
        return None;
    }
    // The share of NUL bytes at each place in a group of `width` bytes.
    let nuls = |width: usize, place: usize| {
        let at: Vec<&u8> = head.iter().skip(place).step_by(width).collect();
        at.iter().filter(|&&&b| b == 0).count() * 10 >= at.len() * 9
    };
    let utf32 = |low: usize| (0..4).all(|p| nuls(4, p) == (p != low));
    if utf32(0) || utf32(3) {
        return Some("UTF-32");
    }
    if nuls(2, 0) != nuls(2, 1) {
        return Some("UTF-16");
    }
    None
}

/// 1-based line and column (in characters of the valid text before it) of byte `at`.
fn line_col(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = 1 + String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count();
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_is_named_with_its_line() {
        let bytes = b"# Title\n\nThe \x93service\x94 credit.".to_vec();
        let Err((message, help)) = decode(bytes) else {
            panic!("accepted Windows-1252")
        };
        assert_eq!(message, "is not valid UTF-8: byte 0x93 on line 3, column 5");
        assert!(help.contains("Windows-1252"));
    }

    #[test]
    fn utf16_and_utf32_are_named_with_or_without_a_byte_order_mark() {
        let text = "# Tender\n\nService credits apply to the monthly charge.\n";
        let utf16le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf16be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let utf32le: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        let utf32be: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_be_bytes())
            .collect();
        let bom = |b: &[u8], v: &[u8]| [b, v].concat();
        let cases = [
            (utf16le.clone(), "UTF-16"),
            (utf16be.clone(), "UTF-16"),
            (bom(&[0xFF, 0xFE], &utf16le), "UTF-16"),
            (bom(&[0xFE, 0xFF], &utf16be), "UTF-16"),
            (utf32le.clone(), "UTF-32"),
            (utf32be.clone(), "UTF-32"),
            (bom(&[0xFF, 0xFE, 0, 0], &utf32le), "UTF-32"),
            (bom(&[0, 0, 0xFE, 0xFF], &utf32be), "UTF-32"),
        ];
        for (bytes, name) in cases {
            let err = decode(bytes).err().map(|(m, _)| m).unwrap_or_default();
            assert_eq!(err, format!("is {name} text, not UTF-8"));
        }
        let binary = decode(vec![
            0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        assert!(binary.is_err_and(|(m, _)| m.contains("binary")));
    }

    #[test]
    fn binary_and_utf16_are_refused() {
        assert!(decode(b"abc\0def".to_vec()).is_err_and(|(m, _)| m.contains("binary")));
        assert!(decode(vec![0xFF, 0xFE, b'a', 0]).is_err_and(|(m, _)| m.contains("UTF-16")));
        assert_eq!(
            decode("\u{feff}# Hi".as_bytes().to_vec()),
            Ok("\u{feff}# Hi".to_string())
        );
    }
}
