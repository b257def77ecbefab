//! The validated commitment model on top of the wire DTOs: normalisation, validation with a
//! message a person understands, and the plain-words summary everyone sees in the chat.

use quid_shared::{Condition, Id, Promise, Scope, UserRef};
use thiserror::Error;

use super::units::{display_unit, format_amount, measure, normalize_action, normalize_unit};

/// Why a commitment cannot be accepted; the message is shown to its author as is.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ModelError {
    #[error("a commitment needs at least one promise: say what you will do")]
    NoPromise,
    #[error("the {what} must be a number from 0 to a trillion (got {value})")]
    BadNumber { what: &'static str, value: f64 },
    #[error("every amount needs an action, e.g. \"work\" or \"dishes\"")]
    EmptyAction,
    #[error("every amount needs a unit, e.g. \"hours\" or \"usd\"")]
    EmptyUnit,
    #[error("a promise of nothing is not a promise: give an amount above 0")]
    EmptyPromise,
    #[error("the proportional part of a promise needs a limit: say \"up to N\"")]
    UncappedProportion,
    #[error("a condition on yourself can never help: name someone else, or \"the others\"")]
    ConditionOnSelf,
    #[error("a promise cannot grow with your own amount: name someone else, or \"the others\"")]
    ReferenceToSelf,
    #[error("{action} is promised twice (in {unit}, and in {other}): make it one promise")]
    DuplicatePromise {
        action: String,
        unit: String,
        other: String,
    },
    #[error("a condition is on one member or on \"someone else\", not both: drop one")]
    ScopeWithUser,
    #[error("that person is not a member of this group")]
    NotAMember(Id),
}

/// What a commitment says: its conditions (all must hold) and its promises.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    pub conditions: Vec<Condition>,
    pub promises: Vec<Promise>,
}

impl Terms {
    /// The same terms with every action and unit in canonical spelling.
    pub fn normalized(&self) -> Terms {
        let conditions = self
            .conditions
            .iter()
            .map(|c| Condition {
                action: normalize_action(&c.action),
                unit: normalize_unit(&c.unit),
                ..c.clone()
            })
            .collect();
        let promises = self
            .promises
            .iter()
            .map(|p| Promise {
                action: normalize_action(&p.action),
                unit: normalize_unit(&p.unit),
                ref_action: p.ref_action.as_deref().map(normalize_action),
                ref_unit: p.ref_unit.as_deref().map(normalize_unit),
                ..p.clone()
            })
            .collect();
        Terms {
            conditions,
            promises,
        }
    }

    /// Checks that `creator` may make these terms; `members`, when given, is the group.
    pub fn validate(&self, creator: Id, members: Option<&[Id]>) -> Result<(), ModelError> {
        validate(&self.conditions, &self.promises, creator, members)
    }

    /// Plain words, e.g. "3 hours of work if alice does ≥ 5 hours of work"; `members` names
    /// the users the terms mention.
    pub fn summary(&self, members: &[UserRef]) -> String {
        let name = |user: Id| {
            members
                .iter()
                .find(|m| m.id == user)
                .map_or_else(|| "someone".to_owned(), |m| m.username.clone())
        };
        let promises: Vec<String> = self
            .promises
            .iter()
            .map(|p| promise_words(p, &name))
            .collect();
        let mut text = promises.join(" and ");
        if self.conditions.is_empty() {
            text.push_str(", unconditionally");
        } else {
            let conditions: Vec<String> = self
                .conditions
                .iter()
                .map(|c| condition_words(c, &name))
                .collect();
            text.push_str(" if ");
            text.push_str(&conditions.join(" and "));
        }
        text
    }
}

/// Checks that `creator` may make a commitment of `conditions` and `promises`; `members`,
/// when given, is the group.
pub fn validate(
    conditions: &[Condition],
    promises: &[Promise],
    creator: Id,
    members: Option<&[Id]>,
) -> Result<(), ModelError> {
    if promises.is_empty() {
        return Err(ModelError::NoPromise);
    }
    let is_member = |user: Id| members.is_none_or(|m| m.contains(&user));
    for condition in conditions {
        amount("condition's minimum", condition.min)?;
        named(&condition.action, &condition.unit)?;
        match condition.user {
            Some(_) if condition.scope != Scope::Together => {
                return Err(ModelError::ScopeWithUser);
            }
            Some(user) if user == creator => return Err(ModelError::ConditionOnSelf),
            Some(user) if !is_member(user) => return Err(ModelError::NotAMember(user)),
            _ => {}
        }
    }
    for promise in promises {
        validate_promise(promise, creator, &is_member)?;
    }
    // One action in one dimension is one quantity: "1 hour" and "30 minutes" of it clash.
    for (index, promise) in promises.iter().enumerate().skip(1) {
        let action = normalize_action(&promise.action);
        let earlier = promises[..index].iter().find(|p| {
            normalize_action(&p.action) == action && measure(&p.unit) == measure(&promise.unit)
        });
        if let Some(earlier) = earlier {
            return Err(ModelError::DuplicatePromise {
                action,
                unit: normalize_unit(&earlier.unit),
                other: normalize_unit(&promise.unit),
            });
        }
    }
    Ok(())
}

/// The checks that concern one promise alone.
fn validate_promise(
    promise: &Promise,
    creator: Id,
    is_member: &dyn Fn(Id) -> bool,
) -> Result<(), ModelError> {
    amount("promised amount", promise.base)?;
    amount("rate", promise.rate)?;
    amount("threshold", promise.threshold)?;
    named(&promise.action, &promise.unit)?;
    if promise.rate > 0.0 {
        let cap = promise.cap.ok_or(ModelError::UncappedProportion)?;
        amount("limit", cap)?;
        match promise.ref_user {
            Some(user) if user == creator => return Err(ModelError::ReferenceToSelf),
            Some(user) if !is_member(user) => return Err(ModelError::NotAMember(user)),
            _ => {}
        }
        if let (Some(action), Some(unit)) = (&promise.ref_action, &promise.ref_unit) {
            named(action, unit)?;
        }
        if cap == 0.0 && promise.base == 0.0 {
            return Err(ModelError::EmptyPromise);
        }
    } else if promise.base == 0.0 {
        return Err(ModelError::EmptyPromise);
    }
    Ok(())
}

/// The largest amount, rate or limit a commitment may name: far beyond any real one, and
/// small enough that sums and products of amounts stay exact and printable.
const MAX_AMOUNT: f64 = 1e12;

/// A finite amount from zero to [`MAX_AMOUNT`].
fn amount(what: &'static str, value: f64) -> Result<(), ModelError> {
    if (0.0..=MAX_AMOUNT).contains(&value) {
        Ok(())
    } else {
        Err(ModelError::BadNumber { what, value })
    }
}

/// An action and a unit that say something.
fn named(action: &str, unit: &str) -> Result<(), ModelError> {
    // Normalising never empties a name that has a visible character.
    if action.trim().is_empty() {
        Err(ModelError::EmptyAction)
    } else if unit.trim().is_empty() {
        Err(ModelError::EmptyUnit)
    } else {
        Ok(())
    }
}

/// "5 hours of work".
fn quantity_words(amount: f64, unit: &str, action: &str) -> String {
    format!(
        "{} {} of {}",
        format_amount(amount),
        display_unit(amount, unit),
        action
    )
}

/// "alice does ≥ 5 hours of work" / "the others together do ≥ 10 hours of work" /
/// "someone else does ≥ 2 hours of cleaning".
fn condition_words(condition: &Condition, name: &dyn Fn(Id) -> String) -> String {
    let quantity = quantity_words(condition.min, &condition.unit, &condition.action);
    match (condition.user, condition.scope) {
        (Some(user), _) => format!("{} does ≥ {quantity}", name(user)),
        (None, Scope::Together) => format!("the others together do ≥ {quantity}"),
        (None, Scope::Anyone) => format!("someone else does ≥ {quantity}"),
    }
}

/// "3 hours of work", or with a proportional part
/// "2 hours of testing plus 50% of bob's testing beyond 3 hours (at most 6 hours more)",
/// or without a base "0.5 dB of meowing reduction per dB of anna's volume (at most 3.5 dB)".
fn promise_words(promise: &Promise, name: &dyn Fn(Id) -> String) -> String {
    let fixed = quantity_words(promise.base, &promise.unit, &promise.action);
    if promise.rate <= 0.0 {
        return fixed;
    }
    let whose = promise.ref_user.map_or_else(
        || "the others'".to_owned(),
        |user| format!("{}'s", name(user)),
    );
    let ref_action = promise.ref_action.as_deref().unwrap_or(&promise.action);
    let ref_unit = promise.ref_unit.as_deref().unwrap_or(&promise.unit);
    let cap = promise.cap.unwrap_or(0.0);
    let unit = display_unit(cap, &promise.unit);
    let beyond = format!(
        "beyond {} {}",
        format_amount(promise.threshold),
        display_unit(promise.threshold, ref_unit),
    );
    if promise.base > 0.0 {
        format!(
            "{fixed} plus {}% of {whose} {ref_action} {beyond} (at most {} {unit} more)",
            format_amount(promise.rate * 100.0),
            format_amount(cap),
        )
    } else {
        let beyond = if promise.threshold > 0.0 {
            format!(" {beyond}")
        } else {
            String::new()
        };
        format!(
            "{} {} of {} per {} of {whose} {ref_action}{beyond} (at most {} {unit})",
            format_amount(promise.rate),
            display_unit(promise.rate, &promise.unit),
            promise.action,
            display_unit(1.0, ref_unit),
            format_amount(cap),
        )
    }
}

#[cfg(test)]
mod tests;
