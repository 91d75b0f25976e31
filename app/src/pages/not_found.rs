use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::i18n::*;

/// Shown for any unknown address; answers 404 so links checkers and proxies see it too.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=tu_string!(i18n, common.not_found_title) />
        <section data-testid="not-found" class="mx-auto max-w-lg rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm">
            <p class="text-5xl font-semibold text-brand-600">"404"</p>
            <h1 class="mt-3 text-xl font-semibold">{tu_string!(i18n, common.not_found_title)}</h1>
            <p class="mt-2 text-slate-600">{tu_string!(i18n, common.not_found_body)}</p>
            <A href="/" attr:class="mt-6 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
                {tu_string!(i18n, common.back_home)}
            </A>
        </section>
    }
}
