"""Demo data of the Portal Satu Data Kutai Timur (``ckan satudata seed-demo``).

Instansi, Tematik, users and datasets with generated, real-looking CSV files,
all created through the Action API so the database, the file store and the
Solr index agree. Figures are invented (seeded random numbers around plausible
magnitudes) and the dataset descriptions say so.
"""
from __future__ import annotations

import csv
import io
import logging
import random
from typing import Any, Callable, Iterable

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.satudata import reference

log = logging.getLogger(__name__)

DEMO_FLAG = "ckanext.satudata.demo_loaded"
DEMO_NOTE = "Data contoh (demo) portal; angka dibangkitkan, bukan data resmi."

ORGANIZATIONS = [
    dict(name="diskominfo", title="Dinas Komunikasi, Informatika, Statistik dan Persandian",
         description="Walidata Kabupaten Kutai Timur: pembina portal Satu Data, statistik sektoral dan persandian.",
         alamat="Kawasan Perkantoran Bukit Pelangi, Sangatta", telepon="(0549) 21000",
         email="diskominfo@kutaitimurkab.go.id", website="https://diskominfo.kutaitimurkab.go.id"),
    dict(name="dinkes", title="Dinas Kesehatan",
         description="Urusan kesehatan: fasilitas, tenaga, program dan layanan kesehatan masyarakat.",
         alamat="Jl. Soekarno-Hatta, Sangatta Utara", telepon="(0549) 21201",
         email="dinkes@kutaitimurkab.go.id", website="https://dinkes.kutaitimurkab.go.id"),
    dict(name="disdikbud", title="Dinas Pendidikan dan Kebudayaan",
         description="Urusan pendidikan dasar dan kebudayaan daerah.",
         alamat="Kawasan Perkantoran Bukit Pelangi, Sangatta", telepon="(0549) 21302",
         email="disdikbud@kutaitimurkab.go.id", website="https://disdikbud.kutaitimurkab.go.id"),
    dict(name="bappeda", title="Badan Perencanaan Pembangunan Daerah",
         description="Perencanaan pembangunan, penelitian dan pengembangan daerah.",
         alamat="Kawasan Perkantoran Bukit Pelangi, Sangatta", telepon="(0549) 21403",
         email="bappeda@kutaitimurkab.go.id", website="https://bappeda.kutaitimurkab.go.id"),
    dict(name="disdukcapil", title="Dinas Kependudukan dan Pencatatan Sipil",
         description="Administrasi kependudukan: penduduk, kartu keluarga, akta dan KTP elektronik.",
         alamat="Jl. Jenderal Sudirman, Sangatta Utara", telepon="(0549) 21504",
         email="disdukcapil@kutaitimurkab.go.id", website="https://disdukcapil.kutaitimurkab.go.id"),
    dict(name="distan", title="Dinas Pertanian",
         description="Tanaman pangan, hortikultura, perkebunan dan peternakan.",
         alamat="Jl. Poros Sangatta-Bengalon, Sangatta", telepon="(0549) 21605",
         email="distan@kutaitimurkab.go.id", website="https://distan.kutaitimurkab.go.id"),
    dict(name="bps", title="Badan Pusat Statistik Kabupaten Kutai Timur",
         description="Pembina Data statistik Satu Data Indonesia di Kabupaten Kutai Timur.",
         alamat="Jl. Pendidikan, Sangatta Utara", telepon="(0549) 21706",
         email="bps6408@bps.go.id", website="https://kutimkab.bps.go.id"),
]

GROUPS = [
    dict(name="kesehatan", title="Kesehatan", description="Fasilitas, tenaga dan derajat kesehatan masyarakat."),
    dict(name="pendidikan", title="Pendidikan", description="Sekolah, guru, murid dan partisipasi pendidikan."),
    dict(name="ekonomi", title="Ekonomi", description="Pertumbuhan ekonomi, harga, pertanian dan keuangan daerah."),
    dict(name="kependudukan", title="Kependudukan", description="Jumlah, sebaran dan dokumen kependudukan."),
    dict(name="infrastruktur", title="Infrastruktur", description="Jaringan, jalan, telekomunikasi dan sarana umum."),
    dict(name="pemerintahan", title="Pemerintahan", description="Perencanaan, anggaran, kinerja dan layanan pemerintah."),
]

# user name -> (full name, organization, capacity)
USERS = {
    "walidata": ("Walidata Diskominfo Staper", "diskominfo", "editor"),
    "pembina": ("Pembina Data BPS", "bps", "editor"),
    "operator-dinkes": ("Operator Dinas Kesehatan", "dinkes", "editor"),
    "operator-disdikbud": ("Operator Dinas Pendidikan dan Kebudayaan", "disdikbud", "editor"),
    "operator-bappeda": ("Operator Bappeda", "bappeda", "editor"),
    "operator-disdukcapil": ("Operator Disdukcapil", "disdukcapil", "editor"),
    "operator-distan": ("Operator Dinas Pertanian", "distan", "editor"),
}

BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember"]

# Rough population weight of each kecamatan (Sangatta Utara is the largest).
_WEIGHT = {"64.08.04": 6.0, "64.08.12": 2.3, "64.08.09": 1.9, "64.08.02": 1.6, "64.08.05": 1.5,
           "64.08.14": 1.2, "64.08.13": 1.2, "64.08.10": 0.9, "64.08.01": 1.0, "64.08.08": 1.0}


def _kecamatan() -> list[dict[str, str]]:
    return [w for w in reference.wilayah_list() if w["level"] == "kecamatan"]


def _per_kecamatan(rng: random.Random, columns: list[tuple[str, int, int]],
                   derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None):
    header = ["kode_wilayah", "kecamatan"] + [c[0] for c in columns]
    rows = []
    for w in _kecamatan():
        weight = _WEIGHT.get(w["code"], 0.7)
        row: dict[str, Any] = {"kode_wilayah": w["code"], "kecamatan": w["name"]}
        for name, low, high in columns:
            row[name] = max(0, round(rng.randint(low, high) * weight))
        if derive:
            row.update(derive(row))
        rows.append(row)
    if derive:
        header += [k for k in rows[0] if k not in header]
    return header, rows


def _per_bulan(rng: random.Random, columns: list[tuple[str, float, float]], decimals: int = 0):
    header = ["bulan"] + [c[0] for c in columns]
    rows = []
    for bulan in BULAN:
        row: dict[str, Any] = {"bulan": bulan}
        for name, low, high in columns:
            value = rng.uniform(low, high)
            row[name] = round(value, decimals) if decimals else int(value)
        rows.append(row)
    return header, rows


def _pct(num: str, den: str, out: str):
    return lambda r: {out: round(100.0 * r[num] / r[den], 2) if r[den] else 0}


def _sum(out: str, *cols: str):
    return lambda r: {out: sum(r[c] for c in cols)}


def _table(header: list[str], rows: Iterable[list[Any]]):
    return header, [dict(zip(header, r)) for r in rows]


def _macro(rng: random.Random):
    rows = []
    for i, year in enumerate(range(2019, 2024)):
        rows.append([year, round(rng.uniform(-2.5, 6.5) if year == 2020 else rng.uniform(3.0, 7.5), 2),
                     round(72.0 + i * 0.55 + rng.uniform(0, 0.2), 2), round(9.5 - i * 0.3, 2),
                     round(rng.uniform(3.5, 5.5), 2)])
    return _table(["tahun", "pertumbuhan_ekonomi_persen", "ipm", "persentase_penduduk_miskin",
                   "tingkat_pengangguran_terbuka"], rows)


def _ipm(rng: random.Random):
    rows = []
    for i, year in enumerate(range(2010, 2024)):
        rows.append([year, round(68.2 + i * 0.42, 2), round(71.0 + i * 0.09, 2), round(12.1 + i * 0.06, 2),
                     round(8.1 + i * 0.05, 2), 10100 + i * 130])
    return _table(["tahun", "ipm", "umur_harapan_hidup", "harapan_lama_sekolah", "rata_rata_lama_sekolah",
                   "pengeluaran_per_kapita_ribu"], rows)


def _umur(rng: random.Random):
    rows = []
    for i, low in enumerate(range(0, 75, 5)):
        label = f"{low}-{low + 4}"
        base = 24000 - i * 1200 + rng.randint(-800, 800)
        rows.append([label, base, base - rng.randint(500, 1800)])
    rows.append(["75+", 2100, 2600])
    return _table(["kelompok_umur", "laki_laki", "perempuan", "jumlah"], [r + [r[1] + r[2]] for r in rows])


def _apbd(rng: random.Random):
    urusan = ["Pendidikan", "Kesehatan", "Pekerjaan Umum dan Penataan Ruang", "Perumahan dan Kawasan Permukiman",
              "Sosial", "Pertanian", "Perhubungan", "Komunikasi dan Informatika", "Administrasi Pemerintahan"]
    rows = []
    for u in urusan:
        pagu = rng.randint(40, 900) * 1_000_000_000
        rows.append([u, pagu, int(pagu * rng.uniform(0.78, 0.97))])
    return _table(["urusan", "pagu_rupiah", "realisasi_rupiah", "persentase_realisasi"],
                  [r + [round(100.0 * r[2] / r[1], 2)] for r in rows])


def _aplikasi(rng: random.Random):
    return _table(["nama_aplikasi", "instansi", "jenis_layanan", "alamat"], [
        ["Portal Satu Data Kutai Timur", "Diskominfo Staper", "Data terbuka", "https://data.kutaitimurkab.go.id"],
        ["SIAK Terpusat", "Disdukcapil", "Administrasi kependudukan", "-"],
        ["e-Puskesmas", "Dinas Kesehatan", "Rekam medis puskesmas", "-"],
        ["Dapodik", "Disdikbud", "Data pokok pendidikan", "https://dapo.kemdikbud.go.id"],
        ["SIPD", "Bappeda", "Perencanaan dan keuangan daerah", "https://sipd.kemendagri.go.id"],
        ["LAPOR! Kutim", "Diskominfo Staper", "Pengaduan masyarakat", "https://www.lapor.go.id"],
        ["JDIH Kutai Timur", "Bagian Hukum", "Dokumentasi hukum", "https://jdih.kutaitimurkab.go.id"],
    ])


def _cagar(rng: random.Random):
    return _table(["nama", "jenis", "kecamatan", "status"], [
        ["Makam Raja Kutai di Sangkulirang", "Situs", "Sangkulirang", "Terdaftar"],
        ["Gua Tewet (lukisan cadas Sangkulirang-Mangkalihat)", "Situs", "Karangan", "Diusulkan warisan dunia"],
        ["Gua Mardua", "Situs", "Sangkulirang", "Terdaftar"],
        ["Rumah Adat Lamin Dayak Kenyah", "Bangunan", "Muara Wahau", "Terdaftar"],
        ["Masjid Tua Sangkulirang", "Bangunan", "Sangkulirang", "Diusulkan"],
    ])


def _kinerja(rng: random.Random):
    rows = []
    for indikator, satuan, target in [
        ("Indeks Pembangunan Manusia", "indeks", 74.5), ("Pertumbuhan ekonomi", "persen", 5.0),
        ("Persentase penduduk miskin", "persen", 8.5), ("Indeks SPBE", "indeks", 3.2),
        ("Angka harapan lama sekolah", "tahun", 13.1), ("Prevalensi stunting", "persen", 14.0)]:
        rows.append([indikator, satuan, target, round(target * rng.uniform(0.93, 1.06), 2)])
    return _table(["indikator", "satuan", "target_2024", "realisasi_2024"], rows)


def _aps(rng: random.Random):
    return _table(["kelompok_umur", "aps_laki_laki", "aps_perempuan"], [
        ["7-12", 99.1, 99.4], ["13-15", 94.2, 95.8], ["16-18", 72.5, 75.1], ["19-24", 21.3, 24.9]])


def _dataset_specs():
    # name, title, org, groups, tags, description, frekuensi, level, tahun, cakupan,
    # sumber, maintainer, table(rng) -> (header, rows)
    K = _per_kecamatan
    return [
        ("jumlah-fasilitas-kesehatan-per-kecamatan-2024", "Jumlah Fasilitas Kesehatan per Kecamatan 2024",
         "dinkes", ["kesehatan"], ["fasilitas kesehatan", "puskesmas", "rumah sakit"],
         "Jumlah puskesmas, puskesmas pembantu, klinik dan rumah sakit di setiap kecamatan.",
         "tahunan", "kecamatan", 2024, "64.08", "Profil Kesehatan Dinas Kesehatan", "Seksi Data dan Informasi Kesehatan",
         lambda r: K(r, [("puskesmas", 1, 2), ("puskesmas_pembantu", 2, 8), ("klinik", 0, 4), ("rumah_sakit", 0, 1)])),
        ("cakupan-imunisasi-dasar-lengkap-2023", "Cakupan Imunisasi Dasar Lengkap 2023",
         "dinkes", ["kesehatan"], ["imunisasi", "bayi"],
         "Sasaran bayi dan bayi yang mendapat imunisasi dasar lengkap per kecamatan.",
         "tahunan", "kecamatan", 2023, "64.08", "Laporan Program Imunisasi Puskesmas", "Bidang Pencegahan dan Pengendalian Penyakit",
         lambda r: K(r, [("sasaran_bayi", 300, 420), ("imunisasi_lengkap", 250, 400)],
                     _pct("imunisasi_lengkap", "sasaran_bayi", "persentase"))),
        ("prevalensi-stunting-balita-2024", "Prevalensi Stunting Balita per Kecamatan 2024",
         "dinkes", ["kesehatan"], ["stunting", "gizi", "balita"],
         "Balita yang diukur, balita pendek (stunting) dan prevalensinya menurut kecamatan, hasil penimbangan serentak.",
         "semesteran", "kecamatan", 2024, "64.08", "Elektronik Pencatatan dan Pelaporan Gizi Berbasis Masyarakat (e-PPGBM)",
         "Seksi Kesehatan Keluarga dan Gizi",
         lambda r: K(r, [("balita_diukur", 1200, 1800), ("balita_stunting", 120, 320)],
                     _pct("balita_stunting", "balita_diukur", "prevalensi_persen"))),
        ("jumlah-tenaga-kesehatan-2024", "Jumlah Tenaga Kesehatan menurut Jenis 2024",
         "dinkes", ["kesehatan"], ["tenaga kesehatan", "dokter", "bidan"],
         "Dokter umum, dokter gigi, perawat dan bidan yang bertugas di setiap kecamatan.",
         "tahunan", "kecamatan", 2024, "64.08", "Sistem Informasi SDM Kesehatan", "Seksi Sumber Daya Kesehatan",
         lambda r: K(r, [("dokter_umum", 2, 6), ("dokter_gigi", 0, 2), ("perawat", 10, 30), ("bidan", 8, 25)])),
        ("kunjungan-rawat-jalan-puskesmas-2024", "Kunjungan Rawat Jalan Puskesmas per Bulan 2024",
         "dinkes", ["kesehatan"], ["puskesmas", "rawat jalan", "kunjungan"],
         "Jumlah kunjungan rawat jalan di seluruh puskesmas setiap bulan.",
         "bulanan", "kabupaten", 2024, "64.08", "Aplikasi e-Puskesmas", "Seksi Data dan Informasi Kesehatan",
         lambda r: _per_bulan(r, [("kunjungan_baru", 9000, 14000), ("kunjungan_lama", 15000, 22000)])),
        ("jumlah-sekolah-menurut-jenjang-2024", "Jumlah Sekolah menurut Jenjang dan Kecamatan 2024",
         "disdikbud", ["pendidikan"], ["sekolah", "SD", "SMP"],
         "Jumlah satuan pendidikan TK, SD dan SMP negeri dan swasta di setiap kecamatan.",
         "tahunan", "kecamatan", 2024, "64.08", "Data Pokok Pendidikan (Dapodik)", "Subbagian Program dan Data",
         lambda r: K(r, [("tk", 4, 12), ("sd", 8, 20), ("smp", 2, 7)], _sum("jumlah", "tk", "sd", "smp"))),
        ("jumlah-guru-menurut-jenjang-2024", "Jumlah Guru menurut Jenjang 2024",
         "disdikbud", ["pendidikan"], ["guru", "pendidik"],
         "Guru TK, SD dan SMP menurut kecamatan tempat mengajar.",
         "tahunan", "kecamatan", 2024, "64.08", "Data Pokok Pendidikan (Dapodik)", "Subbagian Program dan Data",
         lambda r: K(r, [("guru_tk", 15, 50), ("guru_sd", 90, 220), ("guru_smp", 30, 90)])),
        ("angka-partisipasi-sekolah-2023", "Angka Partisipasi Sekolah menurut Kelompok Umur 2023",
         "disdikbud", ["pendidikan"], ["APS", "partisipasi sekolah"],
         "Persentase penduduk yang bersekolah menurut kelompok umur dan jenis kelamin.",
         "tahunan", "kabupaten", 2023, "64.08", "Survei Sosial Ekonomi Nasional (Susenas)", "Subbagian Program dan Data", _aps),
        ("daftar-cagar-budaya-2024", "Daftar Cagar Budaya dan Situs 2024",
         "disdikbud", ["pendidikan", "pemerintahan"], ["cagar budaya", "situs", "kebudayaan"],
         "Benda, bangunan dan situs cagar budaya yang terdaftar atau diusulkan.",
         "tidak-tentu", "individu", 2024, "64.08", "Register Cagar Budaya Daerah", "Bidang Kebudayaan", _cagar),
        ("indikator-makro-pembangunan-2019-2023", "Indikator Makro Pembangunan 2019-2023",
         "bappeda", ["ekonomi", "pemerintahan"], ["indikator makro", "IPM", "kemiskinan"],
         "Pertumbuhan ekonomi, IPM, persentase penduduk miskin dan tingkat pengangguran terbuka lima tahun terakhir.",
         "tahunan", "kabupaten", 2023, "64.08", "Badan Pusat Statistik Kabupaten Kutai Timur", "Bidang Perencanaan dan Pengendalian",
         _macro),
        ("realisasi-apbd-menurut-urusan-2023", "Realisasi APBD menurut Urusan 2023",
         "bappeda", ["pemerintahan", "ekonomi"], ["APBD", "anggaran", "keuangan daerah"],
         "Pagu dan realisasi belanja daerah menurut urusan pemerintahan.",
         "tahunan", "instansi", 2023, "64.08", "Sistem Informasi Pemerintahan Daerah (SIPD)", "Bidang Perencanaan dan Pengendalian",
         _apbd),
        ("capaian-indikator-kinerja-rpjmd-2024", "Capaian Indikator Kinerja Utama RPJMD 2024",
         "bappeda", ["pemerintahan"], ["RPJMD", "kinerja"],
         "Target dan realisasi indikator kinerja utama daerah.",
         "tahunan", "kabupaten", 2024, "64.08", "Laporan Kinerja Instansi Pemerintah", "Bidang Perencanaan dan Pengendalian",
         _kinerja),
        ("jumlah-penduduk-per-kecamatan-2024", "Jumlah Penduduk per Kecamatan 2024",
         "disdukcapil", ["kependudukan"], ["penduduk", "kecamatan", "jenis kelamin"],
         "Penduduk menurut jenis kelamin di setiap kecamatan, hasil konsolidasi data kependudukan semester I.",
         "semesteran", "kecamatan", 2024, "64.08", "Sistem Informasi Administrasi Kependudukan (SIAK)", "Bidang Pengelolaan Informasi Administrasi Kependudukan",
         lambda r: K(r, [("laki_laki", 5500, 9000), ("perempuan", 5000, 8500)], _sum("jumlah", "laki_laki", "perempuan"))),
        ("penduduk-menurut-kelompok-umur-2024", "Penduduk menurut Kelompok Umur dan Jenis Kelamin 2024",
         "disdukcapil", ["kependudukan"], ["penduduk", "kelompok umur"],
         "Jumlah penduduk menurut kelompok umur lima tahunan dan jenis kelamin.",
         "semesteran", "kabupaten", 2024, "64.08", "Sistem Informasi Administrasi Kependudukan (SIAK)", "Bidang Pengelolaan Informasi Administrasi Kependudukan",
         _umur),
        ("kepemilikan-akta-kelahiran-anak-2024", "Kepemilikan Akta Kelahiran Anak 0-18 Tahun 2024",
         "disdukcapil", ["kependudukan"], ["akta kelahiran", "anak"],
         "Jumlah anak usia 0-18 tahun dan yang telah memiliki akta kelahiran per kecamatan.",
         "semesteran", "kecamatan", 2024, "64.08", "Sistem Informasi Administrasi Kependudukan (SIAK)", "Bidang Pelayanan Pencatatan Sipil",
         lambda r: K(r, [("anak_0_18", 3000, 5200), ("memiliki_akta", 2700, 5000)],
                     _pct("memiliki_akta", "anak_0_18", "persentase"))),
        ("jumlah-kartu-keluarga-per-kecamatan-2024", "Jumlah Kartu Keluarga per Kecamatan 2024",
         "disdukcapil", ["kependudukan"], ["kartu keluarga", "KK"],
         "Jumlah kartu keluarga yang diterbitkan dan aktif di setiap kecamatan.",
         "semesteran", "kecamatan", 2024, "64.08", "Sistem Informasi Administrasi Kependudukan (SIAK)", "Bidang Pelayanan Pendaftaran Penduduk",
         lambda r: K(r, [("kartu_keluarga", 3500, 6000)])),
        ("titik-akses-internet-publik-2024", "Titik Akses Internet Publik dan Menara BTS 2024",
         "diskominfo", ["infrastruktur"], ["internet", "wifi publik", "BTS"],
         "Titik Wi-Fi publik pemerintah dan menara BTS seluler di setiap kecamatan.",
         "tahunan", "kecamatan", 2024, "64.08", "Inventaris Jaringan Diskominfo Staper", "Bidang Teknologi Informasi dan Komunikasi",
         lambda r: K(r, [("wifi_publik", 1, 8), ("menara_bts", 2, 12)])),
        ("daftar-aplikasi-layanan-publik-2024", "Daftar Aplikasi Layanan Publik Pemerintah Kabupaten 2024",
         "diskominfo", ["pemerintahan", "infrastruktur"], ["SPBE", "aplikasi", "layanan publik"],
         "Aplikasi layanan publik yang digunakan perangkat daerah beserta alamatnya.",
         "tidak-tentu", "instansi", 2024, "64.08", "Katalog Aplikasi SPBE Kabupaten", "Bidang Aplikasi Informatika", _aplikasi),
        ("pengunjung-portal-satu-data-2024", "Statistik Pengunjung Portal Satu Data per Bulan 2024",
         "diskominfo", ["pemerintahan"], ["portal", "pengunjung", "data terbuka"],
         "Jumlah kunjungan dan unduhan di Portal Satu Data Kutai Timur setiap bulan.",
         "bulanan", "kabupaten", 2024, "64.08", "Log server Portal Satu Data", "Bidang Statistik",
         lambda r: _per_bulan(r, [("kunjungan", 2500, 7000), ("unduhan", 400, 1600)])),
        ("produksi-padi-per-kecamatan-2023", "Luas Panen dan Produksi Padi per Kecamatan 2023",
         "distan", ["ekonomi"], ["padi", "pertanian", "produksi"],
         "Luas panen (ha), produksi (ton gabah kering giling) dan produktivitas padi sawah dan ladang.",
         "tahunan", "kecamatan", 2023, "64.08", "Statistik Pertanian (SP) Dinas Pertanian", "Bidang Tanaman Pangan",
         lambda r: K(r, [("luas_panen_ha", 80, 900), ("produksi_ton", 300, 4200)],
                     lambda row: {"produktivitas_ton_per_ha": round(row["produksi_ton"] / row["luas_panen_ha"], 2)
                                  if row["luas_panen_ha"] else 0})),
        ("populasi-ternak-per-kecamatan-2023", "Populasi Ternak per Kecamatan 2023",
         "distan", ["ekonomi"], ["ternak", "peternakan", "sapi"],
         "Populasi sapi potong, kambing dan ayam buras menurut kecamatan.",
         "tahunan", "kecamatan", 2023, "64.08", "Sensus dan Laporan Peternakan Dinas Pertanian", "Bidang Peternakan",
         lambda r: K(r, [("sapi_potong", 300, 2200), ("kambing", 200, 1500), ("ayam_buras", 5000, 30000)])),
        ("harga-komoditas-pangan-2024", "Rata-rata Harga Komoditas Pangan per Bulan 2024",
         "distan", ["ekonomi"], ["harga", "pangan", "inflasi"],
         "Rata-rata harga eceran beras, cabai rawit, bawang merah dan telur ayam di pasar Sangatta (rupiah/kg).",
         "bulanan", "kecamatan", 2024, "64.08.04", "Survei Harga Pasar Induk Sangatta", "Bidang Ketahanan Pangan",
         lambda r: _per_bulan(r, [("beras", 13500, 15500), ("cabai_rawit", 40000, 95000),
                                  ("bawang_merah", 32000, 60000), ("telur_ayam", 26000, 31000)])),
        ("indeks-pembangunan-manusia-2010-2023", "Indeks Pembangunan Manusia (IPM) 2010-2023",
         "bps", ["ekonomi", "pemerintahan"], ["IPM", "pembangunan manusia"],
         "IPM dan komponennya: umur harapan hidup, harapan lama sekolah, rata-rata lama sekolah dan pengeluaran per kapita.",
         "tahunan", "kabupaten", 2023, "64.08", "Badan Pusat Statistik", "Fungsi Integrasi Pengolahan dan Diseminasi Statistik",
         _ipm),
    ]


# Where each demo dataset stands in the approval workflow (default: approved).
_STATUS = {
    "kunjungan-rawat-jalan-puskesmas-2024": "pending",
    "capaian-indikator-kinerja-rpjmd-2024": "rejected",
    "daftar-cagar-budaya-2024": "draft",
    "prevalensi-stunting-balita-2024": "pembina_review",
}
_PRIORITAS = {"prevalensi-stunting-balita-2024", "jumlah-penduduk-per-kecamatan-2024",
              "indeks-pembangunan-manusia-2010-2023"}
_PRIVATE = {"realisasi-apbd-menurut-urusan-2023"}
_REJECT_NOTE = ("Kolom realisasi_2024 belum final; lengkapi dengan angka LKjIP yang sudah "
                "ditandatangani dan perbarui deskripsi.")


def _producer_for(org: str) -> str:
    for name, (_, user_org, _) in USERS.items():
        if user_org == org:
            return name
    raise KeyError(org)


def _walk_workflow(name: str, producer: str, echo: Callable[[str], None]) -> None:
    status = _STATUS.get(name, "approved")
    if status == "draft":
        return
    tk.get_action("satudata_dataset_submit")({"user": producer}, {"id": name})
    if status == "pending":
        return
    if status == "rejected":
        tk.get_action("satudata_dataset_reject")({"user": "walidata"}, {"id": name, "note": _REJECT_NOTE})
        return
    tk.get_action("satudata_dataset_approve")(
        {"user": "walidata"}, {"id": name, "note": "Metadata dan berkas sudah sesuai."})
    if name in _PRIORITAS and status != "pembina_review":
        tk.get_action("satudata_dataset_approve")(
            {"user": "pembina"}, {"id": name, "note": "Sesuai standar data statistik."})


def _indonesian(value: Any, column: str) -> Any:
    """A number as an operator's Excel writes it: 125.430 and 2.608,9 (years plain)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or column == "tahun":
        return value
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return f"{value:,}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _csv_bytes(header: list[str], rows: list[dict[str, Any]]) -> bytes:
    """The demo files are written the way Indonesian offices save CSV from
    Excel: semicolons, dots for thousands, commas for decimals."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=";", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _indonesian(v, k) for k, v in row.items()})
    return out.getvalue().encode("utf-8")


def _chart(header: list[str], rows: list[dict[str, Any]]) -> str:
    """The chart a Produsen would choose: numbers by kecamatan (bars) or by year (line)."""
    import json
    numbers = [c for c in header if c != "tahun" and rows and isinstance(rows[0].get(c), (int, float))]
    if not numbers:
        return ""
    for time in ("tahun", "bulan"):
        if time in header and "kecamatan" not in header:
            return json.dumps({"jenis": "line", "kategori": time, "nilai": numbers[:2]})
    others = [c for c in header if c not in numbers and not c.startswith("kode") and c != "tahun"]
    if not others:
        return ""
    return json.dumps({"jenis": "bar", "kategori": others[0], "nilai": numbers[:1]})


def _user_password() -> str:
    import os
    return os.environ.get("SATUDATA_DEMO_PASSWORD", "Demo#Kutim2026")


def is_loaded() -> bool:
    from ckan.model.system_info import get_system_info
    return bool(get_system_info(DEMO_FLAG))


def load(sysadmin: str, echo: Callable[[str], None] = log.info) -> dict[str, int]:
    """Create what is missing of the demo data; returns counts of what was created."""
    from ckan.model.system_info import set_system_info

    created = {"organizations": 0, "groups": 0, "users": 0, "datasets": 0}

    def ctx(user: str = sysadmin):
        return {"user": user}

    def exists(action: str, id_: str) -> bool:
        try:
            tk.get_action(action)({"user": sysadmin}, {"id": id_})
            return True
        except tk.ObjectNotFound:
            return False

    for org in ORGANIZATIONS:
        if not exists("organization_show", org["name"]):
            tk.get_action("organization_create")(ctx(), dict(org))
            created["organizations"] += 1
    for group in GROUPS:
        if not exists("group_show", group["name"]):
            tk.get_action("group_create")(ctx(), dict(group))
            created["groups"] += 1
    for name, (fullname, org, capacity) in USERS.items():
        if not exists("user_show", name):
            tk.get_action("user_create")(ctx(), {
                "name": name, "fullname": fullname, "password": _user_password(),
                "email": f"{name}@kutaitimurkab.go.id"})
            created["users"] += 1
        tk.get_action("organization_member_create")(ctx(), {"id": org, "username": name, "role": capacity})

    for spec in _dataset_specs():
        (name, title, org, groups, tags, notes, frekuensi, level, tahun, cakupan,
         sumber, maintainer, table) = spec
        if exists("package_show", name):
            continue
        rng = random.Random(name)
        header, rows = table(rng)
        data = _csv_bytes(header, rows)
        producer = _producer_for(org)
        pkg = tk.get_action("package_create")(ctx(producer), {
            "name": name, "title": title, "owner_org": org,
            "notes": f"{notes}\n\n_{DEMO_NOTE}_",
            "tags": [{"name": t} for t in tags],
            "license_id": "cc-by", "private": name in _PRIVATE,
            "sumber": sumber, "maintainer": maintainer,
            "maintainer_email": f"{org}@kutaitimurkab.go.id",
            "frekuensi": frekuensi, "level_penyajian": level, "tahun": tahun, "cakupan": cakupan,
            "rujukan": [f"https://data.kutaitimurkab.go.id/dataset/{name}",
                        "https://data.go.id/"],
        })
        # The Walidata files the dataset under its Tematik and marks priority data.
        tk.get_action("package_patch")(ctx(), {
            "id": pkg["id"], "groups": [{"name": g} for g in groups], "prioritas": name in _PRIORITAS})
        tk.get_action("resource_create")(ctx(producer), {
            "package_id": pkg["id"], "name": f"{title} (CSV)", "format": "CSV",
            "description": f"{len(rows)} baris; kolom: {', '.join(header)}.",
            "grafik": _chart(header, rows),
            "upload": FileStorage(stream=io.BytesIO(data), filename=f"{name}.csv",
                                  content_type="text/csv"),
        })
        _walk_workflow(name, producer, echo)
        created["datasets"] += 1
        echo(f"  dataset {name} ({_STATUS.get(name, 'approved')})")

    created["usage_days"] = _demo_usage()
    set_system_info(DEMO_FLAG, "1")
    return created


def _demo_usage(months: int = 6) -> int:
    """Six months of generated views and downloads of the demo datasets, so that
    /statistik and the home page show figures on a new portal. Only when no
    usage was recorded yet; it ends three days ago, before the days the usage
    summary recomputes from the tracking plugin's rows."""
    import datetime
    from ckan import model
    from ckanext.satudata.services.model import Usage
    from ckanext.satudata.services.usage import DOWNLOAD, VIEW

    if model.Session.query(Usage).first() is not None:
        return 0
    last = datetime.date.today() - datetime.timedelta(days=3)
    days = set()
    for spec in _dataset_specs():
        pkg = model.Package.get(spec[0])
        if pkg is None:
            continue
        rng = random.Random(f"usage-{spec[0]}")
        interest = rng.uniform(0.2, 2.5)
        for back in range(months * 30):
            views = int(rng.random() * 4 * interest * (1 + back / (months * 30)) ** -1)
            downloads = sum(1 for _ in range(views) if rng.random() < 0.35)
            day = last - datetime.timedelta(days=back)
            for kind, count in ((VIEW, views), (DOWNLOAD, downloads)):
                if count:
                    model.Session.add(Usage(day=day, package_id=pkg.id, kind=kind, count=count))
                    days.add(day)
    model.Session.commit()
    return len(days)
