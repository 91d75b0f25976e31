//! The one error type of configuration: every variant names the setting (or the file) it is
//! about, and none carries a secret's value.

/// Why the configuration cannot be used. `Display` is the one line an operator sees, starting
/// with the setting's environment variable (or the file and line).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value that does not parse or is out of range.
    #[error("{setting}: {problem}")]
    Invalid { setting: String, problem: String },
    /// A setting another one needs is absent, e.g. half a vendor's credentials.
    #[error("{setting}: missing; {needed_by}")]
    Missing { setting: String, needed_by: String },
    /// The file named by `SALESDESK_CONFIG` (or `--config`) cannot be read.
    #[error("SALESDESK_CONFIG: cannot read {path}: {cause}")]
    Unreadable { path: String, cause: std::io::Error },
    /// The file is not valid TOML, has an unknown key or a value of the wrong type. The
    /// message quotes key names, never values.
    #[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    File {
        path: String,
        line: Option<usize>,
        message: String,
    },
}

impl ConfigError {
    pub fn invalid(setting: impl Into<String>, problem: impl Into<String>) -> Self {
        ConfigError::Invalid {
            setting: setting.into(),
            problem: problem.into(),
        }
    }

    pub fn missing(setting: impl Into<String>, needed_by: impl Into<String>) -> Self {
        ConfigError::Missing {
            setting: setting.into(),
            needed_by: needed_by.into(),
        }
    }

    /// The setting (environment variable) or file the error is about.
    pub fn setting(&self) -> &str {
        match self {
            ConfigError::Invalid { setting, .. } | ConfigError::Missing { setting, .. } => setting,
            ConfigError::Unreadable { .. } => "SALESDESK_CONFIG",
            ConfigError::File { path, .. } => path,
        }
    }
}
