"""The Data API guide (/api-docs/datastore): its examples, as the page shows
them, run against the portal (``ckan run`` with a table loaded by the worker)
and give what the guide says."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ckan.tests import helpers

from ckanext.satudata.tests.live import LIVE_URL, live_site

pytestmark = live_site


@pytest.fixture
def tables(portal, make_dataset, loader):
    """A published table and one awaiting verification, loaded by the worker."""
    published = make_dataset("approved", title="Penduduk per kecamatan")
    waiting = make_dataset("pending")
    loader.run_worker()
    ids = [d["resources"][0]["id"] for d in (published, waiting)]
    for resource_id in ids:
        assert helpers.call_action("resource_show", {"ignore_auth": True}, id=resource_id)["datastore_active"]
    return ids


def _examples(page) -> dict[str, dict[str, str]]:
    return {section["id"]: {
        "title": section.find("h3").get_text(strip=True),
        "curl": section.select_one("code.satudata-example-curl").get_text(),
        "python": section.select_one("code.satudata-example-python").get_text(),
    } for section in page.select("section.satudata-dataapi-example")}


def _curl(command: str, cwd) -> str:
    done = subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, (command, done.stderr)
    return done.stdout


def _python(program: str, cwd) -> str:
    done = subprocess.run([sys.executable, "-c", program], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, (program, done.stderr)
    return done.stdout


def test_the_guide_explains_the_data_api_in_indonesian_with_a_real_table(tables, browser):
    page = browser().page("/api-docs/datastore")
    text = page.get_text(" ", strip=True)
    assert "API Data: baris-baris tabel data" in text
    assert "datastore_search_sql (kueri SQL) dinonaktifkan" in text
    assert f"(resource_id {tables[0]})" in text
    examples = _examples(page)
    assert list(examples) == ["search", "filters", "q", "fields_sort", "paging", "info", "dump", "token"]
    assert examples["search"]["title"] == "Baris-baris pertama sebuah tabel"
    assert f"{LIVE_URL}/api/3/action/datastore_search?resource_id={tables[0]}" in examples["search"]["curl"]
    # The unpublished table is never offered as the example.
    assert tables[1] not in page.decode()

    english = browser().page("/en/api-docs/datastore").get_text(" ", strip=True)
    assert "Data API: the rows of the tables" in english


def test_every_example_of_the_guide_runs_and_gives_what_it_promises(tables, browser, api, portal, tmp_path):
    examples = _examples(browser().page("/api-docs/datastore"))
    published, waiting = tables

    def both(key: str) -> tuple[str, str]:
        example = examples[key]
        return _curl(example["curl"], tmp_path), _python(example["python"], tmp_path)

    curl, python = both("search")
    result = json.loads(curl)["result"]
    assert result["total"] == 2 and {r["kecamatan"] for r in result["records"]} == {"Sangatta Utara",
                                                                                    "Sangatta Selatan"}
    assert python.startswith("2 rows; columns: ['_id', 'kode_wilayah', 'kecamatan', 'jumlah']")

    curl, python = both("filters")
    assert [r["kode_wilayah"] for r in json.loads(curl)["result"]["records"]] == ["64.08.04"]
    assert "'kecamatan': 'Sangatta Utara'" in python and "Sangatta Selatan" not in python

    curl, python = both("q")
    assert json.loads(curl)["result"]["total"] == 2 and "Sangatta Selatan" in python

    curl, python = both("fields_sort")
    records = json.loads(curl)["result"]["records"]
    assert records == [{"kecamatan": "Sangatta Utara"}, {"kecamatan": "Sangatta Selatan"}]
    assert python.strip() == "['Sangatta Utara', 'Sangatta Selatan']"

    curl, python = both("paging")
    assert json.loads(curl)["result"]["records"] == []
    assert python.strip() == "2 rows"

    curl, python = both("info")
    assert [f["id"] for f in json.loads(curl)["result"]["fields"]] == ["kode_wilayah", "kecamatan", "jumlah"]
    assert python.splitlines()[0] == "2 rows" and "kecamatan text" in python

    for kind in ("curl", "python"):
        (tmp_path / "tabel.csv").unlink(missing_ok=True)
        (_curl if kind == "curl" else _python)(examples["dump"][kind], tmp_path)
        lines = (tmp_path / "tabel.csv").read_text(encoding="utf-8-sig").splitlines()
        assert lines[0] == "_id,kode_wilayah,kecamatan,jumlah" and len(lines) == 3

    # The token example, on the table that awaits verification: with the
    # Produsen's token it answers; without a token it refuses.
    token_example = {kind: examples["token"][kind].replace(published, waiting) for kind in ("curl", "python")}
    assert json.loads(_curl(token_example["curl"].replace("TOKEN_API_ANDA", api.token(portal.editor)),
                            tmp_path))["result"]["records"]
    assert "Sangatta Utara" in _python(token_example["python"].replace("TOKEN_API_ANDA",
                                                                       api.token(portal.editor)), tmp_path)
    refused = json.loads(_curl(token_example["curl"].replace('-H "Authorization: TOKEN_API_ANDA" ', ""),
                               tmp_path))
    assert refused["success"] is False and "Sangatta" not in json.dumps(refused)
