use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::list_clues;
use crate::codec::resource;
use crate::components::empty_state::EmptyState;
use crate::components::error_words::vendor_failure_text;
use crate::components::time::Timestamp;
use crate::components::vendor_chip::VendorChip;
use crate::domain::{ClueSummary, FieldValue};
use crate::i18n::*;
use crate::pages::guard::ErrorPage;

/// `/clues?cursor=`: newest first, cursor paging.
#[component]
pub fn CluesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let cursor = Memo::new(move |_| query.read().get("cursor").filter(|c| !c.is_empty()));
    let listing = resource(move || cursor.get(), list_clues);
    view! {
        <Title text=tu_string!(i18n, clues.list_title) />
        <h1 class="text-2xl font-semibold">{tu_string!(i18n, clues.list_title)}</h1>
        <p class="mt-1 text-sm text-slate-600">{tu_string!(i18n, clues.list_intro)}</p>
        <Transition fallback=move || view! { <div class="mt-6 h-96 animate-pulse rounded-xl bg-slate-200/70" aria-hidden="true"></div> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(list) => {
                        let now = list.generated_at;
                        let total = list.total;
                        let next = list.next.clone();
                        let first = cursor.get_untracked().is_some();
                        view! {
                            {(!list.failures.is_empty()).then(|| view! {
                                <div role="status" class="mt-4 rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
                                    {list.failures.iter().map(|f| view! { <p>{vendor_failure_text(i18n, f)}</p> }).collect_view()}
                                </div>
                            })}
                            <p class="mt-4 text-sm text-slate-500" data-testid="clue-total">{tu_string!(i18n, clues.total, count = total)}</p>
                            {if list.items.is_empty() {
                                view! { <div class="mt-3"><EmptyState title=tu_string!(i18n, clues.empty_title) body=tu_string!(i18n, clues.empty_body) /></div> }.into_any()
                            } else {
                                view! {
                                    <ul class="mt-3 divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="clue-list">
                                        {list.items.into_iter().map(|c| view! { <ClueRow clue=c now /> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <nav class="mt-4 flex justify-between text-sm">
                                {first.then(|| view! { <A href="/clues" attr:class="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">{tu_string!(i18n, clues.first_page)}</A> })}
                                <span></span>
                                {next.map(|n| view! { <A href=format!("/clues?cursor={n}") attr:class="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50" attr:data-testid="clues-next">{tu_string!(i18n, clues.more)}</A> })}
                            </nav>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

pub fn choice_text(v: &FieldValue) -> Option<String> {
    match v {
        FieldValue::Choice { label: Some(l), .. } => Some(l.clone()),
        FieldValue::Choice { id, label: None } => Some(format!("#{id}")),
        FieldValue::Text(s) | FieldValue::Raw(s) => Some(s.clone()),
        _ => None,
    }
}

#[component]
fn ClueRow(clue: ClueSummary, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/clues/{}/{}", clue.vendor.slug(), clue.id);
    let name = clue.name.clone().unwrap_or_else(|| clue.id.clone());
    let status = if clue.converted_at.is_some() || clue.is_clue == Some(false) {
        tu_string!(i18n, clues.status_converted)
    } else {
        tu_string!(i18n, clues.status_clue)
    };
    view! {
        <li data-testid="clue-row" data-id=clue.id.clone() data-vendor=clue.vendor.slug()>
            <A href=href attr:class="flex flex-col gap-1 px-4 py-3 hover:bg-slate-50 sm:flex-row sm:items-center sm:gap-4">
                <div class="min-w-0 flex-1">
                    <p class="truncate font-medium">{name}</p>
                    <p class="truncate font-mono text-xs text-slate-500">{clue.mobiles.join("、")}</p>
                </div>
                <div class="text-sm sm:w-32">{clue.stage.as_ref().and_then(choice_text).map(|s| view! { <span class="rounded bg-slate-100 px-1.5 py-0.5">{s}</span> })}</div>
                <div class="text-sm text-slate-600 sm:w-24">{status}</div>
                <div class="sm:w-20"><VendorChip vendor=clue.vendor /></div>
                <div class="text-sm text-slate-500 sm:w-44 sm:text-right">{clue.created_at.map(|at| view! { <Timestamp at now /> })}</div>
            </A>
        </li>
    }
    .into_any()
}
