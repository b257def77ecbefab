//! The words of each clarification question: what the author is asked, per [`Need`].

use super::clarify::{Need, Pending};

impl Pending {
    /// The question to put to the author.
    pub fn question(&self) -> String {
        match &self.need {
            Need::Member {
                name,
                suggestion: Some(s),
                ..
            } => {
                format!("I don't see {name} in this group — did you mean {s}?")
            }
            Need::Member {
                name,
                suggestion: None,
                ..
            } => {
                format!("I don't see {name} in this group — who do you mean?")
            }
            Need::WhichMember {
                name, candidates, ..
            } => {
                format!(
                    "\"{name}\" could be {} — which one?",
                    candidates.join(" or ")
                )
            }
            Need::Amount { about, .. } => format!("How much {about}? (e.g. \"3 hours\")"),
            Need::Unit { amount, .. } => {
                format!("{amount} of what — hours, usd, percent, times per week…?")
            }
            Need::Action { quantity, .. } => {
                format!("{quantity} of what (e.g. \"work\", \"dishes\")?")
            }
            Need::Cap => {
                "Up to how much in total? A proportional promise needs a limit.".to_owned()
            }
            Need::Confirm => {
                "Is this a commitment? Answer \"yes\" to make it binding, or \"no\".".to_owned()
            }
            Need::Unplaced { words, reading, .. } => format!(
                "I read this as: {reading} — but I could not place {words} (a commitment \
                 records amounts and conditions, not dates, places or reasons). Answer \
                 \"yes\" to record it as I read it, or say it again in other words."
            ),
            Need::Restate { why } => format!(
                "This reads like an offer, but {why}. Could you say it again in other words? \
                 (or \"no\" to drop it)"
            ),
            Need::Suggested {
                reading,
                otherwise: None,
                ..
            } => format!(
                "Did you mean: {reading}? Answer \"yes\" to record it, or say it again in \
                 other words (or \"no\" to drop it)."
            ),
            Need::Suggested {
                reading,
                otherwise: Some(need),
                ..
            } => {
                let asked = Pending {
                    text: self.text.clone(),
                    need: (**need).clone(),
                    allow: self.allow.clone(),
                };
                format!(
                    "{} Or did you mean: {reading}? (\"yes\" records that)",
                    asked.question()
                )
            }
            Need::Change {
                candidates,
                amount,
                unit,
            } => {
                let list: Vec<String> = candidates
                    .iter()
                    .enumerate()
                    .map(|(i, (_, summary))| format!("{}) {summary}", i + 1))
                    .collect();
                let to = match unit {
                    Some(unit) => format!(
                        "{} {}",
                        super::super::units::format_amount(*amount),
                        super::super::units::display_unit(*amount, unit)
                    ),
                    None => super::super::units::format_amount(*amount),
                };
                format!(
                    "Which commitment do you change to {to}? {} (answer with its number)",
                    list.join("; ")
                )
            }
            Need::Revoke { candidates } => {
                let list: Vec<String> = candidates
                    .iter()
                    .enumerate()
                    .map(|(i, (_, summary))| format!("{}) {summary}", i + 1))
                    .collect();
                format!(
                    "Which commitment do you withdraw? {} (answer with its number)",
                    list.join("; ")
                )
            }
        }
    }
}
