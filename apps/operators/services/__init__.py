"""Writes of apps.operators. Portal, console, API and tasks call only these."""

from apps.operators.services.agreement_ends import (
    agreement_expire,
    agreement_resume,
    agreement_revoke,
    agreement_suspend,
    agreement_terminate,
)
from apps.operators.services.agreement_review import (
    agreement_approve,
    agreement_close_notice,
    agreement_object,
    agreement_return,
    agreement_submit,
)
from apps.operators.services.agreements import (
    agreement_amend,
    agreement_attach_document,
    agreement_create,
    agreement_document_read,
    agreement_update,
)
from apps.operators.services.profiles import profile_save
from apps.operators.services.qualification import (
    document_read,
    document_upload,
    qualification_apply,
    qualification_approve,
    qualification_exit,
    qualification_reinstate,
    qualification_rereview,
    qualification_return,
    qualification_revoke,
    qualification_set_credit_status,
    qualification_start_review,
    qualification_suspend,
)
from apps.operators.services.reports import report_accept, report_file, report_return

__all__ = [
    "agreement_amend",
    "agreement_approve",
    "agreement_attach_document",
    "agreement_close_notice",
    "agreement_create",
    "agreement_document_read",
    "agreement_expire",
    "agreement_object",
    "agreement_resume",
    "agreement_return",
    "agreement_revoke",
    "agreement_submit",
    "agreement_suspend",
    "agreement_terminate",
    "agreement_update",
    "document_read",
    "document_upload",
    "profile_save",
    "qualification_apply",
    "qualification_approve",
    "qualification_exit",
    "qualification_reinstate",
    "qualification_rereview",
    "qualification_return",
    "qualification_revoke",
    "qualification_set_credit_status",
    "qualification_start_review",
    "qualification_suspend",
    "report_accept",
    "report_file",
    "report_return",
]
