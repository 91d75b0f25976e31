//! SalesDesk's own storage: the write outbox, user accounts, sessions, the audit log, plans,
//! saved views, bulk jobs, cluster leases and the stored list index. One engine is chosen at
//! start-up: SQLite under `SALESDESK_DATA_DIR` (the embedded default, one instance) or
//! PostgreSQL at `SALESDESK_DATABASE_URL` (shared by several instances). Both run the same
//! statements through sqlx's `Any` driver — written in the SQL both accept (`$1` parameters,
//! 64-bit integers, 0/1 flags, `RETURNING`, `ON CONFLICT`) — and each has its own migrations
//! (`migrations/sqlite`, `migrations/postgres`) for the DDL that differs. Every SQL statement
//! of SalesDesk is in this module; each function answers a [`StorageError`].

pub mod audit;
pub mod bulk_jobs;
pub mod error;
pub mod follow_up_plans;
pub mod form_drafts;
pub mod leases;
pub mod list_snapshots;
pub mod notices;
pub mod outbox;
pub mod recent_views;
pub mod saved_views;
pub mod sessions;
pub mod users;

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

pub use error::StorageError;
pub use notices::Notice;

pub const DATABASE_FILE: &str = "salesdesk.sqlite3";

/// The test suites' PostgreSQL server: when set, [`Store::open_for_tests`] gives each test a
/// database of its own there (`make test` runs the integration suites once per engine).
pub const TEST_DATABASE_URL_ENV: &str = "SALESDESK_TEST_DATABASE_URL";

/// Which database engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// One file, one instance: the embedded default.
    Sqlite,
    /// One server, several instances.
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// Where the store lives.
#[derive(Clone, Debug)]
pub enum Location {
    SqliteDir(std::path::PathBuf),
    /// Held as a secret: the URL may carry a password.
    Postgres(SecretString),
}

/// How the store is opened, from the settings.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    pub location: Location,
    /// How long an instance's claim on an outbox row lasts.
    pub outbox_lease: Duration,
}

impl StoreOptions {
    pub fn from_settings(settings: &crate::config::Settings) -> Self {
        StoreOptions {
            location: match &settings.database_url {
                Some(url) => Location::Postgres(url.clone()),
                None => Location::SqliteDir(settings.data_dir.clone()),
            },
            outbox_lease: Duration::from_secs(settings.outbox_lease_secs),
        }
    }
}

pub const DEFAULT_OUTBOX_LEASE: Duration = Duration::from_secs(60);

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// This process among the instances sharing the database (outbox claims, leases,
    /// notices name it).
    instance: Arc<str>,
    outbox_lease_ms: i64,
    /// Customers with at least one outbox row. Every customer page shows its writes; most
    /// customers have none, and asking the database anyway was half the cost of a cached
    /// customer page. Loaded at open, added to before each enqueue, and — when several
    /// instances share PostgreSQL — from the other instances' notices.
    customers_with_writes: Arc<RwLock<HashSet<String>>>,
    /// Counts changes to the outbox, each after it is committed (here, or by another
    /// instance, as its notice arrives): what was computed from the outbox at one count (the
    /// customer page, see `services::detail_memo`) still holds while the count is unchanged.
    outbox_changes: Arc<AtomicU64>,
    /// Other instances' notices (PostgreSQL only); see [`notices`].
    notices: notices::Hub,
}

/// The data directory (0700) and the database file (0600) readable by SalesDesk's user only:
/// they hold customer data, notes and session hashes. The file is made before SQLite opens
/// it, and SQLite gives its `-wal` and `-shm` files the database file's mode.
fn private_data_files(data_dir: &Path, database: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(data_dir)?;
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))?;
        std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(database)?;
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", database.display()));
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
            }
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(data_dir)?;
        Ok(())
    }
}

impl Store {
    /// Opens the store the settings name and applies its migrations.
    pub async fn connect(options: &StoreOptions) -> Result<Self, StorageError> {
        let mut store = match &options.location {
            Location::SqliteDir(dir) => Self::open(dir).await?,
            Location::Postgres(url) => Self::open_postgres(url).await?,
        };
        store.outbox_lease_ms = options.outbox_lease.as_millis() as i64;
        Ok(store)
    }

    /// Opens (creating if needed) the SQLite database in `data_dir` and applies migrations.
    pub async fn open(data_dir: &Path) -> Result<Self, StorageError> {
        let path = data_dir.join(DATABASE_FILE);
        private_data_files(data_dir, &path).map_err(|source| StorageError::CreateDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let pool = sqlite_pool(&url, 8).await.map_err(|source| StorageError::Open {
            path: path.clone(),
            source,
        })?;
        Self::migrate(pool, Engine::Sqlite).await
    }

    /// A private in-memory SQLite database, for tests.
    pub async fn open_in_memory() -> Result<Self, StorageError> {
        // One connection: each in-memory connection would otherwise be its own database.
        let pool = sqlite_pool("sqlite::memory:", 1).await?;
        Self::migrate(pool, Engine::Sqlite).await
    }

    /// For the integration suites: a fresh PostgreSQL database on the server named by
    /// `SALESDESK_TEST_DATABASE_URL` when it is set, else a private in-memory SQLite one.
    pub async fn open_for_tests() -> Result<Self, StorageError> {
        match test_database_url().await? {
            Some(url) => Self::open_postgres(&SecretString::from(url)).await,
            None => Self::open_in_memory().await,
        }
    }

    /// Connects to PostgreSQL and applies migrations (one instance at a time: sqlx's migrator
    /// holds an advisory lock while it runs, so instances starting together do not race).
    pub async fn open_postgres(url: &SecretString) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url.expose_secret())
            .await
            .map_err(StorageError::Connect)?;
        let store = Self::migrate(pool, Engine::Postgres).await?;
        store.notices.start(url, store.clone()).await.map_err(StorageError::Connect)?;
        Ok(store)
    }

    async fn migrate(pool: AnyPool, engine: Engine) -> Result<Self, StorageError> {
        match engine {
            Engine::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
            Engine::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
        }
        let store = Store {
            pool,
            engine,
            instance: uuid::Uuid::new_v4().simple().to_string().into(),
            outbox_lease_ms: DEFAULT_OUTBOX_LEASE.as_millis() as i64,
            customers_with_writes: Arc::default(),
            outbox_changes: Arc::new(AtomicU64::new(0)),
            notices: notices::Hub::default(),
        };
        store.reload_customers_with_writes().await?;
        Ok(store)
    }

    /// Reads again which customers have writes (at open, and when notices may have been
    /// missed while the listening connection was down).
    pub(crate) async fn reload_customers_with_writes(&self) -> Result<(), StorageError> {
        let keys: Vec<String> = sqlx::query_scalar("SELECT DISTINCT customer_key FROM outbox")
            .fetch_all(&self.pool)
            .await?;
        if let Ok(mut known) = self.customers_with_writes.write() {
            known.extend(keys);
        }
        Ok(())
    }

    /// A second handle on the same database that acts as another instance (unit tests of
    /// leases and claims).
    #[cfg(test)]
    pub(crate) fn as_other_instance(&self) -> Store {
        Store {
            instance: uuid::Uuid::new_v4().simple().to_string().into(),
            ..self.clone()
        }
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// This process's name among the instances sharing the database.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    pub fn outbox_lease_ms(&self) -> i64 {
        self.outbox_lease_ms
    }

    /// Whether the outbox may hold writes for this customer (never a false "no").
    pub(crate) fn may_have_writes(&self, customer_key: &str) -> bool {
        // A poisoned lock only means a panic elsewhere mid-insert: ask the database to be safe.
        self.customers_with_writes.read().map_or(true, |keys| keys.contains(customer_key))
    }

    pub(crate) fn note_writes_for(&self, customer_key: &str) {
        if let Ok(mut keys) = self.customers_with_writes.write()
            && !keys.contains(customer_key)
        {
            keys.insert(customer_key.to_string());
        }
    }

    /// How many outbox changes this process has seen committed; read it before reading the
    /// outbox.
    pub fn outbox_version(&self) -> u64 {
        self.outbox_changes.load(Ordering::SeqCst)
    }

    /// After every outbox statement that committed a change (here or, by its notice, on
    /// another instance).
    pub(crate) fn outbox_changed(&self) {
        self.outbox_changes.fetch_add(1, Ordering::SeqCst);
    }

    /// After this instance committed an outbox change: counted here, and told to the other
    /// instances with the customers that may have writes now.
    pub(crate) async fn outbox_committed(&self, mut new_customers: Vec<String>) {
        self.outbox_changed();
        new_customers.sort_unstable();
        new_customers.dedup();
        self.publish(&Notice::Outbox { new_customers }).await;
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Tells the other instances sharing the database (nothing to tell with SQLite).
    pub async fn publish(&self, notice: &Notice) {
        notices::publish(self, notice).await;
    }

    /// Other instances' notices, as they arrive (none with SQLite).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }
}

/// `$first, $first+1, …` for `count` parameters: an `IN (…)` list both engines accept.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

async fn sqlite_pool(url: &str, max_connections: u32) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .after_connect(|conn, _| {
            Box::pin(async move {
                // WAL + synchronous=FULL: a committed write survives a crash or `kill -9`.
                // busy_timeout: a writer waits for another instead of failing at once.
                for pragma in [
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA synchronous = FULL",
                    "PRAGMA busy_timeout = 5000",
                    "PRAGMA foreign_keys = ON",
                ] {
                    sqlx::query(pragma).execute(&mut *conn).await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
}

/// For tests: the URL of a new, empty database on the PostgreSQL server named by
/// `SALESDESK_TEST_DATABASE_URL`, or `None` when it is not set.
pub async fn test_database_url() -> Result<Option<String>, StorageError> {
    match std::env::var(TEST_DATABASE_URL_ENV) {
        Ok(url) if !url.trim().is_empty() => Ok(Some(create_test_database(&url).await?)),
        _ => Ok(None),
    }
}

/// Creates a database of its own for one test on the server at `server_url`; returns its URL.
async fn create_test_database(server_url: &str) -> Result<String, StorageError> {
    use sqlx::Connection;
    let name = format!("salesdesk_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::postgres::PgConnection::connect(server_url)
        .await
        .map_err(StorageError::Connect)?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await?;
    let _ = admin.close().await;
    let mut url = url::Url::parse(server_url).map_err(|_| StorageError::BadTestUrl)?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_from_the_first() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(placeholders(1, 0), "");
    }

    #[tokio::test]
    async fn sqlite_files_are_opened_with_wal_and_foreign_keys() {
        let dir = std::env::temp_dir().join(format!("salesdesk-store-{}", uuid::Uuid::new_v4().simple()));
        let store = Store::open(&dir).await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(store.pool()).await.unwrap();
        let keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(store.pool()).await.unwrap();
        assert_eq!((mode.as_str(), keys), ("wal", 1));
        assert_eq!(store.engine(), Engine::Sqlite);
        // Write something so the WAL files exist, then check every file is the owner's only.
        sqlx::query("SELECT COUNT(*) FROM users").fetch_one(store.pool()).await.unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir), 0o700, "the data directory");
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                assert_eq!(mode(&path), 0o600, "{}", path.display());
            }
        }
        store.pool().close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
