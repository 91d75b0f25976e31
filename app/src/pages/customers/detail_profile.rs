//! The profile half of the 360° page: who the customer is, which vendor said what, and where
//! the vendors disagree.

use leptos::prelude::*;

use crate::components::avatar::Avatar;
use crate::components::error_words::vendor_failure_text;
use crate::components::time::Timestamp;
use crate::components::vendor_chip::{VendorChip, VendorChips};
use crate::domain::{CustomField, CustomerDetail, CustomerKind, FieldValue, Gender, Sourced, TagKind, VendorErrorKind, VendorId};
use crate::i18n::*;

#[component]
fn Card(title: &'static str, children: Children, #[prop(optional)] testid: &'static str) -> impl IntoView {
    view! {
        <section data-testid=testid class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 class="text-base font-semibold text-slate-900">{title}</h2>
            <div class="mt-3">{children()}</div>
        </section>
    }
}

/// Distinct values with the vendors that reported each; two or more values are highlighted.
#[component]
fn SourcedValues(values: Vec<Sourced<String>>) -> impl IntoView {
    let disagree = values.len() > 1;
    view! {
        <span class="inline-flex flex-wrap items-center gap-x-3 gap-y-1" data-disagree=disagree.to_string()>
            {values.into_iter().map(|s| view! {
                <span class=if disagree { "inline-flex items-center gap-1 rounded bg-amber-50 px-1 ring-1 ring-inset ring-amber-600/20" } else { "inline-flex items-center gap-1" }>
                    <span class="break-all">{s.value}</span>
                    <VendorChips vendors=s.vendors />
                </span>
            }).collect_view()}
        </span>
    }
}

fn gender_key(g: Gender) -> &'static str {
    match g {
        Gender::Male => "male",
        Gender::Female => "female",
        Gender::Other => "other",
        Gender::Unknown => "unknown",
    }
}

#[component]
fn GenderText(gender: Gender) -> impl IntoView {
    let i18n = use_i18n();
    match gender_key(gender) {
        "male" => tu_string!(i18n, customers.gender_male),
        "female" => tu_string!(i18n, customers.gender_female),
        "other" => tu_string!(i18n, customers.gender_other),
        _ => tu_string!(i18n, customers.gender_unknown),
    }
}

#[component]
fn KindText(kind: CustomerKind) -> impl IntoView {
    let i18n = use_i18n();
    match kind {
        CustomerKind::WeChat => tu_string!(i18n, customers.kind_wechat),
        CustomerKind::WeCom => tu_string!(i18n, customers.kind_wecom),
        CustomerKind::Unknown => tu_string!(i18n, customers.kind_unknown),
    }
}

/// A copy-to-clipboard button (an island, with its two labels rendered by the server);
/// without JavaScript the number stays selectable text.
#[island]
fn CopyButton(text: String, copy: String, copied: String) -> impl IntoView {
    let done = RwSignal::new(false);
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().navigator().clipboard().write_text(&text);
            done.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    };
    view! {
        <button type="button" on:click=on_click data-testid="copy-mobile"
            class="rounded border border-slate-300 px-1.5 py-0.5 text-xs text-slate-600 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500">
            {move || if done.get() { copied.clone() } else { copy.clone() }}
        </button>
    }
}

fn field_text(value: &FieldValue) -> String {
    match value {
        FieldValue::Empty => "—".into(),
        FieldValue::Text(s) | FieldValue::Date(s) | FieldValue::Raw(s) => s.clone(),
        FieldValue::Choice { id, label } => label.clone().unwrap_or_else(|| id.clone()),
        FieldValue::Mobiles(m) => m.join("、"),
    }
}

#[component]
pub fn Profile(detail: CustomerDetail) -> impl IntoView {
    let i18n = use_i18n();
    let c = detail.customer.clone();
    let now = detail.generated_at;
    let name = c.display_name().unwrap_or(&c.key).to_string();
    let corp_tags: Vec<_> = c.tags.iter().filter(|t| t.value.kind != TagKind::Personal).cloned().collect();
    let personal_tags: Vec<_> = c.tags.iter().filter(|t| t.value.kind == TagKind::Personal).cloned().collect();
    let fields: Vec<(VendorId, CustomField)> = c.custom_fields.clone();
    let row = "grid grid-cols-3 gap-2 py-1.5 text-sm";
    view! {
        <section data-testid="customer-profile" class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <div class="flex items-start gap-4">
                <Avatar url=c.avatar.clone() name=name.clone() size="h-16 w-16 text-2xl" />
                <div class="min-w-0 flex-1">
                    <h1 class="break-words text-2xl font-semibold" data-testid="customer-name">{name}</h1>
                    {(c.names.len() > 1).then(|| view! { <p class="mt-1 text-sm"><SourcedValues values=c.names.clone() /></p> })}
                    <div class="mt-2"><VendorChips vendors=c.vendors() /></div>
                </div>
            </div>
            <dl class="mt-4 divide-y divide-slate-100">
                {(!c.stages.is_empty()).then(|| view! {
                    <div class=row data-testid="profile-stage"><dt class="text-slate-500">{tu_string!(i18n, customers.filter_stage)}</dt><dd class="col-span-2"><SourcedValues values=c.stages.clone() /></dd></div>
                })}
                {(!c.genders.is_empty()).then(|| view! {
                    <div class=row><dt class="text-slate-500">{tu_string!(i18n, customers.gender)}</dt><dd class="col-span-2 flex flex-wrap gap-3">
                        {c.genders.iter().map(|g| view! { <span class="inline-flex items-center gap-1"><GenderText gender=g.value /><VendorChips vendors=g.vendors.clone() /></span> }).collect_view()}
                    </dd></div>
                })}
                {(!c.kinds.is_empty()).then(|| view! {
                    <div class=row><dt class="text-slate-500">{tu_string!(i18n, customers.kind)}</dt><dd class="col-span-2 flex flex-wrap gap-3">
                        {c.kinds.iter().map(|k| view! { <span class="inline-flex items-center gap-1"><KindText kind=k.value /><VendorChips vendors=k.vendors.clone() /></span> }).collect_view()}
                    </dd></div>
                })}
                {(!c.corp_names.is_empty()).then(|| view! {
                    <div class=row><dt class="text-slate-500">{tu_string!(i18n, customers.company)}</dt><dd class="col-span-2"><SourcedValues values=c.corp_names.clone() /></dd></div>
                })}
                {(!c.positions.is_empty()).then(|| view! {
                    <div class=row><dt class="text-slate-500">{tu_string!(i18n, customers.position)}</dt><dd class="col-span-2"><SourcedValues values=c.positions.clone() /></dd></div>
                })}
                <div class=row data-testid="profile-mobiles"><dt class="text-slate-500">{tu_string!(i18n, customers.mobiles)}</dt><dd class="col-span-2 space-y-1">
                    {if c.mobiles.is_empty() { view! { <span class="text-slate-400">"—"</span> }.into_any() } else {
                        c.mobiles.iter().map(|m| view! {
                            <div class="flex flex-wrap items-center gap-2"><span class="font-mono">{m.value.clone()}</span><VendorChips vendors=m.vendors.clone() /><CopyButton text=m.value.clone() copy=tu_string!(i18n, customers.copy).to_string() copied=tu_string!(i18n, customers.copied).to_string() /></div>
                        }).collect_view().into_any()
                    }}
                </dd></div>
                <div class=row><dt class="text-slate-500">{tu_string!(i18n, customers.external_id)}</dt><dd class="col-span-2 font-mono text-xs"><SourcedValues values=c.external_user_ids.clone() /></dd></div>
                {(!c.union_ids.is_empty()).then(|| view! {
                    <div class=row><dt class="text-slate-500">{tu_string!(i18n, customers.union_id)}</dt><dd class="col-span-2 font-mono text-xs"><SourcedValues values=c.union_ids.clone() /></dd></div>
                })}
            </dl>
        </section>

        <div class="grid gap-6 md:grid-cols-2">
            <Card title=tu_string!(i18n, customers.tags) testid="customer-tags">
                {if corp_tags.is_empty() && personal_tags.is_empty() {
                    view! { <p class="text-sm text-slate-400">{tu_string!(i18n, customers.no_tags)}</p> }.into_any()
                } else {
                    view! {
                        {(!corp_tags.is_empty()).then(|| view! {
                            <h3 class="text-xs font-medium uppercase tracking-wide text-slate-500">{tu_string!(i18n, customers.tags_corp)}</h3>
                            <ul class="mt-1 flex flex-wrap gap-1.5" data-testid="tags-corp">
                                {corp_tags.into_iter().map(|t| view! {
                                    <li class="inline-flex items-center gap-1 rounded-full bg-brand-50 px-2 py-0.5 text-xs text-brand-800" title=t.value.group.clone().unwrap_or_default()>
                                        {t.value.group.clone().map(|g| view! { <span class="text-brand-600/70">{g}" · "</span> })}{t.value.name.clone()}<VendorChips vendors=t.vendors.clone() />
                                    </li>
                                }).collect_view()}
                            </ul>
                        })}
                        {(!personal_tags.is_empty()).then(|| view! {
                            <h3 class="mt-3 text-xs font-medium uppercase tracking-wide text-slate-500">{tu_string!(i18n, customers.tags_personal)}</h3>
                            <ul class="mt-1 flex flex-wrap gap-1.5" data-testid="tags-personal">
                                {personal_tags.into_iter().map(|t| view! {
                                    <li class="inline-flex items-center gap-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{t.value.name.clone()}<VendorChips vendors=t.vendors.clone() /></li>
                                }).collect_view()}
                            </ul>
                        })}
                    }.into_any()
                }}
            </Card>
            <Card title=tu_string!(i18n, customers.fields) testid="customer-fields">
                {if fields.is_empty() {
                    view! { <p class="text-sm text-slate-400">{tu_string!(i18n, customers.no_fields)}</p> }.into_any()
                } else {
                    view! {
                        <dl class="divide-y divide-slate-100 text-sm">
                            {fields.into_iter().map(|(vendor, f)| view! {
                                <div class="grid grid-cols-5 gap-2 py-1.5" data-field=f.label.clone()>
                                    <dt class="col-span-2 text-slate-500">{f.label.trim().to_string()}</dt>
                                    <dd class="col-span-3 flex flex-wrap items-center gap-1"><span class="break-all">{field_text(&f.value)}</span><VendorChip vendor /></dd>
                                </div>
                            }).collect_view()}
                        </dl>
                    }.into_any()
                }}
            </Card>
        </div>

        <Card title=tu_string!(i18n, customers.followers) testid="customer-followers">
            <ul class="space-y-3">
                {c.followers.iter().map(|f| view! {
                    <li class="rounded-lg border border-slate-100 p-3" data-rep=f.user_id.clone()>
                        <p class="font-medium">{f.name.clone().unwrap_or_else(|| f.user_id.clone())}<span class="ml-2 font-mono text-xs text-slate-400">{f.user_id.clone()}</span></p>
                        <ul class="mt-1 space-y-1 text-sm">
                            {f.relations.iter().map(|(vendor, rel)| view! {
                                <li class="flex flex-wrap items-center gap-x-3 gap-y-1 text-slate-600">
                                    <VendorChip vendor=*vendor />
                                    {rel.remark.clone().filter(|r| !r.is_empty()).map(|r| view! { <span>{tu_string!(i18n, customers.remark)}"："<span class="text-slate-900">{r}</span></span> })}
                                    {rel.description.clone().filter(|d| !d.is_empty()).map(|d| view! { <span class="break-words">{tu_string!(i18n, customers.description)}"："{d}</span> })}
                                    {rel.added_at.map(|at| view! { <span>{tu_string!(i18n, customers.added_at)}"："<Timestamp at now absolute_first=true /></span> })}
                                    {rel.add_source.clone().map(|s| view! { <span>{tu_string!(i18n, customers.add_source)}"："{s}</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    </li>
                }).collect_view()}
            </ul>
        </Card>

        {(!c.companies.is_empty() || !c.opportunities.is_empty() || !c.clues.is_empty()).then(|| view! {
            <Card title=tu_string!(i18n, customers.linked) testid="customer-linked">
                <dl class="space-y-2 text-sm">
                    {(!c.companies.is_empty()).then(|| view! { <div><dt class="text-slate-500">{tu_string!(i18n, customers.companies)}</dt><dd class="mt-1 flex flex-wrap gap-2">{linked(c.companies.clone())}</dd></div> })}
                    {(!c.opportunities.is_empty()).then(|| view! { <div><dt class="text-slate-500">{tu_string!(i18n, customers.opportunities)}</dt><dd class="mt-1 flex flex-wrap gap-2">{linked(c.opportunities.clone())}</dd></div> })}
                    {(!c.clues.is_empty()).then(|| view! { <div><dt class="text-slate-500">{tu_string!(i18n, customers.clues)}</dt><dd class="mt-1 flex flex-wrap gap-2">
                        {c.clues.iter().map(|(vendor, r)| view! {
                            <a href=format!("/clues/{}/{}", vendor.slug(), r.id) class="inline-flex items-center gap-1 rounded border border-slate-200 px-2 py-0.5 text-brand-700 hover:bg-slate-50">{r.name.clone().unwrap_or_else(|| r.id.clone())}<VendorChip vendor=*vendor /></a>
                        }).collect_view()}
                    </dd></div> })}
                </dl>
            </Card>
        })}
    }
    .into_any()
}

fn linked(records: Vec<(VendorId, crate::domain::LinkedRecord)>) -> impl IntoView {
    records
        .into_iter()
        .map(|(vendor, r)| view! { <span class="inline-flex items-center gap-1 rounded border border-slate-200 px-2 py-0.5">{r.name.unwrap_or(r.id)}<VendorChip vendor /></span> })
        .collect_view()
}

/// Per vendor: what it said, or why it could not be asked.
#[component]
pub fn VendorSections(detail: CustomerDetail) -> impl IntoView {
    let i18n = use_i18n();
    let present = detail.customer.vendors();
    let failures = detail.customer.failures.clone();
    view! {
        <section data-testid="vendor-sections" class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 class="text-base font-semibold">{tu_string!(i18n, customers.vendor_sections)}</h2>
            <ul class="mt-3 space-y-3 text-sm">
                {VendorId::ALL.into_iter().map(|vendor| {
                    let failure = failures.iter().find(|f| f.vendor == vendor).cloned();
                    let here = present.contains(&vendor);
                    let source = detail.customer.sources.iter().find(|s| s.vendor == vendor).cloned();
                    view! {
                        <li data-vendor-section=vendor.slug() class="rounded-lg border border-slate-100 p-3">
                            <div class="flex items-center justify-between gap-2">
                                <VendorChip vendor />
                                {match (&failure, here) {
                                    // An endpoint the vendor does not offer limits one feature; it is not an outage.
                                    (Some(f), _) if f.kind == VendorErrorKind::EndpointMissing => view! { <span class="text-xs font-medium text-amber-700">{tu_string!(i18n, customers.vendor_limited)}</span> }.into_any(),
                                    (Some(_), _) => view! { <span class="text-xs font-medium text-red-700">{tu_string!(i18n, customers.vendor_failed)}</span> }.into_any(),
                                    (None, true) => view! { <span class="text-xs font-medium text-emerald-700">{tu_string!(i18n, customers.vendor_ok)}</span> }.into_any(),
                                    (None, false) => view! { <span class="text-xs text-slate-400">{tu_string!(i18n, customers.vendor_absent)}</span> }.into_any(),
                                }}
                            </div>
                            {failure.map(|f| {
                                let retry = f.kind.retry_may_help();
                                let msg = vendor_failure_text(i18n, &f);
                                if f.kind == VendorErrorKind::EndpointMissing {
                                    view! {
                                        <p role="status" class="mt-2 text-amber-800">{msg}</p>
                                        <p class="mt-1 text-xs text-slate-500">{tu_string!(i18n, customers.endpoint_missing_hint)}</p>
                                    }.into_any()
                                } else {
                                    view! {
                                        <p role="alert" class="mt-2 text-red-800">{msg}</p>
                                        <p class="mt-1 text-xs text-slate-500">{if retry { tu_string!(i18n, customers.retry_hint_yes) } else { tu_string!(i18n, customers.retry_hint_no) }}</p>
                                    }.into_any()
                                }
                            })}
                            {source.map(|s| view! {
                                <dl class="mt-2 space-y-0.5 text-xs text-slate-600">
                                    {s.name.map(|n| view! { <div>{n}</div> })}
                                    {s.stage.map(|st| view! { <div>{tu_string!(i18n, customers.filter_stage)}"："{st}</div> })}
                                    {s.vendor_customer_id.map(|id| view! { <div class="break-all font-mono">{id}</div> })}
                                </dl>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
