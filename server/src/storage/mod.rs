//! Local storage: one SQLite database under `SALESDESK_DATA_DIR`, migrated on open. Holds
//! what SalesDesk itself must remember: the write outbox, user accounts, sessions and the
//! audit log. Every SQL statement of SalesDesk is in this module; each function answers a
//! [`StorageError`].

pub mod audit;
pub mod bulk_jobs;
pub mod error;
pub mod follow_up_plans;
pub mod outbox;
pub mod recent_views;
pub mod saved_views;
pub mod sessions;
pub mod users;

use std::collections::HashSet;
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use error::StorageError;

pub const DATABASE_FILE: &str = "salesdesk.sqlite3";

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    /// Customers with at least one outbox row. Every customer page shows its writes; most
    /// customers have none, and asking SQLite anyway (a hop to its worker thread and back)
    /// was half the cost of a cached customer page. Loaded at open, added to before each
    /// enqueue; SalesDesk is the only process that writes the outbox.
    customers_with_writes: Arc<RwLock<HashSet<String>>>,
    /// Counts changes to the outbox, each after it is committed: what was computed from the
    /// outbox at one count (the customer page, see `services::detail_memo`) still holds
    /// while the count is unchanged.
    outbox_changes: Arc<AtomicU64>,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and applies migrations.
    pub async fn open(data_dir: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StorageError::CreateDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = data_dir.join(DATABASE_FILE);
        let cannot_open = |source| StorageError::Open {
            path: path.clone(),
            source,
        };
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(cannot_open)?
            .create_if_missing(true)
            // WAL + synchronous=FULL: a committed write survives a crash or `kill -9`.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(cannot_open)?;
        Self::migrate(pool).await
    }

    /// A private in-memory database, for tests.
    pub async fn open_in_memory() -> Result<Self, StorageError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
        // One connection: each in-memory connection would otherwise be its own database.
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
        Self::migrate(pool).await
    }

    async fn migrate(pool: SqlitePool) -> Result<Self, StorageError> {
        sqlx::migrate!("./migrations").run(&pool).await?;
        let keys: Vec<String> = sqlx::query_scalar("SELECT DISTINCT customer_key FROM outbox")
            .fetch_all(&pool)
            .await?;
        Ok(Store {
            pool,
            customers_with_writes: Arc::new(RwLock::new(keys.into_iter().collect())),
            outbox_changes: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Whether the outbox may hold writes for this customer (never a false "no").
    pub(crate) fn may_have_writes(&self, customer_key: &str) -> bool {
        // A poisoned lock only means a panic elsewhere mid-insert: ask SQLite to be safe.
        self.customers_with_writes.read().map_or(true, |keys| keys.contains(customer_key))
    }

    pub(crate) fn note_writes_for(&self, customer_key: &str) {
        if let Ok(mut keys) = self.customers_with_writes.write()
            && !keys.contains(customer_key)
        {
            keys.insert(customer_key.to_string());
        }
    }

    /// How many outbox changes this process has committed; read it before reading the outbox.
    pub fn outbox_version(&self) -> u64 {
        self.outbox_changes.load(Ordering::SeqCst)
    }

    /// After every outbox statement that committed a change.
    pub(crate) fn outbox_changed(&self) {
        self.outbox_changes.fetch_add(1, Ordering::SeqCst);
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}
