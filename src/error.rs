//! Errors in files the user wrote (rule files, configuration), pointing into the file.

use crate::excerpt::{escape, Excerpt};
use crate::line_index::LineIndex;
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// One problem in a TOML file, with the byte range it is about.
#[derive(Debug, Clone)]
pub struct SourceError {
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub span: Option<Range<usize>>,
    pub src: Box<NamedSource<Arc<str>>>,
    /// The label on `span`, and the lines around it as shown.
    excerpt: Option<Box<(String, Excerpt)>>,
}

impl SourceError {
    pub fn new(file: &TomlFile, code: &'static str, message: impl Into<String>) -> Self {
        SourceError {
            code,
            message: message.into(),
            help: None,
            span: None,
            src: Box::new(file.named()),
            excerpt: None,
        }
    }

    pub fn at(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        let text: &str = self.src.inner();
        let lines = LineIndex::new(text);
        let excerpt = Excerpt::new(self.src.name(), text, &lines, span.clone(), "toml");
        self.excerpt = Some(Box::new((label.into(), excerpt)));
        self.span = Some(span);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // With a span, miette's excerpt header already names the file.
        match self.span {
            Some(_) => f.write_str(&self.message),
            None => write!(f, "{}: {}", escape(self.src.name()), self.message),
        }
    }
}

impl std::error::Error for SourceError {}

impl Diagnostic for SourceError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt.as_deref().map(|(_, e)| e as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (label, excerpt) = self.excerpt.as_deref()?;
        let label = (!label.is_empty()).then(|| label.clone());
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            label,
            excerpt.span(),
        ))))
    }
}

/// The text of a TOML file and the name to show for it.
#[derive(Debug, Clone)]
pub struct TomlFile {
    pub name: String,
    pub text: Arc<str>,
    /// A rule file whose patterns the test suite compiles (the built-in packs): loading
    /// it checks their syntax only, and each compiles on first use.
    pub trusted: bool,
}

impl TomlFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        TomlFile {
            name: name.into(),
            text: text.into(),
            trusted: false,
        }
    }

    pub fn named(&self) -> NamedSource<Arc<str>> {
        NamedSource::new(self.name.clone(), self.text.clone()).with_language("toml")
    }

    /// Deserialises the file, turning a TOML or schema error into a pointed error.
    pub fn parse<T: serde::de::DeserializeOwned>(
        &self,
        code: &'static str,
    ) -> Result<T, SourceError> {
        toml::from_str(&self.text).map_err(|e| {
            let message = e.message().trim_end().to_string();
            let err = SourceError::new(self, code, message.clone());
            match e.span() {
                Some(span) => err.at(span, first_line(&message)),
                None => err,
            }
        })
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

/// Every problem found while loading rule and configuration files.
#[derive(Debug, Default)]
pub struct LoadErrors(pub Vec<SourceError>);

impl LoadErrors {
    pub fn push(&mut self, e: SourceError) {
        self.0.push(e);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn into_result<T>(self, value: T) -> Result<T, LoadErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<SourceError> for LoadErrors {
    fn from(e: SourceError) -> Self {
        LoadErrors(vec![e])
    }
}
