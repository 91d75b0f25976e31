//! Which request a task is working for. The web layer sets it (see `web::request_id`); any
//! layer may read it — services and storage report internal errors with it — without
//! depending on the web layer.

use std::future::Future;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request this task is working for, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Runs `fut` as work for request `id`: [`current_request_id`] answers `id` inside it.
pub async fn with_request_id<F: Future>(id: String, fut: F) -> F::Output {
    REQUEST_ID.scope(id, fut).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_id_is_visible_inside_the_scope_only() {
        assert_eq!(current_request_id(), None);
        let seen = with_request_id("req-1".into(), async { current_request_id() }).await;
        assert_eq!(seen.as_deref(), Some("req-1"));
        assert_eq!(current_request_id(), None);
    }
}
