use leptos::prelude::*;

/// A friendly box for "nothing here", saying what to do next.
#[component]
pub fn EmptyState(title: &'static str, body: &'static str, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    view! {
        <div data-testid="empty-state" class="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
            <p class="text-base font-medium text-slate-800">{title}</p>
            <p class="mx-auto mt-1 max-w-md text-sm text-slate-500">{body}</p>
            {children.map(|c| view! { <div class="mt-4">{c()}</div> })}
        </div>
    }
}
