//! A scenario's identity (what a posterior file is checked against) comes from the canonical
//! bytes of its model: it is pinned, so that no toolchain, refactor or reordering of the file
//! silently orphans saved posteriors; it ignores the order of the file's tables and keys and
//! the parts no calibration depends on; and it changes with anything the posterior does
//! depend on.

use escalation::calibrate::scenario_identity;
use escalation::scenario::Scenario;

const COLOMBIA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");

/// The identity of the bundled Colombia scenario: FNV-1a 64 of its canonical bytes (the
/// format of `src/scenario/canonical.rs`), which are kept in
/// `tests/fixtures/identity/colombia_2025.canonical`; `fnv1a64.py` beside them computes this
/// hash independently. A change here means that saved posteriors no longer load: say so in
/// the changelog and re-pin deliberately.
const PINNED_COLOMBIA_HASH: &str = "9d15948d5fd8649a";

fn text() -> String {
    std::fs::read_to_string(COLOMBIA).unwrap()
}

fn hash_of(text: &str) -> String {
    scenario_identity(&Scenario::from_str(text, "test").unwrap()).hash
}

#[test]
fn colombia_identity_is_pinned() {
    let id = scenario_identity(&Scenario::from_path(COLOMBIA).unwrap());
    assert_eq!(id.name, "US–Colombia deportation flights, January 2025");
    assert_eq!(id.hash, PINNED_COLOMBIA_HASH);
}

#[test]
fn colombia_canonical_bytes_are_pinned() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/identity/colombia_2025.canonical"
    );
    let bytes = Scenario::from_path(COLOMBIA).unwrap().canonical_bytes();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        std::fs::read_to_string(fixture).unwrap()
    );
}

#[test]
fn identity_ignores_the_files_order_and_path() {
    // Re-serialised through a sorted table: every table and key in another order.
    let table: toml::Table = toml::from_str(&text()).unwrap();
    let reordered = toml::to_string(&table).unwrap();
    assert_ne!(reordered, text());
    assert_eq!(hash_of(&reordered), PINNED_COLOMBIA_HASH);
    let elsewhere = Scenario::from_str(&text(), "/elsewhere/colombia.toml").unwrap();
    assert_eq!(scenario_identity(&elsewhere).hash, PINNED_COLOMBIA_HASH);
}

#[test]
fn identity_ignores_what_no_calibration_depends_on() {
    let mut table: toml::Table = toml::from_str(&text()).unwrap();
    let meta = table["scenario"].as_table_mut().unwrap();
    meta.insert("description".into(), "edited".into());
    // A source's title and every intervention.
    let sources = table["sources"].as_array_mut().unwrap();
    sources[0]
        .as_table_mut()
        .unwrap()
        .insert("title".into(), "edited".into());
    table.remove("interventions");
    assert_eq!(
        hash_of(&toml::to_string(&table).unwrap()),
        PINNED_COLOMBIA_HASH
    );
}

/// The Colombia file without its interventions (which the identity ignores), edited by `edit`.
fn edited(edit: impl Fn(&mut toml::Table)) -> String {
    let mut table: toml::Table = toml::from_str(&text()).unwrap();
    table.remove("interventions");
    edit(&mut table);
    hash_of(&toml::to_string(&table).unwrap())
}

/// An edit of a scenario file's table.
type Edit = Box<dyn Fn(&mut toml::Table)>;

fn table<'a>(t: &'a mut toml::Table, key: &str) -> &'a mut toml::Table {
    t.get_mut(key).and_then(|v| v.as_table_mut()).unwrap()
}

#[test]
fn identity_changes_with_the_model() {
    assert_eq!(edited(|_| {}), PINNED_COLOMBIA_HASH);
    let changes: [(&str, Edit); 5] = [
        (
            "a prior's argument",
            Box::new(|t| {
                table(table(t, "params"), "lambda").insert("sigma".into(), 0.6.into());
            }),
        ),
        (
            "a fixed value",
            Box::new(|t| {
                table(table(t, "params"), "face_saving_cost").insert("value".into(), 0.003.into());
            }),
        ),
        (
            "the structure",
            Box::new(|t| {
                table(t, "structure").insert("rounds".into(), vec![0.3, 7.7].into());
            }),
        ),
        (
            "a documented move",
            Box::new(|t| {
                let path = t.get_mut("path").and_then(|v| v.as_array_mut()).unwrap();
                let last = path.last_mut().and_then(|v| v.as_table_mut()).unwrap();
                last.insert("action".into(), "Concede".into());
            }),
        ),
        (
            "a documented move's day",
            Box::new(|t| {
                let path = t.get_mut("path").and_then(|v| v.as_array_mut()).unwrap();
                let last = path.last_mut().and_then(|v| v.as_table_mut()).unwrap();
                let later: toml::value::Datetime = "2025-01-26T23:10:00-05:00".parse().unwrap();
                last.insert("time".into(), later.into());
            }),
        ),
    ];
    for (what, change) in changes {
        assert_ne!(edited(change), PINNED_COLOMBIA_HASH, "{what}");
    }
}
