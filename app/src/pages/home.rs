//! `/` = 今日待办: the signed-in rep's follow-ups due today and overdue, their customers not
//! followed up for a while, and the customers they opened lately; managers also see their
//! team's due and overdue follow-ups with a count per rep. Rendered on the server only.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::get_today;
use crate::codec::resource;
use crate::components::time::{ago_text, format_beijing};
use crate::domain::{DueFollowUp, EpochMs, RecentView, StaleCustomer, TeamFollowUps, TodayPage};
use crate::i18n::*;
use crate::pages::guard::ErrorPage;

const CARD: &str = "rounded-xl border border-slate-200 bg-white p-5 shadow-sm";
const LINK: &str = "font-medium text-brand-700 hover:underline break-all";

fn customer_href(key: &str) -> String {
    format!("/customers/{key}")
}

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let today = resource(|| (), |_| get_today());
    view! {
        <Title text=tu_string!(i18n, today.title) />
        <div class="flex flex-wrap items-end justify-between gap-3">
            <div>
                <h1 class="text-2xl font-semibold">{tu_string!(i18n, today.title)}</h1>
                <p class="mt-1 max-w-2xl text-sm text-slate-600">{tu_string!(i18n, today.intro)}</p>
            </div>
            <div class="flex flex-wrap gap-2">
                <A href="/customers" attr:class="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700" attr:data-testid="home-customers">
                    {tu_string!(i18n, common.home_go_customers)}
                </A>
                <A href="/clues" attr:class="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
                    {tu_string!(i18n, common.home_go_clues)}
                </A>
            </div>
        </div>
        <Transition fallback=|| view! { <div class="mt-6 h-64 animate-pulse rounded-xl bg-slate-200/70" aria-hidden="true"></div> }>
            {move || Suspend::new(async move {
                match today.await {
                    Ok(page) => view! { <TodayView page /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TodayView(page: TodayPage) -> impl IntoView {
    let i18n = use_i18n();
    let now = page.generated_at;
    view! {
        <div class="mt-6 grid gap-6 lg:grid-cols-3">
            <div class="space-y-6 lg:col-span-2">
                <section data-testid="today-due" class=CARD>
                    <h2 class="text-base font-semibold">{tu_string!(i18n, today.due_heading)}</h2>
                    {if page.due.is_empty() {
                        view! { <Empty testid="due-empty" title=tu_string!(i18n, today.due_empty_title).to_string() body=tu_string!(i18n, today.due_empty_body).to_string() /> }.into_any()
                    } else {
                        view! { <DueList items=page.due show_rep=false /> }.into_any()
                    }}
                </section>
                {page.team.map(|team| view! { <TeamSection team /> })}
            </div>
            <div class="space-y-6">
                <StaleSection stale=page.stale total=page.stale_total days=page.stale_days has_own=page.has_own_customers now />
                <RecentSection recent=page.recent now />
            </div>
        </div>
    }
    .into_any()
}

/// "Nothing here", saying what to do next.
#[component]
fn Empty(testid: &'static str, title: String, body: String) -> impl IntoView {
    view! {
        <div data-testid=testid class="mt-3 rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center">
            <p class="text-sm font-medium text-slate-800">{title}</p>
            <p class="mx-auto mt-1 max-w-md text-sm text-slate-500">{body}</p>
        </div>
    }
}

#[component]
fn DueList(items: Vec<DueFollowUp>, show_rep: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="mt-3 divide-y divide-slate-100">
            {items.into_iter().map(|item| {
                let plan = item.plan;
                let name = plan.customer_name.clone().unwrap_or_else(|| plan.customer_key.clone());
                let rep = show_rep.then(|| tu_string!(i18n, today.by_rep, rep = item.rep_name.clone()).to_string());
                view! {
                    <li data-testid="due-item" data-key=plan.customer_key.clone() data-overdue=item.overdue.to_string() class="py-3">
                        <div class="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                            <A href=customer_href(&plan.customer_key) attr:class=LINK>{name}</A>
                            {if item.overdue {
                                view! { <span data-testid="overdue-badge" class="rounded bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-700">{tu_string!(i18n, today.overdue)}</span> }.into_any()
                            } else {
                                view! { <span class="rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-800">{tu_string!(i18n, today.due_today)}</span> }.into_any()
                            }}
                            <span class="text-slate-500" data-testid="due-at">{format_beijing(plan.due_at)}</span>
                            {rep.map(|r| view! { <span class="text-xs text-slate-500">{r}</span> })}
                        </div>
                        <p class="mt-1 break-words text-sm text-slate-700" data-testid="due-plan">{plan.plan}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn TeamSection(team: TeamFollowUps) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section data-testid="today-team" class=CARD>
            <h2 class="text-base font-semibold">{tu_string!(i18n, today.team_heading)}</h2>
            {if team.reps.is_empty() {
                view! { <p class="mt-3 text-sm text-slate-500">{tu_string!(i18n, today.team_empty)}</p> }.into_any()
            } else {
                view! {
                    <table class="mt-3 w-full text-left text-sm">
                        <thead class="text-xs text-slate-500"><tr>
                            <th class="py-1 font-medium">{tu_string!(i18n, today.team_rep)}</th>
                            <th class="py-1 font-medium">{tu_string!(i18n, today.team_overdue)}</th>
                            <th class="py-1 font-medium">{tu_string!(i18n, today.team_due_today)}</th>
                        </tr></thead>
                        <tbody>
                            {team.reps.into_iter().map(|r| view! {
                                <tr data-testid="team-rep" data-rep=r.rep_name.clone() data-overdue=r.overdue.to_string() data-due-today=r.due_today.to_string() class="border-t border-slate-100">
                                    <td class="py-1.5">{r.rep_name.clone()}</td>
                                    <td class="py-1.5 text-red-700">{r.overdue}</td>
                                    <td class="py-1.5">{r.due_today}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <DueList items=team.due show_rep=true />
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn StaleSection(stale: Vec<StaleCustomer>, total: u32, days: u32, has_own: bool, now: EpochMs) -> impl IntoView {
    let i18n = use_i18n();
    let shown = stale.len() as u32;
    view! {
        <section data-testid="today-stale" data-total=total.to_string() class=CARD>
            <h2 class="text-base font-semibold">{tu_string!(i18n, today.stale_heading, days = days)}</h2>
            {if !has_own {
                view! { <Empty testid="stale-empty" title=tu_string!(i18n, today.stale_no_wecom_title).to_string() body=tu_string!(i18n, today.stale_no_wecom_body).to_string() /> }.into_any()
            } else if stale.is_empty() {
                view! { <Empty testid="stale-empty" title=tu_string!(i18n, today.stale_empty_title).to_string() body=tu_string!(i18n, today.stale_empty_body, days = days).to_string() /> }.into_any()
            } else {
                view! {
                    <p class="mt-1 text-xs text-slate-500">{tu_string!(i18n, today.stale_total, count = total)}</p>
                    <ul class="mt-2 divide-y divide-slate-100">
                        {stale.into_iter().map(|c| {
                            let name = c.name.clone().unwrap_or_else(|| c.key.clone());
                            let last = match c.last_follow_at {
                                Some(at) => format!("{} {}", tu_string!(i18n, today.last_followed), ago_text(at, now)),
                                None => tu_string!(i18n, today.never_followed).to_string(),
                            };
                            view! {
                                <li data-testid="stale-item" data-key=c.key.clone() class="flex flex-wrap items-baseline justify-between gap-2 py-2 text-sm">
                                    <A href=customer_href(&c.key) attr:class=LINK>{name}</A>
                                    <span class="text-xs text-slate-500">{last}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(total > shown).then(|| view! { <p class="mt-2 text-xs text-slate-500">{tu_string!(i18n, today.stale_more, count = total - shown)}</p> })}
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn RecentSection(recent: Vec<RecentView>, now: EpochMs) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section data-testid="today-recent" class=CARD>
            <h2 class="text-base font-semibold">{tu_string!(i18n, today.recent_heading)}</h2>
            {if recent.is_empty() {
                view! { <Empty testid="recent-empty" title=tu_string!(i18n, today.recent_empty_title).to_string() body=tu_string!(i18n, today.recent_empty_body).to_string() /> }.into_any()
            } else {
                view! {
                    <ul class="mt-2 divide-y divide-slate-100">
                        {recent.into_iter().map(|v| {
                            let name = v.name.clone().unwrap_or_else(|| v.key.clone());
                            view! {
                                <li data-testid="recent-item" data-key=v.key.clone() class="flex flex-wrap items-baseline justify-between gap-2 py-2 text-sm">
                                    <A href=customer_href(&v.key) attr:class=LINK>{name}</A>
                                    <span class="text-xs text-slate-500">{ago_text(v.viewed_at, now)}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}
