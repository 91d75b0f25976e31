//! The customer list's filter as it travels in links: the list's own URL, the `from` of a
//! 360° page opened from the list, a saved view and the CSV export. One form, written only
//! from the filter's known fields, so whatever else a URL carries is dropped and never shown.

use serde::{Deserialize, Serialize};

use super::{CustomerQuery, DEFAULT_PAGE_SIZE, VendorId};

/// Longest filter value read from a link; the rest is cut (a search box's worth is far less).
pub const FILTER_MAX_CHARS: usize = 200;

/// The filter's fields as (key, value) pairs, in the order links write them; empty ones left out.
pub fn filter_pairs(query: &CustomerQuery) -> Vec<(&'static str, String)> {
    [
        ("q", query.q.clone()),
        ("rep", query.rep.clone()),
        ("vendor", query.vendor.map(|v| v.slug().to_string())),
        ("tag", query.tag.clone()),
        ("stage", query.stage.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
    .collect()
}

/// `q=…&vendor=…`: the filter and search of `query` (not its page); empty for the whole list.
pub fn list_query_string(query: &CustomerQuery) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in filter_pairs(query) {
        out.append_pair(k, &v);
    }
    out.finish()
}

/// The filter in a query string, read as the list page reads its own: values trimmed, empty
/// ones and unknown keys or vendors ignored. Page 1.
pub fn parse_list_query(text: &str) -> CustomerQuery {
    let mut query = CustomerQuery {
        page: 1,
        page_size: DEFAULT_PAGE_SIZE,
        ..Default::default()
    };
    for (k, v) in form_urlencoded::parse(text.trim_start_matches('?').as_bytes()) {
        let v: String = v.trim().chars().take(FILTER_MAX_CHARS).collect();
        if v.is_empty() {
            continue;
        }
        match &*k {
            "q" => query.q = Some(v),
            "rep" => query.rep = Some(v),
            "vendor" => query.vendor = VendorId::from_slug(&v),
            "tag" => query.tag = Some(v),
            "stage" => query.stage = Some(v),
            _ => {}
        }
    }
    query
}

/// The query parameter of a 360° page naming the list it was opened from.
pub const FROM_PARAM: &str = "from";

/// `/customers/{key}?from=…`: the 360° page, knowing the list it was opened from.
pub fn detail_href(key: &str, list: &CustomerQuery) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.append_pair(FROM_PARAM, &list_query_string(list));
    format!("/customers/{key}?{}", out.finish())
}

/// `/customers?…`: the list with this filter.
pub fn list_href(list: &CustomerQuery) -> String {
    match list_query_string(list) {
        q if q.is_empty() => "/customers".to_string(),
        q => format!("/customers?{q}"),
    }
}

/// One customer next to another in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListNeighbour {
    pub key: String,
    pub name: Option<String>,
}

/// Where a customer stands in a list (with the viewer's scope): the customers before and
/// after it and its place. `position` is `None` when the list does not hold the customer
/// (any more), and then there are no neighbours either.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Neighbours {
    pub prev: Option<ListNeighbour>,
    pub next: Option<ListNeighbour>,
    /// 1-based.
    pub position: Option<u64>,
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_survives_the_round_trip_and_nothing_else_does() {
        let query = CustomerQuery {
            q: Some("张 三&x=1".into()),
            rep: Some("LiuFuLai".into()),
            vendor: Some(VendorId::Juzi),
            tag: None,
            stage: Some("方案报价".into()),
            page: 3,
            page_size: 50,
        };
        let text = list_query_string(&query);
        assert!(!text.contains("page"), "{text}");
        let back = parse_list_query(&text);
        assert_eq!(
            (back.q, back.rep, back.vendor, back.tag, back.stage),
            (query.q, query.rep, query.vendor, None, query.stage)
        );
        assert_eq!((back.page, back.page_size), (1, DEFAULT_PAGE_SIZE));

        let odd = parse_list_query("?q=%20%20&vendor=wecom&evil=<script>&tag=+VIP+&f_error=x");
        assert_eq!(odd.q, None, "blank values are no filter");
        assert_eq!(odd.vendor, None, "unknown vendors are dropped");
        assert_eq!(odd.tag.as_deref(), Some("VIP"));
        assert_eq!(list_query_string(&odd), "tag=VIP", "unknown keys never come back");
        let long = parse_list_query(&format!("q={}", "长".repeat(500)));
        assert_eq!(long.q.map(|q| q.chars().count()), Some(FILTER_MAX_CHARS));
    }

    #[test]
    fn links_carry_the_list_they_came_from() {
        let list = parse_list_query("vendor=tanma&q=王");
        assert_eq!(
            detail_href("wmA", &list),
            "/customers/wmA?from=q%3D%25E7%258E%258B%26vendor%3Dtanma"
        );
        assert_eq!(detail_href("wmA", &CustomerQuery::default()), "/customers/wmA?from=");
        assert_eq!(list_href(&list), "/customers?q=%E7%8E%8B&vendor=tanma");
        assert_eq!(list_href(&CustomerQuery::default()), "/customers");
    }
}
