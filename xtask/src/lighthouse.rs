//! `cargo xtask lighthouse [--runs N]`: builds the page and the release
//! relay, installs Lighthouse 12 from npm (into `target/lighthouse`, once),
//! starts the relay on a free port with every built-in service on a free
//! port, and audits the page N times (default 3) with Lighthouse's mobile
//! preset in Debian's Chromium. Writes the median score of each category,
//! the bytes over the wire and every audit that kept a category below 100
//! to `bench/results/lighthouse.{md,json}`. Not part of `cargo xtask test`:
//! scores depend on the machine's load.

use std::{fs, path::Path, process::Command, time::Duration};

use crate::{
    bench::{
        commit,
        procs::{free_port, run_with_timeout, Service},
        target_dir,
    },
    build_page,
    setup::{self, which},
    sh::{cargo, repo_root, step, Cmd},
};

/// The Lighthouse the issue's baseline was measured with.
const LIGHTHOUSE_NPM: &str = "lighthouse@12";
const LIGHTHOUSE_MAJOR: &str = "12.";
/// Runs without `--runs`.
const DEFAULT_RUNS: usize = 3;
/// One audit takes ~25 s here; past this it is stuck.
const RUN_LIMIT: Duration = Duration::from_secs(240);

/// Reads one report: a line per category (`category id score`), the bytes
/// transferred (`bytes N`), then a line per audit that cost points
/// (`audit category id score title`). Node is on the machine with npm.
const SUMMARIZE: &str = r#"
const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
for (const [id, c] of Object.entries(r.categories)) console.log(`category\t${id}\t${c.score}`);
console.log(`bytes\t${r.audits['total-byte-weight'].numericValue}`);
for (const c of Object.values(r.categories)) for (const ref of c.auditRefs) {
  const a = r.audits[ref.id];
  if (ref.weight > 0 && a.score !== null && a.score < 1)
    console.log(`audit\t${c.id}\t${ref.id}\t${a.score}\t${a.title} ${a.displayValue || ''}`);
}
"#;

fn parse(args: &[String]) -> Result<usize, String> {
    match args {
        [] => Ok(DEFAULT_RUNS),
        [flag, n] if flag == "--runs" => n
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("bad --runs {n}")),
        _ => Err(format!("lighthouse: unknown options {args:?}")),
    }
}

/// The Lighthouse command, installed under `target/` if it is missing.
fn lighthouse() -> Result<std::path::PathBuf, String> {
    let prefix = target_dir().join("lighthouse");
    let bin = prefix.join("node_modules/.bin/lighthouse");
    let version = Cmd::new(&bin).arg_version().output().unwrap_or_default();
    if !version.starts_with(LIGHTHOUSE_MAJOR) {
        step(&format!("installing {LIGHTHOUSE_NPM} (npm)"));
        fs::create_dir_all(&prefix).map_err(|err| format!("{}: {err}", prefix.display()))?;
        Cmd::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(LIGHTHOUSE_NPM)
            .run()?;
    }
    Ok(bin)
}

/// One category's scores over the runs, and their median.
struct Category {
    id: String,
    scores: Vec<f64>,
}

impl Category {
    fn median(&self) -> f64 {
        median(&self.scores)
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// What the runs found.
#[derive(Default)]
struct Findings {
    categories: Vec<Category>,
    bytes: Vec<f64>,
    /// `category\tid\ttitle`, each audit once, in the order first seen.
    audits: Vec<String>,
}

impl Findings {
    fn add(&mut self, summary: &str) {
        for line in summary.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["category", id, score] => {
                    let score = score.parse().unwrap_or(0.0);
                    match self.categories.iter_mut().find(|c| c.id == *id) {
                        Some(c) => c.scores.push(score),
                        None => self.categories.push(Category {
                            id: (*id).to_owned(),
                            scores: vec![score],
                        }),
                    }
                }
                ["bytes", n] => self.bytes.push(n.parse().unwrap_or(0.0)),
                ["audit", category, id, _score, title] => {
                    // Once per audit: the first run's words for it.
                    let key = format!("{category}\t{id}\t");
                    if !self.audits.iter().any(|a| a.starts_with(&key)) {
                        self.audits.push(format!("{key}{title}"));
                    }
                }
                _ => {}
            }
        }
    }

    fn markdown(&self, runs: usize, url_note: &str) -> String {
        let mut md = String::from("# Lighthouse\n\n");
        md.push_str(&format!(
            "- reproduce: `cargo xtask lighthouse --runs {runs}` ({LIGHTHOUSE_NPM}, mobile preset, Debian's Chromium, headless)\n"
        ));
        if let Some(commit) = commit() {
            md.push_str(&format!("- commit: `{commit}`\n"));
        }
        md.push_str(&format!("- {url_note}\n"));
        md.push_str(&format!(
            "- load average at the end: {}\n\n",
            load_average()
        ));
        md.push_str("| category | median | runs |\n|---|---:|---|\n");
        for c in &self.categories {
            let runs: Vec<String> = c
                .scores
                .iter()
                .map(|s| format!("{:.0}", s * 100.0))
                .collect();
            md.push_str(&format!(
                "| {} | {:.0} | {} |\n",
                c.id,
                c.median() * 100.0,
                runs.join(", ")
            ));
        }
        if !self.bytes.is_empty() {
            md.push_str(&format!(
                "\nOver the wire (Lighthouse's total byte weight, median): {:.0} KB\n",
                median(&self.bytes) / 1000.0
            ));
        }
        if self.audits.is_empty() {
            md.push_str("\nNo audit cost a point in any run.\n");
        } else {
            md.push_str("\n## Audits that cost points in at least one run\n\n| category | audit | what |\n|---|---|---|\n");
            for audit in &self.audits {
                let f: Vec<&str> = audit.splitn(3, '\t').collect();
                md.push_str(&format!("| {} | `{}` | {} |\n", f[0], f[1], f[2].trim()));
            }
        }
        md
    }

    fn json(&self) -> String {
        let categories: Vec<String> = self
            .categories
            .iter()
            .map(|c| {
                let runs: Vec<String> = c.scores.iter().map(f64::to_string).collect();
                format!(
                    "\"{}\":{{\"median\":{},\"runs\":[{}]}}",
                    c.id,
                    c.median(),
                    runs.join(",")
                )
            })
            .collect();
        let audits: Vec<String> = self
            .audits
            .iter()
            .map(|a| json_string(&a.replace('\t', " ")))
            .collect();
        let bytes = if self.bytes.is_empty() {
            "null".to_owned()
        } else {
            median(&self.bytes).to_string()
        };
        format!(
            "{{\"categories\":{{{}}},\"bytes\":{bytes},\"audits\":[{}]}}\n",
            categories.join(","),
            audits.join(",")
        )
    }
}

/// `s` as a JSON string literal. Rust's `{:?}` is not JSON: it writes
/// `\u{a0}` for the no-break space Lighthouse puts in "2.1 s".
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Runs the audits.
pub fn run(args: &[String]) -> Result<(), String> {
    let runs = parse(args)?;
    setup::build_tools()?;
    setup::test_tools()?;
    build_page()?;
    step("building the relay with the page embedded (release)");
    cargo(["build", "--release", "-p", "relay"]).run()?;
    let lighthouse = lighthouse()?;
    let chromium = which("chromium").ok_or("chromium is missing (cargo xtask setup)")?;

    let results = repo_root().join("bench/results");
    let logs = results.join("logs");
    fs::create_dir_all(&logs).map_err(|err| format!("{}: {err}", logs.display()))?;
    let port = free_port()?;
    let listen = format!("127.0.0.1:{port}");
    let mut relay_args = vec!["--listen".to_owned(), listen.clone()];
    for service in ["echo", "recorder", "chat", "quotes", "game", "lamp"] {
        relay_args.extend([format!("--{service}-listen"), "127.0.0.1:0".to_owned()]);
    }
    let relay_bin = target_dir().join("release/relay");
    let relay_log = logs.join("lighthouse-relay.log");
    let _relay = Service::start("relay", &relay_bin, &relay_args, &relay_log, port)?;

    let url = format!("http://{listen}/");
    let mut findings = Findings::default();
    for round in 1..=runs {
        step(&format!("Lighthouse run {round} of {runs} against {url}"));
        let report = logs.join(format!("lighthouse-{round}.json"));
        let mut audit = Command::new(&lighthouse);
        audit
            .arg(&url)
            .args([
                "--quiet",
                "--output=json",
                "--chrome-flags=--headless=new --no-sandbox",
            ])
            .arg(format!("--output-path={}", report.display()))
            .env("CHROME_PATH", &chromium);
        run_with_timeout(audit, RUN_LIMIT)?;
        let summary = summarize(&report)?;
        findings.add(&summary);
    }
    let note = "the page served by the release relay on 127.0.0.1 (loopback: Lighthouse's simulated mobile network and 4× CPU slowdown still apply)";
    let md = findings.markdown(runs, note);
    write(&results.join("lighthouse.md"), &md)?;
    write(&results.join("lighthouse.json"), &findings.json())?;
    println!("\n{md}");
    println!(
        "wrote {0}/lighthouse.md and lighthouse.json",
        results.display()
    );
    Ok(())
}

fn summarize(report: &Path) -> Result<String, String> {
    Cmd::new("node")
        .args(["-e", SUMMARIZE])
        .arg(report)
        .output()
        .filter(|s| s.contains("category\t"))
        .ok_or_else(|| format!("cannot read the Lighthouse report {}", report.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_take_the_median_and_list_each_audit_once() {
        let mut findings = Findings::default();
        for (score, bytes) in [("0.9", "300000"), ("1", "200000"), ("0.95", "250000")] {
            findings.add(&format!(
                "category\tperformance\t{score}\nbytes\t{bytes}\naudit\tseo\tmeta-description\t0\tNo meta description {bytes}\n"
            ));
        }
        assert_eq!(findings.categories.len(), 1);
        assert_eq!(findings.categories[0].median(), 0.95);
        assert_eq!(median(&findings.bytes), 250000.0);
        assert_eq!(findings.audits.len(), 1);
        let md = findings.markdown(3, "note");
        assert!(md.contains("| performance | 95 | 90, 100, 95 |"), "{md}");
        assert!(md.contains("250 KB"), "{md}");
        assert!(md.contains("`meta-description`"), "{md}");
        assert!(findings.json().contains("\"performance\":{\"median\":0.95"));
    }

    #[test]
    fn audit_titles_are_json_strings() {
        assert_eq!(
            json_string("LCP 2.1\u{a0}s \"q\" a\\b\nc\u{1}"),
            "\"LCP 2.1\u{a0}s \\\"q\\\" a\\\\b\\nc\\u0001\""
        );
    }
}
