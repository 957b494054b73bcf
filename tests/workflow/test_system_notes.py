"""Fixed sentences the system writes are shown in the reader's language; audit action
codes read as words."""

import pytest
from django.utils import translation

from apps.audit.labels import action_label, role_label, target_label
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


@pytest.mark.parametrize(
    ("language", "code", "label", "expected"),
    [
        ("en", "catalog.dataresource.public_notice", action_label, "Data resource · Public notice"),
        ("zh-hans", "catalog.dataresource.public_notice", action_label, "数据资源 · 公示中"),
        ("zh-hans", "auth.login", action_label, "登录 · 已登录"),
        ("en", "something.unknown", action_label, "something.unknown"),
        # the delivery's and the console's actions too (alerts, leak tracing, exports)
        ("zh-hans", "delivery.alert.acknowledge", action_label, "告警 · 已确认"),
        ("en", "delivery.leak.trace", action_label, "Leak tracing · file traced"),
        ("zh-hans", "delivery.export.download", action_label, "导出 · 已下载"),
        ("zh-hans", "delivery.sandbox.query", action_label, "沙箱查询 · 已执行查询"),
        ("en", "console.report.request", action_label, "Supervision report · requested"),
        # a regulator's first sign-in: the authenticator enrolled, then confirmed
        ("en", "otp_device.confirm", action_label, "Authenticator · confirmed"),
        ("zh-hans", "otp_device.create", action_label, "身份验证器 · 已创建"),
        # targets and roles
        ("zh-hans", "grants.grant", target_label, "授权"),
        ("en", "delivery.alert", target_label, "Alert"),
        ("en", "no.such", target_label, "no.such"),
        ("zh-hans", "catalog.datasetversion", target_label, "数据集版本"),
        ("zh-hans", "otp_totp.totpdevice", target_label, "身份验证器"),
        ("zh-hans", "admin", role_label, "管理员"),
        ("en", "superuser", role_label, "Superuser"),
    ],
)
def test_audit_actions_targets_and_roles_read_as_words(language, code, label, expected):
    assert _in(language, code, label) == expected


def test_a_grants_issue_note_reads_in_either_language_with_its_application_number():
    msgid = "Issued on the approval of application #%(id)d."
    written = _in("zh-hans", msgid, translation.gettext) % {"id": 12}  # as grant_issue writes
    assert _in("en", written) == "Issued on the approval of application #12."
    assert _in("zh-hans", written) == written
