//! The `KEY=value` files of os-release(5) and `/etc/lsb-release`: one assignment a
//! line, values with shell-style quoting (double quotes with backslash escapes, single
//! quotes literal, an unquoted backslash escaping the next character), `#` comments.

/// The assignments in file order; a malformed line is skipped, not fatal.
pub(super) fn parse(text: &str) -> Vec<(String, String)> {
    text.lines().filter_map(parse_line).collect()
}

/// The last value assigned to `key` (a later line wins, as when the shell sources it);
/// `None` where it is absent or empty.
pub(super) fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

fn parse_line(line: &str) -> Option<(String, String)> {
    let line = line.trim_start();
    if line.starts_with('#') {
        return None;
    }
    let (key, raw) = line.split_once('=')?;
    let key = key.trim_end();
    let valid_key = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid_key.then(|| (key.to_string(), unquote(raw)))
}

/// The value as `sh` would see it: quoted pieces concatenate; unquoted white space
/// ends it.
fn unquote(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.trim().chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        // Inside double quotes a backslash escapes only these.
                        '\\' => match chars.next() {
                            Some(e @ ('"' | '\\' | '$' | '`')) => out.push(e),
                            Some(other) => {
                                out.push('\\');
                                out.push(other);
                            }
                            None => out.push('\\'),
                        },
                        _ => out.push(c),
                    }
                }
            }
            '\'' => out.extend(chars.by_ref().take_while(|&c| c != '\'')),
            '\\' => out.extend(chars.next()),
            c if c.is_whitespace() => break,
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        let text = "# comment\nNAME=\"Debian GNU/Linux\"\nID=debian\nA='it''s'\nB=\"say \\\"hi\\\" \\$HOME \\n\"\n\
                    C=unquoted\\ space\nD=\"\"\nbad line\n9X=no\nE=x # trailing\n";
        let pairs = parse(text);
        assert_eq!(get(&pairs, "NAME"), Some("Debian GNU/Linux"));
        assert_eq!(get(&pairs, "ID"), Some("debian"));
        assert_eq!(get(&pairs, "A"), Some("its"));
        assert_eq!(get(&pairs, "B"), Some("say \"hi\" $HOME \\n"));
        assert_eq!(get(&pairs, "C"), Some("unquoted space"));
        assert_eq!(get(&pairs, "D"), None);
        assert_eq!(get(&pairs, "9X"), None);
        assert_eq!(get(&pairs, "E"), Some("x"));
    }

    #[test]
    fn a_later_assignment_wins_as_when_sourced() {
        let pairs = parse("ID=first\nNAME=a\nID=second\nID=third\n");
        assert_eq!(get(&pairs, "ID"), Some("third"));
        assert_eq!(get(&pairs, "NAME"), Some("a"));
        // An empty last assignment empties it, as in the shell.
        assert_eq!(get(&parse("ID=x\nID=\n"), "ID"), None);
    }
}

#[cfg(test)]
mod fuzz {
    use crate::fuzz_input::{config, fixture, text_from};

    const SEEDS: &[&str] = &[fixture!("distros/alpine/etc/os-release"), fixture!("distros/centos7/etc/os-release")];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn os_release_never_panics(text in text_from(SEEDS)) {
            let pairs = super::parse(&text);
            let _ = super::get(&pairs, "VERSION_ID");
        }
    }
}
