"""Live servers for the interoperability tests: the portal itself on a real port,
and a second CKAN site (plain CKAN with DCAT and harvesting) that plays the
national portal. Both are started once per test session and stopped after."""
from __future__ import annotations

from types import SimpleNamespace

import ckanapi
import pytest

from ckanext.satudata.tests.e2e.interop import servers

PEER_PASSWORD = "Nasional#Uji2026"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"


@pytest.fixture(scope="session")
def live_portal():
    """The portal under test, served over HTTP at servers.PORTAL_PORT."""
    site = servers.portal().start()
    yield site
    site.stop()


def _seed_peer(site: servers.LiveCKAN, token: str) -> SimpleNamespace:
    remote = ckanapi.RemoteCKAN(site.url, apikey=token)
    org = remote.action.organization_create(name="kemenkes", title="Kementerian Kesehatan")
    puskesmas = remote.action.package_create(
        name="jumlah-puskesmas-kutai-timur", title="Jumlah Puskesmas di Kabupaten Kutai Timur",
        notes="Puskesmas rawat inap dan non rawat inap per kecamatan.", owner_org=org["id"],
        license_id="cc-by", maintainer="Pusat Data dan Informasi",
        maintainer_email="pusdatin@kemkes.go.id", tags=[{"name": "kesehatan"}, {"name": "puskesmas"}],
        extras=[{"key": "frequency", "value": FREQUENCY + "ANNUAL"},
                {"key": "temporal_start", "value": "2023-01-01"},
                {"key": "temporal_end", "value": "2023-12-31"},
                {"key": "spatial_text", "value": "Kabupaten Kutai Timur"}],
        resources=[{"name": "Puskesmas 2023", "format": "CSV",
                    "url": "https://data.kemkes.example.go.id/puskesmas-kutim-2023.csv"}])
    nakes = remote.action.package_create(
        name="tenaga-kesehatan-kalimantan-timur", title="Tenaga Kesehatan Kalimantan Timur",
        notes="Jumlah tenaga kesehatan menurut jenis.", owner_org=org["id"],
        author="Biro Data",
        resources=[{"name": "Nakes", "format": "XLSX",
                    "url": "https://data.kemkes.example.go.id/nakes.xlsx"}])
    internal = remote.action.package_create(
        name="data-internal-kemenkes", title="Data Internal Kemenkes", private=True,
        owner_org=org["id"], resources=[{"url": "https://data.kemkes.example.go.id/internal.csv"}])
    return SimpleNamespace(org=org, puskesmas=puskesmas, nakes=nakes, internal=internal)


@pytest.fixture(scope="session")
def peer():
    """The second CKAN site with a sysadmin token (``peer.api``) and its data
    (``peer.data``): two public datasets without the Kutai Timur fields and a
    private one."""
    site = servers.peer()
    token = servers.token_for_new_sysadmin(site, "admin-nasional", PEER_PASSWORD)
    site.start()
    try:
        site.api = ckanapi.RemoteCKAN(site.url, apikey=token)
        site.anonymous = ckanapi.RemoteCKAN(site.url)
        site.data = _seed_peer(site, token)
        yield site
    finally:
        site.stop()


@pytest.fixture(autouse=True)
def _empty_harvest_queues(with_plugins):
    """ckanext-harvest's Redis queues start empty in every test (CKAN's own
    clean_queues fixture knows only its jobs queues)."""
    from ckanext.harvest import queue
    queue.purge_queues()
    yield
