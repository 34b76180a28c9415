//! word/numbering.xml, and the numbers Word shows: counters kept in document order,
//! formatted through each level's `w:lvlText` template ("%1.%2." -> "3.2.").
//!
//! Numbering instances (`w:num`) that share an abstract numbering share its counters, as
//! in Word, unless the instance overrides a level (`w:lvlOverride`): then it counts on
//! its own, from its `w:startOverride`, the way Word's "Restart numbering" works.

use super::package::{attr, int_attr, on_attr, Ev, Ns, Stop};
use super::styles::{small, Styles};
use std::collections::HashMap;

const LEVELS: usize = 9;
/// `w:numStyleLink` hops followed before giving up (a loop of links).
const MAX_LINKS: usize = 8;

#[derive(Debug, Default)]
pub(super) struct Numbering {
    abstracts: HashMap<i64, Abstract>,
    nums: HashMap<i64, Num>,
}

#[derive(Debug, Default)]
struct Abstract {
    levels: [Option<Level>; LEVELS],
    /// The numbering style whose numbering this one is (its levels are elsewhere).
    num_style_link: Option<String>,
}

#[derive(Debug, Default, Clone)]
struct Level {
    start: Option<i64>,
    format: Option<Format>,
    text: Option<String>,
    /// The paragraph style linked to this level (`w:pStyle`).
    style: Option<String>,
    /// Legal numbering: every level shown in decimal.
    legal: bool,
    /// `w:lvlRestart`: None restarts after any higher level; 0 never; n after level n.
    restart: Option<i64>,
}

#[derive(Debug, Default)]
struct Num {
    abstract_id: Option<i64>,
    overrides: [Option<Override>; LEVELS],
}

#[derive(Debug, Default, Clone)]
struct Override {
    start: Option<i64>,
    level: Option<Level>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Decimal,
    /// Decimal padded with zeros to this many digits ("01", or "001" for a custom format).
    Zero(u8),
    LowerLetter,
    UpperLetter,
    LowerRoman,
    UpperRoman,
    Ordinal,
    Bullet,
    None,
}

fn format(value: &str, custom: Option<&str>) -> Option<Format> {
    Some(match value {
        "decimal" => Format::Decimal,
        "decimalZero" => Format::Zero(2),
        "lowerLetter" => Format::LowerLetter,
        "upperLetter" => Format::UpperLetter,
        "lowerRoman" => Format::LowerRoman,
        "upperRoman" => Format::UpperRoman,
        "ordinal" => Format::Ordinal,
        "bullet" => Format::Bullet,
        "none" => Format::None,
        // Word 2010's "001, 002, 003, ..."; other custom formats are left to the
        // mc:Fallback that Word writes beside them.
        "custom" => {
            let first = custom?.split(',').next()?.trim();
            if first.is_empty() || first.len() > 9 || !first.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Format::Zero(first.len() as u8)
        }
        // Scripts and spelled-out numbers are shown as decimal.
        _ => Format::Decimal,
    })
}

/// What a numbered paragraph shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Label {
    /// A number, as Word shows it ("3.2", "(a)"); None when the template shows nothing.
    Number(Option<String>),
    Bullet,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum El {
    AbstractNum,
    Lvl,
    Num,
    LvlOverride,
    Other,
}

impl Numbering {
    /// A handler for word/numbering.xml's events, filling `self`.
    pub(super) fn reader(&mut self) -> impl FnMut(Ev<'_>) -> Result<(), Stop> + '_ {
        let mut stack: Vec<El> = Vec::new();
        let mut abstract_num: Option<(i64, Abstract)> = None;
        let mut num: Option<(i64, Num)> = None;
        let mut level: Option<(Option<u8>, Level)> = None;
        let mut level_override: Option<(Option<u8>, Override)> = None;
        move |ev| {
            match ev {
                Ev::Start(ns, local, el) => {
                    let parent = stack.last().copied();
                    let mut kind = El::Other;
                    if ns == Ns::W {
                        match (local, parent) {
                            ("abstractNum", _) if abstract_num.is_none() && num.is_none() => {
                                let id = int_attr(el, "abstractNumId")?.unwrap_or(-1);
                                abstract_num = Some((id, Abstract::default()));
                                kind = El::AbstractNum;
                            }
                            ("num", _) if abstract_num.is_none() && num.is_none() => {
                                let id = int_attr(el, "numId")?.unwrap_or(-1);
                                num = Some((id, Num::default()));
                                kind = El::Num;
                            }
                            ("lvl", Some(El::AbstractNum | El::LvlOverride)) if level.is_none() => {
                                let ilvl = small(int_attr(el, "ilvl")?);
                                level = Some((ilvl, Level::default()));
                                kind = El::Lvl;
                            }
                            ("numStyleLink", Some(El::AbstractNum)) => {
                                if let Some((_, a)) = abstract_num.as_mut() {
                                    a.num_style_link = attr(el, "val")?;
                                }
                            }
                            ("abstractNumId", Some(El::Num)) => {
                                if let Some((_, n)) = num.as_mut() {
                                    n.abstract_id = int_attr(el, "val")?;
                                }
                            }
                            ("lvlOverride", Some(El::Num)) => {
                                let ilvl = small(int_attr(el, "ilvl")?);
                                level_override = Some((ilvl, Override::default()));
                                kind = El::LvlOverride;
                            }
                            ("startOverride", Some(El::LvlOverride)) => {
                                if let Some((_, o)) = level_override.as_mut() {
                                    o.start = int_attr(el, "val")?;
                                }
                            }
                            // A level's properties (numFmt may sit in mc:AlternateContent).
                            (name, _) => {
                                if let Some((_, l)) = level.as_mut() {
                                    read_level_property(l, name, el)?;
                                }
                            }
                        }
                    }
                    stack.push(kind);
                }
                Ev::End => match stack.pop() {
                    Some(El::Lvl) => {
                        if let Some((Some(ilvl), l)) = level.take() {
                            let slot = match (level_override.as_mut(), abstract_num.as_mut()) {
                                (Some((_, o)), _) => Some(&mut o.level),
                                (None, Some((_, a))) => a.levels.get_mut(usize::from(ilvl)),
                                _ => None,
                            };
                            if let Some(slot) = slot {
                                slot.get_or_insert(l);
                            }
                        }
                    }
                    Some(El::LvlOverride) => {
                        if let (Some((Some(ilvl), o)), Some((_, n))) =
                            (level_override.take(), num.as_mut())
                        {
                            if let Some(slot) = n.overrides.get_mut(usize::from(ilvl)) {
                                *slot = Some(o);
                            }
                        }
                    }
                    Some(El::AbstractNum) => {
                        if let Some((id, a)) = abstract_num.take() {
                            self.abstracts.entry(id).or_insert(a);
                        }
                    }
                    Some(El::Num) => {
                        if let Some((id, n)) = num.take() {
                            self.nums.entry(id).or_insert(n);
                        }
                    }
                    _ => {}
                },
                Ev::Text(_) => {}
            }
            Ok(())
        }
    }

    /// Whether numbering instance `num_id` exists (numId 0 and unknown ids number nothing).
    pub(super) fn has(&self, num_id: i64) -> bool {
        num_id != 0 && self.nums.contains_key(&num_id)
    }

    /// The abstract numbering of instance `num_id`, following `w:numStyleLink`.
    fn abstract_of(&self, num_id: i64, styles: &Styles) -> Option<(i64, &Abstract)> {
        let mut id = self.nums.get(&num_id)?.abstract_id?;
        for _ in 0..MAX_LINKS {
            let a = self.abstracts.get(&id)?;
            let Some(link) = a.num_style_link.as_deref() else {
                return Some((id, a));
            };
            let linked = styles.numbering_style_num(link)?;
            id = self.nums.get(&linked)?.abstract_id?;
        }
        None
    }

    /// The level of instance `num_id` whose `w:pStyle` is `style`.
    pub(super) fn level_of_style(&self, num_id: i64, style: &str, styles: &Styles) -> Option<u8> {
        let (_, a) = self.abstract_of(num_id, styles)?;
        let index = a
            .levels
            .iter()
            .position(|l| l.as_ref().and_then(|l| l.style.as_deref()) == Some(style))?;
        u8::try_from(index).ok()
    }
}

fn read_level_property(
    l: &mut Level,
    name: &str,
    el: &quick_xml::events::BytesStart<'_>,
) -> Result<(), Stop> {
    match name {
        "start" => l.start = l.start.or(int_attr(el, "val")?),
        "numFmt" if l.format.is_none() => {
            if let Some(v) = attr(el, "val")? {
                l.format = format(&v, attr(el, "format")?.as_deref());
            }
        }
        "lvlText" if l.text.is_none() => l.text = Some(attr(el, "val")?.unwrap_or_default()),
        "pStyle" => l.style = attr(el, "val")?,
        "isLgl" => l.legal = on_attr(el)?,
        "lvlRestart" => l.restart = int_attr(el, "val")?,
        _ => {}
    }
    Ok(())
}

/// Which counters a numbering instance advances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Abstract(i64),
    Num(i64),
}

/// The current value of each level of each list, in document order.
#[derive(Debug, Default)]
pub(super) struct Counters {
    lists: HashMap<Key, [Option<i64>; LEVELS]>,
}

impl Counters {
    /// Counts a paragraph of instance `num_id` at level `ilvl`, and returns what it shows;
    /// None when the instance or level is not defined.
    pub(super) fn next(
        &mut self,
        numbering: &Numbering,
        styles: &Styles,
        num_id: i64,
        ilvl: u8,
    ) -> Option<Label> {
        let num = numbering.nums.get(&num_id)?;
        let (abstract_id, a) = numbering.abstract_of(num_id, styles)?;
        let ilvl = usize::from(ilvl).min(LEVELS - 1);
        let level_at = |l: usize| -> Option<&Level> {
            let o = num.overrides.get(l)?.as_ref();
            o.and_then(|o| o.level.as_ref())
                .or_else(|| a.levels.get(l)?.as_ref())
        };
        let start_at = |l: usize| -> i64 {
            num.overrides
                .get(l)
                .and_then(|o| o.as_ref()?.start)
                .or_else(|| level_at(l)?.start)
                .unwrap_or(0)
        };
        let level = level_at(ilvl)?;
        let key = if num.overrides.iter().any(Option::is_some) {
            Key::Num(num_id)
        } else {
            Key::Abstract(abstract_id)
        };
        let counters = self.lists.entry(key).or_insert([None; LEVELS]);
        let value = match counters.get(ilvl).copied().flatten() {
            Some(v) => v.saturating_add(1),
            None => start_at(ilvl),
        };
        if let Some(c) = counters.get_mut(ilvl) {
            *c = Some(value);
        }
        for deeper in ilvl + 1..LEVELS {
            let restart = level_at(deeper).and_then(|l| l.restart);
            let resets = match restart {
                None => true,
                Some(after) => after > 0 && (ilvl as i64) < after,
            };
            if resets {
                if let Some(c) = counters.get_mut(deeper) {
                    *c = None;
                }
            }
        }
        if level.format == Some(Format::Bullet) {
            return Some(Label::Bullet);
        }
        let template = level.text.as_deref().unwrap_or_default();
        let mut shown = String::new();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            let referenced = chars
                .peek()
                .and_then(|d| d.to_digit(10))
                .filter(|d| (1..=9).contains(d));
            match (c, referenced) {
                ('%', Some(d)) => {
                    chars.next();
                    let l = d as usize - 1;
                    let value = counters
                        .get(l)
                        .copied()
                        .flatten()
                        .unwrap_or_else(|| start_at(l));
                    let format = match level.legal {
                        true => Format::Decimal,
                        false => level_at(l)
                            .and_then(|l| l.format)
                            .unwrap_or(Format::Decimal),
                    };
                    show(&mut shown, value, format);
                }
                (c, _) => shown.push(c),
            }
        }
        let shown = shown.trim();
        Some(Label::Number(
            (!shown.is_empty()).then(|| shown.to_string()),
        ))
    }
}

/// Letters repeat past z ("aa", "bb"): beyond this many letters, numbers are shown in decimal.
const MAX_LETTERS: i64 = 26 * 8;

/// Appends `value` as `format` shows it. Values that format cannot show (0 in letters,
/// 4000 in Roman numerals) are shown in decimal, so no input makes a long string.
fn show(out: &mut String, value: i64, format: Format) {
    use std::fmt::Write;
    match format {
        Format::LowerLetter | Format::UpperLetter if (1..=MAX_LETTERS).contains(&value) => {
            let index = (value - 1) % 26;
            let times = (value - 1) / 26 + 1;
            let base = if format == Format::LowerLetter {
                b'a'
            } else {
                b'A'
            };
            let letter = char::from(base + index as u8);
            out.extend(std::iter::repeat_n(letter, times as usize));
        }
        Format::LowerRoman | Format::UpperRoman if (1..4000).contains(&value) => {
            let roman = roman(value);
            if format == Format::LowerRoman {
                out.push_str(&roman.to_lowercase());
            } else {
                out.push_str(&roman);
            }
        }
        Format::Zero(width) => {
            let _ = write!(out, "{value:0width$}", width = usize::from(width));
        }
        Format::Ordinal => {
            let suffix = match (value % 100, value % 10) {
                (11..=13, _) => "th",
                (_, 1) => "st",
                (_, 2) => "nd",
                (_, 3) => "rd",
                _ => "th",
            };
            let _ = write!(out, "{value}{suffix}");
        }
        Format::None | Format::Bullet => {}
        _ => {
            let _ = write!(out, "{value}");
        }
    }
}

fn roman(mut value: i64) -> String {
    const NUMERALS: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (n, s) in NUMERALS {
        while value >= n {
            out.push_str(s);
            value -= n;
        }
    }
    out
}

/// A clause number typed at the start of `text`: "3.2", "3.2.1", "12.", "4)", "(a)",
/// "(iv)", "b)"; a bare "3" only before a tab, or in a heading. What follows the number
/// must be white space and then more text, so "3.5" alone in a cell is not a clause.
pub(super) fn typed_clause(text: &str, heading: bool) -> Option<String> {
    let s = text.trim_start();
    let end = typed_end(s)?;
    let (number, rest) = s.split_at_checked(end)?;
    let after = rest.chars().next()?;
    if !after.is_whitespace() || rest.trim().is_empty() {
        return None;
    }
    if !heading && number.bytes().all(|b| b.is_ascii_digit()) && after != '\t' {
        return None;
    }
    Some(number.to_string())
}

/// The byte length of the number at the start of `s`, if it starts with one.
fn typed_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() == Some(&b'(') {
        let close = b.iter().take(8).position(|&c| c == b')')?;
        let inner = s.get(1..close)?;
        let ok = !inner.is_empty()
            && (inner.bytes().all(|c| c.is_ascii_digit())
                || (inner.len() == 1 && inner.bytes().all(|c| c.is_ascii_alphabetic()))
                || is_roman(inner));
        return ok.then_some(close + 1);
    }
    // Digits, optionally separated by dots, optionally ended by "." or ")".
    let mut i = 0;
    let mut groups = 0;
    loop {
        let digits = b
            .get(i..)?
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 || digits > 3 {
            break;
        }
        i += digits;
        groups += 1;
        match (b.get(i), b.get(i + 1)) {
            (Some(b'.'), Some(c)) if c.is_ascii_digit() && groups < LEVELS => i += 1,
            (Some(b'.' | b')'), _) => return Some(i + 1),
            _ => return Some(i),
        }
    }
    if groups > 0 {
        return None;
    }
    // A letter or Roman numeral closed by ")": "a)", "iv)".
    let close = b.iter().take(7).position(|&c| c == b')')?;
    let inner = s.get(..close)?;
    let ok =
        (inner.len() == 1 && inner.bytes().all(|c| c.is_ascii_alphabetic())) || is_roman(inner);
    ok.then_some(close + 1)
}

fn is_roman(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 6
        && (s.chars().all(|c| "ivxl".contains(c)) || s.chars().all(|c| "IVXL".contains(c)))
}
