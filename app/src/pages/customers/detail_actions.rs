//! Quick actions: remark/description and follow-up notes (with an optional next follow-up).
//! Plain HTML forms that post to server functions: the server redirects back to the page with
//! the result, or with an error code and the id of a server-side draft of what was typed, so
//! the page (timeline, delivery states) is always fresh and everything works with JavaScript
//! off. Once hydrated, the forms are islands: live character counts, inline validation before
//! anything is sent, and a pending state while the post is on its way. The note form's island
//! also serves the next follow-up section (`detail_plan`), without the note. Everything else
//! here renders on the server only.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::detail_timeline::DeliveryBadge;
use crate::api::form_redirect::FormReturn;
use crate::api::{AddNote, RetryWrite, SetRemark};
use crate::components::error_words::{InputWords, delivery_problem_text, form_errors_text};
use crate::components::raw_text::textarea_text;
use crate::components::time::Timestamp;
use crate::components::vendor_chip::VendorChip;
use crate::domain::{
    CustomerDetail, DESCRIPTION_MAX_CHARS, Delivery, EpochMs, NOTE_MAX_CHARS, PLAN_MAX_CHARS, REMARK_MAX_CHARS, WriteContent,
    WriteLimitation, beijing_day_start, char_count, validate_note, validate_plan, validate_remark,
};
use crate::domain::{TextField, normalize_text};
use crate::i18n::*;

pub(super) const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30 aria-[invalid=true]:border-red-400";
const BUTTON: &str = "rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2";

/// What a form island needs from the page: where it posts, what it posts along, what was
/// typed before (a refused JavaScript-off post), the server's answer, and its words in the
/// reader's language (islands carry no translations; the server renders these).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FormSetup {
    action: String,
    key: String,
    token: String,
    server_error: Option<String>,
    ok: bool,
    /// The character counter with `{count}` and `{max}` left in, e.g. `{count} / {max} 字`.
    chars: String,
    submit: String,
    saving: String,
    submitted_ok: String,
    input_words: InputWords,
}

impl FormSetup {
    /// The setup of form `form` (its name in the post's redirect), posting to `action`.
    pub(super) fn new(
        i18n: leptos_i18n::I18nContext<Locale>,
        posted: &FormReturn,
        form: &str,
        action: &str,
        key: String,
        token: String,
    ) -> Self {
        FormSetup {
            action: action.to_string(),
            key,
            token,
            server_error: form_errors_text(i18n, posted.errors(form)),
            ok: posted.done(form),
            chars: tu_string!(i18n, customers.chars, count = "{count}", max = "{max}").to_string(),
            submit: tu_string!(i18n, customers.save).to_string(),
            saving: tu_string!(i18n, customers.saving).to_string(),
            submitted_ok: tu_string!(i18n, customers.submitted_ok).to_string(),
            input_words: InputWords::new(i18n),
        }
    }

    pub(super) fn words(mut self, submit: &str, submitted_ok: &str) -> Self {
        self.submit = submit.to_string();
        self.submitted_ok = submitted_ok.to_string();
        self
    }

    fn counter(&self, count: usize, max: usize) -> String {
        self.chars.replace("{count}", &count.to_string()).replace("{max}", &max.to_string())
    }
}

#[component]
pub fn Actions(detail: CustomerDetail) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();

    // Results of form posts come back as codes in the query string, the typed text as a
    // server-side draft (see `api::form_redirect`).
    let posted = FormReturn::read(&query.read_untracked());
    let setup = |form: &str, action: &str, submit: &str| {
        let token = format!("{}-0", detail.form_token);
        FormSetup::new(i18n, &posted, form, action, detail.customer.key.clone(), token)
            .words(submit, tu_string!(i18n, customers.submitted_ok))
    };
    let remark_setup = setup("remark", SetRemark::PATH, tu_string!(i18n, customers.save));
    let note_setup = setup("note", AddNote::PATH, tu_string!(i18n, customers.add));
    let note_next = PlanFields::new(
        i18n,
        posted.typed("note", "due"),
        posted.typed("note", "plan"),
        detail.generated_at,
        true,
    );

    let remark_targets: Vec<_> = detail.write_targets.iter().filter(|t| t.remark).map(|t| t.vendor).collect();
    let note_targets: Vec<_> = detail.write_targets.iter().filter(|t| t.note).map(|t| t.vendor).collect();
    let limits: Vec<String> = detail
        .write_targets
        .iter()
        .filter_map(|t| {
            let vendor = crate::components::vendor_chip::vendor_name(i18n.get_locale_untracked(), t.vendor);
            t.limitation.map(|l| match l {
                WriteLimitation::NoWriteApi => tu_string!(i18n, customers.limit_no_write_api, vendor = vendor).to_string(),
                WriteLimitation::NeedsUnionId => tu_string!(i18n, customers.limit_needs_union_id, vendor = vendor).to_string(),
                WriteLimitation::NeedsVendorCustomerId => tu_string!(i18n, customers.limit_needs_vendor_id, vendor = vendor).to_string(),
            })
        })
        .collect();
    let key_retry = detail.customer.key.clone();
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
                    <RemarkForm
                        setup=remark_setup
                        remark=posted.typed("remark", "remark")
                        description=posted.typed("remark", "description")
                        remark_label=tu_string!(i18n, customers.remark).to_string()
                        description_label=tu_string!(i18n, customers.description).to_string()
                        hint=tu_string!(i18n, customers.remark_hint).to_string()
                    />
                }.into_any()
            }}

            <h3 class="mt-6 text-sm font-medium">{tu_string!(i18n, customers.note_form)}</h3>
            {if note_targets.is_empty() {
                view! { <p class="mt-1 text-sm text-slate-400">{tu_string!(i18n, customers.cannot_write)}</p> }.into_any()
            } else {
                view! {
                    <p class="mt-1 flex flex-wrap items-center gap-1 text-xs text-slate-500">{tu_string!(i18n, customers.sent_to)}{note_targets.into_iter().map(|vendor| view! { <VendorChip vendor /> }).collect_view()}</p>
                    <FollowUpForm
                        setup=note_setup
                        testid="note".to_string()
                        note=Some(posted.typed("note", "text"))
                        placeholder=tu_string!(i18n, customers.note_placeholder).to_string()
                        next=note_next
                    />
                }.into_any()
            }}

            {(!detail.writes.is_empty()).then(|| view! {
                <h3 class="mt-6 text-sm font-medium">{tu_string!(i18n, customers.writes)}</h3>
                <ul class="mt-2 space-y-2" data-testid="write-statuses">
                    {detail.writes.iter().map(|w| {
                        let key = key_retry.clone();
                        let failed = matches!(w.delivery, Delivery::Failed { .. });
                        let reason = match &w.delivery {
                            Delivery::Failed { problem } | Delivery::Pending { last_problem: Some(problem), .. } => {
                                Some(delivery_problem_text(i18n, w.vendor, problem))
                            }
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
                                <p class="mt-1 break-words text-slate-800">{write_content_text(i18n, &w.content)}</p>
                                {reason.map(|r| view! { <p class="mt-1 text-xs text-red-700" role=if failed { "alert" } else { "status" }>{r}</p> })}
                                {failed.then(|| view! {
                                    <form method="post" action=RetryWrite::PATH class="mt-1">
                                        <input type="hidden" name="key" value=key.clone() />
                                        <input type="hidden" name="id" value=w.id.to_string() />
                                        <button type="submit" class="text-xs font-medium text-brand-700 hover:underline" data-testid="retry-write">{tu_string!(i18n, customers.resend)}</button>
                                    </form>
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

/// Remark and description (island). Checked as the rep types; the post is held back while
/// anything is wrong, and the button says it is sending once it goes.
#[island]
fn RemarkForm(
    setup: FormSetup,
    remark: String,
    description: String,
    remark_label: String,
    description_label: String,
    hint: String,
) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let sending = RwSignal::new(false);
    let remark = RwSignal::new(remark);
    let description = RwSignal::new(description);
    let errors = move || validate_remark(&remark.get(), &description.get());
    let remark_chars = move || char_count(&normalize_text(TextField::Remark, &remark.get()));
    let description_chars = move || char_count(&normalize_text(TextField::Description, &description.get()));
    let setup = StoredValue::new(setup);
    let text = move |f: fn(&FormSetup) -> String| setup.with_value(f);

    view! {
        <form method="post" action=text(|s| s.action.clone()) data-testid="remark-form" class="mt-2 space-y-2"
            on:submit=move |ev| if errors().is_empty() { sending.set(true) } else { ev.prevent_default() }>
            <input type="hidden" name="key" value=text(|s| s.key.clone()) />
            <input type="hidden" name="token" value=text(|s| s.token.clone()) />
            <label class="block text-sm">
                <span class="flex justify-between"><span>{remark_label}</span>
                    <span class="text-xs text-slate-400" data-testid="remark-count">{move || setup.with_value(|s| s.counter(remark_chars(), REMARK_MAX_CHARS))}</span></span>
                <input type="text" name="remark" class=INPUT value=remark.get_untracked()
                    prop:value=remark on:input=move |ev| remark.set(event_target_value(&ev))
                    aria-invalid=move || (remark_chars() > REMARK_MAX_CHARS).to_string() />
            </label>
            <label class="block text-sm">
                <span class="flex justify-between"><span>{description_label}</span>
                    <span class="text-xs text-slate-400">{move || setup.with_value(|s| s.counter(description_chars(), DESCRIPTION_MAX_CHARS))}</span></span>
                <textarea name="description" rows="3" class=INPUT prop:value=description on:input=move |ev| description.set(event_target_value(&ev))
                    aria-invalid=move || (description_chars() > DESCRIPTION_MAX_CHARS).to_string()>{textarea_text(&description.get_untracked())}</textarea>
            </label>
            <p class="text-xs text-slate-500">{hint}</p>
            <FormFeedback
                setup
                client_errors=Signal::derive(move || if hydrated.get() && (!remark.get().is_empty() || !description.get().is_empty()) { setup.with_value(|s| errors().iter().map(|e| s.input_words.word(e)).collect()) } else { Vec::new() })
                testid="remark-feedback".to_string()
            />
            <button type="submit" class=BUTTON data-testid="remark-submit" disabled=move || hydrated.get() && (sending.get() || !errors().is_empty())>
                {move || if sending.get() { text(|s| s.saving.clone()) } else { text(|s| s.submit.clone()) }}
            </button>
        </form>
    }
}

/// The next follow-up fields of [`FollowUpForm`]: what they start with, their words, and the
/// Beijing midnight of the server's today (earlier times are refused).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PlanFields {
    due: String,
    plan: String,
    today_start: EpochMs,
    /// Left empty, the fields mean "no next follow-up" (the note form); else both are needed.
    optional: bool,
    legend: String,
    due_label: String,
    plan_label: String,
    placeholder: String,
}

impl PlanFields {
    /// `due` as a `datetime-local` value; `now` is the server's time of the page.
    pub(super) fn new(i18n: leptos_i18n::I18nContext<Locale>, due: String, plan: String, now: EpochMs, optional: bool) -> Self {
        PlanFields {
            due,
            plan,
            today_start: beijing_day_start(now),
            optional,
            legend: if optional {
                tu_string!(i18n, today.note_plan_legend).to_string()
            } else {
                String::new()
            },
            due_label: tu_string!(i18n, today.plan_due).to_string(),
            plan_label: tu_string!(i18n, today.plan_text).to_string(),
            placeholder: tu_string!(i18n, today.plan_placeholder).to_string(),
        }
    }
}

/// A follow-up note with an optional next follow-up or, without `note`, the next follow-up
/// alone (island); like [`RemarkForm`]. `testid` names the form and its parts (`note-form`,
/// `note-submit`, …).
#[island]
pub fn FollowUpForm(setup: FormSetup, testid: String, note: Option<String>, placeholder: String, next: PlanFields) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let sending = RwSignal::new(false);
    let with_note = note.is_some();
    let note = RwSignal::new(note.unwrap_or_default());
    let due = RwSignal::new(next.due);
    let plan = RwSignal::new(next.plan);
    let (today_start, optional) = (next.today_start, next.optional);
    let errors = move || {
        let mut errors = if with_note { validate_note(&note.get()) } else { Vec::new() };
        errors.extend(validate_plan(&due.get(), &plan.get(), today_start, optional));
        errors
    };
    let typed = move || !note.get().is_empty() || !due.get().is_empty() || !plan.get().is_empty();
    let note_chars = move || char_count(&normalize_text(TextField::Note, &note.get()));
    // A plan is one line, normalised like a remark.
    let plan_chars = move || char_count(&normalize_text(TextField::Remark, &plan.get()));
    let setup = StoredValue::new(setup);
    let text = move |f: fn(&FormSetup) -> String| setup.with_value(f);

    view! {
        <form method="post" action=text(|s| s.action.clone()) data-testid=format!("{testid}-form") class="mt-2 space-y-2"
            on:submit=move |ev| if errors().is_empty() { sending.set(true) } else { ev.prevent_default() }>
            <input type="hidden" name="key" value=text(|s| s.key.clone()) />
            {with_note.then(|| view! {
                <input type="hidden" name="token" value=text(|s| s.token.clone()) />
                <label class="block text-sm">
                    <span class="flex justify-end"><span class="text-xs text-slate-400">{move || setup.with_value(|s| s.counter(note_chars(), NOTE_MAX_CHARS))}</span></span>
                    <textarea name="text" rows="4" class=INPUT placeholder=placeholder
                        prop:value=note on:input=move |ev| note.set(event_target_value(&ev))
                        aria-invalid=move || (note_chars() > NOTE_MAX_CHARS).to_string()>{textarea_text(&note.get_untracked())}</textarea>
                </label>
            })}
            <fieldset class="space-y-2">
                {(!next.legend.is_empty()).then(|| view! { <legend class="text-xs text-slate-500">{next.legend}</legend> })}
                <label class="block text-sm">
                    <span>{next.due_label}</span>
                    <input type="datetime-local" name="due" class=INPUT value=due.get_untracked()
                        prop:value=due on:input=move |ev| due.set(event_target_value(&ev)) />
                </label>
                <label class="block text-sm">
                    <span class="flex justify-between"><span>{next.plan_label}</span>
                        <span class="text-xs text-slate-400">{move || setup.with_value(|s| s.counter(plan_chars(), PLAN_MAX_CHARS))}</span></span>
                    <input type="text" name="plan" class=INPUT placeholder=next.placeholder value=plan.get_untracked()
                        prop:value=plan on:input=move |ev| plan.set(event_target_value(&ev))
                        aria-invalid=move || (plan_chars() > PLAN_MAX_CHARS).to_string() />
                </label>
            </fieldset>
            <FormFeedback
                setup
                client_errors=Signal::derive(move || if hydrated.get() && typed() { setup.with_value(|s| errors().iter().map(|e| s.input_words.word(e)).collect()) } else { Vec::new() })
                testid=format!("{testid}-feedback")
            />
            <button type="submit" class=BUTTON data-testid=format!("{testid}-submit") disabled=move || hydrated.get() && (sending.get() || !errors().is_empty())>
                {move || if sending.get() { text(|s| s.saving.clone()) } else { text(|s| s.submit.clone()) }}
            </button>
        </form>
    }
}

/// Messages under a form: live validation, else the server's answer to the last post.
#[component]
fn FormFeedback(setup: StoredValue<FormSetup>, client_errors: Signal<Vec<String>>, testid: String) -> impl IntoView {
    view! {
        <div data-testid=testid aria-live="polite" class="min-h-[1.25rem] text-sm">
            {move || {
                let client = client_errors.get();
                if !client.is_empty() {
                    view! { <ul class="text-red-700">{client.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul> }.into_any()
                } else if let Some(e) = setup.with_value(|s| s.server_error.clone()) {
                    view! { <p role="alert" class="text-red-700">{e}</p> }.into_any()
                } else if setup.with_value(|s| s.ok) {
                    view! { <p class="text-emerald-700">{setup.with_value(|s| s.submitted_ok.clone())}</p> }.into_any()
                } else {
                    ().into_any()
                }
            }}
        </div>
    }
}

/// A write as the rep typed it: the note, or the remark and description with their labels.
fn write_content_text(i18n: leptos_i18n::I18nContext<Locale>, content: &WriteContent) -> String {
    match content {
        WriteContent::Note { text } => format!("📝 {text}"),
        WriteContent::Remark { remark, description } => {
            let remark = remark
                .as_deref()
                .filter(|r| !r.is_empty())
                .map(|text| tu_string!(i18n, customers.write_remark, text = text).to_string());
            let description = description
                .as_deref()
                .filter(|d| !d.is_empty())
                .map(|text| tu_string!(i18n, customers.write_description, text = text).to_string());
            format!("✏️ {}", [remark, description].into_iter().flatten().collect::<Vec<_>>().join(" / "))
        }
    }
}
