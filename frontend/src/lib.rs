//! The WebAssembly entry point. cargo-leptos builds this crate with `--features hydrate`.
//! SalesDesk runs in islands mode: pages are rendered on the server only, and the generated
//! JS calls `hydrate()` and then hydrates each `#[island]` (the `app` crate exports one
//! function per island, which is why `app` must be linked here).

#[cfg(feature = "hydrate")]
#[allow(unused_imports, clippy::single_component_path_imports)]
use app;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // The islands script hydrates every island right after this returns (in microtasks of the
    // same task); a zero timeout runs after all of them. End-to-end tests wait for this mark.
    leptos::prelude::set_timeout(
        || {
            if let Some(root) = leptos::prelude::document().document_element() {
                let _ = root.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
