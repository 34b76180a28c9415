//! The paragraphs of a story part (word/document.xml, footnotes, endnotes), in order.
//!
//! Nesting (tables in cells, text boxes in runs) is tracked with explicit stacks, never
//! by recursion, so no input can make the reader recurse deeply.

use super::numbering::{typed_clause, Counters, Label, Numbering};
use super::package::{attr, int_attr, on_attr, Ev, Ns, Stop};
use super::styles::{outline_level, small, Styles};
use super::{DocxError, Kind, Paragraph, Part, RunSpan};

/// A table cell spans at most this many grid columns (Word allows 63).
const MAX_SPAN: i64 = 1000;

/// What every story part adds to, in document order.
pub(super) struct Story {
    pub paragraphs: Vec<Paragraph>,
    pub counters: Counters,
    /// Tables seen so far, in every part: the next table's index.
    pub tables: usize,
    /// The most paragraphs read (`Limits::max_paragraphs`).
    pub max_paragraphs: usize,
}

impl Story {
    pub(super) fn new(max_paragraphs: usize) -> Self {
        Story {
            paragraphs: Vec::new(),
            counters: Counters::default(),
            tables: 0,
            max_paragraphs,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum El {
    P,
    PPr,
    NumPr,
    R,
    T,
    Tbl,
    Tr,
    TrPr,
    Tc,
    TcPr,
    TxbxContent,
    AlternateContent,
    /// Left out with everything inside it.
    Skip,
    Other,
}

/// The innermost thing a paragraph sits in, which decides its kind.
#[derive(Clone, Copy)]
enum Container {
    Cell {
        table: usize,
        row: usize,
        column: usize,
        header: bool,
    },
    TextBox,
}

/// A paragraph being read.
struct Frame {
    /// Its place in the output, taken when it opened (so that a text box's paragraphs
    /// come after the paragraph they sit in).
    slot: usize,
    container: Option<Container>,
    text: String,
    runs: Vec<RunSpan>,
    /// The run being read: its index in the part, and where its text starts.
    run: Option<(usize, usize)>,
    style: Option<String>,
    num_id: Option<i64>,
    ilvl: Option<u8>,
    outline: Option<u8>,
}

struct Table {
    index: usize,
    row: Option<usize>,
    /// The grid column the next cell starts at.
    column: usize,
    /// The current cell's `w:gridSpan`.
    span: usize,
    header: bool,
}

pub(super) struct Walker<'a> {
    styles: &'a Styles,
    numbering: &'a Numbering,
    story: &'a mut Story,
    part: Part,
    stack: Vec<El>,
    /// While inside something left out (a deletion, a field code, an mc:Fallback): the
    /// stack depth of that element.
    skip_from: Option<usize>,
    frames: Vec<Frame>,
    tables: Vec<Table>,
    containers: Vec<Container>,
    /// For each open mc:AlternateContent: whether a choice was read already.
    choices: Vec<bool>,
    /// `w:r` elements seen in this part, read or left out.
    runs: usize,
    root_seen: bool,
}

impl<'a> Walker<'a> {
    pub(super) fn new(
        styles: &'a Styles,
        numbering: &'a Numbering,
        story: &'a mut Story,
        part: Part,
    ) -> Self {
        Walker {
            styles,
            numbering,
            story,
            part,
            stack: Vec::new(),
            skip_from: None,
            frames: Vec::new(),
            tables: Vec::new(),
            containers: Vec::new(),
            choices: Vec::new(),
            runs: 0,
            root_seen: false,
        }
    }

    pub(super) fn handle(&mut self, ev: Ev<'_>) -> Result<(), Stop> {
        match ev {
            Ev::Start(ns, local, el) => self.start(ns, local, el),
            Ev::End => {
                self.end();
                Ok(())
            }
            Ev::Text(text) => {
                let in_run = self
                    .stack
                    .len()
                    .checked_sub(2)
                    .and_then(|i| self.stack.get(i))
                    == Some(&El::R);
                if self.skip_from.is_none() && self.stack.last() == Some(&El::T) && in_run {
                    // A line break typed into the XML shows as a space, as in Word.
                    match text.contains('\n') {
                        true => self.push_text(&text.replace('\n', " ")),
                        false => self.push_text(text),
                    }
                }
                Ok(())
            }
        }
    }

    fn start(
        &mut self,
        ns: Ns,
        local: &str,
        el: &quick_xml::events::BytesStart<'_>,
    ) -> Result<(), Stop> {
        if !self.root_seen {
            self.root_seen = true;
            if self.part == Part::Document && !(ns == Ns::W && local == "document") {
                return Err(Stop::Fail(DocxError::NotWord));
            }
        }
        let parent = self.stack.last().copied();
        if self.skip_from.is_some() {
            // Runs left out are still counted: run indexes are positions in the part.
            if ns == Ns::W && local == "r" {
                self.runs += 1;
            }
            self.stack.push(El::Other);
            return Ok(());
        }
        let kind = match (ns, local) {
            (Ns::W, "p") => {
                if self.story.paragraphs.len() >= self.story.max_paragraphs {
                    return Err(Stop::Fail(DocxError::TooManyParagraphs {
                        limit: self.story.max_paragraphs,
                    }));
                }
                self.open_paragraph();
                El::P
            }
            (Ns::W, "r") => {
                let index = self.runs;
                self.runs += 1;
                if let Some(f) = self.frames.last_mut() {
                    f.run = Some((index, f.text.len()));
                }
                El::R
            }
            (Ns::W, "t") => El::T,
            (Ns::W, "tab" | "ptab") if parent == Some(El::R) => {
                self.push_text("\t");
                El::Other
            }
            (Ns::W, "br" | "cr") if parent == Some(El::R) => {
                self.push_text(" ");
                El::Other
            }
            (Ns::W, "noBreakHyphen") if parent == Some(El::R) => {
                self.push_text("-");
                El::Other
            }
            // Tracked deletions and moves away, field codes: not in the text.
            (Ns::W, "del" | "moveFrom" | "delText" | "instrText" | "delInstrText") => El::Skip,
            (Ns::W, "footnote" | "endnote") => {
                let ty = attr(el, "type")?;
                match ty.as_deref() {
                    Some("separator" | "continuationSeparator" | "continuationNotice") => El::Skip,
                    _ => El::Other,
                }
            }
            (Ns::W, "pPr") if parent == Some(El::P) => El::PPr,
            (Ns::W, "pStyle") if parent == Some(El::PPr) => {
                let style = attr(el, "val")?;
                if let Some(f) = self.frames.last_mut() {
                    f.style = style;
                }
                El::Other
            }
            (Ns::W, "outlineLvl") if parent == Some(El::PPr) => {
                let outline = small(int_attr(el, "val")?);
                if let Some(f) = self.frames.last_mut() {
                    f.outline = outline;
                }
                El::Other
            }
            (Ns::W, "numPr") if parent == Some(El::PPr) => El::NumPr,
            (Ns::W, "numId") if parent == Some(El::NumPr) => {
                let num_id = int_attr(el, "val")?;
                if let Some(f) = self.frames.last_mut() {
                    f.num_id = num_id;
                }
                El::Other
            }
            (Ns::W, "ilvl") if parent == Some(El::NumPr) => {
                let ilvl = small(int_attr(el, "val")?);
                if let Some(f) = self.frames.last_mut() {
                    f.ilvl = ilvl;
                }
                El::Other
            }
            (Ns::W, "tbl") => {
                self.tables.push(Table {
                    index: self.story.tables,
                    row: None,
                    column: 0,
                    span: 1,
                    header: false,
                });
                self.story.tables += 1;
                El::Tbl
            }
            (Ns::W, "tr") => match self.tables.last_mut() {
                Some(t) => {
                    let row = t.row.map_or(0, |r| r + 1);
                    t.row = Some(row);
                    t.column = 0;
                    t.header = row == 0;
                    El::Tr
                }
                None => El::Other,
            },
            (Ns::W, "trPr") if parent == Some(El::Tr) => El::TrPr,
            (Ns::W, "tblHeader") if parent == Some(El::TrPr) => {
                let on = on_attr(el)?;
                if let Some(t) = self.tables.last_mut() {
                    t.header |= on;
                }
                El::Other
            }
            (Ns::W, "gridBefore") if parent == Some(El::TrPr) => {
                let before = int_attr(el, "val")?.unwrap_or(0).clamp(0, MAX_SPAN);
                if let Some(t) = self.tables.last_mut() {
                    t.column = before as usize;
                }
                El::Other
            }
            (Ns::W, "tc") => match self.tables.last_mut() {
                Some(t) => {
                    t.span = 1;
                    self.containers.push(Container::Cell {
                        table: t.index,
                        row: t.row.unwrap_or(0),
                        column: t.column,
                        header: t.header,
                    });
                    El::Tc
                }
                None => El::Other,
            },
            (Ns::W, "tcPr") if parent == Some(El::Tc) => El::TcPr,
            (Ns::W, "gridSpan") if parent == Some(El::TcPr) => {
                let span = int_attr(el, "val")?.unwrap_or(1).clamp(1, MAX_SPAN);
                if let Some(t) = self.tables.last_mut() {
                    t.span = span as usize;
                }
                El::Other
            }
            (Ns::W, "txbxContent") => {
                self.containers.push(Container::TextBox);
                El::TxbxContent
            }
            (Ns::Mc, "AlternateContent") => {
                self.choices.push(false);
                El::AlternateContent
            }
            // The first choice is read; other choices and the fallback say the same thing
            // again for older readers (a text box as a DrawingML shape, then as VML).
            (Ns::Mc, "Choice") if parent == Some(El::AlternateContent) => {
                match self.choices.last_mut() {
                    Some(taken) if !*taken => {
                        *taken = true;
                        El::Other
                    }
                    _ => El::Skip,
                }
            }
            (Ns::Mc, "Fallback") if parent == Some(El::AlternateContent) => El::Skip,
            _ => El::Other,
        };
        if kind == El::Skip {
            self.skip_from = Some(self.stack.len());
        }
        self.stack.push(kind);
        Ok(())
    }

    fn end(&mut self) {
        let Some(kind) = self.stack.pop() else {
            return;
        };
        if let Some(from) = self.skip_from {
            if self.stack.len() == from {
                self.skip_from = None;
            }
            return;
        }
        match kind {
            El::P => self.close_paragraph(),
            El::R => {
                let part = self.part;
                if let Some(f) = self.frames.last_mut() {
                    if let Some((run, start)) = f.run.take() {
                        if f.text.len() > start {
                            f.runs.push(RunSpan {
                                range: start..f.text.len(),
                                run,
                                part,
                            });
                        }
                    }
                }
            }
            El::Tc => {
                self.containers.pop();
                if let Some(t) = self.tables.last_mut() {
                    t.column = t.column.saturating_add(t.span);
                }
            }
            El::Tbl => {
                self.tables.pop();
            }
            El::TxbxContent => {
                self.containers.pop();
            }
            El::AlternateContent => {
                self.choices.pop();
            }
            _ => {}
        }
    }

    /// Adds `text` to the run being read, if any.
    fn push_text(&mut self, text: &str) {
        if let Some(f) = self.frames.last_mut() {
            if f.run.is_some() {
                f.text.push_str(text);
            }
        }
    }

    fn open_paragraph(&mut self) {
        let slot = self.story.paragraphs.len();
        self.story.paragraphs.push(Paragraph {
            kind: Kind::Body,
            text: String::new(),
            clause: None,
            runs: Vec::new(),
            part: self.part,
        });
        self.frames.push(Frame {
            slot,
            container: self.containers.last().copied(),
            text: String::new(),
            runs: Vec::new(),
            run: None,
            style: None,
            num_id: None,
            ilvl: None,
            outline: None,
        });
    }

    fn close_paragraph(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let style = frame.style.as_deref();
        let heading = match frame.outline {
            Some(outline) => outline_level(outline),
            None => self.styles.heading_level(style),
        };
        let label = self.label(&frame);
        let kind = match frame.container {
            Some(Container::Cell {
                table,
                row,
                column,
                header,
            }) => Kind::TableCell {
                table,
                row,
                column,
                header,
            },
            Some(Container::TextBox) => Kind::TextBox,
            None => match (self.part, heading, &label) {
                (Part::Footnotes, ..) => Kind::Footnote,
                (Part::Endnotes, ..) => Kind::Endnote,
                (Part::Document, Some(level), _) => Kind::Heading { level },
                (Part::Document, None, Some(_)) => Kind::ListItem,
                (Part::Document, None, None) => Kind::Body,
            },
        };
        let clause = match label {
            Some(Label::Number(Some(number))) => Some(number),
            Some(Label::Bullet) => None,
            Some(Label::Number(None)) | None => typed_clause(&frame.text, heading.is_some()),
        };
        if let Some(p) = self.story.paragraphs.get_mut(frame.slot) {
            *p = Paragraph {
                kind,
                text: frame.text,
                clause,
                runs: frame.runs,
                part: self.part,
            };
        }
    }

    /// The automatic number of the paragraph, counting it: from its own `w:numPr`, else
    /// its style's; the level from `w:ilvl`, else the level linked to its style, else 0.
    fn label(&mut self, frame: &Frame) -> Option<Label> {
        let style = frame.style.as_deref();
        let from_style = self.styles.numbering(style);
        let num_id = frame.num_id.or(from_style.as_ref().map(|s| s.num_id))?;
        if !self.numbering.has(num_id) {
            return None;
        }
        let ilvl = frame.ilvl.or_else(|| {
            let s = from_style.as_ref().filter(|s| s.num_id == num_id)?;
            s.ilvl.or_else(|| {
                style
                    .and_then(|id| self.numbering.level_of_style(num_id, id, self.styles))
                    .or_else(|| self.numbering.level_of_style(num_id, s.style, self.styles))
            })
        });
        self.story
            .counters
            .next(self.numbering, self.styles, num_id, ilvl.unwrap_or(0))
    }
}
