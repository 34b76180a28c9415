//! The detection layer of the built-in rules, class by class: the vocabulary of
//! sanctions and payment models, negation, other senses, context (previous sentence,
//! heading, table column), outcome measures in plain words, and paraphrased partnership
//! ingredients. Each sentence here is written for this test, not taken from a labelled
//! document; `eval/` measures the same classes on real ones.

mod common;

use tenderlint::builtin;
use tenderlint::document::Document;
use tenderlint::engine::Linter;
use tenderlint::error::TomlFile;
use tenderlint::rules::RuleSet;

fn linter() -> Linter {
    Linter::new(RuleSet::load(&builtin::files()).unwrap_or_else(|e| panic!("{e:?}")))
}

/// The rules that fire on `text`, as a sorted list of ids.
fn fired(l: &Linter, text: &str) -> Vec<String> {
    let doc = Document::parse(text);
    let mut ids: Vec<String> = l.lint(&doc).iter().map(|d| d.rule.to_string()).collect();
    ids.sort();
    ids.dedup();
    ids
}

fn assert_fires(l: &Linter, rule: &str, texts: &[&str]) {
    for t in texts {
        assert!(
            fired(l, t).iter().any(|r| r == rule),
            "`{rule}` should fire on {t:?}"
        );
    }
}

fn assert_silent(l: &Linter, rule: &str, texts: &[&str]) {
    for t in texts {
        assert!(
            !fired(l, t).iter().any(|r| r == rule),
            "`{rule}` should not fire on {t:?}"
        );
    }
}

#[test]
fn sanctions_under_their_other_names() {
    let l = linter();
    assert_fires(
        &l,
        "payment-deduction",
        &[
            "The Authority may withhold 5% of the monthly capitation payment until the missed targets are met.",
            "A Performance Abatement of the Monthly Charge applies for each failed Service Level.",
            "Where a milestone is missed, delay damages of £500 a day are payable.",
            "The Commissioner will retain 2% of each invoice as a holdback when the KPI is not met.",
            "Failure to meet the standard results in a fine of £2,000 against the next payment.",
            // Retention of a share of each payment; a bond forfeited after a failure.
            "The Department will retain 10% of each payment until the final report is accepted.",
            "The Contractor shall forfeit the performance bond if milestones are missed.",
        ],
    );
    // Credits and rebates sized as a share or a sum, after a failure or under a service
    // level; and the credit named as the remedy for a missed level.
    assert_fires(
        &l,
        "service-credits",
        &[
            "If Uptime is below 99.5%, the Customer is entitled to a 10% credit.",
            "The Supplier will issue a credit equal to 5% for each hour of downtime.",
            "Where the response time is missed, the Authority may claim a rebate of 2% of the quarterly fee.",
            "The Customer's sole remedy for any failure to meet the Service Level is the credit described below.",
        ],
    );
    assert_silent(
        &l,
        "service-credits",
        &[
            "Residents may claim a tax credit of £500.",
            "Members earn a 5% credit toward their next course.",
        ],
    );
    assert_silent(
        &l,
        "payment-deduction",
        &[
            "The provider shall retain 10% of records for audit.",
            // Arithmetic, not a sanction.
            "The KPI shortfall is found by deducting from 100% the actual standard of performance achieved against the KPI.",
        ],
    );
    // The body of a definition in a table of terms, its term in the cell before.
    assert_silent(
        &l,
        "service-credits",
        &["| Term | Meaning |\n|---|---|\n| \"Earn Back %\" | means the share of a KPI Credit that may be earned back where the failure is not repeated |\n"],
    );
    assert_fires(
        &l,
        "service-credits",
        &[
            "SLA credits are calculated against the monthly fee.",
            "If availability falls below 99.5%, the Supplier shall credit the Customer 2% of the Monthly Charge.",
            "Credit allowances accrue for each KPI failure.",
        ],
    );
}

#[test]
fn payment_models_and_volumes_in_many_words() {
    let l = linter();
    assert_fires(
        &l,
        "volume-payment",
        &[
            "The plan pays the provider £42 per enrolled member per month.",
            "Providers are reimbursed on a fee-for-service basis.",
            "Home care is paid at a rate of £18.10 per hour of care delivered.",
            "The Commissioner will purchase a minimum of 5,000 units of activity each year.",
            "Capitation payments are made monthly to each practice.",
            "Payment is calculated on the number of assessments completed.",
            "The hourly rate for domiciliary care is £19.50.",
            "The board sets the planned number of outpatient appointments for each quarter.",
            "The ICB will commission 1,200 additional physiotherapy sessions next year.",
            "Practices move to capitated payments from April.",
            // Payment on a per-person basis, payment that follows volume.
            "Reimbursement is made on a per-client basis.",
            "Funding rises and falls with the volume of services delivered.",
        ],
    );
    // A price table: a sum in a price column, in a row that names a unit of activity.
    assert_fires(
        &l,
        "volume-payment",
        &["| Service | Price |\n|---|---|\n| Initial assessment | £210 |\n"],
    );
    assert_silent(
        &l,
        "volume-payment",
        &[
            "| Role | Day rate |\n|---|---|\n| Senior consultant | £650 |\n",
            "| Item | Price |\n|---|---|\n| Annual licence | £12,000 |\n",
        ],
    );
    assert_silent(
        &l,
        "volume-payment",
        &[
            "Contractor staff are paid hourly labour rates under the time-and-materials task order.",
            "Travel is reimbursed at the GSA per diem rate for meals and lodging.",
            "Insurance cover of $1,000,000 per claim is required.",
            "Infections are counted per 1,000 patient days.",
        ],
    );
}

#[test]
fn every_negation_form_cancels_a_match() {
    let l = linter();
    assert_silent(
        &l,
        "service-credits",
        &[
            "Service credits will not be payable under this agreement.",
            "Service credits are not available to the Authority.",
            "The service credit regime is disapplied for the first year.",
            "No service credits apply.",
            // A contracted negation after the match, with either apostrophe.
            "Service credits won’t be payable under this agreement.",
            "Service credits won't apply in the first year.",
        ],
    );
    assert_silent(
        &l,
        "payment-deduction",
        &[
            "Payments will not be withheld while the improvement plan is agreed.",
            "Deductions are suspended and replaced with a block payment.",
            "There will be no financial penalties.",
            // Typographic apostrophes, as Word and PDF write them.
            "The Authority doesn’t deduct any sums from the monthly charges for late reports.",
            // A negation over a list of nouns.
            "The Supplier has no right of set-off, counterclaim, discount or abatement against the charges.",
        ],
    );
    assert_silent(
        &l,
        "volume-payment",
        &["No volumes are guaranteed and no minimum volume applies."],
    );
    // What does not exist yet is not there.
    assert_fires(
        &l,
        "missing-joint-governance",
        &["The plan needs a joint partnership board that does not currently exist."],
    );
    assert_fires(
        &l,
        "missing-data-sharing",
        &["Linking the visit data to hospital records requires a data sharing agreement that doesn’t yet exist."],
    );
    // A failure is not a negation of what follows it.
    assert_fires(
        &l,
        "payment-deduction",
        &[
            "If the Supplier does not meet the KPI, the Authority shall deduct 2% of the charges.",
            // The failure's "does" stands before the window of words that a cue is
            // looked for in: the phrase is still not a negation.
            "If the recipient does not meet the quality targets, CMS may reduce the amount of the award.",
        ],
    );
    assert_fires(
        &l,
        "volume-payment",
        &["Where the Distributor does not meet its minimum purchase requirements, the discount ends."],
    );
    // People counted by what did not happen to them, or by a habit that has ended: the
    // measure is still there.
    assert_silent(
        &l,
        "missing-patient-outcomes",
        &[
            "Percentage of patients not readmitted within 30 days of discharge.",
            "The proportion of people who did not return to hospital within 91 days.",
            "The proportion of smokers who have not smoked for four weeks, confirmed by CO test.",
            "The percentage of participants who are no longer using opioids at six months.",
        ],
    );
    // The same words as the provider's duty, negated, still cancel a sanction.
    assert_silent(
        &l,
        "payment-deduction",
        &["Where patients are not readmitted, no deduction will be made from the charges."],
    );
}

#[test]
fn trigger_words_in_another_sense_are_not_findings() {
    let l = linter();
    assert_silent(
        &l,
        "service-credits",
        &[
            "Staff keep their pension service credits when they transfer.",
            "Years of service credit count towards seniority.",
            "Clinicians earn CPD credits for the training.",
        ],
    );
    assert_silent(
        &l,
        "payment-deduction",
        &[
            "The employer makes payroll deductions for income tax from wages.",
            "Union dues are deducted from the salary each month.",
            "Individuals may face a tax penalty under section 5000A for late enrolment.",
            "Consent shall not be unreasonably withheld from the payment request.",
            // A penalty on someone else; the provider suspending its own work.
            "States, territories, and tribes must meet the work participation rate or be subject to a financial penalty.",
            "The Supplier may suspend the works under the Construction Act for non-payment of the invoice.",
        ],
    );
    // Contract boilerplate that names a patient state in another sense.
    assert_fires(
        &l,
        "missing-patient-outcomes",
        &[
            "## 14.3 Survival\n\nClauses 7 and 9 survive termination of this Contract.\n",
            "Neither party limits its liability for death or personal injury caused by its negligence.",
        ],
    );
    // "on prem" is hosting, not a patient-reported experience measure.
    assert_fires(
        &l,
        "missing-patient-outcomes",
        &["The system runs on PREM hardware, on-prem in the data centre."],
    );
}

#[test]
fn another_sense_of_withholding_is_read_in_the_clause_not_in_its_headings() {
    let l = linter();
    // "Information" in the section's title says nothing about this clause's deductions.
    assert_fires(
        &l,
        "payment-deduction",
        &["# Payment\n\nReporting Data and Information\n\nThe Authority shall deduct 5% of the monthly charge for each late report.\n"],
    );
    // Withholding information or consent is another sense, in the clause itself.
    assert_silent(
        &l,
        "payment-deduction",
        &["The Supplier shall not withhold information or records from the monthly payment review.\n"],
    );
}

#[test]
fn context_carries_the_money_object_or_the_regime() {
    let l = linter();
    // The money object in the previous sentence.
    assert_fires(
        &l,
        "payment-deduction",
        &["The Monthly Charge is invoiced in arrears. A deduction applies for each failed KPI."],
    );
    // The regime in the heading.
    assert_fires(
        &l,
        "payment-deduction",
        &["# Payment Mechanism\n\nAn abatement applies for each Service Failure.\n"],
    );
    // Fines and administrative penalties in a section on sanctions.
    assert_fires(
        &l,
        "payment-deduction",
        &[
            "## Sanctions\n\nWhat type of intervention was imposed?\n\n- Fine\n- Corrective action plan\n",
            "## Sanctions\n\nReport all actions taken: sanctions, administrative penalties and corrective action plans.\n",
        ],
    );
    // The consequence column of a KPI table.
    assert_fires(
        &l,
        "payment-deduction",
        &["| KPI | Target | Deduction from the monthly fee |\n|---|---|---|\n| Calls answered | 95% | A deduction applies |\n"],
    );
}

#[test]
fn a_layout_table_s_first_row_of_prose_is_text_not_labels() {
    let l = linter();
    // Converted documents lay clauses out in HTML tables with no <th>: the first row is
    // prose, linted like any cell, and is not taken for the labels of a KPI table.
    let layout = "<table>\n<tr><td>7.1</td><td>A service credit of 2% of the Monthly Charge applies for each KPI failure.</td></tr>\n<tr><td>7.2</td><td>The Supplier reports each month.</td></tr>\n</table>\n";
    assert_fires(&l, "service-credits", &[layout]);
    assert_silent(&l, "performance-matrix", &[layout]);
    // A first row of labels is still the header, with or without <th>.
    let kpis = "<table>\n<tr><td>KPI</td><td>Target</td><td>Service credit</td></tr>\n<tr><td>Calls answered</td><td>95%</td><td>2 points</td></tr>\n</table>\n";
    assert_fires(&l, "performance-matrix", &[kpis]);
}

#[test]
fn outcome_measures_in_plain_words_are_recognised_and_slogans_are_not() {
    let l = linter();
    assert_silent(
        &l,
        "missing-patient-outcomes",
        &[
            "Proportion of older people still at home 91 days after discharge into reablement.",
            "Deaths within 30 days of discharge from hospital.",
            "Percentage of people who achieve reliable improvement on PHQ-9.",
            "Four-week quit rates confirmed by CO test.",
            "Percentage of patients who would recommend the service to friends and family.",
            "Rate of people who returned to hospital as an emergency within 30 days.",
            "Proportion of adults with learning disabilities in paid work.",
            "Change in Oxford knee score six months after surgery.",
            // A lab value past a threshold written with a symbol, and a change in
            // function said of a procedure rather than of people.
            "Share of people with diabetes whose latest HbA1c is > 75 mmol/mol.",
            "Proportion of knee replacements with an improvement in physical function at one year.",
            // Complications that needed further treatment; a score reached or reduced.
            "Rate of patients needing unplanned ventilation after day surgery.",
            "Percentage of eyes with visual acuity of 6/12 or better after surgery.",
            "Percentage of children with asthma who achieve a score reduction of 3 points.",
            "Percentage of parents who would trust the clinic to care for their child again.",
            // A clinical marker at or under a threshold written in words; healthy weight.
            "Percentage of patients whose HbA1c is 58 mmol/mol or less.",
            "Proportion of children in Year 6 who are a healthy weight.",
            // Patient experience or satisfaction named as data or results.
            "Patient experience and satisfaction data for the practice, reviewed each year.",
        ],
    );
    assert_fires(
        &l,
        "missing-patient-outcomes",
        &[
            "The Provider will improve patient outcomes across the pathway.",
            "We will deliver better health and wellbeing for local people.",
            "Percentage of calls answered within 30 seconds.",
            "Percentage of patients seen within 18 weeks of referral.",
            "Number of contacts delivered each month.",
            "Percentage of patients who received a pain assessment on admission.",
        ],
    );
}

#[test]
fn partnership_ingredients_in_paraphrase() {
    let l = linter();
    assert_silent(
        &l,
        "missing-shared-goals",
        &["We agree one purpose: people live well at home."],
    );
    assert_silent(
        &l,
        "missing-joint-governance",
        &["A leadership team with one seat for each commissioner and each provider steers the service."],
    );
    assert_silent(
        &l,
        "missing-patient-voice",
        &["A reference group of people who have used the service reviews every change."],
    );
    assert_silent(
        &l,
        "missing-data-sharing",
        &[
            "The parties sign a data management and confidentiality agreement.",
            "Discharge records are exchanged between the ward and the community team every day.",
            "The service joins the regional health information exchange.",
            // Data exchanged, one dataset seen by both, data protection and ownership.
            "The guide supports data exchange between payers and providers.",
            "Practices agree the electronic exchange of information for shared patients.",
            "The system is to provide one source of truth for data, owned by the government.",
            "Hospitals should see the same data that the provider sees.",
            "A single common data environment hosts the building information models.",
            "The Supplier shall process Personal Data only as the Data Protection Legislation allows.",
            "The Department retains sole ownership of all data the Contractor holds.",
            // Data made available to every partner, or linked across organisations' records.
            "The metrics are made available to all partner organisations through one portal.",
            "Hospitals submit the core dataset, which the agency links with claims data.",
        ],
    );
    // Publishing data, or giving staff access to it, shares nothing between organisations.
    assert_fires(
        &l,
        "missing-data-sharing",
        &[
            "The dashboard will share public data on opening hours.",
            "Administrators enable the sharing of customer data with support staff.",
        ],
    );
    // A representative sample, or an expert panel on guidelines, gives patients no voice.
    assert_fires(
        &l,
        "missing-patient-voice",
        &[
            "The analysis uses a representative sample of people from each district.",
            "The Panel on Clinical Guidelines for Adults sets the dosing rules.",
            // User research with staff, a panel of registered patients, comments on a draft.
            "The team ran user interviews with 12 practitioners who process the forms.",
            "Each practice is paid a fixed amount per month for its patient panel under capitation.",
            "We are looking for feedback from the community on this revised section.",
            // Experience named as a domain of quality is nobody's voice.
            "Providers are scored on cost, utilisation and patient experience.",
        ],
    );
    assert_silent(
        &l,
        "missing-patient-voice",
        &[
            "Representatives of service users sit on the steering group.",
            // Feedback from the people served through surveys, complaints and appeals.
            "The plan reports the results of its CAHPS enrollee survey.",
            "The plan reports enrollee grievances and appeals each quarter.",
            "Patient experience survey results are reviewed with the patient panel each year.",
        ],
    );
    // Principles of a standards body the document follows are not shared between the parties.
    assert_fires(
        &l,
        "missing-shared-goals",
        &["Like all Da Capo guides, it follows the Da Capo Guiding Principles for exchanging records."],
    );
    assert_silent(
        &l,
        "missing-shared-goals",
        &[
            "The guiding principles of the partnership are set out in section 2.",
            "This plan will help us both prepare for a successful first release.",
            "The compact sets out how we will work together and what each organisation is committing to deliver.",
        ],
    );
    // An organisation's name is not a joint board.
    assert_fires(
        &l,
        "missing-joint-governance",
        &["North Wessex Integrated Care Board commissions the service."],
    );
    // A staff non-disclosure agreement is not a data sharing arrangement.
    assert_fires(
        &l,
        "missing-data-sharing",
        &["Contractor personnel sign confidentiality agreements before starting."],
    );
}

/// The table rules read their columns in one vocabulary: what counts as a target for
/// `performance-matrix` counts as one for `incomplete-measure`, and the reverse.
#[test]
fn table_rules_share_one_list_of_targets() {
    let l = linter();
    let goal = "| KPI | Goal |\n|---|---|\n| Calls answered | 95% |\n";
    assert_fires(&l, "performance-matrix", &[goal]);
    let tolerance =
        "| Measure | Tolerance | Baseline | Timeframe | Data source |\n|---|---|---|---|---|\n| Calls answered | 95% | 90% | by 2027 | telephony |\n";
    assert_silent(&l, "incomplete-measure", &[tolerance]);
}

/// A table that a PDF conversion flattened into lines, its header cells each a bold line
/// of its own, is read as a table; bold titles over a paragraph are not.
#[test]
fn tables_flattened_into_bold_lines_are_tables() {
    let l = linter();
    let flattened = "## **Success measure**\n\n**2026/27 target**\n\n**2028/29 target**\n\nImprove the percentage of patients seen within 18 weeks to 65%\n";
    assert_fires(&l, "performance-matrix", &[flattened]);
    assert_fires(&l, "incomplete-measure", &[flattened]);
    let titles = "**Step 1: scoring the metrics**\n\n**Selecting metrics**\n\nWe have selected the delivery metrics that give a headline view of delivery.\n";
    assert_silent(&l, "incomplete-measure", &[titles]);
    assert_silent(&l, "performance-matrix", &[titles]);
}

#[test]
fn user_rule_files_compose_built_in_concepts() {
    let user = TomlFile::new(
        "team.toml",
        "[[concept]]\nid = \"late-report\"\ndescription = \"A report sent late.\"\nphrases = [\"late report\"]\n\n\
         [[rule]]\nid = \"late-report-sanction\"\nkind = \"pattern\"\nseverity = \"warning\"\ncategory = \"team\"\n\
         title = \"t\"\nmessage = \"found {match}\"\nhelp = \"h\"\nrationale = \"r\"\n\
         patterns = ['{sanction-verb}']\nwith = [{ concept = \"late-report\", in = [\"sentence\", \"heading\"] }]\n",
    );
    let mut files = builtin::files();
    files.push(user);
    let l = Linter::new(RuleSet::load(&files).unwrap_or_else(|e| panic!("{e:?}")));
    assert_fires(
        &l,
        "late-report-sanction",
        &["# Late report\n\nThe Authority will deduct £50.\n"],
    );
    assert_silent(
        &l,
        "late-report-sanction",
        &["The Authority will deduct £50."],
    );
}

#[test]
fn concept_errors_point_at_the_pattern() {
    let bad = |body: &str| {
        let text = format!("[[rule]]\nid = \"x\"\nkind = \"pattern\"\nseverity = \"warning\"\ncategory = \"c\"\ntitle = \"t\"\nmessage = \"m\"\nhelp = \"h\"\nrationale = \"r\"\n{body}");
        match RuleSet::load(&[TomlFile::new("t.toml", text.clone())]) {
            Ok(_) => panic!("{body:?} loaded"),
            Err(e) => {
                let e = &e.0[0];
                (
                    e.message.clone(),
                    e.span
                        .clone()
                        .map(|s| text[s].to_string())
                        .unwrap_or_default(),
                )
            }
        }
    };
    let (message, at) = bad("patterns = ['{no-such-concept}']\n");
    assert!(
        message.contains("`no-such-concept`, which is not defined"),
        "{message}"
    );
    assert_eq!(at, "'{no-such-concept}'");
    let (message, _) = bad("patterns = ['{a}']\n[[concept]]\nid = \"a\"\ndescription = \"d\"\npatterns = ['x{b}']\n[[concept]]\nid = \"b\"\ndescription = \"d\"\npatterns = ['y{a}']\n");
    assert!(message.contains("names itself"), "{message}");
    let (message, at) = bad("patterns = ['x']\nwith = [{ concept = \"nope\" }]\n");
    assert!(
        message.contains("`with` names the concept `nope`"),
        "{message}"
    );
    assert_eq!(at, "\"nope\"");
}

#[test]
fn the_concepts_command_lists_gazetteer_entries_with_their_frameworks() {
    let dir = common::tree(&[]);
    let r = common::run(common::tenderlint(dir.path()).args(["concepts"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("outcome-instrument  (rules/concepts.toml)"),
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("- Adult Social Care Outcomes Framework indicators [ASCOF]"));
    assert!(r.stdout.contains("- NHS Talking Therapies measures"));
}
