//! What can go wrong reading or writing the local database.
//!
//! Display texts never repeat their source: a report walks the chain (see
//! `crate::errors::report`), so each link says only what it adds.

use std::path::PathBuf;

/// A failure of a storage function.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// `SALESDESK_DATA_DIR` cannot be created.
    #[error("SALESDESK_DATA_DIR: cannot create {}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The database file cannot be opened (or its path is not one SQLite accepts).
    #[error("SALESDESK_DATA_DIR: cannot open {}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    /// PostgreSQL cannot be reached or refuses the credentials. The URL is a secret (it may
    /// hold a password) and is never quoted.
    #[error("SALESDESK_DATABASE_URL: cannot connect to PostgreSQL")]
    Connect(#[source] sqlx::Error),
    /// `SALESDESK_TEST_DATABASE_URL` is not a URL.
    #[error("SALESDESK_TEST_DATABASE_URL is not a postgres:// URL")]
    BadTestUrl,
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database error; its own text says what failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Usernames are unique (case-insensitively).
    #[error("a user named \"{0}\" already exists")]
    UsernameTaken(String),
    /// A stored value this version does not know (a role, a vendor).
    #[error("{column}: unknown value {value:?}")]
    UnknownValue { column: &'static str, value: String },
    /// A JSON column that cannot be written or read back.
    #[error("{column}: bad JSON")]
    Json {
        column: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// A stored list whose parts do not add up (the database was changed by hand).
    #[error("stored list {name} has {read} of its {parts} parts")]
    MissingParts { name: String, read: i64, parts: i64 },
    /// A row written a moment ago could not be read back.
    #[error("{0} vanished right after it was written")]
    Vanished(&'static str),
}
