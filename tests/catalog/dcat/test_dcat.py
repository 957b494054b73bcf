"""The DCAT-AP 3.0.1 publication: content, SHACL conformance, formats and what never leaks."""

import json

import pyshacl
import pytest
import rdflib
import rdflib.compare
from django.test import override_settings
from rdflib import namespace as ns

from apps.catalog import dcat
from tests.catalog.dcat.conftest import SECRET_VALUE

pytestmark = pytest.mark.django_db

BASE = "http://catalog.example.gov.cn"
EU = "http://publications.europa.eu/resource/authority/"


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:300]
    return response


def graph_of(response, fmt):
    return rdflib.Graph().parse(data=response.content.decode(), format=fmt)


def dataset_uri(resource):
    return rdflib.URIRef(f"{BASE}/catalog/{resource.pk}/#dataset")


@pytest.fixture
def turtle_graph(client, catalog):
    with override_settings(CATALOG_BASE_URI=BASE):
        return graph_of(fetch(client, "/catalog/dcat.ttl"), "turtle")


def test_anonymous_visitor_gets_turtle_with_one_dataset_per_registered_resource(
    turtle_graph, catalog
):
    catalogs = list(turtle_graph.subjects(ns.RDF.type, ns.DCAT.Catalog))
    assert len(catalogs) == 1
    datasets = set(turtle_graph.objects(catalogs[0], ns.DCAT.dataset))
    assert datasets == {dataset_uri(catalog[key]) for key in ("enterprise", "traffic", "air")}
    assert set(turtle_graph.subjects(ns.RDF.type, ns.DCAT.Dataset)) == datasets


def test_titles_and_descriptions_carry_chinese_and_english_language_tags(turtle_graph, catalog):
    dataset = dataset_uri(catalog["enterprise"])
    titles = set(turtle_graph.objects(dataset, ns.DCTERMS.title))
    assert rdflib.Literal("企业登记信息", lang="zh") in titles
    assert rdflib.Literal("Enterprise registration", lang="en") in titles
    descriptions = {
        (d.language, str(d)) for d in turtle_graph.objects(dataset, ns.DCTERMS.description)
    }
    assert ("en", "Basic registration information of enterprises.") in descriptions
    assert ("zh", "全市企业登记的基本信息。") in descriptions
    assert turtle_graph.value(dataset, ns.DCTERMS.identifier) == rdflib.Literal("GX-2025-0001")


def test_publisher_is_a_foaf_agent_named_after_the_provider(turtle_graph, catalog):
    publisher = turtle_graph.value(dataset_uri(catalog["enterprise"]), ns.DCTERMS.publisher)
    assert (publisher, ns.RDF.type, ns.FOAF.Agent) in turtle_graph
    names = {str(name) for name in turtle_graph.objects(publisher, ns.FOAF.name)}
    assert catalog["provider_org"].name in names


def test_open_type_maps_to_eu_access_rights(turtle_graph, catalog):
    expected = {"enterprise": "PUBLIC", "traffic": "RESTRICTED", "air": "NON_PUBLIC"}
    for key, code in expected.items():
        rights = turtle_graph.value(dataset_uri(catalog[key]), ns.DCTERMS.accessRights)
        assert rights == rdflib.URIRef(f"{EU}access-right/{code}")
        assert (rights, ns.RDF.type, ns.DCTERMS.RightsStatement) in turtle_graph


def test_themes_frequency_keywords_contact_and_coverage(turtle_graph, catalog):
    dataset = dataset_uri(catalog["enterprise"])
    themes = set(turtle_graph.objects(dataset, ns.DCAT.theme))
    assert themes == {rdflib.URIRef(f"{EU}data-theme/ECON"), rdflib.URIRef(f"{EU}data-theme/GOVE")}
    for theme in themes:
        assert (theme, ns.RDF.type, ns.SKOS.Concept) in turtle_graph
    assert turtle_graph.value(dataset, ns.DCTERMS.accrualPeriodicity) == rdflib.URIRef(
        f"{EU}frequency/DAILY"
    )
    assert {str(k) for k in turtle_graph.objects(dataset, ns.DCAT.keyword)} == {
        "企业",
        "registration",
    }
    contact = turtle_graph.value(dataset, ns.DCAT.contactPoint)
    assert (contact, ns.RDF.type, dcat.VCARD.Kind) in turtle_graph
    assert turtle_graph.value(contact, dcat.VCARD.hasEmail) == rdflib.URIRef(
        "mailto:data@example.gov.cn"
    )
    period = turtle_graph.value(dataset, ns.DCTERMS.temporal)
    assert str(turtle_graph.value(period, ns.DCAT.startDate)) == "2020-01-01"
    assert turtle_graph.value(dataset, ns.DCTERMS.spatial) is not None


def test_distribution_points_at_the_public_catalog_page(turtle_graph, catalog):
    resource = catalog["enterprise"]
    distribution = turtle_graph.value(dataset_uri(resource), ns.DCAT.distribution)
    assert (distribution, ns.RDF.type, ns.DCAT.Distribution) in turtle_graph
    access = turtle_graph.value(distribution, ns.DCAT.accessURL)
    assert access == rdflib.URIRef(f"{BASE}/catalog/{resource.pk}/")
    assert turtle_graph.value(distribution, ns.DCTERMS.format) == rdflib.URIRef(
        f"{EU}file-type/CSV"
    )


def test_turtle_and_jsonld_conform_to_the_dcat_ap_3_0_1_shapes(client, catalog, shapes_path):
    shapes = rdflib.Graph().parse(shapes_path)
    for url, fmt in (("/catalog/dcat.ttl", "turtle"), ("/catalog/dcat.jsonld", "json-ld")):
        data = graph_of(fetch(client, url), fmt)
        conforms, _graph, report = pyshacl.validate(data, shacl_graph=shapes, inference="none")
        assert conforms, report
    # The shapes really bite: an untyped publisher is a violation.
    data.remove((None, ns.RDF.type, ns.FOAF.Agent))
    conforms, _graph, report = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert not conforms
    assert "Value does not have class foaf:Agent" in report


def test_jsonld_has_a_context_and_the_same_triples_as_turtle(client, catalog):
    with override_settings(CATALOG_BASE_URI=BASE):
        jsonld = fetch(client, "/catalog/dcat.jsonld")
        turtle = graph_of(fetch(client, "/catalog/dcat.ttl"), "turtle")
    assert jsonld["Content-Type"].startswith("application/ld+json")
    document = json.loads(jsonld.content)
    assert document["@context"]["dcat"] == str(ns.DCAT)
    assert rdflib.compare.isomorphic(graph_of(jsonld, "json-ld"), turtle)


def test_drafts_and_dataset_values_never_appear(client, catalog):
    for url in ("/catalog/dcat.ttl", "/catalog/dcat.jsonld"):
        body = fetch(client, url).content.decode()
        assert "草稿秘密资源" not in body
        assert "Secret draft" not in body
        assert "待审核资源" not in body
        assert SECRET_VALUE not in body


def test_uris_follow_the_request_host_when_no_base_is_configured(client, catalog):
    with override_settings(CATALOG_BASE_URI=""):
        body = fetch(client, "/catalog/dcat.ttl", HTTP_HOST="localhost").content.decode()
    assert f"<http://localhost/catalog/{catalog['enterprise'].pk}/#dataset>" in body


@pytest.mark.parametrize(
    ("accept", "content_type", "fmt"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json", "json-ld"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/turtle", "turtle"),
    ],
)
def test_content_negotiation(client, catalog, accept, content_type, fmt):
    response = fetch(client, "/catalog/dcat", HTTP_ACCEPT=accept)
    assert response["Content-Type"].startswith(content_type)
    assert "Accept" in response["Vary"]
    assert len(graph_of(response, fmt)) > 0


def test_unacceptable_media_type_is_406(client, catalog):
    assert client.get("/catalog/dcat", HTTP_ACCEPT="application/pdf").status_code == 406


def test_feed_is_read_only(client, catalog):
    assert client.post("/catalog/dcat.ttl").status_code == 405


def test_query_count_does_not_grow_with_the_catalog(
    client, catalog, provider, django_assert_max_num_queries
):
    from tests.catalog.dcat.conftest import make_resource

    for n in range(10):
        make_resource(provider, name=f"资源{n}", registry_code=f"GX-2025-1{n:03d}", themes=["SOCI"])
    with django_assert_max_num_queries(6):
        fetch(client, "/catalog/dcat.ttl")
