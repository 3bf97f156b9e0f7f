//! User names by uid, from `/etc/passwd` under the source root: read once, read again
//! only when the file changes (checked at most once per scan, and only in a scan that
//! meets a new process). A uid with no entry (LDAP, containers) shows as its number.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::Arc;

pub(super) struct Users {
    passwd: PathBuf,
    names: HashMap<u32, Arc<str>>,
    /// (inode, size, mtime in ns) of the file the names were read from.
    read_from: Option<(u64, u64, i128)>,
    checked_this_scan: bool,
}

impl Users {
    pub fn new(passwd: PathBuf) -> Self {
        Self { passwd, names: HashMap::new(), read_from: None, checked_this_scan: false }
    }

    pub fn begin_scan(&mut self) {
        self.checked_this_scan = false;
    }

    /// The name for `uid`, shared (an `Arc` clone) by every process of that user.
    pub fn name(&mut self, uid: u32) -> Arc<str> {
        if !self.checked_this_scan {
            self.checked_this_scan = true;
            self.reload_if_changed();
        }
        self.names.entry(uid).or_insert_with(|| uid.to_string().into()).clone()
    }

    fn reload_if_changed(&mut self) {
        let stamp = std::fs::metadata(&self.passwd)
            .ok()
            .map(|m| (m.ino(), m.size(), i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec())));
        if stamp == self.read_from {
            return;
        }
        self.read_from = stamp;
        self.names.clear();
        let Ok(passwd) = std::fs::read_to_string(&self.passwd) else { return };
        for line in passwd.lines() {
            let mut fields = line.split(':');
            let (Some(name), Some(_password), Some(uid)) = (fields.next(), fields.next(), fields.next()) else {
                continue;
            };
            if let (false, Ok(uid)) = (name.is_empty(), uid.parse()) {
                // The first entry wins, as with getpwuid(3).
                self.names.entry(uid).or_insert_with(|| name.into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_passwd_and_follow_its_changes() {
        let dir = tempfile::tempdir().unwrap();
        let passwd = dir.path().join("passwd");
        std::fs::write(&passwd, "root:x:0:0:root:/root:/bin/bash\ngarbled line\nnobody:x:65534:65534::/:/bin/false\nalias:x:0:0::/:/bin/sh\n").unwrap();
        let mut users = Users::new(passwd.clone());
        users.begin_scan();
        assert_eq!(&*users.name(0), "root");
        assert_eq!(&*users.name(65534), "nobody");
        assert_eq!(&*users.name(1000), "1000");

        std::fs::write(&passwd, "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n").unwrap();
        // Within one scan the file is not looked at again.
        assert_eq!(&*users.name(1000), "1000");
        users.begin_scan();
        assert_eq!(&*users.name(1000), "alice");
        assert_eq!(&*users.name(65534), "65534");
    }

    #[test]
    fn without_passwd_every_user_is_a_number() {
        let mut users = Users::new(PathBuf::from("/nonexistent/passwd"));
        users.begin_scan();
        assert_eq!(&*users.name(0), "0");
    }
}
