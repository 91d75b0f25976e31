//! The WebAssembly entry point. cargo-leptos builds this crate with `--features hydrate`;
//! the generated JS calls `hydrate()` once the server-rendered HTML has loaded.

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
