//! Every error a page shows, worded in the reader's language from `locales/*/forms.json`.
//! Errors travel as codes (server function answers, form-post redirects); only here do they
//! become sentences, so the English UI is English everywhere and no request can make a page
//! show text of its choosing.

use serde::{Deserialize, Serialize};

use crate::api::form_redirect::{FormError, GeneralFormError};
use crate::domain::{
    DESCRIPTION_MAX_CHARS, DeliveryProblem, InputError, NOTE_MAX_CHARS, PLAN_MAX_CHARS, REMARK_MAX_CHARS, VendorErrorKind, VendorFailure,
    VendorId,
};
use crate::error::{AppError, Refused};
use crate::i18n::*;

type I18n = leptos_i18n::I18nContext<Locale>;

/// What the limits found, with the count when it is known (the form's live check).
pub fn input_error_text(i18n: I18n, error: &InputError) -> String {
    match *error {
        InputError::RemarkTooLong { chars: 0 } => tu_string!(i18n, forms.remark_too_long, max = REMARK_MAX_CHARS).to_string(),
        InputError::RemarkTooLong { chars } => {
            tu_string!(i18n, forms.remark_too_long_count, max = REMARK_MAX_CHARS, count = chars).to_string()
        }
        InputError::DescriptionTooLong { chars: 0 } => {
            tu_string!(i18n, forms.description_too_long, max = DESCRIPTION_MAX_CHARS).to_string()
        }
        InputError::DescriptionTooLong { chars } => {
            tu_string!(i18n, forms.description_too_long_count, max = DESCRIPTION_MAX_CHARS, count = chars).to_string()
        }
        InputError::RemarkAndDescriptionEmpty => tu_string!(i18n, forms.remark_and_description_empty).to_string(),
        InputError::NoteEmpty => tu_string!(i18n, forms.note_empty).to_string(),
        InputError::NoteTooLong { chars: 0 } => tu_string!(i18n, forms.note_too_long, max = NOTE_MAX_CHARS).to_string(),
        InputError::NoteTooLong { chars } => tu_string!(i18n, forms.note_too_long_count, max = NOTE_MAX_CHARS, count = chars).to_string(),
        InputError::PlanEmpty => tu_string!(i18n, today.plan_empty).to_string(),
        InputError::PlanTooLong { chars: 0 } => tu_string!(i18n, today.plan_too_long, max = PLAN_MAX_CHARS).to_string(),
        InputError::PlanTooLong { chars } => tu_string!(i18n, today.plan_too_long_count, max = PLAN_MAX_CHARS, count = chars).to_string(),
        InputError::DueInvalid => tu_string!(i18n, today.due_invalid).to_string(),
        InputError::DuePast => tu_string!(i18n, today.due_past).to_string(),
    }
}

/// Why SalesDesk refused what was sent.
pub fn refused_text(i18n: I18n, refused: &Refused) -> String {
    match refused {
        Refused::Input { errors } => errors.iter().map(|e| input_error_text(i18n, e)).collect::<Vec<_>>().join(" "),
        Refused::FormExpired => tu_string!(i18n, forms.form_expired).to_string(),
        Refused::NotFailed => tu_string!(i18n, forms.not_failed).to_string(),
        Refused::NoWriteTarget => tu_string!(i18n, forms.no_write_target).to_string(),
        Refused::NothingSelected => tu_string!(i18n, bulk.nothing_selected).to_string(),
        Refused::TooManySelected => tu_string!(i18n, bulk.too_many_selected, max = crate::domain::BULK_MAX_CUSTOMERS).to_string(),
        Refused::UsernameInvalid => tu_string!(i18n, forms.username_invalid).to_string(),
        Refused::DisplayNameInvalid => tu_string!(i18n, forms.display_name_invalid).to_string(),
        Refused::PasswordInvalid => tu_string!(i18n, forms.password_invalid).to_string(),
        Refused::WecomIdInvalid => tu_string!(i18n, forms.wecom_id_invalid).to_string(),
        Refused::UsernameTaken => tu_string!(i18n, forms.username_taken).to_string(),
        Refused::SelfLockout => tu_string!(i18n, forms.self_lockout).to_string(),
        Refused::BadRequest => tu_string!(i18n, forms.bad_request).to_string(),
        Refused::TooLarge => tu_string!(i18n, forms.too_large).to_string(),
        Refused::ViewNameInvalid => tu_string!(i18n, lists.view_name_invalid, max = crate::domain::VIEW_NAME_MAX_CHARS).to_string(),
        Refused::ViewNameTaken => tu_string!(i18n, lists.view_name_taken).to_string(),
        Refused::ViewSharingNotAllowed => tu_string!(i18n, lists.view_sharing_not_allowed).to_string(),
        Refused::TooManyViews => tu_string!(i18n, lists.too_many_views, max = crate::domain::MAX_VIEWS_PER_USER).to_string(),
    }
}

/// A vendor's failure: which vendor, what went wrong, the vendor's own words where they
/// explain a refusal, and its error code.
pub fn vendor_failure_text(i18n: I18n, failure: &VendorFailure) -> String {
    vendor_failure_words(i18n.get_locale_untracked(), failure)
}

/// [`vendor_failure_text`] for a given locale (no reactive context needed).
pub fn vendor_failure_words(locale: Locale, failure: &VendorFailure) -> String {
    let who = crate::components::vendor_chip::vendor_name(locale, failure.vendor);
    let code = failure
        .vendor_code
        .map(|code| td_string!(locale, common.failure_code, code = code).to_string())
        .unwrap_or_default();
    let said = failure.vendor_message.as_deref().filter(|m| !m.is_empty());
    let words = match failure.kind {
        VendorErrorKind::AuthRejected => td_string!(locale, common.failure_auth_rejected, who = who, code = code),
        VendorErrorKind::RateLimited => td_string!(locale, common.failure_rate_limited, who = who, code = code),
        VendorErrorKind::NotFound => td_string!(locale, common.failure_not_found, who = who, code = code),
        VendorErrorKind::InvalidInput => match said {
            Some(said) => td_string!(locale, common.failure_invalid_input_said, who = who, said = said, code = code),
            None => td_string!(locale, common.failure_invalid_input, who = who, code = code),
        },
        VendorErrorKind::Upstream => td_string!(locale, common.failure_upstream, who = who, code = code),
        VendorErrorKind::Timeout => td_string!(locale, common.failure_timeout, who = who, code = code),
        VendorErrorKind::Transport => td_string!(locale, common.failure_transport, who = who, code = code),
        VendorErrorKind::Undecodable => td_string!(locale, common.failure_undecodable, who = who, code = code),
        VendorErrorKind::Unsupported => td_string!(locale, common.failure_unsupported, who = who, code = code),
        VendorErrorKind::EndpointMissing => match failure.feature {
            Some(feature) => {
                let feature = match locale {
                    Locale::zh => feature.name_zh(),
                    Locale::en => feature.name_en(),
                };
                td_string!(
                    locale,
                    common.failure_endpoint_missing_feature,
                    who = who,
                    feature = feature,
                    code = code
                )
            }
            None => td_string!(locale, common.failure_endpoint_missing, who = who, code = code),
        },
    };
    words.to_string()
}

/// Why a write has not reached `vendor`.
pub fn delivery_problem_text(i18n: I18n, vendor: VendorId, problem: &DeliveryProblem) -> String {
    let name = crate::components::vendor_chip::vendor_name(i18n.get_locale_untracked(), vendor);
    match problem {
        DeliveryProblem::VendorNotConfigured => tu_string!(i18n, customers.problem_vendor_not_configured, vendor = name).to_string(),
        DeliveryProblem::Vendor { failure } => vendor_failure_text(i18n, failure),
        DeliveryProblem::RetriesExhausted { failure } => tu_string!(
            i18n,
            customers.problem_retries_exhausted,
            reason = vendor_failure_text(i18n, failure)
        )
        .to_string(),
        DeliveryProblem::Unverifiable => tu_string!(i18n, customers.problem_unverifiable, vendor = name).to_string(),
        DeliveryProblem::Unrecorded => tu_string!(i18n, customers.problem_unrecorded).to_string(),
    }
}

/// Any error a server function answered with.
pub fn app_error_text(i18n: I18n, error: &AppError) -> String {
    match error {
        AppError::Unauthenticated => tu_string!(i18n, forms.unauthenticated).to_string(),
        AppError::Forbidden => tu_string!(i18n, forms.forbidden).to_string(),
        AppError::NotFound => tu_string!(i18n, forms.not_found).to_string(),
        AppError::Invalid(refused) => refused_text(i18n, refused),
        AppError::Vendor(f) => vendor_failure_text(i18n, f),
        AppError::Vendors(fs) => fs.iter().map(|f| vendor_failure_text(i18n, f)).collect::<Vec<_>>().join(" "),
        AppError::Internal { request_id: Some(id) } => tu_string!(i18n, forms.internal_with_id, id = id).to_string(),
        AppError::Internal { request_id: None } => tu_string!(i18n, forms.internal).to_string(),
        AppError::Transport(_) => tu_string!(i18n, forms.transport).to_string(),
    }
}

/// What a refused form post's code says.
pub fn form_error_text(i18n: I18n, error: &FormError) -> String {
    match error {
        FormError::Input(e) => input_error_text(i18n, e),
        FormError::Refused(r) => refused_text(i18n, r),
        FormError::General(g) => match g {
            GeneralFormError::Invalid => tu_string!(i18n, forms.invalid).to_string(),
            GeneralFormError::Unauthenticated => tu_string!(i18n, forms.unauthenticated).to_string(),
            GeneralFormError::Forbidden => tu_string!(i18n, forms.forbidden).to_string(),
            GeneralFormError::NotFound => tu_string!(i18n, forms.not_found).to_string(),
            GeneralFormError::VendorAuthRejected => tu_string!(i18n, forms.vendor_auth_rejected).to_string(),
            GeneralFormError::VendorRateLimited => tu_string!(i18n, forms.vendor_rate_limited).to_string(),
            GeneralFormError::VendorNotFound => tu_string!(i18n, forms.vendor_not_found).to_string(),
            GeneralFormError::VendorInvalidInput => tu_string!(i18n, forms.vendor_invalid_input).to_string(),
            GeneralFormError::VendorUnavailable => tu_string!(i18n, forms.vendor_unavailable).to_string(),
            GeneralFormError::VendorUnsupported => tu_string!(i18n, forms.vendor_unsupported).to_string(),
            GeneralFormError::Internal => tu_string!(i18n, forms.internal).to_string(),
            GeneralFormError::Unknown => tu_string!(i18n, forms.unknown).to_string(),
        },
    }
}

/// Every error's sentence, one after another.
pub fn form_errors_text(i18n: I18n, errors: &[FormError]) -> Option<String> {
    (!errors.is_empty()).then(|| errors.iter().map(|e| form_error_text(i18n, e)).collect::<Vec<_>>().join(" "))
}

/// The limits' sentences for a form island, worded by the server: islands carry no
/// translations, so each is a template with `{count}` left in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputWords {
    remark_too_long: String,
    description_too_long: String,
    remark_and_description_empty: String,
    note_empty: String,
    note_too_long: String,
    plan_empty: String,
    plan_too_long: String,
    due_invalid: String,
    due_past: String,
}

impl InputWords {
    pub fn new(i18n: I18n) -> Self {
        let count = "{count}";
        InputWords {
            remark_too_long: tu_string!(i18n, forms.remark_too_long_count, max = REMARK_MAX_CHARS, count = count).to_string(),
            description_too_long: tu_string!(i18n, forms.description_too_long_count, max = DESCRIPTION_MAX_CHARS, count = count)
                .to_string(),
            remark_and_description_empty: tu_string!(i18n, forms.remark_and_description_empty).to_string(),
            note_empty: tu_string!(i18n, forms.note_empty).to_string(),
            note_too_long: tu_string!(i18n, forms.note_too_long_count, max = NOTE_MAX_CHARS, count = count).to_string(),
            plan_empty: tu_string!(i18n, today.plan_empty).to_string(),
            plan_too_long: tu_string!(i18n, today.plan_too_long_count, max = PLAN_MAX_CHARS, count = count).to_string(),
            due_invalid: tu_string!(i18n, today.due_invalid).to_string(),
            due_past: tu_string!(i18n, today.due_past).to_string(),
        }
    }

    /// `error` in words (runs in the browser).
    pub fn word(&self, error: &InputError) -> String {
        let with_count = |template: &str, chars: usize| template.replace("{count}", &chars.to_string());
        match *error {
            InputError::RemarkTooLong { chars } => with_count(&self.remark_too_long, chars),
            InputError::DescriptionTooLong { chars } => with_count(&self.description_too_long, chars),
            InputError::RemarkAndDescriptionEmpty => self.remark_and_description_empty.clone(),
            InputError::NoteEmpty => self.note_empty.clone(),
            InputError::NoteTooLong { chars } => with_count(&self.note_too_long, chars),
            InputError::PlanEmpty => self.plan_empty.clone(),
            InputError::PlanTooLong { chars } => with_count(&self.plan_too_long, chars),
            InputError::DueInvalid => self.due_invalid.clone(),
            InputError::DuePast => self.due_past.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::VendorFeature;

    fn failure(kind: VendorErrorKind) -> VendorFailure {
        VendorFailure {
            vendor: VendorId::Weiling,
            kind,
            vendor_code: Some(1009),
            vendor_message: None,
            feature: None,
        }
    }

    #[test]
    fn a_vendor_failure_names_the_vendor_and_its_code_in_each_language() {
        let m = vendor_failure_words(Locale::zh, &failure(VendorErrorKind::RateLimited));
        assert_eq!(m, "卫瓴调用过于频繁，已被限流，请稍后重试（错误码 1009）");
        let m = vendor_failure_words(Locale::en, &failure(VendorErrorKind::RateLimited));
        assert_eq!(m, "Weiling is rate-limiting us; try again shortly (code 1009)");
        let mut no_code = failure(VendorErrorKind::Timeout);
        no_code.vendor_code = None;
        assert_eq!(vendor_failure_words(Locale::zh, &no_code), "卫瓴响应超时，请稍后重试");
    }

    #[test]
    fn a_refusal_keeps_the_vendors_own_words() {
        let mut f = failure(VendorErrorKind::InvalidInput);
        f.vendor_message = Some("remark exceed the limit".into());
        assert!(vendor_failure_words(Locale::zh, &f).contains("拒绝了提交的内容：remark exceed the limit"));
        assert!(vendor_failure_words(Locale::en, &f).contains("refused the input: remark exceed the limit"));
    }

    #[test]
    fn a_missing_endpoint_names_the_feature_it_costs() {
        let mut f = failure(VendorErrorKind::EndpointMissing);
        f.vendor = VendorId::Tanma;
        f.vendor_code = Some(-1);
        f.feature = Some(VendorFeature::CustomerLookup);
        assert_eq!(
            vendor_failure_words(Locale::zh, &f),
            "探马未开放「客户查找」所需的接口，此部分暂不可用（错误码 -1）"
        );
        assert!(vendor_failure_words(Locale::en, &f).contains("customer lookup"));
    }

    #[test]
    fn every_kind_has_words_in_both_languages() {
        use VendorErrorKind as K;
        for kind in [
            K::AuthRejected,
            K::RateLimited,
            K::NotFound,
            K::InvalidInput,
            K::Upstream,
            K::Timeout,
        ]
        .into_iter()
        .chain([K::Transport, K::Undecodable, K::Unsupported, K::EndpointMissing])
        {
            let zh = vendor_failure_words(Locale::zh, &failure(kind));
            let en = vendor_failure_words(Locale::en, &failure(kind));
            assert!(zh.starts_with("卫瓴") && zh.ends_with("（错误码 1009）"), "{zh}");
            assert!(en.starts_with("Weiling ") && en.ends_with(" (code 1009)"), "{en}");
            assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{en}");
        }
    }
}
