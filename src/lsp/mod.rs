//! `tenderlint lsp`: a language server over standard input and output.

pub mod fixes;
pub mod text;
