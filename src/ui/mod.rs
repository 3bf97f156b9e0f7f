//! The full-screen dashboard (ratatui + crossterm).
