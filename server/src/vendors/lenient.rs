//! Lenient serde helpers shared by the three vendors' wire types, for fields whose JSON type
//! the vendor pages leave open or contradict:
//!
//! - Weiling: the seed's schema says `add_source.type` is a string while the 3.4 example sends
//!   `1`; customer `lost_state` is a boolean in 3.6 and `0` in 3.4; clue `create_time` is the
//!   string `"1631618303000"`; the clue pages type the envelope `code` as a string.
//! - Tanma: ids and cursors whose JSON type is not documented (a string or a number); `isFriend`
//!   as a boolean or 0/1; lists sent as `null`.
//! - Juzibot: tag `type` is `'1'` in the sample and a number elsewhere; lists sent as `null`.
//!
//! Decoding must survive either form, so these accept both and normalise to one Rust type.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serializer};
use serde_json::Value;

/// `null` (as well as a missing field, with `#[serde(default)]`) becomes the default.
pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A string, or a number/bool rendered as text; null → `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    text(Option::<Value>::deserialize(d)?.unwrap_or(Value::Null)).map_err(de::Error::custom)
}

/// As [`opt_string`], with `""` meaning none too (end-of-list cursors, absent ids).
pub fn opt_nonempty_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(opt_string(d)?.filter(|s| !s.is_empty()))
}

/// A required id whose JSON type the documents leave open: a string or a number, read as text.
pub fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_string(d)?.ok_or_else(|| de::Error::custom("expected a string or number, got null"))
}

/// As [`string_or_number`] for fields whose absence has a neutral meaning: null → `""`.
pub fn string_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string(d)?.unwrap_or_default())
}

/// An integer, or a string holding one; null or an empty string → `None`.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(v) => value_to_i64(&v).map_err(de::Error::custom),
    }
}

/// A required integer that may arrive as a numeric string (Weiling's envelope `code`).
pub fn i64_any<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    value_to_i64(&v)
        .map_err(de::Error::custom)?
        .ok_or_else(|| de::Error::custom("expected an integer, got an empty value"))
}

/// A boolean, or 0/1 (as number or string); null → `None`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(b),
        Some(Value::Number(n)) => Some(n.as_i64().unwrap_or(0) != 0),
        Some(Value::String(s)) => match s.trim() {
            "" => None,
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            other => {
                return Err(de::Error::custom(format!("expected a boolean, got {other:?}")));
            }
        },
        Some(other) => {
            return Err(de::Error::custom(format!("expected a boolean, got {}", kind(&other))));
        }
    })
}

/// Writes an integer as a JSON string, as Weiling's clue pages send `create_time`.
pub fn ser_opt_i64_as_string<S: Serializer>(value: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.serialize_str(&v.to_string()),
        None => s.serialize_none(),
    }
}

/// Writes a numeric id string as a JSON integer (how Tanma's Java services send ids) and
/// anything else as a string.
pub fn ser_numeric_id<S: Serializer>(id: &str, s: S) -> Result<S::Ok, S::Error> {
    match id.parse::<i64>() {
        Ok(n) if n.to_string() == id => s.serialize_i64(n),
        _ => s.serialize_str(id),
    }
}

/// [`ser_numeric_id`] for an optional id.
pub fn ser_opt_numeric_id<S: Serializer>(id: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match id {
        Some(id) => ser_numeric_id(id, s),
        None => s.serialize_none(),
    }
}

fn text(v: Value) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        other => Err(format!("expected a string or number, got {}", kind(&other))),
    }
}

fn value_to_i64(v: &Value) -> Result<Option<i64>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| format!("expected an integer, got {n}")),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("expected an integer, got {s:?}")),
        other => Err(format!("expected an integer, got {}", kind(other))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_string")]
        s: Option<String>,
        #[serde(default, deserialize_with = "opt_i64")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "null_as_default")]
        v: Vec<String>,
    }

    #[derive(Debug, Deserialize, Serialize)]
    struct Ids {
        #[serde(deserialize_with = "string_or_number", serialize_with = "ser_numeric_id")]
        id: String,
        #[serde(default, deserialize_with = "string_or_null")]
        kind: String,
        #[serde(default, deserialize_with = "opt_nonempty_string", serialize_with = "ser_opt_numeric_id")]
        cursor: Option<String>,
    }

    #[test]
    fn accepts_both_forms() {
        let t: T = serde_json::from_str(r#"{"s":1,"n":"1631618303000","b":0,"v":null}"#).unwrap();
        assert_eq!(t.s.as_deref(), Some("1"));
        assert_eq!(t.n, Some(1_631_618_303_000));
        assert_eq!(t.b, Some(false));
        assert!(t.v.is_empty());
        let t: T = serde_json::from_str(r#"{"s":"x","n":5,"b":true,"v":["a"]}"#).unwrap();
        assert_eq!((t.s.as_deref(), t.n, t.b, t.v.len()), (Some("x"), Some(5), Some(true), 1));
        let t: T = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!((t.s, t.n, t.b), (None, None, None));
    }

    #[test]
    fn rejects_nonsense() {
        assert!(serde_json::from_str::<T>(r#"{"n":"abc"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"b":"maybe"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"s":{"a":1}}"#).is_err());
        assert!(serde_json::from_str::<Ids>(r#"{"id":null}"#).is_err());
        assert!(serde_json::from_str::<Ids>(r#"{"id":[1]}"#).is_err());
    }

    #[test]
    fn ids_read_as_text_and_numeric_ids_go_back_out_as_numbers() {
        let i: Ids = serde_json::from_str(r#"{"id":7,"kind":null,"cursor":""}"#).unwrap();
        assert_eq!((i.id.as_str(), i.kind.as_str(), i.cursor.as_deref()), ("7", "", None));
        assert_eq!(
            serde_json::to_value(&i).unwrap(),
            serde_json::json!({"id":7,"kind":"","cursor":null})
        );
        let i: Ids = serde_json::from_str(r#"{"id":"x7","kind":2,"cursor":12345}"#).unwrap();
        assert_eq!((i.kind.as_str(), i.cursor.as_deref()), ("2", Some("12345")));
        assert_eq!(
            serde_json::to_value(&i).unwrap(),
            serde_json::json!({"id":"x7","kind":"2","cursor":12345})
        );
    }
}
