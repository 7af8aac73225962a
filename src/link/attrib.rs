//! Claims that news text attributes to sources named in words.
//!
//! News cites without a reference list: "the Financial Times reported
//! yesterday", "according to a 2016 Tencent Research Institute report",
//! "“…,” Zhao said", "two sources familiar with the arrangement told the
//! Financial Times". [`attributions`] finds such sentences and says who
//! speaks, how (the cue words), what is quoted and whether the source is
//! named or anonymous.
//!
//! The cues, tried on every word of a sentence outside quotations:
//!
//! * `according to NP`, `per NP`, `citing NP` (the NP ends at a comma or
//!   the clause);
//! * a reporting verb (`said`, `told`, `reported`, `announced`, `added`, …)
//!   with its subject on the left (`Zhao said`, `the source close to
//!   financial regulators told the newspaper`, `Angel Zhao, president of
//!   …, said`) or after it (`“…,” says Peter Chow-white, founder of …`);
//!   never negated (`did not comment`), nor an infinitive (`to say`), nor
//!   passive without its agent (`could be said`); verbs that are often not
//!   speech (`added`, `noted`, `reported`) only before `that`, a comma, a
//!   quotation or the sentence end;
//! * verbs that attribute only words in quotes (`he called data “…”`, `“…?”
//!   she asked`), and passive naming with its agent (`nicknamed “…” by a
//!   rash of publications`);
//! * `issued a warning`, `released a statement`, `was quoted as saying`;
//! * `, saying …` / `, adding …` after a clause whose subject is named;
//! * a stance opener `To experts who …, …`.
//!
//! The noun phrase decides the source: a person after a title (`spokesman
//! Zhao Zhiguo`) or before an appositive (`Zhao, a college student,`), an
//! organisation, institution or outlet, a generic group (`users`,
//! `experts`), an anonymous one (`a person with knowledge of the matter`,
//! `officials who asked not to be named`). Pronouns take the most recent
//! person, short names the full name met before (`Zhao` → `Zhao Zhiguo`,
//! `ChowWhite` → `Peter Chow-white`); `the statement` is the organisation
//! that just announced, `the newspaper` the last outlet, `the ministry` the
//! last ministry named. A sentence that only quotes (“It wants to end
//! that.”) right after a quoted claim continues that claim's speaker.
//!
//! Everything is linear in the length of the document: each rule looks at a
//! bounded window of words around its cue.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use super::Sentence;
use super::sentence::sentences;

/// One attributed claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// The attributed sentence.
    pub sentence: Sentence,
    /// The source as named in the text (normalised: `Financial Times`, `Zhao Zhiguo`).
    pub source: String,
    /// Where the text names it (`the Financial Times`), when it does in this sentence.
    pub source_span: Option<Range<usize>>,
    /// Whether a specific person, organisation or outlet is named.
    pub named: bool,
    /// `named_person`, `organization`, `organization_report`, `news_outlet`,
    /// `institution`, `institution_generic`, `anonymous` or `generic`.
    pub speaker_type: &'static str,
    /// The reporting words (`told the newspaper`, `according to`), when contiguous.
    pub cue: Option<Range<usize>>,
    /// The relaying outlet of a second-hand attribution (`Financial Times`).
    pub via: Option<String>,
    /// Every quoted span (“…”) in the sentence.
    pub quotes: Vec<Range<usize>>,
}

impl Attribution {
    /// Whether the sentence carries words in quotes.
    pub fn has_quote(&self) -> bool {
        !self.quotes.is_empty()
    }

    /// Whether the speaker is known only from the sentence before or after
    /// (a quotation that goes on from, or into, a claim's sentence).
    pub fn is_continuation(&self) -> bool {
        self.cue.is_none() && self.source_span.is_none()
    }
}

/// The attributed claims of `document`, in document order.
pub fn attributions(document: &str) -> Vec<Attribution> {
    let units = units(document);
    let mut open = false;
    let lexed: Vec<Lexed> = units
        .iter()
        .map(|unit| {
            let lexed = lex(&unit.text, open);
            open = lexed.open_at_end;
            lexed
        })
        .collect();
    let mut lowercase_seen = HashSet::new();
    for (unit, lexed) in units.iter().zip(&lexed) {
        for token in &lexed.tokens {
            if token.is_word
                && unit.text[token.range.clone()].starts_with(char::is_lowercase)
            {
                lowercase_seen.insert(token.lower.clone());
            }
        }
    }

    let mut memory = Memory::default();
    let mut found: Vec<Option<Found>> = Vec::with_capacity(units.len());
    for (index, (unit, lexed)) in units.iter().zip(&lexed).enumerate() {
        let view = View {
            text: &unit.text,
            tokens: &lexed.tokens,
            lowercase_seen: &lowercase_seen,
        };
        let mentions = memory.scan(&view);
        let mut claim = best_claim(&view, &mentions, &memory);
        if claim.is_none() && index > 0 && is_quote_only(&view, lexed) {
            let adjacent = document
                .get(units[index - 1].span.end..unit.span.start)
                .is_some_and(|gap| gap.trim().is_empty());
            if let Some(Some(previous)) = found.get(index - 1)
                && adjacent
                && previous.has_quote
            {
                claim = Some(previous.continued());
            }
        }
        memory.commit(&mentions, claim.as_ref());
        found.push(claim);
    }

    // A quotation that opens in one sentence and goes on into the next,
    // whose speaker is named: the first sentence is the same speaker's.
    for index in (0..found.len().saturating_sub(1)).rev() {
        let view = View {
            text: &units[index].text,
            tokens: &lexed[index].tokens,
            lowercase_seen: &lowercase_seen,
        };
        if found[index].is_none()
            && lexed[index].open_at_end
            && lexed[index + 1].open_at_start
            && is_quote_only(&view, &lexed[index])
            && let Some(next) = &found[index + 1]
        {
            found[index] = Some(next.continued());
        }
    }

    let mut out = Vec::new();
    for ((unit, lexed), claim) in units.iter().zip(&lexed).zip(found) {
        let Some(claim) = claim else { continue };
        out.push(Attribution {
            sentence: Sentence { span: unit.span.clone(), text: unit.text.clone() },
            source: claim.source,
            source_span: claim.source_span.map(|r| unit.doc_span(r)),
            named: claim.named,
            speaker_type: claim.speaker_type,
            cue: claim.cue.map(|r| unit.doc_span(r)),
            via: claim.via,
            quotes: lexed.quotes.iter().map(|r| unit.doc_span(r.clone())).collect(),
        });
    }
    out
}

// ---------------------------------------------------------------------------
// Word lists (lower case, comma-separated).

/// A set of the comma-separated entries of `words`.
fn set(words: &'static str) -> HashSet<&'static str> {
    words.split(',').map(str::trim).filter(|w| !w.is_empty()).collect()
}

/// A word list, built on first use.
type Words = LazyLock<HashSet<&'static str>>;

/// Reporting verbs that attribute on their own (finite forms only: base
/// forms such as `report` or `note` are too often nouns).
static STRONG_VERBS: Words = LazyLock::new(|| {
    set("said, says, say, told, tells, tell, reported, reports, announced, announces,
        stated, states, added, adds, noted, notes, explained, explains, explain, claimed,
        claims, warned, warns, warn, wrote, writes, argued, argues, argue, insisted,
        insists, insist, acknowledged, acknowledges, admitted, admits, confirmed,
        confirms, denied, denies, commented, comments, remarked, remarks, replied,
        replies, asserted, asserts, contended, contends, emphasized, emphasised,
        emphasizes, emphasises, stressed, stresses, predicted, predicts, revealed,
        reveals, disclosed, discloses, declared, declares, tweeted, tweets, accused,
        accuses, alleged, alleges, concluded, concludes, observed, observes, recalled,
        recalls, cautioned, cautions, complained, complains, maintained, maintains,
        estimated, estimates, conceded, concedes, countered, counters, responded,
        posted, testified, pointed, found, finds, showed, shows, indicated, indicates,
        believes, believe, believed")
});

/// Reporting verbs that are as often not speech (`added 500 jobs`, `the
/// company reported a loss`): they attribute only before `that`, a comma, a
/// colon, a quotation or the end of the sentence.
static COMPLEMENT_VERBS: Words = LazyLock::new(|| {
    set("added, adds, noted, notes, states, stated, claims, reported, reports,
        maintained, maintains, observed, observes, estimated, estimates, revealed,
        reveals, disclosed, discloses, concluded, concludes, recalled, recalls,
        responded, countered, counters, posted, pointed, predicted, predicts, found, finds,
        showed, shows, indicated, indicates, confirmed, confirms")
});

/// Verbs that attribute only when the sentence quotes words (`he called
/// data “the most valuable asset”`, `“…?” she asked`).
static QUOTE_VERBS: Words = LazyLock::new(|| {
    set("called, calls, asked, asks, advocate, advocates, advocated, described,
        describes, urged, urges, suggested, suggests, dubbed, dubs, labelled, labeled,
        praised, praises, criticized, criticised, criticizes, criticises, promised,
        promises, vowed, vows, pledged, pledges, boasted, boasts, quipped, joked,
        exclaimed, shouted, wondered, hailed, hails, agreed, agrees")
});

/// Participles that name: they attribute through their agent (`nicknamed
/// “…” by a rash of publications`).
static NAMING_VERBS: Words = LazyLock::new(|| {
    set("nicknamed, dubbed, called, described, labelled, labeled, branded, termed,
        hailed, criticized, criticised, quoted, cited, reported, announced, said, stated,
        claimed, alleged, estimated, predicted, denied, confirmed, warned")
});

/// Verbs of issuing a document (`issued a warning`).
static ISSUE_VERBS: Words =
    LazyLock::new(|| set("issued, issues, released, releases, published, publishes"));

/// What an issue verb must issue to attribute: words, not rules (`issued
/// new guidelines` reports an action).
static ISSUED_DOCUMENTS: Words = LazyLock::new(|| {
    set("statement, statements, warning, warnings, report, announcement, release, letter,
        note, memo, notice, communique, communiqué, readout, study, survey, response,
        rebuttal, denial, apology, appeal, plea, call")
});

/// Participles that go on a clause whose subject speaks (`…, saying that`).
static PARTICIPLES: Words = LazyLock::new(|| {
    set("saying, adding, noting, arguing, stressing, explaining, insisting, claiming,
        warning, writing, telling, emphasizing, emphasising, asserting, acknowledging")
});

/// Words that may sit between a subject and its verb (`have also said`).
static AUXILIARIES: Words = LazyLock::new(|| {
    set("have, has, had, also, even, previously, recently, publicly, already, later,
        earlier, once, repeatedly, further, then, still, often, would, will, could, may,
        might, can, should, must, did, does, do, reportedly, privately, separately,
        similarly, likewise, first, initially, subsequently, explicitly, openly,
        officially, again, long, frequently, usually, yesterday, today")
});

/// Forms of `be` that make a following participle passive.
static BE_FORMS: Words =
    LazyLock::new(|| set("is, are, was, were, be, been, being, am, get, got, gets"));

/// Words a subject noun phrase never runs over, walking left from its verb.
static NP_STOPS: Words = LazyLock::new(|| {
    set("that, which, who, whom, whose, what, when, where, while, because, as, but, if,
        although, though, since, so, nor, or, than, whether, why, how, until, unless,
        whereas, yet, and, is, are, was, were, said, says, told, reported, before, after")
});

/// Determiners and quantifiers stripped from the front of a noun phrase.
static DETERMINERS: Words = LazyLock::new(|| {
    set("the, a, an, two, three, four, five, several, some, many, one, other, another,
        various, multiple, numerous, few, both, this, that, these, those, most, all, any,
        each, more, senior, top, former, current, unnamed, anonymous")
});

/// Words that end the head of a noun phrase and start what modifies it
/// (`the source close to financial regulators`).
static POSTMODIFIERS: Words = LazyLock::new(|| {
    set("close, familiar, with, from, at, of, in, who, that, which, briefed,
        knowledgeable, involved, speaking, on, for, by, based, whose, within, inside,
        near, to, under, among, across, than, compiled, released, published, cited,
        quoted, seen, obtained, issued")
});

/// Lower-case words that join capitalised words into one name
/// (`Ministry of Industry and Information Technology`).
static CONNECTORS: Words = LazyLock::new(|| {
    set("of, and, for, de, du, la, le, der, van, von, &, the, al, bin, on")
});

/// Titles and roles before or after a person's name.
static TITLES: Words = LazyLock::new(|| {
    set("spokesman, spokeswoman, spokesperson, president, vice-president, chairman,
        chairwoman, chairperson, ceo, cfo, coo, cto, founder, co-founder, cofounder,
        director, minister, premier, secretary, governor, senator, mayor, analyst,
        economist, professor, researcher, entrepreneur, billionaire, executive, chief,
        head, manager, officer, lawyer, attorney, judge, commissioner, ambassador, adviser,
        advisor, strategist, editor, reporter, correspondent, columnist, author, student,
        engineer, scientist, investor, partner, deputy, leader, dr, mr, mrs, ms, prof,
        sen, rep, gov, tycoon, magnate, boss, owner, teacher, doctor, activist, blogger,
        consultant, expert, specialist, representative, envoy, diplomat, chancellor,
        dean, lecturer, fellow, historian, sociologist, official, vice, resident, worker,
        employee, trader, banker, designer, developer, programmer, writer, journalist,
        scholar, physician, nurse, farmer, customer, candidate, legislator, lawmaker,
        politician, regulator, presenter, host, actor, actress, singer, artist, coach,
        player, creator, inventor, operator, proprietor, director-general,
        secretary-general, king, queen, prince, princess, pope, president-elect, chair,
        whip, speaker, councilor, councillor, convener, caucus, prosecutor, commander,
        general, admiral, colonel, captain, lieutenant, sergeant, officer, superintendent,
        inspector, administrator, commentator, pastor, bishop, cardinal, rabbi, imam,
        chef, founder-ceo, supervisor, principal, provost, rector, vice-chairman,
        vice-chair, vice-premier, premier-elect, mayor-elect, lawmaker-elect, aide, sgt, lt,
        col, capt, gen, det, insp, supt, cpl, pvt, adm, maj, cmdr, interim, acting,
        witness, victim, survivor, resident, attorney-general, solicitor, detective,
        constable, trooper, deputy-director, vice-minister, anchor, host, pilot, soldier")
});

/// Groups of people or texts that make a generic source (`users have
/// reported`, `to experts who …`).
static GENERIC_HEADS: Words = LazyLock::new(|| {
    set("users, experts, analysts, critics, observers, media, editorials, publications,
        researchers, scientists, economists, residents, consumers, investors, customers,
        people, many, some, others, reports, studies, commentators, netizens, academics,
        scholars, activists, lawmakers, legislators, politicians, witnesses, locals,
        employees, workers, staff, executives, traders, bankers, diplomats, supporters,
        opponents, advocates, skeptics, sceptics, parents, students, teachers, doctors,
        patients, citizens, voters, fans, newspapers, outlets, websites, commentary,
        editorial, pundits, insiders, campaigners, groups, companies, firms, businesses,
        developers, engineers, farmers, shoppers, drivers, tenants, landlords, economist,
        analyst, expert, observer, commentator, critic, user, resident, researcher,
        scientist, scholar, academic, press, reporters, journalists, columnists, bloggers,
        surveys, polls, rights groups, environmentalists, scientists, forecasters,
        strategists, lenders, banks, brokers, dealers, manufacturers, exporters,
        importers, retailers, merchants, operators, owners, leaders, members, delegates,
        participants, organizers, organisers, protesters, demonstrators, villagers,
        survivors, victims, families, relatives, friends, neighbours, neighbors, unions")
});

/// Public bodies that make an institution when no name is given (`the
/// government has accused`).
static INSTITUTION_HEADS: Words = LazyLock::new(|| {
    set("government, ministry, regulator, regulators, authorities, authority, police,
        court, courts, prosecutors, officials, official, agency, commission,
        administration, parliament, cabinet, state, military, army, embassy, council,
        congress, senate, department, bureau, judge, watchdog, watchdogs, regime, party,
        governments, ministries, agencies, legislature, caucus, office, white house,
        kremlin, pentagon, presidency, mayor, governor, navy, coast guard")
});

/// Heads that make an anonymous source (`a source`, `a person with knowledge
/// of the matter`).
static ANONYMOUS_HEADS: Words = LazyLock::new(|| {
    set("source, sources, insider, insiders, person, individual, individuals")
});

/// Words that make a person or an official anonymous (`officials who
/// declined to be named`, `people familiar with the matter`).
static ANONYMITY_MARKERS: Words = LazyLock::new(|| {
    set("familiar, knowledge, briefed, anonymity, declined, unnamed, anonymous, close,
        knowledgeable, requested, undisclosed, anonymously, unidentified, authorized,
        authorised")
});

/// Texts that speak for the organisation that wrote them.
static DOCUMENT_HEADS: Words = LazyLock::new(|| {
    set("statement, announcement, report, filing, release, website, study, survey,
        document, notice, letter, post, blog, memo, data, figures, research, analysis,
        poll, circular, guideline, guidelines, prospectus, note, paper, documents,
        reports, statistics, estimates, site, account, video, interview, book, article,
        editorial, transcript, readout, communique, communiqué, directive, order,
        ruling, verdict, indictment, complaint, lawsuit, presentation, forecast, index,
        estimate, calculations, tally, count, records, review, assessment, audit")
});

/// Documents whose content is findings (`organization_report`), not words.
static REPORT_HEADS: Words = LazyLock::new(|| {
    set("report, study, survey, data, figures, research, analysis, poll, paper, reports,
        statistics, estimates, estimate, forecast, index, calculations, tally, count,
        records, review, assessment, audit")
});

/// Words for a company named before (`the company said`).
static COMPANY_HEADS: Words = LazyLock::new(|| {
    set("company, firm, group, bank, startup, retailer, platform, conglomerate, insurer,
        lender, carmaker, automaker, giant, unit, subsidiary, operator, maker, provider,
        developer, corporation, business, organisation, organization, institute,
        university, lab, brand, chain, airline, producer, manufacturer, exchange, fund")
});

/// Words for an outlet named before (`told the newspaper`).
static OUTLET_HEADS: Words = LazyLock::new(|| {
    set("newspaper, paper, agency, broadcaster, magazine, outlet, daily, publication,
        tabloid, network, news agency, channel, station, website")
});

/// People words after a name that keep the name's organisation (`Alibaba and
/// Tencent executives`, `a Twitter spokesperson`).
static PEOPLE_HEADS: Words = LazyLock::new(|| {
    set("executives, officials, employees, staff, representatives, spokesman,
        spokeswoman, spokesperson, spokespeople, official, executive, management,
        leadership, leaders, managers, engineers, researchers, analysts, lawyers,
        board, team, economists, strategists, sources, source, insiders, representative,
        negotiators, investigators, auditors, directors, shareholders")
});

/// News outlets named often enough to know.
static OUTLETS: Words = LazyLock::new(|| {
    set("financial times, wall street journal, new york times, reuters, bloomberg,
        bloomberg news, xinhua, afp, agence france-presse, associated press, ap, bbc, cnn,
        cnbc, nikkei, nikkei asia, caixin, south china morning post, guardian,
        washington post, economist, forbes, kyodo, yonhap, tass, global times,
        people's daily, people’s daily, china daily, taipei times, central news agency,
        cna, cctv, dow jones, techcrunch, politico, axios, npr, fox news, al jazeera,
        the information, yicai, sixth tone, xinhua news agency, ft, wsj, nyt, dpa, efe,
        ansa, interfax, ria novosti, sputnik, le monde, der spiegel, the verge, wired,
        business insider, fortune, newsweek, the atlantic, vox, buzzfeed, huffpost,
        usa today, los angeles times, sunday times, telegraph, independent, daily mail,
        mirror, sky news, abc, nbc, cbs, pbs, nhk, asahi, mainichi, yomiuri,
        straits times, bangkok post, jakarta post, times of india, hindustan times,
        the hindu, scmp, people.cn, sina, sohu, the paper, thepaper, jiemian, 36kr,
        pandaily, liberty times, united daily news, china times, apple daily, storm media,
        ettoday, focus taiwan, rfa, voa, radio free asia, voice of america, semafor,
        the times, bbc news, abc news, nbc news, cbs news")
});

/// Last words that make a name an outlet's (`Beijing Youth Daily`).
static OUTLET_SUFFIXES: Words = LazyLock::new(|| {
    set("times, post, journal, news, daily, herald, tribune, telegraph, gazette, press,
        magazine, weekly, chronicle, reporter, monitor, courier, wire, today, agency")
});

/// Words that make a name an organisation's.
static ORG_SUFFIXES: Words = LazyLock::new(|| {
    set("group, inc, ltd, co, corp, corporation, holdings, holding, company, bank,
        institute, university, lab, labs, laboratory, foundation, association,
        technologies, technology, services, capital, partners, fund, securities,
        insurance, motors, airlines, network, networks, systems, platforms, alliance,
        federation, society, center, centre, llc, plc, ag, sa, gmbh, limited, financial,
        exchange, consulting, research, industries, enterprises, club, union,
        organization, organisation, school, college, academy, institution, trust,
        ventures, pharmaceuticals, energy, electronics, telecom, telecommunications,
        communications, media, studios, entertainment, solutions, software, semiconductor,
        manufacturing, nv, bv, ab, asa, spa, se, kk, watch, international, initiative,
        coalition, forum, partnership, project, campaign")
});

/// Words that make a name a public body's.
static INSTITUTION_SUFFIXES: Words = LazyLock::new(|| {
    set("ministry, bureau, department, office, administration, authority, court,
        parliament, congress, committee, council, commission, agency, party, police,
        army, government, senate, cabinet, house, assembly, regulator, embassy, republic,
        nations, navy, military, prosecutors, prosecutor, yuan, legislature, kremlin,
        pentagon, reserve, fed, politburo, caucus, patrol, service, guard, force, forces,
        tribunal, judiciary, ombudsman, directorate, inspectorate, secretariat")
});

/// Capitalised words that never start or continue a name.
static NOT_NAMES: Words = LazyLock::new(|| {
    set("the, a, an, this, that, these, those, it, he, she, they, we, i, you, in, on, at,
        for, after, before, when, while, according, but, and, or, however, meanwhile,
        also, with, to, from, by, as, if, of, his, her, their, its, our, my, your, there,
        here, what, which, who, why, how, where, then, yet, so, instead, still, even,
        although, though, since, because, despite, during, under, over, about, into,
        through, between, among, without, within, both, all, some, many, most, one, two,
        no, not, globally, generally, perhaps, every, each, such, monday, tuesday,
        wednesday, thursday, friday, saturday, sunday, january, february, march, april,
        may, june, july, august, september, october, november, december, jan, feb, mar,
        apr, jun, jul, aug, sep, sept, oct, nov, dec, additional, today, yesterday,
        tomorrow, last, next, earlier, later, separately, asked, speaking, photo, reporting")
});

/// Nationality and region adjectives that do not name a source (`Chinese
/// regulators`, `U.S. officials`).
static DEMONYMS: Words = LazyLock::new(|| {
    set("u.s, us, uk, u.k, western, eastern, northern, southern, thai, swiss, dutch,
        greek, iraqi, israeli, pakistani, saudi, kuwaiti, qatari, emirati, yemeni, omani,
        bangladeshi, nepali, afghan, french, irish, scottish, welsh, british, spanish,
        polish, danish, finnish, swedish, turkish, foreign, local, federal, provincial,
        municipal, national, international, global, regional, state-run, state, chinese,
        mainland, overseas, domestic, european, asian, african, american, japanese,
        taiwanese, korean, south korean, north korean, vietnamese, indian, russian,
        german, italian, canadian, australian, brazilian, mexican, philippine, filipino,
        indonesian, malaysian, singaporean, ukrainian, iranian, syrian, egyptian, arab,
        muslim, christian, catholic, hong kong, beijing-based, us-based, western-style")
});

/// Nouns of quantity whose `of` phrase holds the real head (`a rash of
/// publications`).
static QUANTITY_NOUNS: Words = LazyLock::new(|| {
    set("rash, number, group, handful, host, series, lot, couple, majority, slew, range,
        variety, dozens, hundreds, thousands, team, panel, coalition, chorus, minority,
        pair, trio, plenty, lots, some, many, most, all, none, few, several, one, two,
        three, each, either, neither, both")
});

/// Pronouns that stand for a person.
const PERSON_PRONOUNS: &[&str] = &["he", "she"];

/// Top-level domains that rejoin a broken domain name (`People. cn`).
const DOMAINS: &[&str] =
    &["cn", "com", "org", "net", "co", "uk", "io", "gov", "edu", "hk", "tw", "jp"];

/// How many units back an organisation's claim may be referred to (`the
/// statement`, `it said`).
const ANAPHOR_REACH: usize = 4;
// ---------------------------------------------------------------------------
// Units: the document's sentences, with a map back to the document.

/// A sentence to analyse: its single-spaced text and where each byte of it
/// comes from.
struct Unit {
    /// Byte span in the document.
    span: Range<usize>,
    /// Single-spaced text.
    text: String,
    /// For each byte of `text`, its byte offset in the document.
    map: Vec<usize>,
}

impl Unit {
    /// The document span of `range` of the text.
    fn doc_span(&self, range: Range<usize>) -> Range<usize> {
        let Some(&first) = self.map.get(range.start) else {
            return self.span.end..self.span.end;
        };
        if range.is_empty() {
            return first..first;
        }
        let last = self.map.get(range.end - 1).copied().unwrap_or(first);
        first..(last + 1).max(first)
    }

    /// Part `range` of this unit as a unit of its own.
    fn part(&self, range: Range<usize>) -> Unit {
        let span = self.doc_span(range.clone());
        Unit {
            span,
            text: self.text[range.clone()].to_string(),
            map: self.map[range].to_vec(),
        }
    }
}

/// The document's sentences in order, split once more after a quotation that
/// closes a sentence (`… of 2C2P.” In 2020, …`), which the general splitter
/// leaves whole after an all-capital word.
fn units(document: &str) -> Vec<Unit> {
    let mut sentences = sentences(document);
    sentences.sort_by_key(|s| (s.span.start, s.span.end));
    let mut out = Vec::with_capacity(sentences.len());
    for sentence in sentences {
        let unit = Unit {
            map: align(document, &sentence),
            span: sentence.span,
            text: sentence.text,
        };
        let cuts = quote_sentence_ends(&unit.text);
        if cuts.is_empty() {
            out.push(unit);
            continue;
        }
        let mut start = 0;
        for cut in cuts {
            out.push(unit.part(start..cut));
            start = cut + 1;
        }
        out.push(unit.part(start..unit.text.len()));
    }
    out
}

/// Offsets of the spaces after sentence ends the general splitter keeps
/// whole, outside brackets and quotations, before a capital or an opening
/// quote: after `.”`, `?”` or `!”` when the word before the period looks
/// like an initial (`… of 2C2P.” In 2020, …`), and after a period that ends
/// a code of letters and digits (`… with 2C2P. According to …`), which is
/// not an initial.
fn quote_sentence_ends(text: &str) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut depth = 0usize;
    let mut in_quote = false;
    let mut previous = ['\0'; 2];
    // The run of letters and digits before the current character.
    let mut run_start = 0;
    let mut run_has_digit = false;
    let mut run_has_letter = false;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next_starts =
            chars.peek().is_some_and(|&(_, n)| n.is_uppercase() || n == '“');
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            '“' => in_quote = true,
            '”' => in_quote = false,
            ' ' if depth == 0 && !in_quote && next_starts => {
                let after_quote =
                    previous[1] == '”' && matches!(previous[0], '.' | '?' | '!');
                let after_code = previous[1] == '.'
                    && run_has_digit
                    && run_has_letter
                    && text[run_start..at - 1].ends_with(|l: char| l.is_uppercase());
                if after_quote || after_code {
                    cuts.push(at);
                }
            }
            _ => {}
        }
        if c.is_alphanumeric() {
            if !previous[1].is_alphanumeric() {
                run_start = at;
                run_has_digit = false;
                run_has_letter = false;
            }
            run_has_digit |= c.is_ascii_digit();
            run_has_letter |= c.is_alphabetic();
        } else if c != '.' {
            run_has_digit = false;
            run_has_letter = false;
        }
        previous = [previous[1], c];
    }
    cuts
}

/// For each byte of the sentence's single-spaced text, its byte offset in
/// the document. The text is the document span with white space runs made
/// single spaces and, rarely, interrupting pull-quotes left out; those are
/// skipped by looking ahead (a bounded window) for the next word.
fn align(document: &str, sentence: &Sentence) -> Vec<usize> {
    const WINDOW: usize = 4096;
    let text = &sentence.text;
    let Some(doc) = document.get(sentence.span.clone()) else {
        return vec![sentence.span.start; text.len()];
    };
    let base = sentence.span.start;
    let mut map = Vec::with_capacity(text.len());
    let mut at = 0; // byte position in `doc`
    for (i, c) in text.char_indices() {
        if c == ' ' {
            map.push(base + at);
            let rest = &doc[at..];
            let blank = rest.len() - rest.trim_start().len();
            at += blank;
            if blank > 0 {
                continue;
            }
        }
        if !doc[at..].starts_with(c) && c != ' ' {
            // Skipped text: find where the next word goes on.
            let word_end = text[i..].find(' ').map_or(text.len(), |e| i + e);
            let word = &text[i..word_end];
            let window_end = floor_boundary(doc, (at + WINDOW).min(doc.len()));
            if let Some(found) = doc[at..window_end].find(word) {
                at += found;
            } else if let Some(found) = doc[at..window_end].find(c) {
                at += found;
            }
        }
        if c == ' ' {
            continue;
        }
        for k in 0..c.len_utf8() {
            map.push(base + (at + k).min(doc.len().saturating_sub(1)));
        }
        if doc[at..].starts_with(c) {
            at += c.len_utf8();
        }
    }
    map
}

/// The largest char boundary of `text` at or below `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

// ---------------------------------------------------------------------------
// Tokens and quotes.

/// A word or a punctuation mark of a unit.
#[derive(Debug, Clone)]
struct Token {
    /// Byte range in the unit's text.
    range: Range<usize>,
    /// A word rather than a mark.
    is_word: bool,
    /// Lower case, possessive `’s` dropped.
    lower: String,
    /// Starts with a capital, or mixes capitals and digits (`2C2P`).
    is_capital: bool,
    /// Ends in `’s`.
    is_possessive: bool,
    /// Two or more capitals and no lower-case letter (`WHO`, `KMT`).
    is_acronym: bool,
    /// Inside a pair of quotation marks.
    in_quote: bool,
}

impl Token {
    /// Whether it is the punctuation mark `mark`.
    fn is(&self, mark: &str) -> bool {
        !self.is_word && self.lower == mark
    }

    /// Whether it is the word `word` (lower case).
    fn word(&self, word: &str) -> bool {
        self.is_word && self.lower == word
    }
}

/// A unit's tokens and quotations.
struct Lexed {
    tokens: Vec<Token>,
    /// Quoted spans with their marks (byte ranges of the unit's text).
    quotes: Vec<Range<usize>>,
    /// The unit begins inside a quotation opened in the unit before.
    open_at_start: bool,
    /// A quotation is still open at the unit's end.
    open_at_end: bool,
}

/// Splits `text` into words and marks, and finds its quotations; `open`
/// says whether a quotation is open at its start.
fn lex(text: &str, open: bool) -> Lexed {
    let (mut quotes, still_open) = quotations(text, open);
    if let Some(from) = still_open {
        quotes.push(from..text.len());
    }
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if !c.is_alphanumeric() {
            tokens.push(Token {
                range: start..start + c.len_utf8(),
                is_word: false,
                lower: c.to_string(),
                is_capital: false,
                is_possessive: false,
                is_acronym: false,
                in_quote: false,
            });
            continue;
        }
        let mut end = start + c.len_utf8();
        let mut last = c;
        while let Some(&(at, next)) = chars.peek() {
            if next.is_alphanumeric() {
                end = at + next.len_utf8();
                last = next;
                chars.next();
                continue;
            }
            // Inner marks: `Chow-white`, `Ma’s`, `U.S`, `AT&T`, `People.cn`.
            let joins = matches!(next, '-' | '’' | '\'' | '.' | '&' | '‑')
                && last.is_alphanumeric()
                && text[at + next.len_utf8()..]
                    .starts_with(|n: char| n.is_alphanumeric());
            if !joins {
                break;
            }
            chars.next();
            last = next;
        }
        let word = &text[start..end];
        let possessive = word.ends_with("’s") || word.ends_with("'s");
        let core =
            word.strip_suffix("’s").or_else(|| word.strip_suffix("'s")).unwrap_or(word);
        let lower = core.to_lowercase();
        let is_capital = c.is_uppercase()
            || (word.chars().any(char::is_uppercase)
                && word.chars().any(|x| x.is_ascii_digit()));
        tokens.push(Token {
            range: start..end,
            is_word: true,
            lower,
            is_capital,
            is_possessive: possessive,
            is_acronym: core.chars().filter(|c| c.is_uppercase()).count() >= 2
                && !core.chars().any(char::is_lowercase),
            in_quote: false,
        });
    }
    // Mark the words inside quotations (quotes are sorted and disjoint).
    let mut q = 0;
    for token in &mut tokens {
        while q < quotes.len() && quotes[q].end <= token.range.start {
            q += 1;
        }
        let is_mark = matches!(token.lower.as_str(), "“" | "”" | "\"");
        if let Some(quote) = quotes.get(q)
            && quote.start <= token.range.start
            && token.range.end <= quote.end
            && !is_mark
        {
            token.in_quote = true;
        }
    }
    Lexed { tokens, quotes, open_at_start: open, open_at_end: still_open.is_some() }
}

/// The quoted spans of `text` and where a quotation still open at its end
/// starts. `“` opens (an opening mark without its closing one gives way to
/// the next opening), `”` closes, a straight `"` closes what is open and
/// opens otherwise (so `"…”` pairs too); when `open`, a quotation is open
/// at the start.
fn quotations(text: &str, open: bool) -> (Vec<Range<usize>>, Option<usize>) {
    let mut out = Vec::new();
    let mut start: Option<usize> = open.then_some(0);
    for (i, c) in text.char_indices() {
        match c {
            '“' => start = Some(i),
            '”' => {
                if let Some(from) = start.take() {
                    out.push(from..i + c.len_utf8());
                }
            }
            '"' => match start.take() {
                Some(from) => out.push(from..i + 1),
                None => start = Some(i),
            },
            _ => {}
        }
    }
    (out, start)
}

/// Whether the unit is words in quotes and little else: it starts with a
/// quotation (or inside one) that runs to (nearly) its end, or has no end.
fn is_quote_only(view: &View<'_>, lexed: &Lexed) -> bool {
    let text = view.text.trim_end();
    if text.is_empty() {
        return false;
    }
    let starts_quoted = lexed.open_at_start || text.starts_with(['“', '"']);
    if !starts_quoted {
        return false;
    }
    // The quotation that starts the unit runs to (nearly) its end.
    lexed
        .quotes
        .first()
        .is_some_and(|first| first.start == 0 && first.end + 3 >= text.len())
}

// ---------------------------------------------------------------------------
// Memory: people, organisations and outlets met so far.

/// What the text has named so far.
#[derive(Default)]
struct Memory {
    /// Index of the unit being read.
    unit: usize,
    /// Full names of the people met.
    persons: Vec<String>,
    /// Each part of a person's name (letters only, lower case) -> person.
    person_keys: HashMap<String, usize>,
    /// Names of two or three capitalised words that may be people's
    /// (`David Faber`), by their first and last word: a short form that meets
    /// one of them is a person's surname.
    candidates: HashMap<String, String>,
    /// The first words of organisations' names (lower case).
    orgs: HashSet<String>,
    /// The person last introduced with each title (`premier` -> `Cho
    /// Jung-tai`), for `the premier said`.
    titled: HashMap<String, usize>,
    /// Institutions named, the latest last (`Ministry of Commerce`).
    institutions: Vec<String>,
    /// The person mentioned last.
    last_person: Option<usize>,
    /// The outlet named last.
    last_outlet: Option<String>,
    /// The organisation named last.
    last_org: Option<String>,
    /// The last claim made by a named organisation, institution or outlet:
    /// its owner, speaker type and unit.
    last_org_claim: Option<(String, &'static str, usize)>,
    /// Documents that named sources issued (`announced` -> an announcement):
    /// the document's word, its owner, speaker type and unit; the latest last.
    documents: Vec<(String, String, &'static str, usize)>,
    /// The claim just before, for `they said`.
    last_claim: Option<Found>,
}

/// What a unit names, in order.
struct Mentions {
    /// People: (token index, person index), by token index.
    persons: Vec<(usize, usize)>,
    /// Outlets.
    outlets: Vec<String>,
    /// Organisations.
    orgs: Vec<String>,
    /// Institutions.
    institutions: Vec<String>,
}

impl Mentions {
    /// The person mentioned last before token `at`.
    fn person_before(&self, at: usize) -> Option<usize> {
        let n = self.persons.partition_point(|&(i, _)| i < at);
        n.checked_sub(1).map(|k| self.persons[k].1)
    }
}

impl Memory {
    /// The people, outlets and organisations `view` names; new people are
    /// learnt at once so that later words of the same unit find them.
    fn scan(&mut self, view: &View<'_>) -> Mentions {
        let mut mentions = Mentions {
            persons: Vec::new(),
            outlets: Vec::new(),
            orgs: Vec::new(),
            institutions: Vec::new(),
        };
        for chunk in view.chunks(0..view.tokens.len()) {
            let name = view.chunk_text(&chunk);
            if is_outlet_name(&name.to_lowercase()) {
                mentions.outlets.push(strip_the(&name));
                continue;
            }
            match org_kind(view, &chunk) {
                Some("institution") => {
                    mentions.institutions.push(strip_the(&name));
                    continue;
                }
                Some(_) => {
                    mentions.orgs.push(strip_the(&name));
                    continue;
                }
                None => {}
            }
            // A person: after a title (`founder Jack Ma`), before an
            // appositive that holds one (`Zhao, a college student,`), or with
            // a gloss in Chinese (`Tseng Yung-chuan (曾永權)`).
            let title_before = view.title_before(chunk.start);
            let title = title_before.or_else(|| view.appositive_title(chunk.end));
            let marked = title.is_some()
                || (view.words_in(&chunk) >= 2 && view.cjk_gloss_at(chunk.end));
            let known = self.person_of(view, &chunk);
            let person = match known {
                Some(person) if view.words_in(&chunk) == 1 || !marked => Some(person),
                _ if marked && !is_demonym_chunk(view, &chunk) => Some(self.learn(&name)),
                _ => None,
            };
            if let Some(person) = person {
                mentions.persons.push((chunk.start, person));
                if let Some(title) = title {
                    self.titled.insert(view.tokens[title].lower.clone(), person);
                }
            } else if (2..=3).contains(&view.words_in(&chunk))
                && !view.tokens[chunk.clone()]
                    .iter()
                    .any(|t| CONNECTORS.contains(t.lower.as_str()))
            {
                for key in [name.split(' ').next(), name.rsplit(' ').next()]
                    .into_iter()
                    .flatten()
                {
                    let key = letters_key(key);
                    if key.chars().count() > 1 {
                        self.candidates.insert(key, name.clone());
                    }
                }
            }
        }
        mentions
    }

    /// Records person `name`; returns its index.
    fn learn(&mut self, name: &str) -> usize {
        let index = self.persons.len();
        self.persons.push(name.to_string());
        // Each part (`Chow`, `white`), each space-separated word without its
        // hyphen (`ChowWhite` for `Chow-white`), and the whole name.
        let parts =
            name.split([' ', '-']).chain(name.split(' ')).chain(std::iter::once(name));
        for part in parts {
            let key = letters_key(part);
            if key.chars().count() > 1 {
                self.person_keys.insert(key, index);
            }
        }
        index
    }

    /// The known person a chunk of one to three words names.
    fn person_of(&self, view: &View<'_>, chunk: &Range<usize>) -> Option<usize> {
        let words = view.words_in(chunk);
        if words == 0 || words > 3 {
            return None;
        }
        let key = letters_key(&view.chunk_text(chunk));
        if let Some(&person) = self.person_keys.get(&key) {
            return Some(person);
        }
        if words == 1 {
            return None;
        }
        // Every word a part of the same person's name.
        let mut found = None;
        for token in view.tokens[chunk.clone()].iter().filter(|t| t.is_word) {
            let person = *self.person_keys.get(&letters_key(&token.lower))?;
            if found.is_some_and(|f| f != person) {
                return None;
            }
            found = Some(person);
        }
        found
    }

    /// The owner of the document `noun` (`statement`) issued lately.
    fn document_owner(&self, noun: &str) -> Option<(String, &'static str)> {
        let family = document_family(noun);
        self.documents
            .iter()
            .rev()
            .take_while(|d| self.unit - d.3 <= ANAPHOR_REACH + 2)
            .find(|d| document_family(&d.0) == family)
            .map(|d| (d.1.clone(), d.2))
            .or_else(|| {
                // A statement is the last organisation's that spoke; a study
                // or a filing is nobody's unless one was issued.
                let (owner, kind, unit) = self.last_org_claim.as_ref()?;
                (family == "statement" && self.unit - unit <= ANAPHOR_REACH)
                    .then(|| (owner.clone(), *kind))
            })
    }

    /// The institution named last whose name holds `head` (`the ministry`
    /// -> `Ministry of Industry and Information Technology`).
    fn institution(&self, head: &str) -> Option<&String> {
        self.institutions
            .iter()
            .rev()
            .find(|name| name.split(' ').any(|word| word.eq_ignore_ascii_case(head)))
    }

    /// Takes in what a unit named and the claim found in it.
    fn commit(&mut self, mentions: &Mentions, claim: Option<&Found>) {
        if let Some(&(_, person)) = mentions.persons.last() {
            self.last_person = Some(person);
        }
        if let Some(outlet) = mentions.outlets.last() {
            self.last_outlet = Some(outlet.clone());
        }
        for org in &mentions.orgs {
            for part in org.split(" and ") {
                if let Some(first) = part.split(' ').next() {
                    self.orgs.insert(first.to_lowercase());
                }
            }
            self.last_org = Some(org.clone());
        }
        self.institutions.extend(mentions.institutions.iter().cloned());
        if self.institutions.len() > 64 {
            self.institutions.drain(..32);
        }
        if let Some(claim) = claim {
            let owner = claim.owner.clone().unwrap_or_else(|| claim.source.clone());
            match claim.speaker_type {
                "named_person" if claim.named => {
                    let key = letters_key(&claim.source);
                    let person = match self.person_keys.get(&key) {
                        Some(&person) => person,
                        None => self.learn(&claim.source),
                    };
                    self.last_person = Some(person);
                }
                "news_outlet" if claim.named => {
                    self.last_outlet = Some(claim.source.clone());
                    self.last_org_claim =
                        Some((owner.clone(), claim.speaker_type, self.unit));
                }
                "organization" | "organization_report" | "institution" if claim.named => {
                    self.last_org = Some(owner.clone());
                    self.last_org_claim =
                        Some((owner.clone(), claim.speaker_type, self.unit));
                }
                _ => {}
            }
            if let Some(document) = &claim.document
                && claim.named
            {
                self.documents.push((
                    document.clone(),
                    owner,
                    claim.speaker_type,
                    self.unit,
                ));
                if self.documents.len() > 64 {
                    self.documents.drain(..32);
                }
            }
            self.last_claim = Some(claim.clone());
        }
        self.unit += 1;
    }
}

/// Documents that stand for one another (`the statement` of an
/// announcement).
fn document_family(noun: &str) -> &str {
    match noun {
        "statement" | "announcement" | "release" | "notice" | "statements" => "statement",
        other => other,
    }
}

/// A name reduced to its letters and digits, lower case (`ChowWhite` and
/// `Chow-white` agree).
fn letters_key(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Whether `lower` (a lower-case name) is a news outlet's.
fn is_outlet_name(lower: &str) -> bool {
    let lower = lower.strip_prefix("the ").unwrap_or(lower);
    OUTLETS.contains(lower)
        || (lower.contains(' ')
            && lower
                .rsplit(' ')
                .next()
                .is_some_and(|last| OUTLET_SUFFIXES.contains(last)))
        || lower
            .rsplit_once('.')
            .is_some_and(|(name, tld)| !name.is_empty() && DOMAINS.contains(&tld))
}

/// `organization` or `institution` when the chunk's words say so.
fn org_kind(view: &View<'_>, chunk: &Range<usize>) -> Option<&'static str> {
    let words: Vec<&Token> =
        view.tokens[chunk.clone()].iter().filter(|t| t.is_word).collect();
    if words.iter().any(|t| INSTITUTION_SUFFIXES.contains(t.lower.as_str())) {
        return Some("institution");
    }
    if words.iter().skip(1).any(|t| ORG_SUFFIXES.contains(t.lower.as_str())) {
        return Some("organization");
    }
    None
}

// ---------------------------------------------------------------------------
// Claims.

/// A claim found in a unit (ranges in the unit's text).
#[derive(Debug, Clone)]
struct Found {
    source: String,
    source_span: Option<Range<usize>>,
    named: bool,
    speaker_type: &'static str,
    cue: Option<Range<usize>>,
    via: Option<String>,
    has_quote: bool,
    /// The organisation behind a document source (`2C2P` of `2C2P website`).
    owner: Option<String>,
    /// The document the claim issues or cites (`announcement` of `announced`).
    document: Option<String>,
    /// Found by a weak rule (`…, saying that`): any other claim wins.
    weak: bool,
}

impl Found {
    /// The same speaker for a sentence that only continues the quote.
    fn continued(&self) -> Found {
        Found { source_span: None, cue: None, has_quote: true, ..self.clone() }
    }

    /// How much a claim is worth against others of its sentence.
    fn rank(&self) -> u8 {
        let kind = match (self.named, self.speaker_type) {
            (true, _) => 3,
            (false, "anonymous") => 2,
            (false, "institution_generic") => 1,
            _ => 0,
        };
        if self.weak { kind } else { kind + 4 }
    }
}

/// What the source rules need besides the noun phrase.
struct Context<'a> {
    mentions: &'a Mentions,
    memory: &'a Memory,
    has_quote: bool,
    /// The cue word, lower case (`said`, `according`).
    verb: &'a str,
}

/// A unit's text and tokens, with what the document tells about words.
struct View<'a> {
    text: &'a str,
    tokens: &'a [Token],
    /// Words the document writes in lower case somewhere (so a capital at a
    /// sentence start is not a name: `Users have reported`).
    lowercase_seen: &'a HashSet<String>,
}

impl View<'_> {
    /// The text of tokens `range`, possessive dropped from the last one.
    fn span_text(&self, range: Range<usize>) -> String {
        let Some(first) = self.tokens.get(range.start) else { return String::new() };
        let Some(last) = range.end.checked_sub(1).and_then(|i| self.tokens.get(i)) else {
            return String::new();
        };
        let text = &self.text[first.range.start..last.range.end.max(first.range.start)];
        let text = if last.is_possessive {
            text.strip_suffix("’s").or_else(|| text.strip_suffix("'s")).unwrap_or(text)
        } else {
            text
        };
        text.to_string()
    }

    /// Byte range in the text of tokens `range`.
    fn byte_range(&self, range: Range<usize>) -> Range<usize> {
        let last = range.end.checked_sub(1).and_then(|i| self.tokens.get(i));
        match (self.tokens.get(range.start), last) {
            (Some(first), Some(last)) => {
                first.range.start..last.range.end.max(first.range.start)
            }
            _ => 0..0,
        }
    }

    /// The number of words in tokens `range`.
    fn words_in(&self, range: &Range<usize>) -> usize {
        self.tokens[range.clone()].iter().filter(|t| t.is_word).count()
    }

    /// The name a chunk spells: its text without a final possessive, a broken
    /// domain rejoined (`People. cn` -> `People.cn`).
    fn chunk_text(&self, chunk: &Range<usize>) -> String {
        let mut name = self.span_text(chunk.clone());
        if let Some(next) = self.tokens.get(chunk.end)
            && next.is(".")
            && let Some(domain) = self.tokens.get(chunk.end + 1)
            && domain.is_word
            && DOMAINS.contains(&domain.lower.as_str())
        {
            name.push('.');
            name.push_str(&domain.lower);
        }
        name
    }

    /// Whether token `i` may be part of a name.
    fn is_name_word(&self, i: usize) -> bool {
        let Some(token) = self.tokens.get(i) else { return false };
        if !token.is_word || !token.is_capital || token.in_quote {
            return false;
        }
        let lower = token.lower.as_str();
        if (NOT_NAMES.contains(lower) && !token.is_acronym) || TITLES.contains(lower) {
            return false;
        }
        if lower.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
        // A capital at the start of a sentence (or after an opening mark) on
        // a word the text also writes in lower case: a common noun.
        let sentence_start = i == 0
            || (i == 1 && !self.tokens[0].is_word)
            || self.tokens[i - 1].is(":")
            || self.tokens[i - 1].is("“");
        let common = self.lowercase_seen.contains(lower)
            || [
                &GENERIC_HEADS,
                &INSTITUTION_HEADS,
                &ANONYMOUS_HEADS,
                &DOCUMENT_HEADS,
                &COMPANY_HEADS,
                &OUTLET_HEADS,
                &PEOPLE_HEADS,
            ]
            .iter()
            .any(|words| words.contains(lower));
        // Unless a name goes on after it (`Ministry of Foreign Affairs`).
        let name_goes_on = || {
            let next = self.tokens.get(i + 1);
            next.is_some_and(|n| {
                n.is_word && n.is_capital && !TITLES.contains(n.lower.as_str())
            }) || (next.is_some_and(|n| n.word("of") || n.word("for"))
                && self.tokens.get(i + 2).is_some_and(|n| n.is_word && n.is_capital))
        };
        !(sentence_start && common) || name_goes_on()
    }

    /// Whether token `i` is a title (`spokesman`, `President`).
    fn is_title(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| {
            t.is_word && !t.in_quote && TITLES.contains(t.lower.as_str())
        })
    }

    /// The title right before token `at` (`spokesman Zhao`, `Sgt. Mark`).
    fn title_before(&self, at: usize) -> Option<usize> {
        let before = at.checked_sub(1)?;
        if self.is_title(before) {
            return Some(before);
        }
        let title = before.checked_sub(1)?;
        (self.tokens[before].is(".") && self.is_title(title)).then_some(title)
    }

    /// Whether a bracketed gloss in CJK script starts at token `at`
    /// (`(趙志國)`).
    fn cjk_gloss_at(&self, at: usize) -> bool {
        let (Some(open), Some(gloss), Some(close)) =
            (self.tokens.get(at), self.tokens.get(at + 1), self.tokens.get(at + 2))
        else {
            return false;
        };
        open.is("(")
            && close.is(")")
            && gloss.is_word
            && self.text[gloss.range.clone()].chars().all(|c| c as u32 >= 0x2E80)
    }

    /// The index after a bracketed gloss that starts at `at` (at most eight
    /// tokens), if one does.
    fn skip_gloss(&self, at: usize, end: usize) -> Option<usize> {
        if !self.tokens.get(at)?.is("(") {
            return None;
        }
        (at + 1..end.min(at + 8)).find(|&k| self.tokens[k].is(")")).map(|close| close + 1)
    }

    /// The chunks of capitalised words in tokens `range`: maximal runs of
    /// name words, joined by connectors (`of`, `and`) between capitals and by
    /// the periods of initials (`St. J. McCormick`), with a bracketed gloss
    /// after a name skipped (`Zhao Zhiguo (趙志國)`); a possessive ends its
    /// chunk.
    fn chunks(&self, range: Range<usize>) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut i = range.start;
        while i < range.end {
            if !self.is_name_word(i) {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i + 1;
            while end < range.end && !self.tokens[end - 1].is_possessive {
                let token = &self.tokens[end];
                let joins_next = end + 1 < range.end && self.is_name_word(end + 1);
                // `of`, `and` between capitals; the period of an initial.
                let connector = token.is_word
                    && !token.is_capital
                    && CONNECTORS.contains(token.lower.as_str());
                let initial =
                    token.is(".") && self.tokens[end - 1].lower.chars().count() <= 3;
                if self.is_name_word(end) {
                    end += 1;
                } else if joins_next && (connector || initial) {
                    end += 2;
                } else {
                    break;
                }
            }
            out.push(start..end);
            i = self.skip_gloss(end, range.end).unwrap_or(end);
        }
        out
    }

    /// When the words from token `at` are `, (a|the)? … title`: the index of
    /// the title (an appositive that makes the name before it a person).
    fn appositive_title(&self, at: usize) -> Option<usize> {
        let mut i = self.skip_gloss(at, self.tokens.len()).unwrap_or(at);
        if !self.tokens.get(i)?.is(",") {
            return None;
        }
        i += 1;
        for k in i..(i + 5).min(self.tokens.len()) {
            let token = &self.tokens[k];
            if !token.is_word || token.in_quote {
                return None;
            }
            if TITLES.contains(token.lower.as_str()) && (!token.is_capital || k > i) {
                return Some(k);
            }
            if k > i && (token.is_capital || POSTMODIFIERS.contains(token.lower.as_str()))
            {
                return None;
            }
        }
        None
    }
}

/// Whether tokens `range` hold words that make a source anonymous
/// (`familiar with`, `declined to be named`, `not to be identified`).
fn anonymity_in(tokens: &[Token]) -> bool {
    tokens.iter().enumerate().any(|(k, t)| {
        ANONYMITY_MARKERS.contains(t.lower.as_str())
            || (t.lower == "not"
                && tokens[k + 1..]
                    .iter()
                    .take(3)
                    .any(|n| n.lower == "named" || n.lower == "identified"))
    })
}

/// The best claim of a unit: a named source before an anonymous one before a
/// generic one, the first of equals.
fn best_claim(view: &View<'_>, mentions: &Mentions, memory: &Memory) -> Option<Found> {
    let tokens = view.tokens;
    let has_quote = tokens.iter().any(|t| t.in_quote);
    let mut best: Option<Found> = None;
    let mut consumed_until = 0;
    for i in 0..tokens.len() {
        let token = &tokens[i];
        if !token.is_word
            || token.in_quote
            || (token.is_capital && i > 0)
            || i < consumed_until
        {
            continue;
        }
        let context = Context { mentions, memory, has_quote, verb: token.lower.as_str() };
        let candidate = match token.lower.as_str() {
            "according" if tokens.get(i + 1).is_some_and(|t| t.word("to")) => {
                let np = np_right(view, i + 2);
                if let Some(np) = &np {
                    consumed_until = np.end;
                }
                np.and_then(|np| source_of(view, np, i..i + 2, &context))
            }
            "citing" if i > 0 => np_right(view, i + 1)
                .and_then(|np| source_of(view, np, i..i + 1, &context)),
            "per" if i > 0 => per(view, i, &context),
            "to" if i == 0 => stance(view, &context),
            lower if PARTICIPLES.contains(lower) && i > 0 && tokens[i - 1].is(",") => {
                leading_subject(view).and_then(|np| {
                    let found = source_of(view, np, i..i + 1, &context)?;
                    Some(Found { weak: true, ..found })
                })
            }
            _ => verb_claim(view, i, &context),
        };
        if let Some(candidate) = candidate
            && best.as_ref().is_none_or(|b| candidate.rank() > b.rank())
        {
            best = Some(candidate);
        }
    }
    if let Some(best) = &mut best {
        best.has_quote = has_quote;
    }
    best
}

/// A claim at reporting verb `i`, if it is one.
fn verb_claim(view: &View<'_>, i: usize, context: &Context<'_>) -> Option<Found> {
    let tokens = view.tokens;
    let lower = tokens[i].lower.as_str();
    let strong = STRONG_VERBS.contains(lower)
        && (lower != "pointed" || tokens.get(i + 1).is_some_and(|t| t.word("out")));
    let weak = QUOTE_VERBS.contains(lower);
    let naming = NAMING_VERBS.contains(lower);
    let issued =
        if ISSUE_VERBS.contains(lower) { issued_document(view, i) } else { None };
    if !(strong || weak || naming || issued.is_some()) {
        return None;
    }
    // Hyphenated uses (`so-called`) are one word and never reach here.
    let (aux_start, before) = skip_auxiliaries(view, i);
    let negated = tokens[aux_start..i].iter().any(|t| {
        t.word("not")
            || t.word("never")
            || t.lower.ends_with("n’t")
            || t.lower.ends_with("n't")
    });
    let previous = before.map(|b| &tokens[b]);
    if negated || previous.is_some_and(|p| p.word("to")) {
        return None;
    }
    let passive =
        previous.is_some_and(|p| p.is_word && BE_FORMS.contains(p.lower.as_str()));

    // `X was quoted as saying`, `X was quoted by Xinhua as saying`: X
    // speaks, through the agent if one is named.
    if lower == "quoted"
        && passive
        && let Some(be) = before
        && let Some(as_at) =
            (i + 1..(i + 6).min(tokens.len())).find(|&k| tokens[k].word("as"))
        && tokens
            .get(as_at + 1)
            .is_some_and(|t| t.lower == "saying" || t.lower == "telling")
    {
        let (be_start, _) = skip_auxiliaries(view, be);
        let np = np_left(view, be_start)?;
        let mut found = source_of(view, np, be_start..as_at + 2, context)?;
        if tokens[i + 1].word("by")
            && let Some(agent) = np_right(view, i + 2)
            && let Some(chunk) = view.chunks(agent.start..agent.end.min(as_at)).first()
        {
            found.via = Some(strip_the(&view.chunk_text(chunk)));
        }
        return Some(found);
    }
    // The agent of a passive or of a naming participle (`nicknamed “…” by`,
    // `as reported by Reuters`).
    if naming || passive {
        let participle = passive || !(strong || weak) || lower == "nicknamed";
        let by_agent = agent_by(view, i, participle).and_then(|by| {
            let np = np_right(view, by + 1)?;
            source_of(view, np, i..by + 1, context)
        });
        if by_agent.is_some() || passive || !(strong || weak || issued.is_some()) {
            return by_agent;
        }
    }
    if weak && !strong && !context.has_quote {
        return None;
    }
    if matches!(lower, "told" | "tells" | "tell")
        && let Some(object) = np_right(view, i + 1)
        && object.len() <= 4
        && tokens.get(object.end).is_some_and(|t| t.word("to"))
    {
        // `told them to stop` is an order, not speech.
        return None;
    }
    let inverted = previous.is_some_and(|p| {
        p.is(",") || p.is("”") || p.is("\"") || p.is(":") || p.is("—") || p.is("–")
    });
    // After `told` and `asked` comes the listener, never the speaker.
    let listener_follows = matches!(lower, "told" | "tells" | "tell" | "asked" | "asks");
    let needs_complement =
        COMPLEMENT_VERBS.contains(lower) && !inverted && !has_speech_complement(view, i);
    if needs_complement && !matches!(lower, "reported" | "reports") {
        return None;
    }
    let cue_end = cue_end(view, i, lower, issued.is_some());

    let mut found = if inverted {
        // `Angel Zhao, president of …, said` or `“…,” says Peter Chow-white`.
        let comma = before.unwrap_or(0);
        appositive_subject(view, comma)
            .and_then(|(np, aside)| {
                let mut found = source_of(view, np, aux_start..cue_end, context)?;
                if anonymity_in(&tokens[aside]) && !found.named {
                    found.speaker_type = "anonymous";
                }
                Some(found)
            })
            .or_else(|| {
                if listener_follows
                    || tokens
                        .get(i + 1)
                        .is_some_and(|t| t.is_word && is_preposition(&t.lower))
                {
                    return None;
                }
                let np = np_right(view, i + 1)?;
                let mut found = source_of(view, np.clone(), i..i + 1, context)?;
                // `said the people, who asked not to be identified`
                if !found.named
                    && tokens.get(np.end).is_some_and(|t| t.is(","))
                    && anonymity_in(&tokens[np.end..(np.end + 12).min(tokens.len())])
                    && found.speaker_type != "generic"
                {
                    found.speaker_type = "anonymous";
                }
                Some(found)
            })
    } else if before.is_some() {
        let np = np_left(view, aux_start)?;
        source_of(view, np.clone(), aux_start..cue_end, context).or_else(|| {
            // `an official who declined to be named said`: the subject runs
            // over a relative clause.
            let relative = np.start.checked_sub(1).filter(|&k| {
                tokens[k].word("who") || tokens[k].word("that") || tokens[k].word("whose")
            })?;
            let outer = np_left(view, relative)?;
            let mut found =
                source_of(view, outer.start..np.end, aux_start..cue_end, context)?;
            if anonymity_in(&tokens[relative..np.end]) && !found.named {
                found.speaker_type = "anonymous";
            }
            Some(found)
        })
    } else {
        None
    }?;
    // `The New York Times reported the talks`: an outlet reports what it
    // reports; anyone else may report a loss.
    if needs_complement && found.speaker_type != "news_outlet" {
        return None;
    }
    if found.via.is_none() {
        found.via = via(view, i, lower, &found, context.memory);
    }
    found.document = match lower {
        "announced" | "announces" => Some("announcement".to_string()),
        "reported" | "reports" => Some("report".to_string()),
        "warned" | "warns" => Some("warning".to_string()),
        _ => issued.or_else(|| said_in_document(view, i)),
    };
    Some(found)
}

/// Whether verb `i` is followed by what speech is followed by: `that`, a
/// comma, a colon, a quotation or the end of the sentence, right away, after
/// words of time (`added on Tuesday that`) or after a prepositional phrase
/// (`stated in a post on social media that`).
fn has_speech_complement(view: &View<'_>, i: usize) -> bool {
    const TIME: &[&str] = &[
        "yesterday",
        "today",
        "tonight",
        "earlier",
        "later",
        "separately",
        "also",
        "last",
        "this",
        "week",
        "month",
        "year",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "morning",
        "evening",
        "night",
        "afternoon",
    ];
    let is_marker = |t: &Token| {
        t.word("that") || [",", ":", ".", ";", "“", "\"", "—"].iter().any(|m| t.is(m))
    };
    let mut in_phrase = false;
    for token in view.tokens.iter().skip(i + 1).take(9) {
        if is_marker(token) {
            return true;
        }
        if !token.is_word || token.in_quote {
            return false;
        }
        let lower = token.lower.as_str();
        if TIME.contains(&lower) {
            continue;
        }
        if is_preposition(lower) {
            in_phrase = true;
            continue;
        }
        if !in_phrase {
            return false;
        }
    }
    view.tokens.len() <= i + 1
}

/// The document that issue verb `i` issues (`issued a warning`).
fn issued_document(view: &View<'_>, i: usize) -> Option<String> {
    view.tokens.iter().skip(i + 1).take(3).find_map(|t| {
        let lower = t.lower.as_str();
        (t.is_word && ISSUED_DOCUMENTS.contains(lower)).then(|| t.lower.clone())
    })
}

/// `statement` of `said in a statement` after verb `i`.
fn said_in_document(view: &View<'_>, i: usize) -> Option<String> {
    let tokens = view.tokens;
    if !tokens.get(i + 1)?.word("in") {
        return None;
    }
    tokens.iter().skip(i + 2).take(3).find_map(|t| {
        (t.is_word && DOCUMENT_HEADS.contains(t.lower.as_str())).then(|| t.lower.clone())
    })
}

/// The first word of the auxiliaries and adverbs before verb `i`
/// (`have also said`), and the index of the word before them.
fn skip_auxiliaries(view: &View<'_>, i: usize) -> (usize, Option<usize>) {
    let mut start = i;
    while start > 0 && i - start < 4 {
        let token = &view.tokens[start - 1];
        let skip = token.is_word
            && !token.in_quote
            && !token.is_capital
            && (AUXILIARIES.contains(token.lower.as_str())
                || token.lower == "not"
                || token.lower == "never"
                || token.lower.ends_with("n’t")
                || token.lower.ends_with("n't")
                || (token.lower.ends_with("ly") && token.lower.len() > 4));
        if !skip {
            break;
        }
        start -= 1;
    }
    (start, start.checked_sub(1))
}

/// The end of the cue words that start at verb `i`: `told the newspaper`,
/// `issued a warning`, `said in the announcement`.
fn cue_end(view: &View<'_>, i: usize, lower: &str, issue: bool) -> usize {
    let tokens = view.tokens;
    if issue
        && let Some(k) = (i + 1..(i + 4).min(tokens.len()))
            .find(|&k| ISSUED_DOCUMENTS.contains(tokens[k].lower.as_str()))
    {
        return k + 1;
    }
    if lower == "pointed" {
        return (i + 2).min(tokens.len());
    }
    if matches!(lower, "told" | "tells" | "tell" | "asked" | "asks")
        && let Some(object) = np_right(view, i + 1)
        && object.len() <= 6
    {
        let mut end = object.end;
        // `asked People. cn`
        if tokens.get(end).is_some_and(|t| t.is("."))
            && tokens.get(end + 1).is_some_and(|t| DOMAINS.contains(&t.lower.as_str()))
        {
            end += 2;
        }
        return end;
    }
    if let Some(after) = tokens.get(i + 1)
        && after.word("in")
        && let Some(np) = np_right(view, i + 2)
        && np.len() <= 3
        && tokens[np.clone()].iter().any(|t| DOCUMENT_HEADS.contains(t.lower.as_str()))
    {
        return np.end;
    }
    i + 1
}

/// `by` after naming verb `i` within its clause (quoted words may sit in
/// between: `nicknamed “viral enterprises” by …`); right after the verb only
/// unless `participle` (`as reported by`).
fn agent_by(view: &View<'_>, i: usize, participle: bool) -> Option<usize> {
    let tokens = view.tokens;
    if !participle {
        return tokens.get(i + 1).filter(|t| t.word("by")).map(|_| i + 1);
    }
    let mut words = 0;
    for (k, token) in tokens.iter().enumerate().skip(i + 1) {
        if token.word("by") && !token.in_quote {
            return Some(k);
        }
        if token.in_quote || token.is("“") || token.is("”") || token.is("\"") {
            continue;
        }
        if !token.is_word && !token.is("-") || token.word("that") {
            return None;
        }
        words += 1;
        if words > 6 {
            return None;
        }
    }
    None
}

/// The noun phrase that starts at token `start`: up to a mark, a quotation
/// or a clause word, at most 12 tokens; a bracketed gloss is kept.
fn np_right(view: &View<'_>, start: usize) -> Option<Range<usize>> {
    let tokens = view.tokens;
    let mut end = start;
    while end < tokens.len() && end - start < 12 {
        let token = &tokens[end];
        if token.in_quote {
            break;
        }
        if let Some(after) = view.skip_gloss(end, tokens.len()) {
            end = after;
            continue;
        }
        if token.is(".")
            && end > start
            && (view.is_name_word(end - 1) || view.is_title(end - 1))
            && view.is_name_word(end + 1)
        {
            // Initials and abbreviated titles: `Kathaleen St. J. McCormick`,
            // `Sgt. Mark Francis`.
            end += 1;
            continue;
        }
        if !token.is_word && !token.is("-") && !token.is("&") {
            break;
        }
        if token.is_word && token.lower == "and" {
            // `tech and commerce publications`, `Reuters and Bloomberg`; not
            // `and the company …`, `and he …`.
            let joins = tokens.get(end + 1).is_some_and(|n| {
                n.is_word
                    && !n.in_quote
                    && !DETERMINERS.contains(n.lower.as_str())
                    && !matches!(
                        n.lower.as_str(),
                        "he" | "she" | "they" | "it" | "we" | "i"
                    )
            });
            if !joins {
                break;
            }
        } else if token.is_word
            && end > start
            && !token.is_acronym
            && NP_STOPS.contains(token.lower.as_str())
        {
            break;
        }
        if token.is_word
            && end > start
            && !token.is_capital
            && STRONG_VERBS.contains(token.lower.as_str())
        {
            break;
        }
        end += 1;
    }
    (end > start).then_some(start..end)
}

/// The subject noun phrase that ends before token `end` (walking left over
/// words, initials and bracketed glosses to a mark or a clause word), with a
/// leading prepositional phrase cut off (`On Tuesday the company`).
fn np_left(view: &View<'_>, end: usize) -> Option<Range<usize>> {
    let tokens = view.tokens;
    let mut start = end;
    while start > 0 {
        let token = &tokens[start - 1];
        if token.in_quote {
            break;
        }
        if token.is(")") {
            match (start.saturating_sub(8)..start - 1).rev().find(|&k| tokens[k].is("("))
            {
                Some(open) => {
                    start = open;
                    continue;
                }
                None => break,
            }
        }
        if token.is(".")
            && start >= 2
            && (view.is_name_word(start - 2) || view.is_title(start - 2))
            && view.is_name_word(start)
        {
            start -= 1;
            continue;
        }
        if !token.is_word && !token.is("-") && !token.is("&") {
            break;
        }
        if token.is_word && token.lower == "and" {
            if !(start >= 2 && view.is_name_word(start - 2) && view.is_name_word(start)) {
                break;
            }
        } else if token.is_word
            && !token.is_acronym
            && NP_STOPS.contains(token.lower.as_str())
        {
            break;
        }
        start -= 1;
        if end - start > 18 {
            return None;
        }
    }
    if start == end {
        return None;
    }
    // A leading prepositional phrase: keep from the last determiner or
    // pronoun, else from the first name.
    let first = &tokens[start];
    if first.is_word && is_preposition(&first.lower) {
        let cut = (start + 1..end)
            .rev()
            .find(|&k| {
                let t = &tokens[k];
                t.is_word
                    && (DETERMINERS.contains(t.lower.as_str())
                        || matches!(t.lower.as_str(), "he" | "she" | "they" | "it"))
            })
            .or_else(|| (start + 1..end).find(|&k| view.is_name_word(k)))?;
        start = cut;
    }
    Some(start..end)
}

/// Whether `lower` is a preposition that may open a phrase before a subject.
fn is_preposition(lower: &str) -> bool {
    matches!(
        lower,
        "on" | "in"
            | "at"
            | "after"
            | "before"
            | "during"
            | "for"
            | "from"
            | "with"
            | "by"
            | "since"
            | "until"
            | "over"
            | "under"
            | "last"
            | "earlier"
            | "later"
            | "of"
            | "to"
            | "about"
            | "into"
            | "through"
            | "via"
            | "per"
            | "following"
    )
}

/// For a verb after a comma: the subject before an appositive (`Angel Zhao,
/// president of …, said`; `Smith, 45, said`; `The company, which …,
/// said`; `officials, speaking on condition of anonymity, said`), and the
/// appositive's tokens. `comma` is the index of the comma before the verb.
fn appositive_subject(
    view: &View<'_>,
    comma: usize,
) -> Option<(Range<usize>, Range<usize>)> {
    let tokens = view.tokens;
    if !tokens.get(comma)?.is(",") {
        return None;
    }
    let opening = (comma.saturating_sub(16)..comma).rev().find(|&k| tokens[k].is(","))?;
    let first = tokens.get(opening + 1)?;
    let titled = view.appositive_title(opening).is_some();
    // A relative or participial clause: `, who …,`, `, published in Nature,`.
    let clause = first.is_word
        && !first.is_capital
        && (matches!(
            first.lower.as_str(),
            "who" | "which" | "speaking" | "whose" | "citing"
        ) || first.lower.ends_with("ed"));
    let age = first.is_word
        && first.lower.chars().all(|c| c.is_ascii_digit())
        && comma == opening + 2;
    // `One witness, Matt Perlstein, told …`: the appositive is the name.
    let chunks = view.chunks(opening + 1..comma);
    if let [chunk] = chunks.as_slice()
        && chunk.start == opening + 1
        && view.skip_gloss(chunk.end, comma).unwrap_or(chunk.end) == comma
        && view.words_in(chunk) >= 2
    {
        let before = np_left(view, opening)?;
        let head = view.tokens[before.clone()].iter().rev().find(|t| t.is_word)?;
        if TITLES.contains(head.lower.as_str())
            || GENERIC_HEADS.contains(head.lower.as_str())
        {
            return Some((opening + 1..comma, before));
        }
    }
    if !(titled || clause || age) {
        return None;
    }
    let np = np_left(view, opening)?;
    // An appositive title makes the subject a person: it must be a name.
    if titled && view.chunks(np.clone()).is_empty() {
        return None;
    }
    Some((np, opening + 1..comma))
}

/// The subject that opens the unit, after an opening adverbial
/// (`Separately, KMT Legislator Apollo Chen (陳學聖) accused …`): names,
/// titles, determiners and glosses up to the first other word.
fn leading_subject(view: &View<'_>) -> Option<Range<usize>> {
    let tokens = view.tokens;
    let mut start = 0;
    if let Some(comma) = tokens.iter().take(8).position(|t| t.is(","))
        && tokens.first().is_some_and(|t| {
            t.is_word
                && (is_preposition(&t.lower)
                    || t.lower.ends_with("ly")
                    || t.lower == "separately")
        })
    {
        start = comma + 1;
    }
    let mut end = start;
    while end < tokens.len() && end - start < 14 {
        if let Some(after) = view.skip_gloss(end, tokens.len()) {
            end = after;
            continue;
        }
        let token = &tokens[end];
        let fits = view.is_name_word(end)
            || view.is_title(end)
            || (token.is_word
                && (DETERMINERS.contains(token.lower.as_str())
                    || matches!(token.lower.as_str(), "he" | "she" | "they" | "it")))
            || (token.is(".") && view.is_name_word(end + 1));
        if !fits {
            break;
        }
        end += 1;
    }
    (end > start && view.chunks(start..end).len() + usize::from(end - start == 1) > 0)
        .then_some(start..end)
}

/// `To experts who study …, …`, `To media in the West, …`: a stance
/// attributed to a group of people (or to a person met before).
fn stance(view: &View<'_>, context: &Context<'_>) -> Option<Found> {
    let tokens = view.tokens;
    let comma = tokens.iter().take(16).position(|t| t.is(","))?;
    if comma < 2 {
        return None;
    }
    let np = 1..comma;
    let people = tokens[1..comma.min(4)].iter().any(|t| {
        GENERIC_HEADS.contains(t.lower.as_str()) && t.lower != "many" && t.lower != "some"
    });
    let known_person = view
        .chunks(np.clone())
        .first()
        .is_some_and(|c| c.start == 1 && context.memory.person_of(view, c).is_some());
    if !people && !known_person {
        return None;
    }
    let source = source_of(view, np, 0..1, context)?;
    Some(Found { cue: None, ..source })
}

/// `per The Wall Street Journal`: a named source only.
fn per(view: &View<'_>, i: usize, context: &Context<'_>) -> Option<Found> {
    let np = np_right(view, i + 1)?;
    let chunk = view.chunks(np.clone()).into_iter().next()?;
    let at_start = chunk.start == np.start
        || (chunk.start == np.start + 1 && view.tokens[np.start].word("the"));
    // `per share`, `per Share`: only a name that is clearly a source's.
    let source_like = is_outlet_name(&view.chunk_text(&chunk).to_lowercase())
        || org_kind(view, &chunk).is_some()
        || context.memory.person_of(view, &chunk).is_some()
        || view.words_in(&chunk) >= 2;
    if !(at_start && source_like) {
        return None;
    }
    source_of(view, np, i..i + 1, context).filter(|found| found.named)
}

/// The relaying outlet of a claim at verb `i`: the object of `told` or
/// `asked` when it is an outlet (`told the Financial Times`, `asked People.
/// cn`, `told the newspaper` for the outlet named before), or the document
/// of `said in the announcement`.
fn via(
    view: &View<'_>,
    i: usize,
    lower: &str,
    found: &Found,
    memory: &Memory,
) -> Option<String> {
    let tokens = view.tokens;
    if matches!(lower, "told" | "tells" | "tell" | "asked" | "asks") {
        let object = np_right(view, i + 1)?;
        if let Some(chunk) = view.chunks(object.clone()).first() {
            let name = strip_the(&view.chunk_text(chunk));
            if is_outlet_name(&name.to_lowercase()) && name != found.source {
                return Some(name);
            }
            return None;
        }
        let head = tokens[object.clone()].iter().rev().find(|t| t.is_word)?;
        if OUTLET_HEADS.contains(head.lower.as_str()) && tokens[object.start].word("the")
        {
            return memory.last_outlet.clone();
        }
        return None;
    }
    // `said in the announcement`: the organisation's announcement.
    if tokens.get(i + 1).is_some_and(|t| t.word("in"))
        && tokens.get(i + 2).is_some_and(|t| t.word("the"))
        && let Some(document) =
            tokens.get(i + 3).filter(|t| DOCUMENT_HEADS.contains(t.lower.as_str()))
        && let Some((owner, _)) = memory.document_owner(&document.lower)
        && owner != found.source
    {
        return Some(format!("{owner} {}", document.lower));
    }
    None
}

// ---------------------------------------------------------------------------
// Sources.

/// The source that noun phrase `np` names, for a claim with cue `cue`.
fn source_of(
    view: &View<'_>,
    np: Range<usize>,
    cue: Range<usize>,
    context: &Context<'_>,
) -> Option<Found> {
    let tokens = view.tokens;
    let memory = context.memory;
    let cue_bytes = Some(view.byte_range(cue));
    let span = Some(view.byte_range(np.clone()));
    let make = |source: String, named: bool, speaker_type: &'static str| Found {
        source,
        source_span: span.clone(),
        named,
        speaker_type,
        cue: cue_bytes.clone(),
        via: None,
        has_quote: context.has_quote,
        owner: None,
        document: None,
        weak: false,
    };
    // Strip determiners and quantifiers (`a`, `the`, `two`, `a 2016`, `one
    // of the`).
    let mut start = np.start;
    let mut definite = false;
    let mut partitive = false;
    while let Some(token) = tokens.get(start).filter(|_| start < np.end) {
        let lower = token.lower.as_str();
        let strip = token.is_word
            && (DETERMINERS.contains(lower)
                || lower.chars().all(|c| c.is_ascii_digit())
                || (lower == "of" && start > np.start));
        if !strip {
            break;
        }
        definite |= lower == "the";
        partitive |= lower == "of";
        start += 1;
    }
    let words: Vec<usize> = (start..np.end).filter(|&k| tokens[k].is_word).collect();
    let (&first_index, &last_index) = (words.first()?, words.last()?);
    let first = &tokens[first_index];
    if tokens[last_index].is_possessive && words.len() == 1 {
        return None;
    }

    // Pronouns.
    if words.len() == 1 && start == np.start {
        match first.lower.as_str() {
            lower if PERSON_PRONOUNS.contains(&lower) => {
                let person =
                    context.mentions.person_before(np.start).or(memory.last_person);
                return Some(match person.and_then(|p| memory.persons.get(p)) {
                    Some(name) => make(name.clone(), true, "named_person"),
                    None => make(first.lower.clone(), false, "anonymous"),
                });
            }
            "they" => {
                let previous = memory.last_claim.as_ref()?;
                return Some(Found {
                    source_span: span.clone(),
                    cue: cue_bytes.clone(),
                    has_quote: context.has_quote,
                    weak: false,
                    ..previous.clone()
                });
            }
            "it" => {
                let (org, kind, unit) = memory.last_org_claim.as_ref()?;
                return (memory.unit - unit <= ANAPHOR_REACH)
                    .then(|| make(org.clone(), true, kind));
            }
            "i" | "we" | "you" | "this" | "that" | "which" | "who" | "what" => {
                return None;
            }
            _ => {}
        }
    }
    // `its website`, `his blog`.
    if matches!(first.lower.as_str(), "its" | "his" | "her" | "their") {
        let head = tokens.get(*words.last()?)?;
        let document = DOCUMENT_HEADS.contains(head.lower.as_str());
        let speaker = TITLES.contains(head.lower.as_str())
            || PEOPLE_HEADS.contains(head.lower.as_str());
        if !(document || speaker) || words.len() > 3 {
            return None;
        }
        let owner = match first.lower.as_str() {
            "its" | "their" => subject_name(view).or_else(|| memory.last_org.clone()),
            _ => context
                .mentions
                .person_before(np.start)
                .or(memory.last_person)
                .and_then(|p| memory.persons.get(p).cloned()),
        }?;
        if speaker {
            // `His spokesman told reporters`: someone speaking for the owner.
            return Some(make(format!("{owner} {}", head.lower), true, "organization"));
        }
        let kind = if REPORT_HEADS.contains(head.lower.as_str()) {
            "organization_report"
        } else {
            "organization"
        };
        let mut found = make(format!("{owner} {}", head.lower), true, kind);
        found.owner = Some(owner);
        found.document = Some(head.lower.clone());
        return Some(found);
    }

    // Where the head ends and what modifies it begins; `a rash of tech and
    // commerce publications` has its head after `of`.
    let find_post = |from: usize| {
        (from..np.end).find(|&k| {
            let t = &tokens[k];
            t.is_word
                && !t.is_capital
                && POSTMODIFIERS.contains(t.lower.as_str())
                && !(CONNECTORS.contains(t.lower.as_str())
                    && view.is_name_word(k.saturating_sub(1))
                    && view.is_name_word(k + 1))
        })
    };
    let mut post = find_post(start + 1).unwrap_or(np.end);
    let mut head_start = start;
    if let Some(head) = (start..post).rev().find(|&k| tokens[k].is_word)
        && QUANTITY_NOUNS.contains(tokens[head].lower.as_str())
        && tokens.get(post).is_some_and(|t| t.word("of"))
        && post < np.end
    {
        head_start = post + 1;
        while tokens.get(head_start).is_some_and(|t| t.word("the")) && head_start < np.end
        {
            definite = true;
            head_start += 1;
        }
        partitive = true;
        post = find_post(head_start + 1).unwrap_or(np.end);
    }
    let head_region = head_start..post.max(head_start);
    let head_index = head_region.clone().rev().find(|&k| tokens[k].is_word);
    let head = head_index.map_or("", |k| tokens[k].lower.as_str());
    let anonymous_marked = anonymity_in(&tokens[np.clone()]);

    // A title followed by a name: the person (`spokesman Zhao Zhiguo`).
    let chunks = view.chunks(head_region.clone());
    // The last such name: `Deputy Legislative Speaker Tsai Chi-chang`.
    for chunk in chunks.iter().rev() {
        if chunk.start > np.start && view.title_before(chunk.start).is_some() {
            // `Maria Lopez of Stanford University`: the person, not the place.
            let cut = (chunk.start + 1..chunk.end).find(|&k| tokens[k].word("of"));
            let chunk = &match cut {
                Some(k) if org_kind(view, &(k + 1..chunk.end)).is_some() => {
                    chunk.start..k
                }
                _ => chunk.clone(),
            };
            let name = view.chunk_text(chunk);
            let name = match memory.person_of(view, chunk) {
                Some(person) if view.words_in(chunk) == 1 => {
                    memory.persons[person].clone()
                }
                _ => name,
            };
            return Some(make(name, true, "named_person"));
        }
    }

    // Anonymous heads win over names in their modifiers (`a source close to
    // Alibaba`); `the people`, `one of the people` are the sources met before.
    let people_like = matches!(head, "people" | "persons");
    // `two people`, `several people`: counted, so particular, so anonymous.
    let counted = (np.start..start).any(|k| {
        let lower = tokens[k].lower.as_str();
        lower.chars().all(|c| c.is_ascii_digit())
            || matches!(
                lower,
                "two" | "three" | "four" | "five" | "several" | "one" | "both"
            )
    });
    let officials = INSTITUTION_HEADS.contains(head)
        || PEOPLE_HEADS.contains(head)
        || TITLES.contains(head);
    if ANONYMOUS_HEADS.contains(head)
        || (people_like && (anonymous_marked || definite || partitive || counted))
        || (officials && anonymous_marked && chunks.is_empty())
    {
        let text = view.span_text(start..np.end);
        let text =
            if text.contains("anonymous") { text } else { format!("anonymous {text}") };
        return Some(make(text, false, "anonymous"));
    }

    // Names: the first that is neither a possessor nor a nationality.
    let names: Vec<&Range<usize>> =
        chunks.iter().filter(|c| !is_demonym_chunk(view, c)).collect();
    // `ABC affiliate KNXV-TV`: a name after a descriptor is the head.
    let described = names.last().filter(|c| {
        names.len() >= 2
            && c.start > head_region.start
            && tokens[c.start - 1].is_word
            && !tokens[c.start - 1].is_capital
            && !CONNECTORS.contains(tokens[c.start - 1].lower.as_str())
            && !POSTMODIFIERS.contains(tokens[c.start - 1].lower.as_str())
    });
    let chosen = described
        .or_else(|| names.iter().find(|c| !tokens[c.end - 1].is_possessive))
        .or_else(|| names.first())
        .copied();
    if let Some(chunk) = chosen {
        let name = view.chunk_text(chunk);
        let after = (chunk.end..head_region.end)
            .find(|&k| tokens[k].is_word && !tokens[k].is_capital)
            .map(|k| tokens[k].lower.as_str());
        if let Some(after) = after {
            // Only a possessor named: `China's dominant messaging platform`
            // is the company met before, `Musk's lawyer` speaks for Musk.
            if tokens[chunk.end - 1].is_possessive {
                let after = head;
                if COMPANY_HEADS.contains(after) {
                    if let Some((owner, kind, unit)) = &memory.last_org_claim
                        && memory.unit - unit <= ANAPHOR_REACH
                        && *kind != "news_outlet"
                    {
                        return Some(make(owner.clone(), true, kind));
                    }
                    if let Some(org) = &memory.last_org {
                        return Some(make(org.clone(), true, "organization"));
                    }
                }
                if TITLES.contains(after) && !PEOPLE_HEADS.contains(after) {
                    return Some(make(format!("{name} {after}"), true, "organization"));
                }
                if GENERIC_HEADS.contains(after) {
                    return Some(make(view.span_text(start..np.end), false, "generic"));
                }
            }
            if PEOPLE_HEADS.contains(after) {
                return Some(make(format!("{name} {after}"), true, "organization"));
            }
            if INSTITUTION_HEADS.contains(after) {
                return Some(make(format!("{name} {after}"), true, "institution"));
            }
            if DOCUMENT_HEADS.contains(after) {
                let kind = if REPORT_HEADS.contains(after) {
                    "organization_report"
                } else {
                    "organization"
                };
                let mut found = make(name.clone(), true, kind);
                found.owner = Some(name);
                found.document = Some(after.to_string());
                return Some(found);
            }
        }
        let (name, kind) = classify_name(view, chunk, context);
        return Some(make(name, true, kind));
    }

    // No name before the modifiers: `a spokesman for Alibaba`, `data from the
    // National Bureau of Statistics`, `a statement from the company`.
    let owner_head = DOCUMENT_HEADS.contains(head) || officials || TITLES.contains(head);
    let owner_at = (post..np.end).find(|&k| {
        tokens[k].is_word
            && matches!(tokens[k].lower.as_str(), "for" | "of" | "from" | "by" | "at")
    });
    if owner_head
        && let Some(owner_at) = owner_at
        && let Some(chunk) = view
            .chunks(owner_at + 1..np.end)
            .into_iter()
            .find(|c| !is_demonym_chunk(view, c))
    {
        let (name, kind) = classify_name(view, &chunk, context);
        if DOCUMENT_HEADS.contains(head) {
            let kind = if REPORT_HEADS.contains(head) && kind != "news_outlet" {
                "organization_report"
            } else {
                kind
            };
            let mut found = make(name.clone(), true, kind);
            found.owner = Some(name);
            found.document = Some(head.to_string());
            return Some(found);
        }
        let kind = if kind == "named_person" { "organization" } else { kind };
        return Some(make(format!("{name} {head}"), true, kind));
    }

    // No name: a word for a source named before, or a group.
    let short = head_region.len() <= 3;
    if DOCUMENT_HEADS.contains(head) && short {
        if definite && let Some((owner, kind)) = memory.document_owner(head) {
            let mut found = make(owner.clone(), true, kind);
            found.owner = Some(owner);
            found.document = Some(head.to_string());
            return Some(found);
        }
        let mut found = make(view.span_text(start..np.end), false, "generic");
        found.document = Some(head.to_string());
        return Some(found);
    }
    if OUTLET_HEADS.contains(head) && definite && short {
        if let Some(outlet) = &memory.last_outlet {
            return Some(make(outlet.clone(), true, "news_outlet"));
        }
        return Some(make(view.span_text(start..np.end), false, "generic"));
    }
    if COMPANY_HEADS.contains(head) && definite && short {
        if let Some((owner, kind, unit)) = &memory.last_org_claim
            && memory.unit - unit <= ANAPHOR_REACH
            && *kind != "news_outlet"
        {
            return Some(make(owner.clone(), true, kind));
        }
        if let Some(org) = &memory.last_org {
            return Some(make(org.clone(), true, "organization"));
        }
        return Some(make(view.span_text(start..np.end), false, "institution_generic"));
    }
    // `the premier said`: the person last introduced with that title.
    if definite
        && short
        && TITLES.contains(head)
        && let Some(&person) = memory.titled.get(head)
    {
        return Some(make(memory.persons[person].clone(), true, "named_person"));
    }
    // `White said` at a sentence start, where `white` is also a common word:
    // a person met before.
    if words.len() == 1
        && first.is_capital
        && let Some(&person) = memory.person_keys.get(&letters_key(&first.lower))
    {
        return Some(make(memory.persons[person].clone(), true, "named_person"));
    }
    // `The spokesman said` after `A Google spokesman said`.
    if definite
        && short
        && (TITLES.contains(head) || PEOPLE_HEADS.contains(head))
        && let Some(previous) = &memory.last_claim
        && previous.named
        && previous.source.ends_with(head)
    {
        return Some(make(previous.source.clone(), true, previous.speaker_type));
    }
    let text = view.span_text(start..np.end);
    if INSTITUTION_HEADS.contains(head) {
        if definite
            && short
            && let Some(name) = memory.institution(head)
        {
            return Some(make(name.clone(), true, "institution"));
        }
        return Some(make(text, false, "institution_generic"));
    }
    if GENERIC_HEADS.contains(head) || officials || people_like {
        return Some(make(text, false, "generic"));
    }
    None
}

/// The name and speaker type of a chunk that names a source: a news outlet,
/// an organisation or institution by its words, a person met before (by
/// any part of the name: `Zhao` -> `Zhao Zhiguo`) or a name of two to four
/// words; one unknown word is an outlet when it reports, else an
/// organisation.
fn classify_name(
    view: &View<'_>,
    chunk: &Range<usize>,
    context: &Context<'_>,
) -> (String, &'static str) {
    let memory = context.memory;
    let name = view.chunk_text(chunk);
    let lower = name.to_lowercase();
    if is_outlet_name(&lower) {
        return (strip_the(&name), "news_outlet");
    }
    if let Some(kind) = org_kind(view, chunk) {
        return (strip_the(&name), kind);
    }
    if let Some(person) = memory.person_of(view, chunk) {
        return (memory.persons[person].clone(), "named_person");
    }
    let words = view.words_in(chunk);
    if words == 1 {
        if let Some(full) = memory.candidates.get(&letters_key(&name)) {
            return (full.clone(), "named_person");
        }
        if memory.orgs.contains(&lower) {
            return (name, "organization");
        }
    }
    let has_connector =
        view.tokens[chunk.clone()].iter().any(|t| t.word("of") || t.word("and"));
    if (2..=4).contains(&words) && !has_connector {
        return (name, "named_person");
    }
    if matches!(context.verb, "reported" | "reports") {
        return (strip_the(&name), "news_outlet");
    }
    (strip_the(&name), "organization")
}

/// Whether a chunk is only nationality words (`Chinese`, `U.S.`).
fn is_demonym_chunk(view: &View<'_>, chunk: &Range<usize>) -> bool {
    let words: Vec<&Token> =
        view.tokens[chunk.clone()].iter().filter(|t| t.is_word).collect();
    if DEMONYMS.contains(view.span_text(chunk.clone()).to_lowercase().as_str()) {
        return true;
    }
    // `Indonesian officials`, not `Brian said`.
    let adjective = view
        .tokens
        .get(chunk.end)
        .is_some_and(|t| t.is_word && !t.is_capital && !t.in_quote);
    words.iter().all(|t| {
        let lower = t.lower.as_str();
        DEMONYMS.contains(lower)
            || (adjective
                && words.len() == 1
                && lower.chars().count() > 4
                && ["ese", "ian", "ean", "ish", "can"].iter().any(|s| lower.ends_with(s)))
    })
}

/// `the Financial Times` -> `Financial Times`.
fn strip_the(name: &str) -> String {
    name.strip_prefix("The ")
        .or_else(|| name.strip_prefix("the "))
        .unwrap_or(name)
        .to_string()
}

/// The name that opens the unit (its subject), if any: `2C2P` of `2C2P is
/// spreading`.
fn subject_name(view: &View<'_>) -> Option<String> {
    let chunk = view.chunks(0..view.tokens.len().min(8)).into_iter().next()?;
    (chunk.start == 0).then(|| view.chunk_text(&chunk))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(text: &str) -> Vec<(String, bool)> {
        attributions(text).into_iter().map(|a| (a.source, a.named)).collect()
    }

    fn one(text: &str) -> Attribution {
        let mut found = attributions(text);
        assert_eq!(found.len(), 1, "{found:#?}");
        found.remove(0)
    }

    #[test]
    fn according_to_an_outlet() {
        let text = "According to Reuters, U.S. regulators could force the firm to act.";
        let found = one(text);
        assert_eq!((found.source.as_str(), found.named), ("Reuters", true));
        assert_eq!(found.speaker_type, "news_outlet");
        assert_eq!(found.cue.map(|r| &text[r]), Some("According to"));
        assert_eq!(found.source_span.map(|r| &text[r]), Some("Reuters"));
    }

    #[test]
    fn title_gloss_short_name_and_pronoun() {
        let text = "Firms must stop blocking links, Chinese Ministry of Industry and Information \
                    Technology spokesman Zhao Zhiguo (趙志國) told a briefing yesterday. The \
                    ministry summoned executives, Zhao said. Companies fail to see it, he said.";
        let zhao = ("Zhao Zhiguo".to_string(), true);
        assert_eq!(sources(text), vec![zhao.clone(), zhao.clone(), zhao]);
    }

    #[test]
    fn anonymous_source_relayed_by_an_outlet() {
        let text = "The firm must spin off its loans, the Financial Times reported yesterday, \
                    citing a person with knowledge of the matter. “The government wants \
                    control,” the source close to financial regulators told the newspaper. \
                    “It wants to end that.”";
        let found = attributions(text);
        assert_eq!(found.len(), 3);
        assert_eq!((found[0].source.as_str(), found[0].named), ("Financial Times", true));
        assert_eq!((found[1].named, found[1].speaker_type), (false, "anonymous"));
        assert_eq!(found[1].via.as_deref(), Some("Financial Times"));
        assert_eq!(found[2].source, found[1].source);
        assert_eq!(found[2].via.as_deref(), Some("Financial Times"));
        assert!(found[2].is_continuation());
    }

    #[test]
    fn inverted_says_and_short_name_without_hyphen() {
        let text = "“Data used to be exhaust,” says Peter Chow-white, founder of a lab. \
                    Globally, according to ChowWhite, culture is changing.";
        let peter = ("Peter Chow-white".to_string(), true);
        assert_eq!(sources(text), vec![peter.clone(), peter]);
    }

    #[test]
    fn appositives_before_the_verb() {
        let found = one(
            "Angel Zhao, president of Ant Group’s International Business Group, said in a \
             statement, “We look forward to it.”",
        );
        assert_eq!(
            (found.source.as_str(), found.speaker_type),
            ("Angel Zhao", "named_person")
        );
        let found = one("Prices will rise, Jane Smith, 45, said on Tuesday.");
        assert_eq!(found.source, "Jane Smith");
        let found =
            one("The deal is off, officials, speaking on condition of anonymity, said.");
        assert_eq!((found.named, found.speaker_type), (false, "anonymous"));
    }

    #[test]
    fn not_claims() {
        for text in [
            "The same could be said for the payment systems.",
            "Alipay did not immediately respond to questions.",
            "All of this to say that the firm appears big.",
            "It was told to spin off its business.",
            "Regulators have also asked the firm to stop blocking links.",
            "The company added 500 jobs last year.",
            "The company reported a loss of $5 million.",
            "Chang said nothing. Bills passed by the Cabinet are sent on.",
            "Additional reporting by Bloomberg",
            "A representative for Twitter declined to comment.",
        ] {
            let found = attributions(text);
            let claims: Vec<_> =
                found.iter().filter(|a| !a.sentence.text.starts_with("Chang")).collect();
            assert!(claims.is_empty(), "{text}: {claims:#?}");
        }
    }

    #[test]
    fn agents_and_generic_subjects() {
        let found = one(
            "New shops opened, nicknamed “viral enterprises” by a rash of tech and commerce \
             publications.",
        );
        assert_eq!((found.named, found.speaker_type), (false, "generic"));
        let found =
            one("The users bought more. Users have even reported that scores rose.");
        assert!(!found.named);
        let found = one("Chang said that 149 bills passed by the Cabinet are waiting.");
        assert_eq!(found.source, "Chang");
        let found = one("The fine was the largest ever, as reported by Bloomberg.");
        assert_eq!(found.source, "Bloomberg");
    }

    #[test]
    fn documents_and_their_owners() {
        let text = "On April 18, Alibaba’s Ant Group fintech unit announced a “strategic \
                    partnership” with 2C2P. According to the statement, “The deal will close.” \
                    2C2P is spreading, according to its website, which lists shops.";
        let found = attributions(text);
        let got: Vec<(&str, bool)> =
            found.iter().map(|a| (a.source.as_str(), a.named)).collect();
        assert_eq!(
            got,
            vec![("Ant Group", true), ("Ant Group", true), ("2C2P website", true)]
        );
        assert_eq!(found[0].quotes.len(), 1);
        let found = one(
            "Consumers spent more, according to a 2016 Tencent Research Institute report.",
        );
        assert_eq!(found.source, "Tencent Research Institute");
        assert_eq!(found.speaker_type, "organization_report");
        let found = one(
            "Output rose 5%, according to data from the National Bureau of Statistics.",
        );
        assert_eq!(
            (found.source.as_str(), found.named),
            ("National Bureau of Statistics", true)
        );
    }

    #[test]
    fn spokesman_for_and_people_familiar() {
        let found =
            one("The talks stalled, a spokesman for the Ministry of Commerce said.");
        assert!(found.named, "{found:?}");
        assert!(found.source.contains("Ministry of Commerce"));
        let text = "Renault and Fiat discussed a merger, according to people familiar with the \
                    matter. Talks were advanced, the people said. The state is not opposed, one \
                    of the people said.";
        let found = attributions(text);
        assert_eq!(found.len(), 3);
        assert!(
            found.iter().all(|a| !a.named && a.speaker_type == "anonymous"),
            "{found:#?}"
        );
        let found = one("The plan is dead, an official who declined to be named said.");
        assert_eq!((found.named, found.speaker_type), (false, "anonymous"));
    }

    #[test]
    fn people_learnt_from_glosses_and_claims() {
        let text = "PFP Legislative Whip Diane Lee (李慶安) agreed, saying that the Cabinet was \
                    wrong. “It should act,” Lee said. CNBC’s David Faber reported that a cut is \
                    possible. The deal could move, he reported.";
        let found = attributions(text);
        let got: Vec<&str> = found.iter().map(|a| a.source.as_str()).collect();
        assert_eq!(got, vec!["Diane Lee", "Diane Lee", "David Faber", "David Faber"]);
        assert!(found.iter().all(|a| a.named && a.speaker_type == "named_person"));
    }

    #[test]
    fn pronoun_takes_the_person_in_the_same_sentence() {
        let found = one(
            "Chinese tech entrepreneur Jack Ma had been more explicit—in a 2015 talk, he \
             called data “the most valuable asset” of his company.",
        );
        assert_eq!(found.source, "Jack Ma");
        let found = attributions(
            "When Zhao, a college student, was sued, her score fell. Zhao feared the worst: \
             “Will it hurt my job seeking?” she asked People. cn.",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].source, "Zhao");
        assert_eq!(found[0].via.as_deref(), Some("People.cn"));
    }

    #[test]
    fn quote_running_over_paragraphs_takes_the_later_speaker() {
        // News style: a quotation that goes on in the next paragraph is not
        // closed, and the next paragraph opens it again.
        let text = "“The market is changing. Nothing will stop that.\n\n“We must adapt,” Li Wei said.";
        let found = attributions(text);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found.iter().all(|a| a.source == "Li Wei"), "{found:#?}");
        assert!(found[0].is_continuation() && found[1].is_continuation());
        // One sentence with a closing quotation is whole.
        assert_eq!(
            attributions("“The market is changing. We must adapt,” Li said.").len(),
            1
        );
    }

    #[test]
    fn sentence_ends_the_splitter_keeps_whole_are_cut() {
        let text = "According to the statement, “The deal gives it 2C2P.” In 2020, the Trump \
                    administration issued a warning against the firm.";
        let found = attributions(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].source, "Trump administration");
        assert_eq!(found[1].speaker_type, "institution");
        assert_eq!(found[1].cue.clone().map(|r| &text[r]), Some("issued a warning"));
        assert!(found[1].sentence.text.starts_with("In 2020"));
        assert_eq!(&text[found[1].sentence.span.clone()], found[1].sentence.text);
    }

    #[test]
    fn per_quoted_as_saying_and_company_anaphora() {
        let found = one("Both firms will cooperate, per The Wall Street Journal.");
        assert_eq!(
            (found.source.as_str(), found.speaker_type),
            ("Wall Street Journal", "news_outlet")
        );
        assert!(
            attributions("Prices rose 5 per cent in May, or $3 per Share.").is_empty()
        );
        let found = one("Prices will fall, Li Wei was quoted as saying by the agency.");
        assert_eq!(found.source, "Li Wei");
        let found = one("Prices will fall, Li Wei was quoted by Xinhua as saying.");
        assert_eq!(
            (found.source.as_str(), found.via.as_deref()),
            ("Li Wei", Some("Xinhua"))
        );
        let text = "Alibaba Group Holding Ltd announced a buyback on Monday. The stock will \
                    rise, the company said in a statement.";
        let found = attributions(text);
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[1].source.as_str(), found[1].named),
            ("Alibaba Group Holding Ltd", true)
        );
    }

    /// Common constructions of news writing: each text's last claim, as
    /// (source, named), or `None` when its last sentence attributes nothing.
    #[test]
    fn news_constructions() {
        let cases: &[(&str, Option<(&str, bool)>)] = &[
            (
                "Apple Inc said on Thursday it would invest $1 billion.",
                Some(("Apple Inc", true)),
            ),
            (
                "Apple Inc said it would invest. The iPhone maker added that the site would hire.",
                Some(("Apple Inc", true)),
            ),
            ("Apple added 500 jobs in Texas last year.", None),
            ("Microsoft declined to comment on the report.", None),
            (
                "Tim Cook, Apple’s chief executive, said demand was strong.",
                Some(("Tim Cook", true)),
            ),
            (
                "A Google spokesman said it disagreed. The spokesman said Google would appeal.",
                Some(("Google spokesman", true)),
            ),
            (
                "Goldman Sachs analysts wrote in a note to clients that the stock was overvalued.",
                Some(("Goldman Sachs analysts", true)),
            ),
            (
                "Several people told The New York Times that the plan had been shelved.",
                Some(("anonymous people", false)),
            ),
            (
                "Prime Minister Boris Johnson spoke. His spokesman told reporters he was calm.",
                Some(("Boris Johnson spokesman", true)),
            ),
            (
                "Officials said the death toll had risen to 42.",
                Some(("Officials", false)),
            ),
            (
                "Local media reported that dozens were missing.",
                Some(("Local media", false)),
            ),
            (
                "The state-run Xinhua news agency said rescue teams had been sent.",
                Some(("Xinhua", true)),
            ),
            (
                "Ministry of Foreign Affairs spokesman Wang Wenbin spoke. The ministry said in a \
                 statement that it had lodged a complaint.",
                Some(("Ministry of Foreign Affairs", true)),
            ),
            (
                "UN Secretary-General Antonio Guterres called the attack “an outrage.”",
                Some(("Antonio Guterres", true)),
            ),
            ("He urged all sides to exercise restraint.", None),
            ("Critics say the law is too vague.", Some(("Critics", false))),
            (
                "Human Rights Watch said the law would silence dissent.",
                Some(("Human Rights Watch", true)),
            ),
            (
                "The move, first reported by Bloomberg, would affect millions of users.",
                Some(("Bloomberg", true)),
            ),
            (
                "According to figures compiled by Reuters, exports fell 5 percent.",
                Some(("Reuters", true)),
            ),
            (
                "Data from the National Bureau of Statistics showed that output rose.",
                Some(("National Bureau of Statistics", true)),
            ),
            ("Regulators issued new guidelines for delivery workers.", None),
            (
                "“We believe at this point one lone shooter,” said Washington State Patrol \
                 spokesman Sgt. Mark Francis.",
                Some(("Mark Francis", true)),
            ),
            (
                "One witness, Matt Perlstein, told KXAN-TV that he was waiting outside.",
                Some(("Matt Perlstein", true)),
            ),
            (
                "The WHO said in a report that 40 countries had outbreaks.",
                Some(("WHO", true)),
            ),
            (
                "Chief James White spoke first. “It was a white car,” White said.",
                Some(("James White", true)),
            ),
        ];
        for (text, expected) in cases {
            let found = attributions(text);
            let last = found.last().filter(|a| {
                let end = text.trim_end().len();
                a.sentence.span.end == end
            });
            let got = last.map(|a| (a.source.as_str(), a.named));
            assert_eq!(got, *expected, "{text}\n{found:#?}");
        }
    }

    #[test]
    fn spans_slice_back_across_line_breaks() {
        let text = "Shares fell,\nthe Financial   Times\nreported.";
        let found = one(text);
        assert_eq!(found.source_span.map(|r| &text[r]), Some("the Financial   Times"));
        assert_eq!(found.cue.map(|r| &text[r]), Some("reported"));
    }

    #[test]
    fn no_panic_on_garbage() {
        for text in [
            "",
            " ",
            "“",
            "”",
            "“unbalanced, he said.",
            "said said said, according to, according to",
            "he said",
            "“”“”””““",
            "(((((said))))) ” “ , , told the",
            "According to",
            "per",
            "Ma’s",
            "’s said",
            ", saying",
            "x\u{301}\u{301}\u{301} said Ж. 趙志國 told “趙”.",
            "A. B. C. D. said. E.",
        ] {
            for found in attributions(text) {
                assert!(text.get(found.sentence.span.clone()).is_some(), "{text:?}");
            }
        }
    }

    #[test]
    fn one_megabyte_line_is_linear() {
        let started = std::time::Instant::now();
        let mut text = String::new();
        while text.len() < 1_000_000 {
            text.push_str(
                "the source told the newspaper “yes, (and) no” Zhao Wei said, according to \
                 Reuters, he said, saying that Ministry officials who declined to be named ",
            );
        }
        let _ = attributions(&text);
        let mut quotes = "“".repeat(200_000);
        quotes.push_str(&"said ”".repeat(50_000));
        let _ = attributions(&quotes);
        // One name of 300,000 words, glosses and initials.
        let mut name = "Xu Ltd. (趙) of ".repeat(80_000);
        name.push_str("said that.");
        let _ = attributions(&name);
        // A generous bound: a quadratic pass over 1 MB takes minutes.
        assert!(started.elapsed().as_secs() < 30, "took {:?}", started.elapsed());
    }
}
