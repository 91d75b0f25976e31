//! Quick actions: remark/description and follow-up notes. Plain HTML forms that post to
//! server functions (so they work with JavaScript off: the server redirects back with the
//! result or the error and what was typed), enhanced once hydrated with live character
//! counts, inline validation and a pending state.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::detail_timeline::DeliveryBadge;
use crate::api::form_redirect::{FORM_DONE_PARAM, FORM_ERROR_PARAM, FORM_FIELD_PARAM};
use crate::api::{AddNote, RetryWrite, SetRemark};
use crate::components::time::Timestamp;
use crate::components::vendor_chip::VendorChip;
use crate::domain::{
    CustomerDetail, DESCRIPTION_MAX_CHARS, Delivery, NOTE_MAX_CHARS, REMARK_MAX_CHARS, WriteKind, char_count, validate_note,
    validate_remark,
};
use crate::error::AppError;
use crate::i18n::*;

/// The three actions of the page, created by the page so its data refetches after each.
#[derive(Clone, Copy)]
pub struct PageActions {
    pub remark: ServerAction<SetRemark>,
    pub note: ServerAction<AddNote>,
    pub retry: ServerAction<RetryWrite>,
}

impl PageActions {
    pub fn new() -> Self {
        PageActions {
            remark: ServerAction::new(),
            note: ServerAction::new(),
            retry: ServerAction::new(),
        }
    }

    /// Changes whenever any action completes: the page's resource tracks it.
    pub fn version(&self) -> usize {
        self.remark.version().get() + self.note.version().get() + self.retry.version().get()
    }
}

impl Default for PageActions {
    fn default() -> Self {
        Self::new()
    }
}

fn error_text(locale: Locale, e: &AppError) -> String {
    match locale {
        Locale::zh => e.message_zh(),
        Locale::en => e.message_en(),
    }
}

#[component]
pub fn Actions(detail: CustomerDetail) -> impl IntoView {
    let i18n = use_i18n();
    let actions = use_context::<PageActions>().unwrap_or_default();
    let query = use_query_map();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    // Results of plain (no-JavaScript) form posts come back in the query string.
    let form_param = move |k: &str| query.read().get(k);
    let no_js_error = move |form: &str| {
        (form_param(FORM_FIELD_PARAM).as_deref() == Some(form))
            .then(|| form_param(FORM_ERROR_PARAM))
            .flatten()
    };

    let key = detail.customer.key.clone();
    let token_base = detail.form_token.clone();
    let submissions = RwSignal::new(0u32);
    let token = Signal::derive(move || format!("{token_base}-{}", submissions.get()));

    let remark = RwSignal::new(form_param("f_remark").unwrap_or_default());
    let description = RwSignal::new(form_param("f_description").unwrap_or_default());
    let note = RwSignal::new(form_param("f_note").unwrap_or_default());

    // Fresh token and empty fields after each successful submission.
    Effect::new(move |_| {
        if let Some(Ok(_)) = actions.note.value().get() {
            note.set(String::new());
            submissions.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = actions.remark.value().get() {
            submissions.update(|n| *n += 1);
        }
    });

    let remark_errors = move || validate_remark(&remark.get(), &description.get());
    let note_errors = move || validate_note(&note.get());
    let remark_targets: Vec<_> = detail.write_targets.iter().filter(|t| t.remark).map(|t| t.vendor).collect();
    let note_targets: Vec<_> = detail.write_targets.iter().filter(|t| t.note).map(|t| t.vendor).collect();
    let limits: Vec<String> = detail.write_targets.iter().filter_map(|t| t.limitation_zh.clone()).collect();
    let input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30 aria-[invalid=true]:border-red-400";
    let button = "rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2";
    let done = move |form: &str| form_param(FORM_DONE_PARAM).as_deref() == Some(form);
    let key_remark = key.clone();
    let key_note = key.clone();
    let key_retry = key.clone();
    let now = detail.generated_at;

    view! {
        <section data-testid="actions" class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 class="text-base font-semibold">{tu_string!(i18n, customers.actions)}</h2>
            {(!limits.is_empty()).then(|| view! {
                <ul class="mt-2 space-y-1 text-xs text-slate-500" data-testid="write-limitations">{limits.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
            })}

            <h3 class="mt-4 text-sm font-medium">{tu_string!(i18n, customers.remark_form)}</h3>
            {if remark_targets.is_empty() {
                view! { <p class="mt-1 text-sm text-slate-400">{tu_string!(i18n, customers.cannot_write)}</p> }.into_any()
            } else {
                view! {
                    <p class="mt-1 flex flex-wrap items-center gap-1 text-xs text-slate-500">{tu_string!(i18n, customers.sent_to)}{remark_targets.into_iter().map(|vendor| view! { <VendorChip vendor /> }).collect_view()}</p>
                    <ActionForm action=actions.remark attr:data-testid="remark-form" attr:class="mt-2 space-y-2">
                        <input type="hidden" name="key" value=key_remark />
                        <input type="hidden" name="token" value=token />
                        <label class="block text-sm">
                            <span class="flex justify-between"><span>{tu_string!(i18n, customers.remark)}</span>
                                <span class="text-xs text-slate-400" data-testid="remark-count">{move || tu_string!(i18n, customers.chars, count = char_count(remark.get().trim()), max = REMARK_MAX_CHARS)}</span></span>
                            <input type="text" name="remark" class=input value=remark.get_untracked()
                                prop:value=remark on:input=move |ev| remark.set(event_target_value(&ev))
                                aria-invalid=move || (char_count(remark.get().trim()) > REMARK_MAX_CHARS).to_string() />
                        </label>
                        <label class="block text-sm">
                            <span class="flex justify-between"><span>{tu_string!(i18n, customers.description)}</span>
                                <span class="text-xs text-slate-400">{move || tu_string!(i18n, customers.chars, count = char_count(description.get().trim()), max = DESCRIPTION_MAX_CHARS)}</span></span>
                            <textarea name="description" rows="3" class=input prop:value=description on:input=move |ev| description.set(event_target_value(&ev))
                                aria-invalid=move || (char_count(description.get().trim()) > DESCRIPTION_MAX_CHARS).to_string()>{description.get_untracked()}</textarea>
                        </label>
                        <p class="text-xs text-slate-500">{tu_string!(i18n, customers.remark_hint)}</p>
                        <FormFeedback
                            client_errors=Signal::derive(move || if hydrated.get() && (!remark.get().is_empty() || !description.get().is_empty()) { remark_errors().iter().map(|e| e.message_zh()).collect() } else { Vec::new() })
                            server_error=Signal::derive(move || match actions.remark.value().get() { Some(Err(e)) => Some(error_text(i18n.get_locale(), &e)), _ => no_js_error("remark") })
                            ok=Signal::derive(move || matches!(actions.remark.value().get(), Some(Ok(_))) || done("remark"))
                            testid="remark-feedback"
                        />
                        <button type="submit" class=button data-testid="remark-submit"
                            disabled=move || hydrated.get() && (actions.remark.pending().get() || !remark_errors().is_empty())>
                            {move || if actions.remark.pending().get() { tu_string!(i18n, customers.saving) } else { tu_string!(i18n, customers.save) }}
                        </button>
                    </ActionForm>
                }.into_any()
            }}

            <h3 class="mt-6 text-sm font-medium">{tu_string!(i18n, customers.note_form)}</h3>
            {if note_targets.is_empty() {
                view! { <p class="mt-1 text-sm text-slate-400">{tu_string!(i18n, customers.cannot_write)}</p> }.into_any()
            } else {
                view! {
                    <p class="mt-1 flex flex-wrap items-center gap-1 text-xs text-slate-500">{tu_string!(i18n, customers.sent_to)}{note_targets.into_iter().map(|vendor| view! { <VendorChip vendor /> }).collect_view()}</p>
                    <ActionForm action=actions.note attr:data-testid="note-form" attr:class="mt-2 space-y-2">
                        <input type="hidden" name="key" value=key_note />
                        <input type="hidden" name="token" value=token />
                        <label class="block text-sm">
                            <span class="flex justify-end"><span class="text-xs text-slate-400">{move || tu_string!(i18n, customers.chars, count = char_count(note.get().trim()), max = NOTE_MAX_CHARS)}</span></span>
                            <textarea name="text" rows="4" class=input placeholder=tu_string!(i18n, customers.note_placeholder)
                                prop:value=note on:input=move |ev| note.set(event_target_value(&ev))
                                aria-invalid=move || (char_count(note.get().trim()) > NOTE_MAX_CHARS).to_string()>{note.get_untracked()}</textarea>
                        </label>
                        <FormFeedback
                            client_errors=Signal::derive(move || if hydrated.get() && !note.get().is_empty() { note_errors().iter().map(|e| e.message_zh()).collect() } else { Vec::new() })
                            server_error=Signal::derive(move || match actions.note.value().get() { Some(Err(e)) => Some(error_text(i18n.get_locale(), &e)), _ => no_js_error("note") })
                            ok=Signal::derive(move || matches!(actions.note.value().get(), Some(Ok(_))) || done("note"))
                            testid="note-feedback"
                        />
                        <button type="submit" class=button data-testid="note-submit"
                            disabled=move || hydrated.get() && (actions.note.pending().get() || !note_errors().is_empty())>
                            {move || if actions.note.pending().get() { tu_string!(i18n, customers.saving) } else { tu_string!(i18n, customers.add) }}
                        </button>
                    </ActionForm>
                }.into_any()
            }}

            {(!detail.writes.is_empty()).then(|| view! {
                <h3 class="mt-6 text-sm font-medium">{tu_string!(i18n, customers.writes)}</h3>
                <ul class="mt-2 space-y-2" data-testid="write-statuses">
                    {detail.writes.into_iter().map(|w| {
                        let key = key_retry.clone();
                        let failed = matches!(w.delivery, Delivery::Failed { .. });
                        let reason = match &w.delivery {
                            Delivery::Failed { reason_zh, .. } => Some(reason_zh.clone()),
                            Delivery::Pending { last_error: Some(e), .. } => Some(e.clone()),
                            _ => None,
                        };
                        view! {
                            <li class="rounded-lg border border-slate-100 p-2 text-sm" data-testid="write-status" data-write-id=w.id.to_string() data-vendor=w.vendor.slug()>
                                <div class="flex flex-wrap items-center gap-2 text-xs text-slate-500">
                                    <VendorChip vendor=w.vendor />
                                    <DeliveryBadge delivery=w.delivery.clone() />
                                    <span>{tu_string!(i18n, customers.via_rep, rep = w.rep_user_id.clone())}</span>
                                    <Timestamp at=w.created_at now />
                                </div>
                                <p class="mt-1 break-words text-slate-800">{match w.kind { WriteKind::Note => "📝 ", WriteKind::Remark => "✏️ " }}{w.summary.clone()}</p>
                                {reason.map(|r| view! { <p class="mt-1 text-xs text-red-700" role=if failed { "alert" } else { "status" }>{r}</p> })}
                                {failed.then(|| view! {
                                    <ActionForm action=actions.retry attr:class="mt-1">
                                        <input type="hidden" name="key" value=key.clone() />
                                        <input type="hidden" name="id" value=w.id.to_string() />
                                        <button type="submit" class="text-xs font-medium text-brand-700 hover:underline" data-testid="retry-write">{tu_string!(i18n, customers.resend)}</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
    .into_any()
}

/// Messages under a form: live validation, the server's answer, or the confirmation.
#[component]
fn FormFeedback(
    client_errors: Signal<Vec<String>>,
    server_error: Signal<Option<String>>,
    ok: Signal<bool>,
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div data-testid=testid aria-live="polite" class="min-h-[1.25rem] text-sm">
            {move || {
                let client = client_errors.get();
                if !client.is_empty() {
                    view! { <ul class="text-red-700">{client.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul> }.into_any()
                } else if let Some(e) = server_error.get() {
                    view! { <p role="alert" class="text-red-700">{e}</p> }.into_any()
                } else if ok.get() {
                    view! { <p class="text-emerald-700">{tu_string!(i18n, customers.submitted_ok)}</p> }.into_any()
                } else {
                    ().into_any()
                }
            }}
        </div>
    }
}
