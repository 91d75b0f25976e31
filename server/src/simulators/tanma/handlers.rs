//! One function per endpoint: the (already authenticated) raw body in, `data` or a
//! business error out.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::project;
use super::wire::{self, codes};
use super::{Outcome, Sim, SimError};
use crate::simulators::dataset::Person;
use crate::vendors::time::parse_beijing;

/// Page size when a request gives none, and the most one page returns (the real maximum
/// is undocumented).
const DEFAULT_PAGE_SIZE: usize = 20;
const MAX_PAGE_SIZE: usize = 100;

const OK: &str = "ok";
const SUCCESS: &str = "success";

fn invalid(detail: impl std::fmt::Display) -> SimError {
    SimError::new(codes::FAIL, format!("请求参数验证失败：{detail}"))
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, SimError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(invalid("请求体不能为空"));
    }
    serde_json::from_slice(body).map_err(|e| invalid(format!("请求体格式错误（{e}）")))
}

fn data(value: Value, message: &'static str) -> Outcome {
    Ok((value, message))
}

fn page_size(size: u32) -> usize {
    match size as usize {
        0 => DEFAULT_PAGE_SIZE,
        n => n.min(MAX_PAGE_SIZE),
    }
}

/// Offset paging behind an opaque string cursor (`nextCursor` is `null` on the last page).
fn cursor_page<T: Clone>(items: &[T], cursor: Option<&str>, size: usize) -> Result<(Vec<T>, Option<String>), SimError> {
    let start = match cursor.filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => c.parse::<usize>().map_err(|_| invalid("cursor 无效"))?,
    };
    let end = start.saturating_add(size).min(items.len());
    let page = items.get(start..end).map(<[T]>::to_vec).unwrap_or_default();
    let next = (end < items.len()).then(|| end.to_string());
    Ok((page, next))
}

fn tanma_customer<'a>(sim: &'a Sim, external_user_id: &str) -> Option<&'a Person> {
    sim.universe.customer_by_external_id(external_user_id).filter(|p| p.presence.tanma)
}

/// `/api/v3/echo`: the request body back as `data`.
pub fn echo(_sim: &Sim, body: &[u8]) -> Outcome {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok((Value::Null, SUCCESS));
    }
    Ok((parse::<Value>(body)?, SUCCESS))
}

pub fn qw_details(sim: &Sim, body: &[u8]) -> Outcome {
    let req: wire::QwDetailsRequest = parse(body)?;
    if req.external_user_id.is_empty() || req.qw_user_id.is_empty() {
        return Err(invalid("externalUserId 和 qwUserId 不能为空"));
    }
    let u = &sim.universe;
    let found = tanma_customer(sim, &req.external_user_id).and_then(|p| {
        let (rep, _) = u.rep_by_user_id(&req.qw_user_id)?;
        p.relation(rep).map(|rel| project::qw_detail(u, p, rel))
    });
    data(found.into_iter().collect(), SUCCESS)
}

pub fn qw_follow_list(sim: &Sim, body: &[u8]) -> Outcome {
    let req: wire::QwFollowListRequest = parse(body)?;
    if req.external_user_id.is_empty() {
        return Err(invalid("externalUserId 不能为空"));
    }
    let records: Vec<Value> = tanma_customer(sim, &req.external_user_id)
        .map(|p| {
            p.tanma
                .iter()
                .flat_map(|t| &t.follows)
                .map(|f| project::follow_record(&sim.universe, p, f))
                .collect()
        })
        .unwrap_or_default();
    data(Value::Array(records), SUCCESS)
}

pub fn clue_get(sim: &Sim, body: &[u8]) -> Outcome {
    let req: wire::ClueGetRequest = parse(body)?;
    match sim.universe.clue_by_tanma_id(req.customer_id).filter(|c| c.in_tanma) {
        Some(c) => data(project::clue_detail(c), OK),
        None => Err(SimError::new(codes::FAIL, "线索&待分配客户不存在")),
    }
}

pub fn clue_list_asc(sim: &Sim, body: &[u8]) -> Outcome {
    let req: wire::ClueListRequest = parse(body)?;
    let since = parse_beijing(&req.since).ok_or_else(|| invalid("since 格式应为 yyyy-MM-dd HH:mm:ss"))? / 1000;
    let before = parse_beijing(&req.before).ok_or_else(|| invalid("before 格式应为 yyyy-MM-dd HH:mm:ss"))? / 1000;
    // Create times are stored to the second, as the API shows them.
    let mut clues: Vec<_> = sim
        .universe
        .clues
        .iter()
        .filter(|c| c.in_tanma && req.kind.is_none_or(|k| k == i64::from(c.kind)))
        .filter(|c| {
            let t = c.created_at_ms.div_euclid(1000);
            since <= t && t < before
        })
        .collect();
    clues.sort_by_key(|c| (c.created_at_ms.div_euclid(1000), c.customer_id));
    let (page, next) = cursor_page(&clues, req.cursor.as_deref(), page_size(req.size))?;
    let list: Vec<Value> = page.into_iter().map(project::clue_detail).collect();
    data(json!({ "list": list, "nextCursor": next }), SUCCESS)
}

/// Follow-ups of a clue, or of a customer by its Tanma customer id.
pub fn clue_follow_ups(sim: &Sim, body: &[u8]) -> Outcome {
    let req: wire::FollowUpListRequest = parse(body)?;
    let u = &sim.universe;
    let follows: Vec<_> = if let Some(c) = u.clue_by_tanma_id(req.customer_id).filter(|c| c.in_tanma) {
        c.follow_ups.iter().collect()
    } else if let Some(p) = project::person_by_customer_id(u, req.customer_id) {
        p.tanma.iter().flat_map(|t| &t.follows).collect()
    } else {
        return Err(SimError::new(codes::FAIL, "客户不存在"));
    };
    let mut follows: Vec<_> = follows
        .into_iter()
        .filter(|f| req.kind.is_none_or(|k| k == i64::from(f.follow_type)))
        .collect();
    follows.sort_by_key(|f| f.id);
    let (page, next) = cursor_page(&follows, req.cursor.as_deref(), page_size(req.size))?;
    let list: Vec<Value> = page.into_iter().map(|f| project::follow_item(u, f)).collect();
    data(json!({ "list": list, "nextCursor": next }), SUCCESS)
}

pub fn tags_tree(sim: &Sim, _body: &[u8]) -> Outcome {
    data(project::tag_tree(&sim.universe), SUCCESS)
}

pub fn profile_fields(sim: &Sim, _body: &[u8]) -> Outcome {
    data(project::profile_fields(&sim.universe), SUCCESS)
}

/// 高级筛选: rows per (customer, rep) relation, newest customers first, page-numbered.
pub fn customer_search(sim: &Sim, body: &[u8]) -> Outcome {
    let req: wire::CustomerSearchRequest = parse(body)?;
    let u = &sim.universe;
    let key = req.search_key.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let row = |&(p, f): &(u32, u32)| {
        let p = &u.customers[p as usize];
        (p, f as usize, &p.follows[f as usize])
    };
    let size = page_size(req.page_size);
    let page_no = req.page_no.max(1) as usize;
    let skip = (page_no - 1).saturating_mul(size);
    let unfiltered =
        key.is_none() && req.role.is_none() && req.customer_id.is_none() && req.sales_id_list.as_ref().is_none_or(|list| list.is_empty());
    let (matching, data_rows) = if unfiltered {
        // A crawl: the page is a slice of the listed rows.
        let rows = sim.search_rows.len();
        let page = sim.search_rows[skip.min(rows)..]
            .iter()
            .take(size)
            .map(row)
            .map(|(p, _, rel)| project::search_row(u, p, rel))
            .collect();
        (rows, page)
    } else {
        // Every matching row is counted (for totalPage); only the page's rows are projected.
        let mut matching = 0usize;
        let mut page: Vec<Value> = Vec::new();
        for (p, i, rel) in sim
            .search_rows
            .iter()
            .map(row)
            .filter(|(p, ..)| req.customer_id.is_none_or(|id| id == project::customer_id(p)))
        {
            let rep = u.reps.get(rel.rep).map(|r| r.user_id.as_str()).unwrap_or_default();
            let role_ok = match req.role {
                Some(1) => i == 0,
                Some(2) => i > 0,
                _ => true,
            };
            let sales_ok = req
                .sales_id_list
                .as_ref()
                .is_none_or(|list| list.is_empty() || list.iter().any(|s| s == rep));
            let key_ok = key.is_none_or(|k| {
                p.external_user_id == k
                    || p.name.contains(k)
                    || p.nickname.contains(k)
                    || rel.remark.contains(k)
                    || p.company.contains(k)
                    || p.mobiles.iter().any(|m| m.contains(k))
            });
            if role_ok && sales_ok && key_ok {
                if matching >= skip && page.len() < size {
                    page.push(project::search_row(u, p, rel));
                }
                matching += 1;
            }
        }
        (matching, page)
    };
    let total_page = matching.div_ceil(size);
    data(json!({ "data": data_rows, "totalPage": total_page }), SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_pages_walk_to_the_end() {
        let items: Vec<u32> = (0..5).collect();
        let (a, next) = cursor_page(&items, None, 2).unwrap();
        assert_eq!((a, next.as_deref()), (vec![0, 1], Some("2")));
        let (b, next) = cursor_page(&items, Some("4"), 2).unwrap();
        assert_eq!((b, next), (vec![4], None));
        let (c, next) = cursor_page(&items, Some("9"), 2).unwrap();
        assert_eq!((c, next), (vec![], None));
        assert_eq!(cursor_page(&items, Some("x"), 2).unwrap_err().code, -1);
    }

    #[test]
    fn bodies_must_be_json_of_the_endpoint_shape() {
        assert_eq!(parse::<wire::ClueGetRequest>(b"").unwrap_err().code, -1);
        assert_eq!(parse::<wire::ClueGetRequest>(br#"{"customerId":"x"}"#).unwrap_err().code, -1);
        assert_eq!(parse::<wire::ClueGetRequest>(br#"{"customerId":8}"#).unwrap().customer_id, 8);
        assert_eq!(page_size(0), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size(1000), MAX_PAGE_SIZE);
    }
}
