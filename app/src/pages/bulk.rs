//! `/bulk/{id}`: what became of a bulk note or remark, per customer and vendor: 已送达,
//! 失败 (with the vendor's reason and a resend button, one for all failed writes too), 待发送,
//! and customers that got nothing (未发送, why). Server-rendered only; while writes are on
//! their way the page reloads itself every few seconds (a meta refresh: no script, so the same
//! with JavaScript on or off) and has a refresh link.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::form_redirect::FormReturn;
use crate::api::{BULK_RETRY_FORM, BulkRetry, bulk_job};
use crate::codec::resource;
use crate::components::error_words::{delivery_problem_text, form_errors_text};
use crate::components::time::Timestamp;
use crate::components::vendor_chip::VendorChip;
use crate::domain::{BulkCounts, BulkCustomer, BulkItem, BulkJobView, BulkSkip, Delivery, WriteContent};
use crate::error::AppError;
use crate::i18n::*;
use crate::pages::guard::ErrorPage;

/// Seconds between reloads while writes are pending.
const REFRESH_SECS: u32 = 5;

#[component]
pub fn BulkJobPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    // The id is only ever parsed as a number: nothing from the URL is shown.
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let job = resource(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => bulk_job(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <A href="/customers" attr:class="text-sm text-brand-700 hover:underline">"← "{tu_string!(i18n, bulk.back_to_list)}</A>
        <Transition fallback=|| view! { <div class="mt-6 h-40 animate-pulse rounded-xl bg-slate-200/70" aria-hidden="true"></div> }>
            {move || Suspend::new(async move {
                match job.await {
                    Ok(job) => view! { <JobView job /> }.into_any(),
                    Err(error) => view! {
                        <ErrorPage
                            error
                            not_found=(tu_string!(i18n, bulk.not_found_title), tu_string!(i18n, bulk.not_found_body))
                            forbidden=(tu_string!(i18n, bulk.forbidden_title), tu_string!(i18n, bulk.forbidden_body))
                        />
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn JobView(job: BulkJobView) -> impl IntoView {
    let i18n = use_i18n();
    let posted = FormReturn::read(&use_query_map().read_untracked());
    let title = match &job.content {
        WriteContent::Note { .. } => tu_string!(i18n, bulk.job_title_note, id = job.id).to_string(),
        WriteContent::Remark { .. } => tu_string!(i18n, bulk.job_title_remark, id = job.id).to_string(),
    };
    let here = format!("/bulk/{}", job.id);
    let now = job.generated_at;
    let counts = job.counts;
    let retry_error = form_errors_text(i18n, posted.errors(BULK_RETRY_FORM));
    let retried = posted.done(BULK_RETRY_FORM);
    view! {
        <Title text=title.clone() />
        {job.in_progress().then(|| view! { <Meta http_equiv="refresh" content=format!("{REFRESH_SECS};url={here}") /> })}
        <div class="mt-3 flex flex-wrap items-end justify-between gap-2">
            <div>
                <h1 class="text-2xl font-semibold" data-testid="bulk-title">{title}</h1>
                <p class="mt-1 text-sm text-slate-500">{job.author.clone()}" · "<Timestamp at=job.created_at now /></p>
            </div>
            <a href=here.clone() class="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50" data-testid="bulk-refresh">{tu_string!(i18n, bulk.refresh)}</a>
        </div>
        <ContentCard content=job.content.clone() />
        <section data-testid="bulk-counts" class="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Count testid="delivered" label=tu_string!(i18n, bulk.count_delivered) value=counts.delivered tone="text-emerald-700" />
            <Count testid="failed" label=tu_string!(i18n, bulk.count_failed) value=counts.failed tone="text-red-700" />
            <Count testid="pending" label=tu_string!(i18n, bulk.count_pending) value=counts.pending tone="text-amber-700" />
            <Count testid="skipped" label=tu_string!(i18n, bulk.count_skipped) value=job.skipped tone="text-slate-600" />
        </section>
        <VendorCounts vendors=job.vendors.clone() />
        {job.in_progress().then(|| view! {
            <p role="status" data-testid="bulk-in-progress" class="mt-3 text-sm text-amber-800">{tu_string!(i18n, bulk.in_progress, secs = REFRESH_SECS)}</p>
        })}
        {retry_error.map(|e| view! { <p role="alert" data-testid="bulk-retry-error" class="mt-3 text-sm text-red-700">{e}</p> })}
        {retried.then(|| view! { <p role="status" data-testid="bulk-retried" class="mt-3 text-sm text-emerald-700">{tu_string!(i18n, bulk.retried)}</p> })}
        {(counts.failed > 0).then(|| view! {
            <form method="post" action=BulkRetry::PATH class="mt-3">
                <input type="hidden" name="id" value=job.id.to_string() />
                <button type="submit" data-testid="bulk-retry-all" class="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2">
                    {tu_string!(i18n, bulk.retry_all, count = counts.failed)}
                </button>
            </form>
        })}
        <ul data-testid="bulk-customers" class="mt-4 divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
            {job.customers.into_iter().map(|customer| view! { <CustomerResult job_id=job.id customer /> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// What was sent: the note, or the remark and description.
#[component]
fn ContentCard(content: WriteContent) -> impl IntoView {
    let i18n = use_i18n();
    let field = |label: &'static str, text: Option<String>| {
        text.filter(|t| !t.is_empty()).map(|t| view! {
            <div><dt class="text-xs text-slate-500">{label}</dt><dd class="whitespace-pre-wrap break-words text-slate-900">{t}</dd></div>
        })
    };
    let fields = match content {
        WriteContent::Note { text } => vec![field(tu_string!(i18n, bulk.note_label), Some(text))],
        WriteContent::Remark { remark, description } => vec![
            field(tu_string!(i18n, bulk.remark_label), remark),
            field(tu_string!(i18n, bulk.description_label), description),
        ],
    };
    view! { <dl data-testid="bulk-content" class="mt-4 space-y-2 rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm">{fields}</dl> }
}

#[component]
fn Count(testid: &'static str, label: &'static str, value: u32, tone: &'static str) -> impl IntoView {
    view! {
        <div class="rounded-xl border border-slate-200 bg-white p-3 shadow-sm" data-testid=format!("bulk-count-{testid}") data-count=value.to_string()>
            <p class="text-xs text-slate-500">{label}</p>
            <p class=format!("text-2xl font-semibold {tone}")>{value}</p>
        </div>
    }
}

/// The counts per vendor: which vendor delivered, failed or is still sending.
#[component]
fn VendorCounts(vendors: Vec<(crate::domain::VendorId, BulkCounts)>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul data-testid="bulk-vendor-counts" class="mt-3 flex flex-wrap gap-3 text-sm text-slate-600">
            {vendors.into_iter().map(|(vendor, c)| view! {
                <li class="inline-flex items-center gap-2" data-vendor=vendor.slug()>
                    <VendorChip vendor />
                    {tu_string!(i18n, bulk.vendor_counts, delivered = c.delivered, failed = c.failed, pending = c.pending)}
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn CustomerResult(job_id: i64, customer: BulkCustomer) -> impl IntoView {
    let i18n = use_i18n();
    let name = customer.name.clone().unwrap_or_else(|| customer.key.clone());
    let skipped = customer.skipped.map(|s| match s {
        BulkSkip::NoWriteTarget => tu_string!(i18n, bulk.skip_no_write_target),
        BulkSkip::NotFound => tu_string!(i18n, bulk.skip_not_found),
    });
    view! {
        <li data-testid="bulk-customer" data-key=customer.key.clone() class="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-start sm:gap-4">
            <A href=format!("/customers/{}", customer.key) attr:class="min-w-0 font-medium text-slate-900 hover:underline sm:w-56 sm:truncate">{name}</A>
            <div class="min-w-0 flex-1 space-y-1">
                {skipped.map(|s| view! { <p data-testid="bulk-skipped" class="text-sm text-slate-500">{s}</p> })}
                {customer.writes.into_iter().map(|write| view! { <WriteResult job_id write /> }).collect_view()}
            </div>
        </li>
    }
}

#[component]
fn WriteResult(job_id: i64, write: BulkItem) -> impl IntoView {
    let i18n = use_i18n();
    let (state, badge) = match &write.delivery {
        Delivery::Delivered => (
            "delivered",
            "rounded bg-emerald-50 px-1.5 py-0.5 text-[11px] font-medium text-emerald-800 ring-1 ring-inset ring-emerald-600/20",
        ),
        Delivery::Failed { .. } => (
            "failed",
            "rounded bg-red-50 px-1.5 py-0.5 text-[11px] font-medium text-red-800 ring-1 ring-inset ring-red-600/20",
        ),
        Delivery::Pending { .. } => (
            "pending",
            "rounded bg-amber-50 px-1.5 py-0.5 text-[11px] font-medium text-amber-800 ring-1 ring-inset ring-amber-600/20",
        ),
    };
    let label = match state {
        "delivered" => tu_string!(i18n, bulk.count_delivered),
        "failed" => tu_string!(i18n, bulk.count_failed),
        _ => tu_string!(i18n, bulk.count_pending),
    };
    let reason = match &write.delivery {
        Delivery::Failed { problem }
        | Delivery::Pending {
            last_problem: Some(problem),
            ..
        } => Some(delivery_problem_text(i18n, write.vendor, problem)),
        _ => None,
    };
    let failed = state == "failed";
    view! {
        <div data-testid="bulk-write" data-vendor=write.vendor.slug() data-delivery=state data-write-id=write.id.to_string() class="text-sm">
            <div class="flex flex-wrap items-center gap-2">
                <VendorChip vendor=write.vendor />
                <span class=badge>{label}</span>
                <span class="text-xs text-slate-500">{tu_string!(i18n, bulk.via_rep, rep = write.rep_user_id.clone())}</span>
                {failed.then(|| view! {
                    <form method="post" action=BulkRetry::PATH class="inline">
                        <input type="hidden" name="id" value=job_id.to_string() />
                        <input type="hidden" name="write_id" value=write.id.to_string() />
                        <button type="submit" data-testid="bulk-retry-one" class="text-xs font-medium text-brand-700 hover:underline">{tu_string!(i18n, bulk.retry_one)}</button>
                    </form>
                })}
            </div>
            {reason.map(|r| view! { <p class="mt-0.5 text-xs text-red-700">{r}</p> })}
        </div>
    }
}
