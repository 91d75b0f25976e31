use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::*;

/// A clear, styled explanation of an error in the reader's language. Never a raw error.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let message = match i18n.get_locale_untracked() {
        Locale::zh => error.message_zh(),
        Locale::en => error.message_en(),
    };
    view! {
        <div role="alert" class="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900">
            <p class="font-medium">{tu_string!(i18n, common.error_title)}</p>
            <p class="mt-1 break-words">{message}</p>
        </div>
    }
}
