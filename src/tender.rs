//! Tender packs: which files are judged together.
//!
//! A tender is published as several documents (an invitation, a specification, pricing,
//! KPI and governance schedules). Its document-level rules are judged over all of them:
//! the outcome measures in the KPI schedule answer for the specification too.
//!
//! - A folder that contains `tender.toml` is one tender: every Markdown file beneath it
//!   belongs to it, unless a nearer `tender.toml` claims it or the file's globs leave
//!   it out.
//! - A `[[tender]]` table in `tenderlint.toml` declares one by globs relative to the
//!   configuration's folder; it takes precedence over any `tender.toml`.
//! - Every other file stands alone.
//!
//! ```toml
//! # tender.toml (every key optional)
//! name = "Community MSK service"
//! main = "specification.md"        # where findings about the whole tender are anchored
//! include = ["*.md", "schedules/"]  # globs relative to this folder; default: every file
//! exclude = ["drafts/"]
//! ```

// Without the `cli` feature (the browser build), finding tenders on disk (plan) is the command line's alone.
#![cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]

use crate::config::globs;
use crate::error::{LoadErrors, SourceError, TomlFile};
use crate::files::{self, FileError};
use crate::input;
use globset::GlobSet;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

pub const FILE_NAME: &str = "tender.toml";
const CODE: &str = "tenderlint::tender";

/// A tender as written in `tender.toml` or in a `[[tender]]` of `tenderlint.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTender {
    pub name: Option<Spanned<String>>,
    main: Option<Spanned<String>>,
    /// `files` in `tenderlint.toml`; `include` in `tender.toml`.
    #[serde(default, alias = "files")]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
}

/// One tender: its identity, its folder and which files beneath it are its own.
#[derive(Debug)]
pub struct Tender {
    /// What the baseline and the JSON know it by: the folder of its `tender.toml`, or
    /// the name of a `[[tender]]`. Renaming files within the tender leaves it unchanged.
    pub id: Arc<str>,
    pub name: String,
    /// The folder its globs are relative to, spelled as the paths being checked are.
    pub root: PathBuf,
    absolute_root: PathBuf,
    /// The file findings about the whole tender are anchored in, relative to `root`.
    main: Option<Spanned<String>>,
    include: Option<GlobSet>,
    exclude: GlobSet,
    /// The file it was declared in, and the code of errors about it.
    origin: TomlFile,
    code: &'static str,
}

impl Tender {
    /// A tender from a `[[tender]]` table of the configuration in folder `dir`.
    pub fn declared(raw: &RawTender, file: &TomlFile, dir: &Path) -> Result<Tender, LoadErrors> {
        let Some(name) = &raw.name else {
            return Err(SourceError::new(
                file,
                "tenderlint::config",
                "a [[tender]] needs a `name`",
            )
            .help("For example: [[tender]] name = \"Community MSK\" files = [\"msk/*.md\"]")
            .into());
        };
        if raw.include.is_empty() {
            return Err(SourceError::new(
                file,
                "tenderlint::config",
                format!("the tender `{}` lists no `files`", name.get_ref()),
            )
            .at(name.span(), "this tender")
            .help("Add files = [\"folder/*.md\"], globs relative to this configuration file.")
            .into());
        }
        let name = name.get_ref().clone();
        Tender::new(raw, (file, "tenderlint::config"), dir, name.clone(), name)
    }

    /// `origin`: the file it is declared in, and the code of errors about it.
    fn new(
        raw: &RawTender,
        (file, code): (&TomlFile, &'static str),
        root: &Path,
        id: String,
        name: String,
    ) -> Result<Tender, LoadErrors> {
        let root = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        let include = if raw.include.is_empty() {
            None
        } else {
            Some(globs(file, &raw.include, "include", code)?)
        };
        Ok(Tender {
            id: id.into(),
            name,
            root: root.to_path_buf(),
            absolute_root: files::absolute(root),
            main: raw.main.clone(),
            include,
            exclude: globs(file, &raw.exclude, "exclude", code)?,
            origin: file.clone(),
            code,
        })
    }

    /// Reads the `tender.toml` in folder `dir`.
    fn load(dir: &Path) -> Result<Tender, LoadErrors> {
        let path = dir.join(FILE_NAME);
        let shown = files::display(&path);
        let text = input::read_text(&path, input::TOML)
            .map_err(|e| input::toml_error(&shown, CODE, "this tender file", &e))?;
        let file = TomlFile::new(shown, text);
        let raw: RawTender = file.parse(CODE)?;
        let folder = files::absolute(dir);
        let name = match &raw.name {
            Some(n) => n.get_ref().clone(),
            None => folder
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| files::display(dir)),
        };
        Tender::new(&raw, (&file, CODE), dir, files::display(dir), name)
    }

    /// Whether the file at absolute path `abs`, beneath the root, is one of this tender's.
    fn admits(&self, abs: &Path) -> bool {
        let Ok(rel) = abs.strip_prefix(&self.absolute_root) else {
            return false;
        };
        self.include.as_ref().is_none_or(|g| g.is_match(rel)) && !self.exclude.is_match(rel)
    }

    /// A file's name as a tender's findings list it: relative to the tender's folder.
    pub fn short_name(&self, path: &Path) -> String {
        let abs = files::absolute(path);
        match abs.strip_prefix(&self.absolute_root) {
            Ok(rel) => rel.to_string_lossy().into_owned(),
            Err(_) => files::display(path),
        }
    }

    /// Puts `members` in the tender's order: the main file, then by path. An unknown
    /// `main` is an error that points at it.
    fn order(&self, members: &mut [PathBuf]) -> Result<(), LoadErrors> {
        members.sort();
        let Some(main) = &self.main else {
            return Ok(());
        };
        let wanted = self.absolute_root.join(main.get_ref());
        match members.iter().position(|m| files::absolute(m) == wanted) {
            Some(i) => {
                members[..=i].rotate_right(1);
                Ok(())
            }
            None => Err(SourceError::new(
                &self.origin,
                self.code,
                format!(
                    "`main` names `{}`, which is not a Markdown file of this tender",
                    main.get_ref()
                ),
            )
            .at(main.span(), "no such file in the tender")
            .help("Name one of the tender's .md files, relative to the folder of this file.")
            .into()),
        }
    }
}

/// Which tender a file belongs to.
enum Membership {
    Alone,
    In(Arc<Tender>),
    /// Beneath a `tender.toml` that could not be loaded.
    Broken,
}

/// Finds the tender of each file: declared ones first, then the nearest `tender.toml`
/// above it, each folder looked at once.
pub struct Finder {
    declared: Vec<Arc<Tender>>,
    folders: HashMap<PathBuf, Option<Result<Arc<Tender>, ()>>>,
    /// `tender.toml` files that could not be loaded.
    pub errors: Vec<(PathBuf, LoadErrors)>,
}

impl Finder {
    pub fn new(declared: Vec<Arc<Tender>>) -> Self {
        Finder {
            declared,
            folders: HashMap::new(),
            errors: Vec::new(),
        }
    }

    fn membership(&mut self, path: &Path) -> Membership {
        let abs = files::absolute(path);
        if let Some(t) = self.declared.iter().find(|t| t.admits(&abs)) {
            return Membership::In(t.clone());
        }
        for dir in abs.ancestors().skip(1) {
            match self.folder(dir, path) {
                None => continue,
                Some(Ok(t)) if t.admits(&abs) => return Membership::In(t),
                Some(Ok(_)) => return Membership::Alone,
                Some(Err(())) => return Membership::Broken,
            }
        }
        Membership::Alone
    }

    /// The tender whose `tender.toml` is in the absolute folder `dir`, loaded once.
    /// `seen_from` (a path being checked) decides how the folder is spelled.
    fn folder(&mut self, dir: &Path, seen_from: &Path) -> Option<Result<Arc<Tender>, ()>> {
        if let Some(known) = self.folders.get(dir) {
            return known.clone();
        }
        // Anything by that name: one that cannot be read is an error, not ignored.
        let found = dir.join(FILE_NAME).symlink_metadata().is_ok().then(|| {
            let spelled = spelled_like(dir, seen_from);
            Tender::load(&spelled).map(Arc::new).map_err(|e| {
                self.errors.push((spelled.join(FILE_NAME), e));
            })
        });
        self.folders.insert(dir.to_path_buf(), found.clone());
        found
    }
}

/// The absolute folder `dir` spelled relative to the current folder when `like` is a
/// relative path inside it, so that output paths read as the user typed them.
fn spelled_like(dir: &Path, like: &Path) -> PathBuf {
    if like.is_absolute() {
        return dir.to_path_buf();
    }
    let cwd = files::absolute(Path::new("."));
    match dir.strip_prefix(&cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => dir.to_path_buf(),
    }
}

/// One tender to check: its files in order, and which of them were asked for.
#[derive(Debug)]
pub struct PackPlan {
    pub tender: Arc<Tender>,
    pub files: Vec<PathBuf>,
    /// Whether each file was asked for; the others are read only to judge the tender.
    pub wanted: Vec<bool>,
}

/// The files to check, sorted into tenders and files that stand alone.
#[derive(Debug, Default)]
pub struct Plan {
    pub alone: Vec<PathBuf>,
    pub packs: Vec<PackPlan>,
    /// Files beneath a tender that could not be read while listing its files.
    pub unreadable: Vec<FileError>,
    /// Tender files with errors; their files are checked one by one.
    pub errors: Vec<(PathBuf, LoadErrors)>,
}

/// Sorts `found` (the files asked for) into tenders and lists each tender's files. A
/// file asked for that is not on disk yet (an editor's unsaved buffer) joins its tender.
/// The command line and language server only (they walk folders).
#[cfg(feature = "cli")]
pub fn plan(
    found: Vec<PathBuf>,
    finder: &mut Finder,
    excludes: Option<(&GlobSet, &Path)>,
    follow: bool,
) -> Plan {
    let mut plan = Plan::default();
    let mut packs: Vec<(Arc<Tender>, Vec<PathBuf>)> = Vec::new();
    let mut broken = Vec::new();
    for path in found {
        match finder.membership(&path) {
            Membership::Alone => plan.alone.push(path),
            Membership::Broken => broken.push(path),
            Membership::In(t) => match packs.iter_mut().find(|(p, _)| Arc::ptr_eq(p, &t)) {
                Some((_, asked)) => asked.push(path),
                None => packs.push((t, vec![path])),
            },
        }
    }
    for (tender, asked) in packs {
        let (mut members, unreadable) = files::discover(
            std::slice::from_ref(&tender.root),
            &mut files::excluded_by(excludes),
            follow,
        );
        plan.unreadable.extend(unreadable);
        members.retain(
            |m| matches!(finder.membership(m), Membership::In(t) if Arc::ptr_eq(&t, &tender)),
        );
        let asked: HashSet<PathBuf> = asked.iter().map(|p| files::absolute(p)).collect();
        let listed: HashSet<PathBuf> = members.iter().map(|m| files::absolute(m)).collect();
        // A file asked for that the walk skipped (hidden, or not on disk yet).
        for a in asked.difference(&listed) {
            members.push(spelled_like(a, &tender.root));
        }
        if let Err(e) = tender.order(&mut members) {
            plan.errors.push((tender.root.join(FILE_NAME), e));
            plan.alone.extend(
                members
                    .into_iter()
                    .filter(|m| asked.contains(&files::absolute(m))),
            );
            continue;
        }
        let wanted = members
            .iter()
            .map(|m| asked.contains(&files::absolute(m)))
            .collect();
        plan.packs.push(PackPlan {
            tender,
            files: members,
            wanted,
        });
    }
    plan.alone.extend(broken);
    plan.alone.sort();
    plan.errors.append(&mut finder.errors);
    plan
}
