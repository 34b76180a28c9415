//! When each line of a file was last changed, from git, so the HTML report can list the
//! longest-standing findings first.
//!
//! One `git blame --porcelain` per file that has findings, run only when asked. Anything
//! that goes wrong (git missing, the file outside a repository, not yet committed) gives
//! no dates, quietly: the report then falls back to document order.

use crate::par::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// For each line of one file (index 0 is line 1), the time in seconds since 1970 of
/// the commit that last changed it; None for a line not yet committed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineTimes(pub Vec<Option<i64>>);

impl LineTimes {
    /// The time of 1-based `line`, if it is committed.
    pub fn at(&self, line: usize) -> Option<i64> {
        self.0.get(line.checked_sub(1)?).copied().flatten()
    }
}

/// Line times of files, by the path as the report shows it.
pub type History = HashMap<String, LineTimes>;

/// Blames each of `paths` (as shown in the report, relative to the current folder), in
/// parallel; files git knows nothing about are left out.
pub fn of_files(paths: &[&str]) -> History {
    paths
        .par_iter()
        .filter_map(|p| blame(Path::new(p)).map(|t| (p.to_string(), t)))
        .collect()
}

/// `git blame --porcelain` of one file, parsed; None if git cannot say.
pub fn blame(path: &Path) -> Option<LineTimes> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name()?;
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["blame", "--porcelain", "--"])
        .arg(name)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    parse_porcelain(&String::from_utf8_lossy(&out.stdout))
}

/// Parses `git blame --porcelain`: each line of the file comes as a header
/// `SHA ORIG FINAL [COUNT]`, the commit's details the first time that commit appears
/// (`author-time SECONDS` among them), then the line itself after a tab.
pub fn parse_porcelain(text: &str) -> Option<LineTimes> {
    let mut times: HashMap<&str, i64> = HashMap::new();
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut current: Option<(&str, usize)> = None;
    for line in text.lines() {
        if line.starts_with('\t') {
            if let Some(c) = current.take() {
                lines.push((c.1, c.0));
            }
            continue;
        }
        let mut words = line.split(' ');
        let first = words.next().unwrap_or("");
        if first.len() == 40 && first.bytes().all(|b| b.is_ascii_hexdigit()) {
            let fin = words.nth(1).and_then(|w| w.parse::<usize>().ok())?;
            current = Some((first, fin));
        } else if let (Some(rest), Some((sha, _))) = (line.strip_prefix("author-time "), current) {
            if let Ok(t) = rest.trim().parse::<i64>() {
                times.insert(sha, t);
            }
        }
    }
    let count = lines.iter().map(|l| l.0).max()?;
    let mut out = vec![None; count];
    for (at, sha) in lines {
        // Lines not yet committed belong to the all-zero commit.
        if sha.bytes().any(|b| b != b'0') {
            out[at - 1] = times.get(sha).copied();
        }
    }
    Some(LineTimes(out))
}

/// A time in seconds since 1970 as a UTC date, `YYYY-MM-DD`.
pub fn date(seconds: i64) -> String {
    // Days to a civil date: Howard Hinnant's algorithm (proleptic Gregorian calendar).
    let z = seconds.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(1_709_251_199), "2024-02-29");
        assert_eq!(date(1_709_251_200), "2024-03-01");
        assert_eq!(date(-86_400), "1969-12-31");
    }

    #[test]
    fn porcelain_gives_each_line_its_commit_time() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let zero = "0".repeat(40);
        let text = format!(
            "{a} 1 1 2\nauthor A\nauthor-time 100\nsummary one\nfilename x.md\n\tfirst\n\
             {a} 2 2\n\tsecond\n\
             {b} 3 3 1\nauthor B\nauthor-time 200\nfilename x.md\n\tthird\n\
             {zero} 4 4 1\nauthor Not Committed Yet\nauthor-time 300\nfilename x.md\n\tfourth\n"
        );
        let t = parse_porcelain(&text).unwrap_or_default();
        assert_eq!(t.0, vec![Some(100), Some(100), Some(200), None]);
        assert_eq!(t.at(3), Some(200));
        assert_eq!(t.at(0), None);
        assert_eq!(t.at(9), None);
        assert_eq!(parse_porcelain(""), None);
    }
}
