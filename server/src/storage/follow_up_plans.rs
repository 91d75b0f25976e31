//! The `follow_up_plans` table: each rep's next follow-up of a customer (due time and plan),
//! one per (rep, customer), and which are due for a rep, a team or everyone.

use app::domain::{EpochMs, FollowUpPlan};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{StorageError, Store};

/// A plan to store for `user_id`.
#[derive(Clone, Debug)]
pub struct NewPlan<'a> {
    pub user_id: i64,
    pub customer_key: &'a str,
    pub customer_name: Option<&'a str>,
    pub due_at: EpochMs,
    pub plan: &'a str,
}

/// Whose open plans to list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanOwners {
    User(i64),
    /// Every enabled user of this team.
    Team(String),
    /// Every enabled user.
    Everyone,
}

/// An open plan with its rep's name.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnedPlan {
    pub user_id: i64,
    pub rep_name: String,
    pub plan: FollowUpPlan,
}

/// At most this many due plans are listed at once.
const DUE_LIMIT: i64 = 500;

const COLUMNS: &str = "p.user_id, p.customer_key, p.customer_name, p.due_at, p.plan, p.updated_at, p.done_at";

fn plan_from_row(row: &AnyRow) -> FollowUpPlan {
    FollowUpPlan {
        customer_key: row.get("customer_key"),
        customer_name: row.get("customer_name"),
        due_at: row.get("due_at"),
        plan: row.get("plan"),
        updated_at: row.get("updated_at"),
        done_at: row.get("done_at"),
    }
}

/// Sets (or replaces, reopening a done one) `new.user_id`'s plan for the customer.
pub async fn upsert(store: &Store, new: &NewPlan<'_>, now: EpochMs) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO follow_up_plans (user_id, customer_key, customer_name, due_at, plan, created_at, updated_at, done_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
         ON CONFLICT (user_id, customer_key) DO UPDATE SET
             customer_name = COALESCE(excluded.customer_name, follow_up_plans.customer_name), due_at = excluded.due_at,
             plan = excluded.plan, updated_at = excluded.updated_at, done_at = NULL",
    )
    .bind(new.user_id)
    .bind(new.customer_key)
    .bind(new.customer_name)
    .bind(new.due_at)
    .bind(new.plan)
    .bind(now)
    .bind(now)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Marks the user's open plan for the customer done; false when there is none open.
pub async fn mark_done(store: &Store, user_id: i64, customer_key: &str, now: EpochMs) -> Result<bool, StorageError> {
    let r = sqlx::query(
        "UPDATE follow_up_plans SET done_at = $1, updated_at = $2 WHERE user_id = $3 AND customer_key = $4 AND done_at IS NULL",
    )
    .bind(now)
    .bind(now)
    .bind(user_id)
    .bind(customer_key)
    .execute(store.pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The user's plan for the customer, open or done.
pub async fn find(store: &Store, user_id: i64, customer_key: &str) -> Result<Option<FollowUpPlan>, StorageError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM follow_up_plans p WHERE p.user_id = $1 AND p.customer_key = $2"
    ))
    .bind(user_id)
    .bind(customer_key)
    .fetch_optional(store.pool())
    .await?;
    Ok(row.as_ref().map(plan_from_row))
}

/// Open plans of `owners` due before `before`, earliest first. A user's own plans are listed
/// whatever their account's state; a team's and everyone's only of enabled users.
pub async fn due_before(store: &Store, owners: &PlanOwners, before: EpochMs) -> Result<Vec<OwnedPlan>, StorageError> {
    // `$1` is `before`, then the owners' value if they have one, then the limit.
    let (whose, limit) = match owners {
        PlanOwners::User(_) => ("p.user_id = $2", "$3"),
        PlanOwners::Team(_) => ("u.team = $2 AND u.disabled = 0", "$3"),
        PlanOwners::Everyone => ("u.disabled = 0", "$2"),
    };
    let sql = format!(
        "SELECT {COLUMNS}, COALESCE(u.display_name, '') AS rep_name FROM follow_up_plans p
         LEFT JOIN users u ON u.id = p.user_id
         WHERE p.done_at IS NULL AND p.due_at < $1 AND {whose}
         ORDER BY p.due_at, p.customer_key LIMIT {limit}"
    );
    let query = sqlx::query(&sql).bind(before);
    let query = match owners {
        PlanOwners::User(id) => query.bind(*id),
        PlanOwners::Team(team) => query.bind(team.clone()),
        PlanOwners::Everyone => query,
    };
    let rows = query.bind(DUE_LIMIT).fetch_all(store.pool()).await?;
    Ok(rows
        .iter()
        .map(|row| OwnedPlan {
            user_id: row.get("user_id"),
            rep_name: row.get("rep_name"),
            plan: plan_from_row(row),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan<'a>(user_id: i64, key: &'a str, due_at: EpochMs) -> NewPlan<'a> {
        NewPlan {
            user_id,
            customer_key: key,
            customer_name: Some("张总"),
            due_at,
            plan: "电话确认报价",
        }
    }

    #[tokio::test]
    async fn one_plan_per_rep_and_customer_reopened_by_a_new_one() {
        let store = Store::open_in_memory().await.unwrap();
        upsert(&store, &plan(7, "wmA", 1_000), 10).await.unwrap();
        upsert(
            &store,
            &NewPlan {
                plan: "改约周五",
                ..plan(7, "wmA", 2_000)
            },
            20,
        )
        .await
        .unwrap();
        upsert(&store, &plan(8, "wmA", 1_500), 30).await.unwrap();
        let mine = find(&store, 7, "wmA").await.unwrap().unwrap();
        assert_eq!(
            (mine.due_at, mine.plan.as_str(), mine.updated_at, mine.done_at),
            (2_000, "改约周五", 20, None)
        );

        assert!(mark_done(&store, 7, "wmA", 40).await.unwrap());
        assert!(!mark_done(&store, 7, "wmA", 41).await.unwrap(), "already done");
        assert!(!mark_done(&store, 7, "wmB", 41).await.unwrap(), "no such plan");
        assert_eq!(find(&store, 7, "wmA").await.unwrap().unwrap().done_at, Some(40));
        let due = due_before(&store, &PlanOwners::User(7), i64::MAX).await.unwrap();
        assert!(due.is_empty(), "done plans are not due: {due:?}");

        upsert(&store, &plan(7, "wmA", 3_000), 50).await.unwrap();
        assert_eq!(find(&store, 7, "wmA").await.unwrap().unwrap().done_at, None, "a new plan reopens");
    }

    #[tokio::test]
    async fn due_plans_earliest_first_and_only_before_the_limit() {
        let store = Store::open_in_memory().await.unwrap();
        upsert(&store, &plan(7, "wmLater", 5_000), 1).await.unwrap();
        upsert(&store, &plan(7, "wmSoon", 2_000), 1).await.unwrap();
        upsert(&store, &plan(7, "wmTomorrow", 9_000), 1).await.unwrap();
        upsert(&store, &plan(8, "wmOther", 1_000), 1).await.unwrap();
        let due = due_before(&store, &PlanOwners::User(7), 9_000).await.unwrap();
        let keys: Vec<_> = due.iter().map(|d| d.plan.customer_key.as_str()).collect();
        assert_eq!(keys, ["wmSoon", "wmLater"]);
        // Users 7 and 8 are not in the users table: a team or everyone lists enabled users only.
        assert!(due_before(&store, &PlanOwners::Everyone, 9_000).await.unwrap().is_empty());
    }
}
