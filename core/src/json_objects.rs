//! Documents are read as JSON objects, never as arrays of their fields' values.
//!
//! Why this exists: serde_json lets a struct be written as an array whose elements fill the
//! fields in the order the type declares them, so `"flags": [true, false]` was read as the first
//! two flags of `AccountFlags`, whichever they happen to be in this version. Nothing in the
//! contract (docs/case.md, the JSON Schemas in schemas/) allows that form, no loan system writes
//! it, and its meaning would change silently with any reordering of a type's fields: for a case
//! or a policy, a value that lands in the wrong field is a wrong verdict, so the form is refused. It also cost
//! the browser module the derive's whole array reader for every type (98 KB of code, 16 KB
//! gzipped, measured with serde_json patched to refuse it).
//!
//! [`Objects`] wraps the deserializer a document is read with and asks for a map wherever a
//! struct is expected, so an array there fails with serde_json's own message and position
//! (`invalid type: sequence, expected struct Account`, just before the array, where
//! [`crate::json_path`] finds the path of the value), and the array reader is never compiled.
//! Every other request passes straight through; the wrapper follows the values inside objects,
//! arrays, options, newtypes and enum variants, so nested structs are read the same way. Map keys
//! are read unwrapped: they are strings and numbers, never structs.

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use std::fmt;

/// A deserializer that reads every struct from an object only.
pub(crate) struct Objects<D>(pub(crate) D);

/// A seed whose value is read through [`Objects`].
struct Seed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Objects(d))
    }
}

/// A visitor whose nested values are read through [`Objects`].
struct Through<V>(V);

macro_rules! forward_scalars {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(
            fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
                self.0.$method(v)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Through<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_scalars! {
        visit_bool: bool, visit_i8: i8, visit_i16: i16, visit_i32: i32, visit_i64: i64,
        visit_i128: i128, visit_u8: u8, visit_u16: u16, visit_u32: u32, visit_u64: u64,
        visit_u128: u128, visit_f32: f32, visit_f64: f64, visit_char: char, visit_str: &str,
        visit_borrowed_str: &'de str, visit_string: String, visit_bytes: &[u8],
        visit_borrowed_bytes: &'de [u8], visit_byte_buf: Vec<u8>,
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Objects(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Objects(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Elements(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Entries(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(Variants(data))
    }
}

/// A struct variant's visitor: an object's entries pass through, an array is refused.
struct ObjectOnly<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for ObjectOnly<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Entries(map))
    }
}

struct Elements<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Elements<A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct Entries<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Entries<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct Variants<A>(A);

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Variants<A> {
    type Error = A::Error;
    type Variant = Variant<A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Variant<A::Variant>), A::Error> {
        self.0
            .variant_seed(seed)
            .map(|(value, rest)| (value, Variant(rest)))
    }
}

struct Variant<A>(A);

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Through(v))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, ObjectOnly(v))
    }
}

macro_rules! forward_requests {
    ($($method:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
                self.0.$method(Through(v))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Objects<D> {
    type Error = D::Error;

    forward_requests! {
        deserialize_any, deserialize_bool, deserialize_i8, deserialize_i16, deserialize_i32,
        deserialize_i64, deserialize_i128, deserialize_u8, deserialize_u16, deserialize_u32,
        deserialize_u64, deserialize_u128, deserialize_f32, deserialize_f64, deserialize_char,
        deserialize_str, deserialize_string, deserialize_bytes, deserialize_byte_buf,
        deserialize_option, deserialize_unit, deserialize_seq, deserialize_map,
        deserialize_identifier, deserialize_ignored_any,
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Through(v))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Through(v))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Through(v))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Through(v))
    }

    /// The one request that does not pass through: a struct is read from a map only.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Through(v))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Through(v))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

#[cfg(test)]
mod tests {
    use super::Objects;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Pair {
        a: u32,
        b: u32,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Shape {
        Newtype(Pair),
        Struct { a: u32 },
        Tuple(u32, u32),
        Unit,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Doc {
        #[serde(default)]
        list: Vec<Pair>,
        #[serde(default)]
        maybe: Option<Pair>,
        #[serde(default)]
        by_name: BTreeMap<String, Pair>,
        #[serde(default)]
        shapes: Vec<Shape>,
    }

    fn read(text: &str) -> Result<Doc, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        Doc::deserialize(Objects(&mut de)).map_err(|e| e.to_string())
    }

    #[test]
    fn objects_read_as_before_at_every_depth() {
        let doc = read(
            r#"{ "list": [{ "a": 1, "b": 2 }], "maybe": { "b": 4, "a": 3 },
                 "by_name": { "x": { "a": 5, "b": 6 } },
                 "shapes": [{ "newtype": { "a": 7, "b": 8 } }, { "struct": { "a": 9 } },
                            { "tuple": [1, 2] }, "unit"] }"#,
        )
        .unwrap();
        assert_eq!(doc.list, vec![Pair { a: 1, b: 2 }]);
        assert_eq!(doc.maybe, Some(Pair { a: 3, b: 4 }));
        assert_eq!(doc.by_name["x"], Pair { a: 5, b: 6 });
        assert_eq!(
            doc.shapes,
            vec![
                Shape::Newtype(Pair { a: 7, b: 8 }),
                Shape::Struct { a: 9 },
                Shape::Tuple(1, 2),
                Shape::Unit
            ]
        );
    }

    #[test]
    fn a_struct_written_as_an_array_is_refused_wherever_it_is() {
        for (text, message) in [
            (r#"[[], [], {}, []]"#, "expected struct Doc"),
            (r#"{ "list": [[1, 2]] }"#, "expected struct Pair"),
            (r#"{ "maybe": [1, 2] }"#, "expected struct Pair"),
            (r#"{ "by_name": { "x": [1, 2] } }"#, "expected struct Pair"),
            (
                r#"{ "shapes": [{ "newtype": [1, 2] }] }"#,
                "expected struct Pair",
            ),
            (
                r#"{ "shapes": [{ "struct": [9] }] }"#,
                "expected struct variant Shape::Struct",
            ),
        ] {
            let err = read(text).unwrap_err();
            assert!(
                err.starts_with(&format!("invalid type: sequence, {message}")),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn a_tuple_variant_is_still_an_array() {
        assert!(read(r#"{ "shapes": [{ "tuple": { "0": 1 } }] }"#).is_err());
    }
}
