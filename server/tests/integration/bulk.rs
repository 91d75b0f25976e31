//! Bulk notes and remarks over real HTTP, against the simulated vendors: a bulk note reaches
//! every selected customer once per vendor, Juzibot's in batch calls rather than one call per
//! customer; items Juzibot lists in `fail_list` fail alone, show on the result page and can
//! be resent; empty, oversized and over-long submissions and customers outside a rep's scope
//! are refused with nothing queued; a plain form post (JavaScript off) lands on the result page.
//!
//! Juzibot is reached through a small relay (`JuziRelay`) that plays WeCom losing some
//! customer relationships: items for the unionIds it is told about are taken out of the
//! `add_follow` call and put into the reply's `fail_list` with WeCom's 84061, as the hub
//! answers for a pair it does not know. Everything else passes through to the simulator.

use crate::common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::domain::{BulkJobView, BulkStarted, Delivery, DeliveryProblem, Role, VendorId, VendorUserIds};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use salesdesk::auth::{SESSION_COOKIE, sessions, users};
use salesdesk::config::SimulatorFaults;
use salesdesk::demo::{self, DemoOptions, DemoVendors};
use salesdesk::services::Backend;
use salesdesk::services::wiring::build_backend;
use salesdesk::simulators::dataset::Person;
use salesdesk::storage::Store;
use salesdesk::storage::users::NewUser;
use serde_json::{Value, json};

const ADD_FOLLOW: &str = "/api/v1/customer/add_follow";
const SET_REMARK: &str = "/api/v1/customer/set_remark";

/// Relays Juzibot calls to the simulator; `add_follow` items for a "lost" unionId come back
/// in `fail_list` instead of being sent.
struct JuziRelay {
    upstream: SocketAddr,
    lost: Mutex<HashSet<String>>,
    http: reqwest::Client,
}

async fn relay_call(State(relay): State<Arc<JuziRelay>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let mut body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let mut rejected = Vec::new();
    if parts.uri.path() == ADD_FOLLOW
        && let Ok(mut sent) = serde_json::from_slice::<Value>(&body)
        && let Some(Value::Array(items)) = sent.get_mut("follow_list")
    {
        let lost = relay.lock_lost().clone();
        let (gone, kept): (Vec<Value>, Vec<Value>) = items
            .drain(..)
            .partition(|i| i["unionId"].as_str().is_some_and(|u| lost.contains(u)));
        *items = kept;
        rejected = gone;
        body = Bytes::from(serde_json::to_vec(&sent).unwrap());
    }
    let url = format!(
        "http://{}{}",
        relay.upstream,
        parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let reply = relay
        .http
        .request(parts.method, url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("simulator answers");
    let status = reply.status();
    let bytes = reply.bytes().await.unwrap_or_default();
    if rejected.is_empty() {
        return (status, bytes).into_response();
    }
    let mut answer: Value = serde_json::from_slice(&bytes).expect("simulator answers JSON");
    let mut fail_list = answer.get("fail_list").and_then(Value::as_array).cloned().unwrap_or_default();
    for mut item in rejected {
        item["errcode"] = json!("84061");
        item["errmsg"] = json!("not external contact");
        fail_list.push(item);
    }
    answer["fail_list"] = Value::Array(fail_list);
    (status, axum::Json(answer)).into_response()
}

impl JuziRelay {
    /// The unionIds whose relationship WeCom "lost".
    fn lock_lost(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.lost.lock().unwrap_or_else(|p| p.into_inner())
    }
}

struct BulkSite {
    demo: DemoVendors,
    backend: Arc<Backend>,
    addr: SocketAddr,
    relay: Arc<JuziRelay>,
    /// Session cookies by username.
    cookies: HashMap<String, String>,
    http: reqwest::Client,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for BulkSite {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Simulators with `customers` customers, Juzibot behind the relay, the real router, and
/// signed-in users: `admin`, and a rep for each WeCom id in `reps`.
async fn bulk_site(customers: usize, reps: &[&str]) -> BulkSite {
    let demo = demo::start(DemoOptions {
        customers,
        hostile: false,
        now_ms: None,
        faults: SimulatorFaults::default(),
        http: common::test_policy(),
    })
    .await
    .expect("simulators start");
    let relay = Arc::new(JuziRelay {
        upstream: demo.addrs[2],
        lost: Mutex::new(HashSet::new()),
        http: reqwest::Client::new(),
    });
    let relay_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let relay_addr = relay_listener.local_addr().expect("addr");
    let relay_app = axum::Router::new().fallback(relay_call).with_state(relay.clone());
    let relay_task = tokio::spawn(async move {
        let _ = axum::serve(relay_listener, relay_app).await;
    });
    let mut connections = demo.connections.clone();
    connections.juzi.as_mut().expect("Juzibot simulated").base_url = format!("http://{relay_addr}").parse().expect("url");

    let store = Store::open_for_tests().await.expect("store");
    let backend = Arc::new(build_backend(true, connections, store.clone()).expect("backend"));
    backend.index.refresh().await;
    let now = chrono::Utc::now().timestamp_millis();
    let mut cookies = HashMap::new();
    let accounts = std::iter::once(("admin".to_string(), Role::Admin, VendorUserIds::default())).chain(reps.iter().map(|id| {
        let ids = VendorUserIds {
            tanma: Some(id.to_string()),
            weiling: Some(id.to_string()),
            juzi: Some(id.to_string()),
        };
        (id.to_lowercase(), Role::Rep, ids)
    }));
    for (username, role, wecom) in accounts {
        let new_user = NewUser {
            username: username.clone(),
            display_name: username.clone(),
            role,
            team: None,
            wecom,
            password_hash: None,
        };
        let user = users::create(&store, &new_user, now).await.expect("user");
        let token = sessions::create(&store, user.id, now, None, None).await.expect("session");
        cookies.insert(username, format!("{SESSION_COOKIE}={token}"));
    }
    let (addr, server) = common::site::serve(backend.clone(), store).await;
    let http = common::site::no_redirects(Duration::from_secs(30));
    BulkSite {
        demo,
        backend,
        addr,
        relay,
        cookies,
        http,
        tasks: vec![relay_task, server],
    }
}

/// An answer: status, body, and where a redirect points.
struct Reply {
    status: u16,
    body: String,
    location: Option<String>,
}

impl BulkSite {
    fn cookie(&self, user: &str) -> &str {
        self.cookies.get(user).map(String::as_str).expect("signed in")
    }

    /// A server function called as the app's fetch would (JSON back).
    async fn call(&self, user: &str, endpoint: &str, form: &[(&str, &str)]) -> Reply {
        self.post(user, endpoint, form, None).await
    }

    /// A plain HTML form post from `page` (JavaScript off): answered with a redirect.
    async fn submit(&self, user: &str, endpoint: &str, form: &[(&str, &str)], page: &str) -> Reply {
        self.post(user, endpoint, form, Some(page)).await
    }

    async fn post(&self, user: &str, endpoint: &str, form: &[(&str, &str)], page: Option<&str>) -> Reply {
        let origin = format!("http://{}", self.addr);
        let mut request = self
            .http
            .post(format!("{origin}/api/{endpoint}"))
            .header("cookie", self.cookie(user))
            .header("origin", &origin)
            .form(form);
        if let Some(page) = page {
            request = request.header("accept", "text/html").header("referer", format!("{origin}{page}"));
        }
        let reply = request.send().await.unwrap_or_else(|e| panic!("POST {endpoint}: {e}"));
        let status = reply.status().as_u16();
        let location = reply.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
        Reply {
            status,
            location,
            body: reply.text().await.unwrap_or_default(),
        }
    }

    async fn page(&self, user: &str, path: &str) -> Reply {
        let reply = self
            .http
            .get(format!("http://{}{path}", self.addr))
            .header("cookie", self.cookie(user))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        Reply {
            status: reply.status().as_u16(),
            location: None,
            body: reply.text().await.unwrap_or_default(),
        }
    }

    /// Starts a bulk note (JSON call) and returns its job id.
    async fn bulk_note(&self, user: &str, fields: &[(&str, &str)]) -> i64 {
        let r = self.call(user, "bulk_write", fields).await;
        assert_eq!(r.status, 200, "{}", r.body);
        serde_json::from_str::<BulkStarted>(&r.body).expect("BulkStarted").job_id
    }

    async fn job(&self, user: &str, id: i64) -> BulkJobView {
        let r = self.call(user, "bulk_job", &[("id", &id.to_string())]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        serde_json::from_str(&r.body).expect("BulkJobView")
    }

    /// Runs the delivery worker until nothing of the job is pending (30 s at most).
    async fn settled(&self, id: i64) -> BulkJobView {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            self.backend.delivery.run_due().await;
            let job = self.job("admin", id).await;
            if job.counts.pending == 0 {
                return job;
            }
            assert!(Instant::now() < deadline, "job {id} still has pending writes: {:?}", job.counts);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn sim_json(&self, vendor: usize, path: &str) -> Value {
        let url = format!("http://{}{path}", self.demo.addrs[vendor]);
        self.http.get(url).send().await.expect("simulator").json().await.expect("JSON")
    }

    async fn add_follow_calls(&self) -> u64 {
        self.sim_json(2, "/__sim/juzi/requests").await[ADD_FOLLOW].as_u64().unwrap_or(0)
    }

    async fn weiling_notes_created(&self) -> u64 {
        self.sim_json(1, "/__sim/weiling/stats").await["progress_created"]
            .as_u64()
            .unwrap_or(0)
    }

    /// How many notes with `text` Juzibot's simulator received for (unionId, userId).
    async fn juzi_notes(&self, union_id: &str, user_id: &str, text: &str) -> usize {
        let all = common::juzi_follows(&self.http, &self.demo, union_id, user_id).await;
        all.as_array()
            .map_or(0, |notes| notes.iter().filter(|n| n["content"] == text).count())
    }

    fn person(&self, key: &str) -> &Person {
        self.demo
            .universe
            .customers
            .iter()
            .find(|p| p.external_user_id == key)
            .unwrap_or_else(|| panic!("{key} is a universe customer"))
    }

    async fn outbox_depth(&self) -> i64 {
        self.backend.store.outbox_depth().await.expect("store")
    }
}

fn writes_of(job: &BulkJobView, vendor: VendorId) -> Vec<(&str, &app::domain::BulkItem)> {
    job.customers
        .iter()
        .flat_map(|c| c.writes.iter().map(move |w| (c.key.as_str(), w)))
        .filter(|(_, w)| w.vendor == vendor)
        .collect()
}

#[tokio::test]
async fn a_bulk_note_reaches_every_customer_once_per_vendor_in_batches() {
    let site = bulk_site(60, &[]).await;
    let text = "季度回访：确认续约意向（批量）";
    let (calls_before, weiling_before) = (site.add_follow_calls().await, site.weiling_notes_created().await);
    // Every customer the (unfiltered) list shows: the form's "send to all N matching".
    let id = site
        .bulk_note(
            "admin",
            &[("scope", "filter"), ("action", "note"), ("text", text), ("token", "bulk-all-1")],
        )
        .await;
    let job = site.settled(id).await;
    let listed = site.backend.index.customer_count().await;
    assert_eq!(job.customers.len(), listed, "every listed customer is in the job");
    assert!(job.customers.iter().all(|c| c.name.is_some()), "named as the list names them");
    assert_eq!(job.counts.failed, 0, "{:?}", job.counts);

    let juzi = writes_of(&job, VendorId::Juzi);
    let weiling = writes_of(&job, VendorId::Weiling);
    assert!(
        juzi.len() > 10 && !weiling.is_empty(),
        "juzi {} weiling {}",
        juzi.len(),
        weiling.len()
    );
    assert!(writes_of(&job, VendorId::Tanma).is_empty(), "Tanma documents no write API");
    for customer in &job.customers {
        let mut vendors: Vec<VendorId> = customer.writes.iter().map(|w| w.vendor).collect();
        vendors.dedup();
        assert_eq!(vendors.len(), customer.writes.len(), "one write per vendor: {customer:?}");
        assert_eq!(customer.skipped.is_some(), customer.writes.is_empty(), "{customer:?}");
    }
    assert_eq!(job.skipped as usize, job.customers.iter().filter(|c| c.writes.is_empty()).count());
    assert_eq!(job.counts.delivered as usize, juzi.len() + weiling.len());

    // Juzibot got them all in one add_follow call (≤ 500 items), each note once.
    assert_eq!(
        site.add_follow_calls().await - calls_before,
        1,
        "one batch call, not one per customer"
    );
    for (key, write) in &juzi {
        let union = site.person(key).union_id.clone().expect("written through Juzibot by unionId");
        assert_eq!(site.juzi_notes(&union, &write.rep_user_id, text).await, 1, "{key}");
    }
    // Weiling has no batch endpoint: one progress per customer.
    assert_eq!(site.weiling_notes_created().await - weiling_before, weiling.len() as u64);

    // A resubmitted form (same token) finds its job: nothing is queued or sent again.
    let again = site
        .bulk_note(
            "admin",
            &[("scope", "filter"), ("action", "note"), ("text", text), ("token", "bulk-all-1")],
        )
        .await;
    assert_eq!(again, id);
    assert_eq!(site.outbox_depth().await, 0);
    assert_eq!(site.add_follow_calls().await - calls_before, 1);

    // One audit line for the job, with its counts.
    let audit = salesdesk::storage::audit::list(&site.backend.store, None, 100)
        .await
        .expect("audit");
    let lines: Vec<_> = audit.iter().filter(|r| r.action == "bulk_write").collect();
    assert_eq!(lines.len(), 1, "{audit:?}");
    let detail = lines[0].detail.clone().unwrap_or_default();
    assert!(
        detail.contains(&format!("job={id} kind=note customers={listed}")) && detail.contains(&format!("juzi={}", juzi.len())),
        "{detail}"
    );
}

#[tokio::test]
async fn juzibot_fail_list_items_fail_alone_show_on_the_page_and_can_be_resent() {
    let site = bulk_site(60, &[]).await;
    let juzi_people: Vec<Person> = site
        .demo
        .universe
        .customers
        .iter()
        .filter(|p| p.presence.juzi && p.union_id.is_some())
        .take(3)
        .cloned()
        .collect();
    assert_eq!(juzi_people.len(), 3);
    let lost = juzi_people[1].clone();
    site.relay.lock_lost().insert(lost.union_id.clone().unwrap());
    let text = "报价单已发送，请客户确认";
    let calls_before = site.add_follow_calls().await;

    // A plain form post, as the list page sends it with JavaScript off.
    let mut form = vec![("scope", "selected"), ("action", "note"), ("text", text), ("token", "bulk-lost-1")];
    form.extend(juzi_people.iter().map(|p| ("keys[]", p.external_user_id.as_str())));
    let r = site.submit("admin", "bulk_write", &form, "/customers?vendor=juzi").await;
    assert!(matches!(r.status, 302 | 303), "{} {}", r.status, r.body);
    let location = r.location.expect("redirect");
    let id: i64 = location
        .strip_prefix("/bulk/")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{location}"));

    let job = site.settled(id).await;
    assert_eq!(
        site.add_follow_calls().await - calls_before,
        1,
        "the three notes went out in one call"
    );
    assert!(job.customers.iter().all(|c| c.name.is_some()), "ticked rows are named too: {job:?}");
    let juzi = writes_of(&job, VendorId::Juzi);
    assert_eq!(juzi.len(), 3);
    let failed: Vec<_> = juzi.iter().filter(|(_, w)| matches!(w.delivery, Delivery::Failed { .. })).collect();
    assert_eq!(failed.len(), 1, "exactly the rejected item failed: {juzi:?}");
    let (failed_key, failed_write) = failed[0];
    assert_eq!(*failed_key, lost.external_user_id.as_str());
    let Delivery::Failed {
        problem: DeliveryProblem::Vendor { failure },
    } = &failed_write.delivery
    else {
        panic!("{:?}", failed_write.delivery)
    };
    assert_eq!(failure.vendor_code, Some(84061), "WeCom's own code, failed at once without retries");
    for (key, write) in juzi.iter().filter(|(k, _)| *k != lost.external_user_id) {
        assert_eq!(write.delivery, Delivery::Delivered, "{key}");
    }

    // The result page shows it (JavaScript off: it is all server-rendered).
    let page = site.page("admin", &location).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(&format!("data-delivery=\"failed\" data-write-id=\"{}\"", failed_write.id)),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("data-testid=\"bulk-count-failed\" data-count=\"1\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("data-testid=\"bulk-retry-all\""));
    assert!(page.body.contains("84061"), "the vendor's code is shown");
    assert!(!page.body.contains("http-equiv=\"refresh\""), "nothing pending: no reload");

    // WeCom takes the relationship back; the rep resends the failed one from the page.
    site.relay.lock_lost().clear();
    let r = site.submit("admin", "bulk_retry", &[("id", &id.to_string())], &location).await;
    assert!(matches!(r.status, 302 | 303), "{} {}", r.status, r.body);
    assert_eq!(r.location.as_deref(), Some(format!("{location}?f_done=bulk_retry").as_str()));
    let job = site.settled(id).await;
    assert_eq!((job.counts.failed, job.counts.pending), (0, 0), "{:?}", job.counts);
    let union = lost.union_id.clone().unwrap();
    assert_eq!(
        site.juzi_notes(&union, &failed_write.rep_user_id, text).await,
        1,
        "delivered once, by the resend"
    );
    for p in juzi_people.iter().filter(|p| p.external_user_id != lost.external_user_id) {
        let rep = writes_of(&job, VendorId::Juzi)
            .into_iter()
            .find(|(k, _)| *k == p.external_user_id)
            .unwrap()
            .1
            .rep_user_id
            .clone();
        assert_eq!(site.juzi_notes(p.union_id.as_deref().unwrap(), &rep, text).await, 1, "not resent");
    }
    // Nothing failed any more: a second resend is refused.
    let r = site.call("admin", "bulk_retry", &[("id", &id.to_string())]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("not_failed"), "{}", r.body);
}

#[tokio::test]
async fn refused_submissions_queue_nothing() {
    let site = bulk_site(1_100, &[]).await;
    let key = site.demo.universe.customers[0].external_user_id.clone();
    let refused = |body: &str, code: &str| {
        let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
        assert_eq!(v["error"], "invalid", "{body}");
        assert_eq!(v["detail"]["code"], code, "{body}");
    };
    // Nothing ticked.
    let r = site
        .call(
            "admin",
            "bulk_write",
            &[("scope", "selected"), ("action", "note"), ("text", "回访"), ("token", "r1")],
        )
        .await;
    assert_eq!(r.status, 400);
    refused(&r.body, "nothing_selected");
    // A filter matching nobody.
    let r = site
        .call(
            "admin",
            "bulk_write",
            &[
                ("scope", "filter"),
                ("q", "没有这个客户zzz"),
                ("action", "note"),
                ("text", "回访"),
                ("token", "r2"),
            ],
        )
        .await;
    refused(&r.body, "nothing_selected");
    // Over the limit: all 1,100 customers, or 1,001 ticked keys.
    let r = site
        .call(
            "admin",
            "bulk_write",
            &[("scope", "filter"), ("action", "note"), ("text", "回访"), ("token", "r3")],
        )
        .await;
    assert_eq!(r.status, 400);
    refused(&r.body, "too_many_selected");
    let keys: Vec<String> = site
        .demo
        .universe
        .customers
        .iter()
        .take(1_001)
        .map(|p| p.external_user_id.clone())
        .collect();
    let mut form = vec![("scope", "selected"), ("action", "note"), ("text", "回访"), ("token", "r4")];
    form.extend(keys.iter().map(|k| ("keys[]", k.as_str())));
    refused(&site.call("admin", "bulk_write", &form).await.body, "too_many_selected");
    // Text over the limits, checked as for a single write.
    let long = "字".repeat(1_001);
    let r = site
        .call(
            "admin",
            "bulk_write",
            &[
                ("scope", "selected"),
                ("keys[]", &key),
                ("action", "note"),
                ("text", &long),
                ("token", "r5"),
            ],
        )
        .await;
    refused(&r.body, "input");
    assert!(r.body.contains("note_too_long"), "{}", r.body);
    let r = site
        .call(
            "admin",
            "bulk_write",
            &[
                ("scope", "selected"),
                ("keys[]", &key),
                ("action", "remark"),
                ("remark", &"备".repeat(21)),
                ("token", "r6"),
            ],
        )
        .await;
    assert!(r.body.contains("remark_too_long"), "{}", r.body);
    // Neither a known scope nor a known action.
    let r = site
        .call(
            "admin",
            "bulk_write",
            &[
                ("scope", "everyone"),
                ("keys[]", &key),
                ("action", "note"),
                ("text", "回访"),
                ("token", "r7"),
            ],
        )
        .await;
    refused(&r.body, "bad_request");
    assert_eq!(site.outbox_depth().await, 0, "nothing was queued");
    assert!(site.backend.store.bulk_job(1).await.unwrap().is_none(), "no job was made");

    // JavaScript off: back to the list with the error as a code and the typed text kept.
    let r = site
        .submit(
            "admin",
            "bulk_write",
            &[("scope", "selected"), ("action", "note"), ("text", "回访<b>"), ("token", "r8")],
            "/customers?q=%E5%BC%A0",
        )
        .await;
    let location = r.location.expect("redirect back");
    assert!(
        location.starts_with("/customers?q=%E5%BC%A0&f_form=bulk&f_error=nothing_selected&f_draft="),
        "{location}"
    );
    let list = site.page("admin", &location).await;
    assert!(list.body.contains("请至少选择一位客户。"), "the refusal in words");
    assert!(list.body.contains("回访&lt;b&gt;</textarea>"), "the typed note is kept, escaped");
    let over = site
        .submit(
            "admin",
            "bulk_write",
            &[("scope", "filter"), ("action", "note"), ("text", "回访"), ("token", "r9")],
            "/customers",
        )
        .await;
    let list = site.page("admin", &over.location.expect("redirect back")).await;
    assert!(list.body.contains("一次最多发送给 1000 位客户"), "the message names the limit");
}

#[tokio::test]
async fn a_rep_writes_only_to_their_own_customers_and_sees_only_their_own_jobs() {
    let probe = bulk_site(60, &[]).await;
    // A rep with a Juzibot relationship, one of their customers and one they do not follow.
    let universe = probe.demo.universe.clone();
    let follower = |p: &Person| p.follows.iter().map(|f| universe.reps[f.rep].user_id.clone()).collect::<Vec<_>>();
    let mine = universe
        .customers
        .iter()
        .find(|p| p.presence.juzi && p.union_id.is_some() && !p.follows.is_empty())
        .expect("a Juzibot customer")
        .clone();
    let rep = follower(&mine)[0].clone();
    let theirs = universe
        .customers
        .iter()
        .find(|p| !follower(p).contains(&rep))
        .expect("someone else's customer")
        .clone();
    let other_rep = universe
        .reps
        .iter()
        .find(|r| r.user_id != rep)
        .expect("another rep")
        .user_id
        .clone();
    drop(probe);
    let site = bulk_site(60, &[&rep, &other_rep]).await;
    let (me, other) = (rep.to_lowercase(), other_rep.to_lowercase());

    let r = site
        .call(
            &me,
            "bulk_write",
            &[
                ("scope", "selected"),
                ("keys[]", &mine.external_user_id),
                ("keys[]", &theirs.external_user_id),
                ("action", "note"),
                ("text", "越权批量"),
                ("token", "rep-1"),
            ],
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(site.outbox_depth().await, 0, "nothing queued, not even for their own customer");

    let id = site
        .bulk_note(
            &me,
            &[
                ("scope", "selected"),
                ("keys[]", &mine.external_user_id),
                ("action", "note"),
                ("text", "回访"),
                ("token", "rep-2"),
            ],
        )
        .await;
    let job = site.settled(id).await;
    assert!(
        job.customers[0].writes.iter().all(|w| w.rep_user_id == rep),
        "written as the rep: {job:?}"
    );
    assert_eq!(site.call(&me, "bulk_job", &[("id", &id.to_string())]).await.status, 200);
    assert_eq!(
        site.call(&other, "bulk_job", &[("id", &id.to_string())]).await.status,
        403,
        "another rep's job"
    );
    assert_eq!(site.page(&other, &format!("/bulk/{id}")).await.status, 403);
    assert_eq!(site.call(&other, "bulk_retry", &[("id", &id.to_string())]).await.status, 403);
    assert_eq!(
        site.call("admin", "bulk_job", &[("id", &id.to_string())]).await.status,
        200,
        "admins see every job"
    );
    assert_eq!(site.page(&me, "/bulk/987654").await.status, 404);
    assert_eq!(site.page(&me, "/bulk/not-a-number").await.status, 404);

    // "All matching" for a rep is all of the rep's own customers, and only those.
    let id = site
        .bulk_note(
            &me,
            &[("scope", "filter"), ("action", "note"), ("text", "全部回访"), ("token", "rep-3")],
        )
        .await;
    let job = site.job(&me, id).await;
    let visible: BTreeMap<String, ()> = universe
        .customers
        .iter()
        .filter(|p| follower(p).contains(&rep))
        .map(|p| (p.external_user_id.clone(), ()))
        .collect();
    assert!(!job.customers.is_empty());
    for c in &job.customers {
        assert!(visible.contains_key(&c.key), "{} is not {rep}'s customer", c.key);
    }
}

#[tokio::test]
async fn the_list_offers_the_bulk_form_and_its_checkboxes() {
    let site = bulk_site(60, &[]).await;
    let list = site.page("admin", "/customers?vendor=juzi").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("data-testid=\"bulk-toolbar\""), "{}", list.body);
    assert!(list.body.contains("id=\"bulk-form\""));
    let rows = list.body.matches("data-testid=\"customer-row\"").count();
    let boxes = list.body.matches("name=\"keys[]\"").count();
    assert!(rows > 0 && boxes == rows, "one checkbox per row: {rows} rows, {boxes} boxes");
    assert!(list.body.contains("form=\"bulk-form\""));
    // The filter travels with the form, so "send to all matching" means this list.
    assert!(list.body.contains("name=\"vendor\" value=\"juzi\""), "{}", list.body);
}

#[tokio::test]
async fn a_bulk_remark_goes_to_juzibot_in_batches_of_fifty_and_lands_on_every_customer() {
    let site = bulk_site(200, &[]).await;
    let set_remark_calls = || async { site.sim_json(2, "/__sim/juzi/requests").await[SET_REMARK].as_u64().unwrap_or(0) };
    let before = set_remark_calls().await;
    let r = site
        .call(
            "admin",
            "bulk_write",
            &[
                ("scope", "filter"),
                ("action", "remark"),
                ("remark", "重点客户"),
                ("description", "批量备注：年底前回访"),
                ("token", "bulk-remark-1"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = serde_json::from_str::<BulkStarted>(&r.body).expect("BulkStarted").job_id;
    let job = site.settled(id).await;
    assert_eq!(job.counts.failed, 0, "{:?}", job.counts);
    let juzi = writes_of(&job, VendorId::Juzi);
    assert!(juzi.len() > 50, "enough remarks to need more than one call: {}", juzi.len());
    // set_remark takes at most 50 items a call (seed 004): chunked, not one call per customer.
    let calls = set_remark_calls().await - before;
    assert_eq!(calls as usize, juzi.len().div_ceil(50), "{} remarks in {calls} calls", juzi.len());
    for (key, write) in &juzi {
        let union = site.person(key).union_id.clone().expect("written through Juzibot by unionId");
        let url = format!(
            "http://{}/__sim/juzi/remarks?unionId={union}&userId={}",
            site.demo.addrs[2], write.rep_user_id
        );
        let edit: Value = site.http.get(url).send().await.expect("simulator").json().await.expect("JSON");
        assert_eq!(edit["remark"], "重点客户", "{key}: {edit}");
        assert_eq!(edit["description"], "批量备注：年底前回访", "{key}: {edit}");
    }
}
