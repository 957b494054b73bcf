"""Monthly statements: a line per grant priced by its frozen terms, per call, per 1,000
rows, per month of subscription, free for public-welfare use; regenerated idempotently;
a closed month is not changed by a provisional run."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.delivery import pricing
from apps.delivery.models import Statement, StatementLine, UsageDay
from apps.delivery.statements import (
    month_start,
    previous_month,
    statements_close_previous,
    statements_generate,
    statements_refresh_current,
)
from tests.delivery.billing import grant_on, priced_product, use

pytestmark = pytest.mark.django_db


@pytest.fixture
def priced(effective, resources, operator_admin, regulator, merchant):
    """A grant on a product of each pricing model."""

    def make(**terms):
        product = priced_product(effective, resources, operator_admin, regulator, **terms)
        return grant_on(product, merchant, operator_admin)

    return {
        "per_call": make(use_type="industrial", pricing_model="per_call", price="0.50"),
        "per_rows": make(use_type="industrial", pricing_model="per_1000_rows", price="2.00"),
        "subscription": make(use_type="industrial", pricing_model="subscription", price="300"),
        "welfare": make(use_type="public_welfare", pricing_model="free", price="0"),
    }


def line_of(grant) -> StatementLine:
    return StatementLine.objects.select_related("statement").get(grant=grant)


def test_each_pricing_model_gives_its_amount_and_public_welfare_is_free(priced, merchant):
    use(priced["per_call"], calls=7, rows_each=10)
    use(priced["per_rows"], calls=3, rows_each=1250)  # 3,750 rows
    use(priced["subscription"], calls=2, rows_each=5)
    use(priced["welfare"], calls=9, rows_each=100)

    statements = statements_refresh_current()

    assert len(statements) == 4  # one per merchant × product × month
    assert line_of(priced["per_call"]).amount == Decimal("3.50")  # 7 × 0.50
    assert line_of(priced["per_rows"]).amount == Decimal("7.50")  # 3,750 / 1,000 × 2.00
    assert line_of(priced["subscription"]).amount == Decimal("300.00")  # one month
    welfare = line_of(priced["welfare"])
    assert welfare.amount == Decimal("0.00") and welfare.calls == 9 and welfare.rows == 900
    statement = line_of(priced["per_rows"]).statement
    assert (statement.calls, statement.rows, statement.bytes) == (3, 3750, 300)
    assert statement.merchant_id == merchant.organization_id
    assert statement.month == month_start(timezone.localdate())
    assert statement.status == "provisional"


def test_a_subscription_is_charged_for_a_month_it_was_live_even_without_use(priced):
    statements_refresh_current()
    line = line_of(priced["subscription"])
    assert (line.calls, line.amount) == (0, Decimal("300.00"))
    assert not StatementLine.objects.filter(grant=priced["per_call"]).exists()  # no use, no line


def test_the_amount_rounds_half_up_to_the_fen():
    terms = pricing.Terms("industrial", "per_1000_rows", Decimal("0.01"))
    assert pricing.amount(terms, calls=1, rows=500, subscribed=False) == Decimal("0.01")
    assert pricing.amount(terms, calls=1, rows=499, subscribed=False) == Decimal("0.00")
    welfare = pricing.Terms("public_welfare", "per_call", Decimal("9"))
    assert pricing.amount(welfare, calls=100, rows=0, subscribed=True) == Decimal("0.00")


def test_the_grants_frozen_price_counts_not_the_products_later_one(priced):
    grant = priced["per_call"]
    type(grant.product).objects.filter(pk=grant.product_id).update(price="9.00")
    use(grant, calls=2, rows_each=1)
    statements_refresh_current()
    assert line_of(grant).amount == Decimal("1.00")


def test_regenerating_gives_the_same_rows(priced):
    use(priced["per_call"], calls=4, rows_each=3)
    use(priced["welfare"], calls=1, rows_each=1)
    statements_refresh_current()
    before = list(Statement.objects.order_by("pk").values())
    lines = list(StatementLine.objects.order_by("pk").values())

    statements_refresh_current()
    statements_refresh_current()

    assert list(Statement.objects.order_by("pk").values()) == before
    assert list(StatementLine.objects.order_by("pk").values()) == lines
    use(priced["per_call"], calls=1, rows_each=3)  # new use updates the same rows
    statements_refresh_current()
    assert Statement.objects.count() == len(before)
    assert line_of(priced["per_call"]).amount == Decimal("2.50")
    kept = next(line["id"] for line in lines if line["grant_id"] == priced["per_call"].pk)
    assert line_of(priced["per_call"]).pk == kept
    assert AuditEvent.objects.filter(action="delivery.statements.generate").count() == 4


def test_the_monthly_run_closes_the_previous_month_and_a_provisional_run_leaves_it(priced):
    today = timezone.localdate()
    last_month = previous_month(today)
    UsageDay.objects.create(
        grant=priced["per_call"], day=last_month + timedelta(days=3), calls=10, rows=20, bytes=5
    )
    closed = statements_close_previous(today)
    assert [s.status for s in closed] == ["final"] * len(closed)
    line = line_of(priced["per_call"])
    assert line.statement.month == last_month and line.amount == Decimal("5.00")

    # Late metering of that month is not picked up by a provisional run...
    UsageDay.objects.filter(grant=priced["per_call"]).update(calls=12)
    statements_generate(month=last_month, final=False)
    assert line_of(priced["per_call"]).amount == Decimal("5.00")
    # ...only by closing the month again.
    statements_generate(month=last_month, final=True)
    assert line_of(priced["per_call"]).amount == Decimal("6.00")


def test_a_month_with_no_use_and_no_subscription_has_no_statement(priced):
    statements_generate(month=date(2001, 1, 1), final=True)
    assert not Statement.objects.filter(month=date(2001, 1, 1)).exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_write_each_statement_once(priced):
    import threading

    from django.db import connection

    use(priced["per_call"], calls=3, rows_each=1)
    use(priced["welfare"], calls=2, rows_each=1)
    errors, start = [], threading.Barrier(2)

    def run():
        try:
            start.wait()
            statements_refresh_current()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    # per call, public welfare, and the subscription (charged without use)
    assert Statement.objects.count() == 3 and StatementLine.objects.count() == 3
    assert line_of(priced["per_call"]).amount == Decimal("1.50")
