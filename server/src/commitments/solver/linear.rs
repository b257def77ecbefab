//! Exact linear algebra for one piece of the solver: strongly connected components of a
//! dependency graph (dependencies first) and sparse Gaussian elimination over the rationals.

use std::collections::{BTreeMap, BTreeSet};

use super::super::exact::{self, Exact};

/// The strongly connected components of the graph `edges` (node -> nodes it reads),
/// restricted to the nodes in `nodes`, ordered so that every component comes after the
/// components it reads (Tarjan's algorithm, iterative so deep chains cannot overflow).
pub fn components(nodes: &[usize], edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let size = edges.len();
    let mut index = vec![UNSEEN; size];
    let mut low = vec![0; size];
    let mut on_stack = vec![false; size];
    let mut stack = Vec::new();
    let mut order = Vec::new();
    let mut next = 0;
    for &root in nodes {
        if index[root] != UNSEEN {
            continue;
        }
        // Each frame: (node, position of the next edge to look at).
        let mut frames = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = frames.last_mut() {
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if index[target] == UNSEEN {
                    index[target] = next;
                    low[target] = next;
                    next += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    frames.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                order.push(component);
            }
        }
    }
    order
}

/// One linear equation: `sum of coefficient · x[column] over terms = rhs`.
#[derive(Debug, Clone)]
pub struct Equation {
    pub terms: Vec<(usize, Exact)>,
    pub rhs: Exact,
}

/// Solves a square system of sparse equations exactly; `None` if it is singular.
///
/// Columns are eliminated in `order` (every column once), each by the remaining equation
/// that mentions it with the fewest terms, so that a system whose rows read one shared
/// column (a total) besides their own costs O(n), not O(n³): eliminating a row's own
/// column only touches the few rows that mention it.
pub fn solve(equations: Vec<Equation>, order: &[usize]) -> Option<Vec<Exact>> {
    let size = equations.len();
    let mut rows: Vec<BTreeMap<usize, Exact>> = Vec::with_capacity(size);
    let mut rhs = Vec::with_capacity(size);
    // Per column, the rows not yet used as a pivot that mention it.
    let mut mentions: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); size];
    for (index, equation) in equations.into_iter().enumerate() {
        let mut row: BTreeMap<usize, Exact> = BTreeMap::new();
        for (column, coefficient) in equation.terms {
            *row.entry(column).or_insert_with(exact::zero) += &coefficient;
        }
        row.retain(|_, coefficient| !coefficient.is_zero());
        for column in row.keys() {
            mentions[*column].insert(index);
        }
        rows.push(row);
        rhs.push(equation.rhs);
    }
    let mut pivots = Vec::with_capacity(size);
    for &column in order {
        let pivot = mentions[column]
            .iter()
            .copied()
            .min_by_key(|row| rows[*row].len())?;
        let pivot_row = rows[pivot].clone();
        for other in pivot_row.keys() {
            mentions[*other].remove(&pivot);
        }
        let pivot_value = pivot_row.get(&column)?.clone();
        let pivot_rhs = rhs[pivot].clone();
        let targets: Vec<usize> = mentions[column].iter().copied().collect();
        for target in targets {
            let factor = &rows[target][&column] / &pivot_value;
            for (other, coefficient) in &pivot_row {
                let entry = rows[target].entry(*other).or_insert_with(exact::zero);
                *entry -= &factor * coefficient;
                if entry.is_zero() {
                    rows[target].remove(other);
                    mentions[*other].remove(&target);
                } else {
                    mentions[*other].insert(target);
                }
            }
            rhs[target] -= &factor * &pivot_rhs;
        }
        pivots.push((column, pivot));
    }
    // Each pivot row mentions only its column and columns eliminated after it.
    let mut values = vec![exact::zero(); size];
    for &(column, pivot) in pivots.iter().rev() {
        let mut value = rhs[pivot].clone();
        for (other, coefficient) in &rows[pivot] {
            if *other != column {
                value -= coefficient * &values[*other];
            }
        }
        values[column] = value / &rows[pivot][&column];
    }
    Some(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    fn q(n: i64, d: i64) -> Exact {
        Exact::new(n, d)
    }

    /// A chain and a cycle come out as components, dependencies first.
    #[test]
    fn components_come_dependencies_first() {
        // 0 reads 1, 1 reads 2, 2 reads 1, 3 reads nothing.
        let edges = vec![vec![1], vec![2], vec![1], vec![]];
        let order = components(&[0, 1, 2, 3], &edges);
        let position = |node| order.iter().position(|c| c.contains(&node));
        assert_eq!(order.len(), 3);
        assert_eq!(position(1), position(2));
        assert!(position(1) < position(0));
    }

    fn equation(terms: &[(usize, Exact)], rhs: Exact) -> Equation {
        Equation {
            terms: terms.to_vec(),
            rhs,
        }
    }

    /// A 2x2 system solves exactly; a singular one is reported.
    #[test]
    fn gaussian_elimination_is_exact() {
        // x - 0.99 y = 1, -0.99 x + y = 1  ->  x = y = 100
        let system = vec![
            equation(&[(0, q(1, 1)), (1, q(-99, 100))], q(1, 1)),
            equation(&[(0, q(-99, 100)), (1, q(1, 1))], q(1, 1)),
        ];
        assert_eq!(solve(system, &[0, 1]), Some(vec![q(100, 1), q(100, 1)]));
        let singular = vec![
            equation(&[(0, q(1, 1)), (1, q(-1, 1))], q(0, 1)),
            equation(&[(0, q(-1, 1)), (1, q(1, 1))], q(0, 1)),
        ];
        assert_eq!(solve(singular, &[0, 1]), None);
    }

    /// Rows that read one shared total: x_i = 1 + x_t / 2 for i < 3, x_t = x_0 + x_1 + x_2
    /// -> x_t = 3 + 1.5 x_t, so x_t = -6 and every x_i = -2. Terms on one column add up.
    #[test]
    fn a_shared_total_is_eliminated_last() {
        let mut system: Vec<Equation> = (0..3)
            .map(|i| equation(&[(i, q(1, 2)), (i, q(1, 2)), (3, q(-1, 2))], q(1, 1)))
            .collect();
        system.push(equation(
            &[(3, q(1, 1)), (0, q(-1, 1)), (1, q(-1, 1)), (2, q(-1, 1))],
            q(0, 1),
        ));
        assert_eq!(
            solve(system, &[0, 1, 2, 3]),
            Some(vec![q(-2, 1), q(-2, 1), q(-2, 1), q(-6, 1)])
        );
    }
}
