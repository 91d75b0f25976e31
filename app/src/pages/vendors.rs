use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::get_vendor_statuses;
use crate::components::vendor_badge::VendorModeBadge;
use crate::domain::{VendorMode, VendorStatus};
use crate::i18n::*;
use crate::pages::guard::ErrorPage;

/// `/vendors`: how each vendor is wired up. Shows base URLs and public app ids, never secrets.
#[component]
pub fn VendorsPage() -> impl IntoView {
    let i18n = use_i18n();
    let statuses = Resource::new(|| (), |_| get_vendor_statuses());
    view! {
        <Title text=move || t_string!(i18n, vendors.vendors_title).to_string() />
        <h1 class="text-2xl font-semibold">{t!(i18n, vendors.vendors_title)}</h1>
        <p class="mt-1 max-w-3xl text-slate-600">{t!(i18n, vendors.vendors_intro)}</p>
        <Suspense fallback=move || view! { <p class="mt-6 text-slate-500">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match statuses.await {
                    Ok(list) => view! {
                        <ul class="mt-6 grid gap-4 md:grid-cols-3" data-testid="vendor-list">
                            {list.into_iter().map(|status| view! { <VendorCard status /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    // Admins only: others get the 403 card (and status).
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn VendorCard(status: VendorStatus) -> impl IntoView {
    let i18n = use_i18n();
    let vendor = status.vendor;
    let name = move || match i18n.get_locale() {
        Locale::zh => vendor.name_zh(),
        Locale::en => vendor.name_en(),
    };
    let configured = status.mode != VendorMode::NotConfigured;
    view! {
        <li data-vendor=vendor.slug() class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <div class="flex items-center justify-between gap-2">
                <h2 class="text-lg font-semibold">{name}</h2>
                <VendorModeBadge mode=status.mode />
            </div>
            {if configured {
                view! {
                    <dl class="mt-4 space-y-2 text-sm">
                        <div>
                            <dt class="text-slate-500">{t!(i18n, vendors.vendor_col_endpoint)}</dt>
                            <dd class="break-all font-mono text-xs text-slate-800">{status.base_url.clone().unwrap_or_default()}</dd>
                        </div>
                        {status.public_app_id.clone().map(|id| view! {
                            <div>
                                <dt class="text-slate-500">{t!(i18n, vendors.vendor_col_account)}</dt>
                                <dd class="break-all font-mono text-xs text-slate-800">{id}</dd>
                            </div>
                        })}
                    </dl>
                }.into_any()
            } else {
                view! { <p class="mt-4 text-sm text-slate-500">{t!(i18n, vendors.vendor_not_configured_hint)}</p> }.into_any()
            }}
        </li>
    }
}
