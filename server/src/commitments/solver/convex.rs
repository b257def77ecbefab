//! The inner step of the solver: the greatest fixed point, below a bound `p`, of a convex
//! map `H` whose every coordinate is the maximum of affine pieces (with `H(p) <= p`).
//!
//! Coordinates that can never leave `p` are *pinned* (a greatest set, found by peeling).
//! By convexity, the fixed point sought is then the only one that agrees with `p` on the
//! pinned coordinates, so it is `H`'s *least* fixed point on the box `[pinned at p, rest at
//! 0]`, found by policy iteration from below; each policy is an affine map whose strongly
//! connected components are solved exactly, dependencies first. A piece that reads "the
//! others" reads their total, a node of its own in that graph, so its rows stay sparse.

use std::collections::HashMap;

use super::super::exact::{self, Exact};
use super::linear::{self, Equation};
use super::point::Point;
use super::problem::{Problem, Reference};

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
fn evaluate(piece: &Piece, point: &Point<'_>) -> Exact {
    match piece {
        Piece::Constant(value) => value.clone(),
        Piece::Affine {
            offset,
            rate,
            reference,
        } => offset + rate * point.value(reference),
    }
}

/// The greatest fixed point of `H` (given by `pieces`) below `bound`, where `H(bound) <= bound`;
/// `changed` lists the variables whose pieces changed since `bound` was a fixed point of
/// the previous map (all of them the first time).
pub fn greatest_below<'a>(
    problem: &'a Problem,
    pieces: &[Vec<Piece>],
    bound: &Point<'a>,
    changed: &[usize],
) -> Point<'a> {
    let pinned = pinned(problem, pieces, bound, changed);
    let x: Vec<Exact> = bound
        .x()
        .iter()
        .zip(&pinned)
        .map(|(value, &pinned)| if pinned { value.clone() } else { exact::zero() })
        .collect();
    let mut point = Point::new(problem, x);
    let free: Vec<usize> = (0..pinned.len()).filter(|v| !pinned[*v]).collect();
    let mut policy = vec![0; pinned.len()];
    // Policy iteration from below: switch only on strict improvement, then move to the
    // policy's least fixed point above `x`. Every round strictly raises `x`.
    loop {
        let mut improved = false;
        for &var in &free {
            let current = policy[var];
            let mut best = evaluate(&pieces[var][current], &point);
            for (index, piece) in pieces[var].iter().enumerate() {
                if index == current {
                    continue;
                }
                let value = evaluate(piece, &point);
                if value > best {
                    best = value;
                    policy[var] = index;
                    improved = true;
                }
            }
        }
        if !improved {
            return point;
        }
        settle(problem, pieces, &policy, &free, &mut point);
    }
}

/// The variables whose value at the greatest fixed point below `bound` is `bound` itself:
/// those with a piece equal to `bound` there that reads only such variables (the greatest
/// such set). Only variables whose pieces `changed` since `bound` was a fixed point of the
/// previous map, and whatever reads them, can lose it; the rest keep their support.
fn pinned(
    problem: &Problem,
    pieces: &[Vec<Piece>],
    bound: &Point<'_>,
    changed: &[usize],
) -> Vec<bool> {
    let readers = &problem.readers;
    let mut pinned = vec![true; bound.x().len()];
    // Per quantity, how many of its variables lost their pin: a piece reading the others'
    // total reads only pinned variables while that count (its own creator's aside) is 0.
    let mut unpinned_in = vec![0usize; problem.quantities.len()];
    let mut queue = changed.to_vec();
    while let Some(var) = queue.pop() {
        if !pinned[var] {
            continue;
        }
        let reads_pinned = |reference: &Reference| match reference {
            Reference::Zero => true,
            Reference::Var(read) => pinned[*read],
            Reference::Others { quantity, except } | Reference::Anyone { quantity, except } => {
                let own = except.is_some_and(|e| !pinned[e]);
                unpinned_in[*quantity] == usize::from(own)
            }
        };
        let supported = pieces[var].iter().any(|piece| {
            let reads = match piece {
                Piece::Constant(_) => true,
                Piece::Affine { reference, .. } => reads_pinned(reference),
            };
            reads && evaluate(piece, bound) == bound.x()[var]
        });
        if supported {
            continue;
        }
        pinned[var] = false;
        let quantity = problem.vars[var].1;
        unpinned_in[quantity] += 1;
        let by_var = readers.pledges_by_var[var].iter();
        // Readers of the total lose support at the first and second unpinned variable
        // (the first may be their own creator's); after that they have been looked at.
        let by_quantity = if unpinned_in[quantity] <= 2 {
            readers.pledges_by_quantity[quantity].iter()
        } else {
            [].iter()
        };
        queue.extend(by_var.chain(by_quantity).map(|p| problem.pledges[*p].var));
    }
    pinned
}

/// Moves `point` (where the policy's map is at least `point`) to the policy's least fixed
/// point above it: component by component, dependencies first; a component already fixed
/// stays, any other is contracting and its linear system has exactly one solution.
fn settle(
    problem: &Problem,
    pieces: &[Vec<Piece>],
    policy: &[usize],
    free: &[usize],
    point: &mut Point<'_>,
) {
    let vars = problem.vars.len();
    let chosen = |var: usize| &pieces[var][policy[var]];
    // Nodes: the variables, then one total per quantity (node `vars + quantity`).
    let mut edges = vec![Vec::new(); vars + problem.quantities.len()];
    let mut is_free = vec![false; vars];
    for &var in free {
        is_free[var] = true;
        edges[vars + problem.vars[var].1].push(var);
    }
    for &var in free {
        if let Piece::Affine { reference, .. } = chosen(var) {
            match reference {
                Reference::Var(read) if is_free[*read] => edges[var].push(*read),
                Reference::Others { quantity, .. } | Reference::Anyone { quantity, .. }
                    if !edges[vars + quantity].is_empty() =>
                {
                    edges[var].push(vars + quantity);
                }
                _ => {}
            }
        }
    }
    for component in linear::components(free, &edges) {
        let members: Vec<usize> = component.iter().copied().filter(|n| *n < vars).collect();
        // A total alone is kept up to date by `Point::set`.
        if members.is_empty() {
            continue;
        }
        if let ([var], 1) = (&members[..], component.len()) {
            // A single variable never reads itself: its image is its value.
            let image = evaluate(chosen(*var), point);
            if image != point.x()[*var] {
                point.set(*var, image);
            }
            continue;
        }
        if members
            .iter()
            .all(|v| evaluate(chosen(*v), point) == point.x()[*v])
        {
            continue;
        }
        let solved = solve_component(problem, &component, chosen, point);
        if let Some(values) = solved {
            let (members, totals): (Vec<_>, Vec<_>) = component
                .iter()
                .copied()
                .zip(values)
                .partition(|(node, _)| *node < vars);
            let totals = totals.into_iter().map(|(node, total)| (node - vars, total));
            point.set_solved(members, totals.collect());
        }
    }
}

/// Solves `x_v = piece_v(x)` for the variables of one component, and `t_q = sum of q's
/// variables` for its totals, the rest of `point` fixed.
fn solve_component<'a>(
    problem: &Problem,
    component: &[usize],
    chosen: impl Fn(usize) -> &'a Piece,
    point: &Point<'_>,
) -> Option<Vec<Exact>> {
    let vars = problem.vars.len();
    let position: HashMap<usize, usize> = component
        .iter()
        .enumerate()
        .map(|(index, node)| (*node, index))
        .collect();
    let one = || Exact::from_integer(1);
    let x = point.x();
    let mut equations = Vec::with_capacity(component.len());
    for (row, &node) in component.iter().enumerate() {
        let mut terms = vec![(row, one())];
        if node >= vars {
            let quantity = node - vars;
            // The total's known part: its variables outside the component.
            let mut rhs = exact::zero();
            for var in &problem.quantity_vars[quantity] {
                match position.get(var) {
                    Some(column) => terms.push((*column, -one())),
                    None => rhs += &x[*var],
                }
            }
            equations.push(Equation { terms, rhs });
            continue;
        }
        let (offset, rate, reference) = match chosen(node) {
            Piece::Constant(value) => {
                equations.push(Equation {
                    terms,
                    rhs: value.clone(),
                });
                continue;
            }
            Piece::Affine {
                offset,
                rate,
                reference,
            } => (offset, rate, reference),
        };
        let mut rhs = offset.clone();
        // `coefficient · value` of a node read: a term when it is solved here, else known.
        let mut read = |read: usize, coefficient: Exact, value: &Exact| match position.get(&read) {
            Some(column) => terms.push((*column, -coefficient)),
            None => rhs += &(coefficient * value),
        };
        match reference {
            Reference::Zero => {}
            Reference::Var(var) => read(*var, rate.clone(), &x[*var]),
            Reference::Others { quantity, except } => {
                read(vars + quantity, rate.clone(), point.total(*quantity));
                if let Some(except) = except {
                    read(*except, -rate.clone(), &x[*except]);
                }
            }
            // Not affine, and never a piece: read as it stands.
            Reference::Anyone { .. } => rhs += &(rate * point.value(reference)),
        }
        equations.push(Equation { terms, rhs });
    }
    // Variables first, totals last: each variable's row then only feeds its total's.
    let mut order: Vec<usize> = (0..component.len()).collect();
    order.sort_by_key(|index| component[*index] >= vars);
    linear::solve(equations, &order)
}
