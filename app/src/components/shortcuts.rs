//! Keyboard shortcuts on the customer list and the 360° page, once hydrated: `j` / `k` move
//! to the next / previous row of the list (focusing its link; Enter opens it) or follow the
//! 360° page's next / previous link, and `/` focuses the search box. Keys typed into a field,
//! or pressed with Ctrl, Alt or Meta, are left alone. Without JavaScript the same links and
//! the search box are there to use as usual.
//!
//! An island without props or markup of its own: it only listens, and finds its targets in
//! the server-rendered page.

use leptos::prelude::*;

/// The list's search box.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const SEARCH_BOX: &str = "input[type=search][name=q]";
/// A row of the customer list.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const LIST_ROW: &str = "ul[data-testid=customer-list] > li";
/// The 360° page's links to the next and previous customer of the list.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const NEXT_LINK: &str = "a[data-shortcut=next]";
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const PREV_LINK: &str = "a[data-shortcut=prev]";

#[island]
pub fn Shortcuts() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        // Listens for the page's lifetime: islands are never unmounted.
        let _ = window_event_listener(leptos::ev::keydown, keys::on_key);
    }
}

#[cfg(feature = "hydrate")]
mod keys {
    use leptos::prelude::document;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{Element, HtmlElement, KeyboardEvent};

    pub fn on_key(ev: KeyboardEvent) {
        if ev.ctrl_key() || ev.alt_key() || ev.meta_key() || ev.is_composing() || ev.default_prevented() || typing(&ev) {
            return;
        }
        let handled = match ev.key().as_str() {
            "/" => focus(super::SEARCH_BOX),
            "j" => follow(super::NEXT_LINK) || move_row(true),
            "k" => follow(super::PREV_LINK) || move_row(false),
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    }

    /// The key went to a field the rep is typing into.
    fn typing(ev: &KeyboardEvent) -> bool {
        let Some(el) = ev.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else {
            return false;
        };
        matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.is_content_editable()
    }

    fn html(el: Option<Element>) -> Option<HtmlElement> {
        el?.dyn_into::<HtmlElement>().ok()
    }

    fn first(selector: &str) -> Option<HtmlElement> {
        html(document().query_selector(selector).ok().flatten())
    }

    fn focus(selector: &str) -> bool {
        first(selector).is_some_and(|el| el.focus().is_ok())
    }

    fn follow(selector: &str) -> bool {
        first(selector).map(|el| el.click()).is_some()
    }

    /// Focuses the link of the row after (or before) the focused one; the first row when
    /// none is focused.
    fn move_row(down: bool) -> bool {
        let current = document()
            .active_element()
            .and_then(|el| el.closest(super::LIST_ROW).ok().flatten());
        let row = match current {
            Some(row) if down => row.next_element_sibling(),
            Some(row) => row.previous_element_sibling(),
            None => document().query_selector(super::LIST_ROW).ok().flatten(),
        };
        html(row.and_then(|r| r.query_selector("a").ok().flatten())).is_some_and(|link| link.focus().is_ok())
    }
}
