//! The CSV downloads as plain GET links, behind the same sign-in gate as pages:
//! `/export/customers.csv?<list filter>&col=…` (the customer list as the viewer's list shows
//! it, streamed) and `/export/customers/{key}/timeline.csv` (one customer's merged timeline).

use app::domain::{CUSTOMERS_EXPORT_PATH, EXPORT_COLUMN_PARAM, Viewer, export_columns, parse_list_query};
use app::error::AppError;
use app::i18n::Locale;
use app::words::{ExportFile, export_file_word, export_refusal_words};
use axum::Extension;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderMap, HeaderValue, StatusCode, header};

use super::WebState;
use super::locale::LOCALE_COOKIE;
use crate::services::export;
use crate::spreadsheet::{attachment, beijing_date};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route(CUSTOMERS_EXPORT_PATH, get(customers_csv))
        .route("/export/customers/{key}/timeline.csv", get(timeline_csv))
}

/// The reader's language: the locale cookie the language switch sets, else Chinese.
fn reader_locale(headers: &HeaderMap) -> Locale {
    match crate::auth::cookie_value(headers, LOCALE_COOKIE).as_deref() {
        Some("en") => Locale::en,
        _ => Locale::zh,
    }
}

async fn customers_csv(
    State(state): State<WebState>,
    viewer: Option<Extension<Viewer>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let locale = reader_locale(&headers);
    let Some(Extension(viewer)) = viewer else {
        return refusal(locale, &AppError::Unauthenticated);
    };
    let raw = raw.unwrap_or_default();
    let query = parse_list_query(&raw);
    let columns = export_columns(
        form_urlencoded_pairs(&raw)
            .filter(|(k, _)| k == EXPORT_COLUMN_PARAM)
            .map(|(_, v)| v),
    );
    match export::customer_list(&state.backend, &viewer, &query, columns, locale).await {
        Ok(list) => {
            tracing::info!(user = %viewer.username, rows = list.rows, "customer list exported");
            let name = export_file_word(locale, ExportFile::Customers);
            let date = beijing_date(crate::clock::now_ms());
            csv_response(
                Body::from_stream(futures::stream::iter(list.chunks)),
                &format!("customers-{date}.csv"),
                &format!("{name}-{date}.csv"),
            )
        }
        Err(e) => refusal(locale, &e),
    }
}

async fn timeline_csv(
    State(state): State<WebState>,
    viewer: Option<Extension<Viewer>>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Response {
    let locale = reader_locale(&headers);
    let Some(Extension(viewer)) = viewer else {
        return refusal(locale, &AppError::Unauthenticated);
    };
    match export::timeline(&state.backend, &viewer, &key, locale).await {
        Ok(bytes) => {
            let name = export_file_word(locale, ExportFile::Timeline);
            let date = beijing_date(crate::clock::now_ms());
            csv_response(
                Body::from(bytes),
                &format!("timeline-{key}-{date}.csv"),
                &format!("{name}-{key}-{date}.csv"),
            )
        }
        Err(e) => refusal(locale, &e),
    }
}

fn form_urlencoded_pairs(raw: &str) -> impl Iterator<Item = (String, String)> + '_ {
    url::form_urlencoded::parse(raw.as_bytes()).into_owned()
}

fn csv_response(body: Body, ascii_name: &str, utf8_name: &str) -> Response {
    let disposition = HeaderValue::from_str(&attachment(ascii_name, utf8_name)).unwrap_or(HeaderValue::from_static("attachment"));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// A download that cannot be served: its status and a sentence in the reader's language.
fn refusal(locale: Locale, error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.page_status())
        .ok()
        .filter(|s| s.is_client_error() || s.is_server_error())
        .unwrap_or(StatusCode::BAD_GATEWAY);
    let words = export_refusal_words(locale, error);
    let html = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>SalesDesk</title></head><body><h1>{}</h1><p>{}</p><p><a href=\"/customers\">SalesDesk</a></p></body></html>",
        status.as_u16(),
        escape(&words)
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
