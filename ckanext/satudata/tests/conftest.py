"""Every test runs with the portal's plugins (test.ini) on the real services."""
import pytest

import ckan.plugins.toolkit as tk

# Plugins of test.ini whose tables come from their own alembic migrations.
_MIGRATED_PLUGINS = ("activity", "tracking", "satudata")


@pytest.fixture(autouse=True)
def _satudata_plugins(with_plugins):
    """Load the plugins of test.ini for every test (CKAN unloads them between tests)."""
    yield


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """Core's clean_db plus the migrations of the plugins that have tables."""
    reset_db()
    enabled = tk.config.get("ckan.plugins")
    for plugin in _MIGRATED_PLUGINS:
        if plugin in enabled and _has_migrations(plugin):
            migrate_db_for(plugin)


def _has_migrations(plugin):
    import os
    from ckan.plugins import get_plugin
    root = os.path.dirname(__import__(type(get_plugin(plugin)).__module__, fromlist=["x"]).__file__)
    return os.path.isdir(os.path.join(root, "migration", plugin))
