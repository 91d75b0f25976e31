//! WeCom's limits on remark edits (VENDORS.md §4; Juzibot seed 004) and follow-up notes,
//! checked in the browser as the rep types and again on the server before anything is sent.
//! Lengths are in characters, not bytes: "张总" is 2, and counted after [`normalize_text`]
//! (a line break is one character however the browser posted it).

use serde::{Deserialize, Serialize};

/// WeCom's remark and description limits: the one source for the form's check and for the
/// vendors that forward remarks to WeCom (Juzibot states them in seed 004, Weiling forwards).
pub const REMARK_MAX_CHARS: usize = 20;
pub const DESCRIPTION_MAX_CHARS: usize = 150;
/// Weiling's progress content limit; the strictest of the vendors that accept notes.
pub const NOTE_MAX_CHARS: usize = 1000;

/// What the limits found in typed text: a code (the serde tag) and, where it helps, the
/// count; the page words it from `locales/*/forms.json`. A code read back from a form post's
/// redirect has no count (`chars` 0).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum InputError {
    RemarkTooLong {
        #[serde(default)]
        chars: usize,
    },
    DescriptionTooLong {
        #[serde(default)]
        chars: usize,
    },
    RemarkAndDescriptionEmpty,
    NoteEmpty,
    NoteTooLong {
        #[serde(default)]
        chars: usize,
    },
    // The next follow-up (`domain::today`): its plan, and when.
    PlanEmpty,
    PlanTooLong {
        #[serde(default)]
        chars: usize,
    },
    /// Missing, or not a date and time (year-month-day hour:minute).
    DueInvalid,
    /// Before today (Beijing).
    DuePast,
}

impl InputError {
    /// Which form field the message belongs next to.
    pub fn field(&self) -> &'static str {
        match self {
            InputError::RemarkTooLong { .. } | InputError::RemarkAndDescriptionEmpty => "remark",
            InputError::DescriptionTooLong { .. } => "description",
            InputError::NoteEmpty | InputError::NoteTooLong { .. } => "note",
            InputError::PlanEmpty | InputError::PlanTooLong { .. } => "plan",
            InputError::DueInvalid | InputError::DuePast => "due",
        }
    }
}

pub fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// Which field a text is typed into: a remark is one line, a description and a note may
/// span several.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextField {
    Remark,
    Description,
    Note,
}

/// Zero-width joiners: kept only between two visible characters (emoji sequences such as
/// 👨‍👩‍👧, Indic conjuncts), dropped anywhere else.
const JOINERS: [char; 2] = ['\u{200C}', '\u{200D}'];

/// Characters never kept: control characters other than line breaks and tabs (NUL, DEL, the
/// C1 range), zero-width space, word joiner, byte-order mark, U+FFFD (what form decoding
/// leaves for bytes that were not UTF-8 and for unpaired surrogates), and the bidi
/// embeddings, overrides and isolates (U+202A–202E, U+2066–2069): "R\u{202E}gnp.bat" would
/// show as "Rtab.png" and reorder whatever follows it on a page.
fn never_kept(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{FFFD}') || is_bidi_control(c)
}

/// The bidi embedding, override and isolate controls.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The one normalisation of typed text, before it is counted, checked, stored or sent:
/// CRLF and lone CR become LF (browsers post textarea line breaks as CRLF); invisible and
/// control characters are dropped ([`never_kept`], [`JOINERS`]); a remark's line breaks and
/// tabs become spaces; leading and trailing whitespace is trimmed.
pub fn normalize_text(field: TextField, text: &str) -> String {
    let one_line = field == TextField::Remark;
    let mut kept: Vec<char> = Vec::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' | '\t' => {
                if c == '\r' {
                    chars.next_if_eq(&'\n');
                }
                let c = if c == '\t' { '\t' } else { '\n' };
                kept.push(if one_line { ' ' } else { c });
            }
            c if never_kept(c) => {}
            c => kept.push(c),
        }
    }
    let visible = |c: Option<&char>| c.is_some_and(|c| !c.is_whitespace() && !JOINERS.contains(c));
    let mut out = String::with_capacity(text.len());
    for (i, &c) in kept.iter().enumerate() {
        if JOINERS.contains(&c) && !(i > 0 && visible(kept.get(i - 1)) && visible(kept.get(i + 1))) {
            continue;
        }
        out.push(c);
    }
    out.trim().to_string()
}

/// A remark/description edit, normalised and checked: the texts to store and send, or every
/// problem found. Empty means nothing but whitespace and invisible characters.
pub fn checked_remark(remark: &str, description: &str) -> Result<(String, String), Vec<InputError>> {
    let remark = normalize_text(TextField::Remark, remark);
    let description = normalize_text(TextField::Description, description);
    let mut errors = Vec::new();
    if remark.is_empty() && description.is_empty() {
        errors.push(InputError::RemarkAndDescriptionEmpty);
    }
    let r = char_count(&remark);
    if r > REMARK_MAX_CHARS {
        errors.push(InputError::RemarkTooLong { chars: r });
    }
    let d = char_count(&description);
    if d > DESCRIPTION_MAX_CHARS {
        errors.push(InputError::DescriptionTooLong { chars: d });
    }
    if errors.is_empty() {
        Ok((remark, description))
    } else {
        Err(errors)
    }
}

/// A follow-up note, normalised and checked.
pub fn checked_note(text: &str) -> Result<String, Vec<InputError>> {
    let text = normalize_text(TextField::Note, text);
    let n = char_count(&text);
    if n == 0 {
        Err(vec![InputError::NoteEmpty])
    } else if n > NOTE_MAX_CHARS {
        Err(vec![InputError::NoteTooLong { chars: n }])
    } else {
        Ok(text)
    }
}

/// The problems with a remark/description edit (none: it can be sent).
pub fn validate_remark(remark: &str, description: &str) -> Vec<InputError> {
    checked_remark(remark, description).err().unwrap_or_default()
}

pub fn validate_note(text: &str) -> Vec<InputError> {
    checked_note(text).err().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        assert!(
            validate_remark("张总-云帆信息科技有限公司华东大区负责人", "").is_empty(),
            "20 characters fit"
        );
        assert_eq!(
            validate_remark("张总-云帆信息科技有限公司华东大区负责人甲", ""),
            vec![InputError::RemarkTooLong { chars: 21 }]
        );
        assert!(
            validate_remark("🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶🐶", "").is_empty(),
            "emoji count as one each"
        );
        assert_eq!(
            validate_remark("", &"描".repeat(151)),
            vec![InputError::DescriptionTooLong { chars: 151 }]
        );
    }

    #[test]
    fn empty_edits_and_notes_are_refused() {
        assert_eq!(validate_remark("  ", "\n"), vec![InputError::RemarkAndDescriptionEmpty]);
        assert_eq!(validate_note("   "), vec![InputError::NoteEmpty]);
        assert_eq!(validate_note(&"字".repeat(1001)), vec![InputError::NoteTooLong { chars: 1001 }]);
        assert!(validate_note("电话沟通，下周二演示").is_empty());
        assert_eq!(InputError::RemarkAndDescriptionEmpty.field(), "remark");
    }

    #[test]
    fn line_breaks_count_once_however_they_were_posted() {
        assert_eq!(normalize_text(TextField::Note, "一\r\n二\r三\n四"), "一\n二\n三\n四");
        assert_eq!(char_count(&normalize_text(TextField::Description, "ab\r\ncd")), 5);
        // 150 characters with line breaks, as a browser posts them (CRLF): accepted.
        let lines = ["描".repeat(49), "述".repeat(49), "文".repeat(50)].join("\r\n");
        assert_eq!(char_count(&lines), 152, "CRLF pairs");
        let (_, stored) = checked_remark("", &lines).expect("150 characters fit");
        assert_eq!(char_count(&stored), 150);
        assert!(!stored.contains('\r'));
        // A remark is one line: its breaks and tabs become spaces.
        assert_eq!(normalize_text(TextField::Remark, "王总\r\n云帆\t华东"), "王总 云帆 华东");
    }

    #[test]
    fn invisible_and_control_characters_are_dropped() {
        let invisible = "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}\u{0}\u{7F}\u{85}\u{FFFD}";
        assert_eq!(checked_note(invisible), Err(vec![InputError::NoteEmpty]));
        assert_eq!(
            checked_remark(invisible, &format!(" {invisible}\r\n")),
            Err(vec![InputError::RemarkAndDescriptionEmpty])
        );
        assert_eq!(checked_note("电话\u{0}沟通\u{200B}\u{1B}[31m").as_deref(), Ok("电话沟通[31m"));
        assert!(
            !normalize_text(TextField::Note, "a\u{0}b").contains('\0'),
            "never a NUL to a vendor"
        );
        assert_eq!(normalize_text(TextField::Note, "a\tb"), "a\tb", "tabs stay in notes");
        // Joiners stay inside emoji sequences and words, go elsewhere.
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(normalize_text(TextField::Remark, family), family);
        assert_eq!(normalize_text(TextField::Remark, "\u{200D}张总\u{200D} \u{200C}"), "张总");
    }

    #[test]
    fn bidi_controls_are_dropped_from_what_reps_type() {
        assert_eq!(normalize_text(TextField::Remark, "R\u{202E}gnp.bat"), "Rgnp.bat");
        let every: String = ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}').collect();
        assert_eq!(every.chars().count(), 9);
        assert_eq!(checked_note(&every), Err(vec![InputError::NoteEmpty]));
        assert_eq!(
            normalize_text(TextField::Note, &format!("א{every}b")),
            "אb",
            "right-to-left text itself stays"
        );
    }
}
