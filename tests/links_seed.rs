//! The seed report's callouts against the hand-checked gold
//! (`../shared/data/seeds-gold/000-citations.json`): every callout found
//! (100% precision and recall), every target right, the claim sentence
//! right (text and span), the uncited references and the mismatches the
//! gold lists reported — and nothing else.

mod common;

use std::collections::BTreeSet;

use common::{Project, repo, shared, stdout};
use serde_json::Value;

const SEED: &str = "seeds/000_68118a06d3e3690d.txt";

fn claims() -> (Value, Value, String) {
    let gold: Value = serde_json::from_str(
        &std::fs::read_to_string(shared("data/seeds-gold/000-citations.json"))
            .expect("gold"),
    )
    .expect("gold JSON");
    let project = Project::new();
    let seed = repo().join(SEED);
    let text = std::fs::read_to_string(&seed).expect("seed");
    project.write("paper.txt", &text);
    let out = project.run(&["claims", "--json", "paper.txt"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    (serde_json::from_str(&stdout(&out)).expect("claims JSON"), gold, text)
}

#[test]
fn every_callout_its_target_and_its_sentence() {
    let (claims, gold, text) = claims();
    let ours = claims["callouts"].as_array().expect("callouts");
    let gold_callouts = gold["callouts"].as_array().expect("gold callouts");
    assert_eq!(ours.len(), gold_callouts.len(), "precision and recall of callouts");
    for (c, g) in ours.iter().zip(gold_callouts) {
        let id = g["id"].as_str().unwrap();
        assert_eq!(c["text"], g["text"], "{id}: callout text");
        assert_eq!(c["byte_start"], g["byte_offset"], "{id}: byte offset");
        let start = c["byte_start"].as_u64().unwrap() as usize;
        let end = c["byte_end"].as_u64().unwrap() as usize;
        assert_eq!(
            &text[start..end],
            c["text"].as_str().unwrap(),
            "{id}: span slices back"
        );
        assert_eq!(c["char_start"], g["offset"], "{id}: code-point offset");
        assert_eq!(c["status"], "resolved", "{id}");
        let targets: Vec<u64> = c["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["ref_index"].as_u64().unwrap())
            .collect();
        let gold_targets: Vec<u64> = g["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_u64().unwrap())
            .collect();
        assert_eq!(targets, gold_targets, "{id}: targets");
        let reference = &gold["references"][gold_targets[0] as usize];
        assert_eq!(
            c["targets"][0]["ref_line"].as_u64().unwrap() as usize,
            text[..reference["byte_offset"].as_u64().unwrap() as usize]
                .matches('\n')
                .count()
                + 1,
            "{id}: ref_line"
        );
        // The claim: the sentence, joined over page breaks and without
        // interrupting pull-quotes, and its raw span.
        assert_eq!(c["sentence"]["text"], g["sentence"], "{id}: sentence");
        assert_eq!(
            c["sentence"]["char_start"], g["sentence_offset"],
            "{id}: sentence start"
        );
        assert_eq!(c["sentence"]["char_end"], g["sentence_end"], "{id}: sentence end");
        let kind = if g["kind"] == "narrative" { "narrative" } else { "parenthetical" };
        assert_eq!(c["kind"], kind, "{id}: kind");
    }
}

#[test]
fn targets_carry_the_store_keys() {
    let (claims, _, _) = claims();
    let store =
        std::fs::read_to_string(repo().join("refs/references.bib")).expect("refs/");
    for c in claims["callouts"].as_array().unwrap() {
        for t in c["targets"].as_array().unwrap() {
            let key = t["key"].as_str().unwrap();
            assert!(store.contains(&format!("{{{key},")), "{key} is not a key of refs/");
        }
    }
}

#[test]
fn uncited_references_and_mismatches() {
    let (claims, gold, _) = claims();
    let uncited: Vec<u64> = claims["uncited"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["ref_index"].as_u64().unwrap())
        .collect();
    let gold_uncited: Vec<u64> = gold["uncited_references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["index"].as_u64().unwrap())
        .collect();
    assert_eq!(uncited, gold_uncited);
    let found: BTreeSet<(u64, String)> = claims["mismatches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (m["ref_index"].as_u64().unwrap(), m["kind"].as_str().unwrap().to_string())
        })
        .collect();
    // The gold's inconsistencies that concern a callout and its reference:
    // Ma (2016) with a URL of 2013; People's Bank of China dated 2017 where
    // the citing sentence says January 2015, and cited with a curly
    // apostrophe where the reference has a straight one.
    let expected: BTreeSet<(u64, String)> = [
        (9, "date_vs_url".to_string()),
        (12, "date_vs_text".to_string()),
        (12, "spelling".to_string()),
    ]
    .into_iter()
    .collect();
    assert_eq!(found, expected);
    for kind in ["date_vs_url", "date_vs_body", "apostrophe_mismatch"] {
        assert!(
            gold["inconsistencies"].as_array().unwrap().iter().any(|i| i["kind"] == kind),
            "the gold lists {kind}"
        );
    }
    let message = claims["mismatches"][0]["message"].as_str().unwrap();
    assert!(message.contains("2013"), "{message}");
    // Each mismatch names a callout of the list.
    for m in claims["mismatches"].as_array().unwrap() {
        let index = m["callout"].as_u64().unwrap() as usize;
        let callout = &claims["callouts"][index];
        assert!(
            callout["targets"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["ref_index"] == m["ref_index"])
        );
    }
}
