//! The word lists the grammar is made of: numbers in words, verbs of doing and the action
//! each names, hedges, negations, time words, and the chatter around an offer.

/// A number written as a word ("one" … "twenty", "thirty" … "hundred").
pub fn number_word(word: &str) -> Option<f64> {
    const WORDS: &[(&str, f64)] = &[
        ("zero", 0.0),
        ("one", 1.0),
        ("two", 2.0),
        ("three", 3.0),
        ("four", 4.0),
        ("five", 5.0),
        ("six", 6.0),
        ("seven", 7.0),
        ("eight", 8.0),
        ("nine", 9.0),
        ("ten", 10.0),
        ("eleven", 11.0),
        ("twelve", 12.0),
        ("thirteen", 13.0),
        ("fourteen", 14.0),
        ("fifteen", 15.0),
        ("sixteen", 16.0),
        ("seventeen", 17.0),
        ("eighteen", 18.0),
        ("nineteen", 19.0),
        ("twenty", 20.0),
        ("thirty", 30.0),
        ("forty", 40.0),
        ("fifty", 50.0),
        ("sixty", 60.0),
        ("seventy", 70.0),
        ("eighty", 80.0),
        ("ninety", 90.0),
        ("hundred", 100.0),
        ("thousand", 1000.0),
        ("dozen", 12.0),
    ];
    WORDS.iter().find(|(w, _)| *w == word).map(|(_, v)| *v)
}

/// A fraction word and its value ("half", "a third", "a quarter").
pub fn fraction_word(word: &str) -> Option<f64> {
    match word {
        "half" => Some(0.5),
        "third" => Some(1.0 / 3.0),
        "quarter" => Some(0.25),
        _ => None,
    }
}

/// How often: "once", "twice", "thrice".
pub fn times_word(word: &str) -> Option<f64> {
    match word {
        "once" => Some(1.0),
        "twice" => Some(2.0),
        "thrice" => Some(3.0),
        _ => None,
    }
}

/// A verb of doing (in any of its usual forms) and what it tells about the action.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verb {
    /// The base form: "do", "pay", "clean".
    pub base: &'static str,
    /// The action the verb names on its own ("clean" -> "cleaning"); `None` for "do".
    pub action: Option<&'static str>,
    /// Giving money or time: "payment" when nothing else names the action.
    pub giving: bool,
}

/// Verbs that name no action of their own.
const GENERIC: &[&str] = &[
    "do",
    "put",
    "spend",
    "handle",
    "take",
    "contribute",
    "deliver",
    "give",
    "pay",
    "cover",
    "chip",
    "donate",
    "pitch",
    "kick",
    "provide",
    "offer",
    "pledge",
    "promise",
    "commit",
    "bring",
    "add",
    "invest",
    "help",
    "match",
    "fund",
    "sponsor",
    "volunteer",
    "manage",
    "handle",
];
/// Generic verbs that give money (or time) away.
const GIVING: &[&str] = &[
    "give",
    "pay",
    "cover",
    "chip",
    "donate",
    "pitch",
    "kick",
    "contribute",
    "put",
    "pledge",
    "fund",
    "sponsor",
    "provide",
    "offer",
    "promise",
    "invest",
    "add",
];
/// Verbs that name their action, with its gerund.
const NAMED: &[(&str, &str)] = &[
    ("work", "work"),
    ("clean", "cleaning"),
    ("cook", "cooking"),
    ("wash", "washing"),
    ("walk", "walking"),
    ("drive", "driving"),
    ("shop", "shopping"),
    ("babysit", "babysitting"),
    ("garden", "gardening"),
    ("tutor", "tutoring"),
    ("code", "coding"),
    ("program", "programming"),
    ("test", "testing"),
    ("mow", "mowing"),
    ("iron", "ironing"),
    ("vacuum", "vacuuming"),
    ("sweep", "sweeping"),
    ("mop", "mopping"),
    ("tidy", "tidying"),
    ("dust", "dusting"),
    ("water", "watering"),
    ("weed", "weeding"),
    ("paint", "painting"),
    ("bake", "baking"),
    ("run", "running"),
    ("read", "reading"),
    ("teach", "teaching"),
    ("study", "studying"),
    ("practice", "practice"),
    ("practise", "practice"),
    ("train", "training"),
    ("train", "training"),
    ("fold", "folding"),
    ("sort", "sorting"),
    ("fix", "fixing"),
    ("repair", "repairing"),
    ("write", "writing"),
    ("edit", "editing"),
    ("review", "reviewing"),
    ("translate", "translating"),
    ("design", "designing"),
    ("organize", "organizing"),
    ("organise", "organising"),
    ("plan", "planning"),
    ("volunteer", "volunteering"),
    ("mentor", "mentoring"),
    ("coach", "coaching"),
    ("host", "hosting"),
    ("serve", "serving"),
    ("deliver", "delivering"),
    ("pick", "picking"),
    ("feed", "feeding"),
    ("lead", "leading"),
    ("watch", "watching"),
    ("visit", "visiting"),
    ("call", "calling"),
    ("canvass", "canvassing"),
    ("move", "moving"),
    ("carry", "carrying"),
    ("load", "loading"),
    ("unload", "unloading"),
    ("pack", "packing"),
    ("unpack", "unpacking"),
    ("set", "setting"),
    ("empty", "emptying"),
    ("scrub", "scrubbing"),
    ("rake", "raking"),
    ("shovel", "shoveling"),
    ("hoover", "hoovering"),
    ("launder", "laundering"),
    ("dry", "drying"),
    ("chop", "chopping"),
    ("prep", "prepping"),
    ("prepare", "preparing"),
    ("make", "making"),
    ("buy", "buying"),
    ("fetch", "fetching"),
    ("collect", "collecting"),
    ("sit", "sitting"),
    ("guard", "guarding"),
    ("patrol", "patrolling"),
    ("answer", "answering"),
    ("babysat", "babysitting"),
];

/// The base form of a verb written in any usual form ("does", "cleaned", "cleaning"), and
/// what kind it is.
pub fn verb(word: &str) -> Option<Verb> {
    let base = base_form(word)?;
    if let Some((b, action)) = NAMED.iter().find(|(b, _)| *b == base) {
        let generic = GENERIC.contains(b);
        return Some(Verb {
            base: b,
            action: (!generic || *b == "volunteer").then_some(*action),
            giving: false,
        });
    }
    GENERIC.iter().find(|b| **b == base).map(|b| Verb {
        base: b,
        action: None,
        giving: GIVING.contains(b),
    })
}

/// The base form of `word` if it is a form of a known verb.
fn base_form(word: &str) -> Option<&'static str> {
    let known = |w: &str| -> Option<&'static str> {
        GENERIC
            .iter()
            .copied()
            .chain(NAMED.iter().map(|(b, _)| *b))
            .find(|b| *b == w)
    };
    let irregular = match word {
        "does" | "did" | "done" | "doing" => Some("do"),
        "paid" | "pays" | "paying" => Some("pay"),
        "gave" | "given" | "gives" | "giving" => Some("give"),
        "spent" => Some("spend"),
        "took" | "taken" | "takes" | "taking" => Some("take"),
        "brought" => Some("bring"),
        "ran" | "running" => Some("run"),
        "drove" | "driven" | "driving" => Some("drive"),
        "made" | "making" => Some("make"),
        "bought" => Some("buy"),
        "taught" => Some("teach"),
        "wrote" | "written" | "writing" => Some("write"),
        "fed" => Some("feed"),
        "led" => Some("lead"),
        "sat" | "sitting" => Some("sit"),
        "shopping" | "shopped" | "shops" => Some("shop"),
        "mopping" | "mopped" => Some("mop"),
        "chipping" | "chipped" => Some("chip"),
        "putting" => Some("put"),
        "babysitting" | "babysat" | "babysits" => Some("babysit"),
        "studies" | "studied" => Some("study"),
        "tidies" | "tidied" => Some("tidy"),
        "carries" | "carried" => Some("carry"),
        "empties" | "emptied" => Some("empty"),
        "dries" | "dried" => Some("dry"),
        "prepping" | "prepped" => Some("prep"),
        "chopping" | "chopped" => Some("chop"),
        "scrubbing" | "scrubbed" => Some("scrub"),
        "patrolling" | "patrolled" => Some("patrol"),
        _ => None,
    };
    if irregular.is_some() {
        return irregular;
    }
    if let Some(found) = known(word) {
        return Some(found);
    }
    let candidates = [
        word.strip_suffix("es"),
        word.strip_suffix('s'),
        word.strip_suffix("ed"),
        word.strip_suffix('d'),
        word.strip_suffix("ing"),
        word.strip_suffix("ing")
            .map(|w| format!("{w}e"))
            .as_deref()
            .and_then(known),
    ];
    candidates.into_iter().flatten().find_map(known)
}

/// Words about when or where, which a commitment cannot record.
pub const TIME_WORDS: &[&str] = &[
    "today",
    "tonight",
    "tomorrow",
    "yesterday",
    "weekend",
    "weekends",
    "morning",
    "mornings",
    "afternoon",
    "afternoons",
    "evening",
    "evenings",
    "night",
    "nights",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mondays",
    "tuesdays",
    "wednesdays",
    "thursdays",
    "fridays",
    "saturdays",
    "sundays",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "later",
    "soon",
    "asap",
    "am",
    "pm",
    "o'clock",
    "noon",
    "midnight",
    "next",
    "this",
    "last",
    "before",
    "after",
    "until",
    "till",
    "til",
    "by",
    "during",
    "since",
    "lunchtime",
    "tmrw",
    "tmr",
    "fortnight",
    "fortnightly",
    "biweekly",
    "term",
    "semester",
    "weekday",
    "weekdays",
    "sat",
    "sun",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "yesterday's",
    "ago",
    "already",
    "previously",
    "earlier",
];

/// Whether `word` is an emoticon spelled with letters (":p", "xd") or a laugh.
pub fn is_laugh(word: &str) -> bool {
    matches!(
        word,
        "lol" | "lmao" | "haha" | "hahaha" | "hehe" | "xd" | "rofl"
    )
}
