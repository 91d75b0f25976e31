//! How a crawled list is kept in the database (`storage::list_snapshots`): zstd-compressed
//! JSON, written and read as a stream so neither side holds the JSON text in memory.

use std::io::BufReader;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// zstd's level 3: a few hundred MB/s, about a tenth of the JSON's size.
const LEVEL: i32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum ListCodecError {
    #[error("cannot compress the list")]
    Write(#[source] std::io::Error),
    #[error("cannot encode the list")]
    Encode(#[source] serde_json::Error),
    #[error("the stored list is not one this version reads")]
    Decode(#[source] serde_json::Error),
    #[error("the stored list cannot be decompressed")]
    Read(#[source] std::io::Error),
    #[error("the stored list is cut short or is not a list this version wrote")]
    Malformed,
}

pub fn encode(value: &impl Serialize) -> Result<Vec<u8>, ListCodecError> {
    let mut encoder = zstd::Encoder::new(Vec::new(), LEVEL).map_err(ListCodecError::Write)?;
    serde_json::to_writer(&mut encoder, value).map_err(ListCodecError::Encode)?;
    encoder.finish().map_err(ListCodecError::Write)
}

pub fn decode<T: DeserializeOwned>(data: &[u8]) -> Result<T, ListCodecError> {
    let decoder = zstd::Decoder::new(data).map_err(ListCodecError::Read)?;
    serde_json::from_reader(BufReader::with_capacity(1 << 16, decoder)).map_err(|e| {
        if e.is_io() {
            ListCodecError::Read(e.into())
        } else {
            ListCodecError::Decode(e)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_back_as_stored_and_are_compressed() {
        let list: Vec<(String, u32)> = (0..2_000).map(|i| (format!("客户{:05}", i % 50), i)).collect();
        let data = encode(&list).unwrap();
        assert!(data.len() * 4 < serde_json::to_vec(&list).unwrap().len(), "{} bytes", data.len());
        assert_eq!(decode::<Vec<(String, u32)>>(&data).unwrap(), list);
    }

    #[test]
    fn damaged_data_is_an_error_not_a_panic() {
        assert!(matches!(decode::<Vec<u32>>(b"not zstd"), Err(ListCodecError::Read(_))));
        let mut data = encode(&vec![1u32; 1_000]).unwrap();
        data.truncate(data.len() / 2);
        assert!(decode::<Vec<u32>>(&data).is_err());
        let other = encode(&"text").unwrap();
        assert!(matches!(decode::<Vec<u32>>(&other), Err(ListCodecError::Decode(_))));
    }
}
