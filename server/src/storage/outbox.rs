//! The durable write outbox: every remark or note a rep submits is committed here before any
//! vendor sees it. The delivery worker (`services::delivery`) claims due items, sends them,
//! and records the outcome; state is visible on the customer page and to admins.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyArguments;
use sqlx::any::{AnyQueryResult, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, Row};

use super::{Engine, StorageError, Store, placeholders};
use crate::vendors::CustomerRef;
use app::domain::VendorId;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WritePayload {
    Remark {
        remark: Option<String>,
        description: Option<String>,
    },
    Note {
        text: String,
        at_ms: i64,
    },
}

impl WritePayload {
    /// The stored kind (`outbox.kind`, `bulk_jobs.kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            WritePayload::Remark { .. } => "remark",
            WritePayload::Note { .. } => "note",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    Pending,
    Delivering,
    Delivered,
    Failed,
}

impl OutboxState {
    fn parse(s: &str) -> Self {
        match s {
            "delivering" => OutboxState::Delivering,
            "delivered" => OutboxState::Delivered,
            "failed" => OutboxState::Failed,
            _ => OutboxState::Pending,
        }
    }
}

/// A write to queue.
#[derive(Clone, Debug)]
pub struct NewWrite {
    pub idempotency_key: String,
    pub vendor: VendorId,
    pub customer_key: String,
    pub target: CustomerRef,
    pub payload: WritePayload,
    pub author: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OutboxItem {
    pub id: i64,
    pub idempotency_key: String,
    pub vendor: VendorId,
    pub customer_key: String,
    pub target: CustomerRef,
    pub payload: WritePayload,
    pub author: Option<String>,
    pub state: OutboxState,
    pub attempts: i64,
    pub uncertain: bool,
    pub last_error: Option<String>,
    pub vendor_record_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub next_attempt_at: i64,
}

/// A delivery attempt's outcome, to record.
#[derive(Clone, Debug, PartialEq)]
pub enum Recorded {
    Delivered {
        vendor_record_id: Option<String>,
    },
    /// Another attempt at `next_attempt_at`; `uncertain` when this one may have arrived.
    Retry {
        error: String,
        uncertain: bool,
        next_attempt_at: i64,
    },
    Failed {
        error: String,
    },
}

const COLUMNS: &str = "id, idempotency_key, vendor, customer_key, target_json, payload_json, author, state, attempts, uncertain, last_error, vendor_record_id, created_at, updated_at, next_attempt_at";

fn from_row(row: &AnyRow) -> Result<OutboxItem, StorageError> {
    let vendor: String = row.get("vendor");
    let target: String = row.get("target_json");
    let payload: String = row.get("payload_json");
    Ok(OutboxItem {
        id: row.get("id"),
        idempotency_key: row.get("idempotency_key"),
        vendor: VendorId::from_slug(&vendor).ok_or(StorageError::UnknownValue {
            column: "outbox.vendor",
            value: vendor,
        })?,
        customer_key: row.get("customer_key"),
        target: from_json("outbox.target_json", &target)?,
        payload: from_json("outbox.payload_json", &payload)?,
        author: row.get("author"),
        state: OutboxState::parse(row.get::<String, _>("state").as_str()),
        attempts: row.get("attempts"),
        uncertain: row.get::<i64, _>("uncertain") != 0,
        last_error: row.get("last_error"),
        vendor_record_id: row.get("vendor_record_id"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
        next_attempt_at: row.get("next_attempt_at"),
    })
}

fn from_json<T: serde::de::DeserializeOwned>(column: &'static str, text: &str) -> Result<T, StorageError> {
    serde_json::from_str(text).map_err(|source| StorageError::Json { column, source })
}

fn to_json(column: &'static str, value: &impl Serialize) -> Result<String, StorageError> {
    serde_json::to_string(value).map_err(|source| StorageError::Json { column, source })
}

/// Binds `ids` after a statement's other parameters, for an `IN (…)` list written with
/// `placeholders`.
fn bind_ids<'q>(mut query: Query<'q, Any, AnyArguments<'q>>, ids: &[i64]) -> Query<'q, Any, AnyArguments<'q>> {
    for id in ids {
        query = query.bind(*id);
    }
    query
}

/// Whether a statement's result says it changed rows.
trait Changes {
    fn changed_rows(&self) -> bool;
}

impl Changes for AnyQueryResult {
    fn changed_rows(&self) -> bool {
        self.rows_affected() > 0
    }
}

/// `UPDATE … RETURNING`: the rows it changed.
impl Changes for Vec<AnyRow> {
    fn changed_rows(&self) -> bool {
        !self.is_empty()
    }
}

impl Changes for Option<AnyRow> {
    fn changed_rows(&self) -> bool {
        self.is_some()
    }
}

/// A committed transaction of inserts (which may all have been idempotent repeats: counted
/// anyway, costing one needless recomputation).
impl Changes for () {
    fn changed_rows(&self) -> bool {
        true
    }
}

impl Store {
    /// Runs one outbox statement and counts it (see `Store::outbox_version`) once it has
    /// committed a change. One that changed no row — the delivery worker's poll every two
    /// seconds finding nothing due — or that failed (a statement is atomic) leaves every
    /// customer page computed from the outbox valid.
    async fn counted<T: Changes>(&self, statement: impl Future<Output = Result<T, sqlx::Error>>) -> Result<T, sqlx::Error> {
        let out = statement.await;
        if out.as_ref().is_ok_and(Changes::changed_rows) {
            self.outbox_committed(Vec::new()).await;
        }
        out
    }

    /// Queues writes in one transaction. A write whose idempotency key is already queued is
    /// not queued again; the existing item is returned in its place.
    pub async fn enqueue(&self, writes: &[NewWrite], now_ms: i64) -> Result<Vec<OutboxItem>, StorageError> {
        // Before the commit, so a page read right after it cannot skip the new rows.
        for w in writes {
            self.note_writes_for(&w.customer_key);
        }
        let mut tx = self.pool().begin().await?;
        let ids = Self::insert_writes(&mut tx, writes, now_ms).await?;
        tx.commit().await?;
        self.outbox_committed(writes.iter().map(|w| w.customer_key.clone()).collect()).await;
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            items.push(self.outbox_item(id).await?.ok_or(StorageError::Vanished("a queued outbox item"))?);
        }
        Ok(items)
    }

    /// Inserts writes inside the caller's transaction (a bulk job commits them with the job);
    /// returns their ids, an already queued item's for a repeated idempotency key. The caller
    /// notes the customers first (`note_writes_for`) and counts the commit.
    pub(super) async fn insert_writes(tx: &mut AnyConnection, writes: &[NewWrite], now_ms: i64) -> Result<Vec<i64>, StorageError> {
        let mut ids = Vec::with_capacity(writes.len());
        for w in writes {
            let target = to_json("outbox.target_json", &w.target)?;
            let payload = to_json("outbox.payload_json", &w.payload)?;
            let inserted: Option<i64> = sqlx::query_scalar(
                "INSERT INTO outbox (idempotency_key, kind, vendor, customer_key, target_json, payload_json, author, state, created_at, updated_at, next_attempt_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
            )
            .bind(&w.idempotency_key)
            .bind(w.payload.kind())
            .bind(w.vendor.slug())
            .bind(&w.customer_key)
            .bind(target)
            .bind(payload)
            .bind(&w.author)
            .bind(now_ms)
            .bind(now_ms)
            .bind(now_ms)
            .fetch_optional(&mut *tx)
            .await?;
            let id = match inserted {
                Some(id) => id,
                None => {
                    sqlx::query_scalar("SELECT id FROM outbox WHERE idempotency_key = $1")
                        .bind(&w.idempotency_key)
                        .fetch_one(&mut *tx)
                        .await?
                }
            };
            ids.push(id);
        }
        Ok(ids)
    }

    /// The item queued under `idempotency_key`, if any.
    pub async fn outbox_item_by_key(&self, idempotency_key: &str) -> Result<Option<OutboxItem>, StorageError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox WHERE idempotency_key = $1"))
            .bind(idempotency_key)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn outbox_item(&self, id: i64) -> Result<Option<OutboxItem>, StorageError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The items matching `clause` (SQL over the outbox's columns, one `$1` bound to `arg`),
    /// oldest first.
    pub(super) async fn outbox_items_where(&self, clause: &str, arg: i64) -> Result<Vec<OutboxItem>, StorageError> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox WHERE {clause} ORDER BY id"))
            .bind(arg)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// When a claim made at `now_ms` ends: an item still `delivering` after that has lost its
    /// claimer (see `recover_expired`).
    fn outbox_lease_end(&self, now_ms: i64) -> i64 {
        now_ms.saturating_add(self.outbox_lease_ms())
    }

    /// Marks up to `limit` due items as being delivered by this instance, for the lease
    /// (`Store::outbox_lease_ms`), and returns them. Claiming in one statement means two
    /// workers never send the same item: the outer `UPDATE` checks again that each row is
    /// still pending (a claimer that waited for another's lock finds it taken), and on
    /// PostgreSQL the inner `SELECT` skips rows another instance is claiming, so instances
    /// polling at once take different items.
    pub async fn claim_due(&self, now_ms: i64, limit: i64) -> Result<Vec<OutboxItem>, StorageError> {
        // SQLite has neither row locks (one writer at a time) nor the clause.
        let lock = match self.engine() {
            Engine::Postgres => " FOR UPDATE SKIP LOCKED",
            Engine::Sqlite => "",
        };
        let rows = self
            .counted(
                sqlx::query(&format!(
                    "UPDATE outbox SET state = 'delivering', claimed_by = $2, lease_until = $3, updated_at = $1
             WHERE state = 'pending' AND id IN
                 (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1
                  ORDER BY next_attempt_at, id LIMIT $4{lock})
             RETURNING {COLUMNS}"
                ))
                .bind(now_ms)
                .bind(self.instance())
                .bind(self.outbox_lease_end(now_ms))
                .bind(limit)
                .fetch_all(self.pool()),
            )
            .await?;
        let mut items: Vec<OutboxItem> = rows.iter().map(from_row).collect::<Result<_, _>>()?;
        items.sort_by_key(|i| (i.next_attempt_at, i.id));
        Ok(items)
    }

    /// Claims these items if they are pending (delivering right after a rep submits).
    pub async fn claim_ids(&self, ids: &[i64], now_ms: i64) -> Result<Vec<OutboxItem>, StorageError> {
        let lease_until = self.outbox_lease_end(now_ms);
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            let row = self
                .counted(
                    sqlx::query(&format!(
                        "UPDATE outbox SET state = 'delivering', claimed_by = $2, lease_until = $3, updated_at = $1
                         WHERE id = $4 AND state = 'pending' RETURNING {COLUMNS}"
                    ))
                    .bind(now_ms)
                    .bind(self.instance())
                    .bind(lease_until)
                    .bind(*id)
                    .fetch_optional(self.pool()),
                )
                .await?;
            if let Some(row) = row {
                items.push(from_row(&row)?);
            }
        }
        Ok(items)
    }

    /// Claims those of these items that are pending, in one statement (a bulk job's writes).
    pub async fn claim_many(&self, ids: &[i64], now_ms: i64) -> Result<Vec<OutboxItem>, StorageError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "UPDATE outbox SET state = 'delivering', claimed_by = $2, lease_until = $3, updated_at = $1
             WHERE state = 'pending' AND id IN ({}) RETURNING {COLUMNS}",
            placeholders(4, ids.len())
        );
        let query = sqlx::query(&sql)
            .bind(now_ms)
            .bind(self.instance())
            .bind(self.outbox_lease_end(now_ms));
        let rows = self.counted(bind_ids(query, ids).fetch_all(self.pool())).await?;
        let mut items: Vec<OutboxItem> = rows.iter().map(from_row).collect::<Result<_, _>>()?;
        items.sort_by_key(|i| i.id);
        Ok(items)
    }

    /// At start-up: items left `delivering` by a crash may or may not have reached the vendor;
    /// they go back to pending, marked uncertain, their claims ended. On SQLite this process
    /// is the only one using the database, so every such item was its own. On PostgreSQL other
    /// instances may be delivering some right now: only items whose lease has ended (or that
    /// have none) are taken back.
    pub async fn recover_interrupted(&self, now_ms: i64) -> Result<u64, StorageError> {
        let which = match self.engine() {
            Engine::Sqlite => "",
            Engine::Postgres => " AND (lease_until IS NULL OR lease_until < $1)",
        };
        self.release_delivering(which, now_ms).await
    }

    /// Items still `delivering` after their lease ended (their claimer stopped or hung
    /// mid-send) go back to pending, marked uncertain (the attempt may have reached the
    /// vendor), their claims ended. Returns how many.
    pub async fn recover_expired(&self, now_ms: i64) -> Result<u64, StorageError> {
        self.release_delivering(" AND lease_until < $1", now_ms).await
    }

    /// Extends this instance's claims on these items by a lease from `now_ms` (while their
    /// delivery is still running: a slow vendor must not make another instance take them
    /// over). Returns how many were still claimed by this instance.
    pub async fn extend_claims(&self, ids: &[i64], now_ms: i64) -> Result<u64, StorageError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "UPDATE outbox SET lease_until = $1 WHERE state = 'delivering' AND claimed_by = $2 AND id IN ({})",
            placeholders(3, ids.len())
        );
        let query = sqlx::query(&sql).bind(self.outbox_lease_end(now_ms)).bind(self.instance());
        Ok(bind_ids(query, ids).execute(self.pool()).await?.rows_affected())
    }

    /// Returns the `delivering` items matching `which` (SQL appended to the `WHERE`, may use
    /// `$1` = `now_ms`) to pending, uncertain and unclaimed.
    async fn release_delivering(&self, which: &str, now_ms: i64) -> Result<u64, StorageError> {
        let r = self
            .counted(
                sqlx::query(&format!(
                    "UPDATE outbox SET state = 'pending', uncertain = 1, claimed_by = NULL, lease_until = NULL, updated_at = $1
                     WHERE state = 'delivering'{which}"
                ))
                .bind(now_ms)
                .execute(self.pool()),
            )
            .await?;
        Ok(r.rows_affected())
    }

    pub async fn mark_delivered(&self, id: i64, vendor_record_id: Option<&str>, now_ms: i64) -> Result<(), StorageError> {
        let delivered = Recorded::Delivered {
            vendor_record_id: vendor_record_id.map(str::to_string),
        };
        self.record_outcomes(&[(id, delivered)], now_ms).await
    }

    /// Schedules another attempt. `uncertain` records that this attempt may have arrived.
    pub async fn mark_retry(&self, id: i64, error: &str, uncertain: bool, next_attempt_at: i64, now_ms: i64) -> Result<(), StorageError> {
        let retry = Recorded::Retry {
            error: error.to_string(),
            uncertain,
            next_attempt_at,
        };
        self.record_outcomes(&[(id, retry)], now_ms).await
    }

    pub async fn mark_failed(&self, id: i64, error: &str, now_ms: i64) -> Result<(), StorageError> {
        let failed = Recorded::Failed { error: error.to_string() };
        self.record_outcomes(&[(id, failed)], now_ms).await
    }

    /// Records the outcomes of delivery attempts in one transaction (a batch's items share
    /// one commit instead of one each). Each ends the item's claim.
    pub async fn record_outcomes(&self, outcomes: &[(i64, Recorded)], now_ms: i64) -> Result<(), StorageError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool().begin().await?;
        for (id, outcome) in outcomes {
            let statement = match outcome {
                Recorded::Delivered { vendor_record_id } => sqlx::query(
                    "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, last_error = NULL, vendor_record_id = $1,
                     claimed_by = NULL, lease_until = NULL, updated_at = $2 WHERE id = $3",
                )
                .bind(vendor_record_id)
                .bind(now_ms)
                .bind(id),
                Recorded::Retry {
                    error,
                    uncertain,
                    next_attempt_at,
                } => sqlx::query(
                    "UPDATE outbox SET state = 'pending', attempts = attempts + 1,
                     uncertain = CASE WHEN $1 > uncertain THEN $1 ELSE uncertain END, last_error = $2, next_attempt_at = $3,
                     claimed_by = NULL, lease_until = NULL, updated_at = $4 WHERE id = $5",
                )
                .bind(*uncertain as i64)
                .bind(error)
                .bind(next_attempt_at)
                .bind(now_ms)
                .bind(id),
                Recorded::Failed { error } => sqlx::query(
                    "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = $1,
                     claimed_by = NULL, lease_until = NULL, updated_at = $2 WHERE id = $3",
                )
                .bind(error)
                .bind(now_ms)
                .bind(id),
            };
            statement.execute(&mut *tx).await?;
        }
        self.counted(tx.commit()).await?;
        Ok(())
    }

    /// A rep asks to send a failed item again (after checking the vendor by hand).
    pub async fn requeue(&self, id: i64, now_ms: i64) -> Result<bool, StorageError> {
        let r = self
            .counted(
                sqlx::query(
                    "UPDATE outbox SET state = 'pending', uncertain = 0, claimed_by = NULL, lease_until = NULL,
                     next_attempt_at = $1, updated_at = $2 WHERE id = $3 AND state = 'failed'",
                )
                .bind(now_ms)
                .bind(now_ms)
                .bind(id)
                .execute(self.pool()),
            )
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Requeues those of these items that have failed, in one statement; returns their ids.
    pub async fn requeue_many(&self, ids: &[i64], now_ms: i64) -> Result<Vec<i64>, StorageError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "UPDATE outbox SET state = 'pending', uncertain = 0, claimed_by = NULL, lease_until = NULL, next_attempt_at = $1,
                 updated_at = $1
             WHERE state = 'failed' AND id IN ({}) RETURNING id",
            placeholders(2, ids.len())
        );
        let rows = self
            .counted(bind_ids(sqlx::query(&sql).bind(now_ms), ids).fetch_all(self.pool()))
            .await?;
        let mut requeued: Vec<i64> = rows.iter().map(|row| row.get("id")).collect();
        requeued.sort_unstable();
        Ok(requeued)
    }

    /// The customer's writes, newest first (their notes show in the timeline at once).
    pub async fn outbox_for_customer(&self, customer_key: &str) -> Result<Vec<OutboxItem>, StorageError> {
        if !self.may_have_writes(customer_key) {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE customer_key = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(customer_key)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// The most recent writes of all customers, for admins.
    pub async fn outbox_recent(&self, limit: i64) -> Result<Vec<OutboxItem>, StorageError> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox ORDER BY created_at DESC, id DESC LIMIT $1"))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Items waiting to be delivered (pending or in flight).
    pub async fn outbox_depth(&self) -> Result<i64, StorageError> {
        let depth = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'delivering')")
            .fetch_one(self.pool())
            .await?;
        Ok(depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(key: &str, text: &str) -> NewWrite {
        NewWrite {
            idempotency_key: key.into(),
            vendor: VendorId::Juzi,
            customer_key: "wmA".into(),
            target: CustomerRef {
                external_user_id: Some("wmA".into()),
                union_id: Some("ozA".into()),
                vendor_customer_id: None,
                rep_user_id: "rocky".into(),
            },
            payload: WritePayload::Note {
                text: text.into(),
                at_ms: 1_000,
            },
            author: Some("rep1".into()),
        }
    }

    /// Who claimed the item and until when (not part of `OutboxItem`).
    async fn claim_of(store: &Store, id: i64) -> (Option<String>, Option<i64>) {
        let row = sqlx::query("SELECT claimed_by, lease_until FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        (row.get("claimed_by"), row.get("lease_until"))
    }

    async fn queued(store: &Store, keys: &[&str], now_ms: i64) -> Vec<i64> {
        let writes: Vec<NewWrite> = keys.iter().map(|k| write(k, "回访")).collect();
        store.enqueue(&writes, now_ms).await.unwrap().iter().map(|i| i.id).collect()
    }

    #[tokio::test]
    async fn a_customers_writes_are_found_again_after_reopening_the_database() {
        let dir = std::env::temp_dir().join(format!("salesdesk-outbox-{}", uuid::Uuid::new_v4().simple()));
        let store = Store::open(&dir).await.unwrap();
        assert!(store.outbox_for_customer("wmA").await.unwrap().is_empty());
        store.enqueue(&[write("k1", "电话沟通")], 10).await.unwrap();
        assert_eq!(store.outbox_for_customer("wmA").await.unwrap().len(), 1);
        store.pool().close().await;
        let reopened = Store::open(&dir).await.unwrap();
        assert_eq!(
            reopened.outbox_for_customer("wmA").await.unwrap().len(),
            1,
            "known from the database, not only from the process that queued it"
        );
        assert!(reopened.outbox_for_customer("wmB").await.unwrap().is_empty());
        reopened.pool().close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn only_statements_that_change_rows_count_as_outbox_changes() {
        let store = Store::open_in_memory().await.unwrap();
        let start = store.outbox_version();
        assert!(store.claim_due(10, 10).await.unwrap().is_empty());
        assert_eq!(store.recover_interrupted(10).await.unwrap(), 0);
        assert_eq!(store.recover_expired(10).await.unwrap(), 0);
        assert!(!store.requeue(99, 10).await.unwrap());
        assert_eq!(store.outbox_version(), start, "a poll that finds nothing changes nothing");
        let queued = store.enqueue(&[write("k1", "电话沟通")], 10).await.unwrap();
        let after_enqueue = store.outbox_version();
        assert!(after_enqueue > start);
        assert_eq!(store.claim_due(20, 10).await.unwrap().len(), 1);
        let after_claim = store.outbox_version();
        assert!(after_claim > after_enqueue);
        store.mark_delivered(queued[0].id, None, 30).await.unwrap();
        assert!(store.outbox_version() > after_claim);
    }

    #[tokio::test]
    async fn a_running_delivery_keeps_its_claim_past_the_first_lease() {
        let store = Store::open_in_memory().await.unwrap();
        let lease = store.outbox_lease_ms();
        let item = store.enqueue(&[write("slow", "慢")], 0).await.unwrap().remove(0);
        store.claim_due(0, 1).await.unwrap();
        let other = store.as_other_instance();
        assert_eq!(other.extend_claims(&[item.id], lease / 2).await.unwrap(), 0, "not its claim");
        assert_eq!(store.extend_claims(&[item.id], lease / 2).await.unwrap(), 1);
        assert_eq!(other.recover_expired(lease + 1).await.unwrap(), 0, "extended past the first lease");
        assert_eq!(
            other.recover_expired(lease / 2 + lease + 1).await.unwrap(),
            1,
            "lapses once renewals stop"
        );
    }

    #[tokio::test]
    async fn enqueue_is_idempotent_and_claims_once() {
        let store = Store::open_in_memory().await.unwrap();
        let first = store.enqueue(&[write("k1", "电话沟通")], 10).await.unwrap();
        let again = store.enqueue(&[write("k1", "电话沟通")], 20).await.unwrap();
        assert_eq!(first[0].id, again[0].id);
        assert_eq!(store.outbox_depth().await.unwrap(), 1);
        let claimed = store.claim_due(30, 10).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].state, OutboxState::Delivering);
        assert!(
            store.claim_due(30, 10).await.unwrap().is_empty(),
            "claimed items are not claimed twice"
        );
        store.mark_delivered(claimed[0].id, Some("p1"), 40).await.unwrap();
        let item = store.outbox_item(claimed[0].id).await.unwrap().unwrap();
        assert_eq!(item.state, OutboxState::Delivered);
        assert_eq!(item.vendor_record_id.as_deref(), Some("p1"));
        assert_eq!(store.outbox_depth().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn retries_wait_and_crashes_mark_uncertain() {
        let store = Store::open_in_memory().await.unwrap();
        let item = store.enqueue(&[write("k2", "x")], 0).await.unwrap().remove(0);
        store.claim_due(0, 1).await.unwrap();
        store.mark_retry(item.id, "timeout", true, 500, 1).await.unwrap();
        assert!(store.claim_due(499, 10).await.unwrap().is_empty(), "not due yet");
        let again = store.claim_due(500, 10).await.unwrap();
        assert!(again[0].uncertain);
        assert_eq!(again[0].attempts, 1);
        // Simulate a crash while delivering: recovery flags the item for verification.
        assert_eq!(store.recover_interrupted(600).await.unwrap(), 1);
        let recovered = store.outbox_item(item.id).await.unwrap().unwrap();
        assert_eq!(recovered.state, OutboxState::Pending);
        store.mark_failed(item.id, "gave up", 700).await.unwrap();
        assert!(store.requeue(item.id, 800).await.unwrap());
        assert!(!store.requeue(item.id, 800).await.unwrap(), "only failed items can be requeued");
        assert_eq!(store.outbox_for_customer("wmA").await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn many_items_are_claimed_recorded_and_requeued_at_once() {
        let store = Store::open_in_memory().await.unwrap();
        let writes: Vec<NewWrite> = (0..4).map(|i| write(&format!("m{i}"), "批量回访")).collect();
        let ids: Vec<i64> = store.enqueue(&writes, 10).await.unwrap().iter().map(|i| i.id).collect();
        assert!(store.claim_many(&[], 20).await.unwrap().is_empty());
        let claimed = store.claim_many(&ids[..3], 20).await.unwrap();
        assert_eq!(claimed.iter().map(|i| i.id).collect::<Vec<_>>(), ids[..3]);
        assert!(claimed.iter().all(|i| i.state == OutboxState::Delivering));
        assert!(store.claim_many(&ids, 20).await.unwrap().len() == 1, "only the one still pending");

        let before = store.outbox_version();
        store
            .record_outcomes(
                &[
                    (ids[0], Recorded::Delivered { vendor_record_id: None }),
                    (
                        ids[1],
                        Recorded::Retry {
                            error: "e".into(),
                            uncertain: true,
                            next_attempt_at: 99,
                        },
                    ),
                    (ids[2], Recorded::Failed { error: "gone".into() }),
                    (ids[3], Recorded::Failed { error: "gone".into() }),
                ],
                30,
            )
            .await
            .unwrap();
        assert!(store.outbox_version() > before);
        let state = |id| {
            let store = store.clone();
            async move { store.outbox_item(id).await.unwrap().unwrap() }
        };
        assert_eq!(state(ids[0]).await.state, OutboxState::Delivered);
        let retry = state(ids[1]).await;
        assert_eq!(
            (retry.state, retry.uncertain, retry.next_attempt_at, retry.attempts),
            (OutboxState::Pending, true, 99, 1)
        );
        assert_eq!(state(ids[2]).await.last_error.as_deref(), Some("gone"));

        // Only failed items are requeued, and a requeued item is no longer uncertain.
        assert_eq!(store.requeue_many(&ids, 40).await.unwrap(), vec![ids[2], ids[3]]);
        assert!(store.requeue_many(&ids, 50).await.unwrap().is_empty(), "not failed any more");
        let again = state(ids[2]).await;
        assert_eq!(
            (again.state, again.uncertain, again.next_attempt_at),
            (OutboxState::Pending, false, 40)
        );
    }

    #[tokio::test]
    async fn every_claim_records_this_instance_and_a_lease_and_every_outcome_ends_it() {
        let store = Store::open_in_memory().await.unwrap();
        let ids = queued(&store, &["c1", "c2", "c3"], 10).await;
        let (lease, mine) = (store.outbox_lease_ms(), Some(store.instance().to_string()));
        assert_eq!(store.claim_due(20, 1).await.unwrap()[0].id, ids[0]);
        assert_eq!(store.claim_ids(&ids[1..2], 30).await.unwrap().len(), 1);
        assert_eq!(store.claim_many(&ids[2..], 40).await.unwrap().len(), 1);
        assert_eq!(claim_of(&store, ids[0]).await, (mine.clone(), Some(20 + lease)));
        assert_eq!(claim_of(&store, ids[1]).await, (mine.clone(), Some(30 + lease)));
        assert_eq!(claim_of(&store, ids[2]).await, (mine, Some(40 + lease)));

        store.mark_delivered(ids[0], None, 50).await.unwrap();
        store.mark_retry(ids[1], "timeout", false, 60, 50).await.unwrap();
        store.mark_failed(ids[2], "gone", 50).await.unwrap();
        for id in &ids {
            assert_eq!(claim_of(&store, *id).await, (None, None), "an outcome ends the claim of {id}");
        }
    }

    #[tokio::test]
    async fn an_expired_claim_is_pending_again_and_uncertain_an_unexpired_one_is_left_alone() {
        let store = Store::open_in_memory().await.unwrap();
        let lease = store.outbox_lease_ms();
        let ids = queued(&store, &["e1", "e2"], 0).await;
        // Another instance claims the first item and stops; this one claims the second later.
        let other = store.as_other_instance();
        assert_eq!(other.claim_ids(&ids[..1], 0).await.unwrap().len(), 1);
        assert_eq!(claim_of(&store, ids[0]).await.0.as_deref(), Some(other.instance()));
        assert_eq!(store.claim_ids(&ids[1..], 1_000).await.unwrap().len(), 1);
        assert_eq!(store.recover_expired(lease).await.unwrap(), 0, "a lease holds until its end");

        let before = store.outbox_version();
        assert_eq!(store.recover_expired(lease + 1).await.unwrap(), 1);
        assert!(store.outbox_version() > before);
        let expired = store.outbox_item(ids[0]).await.unwrap().unwrap();
        assert_eq!(
            (expired.state, expired.uncertain, expired.updated_at),
            (OutboxState::Pending, true, lease + 1)
        );
        assert_eq!(claim_of(&store, ids[0]).await, (None, None));
        let live = store.outbox_item(ids[1]).await.unwrap().unwrap();
        assert_eq!((live.state, live.uncertain), (OutboxState::Delivering, false));
        assert_eq!(
            claim_of(&store, ids[1]).await,
            (Some(store.instance().to_string()), Some(1_000 + lease))
        );

        let again: Vec<i64> = store.claim_due(lease + 2, 10).await.unwrap().iter().map(|i| i.id).collect();
        assert_eq!(again, vec![ids[0]], "claimed again like any due item; the live claim stays");
    }

    #[tokio::test]
    async fn at_start_up_sqlite_takes_back_every_delivering_item_whatever_its_lease() {
        let store = Store::open_in_memory().await.unwrap();
        assert_eq!(store.engine(), Engine::Sqlite);
        let ids = queued(&store, &["r1", "r2", "r3"], 0).await;
        assert_eq!(store.claim_many(&ids[..2], 100).await.unwrap().len(), 2);
        assert_eq!(store.recover_interrupted(101).await.unwrap(), 2, "both leases are still running");
        for id in &ids[..2] {
            let item = store.outbox_item(*id).await.unwrap().unwrap();
            assert_eq!((item.state, item.uncertain), (OutboxState::Pending, true));
            assert_eq!(claim_of(&store, *id).await, (None, None));
        }
        let untouched = store.outbox_item(ids[2]).await.unwrap().unwrap();
        assert_eq!((untouched.state, untouched.uncertain), (OutboxState::Pending, false));
    }
}
