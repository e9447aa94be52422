"""Government forms officers hand in, filled from ParkOS: B204-1 (`b204`, the rules; `exports`, the files)."""
