"""The site's settings (/ckan-admin/config) reach every worker at once, though
workers no longer ask PostgreSQL for them on every request (site_config.py)."""
from __future__ import annotations

import re

import pytest
import requests

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata import site_config


def _title(url: str) -> str:
    page = requests.get(f"{url}/dataset/", timeout=30)
    assert page.ok
    return re.search(r"<title>(.*?)</title>", page.text, re.S).group(1)


@pytest.mark.usefixtures("clean_db")
def test_a_new_site_title_is_served_by_another_worker_on_its_next_request(live_portal):
    sysadmin = factories.Sysadmin()
    original = tk.config.get("ckan.site_title")
    # The other worker (the live server) has served a page: it holds the settings and their stamp.
    assert original in _title(live_portal.url)
    helpers.call_action("config_option_update", {"user": sysadmin["name"]},
                        **{"ckan.site_title": "Satu Data Uji Judul"})
    try:
        assert "Satu Data Uji Judul" in _title(live_portal.url)
        # Redis flushed or expired: the stamp is read from the database again, nothing is lost.
        from ckan.lib.redis import connect_to_redis
        connect_to_redis().delete(f"{tk.config.get('ckan.site_id')}:satudata:cache:site-config-stamp")
        assert "Satu Data Uji Judul" in _title(live_portal.url)
    finally:
        helpers.call_action("config_option_update", {"user": sysadmin["name"]}, **{"ckan.site_title": original})
    assert "Satu Data Uji Judul" not in _title(live_portal.url)


@pytest.mark.usefixtures("clean_db")
def test_the_stamp_in_redis_is_the_one_in_the_database():
    from ckan import model
    assert site_config.current_stamp() == model.get_system_info(site_config.STAMP)
    sysadmin = factories.Sysadmin()
    helpers.call_action("config_option_update", {"user": sysadmin["name"]}, **{"ckan.site_description": "Uji"})
    stamp = site_config.current_stamp()
    assert stamp is not None and stamp == model.get_system_info(site_config.STAMP)
