//! Above the 360° page: previous / next within the list the rep opened the customer from,
//! the way back to that list, and the timeline's CSV export. The list travels in `?from=`
//! (its filter and search); it is only used as a query, read back through
//! `parse_list_query`, and never shown. Plain links, so it all works with JavaScript off;
//! once hydrated, `j` / `k` follow next / previous.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::customer_neighbours;
use crate::codec::resource;
use crate::components::shortcuts::Shortcuts;
use crate::domain::{
    CustomerQuery, FROM_PARAM, Neighbours, detail_href, list_href, list_query_string, parse_list_query, timeline_export_path,
};
use crate::i18n::*;

const LINK: &str = "inline-flex max-w-[14rem] items-center gap-1 truncate rounded-md border border-slate-300 bg-white px-2.5 py-1 text-slate-700 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500";

#[component]
pub fn DetailNav() -> impl IntoView {
    let i18n = use_i18n();
    let key = use_params_map().read_untracked().get("key").unwrap_or_default();
    let list: Option<CustomerQuery> = use_query_map().read_untracked().get(FROM_PARAM).map(|f| parse_list_query(&f));
    let source = (key.clone(), list.as_ref().map(list_query_string));
    let neighbours = resource(
        move || source.clone(),
        |(key, from)| async move {
            match from {
                Some(from) => customer_neighbours(key, from).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <nav aria-label=tu_string!(i18n, lists.nav_label) data-testid="detail-nav" class="mt-2 flex flex-wrap items-center justify-between gap-2 text-sm">
            <div class="flex flex-wrap items-center gap-2">
                <Suspense fallback=|| ()>
                    {move || {
                        let list = list.clone();
                        Suspend::new(async move {
                            let found = neighbours.await.ok().flatten();
                            found.zip(list).map(|(neighbours, list)| view! { <Steps neighbours list /> })
                        })
                    }}
                </Suspense>
            </div>
            <a href=timeline_export_path(&key) data-testid="export-timeline" class="text-brand-700 hover:underline">{tu_string!(i18n, lists.export_timeline)}</a>
        </nav>
        <Shortcuts />
    }
}

/// Back to the list, previous, where we are, next.
#[component]
fn Steps(neighbours: Neighbours, list: CustomerQuery) -> impl IntoView {
    let i18n = use_i18n();
    let back = view! { <a href=list_href(&list) data-testid="nav-back" class="text-brand-700 hover:underline">"← "{tu_string!(i18n, lists.nav_back)}</a> };
    let Some(position) = neighbours.position else {
        return view! { {back} <span class="text-slate-500" data-testid="nav-not-in-list">{tu_string!(i18n, lists.nav_not_in_list)}</span> }.into_any();
    };
    let step = |to: Option<crate::domain::ListNeighbour>, shortcut: &'static str, label: &'static str| {
        to.map(|n| {
            let name = n.name.clone().unwrap_or_else(|| n.key.clone());
            let text = if shortcut == "prev" { format!("← {label} · {name}") } else { format!("{label} · {name} →") };
            view! { <a href=detail_href(&n.key, &list) rel=shortcut data-shortcut=shortcut data-testid=format!("nav-{shortcut}") title=name class=LINK>{text}</a> }
        })
    };
    view! {
        {back}
        {step(neighbours.prev.clone(), "prev", tu_string!(i18n, lists.nav_prev))}
        <span class="text-slate-500" data-testid="nav-position">{tu_string!(i18n, lists.nav_position, position = position, total = neighbours.total).to_string()}</span>
        {step(neighbours.next.clone(), "next", tu_string!(i18n, lists.nav_next))}
    }
    .into_any()
}
