//! Linting a buffer as the language server does: with the configuration that applies to
//! the buffer's path (cached per configuration file), and with findings turned into LSP
//! diagnostics whose ranges count the client's units.

use super::incremental::{self, Incremental};
use super::text::{self, Encoding};
use crate::check::{check_pack, Finish};
use crate::config::{Config, Overrides};
use crate::diagnostic::{Diagnostic as Finding, Severity};
use crate::document::Document;
use crate::engine::Linter;
use crate::error::SourceError;
use crate::files;
use crate::line_index::LineIndex;
use crate::resolve::{self, Settings};
use crate::source::Source;
use crate::tender::{self, Tender};
use globset::GlobSet;
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Uri,
};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

/// What `tenderlint lsp` was started with: the same choices as `check`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// One configuration file for every document, instead of the one found.
    pub config: Option<PathBuf>,
    /// Built-in rules at their default severities, whatever configuration exists.
    pub no_config: bool,
    /// More rule files, for every document.
    pub rule_files: Vec<PathBuf>,
}

/// A linter and the exclusions of the configuration it was built from.
#[derive(Debug)]
pub struct Ready {
    pub linter: Linter,
    /// The `exclude` globs and the folder they are relative to.
    excludes: Option<(GlobSet, PathBuf)>,
    /// The tenders the configuration declares with `[[tender]]`.
    tenders: Vec<Arc<Tender>>,
    /// The configuration's `[[overrides]]`.
    overrides: Option<Overrides>,
}

impl Ready {
    pub fn new(linter: Linter) -> Self {
        Ready {
            linter,
            excludes: None,
            tenders: Vec::new(),
            overrides: None,
        }
    }
}

/// A configuration (or rule file) that could not be loaded.
#[derive(Debug)]
pub struct Problem {
    pub errors: Vec<SourceError>,
    /// The cache generation it was found in, to tell a current problem from a stale one.
    pub generation: u64,
}

impl Problem {
    /// One line per error: the file, the line and column when known, the message.
    pub fn summary(&self) -> String {
        let mut out = Vec::new();
        for e in &self.errors {
            let name = e.src.name();
            let at = e.span.as_ref().map(|s| {
                let src: &str = e.src.inner();
                let p = LineIndex::new(src).position(src, s.start);
                format!(":{}:{}", p.line, p.column)
            });
            let mut line = format!("{name}{}: {}", at.unwrap_or_default(), e.message);
            if let Some(h) = &e.help {
                line.push_str(&format!(" ({h})"));
            }
            out.push(line);
        }
        out.join("\n")
    }
}

#[derive(Debug, Clone)]
pub enum Loaded {
    Ready(Arc<Ready>),
    Failed(Arc<Problem>),
}

/// Linters by configuration file (None: no configuration), built on first use and
/// dropped together when a configuration changes.
///
/// Besides the client's notice of a change, each use compares the configuration file's
/// size and modification time with those it was loaded with, so that an edit is picked
/// up at the next lint even in an editor that does not watch files for its servers.
/// A configuration file that appears or disappears changes which file is found, so it
/// is picked up too.
#[derive(Debug, Default)]
pub struct Linters {
    options: Options,
    pub generation: u64,
    cache: HashMap<Option<PathBuf>, (Stamp, Loaded)>,
    /// Configuration files on which errors were published, to clear them on reload.
    pub reported: HashSet<Uri>,
    /// Configuration files whose errors are to be cleared: they were reloaded.
    pub to_clear: Vec<Uri>,
    /// Problems already shown to the user in a message, so each is shown once.
    pub shown: HashSet<String>,
}

impl Linters {
    pub fn new(options: Options) -> Self {
        Linters {
            options,
            ..Linters::default()
        }
    }

    /// Forgets every linter: the next lint loads the configuration again.
    pub fn reload(&mut self) {
        self.cache.clear();
        self.shown.clear();
        self.generation += 1;
        self.to_clear.extend(self.reported.drain());
    }

    /// The linter for a document in folder `dir`.
    pub fn for_folder(&mut self, dir: &Path) -> Loaded {
        let key = match (&self.options.config, self.options.no_config) {
            (Some(path), _) => Some(path.clone()),
            (None, true) => None,
            (None, false) => Config::discover(&files::absolute(dir)),
        };
        let stamp = Stamp::of(key.as_deref(), &self.options.rule_files);
        match self.cache.get(&key) {
            Some((was, found)) if *was == stamp => return found.clone(),
            // Edited on disk since it was loaded: every linter may depend on it.
            Some(_) => self.reload(),
            None => {}
        }
        let loaded = match build(key.as_deref(), &self.options.rule_files) {
            Ok(ready) => Loaded::Ready(Arc::new(ready)),
            Err(errors) => Loaded::Failed(Arc::new(Problem {
                errors,
                generation: self.generation,
            })),
        };
        self.cache.insert(key, (stamp, loaded.clone()));
        loaded
    }
}

/// Size and modification time of the configuration and rule files a linter was built
/// from (None for a file that cannot be read).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp(Vec<Option<(u64, std::time::SystemTime)>>);

impl Stamp {
    fn of(config: Option<&Path>, rule_files: &[PathBuf]) -> Stamp {
        let files = config
            .into_iter()
            .chain(rule_files.iter().map(PathBuf::as_path));
        Stamp(
            files
                .map(|p| {
                    let m = std::fs::metadata(p).ok()?;
                    Some((m.len(), m.modified().ok()?))
                })
                .collect(),
        )
    }
}

/// The same settings `check` builds for a file under this configuration.
fn build(config: Option<&Path>, rule_files: &[PathBuf]) -> Result<Ready, Vec<SourceError>> {
    let loaded = config
        .map(resolve::Loaded::load)
        .transpose()
        .map_err(|e| e.0)?;
    let s = Settings::build(loaded.as_ref(), rule_files, &[]).map_err(|e| e.0)?;
    Ok(Ready {
        linter: s.linter,
        excludes: s.excludes,
        tenders: s.tenders,
        overrides: s.overrides,
    })
}

/// One finding with its range in the client's units.
#[derive(Debug, Clone)]
pub struct Located {
    pub finding: Finding,
    pub range: Range,
    /// For a finding about a whole tender: the tender's other files, searched for it.
    pub related: Arc<Related>,
}

/// The tender a finding was judged over: its name and its files other than the buffer's.
#[derive(Debug, Default)]
pub struct Related {
    pub tender: String,
    pub files: Vec<PathBuf>,
}

/// The result of linting one buffer.
#[derive(Debug, Clone)]
pub enum Outcome {
    Findings {
        ready: Arc<Ready>,
        found: Arc<Vec<Located>>,
    },
    /// The configuration excludes this file: no findings.
    Excluded,
    Failed(Arc<Problem>),
}

impl Outcome {
    /// The findings, for hover and code actions (none when excluded or failed).
    pub fn located(&self) -> (&[Located], Option<&Arc<Ready>>) {
        match self {
            Outcome::Findings { ready, found } => (found, Some(ready)),
            _ => (&[], None),
        }
    }

    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            Outcome::Findings { found, .. } => to_lsp_all(found),
            Outcome::Excluded => Vec::new(),
            Outcome::Failed(p) => vec![Diagnostic {
                range: Range::default(),
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String("config".into())),
                source: Some("tenderlint".into()),
                message: format!(
                    "tenderlint cannot check this file: its configuration has errors.\n{}",
                    p.summary()
                ),
                ..Diagnostic::default()
            }],
        }
    }
}

/// Lints `text`, the buffer of the file at `path` (None for an unsaved buffer, which
/// takes the configuration of `root`), re-using and updating `cache` (see
/// [`lint_ready`]).
pub fn lint(
    linters: &std::sync::Mutex<Linters>,
    path: Option<&Path>,
    root: &Path,
    text: &str,
    enc: Encoding,
    cache: Option<&mut Option<Cache>>,
) -> Outcome {
    let dir = path.and_then(Path::parent).unwrap_or(root);
    // Loading may compile rules; the lock is held so each configuration loads once.
    let loaded = match linters.lock() {
        Ok(mut l) => l.for_folder(dir),
        Err(poisoned) => poisoned.into_inner().for_folder(dir),
    };
    let ready = match loaded {
        Loaded::Failed(p) => return Outcome::Failed(p),
        Loaded::Ready(r) => r,
    };
    if let (Some(path), Some((globs, root))) = (path, &ready.excludes) {
        if files::is_excluded(path, globs, root) {
            return Outcome::Excluded;
        }
    }
    let found = lint_ready(&ready, path, text, enc, cache);
    Outcome::Findings {
        ready,
        found: Arc::new(found),
    }
}

/// A buffer's pieces kept between lints ([`Incremental`]), with the linter they were
/// scanned by.
#[derive(Debug)]
pub struct Cache {
    ready: Arc<Ready>,
    pieces: Incremental,
}

/// Lints `text`, the buffer of the file at `path`, with `ready`: judged with its tender's
/// other files when it belongs to one, else alone, re-using the pieces kept in `cache`
/// from its last lint (and keeping its pieces there) when there is a cache.
///
/// A panic costs this buffer's findings, not the server (see `isolate`): the buffer
/// gets one finding that says so. A panic in the incremental lint costs only the cache:
/// the buffer is linted whole instead.
pub fn lint_ready(
    ready: &Arc<Ready>,
    path: Option<&Path>,
    text: &str,
    enc: Encoding,
    cache: Option<&mut Option<Cache>>,
) -> Vec<Located> {
    let found = crate::isolate::run(|| match path.and_then(|p| in_tender(ready, p, text)) {
        Some((findings, related)) => {
            let mut found = place(findings, text, &LineIndex::new(text), enc);
            let related = Arc::new(related);
            for l in found.iter_mut().filter(|l| l.finding.tender.is_some()) {
                l.related = related.clone();
            }
            found
        }
        None => {
            crate::check::injected_fault(text);
            let lines = LineIndex::new(text);
            let mut findings = match cache {
                Some(slot) => incremental(slot, ready, text, &lines),
                None => ready.linter.lint(&Document::parse(text)),
            };
            if let (Some(o), Some(p)) = (&ready.overrides, path) {
                resolve::overridden(o, p, &mut findings);
            }
            place(findings, text, &lines, enc)
        }
    });
    found.unwrap_or_else(|p| crashed(p, text, enc))
}

/// The findings of `text` from the pieces kept in `slot` (made anew when there are none
/// or they were scanned by another linter), which then holds the pieces of `text`. Should
/// that panic, the pieces are dropped and the text is linted whole.
fn incremental(
    slot: &mut Option<Cache>,
    ready: &Arc<Ready>,
    text: &str,
    lines: &LineIndex,
) -> Vec<Finding> {
    let mut cache = match slot.take() {
        Some(c) if Arc::ptr_eq(&c.ready, ready) => c,
        _ => Cache {
            ready: ready.clone(),
            pieces: Incremental::new(incremental::PIECE_BYTES),
        },
    };
    match crate::isolate::run(|| cache.pieces.lint(&ready.linter, text, lines).0) {
        Ok(findings) => {
            *slot = Some(cache);
            findings
        }
        Err(_) => ready.linter.lint(&Document::parse(text)),
    }
}

/// The findings of a buffer that belongs to a tender, judged with its sibling files as
/// they are on disk (the buffer standing in for its own file), and the tender's other
/// files. None when the file belongs to no tender, or its tender file has errors
/// (`check` reports those).
fn in_tender(ready: &Ready, path: &Path, text: &str) -> Option<(Vec<Finding>, Related)> {
    let mut finder = tender::Finder::new(ready.tenders.clone());
    let excludes = ready.excludes.as_ref().map(|(g, root)| (g, root.as_path()));
    let plan = tender::plan(vec![path.to_path_buf()], &mut finder, excludes, true);
    let pack = plan.packs.first()?;
    let source = Source::markdown(text.to_string());
    let buffer = Some((path, &source));
    let finish = Finish {
        overrides: ready.overrides.as_ref(),
        ..Finish::default()
    };
    let (reports, tender) = check_pack(&ready.linter, pack, buffer, finish);
    let own = files::absolute(path);
    let report = reports
        .into_iter()
        .find(|r| files::absolute(Path::new(&r.path)) == own)?;
    let related = Related {
        tender: tender.name,
        files: tender
            .files
            .iter()
            .map(|f| files::absolute(Path::new(f)))
            .filter(|f| *f != own)
            .collect(),
    };
    Some((report.result.ok()?, related))
}

/// Parses and lints `text`, and gives every finding its range in `enc` units.
pub fn locate(linter: &Linter, text: &str, enc: Encoding) -> Vec<Located> {
    crate::check::injected_fault(text);
    let doc = Document::parse(text);
    place(linter.lint(&doc), text, &doc.lines, enc)
}

/// The one finding of a buffer whose check panicked, on its first line.
fn crashed(p: crate::isolate::Panicked, text: &str, enc: Encoding) -> Vec<Located> {
    let lines = LineIndex::new(text);
    let end = text.find(['\n', '\r']).unwrap_or(text.len());
    let finding = Finding {
        rule: "internal-error".into(),
        severity: Severity::Error,
        message: "tenderlint could not check this file: it failed with an internal error.".into(),
        help: p.help().into(),
        span: lines.span(text, 0, end),
        fingerprint: String::new(),
        sentence_fingerprint: None,
        tender: None,
        location: None,
    };
    place(vec![finding], text, &lines, enc)
}

/// Gives every finding in `text` its range in `enc` units. Findings that start at the
/// same position come most severe first (the engine's order otherwise).
fn place(findings: Vec<Finding>, text: &str, lines: &LineIndex, enc: Encoding) -> Vec<Located> {
    let offsets: Vec<usize> = findings
        .iter()
        .flat_map(|d| [d.span.offset, d.span.offset + d.span.length])
        .collect();
    let positions = text::positions(text, lines, &offsets, enc);
    let mut found: Vec<Located> = findings
        .into_iter()
        .zip(positions.chunks_exact(2))
        .map(|(finding, p)| Located {
            finding,
            range: Range::new(p[0], p[1]),
            related: Arc::default(),
        })
        .collect();
    found.sort_by_key(|l| (l.range.start, rank(l.finding.severity)));
    found
}

/// Most severe first.
fn rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// Everything the language server does to re-lint a buffer and send the result, short
/// of writing it: parse, lint (re-using the pieces in `cache` when given, as the server
/// does), positions in `enc` units, LSP diagnostics, JSON.
pub fn relint_to_json(
    ready: &Arc<Ready>,
    uri: &Uri,
    text: &str,
    version: i32,
    enc: Encoding,
    cache: Option<&mut Option<Cache>>,
) -> String {
    let found = lint_ready(ready, None, text, enc, cache);
    let diagnostics = to_lsp_all(&found);
    let params = lsp_types::PublishDiagnosticsParams {
        uri: uri.clone(),
        diagnostics,
        version: Some(version),
    };
    serde_json::to_string(&params).unwrap_or_default()
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// A finding as the editor lists it: the first sentence of its message (the rest, the
/// help and the rationale are in the hover), a link to the rule's page, and for a finding
/// about a whole tender the tender's other files.
pub fn to_lsp(l: &Located) -> Diagnostic {
    with_link(l, link(&l.finding.rule))
}

/// Every finding as the editor lists it ([`to_lsp`]), each rule's link made once.
pub fn to_lsp_all(found: &[Located]) -> Vec<Diagnostic> {
    let mut links: HashMap<Arc<str>, Option<CodeDescription>> = HashMap::new();
    found
        .iter()
        .map(|l| {
            let rule = &l.finding.rule;
            let link = links.entry(rule.clone()).or_insert_with(|| link(rule));
            with_link(l, link.clone())
        })
        .collect()
}

/// The link to a rule's page.
fn link(rule: &str) -> Option<CodeDescription> {
    crate::docs::url_for(rule)
        .and_then(|u| Uri::from_str(&u).ok())
        .map(|href| CodeDescription { href })
}

fn with_link(l: &Located, code_description: Option<CodeDescription>) -> Diagnostic {
    let d = &l.finding;
    let related: Vec<DiagnosticRelatedInformation> = l
        .related
        .files
        .iter()
        .filter_map(|f| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(path_to_uri(f)?, Range::default()),
                message: format!(
                    "another file of the tender \"{}\", searched for this finding",
                    l.related.tender
                ),
            })
        })
        .collect();
    Diagnostic {
        range: l.range,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description,
        source: Some("tenderlint".into()),
        message: crate::diagnostic::first_sentence(&d.message).to_string(),
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}

/// Diagnostics on the configuration and rule files themselves, by file.
pub fn problem_diagnostics(p: &Problem) -> HashMap<Uri, Vec<Diagnostic>> {
    let mut out: HashMap<Uri, Vec<Diagnostic>> = HashMap::new();
    for e in &p.errors {
        let Some(uri) = path_to_uri(Path::new(e.src.name())) else {
            continue;
        };
        let range = match &e.span {
            Some(span) => {
                let src: &str = e.src.inner();
                let index = LineIndex::new(src);
                let p = text::positions(src, &index, &[span.start, span.end], Encoding::Utf16);
                // Configuration files are ASCII almost always; UTF-16 is the default unit.
                Range::new(p[0], p[1])
            }
            None => Range::new(Position::new(0, 0), Position::new(0, 0)),
        };
        let message = match &e.help {
            Some(h) => format!("{}\n{h}", e.message),
            None => e.message.clone(),
        };
        out.entry(uri).or_default().push(Diagnostic {
            range,
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(NumberOrString::String(e.code.to_string())),
            source: Some("tenderlint".into()),
            message,
            ..Diagnostic::default()
        });
    }
    out
}

/// The local path of a `file:` URI.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let scheme_end = s.find(':')?;
    if !s[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = s[scheme_end + 1..]
        .strip_prefix("//")
        .unwrap_or(&s[scheme_end + 1..]);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let bytes = percent_decode(path)?;
    if !authority.is_empty() && !authority.eq_ignore_ascii_case("localhost") {
        // A file on another host: a UNC path on Windows, nothing here.
        return cfg!(windows).then(|| {
            let p = String::from_utf8_lossy(&bytes).replace('/', "\\");
            PathBuf::from(format!("\\\\{authority}{p}"))
        });
    }
    bytes_to_path(bytes)
}

#[cfg(unix)]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    let s = String::from_utf8(bytes).ok()?;
    // "/C:/Users/x" -> "C:/Users/x"
    let b = s.as_bytes();
    let s = if b.len() >= 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':' {
        &s[1..]
    } else {
        &s[..]
    };
    Some(PathBuf::from(s.replace('/', "\\")))
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// A `file:` URI for an absolute path.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    if !path.is_absolute() {
        return None;
    }
    let s = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || b"/-._~:".contains(&c) {
            out.push(char::from(c));
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        Uri::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[cfg(unix)]
    #[test]
    fn file_uris_and_paths() {
        assert_eq!(
            uri_to_path(&uri("file:///tmp/a%20b/Caf%C3%A9.md")),
            Some(PathBuf::from("/tmp/a b/Café.md"))
        );
        assert_eq!(
            uri_to_path(&uri("file://localhost/x.md")),
            Some(PathBuf::from("/x.md"))
        );
        assert_eq!(uri_to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(uri_to_path(&uri("file://server/share/x.md")), None);
        let p = Path::new("/tmp/a b/Café #1.md");
        let u = path_to_uri(p).unwrap_or_else(|| panic!("no uri"));
        assert_eq!(u.as_str(), "file:///tmp/a%20b/Caf%C3%A9%20%231.md");
        assert_eq!(uri_to_path(&u).as_deref(), Some(p));
    }

    #[test]
    fn findings_get_lsp_ranges_codes_and_severities() {
        let linter = Linter::new(
            crate::rules::RuleSet::load(&crate::builtin::files())
                .unwrap_or_else(|e| panic!("{e:?}")),
        );
        let text = "# T\r\n\r\nCafé — “quoted” 😀 Service credits apply.\r\n";
        let found = locate(&linter, text, Encoding::Utf16);
        let d = found
            .iter()
            .map(to_lsp)
            .find(|d| d.code == Some(NumberOrString::String("service-credits".into())))
            .unwrap_or_else(|| panic!("{found:?}"));
        assert_eq!(
            d.range,
            Range::new(Position::new(2, 19), Position::new(2, 34))
        );
        assert_eq!(d.severity, Some(DiagnosticSeverity::ERROR));
        assert_eq!(d.source.as_deref(), Some("tenderlint"));
        let utf8 = locate(&linter, text, Encoding::Utf8);
        assert!(utf8.iter().any(|l| l.range.start == Position::new(2, 28)));
    }

    #[test]
    fn a_cache_that_panics_is_dropped_and_the_buffer_linted_whole() {
        let linter = Linter::new(
            crate::rules::RuleSet::load(&crate::builtin::files())
                .unwrap_or_else(|e| panic!("{e:?}")),
        );
        let ready = Arc::new(Ready::new(linter));
        let text = "# T\n\nService credits apply.\n\nThe provider shall report monthly.\n";
        let codes = |found: &[Located]| -> Vec<(String, Range)> {
            found
                .iter()
                .map(|l| (l.finding.rule.to_string(), l.range))
                .collect()
        };
        let whole = codes(&lint_ready(&ready, None, text, Encoding::Utf16, None));
        assert!(
            whole.iter().any(|(r, _)| r == "service-credits"),
            "{whole:?}"
        );
        let mut slot = None;
        let kept = lint_ready(&ready, None, text, Encoding::Utf16, Some(&mut slot));
        assert_eq!(codes(&kept), whole);
        let Some(cache) = slot.as_mut() else {
            panic!("no pieces kept")
        };
        cache.pieces.fail = true;
        let after_panic = lint_ready(&ready, None, text, Encoding::Utf16, Some(&mut slot));
        assert_eq!(codes(&after_panic), whole);
        assert!(slot.is_none(), "the pieces that panicked are kept");
        // The next lint keeps pieces again; another linter's pieces are not used.
        lint_ready(&ready, None, text, Encoding::Utf16, Some(&mut slot));
        assert!(slot.as_ref().is_some_and(|c| Arc::ptr_eq(&c.ready, &ready)));
        let other = Arc::new(Ready::new(ready.linter.clone()));
        let with_other = lint_ready(&other, None, text, Encoding::Utf16, Some(&mut slot));
        assert_eq!(codes(&with_other), whole);
        assert!(slot.as_ref().is_some_and(|c| Arc::ptr_eq(&c.ready, &other)));
    }
}
