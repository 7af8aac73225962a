//! JATS/NLM markup variants, on hand-made articles in `tests/fixtures/jats/`:
//! NLM 2.x `<citation>`/`<nlm-citation>`, PLOS-style mixed citations,
//! JATS 1.3 element citations (`citation-alternatives`, `name-alternatives`,
//! `string-name`, `date`, `page-range`, `object-id`, nested and several
//! ref-lists), the body's block kinds that count and those that do not
//! (abstract, footnotes, supplementary material, back matter, sub-articles),
//! superscript and range callouts, and broken input. Every expected value
//! was written from the JATS Tag Library and the gold rules of
//! `../shared/data/papers/README.md`, not from the tool's output.

mod common;

use biblink::jats::{Article, read_article};
use biblink::model::{Entry, Name};
use common::{Project, repo, stderr, stdout};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/jats").join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn read(name: &str) -> (String, Article) {
    let xml = fixture(name);
    let read = read_article(&xml, name);
    let article = read.value.unwrap_or_else(|| panic!("{name}: {:?}", read.diagnostics));
    (xml, article)
}

fn entry<'a>(article: &'a Article, id: &str) -> &'a Entry {
    &article
        .references
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no reference '{id}'"))
        .entry
}

/// Names as `Family, Given`, `{Corporate}`, `others`.
fn names(entry: &Entry, field: &str) -> Vec<String> {
    entry
        .names(field)
        .unwrap_or_default()
        .iter()
        .map(|n| match n {
            Name::Person { family, given, .. } if given.is_empty() => family.clone(),
            Name::Person { family, given, .. } => format!("{family}, {given}"),
            Name::Literal(l) => format!("{{{l}}}"),
            Name::Others => "others".into(),
        })
        .collect()
}

fn suffix(entry: &Entry) -> Option<&str> {
    entry.sources.first().and_then(|s| s.year_suffix.as_deref())
}

/// Every callout as its printed text and its items: the ids each names,
/// space-separated, an implied item (inside a range) written `~ids`.
fn callouts(xml: &str, article: &Article) -> Vec<(String, Vec<String>)> {
    let ids = |targets: &[usize]| {
        targets
            .iter()
            .map(|&t| article.references[t].id.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    article
        .callouts
        .iter()
        .map(|c| {
            let items = c
                .items
                .iter()
                .map(|i| {
                    let ids = ids(&i.targets);
                    if i.implied { format!("~{ids}") } else { ids }
                })
                .collect();
            (biblink::jats::plain_text(&xml[c.span.clone()]), items)
        })
        .collect()
}

fn expect(pairs: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    pairs
        .iter()
        .map(|(t, items)| (t.to_string(), items.iter().map(|s| s.to_string()).collect()))
        .collect()
}

#[test]
fn nlm2_citations_are_read_field_by_field() {
    let (_, article) = read("nlm2-citation.xml");
    let ids: Vec<&str> = article.references.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["B1", "B2", "B3", "B4", "B5", "B6"]);
    assert_eq!(article.references[0].label.as_deref(), Some("1"));

    let e = entry(&article, "B1");
    assert_eq!(e.entry_type, "article");
    assert_eq!(names(e, "author"), ["Snow, R. W.", "Guerra, C. A."]);
    assert_eq!(e.text("title"), Some("The global distribution of malaria"));
    assert_eq!(e.text("journaltitle"), Some("Nature"));
    assert_eq!(e.text("date"), Some("2005"));
    assert_eq!(e.text("volume"), Some("434"));
    assert_eq!(e.text("pages"), Some("214--217"));
    // `doi:` in a pub-id is no part of the DOI.
    assert_eq!(e.text("doi"), Some("10.1038/nature03342"));
    assert_eq!(e.text("eprint"), Some("15759000"));

    // Names straight inside `<citation>`, no person-group: authors.
    let e = entry(&article, "B2");
    assert_eq!(names(e, "author"), ["White, N. J."]);
    assert_eq!(e.text("number"), Some("8"));
    assert_eq!(e.text("pages"), Some("1084--92"));

    // `<nlm-citation>`: a book with a page count (not pages).
    let e = entry(&article, "B3");
    assert_eq!(e.entry_type, "book");
    assert_eq!(names(e, "author"), ["Gilles, H. M."]);
    assert_eq!(e.text("title"), Some("Essential Malariology"));
    assert_eq!(e.text("edition"), Some("4"));
    assert_eq!(e.text("location"), Some("London"));
    assert_eq!(e.text("publisher"), Some("Arnold"));
    assert_eq!(e.text("date"), Some("2002"));
    assert_eq!(e.text("pagetotal"), Some("348"));
    assert_eq!(e.text("pages"), None);

    // An untagged `<citation>`: read as printed.
    let e = entry(&article, "B4");
    assert_eq!(e.year(), Some(2001));
    assert_eq!(e.first_family(), Some("Smith"));
    assert_eq!(e.text("volume"), Some("357"));

    let e = entry(&article, "B5");
    assert_eq!(names(e, "author"), ["{WHO Study Group}"]);
    assert_eq!(e.text("number"), Some("3 Suppl 1"));
    assert_eq!(e.text("pages"), Some("S1--S9"));

    // `citation-type="other"` with a paper title in a source: an article.
    let e = entry(&article, "B6");
    assert_eq!(e.entry_type, "article");
    assert_eq!(names(e, "author"), ["Roe, P.", "others"]);
    assert_eq!(e.text("journaltitle"), Some("Malar J"));
    assert_eq!(e.text("eid"), Some("e12"));
}

#[test]
fn superscript_and_range_callouts() {
    let (xml, article) = read("nlm2-citation.xml");
    assert_eq!(
        callouts(&xml, &article),
        expect(&[
            ("1,2", &["B1", "B2"]),
            ("1–5", &["B1", "~B2 B3 B4", "B5"]),
            ("3,4", &["B3 B4"]),
            ("[2-4]", &["B2", "~B3", "B4"]),
            ("6", &["B6"]),
        ]),
        "the abstract's xref is no callout"
    );
    let c = &article.callouts;
    assert_eq!(c[0].sentence.text, "Malaria kills children1,2.");
    assert_eq!(c[2].kind, biblink::link::CalloutKind::Numeric, "`3,4` is numeric");
    assert_eq!(c[4].sentence.text, "The dose is [formula] mg 6.");
}

#[test]
fn plos_mixed_citations() {
    let (_, article) = read("plos-mixed.xml");
    assert_eq!(article.references.len(), 5);

    // Names straight inside, `et al.` as text, `doi:` as text.
    let e = entry(&article, "pone.0000001-Guzman1");
    assert_eq!(e.entry_type, "article");
    assert_eq!(
        names(e, "author"),
        ["Guzman, M. G.", "Halstead, S. B.", "Artsob, H.", "others"]
    );
    assert_eq!(e.text("date"), Some("2010"));
    assert_eq!(e.text("journaltitle"), Some("Nat Rev Microbiol"));
    assert_eq!(e.text("volume"), Some("8"));
    assert_eq!(e.text("pages"), Some("S7--S16"));
    assert_eq!(e.text("doi"), Some("10.1038/nrmicro2460"));

    // A doi.org link.
    let e = entry(&article, "pone.0000001-Halstead1");
    assert_eq!(names(e, "author"), ["Halstead, S. B."]);
    assert_eq!(e.text("doi"), Some("10.1016/S0140-6736(07)61687-0"));
    assert_eq!(e.text("pages"), Some("1644--1652"));

    // A corporate author of a book; `<size units="pages">` is its length.
    let e = entry(&article, "pone.0000001-WHO1");
    assert_eq!(e.entry_type, "book");
    assert_eq!(names(e, "author"), ["{World Health Organization}"]);
    assert_eq!(
        e.text("title"),
        Some("Dengue: guidelines for diagnosis, treatment, prevention and control")
    );
    assert_eq!(e.text("location"), Some("Geneva"));
    assert_eq!(e.text("publisher"), Some("WHO"));
    assert_eq!(e.text("pagetotal"), Some("147"));

    // `In: <name>…, editors.`: the names after `In:` are the editors.
    let e = entry(&article, "pone.0000001-Gubler1");
    assert_eq!(e.entry_type, "incollection");
    assert_eq!(names(e, "author"), ["Gubler, D. J."]);
    assert_eq!(names(e, "editor"), ["Gubler, D. J.", "Kuno, G."]);
    assert_eq!(
        e.text("title"),
        Some("Dengue and dengue hemorrhagic fever: its history and resurgence")
    );
    assert_eq!(e.text("booktitle"), Some("Dengue and Dengue Hemorrhagic Fever"));
    assert_eq!(e.text("pages"), Some("1--22"));
    assert_eq!(e.year(), Some(1997));

    // `<ext-link ext-link-type="doi">` with a bare DOI; `<comment>` a note.
    let e = entry(&article, "pone.0000001-Kyle1");
    assert_eq!(names(e, "author"), ["Kyle, J. L.", "Harris, E."]);
    assert_eq!(e.text("doi"), Some("10.1146/annurev.micro.62.081307.163005"));
    assert_eq!(e.text("note"), Some("Epub 2008 Apr 8"));
    assert_eq!(e.text("url"), None, "the DOI is no URL");
}

#[test]
fn only_the_blocks_the_gold_counts() {
    let (xml, article) = read("plos-mixed.xml");
    let p = |s: &str| format!("pone.0000001-{s}");
    let (g, h, w, gu, k) =
        (p("Guzman1"), p("Halstead1"), p("WHO1"), p("Gubler1"), p("Kyle1"));
    let implied = format!("~{h} {w} {gu}");
    assert_eq!(
        callouts(&xml, &article),
        expect(&[
            // paragraph: a range, xrefs in <italic> and <named-content>
            ("[1]–[5]", &[g.as_str(), implied.as_str(), k.as_str()]),
            ("[2], [3]", &[h.as_str(), w.as_str()]),
            // (the footnote inside the paragraph is not counted)
            ("[4]", &[gu.as_str()]), // disp-quote
            ("[4]", &[gu.as_str()]), // list item
            ("[5]", &[k.as_str()]),  // boxed-text
            ("[2]", &[h.as_str()]),  // figure caption
            ("[1]", &[g.as_str()]),  // table caption
            ("[5]", &[k.as_str()]),  // table cell
            ("[3]", &[w.as_str()]),  // table-wrap-foot
                                     // (supplementary material, ack, abstract, sub-article: not counted)
        ])
    );
    assert_eq!(article.callouts[1].sentence.text, "Vectors vary [2], [3].");
    assert_eq!(article.callouts[8].sentence.text, "Adapted from [3].");
}

#[test]
fn jats13_element_citation_variants() {
    let (_, article) = read("jats13-variants.xml");
    let ids: Vec<&str> = article.references.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["bib1", "bib2", "bib3", "bib4", "bib5", "bib6"],
        "a ref-list in a sec, one nested in it, one after it"
    );

    // citation-alternatives: the element citation, not both.
    let e = entry(&article, "bib1");
    assert_eq!(e.entry_type, "article");
    assert_eq!(names(e, "author"), ["Müller, Anna", "Ng, B. K."]);
    assert_eq!(e.text("date"), Some("2015-03"));
    assert_eq!(suffix(e), Some("a"));
    assert_eq!(e.text("title"), Some("Cell division in yeast"));
    assert_eq!(e.text("journaltitle"), Some("Journal of Cells"));
    assert_eq!(e.text("volume"), Some("12"));
    assert_eq!(e.text("number"), Some("4 Suppl 2"));
    assert_eq!(e.text("pages"), Some("101--9"));
    assert_eq!(e.text("doi"), Some("10.1234/jc.2015.001"));

    // string-name with and without parts, <date><year>, object-id.
    let e = entry(&article, "bib2");
    assert_eq!(names(e, "author"), ["Tanaka, H.", "Ito, K.", "others"]);
    assert_eq!(e.text("date"), Some("2016-07"));
    assert_eq!(e.text("eid"), Some("e1002"));
    assert_eq!(e.text("doi"), Some("10.5555/cr.5.e1002"));

    // collab outside a person-group, part-title.
    let e = entry(&article, "bib3");
    assert_eq!(e.entry_type, "report");
    assert_eq!(names(e, "author"), ["{World Health Organization}"]);
    assert_eq!(e.text("title"), Some("Annex 3"));
    assert_eq!(e.text("institution"), Some("WHO"));
    assert_eq!(e.text("location"), Some("Geneva"));
    assert_eq!(e.text("date"), Some("2018"));

    // data-title.
    let e = entry(&article, "bib4");
    assert_eq!(e.entry_type, "dataset");
    assert_eq!(e.text("title"), Some("RNA-seq of dividing cells"));
    assert_eq!(e.text("howpublished"), Some("Gene Expression Omnibus"));

    // anonymous, conf-name.
    let e = entry(&article, "bib5");
    assert_eq!(e.entry_type, "inproceedings");
    assert_eq!(names(e, "author"), ["{Anonymous}"]);
    assert_eq!(e.text("eventtitle"), Some("Intl Conf on Cells"));
    assert_eq!(e.text("booktitle"), Some("Proc ICC"));
    assert_eq!(e.text("pages"), Some("1--4"));

    // collab in a person-group, an editor group, two citations in one ref:
    // the first.
    let e = entry(&article, "bib6");
    assert_eq!(e.entry_type, "incollection");
    assert_eq!(names(e, "author"), ["{Cell Consortium}", "Kim, J."]);
    assert_eq!(names(e, "editor"), ["Park, Y."]);
    assert_eq!(e.text("title"), Some("Methods"));
    assert_eq!(e.text("booktitle"), Some("Cell Methods"));
    assert_eq!(e.text("edition"), Some("2nd"));
    assert_eq!(e.text("publisher"), Some("CSHL Press"));
    assert_eq!(e.text("pagetotal"), Some("300"));
    assert_eq!(e.year(), Some(2020));
}

#[test]
fn author_year_callouts_in_a_namespaced_article() {
    let (xml, article) = read("jats13-variants.xml");
    assert_eq!(
        callouts(&xml, &article),
        expect(&[
            ("(Müller and Ng, 2015a; Tanaka et al., 2016)", &["bib1", "bib2"]),
            ("WHO (2018)", &["bib3"]),
            ("(Lee, 2019; Anonymous, 2001; Kim, 2020)", &["bib4", "bib5 bib6"]),
        ])
    );
    let first = &article.callouts[0];
    assert_eq!(
        first.sentence.text,
        "As shown before (Müller and Ng, 2015a; Tanaka et al., 2016), cells divide."
    );
    assert_eq!(
        (first.items[0].authors.as_str(), first.items[0].year.as_str()),
        ("Müller and Ng", "2015a")
    );
}

#[test]
fn a_prefixed_jats_namespace_reads_like_none() {
    let xml = r#"<j:article xmlns:j="http://jats.nlm.nih.gov" xmlns:xlink="http://www.w3.org/1999/xlink"><j:body><j:p>Seen (<j:xref ref-type="bibr" rid="r1">Ames, 1999</j:xref>).</j:p></j:body><j:back><j:ref-list><j:ref id="r1"><j:element-citation publication-type="journal"><j:person-group person-group-type="author"><j:name><j:surname>Ames</j:surname><j:given-names>B</j:given-names></j:name></j:person-group><j:year>1999</j:year><j:article-title>Ideas</j:article-title><j:source>Sci</j:source></j:element-citation></j:ref></j:ref-list></j:back></j:article>"#;
    let read = read_article(xml, "ns.xml");
    let article = read.value.unwrap_or_else(|| panic!("{:?}", read.diagnostics));
    let e = &article.references[0].entry;
    assert_eq!(names(e, "author"), ["Ames, B."]);
    assert_eq!(e.text("journaltitle"), Some("Sci"));
    assert_eq!(callouts(xml, &article), expect(&[("(Ames, 1999)", &["r1"])]));
}

#[test]
fn broken_references_give_diagnostics_not_panics() {
    let xml = fixture("broken-refs.xml");
    let read = read_article(&xml, "broken-refs.xml");
    let codes: Vec<&str> = read.diagnostics.iter().map(|d| d.code).collect();
    let article = read.value.expect("readable despite its problems");
    assert_eq!(article.references.len(), 4);
    assert!(codes.contains(&"JATS003"), "the entities are left out: {codes:?}");
    assert_eq!(
        codes.iter().filter(|c| **c == "JATS005").count(),
        1,
        "only r1 has no citation: {codes:?}"
    );
    assert!(codes.contains(&"LINK001"), "rid r9 names nothing: {codes:?}");
    let r2 = entry(&article, "r2");
    assert_eq!(r2.text("title"), Some("report"), "neither entity is read");
    assert_eq!(r2.text("doi"), None);
    assert_eq!(r2.text("pages"), None);
    assert!(
        !xml.contains("root:") && !format!("{:?}", article.references).contains("root:")
    );
    // The resolved callout is still there, the empty xref points at r1.
    let all = callouts(&xml, &article);
    assert!(
        all.iter().any(|(t, items)| t == "[2]" && items == &["r2".to_string()]),
        "{all:?}"
    );
    assert!(all.iter().any(|(_, items)| items == &["r1".to_string()]), "{all:?}");
}

#[test]
fn the_cli_imports_and_links_the_fixtures() {
    let project = Project::new();
    for name in
        ["nlm2-citation.xml", "plos-mixed.xml", "jats13-variants.xml", "broken-refs.xml"]
    {
        project.write(name, fixture(name));
        let output = project.run(&["claims", name, "--json"]);
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        let json: serde_json::Value =
            serde_json::from_str(&stdout(&output)).expect("claims --json is JSON");
        assert!(json["summary"]["callouts"].as_u64().unwrap_or(0) >= 1, "{name}");
        assert!(!stderr(&output).contains("panicked"), "{name}");
    }
    let output = project.run(&["claims", "plos-mixed.xml", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(json["summary"]["callouts"], 9);
}

#[test]
fn mismatches_between_a_callout_and_its_reference_are_warned() {
    let xml = r#"<article><body><p>Known (<xref ref-type="bibr" rid="r1">Smith et al., 2015</xref>; <xref ref-type="bibr" rid="r2">Jones and Wu, 2010</xref>).</p></body><back><ref-list><ref id="r1"><element-citation publication-type="journal"><person-group person-group-type="author"><name><surname>Smith</surname><given-names>A</given-names></name></person-group><year>2015a</year><article-title>One</article-title><source>J</source></element-citation></ref><ref id="r2"><element-citation publication-type="journal"><person-group person-group-type="author"><name><surname>Jones</surname><given-names>B</given-names></name><name><surname>Wu</surname><given-names>C</given-names></name></person-group><year>2010</year><article-title>Two</article-title><source>J</source></element-citation></ref></ref-list></back></article>"#;
    let linked = biblink::jats::analyze(xml, "m.xml", |e| vec!["k".into(); e.len()]);
    let codes: Vec<&str> = linked.diagnostics.iter().map(|d| d.code).collect();
    let linked = linked.value.expect("linked");
    let kinds: Vec<(&str, usize)> =
        linked.links.mismatches.iter().map(|m| (m.kind, m.ref_index)).collect();
    assert_eq!(kinds, [("suffix", 0), ("authors", 0)], "Jones and Wu, 2010 fits");
    assert_eq!(codes.iter().filter(|c| **c == "LINK003").count(), 2, "{codes:?}");
    // The xref still decides the target.
    assert_eq!(linked.links.callouts[0].items[0].targets, [0]);
}

#[test]
fn a_wrong_year_is_warned_and_a_no_break_space_is_no_spelling_difference() {
    // `Lee, 2011` links by its rid to a reference of 2012; the surname of
    // the second ends in a no-break space, as in eLife's XML.
    let xml = "<article><body><p>Seen (<xref ref-type=\"bibr\" rid=\"r1\">Lee, 2011</xref>; <xref ref-type=\"bibr\" rid=\"r2\">Castro-Alamancos and Connors, 1997</xref>).</p></body><back><ref-list><ref id=\"r1\"><element-citation publication-type=\"journal\"><person-group person-group-type=\"author\"><name><surname>Lee</surname><given-names>A</given-names></name></person-group><year>2012</year><article-title>One</article-title><source>J</source></element-citation></ref><ref id=\"r2\"><element-citation publication-type=\"journal\"><person-group person-group-type=\"author\"><name><surname>Castro-Alamancos\u{A0}</surname><given-names>MA</given-names></name><name><surname>Connors</surname><given-names>BW</given-names></name></person-group><year>1997</year><article-title>Two</article-title><source>J</source></element-citation></ref></ref-list></back></article>";
    let linked = biblink::jats::analyze(xml, "y.xml", |e| vec!["k".into(); e.len()]);
    let linked = linked.value.expect("linked");
    let kinds: Vec<(&str, usize)> =
        linked.links.mismatches.iter().map(|m| (m.kind, m.ref_index)).collect();
    assert_eq!(kinds, [("year", 0)]);
    assert!(
        linked.links.mismatches[0].message.contains("gives 2011"),
        "{:?}",
        linked.links.mismatches
    );
    let article = biblink::jats::read_article(xml, "y.xml").value.expect("article");
    assert_eq!(
        article.references[1].entry.fields["author"].value,
        biblink::model::Value::Names(vec![
            biblink::model::Name::Person {
                family: "Castro-Alamancos".into(),
                given: "M. A.".into(),
                prefix: String::new(),
                suffix: String::new(),
            },
            biblink::model::Name::Person {
                family: "Connors".into(),
                given: "B. W.".into(),
                prefix: String::new(),
                suffix: String::new(),
            },
        ])
    );
}

#[test]
fn a_sentence_citing_two_sources_gives_each_its_clause() {
    let xml = r#"<article><body><p>Cells grow fast (<xref ref-type="bibr" rid="r1">Lee, 2012</xref>), but die young (<xref ref-type="bibr" rid="r2">Kim, 2013</xref>). Alone (<xref ref-type="bibr" rid="r1">Lee, 2012</xref>).</p></body><back><ref-list><ref id="r1"><element-citation publication-type="journal"><person-group person-group-type="author"><name><surname>Lee</surname><given-names>A</given-names></name></person-group><year>2012</year><article-title>One</article-title><source>J</source></element-citation></ref><ref id="r2"><element-citation publication-type="journal"><person-group person-group-type="author"><name><surname>Kim</surname><given-names>B</given-names></name></person-group><year>2013</year><article-title>Two</article-title><source>J</source></element-citation></ref></ref-list></back></article>"#;
    let linked = biblink::jats::analyze(xml, "c.xml", |e| vec!["k".into(); e.len()]);
    let callouts = linked.value.expect("linked").links.callouts;
    let clauses: Vec<Option<&str>> = callouts
        .iter()
        .map(|c| c.clause.as_ref().map(|clause| clause.text.as_str()))
        .collect();
    assert_eq!(
        clauses,
        [Some("Cells grow fast (Lee, 2012)"), Some("but die young (Kim, 2013)."), None]
    );
    // The clause's span is a span of the XML: the first starts at `Cells`.
    let first = callouts[0].clause.as_ref().expect("clause");
    assert!(
        xml[first.span.clone()].starts_with("Cells grow fast (<xref"),
        "{:?}",
        first.span
    );
    assert_eq!(callouts[2].sentence.text, "Alone (Lee, 2012).");
}
