use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::detail_actions::Actions;
use super::detail_plan::FollowUpPlanSection;
use super::detail_profile::{Profile, VendorSections};
use super::detail_timeline::Timeline;
use crate::api::get_customer;
use crate::codec::resource;
use crate::components::time::ago_text;
use crate::i18n::*;
use crate::pages::guard::ErrorPage;

/// `/customers/{externalUserId}`: the 360° view, shareable as a link.
#[component]
pub fn CustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let key = Memo::new(move |_| params.read().get("key").unwrap_or_default());
    // Rendered on the server only: a remark, note or resend posts a plain form and the server
    // sends the rep back here, so new notes show in the timeline at once.
    let detail = resource(move || key.get(), get_customer);
    view! {
        <A href="/customers" attr:class="text-sm text-brand-700 hover:underline">"← "{tu_string!(i18n, customers.detail_back)}</A>
        <super::detail_nav::DetailNav />
        <Transition fallback=move || view! { <DetailSkeleton /> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => {
                        let title = d.customer.display_name().unwrap_or(&d.customer.key).to_string();
                        let now = d.generated_at;
                        view! {
                            <Title text=title />
                            {d.stale_since.map(|at| view! {
                                <div role="status" data-testid="stale-banner" class="mt-3 rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
                                    {tu_string!(i18n, customers.stale_banner, ago = ago_text(at, now))}
                                </div>
                            })}
                            <div class="mt-3 grid gap-6 lg:grid-cols-3">
                                <div class="space-y-6 lg:col-span-2">
                                    <Profile detail=d.clone() />
                                    <Timeline detail=d.clone() />
                                </div>
                                <div class="space-y-6">
                                    <FollowUpPlanSection detail=d.clone() />
                                    <Actions detail=d.clone() />
                                    <VendorSections detail=d />
                                </div>
                            </div>
                        }.into_any()
                    }
                    Err(error) => view! {
                        <ErrorPage
                            error
                            not_found=(tu_string!(i18n, customers.not_found_title), tu_string!(i18n, customers.not_found_body))
                            forbidden=(tu_string!(i18n, customers.forbidden_title), tu_string!(i18n, customers.forbidden_body))
                        />
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DetailSkeleton() -> impl IntoView {
    view! {
        <div class="mt-3 grid animate-pulse gap-6 lg:grid-cols-3" aria-hidden="true">
            <div class="space-y-6 lg:col-span-2">
                <div class="h-56 rounded-xl bg-slate-200/70"></div>
                <div class="h-96 rounded-xl bg-slate-200/70"></div>
            </div>
            <div class="space-y-6">
                <div class="h-72 rounded-xl bg-slate-200/70"></div>
            </div>
        </div>
    }
}
