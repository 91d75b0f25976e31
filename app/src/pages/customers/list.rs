use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

use crate::api::list_customers;
use crate::codec::resource;
use crate::components::avatar::Avatar;
use crate::components::empty_state::EmptyState;
use crate::components::error_words::vendor_failure_text;
use crate::components::time::{Timestamp, ago_text};
use crate::components::vendor_chip::{VendorChips, vendor_name};
use crate::domain::{CustomerListing, CustomerQuery, CustomerSummary, DEFAULT_PAGE_SIZE, VendorId};
use crate::i18n::*;
use crate::pages::guard::ErrorPage;

use super::list_bulk::{BulkSelect, BulkToolbar};

fn query_from(map: &leptos_router::params::ParamsMap) -> CustomerQuery {
    let text = |k: &str| map.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    CustomerQuery {
        q: text("q"),
        rep: text("rep"),
        vendor: text("vendor").and_then(|v| VendorId::from_slug(&v)),
        tag: text("tag"),
        stage: text("stage"),
        page: text("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        page_size: DEFAULT_PAGE_SIZE,
    }
}

/// `/customers?q=&rep=&vendor=&tag=&stage=&page=`: the list reps work from.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_from(&query_map.read()));
    let listing = resource(move || query.get(), list_customers);
    view! {
        <Title text=tu_string!(i18n, customers.list_title) />
        <div class="flex flex-wrap items-end justify-between gap-2">
            <div>
                <h1 class="text-2xl font-semibold">{tu_string!(i18n, customers.list_title)}</h1>
                <p class="mt-1 text-sm text-slate-600">{tu_string!(i18n, customers.list_intro)}</p>
            </div>
        </div>
        <super::list_views::ListViews query=query.get_untracked() />
        <Transition fallback=move || view! { <ListSkeleton /> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(list) => view! { <Filters listing=list.clone() query=query.get_untracked() /> <ListBody listing=list query=query.get_untracked() /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ListSkeleton() -> impl IntoView {
    view! {
        <div class="mt-6 animate-pulse space-y-2" aria-hidden="true">
            {(0..8).map(|_| view! { <div class="h-16 rounded-lg bg-slate-200/70"></div> }).collect_view()}
        </div>
    }
}

/// Search box and filter menus: a GET form, so it works without JavaScript and every
/// result is a shareable URL.
#[component]
fn Filters(listing: CustomerListing, query: CustomerQuery) -> impl IntoView {
    let i18n = use_i18n();
    let facets = listing.facets;
    let locale = i18n.get_locale_untracked();
    let select_class = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30";
    let selected = |current: &Option<String>, value: &str| current.as_deref() == Some(value);
    view! {
        <Form method="GET" action="/customers" attr:class="mt-4 grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-6" attr:role="search">
            <label class="block text-sm lg:col-span-2">
                <span class="font-medium text-slate-700">{tu_string!(i18n, customers.search_label)}</span>
                <input
                    type="search"
                    name="q"
                    value=query.q.clone().unwrap_or_default()
                    placeholder=tu_string!(i18n, customers.search_placeholder)
                    data-testid="customer-search"
                    class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
                />
            </label>
            <label class="block text-sm">
                <span class="font-medium text-slate-700">{tu_string!(i18n, customers.filter_rep)}</span>
                <select name="rep" class=select_class data-testid="filter-rep">
                    <option value="">{tu_string!(i18n, customers.filter_any)}</option>
                    {facets.reps.into_iter().map(|r| {
                        let label = r.name.clone().map(|n| format!("{n}（{}）", r.user_id)).unwrap_or_else(|| r.user_id.clone());
                        view! { <option value=r.user_id.clone() selected=selected(&query.rep, &r.user_id)>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="block text-sm">
                <span class="font-medium text-slate-700">{tu_string!(i18n, customers.filter_vendor)}</span>
                <select name="vendor" class=select_class data-testid="filter-vendor">
                    <option value="">{tu_string!(i18n, customers.filter_any)}</option>
                    {facets.vendors.into_iter().map(|v| view! { <option value=v.slug() selected=query.vendor == Some(v)>{vendor_name(locale, v)}</option> }).collect_view()}
                </select>
            </label>
            <label class="block text-sm">
                <span class="font-medium text-slate-700">{tu_string!(i18n, customers.filter_tag)}</span>
                <select name="tag" class=select_class data-testid="filter-tag">
                    <option value="">{tu_string!(i18n, customers.filter_any)}</option>
                    {facets.tags.into_iter().map(|t| view! { <option value=t.clone() selected=selected(&query.tag, &t)>{t.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label class="block text-sm">
                <span class="font-medium text-slate-700">{tu_string!(i18n, customers.filter_stage)}</span>
                <select name="stage" class=select_class data-testid="filter-stage">
                    <option value="">{tu_string!(i18n, customers.filter_any)}</option>
                    {facets.stages.into_iter().map(|s| view! { <option value=s.clone() selected=selected(&query.stage, &s)>{s.clone()}</option> }).collect_view()}
                </select>
            </label>
            <div class="flex items-end gap-2 sm:col-span-2 lg:col-span-6">
                <button type="submit" data-testid="customer-search-submit" class="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2">
                    {tu_string!(i18n, customers.apply)}
                </button>
                <A href="/customers" attr:class="rounded-md px-3 py-1.5 text-sm text-slate-600 hover:bg-slate-100">{tu_string!(i18n, customers.clear)}</A>
            </div>
        </Form>
    }
    .into_any()
}

fn page_href(query: &CustomerQuery, page: u32) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("q", query.q.clone()),
        ("rep", query.rep.clone()),
        ("vendor", query.vendor.map(|v| v.slug().to_string())),
        ("tag", query.tag.clone()),
        ("stage", query.stage.clone()),
    ] {
        if let Some(v) = v {
            out.append_pair(k, &v);
        }
    }
    out.append_pair("page", &page.to_string());
    format!("/customers?{}", out.finish())
}

#[component]
fn ListBody(listing: CustomerListing, query: CustomerQuery) -> impl IntoView {
    let i18n = use_i18n();
    let now = listing.generated_at;
    let filtered = query.q.is_some() || query.rep.is_some() || query.vendor.is_some() || query.tag.is_some() || query.stage.is_some();
    let pages = listing.total.div_ceil(listing.page_size.max(1) as u64).max(1) as u32;
    let page = listing.page;
    let total = listing.total;
    let failures = listing.failures.clone();
    let refreshed = listing.refreshed_at;
    view! {
        {(!failures.is_empty()).then(|| view! {
            <div role="status" data-testid="list-vendor-failures" class="mt-4 space-y-1 rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
                {failures.into_iter().map(|f| {
                    let msg = vendor_failure_text(i18n, &f);
                    // A list endpoint the vendor does not offer never had a last good copy.
                    let stale = (f.kind != crate::domain::VendorErrorKind::EndpointMissing).then(|| tu_string!(i18n, customers.stale_vendor));
                    view! { <p>{msg}" "{stale}</p> }
                }).collect_view()}
            </div>
        })}
        <div class="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-500">
            <span data-testid="customer-total">{tu_string!(i18n, customers.total, count = total)}</span>
            {refreshed.map(|at| view! { <span>{tu_string!(i18n, customers.refreshed, ago = ago_text(at, now))}</span> })}
        </div>
        {if listing.items.is_empty() {
            if filtered {
                view! { <div class="mt-3"><EmptyState title=tu_string!(i18n, customers.empty_results_title) body=tu_string!(i18n, customers.empty_results_body)>
                    <A href="/customers" attr:class="text-sm font-medium text-brand-700 hover:underline">{tu_string!(i18n, customers.clear)}</A>
                </EmptyState></div> }.into_any()
            } else {
                view! { <div class="mt-3"><EmptyState title=tu_string!(i18n, customers.empty_none_title) body=tu_string!(i18n, customers.empty_none_body) /></div> }.into_any()
            }
        } else {
            view! {
                <BulkToolbar query=query.clone() total />
                <ul class="mt-3 divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="customer-list">
                    {listing.items.into_iter().map(|c| view! { <CustomerRow customer=c now list=query.clone() /> }).collect_view()}
                </ul>
                <nav class="mt-4 flex items-center justify-between text-sm" aria-label="pagination">
                    {(page > 1).then(|| view! { <A href=page_href(&query, page - 1) attr:class="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50" attr:data-testid="page-prev">{tu_string!(i18n, customers.prev)}</A> })}
                    <span class="text-slate-500">{tu_string!(i18n, customers.page_of, page, pages)}</span>
                    {(page < pages).then(|| view! { <A href=page_href(&query, page + 1) attr:class="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50" attr:data-testid="page-next">{tu_string!(i18n, customers.next)}</A> })}
                </nav>
            }.into_any()
        }}
    }
    .into_any()
}

#[component]
fn CustomerRow(customer: CustomerSummary, now: i64, list: CustomerQuery) -> impl IntoView {
    let i18n = use_i18n();
    // Carries the list, so the 360° page offers previous/next within it.
    let href = crate::domain::detail_href(&customer.key, &list);
    let name = customer.name.clone().unwrap_or_else(|| customer.key.clone());
    let disagree = customer.stages.len() > 1;
    view! {
        <li data-testid="customer-row" data-key=customer.key.clone() class="flex items-stretch">
            <BulkSelect key=customer.key.clone() name=name.clone() />
            <A href=href attr:class="flex min-w-0 flex-1 flex-col gap-2 px-4 py-3 hover:bg-slate-50 focus:bg-slate-50 focus:outline-none sm:flex-row sm:items-center sm:gap-4">
                <div class="flex min-w-0 flex-1 items-center gap-3">
                    <Avatar url=customer.avatar.clone() name=name.clone() />
                    <div class="min-w-0">
                        <p class="truncate font-medium text-slate-900">
                            {name.clone()}
                            {customer.remarks.first().cloned().map(|r| view! { <span class="ml-2 text-sm font-normal text-slate-500">"（"{r}"）"</span> })}
                        </p>
                        <p class="truncate text-sm text-slate-500">
                            {customer.corp_name.clone().unwrap_or_default()}
                            {customer.mobiles.first().cloned().map(|m| view! { <span class="ml-2 font-mono text-xs">{m}</span> })}
                        </p>
                    </div>
                </div>
                <div class="flex flex-wrap items-center gap-2 text-sm sm:w-48">
                    {customer.stages.iter().map(|s| view! {
                        <span class=if disagree { "rounded bg-amber-50 px-1.5 py-0.5 text-amber-800 ring-1 ring-inset ring-amber-600/20" } else { "rounded bg-slate-100 px-1.5 py-0.5 text-slate-700" }
                            title=if disagree { tu_string!(i18n, customers.stages_disagree) } else { "" }>
                            {s.value.clone()}
                        </span>
                    }).collect_view()}
                </div>
                <div class="text-sm text-slate-600 sm:w-36">
                    {customer.reps.iter().take(2).map(|r| r.name.clone().unwrap_or_else(|| r.user_id.clone())).collect::<Vec<_>>().join("、")}
                </div>
                <div class="sm:w-40"><VendorChips vendors=customer.vendors.clone() /></div>
                <div class="text-sm text-slate-500 sm:w-44 sm:text-right">
                    {match customer.last_follow_at {
                        Some(at) => Either::Left(view! { <Timestamp at now /> }),
                        None => Either::Right(tu_string!(i18n, customers.never_followed)),
                    }}
                </div>
            </A>
        </li>
    }
    .into_any()
}
