//! An adjacently tagged enum (`{"kind": ..., "body": ...}`) read straight
//! from the journal's two columns, `kind` and the JSON `body`, as if they had
//! been written as that one object: no text is built and the body is parsed
//! once. The hot loop of a first open without a fold snapshot decodes every
//! event this way (issue 14: 1,000,000 events within 1 s).

use serde::de::value::{MapAccessDeserializer, StrDeserializer};
use serde::de::{Deserialize, DeserializeSeed, MapAccess};

/// `T` from the `kind` and `body` columns; `None` when the kind is unknown,
/// the body does not fit it, or the body is not exactly one JSON value (the
/// caller then reads it the slow way, to keep what it can).
pub fn from_kind_and_body<'de, T: Deserialize<'de>>(kind: &'de str, body: &'de str) -> Option<T> {
    let mut json = serde_json::Deserializer::from_str(body);
    let value = T::deserialize(MapAccessDeserializer::new(Columns {
        kind,
        body: &mut json,
        next: Key::Kind,
    }))
    .ok()?;
    // Trailing text after the body's value: not what was written.
    json.end().ok()?;
    Some(value)
}

#[derive(Clone, Copy)]
enum Key {
    Kind,
    Body,
    Done,
}

/// The two-entry map `{"kind": kind, "body": body}`, in that order.
struct Columns<'de, 'j> {
    kind: &'de str,
    body: &'j mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
    next: Key,
}

impl<'de> MapAccess<'de> for Columns<'de, '_> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let key = match self.next {
            Key::Kind => "kind",
            Key::Body => "body",
            Key::Done => return Ok(None),
        };
        seed.deserialize(StrDeserializer::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        match self.next {
            Key::Kind => {
                self.next = Key::Body;
                seed.deserialize(StrDeserializer::new(self.kind))
            }
            _ => {
                self.next = Key::Done;
                seed.deserialize(&mut *self.body)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "kind", content = "body", rename_all = "snake_case")]
    enum Shape {
        Note { text: String },
        Pair(u32, u32),
    }

    #[test]
    fn reads_what_the_object_would_say() {
        assert_eq!(
            from_kind_and_body::<Shape>("note", r#" {"text":"hi","extra":1} "#),
            Some(Shape::Note { text: "hi".into() })
        );
        assert_eq!(
            from_kind_and_body::<Shape>("pair", "[1,2]"),
            Some(Shape::Pair(1, 2))
        );
    }

    #[test]
    fn anything_else_is_none() {
        for (kind, body) in [
            ("note", r#"{"text":"hi"} x"#),
            ("note", r#"{"text":"hi"}, "kind": "pair""#),
            ("note", r#"{"text":1}"#),
            ("note", "not json"),
            ("note", ""),
            ("other", r#"{"text":"hi"}"#),
        ] {
            assert_eq!(
                from_kind_and_body::<Shape>(kind, body),
                None,
                "{kind} {body}"
            );
        }
    }
}
