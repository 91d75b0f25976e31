//! How resource values travel from the server-rendered page to the browser.
//!
//! Leptos's default resource codec decodes with `serde_json::from_str`, while server
//! functions decode their responses with `serde_json::from_slice`. Every `Deserialize` impl
//! reached by both was therefore compiled into the WASM bundle twice (once per reader type).
//! This codec writes the same JSON but decodes through `from_slice`, so each page's data
//! types are instantiated once.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::{Serialize, de::DeserializeOwned};

/// JSON, decoded from bytes (see the module docs).
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(val)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(val.as_bytes())
    }
}

/// `Resource::new` with the [`Json`] codec.
#[track_caller]
pub fn resource<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, Json>
where
    S: Send + Sync + Clone + PartialEq + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

/// `Resource::new_blocking` with the [`Json`] codec.
#[track_caller]
pub fn blocking_resource<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, Json>
where
    S: Send + Sync + Clone + PartialEq + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, true)
}

/// The JSON text of an immutable value, kept beside it once made (server only: the browser
/// build holds nothing and serialises the value as usual). Holders must never change the
/// value after the text is made; `CustomerPage` is shared read-only behind an `Arc`. The text
/// goes into the output as raw JSON, which only serde_json understands — the one format
/// SalesDesk encodes these values in (server functions and resources alike).
#[derive(Default)]
pub struct EncodedOnce {
    #[cfg(feature = "ssr")]
    text: std::sync::OnceLock<Option<Box<serde_json::value::RawValue>>>,
}

#[cfg(feature = "ssr")]
impl EncodedOnce {
    /// The text of `value`, made on the first call; `None` if it cannot be encoded.
    pub fn get<T: Serialize>(&self, value: &T) -> Option<&serde_json::value::RawValue> {
        self.text.get_or_init(|| serde_json::value::to_raw_value(value).ok()).as_deref()
    }
}

/// A copy starts without text: whoever copies a value may change the copy, whose text must
/// then be made from what it holds, not inherited from the original.
impl Clone for EncodedOnce {
    fn clone(&self) -> Self {
        EncodedOnce::default()
    }
}

/// A cache, not data: two values are equal whether or not their text was made yet.
impl PartialEq for EncodedOnce {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for EncodedOnce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncodedOnce")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_like_the_default_codec() {
        let value: Result<Vec<(u32, String)>, String> = Ok(vec![(1, "探马".into())]);
        let encoded = <Json as Encoder<_>>::encode(&value).map_err(|e| e.to_string());
        assert_eq!(encoded.as_deref(), Ok(r#"{"Ok":[[1,"探马"]]}"#));
        let decoded: Result<Result<Vec<(u32, String)>, String>, _> = <Json as Decoder<_>>::decode(r#"{"Ok":[[1,"探马"]]}"#);
        assert_eq!(decoded.ok(), Some(value));
    }
}
