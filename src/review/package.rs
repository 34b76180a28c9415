//! The zip container of the copy, and the small parts that name the comments part:
//! relationships, content types, and the comments part itself.
//!
//! Every entry of the original is copied as it is stored (same name, order, compression
//! and bytes), except the parts replaced; new parts come last.

use super::xml::{attr, drive, prefix_of, qualify, xml_error, Ns};
use super::ReviewError;
use quick_xml::events::Event;
use quick_xml::Writer;
use std::collections::BTreeMap;
use std::io::{BufReader, Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

pub(super) struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// The most one part may inflate to.
    limit: u64,
}

fn zip_error(e: impl std::fmt::Display) -> ReviewError {
    ReviewError::Zip(e.to_string())
}

impl<'a> Archive<'a> {
    pub(super) fn open(bytes: &'a [u8], limit: u64) -> Result<Self, ReviewError> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
        Ok(Archive { zip, limit })
    }

    /// The entry of part `name`: that name, else the same name in another case or with
    /// backslashes, as the reader finds parts.
    pub(super) fn find(&self, name: &str) -> Option<usize> {
        if let Some(index) = self.zip.index_for_name(name) {
            return Some(index);
        }
        (0..self.zip.len()).find(|&index| {
            self.zip
                .name_for_index(index)
                .and_then(Result::ok)
                .is_some_and(|entry| entry.replace('\\', "/").eq_ignore_ascii_case(name))
        })
    }

    /// The name entry `index` has in the archive.
    pub(super) fn name(&self, index: usize) -> Option<String> {
        self.zip
            .name_for_index(index)
            .and_then(Result::ok)
            .map(|name| name.into_owned())
    }

    /// Inflates entry `index` (part `part`) for `read`, no more than the limit.
    pub(super) fn with_part<T>(
        &mut self,
        index: usize,
        part: &str,
        read: impl FnOnce(&mut dyn std::io::BufRead) -> Result<T, ReviewError>,
    ) -> Result<T, ReviewError> {
        let file = self.zip.by_index(index).map_err(zip_error)?;
        if file.size() > self.limit {
            return Err(ReviewError::TooLarge {
                part: part.to_string(),
                limit: self.limit,
            });
        }
        let mut input = BufReader::with_capacity(64 * 1024, file.take(self.limit));
        read(&mut input)
    }

    /// The copy: entries in `replaced` (by index) get new contents, `added` come last,
    /// stored as entry `template` is.
    pub(super) fn write(
        mut self,
        replaced: &BTreeMap<usize, Vec<u8>>,
        added: &[(String, Vec<u8>)],
        template: usize,
    ) -> Result<Vec<u8>, ReviewError> {
        let mut out = ZipWriter::new(Cursor::new(Vec::new()));
        for index in 0..self.zip.len() {
            let file = self.zip.by_index_raw(index).map_err(zip_error)?;
            match replaced.get(&index) {
                Some(content) => {
                    let name = file.name().map_err(zip_error)?.into_owned();
                    let options = options_like(file.options(), file.compression(), content);
                    drop(file);
                    out.start_file(name, options).map_err(zip_error)?;
                    out.write_all(content).map_err(zip_error)?;
                }
                None => out.raw_copy_file(file).map_err(zip_error)?,
            }
        }
        let (options, method) = match self.zip.by_index_raw(template) {
            Ok(file) => (file.options(), file.compression()),
            Err(_) => (SimpleFileOptions::default(), CompressionMethod::Deflated),
        };
        for (name, content) in added {
            out.start_file(name.as_str(), options_like(options, method, content))
                .map_err(zip_error)?;
            out.write_all(content).map_err(zip_error)?;
        }
        let comment = self.zip.comment();
        if !comment.is_empty() {
            out.set_raw_comment(comment.into()).map_err(zip_error)?;
        }
        Ok(out.finish().map_err(zip_error)?.into_inner())
    }
}

/// Options for new contents of an entry stored with `options` and `method`: stored
/// stays stored, anything else is deflated.
fn options_like(
    options: SimpleFileOptions,
    method: CompressionMethod,
    content: &[u8],
) -> SimpleFileOptions {
    let method = match method {
        CompressionMethod::Stored => CompressionMethod::Stored,
        _ => CompressionMethod::Deflated,
    };
    options
        .compression_method(method)
        .large_file(content.len() as u64 >= u64::from(u32::MAX))
}

/// The relationships of a part, as far as comments go.
#[derive(Debug, Default)]
pub(super) struct Rels {
    pub ids: Vec<String>,
    /// The target of the first internal comments relationship.
    pub comments: Option<String>,
}

/// Reads a relationships part.
pub(super) fn relationships(
    input: &mut dyn std::io::BufRead,
    part: &str,
) -> Result<Rels, ReviewError> {
    let mut rels = Rels::default();
    drive(input, part, |_, event| {
        let (Event::Start(e) | Event::Empty(e)) = event else {
            return Ok(());
        };
        if e.local_name().as_ref() != "Relationship" {
            return Ok(());
        }
        if let Some(id) = attr(&e, "Id", part)? {
            rels.ids.push(id);
        }
        let ty = attr(&e, "Type", part)?.unwrap_or_default();
        let external =
            attr(&e, "TargetMode", part)?.is_some_and(|m| m.eq_ignore_ascii_case("external"));
        if !external && ty.rsplit('/').next() == Some("comments") && rels.comments.is_none() {
            rels.comments = attr(&e, "Target", part)?;
        }
        Ok(())
    })?;
    Ok(rels)
}

/// An id no relationship in `ids` has: "rId" and a number above theirs.
pub(super) fn new_id(ids: &[String]) -> String {
    let top = ids
        .iter()
        .filter_map(|id| id.strip_prefix("rId")?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    let mut n = top.saturating_add(1);
    loop {
        let id = format!("rId{n}");
        if !ids.contains(&id) {
            return id;
        }
        n = n.wrapping_add(1);
    }
}

/// What `[Content_Types].xml` declares: override part names and default extensions, in
/// lower case.
#[derive(Debug, Default)]
pub(super) struct Types {
    pub overrides: Vec<String>,
    pub defaults: Vec<String>,
}

pub(super) fn content_types(
    input: &mut dyn std::io::BufRead,
    part: &str,
) -> Result<Types, ReviewError> {
    let mut types = Types::default();
    drive(input, part, |_, event| {
        let (Event::Start(e) | Event::Empty(e)) = event else {
            return Ok(());
        };
        match e.local_name().as_ref() {
            "Override" => {
                if let Some(name) = attr(&e, "PartName", part)? {
                    types.overrides.push(name.to_ascii_lowercase());
                }
            }
            "Default" => {
                if let Some(ext) = attr(&e, "Extension", part)? {
                    types.defaults.push(ext.to_ascii_lowercase());
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(types)
}

/// The largest `w:id` of the comments in a comments part.
pub(super) fn comment_ids(
    input: &mut dyn std::io::BufRead,
    part: &str,
) -> Result<Option<i64>, ReviewError> {
    let mut max = None;
    drive(input, part, |ns, event| {
        if let Event::Start(e) | Event::Empty(e) = event {
            if ns.is_w() && e.local_name().as_ref() == "comment" {
                let id = attr(&e, "id", part)?.and_then(|v| v.trim().parse::<i64>().ok());
                max = max.max(id);
            }
        }
        Ok(())
    })?;
    Ok(max)
}

/// The root element of a part: its prefix with a colon ("w:", or "" for a default
/// namespace), and its namespace.
pub(super) struct Root {
    pub prefix: String,
    pub ns: Ns,
}

/// The part copied event by event, with `content` (given the root) added as the last
/// children of the root element.
pub(super) fn append_to_root(
    input: &mut dyn std::io::BufRead,
    part: &str,
    content: impl Fn(&Root) -> Result<String, ReviewError>,
) -> Result<Vec<u8>, ReviewError> {
    let mut out = Writer::new(Vec::new());
    let mut depth = 0usize;
    let mut root = None;
    let io = |e: std::io::Error| xml_error(part, e.to_string());
    drive(input, part, |ns, event| {
        match event {
            Event::Start(e) => {
                if depth == 0 {
                    root = Some(Root {
                        prefix: qualify(prefix_of(e.name().as_ref())),
                        ns,
                    });
                }
                depth += 1;
                out.write_event(Event::Start(e)).map_err(io)?;
            }
            Event::Empty(e) if depth == 0 => {
                let here = Root {
                    prefix: qualify(prefix_of(e.name().as_ref())),
                    ns,
                };
                out.write_event(Event::Start(e.borrow())).map_err(io)?;
                out.get_mut().extend_from_slice(content(&here)?.as_bytes());
                out.write_event(Event::End(e.to_end())).map_err(io)?;
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some(root) = &root {
                        out.get_mut().extend_from_slice(content(root)?.as_bytes());
                    }
                }
                out.write_event(Event::End(e)).map_err(io)?;
            }
            other => out.write_event(other).map_err(io)?,
        }
        Ok(())
    })?;
    Ok(out.into_inner())
}
