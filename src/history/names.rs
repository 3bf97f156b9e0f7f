//! Interface names and mount points, each stored once: records carry a 2-byte id.
//! Names no record uses any more (a container's veth that went away an hour ago) are
//! forgotten by [`Names::compact`], so the table stays as small as what history holds.

use std::collections::HashMap;
use std::sync::Arc;

/// An id standing for a name in [`Names`].
pub type NameId = u16;

#[derive(Debug, Default)]
pub struct Names {
    names: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, NameId>,
}

impl Names {
    /// The id of `name`, adding it when new; `None` once 65,535 names are in use.
    pub fn id(&mut self, name: &str) -> Option<NameId> {
        match self.ids.get(name) {
            Some(&id) => Some(id),
            None => self.insert(Arc::from(name)),
        }
    }

    /// As [`Names::id`], keeping `name` itself when it is new instead of a copy: the
    /// mount points, which the filesystem rows already hold shared.
    pub fn id_shared(&mut self, name: &Arc<str>) -> Option<NameId> {
        match self.ids.get(&**name) {
            Some(&id) => Some(id),
            None => self.insert(Arc::clone(name)),
        }
    }

    fn insert(&mut self, name: Arc<str>) -> Option<NameId> {
        let id = NameId::try_from(self.names.len()).ok().filter(|&id| id < NameId::MAX)?;
        self.names.push(name.clone());
        self.ids.insert(name, id);
        Some(id)
    }

    /// The id of `name` if it has one, without adding it.
    pub fn lookup(&self, name: &str) -> Option<NameId> {
        self.ids.get(name).copied()
    }

    pub fn name(&self, id: NameId) -> &str {
        self.names.get(id as usize).map_or("?", |n| n)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Keeps only the names `in_use` says are used, renumbered; returns the old id → new
    /// id map for the caller to rewrite its records with.
    pub fn compact(&mut self, in_use: &[bool]) -> Vec<NameId> {
        let mut remap = vec![NameId::MAX; self.names.len()];
        let old = std::mem::take(&mut self.names);
        self.ids.clear();
        for (i, name) in old.into_iter().enumerate() {
            if in_use.get(i).copied().unwrap_or(false) {
                let id = self.names.len() as NameId;
                self.ids.insert(name.clone(), id);
                self.names.push(name);
                remap[i] = id;
            }
        }
        remap
    }

    /// Bytes held: the table, the map and the names' text.
    pub fn bytes(&self) -> usize {
        let text: usize = self.names.iter().map(|n| n.len() + 2 * size_of::<usize>()).sum();
        let map = self.ids.capacity() * (size_of::<Arc<str>>() + size_of::<NameId>() + 1);
        self.names.capacity() * size_of::<Arc<str>>() + map + text
    }
}
