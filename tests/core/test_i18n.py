"""Bilingual UI: Chinese by default, English on request, and no string left untranslated."""

import gettext
from pathlib import Path

import polib
import pytest

from tests.conftest import login_web

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_has_a_chinese_translation():
    catalog = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in catalog.untranslated_entries()]
    fuzzy = [e.msgid for e in catalog.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalog_matches_the_source():
    catalog = polib.pofile(str(LOCALE / "django.po"))
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        e.msgid
        for e in catalog
        if e.msgid
        and (
            compiled.ngettext(e.msgid, e.msgid_plural, 2) != e.msgstr_plural[0]
            if e.msgid_plural
            # an entry with a context (pgettext) is looked up with it
            else compiled.pgettext(e.msgctxt, e.msgid) != e.msgstr
            if e.msgctxt
            else compiled.gettext(e.msgid) != e.msgstr
        )
    ]
    assert stale == [], "run `make messages` to recompile locale/"


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_after_switching(web, operator_admin):
    login_web(web, operator_admin)
    assert "API 密钥" in web.get("/portal/api-keys/").content.decode()
    switched = web.post("/i18n/setlang/", {"language": "en", "next": "/portal/api-keys/"})
    assert switched.status_code == 302
    page = web.get("/portal/api-keys/").content.decode()
    assert "API keys" in page and "API 密钥" not in page
    assert '<html lang="en">' in page


@pytest.mark.django_db
def test_api_errors_follow_the_accept_language_header(api):
    assert (
        api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
        .json()["message"]
        .startswith("Authentication credentials")
    )
    chinese = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
