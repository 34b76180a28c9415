//! The zip container: what the bytes are, opening a part within the limits, resolving
//! relationship targets, and streaming a part's XML to a handler as events.
//!
//! Only parts whose names this module resolved are ever opened: entry names from the
//! archive are never used as paths, and a name with a `..` component never matches.

use super::{DocxError, Limits};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use zip::result::ZipError;
use zip::ZipArchive;

/// The first bytes of an OLE compound file: Word 97-2003 documents, and encrypted OOXML.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// "EncryptionInfo" in UTF-16LE: the stream an encrypted .docx keeps in its OLE container.
const ENCRYPTION_INFO: &[u8] = b"E\0n\0c\0r\0y\0p\0t\0i\0o\0n\0I\0n\0f\0o\0";

pub(super) const MIB: u64 = 1 << 20;
/// Parts smaller than this are never refused for their compression ratio: small XML
/// parts of repetitive markup legitimately compress very well.
pub(super) const RATIO_FLOOR: u64 = MIB;

const W_NS: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// The namespaces the readers tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ns {
    /// WordprocessingML, transitional or strict.
    W,
    /// Markup compatibility (`mc:AlternateContent`).
    Mc,
    Other,
}

/// One XML event, as handlers see it. An empty element `<a/>` comes as `Start` then `End`;
/// entity and character references come as `Text`.
pub(super) enum Ev<'a> {
    Start(Ns, &'a str, &'a BytesStart<'a>),
    End,
    Text(&'a str),
}

/// Why a handler stopped reading a part.
pub(super) enum Stop {
    /// The part is not what it should be; the driver adds the part's name and position.
    Malformed(String),
    /// Any other error, reported as it is.
    Fail(DocxError),
}

impl From<DocxError> for Stop {
    fn from(e: DocxError) -> Self {
        Stop::Fail(e)
    }
}

/// The value of the attribute whose local name is `local` (`w:val` -> `val`), unescaped.
pub(super) fn attr(el: &BytesStart<'_>, local: &str) -> Result<Option<String>, Stop> {
    for a in el.attributes() {
        let a = a.map_err(|e| Stop::Malformed(e.to_string()))?;
        if a.key.local_name().as_ref() == local {
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| Stop::Malformed(e.to_string()))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// A whole number attribute; None when absent or not a number (Word ignores those too).
pub(super) fn int_attr(el: &BytesStart<'_>, local: &str) -> Result<Option<i64>, Stop> {
    Ok(attr(el, local)?.and_then(|v| v.trim().parse().ok()))
}

/// An on/off property (`<w:tblHeader/>`, `<w:isLgl w:val="false"/>`): on unless its value
/// says off.
pub(super) fn on_attr(el: &BytesStart<'_>) -> Result<bool, Stop> {
    Ok(!matches!(
        attr(el, "val")?.as_deref(),
        Some("false" | "0" | "off")
    ))
}

/// A zip entry: its index, and its name as the archive spells it.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub index: usize,
    pub name: String,
}

/// The opened archive, with the limits and what has been inflated so far.
pub(super) struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    limits: Limits,
    /// Bytes inflated from every part read so far.
    total: u64,
}

impl<'a> Package<'a> {
    pub(super) fn open(bytes: &'a [u8], limits: &Limits) -> Result<Self, DocxError> {
        if bytes.starts_with(&OLE_MAGIC) {
            return Err(if contains(bytes, ENCRYPTION_INFO) {
                DocxError::Encrypted
            } else {
                DocxError::OldOrProtected
            });
        }
        let zip =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| match bytes.starts_with(b"PK") {
                true => DocxError::Zip(e.to_string()),
                false => DocxError::NotZip,
            })?;
        Ok(Package {
            zip,
            limits: *limits,
            total: 0,
        })
    }

    /// The entry for part `name` (a name this module resolved, without `..`): the exact
    /// name, else the same name in another case or with backslashes (part names are
    /// case-insensitive; some zip tools write `\`).
    pub(super) fn find(&self, name: &str) -> Option<Entry> {
        if let Some(index) = self.zip.index_for_name(name) {
            return Some(Entry {
                index,
                name: name.to_string(),
            });
        }
        (0..self.zip.len()).find_map(|index| {
            let entry = self.zip.name_for_index(index)?.ok()?;
            let normal = entry.replace('\\', "/");
            (is_safe(&normal) && normal.eq_ignore_ascii_case(name)).then(|| Entry {
                index,
                name: entry.into_owned(),
            })
        })
    }

    /// Streams `entry` to `handle`, inflating no more than the limits.
    pub(super) fn parse<F>(&mut self, entry: &Entry, mut handle: F) -> Result<(), DocxError>
    where
        F: FnMut(Ev<'_>) -> Result<(), Stop>,
    {
        let (name, index) = (entry.name.as_str(), entry.index);
        let limits = self.limits;
        let remaining = limits.max_total_bytes.saturating_sub(self.total);
        let file = self.zip.by_index(index).map_err(|e| zip_error(name, e))?;
        let declared = file.size();
        let compressed = file.compressed_size();
        if declared > limits.max_entry_bytes {
            return Err(DocxError::PartTooLarge {
                part: name.to_string(),
                declared: Some(declared),
                limit: limits.max_entry_bytes,
            });
        }
        if declared > remaining {
            return Err(DocxError::TotalTooLarge {
                limit: limits.max_total_bytes,
            });
        }
        if declared > RATIO_FLOOR && declared > compressed.saturating_mul(limits.max_ratio) {
            return Err(DocxError::Ratio {
                part: name.to_string(),
                inflated: declared,
                compressed,
                limit: limits.max_ratio,
            });
        }
        let (result, read) = stream(name, file, compressed, &limits, remaining, &mut handle);
        self.total = self.total.saturating_add(read);
        result
    }
}

/// Streams `entry` (inflating) to `handle` as XML events, refusing to inflate more than
/// the part limit, what `remaining` leaves of the total, or `limits.max_ratio` times
/// `compressed`. Returns the result and the bytes inflated.
fn stream<R: Read, F>(
    name: &str,
    entry: R,
    compressed: u64,
    limits: &Limits,
    remaining: u64,
    handle: &mut F,
) -> (Result<(), DocxError>, u64)
where
    F: FnMut(Ev<'_>) -> Result<(), Stop>,
{
    let cap = limits.max_entry_bytes.min(remaining);
    let bounded = Bounded {
        inner: entry.take(cap.saturating_add(1)),
        read: 0,
        entry_limit: limits.max_entry_bytes,
        remaining,
        compressed,
        ratio: limits.max_ratio,
        failure: None,
    };
    let mut reader = NsReader::from_reader(BufReader::with_capacity(64 * 1024, bounded));
    let result = drive(&mut reader, handle);
    let bounded = reader.get_ref().get_ref();
    let read = bounded.read;
    let result = result.map_err(|fault| match fault {
        Fault::Xml(quick_xml::Error::Io(e), _) => match &bounded.failure {
            Some(Failure::Entry) => DocxError::PartTooLarge {
                part: name.to_string(),
                declared: None,
                limit: limits.max_entry_bytes,
            },
            Some(Failure::Total) => DocxError::TotalTooLarge {
                limit: limits.max_total_bytes,
            },
            Some(Failure::Ratio) => DocxError::Ratio {
                part: name.to_string(),
                inflated: read,
                compressed,
                limit: limits.max_ratio,
            },
            Some(Failure::Io(e)) => DocxError::Zip(format!("{name}: {e}")),
            None => DocxError::Zip(format!("{name}: {e}")),
        },
        Fault::Xml(e, at) => malformed(name, at, e.to_string()),
        Fault::Doctype => DocxError::Doctype {
            part: name.to_string(),
        },
        Fault::Unclosed(at) => malformed(
            name,
            at,
            "the part ends before all its elements are closed".to_string(),
        ),
        Fault::Stop(Stop::Malformed(detail), at) => malformed(name, at, detail),
        Fault::Stop(Stop::Fail(e), _) => e,
    });
    (result, read)
}

fn malformed(part: &str, at: u64, detail: String) -> DocxError {
    DocxError::Xml {
        part: part.to_string(),
        at,
        detail,
    }
}

fn zip_error(name: &str, e: ZipError) -> DocxError {
    match e {
        ZipError::UnsupportedArchive(why) => DocxError::Unsupported {
            part: name.to_string(),
            why: why.to_string(),
        },
        e => DocxError::Zip(format!("{name}: {e}")),
    }
}

/// Whether `haystack` holds `needle` (a few dozen bytes; a plain scan is enough).
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Whether an entry name may stand for a part: relative, without `..` components.
fn is_safe(name: &str) -> bool {
    !name.starts_with('/') && !name.split('/').any(|c| c == "..")
}

/// Part `target` of a relationship held by the part in folder `base` ("" for the
/// package root, "word" for word/document.xml), as a part name; Err when it leaves the
/// package (climbs above the root, or names a scheme or drive such as `file:` or `C:`).
pub(crate) fn resolve(base: &str, target: &str) -> Result<String, ()> {
    let target = percent_decode(&target.replace('\\', "/")).ok_or(())?;
    let target = target.split(['#', '?']).next().unwrap_or_default();
    let first = target.split('/').next().unwrap_or_default();
    if first.contains(':') {
        return Err(());
    }
    let mut parts: Vec<&str> = Vec::new();
    let rest = match target.strip_prefix('/') {
        Some(rest) => rest,
        None => {
            parts.extend(base.split('/').filter(|c| !c.is_empty()));
            target
        }
    };
    for c in rest.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or(())?;
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        return Err(());
    }
    Ok(parts.join("/"))
}

/// `%20` and the like decoded; None when the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|&h| (h as char).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The folder of part `name`: "word" for "word/document.xml", "" at the root.
pub(crate) fn folder(name: &str) -> &str {
    name.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The relationships part of part `name`: word/_rels/document.xml.rels.
pub(crate) fn rels_of(name: &str) -> String {
    match name.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{name}.rels"),
    }
}

/// An entry being inflated, refusing to go past the limits.
struct Bounded<R> {
    inner: R,
    read: u64,
    entry_limit: u64,
    /// What the total limit leaves for this part.
    remaining: u64,
    compressed: u64,
    ratio: u64,
    failure: Option<Failure>,
}

enum Failure {
    Entry,
    Total,
    Ratio,
    Io(String),
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
            Err(e) => {
                self.failure = Some(Failure::Io(e.to_string()));
                return Err(e);
            }
        };
        self.read = self.read.saturating_add(n as u64);
        let failure = if self.read > self.entry_limit {
            Some(Failure::Entry)
        } else if self.read > self.remaining {
            Some(Failure::Total)
        } else if self.read > RATIO_FLOOR && self.read > self.compressed.saturating_mul(self.ratio)
        {
            Some(Failure::Ratio)
        } else {
            None
        };
        match failure {
            Some(f) => {
                self.failure = Some(f);
                Err(io::Error::other("over the limit"))
            }
            None => Ok(n),
        }
    }
}

enum Fault {
    Xml(quick_xml::Error, u64),
    Doctype,
    Unclosed(u64),
    Stop(Stop, u64),
}

fn namespace(res: &ResolveResult<'_>) -> Ns {
    match res {
        ResolveResult::Bound(ns) if W_NS.contains(&ns.as_ref()) => Ns::W,
        ResolveResult::Bound(ns) if ns.as_ref() == MC_NS => Ns::Mc,
        _ => Ns::Other,
    }
}

/// Reads events until the end of the part, handing each to `handle`.
fn drive<R: BufRead, F>(reader: &mut NsReader<R>, handle: &mut F) -> Result<(), Fault>
where
    F: FnMut(Ev<'_>) -> Result<(), Stop>,
{
    let mut buf = Vec::new();
    let mut depth = 0usize;
    loop {
        buf.clear();
        let (ns, event) = match reader.read_resolved_event_into(&mut buf) {
            Ok((res, event)) => (namespace(&res), event),
            Err(e) => return Err(Fault::Xml(e, reader.error_position())),
        };
        let at = reader.buffer_position();
        let step = match event {
            Event::Start(e) => {
                depth += 1;
                handle(Ev::Start(ns, e.local_name().into_inner(), &e))
            }
            Event::Empty(e) => {
                let local = e.local_name().into_inner();
                handle(Ev::Start(ns, local, &e)).and_then(|()| handle(Ev::End))
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                handle(Ev::End)
            }
            Event::Text(t) => handle(Ev::Text(&t.xml10_content())),
            Event::CData(t) => handle(Ev::Text(&t.xml10_content())),
            Event::GeneralRef(r) => match reference(&r) {
                Ok(c) => handle(Ev::Text(c.encode_utf8(&mut [0; 4]))),
                Err(detail) => Err(Stop::Malformed(detail)),
            },
            Event::DocType(_) => return Err(Fault::Doctype),
            Event::Eof if depth > 0 => return Err(Fault::Unclosed(at)),
            Event::Eof => return Ok(()),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => Ok(()),
        };
        step.map_err(|stop| Fault::Stop(stop, at))?;
    }
}

/// The character `&name;` stands for: one of XML's five, or a character reference.
/// Any other entity would need a DTD, which is refused: it is an error, never expanded.
fn reference(r: &quick_xml::events::BytesRef<'_>) -> Result<char, String> {
    if r.is_char_ref() {
        return match r.resolve_char_ref() {
            Ok(Some(c)) => Ok(c),
            _ => Err(format!("&{}; is not a valid character reference", clip(r))),
        };
    }
    match &**r {
        "amp" => Ok('&'),
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        name => Err(format!(
            "the entity &{}; is not defined (tenderlint expands no entities)",
            clip(name)
        )),
    }
}

/// At most 40 characters of `s`, for a message.
fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A part of `size` bytes: an element holding that much text.
    fn part(size: usize) -> impl Read {
        let open: &[u8] = b"<a>";
        open.chain(io::repeat(b'x').take(size as u64))
            .chain(&b"</a>"[..])
    }

    fn inflate(
        size: usize,
        compressed: u64,
        limits: &Limits,
        remaining: u64,
    ) -> (Result<(), DocxError>, u64) {
        stream(
            "word/document.xml",
            part(size),
            compressed,
            limits,
            remaining,
            &mut |_| Ok(()),
        )
    }

    /// Zip entries that inflate past what they declare are stopped by this count, the
    /// zip crate's own check aside.
    #[test]
    fn inflating_stops_one_byte_past_each_limit() {
        let limits = Limits {
            max_entry_bytes: MIB,
            max_total_bytes: 2 * MIB,
            max_ratio: 100,
            ..Limits::default()
        };
        let (result, read) = inflate(3 * MIB as usize, MIB, &limits, 2 * MIB);
        assert_eq!(
            result,
            Err(DocxError::PartTooLarge {
                part: "word/document.xml".into(),
                declared: None,
                limit: MIB
            })
        );
        assert_eq!(read, MIB + 1);

        let (result, read) = inflate(MIB as usize / 2, MIB, &limits, 1000);
        assert_eq!(result, Err(DocxError::TotalTooLarge { limit: 2 * MIB }));
        assert_eq!(read, 1001);

        let loose = Limits {
            max_entry_bytes: 4 * MIB,
            ..limits
        };
        let (result, _) = inflate(2 * MIB as usize, 1000, &loose, 4 * MIB);
        assert!(
            matches!(result, Err(DocxError::Ratio { inflated, compressed: 1000, limit: 100, .. }) if inflated > RATIO_FLOOR),
            "{result:?}"
        );

        let (result, read) = inflate(1000, 10, &limits, 2 * MIB);
        assert_eq!(
            result,
            Ok(()),
            "small parts are not refused for their ratio"
        );
        assert_eq!(read, 1007);
    }
}
