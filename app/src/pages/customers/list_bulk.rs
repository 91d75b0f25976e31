//! The customer list's bulk form: one follow-up note, or one remark and description, to the
//! ticked rows or to every customer the current search and filters match. A plain HTML form
//! (no island: the same with JavaScript on or off); each row's checkbox belongs to it through
//! the `form` attribute, so the list's markup stays as it is. The server checks the text as
//! for a single write, queues one write per customer and vendor, and redirects to the job's
//! result page; a refusal comes back here as a code with the typed text kept as a draft.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::api::form_redirect::FormReturn;
use crate::api::{BULK_FORM, BulkWrite, bulk_form};
use crate::codec::resource;
use crate::components::error_words::form_errors_text;
use crate::components::raw_text::textarea_text;
use crate::domain::{BulkFormSetup, CustomerQuery};
use crate::i18n::*;

/// The form's id: each row's checkbox names it (`form="bulk-form"`).
pub const BULK_FORM_ID: &str = "bulk-form";

const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30";
const BUTTON: &str = "rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2";
const SECONDARY: &str = "rounded-md border border-slate-300 bg-white px-4 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500";

/// A row's checkbox, inside the row but belonging to the bulk form.
#[component]
pub fn BulkSelect(key: String, name: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="flex shrink-0 items-center pl-4 pr-1">
            <input type="checkbox" name="keys[]" value=key form=BULK_FORM_ID data-testid="bulk-select"
                aria-label=tu_string!(i18n, bulk.select_row, name = name).to_string()
                class="h-4 w-4 rounded border-slate-300 text-brand-600 focus:ring-brand-500" />
        </label>
    }
}

/// The bulk form above the list, for the customers `query` matches (`total` of them).
#[component]
pub fn BulkToolbar(query: CustomerQuery, total: u64) -> impl IntoView {
    let form = resource(|| (), |_| bulk_form());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let query = query.clone();
                Suspend::new(async move {
                    // Without a token there is no form to show; the list itself still works.
                    form.await.ok().map(|form| view! { <Toolbar form query total /> })
                })
            }}
        </Suspense>
    }
}

#[component]
fn Toolbar(form: BulkFormSetup, query: CustomerQuery, total: u64) -> impl IntoView {
    let i18n = use_i18n();
    let posted = FormReturn::read(&use_query_map().read_untracked());
    let error = form_errors_text(i18n, posted.errors(BULK_FORM));
    let refused = error.is_some();
    let typed = |field: &str| posted.typed(BULK_FORM, field);
    let (text, remark, description) = (typed("text"), typed("remark"), typed("description"));
    let remark_chosen = text.is_empty() && !(remark.is_empty() && description.is_empty());
    let hidden = |name: &'static str, value: Option<String>| view! { <input type="hidden" name=name value=value.unwrap_or_default() /> };
    view! {
        <details data-testid="bulk-toolbar" open=refused class="mt-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
            <summary class="cursor-pointer text-sm font-medium text-slate-800" data-testid="bulk-open">{tu_string!(i18n, bulk.toolbar_summary)}</summary>
            <form id=BULK_FORM_ID method="post" action=BulkWrite::PATH data-testid="bulk-form" class="mt-3 space-y-3">
                <input type="hidden" name="token" value=form.token.clone() />
                {hidden("q", query.q.clone())}
                {hidden("rep", query.rep.clone())}
                {hidden("vendor", query.vendor.map(|v| v.slug().to_string()))}
                {hidden("tag", query.tag.clone())}
                {hidden("stage", query.stage.clone())}
                <p class="text-xs text-slate-500">{tu_string!(i18n, bulk.toolbar_hint, max = form.max_customers)}</p>
                {error.map(|e| view! { <p role="alert" data-testid="bulk-error" class="text-sm text-red-700">{e}</p> })}
                <fieldset class="flex flex-wrap gap-x-6 gap-y-1 text-sm">
                    <legend class="sr-only">{tu_string!(i18n, bulk.action_legend)}</legend>
                    <label class="inline-flex items-center gap-2">
                        <input type="radio" name="action" value="note" checked=!remark_chosen data-testid="bulk-action-note" />
                        {tu_string!(i18n, bulk.action_note)}
                    </label>
                    <label class="inline-flex items-center gap-2">
                        <input type="radio" name="action" value="remark" checked=remark_chosen data-testid="bulk-action-remark" />
                        {tu_string!(i18n, bulk.action_remark)}
                    </label>
                </fieldset>
                <label class="block text-sm">
                    <span class="font-medium text-slate-700">{tu_string!(i18n, bulk.note_label)}</span>
                    <textarea name="text" rows="3" class=INPUT data-testid="bulk-note" placeholder=tu_string!(i18n, bulk.note_placeholder)>{textarea_text(&text)}</textarea>
                </label>
                <div class="grid gap-3 sm:grid-cols-2">
                    <label class="block text-sm">
                        <span class="font-medium text-slate-700">{tu_string!(i18n, bulk.remark_label)}</span>
                        <input type="text" name="remark" value=remark class=INPUT data-testid="bulk-remark" />
                    </label>
                    <label class="block text-sm">
                        <span class="font-medium text-slate-700">{tu_string!(i18n, bulk.description_label)}</span>
                        <textarea name="description" rows="2" class=INPUT data-testid="bulk-description">{textarea_text(&description)}</textarea>
                    </label>
                </div>
                <div class="flex flex-wrap gap-2">
                    <button type="submit" name="scope" value="selected" class=BUTTON data-testid="bulk-send-selected">{tu_string!(i18n, bulk.send_selected)}</button>
                    <button type="submit" name="scope" value="filter" class=SECONDARY data-testid="bulk-send-filter">{tu_string!(i18n, bulk.send_filter, count = total)}</button>
                </div>
            </form>
        </details>
    }
}
