//! The one display sanitizer: every string that comes from the machine (process names
//! and command lines, user names, mount points, devices, fstypes, interface names, the
//! hostname, distro and DMI strings, any file content) passes through [`display`]
//! before any output path writes it — the dashboard, `--once`, help, timeline, replay.
//! `--json` is the exception: it keeps the true bytes for scripts, written as JSON
//! escapes (see [`json`]), so the document is safe on a terminal too.
//!
//! A process may name itself `\e[2J\e]0;PWNED\a`; printed raw, that clears root's
//! screen and sets its title (htop, btop and procs have each shipped this bug on an
//! output path that skipped their sanitizer). Replacing, not dropping, keeps widths
//! honest: a name is cut after it is cleaned, so `…` lands where the reader expects.

pub mod json;

use std::borrow::Cow;

/// What stands in for a character that must not reach a terminal.
pub const REPLACEMENT: char = '?';

/// Whether `c` could move the cursor, start an escape sequence, reorder the text
/// around it or hide itself: C0 controls (TAB, LF and CR included), DEL, C1, the bidi
/// controls, and zero-width characters.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Bidi embeddings, overrides and isolates, marks, the Arabic letter mark.
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
        // Zero-width space, joiners, word joiner and invisible operators, BOM, soft
        // hyphen, Mongolian vowel separator.
        | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{ad}' | '\u{180e}')
}

/// `text` fit for a terminal: every unsafe character replaced by [`REPLACEMENT`].
/// Borrows when there is nothing to replace, which is almost always.
pub fn display(text: &str) -> Cow<'_, str> {
    // Printable ASCII (nearly every name) is checked a byte at a time at memory speed;
    // the per-character check costs ~5 ns a character (benches/sanitize.rs), which on
    // every visible cell of every frame was a noticeable share of drawing.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) || !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if is_unsafe(c) { REPLACEMENT } else { c }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_controls_are_replaced() {
        assert_eq!(display("\u{1b}[2J\u{1b}]0;PWNED\u{7}"), "?[2J?]0;PWNED?");
        assert_eq!(display("a\tb\nc\rd\u{7f}e\u{9b}f"), "a?b?c?d?e?f");
    }

    #[test]
    fn bidi_and_zero_width_characters_are_replaced() {
        assert_eq!(display("evil\u{202e}txt.exe"), "evil?txt.exe");
        assert_eq!(display("a\u{200b}b\u{2066}c\u{feff}"), "a?b?c?");
    }

    #[test]
    fn clean_text_is_borrowed_unchanged() {
        assert!(matches!(display("nginx: worker process ünïcödé 日本"), Cow::Borrowed(_)));
    }
}
