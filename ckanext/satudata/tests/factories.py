"""Factories for datasets that satisfy the Kutai Timur schema."""
from __future__ import annotations

import factory
from ckan.tests import factories


class Dataset(factories.Dataset):
    """A complete dataset of the Kutai Timur schema (owner_org must be given)."""

    notes = factory.LazyFunction(lambda: factories.fake.text(max_nb_chars=120))
    sumber = "Sistem Informasi Administrasi Kependudukan"
    maintainer = "Bidang Statistik"
    maintainer_email = "statistik@kutaitimurkab.go.id"
    frekuensi = "tahunan"
    level_penyajian = "kecamatan"
    tahun = 2024
    cakupan = "64.08"
    license_id = "cc-by"


def complete_dataset(owner_org: str, **kwargs) -> dict:
    """The fields of a complete dataset, for posting to the API yourself."""
    data = {
        "name": kwargs.pop("name", factories._name("dataset")),
        "title": "Jumlah Penduduk per Kecamatan",
        "notes": "Penduduk menurut jenis kelamin di setiap kecamatan.",
        "owner_org": owner_org,
        "sumber": "SIAK",
        "maintainer": "Bidang Statistik",
        "maintainer_email": "statistik@kutaitimurkab.go.id",
        "frekuensi": "tahunan",
        "level_penyajian": "kecamatan",
        "tahun": 2024,
        "cakupan": "64.08",
    }
    data.update(kwargs)
    return data
