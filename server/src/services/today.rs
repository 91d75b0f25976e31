//! 今日待办 and the next follow-up: a rep's plan per customer (stored by SalesDesk, audited),
//! what is due today or overdue (a manager's team too, with a count per rep), the rep's
//! customers without a follow-up for `stale_days` days (from the customer list), and the
//! customers they opened lately.

use std::sync::Arc;
use std::time::Duration;

use app::domain::{
    CustomerQuery, DAY_MS, DueFollowUp, EpochMs, FollowUpPlan, InputError, RepDueCount, Role, Scope, StaleCustomer, TeamFollowUps,
    TodayPage, VendorCustomer, Viewer, beijing_day_start, checked_plan,
};
use app::error::{AppError, Refused};

use super::customer_index::CustomerIndex;
use crate::storage::Store;
use crate::storage::audit::{self, AuditAction, AuditEntry, AuditResult};
use crate::storage::follow_up_plans::{self, NewPlan, OwnedPlan, PlanOwners};
use crate::storage::recent_views;

/// The default of `SALESDESK_STALE_FOLLOW_UP_DAYS`.
pub const DEFAULT_STALE_DAYS: u32 = 14;
/// Stale customers shown on the page (the total is counted over all of them).
const STALE_SHOWN: usize = 20;
/// A customer opened again within this time is not recorded again: a page served many times
/// a second (the cached customer page) must not cost a database write each time.
const VIEW_RECORD_INTERVAL: Duration = Duration::from_secs(30);

pub struct TodayService {
    pub index: Arc<CustomerIndex>,
    pub store: Store,
    /// Customers without a follow-up for this many days are listed.
    pub stale_days: u32,
    /// (user, customer) views recorded lately.
    recently_recorded: moka::sync::Cache<(i64, String), ()>,
}

fn invalid(errors: Vec<InputError>) -> AppError {
    AppError::Invalid(Refused::Input { errors })
}

impl TodayService {
    pub fn new(index: Arc<CustomerIndex>, store: Store) -> Self {
        TodayService {
            index,
            store,
            stale_days: DEFAULT_STALE_DAYS,
            recently_recorded: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(VIEW_RECORD_INTERVAL)
                .build(),
        }
    }

    /// The customer's vendor records, if the viewer may see them.
    async fn visible_sources(&self, viewer: &Viewer, key: &str) -> Result<Vec<VendorCustomer>, AppError> {
        let sources = self.index.locate(key).await.ok_or(AppError::NotFound)?;
        if !viewer.scope.allows(&sources) {
            return Err(AppError::Forbidden);
        }
        Ok(sources)
    }

    /// The customer's name as the list shows it (the viewer's access is checked by the caller).
    async fn customer_name(&self, key: &str) -> Option<String> {
        self.index.summary(key).await.and_then(|row| row.name)
    }

    /// The viewer's plan for the customer (open or done).
    pub async fn plan(&self, viewer: &Viewer, key: &str) -> Result<Option<FollowUpPlan>, AppError> {
        self.visible_sources(viewer, key).await?;
        Ok(follow_up_plans::find(&self.store, viewer.user_id, key).await?)
    }

    /// Sets the viewer's next follow-up of the customer, checked like the form does.
    pub async fn set_plan(&self, viewer: &Viewer, key: &str, due: &str, plan: &str) -> Result<FollowUpPlan, AppError> {
        let now = crate::clock::now_ms();
        let (due_at, plan) = checked_plan(due, plan, beijing_day_start(now)).map_err(invalid)?;
        self.visible_sources(viewer, key).await?;
        self.save_checked(viewer, key, due_at, &plan).await
    }

    /// Stores a plan that passed the checks (the note form checks it with the note first).
    pub async fn save_checked(&self, viewer: &Viewer, key: &str, due_at: EpochMs, plan: &str) -> Result<FollowUpPlan, AppError> {
        let now = crate::clock::now_ms();
        let name = self.customer_name(key).await;
        let new = NewPlan {
            user_id: viewer.user_id,
            customer_key: key,
            customer_name: name.as_deref(),
            due_at,
            plan,
        };
        follow_up_plans::upsert(&self.store, &new, now).await?;
        let detail = format!("{} {plan}", beijing_minute_text(due_at));
        self.audit(viewer, AuditAction::SetFollowUp, key, detail).await;
        follow_up_plans::find(&self.store, viewer.user_id, key)
            .await?
            .ok_or_else(|| crate::errors::internal(&crate::storage::StorageError::Vanished("follow-up plan")))
    }

    /// Marks the viewer's open plan for the customer done: true, or false when none was open
    /// (a resubmitted form changes nothing and is not audited twice).
    pub async fn complete(&self, viewer: &Viewer, key: &str) -> Result<bool, AppError> {
        self.visible_sources(viewer, key).await?;
        let done = follow_up_plans::mark_done(&self.store, viewer.user_id, key, crate::clock::now_ms()).await?;
        if done {
            self.audit(viewer, AuditAction::CompleteFollowUp, key, String::new()).await;
        }
        Ok(done)
    }

    async fn audit(&self, viewer: &Viewer, action: AuditAction, key: &str, detail: String) {
        let entry = AuditEntry {
            actor: viewer.into(),
            action,
            customer_key: Some(key.to_string()),
            vendor: None,
            write_id: None,
            result: AuditResult::Ok,
            detail: (!detail.is_empty()).then_some(detail),
            at_ms: None,
        };
        if let Err(e) = audit::record(&self.store, entry).await {
            tracing::error!(error = %crate::errors::report(&e), "audit: cannot record a follow-up plan change");
        }
    }

    /// Remembers that the viewer opened the customer's 360° page. A failure is logged, never
    /// the page's.
    pub async fn viewed(&self, viewer: &Viewer, key: &str, name: Option<&str>) {
        let seen = (viewer.user_id, key.to_string());
        if self.recently_recorded.contains_key(&seen) {
            return;
        }
        self.recently_recorded.insert(seen, ());
        if let Err(e) = recent_views::record(&self.store, viewer.user_id, key, name, crate::clock::now_ms()).await {
            tracing::warn!(error = %crate::errors::report(&e), "cannot record a customer view");
        }
    }

    /// `/`: the viewer's day.
    pub async fn page(&self, viewer: &Viewer) -> Result<TodayPage, AppError> {
        let now = crate::clock::now_ms();
        let day_end = beijing_day_start(now) + DAY_MS;
        let own = follow_up_plans::due_before(&self.store, &PlanOwners::User(viewer.user_id), day_end).await?;
        let team_owners = match viewer.role {
            Role::Rep => None,
            Role::Manager => Some(viewer.team.clone().map_or(PlanOwners::User(viewer.user_id), PlanOwners::Team)),
            Role::Admin => Some(PlanOwners::Everyone),
        };
        let team = match team_owners {
            Some(owners) => Some(team_follow_ups(
                follow_up_plans::due_before(&self.store, &owners, day_end).await?,
                now,
            )),
            None => None,
        };
        let has_own_customers = own_scope(viewer).is_some();
        let (stale, stale_total) = self.stale(viewer, now).await;
        let mut recent = recent_views::list(&self.store, viewer.user_id).await?;
        // A customer the viewer may no longer see is not offered again. Checked once the
        // customer list is loaded: the landing page does not wait for a cold start's crawl
        // (the link itself is checked when followed).
        let list_loaded = self.index.refreshed_at().await.is_some();
        let mut visible = Vec::with_capacity(recent.len());
        for view in recent.drain(..) {
            if !list_loaded
                || self
                    .index
                    .locate(&view.key)
                    .await
                    .is_none_or(|sources| viewer.scope.allows(&sources))
            {
                visible.push(view);
            }
        }
        Ok(TodayPage {
            due: own.into_iter().map(|p| due_item(p, now)).collect(),
            team,
            stale,
            stale_total,
            stale_days: self.stale_days,
            has_own_customers,
            recent: visible,
            generated_at: now,
        })
    }

    /// The viewer's own customers (followed under their WeCom ids) without a follow-up in
    /// `stale_days` days, longest without first (never followed first of all), and how many.
    async fn stale(&self, viewer: &Viewer, now: EpochMs) -> (Vec<StaleCustomer>, u32) {
        let Some(scope) = own_scope(viewer) else {
            return (Vec::new(), 0);
        };
        let cutoff = now - i64::from(self.stale_days) * DAY_MS;
        // One walk over the viewer's own list (not page after page of list queries).
        let mut found: Vec<StaleCustomer> = self
            .index
            .matching(&scope, &CustomerQuery::default())
            .await
            .filter(|c| c.last_follow_at.is_none_or(|at| at < cutoff))
            .map(|c| StaleCustomer {
                key: c.key,
                name: c.name,
                last_follow_at: c.last_follow_at,
            })
            .collect();
        found.sort_by(|a, b| a.last_follow_at.cmp(&b.last_follow_at).then_with(|| a.key.cmp(&b.key)));
        let total = u32::try_from(found.len()).unwrap_or(u32::MAX);
        found.truncate(STALE_SHOWN);
        (found, total)
    }
}

/// `2026-12-03 09:30`, Beijing time, for the audit log.
fn beijing_minute_text(at: EpochMs) -> String {
    chrono::DateTime::from_timestamp_millis(at)
        .zip(chrono::FixedOffset::east_opt(8 * 3600))
        .map(|(t, beijing)| t.with_timezone(&beijing).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The viewer's own customers: those followed under the viewer's own WeCom ids (a manager's
/// team and an admin's everyone are not "theirs"). None without any WeCom id.
fn own_scope(viewer: &Viewer) -> Option<Scope> {
    let ids = &viewer.wecom;
    (ids.tanma.is_some() || ids.weiling.is_some() || ids.juzi.is_some()).then(|| Scope::FollowedBy(vec![ids.clone()]))
}

fn due_item(owned: OwnedPlan, now: EpochMs) -> DueFollowUp {
    DueFollowUp {
        overdue: owned.plan.due_at < now,
        rep_name: owned.rep_name,
        plan: owned.plan,
    }
}

/// The team's due plans with a count per rep (most overdue first).
fn team_follow_ups(plans: Vec<OwnedPlan>, now: EpochMs) -> TeamFollowUps {
    let mut reps: Vec<(i64, RepDueCount)> = Vec::new();
    for p in &plans {
        let overdue = p.plan.due_at < now;
        let i = match reps.iter().position(|(id, _)| *id == p.user_id) {
            Some(i) => i,
            None => {
                reps.push((
                    p.user_id,
                    RepDueCount {
                        rep_name: p.rep_name.clone(),
                        due_today: 0,
                        overdue: 0,
                    },
                ));
                reps.len() - 1
            }
        };
        let count = &mut reps[i].1;
        if overdue {
            count.overdue += 1;
        } else {
            count.due_today += 1;
        }
    }
    let mut reps: Vec<RepDueCount> = reps.into_iter().map(|(_, c)| c).collect();
    reps.sort_by(|a, b| {
        (b.overdue, b.due_today)
            .cmp(&(a.overdue, a.due_today))
            .then_with(|| a.rep_name.cmp(&b.rep_name))
    });
    TeamFollowUps {
        reps,
        due: plans.into_iter().map(|p| due_item(p, now)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(user_id: i64, rep: &str, key: &str, due_at: EpochMs) -> OwnedPlan {
        OwnedPlan {
            user_id,
            rep_name: rep.into(),
            plan: FollowUpPlan {
                customer_key: key.into(),
                customer_name: None,
                due_at,
                plan: "回访".into(),
                updated_at: 0,
                done_at: None,
            },
        }
    }

    #[test]
    fn team_counts_per_rep_most_overdue_first() {
        let now = 10_000;
        let team = team_follow_ups(
            vec![
                owned(1, "刘福来", "a", 1_000),
                owned(2, "张伟", "b", 2_000),
                owned(2, "张伟", "c", 3_000),
                owned(1, "刘福来", "d", 20_000),
                owned(3, "王芳", "e", 30_000),
            ],
            now,
        );
        let counts: Vec<_> = team.reps.iter().map(|r| (r.rep_name.as_str(), r.overdue, r.due_today)).collect();
        assert_eq!(counts, [("张伟", 2, 0), ("刘福来", 1, 1), ("王芳", 0, 1)]);
        assert_eq!(team.due.len(), 5);
        assert!(team.due[0].overdue && !team.due[3].overdue);
    }

    #[test]
    fn only_a_viewer_with_wecom_ids_has_customers_of_their_own() {
        let mut viewer = Viewer {
            user_id: 1,
            username: "admin".into(),
            display_name: "管理员".into(),
            role: Role::Admin,
            team: None,
            wecom: Default::default(),
            scope: Scope::All,
        };
        assert_eq!(own_scope(&viewer), None);
        viewer.wecom.weiling = Some("zw01".into());
        assert_eq!(own_scope(&viewer), Some(Scope::FollowedBy(vec![viewer.wecom.clone()])));
    }
}
