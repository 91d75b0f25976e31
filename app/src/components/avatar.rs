use leptos::prelude::*;

use crate::csp::AVATAR_HOST_SUFFIXES;

/// The URL to load a vendor-supplied avatar from, or `None` to show the initial instead.
/// The URL is the vendor's word, and vendors copy it from WeChat, where the customer chose
/// much of what surrounds it: an image from any other host would tell that host which rep
/// opened the customer, and when. So only the avatar CDNs are loaded, always over https
/// (both serve it; plain http would be mixed content behind a TLS proxy).
pub fn avatar_src(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && AVATAR_HOST_SUFFIXES
            .iter()
            .any(|suffix| host.len() > suffix.len() && host.ends_with(suffix));
    let path_ok = rest[host_end..]
        .chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '<' | '>' | '\\'));
    (host_ok && path_ok).then(|| format!("https://{rest}"))
}

/// The customer's WeChat avatar, or their first character on a tinted disc. Fixed size, so
/// nothing moves when the image arrives.
#[component]
pub fn Avatar(url: Option<String>, name: String, #[prop(default = "h-10 w-10 text-base")] size: &'static str) -> impl IntoView {
    let initial = name.chars().next().map(|c| c.to_string()).unwrap_or_else(|| "?".into());
    match url.as_deref().and_then(avatar_src) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_wechat_and_wecom_avatar_hosts_load_over_https() {
        assert_eq!(
            avatar_src("http://wx.qlogo.cn/mmhead/abc/0").as_deref(),
            Some("https://wx.qlogo.cn/mmhead/abc/0")
        );
        assert_eq!(
            avatar_src("https://wework.qpic.cn/wwhead/x/0").as_deref(),
            Some("https://wework.qpic.cn/wwhead/x/0")
        );
        for refused in [
            "http://127.0.0.9/leak.png",
            "https://qlogo.cn.attacker.example/x",
            "https://attacker.example/?.qlogo.cn",
            "https://user@wx.qlogo.cn/x",
            "https://wx.qlogo.cn:8443/x",
            "javascript:alert(1)",
            "//wx.qlogo.cn/x",
            "https://wx.qlogo.cn/x\" onerror=\"alert(1)",
            "https://.qlogo.cn/x",
            "",
        ] {
            assert_eq!(avatar_src(refused), None, "{refused}");
        }
    }
}
