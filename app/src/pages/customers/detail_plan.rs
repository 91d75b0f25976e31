//! The 360° page's next follow-up: the signed-in rep's plan for this customer (when, what),
//! a form to set or change it, and "mark done". Plain form posts answered with a redirect back
//! to the page (see `api::form_redirect`), with JavaScript on or off; the form is the note
//! form's island without the note. Renders on the server only.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use super::detail_actions::{FollowUpForm, FormSetup, PlanFields};
use crate::api::form_redirect::FormReturn;
use crate::api::{CompleteFollowUp, SetFollowUp, get_follow_up};
use crate::codec::resource;
use crate::components::error_words::{app_error_text, form_errors_text};
use crate::components::time::format_beijing;
use crate::domain::{CustomerDetail, FollowUpPlan};
use crate::i18n::*;

/// A time as `<input type="datetime-local">` holds it (Beijing time).
fn datetime_local(at: crate::domain::EpochMs) -> String {
    format_beijing(at).replacen(' ', "T", 1)
}

#[component]
pub fn FollowUpPlanSection(detail: CustomerDetail) -> impl IntoView {
    let i18n = use_i18n();
    let key = detail.customer.key.clone();
    let now = detail.generated_at;
    let plan = resource(move || key.clone(), get_follow_up);
    let key = detail.customer.key.clone();
    view! {
        <section data-testid="follow-up-plan" class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 class="text-base font-semibold">{tu_string!(i18n, today.plan_heading)}</h2>
            <Suspense fallback=|| ()>
                {move || {
                    let key = key.clone();
                    Suspend::new(async move {
                        match plan.await {
                            Ok(current) => view! { <PlanBody key current now /> }.into_any(),
                            Err(error) => view! { <p role="alert" class="mt-2 text-sm text-red-700">{app_error_text(i18n, &error)}</p> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn PlanBody(key: String, current: Option<FollowUpPlan>, now: crate::domain::EpochMs) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let posted = FormReturn::read(&query.read_untracked());
    let open = current.as_ref().filter(|p| p.done_at.is_none()).cloned();
    // A refused post refills what was typed; otherwise the open plan is the starting point.
    let (due, text) = match posted.refused() {
        Some(("plan", _)) => (posted.typed("plan", "due"), posted.typed("plan", "plan")),
        _ => open
            .as_ref()
            .map(|p| (datetime_local(p.due_at), p.plan.clone()))
            .unwrap_or_default(),
    };
    let setup = FormSetup::new(i18n, &posted, "plan", SetFollowUp::PATH, key.clone(), String::new())
        .words(tu_string!(i18n, today.plan_save), tu_string!(i18n, today.plan_saved));
    let next = PlanFields::new(i18n, due, text, now, false);
    let done_error = form_errors_text(i18n, posted.errors("plan_done"));
    let completed = posted.done("plan_done");
    view! {
        {match (&open, &current) {
            (Some(p), _) => {
                let overdue = p.due_at < now;
                view! {
                    <div data-testid="plan-current" data-overdue=overdue.to_string() class="mt-2 rounded-lg bg-slate-50 p-3 text-sm">
                        <p class="flex flex-wrap items-center gap-2">
                            <span class="font-medium" data-testid="plan-due">{format_beijing(p.due_at)}</span>
                            {overdue.then(|| view! { <span class="rounded bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-700">{tu_string!(i18n, today.overdue)}</span> })}
                        </p>
                        <p class="mt-1 break-words text-slate-700" data-testid="plan-text">{p.plan.clone()}</p>
                        <form method="post" action=CompleteFollowUp::PATH class="mt-2">
                            <input type="hidden" name="key" value=key.clone() />
                            <button type="submit" class="text-xs font-medium text-brand-700 hover:underline" data-testid="plan-complete">{tu_string!(i18n, today.plan_complete)}</button>
                        </form>
                    </div>
                }.into_any()
            }
            (None, Some(done)) => view! {
                <p data-testid="plan-done" class="mt-2 text-sm text-slate-500">
                    <span class="mr-1 rounded bg-emerald-50 px-1.5 py-0.5 text-xs font-medium text-emerald-700">{tu_string!(i18n, today.plan_done_at)}</span>
                    <span class="line-through">{done.plan.clone()}</span>
                </p>
                <p class="mt-1 text-xs text-slate-500">{tu_string!(i18n, today.plan_none)}</p>
            }.into_any(),
            (None, None) => view! { <p data-testid="plan-none" class="mt-2 text-sm text-slate-500">{tu_string!(i18n, today.plan_none)}</p> }.into_any(),
        }}
        {completed.then(|| view! { <p class="mt-2 text-sm text-emerald-700" data-testid="plan-completed">{tu_string!(i18n, today.plan_completed)}</p> })}
        {done_error.map(|e| view! { <p role="alert" class="mt-2 text-sm text-red-700">{e}</p> })}
        <FollowUpForm setup testid="plan".to_string() note=None placeholder=String::new() next />
    }
    .into_any()
}
