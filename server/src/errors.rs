//! The one place a server-side failure becomes the `AppError` a server function returns.
//!
//! Services, storage and auth return their own typed errors; what the browser may learn of an
//! internal failure is only that it happened and the request id under which its cause was
//! logged here.

use app::api::auth::LoginProblem;
use app::error::AppError;

use crate::auth::AuthError;
use crate::auth::password::PasswordError;
use crate::request_context::current_request_id;
use crate::storage::StorageError;

/// `cause` and its chain of sources on one line, `outer: inner: innermost`.
pub fn report(cause: &(dyn std::error::Error + 'static)) -> String {
    let mut chain = cause.to_string();
    let mut source = cause.source();
    while let Some(next) = source {
        chain.push_str(": ");
        chain.push_str(&next.to_string());
        source = next.source();
    }
    chain
}

/// Logs `cause` (with its chain of sources) under the current request id and answers the
/// `AppError::Internal` that names that id.
pub fn internal(cause: &(dyn std::error::Error + 'static)) -> AppError {
    let request_id = current_request_id();
    tracing::error!(request_id = request_id.as_deref().unwrap_or("-"), error = %report(cause), "internal error");
    AppError::Internal { request_id }
}

impl From<StorageError> for AppError {
    fn from(e: StorageError) -> Self {
        internal(&e)
    }
}

impl From<AuthError> for AppError {
    fn from(e: AuthError) -> Self {
        internal(&e)
    }
}

impl From<PasswordError> for AppError {
    fn from(e: PasswordError) -> Self {
        internal(&e)
    }
}

/// A sign-in that fails on the server is logged like any internal error; the sign-in page
/// says only that it did not work.
impl From<StorageError> for LoginProblem {
    fn from(e: StorageError) -> Self {
        internal(&e);
        LoginProblem::Rejected
    }
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
