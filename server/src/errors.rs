//! The one place a server-side failure becomes the `AppError` a server function returns.
//!
//! Services, storage and auth return their own typed errors; what the browser may learn of an
//! internal failure is only that it happened and the request id under which its cause was
//! logged here.

use app::error::AppError;

use crate::request_context::current_request_id;

/// Logs `cause` (with its chain of sources) under the current request id and answers the
/// `AppError::Internal` that names that id.
pub fn internal(cause: &(dyn std::error::Error + 'static)) -> AppError {
    let request_id = current_request_id();
    let mut chain = cause.to_string();
    let mut source = cause.source();
    while let Some(next) = source {
        chain.push_str(": ");
        chain.push_str(&next.to_string());
        source = next.source();
    }
    tracing::error!(request_id = request_id.as_deref().unwrap_or("-"), error = %chain, "internal error");
    AppError::Internal { request_id }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request_context::with_request_id;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[tokio::test]
    async fn the_internal_error_names_the_request_and_nothing_of_the_cause() {
        let cause = Outer(std::io::Error::other("disk full at /secret/path"));
        let error = with_request_id("req-9".into(), async { internal(&cause) }).await;
        assert_eq!(
            error,
            AppError::Internal {
                request_id: Some("req-9".into())
            }
        );
        let shown = serde_json::to_string(&error).unwrap();
        assert!(!shown.contains("disk") && !shown.contains("outer"), "{shown}");
    }
}
