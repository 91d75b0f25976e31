//! A note survives `kill -9`: the real `salesdesk` binary, configured live against Juzibot's
//! simulator (run here, in the test process, so it outlives the child), accepts a note while
//! Juzibot refuses writes, is killed with SIGKILL, and after a restart on the same data
//! directory delivers the note — exactly once, and not again after a second kill and restart.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use app::domain::{Delivery, WriteOutcome};
use salesdesk::config::SimulatorFaults;
use salesdesk::demo::{self, DemoOptions};
use salesdesk::simulators::faults::{FaultPlan, InjectedError};
use salesdesk::storage::Store;
use salesdesk::vendors::HttpPolicy;
use salesdesk::vendors::juzi::client::PATH_ADD_FOLLOW;
use secrecy::ExposeSecret;

use crate::common::instances::Server;

fn start(data_dir: &Path, juzi_base: &str, juzi_token: &str) -> Server {
    Server::start(
        "salesdesk",
        &[
            ("SALESDESK_DATA_DIR", data_dir.display().to_string()),
            ("SALESDESK_JUZI_BASE_URL", juzi_base.to_string()),
            ("SALESDESK_JUZI_TOKEN", juzi_token.to_string()),
            ("SALESDESK_JUZI_REQUEST_TIMEOUT_MS", "2000".to_string()),
            ("SALESDESK_JUZI_MAX_RETRIES", "0".to_string()),
        ],
    )
}

fn scratch_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    std::env::temp_dir().join(format!("salesdesk-crash-{}-{nanos}", std::process::id()))
}

/// Juzibot's stored notes for one customer and rep.
async fn juzi_notes(http: &reqwest::Client, sim: SocketAddr, union_id: &str, rep: &str) -> Vec<serde_json::Value> {
    let url = format!("http://{sim}/__sim/juzi/follows?unionId={union_id}&userId={rep}");
    let value: serde_json::Value = http.get(url).send().await.expect("simulator").json().await.expect("json");
    value.as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_note_survives_kill_9_and_is_delivered_exactly_once() {
    let sims = demo::start(DemoOptions {
        customers: 60,
        hostile: false,
        now_ms: None,
        faults: SimulatorFaults::default(),
        http: HttpPolicy::default(),
    })
    .await
    .expect("simulators");
    let juzi = sims.connections.juzi.clone().expect("juzi settings");
    let juzi_sim = sims.addrs[2];
    let person = sims
        .universe
        .customers
        .iter()
        .find(|p| p.presence.juzi && !p.presence.weiling && p.union_id.is_some())
        .expect("a Juzibot customer with a unionId")
        .clone();
    let union_id = person.union_id.clone().unwrap_or_default();

    // An admin and an open session, written to the data directory before the first start.
    let dir = scratch_dir();
    let cookie = {
        let store = Store::open(&dir).await.expect("store");
        let cookie = crate::common::admin_session(&store).await;
        store.pool().close().await;
        cookie
    };
    let base = juzi.base_url.to_string();
    let token = juzi.token.expose_secret().to_string();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("client");

    // Juzibot keeps answering reads (so the customer list loads) but refuses every note with
    // a 503: not processed, safe to resend.
    sims.juzi_faults
        .set(FaultPlan {
            error: Some(InjectedError::Status(503)),
            path_contains: Some(PATH_ADD_FOLLOW.into()),
            ..Default::default()
        })
        .await;

    let server = start(&dir, &base, &token);
    let origin = format!("http://{}", server.addr);
    let text = "客户下周三来访，提前准备报价单";
    let reply = http
        .post(format!("{origin}/api/add_note"))
        .header("cookie", &cookie)
        .header("origin", &origin)
        .form(&[("key", person.external_user_id.as_str()), ("text", text), ("token", "crash-note-1")])
        .send()
        .await
        .expect("add_note");
    let status = reply.status();
    let body = reply.text().await.unwrap_or_default();
    assert_eq!(status.as_u16(), 200, "{body}");
    let outcome: WriteOutcome = serde_json::from_str(&body).expect("a WriteOutcome");
    assert_eq!(outcome.writes.len(), 1, "{outcome:?}");
    let write = outcome.writes[0].clone();
    assert!(
        matches!(write.delivery, Delivery::Pending { .. }),
        "Juzibot refused, so the note waits: {write:?}"
    );
    let rep = write.rep_user_id.clone();
    assert!(
        juzi_notes(&http, juzi_sim, &union_id, &rep).await.is_empty(),
        "nothing reached Juzibot yet"
    );

    // Killed at once: the next delivery attempt is seconds away, so nothing is in flight.
    server.kill_hard();
    sims.juzi_faults.set(FaultPlan::default()).await;

    let server = start(&dir, &base, &token);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let notes = juzi_notes(&http, juzi_sim, &union_id, &rep).await;
        if !notes.is_empty() {
            assert_eq!(notes.len(), 1, "delivered once: {notes:?}");
            assert!(serde_json::Value::Array(notes).to_string().contains(text));
            break;
        }
        assert!(Instant::now() < deadline, "the note was not delivered after the restart");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // The page shows it delivered.
    let reply = http
        .post(format!("http://{}/api/customer", server.addr))
        .header("cookie", &cookie)
        .header("origin", format!("http://{}", server.addr))
        .form(&[("key", person.external_user_id.as_str())])
        .send()
        .await
        .expect("customer");
    let detail: app::domain::CustomerDetail = reply.json().await.expect("a CustomerDetail");
    let state = detail.writes.iter().find(|w| w.id == write.id).map(|w| w.delivery.clone());
    assert_eq!(state, Some(Delivery::Delivered), "{:?}", detail.writes);

    // A second crash and restart must not send it again.
    server.kill_hard();
    let server = start(&dir, &base, &token);
    // Longer than the worker's idle wake-up (2 s), so a wrongly due item would be sent.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        juzi_notes(&http, juzi_sim, &union_id, &rep).await.len(),
        1,
        "still exactly one note after another restart"
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
