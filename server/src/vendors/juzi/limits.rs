//! Juzibot's documented limits, in one place, and the checks run before anything is sent.
//! The hub forwards remarks to WeCom, whose limits are the same (VENDORS.md §4), so refusing
//! early spares a round trip and gives the rep a precise reason.
//!
//! Lengths are counted in characters (Unicode scalar values), not bytes: "张总" is 2. An emoji
//! such as 👍 counts 1; a multi-code-point emoji (👨‍👩‍👧 = 5 scalars) counts every scalar, which
//! errs on the strict side.

use app::domain::{VendorErrorKind, VendorId};

use super::wire::{FollowItem, RemarkItem};
use crate::vendors::VendorError;

/// `customer/list` `pageSize` maximum.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// `set_remark` `remark` maximum, in characters: WeCom's, which seed 004 states (one source
/// with the form's check, `app::domain::limits`).
pub const MAX_REMARK_CHARS: usize = app::domain::REMARK_MAX_CHARS;
/// `set_remark` `description` maximum, in characters (WeCom's, as above).
pub const MAX_DESCRIPTION_CHARS: usize = app::domain::DESCRIPTION_MAX_CHARS;
/// `set_remark` items per call.
pub const MAX_REMARK_ITEMS: usize = 50;
/// `add_follow` items per call.
pub const MAX_FOLLOW_ITEMS: usize = 500;

/// Why an item cannot be sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("remark is {chars} characters; Juzibot allows at most {MAX_REMARK_CHARS}")]
    RemarkTooLong { chars: usize },
    #[error("description is {chars} characters; Juzibot allows at most {MAX_DESCRIPTION_CHARS}")]
    DescriptionTooLong { chars: usize },
    #[error("remark and description cannot both be empty")]
    NothingToSet,
    #[error("a follow-up note needs at least one text")]
    NoText,
    #[error("follow-up text {index} is empty")]
    EmptyContent { index: usize },
    #[error("the rep's WeCom user id (userId) is empty")]
    MissingUserId,
    /// v1 writes are keyed by unionId + userId; a customer without a unionId cannot be addressed.
    #[error(
        "Juzibot v1 writes address a customer by unionId + userId, and this customer has no unionId \
         (WeCom returns one only for WeChat users of a corp bound to a WeChat Open Platform account), \
         so it cannot be written through Juzibot"
    )]
    MissingUnionId,
}

impl LimitError {
    /// A customer without a unionId is not bad input: the vendor's API just cannot address it.
    pub fn kind(&self) -> VendorErrorKind {
        match self {
            LimitError::MissingUnionId => VendorErrorKind::Unsupported,
            _ => VendorErrorKind::InvalidInput,
        }
    }

    /// The error reported for `endpoint`; the message is kept so the rep sees the reason.
    pub fn to_vendor_error(&self, endpoint: &str) -> VendorError {
        let reason = self.to_string();
        VendorError::new(VendorId::Juzi, endpoint, self.kind(), format!("refused before sending: {reason}")).with_vendor_message(reason)
    }
}

pub fn char_count(text: &str) -> usize {
    text.chars().count()
}

fn is_blank(text: Option<&str>) -> bool {
    text.is_none_or(|t| t.trim().is_empty())
}

/// The unionId a write needs, or why there is none.
pub fn require_union_id(union_id: Option<&str>) -> Result<&str, LimitError> {
    match union_id.map(str::trim) {
        Some(u) if !u.is_empty() => Ok(u),
        _ => Err(LimitError::MissingUnionId),
    }
}

pub fn check_remark_item(item: &RemarkItem) -> Result<(), LimitError> {
    require_union_id(Some(&item.union_id))?;
    if item.user_id.trim().is_empty() {
        return Err(LimitError::MissingUserId);
    }
    if is_blank(item.remark.as_deref()) && is_blank(item.description.as_deref()) {
        return Err(LimitError::NothingToSet);
    }
    if let Some(remark) = &item.remark {
        let chars = char_count(remark);
        if chars > MAX_REMARK_CHARS {
            return Err(LimitError::RemarkTooLong { chars });
        }
    }
    if let Some(description) = &item.description {
        let chars = char_count(description);
        if chars > MAX_DESCRIPTION_CHARS {
            return Err(LimitError::DescriptionTooLong { chars });
        }
    }
    Ok(())
}

pub fn check_follow_item(item: &FollowItem) -> Result<(), LimitError> {
    require_union_id(Some(&item.union_id))?;
    if item.user_id.trim().is_empty() {
        return Err(LimitError::MissingUserId);
    }
    if item.text.is_empty() {
        return Err(LimitError::NoText);
    }
    if let Some(index) = item.text.iter().position(|t| t.content.trim().is_empty()) {
        return Err(LimitError::EmptyContent { index });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::juzi::wire::FollowText;

    fn remark(remark: Option<&str>, description: Option<&str>) -> RemarkItem {
        RemarkItem {
            user_id: "rocky".into(),
            union_id: "ozynqsulJFCZ2z1aYeS8h-nuasdAAA".into(),
            remark: remark.map(Into::into),
            description: description.map(Into::into),
        }
    }

    #[test]
    fn chinese_counts_characters_not_bytes() {
        assert_eq!(char_count("张总"), 2);
        assert_eq!("张总".len(), 6);
        let twenty = "张".repeat(20);
        assert_eq!(twenty.len(), 60);
        assert_eq!(check_remark_item(&remark(Some(&twenty), None)), Ok(()));
        let twenty_one = "张".repeat(21);
        assert_eq!(
            check_remark_item(&remark(Some(&twenty_one), None)),
            Err(LimitError::RemarkTooLong { chars: 21 })
        );
    }

    #[test]
    fn emoji_at_and_over_the_remark_limit() {
        let at = format!("{}{}", "👍".repeat(10), "好客户很重要的人啊哈"); // 10 emoji + 10 Chinese
        assert_eq!(char_count(&at), 20);
        assert_eq!(check_remark_item(&remark(Some(&at), None)), Ok(()));
        let over = format!("{at}🎉");
        assert_eq!(
            check_remark_item(&remark(Some(&over), None)),
            Err(LimitError::RemarkTooLong { chars: 21 })
        );
    }

    #[test]
    fn description_limit_is_150_characters() {
        let at = "描".repeat(149) + "😀";
        assert_eq!(check_remark_item(&remark(None, Some(&at))), Ok(()));
        let over = "描".repeat(150) + "😀";
        assert_eq!(
            check_remark_item(&remark(None, Some(&over))),
            Err(LimitError::DescriptionTooLong { chars: 151 })
        );
    }

    #[test]
    fn remark_and_description_cannot_both_be_empty() {
        assert_eq!(check_remark_item(&remark(None, None)), Err(LimitError::NothingToSet));
        assert_eq!(check_remark_item(&remark(Some(""), Some("  "))), Err(LimitError::NothingToSet));
        // Clearing the remark while setting a description is allowed.
        assert_eq!(check_remark_item(&remark(Some(""), Some("大客户"))), Ok(()));
    }

    #[test]
    fn writes_need_union_id_and_user_id() {
        let mut item = remark(Some("张总"), None);
        item.union_id = " ".into();
        let err = check_remark_item(&item).unwrap_err();
        assert_eq!(err, LimitError::MissingUnionId);
        assert_eq!(err.kind(), VendorErrorKind::Unsupported);
        let ve = err.to_vendor_error("/api/v1/customer/set_remark");
        assert_eq!(ve.kind, VendorErrorKind::Unsupported);
        assert!(ve.detail.contains("unionId"), "{}", ve.detail);
        let mut item = remark(Some("张总"), None);
        item.user_id = String::new();
        assert_eq!(check_remark_item(&item), Err(LimitError::MissingUserId));
        assert_eq!(require_union_id(None), Err(LimitError::MissingUnionId));
        assert_eq!(require_union_id(Some("ozy")), Ok("ozy"));
    }

    #[test]
    fn follow_content_must_not_be_empty() {
        let text = |c: &str| FollowText {
            content: c.into(),
            timestamp: None,
        };
        let mut item = FollowItem {
            union_id: "ozy".into(),
            user_id: "rocky".into(),
            text: vec![text("这是跟进记录1 🙂")],
        };
        assert_eq!(check_follow_item(&item), Ok(()));
        item.text.push(text(" "));
        assert_eq!(check_follow_item(&item), Err(LimitError::EmptyContent { index: 1 }));
        item.text.clear();
        assert_eq!(check_follow_item(&item), Err(LimitError::NoText));
        let err = LimitError::RemarkTooLong { chars: 21 }.to_vendor_error("/api/v1/customer/set_remark?token=secret");
        assert_eq!(err.kind, VendorErrorKind::InvalidInput);
        assert_eq!(err.endpoint, "/api/v1/customer/set_remark");
        assert!(err.vendor_message.as_deref().is_some_and(|m| m.contains("at most 20")));
    }
}
