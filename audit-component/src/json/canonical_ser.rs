//! Canonical JSON written straight from a `Serialize` type, without first
//! building a `serde_json::Value` tree.
//!
//! Appending writes the canonical body of every event. Going through
//! `serde_json::to_value` copied every string of the event and every value
//! of its changes into a fresh tree (one allocation per string, per map
//! node, per value) only to walk it once and drop it; in the component,
//! where allocation is dearer than natively, that was a large share of an
//! append. This serializer writes the same bytes as
//! `canonical::to_string(&serde_json::to_value(x))` directly into one
//! buffer: members go out in the order serde gives them and an object whose
//! members were not already sorted is reordered once, when it closes, by
//! moving the byte ranges of its members. `tests` and the crate's tests of
//! the hash (`docs/hashing.md` is the contract) hold the two paths equal.

use crate::json::canonical::write_string;
use serde::ser::{self, Serialize};
use serde_json::Error;
use std::borrow::Cow;
use std::cmp::Ordering;

/// The canonical text of `value`, leaving out the member `skip` of the
/// outermost object (the event's own `hash`).
pub fn to_string_without<T: Serialize + ?Sized>(
    value: &T,
    skip: &'static str,
) -> Result<String, Error> {
    let mut w = Writer {
        out: String::with_capacity(1024),
        skip: Some(skip),
        depth: 0,
    };
    value.serialize(&mut w)?;
    Ok(w.out)
}

/// The canonical text of `value`.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut w = Writer {
        out: String::with_capacity(256),
        skip: None,
        depth: 0,
    };
    value.serialize(&mut w)?;
    Ok(w.out)
}

struct Writer {
    out: String,
    /// A member name left out of the outermost object.
    skip: Option<&'static str>,
    /// Objects and arrays open around the value being written.
    depth: usize,
}

impl Writer {
    fn integer(&mut self, i: i128) {
        // As `canonical::write_number` writes an integer: plain digits.
        use std::fmt::Write;
        let _ = write!(self.out, "{i}");
    }

    fn float(&mut self, f: f64) {
        // `serde_json::to_value` turns a non-finite float into `null`.
        if f.is_finite() {
            let mut buffer = ryu_js::Buffer::new();
            self.out.push_str(buffer.format(f));
        } else {
            self.out.push_str("null");
        }
    }

    fn object(&mut self) -> Object<'_> {
        let top = self.depth == 0;
        self.depth += 1;
        self.out.push('{');
        Object {
            start: self.out.len(),
            w: self,
            members: Vec::new(),
            key: None,
            top,
        }
    }

    fn array(&mut self) -> Array<'_> {
        self.depth += 1;
        self.out.push('[');
        Array {
            w: self,
            first: true,
        }
    }
}

/// RFC 8785's member order: by the UTF-16 code units of the names. UTF-8
/// byte order is the same unless a name holds a character above U+FFFF.
fn key_order(a: &str, b: &str) -> Ordering {
    if a.chars().any(|c| c > '\u{ffff}') || b.chars().any(|c| c > '\u{ffff}') {
        a.encode_utf16().cmp(b.encode_utf16())
    } else {
        a.cmp(b)
    }
}

/// An open object: its members' names and byte ranges in the buffer.
struct Object<'a> {
    w: &'a mut Writer,
    /// Where the members start (just after `{`).
    start: usize,
    members: Vec<(Cow<'static, str>, usize, usize)>,
    /// The name given by `serialize_key`, waiting for its value.
    key: Option<String>,
    top: bool,
}

impl<'a> Object<'a> {
    fn member<T: Serialize + ?Sized>(
        &mut self,
        name: Cow<'static, str>,
        value: &T,
    ) -> Result<(), Error> {
        if self.top && self.w.skip == Some(name.as_ref()) {
            return Ok(());
        }
        if !self.members.is_empty() {
            self.w.out.push(',');
        }
        let from = self.w.out.len();
        write_string(&name, &mut self.w.out);
        self.w.out.push(':');
        value.serialize(&mut *self.w)?;
        self.members.push((name, from, self.w.out.len()));
        Ok(())
    }

    /// Closes the object (members sorted) and gives the writer back.
    fn finish(self) -> &'a mut Writer {
        let sorted = self
            .members
            .windows(2)
            .all(|m| key_order(&m[0].0, &m[1].0) == Ordering::Less);
        if !sorted {
            let mut members = self.members;
            members.sort_by(|a, b| key_order(&a.0, &b.0));
            // `serde_json::to_value` keeps the last of two equal names.
            members.dedup_by(|later, earlier| {
                if later.0 == earlier.0 {
                    std::mem::swap(later, earlier);
                    true
                } else {
                    false
                }
            });
            let mut sorted = String::with_capacity(self.w.out.len() - self.start);
            for (i, (_, from, to)) in members.iter().enumerate() {
                if i > 0 {
                    sorted.push(',');
                }
                sorted.push_str(&self.w.out[*from..*to]);
            }
            self.w.out.truncate(self.start);
            self.w.out.push_str(&sorted);
        }
        self.w.out.push('}');
        self.w.depth -= 1;
        self.w
    }
}

struct Array<'a> {
    w: &'a mut Writer,
    first: bool,
}

impl<'a> Array<'a> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if !self.first {
            self.w.out.push(',');
        }
        self.first = false;
        value.serialize(&mut *self.w)
    }

    /// Closes the array and gives the writer back.
    fn finish(self) -> &'a mut Writer {
        self.w.out.push(']');
        self.w.depth -= 1;
        self.w
    }
}

/// An enum variant with content: `{"variant":content}`, as serde_json
/// writes externally tagged enums.
struct Variant<'a> {
    inner: Compound<'a>,
}

enum Compound<'a> {
    Array(Array<'a>),
    Object(Object<'a>),
}

impl Writer {
    /// Opens `{"variant":` around a variant's content.
    fn variant_open(&mut self, variant: &'static str) {
        self.depth += 1;
        self.out.push('{');
        write_string(variant, &mut self.out);
        self.out.push(':');
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Array<'a>;
    type SerializeTuple = Array<'a>;
    type SerializeTupleStruct = Array<'a>;
    type SerializeTupleVariant = Variant<'a>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Variant<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.integer(v.into());
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.integer(v.into());
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.integer(v.into());
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.integer(v.into());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        // `serde_json::to_value` holds only what fits an i64 or a u64.
        if i64::try_from(v).is_err() && u64::try_from(v).is_err() {
            return Err(ser::Error::custom("number out of range"));
        }
        self.integer(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.integer(v.into());
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.integer(v.into());
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.integer(v.into());
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.integer(v.into());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        match u64::try_from(v) {
            Ok(v) => self.serialize_u64(v),
            Err(_) => Err(ser::Error::custom("number out of range")),
        }
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.float(v.into());
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.float(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        write_string(v.encode_utf8(&mut [0; 4]), &mut self.out);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_string(v, &mut self.out);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.depth += 1;
        self.out.push('{');
        write_string(variant, &mut self.out);
        self.out.push(':');
        value.serialize(&mut *self)?;
        self.out.push('}');
        self.depth -= 1;
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Array<'a>, Error> {
        Ok(self.array())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Array<'a>, Error> {
        Ok(self.array())
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Array<'a>, Error> {
        Ok(self.array())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Variant<'a>, Error> {
        self.variant_open(variant);
        Ok(Variant {
            inner: Compound::Array(self.array()),
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Object<'a>, Error> {
        Ok(self.object())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Object<'a>, Error> {
        Ok(self.object())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Variant<'a>, Error> {
        self.variant_open(variant);
        Ok(Variant {
            inner: Compound::Object(self.object()),
        })
    }
}

impl ser::SerializeSeq for Array<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeTuple for Array<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Array<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(
            key.serialize(serde_json::value::Serializer)
                .and_then(|k| match k {
                    serde_json::Value::String(s) => Ok(s),
                    serde_json::Value::Number(n) => Ok(n.to_string()),
                    serde_json::Value::Bool(b) => Ok(b.to_string()),
                    _ => Err(ser::Error::custom("key must be a string")),
                })?,
        );
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("a map value without its key"))?;
        self.member(Cow::Owned(key), value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeStruct for Object<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.member(Cow::Borrowed(key), value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl Variant<'_> {
    fn finish(self) -> Result<(), Error> {
        let w = match self.inner {
            Compound::Array(a) => a.finish(),
            Compound::Object(o) => o.finish(),
        };
        w.out.push('}');
        w.depth -= 1;
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Variant<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        match &mut self.inner {
            Compound::Array(a) => a.item(value),
            Compound::Object(_) => Err(ser::Error::custom("a tuple variant without its array")),
        }
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Variant<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        match &mut self.inner {
            Compound::Object(o) => o.member(Cow::Borrowed(key), value),
            Compound::Array(_) => Err(ser::Error::custom("a struct variant without its object")),
        }
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}
