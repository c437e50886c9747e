"""Spanish and English for the strategy engine: one catalogue of messages, numbers and
percentages formatted per locale (CLDR through Babel).

Reasons and brief strings are kept as a key and parameters until they are shown, so the
same recommendation reads in either language.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol, runtime_checkable

from babel import Locale
from babel.numbers import format_decimal, format_percent

from vinculo.evidence.countries import locations_table
from vinculo.strategy.naming import naming_policy

__all__ = [
    "LANGUAGES",
    "MESSAGES",
    "NCSES_FIELDS_ES",
    "Country",
    "Languages",
    "Message",
    "Named",
    "Num",
    "Pct",
    "Share",
    "country_name",
    "number",
    "percent",
    "share",
    "text",
]

LANGUAGES = ("es", "en")

#: The 14 NCSES fields in Spanish (the team's translation).
NCSES_FIELDS_ES: dict[str, str] = {
    "Agricultural sciences": "Ciencias agrícolas",
    "Astronomy and astrophysics": "Astronomía y astrofísica",
    "Biological and biomedical sciences": "Ciencias biológicas y biomédicas",
    "Chemistry": "Química",
    "Computer and information sciences": "Ciencias de la computación y de la información",
    "Engineering": "Ingeniería",
    "Geosciences, atmospheric sciences, and ocean sciences": (
        "Geociencias, ciencias atmosféricas y oceánicas"
    ),
    "Health sciences": "Ciencias de la salud",
    "Materials science": "Ciencia de materiales",
    "Mathematics and statistics": "Matemáticas y estadística",
    "Natural resources and conservation": "Recursos naturales y conservación",
    "Physics": "Física",
    "Psychology": "Psicología",
    "Social sciences": "Ciencias sociales",
}
_LOCALES = {"es": "es_MX", "en": "en_US"}

MESSAGES: dict[str, dict[str, str]] = {
    "component.science": {"es": "ciencia", "en": "science"},
    "component.technology": {"es": "tecnología", "en": "technology"},
    "component.trade": {"es": "comercio", "en": "trade"},
    "factor.strength": {"es": "fortaleza", "en": "strength"},
    "factor.complementarity": {"es": "complementariedad", "en": "complementarity"},
    "factor.ties": {"es": "vínculos", "en": "ties"},
    "factor.capacity": {"es": "capacidad", "en": "capacity"},
    "factor.proximity": {"es": "proximidad", "en": "proximity"},
    "component.infrastructure": {
        "es": "infraestructura y recursos",
        "en": "infrastructure and resources",
    },
    "reason.leader": {
        "es": "frontera mundial en {component}: {share} del mundo, lugar {rank} de "
        "{countries} ({metric} {value}; {year})",
        "en": "world frontier in {component}: {share} of the world, rank {rank} of "
        "{countries} ({metric} {value}; {year})",
    },
    "reason.strength": {
        "es": "fuerte en {component}: {share} del mundo, lugar {rank} de {countries}, "
        "especializado ({metric} {value}; {year})",
        "en": "strong in {component}: {share} of the world, rank {rank} of {countries}, "
        "specialized ({metric} {value}; {year})",
    },
    "reason.mass": {
        "es": "grande en {component}: {share} del mundo, lugar {rank} de {countries}, "
        "aunque no especializado ({metric} {value}; {year})",
        "en": "large in {component}: {share} of the world, rank {rank} of {countries}, "
        "though not specialized ({metric} {value}; {year})",
    },
    "reason.specialised_small": {
        "es": "especializado en {component} ({metric} {value}) pero pequeño: {share} del "
        "mundo ({year})",
        "en": "specialized in {component} ({metric} {value}) but small: {share} of the "
        "world ({year})",
    },
    "reason.share": {
        "es": "{share} del mundo en {component}, lugar {rank} de {countries} ({year}; sin "
        "medida de especialización)",
        "en": "{share} of the world in {component}, rank {rank} of {countries} ({year}; no "
        "measure of specialization)",
    },
    "reason.weak": {
        "es": "{share} del mundo en {component} ({metric} {value}; {year})",
        "en": "{share} of the world in {component} ({metric} {value}; {year})",
    },
    "reason.complements": {
        "es": "más fuerte que {home} en {component}: puntaje {partner} frente a {mine} "
        "({partner_share} del mundo y {metric} {partner_value}, frente a {home_share} y "
        "{home_value}; {year})",
        "en": "stronger than {home} in {component}: score {partner} against {mine} "
        "({partner_share} of the world and {metric} {partner_value}, against {home_share} "
        "and {home_value}; {year})",
    },
    "reason.complements_stage": {
        "es": "más fuerte que {home} en la etapa «{stage}»: puntaje {partner_score} frente a "
        "{home_score} ({partner_share} de las exportaciones mundiales y VCR {partner}, frente "
        "a {home_share} y {mine}; {year})",
        "en": "stronger than {home} at the stage '{stage}': score {partner_score} against "
        "{home_score} ({partner_share} of world exports and RCA {partner}, against "
        "{home_share} and {mine}; {year})",
    },
    "reason.ties": {
        "es": "{works} publicaciones en coautoría con {home} en {year}: {share} de la coautoría "
        "internacional de {home} (fuerza de asociación {strength})",
        "en": "{works} works co-authored with {home} in {year}: {share} of {home}'s "
        "international co-authorship (association strength {strength})",
    },
    "reason.ties_trend": {
        "es": "coautoría con {home}: {change} en {years} años (desde {before} publicaciones)",
        "en": "co-authorship with {home}: {change} over {years} years (from {before} works)",
    },
    "reason.no_ties": {
        "es": "sin coautoría registrada con {home}",
        "en": "no co-authorship with {home} on record",
    },
    "reason.rd_absolute": {
        "es": "gasto en I+D de {amount} mil millones de dólares PPA ({year}; {share} del PIB)",
        "en": "R&D expenditure of PPP$ {amount} billion ({year}; {share} of GDP)",
    },
    "reason.researchers": {
        "es": "{researchers} investigadores en I+D ({year}; {per_million} por millón de "
        "habitantes)",
        "en": "{researchers} researchers in R&D ({year}; {per_million} per million people)",
    },
    "reason.no_capacity": {
        "es": "sin datos de gasto en I+D ni de investigadores: valor neutro",
        "en": "no data on R&D expenditure or researchers: neutral value",
    },
    "offer.component": {
        "es": "{home} es más fuerte en {component}: puntaje {mine} frente a {partner} "
        "({home_share} del mundo y {metric} {home_value}, frente a {partner_share} y "
        "{partner_value}; {year})",
        "en": "{home} is stronger in {component}: score {mine} against {partner} "
        "({home_share} of the world and {metric} {home_value}, against {partner_share} "
        "and {partner_value}; {year})",
    },
    "offer.stage": {
        "es": "{home} es más fuerte en la etapa «{stage}»: puntaje {home_score} frente a "
        "{partner_score} ({home_share} de las exportaciones mundiales y VCR {mine}, frente a "
        "{partner_share} y {partner}; {year})",
        "en": "{home} is stronger at the stage '{stage}': score {home_score} against "
        "{partner_score} ({home_share} of world exports and RCA {mine}, against "
        "{partner_share} and {partner}; {year})",
    },
    "offer.field": {
        "es": "ciencia: {home} está especializado en «{field}» ({works} publicaciones en {year}; "
        "índice de actividad {mine}, el de {other} {partner})",
        "en": "science: {home} is specialized in '{field}' ({works} publications in {year}; "
        "activity index {mine}, that of {other} {partner})",
    },
    "offer.product": {
        "es": "comercio: {home} exporta «{product}» ({amount} millones de dólares en {year}; "
        "VCR {mine}, la de {other} {partner})",
        "en": "trade: {home} exports '{product}' (USD {amount} million in {year}; RCA {mine}, "
        "that of {other} {partner})",
    },
    "offer.none": {
        "es": "los datos no muestran un campo, producto o etapa en que {home} supere "
        "claramente a este socio",
        "en": "the evidence shows no field, product or stage where {home} is clearly ahead "
        "of this partner",
    },
    "reason.distance": {
        "es": "a {km} km de {home}",
        "en": "{km} km from {home}",
    },
    "reason.language": {
        "es": "comparte idioma oficial con {home} ({languages})",
        "en": "shares an official language with {home} ({languages})",
    },
    "metric.activity_index": {"es": "índice de actividad", "en": "activity index"},
    "metric.rca": {"es": "VCR", "en": "RCA"},
    "metric.intensity": {"es": "intensidad", "en": "intensity"},
    "metric.world_share": {"es": "participación mundial", "en": "world share"},
    # ---------------------------------------------------------------- the brief for a post
    "brief.title": {
        "es": "Nota informativa para la Embajada de México en {host}",
        "en": "Briefing note for the Embassy of Mexico in {host}",
    },
    "brief.section.summary": {"es": "Resumen ejecutivo", "en": "Executive summary"},
    "brief.summary.priorities": {
        "es": "Dónde puede {host} ayudar más",
        "en": "Where {host} can help most",
    },
    "brief.summary.priority": {
        "es": "{host} ocupa el lugar {rank} de {candidates} socios candidatos (puntaje {score}).",
        "en": "{host} ranks {rank} of {candidates} candidate partners (score {score}).",
    },
    "brief.summary.asks": {"es": "Qué pedir", "en": "What to ask for"},
    "brief.summary.ask": {
        "es": "{component} ({priority}): participación mundial de {host} {host_share}, "
        "de {home} {home_share} ({year}).",
        "en": "{component} ({priority}): world share of {host} {host_share}, of {home} "
        "{home_share} ({year}).",
    },
    "brief.summary.offers": {"es": "Qué ofrece {home}", "en": "What {home} offers"},
    "brief.summary.talking": {"es": "Puntos de conversación", "en": "Talking points"},
    "brief.summary.trend": {
        "es": "Publicaciones en coautoría {home}–{host}: {works} en {year}, frente a "
        "{before} en {before_year}.",
        "en": "Publications co-authored by {home} and {host}: {works} in {year}, against "
        "{before} in {before_year}.",
    },
    "brief.summary.sensitivities": {"es": "Sensibilidades", "en": "Sensitivities"},
    "brief.summary.none": {
        "es": "Ninguna señalada por la plataforma.",
        "en": "None flagged by the platform.",
    },
    "brief.post.embassy": {
        "es": "Embajada de México en {host}",
        "en": "Embassy of Mexico in {host}",
    },
    "brief.post.consulate": {
        "es": "Consulado de México en {city}",
        "en": "Consulate of Mexico in {city}",
    },
    "brief.pending.embassy": {
        "es": "Por completar por la Embajada.",
        "en": "To be completed by the Embassy.",
    },
    "brief.pending.consulate": {
        "es": "Por completar por el Consulado.",
        "en": "To be completed by the Consulate.",
    },
    "brief.issuing_unit": {
        "es": "Vínculo, plataforma de diplomacia científica",
        "en": "Vínculo, science diplomacy platform",
    },
    "brief.classification": {"es": "Uso interno", "en": "Internal use"},
    "brief.cover.issued_by": {"es": "Emite", "en": "Issued by"},
    "brief.cover.classification": {"es": "Clasificación", "en": "Classification"},
    "brief.cover.cutoff": {"es": "Datos hasta", "en": "Data up to"},
    "brief.section.context": {"es": "La relación bilateral", "en": "The bilateral relationship"},
    "brief.context.legal": {
        "es": "Marco jurídico y su estado",
        "en": "Legal framework and its state",
    },
    "brief.context.agreements": {
        "es": "Cooperación vigente: convenios y su estado",
        "en": "Cooperation in force: agreements and their status",
    },
    "brief.context.opportunities": {
        "es": "Oportunidades abiertas",
        "en": "Open opportunities",
    },
    "brief.context.counterparts": {"es": "Contrapartes", "en": "Counterparts"},
    "brief.context.agenda": {
        "es": "Agenda: eventos y plazos",
        "en": "Agenda: events and deadlines",
    },
    "brief.subtitle": {
        "es": "Cooperación científica y tecnológica {home}–{host}",
        "en": "Science and technology cooperation {home}–{host}",
    },
    "brief.date": {"es": "Fecha: {date}", "en": "Date: {date}"},
    "brief.prepared": {
        "es": "Elaborada con Vínculo a partir de datos públicos; cada cifra indica su año "
        "y su fuente (la procedencia técnica, en el anexo C).",
        "en": "Prepared with Vínculo from public data; every figure states its year and its "
        "source (technical provenance in annex C).",
    },
    "brief.contents": {"es": "Contenido", "en": "Contents"},
    "brief.page": {"es": "Página", "en": "Page"},
    "brief.page_of": {"es": "de", "en": "of"},
    "brief.na": {"es": "s. d.", "en": "n/a"},
    "brief.section.priorities": {
        "es": "Prioridades y posición del socio",
        "en": "Priorities and the partner's standing",
    },
    "brief.section.capabilities": {"es": "Capacidades comparadas", "en": "Capabilities compared"},
    "brief.section.coauthorship": {
        "es": "Colaboración científica",
        "en": "Scientific collaboration",
    },
    "brief.section.value_chains": {
        "es": "Complementariedad comercial en las cadenas de valor",
        "en": "Trade complementarity along the value chains",
    },
    "brief.section.institutions": {"es": "Instituciones líderes", "en": "Leading institutions"},
    "brief.section.sources": {"es": "Fuentes y método", "en": "Sources and method"},
    "brief.priorities.intro": {
        "es": "Las prioridades de {home} van ordenadas según el lugar de {host} entre los "
        "socios candidatos de cada prioridad, en proporción al número de candidatos (lugar "
        "entre candidatos, el mejor primero); a igual proporción, primero el puntaje más "
        "alto y luego el orden del archivo de prioridades. Las prioridades en que {host} no "
        "es candidato van al final.",
        "en": "The priorities of {home} are ordered by the rank of {host} among the "
        "candidate partners of each priority, relative to the number of candidates (rank "
        "over candidates, best first); ties are broken by the higher score, then by the "
        "order of the priorities file. Priorities where {host} is not a candidate come last.",
    },
    "brief.col.priority": {"es": "Prioridad", "en": "Priority"},
    "brief.col.rank": {"es": "Lugar", "en": "Rank"},
    "brief.col.score": {"es": "Puntaje", "en": "Score"},
    "brief.col.complementarity": {"es": "Complementariedad", "en": "Complementarity"},
    "brief.col.rank_range": {"es": "Lugar con pesos ±20 %", "en": "Rank with weights ±20%"},
    "brief.col.factor": {"es": "Factor", "en": "Factor"},
    "brief.col.value": {"es": "Valor", "en": "Value"},
    "brief.col.weight": {"es": "Peso", "en": "Weight"},
    "brief.col.contribution": {"es": "Contribución", "en": "Contribution"},
    "brief.col.reasons": {"es": "Por qué", "en": "Why"},
    "brief.col.component": {"es": "Componente", "en": "Component"},
    "brief.col.basis": {"es": "Clasificación", "en": "Classification"},
    "brief.col.year": {"es": "Año", "en": "Year"},
    "brief.col.metric": {"es": "Indicador", "en": "Indicator"},
    "brief.col.percentile": {"es": "Percentil", "en": "Percentile"},
    "brief.col.world_share": {"es": "Participación mundial", "en": "World share"},
    "brief.col.gap": {"es": "Brecha de {home}", "en": "Gap of {home}"},
    "brief.col.works": {"es": "Publicaciones en coautoría", "en": "Co-authored publications"},
    "brief.col.stage": {"es": "Etapa", "en": "Stage"},
    "brief.col.leaders": {
        "es": "Líderes mundiales (participación)",
        "en": "World leaders (share)",
    },
    "brief.col.institution": {"es": "Institución", "en": "Institution"},
    "brief.col.city": {"es": "Ciudad", "en": "City"},
    "brief.col.type": {"es": "Tipo", "en": "Type"},
    "brief.col.matched": {"es": "Palabras clave halladas", "en": "Keywords found"},
    "brief.col.table": {"es": "Tabla", "en": "Table"},
    "brief.col.source": {"es": "Fuente", "en": "Source"},
    "brief.col.dataset": {"es": "Conjunto de datos", "en": "Dataset"},
    "brief.col.vintage": {"es": "Versión", "en": "Vintage"},
    "brief.col.rows": {"es": "Filas", "en": "Rows"},
    "brief.col.retrieved": {"es": "Obtenido", "en": "Retrieved"},
    "brief.rank_of": {"es": "{rank} de {candidates}", "en": "{rank} of {candidates}"},
    "brief.stable": {"es": "estable", "en": "stable"},
    "brief.not_candidate_short": {"es": "no es candidato", "en": "not a candidate"},
    "brief.standing": {
        "es": "{host} ocupa el lugar {rank} de {candidates} socios candidatos de {home} en "
        "esta prioridad (puntaje {score}).",
        "en": "{host} ranks {rank} of the {candidates} candidate partners of {home} in this "
        "priority (score {score}).",
    },
    "brief.standing_range": {
        "es": "Si cada peso se mueve ±20 %, su lugar va del {best} al {worst}.",
        "en": "With each weight moved by ±20%, its rank ranges from {best} to {worst}.",
    },
    "brief.standing_stable": {
        "es": "Su lugar no cambia si cada peso se mueve ±20 %.",
        "en": "Its rank holds with each weight moved by ±20%.",
    },
    "brief.top_partners": {
        "es": "Primeros candidatos: {partners}.",
        "en": "Top candidates: {partners}.",
    },
    "brief.not_candidate": {
        "es": "{host} no figura entre los socios candidatos de {home} en esta prioridad: "
        "{why}. No se le asigna lugar ni puntaje.",
        "en": "{host} is not among the candidate partners of {home} in this priority: {why}. "
        "No rank or score is given.",
    },
    "brief.not_candidate.components": {
        "es": "tiene datos en menos de dos de los tres componentes (ciencia, tecnología y "
        "comercio)",
        "en": "it has data in fewer than two of the three components (science, technology "
        "and trade)",
    },
    "brief.not_candidate.share": {
        "es": "no llega al 0.1 % del total mundial en ningún componente",
        "en": "it does not reach 0.1% of the world total in any component",
    },
    "brief.not_candidate.unknown": {
        "es": "la evidencia disponible no basta para evaluarlo",
        "en": "the evidence available is not enough to assess it",
    },
    "brief.no_evidence": {
        "es": "El almacén de evidencia no tiene datos para esta prioridad; cárguelos con "
        "«vinculo data pull».",
        "en": "The evidence store has no data for this priority; load them with "
        "“vinculo data pull”.",
    },
    "brief.capabilities.intro": {
        "es": "Cada componente se lee en dos ejes: la masa (participación mundial y lugar "
        "entre los países con datos) y la especialización (índice de actividad en ciencia, "
        "VCR en tecnología y comercio, intensidad en infraestructura: 1 es el perfil del "
        "mundo; los cocientes de conteos pequeños se contraen hacia 1). La frontera es el "
        "país con mayor participación entre los especializados con al menos 1 % del mundo; "
        "la brecha de {home} se mide contra ella en escala logarítmica (0 en la frontera, "
        "100 a una milésima o menos). El puntaje (0 a 100) combina ambos ejes.",
        "en": "Each component is read on two axes: mass (world share, and rank among the "
        "countries with data) and specialization (activity index in science, RCA in "
        "technology and trade, intensity in infrastructure: 1 is the world's profile; ratios "
        "of small counts are shrunk towards 1). The frontier is the country with the largest "
        "share among the specialized ones holding at least 1% of the world; the gap of "
        "{home} is measured against it on a log scale (0 at the frontier, 100 at a "
        "thousandth of it or less). The score (0 to 100) combines both axes.",
    },
    "brief.capabilities.absent": {
        "es": "Sin evidencia de {component}: {reason}",
        "en": "No evidence of {component}: {reason}",
    },
    "brief.capabilities.absent_data": {
        "es": "el almacén de evidencia no tiene datos de este componente para la prioridad.",
        "en": "the evidence store has no data of this component for the priority.",
    },
    "brief.capabilities.not_world": {
        "es": "lugar entre {countries} países: no es una posición mundial",
        "en": "rank among {countries} countries: not a world position",
    },
    "brief.col.share_rank": {"es": "Participación (lugar)", "en": "Share (rank)"},
    "brief.col.ratio": {"es": "Especialización", "en": "Specialization"},
    "brief.col.frontier": {"es": "Frontera", "en": "Frontier"},
    "brief.col.gap_frontier": {"es": "Brecha de {home}", "en": "Gap of {home}"},
    "brief.offers.title": {
        "es": "Lo que {home} ofrece a {host}",
        "en": "What {home} offers {host}",
    },
    "brief.capabilities.none": {
        "es": "Sin datos de capacidades para esta prioridad.",
        "en": "No capability data for this priority.",
    },
    "brief.chart.capabilities": {
        "es": "{priority}: puntaje de capacidad (0 a 100) de {home} y {host}",
        "en": "{priority}: capability score (0 to 100) of {home} and {host}",
    },
    "brief.coauthorship.intro": {
        "es": "Publicaciones con autores de {home} y de {host} por año, en todos los campos "
        "(fuente: {source}).",
        "en": "Publications with authors from both {home} and {host} per year, all fields "
        "(source: {source}).",
    },
    "brief.coauthorship.latest": {
        "es": "En {year}, {home} y {host} publicaron {works} publicaciones en coautoría.",
        "en": "In {year}, {home} and {host} published {works} co-authored works.",
    },
    "brief.coauthorship.change": {
        "es": "Variación desde {before} ({before_works} publicaciones): {change}.",
        "en": "Change since {before} ({before_works} works): {change}.",
    },
    "brief.coauthorship.none": {
        "es": "No hay coautoría registrada entre {home} y {host} en el almacén de evidencia.",
        "en": "The evidence store has no co-authorship on record between {home} and {host}.",
    },
    "brief.chart.coauthorship": {
        "es": "Publicaciones en coautoría {home}–{host} por año",
        "en": "Works co-authored by {home} and {host} per year",
    },
    "brief.chains.intro": {
        "es": "Ventaja comparativa revelada (VCR) de las exportaciones de {home} y de {host} "
        "en cada etapa de la cadena, de la materia prima al producto final; una VCR de 1 o "
        "más indica especialización exportadora. Escala logarítmica.",
        "en": "Revealed comparative advantage (RCA) of the exports of {home} and {host} at "
        "each stage of the chain, upstream first; an RCA of 1 or more means export "
        "specialization. Logarithmic scale.",
    },
    "brief.chains.none": {
        "es": "Ninguna prioridad declara una cadena de valor.",
        "en": "No priority declares a value chain.",
    },
    "brief.chain.missing": {
        "es": "Sin datos de exportaciones para las etapas de esta cadena.",
        "en": "No export data for the stages of this chain.",
    },
    "brief.chain.host_ahead": {
        "es": "{host} supera el puntaje de {home} en {count} de {total} etapas.",
        "en": "{host} has a higher score than {home} at {count} of {total} stages.",
    },
    "brief.chain.resource": {
        "es": "{indicator} ({year}): {home} {value} {unit} ({share} del mundo); frontera: "
        "{leader} ({leader_share}).",
        "en": "{indicator} ({year}): {home} {value} {unit} ({share} of the world); frontier: "
        "{leader} ({leader_share}).",
    },
    "brief.chain.gap_stage": {
        "es": "Etapa con la mayor brecha de {home}: «{stage}».",
        "en": "Stage where the gap of {home} is widest: “{stage}”.",
    },
    "brief.chain.next_step": {
        "es": "Paso siguiente más cercano para {home}: el producto {product} (SA) de la "
        "etapa «{stage}», con densidad de relación {density}.",
        "en": "Closest next step for {home}: product {product} (HS) at the stage “{stage}”, "
        "with relatedness density {density}.",
    },
    "brief.chart.chain": {
        "es": "{priority}: VCR por etapa de {home} y {host}",
        "en": "{priority}: RCA by stage of {home} and {host}",
    },
    "brief.chart.reference": {"es": "VCR = 1", "en": "RCA = 1"},
    "brief.institutions.intro": {
        "es": "Instituciones de investigación de {host} registradas en ROR (Research "
        "Organization Registry) cuyo nombre o alias contiene palabras clave de la prioridad. "
        "ROR no registra campos de investigación: es una coincidencia por nombre, no una "
        "medida de capacidad, y el registro cargado puede ser parcial ({vintage}).",
        "en": "Research institutions of {host} in ROR (the Research Organization Registry) "
        "whose name or an alias contains keywords of the priority. ROR records no research "
        "fields: this is a match by name, not a measure of capability, and the registry "
        "loaded may be partial ({vintage}).",
    },
    "brief.institutions.none": {
        "es": "Ninguna institución de {host} en ROR coincide con las palabras clave de esta "
        "prioridad.",
        "en": "No institution of {host} in ROR matches the keywords of this priority.",
    },
    "brief.sources.intro": {
        "es": "Conjuntos de datos del almacén de evidencia con que se elaboró esta nota.",
        "en": "Datasets in the evidence store this brief was built from.",
    },
    "brief.method.score": {
        "es": "Puntaje del socio: suma ponderada de cinco factores entre 0 y 1 (fortaleza, "
        "complementariedad, vínculos, capacidad y proximidad); la contribución de cada "
        "factor es su valor por su peso, y las contribuciones suman el puntaje.",
        "en": "Partner score: the weighted sum of five factors between 0 and 1 (strength, "
        "complementarity, ties, capacity and proximity); each factor's contribution is its "
        "value times its weight, and the contributions add up to the score.",
    },
    "brief.method.candidates": {
        "es": "Son candidatos los países con datos en al menos dos componentes y con al "
        "menos el 0.5 % del total mundial en alguno de ellos.",
        "en": "Candidates are the countries with data in at least two components and at "
        "least 0.5% of the world total in one of them.",
    },
    "brief.weights": {
        "es": "Pesos de los factores: {weights}.",
        "en": "Factor weights: {weights}.",
    },
    "brief.method.percentile": {
        "es": "Lugar: posición por participación mundial entre los países con datos; cuando "
        "son menos de 30, no es una posición mundial y se dice. Ningún país con menos del "
        "1 % del mundo es frontera ni «fuerte».",
        "en": "Rank: position by world share among the countries with data; when they are "
        "fewer than 30, it is not a world position and is said so. No country under 1% of "
        "the world is a frontier or called strong.",
    },
    # ---------------------------------------------------------------- the brief, 2nd edition
    "brief.summary.bottom_line": {"es": "En síntesis", "en": "Bottom line"},
    "brief.summary.best": {
        "es": "{host} figura entre los cinco primeros socios candidatos de {home} en {priorities}.",
        "en": "{host} is among the five leading candidate partners of {home} in {priorities}.",
    },
    "brief.summary.middle": {
        "es": "{host} no figura entre los cinco primeros socios candidatos de {home} en "
        "ninguna prioridad; su mejor posición es el lugar {rank} de {candidates} en "
        "{priority}.",
        "en": "{host} is not among the five leading candidate partners of {home} in any "
        "priority; its best standing is rank {rank} of {candidates} in {priority}.",
    },
    "brief.summary.no_standing": {
        "es": "Los datos no bastan para situar a {host} entre los socios candidatos de {home} "
        "en ninguna prioridad.",
        "en": "The data do not suffice to place {host} among the candidate partners of {home} "
        "in any priority.",
    },
    "brief.summary.ties": {
        "es": "La coautoría científica entre ambos países sumó {works} publicaciones en "
        "{year} ({change} respecto de {before_year}).",
        "en": "Scientific co-authorship between the two countries reached {works} "
        "publications in {year} ({change} on {before_year}).",
    },
    "brief.summary.leading_item": {
        "es": "{priority} (lugar {rank} de {candidates})",
        "en": "{priority} (rank {rank} of {candidates})",
    },
    "brief.capabilities.countries": {"es": "{countries} países", "en": "{countries} countries"},
    "brief.summary.priority_line": {
        "es": "Lugar {rank} de {candidates} socios candidatos.",
        "en": "Rank {rank} of {candidates} candidate partners.",
    },
    "brief.summary.evidence": {
        "es": "{host} reúne {host_share} del total mundial en {component} (lugar {rank} de "
        "{countries}; {year}), frente a {home_share} de {home}.",
        "en": "{host} holds {host_share} of the world total in {component} (rank {rank} of "
        "{countries}; {year}), against {home_share} for {home}.",
    },
    "brief.ask.science": {
        "es": "{priority}: proyectos conjuntos de investigación y movilidad de investigadores. "
        "{host} reúne {host_share} de las publicaciones mundiales del área y {home} "
        "{home_share} ({year}).",
        "en": "{priority}: joint research projects and researcher mobility. {host} holds "
        "{host_share} of the world's publications in the area and {home} {home_share} "
        "({year}).",
    },
    "brief.ask.technology": {
        "es": "{priority}: codesarrollo, licenciamiento y transferencia de tecnología. {host} "
        "reúne {host_share} de las familias internacionales de patentes del área y {home} "
        "{home_share} ({year}).",
        "en": "{priority}: co-development, licensing and technology transfer. {host} holds "
        "{host_share} of the world's international patent families in the area and {home} "
        "{home_share} ({year}).",
    },
    "brief.ask.trade": {
        "es": "{priority}: inversión productiva e integración de proveedores mexicanos en la "
        "cadena. {host} reúne {host_share} de las exportaciones mundiales del sector y {home} "
        "{home_share} ({year}).",
        "en": "{priority}: productive investment and integration of Mexican suppliers into "
        "the chain. {host} holds {host_share} of world exports in the sector and {home} "
        "{home_share} ({year}).",
    },
    "brief.ask.infrastructure": {
        "es": "{priority}: acceso a infraestructura y formación de personal técnico. {host} "
        "reúne {host_share} del total mundial medido y {home} {home_share} ({year}).",
        "en": "{priority}: access to infrastructure and training of technical staff. {host} "
        "holds {host_share} of the measured world total and {home} {home_share} ({year}).",
    },
    "brief.summary.context_agreements": {
        "es": "Convenios registrados por la plataforma: {count}.",
        "en": "Agreements on record in the platform: {count}.",
    },
    "brief.summary.context_next": {
        "es": "Próximo en la agenda: {what} ({when}).",
        "en": "Next on the agenda: {what} ({when}).",
    },
    "brief.summary.ties_share": {
        "es": "{host} aporta {share} de la coautoría internacional de {home} ({year}).",
        "en": "{host} accounts for {share} of {home}'s international co-authorship ({year}).",
    },
    "brief.summary.first": {
        "es": "{host} es el primer socio candidato de {home} en {priority}, por delante de {next}.",
        "en": "{host} is the leading candidate partner of {home} in {priority}, ahead of {next}.",
    },
    "brief.summary.general_offer": {
        "es": "En general: {offer}",
        "en": "At large: {offer}",
    },
    "brief.priority_offers": {
        "es": "Lo que {home} ofrece en esta prioridad",
        "en": "What {home} offers in this priority",
    },
    "brief.annex": {"es": "Anexo {letter}", "en": "Annex {letter}"},
    "brief.section.scoring": {
        "es": "Detalle del puntaje de {host}",
        "en": "How {host} was scored",
    },
    "brief.scoring.partner_level": {
        "es": "Factores que no dependen de la prioridad (iguales en todas)",
        "en": "Factors that do not depend on the priority (the same in all)",
    },
    "brief.scoring.per_priority": {
        "es": "Una línea por prioridad",
        "en": "One line per priority",
    },
    "brief.col.candidates_top": {"es": "Primeros candidatos", "en": "Leading candidates"},
    "brief.section.glossary": {"es": "Glosario", "en": "Glossary"},
    "brief.section.technical": {
        "es": "Fuentes: procedencia técnica",
        "en": "Sources: technical provenance",
    },
    "brief.section.institutions_curated": {
        "es": "Instituciones de contraparte",
        "en": "Counterpart institutions",
    },
    "brief.institutions.curated_intro": {
        "es": "Instituciones de {host} elegidas por la Embajada o por la unidad de análisis "
        "para cada prioridad, con la fuente de cada elección. La plataforma no presenta "
        "coincidencias de palabras clave como instituciones líderes.",
        "en": "Institutions of {host} chosen by the Embassy or the analysis unit for each "
        "priority, with the source of each choice. The platform does not present keyword "
        "matches as leading institutions.",
    },
    "brief.institutions.kind.research": {
        "es": "Investigación y educación superior",
        "en": "Research and higher education",
    },
    "brief.institutions.kind.company": {"es": "Empresas", "en": "Companies"},
    "brief.institutions.kind.government": {
        "es": "Agencias de gobierno",
        "en": "Government agencies",
    },
    "brief.institutions.source": {"es": "Fuente", "en": "Source"},
    "brief.chain.host_stages": {
        "es": "Etapas en que {host} supera a {home}: {stages}.",
        "en": "Stages where {host} is ahead of {home}: {stages}.",
    },
    "brief.chain.host_stages_none": {
        "es": "{host} no supera a {home} en ninguna etapa de esta cadena.",
        "en": "{host} is not ahead of {home} at any stage of this chain.",
    },
    "brief.chain.gap_not_host": {
        "es": "En esa etapa {host} tampoco supera a {home}: la cooperación con {host} no "
        "cierra esa brecha.",
        "en": "{host} is not ahead of {home} at that stage either: cooperation with {host} "
        "does not close that gap.",
    },
    "brief.chain.next_product": {
        "es": "Paso siguiente más cercano para {home}: «{name}» (partida {code} del Sistema "
        "Armonizado), de la etapa «{stage}»; densidad de relación {density} (véase el "
        "glosario).",
        "en": "Closest next step for {home}: “{name}” (Harmonized System heading {code}), at "
        "the stage “{stage}”; relatedness density {density} (see the glossary).",
    },
    "brief.source_line": {"es": "Fuentes: {sources}.", "en": "Sources: {sources}."},
    "brief.technical.intro": {
        "es": "Conjuntos de datos del almacén de evidencia con que se elaboró esta nota: "
        "identificador interno, versión, archivo y número de filas, para reproducirla.",
        "en": "Datasets in the evidence store this brief was built from: internal id, "
        "vintage, file and row count, to reproduce it.",
    },
    "brief.col.publisher": {"es": "Publicado por", "en": "Publisher"},
    "brief.col.file": {"es": "Archivo", "en": "File"},
    "brief.col.term": {"es": "Término", "en": "Term"},
    "brief.col.meaning": {"es": "Significado", "en": "Meaning"},
    "brief.supercomputer": {"es": "la supercomputadora", "en": "the supercomputer"},
    "unit.cars": {"es": "automóviles", "en": "cars"},
    "unit.satellites": {"es": "satélites", "en": "satellites"},
    "unit.systems": {"es": "sistemas", "en": "systems"},
    "classification.hs92": {"es": "SA 1992", "en": "HS 1992"},
    "classification.hs07": {"es": "SA 2007", "en": "HS 2007"},
    "classification.hs12": {"es": "SA 2012", "en": "HS 2012"},
    "classification.hs17": {"es": "SA 2017", "en": "HS 2017"},
    "classification.sitc": {"es": "CUCI", "en": "SITC"},
    "source.openalex": {"es": "OpenAlex", "en": "OpenAlex"},
    "source.ncses": {
        "es": "NSF-NCSES, Science and Engineering Indicators",
        "en": "NSF-NCSES, Science and Engineering Indicators",
    },
    "source.ots": {
        "es": "Open Trade Statistics (UN Comtrade)",
        "en": "Open Trade Statistics (UN Comtrade)",
    },
    "source.atlas": {
        "es": "Growth Lab de Harvard, Atlas de Complejidad Económica",
        "en": "Harvard Growth Lab, Atlas of Economic Complexity",
    },
    "source.atlas-common-data": {
        "es": "Banco Mundial, Indicadores del Desarrollo Mundial (vía Growth Lab de Harvard)",
        "en": "World Bank, World Development Indicators (via the Harvard Growth Lab)",
    },
    "source.wdi": {
        "es": "Banco Mundial, Indicadores del Desarrollo Mundial",
        "en": "World Bank, World Development Indicators",
    },
    "source.iea": {
        "es": "Agencia Internacional de Energía, Global EV Outlook",
        "en": "International Energy Agency, Global EV Outlook",
    },
    "source.top500": {"es": "TOP500", "en": "TOP500"},
    "source.ucs": {
        "es": "Union of Concerned Scientists, Satellite Database",
        "en": "Union of Concerned Scientists, Satellite Database",
    },
    "source.usgs": {
        "es": "Servicio Geológico de los Estados Unidos (USGS), Mineral Commodity Summaries",
        "en": "U.S. Geological Survey, Mineral Commodity Summaries",
    },
    "source.ror": {
        "es": "ROR (Research Organization Registry)",
        "en": "ROR (Research Organization Registry)",
    },
    "source.pci": {
        "es": "complejidad de productos: {source}",
        "en": "product complexity: {source}",
    },
    "glossary.world_share": {
        "es": "Participación mundial|Proporción del total mundial (publicaciones, familias "
        "internacionales de patentes, exportaciones o capacidad instalada) que corresponde a "
        "un país en el año indicado.",
        "en": "World share|The country's part of the world total (publications, international "
        "patent families, exports or installed capacity) in the year stated.",
    },
    "glossary.rank": {
        "es": "Lugar|Posición del país por participación mundial entre los países con datos; "
        "con menos de 30 países no es una posición mundial y se dice.",
        "en": "Rank|The country's position by world share among the countries with data; with "
        "fewer than 30 countries it is not a world position, and is said so.",
    },
    "glossary.activity_index": {
        "es": "Índice de actividad|Peso de un área en las publicaciones del país dividido "
        "entre su peso en las del mundo: 1 es el perfil mundial; más de 1, especialización.",
        "en": "Activity index|An area's weight in the country's publications divided by its "
        "weight in the world's: 1 is the world's profile; above 1, specialization.",
    },
    "glossary.rca": {
        "es": "VCR (ventaja comparativa revelada)|El mismo cociente para patentes o "
        "exportaciones (índice de Balassa): 1 o más indica especialización.",
        "en": "RCA (revealed comparative advantage)|The same ratio for patents or exports "
        "(the Balassa index): 1 or more means specialization.",
    },
    "glossary.intensity": {
        "es": "Intensidad|Capacidad de infraestructura o recursos del país (supercómputo, "
        "satélites, minerales, vehículos eléctricos) dividida entre su peso en la economía "
        "mundial.",
        "en": "Intensity|The country's infrastructure or resource capacity (supercomputing, "
        "satellites, minerals, electric vehicles) divided by its weight in the world economy.",
    },
    "glossary.score": {
        "es": "Puntaje de capacidad (0 a 100)|Combina la participación mundial (en escala "
        "logarítmica bajo la frontera) y la especialización; se descuenta hasta la mitad "
        "cuando el país no está especializado.",
        "en": "Capability score (0 to 100)|Combines world share (on a log scale below the "
        "frontier) and specialization; discounted by up to half when the country is not "
        "specialized.",
    },
    "glossary.frontier": {
        "es": "Frontera|El país con mayor participación mundial entre los especializados con "
        "al menos 1 % del mundo.",
        "en": "Frontier|The country with the largest world share among the specialized ones "
        "holding at least 1% of the world.",
    },
    "glossary.gap": {
        "es": "Brecha|Distancia de {home} a la frontera en escala logarítmica: 0 en la "
        "frontera, 100 a una milésima de ella o menos.",
        "en": "Gap|The distance of {home} to the frontier on a log scale: 0 at the frontier, "
        "100 at a thousandth of it or less.",
    },
    "glossary.candidate": {
        "es": "Socio candidato|País con datos en al menos dos componentes y al menos 0.5 % "
        "del total mundial en alguno de ellos.",
        "en": "Candidate partner|A country with data in at least two components and at least "
        "0.5% of the world total in one of them.",
    },
    "glossary.partner_score": {
        "es": "Puntaje del socio (0 a 1)|Suma ponderada de cinco factores: fortaleza, "
        "complementariedad, vínculos, capacidad y proximidad.",
        "en": "Partner score (0 to 1)|The weighted sum of five factors: strength, "
        "complementarity, ties, capacity and proximity.",
    },
    "glossary.strength": {
        "es": "Fortaleza|Capacidad del socio en la prioridad: promedio de sus puntajes de "
        "capacidad.",
        "en": "Strength|The partner's capability in the priority: the mean of its capability "
        "scores.",
    },
    "glossary.complementarity": {
        "es": "Complementariedad|Cuánto más fuerte es el socio donde {home} es débil: "
        "promedio de las diferencias positivas de puntaje, por componente y por etapa.",
        "en": "Complementarity|How much stronger the partner is where {home} is weak: the "
        "mean of the positive score differences, by component and by stage.",
    },
    "glossary.ties": {
        "es": "Vínculos|Coautoría existente: peso del socio en la coautoría internacional de "
        "{home}, fuerza de asociación y crecimiento en cinco años.",
        "en": "Ties|Existing co-authorship: the partner's part of the international "
        "co-authorship of {home}, association strength, and growth over five years.",
    },
    "glossary.association": {
        "es": "Fuerza de asociación|Publicaciones en coautoría observadas entre dos países "
        "divididas entre las esperadas por el tamaño de ambos (1 = lo esperado).",
        "en": "Association strength|Co-authored publications observed between two countries "
        "divided by those expected from their sizes (1 = as expected).",
    },
    "glossary.capacity": {
        "es": "Capacidad|Gasto en I+D (dólares PPA) e investigadores del socio, en escala "
        "logarítmica.",
        "en": "Capacity|The partner's R&D expenditure (PPP dollars) and researchers, on a log "
        "scale.",
    },
    "glossary.proximity": {
        "es": "Proximidad|Distancia entre los centros de investigación de ambos países e "
        "idioma oficial compartido.",
        "en": "Proximity|The distance between the two countries' research institutions, and "
        "a shared official language.",
    },
    "glossary.sensitivity": {
        "es": "Lugar con pesos ±20 %|Mejor y peor lugar del socio cuando cada peso se mueve "
        "un 20 % hacia arriba o hacia abajo.",
        "en": "Rank with weights ±20%|The partner's best and worst rank when each weight "
        "moves 20% up or down.",
    },
    "glossary.hs": {
        "es": "Sistema Armonizado (SA)|Clasificación internacional de mercancías de la "
        "Organización Mundial de Aduanas; sus partidas de cuatro dígitos agrupan productos.",
        "en": "Harmonized System (HS)|The World Customs Organization's international "
        "classification of goods; its four-digit headings group products.",
    },
    "glossary.stage": {
        "es": "Etapa de la cadena de valor|Grupo de partidas del SA que corresponde a un "
        "eslabón de la cadena, de la materia prima al producto final.",
        "en": "Value-chain stage|A group of HS headings for one link of the chain, from raw "
        "material to final product.",
    },
    "glossary.density": {
        "es": "Densidad de relación|Qué tan cerca está un producto de lo que el país ya "
        "exporta con ventaja (0 a 1), según el espacio de productos.",
        "en": "Relatedness density|How close a product is to what the country already exports "
        "with an advantage (0 to 1), in the product space.",
    },
    "table.exports": {"es": "exportaciones", "en": "exports"},
    "table.publications": {"es": "publicaciones", "en": "publications"},
    "table.coauthorship": {"es": "coautoría", "en": "co-authorship"},
    "table.patents": {"es": "patentes", "en": "patents"},
    "table.country_indicators": {"es": "indicadores por país", "en": "country indicators"},
    "table.institutions": {"es": "instituciones", "en": "institutions"},
    "table.product_indicators": {"es": "indicadores por producto", "en": "product indicators"},
    "ror.type.education": {"es": "educación", "en": "education"},
    "ror.type.facility": {"es": "instalación de investigación", "en": "facility"},
    "ror.type.government": {"es": "gobierno", "en": "government"},
    "ror.type.healthcare": {"es": "salud", "en": "healthcare"},
    "ror.type.company": {"es": "empresa", "en": "company"},
    "ror.type.nonprofit": {"es": "organización sin fines de lucro", "en": "nonprofit"},
    "ror.type.funder": {"es": "financiadora", "en": "funder"},
    "ror.type.archive": {"es": "archivo", "en": "archive"},
    "ror.type.other": {"es": "otro", "en": "other"},
}


@dataclass(frozen=True)
class Message:
    """A message not yet rendered: a catalogue key and its parameters. Parameters that are
    themselves Messages (or catalogue keys given as ``Message``) are rendered first."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, language: str) -> str:
        return text(self.key, language, **self.params)

    def __str__(self) -> str:
        return self.render("en")

    def values(self) -> dict[str, Any]:
        """The values the message quotes, as plain data: numbers as numbers (a percentage
        as its fraction), countries as ISO3 codes, nested messages as their keys."""
        return {name: _plain(value) for name, value in self.params.items()}

    def as_dict(self) -> dict[str, Any]:
        """``{"code", "values", "text": {language: text}}``: the message as JSON."""
        return {
            "code": self.key,
            "values": self.values(),
            "text": {language: self.render(language) for language in LANGUAGES},
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Num | Pct | Share):
        number = float(value.value)
        return number if number == number else None  # NaN -> None (JSON has no NaN)
    if isinstance(value, Country):
        return value.code
    if isinstance(value, Message):
        return value.key
    if isinstance(value, Named):
        return dict(value.names) or value.fallback
    if isinstance(value, Languages):
        return list(value.codes)
    if isinstance(value, float) and value != value:
        return None
    return value


def _check(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r}: one of {LANGUAGES}")
    return language


def text(key: str, language: str, **params: Any) -> str:
    """The catalogue's message in ``language`` with ``params`` filled in.

    >>> text("reason.distance", "es", km=Num(9212.4, 0), home=Country("MEX"))
    'a 9,212 km de México'
    """
    language = _check(language)
    rendered = {
        name: value.render(language) if isinstance(value, Localizable) else value
        for name, value in params.items()
    }
    return MESSAGES[key][language].format(**rendered)


@runtime_checkable
class Localizable(Protocol):
    """A value that reads differently per language (a name, a number)."""

    def render(self, language: str) -> str: ...


@dataclass(frozen=True)
class Country:
    """A country, shown by its name in the language.

    >>> Country("MEX").render("es"), Country("DEU").render("en")
    ('México', 'Germany')
    """

    code: str

    def render(self, language: str) -> str:
        return country_name(self.code, language)


@dataclass(frozen=True)
class Named:
    """Something named in each language (a value-chain stage, a priority)."""

    names: tuple[tuple[str, str], ...]
    fallback: str = ""

    @classmethod
    def of(cls, names: dict[str, str], fallback: str = "") -> Named:
        return cls(tuple(sorted(names.items())), fallback)

    def render(self, language: str) -> str:
        return dict(self.names).get(language) or self.fallback


@dataclass(frozen=True)
class Languages:
    """Language codes (ISO 639-1) shown by their names.

    >>> Languages(("es", "fr")).render("es")
    'español, francés'
    """

    codes: tuple[str, ...]

    def render(self, language: str) -> str:
        locale = Locale.parse(_LOCALES[_check(language)])
        return ", ".join(str(locale.languages.get(c, c)) for c in self.codes)


@dataclass(frozen=True)
class Num:
    """A number with ``digits`` decimals, written as the language writes it."""

    value: Any  # anything float() reads: a float, a NumPy or pandas scalar
    digits: int = 2

    def render(self, language: str) -> str:
        return number(float(self.value), language, self.digits)


@dataclass(frozen=True)
class Pct:
    """A fraction as a percentage; ``signed`` adds "+" to growth."""

    value: Any  # anything float() reads
    digits: int = 0
    signed: bool = False

    def render(self, language: str) -> str:
        value = float(self.value)
        shown = percent(value, language, self.digits)
        return f"+{shown}" if self.signed and value > 0 else shown


@dataclass(frozen=True)
class Share:
    """A world share as a percentage with as many decimals as it needs to show: one from
    1 % up, two from 0.1 %, three below (0.043 %, not 0.0 %)."""

    value: Any  # anything float() reads

    def render(self, language: str) -> str:
        return share(float(self.value), language)


def share(value: float, language: str) -> str:
    """A world share as the language writes it, with the decimals it needs.

    >>> share(0.123, "en"), share(0.0052, "es"), share(0.00043, "en"), share(0.0, "en")
    ('12.3%', '0.52%', '0.043%', '0.0%')
    """
    magnitude = abs(value)
    digits = 1 if magnitude >= 0.01 or magnitude == 0 else 2 if magnitude >= 0.001 else 3
    return percent(value, language, digits)


@cache
def _iso2() -> dict[str, str]:
    frame = locations_table()
    return {c: i for c, i in zip(frame["code"], frame["iso2"], strict=True) if isinstance(i, str)}


@cache
def _english_names() -> dict[str, str]:
    frame = locations_table()
    return dict(zip(frame["code"], frame["name"], strict=True))


def country_name(code: str, language: str) -> str:
    """A country's name in the language, from its ISO3 code: the diplomatic naming
    policy's name where it has one (:func:`vinculo.strategy.naming.naming_policy`), else
    CLDR's.

    >>> country_name("MEX", "es"), country_name("FRA", "es"), country_name("FRA", "en")
    ('México', 'Francia', 'France')
    >>> country_name("HKG", "es"), country_name("PSE", "en")
    ('Hong Kong, China', 'Palestine')
    """
    named = naming_policy().name(code, _check(language))
    if named is not None:
        return named
    locale = Locale.parse(_LOCALES[_check(language)])
    iso2 = _iso2().get(code)
    name = locale.territories.get(iso2) if iso2 else None
    return str(name or _english_names().get(code, code))


def _half_up(value: float, digits: int) -> decimal.Decimal:
    """``value`` rounded half away from zero, as Django's ``floatformat`` and the web
    pages round; a value that rounds to zero loses its sign ("0.00", not "-0.00")."""
    exact = decimal.Decimal(repr(float(value)))
    rounded = exact.quantize(decimal.Decimal(1).scaleb(-digits), rounding=decimal.ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def number(value: float, language: str, digits: int = 2) -> str:
    """A number as the language writes it (Spanish as in Mexico: 1,234.5), rounded half away
    from zero as the web pages round.

    >>> number(1234.567, "es"), number(1234.567, "en")
    ('1,234.57', '1,234.57')
    >>> number(0.5, "es", 1), number(2.945, "es"), number(-0.001, "en")
    ('0.5', '2.95', '0.00')
    """
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    if value != value or value in (float("inf"), float("-inf")):
        return str(format_decimal(value, format=pattern, locale=_LOCALES[_check(language)]))
    rounded = _half_up(value, digits)
    return str(format_decimal(rounded, format=pattern, locale=_LOCALES[_check(language)]))


def percent(value: float, language: str, digits: int = 1) -> str:
    """A fraction as a percentage, rounded half away from zero.

    >>> percent(0.1234, "es"), percent(0.1234, "en"), percent(0.00125, "en", 1)
    ('12.3%', '12.3%', '0.1%')
    """
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    if value != value or value in (float("inf"), float("-inf")):
        return str(format_percent(value, format=pattern, locale=_LOCALES[_check(language)]))
    rounded = _half_up(value * 100, digits) / 100
    return str(format_percent(rounded, format=pattern, locale=_LOCALES[_check(language)]))
