//! Serde helpers for fields whose JSON type the Weiling pages contradict: the seed's schema
//! says `add_source.type` is a string while the 3.4 example sends `1`; customer `lost_state` is
//! a boolean in 3.6 and `0` in 3.4; clue `create_time` is the string `"1631618303000"`; the
//! clue pages type the envelope `code` as a string. Decoding must survive either form, so these
//! accept both and normalise to one Rust type.

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::Value;

/// A string, or a number/bool rendered as text; null → `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        Some(other) => {
            return Err(de::Error::custom(format!("expected a string or number, got {}", kind(&other))));
        }
    })
}

/// An integer, or a string holding one; null or an empty string → `None`.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(v) => value_to_i64(&v).map_err(de::Error::custom),
    }
}

/// A required integer that may arrive as a numeric string (the envelope `code`).
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

/// A list that may be `null`; null → empty.
pub fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Writes an integer as a JSON string, as the clue pages send `create_time`.
pub fn ser_opt_i64_as_string<S: serde::Serializer>(value: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.serialize_str(&v.to_string()),
        None => s.serialize_none(),
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

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_string")]
        s: Option<String>,
        #[serde(default, deserialize_with = "opt_i64")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "vec_or_null")]
        v: Vec<String>,
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
    }
}
