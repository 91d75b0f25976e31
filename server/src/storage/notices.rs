//! What one instance tells the others sharing its PostgreSQL database, within milliseconds:
//! PostgreSQL's `NOTIFY` on the channel `salesdesk`, one JSON payload per notice, heard by a
//! `LISTEN`ing connection each instance keeps open. SQLite has one instance: publishing is a
//! no-op and nobody listens.
//!
//! A notice lost while the listening connection was down is made up for by [`Notice::Missed`]:
//! the listener reconnects and tells its instance to forget everything it remembers.

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use super::{Engine, Store};
use crate::vendors::CustomerRef;

/// The channel every instance listens on.
pub const CHANNEL: &str = "salesdesk";

/// PostgreSQL refuses payloads of 8,000 bytes or more; notices are split below this.
const MAX_PAYLOAD: usize = 7_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum Notice {
    /// The outbox changed (a write queued, claimed or settled); these customers may have
    /// writes now (empty when none is new).
    Outbox { new_customers: Vec<String> },
    /// A session ended, or a user was disabled or changed role, team or WeCom ids: forget
    /// the sessions remembered for a few seconds.
    Sessions,
    /// A vendor write reached (or may have reached) these customers: drop their cached
    /// vendor reads.
    CustomersWritten { targets: Vec<CustomerRef> },
    /// A crawl's merged list was stored (`list_snapshots.name`): load it.
    ListStored { name: String },
    /// Notices may have been lost (the listening connection broke): forget everything
    /// remembered from the database and the vendors.
    Missed,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    from: String,
    #[serde(flatten)]
    notice: Notice,
}

/// This instance's end: notices from the others, fanned out to whoever subscribed.
#[derive(Clone, Debug)]
pub(super) struct Hub {
    sender: broadcast::Sender<Notice>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            sender: broadcast::channel(1024).0,
        }
    }
}

impl Hub {
    pub(super) fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.sender.subscribe()
    }

    /// Starts listening (returns once `LISTEN` is in place, so nothing published after the
    /// store is open is missed); the receiving loop runs as long as the runtime.
    pub(super) async fn start(&self, url: &SecretString, store: Store) -> Result<(), sqlx::Error> {
        let mut listener = sqlx::postgres::PgListener::connect(url.expose_secret()).await?;
        listener.listen(CHANNEL).await?;
        let sender = self.sender.clone();
        tokio::spawn(async move {
            loop {
                match listener.try_recv().await {
                    Ok(Some(message)) => match serde_json::from_str::<Envelope>(message.payload()) {
                        Ok(envelope) if envelope.from != store.instance() => receive(&store, &sender, envelope.notice).await,
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "an unreadable cluster notice was ignored"),
                    },
                    // The connection broke and was re-established: what was sent meanwhile
                    // is lost.
                    Ok(None) => receive(&store, &sender, Notice::Missed).await,
                    Err(e) => {
                        tracing::warn!(error = %crate::errors::report(&e), "cluster notices: listening failed; retrying in 1 s");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(())
    }
}

/// What the store itself keeps in step, then the subscribers.
async fn receive(store: &Store, sender: &broadcast::Sender<Notice>, notice: Notice) {
    match &notice {
        Notice::Outbox { new_customers } => {
            for key in new_customers {
                store.note_writes_for(key);
            }
            store.outbox_changed();
        }
        Notice::Missed => {
            if let Err(e) = store.reload_customers_with_writes().await {
                tracing::warn!(error = %crate::errors::report(&e), "cannot reload which customers have writes");
            }
            store.outbox_changed();
        }
        _ => {}
    }
    // No subscriber is fine (a CLI command's store).
    let _ = sender.send(notice);
}

/// Tells the other instances; a failure is logged, not returned (the change itself is
/// committed; the others catch up within their caches' few seconds).
pub(super) async fn publish(store: &Store, notice: &Notice) {
    if store.engine() != Engine::Postgres {
        return;
    }
    for part in split(notice) {
        let payload = match serde_json::to_string(&Envelope {
            from: store.instance().to_string(),
            notice: part,
        }) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "cannot encode a cluster notice");
                continue;
            }
        };
        if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(store.pool())
            .await
        {
            tracing::warn!(error = %crate::errors::report(&e), "cannot publish a cluster notice");
        }
    }
}

/// A notice in payloads PostgreSQL accepts (long customer lists in several).
fn split(notice: &Notice) -> Vec<Notice> {
    fn chunks<T: Clone + Serialize>(items: &[T]) -> Vec<Vec<T>> {
        let mut out = vec![Vec::new()];
        let mut size = 0;
        for item in items {
            let len = serde_json::to_string(item).map_or(0, |s| s.len()) + 1;
            if size + len > MAX_PAYLOAD && !out.last().is_some_and(Vec::is_empty) {
                out.push(Vec::new());
                size = 0;
            }
            size += len;
            out.last_mut().expect("never empty").push(item.clone());
        }
        out
    }
    match notice {
        Notice::Outbox { new_customers } => chunks(new_customers)
            .into_iter()
            .map(|new_customers| Notice::Outbox { new_customers })
            .collect(),
        Notice::CustomersWritten { targets } => chunks(targets)
            .into_iter()
            .map(|targets| Notice::CustomersWritten { targets })
            .collect(),
        other => vec![other.clone()],
    }
}

/// Runs `act` for every notice from the other instances until the store is gone; a
/// subscriber that fell behind acts as if notices were missed.
pub fn on_notice<F, Fut>(store: &Store, act: F)
where
    F: Fn(Notice) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    if store.engine() != Engine::Postgres {
        return;
    }
    let mut notices = store.subscribe();
    let act = Arc::new(act);
    tokio::spawn(async move {
        loop {
            match notices.recv().await {
                Ok(notice) => act(notice).await,
                Err(broadcast::error::RecvError::Lagged(_)) => act(Notice::Missed).await,
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_customer_lists_travel_in_payloads_postgresql_accepts() {
        let keys: Vec<String> = (0..2_000).map(|i| format!("wmCustomerExternalUserId{i:06}")).collect();
        let parts = split(&Notice::Outbox {
            new_customers: keys.clone(),
        });
        assert!(parts.len() > 1);
        let mut joined = Vec::new();
        for part in parts {
            let text = serde_json::to_string(&Envelope {
                from: "i".repeat(32),
                notice: part.clone(),
            })
            .unwrap();
            assert!(text.len() < 8_000, "{} bytes", text.len());
            let Notice::Outbox { new_customers } = part else { unreachable!() };
            joined.extend(new_customers);
        }
        assert_eq!(joined, keys);
    }

    #[test]
    fn notices_read_back_as_written() {
        for notice in [
            Notice::Sessions,
            Notice::Missed,
            Notice::ListStored { name: "customers".into() },
            Notice::CustomersWritten {
                targets: vec![CustomerRef {
                    external_user_id: Some("wm1".into()),
                    union_id: None,
                    vendor_customer_id: Some("c1".into()),
                    rep_user_id: "rocky".into(),
                }],
            },
        ] {
            let text = serde_json::to_string(&Envelope {
                from: "a".into(),
                notice: notice.clone(),
            })
            .unwrap();
            let back: Envelope = serde_json::from_str(&text).unwrap();
            assert_eq!(back.notice, notice);
        }
    }
}
