"""Projects, products and milestones move from statistics to innovation without losing a row or an id.

A new database is migrated to just before the move (statistics at 0004, innovation at zero), rows are
written in the old shape through the historical models, and the migrations of the move run.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

from parkos.core.tests.databases import scratch_default_database

BEFORE = [
    ("park_statistics", "0004_monthly_report_monthly_rows_index"),
    ("core", "0001_initial"),
    ("innovation", None),
]
AFTER = [
    ("park_statistics", "0005_move_projects_products_milestones_to_innovation"),
    ("innovation", "0003_phases_stages_ecosystem"),
]


def _migrate(connection: BaseDatabaseWrapper, targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # The models as the database has them now: every applied migration, of every app (other apps keep
    # their newer fields — a NOT NULL column added later must be in the historical model too).
    executor.loader.build_graph()
    applied = [node for node in executor.loader.applied_migrations if node in executor.loader.graph.nodes]
    return executor.loader.project_state(applied).apps


@pytest.mark.django_db
def test_old_rows_arrive_in_innovation_with_their_ids(tmp_path):
    with scratch_default_database(tmp_path) as database:
        _rows_arrive(database)


def _rows_arrive(connection: BaseDatabaseWrapper) -> None:
    old = _migrate(connection, BEFORE)
    Park = old.get_model("parks", "Park")
    Enterprise = old.get_model("enterprises", "Enterprise")
    park = Park.objects.create(code="MIG-1", name="迁移测试园区", city="重庆市")
    enterprise = Enterprise.objects.create(name="迁移测试制药有限公司")
    Project = old.get_model("park_statistics", "Project")
    ProjectProgress = old.get_model("park_statistics", "ProjectProgress")
    Product = old.get_model("park_statistics", "Product")
    Milestone = old.get_model("park_statistics", "Milestone")
    AuditEntry = old.get_model("core", "AuditEntry")
    Project.objects.create(
        id=41, park=park, enterprise=enterprise, name="制剂车间", kind="industrial",
        planned_investment=Decimal("120000000.00"), started_on=datetime.date(2024, 3, 1),
        completed_on=datetime.date(2025, 11, 30),
    )  # fmt: skip
    ProjectProgress.objects.create(id=7, project_id=41, year=2025, month=6, investment=Decimal("5000000.00"))
    Product.objects.create(
        id=23, park=park, enterprise=enterprise, name="BC-101", kind="drug", drug_category="1", stage="phase3",
        stage_since=datetime.date(2025, 5, 1),
    )  # fmt: skip
    Product.objects.create(
        id=24, park=park, enterprise=enterprise, name="注射器", kind="device", device_class="class_3",
        device_status="registered", device_number="国械注准20233140123",
    )  # fmt: skip
    Milestone.objects.create(
        id=5, park=park, enterprise=enterprise, kind="listing", on=datetime.date(2025, 6, 18), exchange="star",
        stock_code="688001", short_name="迁移制药",
    )  # fmt: skip
    AuditEntry.objects.create(action="create", object_type="park_statistics.product", object_id="23")

    new = _migrate(connection, AFTER)

    project = new.get_model("innovation", "Project").objects.get(pk=41)
    assert (project.name, project.park_id, project.enterprise_id) == ("制剂车间", park.pk, enterprise.pk)
    assert (project.planned_investment, project.started_on, project.completed_on) == (
        Decimal("120000000.00"),
        datetime.date(2024, 3, 1),
        datetime.date(2025, 11, 30),
    )
    progress = new.get_model("innovation", "ProjectProgress").objects.get(pk=7)
    assert (progress.project_id, progress.investment, progress.construction) == (41, Decimal("5000000.00"), None)
    products = new.get_model("innovation", "Product").objects
    drug, device = products.get(pk=23), products.get(pk=24)
    assert (drug.drug_family, drug.drug_category, drug.stage, drug.stage_since) == (
        "chemical",
        "1",
        "phase3",
        datetime.date(2025, 5, 1),
    )
    assert (device.device_stage, device.device_number, device.drug_family) == ("registered", "国械注准20233140123", "")
    stages = new.get_model("innovation", "ProductStage").objects
    assert list(stages.filter(product_id=23).values_list("stage", "on")) == [("phase3", datetime.date(2025, 5, 1))]
    assert list(stages.filter(product_id=24).values_list("stage", flat=True)) == ["registered"]
    milestone = new.get_model("innovation", "Milestone").objects.get(pk=5)
    assert (milestone.kind, milestone.exchange, milestone.stock_code, milestone.short_name) == (
        "listing",
        "star",
        "688001",
        "迁移制药",
    )
    assert new.get_model("core", "AuditEntry").objects.get(object_id="23").object_type == "innovation.product"
    tables = connection.introspection.table_names()
    assert "innovation_project" in tables
    assert "park_statistics_project" not in tables
