//! The optional TOML configuration file (path in `SALESDESK_CONFIG` or `--config`). Every key
//! is a setting's `toml_key`; the environment wins. Unknown keys and values of the wrong type
//! are an error at the line they are on, so a typo cannot silently leave a setting at its
//! default. Errors quote key names, never values: a value may be a secret.

use std::collections::BTreeSet;

use super::error::ConfigError;
use super::setting::Named;

/// Parses `text` and checks it against the declared settings (`schema`: every setting with a
/// TOML key, vendor templates filled in).
pub fn parse(text: &str, path: &str, schema: &[Named]) -> Result<toml::Table, ConfigError> {
    // Only the message and line: toml's default rendering quotes the source line, which
    // could hold a secret.
    let table: toml::Table = toml::from_str(text).map_err(|e| ConfigError::File {
        path: path.to_string(),
        line: e.span().map(|s| line_at(text, s.start)),
        message: redact_values(e.message()),
    })?;
    check(&table, "", schema).map_err(|(key, message)| ConfigError::File {
        path: path.to_string(),
        line: line_of_key(text, &key),
        message,
    })?;
    Ok(table)
}

/// The first key (dotted) that no setting declares or whose value has the wrong type.
fn check(table: &toml::Table, prefix: &str, schema: &[Named]) -> Result<(), (String, String)> {
    for (key, value) in table {
        let dotted = format!("{prefix}{key}");
        if let Some(s) = schema.iter().find(|s| s.toml_key.as_deref() == Some(dotted.as_str())) {
            if !s.setting.kind.accepts(value) {
                return Err((
                    dotted.clone(),
                    format!(
                        "invalid type for `{dotted}`: {}, expected {}",
                        value.type_str(),
                        s.setting.kind.toml_type()
                    ),
                ));
            }
            continue;
        }
        let nested = format!("{dotted}.");
        let is_section = schema.iter().any(|s| s.toml_key.as_deref().is_some_and(|k| k.starts_with(&nested)));
        match value {
            toml::Value::Table(inner) if is_section => check(inner, &nested, schema)?,
            _ if is_section => return Err((dotted.clone(), format!("invalid type for `[{dotted}]`: expected a table"))),
            _ => {
                let expected: BTreeSet<&str> = schema
                    .iter()
                    .filter_map(|s| s.toml_key.as_deref()?.strip_prefix(prefix))
                    .map(|rest| rest.split('.').next().unwrap_or(rest))
                    .collect();
                let expected: Vec<String> = expected.iter().map(|k| format!("`{k}`")).collect();
                let section = prefix.trim_end_matches('.');
                let place = if section.is_empty() {
                    String::new()
                } else {
                    format!(" in [{section}]")
                };
                return Err((
                    dotted.clone(),
                    format!("unknown field `{key}`{place}, expected one of {}", expected.join(", ")),
                ));
            }
        }
    }
    Ok(())
}

fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Where a dotted key is written, from a second, span-keeping parse (errors are rare).
fn line_of_key(text: &str, dotted: &str) -> Option<usize> {
    let doc = toml::de::DeTable::parse(text).ok()?;
    let mut table = doc.get_ref();
    let mut parts = dotted.split('.').peekable();
    while let Some(part) = parts.next() {
        let (key, value) = table.iter().find(|(k, _)| k.get_ref() == part)?;
        if parts.peek().is_none() {
            return Some(line_at(text, key.span().start));
        }
        table = value.get_ref().as_table()?;
    }
    None
}

/// toml's "invalid type: integer `12345678`, expected a string" quotes the value, which may
/// be a secret; unknown-key messages quote only key names and are kept whole.
fn redact_values(message: &str) -> String {
    if !message.starts_with("invalid ") {
        return message.to_string();
    }
    let mut out = String::with_capacity(message.len());
    for (i, part) in message.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("`…`");
        } else {
            out.push_str(part);
        }
    }
    out
}
