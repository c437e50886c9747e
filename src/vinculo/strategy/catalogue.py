"""The strategy layer's messages in English, its source language: reasons, offers and the
briefing note's strings, each under a stable key.

Every entry is ``N_(key, english)``. The key is the message's code (a reason's ``code`` in
the API, :meth:`vinculo.strategy.i18n.Message.as_dict`) and, in the gettext catalogue, its
context (``msgctxt``); the English text is the ``msgid``. The Spanish (as written in
Mexico) is in ``locale/es/LC_MESSAGES/strategy.po`` beside this file, compiled to
``strategy.mo``: ``scripts/messages`` extracts these entries with Babel, merges them into
the ``.po`` and compiles it, together with the web application's catalogue
(docs/translations.md).

Texts are :meth:`str.format` templates: ``{name}`` is a parameter, filled in per language
(numbers, countries and nested messages rendered first). A glossary entry is
``"term|meaning"``: the brief splits it on the first ``|``.
"""

from __future__ import annotations

__all__ = ["ENGLISH", "N_"]


def N_(key: str, english: str) -> tuple[str, str]:  # noqa: N802 (gettext's noop marker)
    """Mark a message for extraction (``N_:1c,2``: the key is the context, the English
    text the msgid) and return it as a ``(key, english)`` pair."""
    return key, english


#: Every message of the strategy layer in English, by key.
ENGLISH: dict[str, str] = dict(
    (
        N_("component.science", "science"),
        N_("component.technology", "technology"),
        N_("component.trade", "trade"),
        N_("factor.strength", "strength"),
        N_("factor.complementarity", "complementarity"),
        N_("factor.ties", "ties"),
        N_("factor.capacity", "capacity"),
        N_("factor.proximity", "proximity"),
        N_("component.infrastructure", "infrastructure and resources"),
        N_(
            "reason.leader",
            "world frontier in {component}: {share} of the world, rank {rank} of {countries} "
            "({metric} {value}; {year})",
        ),
        N_(
            "reason.strength",
            "strong in {component}: {share} of the world, rank {rank} of {countries}, specialized "
            "({metric} {value}; {year})",
        ),
        N_(
            "reason.mass",
            "large in {component}: {share} of the world, rank {rank} of {countries}, though not "
            "specialized ({metric} {value}; {year})",
        ),
        N_(
            "reason.specialised_small",
            "specialized in {component} ({metric} {value}) but small: {share} of the world "
            "({year})",
        ),
        N_(
            "reason.share",
            "{share} of the world in {component}, rank {rank} of {countries} ({year}; no measure "
            "of specialization)",
        ),
        N_("reason.weak", "{share} of the world in {component} ({metric} {value}; {year})"),
        N_(
            "reason.complements",
            "stronger than {home} in {component}: score {partner} against {mine} ({partner_share} "
            "of the world and {metric} {partner_value}, against {home_share} and {home_value}; "
            "{year})",
        ),
        N_(
            "reason.complements_stage",
            "stronger than {home} at the stage '{stage}': score {partner_score} against "
            "{home_score} ({partner_share} of world exports and RCA {partner}, against "
            "{home_share} and {mine}; {year})",
        ),
        N_(
            "reason.ties",
            "{works} works co-authored with {home} in {year}: {share} of {home}'s international "
            "co-authorship (association strength {strength})",
        ),
        N_(
            "reason.ties_trend",
            "co-authorship with {home}: {change} over {years} years (from {before} works)",
        ),
        N_("reason.no_ties", "no co-authorship with {home} on record"),
        N_(
            "reason.talent_scholarships",
            "{scholarships} scholarship-years paid by {home} for study here, {first}–{last} "
            "({new} new scholars; CONACYT)",
        ),
        N_(
            "reason.talent_migration",
            "scholars' migration {period}: {outflow} from {home}, {inflow} to {home} "
            "(net {net} for {home}; Scopus affiliations)",
        ),
        N_(
            "reason.rd_absolute",
            "R&D expenditure of PPP$ {amount} billion ({year}; {share} of GDP)",
        ),
        N_(
            "reason.researchers",
            "{researchers} researchers in R&D ({year}; {per_million} per million people)",
        ),
        N_("reason.no_capacity", "no data on R&D expenditure or researchers: neutral value"),
        N_(
            "offer.component",
            "{home} is stronger in {component}: score {mine} against {partner} ({home_share} of "
            "the world and {metric} {home_value}, against {partner_share} and {partner_value}; "
            "{year})",
        ),
        N_(
            "offer.stage",
            "{home} is stronger at the stage '{stage}': score {home_score} against "
            "{partner_score} ({home_share} of world exports and RCA {mine}, against "
            "{partner_share} and {partner}; {year})",
        ),
        N_(
            "offer.field",
            "science: {home} is specialized in '{field}' ({works} publications in {year}; "
            "activity index {mine}, that of {other} {partner})",
        ),
        N_(
            "offer.product",
            "trade: {home} exports '{product}' (USD {amount} million in {year}; RCA {mine}, that "
            "of {other} {partner})",
        ),
        N_(
            "offer.none",
            "the evidence shows no field, product or stage where {home} is clearly ahead of this "
            "partner",
        ),
        N_("reason.distance", "{km} km from {home}"),
        N_("reason.language", "shares an official language with {home} ({languages})"),
        N_("metric.activity_index", "activity index"),
        N_("metric.rca", "RCA"),
        N_("metric.intensity", "intensity"),
        N_("metric.world_share", "world share"),
        # ------------------------------------------------------------ the brief for a post
        N_("brief.title", "Briefing note for the Embassy of Mexico in {host}"),
        N_("brief.section.summary", "Executive summary"),
        N_("brief.summary.priorities", "Where {host} can help most"),
        N_(
            "brief.summary.priority",
            "{host} ranks {rank} of {candidates} candidate partners (score {score}).",
        ),
        N_("brief.summary.asks", "What to ask for"),
        N_(
            "brief.summary.ask",
            "{component} ({priority}): world share of {host} {host_share}, of {home} {home_share} "
            "({year}).",
        ),
        N_("brief.summary.offers", "What {home} offers"),
        N_("brief.summary.talking", "Talking points"),
        N_(
            "brief.summary.trend",
            "Publications co-authored by {home} and {host}: {works} in {year}, against {before} "
            "in {before_year}.",
        ),
        N_("brief.summary.sensitivities", "Sensitivities"),
        N_("brief.summary.none", "None flagged by the platform."),
        N_("brief.post.embassy", "Embassy of Mexico in {host}"),
        N_("brief.post.consulate", "Consulate of Mexico in {city}"),
        N_("brief.pending.embassy", "To be completed by the Embassy."),
        N_("brief.pending.consulate", "To be completed by the Consulate."),
        N_("brief.issuing_unit", "Vínculo, science diplomacy platform"),
        N_("brief.classification", "Internal use"),
        N_("brief.cover.issued_by", "Issued by"),
        N_("brief.cover.classification", "Classification"),
        N_("brief.cover.cutoff", "Data up to"),
        N_("brief.section.context", "The bilateral relationship"),
        N_("brief.context.legal", "Legal framework and its state"),
        N_("brief.context.agreements", "Cooperation in force: agreements and their status"),
        N_("brief.context.opportunities", "Open opportunities"),
        N_("brief.context.counterparts", "Counterparts"),
        N_("brief.context.agenda", "Agenda: events and deadlines"),
        N_("brief.context.transfer", "Technology transfer and IP regime of {host}"),
        N_(
            "brief.transfer.intro",
            "How {host} moves public research into industry and who owns what, dimension by "
            "dimension; every fact carries its source.",
        ),
        N_("brief.transfer.none", "Vínculo has no technology-transfer record for {host} yet."),
        N_(
            "brief.transfer.unknown",
            "Not sourced, so not stated as facts: {dimensions}.",
        ),
        N_("brief.transfer.record", "Record version {version}, reviewed {date}."),
        N_("brief.transfer.source", "{publisher}, «{title}», {date}"),
        N_("brief.transfer.dimension.instruments", "Transfer instruments"),
        N_("brief.transfer.dimension.ownership", "Ownership of publicly funded results"),
        N_("brief.transfer.dimension.inventor_remuneration", "Inventor remuneration"),
        N_("brief.transfer.dimension.spin_offs", "Spin-off rules"),
        N_("brief.transfer.dimension.joint_labs", "Public-private joint labs"),
        N_("brief.transfer.dimension.licence_terms", "Typical licence terms"),
        N_("brief.transfer.dimension.funding", "Funding volumes"),
        N_("brief.context.forums", "Technical forums {host} leads"),
        N_("brief.context.diaspora", "{home}'s researchers in {host}"),
        N_(
            "brief.diaspora.total",
            "Researchers of {home} in the diaspora with a current post in {host}, from the "
            "profiles Vínculo holds: {count}, at {institutions}.",
        ),
        N_("brief.diaspora.priorities", "In the priorities:"),
        N_("brief.diaspora.priority", "{priority} {count}"),
        N_("brief.diaspora.outside", "None of them works on a priority's topics."),
        N_(
            "brief.diaspora.none",
            "No profile Vínculo holds places a researcher of {home} in the diaspora in {host}.",
        ),
        N_(
            "brief.diaspora.note",
            "Counts of profiles (OpenAlex, ORCID and the posts' own lists), not of everyone "
            "there; a person may work on several priorities. Names are on the researchers' "
            "pages, for the roles that may see them.",
        ),
        N_("brief.context.talent", "Talent flows between {home} and {host}"),
        N_(
            "brief.talent.scholarships",
            "Scholarships {home} paid for study in {host}, {first}–{last}: {count} "
            "scholarship-years ({starts} new), most at {institutions}; fields: {areas}.",
        ),
        N_(
            "brief.talent.no_scholarships",
            "The evidence holds no scholarship {home} paid for study in {host}.",
        ),
        N_(
            "brief.talent.migration",
            "Scholars moving between the two countries, {start}–{end} (estimates): {outflow} "
            "from {home} to {host}, {inflow} from {host} to {home}; net for {home}: {net}.",
        ),
        N_(
            "brief.talent.no_migration",
            "The evidence holds no estimate of scholars moving between {home} and {host}.",
        ),
        N_(
            "brief.talent.note",
            "Aggregates, not people: the national science council's published lists of "
            "scholarships abroad (a scholarship counts once per year it was paid; the last "
            "year covers January to June) and estimates of scholars' moves from changes of "
            "affiliation in Scopus (MPIDR). Sources: {vintages}.",
        ),
        N_(
            "brief.forums.intro",
            "Standards committees and intergovernmental bodies of the priorities where a "
            "public source names {host} at the head (secretariat, chair...), and {home}'s "
            "seat in each:",
        ),
        N_(
            "brief.forums.none",
            "No public source in Vínculo's forum registry names {host} at the head of a "
            "forum of the priorities.",
        ),
        N_(
            "brief.forums.gap",
            "{home} has no known seat in {count} of these {total} forums: a request for "
            "{host}'s support to join them belongs on the agenda.",
        ),
        N_("brief.forums.row", "{forum}: {host} {roles}; {home}: {status}"),
        N_("brief.forums.source", "{publisher}, «{title}», {date}"),
        N_("brief.forums.record", "Forum registry version {version}, updated {date}."),
        N_("brief.forums.role.secretariat", "holds the secretariat"),
        N_("brief.forums.role.chair", "holds the chair"),
        N_("brief.forums.role.co-chair", "holds a co-chair"),
        N_("brief.forums.role.vice-chair", "holds a vice-chair"),
        N_("brief.forums.role.co-lead", "co-leads it"),
        N_("brief.forums.role.convener", "is the convener"),
        N_("brief.forums.role.founder", "is among its founders"),
        N_("brief.forums.status.participating", "participating"),
        N_("brief.forums.status.observer", "observer"),
        N_("brief.forums.status.absent", "absent"),
        N_("brief.forums.status.unknown", "unknown (no public source found)"),
        N_("brief.subtitle", "Science and technology cooperation {home}–{host}"),
        N_("brief.date", "Date: {date}"),
        N_(
            "brief.prepared",
            "Prepared with Vínculo from public data; every figure states its year and its source "
            "(technical provenance in annex C).",
        ),
        N_("brief.contents", "Contents"),
        N_("brief.page", "Page"),
        N_("brief.page_of", "of"),
        N_("brief.na", "n/a"),
        N_("brief.section.priorities", "Priorities and the partner's standing"),
        N_("brief.section.capabilities", "Capabilities compared"),
        N_("brief.section.coauthorship", "Scientific collaboration"),
        N_("brief.section.value_chains", "Trade complementarity along the value chains"),
        N_("brief.section.institutions", "Leading institutions"),
        N_("brief.section.sources", "Sources and method"),
        N_(
            "brief.priorities.intro",
            "The priorities of {home} are ordered by the rank of {host} among the candidate "
            "partners of each priority, relative to the number of candidates (rank over "
            "candidates, best first); ties are broken by the higher score, then by the order of "
            "the priorities file. Priorities where {host} is not a candidate come last.",
        ),
        N_("brief.col.priority", "Priority"),
        N_("brief.col.rank", "Rank"),
        N_("brief.col.score", "Score"),
        N_("brief.col.complementarity", "Complementarity"),
        N_("brief.col.rank_range", "Rank with weights ±20%"),
        N_("brief.col.factor", "Factor"),
        N_("brief.col.value", "Value"),
        N_("brief.col.weight", "Weight"),
        N_("brief.col.contribution", "Contribution"),
        N_("brief.col.reasons", "Why"),
        N_("brief.col.component", "Component"),
        N_("brief.col.basis", "Classification"),
        N_("brief.col.year", "Year"),
        N_("brief.col.metric", "Indicator"),
        N_("brief.col.percentile", "Percentile"),
        N_("brief.col.world_share", "World share"),
        N_("brief.col.gap", "Gap of {home}"),
        N_("brief.col.works", "Co-authored publications"),
        N_("brief.col.stage", "Stage"),
        N_("brief.col.leaders", "World leaders (share)"),
        N_("brief.col.institution", "Institution"),
        N_("brief.col.city", "City"),
        N_("brief.col.type", "Type"),
        N_("brief.col.matched", "Keywords found"),
        N_("brief.col.table", "Table"),
        N_("brief.col.source", "Source"),
        N_("brief.col.dataset", "Dataset"),
        N_("brief.col.vintage", "Vintage"),
        N_("brief.col.rows", "Rows"),
        N_("brief.col.retrieved", "Retrieved"),
        N_("brief.rank_of", "{rank} of {candidates}"),
        N_("brief.stable", "stable"),
        N_("brief.not_candidate_short", "not a candidate"),
        N_(
            "brief.standing",
            "{host} ranks {rank} of the {candidates} candidate partners of {home} in this "
            "priority (score {score}).",
        ),
        N_(
            "brief.standing_range",
            "With each weight moved by ±20%, its rank ranges from {best} to {worst}.",
        ),
        N_("brief.standing_stable", "Its rank holds with each weight moved by ±20%."),
        N_("brief.top_partners", "Top candidates: {partners}."),
        N_(
            "brief.not_candidate",
            "{host} is not among the candidate partners of {home} in this priority: {why}. No "
            "rank or score is given.",
        ),
        N_(
            "brief.not_candidate.components",
            "it has data in fewer than two of the three components (science, technology and trade)",
        ),
        N_(
            "brief.not_candidate.share",
            "it does not reach 0.1% of the world total in any component",
        ),
        N_("brief.not_candidate.unknown", "the evidence available is not enough to assess it"),
        N_(
            "brief.no_evidence",
            "The evidence store has no data for this priority; load them with “vinculo data pull”.",
        ),
        N_(
            "brief.capabilities.intro",
            "Each component is read on two axes: mass (world share, and rank among the countries "
            "with data) and specialization (activity index in science, RCA in technology and "
            "trade, intensity in infrastructure: 1 is the world's profile; ratios of small counts "
            "are shrunk towards 1). The frontier is the country with the largest share among the "
            "specialized ones holding at least 1% of the world; the gap of {home} is measured "
            "against it on a log scale (0 at the frontier, 100 at a thousandth of it or less). "
            "The score (0 to 100) combines both axes.",
        ),
        N_("brief.capabilities.absent", "No evidence of {component}: {reason}"),
        N_(
            "brief.capabilities.absent_data",
            "the evidence store has no data of this component for the priority.",
        ),
        N_(
            "brief.capabilities.not_world",
            "rank among {countries} countries: not a world position",
        ),
        N_("brief.col.share_rank", "Share (rank)"),
        N_("brief.col.ratio", "Specialization"),
        N_("brief.col.frontier", "Frontier"),
        N_("brief.col.gap_frontier", "Gap of {home}"),
        N_("brief.offers.title", "What {home} offers {host}"),
        N_("brief.capabilities.none", "No capability data for this priority."),
        N_(
            "brief.chart.capabilities",
            "{priority}: capability score (0 to 100) of {home} and {host}",
        ),
        N_(
            "brief.coauthorship.intro",
            "Publications with authors from both {home} and {host} per year, all fields (source: "
            "{source}).",
        ),
        N_(
            "brief.coauthorship.latest",
            "In {year}, {home} and {host} published {works} co-authored works.",
        ),
        N_("brief.coauthorship.change", "Change since {before} ({before_works} works): {change}."),
        N_(
            "brief.coauthorship.none",
            "The evidence store has no co-authorship on record between {home} and {host}.",
        ),
        N_("brief.chart.coauthorship", "Works co-authored by {home} and {host} per year"),
        N_(
            "brief.chains.intro",
            "Revealed comparative advantage (RCA) of the exports of {home} and {host} at each "
            "stage of the chain, upstream first; an RCA of 1 or more means export specialization. "
            "Logarithmic scale.",
        ),
        N_("brief.chains.none", "No priority declares a value chain."),
        N_("brief.chain.missing", "No export data for the stages of this chain."),
        N_(
            "brief.chain.host_ahead",
            "{host} has a higher score than {home} at {count} of {total} stages.",
        ),
        N_(
            "brief.chain.resource",
            "{indicator} ({year}): {home} {value} {unit} ({share} of the world); frontier: "
            "{leader} ({leader_share}).",
        ),
        N_("brief.chain.gap_stage", "Stage where the gap of {home} is widest: “{stage}”."),
        N_(
            "brief.chain.next_step",
            "Closest next step for {home}: product {product} (HS) at the stage “{stage}”, with "
            "relatedness density {density}.",
        ),
        N_("brief.chart.chain", "{priority}: RCA by stage of {home} and {host}"),
        N_("brief.chart.reference", "RCA = 1"),
        N_(
            "brief.institutions.intro",
            "Research institutions of {host} in ROR (the Research Organization Registry) whose "
            "name or an alias contains keywords of the priority. ROR records no research fields: "
            "this is a match by name, not a measure of capability, and the registry loaded may be "
            "partial ({vintage}).",
        ),
        N_(
            "brief.institutions.none",
            "No institution of {host} in ROR matches the keywords of this priority.",
        ),
        N_("brief.sources.intro", "Datasets in the evidence store this brief was built from."),
        N_(
            "brief.method.score",
            "Partner score: the weighted sum of five factors between 0 and 1 (strength, "
            "complementarity, ties, capacity and proximity); each factor's contribution is its "
            "value times its weight, and the contributions add up to the score.",
        ),
        N_(
            "brief.method.candidates",
            "Candidates are the countries with data in at least two components and at least 0.5% "
            "of the world total in one of them.",
        ),
        N_("brief.weights", "Factor weights: {weights}."),
        N_(
            "brief.method.percentile",
            "Rank: position by world share among the countries with data; when they are fewer "
            "than 30, it is not a world position and is said so. No country under 1% of the world "
            "is a frontier or called strong.",
        ),
        # ------------------------------------------------------------ the brief, 2nd edition
        N_("brief.summary.bottom_line", "Bottom line"),
        N_(
            "brief.summary.best",
            "{host} is among the five leading candidate partners of {home} in {priorities}.",
        ),
        N_(
            "brief.summary.middle",
            "{host} is not among the five leading candidate partners of {home} in any priority; "
            "its best standing is rank {rank} of {candidates} in {priority}.",
        ),
        N_(
            "brief.summary.no_standing",
            "The data do not suffice to place {host} among the candidate partners of {home} in "
            "any priority.",
        ),
        N_(
            "brief.summary.ties",
            "Scientific co-authorship between the two countries reached {works} publications in "
            "{year} ({change} on {before_year}).",
        ),
        N_("brief.summary.leading_item", "{priority} (rank {rank} of {candidates})"),
        N_("brief.capabilities.countries", "{countries} countries"),
        N_("brief.summary.priority_line", "Rank {rank} of {candidates} candidate partners."),
        N_(
            "brief.summary.evidence",
            "{host} holds {host_share} of the world total in {component} (rank {rank} of "
            "{countries}; {year}), against {home_share} for {home}.",
        ),
        N_(
            "brief.ask.science",
            "{priority}: joint research projects and researcher mobility. {host} holds "
            "{host_share} of the world's publications in the area and {home} {home_share} "
            "({year}).",
        ),
        N_(
            "brief.ask.technology",
            "{priority}: co-development, licensing and technology transfer. {host} holds "
            "{host_share} of the world's international patent families in the area and {home} "
            "{home_share} ({year}).",
        ),
        N_(
            "brief.ask.trade",
            "{priority}: productive investment and integration of Mexican suppliers into the "
            "chain. {host} holds {host_share} of world exports in the sector and {home} "
            "{home_share} ({year}).",
        ),
        N_(
            "brief.ask.infrastructure",
            "{priority}: access to infrastructure and training of technical staff. {host} holds "
            "{host_share} of the measured world total and {home} {home_share} ({year}).",
        ),
        N_("brief.summary.context_agreements", "Agreements on record in the platform: {count}."),
        N_("brief.summary.context_next", "Next on the agenda: {what} ({when})."),
        N_(
            "brief.summary.ties_share",
            "{host} accounts for {share} of {home}'s international co-authorship ({year}).",
        ),
        N_(
            "brief.summary.first",
            "{host} is the leading candidate partner of {home} in {priority}, ahead of {next}.",
        ),
        N_("brief.summary.general_offer", "At large: {offer}"),
        N_("brief.priority_offers", "What {home} offers in this priority"),
        N_("brief.annex", "Annex {letter}"),
        N_("brief.section.scoring", "How {host} was scored"),
        N_(
            "brief.scoring.partner_level",
            "Factors that do not depend on the priority (the same in all)",
        ),
        N_("brief.scoring.per_priority", "One line per priority"),
        N_("brief.col.candidates_top", "Leading candidates"),
        N_("brief.section.glossary", "Glossary"),
        N_("brief.section.technical", "Sources: technical provenance"),
        N_("brief.section.institutions_curated", "Counterpart institutions"),
        N_(
            "brief.institutions.curated_intro",
            "Institutions of {host} chosen by the Embassy or the analysis unit for each priority, "
            "with the source of each choice. The platform does not present keyword matches as "
            "leading institutions.",
        ),
        N_("brief.institutions.kind.research", "Research and higher education"),
        N_("brief.institutions.kind.company", "Companies"),
        N_("brief.institutions.kind.government", "Government agencies"),
        N_("brief.institutions.source", "Source"),
        N_("brief.chain.host_stages", "Stages where {host} is ahead of {home}: {stages}."),
        N_(
            "brief.chain.host_stages_none",
            "{host} is not ahead of {home} at any stage of this chain.",
        ),
        N_(
            "brief.chain.gap_not_host",
            "{host} is not ahead of {home} at that stage either: cooperation with {host} does not "
            "close that gap.",
        ),
        N_(
            "brief.chain.next_product",
            "Closest next step for {home}: “{name}” (Harmonized System heading {code}), at the "
            "stage “{stage}”; relatedness density {density} (see the glossary).",
        ),
        N_("brief.source_line", "Sources: {sources}."),
        N_(
            "brief.technical.intro",
            "Datasets in the evidence store this brief was built from: internal id, vintage, file "
            "and row count, to reproduce it.",
        ),
        N_("brief.col.publisher", "Publisher"),
        N_("brief.col.file", "File"),
        N_("brief.col.term", "Term"),
        N_("brief.col.meaning", "Meaning"),
        N_("brief.supercomputer", "the supercomputer"),
        N_("unit.cars", "cars"),
        N_("unit.satellites", "satellites"),
        N_("unit.systems", "systems"),
        N_("classification.hs92", "HS 1992"),
        N_("classification.hs07", "HS 2007"),
        N_("classification.hs12", "HS 2012"),
        N_("classification.hs17", "HS 2017"),
        N_("classification.sitc", "SITC"),
        N_("source.openalex", "OpenAlex"),
        N_("source.ncses", "NSF-NCSES, Science and Engineering Indicators"),
        N_("source.ots", "Open Trade Statistics (UN Comtrade)"),
        N_("source.atlas", "Harvard Growth Lab, Atlas of Economic Complexity"),
        N_(
            "source.atlas-common-data",
            "World Bank, World Development Indicators (via the Harvard Growth Lab)",
        ),
        N_("source.wdi", "World Bank, World Development Indicators"),
        N_("source.iea", "International Energy Agency, Global EV Outlook"),
        N_("source.top500", "TOP500"),
        N_("source.ucs", "Union of Concerned Scientists, Satellite Database"),
        N_("source.usgs", "U.S. Geological Survey, Mineral Commodity Summaries"),
        N_("source.ror", "ROR (Research Organization Registry)"),
        N_("source.pci", "product complexity: {source}"),
        N_(
            "glossary.world_share",
            "World share|The country's part of the world total (publications, international "
            "patent families, exports or installed capacity) in the year stated.",
        ),
        N_(
            "glossary.rank",
            "Rank|The country's position by world share among the countries with data; with fewer "
            "than 30 countries it is not a world position, and is said so.",
        ),
        N_(
            "glossary.activity_index",
            "Activity index|An area's weight in the country's publications divided by its weight "
            "in the world's: 1 is the world's profile; above 1, specialization.",
        ),
        N_(
            "glossary.rca",
            "RCA (revealed comparative advantage)|The same ratio for patents or exports (the "
            "Balassa index): 1 or more means specialization.",
        ),
        N_(
            "glossary.intensity",
            "Intensity|The country's infrastructure or resource capacity (supercomputing, "
            "satellites, minerals, electric vehicles) divided by its weight in the world economy.",
        ),
        N_(
            "glossary.score",
            "Capability score (0 to 100)|Combines world share (on a log scale below the frontier) "
            "and specialization; discounted by up to half when the country is not specialized.",
        ),
        N_(
            "glossary.frontier",
            "Frontier|The country with the largest world share among the specialized ones holding "
            "at least 1% of the world.",
        ),
        N_(
            "glossary.gap",
            "Gap|The distance of {home} to the frontier on a log scale: 0 at the frontier, 100 at "
            "a thousandth of it or less.",
        ),
        N_(
            "glossary.candidate",
            "Candidate partner|A country with data in at least two components and at least 0.5% "
            "of the world total in one of them.",
        ),
        N_(
            "glossary.partner_score",
            "Partner score (0 to 1)|The weighted sum of five factors: strength, complementarity, "
            "ties, capacity and proximity.",
        ),
        N_(
            "glossary.strength",
            "Strength|The partner's capability in the priority: the mean of its capability scores.",
        ),
        N_(
            "glossary.complementarity",
            "Complementarity|How much stronger the partner is where {home} is weak: the mean of "
            "the positive score differences, by component and by stage.",
        ),
        N_(
            "glossary.ties",
            "Ties|Existing co-authorship: the partner's part of the international co-authorship "
            "of {home}, association strength, and growth over five years.",
        ),
        N_(
            "glossary.association",
            "Association strength|Co-authored publications observed between two countries divided "
            "by those expected from their sizes (1 = as expected).",
        ),
        N_(
            "glossary.capacity",
            "Capacity|The partner's R&D expenditure (PPP dollars) and researchers, on a log scale.",
        ),
        N_(
            "glossary.proximity",
            "Proximity|The distance between the two countries' research institutions, and a "
            "shared official language.",
        ),
        N_(
            "glossary.sensitivity",
            "Rank with weights ±20%|The partner's best and worst rank when each weight moves 20% "
            "up or down.",
        ),
        N_(
            "glossary.hs",
            "Harmonized System (HS)|The World Customs Organization's international classification "
            "of goods; its four-digit headings group products.",
        ),
        N_(
            "glossary.stage",
            "Value-chain stage|A group of HS headings for one link of the chain, from raw "
            "material to final product.",
        ),
        N_(
            "glossary.density",
            "Relatedness density|How close a product is to what the country already exports with "
            "an advantage (0 to 1), in the product space.",
        ),
        N_("table.exports", "exports"),
        N_("table.publications", "publications"),
        N_("table.coauthorship", "co-authorship"),
        N_("table.patents", "patents"),
        N_("table.country_indicators", "country indicators"),
        N_("table.institutions", "institutions"),
        N_("table.product_indicators", "product indicators"),
        N_("ror.type.education", "education"),
        N_("ror.type.facility", "facility"),
        N_("ror.type.government", "government"),
        N_("ror.type.healthcare", "healthcare"),
        N_("ror.type.company", "company"),
        N_("ror.type.nonprofit", "nonprofit"),
        N_("ror.type.funder", "funder"),
        N_("ror.type.archive", "archive"),
        N_("ror.type.other", "other"),
    )
)
