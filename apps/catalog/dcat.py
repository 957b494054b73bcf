"""The public catalog as DCAT-AP 3.0.1 (rdflib), serialized as Turtle or JSON-LD.

Every object the shapes constrain with sh:class carries its rdf:type here, because
validators run without inference. Only metadata is published: no dataset values.
"""

from datetime import date, datetime

from django.conf import settings
from django.db.models import Max, Min
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from apps.catalog.choices import OpenType, UpdateFrequency
from apps.catalog.models import DataResource
from apps.catalog.publication import (
    EU_FILE_TYPES,
    FORMAT_LABELS,
    base_uri,
    landing_url,
    public_resources,
)

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
EU = "http://publications.europa.eu/resource/authority/"
THEME_SCHEME = URIRef(f"{EU}data-theme")
# DCAT 3 term missing from rdflib's closed DCAT namespace.
DCAT_VERSION = URIRef(f"{DCAT}version")

ACCESS_RIGHTS = {
    OpenType.UNCONDITIONAL: "PUBLIC",
    OpenType.CONDITIONAL: "RESTRICTED",
    OpenType.PROHIBITED: "NON_PUBLIC",
}
FREQUENCIES = {
    UpdateFrequency.REALTIME: "UPDATE_CONT",
    UpdateFrequency.DAILY: "DAILY",
    UpdateFrequency.WEEKLY: "WEEKLY",
    UpdateFrequency.MONTHLY: "MONTHLY",
    UpdateFrequency.QUARTERLY: "QUARTERLY",
    UpdateFrequency.YEARLY: "ANNUAL",
    UpdateFrequency.IRREGULAR: "IRREG",
}
JSONLD_CONTEXT = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "skos": str(SKOS),
    "locn": str(LOCN),
    "xsd": str(XSD),
}


def _stamp(value: datetime | date) -> Literal:
    if isinstance(value, datetime):
        return Literal(value.replace(microsecond=0), datatype=XSD.dateTime)
    return Literal(value, datatype=XSD.date)


def _typed(graph: Graph, node: URIRef, rdf_type: URIRef, **labels: str) -> URIRef:
    graph.add((node, RDF.type, rdf_type))
    for lang, text in labels.items():
        if text:
            graph.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
    return node


def _bilingual(graph: Graph, node, predicate: URIRef, zh: str, en: str) -> None:
    graph.add((node, predicate, Literal(zh, lang="zh")))
    if en:
        graph.add((node, predicate, Literal(en, lang="en")))


def _agent(graph: Graph, agent: URIRef, name: str, name_en: str) -> URIRef:
    graph.add((agent, RDF.type, FOAF.Agent))
    _bilingual(graph, agent, FOAF.name, name, name_en)
    return agent


def _add_dataset(graph: Graph, base: str, resource: DataResource) -> URIRef:
    page = landing_url(base, resource)
    dataset = URIRef(f"{page}#dataset")
    graph.add((dataset, RDF.type, DCAT.Dataset))
    _bilingual(graph, dataset, DCTERMS.title, resource.name, resource.name_en)
    # dct:description is mandatory; a resource without one is described by its name.
    _bilingual(
        graph,
        dataset,
        DCTERMS.description,
        resource.description or resource.name,
        resource.description_en or (resource.name_en if not resource.description else ""),
    )
    graph.add((dataset, DCTERMS.identifier, Literal(resource.registry_code or str(resource.pk))))
    provider = resource.provider
    agent = URIRef(f"{base}/catalog/dcat#agent-{provider.code}")
    _agent(graph, agent, provider.name, provider.name_en)
    graph.add((dataset, DCTERMS.publisher, agent))
    for theme in resource.themes.all():
        concept = _typed(
            graph,
            URIRef(f"{EU}data-theme/{theme.code}"),
            SKOS.Concept,
            zh=theme.name,
            en=theme.name_en,
        )
        graph.add((concept, SKOS.inScheme, THEME_SCHEME))
        graph.add((dataset, DCAT.theme, concept))
    for tag in resource.tags or []:
        graph.add((dataset, DCAT.keyword, Literal(str(tag))))
    frequency = URIRef(f"{EU}frequency/{FREQUENCIES[resource.update_frequency]}")
    graph.add((dataset, DCTERMS.accrualPeriodicity, _typed(graph, frequency, DCTERMS.Frequency)))
    rights = URIRef(f"{EU}access-right/{ACCESS_RIGHTS[resource.open_type]}")
    graph.add((dataset, DCTERMS.accessRights, _typed(graph, rights, DCTERMS.RightsStatement)))
    if resource.spatial_coverage:
        place = BNode()
        graph.add((place, RDF.type, DCTERMS.Location))
        graph.add((place, LOCN.geographicName, Literal(resource.spatial_coverage, lang="zh")))
        graph.add((dataset, DCTERMS.spatial, place))
    if resource.temporal_start or resource.temporal_end:
        period = BNode()
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if resource.temporal_start:
            graph.add((period, DCAT.startDate, _stamp(resource.temporal_start)))
        if resource.temporal_end:
            graph.add((period, DCAT.endDate, _stamp(resource.temporal_end)))
        graph.add((dataset, DCTERMS.temporal, period))
    if resource.contact_name or resource.contact_email:
        contact = BNode()
        graph.add((contact, RDF.type, VCARD.Kind))
        graph.add((contact, VCARD.fn, Literal(resource.contact_name or provider.name)))
        if resource.contact_email:
            graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{resource.contact_email}")))
        graph.add((dataset, DCAT.contactPoint, contact))
    if resource.registered_at:
        graph.add((dataset, DCTERMS.issued, _stamp(resource.registered_at)))
    graph.add((dataset, DCTERMS.modified, _stamp(resource.updated_at)))
    graph.add((dataset, DCAT_VERSION, Literal(str(resource.metadata_version))))
    graph.add((dataset, DCAT.landingPage, _typed(graph, URIRef(page), FOAF.Document)))
    graph.add((dataset, DCAT.distribution, _add_distribution(graph, page, resource)))
    return dataset


def _add_distribution(graph: Graph, page: str, resource: DataResource) -> URIRef:
    """The metadata page is the access URL: data is reached only through an authorization."""
    distribution = URIRef(f"{page}#distribution")
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCAT.accessURL, URIRef(page)))
    _bilingual(graph, distribution, DCTERMS.title, resource.name, resource.name_en)
    file_type = EU_FILE_TYPES.get(resource.data_format)
    if file_type:
        media = URIRef(f"{EU}file-type/{file_type}")
        graph.add((distribution, DCTERMS.format, _typed(graph, media, DCTERMS.MediaTypeOrExtent)))
    else:
        graph.add((distribution, DCTERMS.description, Literal(FORMAT_LABELS[resource.data_format])))
    graph.add((distribution, DCTERMS.modified, _stamp(resource.updated_at)))
    return distribution


def catalog_graph(request=None) -> Graph:
    """One dcat:Catalog holding a dcat:Dataset (with one distribution) per registered resource."""
    base = base_uri(request)
    graph = Graph()
    for prefix, namespace in JSONLD_CONTEXT.items():
        graph.bind(prefix, namespace)
    catalog = URIRef(f"{base}/catalog/dcat#catalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    _bilingual(graph, catalog, DCTERMS.title, "公共数据资源目录", "Public data resource catalog")
    _bilingual(
        graph,
        catalog,
        DCTERMS.description,
        "已登记公共数据资源的元数据目录（不含数据本身）。",
        "Metadata of registered public data resources (never the data itself).",
    )
    publisher = _agent(
        graph,
        URIRef(f"{base}/catalog/dcat#publisher"),
        settings.CATALOG_PUBLISHER_NAME,
        settings.CATALOG_PUBLISHER_NAME_EN,
    )
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, FOAF.homepage, _typed(graph, URIRef(f"{base}/catalog/"), FOAF.Document)))
    graph.add((catalog, DCAT.themeTaxonomy, THEME_SCHEME))
    graph.add((THEME_SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((THEME_SCHEME, DCTERMS.title, Literal("Data theme", lang="en")))
    resources = public_resources()
    dates = resources.aggregate(first=Min("registered_at"), last=Max("updated_at"))
    if dates["first"]:
        graph.add((catalog, DCTERMS.issued, _stamp(dates["first"])))
    if dates["last"]:
        graph.add((catalog, DCTERMS.modified, _stamp(dates["last"])))
    for resource in resources:
        graph.add((catalog, DCAT.dataset, _add_dataset(graph, base, resource)))
    return graph


def catalog_turtle(request=None) -> str:
    return catalog_graph(request).serialize(format="turtle")


def catalog_jsonld(request=None) -> str:
    return catalog_graph(request).serialize(format="json-ld", context=JSONLD_CONTEXT, indent=2)
