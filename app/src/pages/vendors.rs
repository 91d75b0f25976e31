use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::get_vendor_statuses;
use crate::components::error_words::vendor_failure_text;
use crate::components::vendor_badge::VendorModeBadge;
use crate::domain::{EndpointStatus, VendorCallStats, VendorMode, VendorStatus};
use crate::i18n::*;
use crate::pages::guard::ErrorPage;

/// `/vendors`: how each vendor is wired up. Shows base URLs and public app ids, never secrets.
#[component]
pub fn VendorsPage() -> impl IntoView {
    let i18n = use_i18n();
    let statuses = crate::codec::resource(|| (), |_| get_vendor_statuses());
    view! {
        <Title text=tu_string!(i18n, vendors.vendors_title) />
        <h1 class="text-2xl font-semibold">{tu_string!(i18n, vendors.vendors_title)}</h1>
        <p class="mt-1 max-w-3xl text-slate-600">{tu_string!(i18n, vendors.vendors_intro)}</p>
        <Suspense fallback=move || view! { <p class="mt-6 text-slate-500">{tu_string!(i18n, common.loading)}</p> }>
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
    let name = match i18n.get_locale_untracked() {
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
                            <dt class="text-slate-500">{tu_string!(i18n, vendors.vendor_col_endpoint)}</dt>
                            <dd class="break-all font-mono text-xs text-slate-800">{status.base_url.clone().unwrap_or_default()}</dd>
                        </div>
                        {status.public_app_id.clone().map(|id| view! {
                            <div>
                                <dt class="text-slate-500">{tu_string!(i18n, vendors.vendor_col_account)}</dt>
                                <dd class="break-all font-mono text-xs text-slate-800">{id}</dd>
                            </div>
                        })}
                    </dl>
                    {status.stats.clone().map(|stats| view! { <CallStatsView stats /> })}
                }.into_any()
            } else {
                view! { <p class="mt-4 text-sm text-slate-500">{tu_string!(i18n, vendors.vendor_not_configured_hint)}</p> }.into_any()
            }}
        </li>
    }
}

/// Errors per hundred calls, one decimal ("2.5%"); `None` before the first call.
pub fn error_rate(stats: &VendorCallStats) -> Option<String> {
    (stats.calls > 0).then(|| format!("{:.1}%", stats.errors as f64 * 100.0 / stats.calls as f64))
}

/// The vendor's recent calls from `VendorCallStats`: count, error rate, p50/p95 latency and
/// the last error, so an operator sees which vendor is slow or failing without the logs.
#[component]
fn CallStatsView(stats: VendorCallStats) -> impl IntoView {
    let i18n = use_i18n();
    if stats.calls == 0 {
        return view! { <p class="mt-4 text-sm text-slate-500" data-testid="vendor-stats">{tu_string!(i18n, vendors.vendor_stats_none)}</p> }.into_any();
    }
    let ms = |v: Option<u64>| v.map(|ms| ms.to_string()).unwrap_or_else(|| "–".into());
    let (p50, p95) = (ms(stats.p50_ms), ms(stats.p95_ms));
    let rate = error_rate(&stats).unwrap_or_default();
    let failing = stats.errors > 0;
    let last_error = stats.last_error.clone();
    let endpoints = stats.endpoints.clone();
    view! {
        <div class="mt-4 border-t border-slate-100 pt-3 text-sm" data-testid="vendor-stats">
            <h3 class="font-medium text-slate-700">{tu_string!(i18n, vendors.vendor_stats_title)}</h3>
            <dl class="mt-2 grid grid-cols-2 gap-x-3 gap-y-1">
                <dt class="text-slate-500">{tu_string!(i18n, vendors.vendor_stats_calls)}</dt>
                <dd class="tabular-nums text-slate-800">{stats.calls}</dd>
                <dt class="text-slate-500">{tu_string!(i18n, vendors.vendor_stats_error_rate)}</dt>
                <dd class="tabular-nums" class:text-red-700=failing class:text-slate-800=!failing data-testid="vendor-error-rate">{rate}</dd>
                <dt class="text-slate-500">{tu_string!(i18n, vendors.vendor_stats_latency)}</dt>
                <dd class="tabular-nums text-slate-800" data-testid="vendor-latency">
                    {tu_string!(i18n, vendors.vendor_stats_ms, ms = format!("{p50} / {p95}"))}
                </dd>
            </dl>
            <p class="mt-2 text-slate-500">{tu_string!(i18n, vendors.vendor_stats_last_error)}</p>
            {match last_error {
                Some(e) => {
                    let message = vendor_failure_text(i18n, &e);
                    view! { <p class="mt-1 break-words text-red-700" data-testid="vendor-last-error">{message}</p> }.into_any()
                }
                None => view! { <p class="mt-1 text-slate-600">{tu_string!(i18n, vendors.vendor_stats_no_error)}</p> }.into_any(),
            }}
            <EndpointList endpoints />
        </div>
    }
    .into_any()
}

/// Each endpoint the adapter uses, documented (the backbone) or optional (one feature each),
/// and how its last call went: an optional endpoint the vendor does not offer says which
/// feature is unavailable.
#[component]
fn EndpointList(endpoints: Vec<EndpointStatus>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let rows = endpoints
        .into_iter()
        .map(|e| {
            let feature = match locale {
                Locale::zh => e.feature.name_zh(),
                Locale::en => e.feature.name_en(),
            };
            let role = if e.documented {
                tu_string!(i18n, vendors.endpoint_documented)
            } else {
                tu_string!(i18n, vendors.endpoint_optional)
            };
            let (state, class) = if e.missing() {
                (
                    tu_string!(i18n, vendors.endpoint_missing, feature = feature).to_string(),
                    "text-amber-700",
                )
            } else if e.last_error.is_some() {
                (tu_string!(i18n, vendors.endpoint_failing).to_string(), "text-red-700")
            } else if e.calls == 0 {
                (tu_string!(i18n, vendors.endpoint_unused).to_string(), "text-slate-400")
            } else {
                (tu_string!(i18n, vendors.endpoint_ok).to_string(), "text-emerald-700")
            };
            view! {
                <li class="py-1" data-testid="vendor-endpoint" data-path=e.path.clone() data-missing=e.missing().to_string()>
                    <span class="font-mono text-xs text-slate-800">{e.method.clone()}" "{e.path.clone()}</span>
                    <span class="ml-1 text-xs text-slate-500">{feature}" · "{role}</span>
                    <span class=format!("block text-xs {class}")>{state}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <h3 class="mt-3 font-medium text-slate-700">{tu_string!(i18n, vendors.endpoints_title)}</h3>
        <ul class="mt-1 divide-y divide-slate-100" data-testid="vendor-endpoints">{rows}</ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_rate_is_per_hundred_calls() {
        let mut stats = VendorCallStats {
            calls: 40,
            errors: 1,
            ..Default::default()
        };
        assert_eq!(error_rate(&stats).as_deref(), Some("2.5%"));
        stats.calls = 0;
        stats.errors = 0;
        assert_eq!(error_rate(&stats), None);
    }
}
