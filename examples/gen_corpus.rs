//! Reproducible synthetic corpus of NHS-style tender specifications, for `bench/run.sh`.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --out target/bench/corpus --files 2000 --size 10240
//! cargo run --release --example gen_corpus -- --out target/bench/big --single 52428800
//! ```
//!
//! Only the standard library is used. Every choice comes from a splitmix64 generator
//! seeded from `--seed`, and each document has its own stream derived from the seed and
//! its number, so the same arguments always give byte-identical files. All the wording
//! below was written for this generator.
//!
//! About one sentence in `--hit-every` (default 15) is a wording the built-in rules are
//! meant to find (service credits, deductions and penalties, payment per unit of
//! activity, outcome measures) or a negated form of one that they must not report.
//! About a quarter of the documents name no patient-outcome measure at all.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
usage: gen_corpus --out DIR [--files N] [--size BYTES] [--single BYTES]
                  [--nested DEPTH] [--pack N] [--seed N] [--hit-every N]

  --out DIR        output folder, created if missing; *.md files already in it
                   (and in its subfolders) are removed first
  --files N        number of documents (default 2000), named batch-001/tender-00001.md ...,
                   100 to a folder
  --size BYTES     approximate size of each document (default 10240, at least 512)
  --single BYTES   write one document DIR/big.md of about BYTES instead
  --nested DEPTH   put the batch folders DEPTH more folders deep (default 0)
  --pack N         group every N documents into a tender pack: a folder pack-00001/
                   with a tender.toml, inside the batch folder (default 0: no packs)
  --seed N         seed of the random generator (default 42)
  --hit-every N    about one sentence in N is a wording the rules look for
                   (default 15; 0 for none)";

struct Options {
    out: PathBuf,
    files: usize,
    size: usize,
    single: Option<usize>,
    nested: usize,
    pack: usize,
    seed: u64,
    hit_every: usize,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut out = None;
    let mut files = 2000;
    let mut size = 10_240;
    let mut single = None;
    let mut nested = 0;
    let mut pack = 0;
    let mut seed = 42;
    let mut hit_every = 15;
    let mut i = 0;
    while i < args.len() {
        let (flag, inline) = match args[i].split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (args[i].as_str(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        const FLAGS: [&str; 8] = [
            "--out",
            "--files",
            "--size",
            "--single",
            "--nested",
            "--pack",
            "--seed",
            "--hit-every",
        ];
        if !FLAGS.contains(&flag) {
            return Err(format!("unknown argument `{}`", args[i]));
        }
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                args.get(i)
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))?
            }
        };
        let number = |v: &str| -> Result<u64, String> {
            v.replace('_', "")
                .parse::<u64>()
                .map_err(|_| format!("{flag}: `{v}` is not a whole number"))
        };
        match flag {
            "--out" => out = Some(PathBuf::from(value)),
            "--files" => files = number(&value)? as usize,
            "--size" => size = number(&value)? as usize,
            "--single" => single = Some(number(&value)? as usize),
            "--nested" => nested = number(&value)? as usize,
            "--pack" => pack = number(&value)? as usize,
            "--seed" => seed = number(&value)?,
            "--hit-every" => hit_every = number(&value)? as usize,
            _ => unreachable!("flags are checked above"),
        }
        i += 1;
    }
    let out = out.ok_or("--out DIR is required")?;
    if files == 0 {
        return Err("--files must be at least 1".into());
    }
    if size < 512 || single.is_some_and(|s| s < 512) {
        return Err("a document must be at least 512 bytes".into());
    }
    if nested > 8 {
        return Err("--nested is at most 8".into());
    }
    Ok(Options {
        out,
        files,
        size,
        single,
        nested,
        pack,
        seed,
        hit_every,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse_args(&args) {
        Ok(o) => o,
        Err(msg) if msg.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("gen_corpus: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_corpus: {}: {e}", opts.out.display());
            ExitCode::FAILURE
        }
    }
}

fn run(opts: &Options) -> io::Result<()> {
    let started = Instant::now();
    fs::create_dir_all(&opts.out)?;
    clean(&opts.out, true)?;
    let mut bytes = 0usize;
    let count;
    if let Some(target) = opts.single {
        let doc = Gen::new(opts.seed, 0, opts.hit_every).build(target);
        bytes += doc.len();
        fs::write(opts.out.join("big.md"), doc)?;
        count = 1;
    } else {
        let width = opts.files.to_string().len().max(5);
        let batches = opts.files.div_ceil(100);
        let bwidth = batches.to_string().len().max(3);
        for n in 1..=opts.files {
            let batch = (n - 1) / 100 + 1;
            let mut dir = opts.out.clone();
            for level in 0..opts.nested {
                // Fan-out of three per level above the batch folders.
                let shift = 3usize.pow((opts.nested - 1 - level) as u32);
                dir.push(format!("area-{}", (batch - 1) / shift % 3 + 1));
            }
            dir.push(format!("batch-{batch:0bwidth$}"));
            if (n - 1) % 100 == 0 {
                fs::create_dir_all(&dir)?;
            }
            if let Some(k) = (n - 1).checked_div(opts.pack).map(|k| k + 1) {
                dir.push(format!("pack-{k:05}"));
                if !dir.is_dir() {
                    fs::create_dir_all(&dir)?;
                    let toml = format!("name = \"Synthetic tender {k}\"\n");
                    fs::write(dir.join("tender.toml"), toml)?;
                }
            }
            let doc = Gen::new(opts.seed, n as u64, opts.hit_every).build(opts.size);
            bytes += doc.len();
            fs::write(dir.join(format!("tender-{n:0width$}.md")), doc)?;
        }
        count = opts.files;
    }
    let size = if bytes >= 1_048_576 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    };
    println!(
        "gen_corpus: wrote {count} file{} ({size}) to {} in {:.2} s",
        if count == 1 { "" } else { "s" },
        opts.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Removes the `*.md` files under `dir` (not following symbolic links), then the
/// folders left empty below it, so that a rerun writes exactly the same tree.
fn clean(dir: &Path, top: bool) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            clean(&path, false)?;
        } else if kind.is_file()
            && (path.extension().is_some_and(|e| e == "md") || path.ends_with("tender.toml"))
        {
            fs::remove_file(&path)?;
        }
    }
    if !top {
        // Fails, harmlessly, when something other than Markdown is left in it.
        let _ = fs::remove_dir(dir);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Random numbers

/// splitmix64: tiny, fast and good enough to vary text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn pick_of(&mut self, items: &[usize]) -> usize {
        items[self.below(items.len())]
    }

    /// An index drawn with the given weights.
    fn weighted(&mut self, weights: &[usize]) -> usize {
        let total: usize = weights.iter().sum();
        let mut r = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
}

// ---------------------------------------------------------------------------------------
// Word banks. `{slot}` is filled by `Gen::slot`.

const SERVICES: &[&str] = &[
    "Community Musculoskeletal Service",
    "Adult Hearing Service",
    "Community Podiatry Service",
    "Wheelchair and Posture Service",
    "Pulmonary Rehabilitation Service",
    "Memory Assessment Service",
    "NHS Talking Therapies Service",
    "Diabetic Eye Screening Programme",
    "Community Nursing Service",
    "Integrated Falls Prevention Service",
    "Children’s Speech and Language Therapy",
    "Non-Emergency Patient Transport Service",
    "Community Dermatology Service",
    "Tier 3 Weight Management Service",
    "Home Oxygen Assessment Service",
    "Cardiac Rehabilitation Service",
    "Community Ophthalmology Service",
    "Intermediate Care and Reablement Service",
];

const PLACES: &[&str] = &[
    "North Wessex",
    "Mid Pennine",
    "Severnside",
    "East Fenland",
    "Lower Tamar",
    "Cheviot and Tyne",
    "South Weald",
    "Upper Trent",
    "Morecambe Bay and Lune",
    "Humber Estuary",
    "West Marches",
    "Chiltern Vale",
];

const PROVIDER: &[&str] = &[
    "the Provider",
    "the Provider",
    "the Supplier",
    "the Service Provider",
];
const COMMISSIONER: &[&str] = &[
    "the Commissioner",
    "the Commissioner",
    "the Authority",
    "the ICB",
    "the Co-ordinating Commissioner",
];

const STATUS: &[&str] = &["draft", "consultation", "final", "published", "superseded"];

const PEOPLE: &[&str] = &[
    "Zoë Okafor",
    "Siân Pritchard",
    "José Ferreira",
    "Ciarán O’Neill",
    "Agnieszka Wójcik",
    "Dr Priya Raghunathan",
    "Renée Dubois",
    "Øyvind Hansen",
    "Tomás Byrne",
    "Dr Chidi Eze",
];

const ROLES: &[&str] = &[
    "Clinical Director",
    "Head of Contracting",
    "Deputy Director of Nursing",
    "Senior Commissioning Manager",
    "Procurement Lead",
    "Patient Safety Specialist",
];

const KPIS: &[&str] = &[
    "Referrals triaged within 2 working days",
    "First appointment within 18 weeks of referral",
    "Calls answered within 60 seconds",
    "Discharge letters sent to the GP within 48 hours",
    "Data returns submitted by the 10th working day",
    "Patients offered a choice of venue",
    "Urgent referrals seen within 5 working days",
    "Staff with an appraisal in the last 12 months",
    "Complaints acknowledged within 3 working days",
    "Clinics starting within 15 minutes of the booked time",
    "Care plans shared with the patient",
    "Interpreter requests met",
    "Serious incidents reported within 2 working days",
    "Mandatory training compliance",
    "Equipment delivered within 7 days",
];

const FIELDS: &[&str] = &[
    "`NHS_NUMBER`",
    "`referral_date`",
    "`serial_no`",
    "`site_code`",
    "`discharge_date`",
    "`EQ5D_INDEX`",
    "`ods_code`",
];

const FORMATS: &[&str] = &[
    "`.csv`",
    "`CSDS`",
    "`ECDS`",
    "`JSON`",
    "`FHIR-R4`",
    "`.xlsx`",
];

const PROVIDER_SUBJECTS: &[&str] = &[
    "{P}",
    "{P}",
    "{P}",
    "{P}",
    "{P}",
    "the Provider’s clinical lead",
    "each team leader",
    "the Registered Manager",
];

const JOINT_SUBJECTS: &[&str] = &[
    "both parties",
    "the Partnership Board",
    "{P} and {C} together",
];

const COMMISSIONER_VERB_PHRASES: &[&str] = &[
    "share anonymised referral data with {P} each {period}",
    "pay valid invoices within 30 days of receipt",
    "give at least three months’ notice of any change to this specification",
    "chair the Partnership Board for the first Contract Year",
    "give {P} access to the shared care record",
    "publish a summary of the annual review",
    "consult {P} before changing the referral criteria",
    "name a contract manager who is the first point of contact for {P}",
];

const JOINT_VERB_PHRASES: &[&str] = &[
    "meet each {period} to review progress and agree actions",
    "agree a joint improvement plan where a measure falls short of its target",
    "review the service model at the end of the second Contract Year",
    "keep a shared risk register",
    "agree how learning from incidents is shared across {place}",
    "publish a short annual report in plain English",
    "agree the data definitions in Schedule {n} before the Service Commencement Date",
];

const MODALS: &[&str] = &[
    "shall",
    "shall",
    "shall",
    "shall",
    "must",
    "must",
    "must",
    "will",
    "will",
    "should",
    "is expected to",
    "may",
    "**shall**",
    "**must**",
];

const VERB_PHRASES: &[&str] = &[
    "maintain a single point of access for referrals, open from 08:00 to 18:00 on weekdays",
    "agree a mobilisation plan with {C} within {days} of contract award",
    "ensure that every clinician holds current registration with the relevant professional body",
    "publish patient information in plain English, in Easy Read and in the languages most spoken in {place}",
    "offer interpreters, including British Sign Language, without charge to patients",
    "give every GP practice in {place} a named contact for safeguarding concerns",
    "keep clinical records in line with the Records Management Code of Practice",
    "take part in the system’s winter planning meetings",
    "run clinics in venues that can be reached by public transport",
    "notify {C} of any serious incident within {days}",
    "co-operate with neighbouring providers so that patients move between services without a gap in care",
    "hold a joint review with {C} each {period}",
    "involve people with lived experience in the design of the service",
    "support staff to complete mandatory training, including Level 3 safeguarding",
    "make reasonable adjustments for people with a learning disability or autism",
    "respond in writing to every complaint within {days}",
    "report data quality issues to {C} as soon as they are found",
    "keep business continuity arrangements that are tested at least once a year",
    "use the NHS number as the primary identifier in every data flow",
    "keep its premises to the standards expected by the Care Quality Commission",
    "work with primary care networks to agree clear referral criteria",
    "give each patient a written care plan at the end of their first appointment",
    "offer evening and Saturday clinics where demand in {place} supports it",
    "name a Caldicott Guardian and a Senior Information Risk Owner",
    "meet the standards of the Data Security and Protection Toolkit",
    "let patients choose a face-to-face, telephone or video consultation where it is clinically appropriate",
    "keep its entry in the NHS Service Finder up to date",
    "supply the equipment listed in Schedule {n}, serviced to the manufacturer’s instructions",
    "apply the Accessible Information Standard in all letters to patients",
    "agree any change to the care pathway with {C} in writing before it takes effect",
    "record the serial number of each item of equipment issued, using the {field} field",
    "send the monthly data return in {format} format through the secure portal",
    "explain to {C}, in its bid, how the service will reach people who do not use it today",
    "train reception staff to recognise and respond to domestic abuse",
    "share its recruitment and retention plan with {C} before the Service Commencement Date",
];

const QUALIFIERS: &[&str] = &[
    "",
    "",
    "",
    "",
    " throughout the Contract Period",
    " in line with current NICE guidance",
    " unless {C} agrees otherwise in writing",
    " as set out in Schedule {n}",
    " from the Service Commencement Date",
    " across every site in {place}",
    " at no additional cost to {C}",
    " and show evidence of this at the annual review",
    " — including during periods of industrial action",
    " so far as is reasonably practicable",
];

const CONDITIONS: &[&str] = &[
    "a patient does not attend without notice",
    "a referral arrives without the information listed in Schedule {n}",
    "demand exceeds capacity for two months running",
    "a safeguarding concern is raised",
    "a patient moves out of {place}",
    "{P} proposes a change to the care pathway",
    "a clinic has to be cancelled at short notice",
    "a complaint concerns more than one organisation",
    "national guidance changes during the Contract Period",
];

const DESCRIPTIVE: &[&str] = &[
    "The {service} serves a registered population of about {pop} people across {place}.",
    "Most referrals come from general practice, with fewer from physiotherapists, community pharmacists and self-referral.",
    "The service sits within the wider {place} care system and works closely with social care, the voluntary sector and the acute trusts.",
    "Demand has grown each year since {yy}, and waiting lists lengthened sharply during the pandemic.",
    "People who use the service told us they want clear information, shorter journeys and one person who knows their history.",
    "The Commissioner’s strategy — “Closer to Home” — sets the direction for the next five years.",
    "This specification should be read alongside the NHS Standard Contract and its schedules.",
    "Where this document and the Particulars differ, the Particulars take precedence.",
    "The figures quoted are estimates from the {year} return and are given for planning only.",
    "The budget for the service is {bigmoney} a year, including all overheads.",
    "Clinics currently run from {n} sites, including a health centre, two GP surgeries and a community hospital.",
    "A drop-in pilot at the Café Lumière community hub in {place} ran successfully in {yy}.",
    "An engagement exercise, “Tell us what matters”, received more than {n}00 responses from patients and carers.",
    "Bidders are invited to describe how they would reach people who do not currently use the service.",
    "Staff turnover in the current service is about {pct} a year.",
    "The Commissioner welcomes bids from consortia, including voluntary and community sector partners.",
    "Estates costs fall to {P} unless agreed otherwise.",
    "The Commissioner will share anonymised referral data with shortlisted bidders.",
    "The service is free at the point of use.",
    "Leaflets are already available in Polish, Punjabi, Romanian and Greek (“Οδηγός ασθενούς”).",
    "Questions about this tender must be raised through the e-tendering portal only 📧.",
    "Amounts in euro (€) relate only to the cross-border element of the pilot with the Irish health service.",
    "The current contract ends on 31 March {yy2}, and the incumbent has been told of this procurement.",
    "The Integrated Care Board is the contracting authority for the purposes of the Provider Selection Regime.",
    "Records held by the incumbent will transfer under a data sharing agreement signed by both organisations.",
    "Clinical leadership for the service sits with {person}, {role}.",
    "Enquiries about the data specification should go to {person}, {role}, quoting reference {ref}.",
    "The résumé of each proposed clinical lead should be attached as Appendix {n}.",
    "Patients have described the current referral route as “confusing” and “slow”.",
    "The Δ between the most and least deprived wards in {place} is widening.",
    "Appendix {n} gives a map of the footprint ✅ and the travel times between sites.",
    "The service model draws on the [NHS Long Term Plan](https://www.longtermplan.nhs.uk/) and local needs analysis.",
    "Fields such as {field} are defined in the data dictionary at Appendix {n}.",
    "The naïve reading of the activity data overstates demand in the winter months.",
];

const SLOGANS: &[&str] = &[
    "The service will improve patient outcomes across {place}.",
    "{P} shall agree an outcomes framework with {C} within six months of the Service Commencement Date.",
    "Both parties are committed to a partnership that puts patients first.",
    "The Partnership Board will review progress against the aims of the service each year.",
    "{P} must show how its model adds value for patients, carers and the wider system.",
];

/// The first sentence of a section, by topic.
fn topic_openers(topic: Topic) -> &'static [&'static str] {
    match topic {
        Topic::Purpose => &[
            "This specification sets out what {C} expects of the {service} in {place}.",
            "This document describes the {service} that {C} intends to commission from April {yy2}.",
        ],
        Topic::Background => &[
            "The {service} has been run by the same organisation since {yy}.",
            "About {pop} people live in {place}, and the population is ageing faster than the national average.",
        ],
        Topic::Scope => &[
            "This section describes who the service is for and what it covers.",
            "The service is for adults registered with a GP practice in {place}.",
        ],
        Topic::ServiceModel => &[
            "The service is built around a single point of access and a named clinician for each patient.",
            "Care should be delivered as close to where people live as is safe and practical.",
        ],
        Topic::Access => &[
            "Any health or care professional may refer, and patients may refer themselves.",
            "Referrals are received through the NHS e-Referral Service or the single point of access.",
        ],
        Topic::Workforce => &[
            "{P} shall employ enough suitably qualified staff to deliver the service safely.",
            "The workforce model is for {P} to propose, within the standards below.",
        ],
        Topic::Payment => &[
            "This section describes how {P} will be paid.",
            "The payment mechanism is set out in full in Schedule {n}; this section summarises it.",
        ],
        Topic::Performance => &[
            "Performance will be reviewed at the monthly contract review meeting.",
            "The indicators below apply from the Service Commencement Date.",
        ],
        Topic::Governance => &[
            "The contract is overseen by a Partnership Board of senior representatives of both parties.",
            "{P} shall have clinical governance arrangements proportionate to the size of the service.",
        ],
        Topic::Outcomes => &[
            "This section sets out how both parties will know whether patients are better off.",
            "Outcomes are reviewed over the life of the contract, not month by month.",
        ],
        Topic::Data => &[
            "{P} shall submit data to {C} in the formats set out below.",
            "Data flows must use the national data sets where one exists.",
        ],
        Topic::InformationGovernance => &[
            "{P} is a controller for the clinical records it creates.",
            "Personal data must be processed in line with UK GDPR and the Data Protection Act 2018.",
        ],
        Topic::Mobilisation => &[
            "The mobilisation period runs from contract award to the Service Commencement Date.",
            "Bidders must submit a mobilisation plan with their tender.",
        ],
        Topic::SocialValue => &[
            "Social value carries at least 10% of the evaluation weighting.",
            "{C} expects the service to add to the wellbeing of the communities of {place}.",
        ],
        Topic::Exit => &[
            "At the end of the contract, {P} shall co-operate fully with any incoming provider.",
            "An exit plan must be agreed within six months of the Service Commencement Date.",
        ],
        Topic::Definitions => &["In this specification:"],
    }
}

const HIT_CREDITS: &[&str] = &[
    "A service credit of {pct} of the monthly charge applies for each KPI not met in a {period}.",
    "Service credits will accrue where {kpi_lc} falls below the target.",
    "{P} will incur {n} credit points for each failure to meet a critical KPI.",
    "Where more than {n}0 credit points are accrued in a quarter, {C} may serve a remedial notice.",
    "{P} may earn back service credits by exceeding the target in the following {period}.",
    "Service-level credits are capped at {pct} of the annual contract value.",
    "KPI credits shall be calculated monthly and shown on the invoice.",
    "Any earn-back of credits is at the discretion of {C}.",
    "Performance credits apply from the fourth month of the contract.",
    "The service credit regime in Schedule {n} applies to every KPI marked “critical”.",
    "{C} shall apply service credits for late data returns.",
];

const HIT_DEDUCTIONS: &[&str] = &[
    "{C} shall deduct {pct} of the monthly payment for each month the target is missed.",
    "A deduction of {money} will be made from the next invoice for each late report.",
    "Payment will be withheld until the data return is complete.",
    "{C} may withhold payment of any invoice disputed in good faith.",
    "Liquidated damages of {money} a day apply if the service is not ready on the Service Commencement Date.",
    "Delay payments accrue daily where a mobilisation milestone is missed.",
    "Financial penalties will be applied for repeated failure to meet {kpi_lc}.",
    "{P} shall pay a penalty of {money} for each breach of the response time standard.",
    "Payments shall be abated by {pct} while a remedial action plan remains open.",
    "Performance deductions will appear as a separate line on the monthly statement.",
    "A reduction in the contract price will apply where the annual target is not achieved.",
    "Deductions from the monthly charge are set out in Schedule {n}.",
];

const HIT_VOLUME: &[&str] = &[
    "{P} will be paid {money} per attendance.",
    "A tariff of {money} per episode of care applies to all new referrals.",
    "Payment is made at {money} per contact, invoiced monthly in arrears.",
    "The price per referral is fixed for the first two Contract Years.",
    "{C} guarantees a minimum annual volume of {bignum} first appointments.",
    "Activity targets for each site are set out in Schedule {n}.",
    "The cost per case must not exceed {money}.",
    "The contract is funded through an activity-based tariff, reconciled each quarter.",
    "{P} must deliver a minimum of {bignum} procedures in each Contract Year.",
    "Volume targets will be reviewed at the mid-year point.",
    "Group sessions are charged at {money} per session, and home visits at {money} per visit.",
];

const HIT_OUTCOMES: &[&str] = &[
    "{P} shall report the change in EQ-5D-5L score between referral and discharge each quarter.",
    "The primary outcome is the share of patients readmitted within 30 days of discharge.",
    "PROMs, including the Oxford knee score, will be collected at baseline and at six months.",
    "Patients’ quality of life will be measured with a validated tool agreed with {C}.",
    "Results of the Friends and Family Test will be published monthly and discussed by the Partnership Board.",
    "Emergency admissions among people on the caseload will be tracked against the {year} baseline.",
    "The service should help people remain at home, measured by the proportion still at home 91 days after discharge.",
    "The rate of falls among people on the caseload will be reported each year.",
    "PHQ-9 and GAD-7 scores must be recorded at every review.",
    "Mortality within one year of diagnosis will be monitored jointly with the public health team.",
    "Readmission within 30 days is the main measure of a safe discharge.",
];

const HIT_NEGATED: &[&str] = &[
    "No service credits will apply during the mobilisation period.",
    "Service credits will not apply to this contract.",
    "No deductions will be made from the monthly payment while the improvement plan is being followed.",
    "Payments will not be withheld for reasons of performance.",
    "No minimum volumes are guaranteed under this contract.",
    "{P} will not be paid per attendance; payment is a fixed annual sum.",
    "No liquidated damages apply to the mobilisation milestones.",
    "There are no activity targets in this specification.",
    "The service will not be subject to any penalties for variation in activity.",
];

const DEFINITIONS: &[&str] = &[
    "“Service Credit” means the sum calculated under Schedule {n} for a missed KPI.",
    "“Deduction” has the meaning given in clause {n}.{n}.",
    "“Contract Year” means each period of twelve months starting on the Service Commencement Date.",
    "“Episode” means a course of treatment from first appointment to discharge.",
    "“KPI” means a key performance indicator listed in Schedule {n}.",
    "“Service Month” means a calendar month.",
    "“Working Day” means any day other than a Saturday, Sunday or bank holiday in England.",
    "“Outcome Measure” means an indicator of change in a patient’s health or wellbeing.",
    "“Liquidated Damages” means the sums payable under clause {n}.{n} for late mobilisation.",
    "“Partnership Board” means the joint board of {P} and {C} described in section {n}.",
    "“Referral” means a request for care received by the single point of access.",
    "“Mobilisation Period” means the period between contract award and the Service Commencement Date.",
];

const LIST_INTROS: &[&str] = &[
    "The service covers:",
    "{P} shall make sure that:",
    "Referrals are accepted from:",
    "The following are out of scope:",
    "Bidders should explain:",
    "Each monthly report must include:",
    "The care pathway has these stages:",
    "The Partnership Board will:",
];

const SENTENCE_LIST_INTROS: &[&str] = &[
    "In particular:",
    "The following requirements apply:",
    "{P} shall meet these requirements:",
    "The key points are:",
    "For the avoidance of doubt:",
];

const LIST_PHRASES: &[&str] = &[
    "GP practices in {place}",
    "community pharmacies",
    "adults aged 18 and over",
    "children under 16, who are seen by the paediatric service",
    "the voluntary and community sector",
    "people in care homes",
    "the number of referrals received and accepted",
    "waiting times by site, in weeks",
    "staffing, vacancies and use of agency staff",
    "complaints, compliments and their themes",
    "triage by a senior clinician",
    "assessment and shared decision-making",
    "treatment, education and self-management support",
    "discharge, with a letter to the GP",
    "how the service links with social prescribing",
    "the digital tools that support remote consultations",
    "the social value the bid will deliver in {place}",
    "a named clinician for every patient",
    "translated material (including Greek, Polish and Urdu)",
    "home visits where a patient is housebound",
];

const SUBHEADINGS: &[&str] = &[
    "Eligibility",
    "Exclusions",
    "Hours of operation",
    "Staffing",
    "Invoicing",
    "Reporting",
    "Escalation",
    "Annual review",
    "Premises",
    "Equipment",
    "Interdependencies",
    "Transfer of care",
    "Safeguarding",
    "Patient involvement",
    "Digital access",
    "Continuous improvement",
];

const GUIDANCE: &[&str] = &[
    "**Note for bidders:**",
    "**Guidance:**",
    "**Commissioner’s note:**",
    "National guidance says:",
];

const DRAFTING_NOTES: &[&str] = &[
    "<!-- Drafting note: confirm the figures with finance before publication. -->",
    "<!-- TODO: check the schedule numbers after the legal review. -->",
    "<!-- Comment from the clinical reference group: keep this section short. -->",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Topic {
    Purpose,
    Background,
    Scope,
    ServiceModel,
    Access,
    Workforce,
    Payment,
    Performance,
    Governance,
    Outcomes,
    Data,
    InformationGovernance,
    Mobilisation,
    SocialValue,
    Exit,
    Definitions,
}

const TOPIC_ORDER: &[Topic] = &[
    Topic::Purpose,
    Topic::Definitions,
    Topic::Background,
    Topic::Scope,
    Topic::ServiceModel,
    Topic::Access,
    Topic::Workforce,
    Topic::Payment,
    Topic::Performance,
    Topic::Governance,
    Topic::Outcomes,
    Topic::Data,
    Topic::InformationGovernance,
    Topic::Mobilisation,
    Topic::SocialValue,
    Topic::Exit,
];

impl Topic {
    fn headings(self) -> &'static [&'static str] {
        match self {
            Topic::Purpose => &["Purpose", "Purpose of this specification", "Aims"],
            Topic::Background => &["Background", "Background and context", "Local context"],
            Topic::Scope => &["Scope", "Scope of the service", "Service scope"],
            Topic::ServiceModel => &["Service model", "Service description", "Model of care"],
            Topic::Access => &["Referral and access", "Access", "Referral routes"],
            Topic::Workforce => &["Workforce", "Staffing and training"],
            Topic::Payment => &[
                "Payment",
                "Payment mechanism",
                "Pricing and payment",
                "Financial arrangements",
            ],
            Topic::Performance => &[
                "Performance",
                "Performance regime",
                "Key performance indicators",
                "Performance management",
            ],
            Topic::Governance => &["Governance", "Contract governance", "Clinical governance"],
            Topic::Outcomes => &[
                "Outcomes",
                "Patient outcomes",
                "Outcomes framework",
                "Measuring what matters",
            ],
            Topic::Data => &[
                "Data and reporting",
                "Reporting requirements",
                "Information",
            ],
            Topic::InformationGovernance => &["Information governance", "Data protection"],
            Topic::Mobilisation => &["Mobilisation", "Mobilisation and transition"],
            Topic::SocialValue => &["Social value", "Social value and sustainability"],
            Topic::Exit => &["Exit arrangements", "Exit and handover"],
            Topic::Definitions => &[
                "Definitions",
                "Glossary",
                "Interpretation",
                "Definitions and interpretation",
            ],
        }
    }

    /// Weights of credits, deductions, volume, outcomes and negated wordings.
    fn hit_weights(self) -> [usize; 5] {
        match self {
            Topic::Payment => [10, 30, 45, 0, 15],
            Topic::Performance => [40, 30, 5, 10, 15],
            Topic::Outcomes => [5, 5, 5, 70, 15],
            _ => [25, 25, 20, 15, 15],
        }
    }
}

// ---------------------------------------------------------------------------------------
// The document builder

struct Gen {
    rng: Rng,
    out: String,
    service: &'static str,
    place: &'static str,
    provider: &'static str,
    commissioner: &'static str,
    reference: String,
    /// Line width for wrapping prose, or 0 for one paragraph per line.
    wrap: usize,
    bullet: &'static str,
    heading_style: usize,
    /// Whether this document may name patient-outcome measures.
    outcomes: bool,
    hit_every: usize,
    topic: Topic,
    /// The topics of the current pass through the document, in order.
    plan: Vec<Topic>,
    plan_pos: usize,
    /// Where the current pass should end, in bytes, and whether it is the last one.
    pass_end: usize,
    last_pass: bool,
    /// Bytes and number of the blocks written so far, to size the sections.
    block_bytes: usize,
    blocks: usize,
    section: usize,
    clause: usize,
    footnote: usize,
}

/// Bytes of one pass through the topics; a longer document goes round again.
const PASS_BYTES: usize = 24 * 1024;

impl Gen {
    fn new(seed: u64, index: u64, hit_every: usize) -> Gen {
        let mut seeder = Rng(seed);
        let base = seeder.next();
        let mut rng = Rng(base ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        rng.next();
        let service = rng.pick(SERVICES);
        let place = rng.pick(PLACES);
        let provider = rng.pick(PROVIDER);
        let commissioner = rng.pick(COMMISSIONER);
        let initials: String = place
            .split([' ', '-'])
            .filter_map(|w| w.chars().next())
            .filter(char::is_ascii_uppercase)
            .collect();
        let reference = format!(
            "{initials}ICB-{}-{:04}",
            rng.range(2025, 2027),
            rng.range(1, 9999)
        );
        let wrap = if rng.percent(40) {
            0
        } else {
            rng.range(72, 100)
        };
        let bullet = if rng.percent(75) { "-" } else { "*" };
        let heading_style = rng.below(3);
        let outcomes = !rng.percent(25);
        Gen {
            rng,
            out: String::new(),
            service,
            place,
            provider,
            commissioner,
            reference,
            wrap,
            bullet,
            heading_style,
            outcomes,
            hit_every,
            topic: Topic::Purpose,
            plan: Vec::new(),
            plan_pos: 0,
            pass_end: 0,
            last_pass: false,
            block_bytes: 0,
            blocks: 0,
            section: 0,
            clause: 0,
            footnote: 0,
        }
    }

    fn build(mut self, target: usize) -> String {
        self.out.reserve(target + target / 8);
        let crlf = self.rng.percent(5);
        self.front_matter();
        let lo = target - target / 20;
        let hi = target + target / 20;
        let mut left = 0;
        while self.out.len() < target {
            if left == 0 {
                if self.plan_pos == self.plan.len() {
                    self.plan_pass(target);
                }
                self.section_start();
                left = self.section_blocks();
                continue;
            }
            let mark = self.out.len();
            let saved = (self.clause, self.footnote);
            self.block();
            if self.out.len() > hi {
                self.out.truncate(mark);
                (self.clause, self.footnote) = saved;
                if mark >= lo {
                    break;
                }
                self.paragraph(1);
            }
            self.block_bytes += self.out.len() - mark;
            self.blocks += 1;
            left -= 1;
        }
        if crlf {
            self.out.replace('\n', "\r\n")
        } else {
            self.out
        }
    }

    // ----- slots and sentences -------------------------------------------------------

    /// Appends `tpl` to `buf` with each `{slot}` filled.
    fn fill(&mut self, tpl: &str, buf: &mut String) {
        let mut rest = tpl;
        while let Some(i) = rest.find('{') {
            buf.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let j = after.find('}').expect("unclosed slot in a template");
            self.slot(&after[..j], buf);
            rest = &after[j + 1..];
        }
        buf.push_str(rest);
    }

    fn slot(&mut self, name: &str, buf: &mut String) {
        let r = &mut self.rng;
        match name {
            "P" => buf.push_str(self.provider),
            "C" => buf.push_str(self.commissioner),
            "place" => buf.push_str(self.place),
            "service" => buf.push_str(self.service),
            "ref" => buf.push_str(&self.reference),
            "n" => buf.push_str(&r.range(2, 12).to_string()),
            "pct" => buf.push_str(r.pick(&["0.5%", "1%", "2%", "2.5%", "3%", "5%", "10%"])),
            "money" => {
                let sign = if r.percent(8) { "€" } else { "£" };
                buf.push_str(sign);
                buf.push_str(r.pick(&[
                    "25", "40", "42", "50", "75", "95", "120", "150", "250", "310", "500", "750",
                    "1,000", "2,500", "12.50",
                ]));
            }
            "bigmoney" => buf.push_str(r.pick(&[
                "£1.2 million",
                "£850,000",
                "£3.4m",
                "£2,150,000",
                "£640,000",
                "£5.75 million",
            ])),
            "bignum" => buf.push_str(r.pick(&["1,200", "4,000", "6,500", "12,000", "25,500"])),
            "pop" => {
                buf.push_str(r.pick(&["180,000", "320,000", "455,000", "610,000", "1.1 million"]))
            }
            "kpi_lc" => {
                let k = r.pick(KPIS);
                let mut c = k.chars();
                if let Some(first) = c.next() {
                    buf.extend(first.to_lowercase());
                    buf.push_str(c.as_str());
                }
            }
            "period" => buf.push_str(r.pick(&[
                "Service Month",
                "quarter",
                "Contract Year",
                "reporting period",
                "month",
            ])),
            "days" => buf.push_str(r.pick(&[
                "10 working days",
                "five Business Days",
                "20 working days",
                "48 hours",
                "two weeks",
            ])),
            "year" => buf.push_str(r.pick(&["2024/25", "2025/26", "2026/27", "2027/28"])),
            "yy" => buf.push_str(r.pick(&["2019", "2021", "2022", "2023", "2024"])),
            "yy2" => buf.push_str(r.pick(&["2026", "2027", "2028"])),
            "field" => buf.push_str(r.pick(FIELDS)),
            "format" => buf.push_str(r.pick(FORMATS)),
            "person" => buf.push_str(r.pick(PEOPLE)),
            "role" => buf.push_str(r.pick(ROLES)),
            other => panic!("unknown slot {{{other}}}"),
        }
    }

    /// Appends one sentence (with no leading or trailing space) to `buf`.
    fn sentence(&mut self, buf: &mut String) {
        let start = buf.len();
        if self.hit_every > 0 && self.rng.below(self.hit_every) == 0 {
            let mut w = self.topic.hit_weights();
            if !self.outcomes {
                w[3] = 0;
            }
            let bank = match self.rng.weighted(&w) {
                0 => HIT_CREDITS,
                1 => HIT_DEDUCTIONS,
                2 => HIT_VOLUME,
                3 => HIT_OUTCOMES,
                _ => HIT_NEGATED,
            };
            let tpl = self.rng.pick(bank);
            self.fill(tpl, buf);
        } else {
            let tpl_kind = self.rng.below(100);
            if self.topic == Topic::Outcomes && tpl_kind < 20 {
                let tpl = self.rng.pick(SLOGANS);
                self.fill(tpl, buf);
            } else if tpl_kind < 50 {
                let (subject, vp, qualify) = match self.rng.below(10) {
                    0 => ("{C}", self.rng.pick(COMMISSIONER_VERB_PHRASES), false),
                    1 | 2 => (
                        self.rng.pick(JOINT_SUBJECTS),
                        self.rng.pick(JOINT_VERB_PHRASES),
                        true,
                    ),
                    _ => (
                        self.rng.pick(PROVIDER_SUBJECTS),
                        self.rng.pick(VERB_PHRASES),
                        true,
                    ),
                };
                let modal = if subject == "{P} and {C} together" {
                    self.rng.pick(&["shall", "will", "must", "should"])
                } else {
                    self.rng.pick(MODALS)
                };
                let mut q = if qualify {
                    self.rng.pick(QUALIFIERS)
                } else {
                    ""
                };
                if vp.contains("Commencement") && q.contains("Commencement") {
                    q = "";
                }
                self.fill(subject, buf);
                buf.push(' ');
                buf.push_str(modal);
                buf.push(' ');
                self.fill(vp, buf);
                self.fill(q, buf);
                buf.push('.');
            } else if tpl_kind < 62 {
                let cond = self.rng.pick(CONDITIONS);
                let subject = self.rng.pick(PROVIDER_SUBJECTS);
                let modal = self.rng.pick(&["shall", "must", "will", "should"]);
                let vp = self.rng.pick(VERB_PHRASES);
                buf.push_str("Where ");
                self.fill(cond, buf);
                buf.push_str(", ");
                self.fill(subject, buf);
                buf.push(' ');
                buf.push_str(modal);
                buf.push(' ');
                self.fill(vp, buf);
                buf.push('.');
            } else {
                let tpl = self.rng.pick(DESCRIPTIVE);
                self.fill(tpl, buf);
            }
        }
        capitalise(buf, start);
    }

    fn sentences(&mut self, n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            self.sentence(&mut s);
        }
        s
    }

    // ----- blocks --------------------------------------------------------------------

    fn front_matter(&mut self) {
        let title = match self.rng.below(3) {
            0 => format!("{}: Service Specification", self.service),
            1 => format!("{} — Invitation to Tender", self.service),
            _ => format!("Specification for the {}", self.service),
        };
        let status = self.rng.pick(STATUS);
        let version = format!("{}.{}", self.rng.below(3), self.rng.range(1, 9));
        let published = format!(
            "{}-{:02}-{:02}",
            self.rng.range(2025, 2027),
            self.rng.range(1, 12),
            self.rng.range(1, 28)
        );
        let lot = self.rng.range(1, 6);
        let out = &mut self.out;
        out.push_str("---\n");
        out.push_str(&format!("title: \"{title}\"\n"));
        out.push_str(&format!("reference: \"{}\"\n", self.reference));
        out.push_str(&format!("status: {status}\n"));
        out.push_str(&format!("version: \"{version}\"\n"));
        out.push_str(&format!(
            "commissioner: \"NHS {} Integrated Care Board\"\n",
            self.place
        ));
        out.push_str("procurement_route: \"Provider Selection Regime — competitive process\"\n");
        out.push_str(&format!("published: {published}\n"));
        out.push_str(&format!("lot: {lot}\n"));
        out.push_str("---\n\n");
        out.push_str(&format!("# {title}\n\n"));
        out.push_str(&format!(
            "**Commissioner:** NHS {} Integrated Care Board  \n**Reference:** {}  \n**Version:** {version} ({status})\n\n",
            self.place, self.reference
        ));
    }

    /// Chooses the topics of the next pass: a share of them in their usual order, as many
    /// as the bytes of the pass call for. The first pass starts with the purpose and
    /// covers payment, performance and (when the document has them) outcomes.
    fn plan_pass(&mut self, target: usize) {
        let remaining = target.saturating_sub(self.out.len());
        let budget = remaining.min(PASS_BYTES);
        self.last_pass = remaining <= PASS_BYTES;
        self.pass_end = self.out.len() + budget;
        let want = (budget / 1400).clamp(3, 12);
        let index = |t: Topic| TOPIC_ORDER.iter().position(|x| *x == t).unwrap_or(0);
        let mut chosen = vec![false; TOPIC_ORDER.len()];
        if self.section == 0 {
            chosen[0] = true;
            chosen[index(Topic::Outcomes)] = self.outcomes;
            chosen[index(Topic::Payment)] = self.rng.percent(85);
            chosen[index(Topic::Performance)] = self.rng.percent(85);
        }
        while chosen.iter().filter(|c| **c).count() < want {
            let i = self.rng.below(TOPIC_ORDER.len());
            chosen[i] = true;
        }
        self.plan = TOPIC_ORDER
            .iter()
            .zip(chosen)
            .filter_map(|(t, c)| c.then_some(*t))
            .collect();
        self.plan_pos = 0;
    }

    /// How many blocks the section just started should have: its share of what is left
    /// of the pass, or everything that is left in the last section of the document.
    fn section_blocks(&mut self) -> usize {
        if self.topic == Topic::Definitions {
            return 1;
        }
        let sections_left = self.plan.len() - self.plan_pos + 1;
        if self.last_pass && sections_left == 1 {
            return usize::MAX;
        }
        let budget = self.pass_end.saturating_sub(self.out.len()) / sections_left;
        let average = self.block_bytes.checked_div(self.blocks).unwrap_or(700);
        let base = budget / average.max(1);
        (base * self.rng.range(70, 130) / 100).max(1)
    }

    fn section_start(&mut self) {
        let topic = self.plan[self.plan_pos];
        self.plan_pos += 1;
        self.topic = topic;
        self.section += 1;
        self.clause = 0;
        let name = self.rng.pick(topic.headings());
        let n = self.section;
        let heading = match self.heading_style {
            0 => format!("## {n}. {name}\n\n"),
            1 => format!("## {n} {name}\n\n"),
            _ => format!("## Section {n}: {name}\n\n"),
        };
        self.out.push_str(&heading);
        if topic == Topic::Definitions {
            self.out.push_str("In this specification:\n\n");
        } else {
            let mut text = String::new();
            if self.rng.percent(70) {
                let opener = self.rng.pick(topic_openers(topic));
                self.fill(opener, &mut text);
                capitalise(&mut text, 0);
                text.push(' ');
            }
            let k = self.rng.range(1, 2);
            text.push_str(&self.sentences(k));
            if topic == Topic::Outcomes && self.outcomes {
                // A section on outcomes in such a document names at least one measure.
                text.push(' ');
                let start = text.len();
                let tpl = self.rng.pick(HIT_OUTCOMES);
                self.fill(tpl, &mut text);
                capitalise(&mut text, start);
            }
            self.wrapped(&text, "", "");
            self.out.push('\n');
        }
    }

    fn block(&mut self) {
        if self.topic == Topic::Definitions {
            self.definitions();
            return;
        }
        let table_weight = match self.topic {
            Topic::Performance | Topic::Outcomes => 22,
            Topic::Payment => 14,
            _ => 7,
        };
        let weights = [24, 30, 11, 7, table_weight, 5, 6, 3, 1, 1, 1];
        match self.rng.weighted(&weights) {
            0 => {
                let k = self.rng.range(2, 5);
                self.paragraph(k);
            }
            1 => self.clause(),
            2 => self.list(false),
            3 => self.list(true),
            4 => self.table(),
            5 => self.code_block(),
            6 => self.subheading(),
            7 => self.blockquote(),
            8 => self.suppressed_clause(),
            9 => self.footnote_paragraph(),
            _ => {
                let note = self.rng.pick(DRAFTING_NOTES);
                self.out.push_str(note);
                self.out.push_str("\n\n");
            }
        }
    }

    fn paragraph(&mut self, sentences: usize) {
        let text = self.sentences(sentences);
        self.wrapped(&text, "", "");
        self.out.push('\n');
    }

    fn clause(&mut self) {
        self.clause += 1;
        let k = self.rng.range(1, 3);
        let text = self.sentences(k);
        let number = format!("{}.{} ", self.section, self.clause);
        self.wrapped(&text, &number, "");
        self.out.push('\n');
    }

    fn subheading(&mut self) {
        self.clause += 1;
        let name = self.rng.pick(SUBHEADINGS);
        self.out
            .push_str(&format!("### {}.{} {name}\n\n", self.section, self.clause));
        let k = self.rng.range(1, 4);
        self.paragraph(k);
    }

    fn list(&mut self, numbered: bool) {
        let phrases = self.rng.percent(50);
        let intro = if phrases {
            self.rng.pick(LIST_INTROS)
        } else {
            self.rng.pick(SENTENCE_LIST_INTROS)
        };
        let mut s = String::new();
        self.fill(intro, &mut s);
        capitalise(&mut s, 0);
        self.wrapped(&s, "", "");
        self.out.push('\n');
        let mut deck = self.deck(LIST_PHRASES.len());
        let items = self.rng.range(2, 6);
        for i in 1..=items {
            let marker = if numbered {
                format!("{i}. ")
            } else {
                format!("{} ", self.bullet)
            };
            self.list_item("", &marker, 1, phrases, i == items, &mut deck);
        }
        self.out.push('\n');
    }

    /// One list item at `depth` (1 to 3), with its children. Items of a list of phrases
    /// end with a semicolon, the very last with a full stop.
    fn list_item(
        &mut self,
        indent: &str,
        marker: &str,
        depth: usize,
        phrases: bool,
        last: bool,
        deck: &mut Vec<usize>,
    ) {
        let children = if depth < 3 && self.rng.percent(if depth == 1 { 40 } else { 25 }) {
            self.rng.range(1, 3)
        } else {
            0
        };
        let text = match deck.pop() {
            Some(i) if phrases => {
                let mut s = String::new();
                self.fill(LIST_PHRASES[i], &mut s);
                capitalise(&mut s, 0);
                s.push(if last && children == 0 { '.' } else { ';' });
                s
            }
            _ => {
                let n = self.rng.range(1, 2);
                self.sentences(n)
            }
        };
        let first = format!("{indent}{marker}");
        let cont = " ".repeat(first.chars().count());
        self.wrapped(&text, &first, &cont);
        let numbered = self.rng.percent(30);
        for i in 1..=children {
            let m = if numbered {
                format!("{i}. ")
            } else {
                format!("{} ", self.bullet)
            };
            self.list_item(&cont, &m, depth + 1, phrases, last && i == children, deck);
        }
    }

    /// The numbers `0..n` in a random order.
    fn deck(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.rng.below(i + 1);
            v.swap(i, j);
        }
        v
    }

    fn definitions(&mut self) {
        let n = self.rng.range(4, 10);
        let mut picks = self.deck(DEFINITIONS.len());
        picks.truncate(n);
        picks.sort_unstable();
        let as_table = self.rng.percent(20);
        if as_table {
            self.out.push_str("| Term | Meaning |\n|---|---|\n");
        }
        for i in picks {
            let mut s = String::new();
            self.fill(DEFINITIONS[i], &mut s);
            if as_table {
                let (term, meaning) = s.split_once(['”']).unwrap_or(("", &s));
                let term = term.trim_start_matches('“');
                let meaning = meaning.trim_start();
                self.out.push_str(&format!("| {term} | {meaning} |\n"));
            } else {
                let first = format!("{} ", self.bullet);
                self.wrapped(&s, &first, "  ");
            }
        }
        self.out.push('\n');
    }

    fn table(&mut self) {
        // In a document without outcome measures, the measure columns hold process measures.
        let kind = match self.topic {
            Topic::Performance => self.rng.pick_of(&[0, 1, 6, 2]),
            Topic::Outcomes => self.rng.pick_of(&[2, 3]),
            Topic::Payment => self.rng.pick_of(&[7, 7, 1]),
            Topic::Mobilisation => 4,
            Topic::Scope | Topic::ServiceModel | Topic::Access => self.rng.pick_of(&[5, 5, 2]),
            _ => self.rng.below(8),
        };
        let (header, cols): (&[&str], &[Cell]) = match kind {
            0 => (
                &["KPI", "Target", "Measurement period", "Service credit"],
                &[Cell::Kpi, Cell::Target, Cell::Period, Cell::Credit],
            ),
            1 => (
                &["Ref", "Indicator", "Threshold", "Frequency", "Deduction"],
                &[
                    Cell::Ref,
                    Cell::Kpi,
                    Cell::Target,
                    Cell::Period,
                    Cell::Deduction,
                ],
            ),
            2 => (
                &["Indicator", "Baseline", "Target", "Data source"],
                &[Cell::Measure, Cell::Baseline, Cell::Target, Cell::Source],
            ),
            3 => (
                &[
                    "Measure",
                    "Baseline",
                    "Target",
                    "Timeframe",
                    "Data source",
                    "Reported to",
                ],
                &[
                    Cell::Measure,
                    Cell::Baseline,
                    Cell::Target,
                    Cell::Timeframe,
                    Cell::Source,
                    Cell::Forum,
                ],
            ),
            4 => (
                &["Milestone", "Due", "Evidence"],
                &[Cell::Milestone, Cell::Date, Cell::Evidence],
            ),
            5 => (
                &["Site", "Days", "Hours", "Step-free access"],
                &[Cell::Site, Cell::Days, Cell::Hours, Cell::YesNo],
            ),
            6 => (
                &["KPI", "Target", "Consequence of failure"],
                &[Cell::Kpi, Cell::Target, Cell::Consequence],
            ),
            _ => (
                &["Activity", "Indicative volume", "Price", "Notes"],
                &[Cell::Activity, Cell::Volume, Cell::Price, Cell::Note],
            ),
        };
        self.clause += 1;
        let intro = format!("Table {}.{}: ", self.section, self.clause);
        let caption = match kind {
            0 | 1 | 6 => "key performance indicators.",
            2 | 3 => "measures and targets.",
            4 => "mobilisation milestones.",
            5 => "clinic sites and opening hours.",
            _ => "indicative activity and prices.",
        };
        self.out.push_str(&format!("{intro}{caption}\n\n"));
        let mut line = String::from("|");
        for h in header {
            line.push(' ');
            line.push_str(h);
            line.push_str(" |");
        }
        line.push('\n');
        line.push('|');
        for _ in header {
            line.push_str(if self.rng.percent(15) {
                ":---:|"
            } else {
                "---|"
            });
        }
        line.push('\n');
        let rows = self.rng.range(3, 10);
        for r in 1..=rows {
            line.push('|');
            for c in cols {
                line.push(' ');
                self.cell(*c, r, &mut line);
                line.push_str(" |");
            }
            line.push('\n');
        }
        line.push('\n');
        self.out.push_str(&line);
    }

    fn cell(&mut self, c: Cell, row: usize, buf: &mut String) {
        let r = &mut self.rng;
        match c {
            Cell::Kpi => buf.push_str(r.pick(KPIS)),
            Cell::Ref => buf.push_str(&format!("KPI-{row:02}")),
            Cell::Target => buf.push_str(r.pick(&[
                "≥ 95%",
                "95%",
                "90%",
                "98%",
                "100%",
                "≤ 18 weeks",
                "85% within 2 days",
                "99.5%",
            ])),
            Cell::Period => buf.push_str(r.pick(&["Monthly", "Quarterly", "Weekly", "Annually"])),
            Cell::Credit => buf.push_str(r.pick(&[
                "2 points",
                "1 credit point",
                "3 credit points",
                "0.5% of monthly charge",
                "—",
                "n/a",
                "Deduction of £500 from the invoice",
                "5 points",
            ])),
            Cell::Deduction => buf.push_str(r.pick(&[
                "£500 deducted from the next invoice",
                "Deduction of 2% of the monthly payment",
                "None",
                "—",
                "Remedial action plan",
                "Joint review",
            ])),
            Cell::Measure => {
                if self.outcomes {
                    buf.push_str(r.pick(&[
                        "Change in EQ-5D-5L index",
                        "Readmission within 30 days",
                        "Oxford knee score at 6 months",
                        "Friends and Family Test (% positive)",
                        "PHQ-9 recovery",
                        "People still at home 91 days after discharge",
                        "Waiting time to first appointment (weeks)",
                        "Patients with a shared care plan",
                    ]));
                } else {
                    buf.push_str(r.pick(&[
                        "Waiting time to first appointment (weeks)",
                        "Patients with a shared care plan",
                        "Referral-to-treatment time",
                        "Staff vacancy rate",
                        "Did-not-attend rate",
                        "Interpreter requests met",
                    ]));
                }
            }
            Cell::Baseline => buf.push_str(r.pick(&[
                "72% (2024/25)",
                "0.61",
                "14 weeks",
                "Not yet known",
                "38%",
                "n/a — new measure",
            ])),
            Cell::Source => buf.push_str(r.pick(&[
                "SystmOne extract",
                "EMIS Web",
                "Community Services Data Set",
                "Provider audit",
                "Patient survey 📋",
                "SUS+",
                "Local data return",
            ])),
            Cell::Timeframe => {
                buf.push_str(r.pick(&["by 2029/30", "Year 3", "within 5 years", "Year 1"]))
            }
            Cell::Forum => buf.push_str(r.pick(&[
                "Partnership Board",
                "Quality Committee",
                "Contract Review Meeting",
                "Clinical Reference Group",
            ])),
            Cell::Milestone => buf.push_str(r.pick(&[
                "Contract award",
                "TUPE consultation complete",
                "IT systems live",
                "First patients seen",
                "Mobilisation review",
                "Estates handover",
            ])),
            Cell::Date => {
                let y = r.range(2026, 2028);
                let m = r.pick(&["April", "June", "September", "December", "January"]);
                buf.push_str(&format!("{} {m} {y}", r.range(1, 28)));
            }
            Cell::Evidence => buf.push_str(r.pick(&[
                "Signed mobilisation plan",
                "Test report",
                "CQC registration certificate",
                "Staff list with start dates",
                "Signed data sharing agreement",
            ])),
            Cell::Site => buf.push_str(r.pick(&[
                "Community Hospital",
                "Riverside Health Centre",
                "Market Street Surgery",
                "Café Lumière Wellbeing Hub",
                "Station Road Clinic",
                "St Æthelred’s Centre",
            ])),
            Cell::Days => buf.push_str(r.pick(&["Mon–Fri", "Mon, Wed, Fri", "Tue–Sat", "Thu"])),
            Cell::Hours => buf.push_str(r.pick(&["08:00–18:00", "09:00–17:30", "13:00–20:00"])),
            Cell::YesNo => buf.push_str(r.pick(&["Yes ✅", "Yes", "No", "Partly"])),
            Cell::Consequence => buf.push_str(r.pick(&[
                "Service credit of 2%",
                "Financial penalty of £1,000",
                "Remedial action plan",
                "Joint review within 10 working days",
                "Escalation to the Partnership Board",
            ])),
            Cell::Activity => buf.push_str(r.pick(&[
                "First assessment",
                "Follow-up",
                "Group session",
                "Telephone review",
                "Home visit",
            ])),
            Cell::Volume => buf.push_str(r.pick(&["4,200", "1,150", "860", "12,400", "300"])),
            Cell::Price => buf.push_str(r.pick(&[
                "£95 per attendance",
                "£42 per contact",
                "£310 per episode",
                "Block",
                "Included in block",
                "€60 per session",
            ])),
            Cell::Note => buf.push_str(r.pick(&[
                "Planning figure only",
                "Reviewed quarterly",
                "—",
                "Includes travel",
                "See `price_schedule.xlsx`",
            ])),
        }
    }

    fn code_block(&mut self) {
        let n = self.rng.range(1, 12);
        let code = match self.rng.below(5) {
            0 => "```text\nReferral ─▶ Triage (≤ 2 working days) ─▶ Assessment ─▶ Treatment\n                                                  │\n                                                  ▼\n                                   Discharge / self-management\n```\n".to_string(),
            1 => format!(
                "```json\n{{\n  \"nhs_number\": \"9434765919\",\n  \"referral_date\": \"2026-0{}-1{}\",\n  \"source\": \"GP\",\n  \"priority\": \"{}\",\n  \"site\": \"Café Lumière\",\n  \"status\": \"triaged\"\n}}\n```\n",
                self.rng.range(1, 9),
                self.rng.range(0, 9),
                self.rng.pick(&["routine", "urgent"])
            ),
            2 => format!(
                "```json\n{{\n  \"kpi\": \"KPI-{n:02}\",\n  \"target\": 0.{},\n  \"period\": \"monthly\",\n  \"service_credit\": {{ \"points\": {}, \"cap_percent\": 5 }},\n  \"notes\": \"service credits apply from month 4\"\n}}\n```\n",
                self.rng.range(85, 99),
                self.rng.range(1, 5)
            ),
            3 => "```text\nNHS_NUMBER|REFERRAL_DATE|SOURCE|FIRST_SEEN|OUTCOME_CODE\n9434765919|2026-04-02|GP|2026-04-20|DISCHARGED\n9434765870|2026-04-03|SELF|2026-04-29|ONGOING\n```\n".to_string(),
            _ => format!(
                "```\nMonthly return — due by working day {n}\n  • referrals received\n  • referrals accepted\n  • £ invoiced this month\n```\n"
            ),
        };
        let intro = self.rng.pick(&[
            "The format is shown below.",
            "An example record:",
            "The data return is laid out as follows:",
            "For illustration only:",
        ]);
        self.out.push_str(intro);
        self.out.push_str("\n\n");
        self.out.push_str(&code);
        self.out.push('\n');
    }

    fn blockquote(&mut self) {
        let lead = self.rng.pick(GUIDANCE);
        let k = self.rng.range(1, 3);
        let text = format!("{lead} {}", self.sentences(k));
        self.wrapped(&text, "> ", "> ");
        self.out.push('\n');
    }

    fn suppressed_clause(&mut self) {
        self.clause += 1;
        let (rule, bank) = match self.rng.below(3) {
            0 => ("volume-payment", HIT_VOLUME),
            1 => ("service-credits", HIT_CREDITS),
            _ => ("payment-deduction", HIT_DEDUCTIONS),
        };
        let reason = self.rng.pick(&[
            "agreed with finance for year one",
            "transitional, removed in year two",
            "national contract term",
        ]);
        let mut s = String::new();
        let tpl = self.rng.pick(bank);
        self.fill(tpl, &mut s);
        capitalise(&mut s, 0);
        // Not wrapped: the suppression covers the next line only.
        self.out.push_str(&format!(
            "<!-- tenderlint-disable-next-line {rule} -- {reason} -->\n{}.{} {s}\n\n",
            self.section, self.clause
        ));
    }

    fn footnote_paragraph(&mut self) {
        self.footnote += 1;
        let k = self.rng.range(1, 3);
        let text = self.sentences(k);
        let label = self.footnote;
        self.wrapped(&format!("{text}[^{label}]"), "", "");
        self.out.push('\n');
        let source = self.rng.pick(&[
            "{place} Joint Strategic Needs Assessment, {yy}.",
            "Provider returns for {year}, unpublished.",
            "Engagement report “Tell us what matters”, {yy}.",
        ]);
        let mut s = format!("[^{label}]: Source: ");
        self.fill(source, &mut s);
        s.push_str("\n\n");
        self.out.push_str(&s);
    }

    /// Appends `text` as lines of at most `self.wrap` characters (where words allow),
    /// the first starting with `first` and the others with `cont`.
    fn wrapped(&mut self, text: &str, first: &str, cont: &str) {
        let out = &mut self.out;
        out.push_str(first);
        if self.wrap == 0 {
            out.push_str(text);
            out.push('\n');
            return;
        }
        let mut col = first.chars().count();
        let mut line_empty = true;
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let w = word.chars().count();
            if !line_empty && col + 1 + w > self.wrap && safe_line_start(word) {
                out.push('\n');
                out.push_str(cont);
                col = cont.chars().count();
                line_empty = true;
            }
            if !line_empty {
                out.push(' ');
                col += 1;
            }
            out.push_str(word);
            col += w;
            line_empty = false;
        }
        out.push('\n');
    }
}

#[derive(Clone, Copy)]
enum Cell {
    Kpi,
    Ref,
    Target,
    Period,
    Credit,
    Deduction,
    Measure,
    Baseline,
    Source,
    Timeframe,
    Forum,
    Milestone,
    Date,
    Evidence,
    Site,
    Days,
    Hours,
    YesNo,
    Consequence,
    Activity,
    Volume,
    Price,
    Note,
}

/// Whether a wrapped line may start with `word` without Markdown reading it as a
/// list item, heading, quote, table row or setext underline.
fn safe_line_start(word: &str) -> bool {
    let Some(c) = word.chars().next() else {
        return true;
    };
    if "#>|=-+*`~".contains(c) {
        return false;
    }
    !(c.is_ascii_digit() && (word.ends_with('.') || word.ends_with(')')))
}

/// Upper-cases the first character of `buf[start..]` when it is an ASCII letter.
fn capitalise(buf: &mut String, start: usize) {
    if let Some(b) = buf.as_bytes().get(start) {
        if b.is_ascii_lowercase() {
            let upper = (*b as char).to_ascii_uppercase();
            buf.replace_range(start..start + 1, upper.encode_utf8(&mut [0; 4]));
        }
    }
}
