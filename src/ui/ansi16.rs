//! Keeps colours to the 16 basic ANSI codes on the wire. crossterm writes even the 16
//! named colours as 256-colour codes (`ESC[38;5;3m`), which a Linux console before 3.16
//! or a strict 16-colour terminal does not understand; this writer rewrites those to
//! the classic `ESC[33m` / `ESC[93m` forms as the bytes pass. Everything else passes
//! through untouched. Escape sequences split across writes are carried over.

use std::io::{self, Write};

/// A CSI sequence is only buffered while it looks like a colour; longer ones pass.
const MAX_SEQUENCE: usize = 32;

pub struct Ansi16<W: Write> {
    inner: W,
    /// The escape sequence read so far (starting with ESC), not yet written.
    pending: Vec<u8>,
    out: Vec<u8>,
}

impl<W: Write> Ansi16<W> {
    pub fn new(inner: W) -> Self {
        Self { inner, pending: Vec::with_capacity(MAX_SEQUENCE), out: Vec::new() }
    }

    fn push(&mut self, byte: u8) {
        if self.pending.is_empty() {
            if byte == 0x1b {
                self.pending.push(byte);
            } else {
                self.out.push(byte);
            }
            return;
        }
        self.pending.push(byte);
        let csi = self.pending.get(1) == Some(&b'[');
        let done = if self.pending.len() == 2 {
            !csi
        } else {
            // Parameters are digits and `;`; anything else ends the sequence.
            !(byte.is_ascii_digit() || byte == b';') || self.pending.len() >= MAX_SEQUENCE
        };
        if done {
            if csi && byte == b'm' {
                rewrite_sgr(&self.pending[2..self.pending.len() - 1], &mut self.out);
            } else {
                self.out.extend_from_slice(&self.pending);
            }
            self.pending.clear();
        }
    }
}

/// Writes `ESC[<params>m` with every `38;5;N` / `48;5;N` for N < 16 in its basic form.
fn rewrite_sgr(params: &[u8], out: &mut Vec<u8>) {
    let parts: Vec<&[u8]> = params.split(|&b| b == b';').collect();
    let number = |p: &[u8]| std::str::from_utf8(p).ok().and_then(|s| s.parse::<u16>().ok());
    out.extend_from_slice(b"\x1b[");
    let mut i = 0;
    let mut first = true;
    while i < parts.len() {
        if !first {
            out.push(b';');
        }
        first = false;
        let layer = number(parts[i]);
        let colour = parts.get(i + 2).and_then(|p| number(p));
        if let (Some(layer @ (38 | 48)), Some(5), Some(n @ 0..16)) =
            (layer, parts.get(i + 1).and_then(|p| number(p)), colour)
        {
            let base = match (layer, n < 8) {
                (38, true) => 30,
                (38, false) => 90 - 8,
                (_, true) => 40,
                (_, false) => 100 - 8,
            };
            out.extend_from_slice((base + n).to_string().as_bytes());
            i += 3;
        } else {
            out.extend_from_slice(parts[i]);
            i += 1;
        }
    }
    out.push(b'm');
}

impl<W: Write> Write for Ansi16<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for &byte in buf {
            self.push(byte);
        }
        self.inner.write_all(&self.out)?;
        self.out.clear();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(chunks: &[&[u8]]) -> String {
        let mut writer = Ansi16::new(Vec::new());
        for chunk in chunks {
            writer.write_all(chunk).unwrap();
        }
        String::from_utf8(writer.inner).unwrap()
    }

    #[test]
    fn named_colours_become_basic_codes() {
        assert_eq!(through(&[b"\x1b[38;5;3mwarn\x1b[39m"]), "\x1b[33mwarn\x1b[39m");
        assert_eq!(through(&[b"\x1b[38;5;9;49m"]), "\x1b[91;49m");
        assert_eq!(through(&[b"\x1b[48;5;4m\x1b[48;5;15m"]), "\x1b[44m\x1b[107m");
        assert_eq!(through(&[b"\x1b[1m\x1b[38;5;6;49mx"]), "\x1b[1m\x1b[36;49mx");
    }

    #[test]
    fn other_sequences_and_text_pass_untouched() {
        let other = "\x1b[38;5;200mpink\x1b[?1049h\x1b[2;19Hé─\x1b[0m\x1b7";
        assert_eq!(through(&[other.as_bytes()]), other);
    }

    #[test]
    fn a_sequence_split_across_writes_is_carried_over() {
        assert_eq!(through(&[b"a\x1b[38;", b"5;1", b"mb"]), "a\x1b[31mb");
    }
}
