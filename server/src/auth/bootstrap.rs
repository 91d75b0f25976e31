//! The first admin, from `SALESDESK_BOOTSTRAP_ADMIN`, created at start-up only while no user
//! exists. (Demo mode's accounts are made by `demo::users`.)

use app::domain::{Role, VendorUserIds};
use secrecy::SecretString;

use super::{AuthError, password, users};
use crate::clock::now_ms;
use crate::storage::Store;
use crate::storage::users::{self as stored, NewUser};

/// Creates the admin when the user table is empty; returns the name when it did.
pub async fn bootstrap_admin(store: &Store, admin: Option<&(String, SecretString)>) -> Result<Option<String>, AuthError> {
    let Some((name, secret)) = admin else { return Ok(None) };
    if stored::count(store).await? > 0 {
        return Ok(None);
    }
    let hash = password::hash(secret.clone()).await?;
    let user = NewUser {
        username: name.clone(),
        display_name: name.clone(),
        role: Role::Admin,
        team: None,
        wecom: VendorUserIds::default(),
        password_hash: Some(hash),
    };
    users::create(store, &user, now_ms()).await?;
    Ok(Some(name.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bootstrap_admin_only_when_empty() {
        let store = Store::open_in_memory().await.unwrap();
        let admin = ("boss".to_string(), SecretString::from("a-long-password"));
        assert_eq!(bootstrap_admin(&store, Some(&admin)).await.unwrap().as_deref(), Some("boss"));
        assert_eq!(bootstrap_admin(&store, Some(&admin)).await.unwrap(), None, "not again");
        let boss = stored::by_username(&store, "boss").await.unwrap().unwrap();
        assert_eq!(boss.role, Role::Admin);
        assert_eq!(bootstrap_admin(&store, None).await.unwrap(), None);
    }
}
