"""Contract services: signing occupies, overlaps are refused, termination frees, history is kept."""

from __future__ import annotations

import datetime
import io
import threading
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Sum

from parkos.core.models import AuditAction, AuditEntry
from parkos.enterprises.choices import EnterpriseLifecycle
from parkos.enterprises.models import Enterprise
from parkos.leasing import schedule, services
from parkos.leasing.choices import ContractLifecycle, ContractStatus, RenewalTaskStatus
from parkos.leasing.models import Contract, ContractMonth, RenewalTask
from parkos.leasing.tests.factories import EnterpriseFactory, approved_lease, lease_terms, signed_lease
from parkos.parks.choices import Occupancy, SpaceStatus
from parkos.parks.models import Unit
from parkos.parks.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_signing_occupies_the_unit_from_the_start_date(unit_a, bob):
    contract = signed_lease(units=[unit_a], actor=bob)

    unit = Unit.objects.get(pk=unit_a.pk)
    assert (unit.occupancy, unit.occupied_from, unit.occupied_until) == (
        Occupancy.LEASED,
        datetime.date(2026, 1, 1),
        datetime.date(2030, 12, 31),
    )
    # Ref: #15 — signed to start later: 已签约待起租 until the start, never "available".
    assert unit.status_on(datetime.date(2025, 12, 31)) == SpaceStatus.COMMITTED
    assert unit.status_on(datetime.date(2026, 1, 1)) == SpaceStatus.LEASED
    assert contract.status == ContractStatus.SIGNED
    assert [e.kind for e in contract.events.all()] == ["created", "approved", "signed"]
    assert AuditEntry.objects.filter(object_type="leasing.contract", object_id=str(contract.pk)).count() == 3


def test_issue_lease_schedule_to_the_fen(unit_a):
    """1,000 m² × 25 元 = 25,000/月; 3 months free; +5 % from 2028-01-01 and 2030-01-01 (hand-checked)."""
    contract = signed_lease(units=[unit_a])
    lines = schedule.generate_schedule(services.lease_terms(contract))

    assert [line.rent_amount for line in lines] == (
        [D("0.00")] + [D("75000.00")] * 7 + [D("78750.00")] * 8 + [D("82687.50")] * 4
    )
    assert sum(line.rent_amount for line in lines) == D("1485750.00")
    # The stored monthly accruals add up to the same total, month by month.
    months = ContractMonth.objects.filter(contract=contract).order_by("month")
    assert months.count() == 60
    assert [m.rent for m in months[:4]] == [D("0.00"), D("0.00"), D("0.00"), D("25000.00")]
    assert months.get(month=datetime.date(2028, 1, 1)).rent == D("26250.00")
    assert months.get(month=datetime.date(2030, 12, 1)).rent == D("27562.50")
    assert months.aggregate(t=Sum("rent"))["t"] == D("1485750.00")


def test_second_signing_of_an_overlapping_period_is_refused(unit_a):
    first = approved_lease(units=[unit_a])
    second = approved_lease(units=[unit_a], start_on=datetime.date(2028, 1, 1), end_on=datetime.date(2032, 12, 31))
    services.contract_sign(contract=first, actor=None)

    with pytest.raises(ValidationError) as exc:
        services.contract_sign(contract=second, actor=None)

    assert "已由合同" in exc.value.messages[0]
    assert "不能重复签约" in exc.value.messages[0]
    second.refresh_from_db()
    assert second.status == ContractStatus.APPROVED
    assert Contract.objects.filter(status=ContractStatus.SIGNED).count() == 1
    assert not second.spaces.filter(occupies=True).exists()


def test_consecutive_contracts_are_allowed_and_a_renewal_keeps_the_unit_leased(unit_a):
    first = signed_lease(units=[unit_a], end_on=datetime.date(2027, 12, 31), escalation_rate=D(0))
    renewal = services.contract_renew(contract=first, actor=None, end_on=datetime.date(2030, 12, 31))
    assert renewal.start_on == datetime.date(2028, 1, 1)
    services.contract_approve(contract=renewal, actor=None)
    services.contract_sign(contract=renewal, actor=None)

    unit = Unit.objects.get(pk=unit_a.pk)
    assert (unit.occupied_from, unit.occupied_until) == (datetime.date(2026, 1, 1), datetime.date(2030, 12, 31))
    assert first.lifecycle_on(datetime.date(2028, 6, 1)) == ContractLifecycle.RENEWED
    assert renewal.renewal_of == first


def test_terminating_frees_the_unit_after_the_termination_date(unit_a):
    contract = signed_lease(units=[unit_a])
    services.contract_terminate(
        contract=contract, terminated_on=datetime.date(2027, 6, 30), reason="tenant_request", actor=None
    )

    unit = Unit.objects.get(pk=unit_a.pk)
    assert unit.status_on(datetime.date(2027, 6, 30)) == SpaceStatus.LEASED
    assert unit.status_on(datetime.date(2027, 7, 1)) == SpaceStatus.AVAILABLE
    assert ContractMonth.objects.filter(contract=contract).latest("month").month == datetime.date(2027, 6, 1)
    contract.refresh_from_db()
    assert contract.lifecycle_on(datetime.date(2027, 7, 1)) == ContractLifecycle.TERMINATED
    # A new lease of the freed unit may start the next day.
    signed_lease(units=[unit_a], start_on=datetime.date(2027, 7, 1), free_rent_months=0)


def test_termination_needs_a_reason_and_a_date_before_the_end(unit_a):
    contract = signed_lease(units=[unit_a])
    with pytest.raises(ValidationError):
        services.contract_terminate(contract=contract, terminated_on=datetime.date(2027, 1, 1), reason="", actor=None)
    with pytest.raises(ValidationError):
        services.contract_terminate(
            contract=contract, terminated_on=datetime.date(2031, 1, 1), reason="other", actor=None
        )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SIGNED


def test_signing_requires_approval_and_validates_terms(unit_a):
    draft = services.contract_create_draft(
        actor=None, park=unit_a.park, enterprise=EnterpriseFactory(), units=[unit_a], **lease_terms()
    )
    with pytest.raises(ValidationError):
        services.contract_sign(contract=draft, actor=None)
    with pytest.raises(ValidationError) as exc:
        services.contract_create_draft(
            actor=None,
            park=unit_a.park,
            enterprise=EnterpriseFactory(),
            units=[unit_a],
            **lease_terms(free_rent_months=100),
        )
    assert "free_rent_months" in exc.value.error_dict


def test_sale_contract_marks_the_unit_sold_for_good(unit_a):
    contract = services.contract_create_draft(
        actor=None,
        park=unit_a.park,
        enterprise=EnterpriseFactory(),
        kind="sale",
        units=[unit_a],
        start_on=datetime.date(2026, 3, 1),
        sale_price_per_sqm=D(4500),
    )
    services.contract_approve(contract=contract, actor=None)
    services.contract_sign(contract=contract, actor=None)
    unit = Unit.objects.get(pk=unit_a.pk)
    assert unit.status_on(datetime.date(2060, 1, 1)) == SpaceStatus.SOLD
    assert contract.sale_amount == D("4500000.00")
    assert not ContractMonth.objects.filter(contract=contract).exists()


def test_end_expired_moves_units_to_their_next_contract(unit_a):
    signed_lease(units=[unit_a], end_on=datetime.date(2026, 12, 31), escalation_rate=D(0))
    signed_lease(units=[unit_a], start_on=datetime.date(2027, 3, 1), end_on=datetime.date(2029, 2, 28))
    unit = Unit.objects.get(pk=unit_a.pk)
    assert unit.occupied_until == datetime.date(2026, 12, 31)

    assert services.contract_end_expired(today=datetime.date(2027, 1, 15)) == 1
    assert services.contract_end_expired(today=datetime.date(2027, 1, 15)) == 0  # idempotent
    unit.refresh_from_db()
    assert (unit.occupied_from, unit.occupied_until) == (datetime.date(2027, 3, 1), datetime.date(2029, 2, 28))


def test_renewal_tasks_fall_on_a_working_day_and_are_created_once(unit_a, bob):
    # Ends 2026-12-31 → 90 days before is 2026-10-02, inside the National Day holiday → next working day.
    contract = signed_lease(units=[unit_a], end_on=datetime.date(2026, 12, 31), escalation_rate=D(0))
    assert services.renewal_tasks_create_due(today=datetime.date(2026, 9, 1)) == 0
    assert services.renewal_tasks_create_due(today=datetime.date(2026, 10, 20)) == 1
    assert services.renewal_tasks_create_due(today=datetime.date(2026, 10, 21)) == 0
    task = RenewalTask.objects.get()
    assert task.contract == contract
    assert task.due_on == datetime.date(2026, 10, 8)  # 国庆 10-01…10-07 off (2026 arrangement)
    assert task.assignee == bob
    assert task.status == RenewalTaskStatus.OPEN


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks the whole file)")
def test_two_concurrent_signings_of_one_unit_leave_exactly_one_contract(unit_a):
    first = approved_lease(units=[unit_a])
    second = approved_lease(units=[unit_a], start_on=datetime.date(2027, 1, 1), end_on=datetime.date(2029, 12, 31))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign(contract: Contract) -> None:
        try:
            barrier.wait(timeout=10)
            services.contract_sign(contract=contract, actor=None)
            outcomes.append("signed")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(c,)) for c in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["refused", "signed"]
    assert Contract.objects.filter(status=ContractStatus.SIGNED).count() == 1
    assert Unit.objects.get(pk=unit_a.pk).occupancy == Occupancy.LEASED


def test_signing_makes_the_enterprise_a_tenant_of_the_park(db, park_a):

    unit = UnitFactory(floor__building__park=park_a)
    enterprise = EnterpriseFactory()
    assert enterprise.lifecycle == EnterpriseLifecycle.PROSPECT
    signed_lease(units=[unit], enterprise=enterprise)
    enterprise.refresh_from_db()
    assert enterprise.lifecycle == EnterpriseLifecycle.TENANT
    assert list(enterprise.parks.all()) == [park_a]


def test_terminating_the_last_lease_makes_a_former_tenant(db, park_a):

    enterprise = EnterpriseFactory()
    first = signed_lease(units=[UnitFactory(floor__building__park=park_a)], enterprise=enterprise)
    second = signed_lease(units=[UnitFactory(floor__building__park=park_a)], enterprise=enterprise)
    services.contract_terminate(
        contract=first, terminated_on=datetime.date(2026, 6, 30), reason="relocation", actor=None
    )
    enterprise.refresh_from_db()
    assert enterprise.lifecycle == EnterpriseLifecycle.TENANT  # the second lease still holds space
    services.contract_terminate(
        contract=second, terminated_on=datetime.date(2026, 6, 30), reason="relocation", actor=None
    )
    enterprise.refresh_from_db()
    assert enterprise.lifecycle == EnterpriseLifecycle.FORMER_TENANT


def test_a_tenant_whose_leases_ran_out_becomes_a_former_tenant(db, park_a):

    def unit():
        return UnitFactory(floor__building__park=park_a)

    gone = EnterpriseFactory()
    signed_lease(units=[unit()], enterprise=gone, end_on=datetime.date(2026, 12, 31))
    renewed = EnterpriseFactory()
    signed_lease(units=[unit()], enterprise=renewed, end_on=datetime.date(2026, 12, 31))
    signed_lease(
        units=[unit()], enterprise=renewed, start_on=datetime.date(2027, 3, 1), end_on=datetime.date(2029, 2, 28)
    )
    without_contracts = EnterpriseFactory(lifecycle=EnterpriseLifecycle.TENANT)  # recorded before ParkOS
    for enterprise in (gone, renewed):
        enterprise.refresh_from_db()
        assert enterprise.lifecycle == EnterpriseLifecycle.TENANT

    assert services.tenancies_end_expired(today=datetime.date(2026, 12, 31)) == 0  # the last day still counts
    out = io.StringIO()
    call_command("leasing_reminders", "--date", "2027-01-01", stdout=out)
    assert "former tenants: 1;" in out.getvalue()
    assert services.tenancies_end_expired(today=datetime.date(2027, 1, 1)) == 0  # idempotent
    lifecycles = dict(
        Enterprise.objects.filter(pk__in=[gone.pk, renewed.pk, without_contracts.pk]).values_list("pk", "lifecycle")
    )
    assert lifecycles == {
        gone.pk: EnterpriseLifecycle.FORMER_TENANT,
        renewed.pk: EnterpriseLifecycle.TENANT,  # its next lease starts in March
        without_contracts.pk: EnterpriseLifecycle.TENANT,
    }
    trail = AuditEntry.objects.filter(object_type="enterprises.enterprise", object_id=str(gone.pk))
    assert [EnterpriseLifecycle.TENANT, EnterpriseLifecycle.FORMER_TENANT] in [
        entry.changes.get("lifecycle") for entry in trail.filter(action=AuditAction.UPDATE)
    ]
