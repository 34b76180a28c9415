//! Which configuration applies to each file, as ruff does it: the nearest
//! `tenderlint.toml` (or `.tenderlint.toml`) in the file's folder or a folder above it,
//! unless `--config` names one for every file or `--no-config` turns them off.
//!
//! `check`, `report`, `review`, `--stdin-filename` and the language server all find a
//! file's configuration with [`Config::discover`] from the file's folder, so that one
//! path is judged under one configuration whichever way it is checked. Lookups are
//! cached per folder and configurations loaded once each; the CLI builds one linter per
//! distinct configuration ([`Settings`]). This is the disk side of configuration: the
//! library's [`crate::config`] only parses and applies what it is given.

use crate::config::{Config, Overrides};
use crate::engine::Linter;
use crate::error::{LoadErrors, TomlFile};
use crate::files;
use crate::input;
use crate::rules::RuleSet;
use crate::tender::Tender;
use globset::GlobSet;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where configuration comes from.
#[derive(Debug, Clone)]
pub enum Choice {
    /// `--config FILE`: this one for every file.
    File(PathBuf),
    /// `--no-config`.
    None,
    /// The nearest configuration above each file.
    Nearest,
}

/// A configuration file loaded, with its `exclude` globs (what walking a folder needs
/// before any rule is compiled).
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    /// The `exclude` globs and the absolute folder they are relative to.
    pub excludes: (GlobSet, PathBuf),
}

impl Loaded {
    pub fn load(path: &Path) -> Result<Loaded, LoadErrors> {
        let config = Config::load(path)?;
        let excludes = (config.excludes()?, files::absolute(&config.dir));
        Ok(Loaded { config, excludes })
    }
}

/// Finds and loads the configuration of each folder, once per folder and once per file.
#[derive(Debug)]
pub struct Resolver {
    choice: Choice,
    cwd: PathBuf,
    /// Folder as spelled in the run -> the key of its configuration.
    folders: HashMap<PathBuf, Option<PathBuf>>,
    /// Configuration file (absolute when found by discovery) -> loaded, or None when it
    /// has errors (kept in `errors`).
    loaded: HashMap<PathBuf, Option<Arc<Loaded>>>,
    /// Errors of every configuration file that failed to load, each reported once.
    pub errors: LoadErrors,
}

impl Resolver {
    pub fn new(choice: Choice) -> Self {
        Resolver {
            choice,
            cwd: std::env::current_dir().unwrap_or_default(),
            folders: HashMap::new(),
            loaded: HashMap::new(),
            errors: LoadErrors::default(),
        }
    }

    /// The key of the configuration for documents in folder `dir` (None: none applies).
    pub fn key_for_folder(&mut self, dir: &Path) -> Option<PathBuf> {
        match &self.choice {
            Choice::File(p) => return Some(p.clone()),
            Choice::None => return None,
            Choice::Nearest => {}
        }
        if let Some(k) = self.folders.get(dir) {
            return k.clone();
        }
        let start = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let key = Config::discover(&files::absolute(start));
        self.folders.insert(dir.to_path_buf(), key.clone());
        key
    }

    /// The key of the configuration for the file at `path`.
    pub fn key_for_file(&mut self, path: &Path) -> Option<PathBuf> {
        self.key_for_folder(path.parent().unwrap_or(Path::new("")))
    }

    /// The configuration `key` names, loaded once; None when there is none or it has
    /// errors (then in [`Resolver::errors`]).
    pub fn load(&mut self, key: Option<&Path>) -> Option<Arc<Loaded>> {
        let key = key?;
        if let Some(l) = self.loaded.get(key) {
            return l.clone();
        }
        // Shown relative to the current folder when it is inside it.
        let shown = key.strip_prefix(&self.cwd).unwrap_or(key);
        let loaded = match Loaded::load(shown) {
            Ok(l) => Some(Arc::new(l)),
            Err(e) => {
                self.errors.0.extend(e.0);
                None
            }
        };
        self.loaded.insert(key.to_path_buf(), loaded.clone());
        loaded
    }

    /// Whether the configuration of the folder `path` lies in excludes it.
    pub fn excluded(&mut self, path: &Path) -> bool {
        let key = self.key_for_file(path);
        match self.load(key.as_deref()) {
            Some(l) => files::is_excluded(path, &l.excludes.0, &l.excludes.1),
            None => false,
        }
    }
}

/// Everything one configuration gives a run: the linter built from it, its exclusions,
/// its tenders and its overrides.
#[derive(Debug)]
pub struct Settings {
    pub linter: Linter,
    /// The `exclude` globs and the absolute folder they are relative to.
    pub excludes: Option<(GlobSet, PathBuf)>,
    /// The tenders the configuration declares with `[[tender]]`.
    pub tenders: Vec<Arc<Tender>>,
    /// `[[overrides]]`, when there are any.
    pub overrides: Option<Overrides>,
}

impl Settings {
    /// Built-in rules, then the configuration's `extend` files, then `rule_files`, with
    /// the configuration applied (turning none of `selected` off) and its overrides read.
    pub fn build(
        loaded: Option<&Loaded>,
        rule_files: &[PathBuf],
        selected: &[String],
    ) -> Result<Settings, LoadErrors> {
        let config = loaded.map(|l| &l.config);
        let mut files = crate::builtin::files();
        if let Some(c) = config {
            files.extend(c.extend_files()?);
        }
        for path in rule_files {
            let name = path.display().to_string();
            let text = input::read_text(path, input::TOML).map_err(|e| {
                input::toml_error(&name, "tenderlint::rule_file", "this rule file", &e)
            })?;
            files.push(TomlFile::new(name, text));
        }
        // The linter records every rule id before the configuration turns any off.
        let mut linter = Linter::new(RuleSet::load(&files)?);
        let mut overrides = None;
        let mut tenders = Vec::new();
        if let Some(c) = config {
            let known: Vec<&str> = linter.catalogue.iter().map(|r| &*r.id).collect();
            let mut o = c.overrides(&known)?;
            // A rule an override turns on runs wherever it is configured, and is
            // turned off file by file.
            let mut kept = o.turned_on();
            kept.extend(selected.iter().cloned());
            linter.unused_suppression = c.apply_selecting(&mut linter.rules, &kept)?;
            if !o.is_empty() {
                o.root = files::absolute(&c.dir);
                o.select(selected);
                overrides = Some(o);
            }
            tenders = c.tenders()?.into_iter().map(Arc::new).collect();
        }
        Ok(Settings {
            linter,
            excludes: loaded.map(|l| (l.excludes.0.clone(), l.excludes.1.clone())),
            tenders,
            overrides,
        })
    }

    /// Applies the overrides to the findings of the file at `path`.
    pub fn apply_overrides(&self, path: &Path, findings: &mut Vec<crate::diagnostic::Diagnostic>) {
        if let Some(o) = &self.overrides {
            overridden(o, path, findings);
        }
    }
}

/// Applies `o` to the findings of the file at `path` (as spelled in the run).
pub fn overridden(o: &Overrides, path: &Path, findings: &mut Vec<crate::diagnostic::Diagnostic>) {
    let abs = files::absolute(path);
    let relative = abs.strip_prefix(&o.root).unwrap_or(path);
    o.apply(relative, findings);
}
