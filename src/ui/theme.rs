//! Colours and markers: the 16 ANSI colours only (they read the same over ssh, in
//! tmux and on a Linux console), `--color auto|always|never` and `NO_COLOR`. Severity
//! is also spelled as a marker (`!` warning, `!!` error) so it survives without colour.

use crate::health::Severity;
use ratatui::style::{Color, Modifier, Style};

/// The `--color` choice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorMode {
    /// Colour unless `NO_COLOR` is set to a non-empty value.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorMode {
    /// Whether to colour, given the value of `NO_COLOR` (see <https://no-color.org>).
    pub fn use_color(self, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => no_color.is_none_or(|v| v.is_empty()),
        }
    }
}

/// How the dashboard paints; with colour off, only bold and reverse remain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub const COLOR: Theme = Theme { color: true };
    pub const MONO: Theme = Theme { color: false };

    fn fg(self, color: Color) -> Style {
        if self.color { Style::new().fg(color) } else { Style::new() }
    }

    /// The style of a value judged `severity`: yellow warnings, bold red errors.
    pub fn severity(self, severity: Severity) -> Style {
        match severity {
            Severity::Ok => Style::new(),
            Severity::Warning => self.fg(Color::Yellow),
            Severity::Error => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }

    /// The marker shown beside a warning or an error.
    pub fn marker(severity: Severity) -> &'static str {
        match severity {
            Severity::Ok => "",
            Severity::Warning => "!",
            Severity::Error => "!!",
        }
    }

    /// A label in front of values (`load`, `avail`, column titles).
    pub fn label(self) -> Style {
        self.fg(Color::Cyan)
    }

    /// Secondary text: units, pending values, ages.
    pub fn dim(self) -> Style {
        if self.color { Style::new().fg(Color::DarkGray) } else { Style::new() }
    }

    pub fn strong(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// All is well (the empty problem line).
    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    /// A panel's rule and title; the focused table's stands out even without colour.
    pub fn rule(self, focused: bool) -> Style {
        match (focused, self.color) {
            (true, true) => Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            (true, false) => Style::new().add_modifier(Modifier::BOLD),
            (false, true) => Style::new().fg(Color::DarkGray),
            (false, false) => Style::new(),
        }
    }

    pub fn title(self, focused: bool) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        match (focused, self.color) {
            (true, _) => bold.add_modifier(Modifier::REVERSED),
            (false, true) => bold.fg(Color::Cyan),
            (false, false) => bold,
        }
    }

    /// The parts of a usage bar: user time, system time, the rest of the busy time.
    pub fn bar(self, part: BarPart) -> Style {
        match part {
            BarPart::User => self.fg(Color::Green),
            BarPart::System => self.fg(Color::Magenta),
            BarPart::Other => self.fg(Color::Blue),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarPart {
    User,
    System,
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn no_color_turns_auto_off_only_when_non_empty() {
        assert!(ColorMode::Auto.use_color(None));
        assert!(ColorMode::Auto.use_color(Some(OsStr::new(""))));
        assert!(!ColorMode::Auto.use_color(Some(OsStr::new("1"))));
        assert!(ColorMode::Always.use_color(Some(OsStr::new("1"))));
        assert!(!ColorMode::Never.use_color(None));
    }

    #[test]
    fn mono_keeps_emphasis_but_no_colour() {
        assert_eq!(Theme::MONO.severity(Severity::Warning).fg, None);
        assert_eq!(Theme::COLOR.severity(Severity::Warning).fg, Some(Color::Yellow));
        assert_eq!(Theme::COLOR.severity(Severity::Error).fg, Some(Color::Red));
        assert!(Theme::MONO.title(true).add_modifier.contains(Modifier::REVERSED));
    }
}
