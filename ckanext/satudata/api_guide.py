"""The API guide page (/api-docs, Panduan API): how to search, read and publish
through the Action API, read DCAT and the reference codes.

The curl and Python (ckanapi) examples are built here with the portal's own
address and a dataset that exists, so a reader can copy them as they are; the
test suite runs exactly the text of the page against a live portal. Examples
that publish read the API token and the Instansi from the environment
(``CKAN_TOKEN``, ``CKAN_INSTANSI``), never from the page.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.satudata import reference
from ckanext.satudata.rdf import FREQUENCY, SATUDATA

PLACEHOLDER_DATASET = "nama-dataset"


def _example_dataset() -> dict[str, Any]:
    """A public dataset to show in the read examples (about population if any),
    and a search that finds it: ``{"name", "q", "cakupan", "tahun"}`` (the first
    example of the guide must answer with data, not 0 results)."""
    search = tk.get_action("package_search")
    for q in ("penduduk", ""):
        result = search({"user": "", "auth_user_obj": None}, {"q": q, "rows": 1,
                                                             "sort": "metadata_modified desc"})
        if result["results"]:
            found = result["results"][0]
            return {"name": found["name"], "q": q or "data", "cakupan": found.get("cakupan") or "64.08",
                    "tahun": found.get("tahun") or 2024, "any": not q}
    return {"name": PLACEHOLDER_DATASET, "q": "penduduk", "cakupan": "64.08.04", "tahun": 2024, "any": False}


_NEW_DATASET = {
    "title": "Contoh Jumlah Penduduk per Kecamatan",
    "notes": "Contoh dataset yang diterbitkan melalui Action API.",
    "sumber": "Sistem Informasi Administrasi Kependudukan (SIAK)",
    "maintainer": "Bidang Statistik",
    "maintainer_email": "statistik@kutaitimurkab.go.id",
    "frekuensi": "tahunan",
    "level_penyajian": "kecamatan",
    "tahun": 2024,
    "cakupan": "64.08.04",
    "rujukan": ["https://sirusa.bps.go.id/"],
}
_CSV = "kode_wilayah,kecamatan,jumlah\\n64.08.04,Sangatta Utara,120\\n"


def examples(site: str, dataset: str, found: Optional[dict[str, Any]] = None) -> dict[str, dict[str, str]]:
    """Every example of the page by id: ``{"language": "bash"|"python", "code"}``;
    the searches look for ``found`` (a public dataset's words, area and year)."""
    import json
    found = found or {"q": "penduduk", "cakupan": "64.08.04", "tahun": 2024, "any": False}
    q_line = "" if found.get("any") else f'  --data-urlencode "q={found["q"]}" \\\n'
    q_arg = "" if found.get("any") else f'q="{found["q"]}", '

    curl_dataset = json.dumps(dict(_NEW_DATASET, name="contoh-data-curl",
                                   owner_org="$CKAN_INSTANSI"),
                              ensure_ascii=False, indent=2)
    py_fields = ",\n    ".join(f"{k}={v!r}" for k, v in _NEW_DATASET.items())
    bash = {
        "search-curl": f'''curl -s -G "{site}/api/3/action/package_search" \\
{q_line}  --data-urlencode 'fq=cakupan:"{found["cakupan"]}" AND tahun:{found["tahun"]}' \\
  --data-urlencode "rows=5"''',
        "show-curl": f'curl -s "{site}/api/3/action/package_show?id={dataset}"',
        "codes-curl": f'curl -s "{site}/api/3/action/satudata_wilayah_list?q=sangatta"',
        "dcat-curl": f'''curl -s "{site}/catalog.ttl?page=1"
curl -s "{site}/dataset/{dataset}.jsonld"''',
        "cors-curl": (f'curl -s -i -H "Origin: https://contoh.go.id" '
                      f'"{site}/api/3/action/status_show"'),
        "create-curl": f'''cat > dataset.json <<EOF
{curl_dataset}
EOF
curl -s -X POST "{site}/api/3/action/package_create" \\
  -H "Authorization: $CKAN_TOKEN" -H "Content-Type: application/json" \\
  -d @dataset.json''',
        "upload-curl": f'''printf '{_CSV}' > data.csv
curl -s -X POST "{site}/api/3/action/resource_create" \\
  -H "Authorization: $CKAN_TOKEN" \\
  -F package_id=contoh-data-curl -F name="Data 2024" -F format=CSV -F upload=@data.csv''',
        "submit-curl": f'''curl -s -X POST "{site}/api/3/action/satudata_dataset_submit" \\
  -H "Authorization: $CKAN_TOKEN" -H "Content-Type: application/json" \\
  -d '{{"id": "contoh-data-curl", "note": "Mohon diverifikasi"}}\'''',
    }
    python = {
        "read-python": f'''from ckanapi import RemoteCKAN

portal = RemoteCKAN("{site}", user_agent="contoh-satudata/1.0")

result = portal.action.package_search({q_arg}fq='cakupan:"{found["cakupan"]}"', rows=5)
print(result["count"], "dataset")
for item in result["results"]:
    print(item["name"], item["tahun"], item["cakupan"], item["frekuensi"])

dataset = portal.action.package_show(id="{dataset}")
print(dataset["title"], "-", dataset["sumber"])
for resource in dataset["resources"]:
    print(resource["format"], resource["url"])''',
        "publish-python": f'''import os
from ckanapi import RemoteCKAN

portal = RemoteCKAN("{site}", apikey=os.environ["CKAN_TOKEN"],
                    user_agent="contoh-satudata/1.0")

dataset = portal.action.package_create(
    name="contoh-data-python",
    owner_org=os.environ["CKAN_INSTANSI"],
    {py_fields},
)

with open("data.csv", "w", encoding="utf-8") as f:
    f.write("{_CSV}")
with open("data.csv", "rb") as f:
    portal.action.resource_create(package_id=dataset["id"], name="Data 2024",
                                  format="CSV", upload=f)

submitted = portal.action.satudata_dataset_submit(id=dataset["id"], note="Mohon diverifikasi")
print(submitted["name"], submitted["approval_status"])''',
    }
    out = {k: {"language": "bash", "code": v} for k, v in bash.items()}
    out.update({k: {"language": "python", "code": v} for k, v in python.items()})
    return out


def page():
    """GET /api-docs: the guide, in the language of the page."""
    site = tk.config.get("ckan.site_url").rstrip("/")
    found = _example_dataset()
    dataset = found["name"]
    return tk.render("satudata/api_guide.html", {
        "site": site,
        "dataset": dataset,
        "examples": examples(site, dataset, found),
        "wilayah": [dict(w, label=reference.wilayah_name(w["code"]))
                    for w in reference.wilayah_list()],
        "tingkat": reference.tingkat_list(),
        "wilayah_source": reference.wilayah_source(),
        "wilayah_source_url": reference.wilayah_source_url(),
        "frequencies": [{"value": c["value"], "label": c["label"], "eu": FREQUENCY[c["value"]]}
                        for c in reference.choices("frekuensi")],
        "namespace": str(SATUDATA),
        "cors_all": tk.asbool(tk.config.get("ckan.cors.origin_allow_all")),
        "cors_whitelist": tk.config.get("ckan.cors.origin_whitelist") or [],
    })


def redirect() -> Any:
    return tk.redirect_to("satudata.api_docs")
