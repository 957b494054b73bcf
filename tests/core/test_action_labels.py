"""Every reason or note of an action form (approve, return, suspend, revoke, resolve...)
has a visible label that names its action, never a placeholder in its stead: the shared
include renders it, and no template writes a textarea without a visible label."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INCLUDE = "includes/action_note.html"


def _label_for(soup: BeautifulSoup, field) -> str:
    label = soup.find("label", attrs={"for": field["id"]})
    assert label is not None, field
    assert "visually-hidden" not in (label.get("class") or []), label
    return label.get_text(strip=True)


@pytest.mark.parametrize(
    ("kind", "required", "english"),
    [
        ("reason", True, "Suspend: reason (required)"),
        ("changes", True, "Suspend: what must change (required)"),
        ("resolution", True, "Suspend: how it was resolved (required)"),
        ("note", False, "Suspend: note (optional)"),
        ("why", False, "Suspend: reason (optional)"),
    ],
)
def test_the_include_labels_the_field_by_its_action(kind, required, english):
    template = Template(
        '{% include "' + INCLUDE + '" with id="x" action=_("Suspend") kind=k name="note" %}'
    )
    with translation.override("en"):
        soup = BeautifulSoup(template.render(Context({"k": kind})), "html.parser")
    (field,) = soup.select("textarea")
    assert _label_for(soup, field) == english
    assert field["name"] == "note" and field.has_attr("required") is required
    assert not field.has_attr("placeholder")


def test_no_template_writes_a_textarea_without_a_visible_label():
    unlabelled = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<textarea[^>]*>", text):
            ident = re.search(r'id="([^"]+)"', tag)
            labelled = ident and re.search(
                rf'<label for="{re.escape(ident.group(1))}"(?![^>]*visually-hidden)', text
            )
            if (path.name != Path(INCLUDE).name and not labelled) or "placeholder" in tag:
                unlabelled.append(f"{path.relative_to(TEMPLATES)}: {tag}")
    assert unlabelled == []


def test_a_label_takes_the_colon_of_the_pages_language():
    """Chinese pages use the full-width colon after a label, English ones `: `."""
    from django.template import Context, Template
    from django.utils import translation

    page = Template('{% load i18n names %}{% translate "Reference" %}{% colon %}x')
    with translation.override("zh-hans"):
        assert page.render(Context()) == "参考编号：x"
    with translation.override("en"):
        assert page.render(Context()) == "Reference: x"
