//! Where one event's JSON ends and the next begins, in an input of any size:
//! a stream of values (JSON Lines, or objects one after another) or one
//! JSON array. Only the values' boundaries are found here (serde_json reads
//! each value without keeping it); what a value means, and every error
//! about it, is the component's, which parses each batch.
//!
//! The input is read line by line into a buffer that holds only what has
//! not been framed yet, so a file of any size streams through; a single
//! value may be at most `max_value` bytes.

use anyhow::{Context as _, Result, bail};
use serde::de::IgnoredAny;
use std::io::BufRead;

/// How the values are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Values one after another (JSON Lines, or objects separated by
    /// whitespace).
    Stream,
    /// The elements of one JSON array.
    Array,
}

/// What the framer hands out.
pub enum Frame {
    /// One value's bytes, exactly as in the input.
    Value(Vec<u8>),
    /// Bytes that are not a well-formed value (or whatever follows the
    /// array): the component parses them and says what is wrong.
    Bad(Vec<u8>),
}

/// A reader of values.
pub struct Framer<R> {
    reader: R,
    buf: Vec<u8>,
    /// How much of `buf` is framed already.
    pos: usize,
    /// Bytes of the input before `buf[0]`.
    consumed: u64,
    eof: bool,
    /// Whether the last read stopped at its bound inside a line: a value
    /// ending at the end of the buffer may go on.
    cut: bool,
    layout: Option<Layout>,
    /// In an array: whether an element was read (a `,` must come next).
    after_element: bool,
    finished: bool,
    max_value: usize,
}

impl<R: BufRead> Framer<R> {
    /// A framer over `reader`; one value may hold at most `max_value` bytes.
    pub fn new(reader: R, max_value: usize) -> Self {
        Framer {
            reader,
            buf: Vec::new(),
            pos: 0,
            consumed: 0,
            eof: false,
            cut: false,
            layout: None,
            after_element: false,
            finished: false,
            max_value,
        }
    }

    /// The layout, once the first value has been looked for.
    pub fn layout(&self) -> Layout {
        self.layout.unwrap_or(Layout::Stream)
    }

    /// The input's byte offset of the next unframed byte.
    pub fn offset(&self) -> u64 {
        self.consumed + self.pos as u64
    }

    /// The next value, `None` at the end of the input.
    pub fn next_frame(&mut self) -> Result<Option<Frame>> {
        if self.finished {
            return Ok(None);
        }
        if self.layout.is_none() {
            self.skip_whitespace()?;
            if self.peek().is_none() {
                self.finished = true;
                return Ok(None);
            }
            self.layout = Some(if self.peek() == Some(b'[') {
                self.pos += 1;
                Layout::Array
            } else {
                Layout::Stream
            });
        }
        self.skip_whitespace()?;
        if self.layout == Some(Layout::Array) {
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    self.skip_whitespace()?;
                    self.finished = true;
                    // Anything after the array is the component's to refuse.
                    return Ok(self.rest()?.map(Frame::Bad));
                }
                Some(b',') if self.after_element => {
                    self.pos += 1;
                    self.skip_whitespace()?;
                    if self.peek().is_none() {
                        // `[...,` and nothing more: a value is missing.
                        self.finished = true;
                        return Ok(Some(Frame::Bad(b"[".to_vec())));
                    }
                }
                None => {
                    self.finished = true;
                    return Ok(Some(Frame::Bad(b"[".to_vec())));
                }
                _ if self.after_element => {
                    self.finished = true;
                    return Ok(self.rest()?.map(Frame::Bad));
                }
                _ => {}
            }
        } else if self.peek().is_none() {
            self.finished = true;
            return Ok(None);
        }
        loop {
            let slice = &self.buf[self.pos..];
            let mut values = serde_json::Deserializer::from_slice(slice).into_iter::<IgnoredAny>();
            match values.next() {
                Some(Ok(_)) if self.cut && self.pos + values.byte_offset() == self.buf.len() => {
                    // `12` of `1234`, cut at the read's bound: read on.
                    self.read_more()?;
                }
                Some(Ok(_)) if values.byte_offset() > self.max_value => {
                    bail!(
                        "input: an event at byte {} is over the limit of {} bytes",
                        self.offset(),
                        self.max_value
                    );
                }
                Some(Ok(_)) => {
                    let end = self.pos + values.byte_offset();
                    let value = self.buf[self.pos..end].to_vec();
                    self.pos = end;
                    self.after_element = true;
                    self.compact();
                    return Ok(Some(Frame::Value(value)));
                }
                Some(Err(e)) if e.is_eof() && !self.eof => self.read_more()?,
                Some(Err(_)) | None => {
                    self.finished = true;
                    return Ok(self.rest()?.map(Frame::Bad));
                }
            }
        }
    }

    /// Reads more of a value that has not ended yet, refusing it once it
    /// is over the limit.
    fn read_more(&mut self) -> Result<()> {
        if self.buf.len() - self.pos > self.max_value {
            bail!(
                "input: an event at byte {} is over the limit of {} bytes",
                self.offset(),
                self.max_value
            );
        }
        self.fill()
    }

    fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// Skips whitespace, reading more as needed.
    fn skip_whitespace(&mut self) -> Result<()> {
        loop {
            while let Some(b) = self.peek() {
                if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                    return Ok(());
                }
                self.pos += 1;
            }
            if self.eof {
                return Ok(());
            }
            self.fill()?;
        }
    }

    /// Reads the next line (or what is left) into the buffer, but never
    /// more than one value's limit at once, so that a line of any length
    /// (`/dev/zero`, a minified array) is refused rather than held. A value
    /// never ends inside a line that has not been read whole, so a number
    /// at the end of the buffer is complete unless the read was `cut`.
    fn fill(&mut self) -> Result<()> {
        self.compact();
        let bound = self.max_value as u64 + 1;
        let read = std::io::Read::take(self.reader.by_ref(), bound)
            .read_until(b'\n', &mut self.buf)
            .context("reading the input")?;
        self.eof = read == 0;
        self.cut = read as u64 == bound && self.buf.last() != Some(&b'\n');
        Ok(())
    }

    /// Drops what is framed from the buffer.
    fn compact(&mut self) {
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.consumed += self.pos as u64;
            self.pos = 0;
        }
    }

    /// Everything left unframed, up to the limit of one value (the
    /// component says what is wrong with its start).
    fn rest(&mut self) -> Result<Option<Vec<u8>>> {
        while !self.eof && self.buf.len() - self.pos <= self.max_value {
            self.fill()?;
        }
        let rest = &self.buf[self.pos..];
        if rest
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            return Ok(None);
        }
        Ok(Some(rest[..rest.len().min(self.max_value + 1)].to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<(bool, String)> {
        let mut f = Framer::new(input.as_bytes(), 1 << 20);
        let mut out = Vec::new();
        while let Some(frame) = f.next_frame().expect("read") {
            out.push(match frame {
                Frame::Value(v) => (true, String::from_utf8(v).expect("utf8")),
                Frame::Bad(v) => (false, String::from_utf8(v).expect("utf8")),
            });
        }
        out
    }

    #[test]
    fn values_of_every_layout_are_found() {
        let lines = frames("{\"a\":1}\n{\"b\":[1,2]}\n\n{\"c\":\"x\\n}\"}\n");
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|(ok, _)| *ok));
        assert_eq!(lines[2].1, "{\"c\":\"x\\n}\"}");
        let pretty = frames("{\n  \"a\": 1,\n  \"b\": 2\n}\n");
        assert_eq!(
            pretty,
            [(true, "{\n  \"a\": 1,\n  \"b\": 2\n}".to_string())]
        );
        let array = frames(" [ {\"a\":1} ,\n{\"a\":2}]\n");
        assert_eq!(array.len(), 2);
        assert_eq!(array[1].1, "{\"a\":2}");
        assert!(frames("").is_empty());
        assert!(frames("[]").is_empty());
    }

    #[test]
    fn what_is_not_a_value_goes_to_the_component_whole() {
        let bad = frames("{\"a\":1}\n{\"tenant\":}\n{\"b\":2}");
        assert_eq!(bad.len(), 2);
        assert_eq!(bad[1], (false, "{\"tenant\":}\n{\"b\":2}".to_string()));
        let after = frames("[{\"a\":1}] x");
        assert_eq!(after[1], (false, "x".to_string()));
        let cut = frames("[{\"a\":1},");
        assert!(!cut.last().expect("one").0);
    }

    #[test]
    fn reads_are_bounded_and_never_cut_a_value() {
        // Reads of at most five bytes: numbers cut at a read's end are read on.
        let mut f = Framer::new("[12,3456,7]".as_bytes(), 4);
        let mut values = Vec::new();
        while let Some(Frame::Value(v)) = f.next_frame().expect("read") {
            values.push(String::from_utf8(v).expect("utf8"));
        }
        assert_eq!(values, ["12", "3456", "7"]);
        let mut f = Framer::new("[123456]".as_bytes(), 4);
        assert!(f.next_frame().is_err(), "a value over the limit is refused");
        // A line that never ends is refused once it is over the limit,
        // without reading it all.
        let endless = std::io::BufReader::new(std::io::Read::chain(
            &b"{\"a\":\""[..],
            std::io::repeat(b'x'),
        ));
        let mut f = Framer::new(endless, 1 << 16);
        let e = f.next_frame().err().expect("refused");
        assert!(e.to_string().contains("over the limit"), "{e}");
        let zeros = std::io::BufReader::new(std::io::repeat(0));
        match Framer::new(zeros, 1 << 16).next_frame().expect("read") {
            Some(Frame::Bad(b)) => assert_eq!(b.len(), (1 << 16) + 1),
            _ => panic!("not a value"),
        }
    }
}
