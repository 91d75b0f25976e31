//! Plain (JavaScript-off) form posts to server functions are answered with a redirect to the
//! page they came from. The redirect never carries text: on failure it names the form, the
//! error as a code ([`FormError`], worded by the page from the locales) and, when the rep
//! typed something, the id of a draft the server keeps for ten minutes for that user alone
//! ([`FormDrafts`]), so the page can refill the form. No URL can make a page show text of
//! its choosing: unknown codes read as a generic message, and a draft id that is unknown,
//! expired or another user's is ignored together with the error it came with.

use leptos_router::params::ParamsMap;
use serde::{Deserialize, Serialize};

use crate::domain::{InputError, VendorErrorKind};
use crate::error::{AppError, Refused};

/// Query parameters this module adds; pages read them and strip them from links.
pub const FORM_PARAM_PREFIX: &str = "f_";
pub const FORM_ERROR_PARAM: &str = "f_error";
pub const FORM_FIELD_PARAM: &str = "f_form";
pub const FORM_DONE_PARAM: &str = "f_done";
pub const FORM_DRAFT_PARAM: &str = "f_draft";

/// At most this many error codes are sent back, and read.
const MAX_ERRORS: usize = 4;

/// Why a form post was refused, as it travels in the redirect (`f_error=<code>`, several
/// separated by commas). The codes are the errors' own serde codes — [`InputError`]'s,
/// [`Refused`]'s, and a few general ones — so there is one list of each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormError {
    /// The typed text failed the limits (`note_too_long`, …); read back without its count.
    Input(InputError),
    /// Refused for another reason (`username_taken`, `form_expired`, …); never `Refused::Input`.
    Refused(Refused),
    General(GeneralFormError),
}

/// Form errors that are not a refusal of the input itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeneralFormError {
    /// Refused input not covered by a code of its own.
    Invalid,
    Unauthenticated,
    Forbidden,
    NotFound,
    VendorAuthRejected,
    VendorRateLimited,
    VendorNotFound,
    VendorInvalidInput,
    /// The vendor failed, timed out or answered nonsense: trying later may help.
    VendorUnavailable,
    /// The vendor offers no API for this.
    VendorUnsupported,
    Internal,
    /// A code this version does not know: shown as a generic message.
    Unknown,
}

/// The value of a serde tag field (`{"code": "form_expired"}` → `form_expired`).
fn tag_of(value: &impl Serialize, tag: &str) -> Option<String> {
    match serde_json::to_value(value).ok()? {
        serde_json::Value::String(code) => Some(code),
        serde_json::Value::Object(mut fields) => match fields.remove(tag)? {
            serde_json::Value::String(code) => Some(code),
            _ => None,
        },
        _ => None,
    }
}

/// The value whose serde tag field `tag` is `code`, when that alone describes it.
fn from_tag<T: serde::de::DeserializeOwned>(tag: &str, code: &str) -> Option<T> {
    serde_json::from_value(serde_json::json!({ tag: code })).ok()
}

impl FormError {
    pub fn code(&self) -> String {
        let code = match self {
            FormError::Input(e) => tag_of(e, "error"),
            FormError::Refused(r) => tag_of(r, "code"),
            FormError::General(g) => tag_of(g, ""),
        };
        code.unwrap_or_else(|| "unknown".into())
    }

    pub fn from_code(code: &str) -> FormError {
        if let Some(e) = from_tag::<InputError>("error", code) {
            return FormError::Input(e);
        }
        if let Some(r) = from_tag::<Refused>("code", code) {
            return FormError::Refused(r);
        }
        let general = serde_json::from_value(serde_json::Value::String(code.into()));
        FormError::General(general.unwrap_or(GeneralFormError::Unknown))
    }

    fn from_vendor(kind: VendorErrorKind) -> FormError {
        FormError::General(match kind {
            VendorErrorKind::AuthRejected => GeneralFormError::VendorAuthRejected,
            VendorErrorKind::RateLimited => GeneralFormError::VendorRateLimited,
            VendorErrorKind::NotFound => GeneralFormError::VendorNotFound,
            VendorErrorKind::InvalidInput => GeneralFormError::VendorInvalidInput,
            // Upstream errors, timeouts, transport failures, unreadable replies.
            kind if kind.retry_may_help() => GeneralFormError::VendorUnavailable,
            // No API for this, or none this vendor's deployment offers.
            _ => GeneralFormError::VendorUnsupported,
        })
    }
}

impl From<&Refused> for Vec<FormError> {
    fn from(r: &Refused) -> Self {
        match r {
            Refused::Input { errors } => errors.iter().cloned().map(FormError::Input).collect(),
            other => vec![FormError::Refused(other.clone())],
        }
    }
}

/// The codes a refused post is answered with. `input` is what the form's own checks found
/// in the typed text (the server runs the same checks first, so an `Invalid` answer with
/// input problems is exactly those).
pub fn form_errors(error: &AppError, input: &[InputError]) -> Vec<FormError> {
    match error {
        AppError::Invalid(Refused::Input { .. }) if !input.is_empty() => input.iter().cloned().map(FormError::Input).collect(),
        AppError::Invalid(refused) => {
            let errors = Vec::<FormError>::from(refused);
            if errors.is_empty() {
                vec![FormError::General(GeneralFormError::Invalid)]
            } else {
                errors
            }
        }
        AppError::Unauthenticated => vec![FormError::General(GeneralFormError::Unauthenticated)],
        AppError::Forbidden => vec![FormError::General(GeneralFormError::Forbidden)],
        AppError::NotFound => vec![FormError::General(GeneralFormError::NotFound)],
        AppError::Vendor(f) => vec![FormError::from_vendor(f.kind)],
        AppError::Internal { .. } => vec![FormError::General(GeneralFormError::Internal)],
        // The call failed between browser and server, or a failure without a code of its own.
        _ => vec![FormError::General(GeneralFormError::Unknown)],
    }
}

/// What a rep typed into a refused form, kept on the server under a random id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The form it belongs to (`note`, `remark`, `create_user`).
    pub form: String,
    /// Field name and typed text.
    pub fields: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
mod store {
    use std::sync::Arc;

    use super::Draft;

    /// Implemented by the server: kept in its database (so whichever instance the redirect
    /// reaches finds it) with a time limit, and in memory for the page that reads it. A draft
    /// is found only by the user who typed it.
    #[async_trait::async_trait]
    pub trait FormDrafts: Send + Sync + 'static {
        /// Keeps `draft` for `user_id`; returns its id (random, unguessable, URL-safe).
        async fn keep(&self, user_id: i64, draft: Draft) -> String;
        /// The draft kept under `id`, if it is `user_id`'s and has not expired.
        fn find(&self, user_id: i64, id: &str) -> Option<Draft>;
    }

    pub type SharedDrafts = Arc<dyn FormDrafts>;
}

#[cfg(feature = "ssr")]
pub use store::{FormDrafts, SharedDrafts};

/// The path and query of `referer` with earlier form parameters removed, plus `extra`.
pub fn back_url(referer: &str, extra: &[(&str, &str)]) -> String {
    let without_origin = match referer.find("://") {
        Some(i) => referer[i + 3..].find('/').map(|j| &referer[i + 3 + j..]).unwrap_or("/"),
        None => referer,
    };
    let (path, query) = without_origin.split_once('?').unwrap_or((without_origin, ""));
    // The same rule as a sign-in's `next`: a Referer of `http://host//evil.example/x` must
    // not send the browser to `//evil.example/x`.
    let path = Some(path.split('#').next().unwrap_or("/"))
        .filter(|p| super::auth::is_local_path(p))
        .unwrap_or("/");
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if !k.starts_with(FORM_PARAM_PREFIX) {
            out.append_pair(&k, &v);
        }
    }
    for (k, v) in extra {
        out.append_pair(k, v);
    }
    let query = out.finish();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// The redirect's parameters for a refused post: the form, the error codes, the draft id.
#[cfg(any(feature = "ssr", test))]
fn refusal_params<'a>(form: &'a str, errors: &'a str, draft: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut extra = vec![(FORM_FIELD_PARAM, form), (FORM_ERROR_PARAM, errors)];
    extra.extend(draft.map(|id| (FORM_DRAFT_PARAM, id)));
    extra
}

/// `f_error`'s value.
#[cfg(any(feature = "ssr", test))]
fn join_codes(errors: &[FormError]) -> String {
    errors.iter().map(|e| e.code()).collect::<Vec<_>>().join(",")
}

/// Whether the request is a browser's plain form post (it accepts HTML), not a script's call.
#[cfg(feature = "ssr")]
pub fn accepts_html(parts: &http::request::Parts) -> bool {
    parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// Answers a plain form post (one that accepts HTML and names the page it came from) with a
/// redirect back to that page. `typed` is what to refill on failure (never a password);
/// `input` what the form's own checks found in it.
#[cfg(feature = "ssr")]
pub async fn after_form_post<T: Sync>(form: &str, result: &Result<T, AppError>, typed: &[(&str, &str)], input: &[InputError]) {
    use leptos::prelude::use_context;
    let Some(parts) = use_context::<http::request::Parts>() else {
        return;
    };
    let accepts_html = accepts_html(&parts);
    let Some(referer) = parts.headers.get(http::header::REFERER).and_then(|v| v.to_str().ok()) else {
        return;
    };
    if !accepts_html {
        return;
    }
    let url = match result {
        Ok(_) => back_url(referer, &[(FORM_DONE_PARAM, form)]),
        Err(e) => {
            let errors = join_codes(&form_errors(e, input));
            let draft = keep_draft(form, typed).await;
            back_url(referer, &refusal_params(form, &errors, draft.as_deref()))
        }
    };
    leptos_axum::redirect(&url);
}

#[cfg(not(feature = "ssr"))]
pub async fn after_form_post<T>(_form: &str, _result: &Result<T, AppError>, _typed: &[(&str, &str)], _input: &[InputError]) {}

/// Keeps what was typed for the signed-in user; its id, or None when nothing was typed.
#[cfg(feature = "ssr")]
async fn keep_draft(form: &str, typed: &[(&str, &str)]) -> Option<String> {
    if typed.iter().all(|(_, v)| v.is_empty()) {
        return None;
    }
    let viewer = crate::service::current_viewer()?;
    let drafts = leptos::prelude::use_context::<SharedDrafts>()?;
    let fields = typed.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Some(
        drafts
            .keep(
                viewer.user_id,
                Draft {
                    form: form.to_string(),
                    fields,
                },
            )
            .await,
    )
}

/// The signed-in user's draft `id`.
#[cfg(feature = "ssr")]
fn find_draft(id: &str) -> Option<Draft> {
    let viewer = crate::service::current_viewer()?;
    leptos::prelude::use_context::<SharedDrafts>()?.find(viewer.user_id, id)
}

#[cfg(not(feature = "ssr"))]
fn find_draft(_id: &str) -> Option<Draft> {
    None
}

/// What the last plain form post left for the page, read from the query string (and the
/// typed text from the server's draft store).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormReturn {
    /// The form that was refused, with why.
    refused: Option<(String, Vec<FormError>)>,
    /// The form that went through.
    done: Option<String>,
    draft: Option<Draft>,
}

impl FormReturn {
    pub fn read(query: &ParamsMap) -> Self {
        Self::from_params(|k| query.get(k), find_draft)
    }

    fn from_params(param: impl Fn(&str) -> Option<String>, find: impl Fn(&str) -> Option<Draft>) -> Self {
        let done = param(FORM_DONE_PARAM);
        let Some(form) = param(FORM_FIELD_PARAM) else {
            return FormReturn {
                done,
                ..Default::default()
            };
        };
        // A draft that cannot be found (expired, unknown, someone else's): a stale or
        // foreign link; show the form empty and without the error.
        let draft = match param(FORM_DRAFT_PARAM) {
            None => None,
            Some(id) => match find(&id) {
                Some(d) if d.form == form => Some(d),
                _ => {
                    return FormReturn {
                        done,
                        ..Default::default()
                    };
                }
            },
        };
        let mut errors: Vec<FormError> = param(FORM_ERROR_PARAM)
            .unwrap_or_default()
            .split(',')
            .take(MAX_ERRORS)
            .map(FormError::from_code)
            .collect();
        errors.dedup();
        FormReturn {
            refused: Some((form, errors)),
            done,
            draft,
        }
    }

    /// Why `form` was refused (empty: it was not).
    pub fn errors(&self, form: &str) -> &[FormError] {
        match &self.refused {
            Some((f, errors)) if f == form => errors,
            _ => &[],
        }
    }

    /// Some form was refused: its name and why.
    pub fn refused(&self) -> Option<(&str, &[FormError])> {
        self.refused.as_ref().map(|(f, e)| (f.as_str(), e.as_slice()))
    }

    /// Whether `form` went through.
    pub fn done(&self, form: &str) -> bool {
        self.done.as_deref() == Some(form)
    }

    /// Some form went through.
    pub fn any_done(&self) -> bool {
        self.done.is_some()
    }

    /// What was typed into field `name` of `form` before it was refused, else empty.
    pub fn typed(&self, form: &str, name: &str) -> String {
        self.draft
            .as_ref()
            .filter(|d| d.form == form)
            .and_then(|d| d.fields.iter().find(|(k, _)| k == name))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{VendorFailure, validate_note};

    #[test]
    fn back_url_replaces_old_form_params() {
        let url = back_url(
            "http://127.0.0.1:3000/customers/wmA?tab=x&f_error=old&f_note=a&f_draft=d",
            &refusal_params("note", "note_too_long", Some("abc")),
        );
        assert_eq!(url, "/customers/wmA?tab=x&f_form=note&f_error=note_too_long&f_draft=abc");
        assert_eq!(back_url("/customers/wmA#writes", &[]), "/customers/wmA");
    }

    #[test]
    fn back_url_never_leaves_the_site() {
        for referer in [
            "http://127.0.0.1:3000//evil.example/x",
            "http://127.0.0.1:3000/\\evil.example/x",
            "//evil.example/x",
            "evil.example/x",
            "http://127.0.0.1:3000/%0d%0a/x\r\n",
        ] {
            let url = back_url(referer, &[("f_done", "note")]);
            assert!(
                url.starts_with('/') && !url.starts_with("//") && !url.contains('\\'),
                "{referer} → {url}"
            );
        }
        assert_eq!(back_url("http://h//evil.example/x?a=1", &[]), "/?a=1");
    }

    #[test]
    fn refusals_travel_as_codes_never_as_text() {
        let typed = "</textarea><meta http-equiv=\"refresh\" content=\"0;url=http://attacker/\">".repeat(30);
        let input = validate_note(&typed);
        let error = AppError::Invalid(Refused::Input { errors: input.clone() });
        let codes = join_codes(&form_errors(&error, &input));
        assert_eq!(codes, "note_too_long");
        let url = back_url("/customers/wmA", &refusal_params("note", &codes, Some("0123abcd")));
        assert!(
            !url.contains("attacker") && !url.contains("textarea") && !url.contains("%3C"),
            "{url}"
        );

        let taken = AppError::Invalid(Refused::UsernameTaken);
        assert_eq!(form_errors(&taken, &[]), vec![FormError::Refused(Refused::UsernameTaken)]);
        let lockout = AppError::Invalid(Refused::SelfLockout);
        assert_eq!(form_errors(&lockout, &[]), vec![FormError::Refused(Refused::SelfLockout)]);
        assert_eq!(
            form_errors(&AppError::Invalid(Refused::BadRequest), &[]),
            vec![FormError::Refused(Refused::BadRequest)]
        );
        // The refusal crosses to the browser as a code, never as a sentence.
        let json = serde_json::to_string(&taken).unwrap();
        assert_eq!(json, r#"{"error":"invalid","detail":{"code":"username_taken"}}"#);
        assert_eq!(
            form_errors(&AppError::Forbidden, &[]),
            vec![FormError::General(GeneralFormError::Forbidden)]
        );
        let failure = r#"{"vendor":"juzi","kind":"rate_limited","vendor_code":429,"vendor_message":"<script>"}"#;
        let throttled = AppError::Vendor(serde_json::from_str::<VendorFailure>(failure).unwrap());
        assert_eq!(join_codes(&form_errors(&throttled, &[])), "vendor_rate_limited");
    }

    #[test]
    fn every_code_reads_back_as_itself_and_no_two_errors_share_one() {
        use GeneralFormError as G;
        let all = [
            FormError::Input(InputError::RemarkTooLong { chars: 0 }),
            FormError::Input(InputError::DescriptionTooLong { chars: 0 }),
            FormError::Input(InputError::RemarkAndDescriptionEmpty),
            FormError::Input(InputError::NoteEmpty),
            FormError::Input(InputError::NoteTooLong { chars: 0 }),
            FormError::Refused(Refused::FormExpired),
            FormError::Refused(Refused::NotFailed),
            FormError::Refused(Refused::NoWriteTarget),
            FormError::Refused(Refused::UsernameInvalid),
            FormError::Refused(Refused::DisplayNameInvalid),
            FormError::Refused(Refused::PasswordInvalid),
            FormError::Refused(Refused::WecomIdInvalid),
            FormError::Refused(Refused::UsernameTaken),
            FormError::Refused(Refused::SelfLockout),
            FormError::Refused(Refused::BadRequest),
            FormError::Refused(Refused::TooLarge),
        ]
        .into_iter()
        .chain(
            [
                G::Invalid,
                G::Unauthenticated,
                G::Forbidden,
                G::NotFound,
                G::VendorAuthRejected,
                G::VendorRateLimited,
            ]
            .into_iter()
            .chain([
                G::VendorNotFound,
                G::VendorInvalidInput,
                G::VendorUnavailable,
                G::VendorUnsupported,
                G::Internal,
                G::Unknown,
            ])
            .map(FormError::General),
        );
        let mut seen = std::collections::HashSet::new();
        for e in all {
            let code = e.code();
            assert!(seen.insert(code.clone()), "two errors share {code}");
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{code}");
            assert_eq!(FormError::from_code(&code), e, "{code}");
        }
        assert_eq!(seen.len(), 28);
        // A count does not travel; a refusal of the input as a whole is not a code of its own.
        assert_eq!(FormError::Input(InputError::NoteTooLong { chars: 1200 }).code(), "note_too_long");
        for code in ["input", "", "note_too_long\"", "{}", "unknown_code"] {
            assert_eq!(FormError::from_code(code), FormError::General(G::Unknown), "{code}");
        }
    }

    fn params(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| pairs.iter().find(|(p, _)| p == k).map(|(_, v)| v.clone())
    }

    fn kept(id: &str) -> Option<Draft> {
        (id == "mine").then(|| Draft {
            form: "note".into(),
            fields: vec![("text".into(), "跟进<b>".into())],
        })
    }

    #[test]
    fn a_page_reads_codes_and_its_own_drafts_only() {
        let r = FormReturn::from_params(
            params(&[("f_form", "note"), ("f_error", "note_too_long,<script>"), ("f_draft", "mine")]),
            kept,
        );
        assert_eq!(
            r.errors("note"),
            &[
                FormError::Input(InputError::NoteTooLong { chars: 0 }),
                FormError::General(GeneralFormError::Unknown)
            ]
        );
        assert!(r.errors("remark").is_empty());
        assert_eq!(r.typed("note", "text"), "跟进<b>");
        assert_eq!(r.typed("remark", "remark"), "");

        // Another user's, expired or unknown draft: an empty form and no error.
        for id in ["theirs", "", "../../etc"] {
            let r = FormReturn::from_params(params(&[("f_form", "note"), ("f_error", "note_too_long"), ("f_draft", id)]), kept);
            assert_eq!(r, FormReturn::default(), "{id}");
        }
        // A draft of another form is not used for this one.
        let r = FormReturn::from_params(params(&[("f_form", "remark"), ("f_error", "forbidden"), ("f_draft", "mine")]), kept);
        assert_eq!(r, FormReturn::default());

        // Success, and at most a few codes read.
        let r = FormReturn::from_params(params(&[("f_done", "note")]), kept);
        assert!(r.done("note") && !r.done("remark") && r.refused().is_none());
        let r = FormReturn::from_params(params(&[("f_form", "note"), ("f_error", "a,b,c,d,e,f,g")]), kept);
        assert_eq!(r.errors("note"), &[FormError::General(GeneralFormError::Unknown)]);
    }
}
