use leptos::prelude::*;

use crate::domain::VendorFailure;
use crate::error::AppError;
use crate::i18n::*;

/// A clear, styled explanation of an error in the reader's language. Never a raw error.
/// Vendor failures are listed one per vendor, each with whether retrying can help.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let failures: Vec<VendorFailure> = error.vendor_failures().to_vec();
    let body = if failures.is_empty() {
        let message = match locale {
            Locale::zh => error.message_zh(),
            Locale::en => error.message_en(),
        };
        view! { <p class="mt-1 break-words">{message}</p> }.into_any()
    } else {
        let items = failures
            .into_iter()
            .map(|f| {
                let message = match locale {
                    Locale::zh => f.message_zh(),
                    Locale::en => f.message_en(),
                };
                let hint = if f.kind.retry_may_help() {
                    tu_string!(i18n, common.vendor_retry_hint)
                } else {
                    tu_string!(i18n, common.vendor_no_retry_hint)
                };
                view! { <li data-testid="vendor-failure" data-vendor=f.vendor.slug() data-kind=f.kind.slug()>{message}" "<span class="text-red-700">{hint}</span></li> }
            })
            .collect_view();
        view! {
            <p class="mt-1">{tu_string!(i18n, common.vendors_unavailable)}</p>
            <ul class="mt-2 list-disc space-y-1 pl-5">{items}</ul>
        }
        .into_any()
    };
    view! {
        <div role="alert" data-testid="error-panel" class="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900">
            <p class="font-medium">{tu_string!(i18n, common.error_title)}</p>
            {body}
        </div>
    }
}
