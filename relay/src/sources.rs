//! Where the settings that can change while the relay runs come from: the
//! flags, the `--config` file and the websockify token file, layered in one
//! place. Start-up, a reload and `relay check-config` all read them through
//! [`Sources::read`], so the three can never disagree.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::{
    config::{FileConfig, FileLimits, Limits},
    origin::OriginPolicy,
    targets::{Target, Targets},
    tls::TlsFiles,
};

/// What the flags say about the reloadable settings; each wins over (or adds
/// to) the file's.
#[derive(Debug, Clone, Default)]
pub struct FlagSettings {
    /// `--target NAME=HOST:PORT`, listed after the files' targets.
    pub targets: Vec<String>,
    /// `--public-host`, before the file's `public_hosts`.
    pub public_hosts: Vec<String>,
    /// `--allow-origin`, before the file's `allow_origins`.
    pub allow_origins: Vec<String>,
    /// `--max-message-bytes` and the other limit flags.
    pub limits: FileLimits,
    /// `--tls-cert` and `--tls-key` (over the file's `[tls]`).
    pub tls: Option<TlsFiles>,
}

/// Everything the reloadable settings are read from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `--config FILE`.
    pub config_file: Option<PathBuf>,
    /// `--websockify-token-file FILE`.
    pub websockify_token_file: Option<PathBuf>,
    /// The flags.
    pub flags: FlagSettings,
    /// The demo services the relay hosts itself: listed first, and not
    /// changed by a reload (their listeners run for the relay's life).
    pub builtin_targets: Vec<Target>,
}

/// The settings the sources describe, read and checked.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The file's `listen` (a `--listen` flag wins; a reload cannot move it).
    pub listen: Option<String>,
    /// The built-in targets, the file's, the token file's, then the flags'.
    pub targets: Targets,
    /// Names the relay is reached by besides loopback and its address.
    pub public_hosts: Vec<String>,
    /// Which origins' pages may open sessions.
    pub origins: OriginPolicy,
    /// Limits: the defaults, under the file's, under the flags'.
    pub limits: Limits,
    /// The certificate and key, if the relay serves TLS.
    pub tls: Option<TlsFiles>,
}

impl Sources {
    /// Reads every file and layers the flags over them. An error names the
    /// file (and, where it can, the line) that is wrong.
    pub fn read(&self) -> anyhow::Result<Settings> {
        let file = match &self.config_file {
            Some(path) => FileConfig::load(path)?,
            None => FileConfig::default(),
        };
        let in_file = match &self.config_file {
            Some(path) => format!("in {}", path.display()),
            None => "in the config".to_owned(),
        };
        let mut settings = Settings {
            listen: file.listen.clone(),
            public_hosts: [&self.flags.public_hosts[..], &file.public_hosts[..]].concat(),
            ..Settings::default()
        };
        let mut add = |target: Target| settings.targets.add(target);
        for target in &self.builtin_targets {
            add(target.clone())?;
        }
        for target in file.targets().with_context(|| in_file.clone())? {
            add(target).with_context(|| in_file.clone())?;
        }
        if let Some(path) = &self.websockify_token_file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read websockify token file {}", path.display()))?;
            let targets = crate::websockify::parse_token_file(&text)
                .with_context(|| format!("in {}", path.display()))?;
            for target in targets {
                add(target).with_context(|| format!("in {}", path.display()))?;
            }
        }
        for spec in &self.flags.targets {
            add(Target::parse_spec(spec)?).context("in --target")?;
        }
        for origin in self.flags.allow_origins.iter().chain(&file.allow_origins) {
            settings.origins.allow(origin);
        }
        file.limits.apply(&mut settings.limits);
        self.flags.limits.apply(&mut settings.limits);
        settings.tls = self.flags.tls.clone().or_else(|| {
            let tls = file.tls.as_ref()?;
            let base = self
                .config_file
                .as_deref()
                .and_then(Path::parent)
                .unwrap_or(Path::new("."));
            Some(TlsFiles::new(base.join(&tls.cert), base.join(&tls.key)))
        });
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn flags_layer_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "relay.toml",
            "allow_origins = [\"https://b.example\"]\n\
             [targets]\nredis = \"127.0.0.1:6379\"\n\
             [limits]\nmax_sessions = 5\nmax_sessions_per_ip = 2\n\
             [tls]\ncert = \"c.pem\"\nkey = \"/abs/k.pem\"\n",
        );
        let sources = Sources {
            config_file: Some(file),
            flags: FlagSettings {
                targets: vec!["smtp=127.0.0.1:25".into()],
                allow_origins: vec!["https://a.example".into()],
                limits: FileLimits {
                    max_sessions: Some(9),
                    ..FileLimits::default()
                },
                ..FlagSettings::default()
            },
            builtin_targets: vec![Target::new("echo", "127.0.0.1:7", "").unwrap()],
            ..Sources::default()
        };
        let settings = sources.read().unwrap();
        let names: Vec<_> = settings.targets.iter().map(|t| t.name.clone()).collect();
        assert_eq!(names, ["echo", "redis", "smtp"]);
        assert_eq!(
            settings.origins.allowed,
            ["https://a.example", "https://b.example"]
        );
        assert_eq!(
            (
                settings.limits.max_sessions,
                settings.limits.max_sessions_per_ip
            ),
            (9, 2)
        );
        let tls = settings.tls.unwrap();
        assert_eq!(tls.cert, dir.path().join("c.pem"));
        assert_eq!(tls.key, Path::new("/abs/k.pem"));
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "relay.toml",
            "[targets]\na = \"h:1\"\n\"b/c\" = \"h:2\"\n",
        );
        let sources = Sources {
            config_file: Some(file.clone()),
            ..Sources::default()
        };
        let err = format!("{:#}", sources.read().unwrap_err());
        assert!(
            err.contains(&file.display().to_string()) && err.contains("line 3"),
            "{err}"
        );
        let sources = Sources {
            flags: FlagSettings {
                targets: vec!["a=h:1".into(), "a=h:2".into()],
                ..FlagSettings::default()
            },
            ..Sources::default()
        };
        assert!(format!("{:#}", sources.read().unwrap_err()).contains("defined twice"));
    }
}
