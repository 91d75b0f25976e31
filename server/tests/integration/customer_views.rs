//! Issue 4 over real HTTP: the customer list, the 360° page and its merged timeline, clues,
//! and the remark / note actions, against the simulated vendors.

use crate::common;

use app::domain::{ChangeLog, CustomerQuery, Delivery, DeliveryProblem, FollowUpKind, VendorId, parse_change_log};
use app::error::AppError;
use app::i18n::Locale;
use app::service::SalesDeskService;
use app::words::vendor_failure_words;
use common::{admin, rep, world};
use salesdesk::simulators::faults::{FaultPlan, InjectedError};
use salesdesk::storage::outbox::OutboxState;

const SEED_TANMA: &str = "wmPBvlDQAAAtqjxUNvuEL5CRio1NWNXA";
const SEED_JUZI: &str = "wmfvEMCAAAPHR9XslvYqTFgCJTULiZgg";

#[tokio::test]
async fn list_merges_vendors_searches_filters_and_pages() {
    let w = world(80).await;
    let all = w
        .backend
        .list_customers(
            &admin(),
            CustomerQuery {
                page_size: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(all.total >= 80, "every universe customer is listed once: {}", all.total);
    let keys: std::collections::HashSet<_> = all.items.iter().map(|c| c.key.clone()).collect();
    assert_eq!(keys.len(), all.items.len(), "no customer appears twice");
    assert!(
        all.items.iter().any(|c| c.vendors.len() == 3),
        "some customers are merged from all three vendors"
    );
    // Newest follow-up first.
    let times: Vec<_> = all.items.iter().filter_map(|c| c.last_follow_at).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));

    let found = w
        .backend
        .list_customers(
            &admin(),
            CustomerQuery {
                q: Some("李四".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(found.items.iter().any(|c| c.key == SEED_JUZI), "search by name");
    let by_id = w
        .backend
        .list_customers(
            &admin(),
            CustomerQuery {
                q: Some(SEED_TANMA.to_lowercase()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        by_id.items.first().map(|c| c.key.as_str()),
        Some(SEED_TANMA),
        "search by external id, case-insensitive"
    );
    let someone = all
        .items
        .iter()
        .find(|c| c.mobiles.iter().any(|m| m.len() == 11 && m.chars().all(|d| d.is_ascii_digit())))
        .unwrap();
    let mobile = someone.mobiles.iter().find(|m| m.chars().all(|d| d.is_ascii_digit())).unwrap();
    let by_mobile = w
        .backend
        .list_customers(
            &admin(),
            CustomerQuery {
                q: Some(mobile[3..].to_string()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(by_mobile.items.iter().any(|c| c.key == someone.key), "search by part of a mobile");

    let juzi_only = w
        .backend
        .list_customers(
            &admin(),
            CustomerQuery {
                vendor: Some(VendorId::Juzi),
                page_size: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(juzi_only.total > 0 && juzi_only.total < all.total);
    assert!(juzi_only.items.iter().all(|c| c.vendors.contains(&VendorId::Juzi)));
    let stage = all.facets.stages.first().cloned().unwrap();
    let staged = w
        .backend
        .list_customers(
            &admin(),
            CustomerQuery {
                stage: Some(stage.clone()),
                page_size: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(staged.total > 0 && staged.items.iter().all(|c| c.stages.iter().any(|s| s.value == stage)));
    let tag = all.facets.tags.first().cloned().unwrap();
    let tagged = w
        .backend
        .list_customers(
            &admin(),
            CustomerQuery {
                tag: Some(tag.clone()),
                page_size: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(tagged.total > 0 && tagged.items.iter().all(|c| c.tags.contains(&tag)));

    let p1 = w
        .backend
        .list_customers(
            &admin(),
            CustomerQuery {
                page: 1,
                page_size: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let p2 = w
        .backend
        .list_customers(
            &admin(),
            CustomerQuery {
                page: 2,
                page_size: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(p1.items.len(), 10);
    assert!(
        p1.items.iter().all(|a| p2.items.iter().all(|b| a.key != b.key)),
        "pages do not overlap"
    );
    let none = w
        .backend
        .list_customers(
            &admin(),
            CustomerQuery {
                q: Some("不存在的客户名字".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(none.total, 0);
}

#[tokio::test]
async fn reps_see_only_customers_they_follow() {
    let w = world(60).await;
    let liu = rep("LiuFuLai");
    let list = w
        .backend
        .list_customers(
            &liu,
            CustomerQuery {
                page_size: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(list.items.iter().any(|c| c.key == SEED_TANMA));
    assert!(
        list.items.iter().all(|c| c.reps.iter().any(|r| r.user_id == "LiuFuLai")),
        "only their own customers"
    );
    let admin_total = w.backend.list_customers(&admin(), CustomerQuery::default()).await.unwrap().total;
    assert!(list.total < admin_total);
    if !list.items.iter().any(|c| c.key == SEED_JUZI) {
        assert_eq!(w.backend.customer_detail(&liu, SEED_JUZI).await.unwrap_err(), AppError::Forbidden);
    }
    assert!(w.backend.customer_detail(&liu, SEED_TANMA).await.is_ok());
    assert_eq!(
        w.backend
            .customer_detail(&admin(), "wmNoSuchCustomer000000000000000")
            .await
            .unwrap_err(),
        AppError::NotFound
    );
}

#[tokio::test]
async fn seed_customer_timeline_shows_every_seed_record_parsed() {
    let w = world(40).await;
    let d = w.backend.customer_detail(&admin(), SEED_TANMA).await.unwrap();
    let tanma: Vec<_> = d.timeline.iter().filter(|i| i.entry.vendor == VendorId::Tanma).collect();
    assert_eq!(tanma.len(), 22, "all 22 records of seed 001");
    assert!(tanma.windows(2).all(|p| p[0].entry.at >= p[1].entry.at), "newest first");
    assert!(
        matches!(&tanma[0].entry.kind, FollowUpKind::Note { text } if text == "qq"),
        "the rep's note is the newest"
    );
    let stage_change = tanma
        .iter()
        .find(|i| matches!(&i.entry.kind, FollowUpKind::Change { text } if text == "将销售阶段:丢单 改为: 方案报价"))
        .unwrap();
    assert_eq!(
        stage_change.change,
        Some(ChangeLog::Changed {
            field: "销售阶段".into(),
            from: "丢单".into(),
            to: "方案报价".into()
        })
    );
    for item in &tanma {
        if let FollowUpKind::Change { text } = &item.entry.kind {
            assert_eq!(item.change.as_ref(), Some(&parse_change_log(text)));
            assert!(
                !matches!(item.change, Some(ChangeLog::Unparsed { .. })),
                "seed change log not understood: {text}"
            );
        }
    }
    let c = &d.customer;
    assert!(
        c.stages
            .iter()
            .any(|s| s.value == "需求确定11" && s.vendors == vec![VendorId::Tanma])
    );
    assert!(c.mobiles.iter().any(|m| m.value == "158xxxxxxxx"));
    assert!(c.custom_fields.iter().any(|(_, f)| f.label.trim() == "客户来源"));
    assert!(
        d.write_targets
            .iter()
            .any(|t| t.vendor == VendorId::Tanma && !t.note && t.limitation == Some(app::domain::WriteLimitation::NoWriteApi))
    );
}

#[tokio::test]
async fn a_failing_vendor_leaves_the_others_on_the_page() {
    let w = world(60).await;
    let universe = w.demo.universe.clone();
    let person = universe
        .customers
        .iter()
        .find(|p| p.presence.tanma && p.presence.weiling && p.presence.juzi)
        .unwrap();
    w.backend.index.refresh().await;
    w.demo
        .weiling_faults
        .set(FaultPlan {
            error: Some(InjectedError::Status(502)),
            ..Default::default()
        })
        .await;
    let d = w.backend.customer_detail(&admin(), &person.external_user_id).await.unwrap();
    let failure = d
        .customer
        .failures
        .iter()
        .find(|f| f.vendor == VendorId::Weiling)
        .expect("Weiling failure reported");
    assert!(vendor_failure_words(Locale::zh, failure).contains("卫瓴"));
    assert!(d.customer.sources.iter().any(|s| s.vendor == VendorId::Tanma));
    assert!(d.customer.sources.iter().any(|s| s.vendor == VendorId::Juzi));
    assert!(d.stale_since.is_some(), "Weiling's last good record is shown, marked stale");
    assert!(
        d.timeline.iter().any(|i| i.entry.vendor == VendorId::Tanma),
        "Tanma's timeline still shown"
    );
}

#[tokio::test]
async fn remark_limits_are_checked_before_anything_is_queued() {
    let w = world(40).await;
    let errs = [
        w.backend.set_remark(&admin(), SEED_JUZI, &"张".repeat(21), "", "t1").await,
        w.backend.set_remark(&admin(), SEED_JUZI, "", &"描".repeat(151), "t2").await,
        w.backend.set_remark(&admin(), SEED_JUZI, "  ", "", "t3").await,
        w.backend.add_note(&admin(), SEED_JUZI, "   ", "t4").await,
    ];
    for e in errs {
        assert!(matches!(e, Err(AppError::Invalid(_))), "{e:?}");
    }
    assert_eq!(w.backend.store.outbox_depth().await.unwrap(), 0);
    assert!(w.backend.store.outbox_for_customer(SEED_JUZI).await.unwrap().is_empty());
}

#[tokio::test]
async fn notes_and_remarks_reach_every_vendor_once_and_show_at_once() {
    let w = world(60).await;
    let person = w
        .demo
        .universe
        .customers
        .iter()
        .find(|p| p.presence.weiling && p.presence.juzi && p.union_id.is_some())
        .unwrap()
        .clone();
    let key = person.external_user_id.clone();
    let outcome = w
        .backend
        .add_note(&admin(), &key, "电话沟通，客户关注价格，下周二约演示", "note-1")
        .await
        .unwrap();
    assert_eq!(outcome.writes.len(), 2, "Juzibot and Weiling accept notes: {outcome:?}");
    assert!(outcome.writes.iter().all(|s| s.delivery == Delivery::Delivered), "{outcome:?}");
    // The same form submitted twice is not sent twice.
    let again = w
        .backend
        .add_note(&admin(), &key, "电话沟通，客户关注价格，下周二约演示", "note-1")
        .await
        .unwrap();
    assert_eq!(
        again.writes.iter().map(|s| s.id).collect::<Vec<_>>(),
        outcome.writes.iter().map(|s| s.id).collect::<Vec<_>>()
    );

    let union = person.union_id.clone().unwrap();
    let rep = outcome
        .writes
        .iter()
        .find(|s| s.vendor == VendorId::Juzi)
        .unwrap()
        .rep_user_id
        .clone();
    let follows = w.juzi_follows(&union, &rep).await;
    assert_eq!(
        follows.as_array().map(|a| a.len()),
        Some(1),
        "exactly one note at Juzibot: {follows}"
    );

    let d = w.backend.customer_detail(&admin(), &key).await.unwrap();
    let ours: Vec<_> = d
        .timeline
        .iter()
        .filter(|i| matches!(&i.entry.kind, FollowUpKind::Note { text } if text.contains("下周二约演示")))
        .collect();
    assert_eq!(
        ours.len(),
        2,
        "one per vendor, Weiling's not doubled by its own progress list: {ours:?}"
    );
    assert!(
        ours.iter()
            .any(|i| i.entry.vendor == VendorId::Juzi && i.delivery == Some(Delivery::Delivered))
    );

    let remark = w
        .backend
        .set_remark(&admin(), &key, "王总-云帆", "关注价格，下周二演示", "remark-1")
        .await
        .unwrap();
    assert!(remark.writes.iter().all(|s| s.delivery == Delivery::Delivered), "{remark:?}");
    let stored: serde_json::Value = w
        .http
        .get(w.sim_url(2, &format!("/__sim/juzi/remarks?unionId={union}&userId={rep}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(stored.to_string().contains("王总-云帆"), "{stored}");
}

#[tokio::test]
async fn a_note_survives_a_vendor_outage_and_is_delivered_later() {
    let w = world(60).await;
    let person = w
        .demo
        .universe
        .customers
        .iter()
        .find(|p| p.presence.juzi && !p.presence.weiling && p.union_id.is_some())
        .unwrap()
        .clone();
    w.backend.index.refresh().await;
    // Juzibot refuses connections' worth of work: every request gets a 503 (not processed).
    w.demo
        .juzi_faults
        .set(FaultPlan {
            error: Some(InjectedError::Status(503)),
            ..Default::default()
        })
        .await;
    let outcome = w
        .backend
        .add_note(&admin(), &person.external_user_id, "客户出差，下周再联系", "outage-1")
        .await
        .unwrap();
    let status = &outcome.writes[0];
    assert!(matches!(status.delivery, Delivery::Pending { .. }), "{status:?}");
    w.demo.juzi_faults.set(FaultPlan::default()).await;
    w.wait_for_state(status.id, OutboxState::Delivered).await;
    let union = person.union_id.unwrap();
    let follows = w.juzi_follows(&union, &status.rep_user_id).await;
    assert_eq!(follows.as_array().map(|a| a.len()), Some(1), "{follows}");
}

#[tokio::test]
async fn an_uncertain_juzi_note_is_never_sent_twice_blindly() {
    let w = world(60).await;
    let person = w
        .demo
        .universe
        .customers
        .iter()
        .find(|p| p.presence.juzi && !p.presence.weiling && p.union_id.is_some())
        .unwrap()
        .clone();
    w.backend.index.refresh().await;
    // A hang: the request may or may not have been processed when the client gave up.
    w.demo
        .juzi_faults
        .set(FaultPlan {
            hang: true,
            ..Default::default()
        })
        .await;
    let outcome = w
        .backend
        .add_note(&admin(), &person.external_user_id, "合同已发，等客户回签", "uncertain-1")
        .await
        .unwrap();
    let id = outcome.writes[0].id;
    w.demo.juzi_faults.set(FaultPlan::default()).await;
    let item = w.wait_for_state(id, OutboxState::Failed).await;
    assert!(
        DeliveryProblem::from_stored(&item.last_error.unwrap()) == DeliveryProblem::Unverifiable,
        "the rep is told to check before resending"
    );
    // The rep checked and resends: now it goes through, once.
    let resent = w.backend.retry_write(&admin(), &person.external_user_id, id).await.unwrap();
    assert_eq!(resent.writes[0].delivery, Delivery::Delivered);
    let union = person.union_id.unwrap();
    let follows = w.juzi_follows(&union, &resent.writes[0].rep_user_id).await;
    assert_eq!(follows.as_array().map(|a| a.len()), Some(1), "{follows}");
}

#[tokio::test]
async fn clues_list_newest_first_and_detail_resolves_options() {
    let w = world(40).await;
    let list = w.backend.list_clues(&admin(), None).await.unwrap();
    assert!(list.total > 0);
    assert!(list.items.windows(2).all(|p| p[0].created_at >= p[1].created_at));
    let next = w.backend.list_clues(&admin(), list.next.clone()).await.unwrap();
    assert!(
        next.items
            .iter()
            .all(|b| list.items.iter().all(|a| a.id != b.id || a.vendor != b.vendor))
    );
    let seed = w
        .backend
        .clue_detail(&admin(), VendorId::Tanma, "410983932389440")
        .await
        .unwrap()
        .clue;
    let stage = seed.fields.iter().find(|f| f.key == "customer_stage").unwrap();
    assert!(
        matches!(&stage.value, app::domain::FieldValue::Choice { id, label: Some(_) } if id == "396823724189760"),
        "{stage:?}"
    );
    let mobile = seed.fields.iter().find(|f| f.key == "mobile").unwrap();
    assert_eq!(mobile.value, app::domain::FieldValue::Mobiles(vec!["145678388".into()]));
    assert_eq!(
        w.backend.clue_detail(&admin(), VendorId::Tanma, "1").await.unwrap_err(),
        AppError::NotFound
    );
}
