//! Turns a user account into the `Viewer` every server function sees: who they are and
//! which customers they may see, decided by WeCom user ids.

use app::domain::{Role, Scope, Viewer};

use crate::storage::users::{self, User};
use crate::storage::{StorageError, Store};

/// Admins see everything; managers their own and their team's customers (the team being
/// the enabled users with the same `team`); reps the customers they follow.
pub async fn build(store: &Store, user: &User) -> Result<Viewer, StorageError> {
    let scope = match user.role {
        Role::Admin => Scope::All,
        Role::Rep => Scope::FollowedBy(vec![user.wecom.clone()]),
        Role::Manager => {
            let mut ids = vec![user.wecom.clone()];
            if let Some(team) = user.team.as_deref() {
                ids.extend(users::team_members(store, team, user.id).await?.into_iter().map(|m| m.wecom));
            }
            Scope::FollowedBy(ids)
        }
    };
    Ok(Viewer {
        user_id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        team: user.team.clone(),
        wecom: user.wecom.clone(),
        scope,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::users::NewUser;
    use app::domain::VendorUserIds;

    fn ids(id: &str) -> VendorUserIds {
        VendorUserIds {
            tanma: Some(id.into()),
            weiling: Some(id.into()),
            juzi: Some(id.into()),
        }
    }

    async fn add(store: &Store, name: &str, role: Role, team: Option<&str>) -> User {
        let user = NewUser {
            username: name.into(),
            display_name: name.into(),
            role,
            team: team.map(str::to_string),
            wecom: ids(name),
            password_hash: None,
        };
        crate::auth::users::create(store, &user, 0).await.unwrap()
    }

    #[tokio::test]
    async fn scopes_per_role() {
        let store = Store::open_in_memory().await.unwrap();
        let admin = add(&store, "admin", Role::Admin, None).await;
        let boss = add(&store, "ZhangWei", Role::Manager, Some("华东一组")).await;
        let _liu = add(&store, "LiuFuLai", Role::Rep, Some("华东一组")).await;
        let _zhu = add(&store, "ZhuShanPeng", Role::Rep, Some("华东一组")).await;
        let rocky = add(&store, "rocky", Role::Rep, Some("华南二组")).await;

        assert_eq!(build(&store, &admin).await.unwrap().scope, Scope::All);
        assert_eq!(build(&store, &rocky).await.unwrap().scope, Scope::FollowedBy(vec![ids("rocky")]));
        let v = build(&store, &boss).await.unwrap();
        assert_eq!(
            v.scope,
            Scope::FollowedBy(vec![ids("ZhangWei"), ids("LiuFuLai"), ids("ZhuShanPeng")]),
            "own ids first, then the team"
        );
        assert_eq!(v.scope.own_id(app::domain::VendorId::Tanma), Some("ZhangWei"));
        assert_eq!(
            (v.role, v.team.as_deref(), v.username.as_str()),
            (Role::Manager, Some("华东一组"), "ZhangWei")
        );
    }
}
