use leptos::prelude::*;

/// The customer's WeChat avatar, or their first character on a tinted disc. Fixed size, so
/// nothing moves when the image arrives.
#[component]
pub fn Avatar(url: Option<String>, name: String, #[prop(default = "h-10 w-10 text-base")] size: &'static str) -> impl IntoView {
    let initial = name.chars().next().map(|c| c.to_string()).unwrap_or_else(|| "?".into());
    match url.filter(|u| u.starts_with("http://") || u.starts_with("https://")) {
        Some(url) => view! {
            <img src=url alt="" loading="lazy" referrerpolicy="no-referrer" class=format!("{size} shrink-0 rounded-full bg-slate-200 object-cover") />
        }
        .into_any(),
        None => view! {
            <span aria-hidden="true" class=format!("{size} grid shrink-0 place-items-center rounded-full bg-brand-100 font-medium text-brand-700")>{initial}</span>
        }
        .into_any(),
    }
}
