//! websockify's token-file format, so existing setups can switch to this
//! relay: one target per line, `name: host:port`, `#` comments. (websockify
//! selects the target with `?token=name`; this relay serves that on
//! `/websockify?token=name` as well as `/ws/name`.)

use anyhow::{bail, Context};

use crate::targets::Target;

/// Parses a websockify token file.
pub fn parse_token_file(text: &str) -> anyhow::Result<Vec<Target>> {
    let mut targets = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, address)) = line.split_once(':') else {
            bail!(
                "line {}: expected `token: host:port`, got {line:?}",
                number + 1
            );
        };
        let target = Target::new(name.trim(), address.trim(), "from a websockify token file")
            .with_context(|| format!("line {}", number + 1))?;
        targets.push(target);
    }
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_websockify_token_files() {
        let targets =
            parse_token_file("# vnc hosts\nvnc1: 127.0.0.1:5901\n\n  vnc2 :  localhost:5902\n")
                .unwrap();
        let pairs: Vec<_> = targets
            .iter()
            .map(|t| (t.name.as_str(), t.address.to_string()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("vnc1", "127.0.0.1:5901".to_owned()),
                ("vnc2", "localhost:5902".to_owned())
            ]
        );
    }

    #[test]
    fn reports_the_bad_line() {
        let err = parse_token_file("ok: h:1\nnonsense\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        let err = parse_token_file("a/b: h:1\n").unwrap_err();
        assert!(format!("{err:#}").contains("line 1"), "{err:#}");
    }
}
