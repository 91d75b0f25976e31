use leptos::prelude::*;

use crate::domain::VendorMode;
use crate::i18n::*;

/// The coloured status pill for a vendor's configuration.
#[component]
pub fn VendorModeBadge(mode: VendorMode) -> impl IntoView {
    let i18n = use_i18n();
    let (class, label) = match mode {
        VendorMode::Live => (
            "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
            tu_string!(i18n, vendors.vendor_mode_live),
        ),
        VendorMode::Demo => (
            "bg-amber-50 text-amber-800 ring-amber-600/20",
            tu_string!(i18n, vendors.vendor_mode_demo),
        ),
        VendorMode::NotConfigured => (
            "bg-slate-100 text-slate-600 ring-slate-500/20",
            tu_string!(i18n, vendors.vendor_mode_not_configured),
        ),
    };
    view! {
        <span data-mode=format!("{mode:?}") class=format!("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset {class}")>
            {label}
        </span>
    }
}
