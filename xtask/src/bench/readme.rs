//! Copies the headline of the latest bench report into the README, between
//! two marker lines, so the README always shows the table the last full run
//! produced, with its machine and the command that reproduces it.

use std::path::Path;

const START: &str = "<!-- bench:start (written by cargo xtask bench) -->";
const END: &str = "<!-- bench:end -->";

/// Replaces the README's bench block with the headline of `report` (the text
/// of `bench/results/latest.md`).
pub fn update(readme: &Path, report: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(readme)
        .map_err(|err| format!("cannot read {}: {err}", readme.display()))?;
    let updated = splice(&text, &headline(report))?;
    std::fs::write(readme, updated)
        .map_err(|err| format!("cannot write {}: {err}", readme.display()))
}

/// The run's facts (machine, command, commit) and four tables: results,
/// against the hop, WebTransport, and targets.
fn headline(report: &str) -> String {
    let mut out = Vec::new();
    let mut section = "";
    let mut last_section = None;
    for line in report.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            section = title;
            continue;
        }
        let keep = match section {
            "" => ["- machine:", "- reproduce:", "- commit:"]
                .iter()
                .any(|p| line.starts_with(p)),
            "Results"
            | "Against the hop"
            | "WebTransport"
            | "Targets (reported, never asserted)" => line.starts_with('|'),
            _ => false,
        };
        if keep {
            // A blank line between the facts and each table.
            if last_section.is_some_and(|last| last != section) {
                out.push("");
            }
            last_section = Some(section);
            out.push(line);
        }
    }
    out.join("\n")
}

/// `readme` with the text between the markers replaced by `block`.
fn splice(readme: &str, block: &str) -> Result<String, String> {
    let start = readme
        .find(START)
        .ok_or_else(|| format!("README has no line {START}"))?
        + START.len();
    let end = readme[start..]
        .find(END)
        .ok_or_else(|| format!("README has no line {END}"))?
        + start;
    Ok(format!("{}\n{block}\n{}", &readme[..start], &readme[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "# Relay benchmark\n\n- machine: 2 cores\n- reproduce: `cargo xtask bench`\n- commit: `abc`\n- 3 rounds\n\n## Results\n\nintro\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## Targets (reported, never asserted)\n\n| t | m |\n|---|---|\n| x | y |\n\n## CPU\n\n| c |\n";

    #[test]
    fn keeps_the_facts_and_both_tables() {
        let block = headline(REPORT);
        assert_eq!(
            block,
            "- machine: 2 cores\n- reproduce: `cargo xtask bench`\n- commit: `abc`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n| t | m |\n|---|---|\n| x | y |"
        );
    }

    #[test]
    fn replaces_only_between_the_markers() {
        let readme = format!("before\n{START}\nold\n{END}\nafter\n");
        let out = splice(&readme, "new").unwrap();
        assert_eq!(out, format!("before\n{START}\nnew\n{END}\nafter\n"));
        assert!(splice("no markers", "new").is_err());
    }
}
