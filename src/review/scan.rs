//! The first pass over a story part: where each comment's edges go in its XML.
//!
//! The part is walked as `docx::body` walks it (the same paragraphs, in the same order,
//! and the same run count), so that a paragraph index and a run index from
//! [`crate::docx::Word`] find their elements. An edge falls in a run, `offset` bytes into
//! its text; it becomes a [`Point`]: before or after an element, or a cut inside a run.
//! A run is cut only when that is safe: its text is what the reader read, in `w:t`,
//! `w:tab` and the like as its own children, it is not in a field, and nothing but
//! `w:hyperlink`, `w:ins`, `w:moveTo`, `w:dir` or `w:bdo` stands between it and its
//! paragraph. Otherwise the edge moves out to the nearest element boundary that takes
//! the whole range in: the run's, or that of the outermost other element around it
//! (a smart tag, a content control, a simple field...).

use super::xml::{attr, drive, prefix_of, reference, Ns, MAX_DEPTH};
use super::ReviewError;
use quick_xml::events::{BytesStart, Event};
use std::collections::BTreeMap;
use std::io::BufRead;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Side {
    Start,
    End,
}

/// An edge of comment `ord` in a run: `offset` bytes into the run's text, which the
/// reader found `len` bytes long, in the part's paragraph `para`.
#[derive(Debug, Clone)]
pub(super) struct RunEdge {
    pub ord: usize,
    pub side: Side,
    pub offset: usize,
    pub len: usize,
    pub para: usize,
}

/// What to find in one part: edges in runs (by run index), edges of whole paragraphs
/// (by paragraph index within the part), and how many paragraphs the reader found.
#[derive(Debug, Default)]
pub(super) struct Requests {
    pub runs: BTreeMap<usize, Vec<RunEdge>>,
    pub paras: BTreeMap<usize, Vec<(usize, Side)>>,
    pub paragraphs: usize,
}

/// A place in the part, by element: elements are numbered by the order of their start
/// tags (all of them, in any namespace).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Point {
    /// Before the element's start tag.
    Before(usize),
    /// After the element's end tag.
    After(usize),
    /// Just inside the element, after its start tag.
    Open(usize),
    /// Just inside the element, before its end tag.
    Close(usize),
    /// In run element `.0`, `.1` bytes into its text.
    Split(usize, usize),
}

#[derive(Debug)]
pub(super) struct Scan {
    /// Where each edge (comment, side) goes.
    pub points: BTreeMap<(usize, Side), Point>,
    /// The prefix the part's root gives WordprocessingML ("w").
    pub prefix: String,
    /// Which of [`super::xml::W_NS`] it is.
    pub ns: usize,
    /// The largest comment id the part already uses.
    pub max_id: Option<i64>,
}

/// Finds the points of the edges in `req`, reading part `part` from `input`.
pub(super) fn scan<R: BufRead>(input: R, part: &str, req: &Requests) -> Result<Scan, ReviewError> {
    let mut s = Scanner {
        part,
        req,
        stack: Vec::new(),
        skip_from: None,
        choices: Vec::new(),
        elems: 0,
        runs: 0,
        paras: 0,
        fields: 0,
        open_runs: Vec::new(),
        open_paras: Vec::new(),
        root: None,
        points: BTreeMap::new(),
        max_id: None,
    };
    drive(input, part, |ns, event| s.handle(ns, event))?;
    if s.paras != req.paragraphs {
        return Err(mismatch(
            part,
            format!(
                "it has {} paragraphs where {} were read",
                s.paras, req.paragraphs
            ),
        ));
    }
    let wanted = req.runs.values().map(Vec::len).sum::<usize>()
        + req.paras.values().map(Vec::len).sum::<usize>();
    if s.points.len() != wanted {
        return Err(mismatch(part, "a run read from it is missing".into()));
    }
    let Some((prefix, ns, _)) = s.root else {
        return Err(mismatch(part, "it is empty".into()));
    };
    Ok(Scan {
        points: s.points,
        prefix,
        ns,
        max_id: s.max_id,
    })
}

pub(super) fn mismatch(part: &str, detail: String) -> ReviewError {
    ReviewError::Mismatch {
        part: part.to_string(),
        detail,
    }
}

/// What an open element is, as far as placing comments goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    /// A paragraph, with its index in the part.
    P(usize),
    R,
    /// A wrapper of runs that comment marks may sit in: `w:hyperlink`, `w:ins`...
    Wrapper,
    AlternateContent,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    kind: K,
    elem: usize,
}

/// A run with edges in it, being read.
struct RunScan {
    run: usize,
    elem: usize,
    /// Its index in the stack.
    depth: usize,
    /// The paragraph it adds its text to.
    para: Option<usize>,
    /// The element whose boundaries an edge moves to when the run cannot be cut.
    anchor: usize,
    in_field: bool,
    /// Its text, counted as the reader counts it.
    len: usize,
    splittable: bool,
    children: usize,
    /// While in a `w:t` child: that child's index in the stack.
    t_depth: Option<usize>,
}

/// A paragraph with a whole-paragraph comment, being read.
struct ParaScan {
    para: usize,
    elem: usize,
    depth: usize,
    /// Where the comment starts: after `w:pPr`, else at the start of the paragraph.
    first: Option<Point>,
}

struct Scanner<'a> {
    part: &'a str,
    req: &'a Requests,
    stack: Vec<Frame>,
    /// As in `docx::body`: while inside something the reader leaves out, its depth.
    skip_from: Option<usize>,
    choices: Vec<bool>,
    elems: usize,
    runs: usize,
    paras: usize,
    /// Complex fields open (`w:fldChar` begin minus end).
    fields: usize,
    open_runs: Vec<RunScan>,
    open_paras: Vec<ParaScan>,
    /// The root's prefix for WordprocessingML, which namespace it is, and the
    /// attribute that would declare the prefix again.
    root: Option<(String, usize, String)>,
    points: BTreeMap<(usize, Side), Point>,
    max_id: Option<i64>,
}

impl Scanner<'_> {
    fn handle(&mut self, ns: Ns, event: Event<'_>) -> Result<(), ReviewError> {
        match event {
            Event::Start(e) => self.start(ns, &e, false),
            Event::Empty(e) => self.start(ns, &e, true),
            Event::End(_) => self.end(),
            Event::Text(t) => {
                self.text(t.xml10_content().len());
                Ok(())
            }
            Event::CData(t) => {
                self.text(t.xml10_content().len());
                Ok(())
            }
            Event::GeneralRef(r) => {
                let c = reference(&r, self.part)?;
                self.text(c.len_utf8());
                Ok(())
            }
            Event::Comment(_) | Event::PI(_) => {
                // Inside a `w:t`: a cut would rewrite the text without it.
                if let Some(run) = self.open_runs.last_mut() {
                    if run.t_depth.is_some() {
                        run.splittable = false;
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn start(&mut self, ns: Ns, e: &BytesStart<'_>, empty: bool) -> Result<(), ReviewError> {
        let elem = self.elems;
        self.elems += 1;
        let depth = self.stack.len();
        if depth >= MAX_DEPTH {
            return Err(ReviewError::TooDeep {
                part: self.part.to_string(),
            });
        }
        self.check_namespace(ns, e)?;
        let local = e.local_name();
        let local = local.as_ref();

        if ns.is_w() {
            match local {
                "commentRangeStart" | "commentRangeEnd" | "commentReference" => {
                    let id = attr(e, "id", self.part)?.and_then(|v| v.trim().parse::<i64>().ok());
                    self.max_id = self.max_id.max(id);
                }
                "fldChar" => match attr(e, "fldCharType", self.part)?.as_deref() {
                    Some("begin") => self.fields = self.fields.saturating_add(1),
                    Some("end") => self.fields = self.fields.saturating_sub(1),
                    _ => {}
                },
                _ => {}
            }
        }

        // What this element is to the innermost run with edges.
        let reading = self.skip_from.is_none();
        if let Some(run) = self.open_runs.last_mut() {
            if run.t_depth.is_some() {
                run.splittable = false;
            } else if depth == run.depth + 1 {
                if reading && ns.is_w() {
                    match local {
                        "rPr" if run.children > 0 => run.splittable = false,
                        "t" => run.t_depth = Some(depth),
                        "tab" | "ptab" | "br" | "cr" | "noBreakHyphen" => run.len += 1,
                        "fldChar" => run.in_field = true,
                        _ => {}
                    }
                }
                run.children += 1;
            }
        }
        // Whole-paragraph comments start after the paragraph's properties.
        if let Some(p) = self.open_paras.last_mut() {
            if depth == p.depth + 1 && p.first.is_none() {
                p.first = Some(match ns.is_w() && local == "pPr" {
                    true => Point::After(elem),
                    false => Point::Open(p.elem),
                });
            }
        }

        let kind = match reading {
            false => {
                if ns.is_w() && local == "r" {
                    // Runs left out are counted too, as the reader counts them.
                    if self.req.runs.contains_key(&self.runs) {
                        return Err(mismatch(self.part, "a run read is not there".into()));
                    }
                    self.runs += 1;
                }
                K::Other
            }
            true => self.kind(ns, local, e, elem, depth)?,
        };
        self.stack.push(Frame { kind, elem });
        if empty {
            self.end()?;
        }
        Ok(())
    }

    /// The root names the prefix comments are written with; no element below may
    /// declare that prefix again.
    fn check_namespace(&mut self, ns: Ns, e: &BytesStart<'_>) -> Result<(), ReviewError> {
        match &self.root {
            None => {
                let prefix = prefix_of(e.name().as_ref()).to_string();
                match ns {
                    Ns::W(i) if !prefix.is_empty() => {
                        let declaration = format!("xmlns:{prefix}");
                        self.root = Some((prefix, i, declaration));
                        Ok(())
                    }
                    _ => Err(ReviewError::Namespace {
                        part: self.part.to_string(),
                    }),
                }
            }
            Some((_, _, declaration)) => {
                let again = e.attributes_raw().contains("xmlns")
                    && e.attributes()
                        .flatten()
                        .any(|a| a.key.as_ref() == declaration.as_str());
                match again {
                    true => Err(ReviewError::Namespace {
                        part: self.part.to_string(),
                    }),
                    false => Ok(()),
                }
            }
        }
    }

    /// The kind of an element outside anything left out, as `docx::body` sees it.
    fn kind(
        &mut self,
        ns: Ns,
        local: &str,
        e: &BytesStart<'_>,
        elem: usize,
        depth: usize,
    ) -> Result<K, ReviewError> {
        let parent = self.stack.last().map(|f| f.kind);
        let skip = match (ns, local) {
            (Ns::W(_), "p") => {
                let para = self.paras;
                self.paras += 1;
                if self.req.paras.contains_key(&para) {
                    self.open_paras.push(ParaScan {
                        para,
                        elem,
                        depth,
                        first: None,
                    });
                }
                return Ok(K::P(para));
            }
            (Ns::W(_), "r") => {
                let run = self.runs;
                self.runs += 1;
                self.open_run(run, elem, depth);
                return Ok(K::R);
            }
            (Ns::W(_), "hyperlink" | "ins" | "moveTo" | "dir" | "bdo") => return Ok(K::Wrapper),
            (Ns::W(_), "del" | "moveFrom" | "delText" | "instrText" | "delInstrText") => true,
            (Ns::W(_), "footnote" | "endnote") => matches!(
                attr(e, "type", self.part)?.as_deref(),
                Some("separator" | "continuationSeparator" | "continuationNotice")
            ),
            (Ns::Mc, "AlternateContent") => {
                self.choices.push(false);
                return Ok(K::AlternateContent);
            }
            (Ns::Mc, "Choice") if parent == Some(K::AlternateContent) => {
                match self.choices.last_mut() {
                    Some(taken) if !*taken => {
                        *taken = true;
                        false
                    }
                    _ => true,
                }
            }
            (Ns::Mc, "Fallback") if parent == Some(K::AlternateContent) => true,
            _ => false,
        };
        if skip {
            self.skip_from = Some(depth);
        }
        Ok(K::Other)
    }

    fn open_run(&mut self, run: usize, elem: usize, depth: usize) {
        let para_at = self.stack.iter().rposition(|f| matches!(f.kind, K::P(_)));
        // A run inside another run of the same paragraph (ruby, or damage): the outer
        // one cannot be cut.
        for open in &mut self.open_runs {
            if para_at.is_none_or(|at| open.depth > at) {
                open.splittable = false;
            }
        }
        if !self.req.runs.contains_key(&run) {
            return;
        }
        let para = para_at
            .and_then(|at| self.stack.get(at))
            .and_then(|f| match f.kind {
                K::P(para) => Some(para),
                _ => None,
            });
        let between = self
            .stack
            .get(para_at.map_or(0, |at| at + 1)..)
            .unwrap_or(&[]);
        let anchor = between
            .iter()
            .find(|f| f.kind != K::Wrapper)
            .map_or(elem, |f| f.elem);
        self.open_runs.push(RunScan {
            run,
            elem,
            depth,
            para,
            anchor,
            in_field: self.fields > 0,
            len: 0,
            splittable: true,
            children: 0,
            t_depth: None,
        });
    }

    fn text(&mut self, len: usize) {
        if self.skip_from.is_some() {
            return;
        }
        let top = self.stack.len().checked_sub(1);
        if let Some(run) = self.open_runs.last_mut() {
            if run.t_depth.is_some() && run.t_depth == top {
                run.len += len;
            }
        }
    }

    fn end(&mut self) -> Result<(), ReviewError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let depth = self.stack.len();
        if let Some(from) = self.skip_from {
            if depth == from {
                self.skip_from = None;
            }
            return Ok(());
        }
        match frame.kind {
            K::AlternateContent => {
                self.choices.pop();
            }
            K::P(_) if self.open_paras.last().is_some_and(|p| p.elem == frame.elem) => {
                if let Some(p) = self.open_paras.pop() {
                    self.finish_paragraph(p);
                }
            }
            K::R if self.open_runs.last().is_some_and(|r| r.elem == frame.elem) => {
                if let Some(run) = self.open_runs.pop() {
                    self.finish_run(run)?;
                }
            }
            _ => {
                if let Some(run) = self.open_runs.last_mut() {
                    if run.t_depth == Some(depth) {
                        run.t_depth = None;
                    }
                }
            }
        }
        Ok(())
    }

    fn finish_paragraph(&mut self, p: ParaScan) {
        for &(ord, side) in self.req.paras.get(&p.para).into_iter().flatten() {
            let point = match side {
                Side::Start => p.first.unwrap_or(Point::Open(p.elem)),
                Side::End => Point::Close(p.elem),
            };
            self.points.insert((ord, side), point);
        }
    }

    fn finish_run(&mut self, run: RunScan) -> Result<(), ReviewError> {
        for edge in self.req.runs.get(&run.run).into_iter().flatten() {
            if run.para != Some(edge.para) {
                return Err(mismatch(
                    self.part,
                    "a run read is in another paragraph".into(),
                ));
            }
            let exact = run.splittable
                && !run.in_field
                && run.anchor == run.elem
                && run.len == edge.len
                && edge.offset > 0
                && edge.offset < edge.len;
            let point = match (edge.side, exact) {
                (_, true) => Point::Split(run.elem, edge.offset),
                (Side::Start, false) => Point::Before(run.anchor),
                (Side::End, false) => Point::After(run.anchor),
            };
            self.points.insert((edge.ord, edge.side), point);
        }
        Ok(())
    }
}
