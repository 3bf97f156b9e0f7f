//! `--json` output that keeps the true bytes and is still safe to print on a terminal.
//!
//! JSON escapes only C0 controls, quotes and backslashes; DEL, C1 controls (`\u009b` is
//! an 8-bit CSI to many terminals), bidi controls and zero-width characters would pass
//! raw, so `ctop --json` read on a terminal (or by `less -r`) could still be attacked.
//! This formatter writes every character [`super::is_unsafe`] names as a `\uXXXX`
//! escape: the same JSON string, the same value for every parser.

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io::{self, Write};

/// serde_json's pretty printer, with the terminal-unsafe characters escaped too.
struct TerminalSafe<'a>(PrettyFormatter<'a>);

/// `value` as pretty-printed JSON in which no character can act on a terminal.
pub fn to_string_pretty<T: Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(16 * 1024);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, TerminalSafe(PrettyFormatter::new()));
    value.serialize(&mut serializer)?;
    // Only whole UTF-8 strings and ASCII escapes were written.
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

impl Formatter for TerminalSafe<'_> {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|&(_, c)| super::is_unsafe(c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            // Every unsafe character is in the Basic Multilingual Plane: one escape each.
            write!(writer, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    // The rest is the pretty printer's layout, unchanged.
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }
    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }
    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_are_escaped_and_parse_back_to_the_true_string() {
        let hostile = "a\u{1b}[2J\u{7f}\u{9b}31m\u{202e}txt\u{200b}é日";
        let json = to_string_pretty(&serde_json::json!({ "name": hostile, "list": [hostile] })).unwrap();
        assert!(json.chars().all(|c| !crate::sanitize::is_unsafe(c) || c == '\n' || c == ' '), "{json}");
        assert!(json.contains(r#""a\u001b[2J\u007f\u009b31m\u202etxt\u200bé日""#), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["name"], hostile);
        assert_eq!(back["list"][0], hostile);
    }

    #[test]
    fn the_layout_is_serde_json_s_pretty_one() {
        let value = serde_json::json!({ "a": [1, {"b": null}], "c": "plain" });
        assert_eq!(to_string_pretty(&value).unwrap(), serde_json::to_string_pretty(&value).unwrap());
    }
}
