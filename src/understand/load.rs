//! Loading understand.toml into an [`Understanding`]: every table read strictly, phrases
//! normalised the way messages are, patterns parsed, and every red flag checked.

use std::collections::HashMap;
use std::str::FromStr;

use strum::{IntoEnumIterator, VariantNames};

use super::Understanding;
use super::actions::ActionWords;
use super::commands::{CommandWords, name_key};
use super::data::{self, Section, strings_of};
use super::minutes::MinuteWords;
use super::numbers::NumberWords;
use super::pain::PainWords;
use super::patterns::{Lexicon, Pattern};
use super::places::Places;
use super::redflags::{FlagRule, RedFlagRules};
use super::replies::{OffWords, TodayRules, YesNoWords};
use super::text::{MAX_CHARS, Normalizer, split_words};
use super::times::ClockWords;
use crate::model::{Action, Command, RedFlag};
use crate::script::DialogError;

/// The top-level tables of understand.toml ("number_words" may be left out).
const TOP_LEVEL: [&str; 15] = [
    "text",
    "numbers",
    "number_words",
    "pain",
    "yes_no",
    "minutes",
    "clock",
    "off",
    "today",
    "matching",
    "groups",
    "red_flags",
    "actions",
    "commands",
    "places",
];

/// Reads the whole file; see [`Understanding::from_toml`].
pub(super) fn load(text: &str, file: &str) -> Result<Understanding, DialogError> {
    let table = data::parse(text, file)?;
    let root = Section {
        file,
        path: String::new(),
        table: &table,
    };
    root.only(&TOP_LEVEL)?;

    let text_section = root.table("text")?;
    text_section.only(&["rewrites", "clause_breaks", "fillers", "and"])?;
    let norm = read_normalizer(&text_section)?;
    let fillers = phrases(&norm, &text_section.strings("fillers")?);
    let joiners = read_joiners(&text_section)?;

    let mut number_words = read_numbers(&root.table("numbers")?)?;
    let plain = |s: &Section, key: &str| -> Result<Vec<Vec<String>>, DialogError> {
        plain_phrases(&s.strings(key)?).map_err(|reason| s.err(key, reason))
    };
    // Keys a language may leave out (German has no "half past", English no "halb acht").
    let opt_plain = |s: &Section, key: &str| -> Result<Vec<Vec<String>>, DialogError> {
        plain_phrases(&s.opt_strings(key)?).map_err(|reason| s.err(key, reason))
    };

    if root.table.contains_key("number_words") {
        number_words.read_compounds(&root.table("number_words")?)?;
    }

    let s = root.table("pain")?;
    s.only(&["no_pain", "out_of", "range", "half"])?;
    let pain = PainWords {
        no_pain: plain(&s, "no_pain")?,
        out_of: plain(&s, "out_of")?,
        range: plain(&s, "range")?,
        half: plain(&s, "half")?,
    };

    let s = root.table("minutes")?;
    let keys = [
        "minute_units",
        "hour_units",
        "half",
        "quarter",
        "articles",
        "and",
        "range",
        "three_quarters",
        "quarter_hour_units",
        "three_quarter_hour_units",
    ];
    s.only(&keys)?;
    let minutes = MinuteWords {
        minute_units: plain(&s, "minute_units")?,
        hour_units: plain(&s, "hour_units")?,
        half: plain(&s, "half")?,
        quarter: plain(&s, "quarter")?,
        articles: plain(&s, "articles")?,
        and: plain(&s, "and")?,
        range: plain(&s, "range")?,
        three_quarters: opt_plain(&s, "three_quarters")?,
        quarter_hour_units: opt_plain(&s, "quarter_hour_units")?,
        three_quarter_hour_units: opt_plain(&s, "three_quarter_hour_units")?,
    };

    let s = root.table("clock")?;
    let keys = [
        "am",
        "pm",
        "noon",
        "midnight",
        "hour_marks",
        "half_past",
        "quarter_past",
        "quarter_to",
        "half_to",
        "three_quarters_to",
        "past",
        "to",
    ];
    s.only(&keys)?;
    let clock = ClockWords {
        am: plain(&s, "am")?,
        pm: plain(&s, "pm")?,
        noon: plain(&s, "noon")?,
        midnight: plain(&s, "midnight")?,
        hour_marks: plain(&s, "hour_marks")?,
        half_past: opt_plain(&s, "half_past")?,
        quarter_past: plain(&s, "quarter_past")?,
        quarter_to: plain(&s, "quarter_to")?,
        half_to: opt_plain(&s, "half_to")?,
        three_quarters_to: opt_plain(&s, "three_quarters_to")?,
        past: opt_plain(&s, "past")?,
        to: opt_plain(&s, "to")?,
    };

    let s = root.table("yes_no")?;
    let keys = [
        "yes",
        "no",
        "yes_leading",
        "no_leading",
        "unsure",
        "yes_symbols",
        "no_symbols",
    ];
    s.only(&keys)?;
    let normed = |key: &str| -> Result<Vec<Vec<String>>, DialogError> {
        Ok(phrases(&norm, &s.strings(key)?))
    };
    let symbols = |key: &str| -> Result<Vec<char>, DialogError> {
        Ok(s.opt_strings(key)?.iter().flat_map(|e| e.chars()).collect())
    };
    let yes_no = YesNoWords {
        yes: normed("yes")?,
        no: normed("no")?,
        yes_leading: normed("yes_leading")?,
        no_leading: normed("no_leading")?,
        unsure: normed("unsure")?,
        yes_symbols: symbols("yes_symbols")?,
        no_symbols: symbols("no_symbols")?,
    };

    let s = root.table("off")?;
    s.only(&["phrases"])?;
    let off = OffWords {
        phrases: phrases(&norm, &s.strings("phrases")?),
    };

    let actions = read_actions(&root.table("actions")?, &norm)?;

    let s = root.table("commands")?;
    s.only(&["yesterday", "week", "days", "names"])?;
    let commands = CommandWords {
        yesterday: phrases(&norm, &s.strings("yesterday")?),
        week: phrases(&norm, &s.strings("week")?),
        days: phrases(&norm, &s.strings("days")?),
        names: read_command_names(&s.table("names")?, &norm)?,
    };

    let mut lexicon = Lexicon::default();
    let groups = read_groups(&root, &norm, &mut lexicon)?;

    let s = root.table("matching")?;
    let keys = [
        "typo_min_letters",
        "gap",
        "window",
        "negation_window",
        "negation_window_after",
        "negations",
        "negation_continues",
        "negations_after",
        "not_negations",
        "known_words",
    ];
    s.only(&keys)?;
    lexicon.typo_min = s.int("typo_min_letters", 3..=20)?;
    lexicon.gap = s.int("gap", 0..=10)?;
    lexicon.window = s.int("window", 1..=20)?;
    let mut flags = RedFlagRules {
        negation_window: s.int("negation_window", 0..=10)?,
        negation_window_after: s.int("negation_window_after", 0..=10)?,
        negations: read_patterns(&s, "negations", &groups, &norm, &mut lexicon, true)?,
        negations_after: read_patterns(&s, "negations_after", &groups, &norm, &mut lexicon, false)?,
        not_negations: read_patterns(&s, "not_negations", &groups, &norm, &mut lexicon, false)?,
        negation_continues: phrases(&norm, &s.strings("negation_continues")?),
        rules: Vec::new(),
    };
    for w in phrases(&norm, &s.opt_strings("known_words")?)
        .into_iter()
        .flatten()
    {
        lexicon.add_known(&w);
    }

    let s = root.table("today")?;
    s.only(&["exact", "patterns"])?;
    let today = TodayRules {
        exact: phrases(&norm, &s.strings("exact")?),
        patterns: read_patterns(&s, "patterns", &groups, &norm, &mut lexicon, true)?,
    };

    let places = Places::read(&root.table("places")?)?;

    flags.rules = read_red_flags(&root, &groups, &norm, &mut lexicon)?;

    // Every word of the data is a real word, never a misspelling of another one.
    let all_phrases = [
        &fillers,
        &pain.no_pain,
        &pain.out_of,
        &pain.range,
        &minutes.minute_units,
        &minutes.hour_units,
        &clock.am,
        &clock.pm,
        &yes_no.yes,
        &yes_no.no,
        &yes_no.unsure,
        &off.phrases,
        &today.exact,
        &commands.yesterday,
        &commands.week,
        &commands.days,
    ];
    for w in all_phrases.into_iter().flatten().flatten() {
        lexicon.add_known(w);
    }
    let action_phrases = actions.phrases.iter().map(|(_, p)| p);
    for w in action_phrases.chain(&actions.accept).flatten() {
        lexicon.add_known(w);
    }
    for w in number_words.values.keys() {
        lexicon.add_known(w);
    }

    Ok(Understanding {
        norm,
        joiners,
        fillers,
        number_words,
        pain,
        minutes,
        clock,
        yes_no,
        off,
        today,
        lexicon,
        flags,
        actions,
        commands,
        places,
    })
}

/// Reads [commands.names]: more names for the commands it lists (none unknown), each one
/// word, not a command's own name, and given to one command only.
fn read_command_names(
    s: &Section,
    norm: &Normalizer,
) -> Result<Vec<(Command, String)>, DialogError> {
    s.only(Command::VARIANTS)?;
    let mut out: Vec<(Command, String)> = Vec::new();
    for command in Command::iter() {
        let key = command.name();
        for raw in s.opt_strings(key)? {
            let Some(word) = name_key(norm, &raw) else {
                return Err(s.err(key, format!("\"{raw}\" is not one word")));
            };
            if word.parse::<Command>().is_ok() {
                return Err(s.err(key, format!("\"{raw}\" is already a command's name")));
            }
            if let Some((other, _)) = out.iter().find(|(_, n)| *n == word) {
                return Err(s.err(
                    key,
                    format!("\"{raw}\" is already a name of /{}", other.name()),
                ));
            }
            out.push((command, word));
        }
    }
    Ok(out)
}

/// Reads [actions]: the words of every `Action` (every one present, nothing unknown) and of
/// accepting an offer.
fn read_actions(s: &Section, norm: &Normalizer) -> Result<ActionWords, DialogError> {
    let mut keys: Vec<&str> = Action::VARIANTS.to_vec();
    keys.push("accept");
    s.only(&keys)?;
    let mut out = ActionWords::default();
    for action in Action::iter() {
        let raw = s.strings(action.key())?;
        out.phrases
            .extend(phrases(norm, &raw).into_iter().map(|p| (action, p)));
        out.raw.insert(action, raw);
    }
    out.accept_raw = s.strings("accept")?;
    out.accept = phrases(norm, &out.accept_raw);
    Ok(out)
}

/// Reads [text] and: the words that join options in a list, one word each, compared as
/// `match_choice` compares (lowercase, no accents, no rewrites).
fn read_joiners(s: &Section) -> Result<Vec<String>, DialogError> {
    let mut out = Vec::new();
    for (i, raw) in s.strings("and")?.iter().enumerate() {
        match split_words(raw, MAX_CHARS).words.as_slice() {
            [one] => out.push(one.clone()),
            _ => {
                return Err(s.err("and", format!("item {} ('{raw}') must be one word", i + 1)));
            }
        }
    }
    Ok(out)
}

/// Normalised data phrases, dropping any that normalise to nothing.
fn phrases(norm: &Normalizer, list: &[String]) -> Vec<Vec<String>> {
    list.iter()
        .map(|p| norm.phrase(p))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Phrases for the number readers, which compare words as typed (no rewrites). They cannot
/// hold digits: the readers see those as numbers, never as words.
fn plain_phrases(list: &[String]) -> Result<Vec<Vec<String>>, String> {
    let mut out = Vec::new();
    for p in list {
        let words = split_words(p, MAX_CHARS).words;
        if words.iter().any(|w| w.chars().any(|c| c.is_ascii_digit())) {
            return Err(format!(
                "'{p}': numbers are read as numbers; use words only"
            ));
        }
        if !words.is_empty() {
            out.push(words);
        }
    }
    Ok(out)
}

fn read_normalizer(s: &Section) -> Result<Normalizer, DialogError> {
    let mut norm = Normalizer::default();
    let rewrites = s.table("rewrites")?;
    for (canonical, variants) in rewrites.table {
        let canon = split_words(canonical, MAX_CHARS).words;
        if canon.is_empty() {
            return Err(rewrites.err(canonical, "the canonical spelling has no letters"));
        }
        for variant in strings_of(variants).map_err(|r| rewrites.err(canonical, r))? {
            let words = split_words(&variant, MAX_CHARS).words;
            if words.is_empty() {
                return Err(rewrites.err(canonical, format!("'{variant}' has no letters")));
            }
            if words != canon {
                norm.rewriter.add(words, canon.clone());
            }
        }
    }
    for b in s.strings("clause_breaks")? {
        match norm.phrase(&b).as_slice() {
            [word] => {
                norm.clause_breaks.insert(word.clone());
            }
            _ => return Err(s.err("clause_breaks", format!("'{b}' must be a single word"))),
        }
    }
    Ok(norm)
}

fn read_numbers(s: &Section) -> Result<NumberWords, DialogError> {
    let mut words = NumberWords::default();
    for (word, value) in s.table {
        let normalised = split_words(word, MAX_CHARS).words;
        let [w] = normalised.as_slice() else {
            return Err(s.err(word, "a number word must be a single word"));
        };
        match value {
            toml::Value::Integer(v) if (0..=100).contains(v) => {
                words.values.insert(w.clone(), v.unsigned_abs());
            }
            _ => return Err(s.err(word, "must be a whole number from 0 to 100")),
        }
    }
    if words.values.is_empty() {
        return Err(root_err(s, "must list number words"));
    }
    Ok(words)
}

fn root_err(s: &Section, reason: &str) -> DialogError {
    DialogError::new(s.file, s.path.clone(), reason)
}

/// Reads [groups], checking each group on its own so that an error names the group.
fn read_groups(
    root: &Section,
    norm: &Normalizer,
    lexicon: &mut Lexicon,
) -> Result<HashMap<String, Vec<String>>, DialogError> {
    let s = root.table("groups")?;
    let mut groups = HashMap::new();
    for (name, entries) in s.table {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(s.err(name, "group names use a-z, 0-9 and _"));
        }
        groups.insert(
            name.clone(),
            strings_of(entries).map_err(|r| s.err(name, r))?,
        );
    }
    for name in groups.keys() {
        lexicon
            .parse(&format!("@{name}"), &groups, &norm.rewriter)
            .map_err(|r| s.err(name, r))?;
    }
    Ok(groups)
}

/// Parses the patterns listed under `key`; required ones must not be empty.
fn read_patterns(
    s: &Section,
    key: &str,
    groups: &HashMap<String, Vec<String>>,
    norm: &Normalizer,
    lexicon: &mut Lexicon,
    required: bool,
) -> Result<Vec<Pattern>, DialogError> {
    let list = if required {
        s.strings(key)?
    } else {
        s.opt_strings(key)?
    };
    list.iter()
        .enumerate()
        .map(|(i, src)| {
            lexicon
                .parse(src, groups, &norm.rewriter)
                .map_err(|r| s.err(key, format!("item {} ('{src}'): {r}", i + 1)))
        })
        .collect()
}

/// Reads [red_flags.<flag>] tables: known flags only, and every flag present.
fn read_red_flags(
    root: &Section,
    groups: &HashMap<String, Vec<String>>,
    norm: &Normalizer,
    lexicon: &mut Lexicon,
) -> Result<Vec<FlagRule>, DialogError> {
    let s = root.table("red_flags")?;
    let mut rules = Vec::new();
    for key in s.table.keys() {
        let flag = RedFlag::from_str(key).map_err(|_| {
            s.err(
                key,
                format!(
                    "not a red flag; expected one of: {}",
                    RedFlag::VARIANTS.join(", ")
                ),
            )
        })?;
        let t = s.table(key)?;
        t.only(&["patterns", "except"])?;
        rules.push(FlagRule {
            flag,
            patterns: read_patterns(&t, "patterns", groups, norm, lexicon, true)?,
            except: read_patterns(&t, "except", groups, norm, lexicon, false)?,
        });
    }
    if let Some(missing) = RedFlag::iter().find(|f| !rules.iter().any(|r| r.flag == *f)) {
        return Err(s.err(
            missing.key(),
            "missing: every red flag needs at least one pattern",
        ));
    }
    rules.sort_by_key(|r| r.flag);
    Ok(rules)
}
