"""ParkOS — the operating platform of an industrial-park operator."""
