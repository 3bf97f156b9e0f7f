//! The non-interactive outputs: `--once` (plain text for incident notes) and
//! `--json` (for scripts), from the same snapshot and findings as the screen.
