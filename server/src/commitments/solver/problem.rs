//! The solver's indexed view of a set of commitments: users, quantities and liability
//! variables numbered densely, amounts exact and in base units, and who reads what.
//!
//! A quantity is an action in one dimension ([`Measure`]): "90 minutes of ironing" and "2
//! hours of ironing" are one quantity, held in seconds. Every amount, rate, threshold and
//! cap is converted once, here; the unit each promise was written in is kept for the report.

use std::collections::HashMap;

use quid_shared::{Commitment, CommitmentStatus, Id, Scope, UserRef};
use time::OffsetDateTime;

use super::super::exact::{self, Exact};
use super::super::model::{self, ModelError};
use super::super::units::{Measure, factor, measure, normalize_action, normalize_unit};
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
    /// The largest amount of one quantity among every user except `except` (the creator):
    /// "someone else". Only conditions read it.
    Anyone {
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

/// The proportional part of a promise: `min(cap, rate * max(0, reference - threshold))`,
/// all in base units (the rate converted from the promise's units per reference unit).
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
    /// The unit its author wrote (canonical spelling), and base units per one of it.
    pub unit: String,
    pub scale: Exact,
}

/// One active commitment.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    /// When it was made: the oldest of several equal promises names the unit.
    pub created_at: OffsetDateTime,
    pub requirements: Vec<Requirement>,
    /// Its pledges (indices into `Problem::pledges`).
    pub pledges: Vec<usize>,
}

/// Who reads each variable: commitments (through a condition) and pledges (through a
/// proportional part), by variable and, for "the others" and "someone else", by quantity.
#[derive(Debug, Default)]
pub struct Readers {
    pub entries_by_var: Vec<Vec<usize>>,
    pub entries_by_quantity: Vec<Vec<usize>>,
    pub pledges_by_var: Vec<Vec<usize>>,
    pub pledges_by_quantity: Vec<Vec<usize>>,
}

/// Every active commitment of a group, indexed for the solver.
#[derive(Debug, Default)]
pub struct Problem {
    pub users: Vec<UserRef>,
    /// `(action, measure)` per quantity index.
    pub quantities: Vec<(String, Measure)>,
    /// `(user, quantity)` per variable index.
    pub vars: Vec<(usize, usize)>,
    /// Variables per quantity.
    pub quantity_vars: Vec<Vec<usize>>,
    pub entries: Vec<Entry>,
    pub pledges: Vec<Pledge>,
    /// Pledges per variable.
    pub var_pledges: Vec<Vec<usize>>,
    pub readers: Readers,
    user_index: HashMap<Id, usize>,
    quantity_index: HashMap<(String, Measure), usize>,
    /// Quantity per `(action, unit)` as written, so each spelling is normalised once.
    spelled: HashMap<String, HashMap<String, Option<usize>>>,
    /// Canonical spelling and base units per one, per unit as written.
    scales: HashMap<String, (String, Exact)>,
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
        problem.readers = problem.index_readers();
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
            let whose = match condition.user {
                Some(user) => Whose::User(user),
                None => Whose::Others(condition.scope),
            };
            let reference = self.reference(creator, whose, &condition.action, &condition.unit);
            requirements.push(Requirement {
                reference,
                min: number(condition.min)? * self.scale(&condition.unit).1,
            });
        }
        for promise in &commitment.promises {
            let quantity = self
                .find_quantity(&promise.action, &promise.unit)
                .unwrap_or_default();
            let var = self.var_index[&(creator, quantity)];
            let (unit, scale) = self.scale(&promise.unit);
            let base = number(promise.base)? * &scale;
            let proportion = if promise.rate > 0.0 {
                let action = promise.ref_action.as_deref().unwrap_or(&promise.action);
                let ref_unit = promise.ref_unit.as_deref().unwrap_or(&promise.unit);
                let ref_scale = self.scale(ref_unit).1;
                // `rate` promise units per reference unit, in base units per base unit.
                let rate = number(promise.rate)? * &scale / &ref_scale;
                let threshold = number(promise.threshold)? * &ref_scale;
                let whose = promise
                    .ref_user
                    .map_or(Whose::Others(Scope::Together), Whose::User);
                Some(Proportion {
                    offset: &base - &rate * &threshold,
                    rate,
                    cap: number(promise.cap.unwrap_or(0.0))? * &scale,
                    threshold,
                    reference: self.reference(creator, whose, action, ref_unit),
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
                unit,
                scale,
            });
        }
        self.entries.push(Entry {
            id: commitment.id,
            created_at: commitment.created_at,
            requirements,
            pledges,
        });
        Ok(())
    }

    /// What `whose` amount of `(action, unit)` is, seen from `creator`.
    fn reference(&mut self, creator: usize, whose: Whose, action: &str, unit: &str) -> Reference {
        let Some(quantity) = self.find_quantity(action, unit) else {
            return Reference::Zero;
        };
        let except = self.var_index.get(&(creator, quantity)).copied();
        match whose {
            Whose::Others(Scope::Together) => Reference::Others { quantity, except },
            Whose::Others(Scope::Anyone) => Reference::Anyone { quantity, except },
            Whose::User(id) => self
                .user_index
                .get(&id)
                .and_then(|user| self.var_index.get(&(*user, quantity)))
                .map_or(Reference::Zero, |var| Reference::Var(*var)),
        }
    }

    /// A unit's canonical spelling and base units per one of it, worked out once per spelling.
    fn scale(&mut self, unit: &str) -> (String, Exact) {
        if let Some(found) = self.scales.get(unit) {
            return found.clone();
        }
        let found = (normalize_unit(unit), factor(unit));
        self.scales.insert(unit.to_owned(), found.clone());
        found
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
        let index = match self.quantity_index.get(&key) {
            Some(index) => *index,
            None => {
                self.quantities.push(key.clone());
                self.quantity_vars.push(Vec::new());
                self.quantity_index.insert(key, self.quantities.len() - 1);
                self.quantities.len() - 1
            }
        };
        self.remember(action, unit, Some(index));
        index
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

    /// Who reads each variable and quantity.
    fn index_readers(&self) -> Readers {
        let mut readers = Readers {
            entries_by_var: vec![Vec::new(); self.vars.len()],
            entries_by_quantity: vec![Vec::new(); self.quantities.len()],
            pledges_by_var: vec![Vec::new(); self.vars.len()],
            pledges_by_quantity: vec![Vec::new(); self.quantities.len()],
        };
        for (index, entry) in self.entries.iter().enumerate() {
            for requirement in &entry.requirements {
                match requirement.reference {
                    Reference::Zero => {}
                    Reference::Var(var) => readers.entries_by_var[var].push(index),
                    Reference::Others { quantity, .. } | Reference::Anyone { quantity, .. } => {
                        readers.entries_by_quantity[quantity].push(index);
                    }
                }
            }
        }
        for (index, pledge) in self.pledges.iter().enumerate() {
            match pledge.proportion.as_ref().map(|p| &p.reference) {
                None | Some(Reference::Zero) => {}
                Some(Reference::Var(var)) => readers.pledges_by_var[*var].push(index),
                Some(Reference::Others { quantity, .. } | Reference::Anyone { quantity, .. }) => {
                    readers.pledges_by_quantity[*quantity].push(index);
                }
            }
        }
        readers
    }
}

/// Whose amount a reference reads, before it is indexed.
#[derive(Clone, Copy)]
enum Whose {
    User(Id),
    Others(Scope),
}

/// The normalised `(action, measure)` key of a quantity.
fn quantity_key(action: &str, unit: &str) -> (String, Measure) {
    (normalize_action(action), measure(unit))
}
