//! Saved views of the customer list: a rep names the current filter and search to apply it
//! again with one click; a manager may share one with their team. Names are normalised and
//! checked here (refusals are codes), and only the owner deletes a view.

use app::domain::{
    CustomerQuery, MAX_VIEWS_PER_USER, Role, SavedView, SavedViews, Viewer, list_query_string, normalize_view_name, view_name_ok,
};
use app::error::{AppError, Refused};

use crate::storage::Store;
use crate::storage::saved_views::{self, StoredView};

/// Whether `viewer` may share views with a team: a manager (or admin) who has one.
fn can_share(viewer: &Viewer) -> bool {
    matches!(viewer.role, Role::Manager | Role::Admin) && viewer.team.as_deref().is_some_and(|t| !t.trim().is_empty())
}

fn shown(viewer: &Viewer, v: StoredView) -> SavedView {
    SavedView {
        id: v.id,
        mine: v.owner_id == viewer.user_id,
        name: v.name,
        query: v.query,
        shared: v.shared,
        owner_name: v.owner_name,
    }
}

/// The viewer's views, then those shared with their team.
pub async fn list(store: &Store, viewer: &Viewer) -> Result<SavedViews, AppError> {
    let stored = saved_views::visible_to(store, viewer.user_id, viewer.team.as_deref()).await?;
    Ok(SavedViews {
        views: stored.into_iter().map(|v| shown(viewer, v)).collect(),
        can_share: can_share(viewer),
    })
}

/// Saves `query`'s filter and search under `name` for the viewer (and their team when
/// `shared`).
pub async fn save(store: &Store, viewer: &Viewer, name: &str, query: &CustomerQuery, shared: bool) -> Result<SavedView, AppError> {
    let name = normalize_view_name(name);
    if !view_name_ok(&name) {
        return Err(AppError::Invalid(Refused::ViewNameInvalid));
    }
    if shared && !can_share(viewer) {
        return Err(AppError::Invalid(Refused::ViewSharingNotAllowed));
    }
    if saved_views::count_owned(store, viewer.user_id).await? >= MAX_VIEWS_PER_USER as i64 {
        return Err(AppError::Invalid(Refused::TooManyViews));
    }
    let filter = list_query_string(query);
    match saved_views::insert(store, viewer.user_id, &name, &filter, shared, crate::clock::now_ms()).await? {
        None => Err(AppError::Invalid(Refused::ViewNameTaken)),
        Some(id) => Ok(SavedView {
            id,
            name,
            query: filter,
            shared,
            mine: true,
            owner_name: viewer.display_name.clone(),
        }),
    }
}

/// Deletes one of the viewer's views. A view already gone counts as deleted (a form posted
/// twice); someone else's is refused.
pub async fn delete(store: &Store, viewer: &Viewer, id: i64) -> Result<(), AppError> {
    // Someone else's view answers exactly like a missing one: ids are sequential, and a
    // different answer would tell anyone which ids exist.
    match saved_views::find(store, id).await? {
        Some(v) if v.owner_id == viewer.user_id => Ok(saved_views::delete(store, id).await?),
        _ => Ok(()),
    }
}
