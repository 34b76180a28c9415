//! The second pass over a story part: every event written again as it came, with the
//! comment marks at the points the first pass found, and runs cut where an edge falls
//! inside one.
//!
//! A cut closes the run, writes the marks, and opens a run with the same start tag
//! and the same `w:rPr`; a cut inside a `w:t` ends that `w:t` and starts another
//! (`xml:space="preserve"` added where a piece starts or ends with white space).
//! Nothing else is changed: events outside a cut run are copied as quick-xml read them.

use super::scan::Point;
use super::xml::{drive, escape_text, has_attr, reference, xml_error, Ns};
use super::ReviewError;
use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::Writer;
use std::collections::{BTreeMap, VecDeque};
use std::io::BufRead;

/// One mark of comment `id`: where its range starts, or where it ends (the end
/// followed by the run holding the comment's reference). `ord` orders the comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Marker {
    pub ord: usize,
    pub id: i64,
    pub end: bool,
}

/// The marks of one part, by element (numbered as [`Point`] numbers them).
#[derive(Debug, Default)]
pub(super) struct Marks {
    before: BTreeMap<usize, Vec<Marker>>,
    after: BTreeMap<usize, Vec<Marker>>,
    open: BTreeMap<usize, Vec<Marker>>,
    close: BTreeMap<usize, Vec<Marker>>,
    /// Run element -> offset in its text -> marks.
    cuts: BTreeMap<usize, BTreeMap<usize, Vec<Marker>>>,
}

impl Marks {
    pub(super) fn add(&mut self, point: Point, marker: Marker) {
        let list = match point {
            Point::Before(e) => self.before.entry(e).or_default(),
            Point::After(e) => self.after.entry(e).or_default(),
            Point::Open(e) => self.open.entry(e).or_default(),
            Point::Close(e) => self.close.entry(e).or_default(),
            Point::Split(e, offset) => self.cuts.entry(e).or_default().entry(offset).or_default(),
        };
        list.push(marker);
    }
}

/// Marks at one place, as XML: ends first (the last started first), then starts.
fn markup(p: &str, markers: &[Marker]) -> String {
    let mut ends: Vec<&Marker> = markers.iter().filter(|m| m.end).collect();
    let mut starts: Vec<&Marker> = markers.iter().filter(|m| !m.end).collect();
    ends.sort_by_key(|m| std::cmp::Reverse(m.ord));
    starts.sort_by_key(|m| m.ord);
    let mut out = String::new();
    for m in ends {
        let id = m.id;
        out.push_str(&format!(
            "<{p}commentRangeEnd {p}id=\"{id}\"/><{p}r><{p}rPr><{p}rStyle {p}val=\"CommentReference\"/></{p}rPr><{p}commentReference {p}id=\"{id}\"/></{p}r>"
        ));
    }
    for m in starts {
        out.push_str(&format!("<{p}commentRangeStart {p}id=\"{}\"/>", m.id));
    }
    out
}

/// Part `part` from `input`, written again with `marks`; `prefix` is the one its root
/// gives WordprocessingML, with its colon ("w:").
pub(super) fn rewrite<R: BufRead>(
    input: R,
    part: &str,
    marks: &Marks,
    prefix: &str,
) -> Result<Vec<u8>, ReviewError> {
    let mut r = Rewriter {
        out: Writer::new(Vec::new()),
        marks,
        prefix,
        part,
        elems: 0,
        stack: Vec::new(),
        runs: Vec::new(),
    };
    drive(input, part, |ns, event| r.handle(ns, event))?;
    Ok(r.out.into_inner())
}

/// A run being cut.
struct Cut {
    /// Its index in the stack.
    depth: usize,
    start: BytesStart<'static>,
    /// Its `w:rPr`, as events, to start each piece with.
    rpr: Vec<Event<'static>>,
    /// While in the `w:rPr`: its index in the stack.
    rpr_open: Option<usize>,
    /// The `w:t` being read, held until its end.
    t: Option<Held>,
    /// Bytes of its text written so far.
    pos: usize,
    cuts: VecDeque<(usize, Vec<Marker>)>,
}

/// A `w:t` of a run being cut: its start tag, its events, and its text as read.
struct Held {
    start: BytesStart<'static>,
    events: Vec<Event<'static>>,
    text: String,
}

struct Rewriter<'a> {
    out: Writer<Vec<u8>>,
    marks: &'a Marks,
    prefix: &'a str,
    part: &'a str,
    elems: usize,
    /// The element number of each open element.
    stack: Vec<usize>,
    runs: Vec<Cut>,
}

fn io_error(part: &str, e: std::io::Error) -> ReviewError {
    xml_error(part, e.to_string())
}

impl Rewriter<'_> {
    fn write(&mut self, event: Event<'_>) -> Result<(), ReviewError> {
        self.out
            .write_event(event)
            .map_err(|e| io_error(self.part, e))
    }

    fn marks_at(&mut self, which: fn(&Marks) -> &BTreeMap<usize, Vec<Marker>>, elem: usize) {
        if let Some(markers) = which(self.marks).get(&elem) {
            let xml = markup(self.prefix, markers);
            self.out.get_mut().extend_from_slice(xml.as_bytes());
        }
    }

    fn handle(&mut self, ns: Ns, event: Event<'_>) -> Result<(), ReviewError> {
        match event {
            Event::Start(e) => self.start(ns, e),
            Event::Empty(e) => self.empty(ns, e),
            Event::End(e) => self.end(ns, e),
            other => {
                if let Some(cut) = self.runs.last_mut() {
                    if let Some(held) = &mut cut.t {
                        match &other {
                            Event::Text(t) => held.text.push_str(&t.xml10_content()),
                            Event::CData(t) => held.text.push_str(&t.xml10_content()),
                            Event::GeneralRef(r) => held.text.push(reference(r, self.part)?),
                            _ => {}
                        }
                        held.events.push(other.into_owned());
                        return Ok(());
                    }
                    if cut.rpr_open.is_some() {
                        cut.rpr.push(other.clone().into_owned());
                    }
                }
                self.write(other)
            }
        }
    }

    fn start(&mut self, ns: Ns, e: BytesStart<'_>) -> Result<(), ReviewError> {
        let elem = self.elems;
        self.elems += 1;
        let depth = self.stack.len();
        self.stack.push(elem);
        let (out, prefix, part) = (&mut self.out, self.prefix, self.part);
        if let Some(cut) = self.runs.last_mut() {
            if let Some(held) = &mut cut.t {
                held.events.push(Event::Start(e.into_owned()));
                return Ok(());
            }
            if cut.rpr_open.is_some() {
                cut.rpr.push(Event::Start(e.clone().into_owned()));
                return self.write(Event::Start(e));
            }
            if depth == cut.depth + 1 && ns.is_w() {
                match e.local_name().as_ref() {
                    "t" => {
                        cut.t = Some(Held {
                            start: e.into_owned(),
                            events: Vec::new(),
                            text: String::new(),
                        });
                        return Ok(());
                    }
                    "rPr" if cut.pos == 0 && cut.rpr.is_empty() => {
                        cut.rpr_open = Some(depth);
                        cut.rpr.push(Event::Start(e.clone().into_owned()));
                        return self.write(Event::Start(e));
                    }
                    local if is_character(local) => cut_due(out, prefix, part, cut, false)?,
                    _ => {}
                }
            }
        }
        self.marks_at(|m| &m.before, elem);
        self.write(Event::Start(e.borrow()))?;
        self.marks_at(|m| &m.open, elem);
        if let Some(cuts) = self.marks.cuts.get(&elem) {
            self.runs.push(Cut {
                depth,
                start: e.into_owned(),
                rpr: Vec::new(),
                rpr_open: None,
                t: None,
                pos: 0,
                cuts: cuts.iter().map(|(o, m)| (*o, m.clone())).collect(),
            });
        }
        Ok(())
    }

    fn empty(&mut self, ns: Ns, e: BytesStart<'_>) -> Result<(), ReviewError> {
        let elem = self.elems;
        self.elems += 1;
        let depth = self.stack.len();
        let (out, prefix, part) = (&mut self.out, self.prefix, self.part);
        if let Some(cut) = self.runs.last_mut() {
            if let Some(held) = &mut cut.t {
                held.events.push(Event::Empty(e.into_owned()));
                return Ok(());
            }
            let first_rpr = depth == cut.depth + 1
                && ns.is_w()
                && e.local_name().as_ref() == "rPr"
                && cut.pos == 0
                && cut.rpr.is_empty();
            if cut.rpr_open.is_some() || first_rpr {
                cut.rpr.push(Event::Empty(e.clone().into_owned()));
                return self.write(Event::Empty(e));
            }
            if depth == cut.depth + 1 && ns.is_w() && is_character(e.local_name().as_ref()) {
                cut_due(out, prefix, part, cut, false)?;
            }
        }
        self.marks_at(|m| &m.before, elem);
        let inside = self.marks.open.contains_key(&elem) || self.marks.close.contains_key(&elem);
        if inside {
            // `<w:p/>` with a comment on it: written as `<w:p>...</w:p>`.
            self.write(Event::Start(e.borrow()))?;
            self.marks_at(|m| &m.open, elem);
            self.marks_at(|m| &m.close, elem);
            self.write(Event::End(e.to_end()))?;
        } else {
            self.write(Event::Empty(e.borrow()))?;
        }
        self.marks_at(|m| &m.after, elem);
        self.after_child(depth, ns, e.local_name().as_ref())
    }

    fn end(&mut self, ns: Ns, e: BytesEnd<'_>) -> Result<(), ReviewError> {
        let Some(elem) = self.stack.pop() else {
            return Err(xml_error(
                self.part,
                "an element ends that was not open".into(),
            ));
        };
        let depth = self.stack.len();
        let mut finished = None;
        let (out, prefix, part) = (&mut self.out, self.prefix, self.part);
        if let Some(cut) = self.runs.last_mut() {
            if cut.t.is_some() {
                if depth == cut.depth + 1 {
                    if let Some(held) = cut.t.take() {
                        write_t(out, prefix, part, cut, held, &e)?;
                        cut_due(out, prefix, part, cut, true)?;
                    }
                } else if let Some(held) = &mut cut.t {
                    held.events.push(Event::End(e.into_owned()));
                }
                return Ok(());
            }
            if let Some(open_at) = cut.rpr_open {
                cut.rpr.push(Event::End(e.clone().into_owned()));
                if depth == open_at {
                    cut.rpr_open = None;
                }
                return self.write(Event::End(e));
            }
            if depth == cut.depth {
                finished = self.runs.pop();
            }
        }
        self.marks_at(|m| &m.close, elem);
        self.write(Event::End(e.borrow()))?;
        self.marks_at(|m| &m.after, elem);
        if let Some(run) = finished {
            // Cuts the first pass placed and this one did not reach: their marks go
            // after the run rather than nowhere.
            for (_, markers) in &run.cuts {
                let xml = markup(self.prefix, markers);
                self.out.get_mut().extend_from_slice(xml.as_bytes());
            }
        }
        self.after_child(depth, ns, e.local_name().as_ref())
    }

    /// After a child of a run being cut: counts its text, and cuts if an edge is there.
    fn after_child(&mut self, depth: usize, ns: Ns, local: &str) -> Result<(), ReviewError> {
        let (out, prefix, part) = (&mut self.out, self.prefix, self.part);
        let Some(cut) = self.runs.last_mut() else {
            return Ok(());
        };
        if depth != cut.depth + 1 {
            return Ok(());
        }
        if ns.is_w() && is_character(local) {
            cut.pos += 1;
        }
        cut_due(out, prefix, part, cut, true)
    }
}

/// Whether a run's child stands for one character of its text (as `docx::body` reads
/// it).
fn is_character(local: &str) -> bool {
    matches!(local, "tab" | "ptab" | "br" | "cr" | "noBreakHyphen")
}

/// Ends the run, writes the marks, and starts a run like it.
fn cut_here(
    out: &mut Writer<Vec<u8>>,
    prefix: &str,
    cut: &Cut,
    markers: &[Marker],
) -> std::io::Result<()> {
    out.write_event(Event::End(cut.start.to_end()))?;
    out.get_mut()
        .extend_from_slice(markup(prefix, markers).as_bytes());
    out.write_event(Event::Start(cut.start.borrow()))?;
    for event in &cut.rpr {
        out.write_event(event.borrow())?;
    }
    Ok(())
}

/// Cuts for the edges the run's text has reached: after a child, only where ranges
/// end (tight after the text before them); before a child with text, where ranges
/// start too (tight before the text after them). Children without text between (a
/// drawing, a symbol) so stay out of both.
fn cut_due(
    out: &mut Writer<Vec<u8>>,
    prefix: &str,
    part: &str,
    cut: &mut Cut,
    ends_only: bool,
) -> Result<(), ReviewError> {
    let mut due = Vec::new();
    for (offset, markers) in cut.cuts.iter_mut() {
        if *offset > cut.pos {
            break;
        }
        if ends_only {
            due.extend(markers.iter().filter(|m| m.end));
            markers.retain(|m| !m.end);
        } else {
            due.append(markers);
        }
    }
    cut.cuts.retain(|(_, markers)| !markers.is_empty());
    if !due.is_empty() {
        cut_here(out, prefix, cut, &due).map_err(|e| io_error(part, e))?;
    }
    Ok(())
}

/// Writes a held `w:t`: as it came if no edge falls inside it, else in pieces.
fn write_t(
    out: &mut Writer<Vec<u8>>,
    prefix: &str,
    part: &str,
    cut: &mut Cut,
    held: Held,
    end: &BytesEnd<'_>,
) -> Result<(), ReviewError> {
    let io = |e: std::io::Error| io_error(part, e);
    cut_due(out, prefix, part, cut, false)?;
    let len = held.text.len();
    let mut inside = Vec::new();
    while let Some((offset, _)) = cut.cuts.front() {
        if *offset <= cut.pos || *offset >= cut.pos + len {
            break;
        }
        if let Some(edge) = cut.cuts.pop_front() {
            inside.push(edge);
        }
    }
    if inside.is_empty() {
        out.write_event(Event::Start(held.start.borrow()))
            .map_err(io)?;
        for event in &held.events {
            out.write_event(event.borrow()).map_err(io)?;
        }
        out.write_event(Event::End(end.borrow())).map_err(io)?;
    } else {
        let mut from = 0;
        for (offset, markers) in inside {
            let to = offset - cut.pos;
            let piece = held
                .text
                .get(from..to)
                .ok_or_else(|| split_error(part, to))?;
            write_piece(out, &held.start, piece, end).map_err(io)?;
            cut_here(out, prefix, cut, &markers).map_err(io)?;
            from = to;
        }
        let piece = held
            .text
            .get(from..)
            .ok_or_else(|| split_error(part, from))?;
        write_piece(out, &held.start, piece, end).map_err(io)?;
    }
    cut.pos += len;
    Ok(())
}

fn split_error(part: &str, at: usize) -> ReviewError {
    ReviewError::Mismatch {
        part: part.to_string(),
        detail: format!("a run's text cannot be cut at byte {at}"),
    }
}

/// A `w:t` holding `text`, with `xml:space="preserve"` if white space at either end
/// needs it.
fn write_piece(
    out: &mut Writer<Vec<u8>>,
    start: &BytesStart<'_>,
    text: &str,
    end: &BytesEnd<'_>,
) -> std::io::Result<()> {
    let space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let needs = text.starts_with(space) || text.ends_with(space);
    let mut start = start.borrow();
    if needs && !has_attr(&start, "xml:space") {
        start.push_attribute(("xml:space", "preserve"));
    }
    out.write_event(Event::Start(start))?;
    let mut escaped = String::with_capacity(text.len());
    escape_text(text, &mut escaped);
    out.get_mut().extend_from_slice(escaped.as_bytes());
    out.write_event(Event::End(end.borrow()))
}
