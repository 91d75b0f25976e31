//! The error of sign-in and account work: a storage failure, a password that cannot be
//! used or hashed, account input that breaks the rules, or an audit export that cannot be
//! written. Becomes `AppError::Internal` through `crate::errors`.

use super::password::PasswordError;
use super::users::UserInputError;
use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Input(#[from] UserInputError),
    #[error("cannot write the audit log as CSV")]
    Csv(#[from] csv::Error),
}
