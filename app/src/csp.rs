//! The Content-Security-Policy. Every server-rendered page gets a fresh nonce (Leptos makes
//! one per request; `HydrationScripts` and the resource scripts carry it) and a policy that
//! allows only scripts with that nonce or from this site, WebAssembly compilation, and
//! nothing framed. Responses that are not pages get `FALLBACK_POLICY` from the server.

/// Image hosts a customer's avatar may come from: WeChat's avatar CDN (`wx.qlogo.cn`,
/// `thirdwx.qlogo.cn`, …) and WeCom's (`wework.qpic.cn`, …). The avatar component loads
/// nothing else, and the page policy's `img-src` allows nothing else.
pub const AVATAR_HOST_SUFFIXES: [&str; 2] = [".qlogo.cn", ".qpic.cn"];

/// For everything that is not a rendered page (server-function replies, CSV, refusals).
pub const FALLBACK_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The policy of a rendered page. `reload_port`: cargo-leptos's live-reload websocket, in
/// development only.
pub fn page_policy(nonce: &str, reload_port: Option<u32>) -> String {
    let connect = match reload_port {
        Some(port) => format!("'self' ws://127.0.0.1:{port} ws://localhost:{port}"),
        None => "'self'".to_string(),
    };
    // img-src: this site and the avatar CDNs only (`components::avatar`), so a vendor string
    // that became an image tag could not reach any other host either.
    let avatars: String = AVATAR_HOST_SUFFIXES.iter().map(|suffix| format!(" https://*{suffix}")).collect();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:{avatars}; \
         connect-src {connect}; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sets the page's policy on the response. Called from `shell` while rendering on the
/// server; the nonce must be the one Leptos puts on its scripts, so it is read from context.
#[cfg(feature = "ssr")]
pub fn set_page_policy(options: &leptos::config::LeptosOptions) {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) else {
        return;
    };
    // Debug builds under `cargo leptos watch` only; release builds never allow it.
    let reload = (cfg!(debug_assertions) && options.env == leptos::config::Env::DEV).then_some(options.reload_port);
    if let Ok(value) = http::HeaderValue::from_str(&page_policy(&nonce, reload)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(not(feature = "ssr"))]
pub fn set_page_policy(_options: &leptos::config::LeptosOptions) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_policy_pins_scripts_to_the_nonce() {
        let p = page_policy("abc123", None);
        assert!(p.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"), "{p}");
        assert!(
            p.contains("frame-ancestors 'none'") && !p.contains("unsafe-inline") && !p.contains("'unsafe-eval'"),
            "{p}"
        );
        assert!(page_policy("n", Some(3001)).contains("ws://127.0.0.1:3001"));
        assert!(
            p.contains("img-src 'self' data: https://*.qlogo.cn https://*.qpic.cn;") && !p.contains(" http:"),
            "{p}"
        );
        assert!(FALLBACK_POLICY.contains("frame-ancestors 'none'") && FALLBACK_POLICY.starts_with("default-src 'none'"));
    }
}
