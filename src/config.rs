//! `tenderlint.toml`: the nearest one above each file (found by [`crate::resolve`]), or
//! given with `--config`. It sets rule severities and parameters, adds rule files,
//! excludes paths and overrides severities by glob.
//!
//! ```toml
//! extend = ["team-rules.toml"]          # more rule files, relative to this file
//! exclude = ["drafts/**", "archive/"]   # globs, relative to this file
//!
//! [rules]
//! volume-payment = "warning"            # error, warning, info or off
//! rigid-specification = { severity = "info", requirement-ratio = 0.5, words = 100000 }
//!
//! [[overrides]]                         # later entries win
//! files = ["schedules/*.md"]            # globs, relative to this file
//! rules = { service-credits = "off" }   # severities only
//! ```

use crate::diagnostic::Severity;
use crate::error::{LoadErrors, SourceError, TomlFile};
use crate::input::{self, ReadError};
use crate::rules::{Check, Measure, RuleSet};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const FILE_NAMES: [&str; 2] = ["tenderlint.toml", ".tenderlint.toml"];

/// The id of the engine's own finding for suppression comments that suppress nothing.
pub const UNUSED_SUPPRESSION: &str = "unused-suppression";

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    extend: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<RuleSetting>>,
    /// Tender packs declared by globs: see [`crate::tender`].
    #[serde(default)]
    tender: Vec<crate::tender::RawTender>,
    /// Severities for the files some globs match, later entries winning.
    #[serde(default)]
    overrides: Vec<RawOverride>,
}

/// One `[[overrides]]` entry: globs relative to the configuration's folder, and rule
/// severities for the files they match.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    files: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<RuleSetting>>,
}

/// The `[[overrides]]` of a configuration, ready to apply to a file's findings.
///
/// The linter of the configuration runs every rule that the configuration or some
/// override turns on; for each file, the severity the last matching entry gives a rule
/// (or else the one `[rules]` gives it) is applied to its findings, and a rule that ends
/// up `off` loses its findings in that file.
#[derive(Debug, Default)]
pub struct Overrides {
    /// The absolute folder the globs are relative to (set by whoever knows the disk).
    pub root: PathBuf,
    /// What `[rules]` says of each rule an override names.
    base: Vec<(String, Level)>,
    entries: Vec<(GlobSet, Vec<(String, Level)>)>,
    /// Rules named with `--select`: never turned off.
    selected: Vec<String>,
}

impl Overrides {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Rules some override turns on: the linter must run them, even where `[rules]`
    /// turns them off.
    pub fn turned_on(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .entries
            .iter()
            .flat_map(|(_, rules)| rules.iter())
            .filter(|(_, level)| matches!(level, Level::On(_)))
            .map(|(id, _)| id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Keeps `selected` (`--select`) on in every file.
    pub fn select(&mut self, selected: &[String]) {
        self.selected = selected.to_vec();
    }

    /// The severity of `rule` in the file at `relative` (a path relative to
    /// [`Overrides::root`]): None to leave it as the linter has it.
    fn level(&self, relative: &Path, rule: &str) -> Option<Level> {
        let mut level = self.base.iter().find(|(id, _)| id == rule).map(|(_, l)| *l);
        for (globs, rules) in &self.entries {
            if let Some((_, l)) = rules.iter().find(|(id, _)| id == rule) {
                if globs.is_match(relative) {
                    level = Some(*l);
                }
            }
        }
        match level {
            Some(Level::Off) if self.selected.iter().any(|s| s == rule) => None,
            l => l,
        }
    }

    /// Applies the overrides that match `relative` to the findings of that file.
    pub fn apply(&self, relative: &Path, findings: &mut Vec<crate::diagnostic::Diagnostic>) {
        if self.is_empty() {
            return;
        }
        findings.retain_mut(|d| match self.level(relative, &d.rule) {
            Some(Level::Off) => false,
            Some(Level::On(s)) => {
                d.severity = s;
                true
            }
            None => true,
        });
    }
}

/// What a config may say about one rule: a bare severity (or `off`), or a table.
#[derive(Debug, Default, Clone)]
struct RuleSetting {
    level: Option<Level>,
    min: Option<usize>,
    max: Option<f64>,
    /// A metric rule's limit, by the name of its measure (`words = 100000`).
    limits: Vec<(Measure, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Level {
    Off,
    On(Severity),
}

fn parse_level<E: de::Error>(s: &str) -> Result<Level, E> {
    match s {
        "off" => Ok(Level::Off),
        "error" => Ok(Level::On(Severity::Error)),
        "warning" => Ok(Level::On(Severity::Warning)),
        "info" => Ok(Level::On(Severity::Info)),
        other => Err(E::custom(format!(
            "unknown severity `{other}`, expected one of `error`, `warning`, `info`, `off`"
        ))),
    }
}

impl<'de> Deserialize<'de> for RuleSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RuleSetting;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a severity (\"error\", \"warning\", \"info\" or \"off\") or a table such as { severity = \"warning\", max = 300 }")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RuleSetting, E> {
                Ok(RuleSetting {
                    level: Some(parse_level(s)?),
                    ..RuleSetting::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RuleSetting, A::Error> {
                let mut out = RuleSetting::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "severity" => out.level = Some(parse_level(&map.next_value::<String>()?)?),
                        "min" => out.min = Some(map.next_value()?),
                        "max" => out.max = Some(map.next_value()?),
                        other => match Measure::parse(other) {
                            Some(m) => out.limits.push((m, map.next_value()?)),
                            None => {
                                return Err(de::Error::custom(format!(
                                    "unknown key `{other}`, expected `severity`, `min`, `max`, \
                                     or a measure (`words`, `requirement-sentences`, `requirement-ratio`)"
                                )))
                            }
                        },
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

/// A loaded configuration file, not yet applied to rules.
#[derive(Debug)]
pub struct Config {
    pub file: TomlFile,
    pub dir: PathBuf,
    raw: RawConfig,
}

impl Config {
    /// The first configuration file in `start` or a directory above it.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        start.ancestors().find_map(|dir| {
            // Anything by that name, so that one that cannot be read is an error,
            // not silently passed over for a configuration further up.
            FILE_NAMES
                .iter()
                .map(|n| dir.join(n))
                .find(|p| p.symlink_metadata().is_ok())
        })
    }

    pub fn load(path: &Path) -> Result<Config, LoadErrors> {
        let name = path.display().to_string();
        let text = input::read_text(path, input::TOML).map_err(|e| {
            input::toml_error(&name, "tenderlint::config", "this configuration file", &e)
        })?;
        let file = TomlFile::new(name, text);
        let raw: RawConfig = file.parse("tenderlint::config")?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Config { file, dir, raw })
    }

    /// The rule files named by `extend`, read and ready for [`RuleSet::load`].
    pub fn extend_files(&self) -> Result<Vec<TomlFile>, LoadErrors> {
        let mut errors = LoadErrors::default();
        let mut files = Vec::new();
        const EXTEND_HELP: &str = "Paths in `extend` are relative to the configuration file.";
        for e in &self.raw.extend {
            let path = self.dir.join(e.get_ref());
            match input::read_text(&path, input::TOML) {
                Ok(text) => files.push(TomlFile::new(path.display().to_string(), text)),
                Err(err) => errors.push(
                    SourceError::new(
                        &self.file,
                        "tenderlint::config",
                        format!("the rule file `{}` {err}", path.display()),
                    )
                    .at(e.span(), "this rule file")
                    .help(match err {
                        ReadError::NotFound => EXTEND_HELP,
                        err => err.help().unwrap_or(EXTEND_HELP),
                    }),
                ),
            }
        }
        errors.into_result(files)
    }

    /// Globs from `exclude`, matched against paths relative to the config's directory.
    pub fn excludes(&self) -> Result<GlobSet, LoadErrors> {
        globs(
            &self.file,
            &self.raw.exclude,
            "exclude",
            "tenderlint::config",
        )
    }

    /// The tenders declared with `[[tender]]`, their globs relative to this file's folder.
    pub fn tenders(&self) -> Result<Vec<crate::tender::Tender>, LoadErrors> {
        let mut errors = LoadErrors::default();
        let mut out: Vec<crate::tender::Tender> = Vec::new();
        for raw in &self.raw.tender {
            match crate::tender::Tender::declared(raw, &self.file, &self.dir) {
                Ok(t) if out.iter().any(|o| o.name == t.name) => {
                    let span = raw.name.as_ref().map_or(0..0, Spanned::span);
                    errors.push(
                        SourceError::new(
                            &self.file,
                            "tenderlint::config",
                            format!("two tenders are named `{}`", t.name),
                        )
                        .at(span, "this name is taken")
                        .help("Each [[tender]] needs its own name: the baseline knows a tender by it."),
                    );
                }
                Ok(t) => out.push(t),
                Err(e) => errors.0.extend(e.0),
            }
        }
        errors.into_result(out)
    }

    /// The `[[overrides]]`, checked against `known` (every rule id loaded). Their globs
    /// are relative to this file's folder; [`Overrides::root`] is left for the caller.
    pub fn overrides(&self, known: &[&str]) -> Result<Overrides, LoadErrors> {
        let mut errors = LoadErrors::default();
        let mut out = Overrides::default();
        let err = |message: String| SourceError::new(&self.file, "tenderlint::config", message);
        for o in &self.raw.overrides {
            if o.files.get_ref().is_empty() {
                errors.push(
                    err("this override lists no `files`".into())
                        .at(o.files.span(), "no globs")
                        .help("For example: files = [\"schedules/*.md\"], globs relative to this configuration file."),
                );
                continue;
            }
            let globs = match globs(&self.file, o.files.get_ref(), "files", "tenderlint::config") {
                Ok(g) => g,
                Err(e) => {
                    errors.0.extend(e.0);
                    continue;
                }
            };
            let mut rules = Vec::new();
            for (key, setting) in &o.rules {
                let id = key.get_ref().as_str();
                if id != UNUSED_SUPPRESSION && !known.contains(&id) {
                    errors.push(unknown_rule(
                        &self.file,
                        id,
                        key.span(),
                        known.iter().copied(),
                    ));
                    continue;
                }
                let s = setting.get_ref();
                match s.level {
                    Some(level) if s.min.is_none() && s.max.is_none() && s.limits.is_empty() => {
                        rules.push((id.to_string(), level))
                    }
                    _ => errors.push(
                        err(format!("an override takes only a severity for `{id}`"))
                            .at(setting.span(), "only \"error\", \"warning\", \"info\" or \"off\" here")
                            .help("Set parameters (min, max, measures) in [rules]; overrides change severities."),
                    ),
                }
            }
            out.entries.push((globs, rules));
        }
        for (key, setting) in &self.raw.rules {
            let id = key.get_ref();
            let named = out
                .entries
                .iter()
                .any(|(_, r)| r.iter().any(|(i, _)| i == id));
            if let (true, Some(level)) = (named, setting.get_ref().level) {
                out.base.push((id.clone(), level));
            }
        }
        errors.into_result(out)
    }

    /// Sets severities and parameters, turns rules off. Every key must name a loaded rule.
    /// Returns the severity of `unused-suppression` (None when it is off).
    pub fn apply(&self, rules: &mut RuleSet) -> Result<Option<Severity>, LoadErrors> {
        self.apply_selecting(rules, &[])
    }

    /// As [`Config::apply`], except that the rules in `selected` (named on the command
    /// line with `--select`) are not turned off: naming a rule runs it, at the severity
    /// its rule file gives it when the configuration says only "off".
    pub fn apply_selecting(
        &self,
        rules: &mut RuleSet,
        selected: &[String],
    ) -> Result<Option<Severity>, LoadErrors> {
        let kept = |id: &str| selected.iter().any(|s| s == id);
        let mut errors = LoadErrors::default();
        let mut unused = Some(Severity::Info);
        let mut off = Vec::new();
        for (key, setting) in &self.raw.rules {
            let id = key.get_ref().as_str();
            let s = setting.get_ref();
            let err = |message: String| SourceError::new(&self.file, "tenderlint::config", message);
            if id == UNUSED_SUPPRESSION {
                if s.min.is_some() || s.max.is_some() || !s.limits.is_empty() {
                    errors.push(
                        err(format!("`{id}` takes only a severity"))
                            .at(setting.span(), "no parameters here"),
                    );
                }
                match s.level {
                    Some(Level::Off) if !kept(id) => unused = None,
                    Some(Level::Off) => {}
                    Some(Level::On(sev)) => unused = Some(sev),
                    None => {}
                }
                continue;
            }
            let Some(rule) = rules.rules.iter_mut().find(|r| &*r.id == id) else {
                errors.push(unknown_rule(
                    &self.file,
                    id,
                    key.span(),
                    rules.rules.iter().map(|r| &*r.id),
                ));
                continue;
            };
            match s.level {
                Some(Level::Off) if !kept(id) => off.push(rule.id.clone()),
                Some(Level::Off) => {}
                Some(Level::On(sev)) => rule.severity = sev,
                None => {}
            }
            if let Some(v) = s.min {
                match &mut rule.check {
                    Check::Require { min, .. } if v >= 1 => *min = v,
                    Check::Require { .. } => errors
                        .push(err("`min` must be at least 1".into()).at(setting.span(), "here")),
                    _ => errors.push(
                        err(format!(
                            "`min` applies only to require rules, and `{id}` is a {} rule",
                            rule.kind.as_str()
                        ))
                        .at(setting.span(), "here"),
                    ),
                }
            }
            let mut set_limits: Vec<(Option<Measure>, f64)> =
                s.limits.iter().map(|&(m, v)| (Some(m), v)).collect();
            set_limits.extend(s.max.map(|v| (None, v)));
            for (measure, v) in set_limits {
                let name = measure.map_or("max", Measure::as_str);
                match &mut rule.check {
                    Check::Metric { .. } if !(v.is_finite() && v >= 0.0) => errors.push(
                        err(format!("`{name}` must be a number of 0 or more"))
                            .at(setting.span(), "here"),
                    ),
                    Check::Metric { limits, .. } => {
                        let found: Vec<_> = limits
                            .iter_mut()
                            .filter(|l| measure.is_none_or(|m| l.measure == m))
                            .collect();
                        match (measure, found.len()) {
                            (_, 1) => found.into_iter().for_each(|l| l.max = v),
                            (None, _) => errors.push(
                                err(format!("`{id}` has several limits, so `max` is ambiguous"))
                                    .at(setting.span(), "here")
                                    .help(format!(
                                        "Name the measure instead, for example {{ {} = {} }}.",
                                        limits[0].measure.as_str(),
                                        v
                                    )),
                            ),
                            (Some(_), _) => errors.push(
                                err(format!("`{id}` has no `{name}` limit"))
                                    .at(setting.span(), "here")
                                    .help(format!(
                                        "Its limits are: {}.",
                                        limits
                                            .iter()
                                            .map(|l| l.measure.as_str())
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    )),
                            ),
                        }
                    }
                    _ => errors.push(
                        err(format!(
                            "`{name}` applies only to metric rules, and `{id}` is a {} rule",
                            rule.kind.as_str()
                        ))
                        .at(setting.span(), "here"),
                    ),
                }
            }
        }
        errors.into_result(())?;
        rules.retain(|r| !off.contains(&r.id));
        Ok(unused)
    }
}

/// The candidate nearest to `id` by edit distance, if it is close enough to be a typo.
/// A set of globs from a TOML file, matched against paths relative to its folder.
/// `drafts` or `drafts/` also matches everything under the folder `drafts`.
pub fn globs(
    file: &TomlFile,
    patterns: &[Spanned<String>],
    key: &str,
    code: &'static str,
) -> Result<GlobSet, LoadErrors> {
    let mut errors = LoadErrors::default();
    let mut builder = GlobSetBuilder::new();
    for g in patterns {
        let pattern = g.get_ref().trim_end_matches('/');
        for p in [pattern.to_string(), format!("{pattern}/**")] {
            match Glob::new(&p) {
                Ok(glob) => {
                    builder.add(glob);
                }
                Err(err) => {
                    errors.push(
                        SourceError::new(
                            file,
                            code,
                            format!("this {key} pattern is not a valid glob: {}", err.kind()),
                        )
                        .at(g.span(), "invalid glob"),
                    );
                    break;
                }
            }
        }
    }
    let set = builder.build().unwrap_or_else(|_| GlobSet::empty());
    errors.into_result(set)
}

/// "there is no rule `id`", pointing at it, with the closest of `candidates` as a hint.
fn unknown_rule<'a>(
    file: &TomlFile,
    id: &str,
    at: std::ops::Range<usize>,
    candidates: impl Iterator<Item = &'a str>,
) -> SourceError {
    let hint = closest(id, candidates)
        .map(|c| format!("Did you mean `{c}`? "))
        .unwrap_or_default();
    SourceError::new(
        file,
        "tenderlint::config",
        format!("there is no rule `{id}`"),
    )
    .at(at, "unknown rule")
    .help(format!("{hint}Run `tenderlint rules` to list the rules."))
}

pub fn closest<'a>(id: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(id, c), c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Result<Config, LoadErrors> {
        let file = TomlFile::new("tenderlint.toml", text);
        let raw: RawConfig = file.parse("tenderlint::config")?;
        Ok(Config {
            file,
            dir: PathBuf::new(),
            raw,
        })
    }

    fn rules() -> RuleSet {
        RuleSet::load(&crate::builtin::files()).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn severities_and_off() {
        let mut set = rules();
        let c = config("[rules]\nservice-credits = \"info\"\nvolume-payment = \"off\"\nunused-suppression = \"warning\"\n")
            .unwrap_or_else(|e| panic!("{e:?}"));
        let unused = c.apply(&mut set).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(unused, Some(Severity::Warning));
        assert_eq!(
            set.get("service-credits").map(|r| r.severity),
            Some(Severity::Info)
        );
        assert!(set.get("volume-payment").is_none());
    }

    #[test]
    fn unknown_rule_points_at_the_key_and_suggests() {
        let text = "[rules]\nservice-credit = \"off\"\n";
        let c = config(text).unwrap_or_else(|e| panic!("{e:?}"));
        let Err(e) = c.apply(&mut rules()) else {
            panic!("accepted an unknown rule")
        };
        let e = &e.0[0];
        assert_eq!(&text[e.span.clone().unwrap_or_default()], "service-credit");
        assert!(e
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("Did you mean `service-credits`?"));
    }

    #[test]
    fn bad_values_point_into_the_file() {
        let text = "[rules]\nservice-credits = \"loud\"\n";
        let Err(e) = config(text) else {
            panic!("accepted a bad severity")
        };
        assert!(e.0[0].message.contains("unknown severity `loud`"));
        assert_eq!(&text[e.0[0].span.clone().unwrap_or_default()], "\"loud\"");
        let Err(e) = config("exclude = \"drafts\"\n") else {
            panic!("accepted a string for a list")
        };
        assert!(
            e.0[0].message.contains("invalid type"),
            "{}",
            e.0[0].message
        );
        let Err(e) = config("colour = true\n") else {
            panic!("accepted an unknown key")
        };
        assert!(e.0[0].message.contains("unknown field `colour`"));
    }

    #[test]
    fn parameters_only_where_they_mean_something() {
        let c =
            config("[rules]\nservice-credits = { max = 3 }\n").unwrap_or_else(|e| panic!("{e:?}"));
        let Err(e) = c.apply(&mut rules()) else {
            panic!("accepted max on a pattern rule")
        };
        assert!(e.0[0]
            .message
            .contains("`max` applies only to metric rules"));
        let mut set = rules();
        let c = config("[rules]\nmissing-patient-outcomes = { min = 2, severity = \"warning\" }\n")
            .unwrap_or_else(|e| panic!("{e:?}"));
        c.apply(&mut set).unwrap_or_else(|e| panic!("{e:?}"));
        let r = set
            .get("missing-patient-outcomes")
            .unwrap_or_else(|| panic!("rule gone"));
        assert!(matches!(r.check, Check::Require { min: 2, .. }));
        assert_eq!(r.severity, Severity::Warning);
    }

    #[test]
    fn excludes_match_directories_and_files() {
        let c =
            config("exclude = [\"drafts/\", \"*.old.md\"]\n").unwrap_or_else(|e| panic!("{e:?}"));
        let set = c.excludes().unwrap_or_else(|e| panic!("{e:?}"));
        assert!(set.is_match("drafts/a.md"));
        assert!(set.is_match("b.old.md"));
        assert!(!set.is_match("final/a.md"));
        let Err(e) = config("exclude = [\"a[\"]\n").and_then(|c| c.excludes()) else {
            panic!("bad glob accepted")
        };
        assert!(e.0[0].message.contains("not a valid glob"));
    }
}
