//! `biblink link --html`: the page is loaded in headless Chromium (Debian's
//! `chromium` package) and checked in the browser's DOM.
//!
//! A missing Chromium fails these tests (`apt-get install -y chromium`;
//! `.ci/test` installs it); they never skip.
//!
//! How: the page written by the binary is copied with a checking script
//! appended; Chromium loads the copy from a `file://` URL and prints the DOM
//! after load (`--dump-dom`). The script reads the live DOM (every callout
//! link, the element its `href` names, every reference and its claims, the
//! computed style of the highlights, the resources the page fetched) and
//! writes it as JSON into a `<pre id="biblink-check">`, which the test cuts
//! out of the dump and asserts on.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{biblink, repo, shared, stderr};
use serde_json::Value;

const SEED: &str = "seeds/000_68118a06d3e3690d.txt";

/// How long one Chromium run may take before the test fails.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs in the page after everything before it is parsed: describes the
/// DOM as JSON in `<pre id="biblink-check">`.
const CHECK_SCRIPT: &str = r##"<script>
(function () {
  const byId = (href) => href && href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
  const counts = {};
  for (const e of document.querySelectorAll('[id]')) counts[e.id] = (counts[e.id] || 0) + 1;
  const callouts = Array.from(document.querySelectorAll('a.callout'), (a) => {
    const href = a.getAttribute('href') || '';
    const target = byId(href);
    const style = getComputedStyle(a);
    return {
      id: a.id, href: href, classes: Array.from(a.classList), text: a.textContent,
      title: a.title, callout: a.dataset.callout === undefined ? null : a.dataset.callout,
      target_exists: target !== null,
      target_tag: target ? target.tagName.toLowerCase() : null,
      target_printed: target && target.querySelector('.printed') ? target.querySelector('.printed').textContent : null,
      color: style.color, background: style.backgroundColor,
      border: style.borderBottomStyle + ' ' + style.borderBottomWidth,
    };
  });
  const references = Array.from(document.querySelectorAll('#references li.reference'), (li) => ({
    id: li.id, classes: Array.from(li.classList),
    printed: li.querySelector('.printed') ? li.querySelector('.printed').textContent : '',
    key: li.querySelector('code.key') ? li.querySelector('code.key').textContent : '',
    source: li.querySelector('a.source') ? li.querySelector('a.source').getAttribute('href') : null,
    uncited_badge: li.querySelector('.badge.uncited') !== null,
    claims: Array.from(li.querySelectorAll('ul.claims a.claim'), (a) => {
      const href = a.getAttribute('href') || '';
      const target = byId(href);
      return {
        href: href, text: a.textContent, exists: target !== null,
        is_callout: target !== null && target.matches('a.callout'),
        links_back: target !== null && target.dataset.callout !== undefined &&
          document.querySelector('a.callout[data-callout="' + target.dataset.callout + '"][href="#' + li.id + '"]') !== null,
      };
    }),
  }));
  const result = {
    title: document.title,
    duplicate_ids: Object.keys(counts).filter((id) => counts[id] > 1),
    scripts: document.scripts.length,
    external_elements: document.querySelectorAll('link, img, iframe, object, embed, script[src], [style*="url("]').length,
    resources: performance.getEntriesByType('resource').map((r) => r.name),
    headings: Array.from(document.querySelectorAll('article.document h1, article.document h2'), (h) => h.textContent),
    paragraphs: document.querySelectorAll('article.document p').length,
    references_section: document.getElementById('references') !== null,
    callouts: callouts,
    references: references,
  };
  const pre = document.createElement('pre');
  pre.id = 'biblink-check';
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
})();
</script>"##;

#[test]
fn seed_page_in_chromium() {
    let chromium = chromium();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("refs");
    let out = dir.path().join("out.html");
    // Run from the project (the seed's path is relative to it) but with the
    // store in the temp dir: refs/ is never written.
    let output = biblink(&repo())
        .arg("--store")
        .arg(&store)
        .args(["link", SEED, "--html"])
        .arg(&out)
        .output()
        .expect("run biblink");
    assert!(output.status.success(), "biblink link failed: {}", stderr(&output));
    let page = std::fs::read_to_string(&out).expect("the page was written");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("<script"), "the page needs no script");

    let (check, elapsed) = browse(&chromium, &page, dir.path());
    eprintln!("chromium: {} ms", elapsed.as_millis());

    // Self-contained: nothing fetched, nothing to fetch.
    assert_eq!(
        check["resources"],
        Value::Array(Vec::new()),
        "the page fetched resources"
    );
    assert_eq!(check["external_elements"], 0);
    assert_eq!(check["scripts"], 1, "only the checking script");
    assert_eq!(check["duplicate_ids"], Value::Array(Vec::new()));
    assert_eq!(check["title"], SEED);
    assert!(check["references_section"].as_bool().unwrap());
    let headings: Vec<&str> =
        check["headings"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(headings.contains(&"1. Introduction"), "{headings:?}");
    assert!(check["paragraphs"].as_u64().unwrap() > 50);

    // Every callout link lands on an element of the page, a reference here.
    let callouts = check["callouts"].as_array().unwrap();
    for callout in callouts {
        assert!(callout["target_exists"].as_bool().unwrap(), "dangling link: {callout}");
        assert_eq!(callout["target_tag"], "li", "{callout}");
        assert!(callout["classes"].as_array().unwrap().iter().any(|c| c == "resolved"));
    }
    let anchored: Vec<&Value> = callouts
        .iter()
        .filter(|c| {
            let id = c["id"].as_str().unwrap();
            id.strip_prefix("callout-").is_some_and(|k| k.parse::<usize>().is_ok())
        })
        .collect();
    assert_eq!(anchored.len(), 35, "35 callouts, each with its id");
    for (k, callout) in anchored.iter().enumerate() {
        assert_eq!(callout["id"], format!("callout-{k}"), "in document order");
    }
    let find = |text: &str| {
        callouts
            .iter()
            .find(|c| c["text"] == text)
            .unwrap_or_else(|| panic!("no callout link {text:?}"))
    };
    let printed =
        |c: &Value| c["target_printed"].as_str().unwrap_or_default().to_string();
    assert!(printed(find("(Xinhua, 2015a)")).starts_with("Xinhua. (2015a, March 15)"));
    assert!(printed(find("Yuezhi Zhao (2007)")).starts_with("Zhao, Y."));
    // Resolved links are styled by the inline sheet (its blue), not the
    // browser's default link colour.
    assert_eq!(find("(Xinhua, 2015a)")["color"], "rgb(11, 79, 156)");

    // Against the hand-checked gold: the same callouts, in order, to the same references.
    let gold: Value = serde_json::from_str(
        &std::fs::read_to_string(shared("data/seeds-gold/000-citations.json")).unwrap(),
    )
    .unwrap();
    let gold_callouts = gold["callouts"].as_array().unwrap();
    assert_eq!(gold_callouts.len(), anchored.len());
    for (gold, callout) in gold_callouts.iter().zip(&anchored) {
        assert_eq!(gold["text"], callout["text"]);
        let prefix = gold["target_prefixes"][0].as_str().unwrap();
        assert!(
            printed(callout).starts_with(prefix),
            "{} -> {}",
            gold["text"],
            printed(callout)
        );
    }

    // The reference list: every reference, uncited ones marked, claims
    // linking back to callouts that link to the reference.
    let references = check["references"].as_array().unwrap();
    assert_eq!(references.len(), 35);
    let mut uncited = Vec::new();
    for (n, reference) in references.iter().enumerate() {
        assert_eq!(reference["id"], format!("ref-{n}"));
        assert!(!reference["key"].as_str().unwrap().is_empty(), "{reference}");
        let is_uncited =
            reference["classes"].as_array().unwrap().iter().any(|c| c == "uncited");
        assert_eq!(is_uncited, reference["uncited_badge"].as_bool().unwrap());
        let claims = reference["claims"].as_array().unwrap();
        if is_uncited {
            uncited.push(reference["printed"].as_str().unwrap());
            assert!(claims.is_empty());
        } else {
            assert!(
                !claims.is_empty(),
                "a cited reference lists its claims: {reference}"
            );
        }
        for claim in claims {
            assert!(claim["exists"].as_bool().unwrap(), "claim to nowhere: {claim}");
            assert!(claim["is_callout"].as_bool().unwrap(), "{claim}");
            assert!(claim["links_back"].as_bool().unwrap(), "{claim} in {reference}");
            assert!(!claim["text"].as_str().unwrap().is_empty());
        }
    }
    assert_eq!(uncited.len(), 2, "{uncited:?}");
    assert!(uncited[0].starts_with("Dou, E., Osawa"), "{uncited:?}");
    assert!(uncited[1].starts_with("Ping, Y."), "{uncited:?}");

    let xinhua = references
        .iter()
        .find(|r| r["printed"].as_str().unwrap().starts_with("Xinhua. (2015a, March 15)"))
        .unwrap();
    let xinhua_id = find("(Xinhua, 2015a)")["id"].as_str().unwrap();
    assert_eq!(xinhua["claims"][0]["href"], format!("#{xinhua_id}"));
    assert!(
        xinhua["claims"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("In March 2015, reporting")
    );
    let source = xinhua["source"].as_str().expect("a source link");
    assert!(source.starts_with("http"), "{source}");
}

/// A document that tries to inject markup, with a callout that resolves
/// and one that does not: the markup stays text, the unresolved callout is
/// highlighted and still links somewhere on the page.
#[test]
fn hostile_document_in_chromium() {
    let chromium = chromium();
    let dir = tempfile::tempdir().expect("temp dir");
    let document = "# Title <img src=x onerror=\"document.title='pwned'\">\n\n\
        Platforms grow (Smith, 2020; Jones, 2019). \
        <script>document.title = 'pwned';</script> Banks worry (Nobody, 1999).\n\n\
        ## References\n\n\
        Jones, A. (2019). A book & <b>more</b>. Publisher. https://example.org/x?a=1&b=\"2\"\n\n\
        Smith, J. (2020). An article. *Journal*, 1(2), 3-4. https://doi.org/10.1234/abc\n";
    std::fs::write(dir.path().join("paper.md"), document).unwrap();
    let out = dir.path().join("out.html");
    let output = biblink(dir.path())
        .args(["--store", "refs", "link", "paper.md", "--html"])
        .arg(&out)
        .output()
        .expect("run biblink");
    assert!(output.status.success(), "biblink link failed: {}", stderr(&output));
    let page = std::fs::read_to_string(&out).expect("the page was written");

    let (check, elapsed) = browse(&chromium, &page, dir.path());
    eprintln!("chromium: {} ms", elapsed.as_millis());
    assert_eq!(check["title"], "paper.md", "injected script ran");
    assert_eq!(check["scripts"], 1, "only the checking script");
    assert_eq!(check["external_elements"], 0);
    assert_eq!(
        check["headings"][0],
        "Title <img src=x onerror=\"document.title='pwned'\">"
    );

    let callouts = check["callouts"].as_array().unwrap();
    let texts: Vec<&str> = callouts.iter().filter_map(|c| c["text"].as_str()).collect();
    assert_eq!(texts, ["Smith, 2020", "Jones, 2019", "(Nobody, 1999)"]);
    for callout in callouts {
        assert!(callout["target_exists"].as_bool().unwrap(), "dangling link: {callout}");
    }
    assert_eq!(callouts[0]["id"], "callout-0");
    assert_eq!(callouts[1]["id"], "callout-0-1");
    assert_eq!(
        callouts[0]["target_printed"].as_str().map(|t| &t[..9]),
        Some("Smith, J.")
    );
    assert_eq!(
        callouts[1]["target_printed"].as_str().map(|t| &t[..9]),
        Some("Jones, A.")
    );
    let unresolved = &callouts[2];
    assert_eq!(unresolved["id"], "callout-1");
    assert!(unresolved["classes"].as_array().unwrap().iter().any(|c| c == "unresolved"));
    assert_eq!(unresolved["href"], "#references");
    assert!(unresolved["title"].as_str().unwrap().starts_with("unresolved"));
    // Highlighted: a background and a thicker underline than resolved links.
    assert_ne!(unresolved["background"], callouts[0]["background"]);
    assert_ne!(unresolved["background"], "rgba(0, 0, 0, 0)");
    assert_eq!(unresolved["border"], "solid 2px");
    assert_eq!(callouts[0]["border"], "solid 1px");

    let references = check["references"].as_array().unwrap();
    assert_eq!(references[0]["source"], "https://example.org/x?a=1&b=%222%22");
    assert!(references[0]["printed"].as_str().unwrap().contains("A book & <b>more</b>."));
    assert_eq!(references[1]["source"], "https://doi.org/10.1234/abc");
}

/// The Chromium binary; fails the test (never skips) when there is none.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMIUM").map(PathBuf::from) {
        return path;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "chromium is not installed: these tests load the HTML page in headless Chromium. \
         Install it with `apt-get install -y --no-install-recommends chromium` \
         (.ci/test does), or point CHROMIUM at the binary"
    );
}

/// Loads `page` (with the checking script appended) in headless Chromium
/// and returns what the script found, and how long Chromium took.
fn browse(chromium: &Path, page: &str, dir: &Path) -> (Value, Duration) {
    let checked = match page.rfind("</body>") {
        Some(at) => format!("{}{CHECK_SCRIPT}\n{}", &page[..at], &page[at..]),
        None => format!("{page}{CHECK_SCRIPT}"),
    };
    let path = dir.join("checked.html");
    std::fs::write(&path, checked).unwrap();
    let profile = dir.join("chromium-profile");
    let url = format!("file://{}", path.canonicalize().unwrap().display());
    let started = Instant::now();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", &url])
        // Chromium writes crash and config files under $HOME: keep them in the temp dir.
        .env("HOME", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", chromium.display()));
    // Read the pipes on their own threads so that a full pipe cannot stall Chromium.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reading_stdout = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
    });
    let reading_stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > CHROMIUM_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium took more than {CHROMIUM_TIMEOUT:?} to load {url}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let dom = reading_stdout.join().unwrap().expect("chromium's output is UTF-8");
    let log = reading_stderr.join().unwrap();
    assert!(status.success(), "chromium failed ({status}):\n{log}");
    let json = check_text(&dom).unwrap_or_else(|| {
        panic!("no <pre id=\"biblink-check\"> in the DOM chromium dumped:\n{dom}\n{log}")
    });
    let value = serde_json::from_str(&json)
        .unwrap_or_else(|error| panic!("the check is not JSON ({error}): {json}"));
    (value, elapsed)
}

/// The text of `<pre id="biblink-check">` in a serialized DOM, unescaped
/// (a text node is serialized with `&amp;`, `&lt;`, `&gt;` and `&nbsp;`).
fn check_text(dom: &str) -> Option<String> {
    let open = "<pre id=\"biblink-check\">";
    let start = dom.find(open)? + open.len();
    let end = start + dom[start..].find("</pre>")?;
    Some(
        dom[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&nbsp;", "\u{a0}")
            .replace("&amp;", "&"),
    )
}
