//! Exact linear algebra for one piece of the solver: strongly connected components of a
//! dependency graph (dependencies first) and Gaussian elimination over the rationals.

use super::super::exact::Exact;

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

/// Solves `matrix · x = rhs` exactly; `None` if the matrix is singular.
pub fn solve(mut matrix: Vec<Vec<Exact>>, mut rhs: Vec<Exact>) -> Option<Vec<Exact>> {
    let size = rhs.len();
    for column in 0..size {
        let pivot = (column..size).find(|row| !matrix[*row][column].is_zero())?;
        matrix.swap(column, pivot);
        rhs.swap(column, pivot);
        let pivot_value = matrix[column][column].clone();
        let pivot_row = matrix[column].clone();
        let pivot_rhs = rhs[column].clone();
        for (row, (coefficients, value)) in matrix.iter_mut().zip(rhs.iter_mut()).enumerate() {
            if row == column || coefficients[column].is_zero() {
                continue;
            }
            let factor = &coefficients[column] / &pivot_value;
            for (coefficient, pivot) in coefficients.iter_mut().zip(&pivot_row).skip(column) {
                *coefficient -= &factor * pivot;
            }
            *value -= &factor * &pivot_rhs;
        }
    }
    Some(
        rhs.into_iter()
            .zip(matrix.iter().enumerate())
            .map(|(value, (row, coefficients))| value / &coefficients[row])
            .collect(),
    )
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

    /// A 2x2 system solves exactly; a singular one is reported.
    #[test]
    fn gaussian_elimination_is_exact() {
        // x - 0.99 y = 1, -0.99 x + y = 1  ->  x = y = 100
        let matrix = vec![vec![q(1, 1), q(-99, 100)], vec![q(-99, 100), q(1, 1)]];
        assert_eq!(
            solve(matrix, vec![q(1, 1), q(1, 1)]),
            Some(vec![q(100, 1), q(100, 1)])
        );
        let singular = vec![vec![q(1, 1), q(-1, 1)], vec![q(-1, 1), q(1, 1)]];
        assert_eq!(solve(singular, vec![q(0, 1), q(0, 1)]), None);
    }
}
