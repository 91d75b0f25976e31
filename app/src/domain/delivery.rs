//! Writes a rep sent through SalesDesk (remarks, notes) and where each stands on its way to
//! the vendor. Why a write has not arrived travels as a code ([`DeliveryProblem`]); the page
//! words it from the locales.

use serde::{Deserialize, Serialize};

use super::{EpochMs, VendorFailure, VendorId};

/// Where a write SalesDesk sent stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Delivery {
    /// Committed locally, waiting to reach the vendor (待发送); why the last attempt failed.
    Pending {
        attempts: i64,
        last_problem: Option<DeliveryProblem>,
    },
    /// The vendor accepted it (已送达).
    Delivered,
    /// The vendor refused it or SalesDesk gave up (失败).
    Failed { problem: DeliveryProblem },
}

/// Why a write has not reached its vendor: stored with the outbox row, shown beside the
/// write and in the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum DeliveryProblem {
    /// SalesDesk has no connection to this vendor configured (any more).
    VendorNotConfigured,
    /// The vendor answered with a failure: refused the write, or failed this attempt.
    Vendor { failure: VendorFailure },
    /// The vendor kept failing; SalesDesk stopped retrying. The last failure.
    RetriesExhausted { failure: VendorFailure },
    /// An earlier attempt got no clear answer and this vendor cannot list follow-ups, so
    /// whether the note arrived cannot be checked; resending might add it twice.
    Unverifiable,
    /// The reason could not be read back (a row written by an older SalesDesk).
    Unrecorded,
}

impl DeliveryProblem {
    /// The stored form (the outbox's `last_error` column, the audit detail).
    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"code":"unrecorded"}"#.into())
    }

    /// Reads the stored form back; anything else reads as [`DeliveryProblem::Unrecorded`].
    pub fn from_stored(stored: &str) -> DeliveryProblem {
        serde_json::from_str(stored).unwrap_or(DeliveryProblem::Unrecorded)
    }

    /// The vendor failure behind it, if any.
    pub fn vendor_failure(&self) -> Option<&VendorFailure> {
        match self {
            DeliveryProblem::Vendor { failure } | DeliveryProblem::RetriesExhausted { failure } => Some(failure),
            _ => None,
        }
    }
}

/// What a write carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WriteContent {
    Remark {
        remark: Option<String>,
        description: Option<String>,
    },
    Note {
        text: String,
    },
}

impl WriteContent {
    /// A language-neutral one-line form for the audit log.
    pub fn audit_detail(&self) -> String {
        match self {
            WriteContent::Note { text } => text.clone(),
            WriteContent::Remark { remark, description } => {
                let field = |name: &str, v: &Option<String>| v.as_ref().filter(|v| !v.is_empty()).map(|v| format!("{name}={v}"));
                [field("remark", remark), field("description", description)]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" / ")
            }
        }
    }
}

/// One write a rep made through SalesDesk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WriteStatus {
    pub id: i64,
    pub vendor: VendorId,
    pub content: WriteContent,
    /// Whose relationship the write went to (WeCom user id at that vendor).
    pub rep_user_id: String,
    pub author: Option<String>,
    pub created_at: EpochMs,
    pub delivery: Delivery,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::VendorErrorKind;

    #[test]
    fn problems_are_stored_as_codes_and_read_back() {
        let failure: VendorFailure =
            serde_json::from_str(r#"{"vendor":"juzi","kind":"invalid_input","vendor_code":-1,"vendor_message":"bad"}"#).unwrap();
        for problem in [
            DeliveryProblem::VendorNotConfigured,
            DeliveryProblem::Vendor { failure: failure.clone() },
            DeliveryProblem::RetriesExhausted { failure: failure.clone() },
            DeliveryProblem::Unverifiable,
        ] {
            let stored = problem.to_stored();
            assert!(stored.starts_with(r#"{"code":""#), "{stored}");
            assert_eq!(DeliveryProblem::from_stored(&stored), problem);
        }
        assert_eq!(
            DeliveryProblem::VendorNotConfigured.to_stored(),
            r#"{"code":"vendor_not_configured"}"#
        );
        assert_eq!(
            DeliveryProblem::RetriesExhausted { failure }.vendor_failure().map(|f| f.kind),
            Some(VendorErrorKind::InvalidInput)
        );
        // A sentence an older version stored is not shown as text.
        assert_eq!(DeliveryProblem::from_stored("多次重试仍未成功：<b>"), DeliveryProblem::Unrecorded);
    }

    #[test]
    fn the_audit_detail_names_the_fields() {
        let remark = WriteContent::Remark {
            remark: Some("张总".into()),
            description: Some(String::new()),
        };
        assert_eq!(remark.audit_detail(), "remark=张总");
        let both = WriteContent::Remark {
            remark: Some("张总".into()),
            description: Some("预算充足".into()),
        };
        assert_eq!(both.audit_detail(), "remark=张总 / description=预算充足");
        assert_eq!(WriteContent::Note { text: "回访".into() }.audit_detail(), "回访");
    }
}
