//! The greatest fixed point of the liability operator, computed exactly in finitely many
//! steps (the argument is written out in `docs/commitments.md`, "The solver").
//!
//! Outer loop (from above): a *configuration* says which commitments are assumed to hold and
//! which proportional promises are assumed to sit at their cap. Under it the operator is
//! bounded above by a convex, piecewise-affine map `H`; its greatest fixed point below the
//! current bound `p` is an upper bound of the answer. Where that point breaks an assumption,
//! the assumption is dropped for good (it fails at the answer too) and the loop repeats;
//! otherwise it is the answer. Each round drops at least one assumption.
//!
//! Inner step: `H`'s greatest fixed point below `p` is its *least* fixed point on the box
//! that pins the coordinates which can never leave `p` (a convexity argument), and that
//! least fixed point is found by policy iteration from below, each policy's linear system
//! solved exactly, component by component.

use super::super::exact::{self, Exact};
use super::linear;
use super::problem::{Point, Problem, Reference};

/// One affine piece of `H` for one variable.
#[derive(Debug, Clone)]
enum Piece {
    Constant(Exact),
    /// `offset + rate * reference`.
    Affine {
        offset: Exact,
        rate: Exact,
        reference: Reference,
    },
}

/// Assumptions of the outer loop.
#[derive(Debug, Clone, PartialEq)]
struct Configuration {
    /// Per commitment: its conditions are assumed to hold.
    holding: Vec<bool>,
    /// Per pledge: its proportional part is assumed to be at its cap.
    capped: Vec<bool>,
}

/// The liabilities (per variable) and which commitments hold there.
pub struct FixedPoint {
    pub values: Vec<Exact>,
    pub holding: Vec<bool>,
}

/// The greatest fixed point of `problem.step`.
pub fn greatest(problem: &Problem) -> FixedPoint {
    let everything = Configuration {
        holding: vec![true; problem.entries.len()],
        capped: problem
            .pledges
            .iter()
            .map(|p| p.proportion.is_some())
            .collect(),
    };
    let mut bound = top(problem);
    // At the top everything is assumed; what fails there fails everywhere below it.
    let mut configuration = narrow(problem, &everything, &bound);
    loop {
        let pieces = pieces(problem, &configuration);
        let candidate = greatest_below(problem, &pieces, &bound);
        let narrowed = narrow(problem, &configuration, &candidate);
        if narrowed == configuration {
            return FixedPoint {
                values: candidate,
                holding: configuration.holding,
            };
        }
        configuration = narrowed;
        bound = candidate;
    }
}

/// Everyone at the most any of their promises can yield: above every fixed point.
fn top(problem: &Problem) -> Vec<Exact> {
    problem
        .var_pledges
        .iter()
        .map(|pledges| {
            pledges
                .iter()
                .map(|p| {
                    let pledge = &problem.pledges[*p];
                    match &pledge.proportion {
                        Some(proportion) => &pledge.base + &proportion.cap,
                        None => pledge.base.clone(),
                    }
                })
                .fold(exact::zero(), |best, y| if y > best { y } else { best })
        })
        .collect()
}

/// The assumptions that still hold at `point`.
fn narrow(problem: &Problem, configuration: &Configuration, x: &[Exact]) -> Configuration {
    let point = problem.point(x);
    let holding = (0..problem.entries.len())
        .map(|entry| configuration.holding[entry] && problem.holds(entry, &point))
        .collect();
    let capped = problem
        .pledges
        .iter()
        .zip(&configuration.capped)
        .map(|(pledge, &capped)| {
            capped
                && pledge.proportion.as_ref().is_some_and(|p| {
                    (problem.value(&p.reference, &point) - &p.threshold) * &p.rate >= p.cap
                })
        })
        .collect();
    Configuration { holding, capped }
}

/// `H` under a configuration: per variable, the constant 0 first, then its pledges' pieces.
fn pieces(problem: &Problem, configuration: &Configuration) -> Vec<Vec<Piece>> {
    problem
        .var_pledges
        .iter()
        .map(|pledges| {
            let mut pieces = vec![Piece::Constant(exact::zero())];
            for &index in pledges {
                let pledge = &problem.pledges[index];
                if !configuration.holding[pledge.commitment] {
                    continue;
                }
                match &pledge.proportion {
                    None => pieces.push(Piece::Constant(pledge.base.clone())),
                    Some(p) if configuration.capped[index] => {
                        pieces.push(Piece::Constant(&pledge.base + &p.cap));
                    }
                    Some(p) => {
                        pieces.push(Piece::Constant(pledge.base.clone()));
                        pieces.push(Piece::Affine {
                            offset: &pledge.base - &p.rate * &p.threshold,
                            rate: p.rate.clone(),
                            reference: p.reference.clone(),
                        });
                    }
                }
            }
            pieces
        })
        .collect()
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
fn greatest_below(problem: &Problem, pieces: &[Vec<Piece>], bound: &[Exact]) -> Vec<Exact> {
    let pinned = pinned(problem, pieces, bound);
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
/// those with a piece tight at `bound` that reads only such variables (a greatest set).
fn pinned(problem: &Problem, pieces: &[Vec<Piece>], bound: &[Exact]) -> Vec<bool> {
    let point = problem.point(bound);
    let tight: Vec<Vec<&Piece>> = pieces
        .iter()
        .zip(bound)
        .map(|(pieces, value)| {
            pieces
                .iter()
                .filter(|p| evaluate(problem, p, &point) == *value)
                .collect()
        })
        .collect();
    let mut readers = vec![Vec::new(); bound.len()];
    for (var, pieces) in tight.iter().enumerate() {
        for read in pieces.iter().flat_map(|p| reads(problem, p)) {
            readers[read].push(var);
        }
    }
    let mut pinned = vec![true; bound.len()];
    let mut queue: Vec<usize> = (0..bound.len()).collect();
    while let Some(var) = queue.pop() {
        if pinned[var]
            && !tight[var]
                .iter()
                .any(|p| reads(problem, p).all(|read| pinned[read]))
        {
            pinned[var] = false;
            queue.extend(&readers[var]);
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
