//! The shared vocabulary rules are written in, and the cues that cancel a match.
//!
//! A rule file may declare, besides its rules:
//!
//! - `[[concept]]`: a named set of phrases and patterns ("sanction", "money object",
//!   "patient state"). Any pattern of any rule, and any other concept, names it as
//!   `{concept-id}`, so a list of words is written once and every rule that needs it
//!   reads the same list. A concept's `[[concept.term]]` entries are gazetteer entries:
//!   a named indicator or instrument, with the framework it comes from.
//! - `[negation]`: the words that negate a match before it ("no", "not"), the phrases
//!   that negate it after ("will not be payable"), and where their scope ends.
//! - `[[other_sense]]`: a trigger word in another sense ("service credit" in a pension
//!   scheme), recognised by a cue in the same clause or the heading above it.
//!
//! The engine applies negation and other senses to every match of every rule, so no
//! rule lists them again.

use crate::error::{LoadErrors, SourceError, TomlFile};
use crate::matcher::{LazyRegex, LazySet};
use serde::Deserialize;
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// Patterns of the cue lists compile on first use; this bounds each one.
const SIZE_LIMIT: usize = 1 << 22;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConcept {
    pub id: Spanned<String>,
    pub description: String,
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub term: Vec<RawTerm>,
}

/// A gazetteer entry: one named indicator or instrument.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTerm {
    pub name: String,
    pub framework: String,
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNegation {
    /// Cues that negate a match that follows them in the same clause.
    before: Vec<Spanned<String>>,
    /// Phrases that start with a cue but negate nothing ("no later than", "not only").
    #[serde(default)]
    not_cues: Vec<Spanned<String>>,
    /// Phrases that negate a match that precedes them in the same clause.
    after: Vec<Spanned<String>>,
    /// Where a clause, and so a cue's scope, ends.
    breaks: Vec<Spanned<String>>,
    /// How many words before a match a cue may stand.
    window: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSense {
    name: String,
    /// Matched against the text a rule matched.
    trigger: Spanned<String>,
    /// Matched against the clause and the headings above it.
    cue: Spanned<String>,
}

/// A concept as `tenderlint concepts` lists it.
#[derive(Debug, Clone)]
pub struct ConceptInfo {
    pub id: String,
    pub description: String,
    /// Gazetteer entries: (name, framework).
    pub terms: Vec<(String, String)>,
    pub origin: String,
}

/// Every concept loaded, each resolved to one regex alternation.
#[derive(Debug, Clone, Default)]
pub struct Concepts {
    /// Each concept's alternatives, resolved (no concept names left in them). A pattern
    /// that is one concept and nothing else becomes these parts, so a document compiles
    /// only those whose words it holds; a concept named inside a pattern is their
    /// alternation.
    parts: HashMap<String, Vec<String>>,
    pub info: Vec<ConceptInfo>,
}

struct Pending<'a> {
    file: &'a TomlFile,
    parts: Vec<(Spanned<String>, bool)>,
}

impl Concepts {
    /// Resolves concepts that name each other; an unknown name, a duplicate id or a
    /// cycle is an error at the offending line.
    pub(crate) fn build(raw: Vec<(&TomlFile, RawConcept)>, errors: &mut LoadErrors) -> Concepts {
        let mut pending: HashMap<String, Pending> = HashMap::new();
        let mut info = Vec::new();
        for (file, c) in raw {
            let id = c.id.get_ref().clone();
            let id_error = |message: String, label: &str| {
                SourceError::new(file, "tenderlint::rule_file", message).at(c.id.span(), label)
            };
            if !crate::rules::is_kebab_case(&id) {
                errors.push(id_error(
                    format!("the concept id `{id}` is not kebab-case"),
                    "use lower-case words joined by hyphens",
                ));
                continue;
            }
            if pending.contains_key(&id) {
                errors.push(id_error(
                    format!("the concept id `{id}` is used twice"),
                    "this id is already taken",
                ));
                continue;
            }
            let mut parts: Vec<(Spanned<String>, bool)> = Vec::new();
            let mut terms = Vec::new();
            let mut add = |patterns: Vec<Spanned<String>>, phrases: Vec<Spanned<String>>| {
                parts.extend(patterns.into_iter().map(|p| (p, true)));
                parts.extend(phrases.into_iter().map(|p| (p, false)));
            };
            add(c.patterns, c.phrases);
            for t in c.term {
                terms.push((t.name, t.framework));
                add(t.patterns, t.phrases);
            }
            if parts.is_empty() {
                errors.push(id_error(
                    format!("the concept `{id}` has no phrases or patterns"),
                    "an empty concept matches nothing",
                ));
                continue;
            }
            info.push(ConceptInfo {
                id: id.clone(),
                description: c.description,
                terms,
                origin: file.name.clone(),
            });
            pending.insert(id, Pending { file, parts });
        }
        let mut concepts = Concepts {
            parts: HashMap::new(),
            info,
        };
        let mut ids: Vec<String> = pending.keys().cloned().collect();
        ids.sort();
        for id in ids {
            let mut stack = Vec::new();
            if let Err(e) = concepts.resolve(&id, &pending, &mut stack) {
                errors.push(e);
            }
        }
        concepts
    }

    fn resolve(
        &mut self,
        id: &str,
        pending: &HashMap<String, Pending>,
        stack: &mut Vec<String>,
    ) -> Result<(), SourceError> {
        if self.parts.contains_key(id) {
            return Ok(());
        }
        let p = &pending[id];
        stack.push(id.to_string());
        let mut alternatives = Vec::new();
        for (part, is_pattern) in &p.parts {
            if !is_pattern {
                alternatives.push(crate::rules::phrase_source(p.file, part)?);
                continue;
            }
            let text = substitute(part.get_ref(), |name| {
                if stack.iter().any(|s| s == name) {
                    return Err(SourceError::new(
                        p.file,
                        "tenderlint::rule_file",
                        format!("the concept `{id}` names itself through `{name}`"),
                    )
                    .at(part.span(), "this pattern makes a cycle")
                    .help(format!("Concepts on the cycle: {}.", stack.join(" -> "))));
                }
                if !pending.contains_key(name) {
                    return Err(unknown(p.file, part, name, pending.keys()));
                }
                self.resolve(name, pending, stack)?;
                Ok(self.alternation(name).unwrap_or_default())
            })?;
            alternatives.push(format!("(?:{text})"));
        }
        stack.pop();
        self.parts.insert(id.to_string(), alternatives);
        Ok(())
    }

    /// The regex a concept stands for: the alternation of its parts.
    pub fn alternation(&self, id: &str) -> Option<String> {
        self.parts.get(id).map(|parts| parts.join("|"))
    }

    /// Expands a list of patterns: one that is a single `{concept-id}` becomes the
    /// concept's alternatives, each a pattern of its own; others as [`Concepts::expand`].
    pub(crate) fn expand_list(
        &self,
        file: &TomlFile,
        list: &mut Vec<Spanned<String>>,
    ) -> Result<(), SourceError> {
        let mut out = Vec::with_capacity(list.len());
        for mut p in list.drain(..) {
            let whole = references(p.get_ref())
                .first()
                .filter(|(r, _)| r.start == 0 && r.end == p.get_ref().len())
                .map(|(_, name)| name.to_string());
            match whole.as_deref().and_then(|n| self.parts.get(n)) {
                Some(parts) => {
                    out.extend(
                        parts
                            .iter()
                            .map(|part| Spanned::new(p.span(), part.clone())),
                    );
                }
                None => {
                    self.expand(file, &mut p)?;
                    out.push(p);
                }
            }
        }
        *list = out;
        Ok(())
    }

    /// Replaces each `{concept-id}` in a pattern with the concept's alternation.
    pub(crate) fn expand(
        &self,
        file: &TomlFile,
        p: &mut Spanned<String>,
    ) -> Result<(), SourceError> {
        let text = substitute(p.get_ref(), |name| {
            self.alternation(name)
                .ok_or_else(|| unknown(file, p, name, self.parts.keys()))
        })?;
        *p.get_mut() = text;
        Ok(())
    }
}

/// `pattern` with each `{concept-id}` replaced by `(?:...)` around what `lookup` gives
/// for the name.
fn substitute(
    pattern: &str,
    mut lookup: impl FnMut(&str) -> Result<String, SourceError>,
) -> Result<String, SourceError> {
    let mut text = String::new();
    let mut last = 0;
    for (range, name) in references(pattern) {
        text.push_str(&pattern[last..range.start]);
        last = range.end;
        text.push_str(&format!("(?:{})", lookup(name)?));
    }
    text.push_str(&pattern[last..]);
    Ok(text)
}

fn unknown<'a>(
    file: &TomlFile,
    p: &Spanned<String>,
    name: &str,
    known: impl Iterator<Item = &'a String>,
) -> SourceError {
    let hint = crate::config::closest(name, known.map(String::as_str))
        .map(|c| format!("Did you mean `{{{c}}}`? "))
        .unwrap_or_default();
    SourceError::new(
        file,
        "tenderlint::rule_file",
        format!("this pattern names the concept `{name}`, which is not defined"),
    )
    .at(p.span(), "names an unknown concept")
    .help(format!(
        "{hint}Concepts are declared as [[concept]] tables; `tenderlint concepts` lists them. To match a brace literally, write \\{{."
    ))
}

/// Each `{concept-id}` in a pattern: a brace not escaped, then a lower-case letter, then
/// letters, digits and hyphens up to a closing brace. A repetition such as `{0,60}` is
/// never one, since it starts with a digit.
pub(crate) fn references(pattern: &str) -> Vec<(Range<usize>, &str)> {
    let bytes = pattern.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'{' if bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase) => {
                let end = bytes[i + 1..]
                    .iter()
                    .position(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-'))
                    .map(|n| i + 1 + n);
                match end {
                    Some(e) if bytes[e] == b'}' => {
                        out.push((i..e + 1, &pattern[i + 1..e]));
                        i = e + 1;
                    }
                    _ => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Negation and other senses, compiled: what the engine asks of every match.
#[derive(Debug, Clone, Default)]
pub struct Senses {
    negation: Option<Negation>,
    other: Vec<OtherSense>,
    /// Each other sense's trigger, in the order of `other`: asked together, since every
    /// match of every rule is checked against all of them.
    triggers: LazySet,
}

#[derive(Debug, Clone)]
struct Negation {
    before: LazyRegex,
    not_cues: Option<LazyRegex>,
    after: LazyRegex,
    breaks: LazyRegex,
    window: usize,
}

impl Negation {
    /// Its regexes.
    fn regexes(&self) -> impl Iterator<Item = &LazyRegex> {
        [&self.before, &self.after, &self.breaks]
            .into_iter()
            .chain(&self.not_cues)
    }
}

#[derive(Debug, Clone)]
struct OtherSense {
    name: String,
    cue: LazyRegex,
}

impl Senses {
    /// Every regex of the negation cues and other senses, each compiled on first use:
    /// for a caller that wants them compiled ahead, while nothing waits (the browser
    /// page warms them up while the officer picks a file).
    pub fn regexes(&self) -> Vec<&LazyRegex> {
        let mut all = Vec::new();
        if let Some(n) = &self.negation {
            all.extend([&n.before, &n.after, &n.breaks]);
            all.extend(&n.not_cues);
        }
        all.extend(self.other.iter().map(|o| &o.cue));
        all
    }

    /// Compiles the other senses' triggers (see [`Senses::regexes`]).
    pub fn prepare_triggers(&self) {
        self.triggers.get();
    }

    /// Compiles the triggers, the cues and the negation's regexes now. Over many
    /// blocks their compiled regexes answer faster than their automata, which a text
    /// asks until then (see [`crate::supersets`]): left to them, the cues were a third
    /// of the language server's whole-buffer re-lint.
    pub fn prepare(&self) {
        self.prepare_triggers();
        for sense in &self.other {
            sense.cue.get();
        }
        for re in self.negation.iter().flat_map(Negation::regexes) {
            re.get();
        }
    }

    /// `negation`: the last `[negation]` table of the files, if any; `senses`: every
    /// `[[other_sense]]`. Their patterns may name concepts.
    pub(crate) fn build(
        concepts: &Concepts,
        negation: Option<(&TomlFile, RawNegation)>,
        senses: Vec<(&TomlFile, RawSense)>,
        errors: &mut LoadErrors,
    ) -> Senses {
        // The alternation of `list` as one pattern, its concepts expanded and, in a
        // user's file, each part checked.
        let mut source = |file: &TomlFile, list: Vec<Spanned<String>>| -> Option<String> {
            let mut parts = Vec::new();
            for mut p in list {
                if let Err(e) = concepts.expand(file, &mut p) {
                    errors.push(e);
                    return None;
                }
                // Built-in files are checked whole by the test suite (`builtin::tests`).
                let checked = match file.trusted {
                    true => Ok(()),
                    false => crate::rules::check_pattern(file, &p),
                };
                if let Err(e) = checked {
                    errors.push(e);
                    return None;
                }
                parts.push(format!("(?:{})", p.get_ref()));
            }
            (!parts.is_empty()).then(|| format!("(?i){}", parts.join("|")))
        };
        let lazy = |source: String| LazyRegex::new(source, SIZE_LIMIT);
        let negation = negation.and_then(|(file, n)| {
            Some(Negation {
                before: source(file, n.before).map(lazy)?,
                not_cues: source(file, n.not_cues).map(lazy),
                after: source(file, n.after).map(lazy)?,
                breaks: source(file, n.breaks).map(lazy)?,
                window: n.window,
            })
        });
        // The triggers are compiled together (`triggers`), the cues one by one.
        let (other, triggers): (Vec<OtherSense>, Vec<String>) = senses
            .into_iter()
            .filter_map(|(file, s)| {
                let trigger = source(file, vec![s.trigger])?;
                let sense = OtherSense {
                    name: s.name,
                    cue: source(file, vec![s.cue]).map(lazy)?,
                };
                Some((sense, trigger))
            })
            .unzip();
        Senses {
            negation,
            other,
            triggers: LazySet::new(triggers, SIZE_LIMIT),
        }
    }

    /// Whether the match at `at` in `clause` is negated: a cue among the `window` words
    /// before it, or a negating phrase after it, with no clause break between.
    pub fn negated(&self, clause: &str, at: Range<usize>) -> bool {
        let Some(n) = &self.negation else {
            return false;
        };
        // Each regex is compiled only once its automaton (see [`crate::supersets`])
        // finds something.
        let before = &clause[..at.start];
        let clause_start = if n.breaks.may_match(before) {
            let breaks = n.breaks.find_all(before);
            breaks.last().map_or(0, |m| m.end)
        } else {
            0
        };
        let after = &clause[at.end..];
        let clause_end = at.end
            + if n.breaks.may_match(after) {
                n.breaks.find(after).map_or(after.len(), |m| m.start)
            } else {
                after.len()
            };
        // A cue in `range` that is not part of a phrase that is no negation ("does not
        // meet", "no later than") within `scope`. The phrase is looked for from the
        // clause's start, so one that begins before the window of words still excuses
        // its "not"; it must end before the match, whose own words are judged apart.
        let cued = |scope: Range<usize>, range: Range<usize>| {
            if !n.before.may_match(&clause[range.clone()]) {
                return false;
            }
            let exceptions: Vec<Range<usize>> = match &n.not_cues {
                Some(re) => (re.find_all(&clause[scope.clone()]).into_iter())
                    .map(|m| scope.start + m.start..scope.start + m.end)
                    .collect(),
                None => Vec::new(),
            };
            n.before
                .find_all(&clause[range.clone()])
                .into_iter()
                .any(|m| {
                    let at = range.start + m.start;
                    !exceptions.iter().any(|e| e.contains(&at))
                })
        };
        // A cue among the last words before the match, or inside a match that spans
        // words ("payments will not be withheld").
        let window = last_words(before, clause_start, n.window)..at.start;
        if cued(clause_start..at.start, window) || cued(at.clone(), at.clone()) {
            return true;
        }
        n.after.is_match(&clause[at.end..clause_end])
    }

    /// The other sense `matched` is used in, judged by its context (the clause and the
    /// headings above it), if any. `context` is built only once a trigger may match.
    ///
    /// The triggers' automata (see [`crate::supersets`]) rule out most senses, and the
    /// cues of the others are asked before the triggers are compiled: most contexts
    /// hold no cue, and then the triggers never are. The answer is the same: the first
    /// sense whose trigger matches and whose cue is in the context.
    pub fn other_sense(&self, matched: &str, context: impl FnOnce() -> String) -> Option<&str> {
        let maybe = self.triggers.maybe_matching(matched);
        if maybe.is_empty() {
            return None;
        }
        let context = context();
        let cued: Vec<usize> = (maybe.into_iter())
            .filter(|&i| self.other[i].cue.is_match(&context))
            .collect();
        if cued.is_empty() {
            return None;
        }
        let triggered: Vec<usize> = self.triggers.matching(matched);
        (cued.into_iter())
            .find(|i| triggered.contains(i))
            .map(|i| self.other[i].name.as_str())
    }

    /// Every regex the senses ask, as its complete pattern: the negation's, and each
    /// other sense's cue and trigger.
    pub fn sources(&self) -> Vec<&str> {
        let negation = self.negation.iter().flat_map(Negation::regexes);
        let cues = self.other.iter().map(|s| &s.cue);
        let mut out: Vec<&str> = negation.chain(cues).map(LazyRegex::as_str).collect();
        out.extend(self.triggers.sources().iter().map(String::as_str));
        out
    }
}

/// The offset in `text` where its last `n` words begin, but not before `floor`.
fn last_words(text: &str, floor: usize, n: usize) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in text[floor..].char_indices().rev() {
        let word = c.is_alphanumeric() || c == '\'' || c == '’' || c == '-';
        if word && !in_word {
            in_word = true;
        } else if !word && in_word {
            in_word = false;
            words += 1;
            if words == n {
                return floor + i + c.len_utf8();
            }
        }
    }
    floor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_skip_repetitions_escapes_and_unclosed_braces() {
        let p = r"{sanction}\s(?:[^.;]){0,60}?{money-object}\{not-one} {x";
        let names: Vec<&str> = references(p).into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["sanction", "money-object"]);
    }

    #[test]
    fn last_words_counts_back_from_the_end() {
        let t = "the provider shall not be subject to ";
        assert_eq!(&t[last_words(t, 0, 3)..], "be subject to ");
        assert_eq!(last_words(t, 0, 50), 0);
        assert_eq!(&t[last_words(t, 13, 50)..], "shall not be subject to ");
    }
}
