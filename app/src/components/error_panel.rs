use leptos::prelude::*;

use crate::components::error_words::{app_error_text, vendor_failure_text};
use crate::domain::VendorFailure;
use crate::error::AppError;
use crate::i18n::*;

/// A clear, styled explanation of an error in the reader's language. Never a raw error.
/// Vendor failures are listed one per vendor, each with whether retrying can help.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let failures: Vec<VendorFailure> = error.vendor_failures().to_vec();
    let body = if failures.is_empty() {
        let message = app_error_text(i18n, &error);
        view! { <p class="mt-1 break-words">{message}</p> }.into_any()
    } else {
        let items = failures
            .into_iter()
            .map(|f| {
                let message = vendor_failure_text(i18n, &f);
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
