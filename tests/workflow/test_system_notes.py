"""Fixed sentences the system writes are shown in the reader's language; audit action
codes read as words."""

from django.utils import translation

from apps.audit.labels import action_label
from apps.workflow.system_notes import system_note


def _in(language: str, text: str, call=system_note) -> str:
    with translation.override(language):
        return call(text)


def test_a_note_a_timer_wrote_in_chinese_reads_in_english_for_an_english_reader():
    chinese = _in("zh-hans", "Public notice ended without objection.", translation.gettext)
    assert chinese != "Public notice ended without objection."
    assert _in("en", chinese) == "Public notice ended without objection."
    assert _in("zh-hans", "Public notice ended without objection.") == chinese


def test_a_note_with_a_value_keeps_the_value():
    assert _in("en", _in("zh-hans", "Replaced by version 3.")) == "Replaced by version 3."


def test_a_persons_own_note_passes_through():
    assert _in("en", "材料齐全，同意。") == "材料齐全，同意。"


def test_audit_actions_read_as_words_in_both_languages():
    assert _in("en", "catalog.dataresource.public_notice", action_label) == (
        "Data resource · Public notice"
    )
    assert _in("zh-hans", "catalog.dataresource.public_notice", action_label) == "数据资源 · 公示中"
    assert _in("zh-hans", "auth.login", action_label) == "登录 · 已登录"
    assert _in("en", "something.unknown", action_label) == "something.unknown"


def test_a_grants_issue_note_reads_in_either_language_with_its_application_number():
    msgid = "Issued on the approval of application #%(id)d."
    written = _in("zh-hans", msgid, translation.gettext) % {"id": 12}  # as grant_issue writes
    assert _in("en", written) == "Issued on the approval of application #12."
    assert _in("zh-hans", written) == written
