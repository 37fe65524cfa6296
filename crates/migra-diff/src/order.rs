//! Dependency order: a table after the tables its foreign keys point at, a view after the views
//! it reads. Ties and cycles are resolved by name, so the order is deterministic.

use std::collections::{BTreeMap, BTreeSet};

/// `(namespace, name)`.
pub(crate) type Key = (String, String);

/// Orders `nodes` so that each comes after its dependencies (as given by `deps`; dependencies
/// outside `nodes` are ignored). In a cycle the smallest remaining node goes first; the edges
/// that point at a node not yet placed are returned as broken `(node, dependency)` pairs.
pub(crate) fn topo(
    nodes: &BTreeSet<Key>,
    deps: impl Fn(&Key) -> BTreeSet<Key>,
) -> (Vec<Key>, BTreeSet<(Key, Key)>) {
    // Kahn's algorithm with a sorted ready set; waiting[n] = dependencies not placed yet.
    let mut waiting: BTreeMap<&Key, BTreeSet<&Key>> = BTreeMap::new();
    let mut dependents: BTreeMap<&Key, Vec<&Key>> = BTreeMap::new();
    for n in nodes {
        let mut open = BTreeSet::new();
        for d in deps(n) {
            if let Some(d) = nodes.get(&d).filter(|d| *d != n) {
                open.insert(d);
                dependents.entry(d).or_default().push(n);
            }
        }
        waiting.insert(n, open);
    }
    let mut ready: BTreeSet<&Key> = waiting
        .iter()
        .filter(|(_, d)| d.is_empty())
        .map(|(n, _)| *n)
        .collect();
    let mut unplaced: BTreeSet<&Key> = nodes.iter().collect();
    let mut order = Vec::with_capacity(nodes.len());
    let mut broken = BTreeSet::new();
    while !unplaced.is_empty() {
        let next = match ready.pop_first() {
            Some(n) => n,
            None => {
                // Stalled: every unplaced node waits. Place the smallest node of a cycle and break
                // its open edges (a node that merely waits on a cycle is not placed early).
                let n = cycle_member(&unplaced, &waiting);
                for d in waiting.get(n).into_iter().flatten() {
                    broken.insert((n.clone(), (*d).clone()));
                }
                n
            }
        };
        unplaced.remove(next);
        order.push(next.clone());
        for m in dependents.get(next).into_iter().flatten() {
            if let Some(open) = waiting.get_mut(m) {
                open.remove(next);
                if open.is_empty() && unplaced.contains(m) {
                    ready.insert(m);
                }
            }
        }
    }
    (order, broken)
}

/// The smallest node of a cycle among the stalled nodes: follow each node's smallest open
/// dependency from the smallest unplaced node until a node repeats (every stalled node has one).
fn cycle_member<'a>(
    unplaced: &BTreeSet<&'a Key>,
    waiting: &BTreeMap<&'a Key, BTreeSet<&'a Key>>,
) -> &'a Key {
    let mut path: Vec<&Key> = Vec::new();
    let mut at = unplaced.first().copied();
    while let Some(n) = at {
        if let Some(i) = path.iter().position(|p| *p == n) {
            return path[i..].iter().min().copied().unwrap_or(n);
        }
        path.push(n);
        at = waiting.get(n).and_then(|d| d.first().copied());
    }
    // A node without open dependencies would have been ready; fall back to the walk's end.
    path.last()
        .copied()
        .or_else(|| unplaced.first().copied())
        .unwrap_or(&EMPTY)
}

static EMPTY: Key = (String::new(), String::new());

/// Whether `text` mentions `name` as a whole identifier (letters, digits, `_`, `$` around it
/// do not count). Used to order views by the views they read.
pub(crate) fn mentions(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let lower = text.to_lowercase();
    let name = name.to_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(&name) {
        let start = from + i;
        let end = start + name.len();
        let before = lower[..start].chars().next_back().is_none_or(|c| !word(c));
        let after = lower[end..].chars().next().is_none_or(|c| !word(c));
        if before && after {
            return true;
        }
        from = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(n: &str) -> Key {
        ("s".into(), n.into())
    }

    #[test]
    fn dependencies_first_and_cycles_broken_by_name() {
        let nodes: BTreeSet<Key> = ["a", "b", "c", "d", "e"].iter().map(|n| k(n)).collect();
        // a -> b, b -> a (cycle), c -> d, e -> a (waits on the cycle, is not part of it).
        let deps = |n: &Key| -> BTreeSet<Key> {
            match n.1.as_str() {
                "a" => [k("b")].into(),
                "b" => [k("a")].into(),
                "c" => [k("d")].into(),
                "e" => [k("a")].into(),
                _ => BTreeSet::new(),
            }
        };
        let (order, broken) = topo(&nodes, deps);
        let names: Vec<&str> = order.iter().map(|k| k.1.as_str()).collect();
        assert_eq!(names, vec!["d", "c", "a", "b", "e"]);
        assert_eq!(broken, [(k("a"), k("b"))].into());
    }

    #[test]
    fn mentions_whole_identifiers_only() {
        assert!(mentions("SELECT * FROM Orders o", "orders"));
        assert!(!mentions("SELECT * FROM orders_archive", "orders"));
        assert!(mentions("select x from public.orders;", "orders"));
    }
}
