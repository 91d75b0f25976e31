//! `/login?next=…&error=…`: the sign-in page. A plain HTML form posted to the server (works
//! with JavaScript off and needs no client code); the server answers with a redirect to
//! `next` and an HttpOnly session cookie, or back here with `error`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::ShellInfo;
use crate::api::auth::{ERROR_PARAM, LOGIN_ACTION, LoginProblem, NEXT_PARAM, SIGNED_OUT_PARAM, get_current_user, safe_next};
use crate::api::get_shell_info;
use crate::i18n::*;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let next = move || safe_next(query.read().get(NEXT_PARAM).as_deref());
    let problem = move || query.read().get(ERROR_PARAM).and_then(|e| LoginProblem::from_slug(&e));
    let signed_out = move || query.read().get(SIGNED_OUT_PARAM).is_some();
    let me = crate::codec::resource(|| (), |_| get_current_user());
    let shell = crate::codec::resource(|| (), |_| get_shell_info());

    let problem_text = move || {
        problem().map(|p| match p {
            LoginProblem::Invalid => t_string!(i18n, auth.error_invalid),
            LoginProblem::Throttled => t_string!(i18n, auth.error_throttled),
            LoginProblem::Expired => t_string!(i18n, auth.error_expired),
            LoginProblem::Rejected => t_string!(i18n, auth.error_rejected),
        })
    };

    view! {
        <Title text=tu_string!(i18n, auth.login_title) />
        <section class="mx-auto mt-4 max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:mt-10 sm:p-8">
            <h1 class="text-2xl font-semibold">{tu_string!(i18n, auth.login_title)}</h1>
            <p class="mt-1 text-sm text-slate-600">{tu_string!(i18n, auth.login_intro)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    me.await.ok().flatten().map(|user| view! {
                        <p data-testid="already-signed-in" class="mt-4 rounded-md bg-slate-50 p-3 text-sm text-slate-700">
                            {tu_string!(i18n, auth.already_signed_in, name = user.display_name.clone())}
                            " "
                            <a href=next() class="font-medium text-brand-700 underline">{tu_string!(i18n, auth.continue_link)}</a>
                        </p>
                    })
                })}
            </Suspense>
            {move || signed_out().then(|| view! {
                <p role="status" data-testid="signed-out" class="mt-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
                    {tu_string!(i18n, auth.signed_out)}
                </p>
            })}
            {move || problem_text().map(|text| view! {
                <p role="alert" data-testid="login-error" class="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">{text}</p>
            })}
            <form method="post" action=LOGIN_ACTION class="mt-6 space-y-4" data-testid="login-form">
                <input type="hidden" name="next" value=next />
                <div>
                    <label for="login-username" class="block text-sm font-medium text-slate-700">{tu_string!(i18n, auth.username)}</label>
                    <input
                        id="login-username"
                        name="username"
                        type="text"
                        required
                        autofocus
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        maxlength="64"
                        class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-base focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500"
                    />
                </div>
                <div>
                    <label for="login-password" class="block text-sm font-medium text-slate-700">{tu_string!(i18n, auth.password)}</label>
                    <input
                        id="login-password"
                        name="password"
                        type="password"
                        required
                        autocomplete="current-password"
                        maxlength="256"
                        class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-base focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500"
                    />
                </div>
                <button
                    type="submit"
                    data-testid="login-submit"
                    class="w-full rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2"
                >
                    {tu_string!(i18n, auth.submit)}
                </button>
            </form>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    shell.await.ok().filter(|s: &ShellInfo| s.demo).map(|_| view! {
                        <p data-testid="demo-accounts-hint" class="mt-6 text-xs text-slate-500">{tu_string!(i18n, auth.demo_hint)}</p>
                    })
                })}
            </Suspense>
        </section>
    }
}
