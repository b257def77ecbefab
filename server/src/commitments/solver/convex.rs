//! The inner step of the solver: the greatest fixed point, below a bound `p`, of a convex
//! map `H` whose every coordinate is the maximum of affine pieces (with `H(p) <= p`).
//!
//! Coordinates that can never leave `p` are *pinned* (a greatest set, found by peeling).
//! By convexity, the fixed point sought is then the only one that agrees with `p` on the
//! pinned coordinates, so it is `H`'s *least* fixed point on the box `[pinned at p, rest at
//! 0]`, found by policy iteration from below; each policy is an affine map whose strongly
//! connected components are solved exactly, dependencies first.

use super::super::exact::{self, Exact};
use super::linear;
use super::problem::{Point, Problem, Reference};

/// One affine piece of `H` for one variable.
#[derive(Debug, Clone)]
pub enum Piece {
    Constant(Exact),
    /// `offset + rate * reference`.
    Affine {
        offset: Exact,
        rate: Exact,
        reference: Reference,
    },
}

/// A piece's value at `point`.
fn evaluate(problem: &Problem, piece: &Piece, point: &Point<'_>) -> Exact {
    match piece {
        Piece::Constant(value) => value.clone(),
        Piece::Affine {
            offset,
            rate,
            reference,
        } => offset + rate * problem.value(reference, point),
    }
}

/// A piece's value under `x`, for an `x` that keeps changing.
fn evaluate_in(problem: &Problem, piece: &Piece, x: &[Exact]) -> Exact {
    match piece {
        Piece::Constant(value) => value.clone(),
        Piece::Affine {
            offset,
            rate,
            reference,
        } => offset + rate * problem.value_in(reference, x),
    }
}

/// The variables a piece reads.
fn reads<'a>(problem: &'a Problem, piece: &'a Piece) -> Box<dyn Iterator<Item = usize> + 'a> {
    match piece {
        Piece::Constant(_) => Box::new(std::iter::empty()),
        Piece::Affine { reference, .. } => Box::new(problem.reads(reference)),
    }
}

/// The greatest fixed point of `H` (given by `pieces`) below `bound`, where `H(bound) <= bound`.
pub fn greatest_below(
    problem: &Problem,
    pieces: &[Vec<Piece>],
    bound: &[Exact],
    changed: &[usize],
    readers: &dyn Fn(usize) -> Vec<usize>,
) -> Vec<Exact> {
    let pinned = pinned(problem, pieces, bound, changed, readers);
    let mut x: Vec<Exact> = bound
        .iter()
        .zip(&pinned)
        .map(|(value, &pinned)| if pinned { value.clone() } else { exact::zero() })
        .collect();
    let free: Vec<usize> = (0..x.len()).filter(|v| !pinned[*v]).collect();
    let mut policy = vec![0; x.len()];
    // Policy iteration from below: switch only on strict improvement, then move to the
    // policy's least fixed point above `x`. Every round strictly raises `x`.
    loop {
        let mut improved = false;
        let point = problem.point(&x);
        for &var in &free {
            let current = evaluate(problem, &pieces[var][policy[var]], &point);
            let mut best = current;
            for (index, piece) in pieces[var].iter().enumerate() {
                let value = evaluate(problem, piece, &point);
                if value > best {
                    best = value;
                    policy[var] = index;
                    improved = true;
                }
            }
        }
        if !improved {
            return x;
        }
        settle(problem, pieces, &policy, &free, &mut x);
    }
}

/// The variables whose value at the greatest fixed point below `bound` is `bound` itself:
/// those with a piece equal to `bound` there that reads only such variables (the greatest
/// such set). Only variables whose pieces `changed` since `bound` was a fixed point of the
/// previous map, and whatever reads them, can lose it; the rest keep their support.
fn pinned(
    problem: &Problem,
    pieces: &[Vec<Piece>],
    bound: &[Exact],
    changed: &[usize],
    readers: &dyn Fn(usize) -> Vec<usize>,
) -> Vec<bool> {
    let point = problem.point(bound);
    let mut pinned = vec![true; bound.len()];
    let mut queue = changed.to_vec();
    while let Some(var) = queue.pop() {
        if !pinned[var] {
            continue;
        }
        let supported = pieces[var].iter().any(|piece| {
            evaluate(problem, piece, &point) == bound[var]
                && reads(problem, piece).all(|read| pinned[read])
        });
        if !supported {
            pinned[var] = false;
            queue.extend(readers(var));
        }
    }
    pinned
}

/// Moves `x` (a point where the policy's map is at least `x`) to the policy's least fixed
/// point above it: component by component, dependencies first; a component already fixed
/// stays, any other is contracting and its linear system has exactly one solution.
fn settle(
    problem: &Problem,
    pieces: &[Vec<Piece>],
    policy: &[usize],
    free: &[usize],
    x: &mut [Exact],
) {
    let mut is_free = vec![false; x.len()];
    for &var in free {
        is_free[var] = true;
    }
    let chosen = |var: usize| &pieces[var][policy[var]];
    let mut edges = vec![Vec::new(); x.len()];
    for &var in free {
        edges[var] = reads(problem, chosen(var))
            .filter(|read| is_free[*read])
            .collect();
    }
    for component in linear::components(free, &edges) {
        let images: Vec<Exact> = component
            .iter()
            .map(|v| evaluate_in(problem, chosen(*v), x))
            .collect();
        if component
            .iter()
            .zip(&images)
            .all(|(v, image)| x[*v] == *image)
        {
            continue;
        }
        if let [var] = component[..] {
            // A single variable never reads itself: its image is its value.
            x[var] = images.into_iter().next().unwrap_or_else(exact::zero);
            continue;
        }
        if let Some(values) = solve_component(problem, &component, chosen, x) {
            for (var, value) in component.iter().zip(values) {
                x[*var] = value;
            }
        }
    }
}

/// Solves `x_v = piece_v(x)` for the variables of one component, the rest of `x` fixed.
fn solve_component<'a>(
    problem: &Problem,
    component: &[usize],
    chosen: impl Fn(usize) -> &'a Piece,
    x: &[Exact],
) -> Option<Vec<Exact>> {
    let position = |var: usize| component.iter().position(|v| *v == var);
    let size = component.len();
    let mut matrix = vec![vec![exact::zero(); size]; size];
    let mut rhs = vec![exact::zero(); size];
    for (row, &var) in component.iter().enumerate() {
        matrix[row][row] = Exact::from_integer(1);
        match chosen(var) {
            Piece::Constant(value) => rhs[row] = value.clone(),
            Piece::Affine {
                offset,
                rate,
                reference,
            } => {
                let mut outside = exact::zero();
                for read in problem.reads(reference) {
                    match position(read) {
                        Some(column) => matrix[row][column] -= rate,
                        None => outside += &x[read],
                    }
                }
                rhs[row] = offset + rate * outside;
            }
        }
    }
    linear::solve(matrix, rhs)
}
