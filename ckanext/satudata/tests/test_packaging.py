"""The schemas, translations and templates travel with the package, not only
with this checkout."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import ckan.plugins.toolkit as tk

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def test_the_schemas_load_from_the_installed_package():
    schema = tk.h.scheming_get_dataset_schema("dataset")
    assert schema["about"].startswith("Metadata dataset Portal Satu Data Kutai Timur")
    assert tk.h.scheming_get_organization_schema("organization")["fields"]
    assert tk.h.scheming_get_group_schema("group")["fields"]


def test_a_built_wheel_carries_schemas_translations_and_templates(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
         ROOT], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("ckanext_satudata-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ("schemas/dataset.yaml", "schemas/organization.yaml", "schemas/group.yaml",
                 "schemas/presets.yaml", "schemas/kode_wilayah.yaml",
                 "i18n/id/LC_MESSAGES/ckanext-satudata.mo", "i18n/id/LC_MESSAGES/ckan.mo",
                 "i18n/en/LC_MESSAGES/ckan.mo", "config_declaration.yaml",
                 "templates/satudata/verifikasi/index.html", "public/satudata/logo.svg",
                 "assets/webassets.yml"):
        assert f"ckanext/satudata/{path}" in names, path
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "satudata = ckanext.satudata.plugin:SatudataPlugin" in entry_points
