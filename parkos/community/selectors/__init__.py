"""Every non-trivial read of the community app.

`chargeable_bookings` and `ChargeLine` are the interface billing reads (INTERFACES.md: community →
billing); until billing exists, staff export the same lines as .xlsx from the bookings page.
"""

from parkos.community.selectors.bookings import ChargeLine, chargeable_bookings

__all__ = ["ChargeLine", "chargeable_bookings"]
