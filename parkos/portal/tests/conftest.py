import pytest
from django.core.cache import cache

from parkos.portal import services


@pytest.fixture(autouse=True)
def _clear_cache():

    services._pending_views.clear()  # counts of another test's (rolled back) articles
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
