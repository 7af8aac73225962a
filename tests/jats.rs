//! JATS XML articles: the reference list and the linked callouts against the
//! gold of the 25 dev articles, the `claims --json` shape, ranges between
//! xrefs, and bad input (malformed XML, wrong root or namespace, external
//! entities that must never be read, empty and non-XML files).

mod common;

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{Project, shared, stderr, stdout};
use serde_json::Value as Json;

/// A small article: two references, a bracketed numeric range, a group.
fn article(body: &str, refs: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<article xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n<body>\n",
    );
    xml.push_str(body);
    xml.push_str("\n</body>\n<back>\n<ref-list>\n");
    for i in 1..=refs {
        xml.push_str(&format!(
            "<ref id=\"B{i}\"><label>{i}</label><element-citation publication-type=\"journal\"><person-group person-group-type=\"author\"><name><surname>Author{i}</surname><given-names>J</given-names></name></person-group><year>20{i:02}</year><article-title>Title number {i}</article-title><source>Journal {i}</source><volume>{i}</volume><fpage>1</fpage><lpage>9</lpage></element-citation></ref>\n"
        ));
    }
    xml.push_str("</ref-list>\n</back>\n</article>\n");
    xml
}

fn claims_json(project: &Project, file: &str) -> Json {
    let output = project.run(&["claims", file, "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("claims --json is JSON")
}

fn keys(value: &Json) -> BTreeSet<String> {
    value.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
}

#[test]
fn the_dev_articles_match_the_gold() {
    let dir = shared("data/jats");
    let papers = shared("data/papers");
    let mut articles: Vec<_> = std::fs::read_dir(&dir)
        .expect("read ../shared/data/jats")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    articles.sort();
    assert_eq!(articles.len(), 25, "the 25 dev articles of ../shared/data/jats");
    let mut scores = Vec::new();
    for path in &articles {
        let id = path.file_stem().expect("name").to_string_lossy().to_string();
        let xml = std::fs::read_to_string(path).expect("article");
        let gold = std::fs::read_to_string(papers.join(&id).join("gold.json"))
            .unwrap_or_else(|e| panic!("{id}: gold.json: {e}"));
        scores
            .push(biblink::jats::eval::score_article(&id, &xml, &gold).expect("scored"));
    }
    let (values, callouts) = biblink::jats::eval::totals(&scores);
    let table = biblink::jats::eval::render(&scores, 0.0);
    assert!(values >= 0.99, "structured values equal: {values:.4}\n{table}");
    assert!(callouts >= 0.99, "gold callouts reproduced: {callouts:.4}\n{table}");
    let gold_callouts: usize = scores.iter().map(|s| s.callouts.1).sum();
    assert_eq!(gold_callouts, 2292, "every gold callout is counted");
}

#[test]
fn claims_json_has_the_markdown_shape() {
    let project = Project::new();
    let body = "<sec><title>Intro</title><p>Platforms grew fast [<xref ref-type=\"bibr\" rid=\"B1\">1</xref>, <xref ref-type=\"bibr\" rid=\"B2\">2</xref>]. Caf&#x000e9; owners &amp; others agree <xref ref-type=\"bibr\" rid=\"B2\">[2]</xref>.</p></sec>";
    let xml = article(body, 2);
    project.write("article.xml", &xml);
    project.write(
        "paper.md",
        "# Paper\n\nPlatforms grew fast [1, 2]. Others agree [2].\n\n## References\n\n1. Author1, J. (2001). Title number 1. *Journal 1*, 1, 1–9.\n2. Author2, J. (2002). Title number 2. *Journal 2*, 2, 1–9.\n",
    );
    let from_xml = claims_json(&project, "article.xml");
    let from_md = claims_json(&project, "paper.md");
    assert_eq!(keys(&from_xml), keys(&from_md), "top-level keys");
    assert_eq!(keys(&from_xml["summary"]), keys(&from_md["summary"]));
    let (x, m) = (&from_xml["callouts"][0], &from_md["callouts"][0]);
    assert_eq!(keys(x), keys(m), "callout keys");
    assert_eq!(keys(&x["sentence"]), keys(&m["sentence"]), "sentence keys");
    assert_eq!(keys(&x["items"][0]), keys(&m["items"][0]), "item keys");
    assert_eq!(keys(&x["targets"][0]), keys(&m["targets"][0]), "target keys");
    assert_eq!(from_xml["summary"]["callouts"], 2);
    assert_eq!(from_xml["summary"]["resolved"], 2);
    assert_eq!(x["text"], "[1, 2]");
    assert_eq!(x["kind"], "numeric");
    assert_eq!(x["sentence"]["text"], "Platforms grew fast [1, 2].");
    let second = &from_xml["callouts"][1];
    assert_eq!(second["text"], "[2]");
    assert_eq!(second["sentence"]["text"], "Café owners & others agree [2].");
    // Offsets are into the XML file: bytes and characters.
    for callout in from_xml["callouts"].as_array().expect("callouts") {
        for span in [callout, &callout["sentence"]]
            .into_iter()
            .chain(callout["items"].as_array().expect("items"))
        {
            let (b0, b1) = (
                span["byte_start"].as_u64().expect("byte_start") as usize,
                span["byte_end"].as_u64().expect("byte_end") as usize,
            );
            assert_eq!(
                biblink::jats::plain_text(&xml[b0..b1]),
                span["text"].as_str().expect("text"),
                "the span gives the text"
            );
            assert_eq!(
                span["char_start"].as_u64().expect("char_start") as usize,
                xml[..b0].chars().count()
            );
            let line = xml[..b0].matches('\n').count() + 1;
            assert_eq!(span["line"].as_u64(), Some(line as u64));
        }
    }
    let item = &x["items"][1];
    assert_eq!(item["targets"][0]["ref_index"], 1);
    assert_eq!(&xml[item["byte_start"].as_u64().unwrap() as usize..][..1], "2");
}

#[test]
fn a_dash_between_two_xrefs_is_a_range() {
    let project = Project::new();
    let body = "<p>Noise is everywhere [<xref ref-type=\"bibr\" rid=\"B1\">1</xref>]&#x02013;[<xref ref-type=\"bibr\" rid=\"B4\">4</xref>], also in phage [<xref ref-type=\"bibr\" rid=\"B5\">5</xref>-<xref ref-type=\"bibr\" rid=\"B7\">7</xref>].</p>";
    project.write("range.xml", article(body, 7));
    let json = claims_json(&project, "range.xml");
    let callouts = json["callouts"].as_array().expect("callouts");
    assert_eq!(callouts.len(), 2, "{json:#}");
    let range = &callouts[0];
    assert_eq!(range["text"], "[1]–[4]");
    let targets: Vec<u64> = range["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ref_index"].as_u64().unwrap())
        .collect();
    assert_eq!(targets, [0, 1, 2, 3]);
    let items = range["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[1]["implied"], true);
    assert_eq!(items[1]["year"], "2–3");
    assert_eq!(items[1]["text"], "–");
    let bmc = &callouts[1];
    assert_eq!(bmc["text"], "[5-7]");
    assert_eq!(bmc["targets"].as_array().unwrap().len(), 3);
    assert_eq!(json["uncited"], Json::Array(Vec::new()));
}

#[test]
fn import_reads_the_reference_list_with_provenance() {
    let project = Project::new();
    project.write("article.nxml", article("<p>Text.</p>", 2));
    let output = project.run(&["import", "article.nxml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let bib = project.read("refs/references.bib");
    assert!(bib.contains("@article{author12001title,"), "{bib}");
    assert!(bib.contains("journaltitle = {Journal 1}"), "{bib}");
    assert!(bib.contains("pages        = {1--9}"), "{bib}");
    let provenance = project.read("refs/provenance.jsonl");
    assert!(
        provenance.contains("\"file\":\"article.nxml\",\"line_start\":9,\"line_end\":9"),
        "{provenance}"
    );
}

/// Runs `import FILE`, expecting an error naming `file:line:col`, exit 1,
/// and no store written.
fn refused(project: &Project, file: &str, position: &str, words: &str) {
    let output = project.run(&["import", file]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("{file}:{position}: error[")), "{err}");
    assert!(err.to_lowercase().contains(words), "{err}");
    assert!(!project.path().join("refs/references.bib").exists(), "nothing written");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn malformed_xml_is_refused_with_a_position() {
    let project = Project::new();
    project.write(
        "unclosed.xml",
        "<article>\n<body>\n  <p>Text <italic>open</p>\n</body>\n</article>\n",
    );
    refused(&project, "unclosed.xml", "3:23", "does not close");
    project.write("cut.xml", "<article>\n<back><ref-list>\n<ref id=\"B1\">\n");
    refused(&project, "cut.xml", "3:1", "unclosed tag '<ref>'");
    project.write("root.xml", "<?xml version=\"1.0\"?>\n<html><body/></html>\n");
    refused(&project, "root.xml", "2:1", "not a jats article");
    project.write(
        "ns.xml",
        "<?xml version=\"1.0\"?>\n<article xmlns=\"http://www.w3.org/1999/xhtml\"><back/></article>\n",
    );
    refused(&project, "ns.xml", "2:1", "namespace 'http://www.w3.org/1999/xhtml'");
    project.write("prose.xml", "This is not XML at all.\n");
    refused(&project, "prose.xml", "1:1", "not xml");
    project.write("empty.xml", "");
    let output = project.run(&["import", "empty.xml"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("empty.xml"), "{}", stderr(&output));
    assert!(!project.path().join("refs/references.bib").exists());
    // Claims on a broken article: unreadable input, exit 2.
    let output = project.run(&["claims", "unclosed.xml"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("unclosed.xml:3:"), "{}", stderr(&output));
    let output = project.run(&["import", "missing.xml"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn external_entities_are_never_read_nor_fetched() {
    let project = Project::new();
    let secret = project.write("secret.txt", "TOP-SECRET-CONTENT-42");
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let doctype = format!(
        "<!DOCTYPE article [\n<!ENTITY leak SYSTEM \"file://{}\">\n<!ENTITY far SYSTEM \"http://127.0.0.1:9/x\">\n<!ENTITY near SYSTEM \"http://127.0.0.1:{port}/x\">\n<!ENTITY % dtd SYSTEM \"http://127.0.0.1:{port}/dtd\">\n%dtd;\n]>\n",
        secret.display()
    );
    let body = "<p>We agree &leak;&far;&near; with <xref ref-type=\"bibr\" rid=\"B1\">1</xref>.</p>";
    let xml = article(body, 1).replacen("\n<article", &format!("\n{doctype}<article"), 1);
    project.write("entities.xml", &xml);
    let started = Instant::now();
    let claims = project.run(&["claims", "entities.xml", "--json"]);
    let import = project.run(&["import", "entities.xml"]);
    assert!(started.elapsed() < Duration::from_secs(10), "no network wait");
    assert_eq!(claims.status.code(), Some(0), "{}", stderr(&claims));
    assert_eq!(import.status.code(), Some(0), "{}", stderr(&import));
    let json: Json = serde_json::from_str(&stdout(&claims)).expect("json");
    assert_eq!(json["callouts"][0]["sentence"]["text"], "We agree with 1.");
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"JATS003"), "{codes:?}");
    for text in [stdout(&claims), stderr(&claims), stdout(&import), stderr(&import)] {
        assert!(!text.contains("TOP-SECRET"), "the file was read: {text}");
    }
    let store =
        project.read("refs/references.bib") + &project.read("refs/provenance.jsonl");
    assert!(!store.contains("TOP-SECRET"), "{store}");
    assert!(store.contains("Title number 1"), "the article is imported");
    assert!(listener.accept().is_err(), "nothing connected to the entity's URL");
    let _ = Path::new(&secret);
}
