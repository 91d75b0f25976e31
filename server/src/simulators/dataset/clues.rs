//! Clues (线索 / 待分配客户) in Tanma's seed 002 shape, some held by Weiling too. A
//! converted clue is the customer it became (same name and mobiles).

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::catalogue::{Catalogue, GROUP_INDUSTRY, GROUP_PRODUCT, GROUP_SOURCE, RETIRED_OPTION_IDS, option_id, tag_id};
use super::generate::{DAY, HOUR, company, gender_draw, person_name, pick, sorted_times, surname_of, weighted};
use super::ids::{self, STREAM_CLUE, beijing_date, beijing_ms, record_rng};
use super::names::{CITIES, LEGAL_PERSONS, PRODUCTS, STREETS};
use super::seeds;
use super::text::{self, NoteContext};
use super::types::*;
use super::{CLUE_FIELDS, gender_label};

const RETIRED_STAGE_OPTION: &str = RETIRED_OPTION_IDS[0];
const RETIRED_SOURCE_OPTION: &str = RETIRED_OPTION_IDS[1];

/// Id bases: clue follow-ups get 8 slots per clue, more than any clue uses.
const CLUE_FOLLOW_ID_BASE: i64 = 1_000_000_000;
const CLUE_ID_BASE: i64 = 420_000_000_000_000;
const WEILING_CLUE_ID_BASE: u64 = 1_800_000_000_000_000_000;

pub(super) fn clue(opts: &UniverseOptions, cat: &Catalogue, j: usize, customers: &mut [Person]) -> ClueRecord {
    if j == 0 {
        return seed002_clue();
    }
    let mut rng = record_rng(opts.seed, STREAM_CLUE + j as u64);
    let now = opts.now_ms;
    let customer_id = CLUE_ID_BASE + j as i64 * 1024 + rng.random_range(0..1024);
    let kind = if rng.random_bool(0.8) { 1 } else { 2 };
    let created_at_ms = now - rng.random_range(HOUR..400 * DAY);
    let converted_customer = (rng.random_bool(0.3) && !customers.is_empty()).then(|| rng.random_range(0..customers.len()));
    let converted_at_ms = converted_customer.map(|_| rng.random_range(created_at_ms..=now));
    let updated_at_ms = rng.random_range(converted_at_ms.unwrap_or(created_at_ms)..=now);

    // A converted clue is the customer it became; a fresh one is a new person.
    let (name, mobiles, gender, corp, stage, intention, source, industry) = match converted_customer.and_then(|i| customers.get(i)) {
        Some(c) => (
            c.name.clone(),
            c.mobiles.clone(),
            c.gender,
            Some(c.company.clone()),
            c.stage.clone(),
            c.intention.clone(),
            c.source.clone(),
            c.industry.clone(),
        ),
        None => {
            let gender = gender_draw(&mut rng);
            let (_, name) = person_name(&mut rng, gender);
            let count = if rng.random_bool(0.15) { 2 } else { 1 };
            let mobiles = (0..count)
                .map(|k| ids::mobile(&mut rng, ids::CLUE_MOBILE_SERIAL_BASE + j as u64 * 2 + k))
                .collect();
            let (industry, company, ..) = company(&mut rng);
            let corp = rng.random_bool(0.7).then_some(company);
            let stage = STAGES[weighted(&mut rng, &[60, 25, 10, 5, 0, 0])].to_owned();
            (
                name,
                mobiles,
                gender,
                corp,
                stage,
                pick(&mut rng, &INTENTIONS).to_owned(),
                pick(&mut rng, &SOURCES).to_owned(),
                industry.to_owned(),
            )
        }
    };

    let sets = &cat.options;
    let maybe = |rng: &mut ChaCha8Rng, p: f64, v: Option<String>| if rng.random_bool(p) { v } else { None };
    let source_value = if rng.random_bool(0.04) {
        Some(RETIRED_SOURCE_OPTION.to_owned())
    } else {
        maybe(&mut rng, 0.8, option_id(sets, "customer_source", &source))
    };
    // Every 17th clue carries a retired stage option, so small universes have some too.
    let stage_value = if j % 17 == 5 {
        Some(RETIRED_STAGE_OPTION.to_owned())
    } else {
        maybe(&mut rng, 0.9, option_id(sets, "customer_stage", &stage))
    };
    let gender_value = maybe(&mut rng, 0.6, option_id(sets, "gender", gender_label(gender).unwrap_or("未知")));
    let intention_value = maybe(&mut rng, 0.6, option_id(sets, "purchase_intention", &intention));
    let city = pick(&mut rng, &CITIES);
    let description = rng
        .random_bool(0.6)
        .then(|| text::description(&mut rng, city, &industry, None))
        .filter(|d| !d.is_empty());
    let address = rng
        .random_bool(0.4)
        .then(|| format!("{city}市{}{}号", pick(&mut rng, &STREETS), rng.random_range(1..999)));
    let birthday = rng
        .random_bool(0.35)
        .then(|| beijing_date(rng.random_range(beijing_ms(1965, 1, 1, 12, 0, 0)..beijing_ms(2001, 1, 1, 12, 0, 0))));
    let mobile_json = format!("[{}]", mobiles.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(","));

    let fields = CLUE_FIELDS
        .iter()
        .map(|def| ClueField {
            alias: def.alias,
            field_type: def.field_type,
            value: match def.alias {
                "customer_source" => source_value.clone(),
                "description" => description.clone(),
                "mobile" => Some(mobile_json.clone()),
                "address" => address.clone(),
                "birthday" => birthday.clone(),
                "corp_name" => corp.clone(),
                "name" => Some(name.clone()),
                "purchase_intention" => intention_value.clone(),
                "gender" => gender_value.clone(),
                _ => stage_value.clone(),
            },
        })
        .collect();

    let mut tag_ids = Vec::new();
    if rng.random_bool(0.5) {
        tag_ids.extend(tag_id(cat, GROUP_INDUSTRY, &industry));
    }
    if rng.random_bool(0.4) {
        tag_ids.extend(tag_id(cat, GROUP_PRODUCT, pick(&mut rng, &PRODUCTS)));
    }
    if rng.random_bool(0.3) {
        tag_ids.extend(tag_id(cat, GROUP_SOURCE, &source));
    }

    let company = corp.as_ref().filter(|_| rng.random_bool(0.6)).map(|corp_name| CompanyInfo {
        name: corp_name.clone(),
        credit_code: ids::credit_code(&mut rng),
        legal_person: pick(&mut rng, &LEGAL_PERSONS).to_owned(),
        industry: industry.clone(),
        registered_capital: format!("{}万人民币", [100, 200, 500, 1000, 3000, 5000][rng.random_range(0..6)]),
        address: format!("{city}市{}{}号", pick(&mut rng, &STREETS), rng.random_range(1..999)),
    });
    let owner = rng.random_bool(0.7).then(|| rng.random_range(0..cat.reps.len()));

    let ctx = NoteContext {
        surname: surname_of(&name),
        company_short: corp.as_deref().unwrap_or("客户"),
        position: None,
        stage: &stage,
    };
    let follow_count = rng.random_range(0..=3);
    let follow_ups = sorted_times(&mut rng, follow_count, created_at_ms, now)
        .into_iter()
        .enumerate()
        .map(|(k, created_at_ms)| TanmaFollow {
            id: CLUE_FOLLOW_ID_BASE + j as i64 * 8 + k as i64,
            rep: owner.unwrap_or(0),
            created_at_ms,
            content: text::note(&mut rng, &ctx),
            follow_type: FOLLOW_NOTE,
        })
        .collect();

    let (in_tanma, in_weiling) = [(true, false), (true, true), (false, true)][weighted(&mut rng, &[70, 15, 15])];
    let weiling_clue_id = in_weiling.then(|| (WEILING_CLUE_ID_BASE + j as u64).to_string());
    if let (Some(id), Some(c)) = (&weiling_clue_id, converted_customer)
        && let Some(w) = customers.get_mut(c).and_then(|p| p.weiling.as_mut())
    {
        w.clue_ids.push(id.clone());
    }

    ClueRecord {
        index: j,
        customer_id,
        name,
        mobiles,
        is_clue: converted_customer.is_none(),
        kind,
        fields,
        tag_ids,
        created_at_ms,
        updated_at_ms,
        converted_at_ms,
        converted_customer,
        company,
        owner,
        follow_ups,
        in_tanma,
        weiling_clue_id,
    }
}

fn seed002_clue() -> ClueRecord {
    let fields = seeds::SEED002_FIELDS
        .iter()
        .map(|&(alias, field_type, value)| ClueField {
            alias,
            field_type,
            value: value.map(str::to_owned),
        })
        .collect();
    ClueRecord {
        index: 0,
        customer_id: seeds::SEED002_CLUE_ID,
        name: seeds::SEED002_NAME.to_owned(),
        mobiles: vec![seeds::SEED002_MOBILE.to_owned()],
        is_clue: seeds::SEED002_IS_CLUE,
        kind: seeds::SEED002_TYPE,
        fields,
        tag_ids: Vec::new(),
        created_at_ms: seeds::SEED002_CREATE_TIME,
        updated_at_ms: seeds::SEED002_LAST_UPDATE_TIME,
        converted_at_ms: None,
        converted_customer: None,
        company: None,
        owner: None,
        follow_ups: Vec::new(),
        in_tanma: true,
        weiling_clue_id: None,
    }
}
