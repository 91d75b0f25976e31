use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::i18n::*;

/// `/`: where a rep lands; points to the work.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text="" />
        <section class="rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
            <h1 class="text-2xl font-semibold">{tu_string!(i18n, common.home_title)}</h1>
            <p class="mt-2 max-w-2xl text-slate-600">{tu_string!(i18n, common.home_body)}</p>
            <div class="mt-6 flex flex-wrap gap-3">
                <A href="/customers" attr:class="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700" attr:data-testid="home-customers">
                    {tu_string!(i18n, common.home_go_customers)}
                </A>
                <A href="/clues" attr:class="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
                    {tu_string!(i18n, common.home_go_clues)}
                </A>
            </div>
        </section>
    }
}
