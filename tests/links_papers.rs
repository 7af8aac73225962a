//! Callout detection and linking on the real papers of
//! `../shared/data/papers/` (gold from the publishers' XML links): the
//! figures `biblink eval links` prints must stay above the targets.

mod common;

use biblink::link::eval::{Report, score_paper};
use common::shared;

fn report() -> Report {
    let dir = shared("data/papers");
    let mut papers: Vec<_> = std::fs::read_dir(&dir)
        .expect("papers")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("gold.json").is_file())
        .collect();
    papers.sort();
    assert!(papers.len() >= 25, "expected the 25 dev papers in {}", dir.display());
    let mut report = Report::default();
    for paper in papers {
        let id = paper.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(paper.join("paper.md")).expect("paper.md");
        let gold = std::fs::read_to_string(paper.join("gold.json")).expect("gold.json");
        report.papers.push(score_paper(&id, &text, &gold).expect("score"));
    }
    report
}

#[test]
fn detection_and_linking_meet_the_targets() {
    let report = report();
    let (callouts, groups) = report.total();
    println!("{}", report.render());
    assert!(callouts.f1() >= 0.97, "callout F1 {:.4}", callouts.f1());
    assert!(callouts.accuracy() >= 0.97, "linking accuracy {:.4}", callouts.accuracy());
    assert!(groups.f1() >= 0.97, "group F1 {:.4}", groups.f1());
    assert!(groups.accuracy() >= 0.97, "group linking accuracy {:.4}", groups.accuracy());
    // Every numeric paper (brackets, ranges, BMC's `[1-9]`) is perfect.
    for id in [
        "1471-2180-11-174",
        "1472-6831-8-11",
        "elife-000536",
        "pntd-0002065",
        "pone-0000217",
        "pone-0046493",
    ] {
        let paper = report.papers.iter().find(|p| p.id == id).expect(id);
        assert_eq!(
            paper.callouts.linked, paper.callouts.gold,
            "{id}: {:?}",
            paper.problems
        );
        assert_eq!(paper.groups.linked, paper.groups.gold, "{id}: {:?}", paper.problems);
    }
}

#[test]
fn a_numeric_range_lists_every_work_in_it() {
    let text =
        std::fs::read_to_string(shared("data/papers/pone-0000217/paper.md")).unwrap();
    let linked = biblink::link::document::analyze(&text, "paper.md", |e| {
        (0..e.len()).map(|i| format!("r{i}")).collect()
    })
    .value;
    let range = linked
        .links
        .callouts
        .iter()
        .find(|c| &text[c.span.clone()] == "[1]–[5]")
        .expect("the [1]–[5] callout");
    assert_eq!(range.targets(), vec![0, 1, 2, 3, 4]);
}
