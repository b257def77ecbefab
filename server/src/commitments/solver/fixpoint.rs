//! The greatest fixed point of the liability operator, computed exactly in finitely many
//! steps (the argument is written out in `docs/commitments.md`, "The solver").
//!
//! A *configuration* says which commitments are assumed to hold and which proportional
//! promises are assumed to sit at their cap. Under it the operator is bounded above by a
//! convex, piecewise-affine map `H`; its greatest fixed point below the current bound (see
//! [`convex`](super::convex)) bounds the answer from above. Where that point breaks an
//! assumption, the assumption is dropped for good (it fails at the answer too) and the loop
//! repeats; otherwise it is the answer. Each round drops at least one assumption. Rounds
//! after the first only revisit what reads a variable that moved.

use super::super::exact::{self, Exact};
use super::convex::{self, Piece};
use super::point::Point;
use super::problem::Problem;

/// Assumptions of the outer loop.
struct Configuration {
    /// Per commitment: its conditions are assumed to hold.
    holding: Vec<bool>,
    /// Per pledge: its proportional part is assumed to be at its cap.
    capped: Vec<bool>,
}

/// The liabilities (per variable) and which commitments hold there.
pub struct FixedPoint<'a> {
    pub point: Point<'a>,
    pub holding: Vec<bool>,
}

/// The greatest fixed point of the liability operator.
pub fn greatest(problem: &Problem) -> FixedPoint<'_> {
    let mut bound = Point::new(problem, top(problem));
    // Everything is assumed at the top; what fails there fails everywhere below it.
    let mut configuration = Configuration {
        holding: vec![true; problem.entries.len()],
        capped: problem
            .pledges
            .iter()
            .map(|p| p.proportion.is_some())
            .collect(),
    };
    let all_vars: Vec<usize> = (0..problem.vars.len()).collect();
    let everything = Suspects {
        entries: (0..problem.entries.len()).collect(),
        pledges: (0..problem.pledges.len()).collect(),
    };
    narrow(problem, &mut configuration, &bound, everything);
    let mut pieces: Vec<Vec<Piece>> = all_vars
        .iter()
        .map(|var| pieces_of(problem, &configuration, *var))
        .collect();
    let mut changed = all_vars;
    loop {
        let candidate = convex::greatest_below(problem, &pieces, &bound, &changed);
        let moved: Vec<usize> = (0..problem.vars.len())
            .filter(|var| candidate.x()[*var] != bound.x()[*var])
            .collect();
        changed = narrow(
            problem,
            &mut configuration,
            &candidate,
            suspects(problem, &moved),
        );
        if changed.is_empty() {
            return FixedPoint {
                point: candidate,
                holding: configuration.holding,
            };
        }
        for &var in &changed {
            pieces[var] = pieces_of(problem, &configuration, var);
        }
        bound = candidate;
    }
}

/// The commitments and pledges that read a variable in `moved` (the others were checked
/// at a point equal to this one where they read).
fn suspects(problem: &Problem, moved: &[usize]) -> Suspects {
    let readers = &problem.readers;
    let mut suspects = Suspects {
        entries: Vec::new(),
        pledges: Vec::new(),
    };
    let mut quantities: Vec<usize> = moved.iter().map(|var| problem.vars[*var].1).collect();
    quantities.sort_unstable();
    quantities.dedup();
    for &var in moved {
        suspects.entries.extend(&readers.entries_by_var[var]);
        suspects.pledges.extend(&readers.pledges_by_var[var]);
    }
    for quantity in quantities {
        suspects
            .entries
            .extend(&readers.entries_by_quantity[quantity]);
        suspects
            .pledges
            .extend(&readers.pledges_by_quantity[quantity]);
    }
    suspects
}

/// Everyone at the most any of their promises can yield: above every fixed point.
fn top(problem: &Problem) -> Vec<Exact> {
    problem
        .var_pledges
        .iter()
        .map(|pledges| {
            pledges
                .iter()
                .map(|p| &problem.pledges[*p].ceiling)
                .fold(
                    exact::zero(),
                    |best, y| if *y > best { y.clone() } else { best },
                )
        })
        .collect()
}

/// The assumptions worth checking again.
struct Suspects {
    entries: Vec<usize>,
    pledges: Vec<usize>,
}

/// Drops the assumptions among `suspects` that fail at `point`. Returns the variables whose
/// pieces changed.
fn narrow(
    problem: &Problem,
    configuration: &mut Configuration,
    point: &Point<'_>,
    suspects: Suspects,
) -> Vec<usize> {
    let mut changed = Vec::new();
    for entry in suspects.entries {
        if configuration.holding[entry] && !point.holds(entry) {
            configuration.holding[entry] = false;
            changed.extend(
                problem.entries[entry]
                    .pledges
                    .iter()
                    .map(|p| problem.pledges[*p].var),
            );
        }
    }
    for index in suspects.pledges {
        let pledge = &problem.pledges[index];
        let Some(p) = &pledge.proportion else {
            continue;
        };
        if configuration.capped[index]
            && (point.value(&p.reference) - &p.threshold) * &p.rate < p.cap
        {
            configuration.capped[index] = false;
            changed.push(pledge.var);
        }
    }
    changed.sort_unstable();
    changed.dedup();
    changed
}

/// `H` for one variable under a configuration: the constant 0 first, then its pledges'
/// pieces.
fn pieces_of(problem: &Problem, configuration: &Configuration, var: usize) -> Vec<Piece> {
    let mut pieces = vec![Piece::Constant(exact::zero())];
    for &index in &problem.var_pledges[var] {
        let pledge = &problem.pledges[index];
        if !configuration.holding[pledge.commitment] {
            continue;
        }
        match &pledge.proportion {
            None => pieces.push(Piece::Constant(pledge.base.clone())),
            Some(_) if configuration.capped[index] => {
                pieces.push(Piece::Constant(pledge.ceiling.clone()));
            }
            Some(p) => {
                pieces.push(Piece::Constant(pledge.base.clone()));
                pieces.push(Piece::Affine {
                    offset: p.offset.clone(),
                    rate: p.rate.clone(),
                    reference: p.reference.clone(),
                });
            }
        }
    }
    pieces
}
