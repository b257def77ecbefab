//! A connection's joined groups, each with its gate, kept sorted by group. A connection
//! joins a few groups, and every delivery looks its group up: a sorted list stored inline
//! (the first group lives inside the outbox's own state) is found by a binary search,
//! with no hashing and no separate table to fetch from memory. It takes 8 bytes more
//! than an empty hash map, and no table on the heap for a connection in one group.

use quid_shared::Id;
use smallvec::SmallVec;

/// Group → `G`, sorted by group.
pub(super) struct Gates<G> {
    sorted: SmallVec<[(Id, G); 1]>,
}

impl<G> Default for Gates<G> {
    fn default() -> Self {
        Gates {
            sorted: SmallVec::new(),
        }
    }
}

impl<G> Gates<G> {
    fn find(&self, group: &Id) -> Result<usize, usize> {
        self.sorted.binary_search_by(|(id, _)| id.cmp(group))
    }

    pub(super) fn get(&self, group: &Id) -> Option<&G> {
        let at = self.find(group).ok()?;
        Some(&self.sorted[at].1)
    }

    pub(super) fn get_mut(&mut self, group: &Id) -> Option<&mut G> {
        let at = self.find(group).ok()?;
        Some(&mut self.sorted[at].1)
    }

    pub(super) fn contains(&self, group: &Id) -> bool {
        self.find(group).is_ok()
    }

    /// The gate of `group`, made by `make` if there is none yet.
    pub(super) fn get_or_insert_with(&mut self, group: Id, make: impl FnOnce() -> G) -> &mut G {
        let at = match self.find(&group) {
            Ok(at) => at,
            Err(at) => {
                self.sorted.insert(at, (group, make()));
                at
            }
        };
        &mut self.sorted[at].1
    }

    pub(super) fn remove(&mut self, group: &Id) -> Option<G> {
        let at = self.find(group).ok()?;
        Some(self.sorted.remove(at).1)
    }

    pub(super) fn groups(&self) -> impl Iterator<Item = Id> + '_ {
        self.sorted.iter().map(|(id, _)| *id)
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &G> {
        self.sorted.iter().map(|(_, gate)| gate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, i64),
        Bump(u8),
        Remove(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u8..12, any::<i64>()).prop_map(|(g, v)| Op::Insert(g, v)),
            (0u8..12).prop_map(Op::Bump),
            (0u8..12).prop_map(Op::Remove),
        ]
    }

    fn id(n: u8) -> Id {
        // spread over the whole UUID so ordering is not only by the last byte
        Id::from_u128(u128::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835))
    }

    proptest! {
        /// Any sequence of joins, updates and leaves leaves the same contents as a map.
        #[test]
        fn behaves_like_a_map(ops in proptest::collection::vec(op(), 0..64)) {
            let mut gates: Gates<i64> = Gates::default();
            let mut model: BTreeMap<Id, i64> = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Insert(g, v) => {
                        let got = *gates.get_or_insert_with(id(g), || v);
                        let want = *model.entry(id(g)).or_insert(v);
                        prop_assert_eq!(got, want);
                    }
                    Op::Bump(g) => {
                        if let Some(v) = gates.get_mut(&id(g)) {
                            *v = v.wrapping_add(1);
                        }
                        if let Some(v) = model.get_mut(&id(g)) {
                            *v = v.wrapping_add(1);
                        }
                    }
                    Op::Remove(g) => prop_assert_eq!(gates.remove(&id(g)), model.remove(&id(g))),
                }
                for g in 0..12 {
                    prop_assert_eq!(gates.get(&id(g)), model.get(&id(g)));
                    prop_assert_eq!(gates.contains(&id(g)), model.contains_key(&id(g)));
                }
                prop_assert_eq!(gates.groups().collect::<Vec<_>>(), model.keys().copied().collect::<Vec<_>>());
                prop_assert_eq!(gates.values().collect::<Vec<_>>(), model.values().collect::<Vec<_>>());
            }
        }
    }
}
