//! The customer list's crawl as stored in the database: every vendor record the merged list
//! was built from, with the vendors that were behind. Another instance, or this one after a
//! restart, rebuilds the same list from it without a vendor call.

use std::collections::HashMap;

use app::domain::{EpochMs, VendorCustomer, VendorFailure, VendorId};
use serde::{Deserialize, Serialize};

use crate::services::list_codec::{self, ListCodecError};

/// The `list_snapshots.name` of the customer list.
pub const CUSTOMER_LIST: &str = "customers";

#[derive(Serialize)]
struct CrawlRef<'a> {
    refreshed_at: EpochMs,
    failures: Vec<&'a VendorFailure>,
    records: &'a [VendorCustomer],
}

#[derive(Deserialize)]
struct Crawl {
    refreshed_at: EpochMs,
    failures: Vec<VendorFailure>,
    records: Vec<VendorCustomer>,
}

/// What a stored crawl gives back.
pub struct Loaded {
    pub refreshed_at: EpochMs,
    pub failures: HashMap<VendorId, VendorFailure>,
    pub records: Vec<VendorCustomer>,
}

pub fn encode(
    refreshed_at: EpochMs,
    failures: &HashMap<VendorId, VendorFailure>,
    records: &[VendorCustomer],
) -> Result<Vec<u8>, ListCodecError> {
    let mut failures: Vec<&VendorFailure> = failures.values().collect();
    failures.sort_by_key(|f| f.vendor);
    list_codec::encode(&CrawlRef {
        refreshed_at,
        failures,
        records,
    })
}

pub fn decode(data: &[u8]) -> Result<Loaded, ListCodecError> {
    let crawl: Crawl = list_codec::decode(data)?;
    Ok(Loaded {
        refreshed_at: crawl.refreshed_at,
        failures: crawl.failures.into_iter().map(|f| (f.vendor, f)).collect(),
        records: crawl.records,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::VendorErrorKind;

    #[test]
    fn a_crawl_reads_back_as_stored() {
        let records: Vec<VendorCustomer> = (0..50)
            .map(|i| VendorCustomer {
                external_user_id: Some(format!("wm{i:05}")),
                name: Some(format!("客户{i}")),
                ..VendorCustomer::new(VendorId::Juzi)
            })
            .collect();
        let failures = HashMap::from([(
            VendorId::Tanma,
            VendorFailure {
                vendor: VendorId::Tanma,
                kind: VendorErrorKind::Timeout,
                vendor_code: Some(-1),
                vendor_message: None,
                feature: None,
            },
        )]);
        let back = decode(&encode(42, &failures, &records).unwrap()).unwrap();
        assert_eq!((back.refreshed_at, &back.records, &back.failures), (42, &records, &failures));
    }
}
