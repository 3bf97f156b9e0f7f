//! One shared copy of each process name and command line: 3,000 workers of one server
//! hold one `Arc<str>` "nginx" and one command line between them, not 3,000 copies,
//! which keeps the cache small and each scan's row clones on a few hot cache lines.

use std::collections::HashSet;
use std::sync::Arc;

#[derive(Default)]
pub(super) struct SharedStrings {
    strings: HashSet<Arc<str>>,
}

impl SharedStrings {
    /// The shared copy of `text` (`text` itself if it is the first).
    pub fn share(&mut self, text: Arc<str>) -> Arc<str> {
        if let Some(shared) = self.strings.get(&text) {
            return Arc::clone(shared);
        }
        self.strings.insert(Arc::clone(&text));
        text
    }

    /// Drops the strings no process uses any more, once they outnumber `in_use` (the
    /// most that can be in use) enough to be worth a pass over them.
    pub fn forget_unused(&mut self, in_use: usize) {
        if self.strings.len() > 2 * in_use + 64 {
            self.strings.retain(|text| Arc::strong_count(text) > 1);
            self.strings.shrink_to(2 * self.strings.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_copy_until_unused() {
        let mut shared = SharedStrings::default();
        let a = shared.share("sleep 30".into());
        let b = shared.share("sleep 30".into());
        assert!(Arc::ptr_eq(&a, &b));
        for i in 0..100 {
            shared.share(format!("gone {i}").into());
        }
        shared.forget_unused(0);
        assert_eq!(shared.strings.len(), 1, "only the string still held survives");
        assert!(Arc::ptr_eq(&a, &shared.share("sleep 30".into())));
    }
}
