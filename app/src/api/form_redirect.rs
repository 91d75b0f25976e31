//! Plain (JavaScript-off) form posts to server functions are answered with a redirect to the
//! page they came from. On failure that redirect carries the error and what the rep typed,
//! so the page can show the message next to the field and refill the form.

/// Query parameters this module adds; pages read them and strip them from links.
pub const FORM_PARAM_PREFIX: &str = "f_";
pub const FORM_ERROR_PARAM: &str = "f_error";
pub const FORM_FIELD_PARAM: &str = "f_form";
pub const FORM_DONE_PARAM: &str = "f_done";

/// The path and query of `referer` with earlier form parameters removed, plus `extra`.
pub fn back_url(referer: &str, extra: &[(&str, &str)]) -> String {
    let without_origin = match referer.find("://") {
        Some(i) => referer[i + 3..].find('/').map(|j| &referer[i + 3 + j..]).unwrap_or("/"),
        None => referer,
    };
    let (path, query) = without_origin.split_once('?').unwrap_or((without_origin, ""));
    let path = path.split('#').next().unwrap_or("/");
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if !k.starts_with(FORM_PARAM_PREFIX) {
            out.append_pair(&k, &v);
        }
    }
    for (k, v) in extra {
        out.append_pair(k, v);
    }
    let query = out.finish();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

#[cfg(feature = "ssr")]
pub fn after_form_post<T>(form: &str, result: &Result<T, crate::error::AppError>, typed: &[(&str, &str)]) {
    use leptos::prelude::use_context;
    let Some(parts) = use_context::<http::request::Parts>() else {
        return;
    };
    let accepts_html = parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let Some(referer) = parts.headers.get(http::header::REFERER).and_then(|v| v.to_str().ok()) else {
        return;
    };
    if !accepts_html {
        return;
    }
    let url = match result {
        Ok(_) => back_url(referer, &[(FORM_DONE_PARAM, form)]),
        Err(e) => {
            let mut extra = vec![(FORM_FIELD_PARAM, form)];
            let message = e.message_zh();
            extra.push((FORM_ERROR_PARAM, message.as_str()));
            extra.extend_from_slice(typed);
            back_url(referer, &extra)
        }
    };
    leptos_axum::redirect(&url);
}

#[cfg(not(feature = "ssr"))]
pub fn after_form_post<T>(_form: &str, _result: &Result<T, crate::error::AppError>, _typed: &[(&str, &str)]) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_url_replaces_old_form_params() {
        let url = back_url(
            "http://127.0.0.1:3000/customers/wmA?tab=x&f_error=old&f_note=a",
            &[("f_error", "备注最多 20 个字"), ("f_note", "a&b")],
        );
        assert!(url.starts_with("/customers/wmA?tab=x&f_error="), "{url}");
        assert!(!url.contains("old"), "{url}");
        let parsed: Vec<(String, String)> = form_urlencoded::parse(url.split_once('?').unwrap().1.as_bytes())
            .into_owned()
            .collect();
        assert!(parsed.contains(&("f_note".into(), "a&b".into())));
        assert_eq!(back_url("/customers/wmA#writes", &[]), "/customers/wmA");
    }
}
