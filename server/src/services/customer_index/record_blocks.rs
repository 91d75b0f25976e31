//! The vendors' full records behind the customer list, kept compressed.
//!
//! A page needs a customer's full vendor record from the list only when that vendor is down
//! and the read cache has no copy: then the last good record from the list is shown, labelled
//! with its age. Holding 100,000 customers' records as Rust values took gigabytes; as JSON
//! compressed with zstd in blocks of consecutive customers (records of one shape compress
//! about tenfold) it takes tens of megabytes, and one block decodes in well under a
//! millisecond on the rare path that needs it.

use app::domain::{VendorCustomer, VendorId};

/// Customers per compressed block: larger blocks compress better, smaller ones decode faster.
const BLOCK_LEN: usize = 64;
/// zstd's default level: fast to write on every refresh, most of the ratio of higher levels.
const ZSTD_LEVEL: i32 = 3;

/// Why the list's records could not be packed (the refresh then keeps the previous list).
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("encode list records")]
    Encode(#[source] serde_json::Error),
    #[error("compress list records")]
    Compress(#[source] std::io::Error),
}

#[derive(Default)]
pub struct RecordBlocks {
    blocks: Vec<Box<[u8]>>,
    len: usize,
}

impl RecordBlocks {
    /// Compresses each customer's records, in list order (position `i` is customer `i`).
    pub fn build(records: Vec<Vec<VendorCustomer>>) -> Result<Self, PackError> {
        let len = records.len();
        let mut blocks = Vec::with_capacity(len.div_ceil(BLOCK_LEN));
        for chunk in records.chunks(BLOCK_LEN) {
            let json = serde_json::to_vec(chunk).map_err(PackError::Encode)?;
            let packed = zstd::bulk::compress(&json, ZSTD_LEVEL).map_err(PackError::Compress)?;
            blocks.push(packed.into_boxed_slice());
        }
        Ok(RecordBlocks { blocks, len })
    }

    /// Bytes held, for the metrics and the benchmark.
    pub fn compressed_bytes(&self) -> usize {
        self.blocks.iter().map(|b| b.len()).sum()
    }

    /// The records of the customer at `position`.
    pub fn get(&self, position: usize) -> Option<Vec<VendorCustomer>> {
        if position >= self.len {
            return None;
        }
        let mut block = self.decode_block(position / BLOCK_LEN)?;
        let offset = position % BLOCK_LEN;
        (offset < block.len()).then(|| block.swap_remove(offset))
    }

    /// Every record of `vendor`, for a refresh in which that vendor failed: its last good
    /// records stay in the list.
    pub fn all_of(&self, vendor: VendorId) -> Vec<VendorCustomer> {
        (0..self.blocks.len())
            .filter_map(|b| self.decode_block(b))
            .flatten()
            .flatten()
            .filter(|r| r.vendor == vendor)
            .collect()
    }

    fn decode_block(&self, index: usize) -> Option<Vec<Vec<VendorCustomer>>> {
        let packed = self.blocks.get(index)?;
        // Capacity bound for zstd's one-shot decoder; a block is at most a few hundred KB.
        let json = match zstd::bulk::decompress(packed, 64 << 20) {
            Ok(json) => json,
            Err(e) => {
                tracing::error!(error = %e, block = index, "cannot decompress list records");
                return None;
            }
        };
        match serde_json::from_slice(&json) {
            Ok(block) => Some(block),
            Err(e) => {
                tracing::error!(error = %e, block = index, "cannot decode list records");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(vendor: VendorId, id: usize) -> VendorCustomer {
        let mut r = VendorCustomer::new(vendor);
        r.external_user_id = Some(format!("wm{id:06}"));
        r.name = Some(format!("客户{id}"));
        r.mobiles = vec![format!("138{id:08}")];
        r
    }

    #[test]
    fn every_position_decodes_to_its_own_records_across_block_edges() {
        let customers: Vec<Vec<VendorCustomer>> = (0..BLOCK_LEN * 2 + 5)
            .map(|i| {
                if i % 3 == 0 {
                    vec![record(VendorId::Tanma, i), record(VendorId::Juzi, i)]
                } else {
                    vec![record(VendorId::Weiling, i)]
                }
            })
            .collect();
        let blocks = RecordBlocks::build(customers.clone()).unwrap();
        for (i, expected) in customers.iter().enumerate() {
            assert_eq!(blocks.get(i).as_ref(), Some(expected), "position {i}");
        }
        assert_eq!(blocks.get(customers.len()), None);
        assert_eq!(blocks.all_of(VendorId::Juzi).len(), customers.len().div_ceil(3));
        assert!(blocks.compressed_bytes() > 0);
    }

    #[test]
    fn an_empty_list_has_no_records() {
        let blocks = RecordBlocks::build(Vec::new()).unwrap();
        assert_eq!(blocks.get(0), None);
        assert!(blocks.all_of(VendorId::Tanma).is_empty());
    }
}
