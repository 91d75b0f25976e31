//! The merged follow-up timeline: rep notes and system change logs from every vendor, newest
//! first, with change logs shown as field / from / to. The filter is a link (`?t=notes`), so
//! it works without JavaScript.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_query_map};

use crate::components::error_words::vendor_failure_text;
use crate::components::time::Timestamp;
use crate::components::vendor_chip::VendorChip;
use crate::domain::{ChangeLog, CustomerDetail, Delivery, FollowUpKind, TimelineItem};
use crate::i18n::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    Notes,
    Changes,
}

impl Filter {
    fn keeps(self, item: &TimelineItem) -> bool {
        match self {
            Filter::All => true,
            Filter::Notes => matches!(item.entry.kind, FollowUpKind::Note { .. }),
            Filter::Changes => matches!(item.entry.kind, FollowUpKind::Change { .. }),
        }
    }
}

#[component]
pub fn Timeline(detail: CustomerDetail) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let location = use_location();
    let filter = Memo::new(move |_| match query.read().get("t").as_deref() {
        Some("notes") => Filter::Notes,
        Some("changes") => Filter::Changes,
        _ => Filter::All,
    });
    let now = detail.generated_at;
    let items = detail.timeline.clone();
    let failures = detail.timeline_failures.clone();
    let tab = move |f: Filter, slug: &'static str, label: &'static str| {
        let href = move || {
            if slug.is_empty() {
                location.pathname.get()
            } else {
                format!("{}?t={slug}", location.pathname.get())
            }
        };
        view! {
            <A href=href attr:data-testid=format!("timeline-filter-{}", if slug.is_empty() { "all" } else { slug })
                attr:aria-current=move || (filter.get() == f).then_some("true")
                attr:class="rounded-md px-2.5 py-1 text-sm text-slate-600 hover:bg-slate-100 aria-[current=true]:bg-brand-50 aria-[current=true]:font-medium aria-[current=true]:text-brand-700">
                {label}
            </A>
        }
    };
    view! {
        <section data-testid="timeline" class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h2 class="text-base font-semibold">{tu_string!(i18n, customers.timeline)}</h2>
                <nav class="flex gap-1" aria-label=tu_string!(i18n, customers.timeline)>
                    {tab(Filter::All, "", tu_string!(i18n, customers.timeline_all))}
                    {tab(Filter::Notes, "notes", tu_string!(i18n, customers.timeline_notes))}
                    {tab(Filter::Changes, "changes", tu_string!(i18n, customers.timeline_changes))}
                </nav>
            </div>
            {(!failures.is_empty()).then(|| view! {
                <div role="alert" data-testid="timeline-failures" class="mt-3 rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
                    <p>{tu_string!(i18n, customers.timeline_failed)}</p>
                    <ul class="mt-1 list-disc pl-5">
                        {failures.into_iter().map(|f| { let msg = vendor_failure_text(i18n, &f); view! { <li>{msg}</li> } }).collect_view()}
                    </ul>
                </div>
            })}
            {move || {
                let shown: Vec<TimelineItem> = items.iter().filter(|i| filter.get().keeps(i)).cloned().collect();
                if shown.is_empty() {
                    view! { <p class="mt-4 text-sm text-slate-400" data-testid="timeline-empty">{tu_string!(i18n, customers.timeline_empty)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="mt-4 space-y-0 border-l border-slate-200 pl-4">
                            {shown.into_iter().map(|item| view! { <Entry item now /> }).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
        </section>
    }
    .into_any()
}

#[component]
fn Entry(item: TimelineItem, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let e = item.entry;
    let is_note = matches!(e.kind, FollowUpKind::Note { .. });
    let author = e.author_name.clone().or(e.author_user_id.clone());
    view! {
        <li class="relative pb-4" data-testid="timeline-item" data-kind=if is_note { "note" } else { "change" } data-vendor=e.vendor.slug()>
            <span class=if is_note { "absolute -left-[21px] top-1.5 h-2.5 w-2.5 rounded-full bg-brand-500 ring-4 ring-white" } else { "absolute -left-[21px] top-1.5 h-2.5 w-2.5 rounded-full bg-slate-300 ring-4 ring-white" }></span>
            <div class="flex flex-wrap items-center gap-2 text-xs text-slate-500">
                <Timestamp at=e.at now />
                <VendorChip vendor=e.vendor />
                {if is_note {
                    author.map(|who| view! { <span>{tu_string!(i18n, customers.note_by, who)}</span> }).into_any()
                } else {
                    view! { <span>{tu_string!(i18n, customers.system_change)}{author.map(|a| format!(" · {a}"))}</span> }.into_any()
                }}
                {item.delivery.map(|d| view! { <DeliveryBadge delivery=d /> })}
            </div>
            {match (e.kind, item.change) {
                (FollowUpKind::Note { text }, _) => view! { <p class="mt-1 whitespace-pre-wrap break-words text-sm text-slate-900">{text}</p> }.into_any(),
                (FollowUpKind::Change { text }, Some(change)) => view! { <ChangeView change original=text /> }.into_any(),
                (FollowUpKind::Change { text }, None) => view! { <p class="mt-1 break-words text-sm text-slate-700">{text}</p> }.into_any(),
            }}
        </li>
    }
    .into_any()
}

#[component]
fn ChangeView(change: ChangeLog, original: String) -> impl IntoView {
    let i18n = use_i18n();
    let value = |v: String| {
        if v.is_empty() {
            view! { <span class="text-slate-400">"（空）"</span> }.into_any()
        } else {
            view! { <span class="break-all rounded bg-slate-100 px-1">{v}</span> }.into_any()
        }
    };
    let body = match change {
        ChangeLog::Changed { field, from, to } => view! {
            <span data-change="changed" class="inline-flex flex-wrap items-center gap-1">
                <span class="font-medium">{field}</span>
                {value(from)}<span aria-hidden="true">"→"</span><span class="sr-only">{tu_string!(i18n, customers.change_changed)}</span>{value(to)}
            </span>
        }.into_any(),
        ChangeLog::Added { field, value: v } => view! { <span data-change="added" class="inline-flex flex-wrap items-center gap-1">{tu_string!(i18n, customers.change_added)}<span class="font-medium">{field}</span>{value(v)}</span> }.into_any(),
        ChangeLog::Removed { field, value: v } => view! { <span data-change="removed" class="inline-flex flex-wrap items-center gap-1">{tu_string!(i18n, customers.change_removed)}<span class="font-medium">{field}</span>{value(v)}</span> }.into_any(),
        ChangeLog::TagsUpdated => view! { <span data-change="tags">{tu_string!(i18n, customers.change_tags)}</span> }.into_any(),
        ChangeLog::Unparsed { text } => view! { <span data-change="text" class="break-words">{text}</span> }.into_any(),
    };
    view! { <p class="mt-1 text-sm text-slate-700" title=original>{body}</p> }
}

#[component]
pub fn DeliveryBadge(delivery: Delivery) -> impl IntoView {
    let i18n = use_i18n();
    match delivery {
        Delivery::Pending { .. } => view! { <span data-delivery="pending" class="rounded bg-amber-50 px-1.5 py-0.5 text-[11px] font-medium text-amber-800 ring-1 ring-inset ring-amber-600/20">{tu_string!(i18n, customers.delivery_pending)}</span> }.into_any(),
        Delivery::Delivered => view! { <span data-delivery="delivered" class="rounded bg-emerald-50 px-1.5 py-0.5 text-[11px] font-medium text-emerald-800 ring-1 ring-inset ring-emerald-600/20">{tu_string!(i18n, customers.delivery_delivered)}</span> }.into_any(),
        Delivery::Failed { .. } => view! { <span data-delivery="failed" class="rounded bg-red-50 px-1.5 py-0.5 text-[11px] font-medium text-red-800 ring-1 ring-inset ring-red-600/20">{tu_string!(i18n, customers.delivery_failed)}</span> }.into_any(),
    }
}
