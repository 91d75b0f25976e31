//! `/admin/audit?before=…`: every write made through SalesDesk, newest first, with the
//! vendor's result; and the CSV download. Admins only.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::admin::{AuditRow, list_audit};
use crate::components::time::format_beijing;
use crate::i18n::*;
use crate::pages::guard::ErrorPage;

#[component]
fn ActionName(action: String) -> impl IntoView {
    let i18n = use_i18n();
    match action.as_str() {
        "set_remark" => tu_string!(i18n, admin.action_set_remark).into_any(),
        "add_note" => tu_string!(i18n, admin.action_add_note).into_any(),
        "retry_write" => tu_string!(i18n, admin.action_retry_write).into_any(),
        "user_created" => tu_string!(i18n, admin.action_user_created).into_any(),
        "user_updated" => tu_string!(i18n, admin.action_user_updated).into_any(),
        "password_changed" => tu_string!(i18n, admin.action_password_changed).into_any(),
        "bulk_write" => tu_string!(i18n, admin.action_bulk_write).into_any(),
        "bulk_retry" => tu_string!(i18n, admin.action_bulk_retry).into_any(),
        "set_follow_up" => tu_string!(i18n, admin.action_set_follow_up).into_any(),
        "complete_follow_up" => tu_string!(i18n, admin.action_complete_follow_up).into_any(),
        "export_customers" => tu_string!(i18n, admin.action_export_customers).into_any(),
        "export_timeline" => tu_string!(i18n, admin.action_export_timeline).into_any(),
        _ => action.into_any(),
    }
}

#[component]
fn ResultBadge(result: String) -> impl IntoView {
    let i18n = use_i18n();
    let class = match result.as_str() {
        "delivered" | "ok" => "bg-emerald-50 text-emerald-800",
        "failed" => "bg-red-50 text-red-800",
        _ => "bg-amber-50 text-amber-800",
    };
    let text = match result.as_str() {
        "queued" => tu_string!(i18n, admin.result_queued).into_any(),
        "delivered" => tu_string!(i18n, admin.result_delivered).into_any(),
        "failed" => tu_string!(i18n, admin.result_failed).into_any(),
        "ok" => tu_string!(i18n, admin.result_ok).into_any(),
        _ => result.clone().into_any(),
    };
    view! { <span data-result=result.clone() class=format!("rounded px-1.5 py-0.5 text-xs font-medium {class}")>{text}</span> }
}

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let before = Memo::new(move |_| query.read().get("before").and_then(|b| b.parse::<i64>().ok()));
    let page = crate::codec::resource(move || before.get(), list_audit);
    view! {
        <Title text=tu_string!(i18n, admin.audit_title) />
        <div class="flex flex-wrap items-end justify-between gap-3">
            <div>
                <h1 class="text-2xl font-semibold">{tu_string!(i18n, admin.audit_title)}</h1>
                <p class="mt-1 max-w-3xl text-sm text-slate-600">{tu_string!(i18n, admin.audit_intro)}</p>
            </div>
            // `download` + rel=external: a file, not a client-side route.
            <a href="/admin/audit.csv" download="" rel="external" data-testid="audit-csv"
                class="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
                {tu_string!(i18n, admin.download_csv)}
            </a>
        </div>
        <Suspense fallback=move || view! { <p class="mt-6 text-slate-500">{tu_string!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                    Ok(page) if page.rows.is_empty() => view! { <p class="mt-6 text-slate-500" data-testid="audit-empty">{tu_string!(i18n, admin.audit_empty)}</p> }.into_any(),
                    Ok(page) => view! {
                        <div class="mt-6 overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
                            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="audit-table">
                                <thead class="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                                    <tr>
                                        <th scope="col" class="px-3 py-2">{tu_string!(i18n, admin.col_time)}</th>
                                        <th scope="col" class="px-3 py-2">{tu_string!(i18n, admin.col_user)}</th>
                                        <th scope="col" class="px-3 py-2">{tu_string!(i18n, admin.col_action)}</th>
                                        <th scope="col" class="px-3 py-2">{tu_string!(i18n, admin.col_customer)}</th>
                                        <th scope="col" class="px-3 py-2">{tu_string!(i18n, admin.col_vendor)}</th>
                                        <th scope="col" class="px-3 py-2">{tu_string!(i18n, admin.col_result)}</th>
                                        <th scope="col" class="px-3 py-2">{tu_string!(i18n, admin.col_detail)}</th>
                                    </tr>
                                </thead>
                                <tbody class="divide-y divide-slate-100">
                                    {page.rows.into_iter().map(|row| view! { <AuditLine row /> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <nav class="mt-4 flex gap-3 text-sm">
                            {before.get_untracked().is_some().then(|| view! { <a href="/admin/audit" class="text-brand-700 underline">{tu_string!(i18n, admin.newest)}</a> })}
                            {page.older.map(|id| view! { <a href=format!("/admin/audit?before={id}") data-testid="audit-older" class="text-brand-700 underline">{tu_string!(i18n, admin.older)}</a> })}
                        </nav>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuditLine(row: AuditRow) -> impl IntoView {
    let i18n = use_i18n();
    let vendor = move |v: crate::domain::VendorId| match i18n.get_locale() {
        Locale::zh => v.name_zh(),
        Locale::en => v.name_en(),
    };
    view! {
        <tr data-testid="audit-row">
            <td class="whitespace-nowrap px-3 py-2 text-xs">{format_beijing(row.at_ms)}</td>
            <td class="px-3 py-2">{row.username.clone()}</td>
            <td class="px-3 py-2"><ActionName action=row.action.clone() /></td>
            <td class="px-3 py-2 font-mono text-xs">
                {row.customer_key.clone().map(|k| view! { <a href=format!("/customers/{k}") class="text-brand-700 underline">{k.clone()}</a> })}
            </td>
            <td class="px-3 py-2">{row.vendor.map(vendor)}</td>
            <td class="px-3 py-2"><ResultBadge result=row.result.clone() /></td>
            <td class="max-w-xs break-words px-3 py-2 text-xs text-slate-600">{row.detail.clone()}</td>
        </tr>
    }
}
