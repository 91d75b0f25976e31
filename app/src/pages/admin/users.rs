//! `/admin/users`: accounts, their roles, teams and WeCom ids. Admins only (the server
//! functions refuse anyone else; the page then shows the 403 card). Forms post to server
//! functions as plain posts (the server redirects back with the outcome); the page renders
//! on the server only and ships no WebAssembly.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::admin::{CreateUser, UpdateUser, UserSummary, list_users};
use crate::api::form_redirect::FormReturn;
use crate::components::error_words::form_errors_text;
use crate::components::time::format_beijing;
use crate::domain::Role;
use crate::i18n::*;
use crate::pages::guard::ErrorPage;

const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 px-2.5 py-1.5 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500";
const BUTTON: &str = "rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500";

#[component]
fn RoleName(role: Role) -> impl IntoView {
    let i18n = use_i18n();
    match role {
        Role::Rep => tu_string!(i18n, auth.role_rep).into_any(),
        Role::Manager => tu_string!(i18n, auth.role_manager).into_any(),
        Role::Admin => tu_string!(i18n, auth.role_admin).into_any(),
    }
}

#[component]
fn RoleSelect(selected: Role, id: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <select id=id name="role" class=INPUT>
            <option value="rep" selected=selected == Role::Rep>{tu_string!(i18n, auth.role_rep)}</option>
            <option value="manager" selected=selected == Role::Manager>{tu_string!(i18n, auth.role_manager)}</option>
            <option value="admin" selected=selected == Role::Admin>{tu_string!(i18n, auth.role_admin)}</option>
        </select>
    }
}

/// A labelled text input.
#[component]
fn Field(
    label: AnyView,
    id: String,
    name: &'static str,
    #[prop(optional)] value: String,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div>
            <label for=id.clone() class="block text-xs font-medium text-slate-600">{label}</label>
            <input id=id type=kind.unwrap_or("text") name=name value=value required=required autocomplete=autocomplete.unwrap_or("off") class=INPUT />
        </div>
    }
}

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let users = crate::codec::resource(|| (), |_| list_users());

    // Outcome of the last form post: codes in the query string, what was typed in a
    // server-side draft (see `api::form_redirect`).
    let posted = StoredValue::new(FormReturn::read(&query.read_untracked()));
    let outcome = posted.with_value(|p| match p.refused() {
        Some((_, errors)) => Some(Err(form_errors_text(i18n, errors).unwrap_or_default())),
        None => p.any_done().then_some(Ok(())),
    });
    let typed = move |k: &str| posted.with_value(|p| p.typed("create_user", k));

    view! {
        <Title text=tu_string!(i18n, admin.users_title) />
        <h1 class="text-2xl font-semibold">{tu_string!(i18n, admin.users_title)}</h1>
        <p class="mt-1 max-w-3xl text-sm text-slate-600">{tu_string!(i18n, admin.users_intro)}</p>
        {outcome.map(|r| match r {
            Ok(()) => view! { <p role="status" data-testid="admin-saved" class="mt-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">{tu_string!(i18n, admin.saved)}</p> }.into_any(),
            Err(e) => view! { <p role="alert" data-testid="admin-error" class="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">{e}</p> }.into_any(),
        })}
        <Suspense fallback=move || view! { <p class="mt-6 text-slate-500">{tu_string!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                    Ok(list) => view! {
                        <div class="mt-6 overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
                            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="user-table">
                                <thead class="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                                    <tr>
                                        <th scope="col" class="px-3 py-2">{tu_string!(i18n, admin.col_username)}</th>
                                        <th scope="col" class="px-3 py-2">{tu_string!(i18n, admin.col_role)}</th>
                                        <th scope="col" class="px-3 py-2">{tu_string!(i18n, admin.col_team)}</th>
                                        <th scope="col" class="px-3 py-2">{tu_string!(i18n, admin.col_wecom)}</th>
                                        <th scope="col" class="px-3 py-2">{tu_string!(i18n, admin.col_status)}</th>
                                        <th scope="col" class="px-3 py-2">{tu_string!(i18n, admin.col_last_login)}</th>
                                    </tr>
                                </thead>
                                <tbody class="divide-y divide-slate-100">
                                    {list.into_iter().map(|user| view! { <UserRows user /> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <CreateUserForm typed_username=typed("username") typed_name=typed("display_name") typed_team=typed("team")
                            typed_tanma=typed("tanma") typed_weiling=typed("weiling") typed_juzi=typed("juzi")
                            typed_role=Role::from_slug(&typed("role")).unwrap_or(Role::Rep) />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UserRows(user: UserSummary) -> impl IntoView {
    let i18n = use_i18n();
    let id = user.id;
    let ids = [&user.wecom.tanma, &user.wecom.weiling, &user.wecom.juzi]
        .map(|i| i.clone().unwrap_or_else(|| "–".into()))
        .join(" / ");
    let f = move |name: &str| format!("user-{id}-{name}");
    view! {
        <tr data-testid="user-row" data-username=user.username.clone() class=if user.disabled { "bg-slate-50 text-slate-400" } else { "" }>
            <td class="px-3 py-2">
                <div class="font-medium text-slate-900">{user.username.clone()}</div>
                <div class="text-xs text-slate-500">{user.display_name.clone()}</div>
            </td>
            <td class="px-3 py-2"><RoleName role=user.role /></td>
            <td class="px-3 py-2">{user.team.clone().unwrap_or_else(|| "–".into())}</td>
            <td class="px-3 py-2 font-mono text-xs">{ids}</td>
            <td class="px-3 py-2">{if user.disabled { tu_string!(i18n, admin.status_disabled).into_any() } else { tu_string!(i18n, admin.status_enabled).into_any() }}</td>
            <td class="px-3 py-2 text-xs">{match user.last_login_ms { Some(ms) => format_beijing(ms).into_any(), None => tu_string!(i18n, admin.never).into_any() }}</td>
        </tr>
        <tr>
            <td colspan="6" class="px-3 pb-3">
                <details>
                    <summary class="cursor-pointer text-xs font-medium text-brand-700">{tu_string!(i18n, admin.edit)}" "{user.username.clone()}</summary>
                    <form method="post" action=UpdateUser::PATH class="mt-2 grid gap-3 rounded-lg bg-slate-50 p-3 sm:grid-cols-3" data-testid="user-edit-form">
                        <input type="hidden" name="id" value=id />
                        <Field label=tu_string!(i18n, admin.field_display_name).into_any() id=f("name") name="display_name" value=user.display_name.clone() required=true />
                        <div>
                            <label for=f("role") class="block text-xs font-medium text-slate-600">{tu_string!(i18n, admin.col_role)}</label>
                            <RoleSelect selected=user.role id=f("role") />
                        </div>
                        <Field label=tu_string!(i18n, admin.col_team).into_any() id=f("team") name="team" value=user.team.clone().unwrap_or_default() />
                        <Field label=tu_string!(i18n, admin.field_tanma).into_any() id=f("tanma") name="tanma" value=user.wecom.tanma.clone().unwrap_or_default() />
                        <Field label=tu_string!(i18n, admin.field_weiling).into_any() id=f("weiling") name="weiling" value=user.wecom.weiling.clone().unwrap_or_default() />
                        <Field label=tu_string!(i18n, admin.field_juzi).into_any() id=f("juzi") name="juzi" value=user.wecom.juzi.clone().unwrap_or_default() />
                        <Field label=tu_string!(i18n, admin.field_new_password).into_any() id=f("password") name="password" kind="password" autocomplete="new-password" />
                        <label class="flex items-center gap-2 self-end text-sm">
                            <input type="checkbox" name="disabled" value="on" checked=user.disabled />
                            {tu_string!(i18n, admin.field_disabled)}
                        </label>
                        <div class="self-end"><button type="submit" class=BUTTON>{tu_string!(i18n, admin.save)}</button></div>
                    </form>
                </details>
            </td>
        </tr>
    }
}

#[allow(clippy::too_many_arguments)]
#[component]
fn CreateUserForm(
    typed_username: String,
    typed_name: String,
    typed_team: String,
    typed_tanma: String,
    typed_weiling: String,
    typed_juzi: String,
    typed_role: Role,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="mt-8 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 class="text-lg font-semibold">{tu_string!(i18n, admin.add_title)}</h2>
            <p class="mt-1 text-sm text-slate-600">{tu_string!(i18n, admin.add_intro)}</p>
            <form method="post" action=CreateUser::PATH class="mt-4 grid gap-3 sm:grid-cols-3" data-testid="user-create-form">
                <Field label=tu_string!(i18n, admin.col_username).into_any() id="new-username".into() name="username" value=typed_username required=true />
                <Field label=tu_string!(i18n, admin.field_display_name).into_any() id="new-name".into() name="display_name" value=typed_name required=true />
                <div>
                    <label for="new-role" class="block text-xs font-medium text-slate-600">{tu_string!(i18n, admin.col_role)}</label>
                    <RoleSelect selected=typed_role id="new-role".into() />
                </div>
                <Field label=tu_string!(i18n, admin.col_team).into_any() id="new-team".into() name="team" value=typed_team />
                <Field label=tu_string!(i18n, admin.field_tanma).into_any() id="new-tanma".into() name="tanma" value=typed_tanma />
                <Field label=tu_string!(i18n, admin.field_weiling).into_any() id="new-weiling".into() name="weiling" value=typed_weiling />
                <Field label=tu_string!(i18n, admin.field_juzi).into_any() id="new-juzi".into() name="juzi" value=typed_juzi />
                <Field label=tu_string!(i18n, admin.field_password).into_any() id="new-password".into() name="password" kind="password" autocomplete="new-password" />
                <div class="self-end"><button type="submit" class=BUTTON data-testid="user-create-submit">{tu_string!(i18n, admin.create)}</button></div>
            </form>
        </section>
    }
}
