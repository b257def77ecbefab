//! The solver's indexed view of a set of commitments: users, quantities and liability
//! variables numbered densely, amounts exact, and the evaluation of conditions and promises.

use std::cell::OnceCell;
use std::collections::HashMap;

use quid_shared::{Commitment, CommitmentStatus, Id, UserRef};

use super::super::exact::{self, Exact};
use super::super::model::{self, ModelError};
use super::super::units::{normalize_action, normalize_unit};
use super::SolveError;

/// Whose amount a condition or a proportional promise looks at.
#[derive(Debug, Clone)]
pub enum Reference {
    /// Nobody is liable for this quantity there: always 0.
    Zero,
    /// One liability variable.
    Var(usize),
    /// The sum of one quantity over every user except `except`'s variable (the creator's).
    Others {
        quantity: usize,
        except: Option<usize>,
    },
}

/// A condition of a commitment: `reference >= min`.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub reference: Reference,
    pub min: Exact,
}

/// The proportional part of a promise: `min(cap, rate * max(0, reference - threshold))`.
#[derive(Debug, Clone)]
pub struct Proportion {
    pub rate: Exact,
    pub cap: Exact,
    pub threshold: Exact,
    pub reference: Reference,
    /// `base - rate * threshold`: the promise is `offset + rate * reference` between its
    /// floor and its cap.
    pub offset: Exact,
}

/// One promise of one commitment (listed under its variable in `Problem::var_pledges`).
#[derive(Debug, Clone)]
pub struct Pledge {
    pub commitment: usize,
    /// The liability variable it yields into.
    pub var: usize,
    pub base: Exact,
    pub proportion: Option<Proportion>,
    /// The most it can yield: `base + cap`, or `base`.
    pub ceiling: Exact,
}

/// One active commitment.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub requirements: Vec<Requirement>,
    /// Its pledges (indices into `Problem::pledges`).
    pub pledges: Vec<usize>,
}

/// Every active commitment of a group, indexed for the solver.
#[derive(Debug, Default)]
pub struct Problem {
    pub users: Vec<UserRef>,
    /// `(action, unit)` per quantity index.
    pub quantities: Vec<(String, String)>,
    /// `(user, quantity)` per variable index.
    pub vars: Vec<(usize, usize)>,
    /// Variables per quantity.
    pub quantity_vars: Vec<Vec<usize>>,
    pub entries: Vec<Entry>,
    pub pledges: Vec<Pledge>,
    /// Pledges per variable.
    pub var_pledges: Vec<Vec<usize>>,
    user_index: HashMap<Id, usize>,
    quantity_index: HashMap<(String, String), usize>,
    /// Quantity per `(action, unit)` as written, so each spelling is normalised once.
    spelled: HashMap<String, HashMap<String, Option<usize>>>,
    var_index: HashMap<(usize, usize), usize>,
}

impl Problem {
    /// Indexes the active commitments; a commitment that fails validation is an error.
    pub fn build(commitments: &[Commitment]) -> Result<Problem, SolveError> {
        let active: Vec<&Commitment> = commitments
            .iter()
            .filter(|c| c.status == CommitmentStatus::Active)
            .collect();
        let mut problem = Problem::default();
        // Variables exist exactly for what someone promises, so they are created first.
        for commitment in &active {
            let user = problem.user(&commitment.creator);
            for promise in &commitment.promises {
                let quantity = problem.quantity(&promise.action, &promise.unit);
                problem.var(user, quantity);
            }
        }
        for commitment in active {
            problem.add(commitment)?;
        }
        Ok(problem)
    }

    /// Adds one commitment's requirements and pledges.
    fn add(&mut self, commitment: &Commitment) -> Result<(), SolveError> {
        let invalid = |reason: ModelError| SolveError::Invalid {
            id: commitment.id,
            reason,
        };
        model::validate(
            &commitment.conditions,
            &commitment.promises,
            commitment.creator.id,
            None,
        )
        .map_err(invalid)?;
        let number = |value: f64| {
            exact::from_f64(value).ok_or(invalid(ModelError::BadNumber {
                what: "amount",
                value,
            }))
        };
        let creator = self.user_index[&commitment.creator.id];
        let index = self.entries.len();
        let mut requirements = Vec::new();
        let mut pledges = Vec::new();
        for condition in &commitment.conditions {
            let reference =
                self.reference(creator, condition.user, &condition.action, &condition.unit);
            requirements.push(Requirement {
                reference,
                min: number(condition.min)?,
            });
        }
        for promise in &commitment.promises {
            let quantity = self
                .find_quantity(&promise.action, &promise.unit)
                .unwrap_or_default();
            let var = self.var_index[&(creator, quantity)];
            let base = number(promise.base)?;
            let proportion = if promise.rate > 0.0 {
                let action = promise.ref_action.as_deref().unwrap_or(&promise.action);
                let unit = promise.ref_unit.as_deref().unwrap_or(&promise.unit);
                let rate = number(promise.rate)?;
                let threshold = number(promise.threshold)?;
                Some(Proportion {
                    offset: &base - &rate * &threshold,
                    rate,
                    cap: number(promise.cap.unwrap_or(0.0))?,
                    threshold,
                    reference: self.reference(creator, promise.ref_user, action, unit),
                })
            } else {
                None
            };
            let ceiling = proportion.as_ref().map_or(base.clone(), |p| &base + &p.cap);
            self.var_pledges[var].push(self.pledges.len());
            pledges.push(self.pledges.len());
            self.pledges.push(Pledge {
                commitment: index,
                var,
                base,
                proportion,
                ceiling,
            });
        }
        self.entries.push(Entry {
            id: commitment.id,
            requirements,
            pledges,
        });
        Ok(())
    }

    /// What `user` (or, with `None`, everyone but `creator`) refers to.
    fn reference(
        &mut self,
        creator: usize,
        user: Option<Id>,
        action: &str,
        unit: &str,
    ) -> Reference {
        let Some(quantity) = self.find_quantity(action, unit) else {
            return Reference::Zero;
        };
        match user {
            None => Reference::Others {
                quantity,
                except: self.var_index.get(&(creator, quantity)).copied(),
            },
            Some(id) => self
                .user_index
                .get(&id)
                .and_then(|user| self.var_index.get(&(*user, quantity)))
                .map_or(Reference::Zero, |var| Reference::Var(*var)),
        }
    }

    fn user(&mut self, user: &UserRef) -> usize {
        if let Some(index) = self.user_index.get(&user.id) {
            return *index;
        }
        self.users.push(user.clone());
        self.user_index.insert(user.id, self.users.len() - 1);
        self.users.len() - 1
    }

    /// The quantity an `(action, unit)` spelling names, if anyone promises it.
    fn find_quantity(&mut self, action: &str, unit: &str) -> Option<usize> {
        if let Some(found) = self.spelled.get(action).and_then(|units| units.get(unit)) {
            return *found;
        }
        let found = self
            .quantity_index
            .get(&quantity_key(action, unit))
            .copied();
        self.remember(action, unit, found);
        found
    }

    /// Notes which quantity a spelling names.
    fn remember(&mut self, action: &str, unit: &str, quantity: Option<usize>) {
        self.spelled
            .entry(action.to_owned())
            .or_default()
            .insert(unit.to_owned(), quantity);
    }

    fn quantity(&mut self, action: &str, unit: &str) -> usize {
        if let Some(Some(found)) = self.spelled.get(action).and_then(|units| units.get(unit)) {
            return *found;
        }
        let key = quantity_key(action, unit);
        if let Some(index) = self.quantity_index.get(&key) {
            return *index;
        }
        self.quantities.push(key.clone());
        self.quantity_vars.push(Vec::new());
        self.quantity_index.insert(key, self.quantities.len() - 1);
        self.remember(action, unit, Some(self.quantities.len() - 1));
        self.quantities.len() - 1
    }

    fn var(&mut self, user: usize, quantity: usize) -> usize {
        if let Some(index) = self.var_index.get(&(user, quantity)) {
            return *index;
        }
        self.vars.push((user, quantity));
        self.var_pledges.push(Vec::new());
        self.quantity_vars[quantity].push(self.vars.len() - 1);
        self.var_index.insert((user, quantity), self.vars.len() - 1);
        self.vars.len() - 1
    }

    /// Liabilities `x`, with each quantity's total summed when first needed, so that "the
    /// others" cost O(1) to read.
    pub fn point<'a>(&'a self, x: &'a [Exact]) -> Point<'a> {
        Point {
            x,
            quantity_vars: &self.quantity_vars,
            totals: vec![OnceCell::new(); self.quantities.len()],
        }
    }

    /// The value a reference takes at `point`.
    pub fn value(&self, reference: &Reference, point: &Point<'_>) -> Exact {
        match reference {
            Reference::Zero => exact::zero(),
            Reference::Var(var) => point.x[*var].clone(),
            Reference::Others {
                quantity,
                except: Some(except),
            } => point.total(*quantity) - &point.x[*except],
            Reference::Others {
                quantity,
                except: None,
            } => point.total(*quantity).clone(),
        }
    }

    /// The value a reference takes under `x`, summed afresh (for `x` that keeps changing).
    pub fn value_in(&self, reference: &Reference, x: &[Exact]) -> Exact {
        self.reads(reference)
            .fold(exact::zero(), |sum, var| sum + &x[var])
    }

    /// The variables a reference reads.
    pub fn reads<'a>(&'a self, reference: &'a Reference) -> impl Iterator<Item = usize> + 'a {
        let (single, many, except) = match reference {
            Reference::Zero => (None, &[][..], None),
            Reference::Var(var) => (Some(*var), &[][..], None),
            Reference::Others { quantity, except } => {
                (None, self.quantity_vars[*quantity].as_slice(), *except)
            }
        };
        single
            .into_iter()
            .chain(many.iter().copied().filter(move |var| Some(*var) != except))
    }

    /// Whether every condition of entry `entry` holds at `point`.
    pub fn holds(&self, entry: usize, point: &Point<'_>) -> bool {
        self.entries[entry]
            .requirements
            .iter()
            .all(|r| self.value(&r.reference, point) >= r.min)
    }

    /// What a pledge yields under `x`: `base + min(cap, rate * max(0, L_ref - threshold))`.
    pub fn yields(&self, pledge: &Pledge, point: &Point<'_>) -> Exact {
        let Some(p) = &pledge.proportion else {
            return pledge.base.clone();
        };
        let excess = self.value(&p.reference, point) - &p.threshold;
        if excess <= exact::zero() {
            return pledge.base.clone();
        }
        let share = excess * &p.rate;
        &pledge.base + if share < p.cap { share } else { p.cap.clone() }
    }

    #[cfg(test)]
    /// The exact operator whose greatest fixed point the liabilities are: per variable, the
    /// largest yield among pledges of commitments whose conditions hold under `x` (else 0).
    pub fn step(&self, x: &[Exact]) -> Vec<Exact> {
        let point = self.point(x);
        let holds: Vec<bool> = (0..self.entries.len())
            .map(|e| self.holds(e, &point))
            .collect();
        self.var_pledges
            .iter()
            .map(|pledges| {
                pledges
                    .iter()
                    .map(|p| &self.pledges[*p])
                    .filter(|p| holds[p.commitment])
                    .map(|p| self.yields(p, &point))
                    .fold(exact::zero(), |best, y| if y > best { y } else { best })
            })
            .collect()
    }
}

/// Liabilities together with each quantity's total.
pub struct Point<'a> {
    pub x: &'a [Exact],
    quantity_vars: &'a [Vec<usize>],
    totals: Vec<OnceCell<Exact>>,
}

impl Point<'_> {
    /// The sum of one quantity over everyone.
    fn total(&self, quantity: usize) -> &Exact {
        self.totals[quantity].get_or_init(|| {
            self.quantity_vars[quantity]
                .iter()
                .fold(exact::zero(), |sum, var| sum + &self.x[*var])
        })
    }
}

/// The normalised `(action, unit)` key of a quantity.
fn quantity_key(action: &str, unit: &str) -> (String, String) {
    (normalize_action(action), normalize_unit(unit))
}
