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
        "specialised ({metric} {value}; {year})",
    },
    "reason.mass": {
        "es": "grande en {component}: {share} del mundo, lugar {rank} de {countries}, "
        "aunque no especializado ({metric} {value}; {year})",
        "en": "large in {component}: {share} of the world, rank {rank} of {countries}, "
        "though not specialised ({metric} {value}; {year})",
    },
    "reason.specialised_small": {
        "es": "especializado en {component} ({metric} {value}) pero pequeño: {share} del "
        "mundo ({year})",
        "en": "specialised in {component} ({metric} {value}) but small: {share} of the "
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
        "{home_value})",
        "en": "stronger than {home} in {component}: score {partner} against {mine} "
        "({partner_share} of the world and {metric} {partner_value}, against {home_share} "
        "and {home_value})",
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
        "{partner_value})",
        "en": "{home} is stronger in {component}: score {mine} against {partner} "
        "({home_share} of the world and {metric} {home_value}, against {partner_share} "
        "and {partner_value})",
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
        "es": "ciencia: {home} está especializado en «{field}» ({works} publicaciones en {year}, "
        "índice de actividad {mine} frente a {partner})",
        "en": "science: {home} is specialised in '{field}' ({works} works in {year}, "
        "activity index {mine} against {partner})",
    },
    "offer.product": {
        "es": "comercio: {home} exporta «{product}» ({amount} millones de dólares en {year}, "
        "VCR {mine} frente a {partner})",
        "en": "trade: {home} exports '{product}' (USD {amount} million in {year}, RCA {mine} "
        "against {partner})",
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
        "y su fuente (sección «Fuentes y método»).",
        "en": "Prepared with Vínculo from public data; every figure states its year and its "
        "source (section “Sources and method”).",
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
        "share among the specialised ones holding at least 1% of the world; the gap of "
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
        "(fuente: {source}, versión {vintage}).",
        "en": "Works with authors from both {home} and {host} per year, all fields "
        "(source: {source}, vintage {vintage}).",
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
