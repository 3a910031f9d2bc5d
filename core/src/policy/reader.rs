//! Reading the document objects that make a choice with one of several fields (a rule's kind, a
//! trigger's move) straight into their typed values.
//!
//! Such an object cannot be a serde enum: its kind is not a tag but whichever field is present,
//! and a document that gives none or several must still be read, so that validation names the
//! rule at fault by its path in the composed document, beside every other problem. The derive
//! would read it into a bag of options; [`read_struct`] reads it field by field instead, handing
//! each value to the type ([`FieldReader`]), and reports every shape problem exactly as the
//! derive does (unknown, duplicate and missing fields, the derive's messages), because
//! `json_path` finds the path of an error from where serde_json stopped, and the error contract
//! pins both. Like every struct of a document, it is read from an object only
//! ([`crate::json_objects`]): an array of its values is refused.

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// The value of the field whose name was just read.
pub(super) trait Source<'de> {
    type Error: de::Error;
    fn value<T: Deserialize<'de>>(&mut self) -> Result<T, Self::Error>;
}

struct FromMap<'a, A>(&'a mut A);

impl<'de, A: MapAccess<'de>> Source<'de> for FromMap<'_, A> {
    type Error = A::Error;
    fn value<T: Deserialize<'de>>(&mut self) -> Result<T, A::Error> {
        self.0.next_value()
    }
}

/// A type read field by field. `FIELDS` are the JSON names in declaration order; the fields named
/// in `REQUIRED` have no default.
pub(super) trait FieldReader: Default {
    type Value;
    /// The type's name, as messages give it (`RuleDef`, in `expected struct RuleDef`).
    const NAME: &'static str;
    const FIELDS: &'static [&'static str];
    const REQUIRED: &'static [&'static str];
    /// Reads the value of the field at `index` of `FIELDS` from `source`.
    fn read<'de, S: Source<'de>>(&mut self, index: usize, source: &mut S) -> Result<(), S::Error>;
    /// The value, once every required field was read.
    fn finish(self) -> Self::Value;
}

/// Reads an object of type `R` from a deserializer.
pub(super) fn read_struct<'de, D: Deserializer<'de>, R: FieldReader>(
    deserializer: D,
) -> Result<R::Value, D::Error> {
    deserializer.deserialize_struct(R::NAME, R::FIELDS, StructVisitor::<R>(PhantomData))
}

struct StructVisitor<R>(PhantomData<R>);

impl<'de, R: FieldReader> Visitor<'de> for StructVisitor<R> {
    type Value = R::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "struct {}", R::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<R::Value, A::Error> {
        let mut reader = R::default();
        // One bit per field (a reader has at most 64).
        let mut seen = 0u64;
        while let Some(FieldIndex(index)) = map.next_key_seed(FieldSeed::<R>(PhantomData))? {
            if seen & (1 << index) != 0 {
                return Err(de::Error::duplicate_field(R::FIELDS[index]));
            }
            seen |= 1 << index;
            reader.read(index, &mut FromMap(&mut map))?;
        }
        let missing = R::FIELDS
            .iter()
            .enumerate()
            .find(|(i, name)| seen & (1 << i) == 0 && R::REQUIRED.contains(name));
        if let Some((_, name)) = missing {
            return Err(de::Error::missing_field(name));
        }
        Ok(reader.finish())
    }
}

/// The position of a field name in `FIELDS`.
struct FieldIndex(usize);

struct FieldSeed<R>(PhantomData<R>);

impl<'de, R: FieldReader> de::DeserializeSeed<'de> for FieldSeed<R> {
    type Value = FieldIndex;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<FieldIndex, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de, R: FieldReader> Visitor<'de> for FieldSeed<R> {
    type Value = FieldIndex;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<FieldIndex, E> {
        R::FIELDS
            .iter()
            .position(|f| *f == name)
            .map(FieldIndex)
            .ok_or_else(|| E::unknown_field(name, R::FIELDS))
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<FieldIndex, E> {
        usize::try_from(index)
            .ok()
            .filter(|&i| i < R::FIELDS.len())
            .map(FieldIndex)
            .ok_or_else(|| {
                let expected = format!("field index 0 <= i < {}", R::FIELDS.len());
                E::invalid_value(de::Unexpected::Unsigned(index), &expected.as_str())
            })
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<FieldIndex, E> {
        match std::str::from_utf8(name) {
            Ok(name) => self.visit_str(name),
            Err(_) => Err(E::unknown_field(&String::from_utf8_lossy(name), R::FIELDS)),
        }
    }
}
