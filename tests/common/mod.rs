//! Helpers shared by the integration tests that run the real binary.
#![allow(dead_code)] // each test crate uses its own subset

use assert_cmd::Command;
use std::path::Path;
use tempfile::TempDir;

/// The built binary, run in `dir`, with colour left to its own decision.
pub fn tenderlint(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tenderlint"));
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

/// A scratch folder holding `files` (path, text), folders created as needed.
pub fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for (name, text) in files {
        write(dir.path(), name, text.as_bytes());
    }
    dir
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
    }
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {name}: {e}"));
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run tenderlint: {e}"));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
