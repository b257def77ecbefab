//! A liability profile as the solver reads it: the amounts, each quantity's total and its
//! two largest amounts kept at hand, so that "the others" and "someone else" cost O(1) to
//! read, and the evaluation of conditions and promises there.

use std::cell::OnceCell;

use super::super::exact::{self, Exact};
use super::problem::{Pledge, Problem, Reference};

/// The two largest amounts of one quantity: the largest among everyone but one user is
/// one of them.
#[derive(Debug, Clone)]
struct Leaders {
    best: Exact,
    best_var: Option<usize>,
    second: Exact,
}

/// Liabilities `x` (base units, per variable), with each quantity's total and leaders
/// computed when first needed and kept up to date by [`Point::set`].
pub struct Point<'a> {
    problem: &'a Problem,
    x: Vec<Exact>,
    totals: Vec<OnceCell<Exact>>,
    leaders: Vec<OnceCell<Leaders>>,
}

impl<'a> Point<'a> {
    pub fn new(problem: &'a Problem, x: Vec<Exact>) -> Point<'a> {
        Point {
            problem,
            x,
            totals: vec![OnceCell::new(); problem.quantities.len()],
            leaders: vec![OnceCell::new(); problem.quantities.len()],
        }
    }

    /// The amounts, per variable.
    pub fn x(&self) -> &[Exact] {
        &self.x
    }

    /// Sets one variable, keeping its quantity's total (O(1)).
    pub fn set(&mut self, var: usize, value: Exact) {
        let quantity = self.problem.vars[var].1;
        if let Some(total) = self.totals[quantity].get_mut() {
            *total += &(&value - &self.x[var]);
        }
        self.leaders[quantity].take();
        self.x[var] = value;
    }

    /// Sets the variables of a solved component at once, with the totals solved with them
    /// (each the sum of its quantity's variables there), so no total is summed again.
    pub fn set_solved(&mut self, values: Vec<(usize, Exact)>, totals: Vec<(usize, Exact)>) {
        for (var, value) in values {
            let quantity = self.problem.vars[var].1;
            if totals.iter().any(|(q, _)| *q == quantity) {
                self.leaders[quantity].take();
                self.x[var] = value;
            } else {
                self.set(var, value);
            }
        }
        for (quantity, total) in totals {
            debug_assert!(
                self.problem.quantity_vars[quantity]
                    .iter()
                    .fold(exact::zero(), |sum, var| sum + &self.x[*var])
                    == total,
                "a solved total is its quantity's sum"
            );
            self.totals[quantity] = OnceCell::from(total);
        }
    }

    /// The sum of one quantity over everyone.
    pub fn total(&self, quantity: usize) -> &Exact {
        self.totals[quantity].get_or_init(|| {
            self.problem.quantity_vars[quantity]
                .iter()
                .fold(exact::zero(), |sum, var| sum + &self.x[*var])
        })
    }

    /// The largest amount of one quantity among everyone but `except`'s variable.
    fn most_except(&self, quantity: usize, except: Option<usize>) -> Exact {
        let leaders = self.leaders[quantity].get_or_init(|| {
            let mut leaders = Leaders {
                best: exact::zero(),
                best_var: None,
                second: exact::zero(),
            };
            for &var in &self.problem.quantity_vars[quantity] {
                let value = &self.x[var];
                if leaders.best_var.is_none() || *value > leaders.best {
                    leaders.second = std::mem::replace(&mut leaders.best, value.clone());
                    leaders.best_var = Some(var);
                } else if *value > leaders.second {
                    leaders.second = value.clone();
                }
            }
            leaders
        });
        if leaders.best_var.is_some() && leaders.best_var == except {
            leaders.second.clone()
        } else {
            leaders.best.clone()
        }
    }

    /// The value a reference takes here.
    pub fn value(&self, reference: &Reference) -> Exact {
        match reference {
            Reference::Zero => exact::zero(),
            Reference::Var(var) => self.x[*var].clone(),
            Reference::Others {
                quantity,
                except: Some(except),
            } => self.total(*quantity) - &self.x[*except],
            Reference::Others {
                quantity,
                except: None,
            } => self.total(*quantity).clone(),
            Reference::Anyone { quantity, except } => self.most_except(*quantity, *except),
        }
    }

    /// Whether every condition of entry `entry` holds here.
    pub fn holds(&self, entry: usize) -> bool {
        self.problem.entries[entry]
            .requirements
            .iter()
            .all(|r| self.value(&r.reference) >= r.min)
    }

    /// What a pledge yields here: `base + min(cap, rate * max(0, L_ref - threshold))`.
    pub fn yields(&self, pledge: &Pledge) -> Exact {
        let Some(p) = &pledge.proportion else {
            return pledge.base.clone();
        };
        let excess = self.value(&p.reference) - &p.threshold;
        if excess <= exact::zero() {
            return pledge.base.clone();
        }
        let share = excess * &p.rate;
        &pledge.base + if share < p.cap { share } else { p.cap.clone() }
    }
}
