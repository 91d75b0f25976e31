//! Above the customer list: saved views (links applying a named filter, a form saving the
//! current one, delete buttons on the rep's own), the CSV export of the current filter and
//! search with its column checkboxes, and the keyboard shortcuts. Links and plain forms, so
//! everything works with JavaScript off; the shortcuts are the one hydrated extra.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::api::form_redirect::FormReturn;
use crate::api::{DELETE_VIEW_FORM, DeleteView, SAVE_VIEW_FORM, SaveView, list_saved_views};
use crate::codec::resource;
use crate::components::error_words::{app_error_text, form_errors_text};
use crate::components::export_words::export_column_title;
use crate::components::shortcuts::Shortcuts;
use crate::domain::{
    CUSTOMERS_EXPORT_PATH, CustomerQuery, EXPORT_COLUMN_PARAM, ExportColumn, SavedView, VIEW_NAME_MAX_CHARS, filter_pairs,
    list_query_string,
};
use crate::i18n::*;

const PANEL: &str = "rounded-xl border border-slate-200 bg-white p-4 shadow-sm";
const BUTTON: &str = "rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2";
const INPUT: &str = "mt-1 block w-56 rounded-md border border-slate-300 px-3 py-1.5 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30";

#[component]
pub fn ListViews(query: CustomerQuery) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    // What the last save or delete post left (codes only; the typed name from the draft store).
    let posted = FormReturn::read(&params.read_untracked());
    let error = form_errors_text(i18n, posted.errors(SAVE_VIEW_FORM)).or_else(|| form_errors_text(i18n, posted.errors(DELETE_VIEW_FORM)));
    let notice = if posted.done(SAVE_VIEW_FORM) {
        Some(tu_string!(i18n, lists.view_saved))
    } else if posted.done(DELETE_VIEW_FORM) {
        Some(tu_string!(i18n, lists.view_deleted))
    } else {
        None
    };
    let typed_name = posted.typed(SAVE_VIEW_FORM, "name");
    let current = list_query_string(&query);
    let views = resource(|| (), |_| list_saved_views());
    view! {
        <div class="mt-4 grid gap-3 lg:grid-cols-3">
            <section class=format!("{PANEL} lg:col-span-2") data-testid="saved-views">
                <h2 class="text-sm font-semibold text-slate-700">{tu_string!(i18n, lists.views_title)}</h2>
                <Suspense fallback=|| ()>
                    {move || {
                        let (current, typed_name) = (current.clone(), typed_name.clone());
                        Suspend::new(async move {
                            match views.await {
                                Ok(saved) => view! {
                                    <ViewLinks views=saved.views current=current.clone() />
                                    <SaveViewForm current can_share=saved.can_share typed_name />
                                }.into_any(),
                                Err(e) => view! { <p role="alert" class="mt-2 text-sm text-red-700">{app_error_text(i18n, &e)}</p> }.into_any(),
                            }
                        })
                    }}
                </Suspense>
                <div data-testid="view-feedback" aria-live="polite" class="mt-2 min-h-[1.25rem] text-sm">
                    {error.map(|e| view! { <p role="alert" class="text-red-700">{e}</p> })}
                    {notice.map(|n| view! { <p class="text-emerald-700">{n}</p> })}
                </div>
            </section>
            <ExportForm query />
        </div>
        <p class="mt-2 hidden text-xs text-slate-400 sm:block">{tu_string!(i18n, lists.shortcuts_hint)}</p>
        <Shortcuts />
    }
    .into_any()
}

/// The saved views as links; the one matching the current filter is marked.
#[component]
fn ViewLinks(views: Vec<SavedView>, current: String) -> impl IntoView {
    let i18n = use_i18n();
    if views.is_empty() {
        return view! { <p class="mt-2 text-sm text-slate-500" data-testid="saved-views-empty">{tu_string!(i18n, lists.views_empty)}</p> }
            .into_any();
    }
    view! {
        <ul class="mt-2 flex flex-wrap gap-2">
            {views.into_iter().map(|v| {
                let active = v.query == current;
                let badge = match (v.shared, v.mine) {
                    (true, true) => Some(tu_string!(i18n, lists.view_shared_mine).to_string()),
                    (true, false) => Some(tu_string!(i18n, lists.view_shared_by, owner = v.owner_name.clone()).to_string()),
                    _ => None,
                };
                view! {
                    <li data-testid="saved-view" data-view-name=v.name.clone() data-mine=v.mine.to_string()
                        class="flex items-center gap-1 rounded-full border border-slate-200 bg-slate-50 py-0.5 pl-3 pr-1 text-sm">
                        <a href=v.href() data-testid="saved-view-link" aria-current=active.then_some("true")
                            class="font-medium text-brand-700 hover:underline aria-[current=true]:text-slate-900">{v.name.clone()}</a>
                        {badge.map(|b| view! { <span class="text-xs text-slate-500">{b}</span> })}
                        {v.mine.then(|| view! {
                            <form method="post" action=DeleteView::PATH class="m-0">
                                <input type="hidden" name="id" value=v.id.to_string() />
                                <button type="submit" data-testid="delete-view" title=tu_string!(i18n, lists.view_delete)
                                    class="rounded-full px-1.5 text-slate-400 hover:bg-slate-200 hover:text-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500">
                                    <span aria-hidden="true">"×"</span>
                                    <span class="sr-only">{tu_string!(i18n, lists.view_delete)}</span>
                                </button>
                            </form>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Names and saves the current filter (a plain form post; the server redirects back here).
#[component]
fn SaveViewForm(current: String, can_share: bool, typed_name: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form method="post" action=SaveView::PATH data-testid="save-view-form" class="mt-3 flex flex-wrap items-end gap-3">
            <input type="hidden" name="query" value=current />
            <label class="block text-sm">
                <span class="font-medium text-slate-700">{tu_string!(i18n, lists.view_name_label)}</span>
                <input type="text" name="name" required maxlength=VIEW_NAME_MAX_CHARS.to_string() value=typed_name
                    placeholder=tu_string!(i18n, lists.view_name_placeholder) data-testid="view-name" class=INPUT />
            </label>
            {can_share.then(|| view! {
                <label class="flex items-center gap-1.5 pb-1.5 text-sm text-slate-700">
                    <input type="checkbox" name="shared" value="on" data-testid="view-shared" class="rounded border-slate-300" />
                    {tu_string!(i18n, lists.view_share)}
                </label>
            })}
            <button type="submit" data-testid="save-view" class=BUTTON>{tu_string!(i18n, lists.view_save)}</button>
        </form>
    }
}

/// The CSV export of the current filter and search: a GET form, so the download is a plain
/// link the browser follows with JavaScript on or off.
#[component]
fn ExportForm(query: CustomerQuery) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <form method="get" action=CUSTOMERS_EXPORT_PATH data-testid="export-form" class=PANEL>
            <h2 class="text-sm font-semibold text-slate-700">{tu_string!(i18n, lists.export_title)}</h2>
            <p class="mt-1 text-xs text-slate-500">{tu_string!(i18n, lists.export_intro)}</p>
            {filter_pairs(&query).into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v /> }).collect_view()}
            <fieldset class="mt-2 grid grid-cols-2 gap-x-3 gap-y-1 text-sm text-slate-700">
                {ExportColumn::ALL.into_iter().map(|c| view! {
                    <label class="flex items-center gap-1.5">
                        <input type="checkbox" name=EXPORT_COLUMN_PARAM value=c.slug() checked data-testid=format!("export-col-{}", c.slug()) class="rounded border-slate-300" />
                        {export_column_title(locale, c)}
                    </label>
                }).collect_view()}
            </fieldset>
            <button type="submit" data-testid="export-submit" class=format!("{BUTTON} mt-3")>{tu_string!(i18n, lists.export_submit)}</button>
        </form>
    }
}
