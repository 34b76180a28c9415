//! tenderlint: a linter for health-care tender specifications written in Markdown or Word.
//!
//! Data flows one way, one module per stage:
//!
//! 1. [`files`]: paths -> the documents to check, each read into a [`source::Source`]:
//!    Markdown as UTF-8 text, Word (.docx) through [`docx`] into paragraphs laid out one
//!    per line;
//! 2. [`document`]: a source -> one format-neutral [`document::Document`], parsed once,
//!    its blocks mapped back to byte offsets, with paragraph, section and clause (a long
//!    Markdown document: a [`document::Document`] per piece, [`document::Pieces`]);
//! 3. [`engine`]: one pass applying every rule of a [`rules::RuleSet`] (loaded from
//!    [`builtin`] packs and user files, written in the shared vocabulary of [`concepts`],
//!    configured by [`config`]; its patterns compiled on first use, as far as each
//!    document needs, by [`matcher`], or searched with automata built with the program,
//!    [`exact`] and [`supersets`]); negation and other senses apply to every match;
//! 4. [`diagnostic`]: the findings, with exact spans ([`line_index`]), and
//!    [`metrics`]: figures about each document (outcome focus);
//! 5. [`report`]: findings -> human, machine-readable or HTML output ([`history`] dates
//!    findings from git for the HTML report).
//!
//! [`check`] joins the stages for the `check` and `report` commands; [`cli`] parses arguments;
//! [`lsp`] runs the same stages on editor buffers as a language server; [`review`] writes
//! findings back into a copy of a Word document as review comments.

pub mod baseline;
pub mod builtin;
pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod concepts;
pub mod config;
pub mod diagnostic;
pub mod docs;
pub mod document;
pub mod docx;
pub mod engine;
pub mod error;
pub mod exact;
pub mod excerpt;
pub mod files;
pub mod history;
pub mod input;
pub mod isolate;
pub mod line_index;
#[cfg(feature = "cli")]
pub mod lsp;
pub mod matcher;
pub mod metrics;
#[cfg(feature = "cli")]
pub mod output;
pub mod par;
pub mod report;
pub mod resolve;
pub mod review;
pub mod rules;
pub mod source;
pub mod supersets;
pub mod suppress;
pub mod tender;
