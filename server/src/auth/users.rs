//! What a valid account is: sign-in names, display names, teams and WeCom ids are checked
//! and trimmed here before `storage::users` writes them.

use app::domain::VendorUserIds;

use super::AuthError;
use crate::storage::Store;
use crate::storage::users::{self as stored, NewUser, Profile, User};

/// Account input that breaks the rules. The texts are shown to whoever typed it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UserInputError {
    #[error("the username must have 1 to 64 characters")]
    UsernameLength,
    #[error("the username may contain only letters, digits, '.', '_', '-' and '@'")]
    UsernameCharacters,
    #[error("the display name must have 1 to 64 characters")]
    DisplayNameLength,
    #[error("the team must have at most 64 characters")]
    TeamLength,
    #[error("\"{0}\" is not a WeCom user id")]
    WecomId(String),
}

/// Sign-in names: 1–64 letters, digits, `.`, `_`, `-` or `@`, so they are safe in URLs,
/// headers and CSV without escaping.
pub fn validate_username(name: &str) -> Result<(), UserInputError> {
    if name.is_empty() || name.len() > 64 {
        return Err(UserInputError::UsernameLength);
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err(UserInputError::UsernameCharacters);
    }
    Ok(())
}

/// Trims optional text; empty becomes `None`.
pub fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

fn check_profile(p: &Profile) -> Result<(), UserInputError> {
    if p.display_name.trim().is_empty() || p.display_name.chars().count() > 64 {
        return Err(UserInputError::DisplayNameLength);
    }
    if p.team.as_deref().is_some_and(|t| t.chars().count() > 64) {
        return Err(UserInputError::TeamLength);
    }
    for id in [&p.wecom.tanma, &p.wecom.weiling, &p.wecom.juzi].into_iter().flatten() {
        if id.len() > 128 || id.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(UserInputError::WecomId(id.clone()));
        }
    }
    Ok(())
}

fn clean_ids(ids: &VendorUserIds) -> VendorUserIds {
    VendorUserIds {
        tanma: clean(ids.tanma.as_deref()),
        weiling: clean(ids.weiling.as_deref()),
        juzi: clean(ids.juzi.as_deref()),
    }
}

/// Checks and trims `user`, then creates it.
pub async fn create(store: &Store, user: &NewUser, now_ms: i64) -> Result<User, AuthError> {
    validate_username(&user.username)?;
    let profile = Profile {
        display_name: user.display_name.clone(),
        role: user.role,
        team: clean(user.team.as_deref()),
        wecom: clean_ids(&user.wecom),
    };
    check_profile(&profile)?;
    let user = NewUser {
        username: user.username.clone(),
        display_name: profile.display_name.trim().to_string(),
        role: profile.role,
        team: profile.team,
        wecom: profile.wecom,
        password_hash: user.password_hash.clone(),
    };
    Ok(stored::insert(store, &user, now_ms).await?)
}

/// Checks and trims `profile`, then writes it; false when there is no such user.
pub async fn update_profile(store: &Store, id: i64, profile: &Profile, now_ms: i64) -> Result<bool, AuthError> {
    let profile = Profile {
        display_name: profile.display_name.trim().to_string(),
        role: profile.role,
        team: clean(profile.team.as_deref()),
        wecom: clean_ids(&profile.wecom),
    };
    check_profile(&profile)?;
    Ok(stored::update_profile(store, id, &profile, now_ms).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::users::{by_id, by_username, set_disabled, team_members};
    use app::domain::Role;

    fn new_user(name: &str, role: Role, team: Option<&str>, wecom: &str) -> NewUser {
        NewUser {
            username: name.into(),
            display_name: name.to_uppercase(),
            role,
            team: team.map(str::to_string),
            wecom: VendorUserIds {
                tanma: Some(wecom.into()),
                weiling: Some(wecom.into()),
                juzi: Some(format!(" {wecom} ")),
            },
            password_hash: None,
        }
    }

    #[tokio::test]
    async fn create_find_update_and_team() {
        let store = Store::open_in_memory().await.unwrap();
        let a = create(&store, &new_user("LiuFuLai", Role::Rep, Some("华东一组"), "LiuFuLai"), 1)
            .await
            .unwrap();
        assert_eq!(a.wecom.juzi.as_deref(), Some("LiuFuLai"), "ids are trimmed");
        let e = create(&store, &new_user("liufulai", Role::Rep, None, "x"), 2).await.unwrap_err();
        assert!(e.to_string().contains("already exists"), "usernames are case-insensitive: {e}");
        assert_eq!(by_username(&store, "LIUFULAI").await.unwrap().unwrap().id, a.id);
        let m = create(&store, &new_user("zhangwei", Role::Manager, Some("华东一组"), "ZhangWei"), 3)
            .await
            .unwrap();
        let other = create(&store, &new_user("rocky", Role::Rep, Some("华南二组"), "rocky"), 4)
            .await
            .unwrap();
        let team = team_members(&store, "华东一组", m.id).await.unwrap();
        assert_eq!(team.iter().map(|u| u.id).collect::<Vec<_>>(), vec![a.id]);
        set_disabled(&store, a.id, true, 5).await.unwrap();
        assert!(
            team_members(&store, "华东一组", m.id).await.unwrap().is_empty(),
            "disabled users leave the team"
        );
        let profile = Profile {
            display_name: "Rocky".into(),
            role: Role::Manager,
            team: Some("  ".into()),
            wecom: VendorUserIds::default(),
        };
        assert!(update_profile(&store, other.id, &profile, 6).await.unwrap());
        let r = by_id(&store, other.id).await.unwrap().unwrap();
        assert_eq!((r.role, r.team.clone(), r.display_name.as_str()), (Role::Manager, None, "Rocky"));
        assert!(validate_username("bad name").is_err());
        assert!(validate_username("a.b-c_d@corp").is_ok());
        assert!(!format!("{r:?}").contains("password"));
    }
}
