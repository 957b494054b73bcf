import pytest
import time_machine

from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.operators import services
from apps.operators.choices import ReportStatus as R


@time_machine.travel("2027-03-10 10:00+08:00")
def test_operator_files_for_the_previous_year_and_regulator_accepts(
    profile, operator_admin, regulator
):
    report = services.report_file(user=operator_admin, content="产品与价格披露")
    assert (report.year, report.status) == (2026, R.FILED)
    with pytest.raises(TransitionNotAllowed):
        services.report_file(user=operator_admin, content="again")
    report = services.report_accept(report=report, reviewer=regulator)
    assert report.status == R.ACCEPTED and report.reviewed_by == regulator


@time_machine.travel("2027-03-10 10:00+08:00")
def test_returned_report_can_be_filed_again(profile, operator_admin, regulator):
    report = services.report_file(user=operator_admin, content="草稿")
    with pytest.raises(InvalidInput):
        services.report_return(report=report, reviewer=regulator, reason="")
    services.report_return(report=report, reviewer=regulator, reason="补充价格")
    report = services.report_file(user=operator_admin, content="完整版")
    assert report.status == R.FILED and report.content == "完整版"


@time_machine.travel("2027-03-10 10:00+08:00")
def test_current_year_and_other_parties_are_refused(profile, operator_admin, merchant):
    with pytest.raises(InvalidInput):
        services.report_file(user=operator_admin, content="x", year=2027)
    with pytest.raises(PermissionDeniedError):
        services.report_file(user=merchant, content="x")
    report = services.report_file(user=operator_admin, content="x")
    with pytest.raises(PermissionDeniedError):
        services.report_accept(report=report, reviewer=operator_admin)
