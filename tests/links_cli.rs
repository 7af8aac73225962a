//! `claims`, `link`, `cites` and `export --cited-by` on small papers whose
//! answers are known by construction, and on the seed.

mod common;

use common::{Project, repo, stderr, stdout};
use serde_json::Value;

const PAPER: &str = "# A paper

Earlier work showed this (e.g., Cao et al., 2002; see Müller & Smith 2003, p. 12). As Yuezhi Zhao (2007) argues, it is so. Wang's (2017) argument holds (Wang, 2018a, 2018b). Some say (People’s Bank of China, n.d.) and (Xinhua, 2015). In 2013 the U.S. Dr. Lee wrote nothing (January 2015). Van der Berg et al. (2010) agree, as does (van der Berg et al., 2010, chap. 2).

## References

- Cao, R., Wang, L., & Zhang, Y. (2002). Role. *Science*, 298, 1039–1043.
- Mueller, J., & Smith, K. (2003). A book. New York: Wiley.
- Zhao, Y. Z. (2007). After mobile phones. *IJoC*, 1(1), 92–120.
- Wang, J. (2017). Stir-frying. *IJoC*, 11, 1–20.
- Wang, J. (2018a). Aperture. *Econ*, 2, 3–4.
- Wang, J. (2018b). Other. *Econ*, 2, 5–6.
- People's Bank of China. (n.d.). Notice. Retrieved from http://www.pbc.gov.cn/
- Xinhua. (2015a, March 15). One. *Xinhua*.
- Xinhua. (2015b, April 22). Two. *Xinhua*.
- van der Berg, A., Smith, B., & Jones, C. (2010). Particles. *J*, 1, 1–2.
";

fn claims(project: &Project, file: &str) -> Value {
    let out = project.run(&["claims", "--json", file]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON")
}

/// (callout text, status, target indexes) of every callout.
fn summary(claims: &Value) -> Vec<(String, String, Vec<u64>)> {
    claims["callouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["text"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
                c["targets"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["ref_index"].as_u64().unwrap())
                    .collect(),
            )
        })
        .collect()
}

fn row(text: &str, status: &str, targets: &[u64]) -> (String, String, Vec<u64>) {
    (text.to_string(), status.to_string(), targets.to_vec())
}

#[test]
fn author_year_forms() {
    let project = Project::new();
    project.write("paper.md", PAPER);
    let claims = claims(&project, "paper.md");
    assert_eq!(
        summary(&claims),
        vec![
            row(
                "(e.g., Cao et al., 2002; see Müller & Smith 2003, p. 12)",
                "resolved",
                &[0, 1]
            ),
            row("Yuezhi Zhao (2007)", "resolved", &[2]),
            row("Wang's (2017)", "resolved", &[3]),
            row("(Wang, 2018a, 2018b)", "resolved", &[4, 5]),
            row("(People’s Bank of China, n.d.)", "resolved", &[6]),
            row("(Xinhua, 2015)", "ambiguous", &[]),
            row("Van der Berg et al. (2010)", "resolved", &[9]),
            row("(van der Berg et al., 2010, chap. 2)", "resolved", &[9]),
        ]
    );
    let first = &claims["callouts"][0];
    assert_eq!(first["items"][0]["prefix"], "e.g.");
    assert_eq!(first["items"][1]["prefix"], "see");
    assert_eq!(first["items"][1]["locator"], "p. 12");
    // The ambiguous callout lists its candidates, not targets.
    let ambiguous = &claims["callouts"][5];
    let candidates: Vec<u64> = ambiguous["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["ref_index"].as_u64().unwrap())
        .collect();
    assert_eq!(candidates, vec![7, 8]);
    assert_eq!(claims["uncited"].as_array().unwrap().len(), 2);
    let kinds: Vec<&str> = claims["mismatches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["spelling", "spelling"],
        "Müller/Mueller and the curly apostrophe"
    );
    // Byte offsets slice the file; lines and columns count characters.
    for c in claims["callouts"].as_array().unwrap() {
        let (s, e) = (
            c["byte_start"].as_u64().unwrap() as usize,
            c["byte_end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&PAPER[s..e], c["text"].as_str().unwrap());
        assert_eq!(c["line"], 3);
        assert_eq!(
            c["column"].as_u64().unwrap() as usize,
            PAPER[..s].rsplit('\n').next().unwrap().chars().count() + 1
        );
        let (ss, se) = (
            c["sentence"]["byte_start"].as_u64().unwrap() as usize,
            c["sentence"]["byte_end"].as_u64().unwrap() as usize,
        );
        assert!(ss <= s && e <= se);
    }
}

#[test]
fn numeric_forms() {
    let project = Project::new();
    let list = "\n## References\n\n1. Alpha A. Title one. J 1: 1.\n2. Beta B. Title two. J 2: 2.\n3. Gamma C. Title three. J 3: 3.\n4. Delta D. Title four. J 4: 4.\n5. Eps E. Title five. J 5: 5.\n";
    project.write(
        "brackets.md",
        format!(
            "# N\n\nShown [1, 3] and [2–5] and [2]-[4]. See [6]. Not F[1,2] = 3.\n{list}"
        ),
    );
    assert_eq!(
        summary(&claims(&project, "brackets.md")),
        vec![
            row("[1, 3]", "resolved", &[0, 2]),
            row("[2–5]", "resolved", &[1, 2, 3, 4]),
            row("[2]-[4]", "resolved", &[1, 2, 3]),
            row("[6]", "unresolved", &[]),
        ]
    );
    project.write(
        "parens.md",
        format!("# P\n\nAs reported (1), and later (2, 3). In step (9) nothing.\n{list}"),
    );
    assert_eq!(
        summary(&claims(&project, "parens.md")),
        vec![row("(1)", "resolved", &[0]), row("(2, 3)", "resolved", &[1, 2])]
    );
}

#[test]
fn link_records_claims_and_cites_lists_them() {
    let project = Project::new();
    project.write("paper.md", PAPER);
    let out = project.run(&["link", "paper.md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stderr(&out);
    assert!(
        summary.contains("8 callouts: 7 resolved, 1 ambiguous, 0 unresolved"),
        "{summary}"
    );
    assert!(summary.contains("never cited: xinhua2015one"), "{summary}");
    let first = project.read("refs/claims.jsonl");
    assert_eq!(first.lines().count(), 8);
    // Linking again gives the same file (the document's lines are replaced).
    assert!(project.run(&["link", "paper.md"]).status.success());
    assert_eq!(project.read("refs/claims.jsonl"), first);
    let out = project.run(&["cites", "wang2017stir"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("paper.md:3: "), "{text}");
    assert!(
        text.contains("Wang's (2017) argument holds (Wang, 2018a, 2018b)."),
        "{text}"
    );
    let out = project.run(&["cites", "peoplesbankchinandnotice"]);
    assert!(stdout(&out).contains("source: http://www.pbc.gov.cn/"), "{}", stdout(&out));
    let out = project.run(&["cites", "nosuchkey"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn export_cited_by_guards_a_build() {
    let project = Project::new();
    project.write("paper.md", PAPER);
    let out = project.run(&["export", "--cited-by", "paper.md", "-o", "paper.bib"]);
    assert_eq!(out.status.code(), Some(1));
    let errors = stderr(&out);
    assert!(errors.contains("paper.md:3:220: error: callout 'Xinhua, 2015' is ambiguous (candidates: xinhua2015one, xinhua2015two)"), "{errors}");
    assert!(!project.path().join("paper.bib").exists(), "nothing written");
    project.write("clean.md", PAPER.replace("and (Xinhua, 2015)", "and (Xinhua, 2015b)"));
    let out = project.run(&["export", "--cited-by", "clean.md", "-o", "paper.bib"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bib = project.read("paper.bib");
    assert_eq!(
        bib.matches("\n@").count() + usize::from(bib.starts_with('@')),
        9,
        "{bib}"
    );
    assert!(bib.contains("@article{xinhua2015two,") && !bib.contains("xinhua2015one"));
}

#[test]
fn the_seed_exports_the_33_works_it_cites() {
    let project = Project::new();
    let text =
        std::fs::read_to_string(repo().join("seeds/000_68118a06d3e3690d.txt")).unwrap();
    project.write("report.txt", text);
    let out = project.run(&["export", "--cited-by", "report.txt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bib = stdout(&out);
    assert_eq!(bib.lines().filter(|l| l.starts_with('@')).count(), 33);
    assert!(
        !bib.contains("{dou2014") && !bib.contains("{ping2014"),
        "the uncited two are left out"
    );
    // The same works in the other export formats (the format was once ignored here).
    let out = project.run(&["export", "--cited-by", "report.txt", "--format", "ris"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().filter(|l| l.starts_with("TY  - ")).count(), 33);
    let out =
        project.run(&["export", "--cited-by", "report.txt", "--format", "csl-json"]);
    let items: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("CSL-JSON");
    assert_eq!(items.as_array().map(Vec::len), Some(33), "{items}");
}

#[test]
fn attributed_claims_link_to_their_sources_and_stubs_are_proposed_only_when_asked() {
    let project = Project::new();
    let news =
        std::fs::read_to_string(repo().join("seeds/004_3f6113a1e1c1d1bc.txt")).unwrap();
    project.write("news.txt", &news);
    let plain = claims(&project, "news.txt");
    let reuters = plain["callouts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["source"] == "Reuters")
        .expect("the Reuters claim")
        .clone();
    assert_eq!(reuters["kind"], "attribution");
    assert_eq!(reuters["named"], true);
    assert!(
        reuters["sentence"]["text"]
            .as_str()
            .unwrap()
            .starts_with("According to Reuters,")
    );
    assert_eq!(
        reuters["targets"].as_array().unwrap().len(),
        0,
        "no store entry, nothing proposed"
    );
    assert!(plain.get("proposed_sources").is_none());

    let out = project.run(&["claims", "--json", "--propose-sources", "news.txt"]);
    let proposed: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let stub = proposed["proposed_sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["fields"]["author"][0]["literal"] == "Reuters")
        .expect("a Reuters stub")
        .clone();
    assert_eq!(stub["type"], "online");
    assert!(stub["fields"]["note"].as_str().unwrap().contains("Inferred by biblink"));
    assert_eq!(stub["sources"][0]["file"], "news.txt");
    assert!(
        !project.path().join("refs/references.bib").exists(),
        "claims writes nothing"
    );

    assert!(project.run(&["link", "--propose-sources", "news.txt"]).status.success());
    let store = project.read("refs/references.bib");
    assert!(
        store.contains(&format!("@online{{{},", stub["key"].as_str().unwrap())),
        "{store}"
    );
    // Now the store has the source: a plain run links the claim to it.
    let again = claims(&project, "news.txt");
    let reuters = again["callouts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["source"] == "Reuters")
        .unwrap();
    assert_eq!(reuters["targets"][0]["key"], stub["key"]);
    assert_eq!(reuters["status"], "resolved");
}
