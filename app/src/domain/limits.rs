//! WeCom's limits on remark edits (VENDORS.md §4; Juzibot seed 004) and follow-up notes,
//! checked in the browser as the rep types and again on the server before anything is sent.
//! Lengths are in characters, not bytes: "张总" is 2.

use serde::{Deserialize, Serialize};

pub const REMARK_MAX_CHARS: usize = 20;
pub const DESCRIPTION_MAX_CHARS: usize = 150;
/// Weiling's progress content limit; the strictest of the vendors that accept notes.
pub const NOTE_MAX_CHARS: usize = 1000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum InputError {
    RemarkTooLong { chars: usize },
    DescriptionTooLong { chars: usize },
    RemarkAndDescriptionEmpty,
    NoteEmpty,
    NoteTooLong { chars: usize },
}

impl InputError {
    /// Which form field the message belongs next to.
    pub fn field(&self) -> &'static str {
        match self {
            InputError::RemarkTooLong { .. } | InputError::RemarkAndDescriptionEmpty => "remark",
            InputError::DescriptionTooLong { .. } => "description",
            InputError::NoteEmpty | InputError::NoteTooLong { .. } => "note",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            InputError::RemarkTooLong { chars } => format!("备注最多 {REMARK_MAX_CHARS} 个字，当前 {chars} 个字。"),
            InputError::DescriptionTooLong { chars } => format!("描述最多 {DESCRIPTION_MAX_CHARS} 个字，当前 {chars} 个字。"),
            InputError::RemarkAndDescriptionEmpty => "备注和描述不能同时为空。".into(),
            InputError::NoteEmpty => "跟进内容不能为空。".into(),
            InputError::NoteTooLong { chars } => format!("跟进内容最多 {NOTE_MAX_CHARS} 个字，当前 {chars} 个字。"),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            InputError::RemarkTooLong { chars } => format!("Remark: at most {REMARK_MAX_CHARS} characters ({chars} now)."),
            InputError::DescriptionTooLong { chars } => format!("Description: at most {DESCRIPTION_MAX_CHARS} characters ({chars} now)."),
            InputError::RemarkAndDescriptionEmpty => "Remark and description cannot both be empty.".into(),
            InputError::NoteEmpty => "The note cannot be empty.".into(),
            InputError::NoteTooLong { chars } => format!("Note: at most {NOTE_MAX_CHARS} characters ({chars} now)."),
        }
    }
}

pub fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// Checks a remark/description edit; both are trimmed first. Returns every problem found.
pub fn validate_remark(remark: &str, description: &str) -> Vec<InputError> {
    let (remark, description) = (remark.trim(), description.trim());
    let mut errors = Vec::new();
    if remark.is_empty() && description.is_empty() {
        errors.push(InputError::RemarkAndDescriptionEmpty);
    }
    let r = char_count(remark);
    if r > REMARK_MAX_CHARS {
        errors.push(InputError::RemarkTooLong { chars: r });
    }
    let d = char_count(description);
    if d > DESCRIPTION_MAX_CHARS {
        errors.push(InputError::DescriptionTooLong { chars: d });
    }
    errors
}

pub fn validate_note(text: &str) -> Vec<InputError> {
    let text = text.trim();
    let n = char_count(text);
    if n == 0 {
        vec![InputError::NoteEmpty]
    } else if n > NOTE_MAX_CHARS {
        vec![InputError::NoteTooLong { chars: n }]
    } else {
        Vec::new()
    }
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
}
