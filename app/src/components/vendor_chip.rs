use leptos::prelude::*;

use crate::domain::VendorId;
use crate::i18n::*;

pub fn vendor_name(locale: Locale, vendor: VendorId) -> &'static str {
    match locale {
        Locale::zh => vendor.name_zh(),
        Locale::en => vendor.name_en(),
    }
}

/// A small coloured label naming a vendor: shows where a value came from.
#[component]
pub fn VendorChip(vendor: VendorId) -> impl IntoView {
    let i18n = use_i18n();
    let class = match vendor {
        VendorId::Tanma => "bg-sky-50 text-sky-800 ring-sky-600/20",
        VendorId::Weiling => "bg-violet-50 text-violet-800 ring-violet-600/20",
        VendorId::Juzi => "bg-orange-50 text-orange-800 ring-orange-600/20",
    };
    view! {
        <span data-vendor-chip=vendor.slug() class=format!("inline-flex items-center whitespace-nowrap rounded px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset {class}")>
            {vendor_name(i18n.get_locale_untracked(), vendor)}
        </span>
    }
}

/// The chips for several vendors.
#[component]
pub fn VendorChips(vendors: Vec<VendorId>) -> impl IntoView {
    view! { <span class="inline-flex flex-wrap gap-1">{vendors.into_iter().map(|vendor| view! { <VendorChip vendor /> }).collect_view()}</span> }
}
