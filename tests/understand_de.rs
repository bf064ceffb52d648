//! Black-box tests of German free-text understanding, against the real dialogs/de files.
//!
//! The German red-flag lists are the same safety net as the English ones in tests/understand.rs:
//! every phrasing in `MUST_TRIGGER` must raise its flag (colloquial wording, missing umlauts,
//! misspellings and no capitals included), and nothing in `HARMLESS` may raise any flag. The
//! lists must stay at least as long as the English ones.

use std::path::Path;
use std::sync::OnceLock;

use backcheck::model::{Question, RedFlag, YesNo};
use backcheck::script::Script;
use backcheck::understand::{Choice, PainError, Understanding, match_choice};
use jiff::civil::{Time, time};

const DATA: &str = include_str!("../dialogs/de/understand.toml");
const ENGLISH: &str = include_str!("understand.rs");

fn u() -> &'static Understanding {
    static U: OnceLock<Understanding> = OnceLock::new();
    U.get_or_init(
        || match Understanding::from_toml(DATA, "dialogs/de/understand.toml") {
            Ok(u) => u,
            Err(e) => panic!("the German data file does not load: {e}"),
        },
    )
}

/// The whole German script, loaded from disk the way `[dialogs] language = "de"` loads it.
fn script() -> &'static Script {
    static S: OnceLock<Script> = OnceLock::new();
    S.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dialogs/de");
        match Script::load(&dir) {
            Ok(s) => s,
            Err(e) => panic!("dialogs/de does not load: {e}"),
        }
    })
}

use RedFlag::*;

/// Messages that must raise the flag next to them (they may raise others too).
const MUST_TRIGGER: &[(&str, RedFlag)] = &[
    // Neu: Blase oder Darm nicht unter Kontrolle, Probleme beim Wasserlassen.
    ("Ich kann meine Blase nicht kontrollieren", BladderBowel),
    (
        "kann meine blase nicht mehr kontrollieren seit heute morgen",
        BladderBowel,
    ),
    ("keine Kontrolle mehr über die Blase", BladderBowel),
    ("keine kontrolle ueber meine blase", BladderBowel),
    ("ich kann nicht pinkeln", BladderBowel),
    ("kann seit gestern kaum pinkeln", BladderBowel),
    ("Probleme beim Wasserlassen", BladderBowel),
    (
        "probleme beim wasser lassen seit die schmerzen da sind",
        BladderBowel,
    ),
    ("ich kann das Wasser nicht halten", BladderBowel),
    ("kann das wasser nicht mehr halten", BladderBowel),
    ("Stuhlgang geht unkontrolliert ab", BladderBowel),
    ("stuhlgang geht einfach ab", BladderBowel),
    ("ich habe mich eingenässt", BladderBowel),
    ("hab mir in die hose gemacht", BladderBowel),
    ("hab heute nacht ins bett gemacht", BladderBowel),
    ("inkontinenz seit gestern", BladderBowel),
    ("ich spüre nicht, wann ich aufs Klo muss", BladderBowel),
    ("merke nicht mehr wann ich pinkeln muss", BladderBowel),
    ("die blase entleert sich nicht richtig", BladderBowel),
    ("blsae kontrolle weg", BladderBowel),
    (
        "ich habe es nicht rechtzeitig aufs klo geschafft",
        BladderBowel,
    ),
    ("seit heute morgen nicht gepinkelt", BladderBowel),
    ("kein gefühl beim pinkeln", BladderBowel),
    ("ich verliere urin", BladderBowel),
    ("urin tröpfelt einfach raus", BladderBowel),
    ("bin inkontinent geworden", BladderBowel),
    ("hab die kontrolle über meinen darm verloren", BladderBowel),
    ("kan meine blase nich kontrollieren", BladderBowel),
    // Taubheit an Genitalien, Po oder Innenseite der Oberschenkel.
    ("taub im Schritt", SaddleNumbness),
    ("Taubheit im Schritt", SaddleNumbness),
    ("taubheit im schritt seit gestern", SaddleNumbness),
    ("mein Intimbereich ist taub", SaddleNumbness),
    ("ich spüre meinen po nicht", SaddleNumbness),
    ("kann meinen hintern nicht spüren", SaddleNumbness),
    ("kribbeln zwischen den beinen", SaddleNumbness),
    (
        "gefühllos an der innenseite der oberschenkel",
        SaddleNumbness,
    ),
    ("reithosenanästhesie", SaddleNumbness),
    (
        "ich spüre das klopapier nicht beim abwischen",
        SaddleNumbness,
    ),
    ("genitalien sind taub", SaddleNumbness),
    ("taubheitsgefühl am po", SaddleNumbness),
    ("taubheitsgefuehl im intimbereich", SaddleNumbness),
    ("meine leiste ist taub und kribbelt", SaddleNumbness),
    ("untenrum alles taub", SaddleNumbness),
    ("taubhiet im schritt", SaddleNumbness),
    // Schmerzen, Kribbeln, Taubheit oder Schwäche in beiden Beinen.
    ("beide Beine sind taub", BothLegs),
    ("beide beine kribbeln", BothLegs),
    ("Taubheit in beiden Beinen", BothLegs),
    ("kribbeln in beiden beinen seit heute", BothLegs),
    ("ich kann meine Beine nicht spüren", BothLegs),
    ("kann meine beine nicht spueren", BothLegs),
    ("ich spüre meine beine nicht mehr", BothLegs),
    ("meine beine sind taub", BothLegs),
    ("beine fühlen sich schwach an", BothLegs),
    ("beide beine sind schwach", BothLegs),
    ("schmerzen in beiden beinen", BothLegs),
    ("es zieht in beide beine", BothLegs),
    ("ischias auf beiden seiten", BothLegs),
    ("links und rechts kribbelt es in den beinen", BothLegs),
    ("meine füße sind taub", BothLegs),
    ("fuesse kribbeln", BothLegs),
    ("beide beine wie gummi", BothLegs),
    ("beidseitig taube beine", BothLegs),
    ("baide beine taub", BothLegs),
    ("kann meine beine kaum bewegen", BothLegs),
    ("ich kann meine beine nicht mehr spüren", BothLegs),
    // Ein Bein wird immer schwächer.
    ("mein bein wird immer schwächer", LegWeakening),
    ("das rechte bein wird schwächer", LegWeakening),
    ("bein wird von tag zu tag schwacher", LegWeakening),
    ("mein knie knickt immer weg", LegWeakening),
    ("das bein knickt weg", LegWeakening),
    ("mein bein gibt einfach nach", LegWeakening),
    ("ich ziehe das bein nach", LegWeakening),
    ("ich glaube ich habe einen fallfuß", LegWeakening),
    ("ich kann den fuß nicht mehr heben", LegWeakening),
    ("kann die zehen nicht anheben", LegWeakening),
    ("mein fuß schleift beim gehen", LegWeakening),
    ("die schwäche im bein wird schlimmer", LegWeakening),
    ("mein linkes bein ist schwach", LegWeakening),
    ("kraftverlust im bein", LegWeakening),
    ("bein knickt ständig weg", LegWeakening),
    // Rückenschmerzen nach einem schweren Unfall.
    ("ich hatte einen autounfall", SeriousAccident),
    ("autounfall gestern", SeriousAccident),
    ("Verkehrsunfall letzte Woche", SeriousAccident),
    ("bin von der leiter gefallen", SeriousAccident),
    ("von der leiter gestürzt", SeriousAccident),
    ("vom dach gefallen", SeriousAccident),
    ("ich wurde von einem auto angefahren", SeriousAccident),
    ("bin mit dem motorrad gestürzt", SeriousAccident),
    ("motorradunfall am sonntag", SeriousAccident),
    (
        "ein transporter hat mich auf dem rad angefahren",
        SeriousAccident,
    ),
    ("bin die treppe runtergefallen", SeriousAccident),
    ("hatte einen schweren unfall", SeriousAccident),
    ("autounfal", SeriousAccident),
    ("schleudertrauma nach auffahrunfall", SeriousAccident),
    ("jemand ist mir hinten aufgefahren", SeriousAccident),
    ("ich bin vom pferd gefallen", SeriousAccident),
    ("vom baugerüst gestürzt", SeriousAccident),
    ("mit dem auto verunglückt", SeriousAccident),
    // Schmerzen in der Brust.
    ("brustschmerzen", ChestPain),
    ("ich habe schmerzen in der brust", ChestPain),
    ("die brust tut weh", ChestPain),
    ("druck auf der brust", ChestPain),
    ("engegefühl in der brust", ChestPain),
    ("meine brust fühlt sich eng an", ChestPain),
    ("es strahlt in den linken arm aus", ChestPain),
    ("brustschmerzn", ChestPain),
    ("bruts schmerzen", ChestPain),
    ("stechen in der brust und rückenschmerzen", ChestPain),
    ("herzstechen", ChestPain),
    // Fieber, oder heiß und fröstelig.
    ("ich habe fieber", Fever),
    ("hab fieber seit gestern", Fever),
    ("fiber", Fever),
    ("hab fieba", Fever),
    ("erhöhte temperatur", Fever),
    ("ich habe temperatur", Fever),
    ("39 grad fieber", Fever),
    ("schüttelfrost", Fever),
    ("schuettelfrost", Fever),
    ("mir ist heiß und kalt", Fever),
    ("nachtschweiß", Fever),
    ("ich glühe", Fever),
    ("fiebrig und schlapp", Fever),
    ("temperatur 38,5", Fever),
    ("hab grippe", Fever),
    // Sturz, Schlag oder Verletzung am Rücken.
    ("ich bin hingefallen", Injury),
    ("bin auf dem eis ausgerutscht", Injury),
    ("ich bin gestürzt", Injury),
    ("bin gestuerzt", Injury),
    ("hatte gestern einen sturz", Injury),
    (
        "bin über den hund gestolpert und auf den rücken gefallen",
        Injury,
    ),
    ("jemand hat mich in den rücken getreten", Injury),
    ("ich habe mir den rücken bei der arbeit verletzt", Injury),
    ("hab mir beim fußball den rücken verletzt", Injury),
    ("bin beim handball gefoult worden", Injury),
    ("hab mir den rücken am tisch gestoßen", Injury),
    ("mein kind ist mir auf den rücken gesprungen", Injury),
    ("hingefalen", Injury),
    ("bin hingeflogen", Injury),
    // Vielleicht ein Knochenbruch oder Bänderriss.
    ("ich glaube, ich hab mir was gebrochen", FractureOrTear),
    ("vielleicht ist ein wirbel gebrochen", FractureOrTear),
    ("bänderriss", FractureOrTear),
    ("ich habe ein knacken gehört", FractureOrTear),
    ("es hat geknackt, als ich gehoben habe", FractureOrTear),
    ("hab gespürt, wie etwas gerissen ist", FractureOrTear),
    ("rippe gebrochen", FractureOrTear),
    ("ich glaube es ist ein bruch", FractureOrTear),
    ("muskelriss beim kreuzheben", FractureOrTear),
    ("gebrochner knochen", FractureOrTear),
    ("angeknackste rippe", FractureOrTear),
    // Gewichtsverlust ohne Erklärung.
    ("ich nehme ab, ohne es zu wollen", WeightLoss),
    ("ungewollt abgenommen", WeightLoss),
    ("hab 6 kilo verloren und weiß nicht warum", WeightLoss),
    ("meine hosen rutschen", WeightLoss),
    ("gewichtsverlust ohne grund", WeightLoss),
    ("ich werde immer dünner", WeightLoss),
    ("abgenomen", WeightLoss),
    ("keinen appetit mehr", WeightLoss),
    // Schwellung oder veränderte Form des Rückens.
    ("da ist eine schwellung am rücken", Swelling),
    ("ich habe eine beule an der wirbelsäule gefunden", Swelling),
    ("mein rücken sieht irgendwie schief aus", Swelling),
    ("die form meines rückens hat sich verändert", Swelling),
    ("es ist geschwollen", Swelling),
    ("schwelung neben der wirbelsaeule", Swelling),
    ("ein knubbel am rücken", Swelling),
    // Schmerzen nachts oder in Ruhe, die nicht nachlassen.
    ("die schmerzen halten mich die ganze nacht wach", NightPain),
    ("der schmerz weckt mich nachts", NightPain),
    ("ich wache nachts vor schmerzen auf", NightPain),
    ("ich kann vor schmerzen nicht schlafen", NightPain),
    ("kann nicht schlafen wegen der rückenschmerzen", NightPain),
    ("es tut die ganze nacht weh", NightPain),
    ("schmerzen in ruhe, die nicht nachlassen", NightPain),
    ("dauerschmerz auch im liegen", NightPain),
    ("keine position ist bequem", NightPain),
    ("der schmerz geht nachts nicht weg", NightPain),
    ("war die ganze nacht wach deswegen", NightPain),
    ("um 3 uhr nachts aufgewacht vor schmerzen", NightPain),
    ("der schmerz hört nie auf", NightPain),
    ("kann nachts nich schlafen vor schmerzen", NightPain),
    (
        "ich kann nachts schlecht schlafen weil der rücken weh tut",
        NightPain,
    ),
    ("die schmerzen lassen nachts nicht nach", NightPain),
    // Mehr Alltagssprache.
    ("ich habe kein gefühl in den beinen", BothLegs),
    ("kann kaum noch laufen, beine wie gelähmt", BothLegs),
    ("beine knicken weg", LegWeakening),
    ("ich kann mein pipi nicht mehr halten", BladderBowel),
    (
        "ich muss ständig aufs klo aber es kommt nichts",
        BladderBowel,
    ),
    ("ich spüre beim abwischen nichts", SaddleNumbness),
    ("mein po ist taub", SaddleNumbness),
    ("ich bin von meinem fahrrad gestürzt", SeriousAccident),
    ("hatte nen crash mit dem rad", SeriousAccident),
    ("schmerz strahlt in die brust", ChestPain),
    ("mir ist heiss und ich zittere", Fever),
    ("ich habe 5 kilo abgenommen ohne diät", WeightLoss),
    // Tippfehler und umgestellte Wörter.
    ("blase kontroliere ich nicht mehr", BladderBowel),
    ("kann nich pinkln", BladderBowel),
    ("beide beine taup", BothLegs),
    ("meine beinne sind taub", BothLegs),
    ("brustschmertzen", ChestPain),
    ("schmerzen in der bust", ChestPain),
    ("rücken ist geschwolen", Swelling),
    ("gewichtsverlusst", WeightLoss),
    ("ich hab fiebr", Fever),
    ("schüttelfrrost", Fever),
    ("inkontinents", BladderBowel),
    ("leiter runtergefallen", SeriousAccident),
    ("unfal mit dem auto", SeriousAccident),
    ("kein gefuel im schritt", SaddleNumbness),
    ("ich kann den stuhl nicht halten", BladderBowel),
    ("beim wasserlassen spüre ich nichts", BladderBowel),
    ("mir läuft der urin einfach weg", BladderBowel),
    ("beide beine schlafen ein", BothLegs),
    ("ich nehme ständig ab", WeightLoss),
    ("die beine tragen mich nicht mehr", BothLegs),
    ("mein rechter fuß hängt beim gehen", LegWeakening),
    ("bin 3 meter tief gefallen", SeriousAccident),
    ("mein brustkorb tut weh", ChestPain),
    ("ich hab nachts schweißausbrüche", Fever),
    ("am rücken ist ein dicker knubbel", Swelling),
    ("auch nachts im liegen tut es weh", NightPain),
    // Mehrere in einer Nachricht, Verneinung anderswo, Großschreibung.
    (
        "kein fieber, aber ich kann meine blase nicht kontrollieren",
        BladderBowel,
    ),
    ("ich habe kein fieber, aber beide beine sind taub", BothLegs),
    (
        "weiß nicht warum, aber mein schritt ist taub",
        SaddleNumbness,
    ),
    ("kein fieber brustschmerzen", ChestPain),
    ("kein fieber und brustschmerzen", ChestPain),
    ("kein fieber, kein husten, nur brustschmerzen", ChestPain),
    ("keine kontrolle über die blase, schüttelfrost", Fever),
    ("ICH KANN MEINE BLASE NICHT KONTROLLIEREN!!!", BladderBowel),
    ("kann nicht sagen ob meine beine taub sind", BothLegs),
    (
        "hab nicht gemerkt, dass ich in die hose gemacht habe",
        BladderBowel,
    ),
    ("ich weiß nicht ob ich fieber habe", Fever),
    ("Fieber? nein, doch, ich habe fieber", Fever),
];

/// Messages that must raise no flag at all.
const HARMLESS: &[&str] = &[
    "kein fieber",
    "ich habe kein fieber",
    "hatte kein fieber",
    "kein zeichen von fieber",
    "seit einer woche fieberfrei",
    "meinen beinen geht es gut",
    "keine taubheit",
    "keine taubheit in den beinen",
    "kein kribbeln oder taubheit in beiden beinen",
    "meine beine sind nicht taub",
    "nicht taub",
    "ich habe meine blase unter kontrolle",
    "keine probleme mit der blase",
    "kein verlust der blasenkontrolle",
    "ich hatte keinen unfall",
    "keine brustschmerzen",
    "was kann ich heute tun?",
    "unterer rücken",
    "6",
    "stechend",
    "dumpf oder steif",
    "brennend oder kribbelnd",
    "nachts oder in ruhe",
    "nach dem sitzen",
    "morgens",
    "ich war laufen",
    "mein bein ist ein bisschen wund",
    "das auto war in der werkstatt",
    "ich bin auf dem sofa eingeschlafen",
    "mein heuschnupfen ist diese woche schlimm",
    "gestern war brusttag",
    "ich versuche abzunehmen",
    "abnehmen ist mein ziel",
    "ich habe eine pause vom fitnessstudio gemacht",
    "mein rücken fühlt sich heute besser an",
    "ja",
    "nein",
    "nichts davon",
    "07:30",
    "45 minuten",
    "spazierengehen und schwimmen",
    "ich will weiter laufen",
    "der schmerz ist im unteren rücken und strahlt in die linke pobacke aus",
    "es tut weh, wenn ich mich bücke",
    "morgens steif, nach einem spaziergang besser",
    "ich habe gewichte gehoben und es war gut",
    "ich glaube nicht, dass etwas gebrochen ist",
    "ich habe gut geschlafen",
    "meiner blase geht es gut und meinen beinen auch",
    "war im fitnessstudio, kniebeugen und kreuzheben",
    "kein fieber oder brustschmerzen",
    "keine taubheit oder kribbeln im schritt oder in den beinen",
    "gestern habe ich das training ausgelassen",
    "meine blase, da gibt es keine probleme",
    "ich stehe nachts auf, um zu pinkeln",
    "es tut weh, wenn ich auf dem bauch liege",
    "es wird besser, wenn ich mich ausruhe",
    "keine schmerzen in ruhe",
    "die kinder sind früh eingeschlafen",
    "gestern hart trainiert",
    "das auto ist kaputt gegangen",
    "mein handydisplay ist gebrochen",
    "meine beine sind müde nach der wanderung",
    "ich habe ein paar kilo zugenommen",
    "beide einheiten liefen gut",
    "ich habe den spaziergang und die dehnübungen gemacht",
    "mein fuß schläft ein, wenn ich im schneidersitz sitze",
    "keine schwäche in den beinen",
    "ich bin nicht gestürzt",
    "kein sturz, kein unfall, keine verletzung",
    "keine schwellung",
    "nichts gebrochen",
    "kein gewichtsverlust",
    "ich wache morgens steif auf",
    "schmerzen beim aufwachen",
    "mir tun die beine vom training weh",
    "muskelkater in beiden beinen",
    "das training hat mir gut gefallen",
    "ich habe brust und rücken trainiert",
    "brustschwimmen tut meinem rücken gut",
    "weder fieber noch schüttelfrost",
    "keine nachtschmerzen",
    "ich schlafe gut",
    "kein druck auf der brust",
    "nicht geschwollen",
    "mein laptop ist abgestürzt",
    "beine hochlegen hilft",
    "mein knie knackt manchmal",
    "Check-in: Rücken tut heute weniger weh",
    "der schmerz tritt im unteren rücken auf",
    "es zieht nach unten ins bein",
    "leider keine zeit heute",
    "bei jedem schritt zieht es im rücken",
    "ich habe durch die diät 5 kilo abgenommen",
    "kein problem mit den beinen",
    "ich kann meine blase halten",
    "beide beine ok",
    "kein schüttelfrost und kein fieber",
    "ich habe schmerzen im brustwirbelbereich",
    "der schmerz strahlt ins rechte bein aus",
    "ich hatte keinen sturz",
    "kann nicht auf dem rücken liegen",
    "ich bin gestern beim training fast hingefallen",
    "mein linkes bein kribbelt",
    "Nein, keine Taubheit.",
    "Weder Taubheit noch Kribbeln",
    "Fieber habe ich keins",
    "kein Kribbeln in den Beinen und kein Fieber",
    "nichts mit der Blase",
    "ich nehme ab und zu schmerzmittel",
    "mir ist was ins kreuz gefahren",
    "beim skifahren hat mein rücken gezogen",
    "🙂🙂🙂",
    "",
];

/// How many rows of a phrase list the English test file has (lines starting with `("` or `"`).
fn english_rows(list: &str, row_start: &str) -> usize {
    let start = ENGLISH
        .find(&format!("const {list}"))
        .unwrap_or_else(|| panic!("{list} not in tests/understand.rs"));
    let body = &ENGLISH[start..];
    let end = body.find("\n];").unwrap_or(body.len());
    body[..end]
        .lines()
        .filter(|l| l.trim_start().starts_with(row_start))
        .count()
}

#[test]
fn every_must_trigger_phrasing_raises_its_flag() {
    let misses: Vec<String> = MUST_TRIGGER
        .iter()
        .filter(|(text, flag)| !u().red_flags(text).contains(flag))
        .map(|(text, flag)| {
            format!(
                "{text:?} should raise {flag:?}, got {:?}",
                u().red_flags(text)
            )
        })
        .collect();
    assert!(
        misses.is_empty(),
        "missed red flags ({}):\n{}",
        misses.len(),
        misses.join("\n")
    );
}

#[test]
fn harmless_phrasings_raise_nothing() {
    let wrong: Vec<String> = HARMLESS
        .iter()
        .map(|text| (text, u().red_flags(text)))
        .filter(|(_, flags)| !flags.is_empty())
        .map(|(text, flags)| format!("{text:?} raised {flags:?}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "harmless text raised flags:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_lists_are_at_least_as_long_as_the_english_ones_and_cover_every_flag() {
    let english_trigger = english_rows("MUST_TRIGGER", "(\"");
    let english_harmless = english_rows("HARMLESS", "\"");
    assert!(english_trigger >= 60, "{english_trigger}");
    assert!(
        MUST_TRIGGER.len() >= english_trigger,
        "German {} < English {english_trigger}",
        MUST_TRIGGER.len()
    );
    assert!(
        HARMLESS.len() >= english_harmless,
        "German {} < English {english_harmless}",
        HARMLESS.len()
    );
    for flag in <RedFlag as strum::IntoEnumIterator>::iter() {
        assert!(
            MUST_TRIGGER.iter().any(|(_, f)| *f == flag),
            "no phrasing for {flag:?}"
        );
    }
}

#[test]
fn emergency_and_see_a_doctor_flags_keep_their_level() {
    let flags = u().red_flags("beide beine sind taub");
    assert!(!flags.is_empty() && flags.iter().all(|f| f.is_emergency()));
    assert_eq!(u().red_flags("ich habe fieber"), vec![Fever]);
    assert!(!Fever.is_emergency());
}

#[test]
fn pain_scores() {
    let ok: &[(&str, u8)] = &[
        ("6", 6),
        ("sechs", 6),
        ("Sechs.", 6),
        ("6/10", 6),
        ("sechs von zehn", 6),
        ("6 von 10", 6),
        ("eine 6", 6),
        ("so eine sechs heute", 6),
        ("null", 0),
        ("keine schmerzen", 0),
        ("tut gar nicht weh", 0),
        ("schmerzfrei", 0),
        ("zehn", 10),
        ("eins", 1),
        ("zwei", 2),
        ("zwo", 2),
        ("drei", 3),
        ("vier", 4),
        ("fünf", 5),
        ("fuenf", 5),
        ("sieben", 7),
        ("acht", 8),
        ("neun", 9),
        ("6-7", 7),
        ("6 oder 7", 7),
        ("6 bis 7", 7),
        ("zwischen 5 und 6", 6),
    ];
    for (text, want) in ok {
        assert_eq!(u().pain(text), Ok(*want), "{text:?}");
    }
    let bad: &[(&str, PainError)] = &[
        ("elf", PainError::OutOfRange),
        ("zwölf", PainError::OutOfRange),
        ("11", PainError::OutOfRange),
        ("7,5", PainError::NotWhole),
        ("sieben einhalb", PainError::NotWhole),
        ("banane", PainError::NotANumber),
        ("gestern 3, heute 8", PainError::NotANumber),
        // Never a 0 by accident: these only re-ask.
        ("gar nicht auszuhalten", PainError::NotANumber),
        ("keine ahnung", PainError::NotANumber),
        ("weiß nicht", PainError::NotANumber),
        ("nichts hilft", PainError::NotANumber),
    ];
    for (text, want) in bad {
        assert_eq!(u().pain(text), Err(*want), "{text:?}");
    }
}

#[test]
fn yes_and_no() {
    let yes = [
        "ja",
        "Ja!",
        "jo",
        "jap",
        "jep",
        "klar",
        "na klar",
        "passt",
        "ok",
        "okay",
        "genau",
        "stimmt",
        "ja, seit Montag",
        "ja bitte",
        "auf jeden fall",
        "natürlich",
        "naturlich",
        "doch",
        "ich glaube schon",
        "äh ja",
        "👍",
        "ja ein bisschen",
        "leider ja",
        "los gehts",
    ];
    for text in yes {
        assert_eq!(u().yes_no(text), Some(YesNo::Yes), "{text:?}");
    }
    let no = [
        "nein",
        "Nein.",
        "nee",
        "nö",
        "noe",
        "ne",
        "eher nicht",
        "nicht wirklich",
        "gar nicht",
        "überhaupt nicht",
        "ueberhaupt nicht",
        "nein, tut es nicht",
        "auf keinen fall",
        "niemals",
        "nein danke",
        "👎",
        "zum glück nicht",
    ];
    for text in no {
        assert_eq!(u().yes_no(text), Some(YesNo::No), "{text:?}");
    }
    let neither = [
        "",
        "vielleicht",
        "weiß nicht",
        "weiss nicht",
        "keine ahnung",
        "jein",
        "ja und nein",
        "manchmal",
        "6",
        "unterer rücken",
        "banane",
        "ein bisschen",
    ];
    for text in neither {
        assert_eq!(u().yes_no(text), None, "{text:?}");
    }
}

#[test]
fn session_minutes() {
    let ok: &[(&str, u16)] = &[
        ("45", 45),
        ("45 min", 45),
        ("45 Minuten", 45),
        ("eine Stunde", 60),
        ("1 Stunde", 60),
        ("1 Std.", 60),
        ("1h", 60),
        ("1,5 Stunden", 90),
        ("eine halbe Stunde", 30),
        ("halbe stunde", 30),
        ("zwei Stunden", 120),
        ("fünfundvierzig Minuten", 45),
        ("fuenfundvierzig minuten", 45),
        ("fünf und vierzig", 45),
        ("dreißig minuten", 30),
        ("zwanzig", 20),
        ("anderthalb Stunden", 90),
        ("eineinhalb stunden", 90),
        ("eine Stunde und eine halbe", 90),
        ("1 Stunde 30", 90),
        ("1:30", 90),
        ("eine Viertelstunde", 15),
        ("dreiviertel Stunde", 45),
        ("eine Dreiviertelstunde", 45),
        ("45 bis 60 Minuten", 45),
        ("ungefähr 45 minuten", 45),
        ("zehn Stunden", 600),
    ];
    for (text, want) in ok {
        assert_eq!(u().minutes(text), Some(*want), "{text:?}");
    }
    for text in ["", "banane", "0", "2", "11 stunden", "viel", "keine"] {
        assert_eq!(u().minutes(text), None, "{text:?}");
    }
}

#[test]
fn clock_times() {
    let ok: &[(&str, Time)] = &[
        ("7:30", time(7, 30, 0, 0)),
        ("07:30", time(7, 30, 0, 0)),
        ("7.30", time(7, 30, 0, 0)),
        ("19 Uhr", time(19, 0, 0, 0)),
        ("19 uhr 30", time(19, 30, 0, 0)),
        ("19:30 Uhr", time(19, 30, 0, 0)),
        ("um 19 Uhr", time(19, 0, 0, 0)),
        ("halb acht", time(7, 30, 0, 0)),
        ("halb 8", time(7, 30, 0, 0)),
        ("halb acht abends", time(19, 30, 0, 0)),
        ("viertel nach sieben", time(7, 15, 0, 0)),
        ("viertel vor acht", time(7, 45, 0, 0)),
        ("dreiviertel acht", time(7, 45, 0, 0)),
        ("zehn nach sieben", time(7, 10, 0, 0)),
        ("fünf vor acht", time(7, 55, 0, 0)),
        ("fünf nach halb acht", time(7, 35, 0, 0)),
        ("um acht abends", time(20, 0, 0, 0)),
        ("acht uhr abends", time(20, 0, 0, 0)),
        ("um 8 morgens", time(8, 0, 0, 0)),
        ("7 Uhr früh", time(7, 0, 0, 0)),
        ("7 uhr frueh", time(7, 0, 0, 0)),
        ("mittags", time(12, 0, 0, 0)),
        ("12 Uhr mittags", time(12, 0, 0, 0)),
        ("mitternacht", time(0, 0, 0, 0)),
        ("um acht", time(8, 0, 0, 0)),
        ("sieben uhr dreißig", time(7, 30, 0, 0)),
        ("halb eins", time(0, 30, 0, 0)),
        ("halb eins mittags", time(12, 30, 0, 0)),
    ];
    for (text, want) in ok {
        assert_eq!(u().clock_time(text), Some(*want), "{text:?}");
    }
    let bad = [
        "",
        "banane",
        "25 Uhr",
        "24:30",
        "7:60",
        "13 uhr abends",
        "7 oder 8",
        "aus",
        "halb",
    ];
    for text in bad {
        assert_eq!(u().clock_time(text), None, "{text:?}");
    }
}

#[test]
fn reminder_off() {
    for text in [
        "aus",
        "AUS",
        "keine",
        "nein",
        "nie",
        "stopp",
        "keine Erinnerung",
        "Keine Erinnerungen, danke",
        "ausschalten bitte",
        "erinnere mich nicht",
    ] {
        assert!(u().is_off(text), "{text:?}");
    }
    for text in ["", "07:30", "19 uhr", "an", "ja", "erinnere mich um 8"] {
        assert!(!u().is_off(text), "{text:?}");
    }
}

#[test]
fn asks_for_today() {
    for text in [
        "was kann ich heute tun?",
        "Was kann ich heute tun",
        "was kann ich heute machen",
        "was soll ich heute machen?",
        "kann ich trainieren?",
        "darf ich heute laufen gehen?",
        "kann ich heute ins fitnessstudio",
        "soll ich heute trainieren",
        "plan",
        "Plan?",
        "was ist mein plan für heute",
        "mein plan für heute",
        "heute?",
        "ist es ok heute zu trainieren?",
        "welche übungen kann ich machen",
        "was empfiehlst du",
        "was steht heute an",
        "was würdest du heute empfehlen",
        "was geht heute?",
        "darf ich heute ins fitnessstudio",
    ] {
        assert!(u().asks_for_today(text), "{text:?}");
    }
    for text in [
        "",
        "6",
        "unterer rücken",
        "ja",
        "ich war laufen",
        "heute war anstrengend",
        "ich plane zu ruhen",
        "ich kann heute nicht trainieren weil ich arbeite",
        "ich war heute laufen",
        "🙂",
        "was?",
        "07:30",
    ] {
        assert!(!u().asks_for_today(text), "{text:?}");
    }
}

/// The options of a question of the German script, as `match_choice` sees them.
fn choices(q: Question) -> Vec<Choice<'static>> {
    script()
        .question(q)
        .options
        .iter()
        .map(|o| Choice {
            key: &o.key,
            label: &o.label,
            aliases: &o.aliases,
        })
        .collect()
}

fn pick(q: Question, text: &str) -> Option<&'static str> {
    match_choice(text, &choices(q))
}

#[test]
fn body_places() {
    let ok = [
        ("unterer Rücken", "lower_back"),
        ("unterer ruecken", "lower_back"),
        ("unterer rucken", "lower_back"),
        ("Kreuz", "lower_back"),
        ("im kreuz", "lower_back"),
        ("Lendenwirbel", "lower_back"),
        ("an der lendenwirbelsäule", "lower_back"),
        ("mein unterer rücken", "lower_back"),
        ("Nacken", "neck"),
        ("nacken", "neck"),
        ("hals", "neck"),
        ("oberer Rücken", "middle_upper_back"),
        ("oberer ruecken", "middle_upper_back"),
        ("zwischen den schulterblättern", "middle_upper_back"),
        ("Mittlerer oder oberer Rücken", "middle_upper_back"),
        ("mittlerer rucken", "middle_upper_back"),
    ];
    for (text, want) in ok {
        assert_eq!(pick(Question::Area, text), Some(want), "{text:?}");
    }
    for text in ["Rücken", "", "banane", "unterer rücken und nacken"] {
        assert_eq!(pick(Question::Area, text), None, "{text:?}");
    }
}

#[test]
fn feelings_and_when_it_is_worst() {
    let feelings = [
        ("dumpf", "dull_ache"),
        ("steif", "dull_ache"),
        ("stechend", "sharp"),
        ("es sticht", "sharp"),
        ("brennend", "burning_tingling"),
        ("kribbelt", "burning_tingling"),
        ("es kribbelt", "burning_tingling"),
        ("Brennend oder kribbelnd", "burning_tingling"),
    ];
    for (text, want) in feelings {
        assert_eq!(pick(Question::Feeling, text), Some(want), "{text:?}");
    }
    let worst = [
        ("morgens", "morning"),
        ("nach dem sitzen", "after_sitting"),
        ("bei bewegung", "moving"),
        ("nachts", "night_rest"),
        ("im liegen", "night_rest"),
    ];
    for (text, want) in worst {
        assert_eq!(pick(Question::Worst, text), Some(want), "{text:?}");
    }
}

#[test]
fn how_long_this_bout_has_lasted() {
    let ok = [
        ("seit heute", "started_today"),
        ("heute morgen", "started_today"),
        ("seit drei Tagen", "up_to_a_week"),
        ("seit 3 tagen", "up_to_a_week"),
        ("seit gestern", "up_to_a_week"),
        ("ein paar tage", "up_to_a_week"),
        ("zwei Wochen", "up_to_six_weeks"),
        ("seit zwei wochen", "up_to_six_weeks"),
        ("seit einem Monat", "up_to_six_weeks"),
        ("seit 10 tagen", "up_to_six_weeks"),
        ("seit Monaten", "over_six_weeks"),
        ("seit jahren", "over_six_weeks"),
        ("über 6 wochen", "over_six_weeks"),
        ("ueber 6 wochen", "over_six_weeks"),
    ];
    for (text, want) in ok {
        assert_eq!(pick(Question::Episode, text), Some(want), "{text:?}");
    }
}

#[test]
fn yes_no_questions_take_their_labels_typed() {
    for q in [Question::Spreads, Question::Cancer, Question::ConfirmFlag] {
        assert_eq!(pick(q, "Ja"), Some("yes"), "{q:?}");
        assert_eq!(pick(q, "nein"), Some("no"), "{q:?}");
    }
    assert_eq!(pick(Question::Cleared, "noch nicht"), Some("not_yet"));
    assert_eq!(pick(Question::Cleared, "weiß nicht"), Some("dont_know"));
    assert_eq!(pick(Question::Cleared, "jo"), Some("yes"));
}

#[test]
fn plan_headings_are_the_fixed_german_ones() {
    use backcheck::model::Level;
    let p = &script().plan;
    let want = [
        (Level::Emergency, "Dringend: Jetzt medizinische Hilfe holen"),
        (Level::SeeDoctor, "Vor dem Training zum Arzt"),
        (Level::ActiveRest, "Aktiver Ruhetag"),
        (Level::Gentle, "Sanfter Tag"),
        (
            Level::Lighter,
            "Leichtere Version deines üblichen Trainings",
        ),
        (Level::Usual, "Übliches Training"),
    ];
    for (level, heading) in want {
        assert_eq!(p.heading(level), heading, "{level:?}");
    }
}

#[test]
fn typed_labels_and_aliases_raise_no_flag_except_the_red_flags_own() {
    let mut wrong = Vec::new();
    for q in <Question as strum::IntoEnumIterator>::iter() {
        let def = script().question(q);
        let names = def
            .options
            .iter()
            .flat_map(|o| std::iter::once(&o.label).chain(&o.aliases))
            .chain(def.aliases.values().flatten());
        for name in names {
            let flags = u().red_flags(name);
            let own = def
                .options
                .iter()
                .find(|o| &o.label == name || o.aliases.contains(name));
            let is_label = own.is_some_and(|o| &o.label == name);
            let own = own.and_then(|o| o.key.parse::<RedFlag>().ok());
            let ok = match (q, own) {
                // A label reads as its own flag in free text too; a short alias ("blase")
                // may read as none, but never as another flag alone.
                (Question::RedFlags, Some(flag)) if is_label => flags.contains(&flag),
                (Question::RedFlags, Some(flag)) => flags.is_empty() || flags.contains(&flag),
                _ => flags.is_empty(),
            };
            if !ok {
                wrong.push(format!("{q:?}: {name:?} raised {flags:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_flag_at_the_end_of_a_long_message_is_found_and_odd_input_never_panics() {
    let long = format!(
        "{}und jetzt kann ich meine Blase nicht kontrollieren",
        "mein Rücken tut heute sehr weh ".repeat(200)
    );
    assert!(long.chars().count() > 5_000);
    assert_eq!(u().red_flags(&long), vec![BladderBowel]);
    for text in [
        "ü".repeat(20_000),
        "fünfundvierzig".repeat(2_000),
        "halb ".repeat(3_000),
        "kein ".repeat(5_000),
        "und ".repeat(5_000),
        "einundeinhalb ".repeat(1_000),
    ] {
        let _ = u().red_flags(&text);
        let _ = u().pain(&text);
        let _ = u().minutes(&text);
        let _ = u().clock_time(&text);
        let _ = u().yes_no(&text);
        let _ = u().asks_for_today(&text);
    }
    assert_eq!(u().minutes(&"und ".repeat(5_000)), None);
}

#[test]
fn lists_join_with_und_but_a_name_with_und_stays_whole() {
    let aliases: Vec<String> = Vec::new();
    let tingling = vec!["kribbeln und taubheit".to_string()];
    let options = [
        Choice {
            key: "running",
            label: "Laufen",
            aliases: &aliases,
        },
        Choice {
            key: "cycling",
            label: "Radfahren",
            aliases: &aliases,
        },
        Choice {
            key: "tingling",
            label: "Brennen",
            aliases: &tingling,
        },
    ];
    let read = |text: &str| u().match_choices(text, &options);
    assert_eq!(read("Laufen und Radfahren"), Ok(vec!["running", "cycling"]));
    assert_eq!(
        read("Radfahren sowie Laufen"),
        Ok(vec!["cycling", "running"])
    );
    assert_eq!(read("Laufen u. Radfahren"), Ok(vec!["running", "cycling"]));
    assert_eq!(read("Kribbeln und Taubheit"), Ok(vec!["tingling"]));
    assert_eq!(
        read("Laufen und Schach"),
        Err("Schach".to_string()),
        "the part that fits nothing is named"
    );
}

#[test]
fn times_said_the_german_way_read_both_halves_of_the_day() {
    let both = |text: &str| -> Vec<(i8, i8)> {
        u().clock_readings(text)
            .iter()
            .map(|t| (t.hour(), t.minute()))
            .collect()
    };
    assert_eq!(both("es ist halb drei"), [(2, 30), (14, 30)]);
    assert_eq!(both("Viertel nach zwei"), [(2, 15), (14, 15)]);
    assert_eq!(both("14 Uhr 35"), [(14, 35)]);
    assert_eq!(both("halb drei nachmittags"), [(14, 30)]);
    assert_eq!(both("Wien"), Vec::<(i8, i8)>::new());
}

#[test]
fn places_and_command_words_in_german() {
    use backcheck::understand::CommandWord;
    for (place, zone) in [
        ("Wien", "Europe/Vienna"),
        ("MÜNCHEN", "Europe/Berlin"),
        ("muenchen", "Europe/Berlin"),
        ("Neu-Delhi", "Asia/Kolkata"),
        ("Neudelhi", "Asia/Kolkata"),
    ] {
        assert_eq!(u().place_zone(place), Some(zone), "{place}");
    }
    assert_eq!(u().place_zone("Atlantis"), None);
    assert_eq!(u().zone_name("Europe/Vienna"), Some("Wien"));
    assert_eq!(u().command_word("gestern"), Some(CommandWord::Yesterday));
    assert_eq!(u().command_word("diese Woche"), Some(CommandWord::Week));
    assert_eq!(u().command_word("90 Tage"), Some(CommandWord::Days(90)));
    assert_eq!(u().command_word("90"), Some(CommandWord::Days(90)));
    assert_eq!(u().command_word("90 Wochen"), None);
    assert_eq!(
        u().command_word("yesterday"),
        None,
        "English is the engine's fallback"
    );
}
