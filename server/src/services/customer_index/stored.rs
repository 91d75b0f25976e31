//! The customer list as stored in the database: the packed list itself — its rows, search
//! text and filter menus, and the vendors' records in their compressed blocks — so another
//! instance, or this one after a restart, reads it back at about its size in memory, without
//! a vendor call and without merging the records again.
//!
//! Layout: `SDLIST02`, the length of the head (u64, little-endian), the head (zstd JSON: when
//! it was crawled, which vendors were behind, the menus, the packed rows), then the record
//! blocks as `RecordBlocks::write_to` writes them.

use std::sync::Arc;

use app::domain::{EpochMs, Facets, VendorFailure};
use serde::{Deserialize, Serialize};

use super::IndexState;
use super::arena::ListArena;
use super::record_blocks::RecordBlocks;
use crate::services::list_codec::{self, ListCodecError};

/// The `list_snapshots.name` of the customer list.
pub const CUSTOMER_LIST: &str = "customers";

const MAGIC: &[u8; 8] = b"SDLIST02";

#[derive(Serialize)]
struct HeadRef<'a> {
    refreshed_at: EpochMs,
    failures: Vec<&'a VendorFailure>,
    facets: &'a Facets,
    rows: &'a ListArena,
}

#[derive(Deserialize)]
struct Head {
    refreshed_at: EpochMs,
    failures: Vec<VendorFailure>,
    facets: Facets,
    rows: ListArena,
}

pub fn encode(state: &IndexState) -> Result<Vec<u8>, ListCodecError> {
    let mut failures: Vec<&VendorFailure> = state.failures.values().collect();
    failures.sort_by_key(|f| f.vendor);
    let head = list_codec::encode(&HeadRef {
        refreshed_at: state.refreshed_at.unwrap_or_default(),
        failures,
        facets: &state.all_facets,
        rows: &state.customers,
    })?;
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + head.len() + state.records.compressed_bytes() + 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(head.len() as u64).to_le_bytes());
    out.extend_from_slice(&head);
    state.records.write_to(&mut out);
    Ok(out)
}

pub fn decode(data: &[u8]) -> Result<IndexState, ListCodecError> {
    let rest = data.strip_prefix(MAGIC.as_slice()).ok_or(ListCodecError::Malformed)?;
    let (length, rest) = rest.split_at_checked(8).ok_or(ListCodecError::Malformed)?;
    let length = usize::try_from(u64::from_le_bytes(length.try_into().map_err(|_| ListCodecError::Malformed)?))
        .map_err(|_| ListCodecError::Malformed)?;
    let (head, blocks) = rest.split_at_checked(length).ok_or(ListCodecError::Malformed)?;
    let head: Head = list_codec::decode(head)?;
    let records = RecordBlocks::read_from(blocks).ok_or(ListCodecError::Malformed)?;
    if head.rows.len() != records.len() {
        return Err(ListCodecError::Malformed);
    }
    Ok(IndexState {
        customers: Arc::new(head.rows),
        records: Arc::new(records),
        all_facets: Arc::new(head.facets),
        failures: head.failures.into_iter().map(|f| (f.vendor, f)).collect(),
        refreshed_at: Some(head.refreshed_at),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use app::domain::{FollowUser, Scope, VendorCustomer, VendorErrorKind, VendorId};

    use super::super::build_state;
    use super::super::crawled::CrawledRecords;
    use super::*;

    #[test]
    fn the_packed_list_reads_back_as_it_was_built() {
        let records: Vec<VendorCustomer> = (0..150)
            .map(|i| VendorCustomer {
                external_user_id: Some(format!("wm{i:05}")),
                name: Some(format!("客户{i}")),
                mobiles: vec![format!("138{i:08}")],
                stage: Some(if i % 2 == 0 { "方案报价" } else { "丢单" }.into()),
                follow_users: vec![FollowUser::with_id(format!("rep{}", i % 3))],
                last_follow_at: Some(1_000 + i),
                ..VendorCustomer::new(if i % 2 == 0 { VendorId::Juzi } else { VendorId::Weiling })
            })
            .collect();
        let failures = HashMap::from([(
            VendorId::Tanma,
            VendorFailure {
                vendor: VendorId::Tanma,
                kind: VendorErrorKind::Timeout,
                vendor_code: None,
                vendor_message: None,
                feature: None,
            },
        )]);
        let built = build_state(CrawledRecords::of(records), failures, 42).unwrap();
        let back = decode(&encode(&built).unwrap()).unwrap();
        assert_eq!(back.refreshed_at, Some(42));
        assert_eq!(back.customers.len(), 150);
        for i in [0, 64, 149] {
            assert_eq!(back.customers.summary(i), built.customers.summary(i), "row {i}");
            assert_eq!(back.records.get(i), built.records.get(i), "records {i}");
        }
        let key = built.customers.summary(7).key;
        assert_eq!(back.customers.position(&key), Some(7), "found by key");
        assert_eq!(*back.all_facets, *built.all_facets);
        assert_eq!(back.vendor_failures(), built.vendor_failures());
        let followers: Vec<_> = back.customers.followers(3).map(|(v, id)| (v, id.to_string())).collect();
        assert!(Scope::All.allows_followers(followers.iter().map(|(v, id)| (*v, id.as_str()))));
        assert_eq!(
            followers,
            built.customers.followers(3).map(|(v, id)| (v, id.to_string())).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_damaged_list_is_an_error_not_a_panic() {
        let built = build_state(CrawledRecords::of(vec![VendorCustomer::new(VendorId::Juzi)]), HashMap::new(), 1).unwrap();
        let data = encode(&built).unwrap();
        for cut in [0, 5, 12, data.len() / 2, data.len() - 1] {
            assert!(decode(&data[..cut]).is_err(), "cut at {cut}");
        }
        assert!(decode(b"SDLIST01whatever").is_err(), "another version's list");
    }
}
