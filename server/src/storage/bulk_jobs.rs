//! Bulk jobs (`bulk_jobs`, `bulk_job_customers`, `bulk_job_items`): a note or remark a rep
//! sent to many customers from the list. A job and all its outbox writes are committed in one
//! transaction, before any vendor call; delivery state stays in the outbox.

use app::domain::BulkSkip;
use sqlx::Row;

use super::outbox::{NewWrite, OutboxItem, WritePayload};
use super::{StorageError, Store};

/// A job to create.
#[derive(Clone, Debug)]
pub struct NewBulkJob {
    /// Unique per submitted form (the author's id and the form's token).
    pub idempotency_key: String,
    pub author_id: i64,
    pub author_name: String,
    pub payload: WritePayload,
    /// Every selected customer, in order.
    pub customers: Vec<JobCustomer>,
    /// One write per customer and vendor, each with its own idempotency key.
    pub writes: Vec<NewWrite>,
}

/// A selected customer as the job remembers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobCustomer {
    pub key: String,
    pub name: Option<String>,
    /// Why it got no write, if it got none.
    pub skipped: Option<BulkSkip>,
}

/// A stored job.
#[derive(Clone, Debug, PartialEq)]
pub struct BulkJob {
    pub id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub payload: WritePayload,
    pub created_at: i64,
}

/// What creating a job did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedJob {
    pub id: i64,
    /// False when a job with this idempotency key already existed (nothing was queued).
    pub new: bool,
    /// The outbox ids of the job's writes.
    pub write_ids: Vec<i64>,
}

impl Store {
    /// Commits the job, its customers, its outbox writes and their links at once. A job whose
    /// idempotency key exists already is returned as it is, with nothing queued again.
    pub async fn create_bulk_job(&self, job: &NewBulkJob, now_ms: i64) -> Result<CreatedJob, StorageError> {
        let payload = serde_json::to_string(&job.payload).map_err(|source| StorageError::Json {
            column: "bulk_jobs.payload_json",
            source,
        })?;
        // Before the commit, so a customer page read right after it cannot skip the new rows.
        for w in &job.writes {
            self.note_writes_for(&w.customer_key);
        }
        let mut tx = self.pool().begin().await?;
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO bulk_jobs (idempotency_key, author_id, author_name, kind, payload_json, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
        )
        .bind(&job.idempotency_key)
        .bind(job.author_id)
        .bind(&job.author_name)
        .bind(job.payload.kind())
        .bind(&payload)
        .bind(now_ms)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = inserted else {
            tx.rollback().await?;
            let id: i64 = sqlx::query_scalar("SELECT id FROM bulk_jobs WHERE idempotency_key = $1")
                .bind(&job.idempotency_key)
                .fetch_one(self.pool())
                .await?;
            return Ok(CreatedJob {
                id,
                new: false,
                write_ids: self.bulk_job_write_ids(id).await?,
            });
        };
        for (position, customer) in job.customers.iter().enumerate() {
            sqlx::query(
                "INSERT INTO bulk_job_customers (job_id, position, customer_key, name, skipped) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (job_id, customer_key) DO NOTHING",
            )
            .bind(id)
            .bind(position as i64)
            .bind(&customer.key)
            .bind(&customer.name)
            .bind(customer.skipped.map(BulkSkip::code))
            .execute(&mut *tx)
            .await?;
        }
        let write_ids = Self::insert_writes(&mut tx, &job.writes, now_ms).await?;
        for outbox_id in &write_ids {
            sqlx::query("INSERT INTO bulk_job_items (job_id, outbox_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(outbox_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.outbox_committed(job.writes.iter().map(|w| w.customer_key.clone()).collect())
            .await;
        Ok(CreatedJob { id, new: true, write_ids })
    }

    pub async fn bulk_job(&self, id: i64) -> Result<Option<BulkJob>, StorageError> {
        let row = sqlx::query("SELECT id, author_id, author_name, payload_json, created_at FROM bulk_jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let payload: String = row.get("payload_json");
        Ok(Some(BulkJob {
            id: row.get("id"),
            author_id: row.get("author_id"),
            author_name: row.get("author_name"),
            payload: serde_json::from_str(&payload).map_err(|source| StorageError::Json {
                column: "bulk_jobs.payload_json",
                source,
            })?,
            created_at: row.get("created_at"),
        }))
    }

    /// The job's customers, in selection order.
    pub async fn bulk_job_customers(&self, id: i64) -> Result<Vec<JobCustomer>, StorageError> {
        let rows = sqlx::query("SELECT customer_key, name, skipped FROM bulk_job_customers WHERE job_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                let skipped = match row.get::<Option<String>, _>("skipped") {
                    None => None,
                    Some(code) => Some(BulkSkip::from_code(&code).ok_or(StorageError::UnknownValue {
                        column: "bulk_job_customers.skipped",
                        value: code,
                    })?),
                };
                Ok(JobCustomer {
                    key: row.get("customer_key"),
                    name: row.get("name"),
                    skipped,
                })
            })
            .collect()
    }

    /// The job's outbox writes as they stand now.
    pub async fn bulk_job_writes(&self, id: i64) -> Result<Vec<OutboxItem>, StorageError> {
        self.outbox_items_where("id IN (SELECT outbox_id FROM bulk_job_items WHERE job_id = $1)", id)
            .await
    }

    async fn bulk_job_write_ids(&self, id: i64) -> Result<Vec<i64>, StorageError> {
        let ids = sqlx::query_scalar("SELECT outbox_id FROM bulk_job_items WHERE job_id = $1 ORDER BY outbox_id")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::outbox::OutboxState;
    use crate::vendors::CustomerRef;
    use app::domain::VendorId;

    fn note() -> WritePayload {
        WritePayload::Note {
            text: "季度回访".into(),
            at_ms: 1_000,
        }
    }

    fn job(key: &str, customers: &[&str]) -> NewBulkJob {
        NewBulkJob {
            idempotency_key: key.into(),
            author_id: 7,
            author_name: "刘福来".into(),
            payload: note(),
            customers: customers
                .iter()
                .map(|c| JobCustomer {
                    key: c.to_string(),
                    name: Some(format!("客户{c}")),
                    skipped: (*c == "wmSkip").then_some(BulkSkip::NoWriteTarget),
                })
                .collect(),
            writes: customers
                .iter()
                .filter(|c| **c != "wmSkip")
                .map(|c| NewWrite {
                    idempotency_key: format!("{key}:{c}:juzi"),
                    vendor: VendorId::Juzi,
                    customer_key: c.to_string(),
                    target: CustomerRef {
                        external_user_id: Some(c.to_string()),
                        union_id: Some(format!("oz{c}")),
                        vendor_customer_id: None,
                        rep_user_id: "LiuFuLai".into(),
                    },
                    payload: note(),
                    author: Some("刘福来".into()),
                })
                .collect(),
        }
    }

    #[tokio::test]
    async fn a_job_and_its_writes_are_committed_together_and_once() {
        let store = Store::open_in_memory().await.unwrap();
        let created = store.create_bulk_job(&job("7:t1", &["wmA", "wmSkip", "wmB"]), 10).await.unwrap();
        assert!(created.new);
        assert_eq!(created.write_ids.len(), 2);
        assert_eq!(store.outbox_depth().await.unwrap(), 2, "one outbox row per written customer");
        assert_eq!(store.outbox_for_customer("wmB").await.unwrap().len(), 1);

        let again = store.create_bulk_job(&job("7:t1", &["wmA", "wmSkip", "wmB"]), 20).await.unwrap();
        assert_eq!((again.id, again.new), (created.id, false));
        assert_eq!(again.write_ids, created.write_ids);
        assert_eq!(store.outbox_depth().await.unwrap(), 2, "a resubmitted form queues nothing");

        let stored = store.bulk_job(created.id).await.unwrap().unwrap();
        assert_eq!((stored.author_id, stored.payload.clone(), stored.created_at), (7, note(), 10));
        let customers = store.bulk_job_customers(created.id).await.unwrap();
        let keys: Vec<&str> = customers.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["wmA", "wmSkip", "wmB"], "selection order");
        assert_eq!(customers[1].skipped, Some(BulkSkip::NoWriteTarget));
        assert_eq!(customers[0].name.as_deref(), Some("客户wmA"));
        let writes = store.bulk_job_writes(created.id).await.unwrap();
        assert_eq!(writes.len(), 2);
        assert!(writes.iter().all(|w| w.state == OutboxState::Pending));
        assert!(store.bulk_job(created.id + 1).await.unwrap().is_none());

        let other = store.create_bulk_job(&job("7:t2", &["wmA"]), 30).await.unwrap();
        assert!(other.new && other.id != created.id);
        assert_eq!(store.bulk_job_writes(other.id).await.unwrap().len(), 1, "jobs do not share writes");
    }
}
