//! `salesdesk user …`: account management from the command line. Passwords are read from
//! standard input (first line), never from arguments, which other users can see in `ps`.

use std::io::{BufRead, Write};

use app::domain::{Role, VendorUserIds};
use clap::Subcommand;
use secrecy::SecretString;

use crate::auth::AuthError;
use crate::auth::password::{self, PasswordError};
use crate::auth::users::{self, UserInputError};
use crate::clock::now_ms;
use crate::storage::audit::{self, AuditAction, AuditActor, AuditEntry, AuditResult};
use crate::storage::users::{self as stored, NewUser, Profile};
use crate::storage::{Notice, StorageError, Store, StoreOptions, sessions};

/// Why a user command failed; the line an operator sees.
#[derive(Debug, thiserror::Error)]
pub enum UserCommandError {
    #[error("unknown role \"{0}\": use rep, manager or admin")]
    UnknownRole(String),
    #[error("no user named \"{0}\"")]
    NoSuchUser(String),
    #[error("a user named \"{0}\" already exists")]
    UsernameTaken(String),
    #[error("cannot read the password from stdin")]
    ReadPassword(#[source] std::io::Error),
    #[error("cannot write output")]
    Output(#[source] std::io::Error),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Input(#[from] UserInputError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password is read from stdin, e.g. `echo "$PW" | salesdesk user add liufulai --wecom LiuFuLai`.
    Add {
        username: String,
        /// rep, manager or admin.
        #[arg(long, default_value = "rep")]
        role: String,
        /// Display name [default: the username].
        #[arg(long)]
        name: Option<String>,
        /// Team; a manager sees the customers of everyone with the same team.
        #[arg(long)]
        team: Option<String>,
        /// WeCom user id used at every vendor (override one with --tanma/--weiling/--juzi).
        #[arg(long)]
        wecom: Option<String>,
        /// Tanma qwUserId.
        #[arg(long)]
        tanma: Option<String>,
        /// Weiling userid.
        #[arg(long)]
        weiling: Option<String>,
        /// Juzibot userId.
        #[arg(long)]
        juzi: Option<String>,
        /// No password: the user signs in only through the SSO proxy.
        #[arg(long)]
        no_password: bool,
    },
    /// List users.
    List,
    /// Set a user's password (read from stdin) and sign them out everywhere.
    SetPassword { username: String },
    /// Change a user's role (rep, manager, admin).
    SetRole { username: String, role: String },
    /// Disable a user and sign them out everywhere.
    Disable { username: String },
    /// Enable a disabled user.
    Enable { username: String },
}

fn role(text: &str) -> Result<Role, UserCommandError> {
    Role::from_slug(text.trim()).ok_or_else(|| UserCommandError::UnknownRole(text.to_string()))
}

fn read_password(input: &mut dyn BufRead) -> Result<SecretString, UserCommandError> {
    let mut line = String::new();
    input.read_line(&mut line).map_err(UserCommandError::ReadPassword)?;
    let pw = line.trim_end_matches(['\r', '\n']).to_string();
    password::validate_new(&pw)?;
    Ok(SecretString::from(pw))
}

async fn find(store: &Store, username: &str) -> Result<stored::User, UserCommandError> {
    stored::by_username(store, username)
        .await?
        .ok_or_else(|| UserCommandError::NoSuchUser(username.to_string()))
}

async fn audit_cli(store: &Store, action: AuditAction, username: &str, detail: String) -> Result<(), StorageError> {
    let actor = AuditActor {
        user_id: None,
        username: "(command line)".into(),
    };
    let entry = AuditEntry {
        actor,
        action,
        customer_key: None,
        vendor: None,
        write_id: None,
        result: AuditResult::Ok,
        detail: Some(format!("user={username} {detail}")),
        at_ms: None,
    };
    audit::record(store, entry).await.map(|_| ())
}

/// Runs one command against `store`; what it prints goes to `out`.
pub async fn run(store: &Store, command: UserCommand, input: &mut dyn BufRead, out: &mut dyn Write) -> Result<(), UserCommandError> {
    let w = UserCommandError::Output;
    match command {
        UserCommand::Add {
            username,
            role: role_text,
            name,
            team,
            wecom,
            tanma,
            weiling,
            juzi,
            no_password,
        } => {
            let role = role(&role_text)?;
            users::validate_username(&username)?;
            if stored::by_username(store, &username).await?.is_some() {
                return Err(UserCommandError::UsernameTaken(username));
            }
            let password_hash = if no_password {
                None
            } else {
                Some(password::hash(read_password(input)?).await?)
            };
            let ids = VendorUserIds {
                tanma: tanma.or(wecom.clone()),
                weiling: weiling.or(wecom.clone()),
                juzi: juzi.or(wecom),
            };
            let new = NewUser {
                display_name: name.unwrap_or_else(|| username.clone()),
                username,
                role,
                team,
                wecom: ids,
                password_hash,
            };
            let user = users::create(store, &new, now_ms()).await?;
            audit_cli(
                store,
                AuditAction::UserCreated,
                &user.username,
                format!("role={}", user.role.slug()),
            )
            .await?;
            writeln!(out, "created {} ({})", user.username, user.role.slug()).map_err(w)?;
        }
        UserCommand::List => {
            writeln!(
                out,
                "{:<20} {:<8} {:<12} {:<40} status",
                "username", "role", "team", "wecom (tanma/weiling/juzi)"
            )
            .map_err(w)?;
            for u in stored::list(store).await? {
                let ids = [&u.wecom.tanma, &u.wecom.weiling, &u.wecom.juzi]
                    .map(|i| i.as_deref().unwrap_or("-"))
                    .join("/");
                let status = if u.disabled { "disabled" } else { "enabled" };
                writeln!(
                    out,
                    "{:<20} {:<8} {:<12} {:<40} {status}",
                    u.username,
                    u.role.slug(),
                    u.team.as_deref().unwrap_or("-"),
                    ids
                )
                .map_err(w)?;
            }
        }
        UserCommand::SetPassword { username } => {
            let user = find(store, &username).await?;
            let hash = password::hash(read_password(input)?).await?;
            stored::set_password_hash(store, user.id, &hash, now_ms()).await?;
            audit_cli(store, AuditAction::PasswordChanged, &user.username, String::new()).await?;
            writeln!(out, "password of {} changed; their sessions ended", user.username).map_err(w)?;
        }
        UserCommand::SetRole { username, role: role_text } => {
            let role = role(&role_text)?;
            let user = find(store, &username).await?;
            let profile = Profile {
                display_name: user.display_name.clone(),
                role,
                team: user.team.clone(),
                wecom: user.wecom.clone(),
            };
            users::update_profile(store, user.id, &profile, now_ms()).await?;
            audit_cli(store, AuditAction::UserUpdated, &user.username, format!("role={}", role.slug())).await?;
            writeln!(out, "{} is now {}", user.username, role.slug()).map_err(w)?;
        }
        UserCommand::Disable { username } => {
            let user = find(store, &username).await?;
            stored::set_disabled(store, user.id, true, now_ms()).await?;
            sessions::delete_for_user(store, user.id).await?;
            audit_cli(store, AuditAction::UserUpdated, &user.username, "disabled".into()).await?;
            writeln!(out, "{} disabled and signed out", user.username).map_err(w)?;
        }
        UserCommand::Enable { username } => {
            let user = find(store, &username).await?;
            stored::set_disabled(store, user.id, false, now_ms()).await?;
            audit_cli(store, AuditAction::UserUpdated, &user.username, "enabled".into()).await?;
            writeln!(out, "{} enabled", user.username).map_err(w)?;
        }
    }
    Ok(())
}

/// `salesdesk user …` on the configured database, with the terminal's stdin and stdout.
pub async fn run_in(options: &StoreOptions, command: UserCommand) -> Result<(), UserCommandError> {
    let store = Store::connect(options).await?;
    let result = {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        run(&store, command, &mut input, &mut std::io::stdout()).await
    };
    // Instances sharing PostgreSQL forget the sessions they remember for a few seconds, so a
    // disabled account or a new role takes effect on them at once.
    store.publish(&Notice::Sessions).await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn exec(store: &Store, command: UserCommand, stdin: &str) -> Result<String, UserCommandError> {
        let mut out = Vec::new();
        run(store, command, &mut stdin.as_bytes(), &mut out).await?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[tokio::test]
    async fn add_list_password_role_disable() {
        let store = Store::open_in_memory().await.unwrap();
        let add = UserCommand::Add {
            username: "liufulai".into(),
            role: "rep".into(),
            name: Some("刘福来".into()),
            team: Some("华东一组".into()),
            wecom: Some("LiuFuLai".into()),
            tanma: None,
            weiling: Some("lfl".into()),
            juzi: None,
            no_password: false,
        };
        exec(&store, add, "first-password\n").await.unwrap();
        let u = stored::by_username(&store, "liufulai").await.unwrap().unwrap();
        assert_eq!(
            u.wecom,
            VendorUserIds {
                tanma: Some("LiuFuLai".into()),
                weiling: Some("lfl".into()),
                juzi: Some("LiuFuLai".into())
            }
        );
        assert!(password::verify(SecretString::from("first-password"), u.password_hash.clone()).await);

        let listing = exec(&store, UserCommand::List, "").await.unwrap();
        assert!(
            listing.contains("liufulai") && listing.contains("LiuFuLai/lfl/LiuFuLai") && !listing.contains("argon2"),
            "{listing}"
        );

        let e = exec(
            &store,
            UserCommand::SetPassword {
                username: "liufulai".into(),
            },
            "short\n",
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(!e.contains("short"), "{e}");
        exec(
            &store,
            UserCommand::SetPassword {
                username: "liufulai".into(),
            },
            "second-password\r\n",
        )
        .await
        .unwrap();
        let u = stored::by_username(&store, "liufulai").await.unwrap().unwrap();
        assert!(password::verify(SecretString::from("second-password"), u.password_hash).await);

        exec(
            &store,
            UserCommand::SetRole {
                username: "liufulai".into(),
                role: "manager".into(),
            },
            "",
        )
        .await
        .unwrap();
        assert!(
            exec(
                &store,
                UserCommand::SetRole {
                    username: "liufulai".into(),
                    role: "boss".into()
                },
                ""
            )
            .await
            .is_err()
        );
        exec(
            &store,
            UserCommand::Disable {
                username: "liufulai".into(),
            },
            "",
        )
        .await
        .unwrap();
        let u = stored::by_username(&store, "liufulai").await.unwrap().unwrap();
        assert_eq!((u.role, u.disabled), (Role::Manager, true));
        exec(
            &store,
            UserCommand::Enable {
                username: "LIUFULAI".into(),
            },
            "",
        )
        .await
        .unwrap();
        assert!(!stored::by_username(&store, "liufulai").await.unwrap().unwrap().disabled);
        assert!(exec(&store, UserCommand::Disable { username: "nobody".into() }, "").await.is_err());
        assert_eq!(audit::list(&store, None, 100).await.unwrap().len(), 5, "every change is audited");
    }
}
