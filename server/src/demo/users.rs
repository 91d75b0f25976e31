//! Demo mode's accounts: four users mapped onto reps of the simulated universe, so each sees
//! real customers:
//!
//! | user | role | WeCom id | team |
//! |---|---|---|---|
//! | `admin` | admin | – | – |
//! | manager of LiuFuLai's team (`zhangwei`) | manager | its rep id | that team |
//! | `liufulai` | rep | `LiuFuLai` (owns seed 000's Tanma customer) | 华东一组 |
//! | `rocky` | rep | `rocky` (follows seed 004's 李四) | 华南二组 |
//!
//! The same WeCom id is used at all three vendors, as the simulators share one universe.

use app::domain::{Role, VendorUserIds};
use secrecy::{ExposeSecret, SecretString};

use crate::auth::{AuthError, password, users};
use crate::clock::now_ms;
use crate::simulators::dataset::{Universe, seeds};
use crate::storage::Store;
use crate::storage::users::{self as stored, NewUser, Profile};

/// A demo account and its password, for printing at start.
#[derive(Clone)]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team: Option<String>,
    pub wecom: Option<String>,
    pub password: SecretString,
}

fn same_everywhere(id: &str) -> VendorUserIds {
    VendorUserIds {
        tanma: Some(id.into()),
        weiling: Some(id.into()),
        juzi: Some(id.into()),
    }
}

/// A rep's vendor name as a demo account's display name: cut to the account limit (64
/// characters), since the hostile universe's names run to thousands.
fn display_name(rep_name: &str) -> String {
    rep_name.trim().chars().take(64).collect()
}

/// The four demo accounts for `universe` (see the module docs).
pub fn demo_accounts(universe: &Universe, password: Option<&SecretString>) -> Vec<DemoAccount> {
    let pass = || password.cloned().unwrap_or_else(|| SecretString::from(password::generate()));
    let rep = |wecom: &str, fallback_team: &str, fallback_name: &str| {
        let (team, name) = universe
            .rep_by_user_id(wecom)
            .map(|(_, r)| (r.team.clone(), display_name(&r.name)))
            .unwrap_or((fallback_team.into(), fallback_name.into()));
        DemoAccount {
            username: wecom.to_lowercase(),
            display_name: name,
            role: Role::Rep,
            team: Some(team),
            wecom: Some(wecom.into()),
            password: pass(),
        }
    };
    let liu = rep(seeds::SEED000_REP, "华东一组", "刘福来");
    let rocky = rep(seeds::SEED004_REP, "华南二组", "张三");
    // The universe's manager of liufulai's team; if it has none, a manager is made for it.
    let manager = universe
        .reps
        .iter()
        .find(|r| r.is_manager && Some(&r.team) == liu.team.as_ref())
        .map(|r| DemoAccount {
            username: r.user_id.to_lowercase(),
            display_name: display_name(&r.name),
            role: Role::Manager,
            team: Some(r.team.clone()),
            wecom: Some(r.user_id.clone()),
            password: pass(),
        })
        .unwrap_or_else(|| DemoAccount {
            username: "manager".into(),
            display_name: "经理".into(),
            role: Role::Manager,
            team: liu.team.clone(),
            wecom: Some("DemoManager".into()),
            password: pass(),
        });
    let admin = DemoAccount {
        username: "admin".into(),
        display_name: "管理员".into(),
        role: Role::Admin,
        team: None,
        wecom: None,
        password: pass(),
    };
    vec![admin, manager, liu, rocky]
}

/// Creates the demo accounts, or resets existing ones (profile, password, enabled) so the
/// printed passwords always work. Returns them with their passwords.
pub async fn ensure_demo_users(store: &Store, universe: &Universe, password: Option<&SecretString>) -> Result<Vec<DemoAccount>, AuthError> {
    let accounts = demo_accounts(universe, password);
    let now = now_ms();
    for a in &accounts {
        let hash = password::hash(a.password.clone()).await?;
        let wecom = a.wecom.as_deref().map(same_everywhere).unwrap_or_default();
        match stored::by_username(store, &a.username).await? {
            Some(existing) => {
                let profile = Profile {
                    display_name: a.display_name.clone(),
                    role: a.role,
                    team: a.team.clone(),
                    wecom,
                };
                users::update_profile(store, existing.id, &profile, now).await?;
                stored::set_disabled(store, existing.id, false, now).await?;
                stored::set_password_hash(store, existing.id, &hash, now).await?;
            }
            None => {
                let new = NewUser {
                    username: a.username.clone(),
                    display_name: a.display_name.clone(),
                    role: a.role,
                    team: a.team.clone(),
                    wecom,
                    password_hash: Some(hash),
                };
                users::create(store, &new, now).await?;
            }
        }
    }
    Ok(accounts)
}

/// Prints the demo accounts on stdout (not the log: the log may be shipped elsewhere).
pub fn print_demo_accounts(accounts: &[DemoAccount], from_setting: bool) {
    println!(
        "demo mode: sign in with one of these accounts{}:",
        if from_setting {
            " (password from SALESDESK_DEMO_PASSWORD)"
        } else {
            ""
        }
    );
    for a in accounts {
        let who = match (&a.wecom, &a.team) {
            (Some(w), Some(t)) => format!("WeCom {w}, {t}"),
            (Some(w), None) => format!("WeCom {w}"),
            _ => "sees everything".into(),
        };
        if from_setting {
            println!("  {:<10} {:<8} {}", a.username, a.role.slug(), who);
        } else {
            println!(
                "  {:<10} {:<8} password {}  ({who})",
                a.username,
                a.role.slug(),
                a.password.expose_secret()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulators::dataset::{self, UniverseOptions};

    #[tokio::test]
    async fn demo_users_follow_the_universe_and_are_reset() {
        let universe = dataset::generate(&UniverseOptions {
            customers: 20,
            clues: 5,
            ..UniverseOptions::default()
        });
        let store = Store::open_in_memory().await.unwrap();
        let pw = SecretString::from("demo-pass-123");
        let accounts = ensure_demo_users(&store, &universe, Some(&pw)).await.unwrap();
        let names: Vec<&str> = accounts.iter().map(|a| a.username.as_str()).collect();
        assert_eq!(names, ["admin", "zhangwei", "liufulai", "rocky"]);
        let liu = stored::by_username(&store, "liufulai").await.unwrap().unwrap();
        assert_eq!(liu.wecom, same_everywhere("LiuFuLai"));
        assert_eq!(liu.team.as_deref(), Some("华东一组"));
        let boss = stored::by_username(&store, "zhangwei").await.unwrap().unwrap();
        assert_eq!((boss.role, boss.team.as_deref()), (Role::Manager, Some("华东一组")));
        assert!(password::verify(pw.clone(), liu.password_hash.clone()).await);

        // A second start with random passwords resets them and re-enables the account.
        stored::set_disabled(&store, liu.id, true, 1).await.unwrap();
        let again = ensure_demo_users(&store, &universe, None).await.unwrap();
        let liu2 = stored::by_username(&store, "liufulai").await.unwrap().unwrap();
        assert!(!liu2.disabled);
        assert!(!password::verify(pw, liu2.password_hash.clone()).await);
        assert!(password::verify(again[2].password.clone(), liu2.password_hash).await);
        assert_eq!(stored::count(&store).await.unwrap(), 4);
    }
}
