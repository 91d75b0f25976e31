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
    #[error("decompress a crawled record")]
    Decompress(#[source] std::io::Error),
    #[error("decode a crawled record")]
    Decode(#[source] serde_json::Error),
}

#[derive(Default)]
pub struct RecordBlocks {
    blocks: Vec<Box<[u8]>>,
    len: usize,
}

impl RecordBlocks {
    /// Compresses each customer's records, in list order (position `i` is customer `i`).
    #[cfg(test)]
    pub fn build(records: Vec<Vec<VendorCustomer>>) -> Result<Self, PackError> {
        let mut builder = RecordBlocksBuilder::default();
        for customer in records {
            builder.push(customer)?;
        }
        builder.finish()
    }

    /// How many customers' records it holds.
    pub fn len(&self) -> usize {
        self.len
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

    /// Hands every record of `vendor` to `each`, one block decoded at a time, for a refresh in
    /// which that vendor failed: its last good records stay in the list.
    pub fn for_each_of(&self, vendor: VendorId, mut each: impl FnMut(VendorCustomer)) {
        for block in (0..self.blocks.len()).filter_map(|b| self.decode_block(b)) {
            block.into_iter().flatten().filter(|r| r.vendor == vendor).for_each(&mut each);
        }
    }

    /// Appends the blocks to `out` as they are (already compressed): the customer count,
    /// the block count, then each block's length and bytes, little-endian.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.len as u64).to_le_bytes());
        out.extend_from_slice(&(self.blocks.len() as u64).to_le_bytes());
        for block in &self.blocks {
            out.extend_from_slice(&(block.len() as u64).to_le_bytes());
            out.extend_from_slice(block);
        }
    }

    /// Reads what `write_to` wrote; `None` when the bytes are cut short or do not add up.
    pub fn read_from(mut bytes: &[u8]) -> Option<Self> {
        fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
            let (head, rest) = bytes.split_at_checked(n)?;
            *bytes = rest;
            Some(head)
        }
        fn number(bytes: &mut &[u8]) -> Option<usize> {
            usize::try_from(u64::from_le_bytes(take(bytes, 8)?.try_into().ok()?)).ok()
        }
        let len = number(&mut bytes)?;
        let count = number(&mut bytes)?;
        if count != len.div_ceil(BLOCK_LEN) {
            return None;
        }
        let mut blocks = Vec::with_capacity(count);
        for _ in 0..count {
            let size = number(&mut bytes)?;
            blocks.push(take(&mut bytes, size)?.into());
        }
        bytes.is_empty().then_some(RecordBlocks { blocks, len })
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

/// Packs customers' records as the list is built, a block at a time, so the whole list's
/// records are never held decoded at once.
#[derive(Default)]
pub struct RecordBlocksBuilder {
    pending: Vec<Vec<VendorCustomer>>,
    blocks: Vec<Box<[u8]>>,
    len: usize,
}

impl RecordBlocksBuilder {
    /// The records of the next customer in list order.
    pub fn push(&mut self, records: Vec<VendorCustomer>) -> Result<(), PackError> {
        self.pending.push(records);
        self.len += 1;
        if self.pending.len() == BLOCK_LEN {
            self.seal()?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<RecordBlocks, PackError> {
        if !self.pending.is_empty() {
            self.seal()?;
        }
        Ok(RecordBlocks {
            blocks: self.blocks,
            len: self.len,
        })
    }

    fn seal(&mut self) -> Result<(), PackError> {
        let json = serde_json::to_vec(&self.pending).map_err(PackError::Encode)?;
        let packed = zstd::bulk::compress(&json, ZSTD_LEVEL).map_err(PackError::Compress)?;
        self.blocks.push(packed.into_boxed_slice());
        self.pending.clear();
        Ok(())
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
        let mut juzi = 0;
        blocks.for_each_of(VendorId::Juzi, |r| {
            assert_eq!(r.vendor, VendorId::Juzi);
            juzi += 1;
        });
        assert_eq!(juzi, customers.len().div_ceil(3));
        assert!(blocks.compressed_bytes() > 0);
    }

    #[test]
    fn blocks_read_back_as_written_and_damage_is_refused() {
        let customers: Vec<Vec<VendorCustomer>> = (0..BLOCK_LEN + 3).map(|i| vec![record(VendorId::Juzi, i)]).collect();
        let blocks = RecordBlocks::build(customers.clone()).unwrap();
        let mut bytes = Vec::new();
        blocks.write_to(&mut bytes);
        let back = RecordBlocks::read_from(&bytes).expect("read back");
        assert_eq!(back.get(BLOCK_LEN + 1).as_ref(), Some(&customers[BLOCK_LEN + 1]));
        assert!(RecordBlocks::read_from(&bytes[..bytes.len() - 1]).is_none(), "cut short");
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(RecordBlocks::read_from(&longer).is_none(), "trailing bytes");
        assert!(RecordBlocks::read_from(&[]).is_none());
    }

    #[test]
    fn an_empty_list_has_no_records() {
        let blocks = RecordBlocks::build(Vec::new()).unwrap();
        assert_eq!(blocks.get(0), None);
        blocks.for_each_of(VendorId::Tanma, |r| panic!("no records, got {r:?}"));
    }
}
