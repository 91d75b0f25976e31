use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::get_clue;
use crate::codec::resource;
use crate::components::error_words::vendor_failure_text;
use crate::components::time::Timestamp;
use crate::components::vendor_chip::VendorChip;
use crate::domain::{ClueDetail, FieldValue, VendorId};
use crate::error::AppError;
use crate::i18n::*;
use crate::pages::guard::ErrorPage;

/// `/clues/{vendor}/{id}`: every field rendered by its type.
#[component]
pub fn CluePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let target = Memo::new(move |_| {
        let p = params.read();
        (p.get("vendor").unwrap_or_default(), p.get("id").unwrap_or_default())
    });
    let detail = resource(
        move || target.get(),
        |(vendor, id)| async move {
            match VendorId::from_slug(&vendor) {
                Some(v) => get_clue(v, id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <A href="/clues" attr:class="text-sm text-brand-700 hover:underline">"← "{tu_string!(i18n, clues.back)}</A>
        <Transition fallback=move || view! { <div class="mt-3 h-96 animate-pulse rounded-xl bg-slate-200/70" aria-hidden="true"></div> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <ClueView detail=d /> }.into_any(),
                    Err(error) => view! {
                        <ErrorPage error
                            not_found=(tu_string!(i18n, clues.not_found_title), tu_string!(i18n, clues.not_found_body))
                            forbidden=(tu_string!(i18n, clues.forbidden_title), tu_string!(i18n, clues.forbidden_body)) />
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Value(value: FieldValue) -> impl IntoView {
    let i18n = use_i18n();
    match value {
        FieldValue::Empty => view! { <span class="text-slate-400">{tu_string!(i18n, clues.empty_value)}</span> }.into_any(),
        FieldValue::Text(s) => view! { <span class="whitespace-pre-wrap break-words">{s}</span> }.into_any(),
        FieldValue::Date(s) => view! { <time class="font-mono">{s}</time> }.into_any(),
        FieldValue::Choice { label: Some(l), .. } => view! { <span data-choice="resolved">{l}</span> }.into_any(),
        FieldValue::Choice { id, label: None } => view! {
            <span data-choice="unresolved" class="inline-flex flex-wrap items-center gap-1">
                <span class="font-mono">{id}</span>
                <span class="rounded bg-amber-50 px-1.5 py-0.5 text-xs text-amber-800 ring-1 ring-inset ring-amber-600/20" title=tu_string!(i18n, clues.unresolved_hint)>{tu_string!(i18n, clues.unresolved_option)}</span>
            </span>
        }.into_any(),
        FieldValue::Mobiles(list) => view! { <ul data-field-type="mobiles" class="space-y-0.5">{list.into_iter().map(|m| view! { <li class="font-mono">{m}</li> }).collect_view()}</ul> }.into_any(),
        FieldValue::Raw(s) => view! {
            <span data-field-type="raw" class="inline-flex flex-wrap items-center gap-1">
                <span class="break-all font-mono">{s}</span>
                <span class="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{tu_string!(i18n, clues.raw_value)}</span>
            </span>
        }.into_any(),
    }
}

#[component]
fn ClueView(detail: ClueDetail) -> impl IntoView {
    let i18n = use_i18n();
    let c = detail.clue;
    let now = detail.generated_at;
    let name = c.name.clone().unwrap_or_else(|| c.id.clone());
    let stale = detail.stale.map(|s| {
        let failure = vendor_failure_text(i18n, &s.failure);
        view! {
            <div role="status" data-testid="stale-banner" class="mt-3 rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
                <p>{tu_string!(i18n, clues.stale_banner, ago = crate::components::time::ago_text(s.fetched_at, now))}</p>
                <p class="mt-1" data-testid="vendor-failure">{failure}</p>
            </div>
        }
    });
    view! {
        <Title text=name.clone() />
        {stale}
        <div class="mt-3 grid gap-6 lg:grid-cols-3">
            <section class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm lg:col-span-2" data-testid="clue-fields">
                <div class="flex flex-wrap items-center gap-2">
                    <h1 class="text-2xl font-semibold" data-testid="clue-name">{name}</h1>
                    <VendorChip vendor=c.vendor />
                </div>
                <p class="mt-1 font-mono text-xs text-slate-500">{c.id.clone()}</p>
                <h2 class="mt-4 text-base font-semibold">{tu_string!(i18n, clues.fields)}</h2>
                <dl class="mt-2 divide-y divide-slate-100 text-sm">
                    {c.fields.into_iter().map(|f| view! {
                        <div class="grid grid-cols-3 gap-2 py-2" data-field=f.key.clone()>
                            <dt class="text-slate-500">{f.label.clone()}</dt>
                            <dd class="col-span-2"><Value value=f.value /></dd>
                        </div>
                    }).collect_view()}
                </dl>
            </section>
            <div class="space-y-6">
                <section class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid="clue-times">
                    <h2 class="text-base font-semibold">{tu_string!(i18n, clues.times)}</h2>
                    <dl class="mt-2 space-y-1 text-sm">
                        <div><dt class="text-slate-500">{tu_string!(i18n, clues.created_at)}</dt><dd>{c.created_at.map(|at| view! { <Timestamp at now absolute_first=true /> })}</dd></div>
                        <div><dt class="text-slate-500">{tu_string!(i18n, clues.updated_at)}</dt><dd>{c.updated_at.map(|at| view! { <Timestamp at now absolute_first=true /> })}</dd></div>
                        <div><dt class="text-slate-500">{tu_string!(i18n, clues.converted_at)}</dt><dd data-testid="clue-converted">{match c.converted_at {
                            Some(at) => Either::Left(view! { <Timestamp at now absolute_first=true /> }),
                            None => Either::Right(tu_string!(i18n, clues.not_converted)),
                        }}</dd></div>
                        <div><dt class="text-slate-500">{tu_string!(i18n, clues.owner)}</dt><dd>{match c.owner_user_id.clone() {
                            Some(o) => Either::Left(view! { <span class="font-mono">{o}</span> }),
                            None => Either::Right(tu_string!(i18n, clues.no_owner)),
                        }}</dd></div>
                    </dl>
                </section>
                <section class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid="clue-tags">
                    <h2 class="text-base font-semibold">{tu_string!(i18n, clues.tags)}</h2>
                    <ul class="mt-2 flex flex-wrap gap-1.5">
                        {c.tags.into_iter().map(|t| view! { <li class="rounded-full bg-brand-50 px-2 py-0.5 text-xs text-brand-800">{t.group.map(|g| format!("{g} · ")).unwrap_or_default()}{t.name}</li> }).collect_view()}
                    </ul>
                    {(!c.unresolved_tag_ids.is_empty()).then(|| view! {
                        <p class="mt-2 text-xs text-slate-500">{tu_string!(i18n, clues.unresolved_tags)}"："<span class="font-mono">{c.unresolved_tag_ids.join("、")}</span></p>
                    })}
                </section>
                {c.company.map(|co| view! {
                    <section class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid="clue-company">
                        <h2 class="text-base font-semibold">{tu_string!(i18n, clues.company)}</h2>
                        {co.name.map(|n| view! { <p class="mt-2 font-medium">{n}</p> })}
                        <dl class="mt-1 space-y-1 text-sm">
                            {co.attributes.into_iter().map(|(k, v)| view! { <div class="grid grid-cols-3 gap-2"><dt class="text-slate-500">{k}</dt><dd class="col-span-2 break-words">{v}</dd></div> }).collect_view()}
                        </dl>
                    </section>
                })}
            </div>
        </div>
    }
    .into_any()
}
