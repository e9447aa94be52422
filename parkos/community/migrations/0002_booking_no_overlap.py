"""No double booking in the database itself: two active bookings of one resource never overlap.

PostgreSQL: an exclusion constraint over (resource, [starts_at, ends_at)) for pending and confirmed
bookings, on btree_gist (a trusted extension, so the database owner may create it). SQLite has no
exclusion constraints: triggers before insert and update refuse the same rows. SQLite stores aware
datetimes as UTC text in one format, so comparing the text compares the instants. Both raise an
integrity error naming `booking_no_overlap`, which `services.bookings` turns into a clear message.
"""

from django.db import migrations

from parkos.core.migration_operations import VendorSQL

ACTIVE = "('pending', 'confirmed')"
_SQLITE_CLASH = (
    "SELECT RAISE(ABORT, 'booking_no_overlap') WHERE EXISTS (SELECT 1 FROM community_booking b"
    f" WHERE b.resource_id = NEW.resource_id AND b.status IN {ACTIVE}"
    " AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at{extra});"
)


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [
        VendorSQL(
            description="Booking time ranges of one resource never overlap",
            forwards={
                "postgresql": [
                    "CREATE EXTENSION IF NOT EXISTS btree_gist",
                    "ALTER TABLE community_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist"
                    " (resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)"
                    f" WHERE (status IN {ACTIVE})",
                ],
                "sqlite": [
                    "CREATE TRIGGER booking_no_overlap_insert BEFORE INSERT ON community_booking"
                    f" FOR EACH ROW WHEN NEW.status IN {ACTIVE} BEGIN "
                    + _SQLITE_CLASH.replace("{extra}", "")
                    + " END",
                    "CREATE TRIGGER booking_no_overlap_update"
                    " BEFORE UPDATE OF resource_id, starts_at, ends_at, status ON community_booking"
                    f" FOR EACH ROW WHEN NEW.status IN {ACTIVE} BEGIN "
                    + _SQLITE_CLASH.replace("{extra}", " AND b.id <> NEW.id")
                    + " END",
                ],
            },
            backwards={
                "postgresql": ["ALTER TABLE community_booking DROP CONSTRAINT booking_no_overlap"],
                "sqlite": [
                    "DROP TRIGGER IF EXISTS booking_no_overlap_insert",
                    "DROP TRIGGER IF EXISTS booking_no_overlap_update",
                ],
            },
        )
    ]
