//! word/styles.xml: which paragraph styles are headings, and which carry numbering.
//!
//! Styles inherit through `w:basedOn`; chains are followed for at most [`MAX_CHAIN`]
//! styles, so a loop of styles based on each other ends.

use super::package::{attr, int_attr, Ev, Ns, Stop};
use std::collections::HashMap;

const MAX_CHAIN: usize = 32;

#[derive(Debug, Default)]
pub(super) struct Styles {
    paragraph: HashMap<String, Style>,
    /// Numbering styles (`w:type="numbering"`), which `w:numStyleLink` points to.
    numbering: HashMap<String, Style>,
    /// The style of paragraphs that name none (`w:default="1"`, usually "Normal").
    default_paragraph: Option<String>,
}

#[derive(Debug, Default)]
struct Style {
    name: Option<String>,
    based_on: Option<String>,
    /// `w:outlineLvl`: 0-8 are heading levels 1-9, 9 is body text.
    outline: Option<u8>,
    num_id: Option<i64>,
    ilvl: Option<u8>,
}

/// The numbering a paragraph style gives: `w:numId`, `w:ilvl` if it says, and the style
/// that said so (numbering levels can name it with `w:pStyle` instead of an `ilvl`).
pub(super) struct StyleNumbering<'a> {
    pub num_id: i64,
    pub ilvl: Option<u8>,
    pub style: &'a str,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum El {
    Style,
    PPr,
    NumPr,
    Other,
}

impl Styles {
    /// A handler for word/styles.xml's events, filling `self`.
    pub(super) fn reader(&mut self) -> impl FnMut(Ev<'_>) -> Result<(), Stop> + '_ {
        let mut stack: Vec<El> = Vec::new();
        // The style being read: its id, its type, and what it says so far.
        let mut current: Option<(String, Option<String>, Style)> = None;
        move |ev| {
            match ev {
                Ev::Start(ns, local, el) => {
                    let parent = stack.last().copied();
                    let grandparent = stack
                        .len()
                        .checked_sub(2)
                        .and_then(|i| stack.get(i))
                        .copied();
                    let mut kind = El::Other;
                    if ns == Ns::W {
                        match (local, parent, grandparent) {
                            ("style", None | Some(El::Other), _) if current.is_none() => {
                                let id = attr(el, "styleId")?.unwrap_or_default();
                                let ty = attr(el, "type")?;
                                let default = attr(el, "default")?;
                                if matches!(default.as_deref(), Some("1" | "true" | "on"))
                                    && matches!(ty.as_deref(), None | Some("paragraph"))
                                    && self.default_paragraph.is_none()
                                {
                                    self.default_paragraph = Some(id.clone());
                                }
                                current = Some((id, ty, Style::default()));
                                kind = El::Style;
                            }
                            ("name", Some(El::Style), _) => {
                                if let Some((_, _, s)) = current.as_mut() {
                                    s.name = attr(el, "val")?;
                                }
                            }
                            ("basedOn", Some(El::Style), _) => {
                                if let Some((_, _, s)) = current.as_mut() {
                                    s.based_on = attr(el, "val")?;
                                }
                            }
                            ("pPr", Some(El::Style), _) => kind = El::PPr,
                            ("outlineLvl", Some(El::PPr), Some(El::Style)) => {
                                if let Some((_, _, s)) = current.as_mut() {
                                    s.outline = small(int_attr(el, "val")?);
                                }
                            }
                            ("numPr", Some(El::PPr), Some(El::Style)) => kind = El::NumPr,
                            ("numId", Some(El::NumPr), Some(El::PPr)) => {
                                if let Some((_, _, s)) = current.as_mut() {
                                    s.num_id = int_attr(el, "val")?;
                                }
                            }
                            ("ilvl", Some(El::NumPr), Some(El::PPr)) => {
                                if let Some((_, _, s)) = current.as_mut() {
                                    s.ilvl = small(int_attr(el, "val")?);
                                }
                            }
                            _ => {}
                        }
                    }
                    stack.push(kind);
                }
                Ev::End => {
                    if stack.pop() == Some(El::Style) {
                        if let Some((id, ty, style)) = current.take() {
                            let map = match ty.as_deref() {
                                // A style without a type is a paragraph style.
                                None | Some("paragraph") => &mut self.paragraph,
                                Some("numbering") => &mut self.numbering,
                                _ => return Ok(()),
                            };
                            map.entry(id).or_insert(style);
                        }
                    }
                }
                Ev::Text(_) => {}
            }
            Ok(())
        }
    }

    /// The styles from paragraph style `id` (or the default style) up its `basedOn` chain.
    fn chain<'a>(&'a self, id: Option<&'a str>) -> impl Iterator<Item = (&'a str, &'a Style)> + 'a {
        let mut next = id.or(self.default_paragraph.as_deref());
        std::iter::from_fn(move || {
            let id = next?;
            let style = self.paragraph.get(id)?;
            next = style.based_on.as_deref();
            Some((id, style))
        })
        .take(MAX_CHAIN)
    }

    /// The heading level (1-9) paragraph style `id` gives, if it is a heading style: by its
    /// name ("heading 1", whatever the id is in a localized Word), its id ("Heading1",
    /// "Title"), or its outline level, nearest style first.
    pub(super) fn heading_level(&self, id: Option<&str>) -> Option<u8> {
        // A style the styles part does not define still says what it is by its id.
        if let Some(id) = id.filter(|id| !self.paragraph.contains_key(*id)) {
            return id_level(id);
        }
        for (id, style) in self.chain(id) {
            if let Some(level) = style.name.as_deref().and_then(name_level) {
                return Some(level);
            }
            if let Some(level) = id_level(id) {
                return Some(level);
            }
            if let Some(outline) = style.outline {
                return outline_level(outline);
            }
        }
        None
    }

    /// The numbering paragraph style `id` gives: `w:numId` and `w:ilvl` are inherited
    /// each on its own, from the nearest style that sets it.
    pub(super) fn numbering<'a>(&'a self, id: Option<&'a str>) -> Option<StyleNumbering<'a>> {
        let (style, num_id) = self
            .chain(id)
            .find_map(|(id, style)| Some((id, style.num_id?)))?;
        let ilvl = self.chain(id).find_map(|(_, style)| style.ilvl);
        Some(StyleNumbering {
            num_id,
            ilvl,
            style,
        })
    }

    /// The `w:numId` of numbering style `id` (through its `basedOn` chain).
    pub(super) fn numbering_style_num(&self, id: &str) -> Option<i64> {
        let mut next = Some(id);
        for _ in 0..MAX_CHAIN {
            let style = self.numbering.get(next?)?;
            if let Some(num) = style.num_id {
                return Some(num);
            }
            next = style.based_on.as_deref();
        }
        None
    }
}

/// The heading level `w:outlineLvl` gives: 0-8 are levels 1-9; 9 (body text) is none.
pub(super) fn outline_level(outline: u8) -> Option<u8> {
    (outline < 9).then_some(outline + 1)
}

/// A value that fits a level (0-255), else none.
pub(super) fn small(v: Option<i64>) -> Option<u8> {
    v.and_then(|v| u8::try_from(v).ok())
}

/// "heading 3" -> 3, "Title" -> 1 (built-in names are the same in every language).
fn name_level(name: &str) -> Option<u8> {
    let name = name.trim();
    if name.eq_ignore_ascii_case("title") {
        return Some(1);
    }
    let rest = name
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("heading "))?;
    digit_level(name.get(rest.len()..)?.trim())
}

/// "Heading3" -> 3, "Title" -> 1 (the ids of English Word).
fn id_level(id: &str) -> Option<u8> {
    if id.eq_ignore_ascii_case("title") {
        return Some(1);
    }
    let rest = id.get(..7).filter(|p| p.eq_ignore_ascii_case("heading"))?;
    digit_level(id.get(rest.len()..)?)
}

fn digit_level(s: &str) -> Option<u8> {
    match s.as_bytes() {
        [d @ b'1'..=b'9'] => Some(d - b'0'),
        _ => None,
    }
}
