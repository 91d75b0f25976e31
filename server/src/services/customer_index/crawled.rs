//! A crawl's vendor records as pages arrive, kept small until the merge.
//!
//! The merge must see every vendor's records before it can tell who is who, and holding the
//! 300,000 decoded records of 100,000 customers took 2 GB, ten times the list they become. So
//! each record is kept as what grouping and list order need (`MergeKeys`, its name, its last
//! follow-up) beside the record itself as JSON compressed with zstd one record at a time; a
//! dictionary trained on the vendor's first records lets a single record still compress
//! severalfold. A record is decoded again only when its customer is built, one customer at a
//! time, in list order.

use std::collections::HashSet;

use app::domain::{EpochMs, VendorCustomer, VendorId};

use super::record_blocks::PackError;
use crate::services::merge::MergeKeys;

/// Records kept as raw JSON until the dictionary is trained on them.
const TRAINING_RECORDS: usize = 1_000;
/// zstd's advice is about a hundredth of the samples; records are a few hundred bytes.
const DICTIONARY_BYTES: usize = 16 * 1024;
/// Fast enough to run as each page arrives; higher levels gain little on one small record.
const ZSTD_LEVEL: i32 = 3;
/// Compressed records are appended to chunks of this size, not to one growing buffer that
/// would be copied (and briefly held twice) each time it doubles.
const CHUNK_BYTES: usize = 4 << 20;

/// Where one compressed record lies.
#[derive(Clone, Copy)]
struct Span {
    chunk: u32,
    start: u32,
    packed_len: u32,
    json_len: u32,
}

/// One vendor's records from one crawl.
pub struct VendorRecords {
    vendor: VendorId,
    keys: Vec<MergeKeys>,
    names: Vec<Option<Box<str>>>,
    last_follow_at: Vec<Option<EpochMs>>,
    untrained: Vec<Vec<u8>>,
    compressor: Option<zstd::bulk::Compressor<'static>>,
    dictionary: Vec<u8>,
    packed: PackedRecords,
    /// WeCom ids of the reps who follow these customers.
    followers: HashSet<String>,
    /// Vendor ids already kept, for crawls that meet a customer more than once (per rep).
    seen: HashSet<Box<str>>,
    failed: Option<PackError>,
}

impl VendorRecords {
    pub fn new(vendor: VendorId) -> Self {
        VendorRecords {
            vendor,
            keys: Vec::new(),
            names: Vec::new(),
            last_follow_at: Vec::new(),
            untrained: Vec::new(),
            compressor: None,
            dictionary: Vec::new(),
            packed: PackedRecords::default(),
            followers: HashSet::new(),
            seen: HashSet::new(),
            failed: None,
        }
    }

    pub fn vendor(&self) -> VendorId {
        self.vendor
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// The reps these records name as followers.
    pub fn followers(&self) -> impl Iterator<Item = &str> {
        self.followers.iter().map(String::as_str)
    }

    /// Keeps `record`. A packing failure is remembered and reported by `finish`, so the refresh
    /// keeps the previous list rather than a list missing customers.
    pub fn push(&mut self, record: VendorCustomer) {
        if self.failed.is_some() {
            return;
        }
        if let Err(e) = self.pack(&record) {
            self.failed = Some(e);
            return;
        }
        self.keys.push(MergeKeys::of(&record));
        self.names.push(record.name.as_deref().map(Box::from));
        self.last_follow_at.push(record.last_follow_at);
        self.followers.extend(record.follow_users.into_iter().map(|f| f.user_id));
    }

    /// Keeps `record` unless a record with its vendor id (or external user id) was kept: a
    /// vendor listed per rep returns a customer once for each rep who follows them.
    pub fn push_unless_seen(&mut self, record: VendorCustomer) {
        let id = record.vendor_customer_id.as_deref().or(record.external_user_id.as_deref());
        if let Some(id) = id {
            if self.seen.contains(id) {
                return;
            }
            self.seen.insert(id.into());
        }
        self.push(record);
    }

    fn pack(&mut self, record: &VendorCustomer) -> Result<(), PackError> {
        let json = serde_json::to_vec(record).map_err(PackError::Encode)?;
        if let Some(compressor) = self.compressor.as_mut() {
            return self.packed.append(compressor, &json);
        }
        self.untrained.push(json);
        if self.untrained.len() == TRAINING_RECORDS {
            self.start_compressing()?;
        }
        Ok(())
    }

    /// Trains the dictionary on the records so far (none when they are too few or too alike
    /// for zstd to train on: each record is then compressed on its own) and packs them.
    fn start_compressing(&mut self) -> Result<(), PackError> {
        self.dictionary = zstd::dict::from_samples(&self.untrained, DICTIONARY_BYTES).unwrap_or_default();
        let mut compressor = zstd::bulk::Compressor::with_dictionary(ZSTD_LEVEL, &self.dictionary).map_err(PackError::Compress)?;
        for json in std::mem::take(&mut self.untrained) {
            self.packed.append(&mut compressor, &json)?;
        }
        self.compressor = Some(compressor);
        Ok(())
    }

    /// Done crawling: packs what waits for a dictionary, or reports why packing failed.
    pub fn finish(&mut self) -> Result<(), PackError> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if self.compressor.is_none() {
            self.start_compressing()?;
        }
        Ok(())
    }

    /// Bytes of the compressed records and dictionary, for the logs.
    pub fn packed_bytes(&self) -> usize {
        self.packed.chunks.iter().map(Vec::len).sum::<usize>() + self.dictionary.len()
    }
}

/// Compressed records, one after another.
#[derive(Default)]
struct PackedRecords {
    chunks: Vec<Vec<u8>>,
    spans: Vec<Span>,
}

impl PackedRecords {
    fn append(&mut self, compressor: &mut zstd::bulk::Compressor<'static>, json: &[u8]) -> Result<(), PackError> {
        let packed = compressor.compress(json).map_err(PackError::Compress)?;
        if self.chunks.last().is_none_or(|c| c.len() + packed.len() > c.capacity()) {
            self.chunks.push(Vec::with_capacity(CHUNK_BYTES.max(packed.len())));
        }
        let chunk = self.chunks.len() - 1;
        let data = &mut self.chunks[chunk];
        self.spans.push(Span {
            chunk: chunk as u32,
            start: data.len() as u32,
            packed_len: packed.len() as u32,
            json_len: json.len() as u32,
        });
        data.extend_from_slice(&packed);
        Ok(())
    }

    /// Record `at` compressed, and the length of its JSON.
    fn record(&self, at: usize) -> (&[u8], usize) {
        let span = self.spans[at];
        let start = span.start as usize;
        (
            &self.chunks[span.chunk as usize][start..start + span.packed_len as usize],
            span.json_len as usize,
        )
    }
}

/// Every vendor's records of one crawl, in `VendorId::ALL` order (the merge reports vendors in
/// that order), numbered from 0 across vendors.
pub struct CrawledRecords {
    parts: Vec<VendorRecords>,
    /// Where each part's records start in the numbering.
    starts: Vec<usize>,
    keys: Vec<MergeKeys>,
}

impl CrawledRecords {
    /// Joins finished vendor crawls (`VendorRecords::finish`).
    pub fn new(mut parts: Vec<VendorRecords>) -> Self {
        parts.sort_by_key(|p| p.vendor);
        let total = parts.iter().map(VendorRecords::len).sum();
        let mut keys = Vec::with_capacity(total);
        let mut starts = Vec::with_capacity(parts.len());
        for part in &mut parts {
            starts.push(keys.len());
            keys.append(&mut part.keys);
            part.keys = Vec::new();
        }
        CrawledRecords { parts, starts, keys }
    }

    /// The records of a crawl that returned `records`, for tests.
    #[cfg(test)]
    pub fn of(records: Vec<VendorCustomer>) -> Self {
        let mut parts: Vec<VendorRecords> = VendorId::ALL.iter().map(|v| VendorRecords::new(*v)).collect();
        for record in records {
            if let Some(part) = parts.iter_mut().find(|p| p.vendor == record.vendor) {
                part.push(record);
            }
        }
        parts.iter_mut().for_each(|p| p.finish().expect("test records pack"));
        CrawledRecords::new(parts)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.starts
            .last()
            .zip(self.parts.last())
            .map_or(0, |(start, part)| start + part.packed.spans.len())
    }

    pub fn merge_keys(&self) -> &[MergeKeys] {
        &self.keys
    }

    /// Frees the merge keys once the records are grouped: building the list needs only the
    /// records, and at a million customers the keys are a few hundred MB.
    pub fn forget_merge_keys(&mut self) {
        self.keys = Vec::new();
    }

    /// Frees the names and follow-up times once the list order is known.
    pub fn forget_order_keys(&mut self) {
        for part in &mut self.parts {
            part.names = Vec::new();
            part.last_follow_at = Vec::new();
        }
    }

    /// The vendor, name and last follow-up of record `i`.
    pub fn order_keys(&self, i: usize) -> (VendorId, Option<&str>, Option<EpochMs>) {
        let (part, at) = self.locate(i);
        let part = &self.parts[part];
        (part.vendor, part.names[at].as_deref(), part.last_follow_at[at])
    }

    /// Decodes records one at a time (each vendor's dictionary loaded once).
    pub fn reader(&self) -> Result<RecordReader<'_>, PackError> {
        let decompressors = self
            .parts
            .iter()
            .map(|p| zstd::bulk::Decompressor::with_dictionary(&p.dictionary).map_err(PackError::Decompress))
            .collect::<Result<_, _>>()?;
        Ok(RecordReader {
            records: self,
            decompressors,
        })
    }

    fn locate(&self, i: usize) -> (usize, usize) {
        let part = self.starts.partition_point(|&s| s <= i) - 1;
        (part, i - self.starts[part])
    }
}

pub struct RecordReader<'a> {
    records: &'a CrawledRecords,
    decompressors: Vec<zstd::bulk::Decompressor<'static>>,
}

impl RecordReader<'_> {
    /// Record `i` as it was crawled.
    pub fn get(&mut self, i: usize) -> Result<VendorCustomer, PackError> {
        let (part, at) = self.records.locate(i);
        let (packed, json_len) = self.records.parts[part].packed.record(at);
        let json = self.decompressors[part]
            .decompress(packed, json_len)
            .map_err(PackError::Decompress)?;
        serde_json::from_slice(&json).map_err(PackError::Decode)
    }
}

#[cfg(test)]
mod tests {
    use app::domain::FollowUser;

    use super::*;

    fn record(vendor: VendorId, i: usize) -> VendorCustomer {
        let mut r = VendorCustomer::new(vendor);
        r.vendor_customer_id = Some(format!("c{i}"));
        r.external_user_id = Some(format!("wm{i:08}"));
        r.name = Some(format!("客户{i}"));
        r.mobiles = vec![format!("+86 138{i:08}")];
        r.stage = Some(["初次接触", "方案报价", "商务谈判"][i % 3].into());
        r.last_follow_at = Some(1_700_000_000_000 + i as i64);
        r.follow_users.push(FollowUser {
            user_id: format!("rep{}", i % 7),
            name: None,
            remark: Some(format!("备注{i}")),
            description: None,
            added_at: Some(i as i64),
            add_source: None,
            remark_mobiles: vec![],
            tags: vec![],
        });
        r
    }

    fn crawl(vendor: VendorId, n: usize) -> VendorRecords {
        let mut records = VendorRecords::new(vendor);
        for i in 0..n {
            records.push(record(vendor, i));
        }
        records.finish().unwrap();
        records
    }

    #[test]
    fn every_record_decodes_as_crawled_across_vendors_with_and_without_a_dictionary() {
        // Juzi's part stays below the training threshold: packed without a dictionary.
        let crawled = CrawledRecords::new(vec![crawl(VendorId::Juzi, 10), crawl(VendorId::Tanma, TRAINING_RECORDS + 300)]);
        assert_eq!(crawled.len(), TRAINING_RECORDS + 310);
        let mut reader = crawled.reader().unwrap();
        for i in [0, 1, TRAINING_RECORDS - 1, TRAINING_RECORDS, TRAINING_RECORDS + 299] {
            assert_eq!(
                reader.get(i).unwrap(),
                record(VendorId::Tanma, i),
                "Tanma record {i} (Tanma sorts first)"
            );
            assert_eq!(crawled.merge_keys()[i], MergeKeys::of(&record(VendorId::Tanma, i)));
        }
        for i in 0..10 {
            let at = TRAINING_RECORDS + 300 + i;
            assert_eq!(reader.get(at).unwrap(), record(VendorId::Juzi, i));
            assert_eq!(
                crawled.order_keys(at),
                (
                    VendorId::Juzi,
                    Some(format!("客户{i}").as_str()),
                    Some(1_700_000_000_000 + i as i64)
                )
            );
        }
    }

    #[test]
    fn records_take_a_fraction_of_their_json_once_compressed() {
        let records = crawl(VendorId::Tanma, 5_000);
        let json: usize = (0..5_000)
            .map(|i| serde_json::to_vec(&record(VendorId::Tanma, i)).unwrap().len())
            .sum();
        assert!(
            records.packed_bytes() * 3 < json,
            "{} packed bytes for {json} bytes of JSON",
            records.packed_bytes()
        );
    }

    #[test]
    fn a_customer_met_once_per_rep_is_kept_once_and_followers_are_collected() {
        let mut records = VendorRecords::new(VendorId::Weiling);
        for _ in 0..3 {
            for i in 0..20 {
                records.push_unless_seen(record(VendorId::Weiling, i));
            }
        }
        records.finish().unwrap();
        assert_eq!(records.len(), 20);
        let mut followers: Vec<&str> = records.followers().collect();
        followers.sort_unstable();
        assert_eq!(followers, ["rep0", "rep1", "rep2", "rep3", "rep4", "rep5", "rep6"]);
    }

    #[test]
    fn an_empty_crawl_has_no_records() {
        let crawled = CrawledRecords::new(vec![crawl(VendorId::Weiling, 0)]);
        assert_eq!(crawled.len(), 0);
        assert!(crawled.reader().is_ok());
    }
}
