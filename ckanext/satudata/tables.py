"""Exact tables: every uploaded CSV or XLSX goes into the DataStore with the
values of the file, typed by the portal's conventions, or not at all.

Why not ckanext-xloader: its COPY path stores every column as text, and when a
replaced file's header changes it falls back to type guessing (tabulator),
which reads the Indonesian ``125.430`` as 125.43 and the area code ``64.08.01``
as a date; Postgres' own ``numeric`` input does the same to ``125.430``. Even
with declared types (a Frictionless Table Schema with ``groupChar``/
``decimalChar``) the style of each column must be known first. So the portal
reads the file itself, twice, streaming:

1. ``profile``: the header and, per column, which typing every value allows;
2. ``convert``: every value written in Postgres' canonical form into a
   temporary CSV that ``COPY`` loads into a *staging* table built by the
   DataStore's own ``create_table`` (same columns, full-text trigger, column
   comments holding the Kamus Data); the row count and the sum of every
   numeric column are compared with the file, and only then the staging table
   replaces the published one in one transaction. Readers see the old table
   or the new one, never an empty or half-loaded one; a failed load leaves the
   old table as it was.

The rules, per column (a value is never changed silently):

- numbers: Indonesian style (``.`` thousands, ``,`` decimal: ``125.430``,
  ``2.608,9``, ``-1.250``) or international (``125,430``, ``2608.9``); one
  style per column. When every value fits both (``125.430`` alone), the
  portal's convention is Indonesian and the load report says so. Mixed styles
  keep the column as text, reported;
- codes stay text: a leading zero (``007``, ``0812…``), a ``+`` (``+62…``), 16
  or more digits (NIK, NIP), dotted codes that are not thousands groups
  (``64.08.01``), and any column whose header names a code (Kode, NIK, NIP,
  NPWP, Telepon, HP, ID);
- dates: ``31/12/2024`` (day first), ``31-12-2024``, ``2024-12-31``,
  ``31 Desember 2024``, ``Desember 2024`` (the first of the month), typed as
  dates only when every value parses;
- XLSX cells keep their type (numbers, dates); text cells follow the CSV rules;
  a formula without a saved value refuses the file;
- anything else is text, as written. The Kamus Data's type (``type_override``)
  is obeyed exactly, and a value that does not fit refuses the load, naming the
  row.
"""
from __future__ import annotations

import contextlib
import contextvars
import csv
import datetime
import hashlib
import json
import logging
import os
import re
import tempfile
import uuid
from decimal import Decimal
from typing import Any, Iterator, Optional

import sqlalchemy as sa

log = logging.getLogger(__name__)

MAX_COLUMNS = 1600          # Postgres' limit of columns per table
MAX_HEADER = 63             # Postgres' limit of an identifier
SAMPLE_ROWS = 5             # rows kept for the review page
INT8_MAX = 2 ** 63 - 1
TYPES = ("text", "int8", "numeric", "date")

CSV_FORMATS = ("csv", "text/csv", "application/csv")
XLSX_FORMATS = ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

_ID_GROUPED = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_ID_DECIMAL = re.compile(r"[+-]?\d+,\d+")
_EN_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_EN_DECIMAL = re.compile(r"[+-]?\d+\.\d+")
_PLAIN = re.compile(r"-?\d+")
# A column of years is a number, but written without a thousands separator.
YEAR_HEADER = re.compile(r"(?:^|[^a-z])(tahun|year|thn)(?:$|[^a-z])", re.IGNORECASE)
CODE_HEADER = re.compile(r"(?:^|[^a-z0-9])(kode|code|nik|nip|npwp|telepon|telp|hp|id|kodepos|nisn|npsn)"
                          r"(?:$|[^a-z0-9])", re.IGNORECASE)

MONTHS = {name: i for i, names in enumerate((
    (), ("januari", "january", "jan"), ("februari", "february", "feb", "pebruari"),
    ("maret", "march", "mar"), ("april", "apr"), ("mei", "may"), ("juni", "june", "jun"),
    ("juli", "july", "jul"), ("agustus", "august", "agu", "agt", "aug"),
    ("september", "sep", "sept"), ("oktober", "october", "okt", "oct"),
    ("november", "nov", "nop", "nopember"), ("desember", "december", "des", "dec"))) for name in names}
_DMY = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DAY_MONTH_YEAR = re.compile(r"(?:(\d{1,2})\s+)?([A-Za-z]+)\.?\s+(\d{4})")


class TableError(Exception):
    """A file that cannot be loaded exactly: ``problems`` are (code, params)
    pairs, told to people by ``describe``."""

    def __init__(self, problems: list[tuple[str, dict[str, Any]]]):
        super().__init__("; ".join(f"{code} {params}" for code, params in problems))
        self.problems = problems


# ---------------------------------------------------------------------------
# Reading a file: rows of cells (str for CSV; typed for XLSX)

def file_format(fmt: str, url: str = "") -> Optional[str]:
    fmt = (fmt or "").strip().lower()
    if not fmt:
        fmt = os.path.splitext(url or "")[1].lstrip(".").lower()
    if fmt in CSV_FORMATS:
        return "csv"
    if fmt in XLSX_FORMATS:
        return "xlsx"
    return None


def _encoding(path: str) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8,
    otherwise Windows-1252 (what Excel in Indonesia saves as "CSV")."""
    import codecs
    dec = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as f:
        try:
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    dec.decode(b"", final=True)
                    break
                dec.decode(chunk)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def _dialect(sample: str) -> str:
    """The delimiter (, ; tab |) that splits the header into the most columns;
    on a tie, the one that gives the most of the following lines that width.
    (A broken row must not make a semicolon file read as one column.)"""
    lines = sample.splitlines()[:50]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of the sample may be cut
    best, best_score = ",", (0, 0)
    for delimiter in (";", "\t", "|", ","):  # on a full tie, the rarer character in values
        try:
            rows = [row for row in csv.reader(lines, delimiter=delimiter) if row]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        score = (width, sum(1 for row in rows[1:] if len(row) == width))
        if width > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(path: str) -> tuple[Iterator[list[Any]], dict[str, Any], Any]:
    encoding = _encoding(path)
    handle = open(path, "r", encoding=encoding, newline="")
    sample = handle.read(64 * 1024)
    handle.seek(0)
    delimiter = _dialect(sample)
    reader = csv.reader(handle, delimiter=delimiter)
    meta = {"encoding": "UTF-8" if encoding == "utf-8-sig" else "Windows-1252",
            "delimiter": {"\t": "tab"}.get(delimiter, delimiter)}
    return reader, meta, handle


class _Workbook:
    """The first sheet of an XLSX, values as saved, and whether a formula has
    no saved value (openpyxl gives None for both an empty cell and such a
    formula, so the formulas are read alongside)."""

    def __init__(self, path: str):
        import openpyxl
        self._handles = [open(path, "rb"), open(path, "rb")]
        try:
            self.values = openpyxl.load_workbook(self._handles[0], read_only=True, data_only=True)
            self.formulas = openpyxl.load_workbook(self._handles[1], read_only=True, data_only=False)
        except Exception:
            self.close()
            raise

    def rows(self) -> Iterator[list[Any]]:
        from openpyxl.utils import get_column_letter
        values = self.values.worksheets[0].iter_rows(values_only=True)
        formulas = self.formulas.worksheets[0].iter_rows(values_only=True)
        for number, (row, raw) in enumerate(zip(values, formulas), start=1):
            row = list(row)
            for i, cell in enumerate(row):
                if cell is None and i < len(raw) and isinstance(raw[i], str) and raw[i].startswith("="):
                    raise TableError([("formula_without_value",
                                       {"cell": f"{get_column_letter(i + 1)}{number}"})])
            yield row

    def close(self) -> None:
        for wb in ("values", "formulas"):
            if hasattr(self, wb):
                getattr(self, wb).close()
        for h in self._handles:
            h.close()


def open_rows(path: str, fmt: str) -> tuple[Iterator[list[Any]], dict[str, Any], Any]:
    """(rows, what was detected, something to close)."""
    if fmt == "csv":
        return _csv_rows(path)
    from zipfile import BadZipFile
    try:
        book = _Workbook(path)
    except (BadZipFile, KeyError, OSError, ValueError, TypeError) as e:
        raise TableError([("not_a_workbook", {"error": str(e)})])
    return book.rows(), {"sheet": book.values.worksheets[0].title}, book


# ---------------------------------------------------------------------------
# Values

def _number_styles(text: str) -> tuple[bool, bool, bool]:
    """(fits Indonesian, fits international, has a separator)."""
    if _PLAIN.fullmatch(text):
        return True, True, False
    return (bool(_ID_GROUPED.fullmatch(text) or _ID_DECIMAL.fullmatch(text)),
            bool(_EN_GROUPED.fullmatch(text) or _EN_DECIMAL.fullmatch(text)), True)


def _is_code(text: str) -> bool:
    digits = text.lstrip("+-")
    return (text.startswith("+") or (len(digits) > 1 and digits[0] == "0" and digits[1].isdigit())
            or (digits.isdigit() and len(digits) >= 16))


def canonical_number(text: str, style: str) -> str:
    """``125.430`` (id) → ``125430``; ``2.608,9`` (id) → ``2608.9``;
    ``125,430`` (en) → ``125430``."""
    if style == "id":
        return text.replace(".", "").replace(",", ".").lstrip("+")
    return text.replace(",", "").lstrip("+")


def parse_date(text: str) -> Optional[datetime.date]:
    try:
        m = _YMD.fullmatch(text)
        if m:
            return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _DMY.fullmatch(text)
        if m:
            return datetime.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = _DAY_MONTH_YEAR.fullmatch(text)
        if m and m.group(2).lower() in MONTHS:
            return datetime.date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1) or 1))
    except ValueError:
        return None
    return None


def _excel_number(value: Any) -> Optional[str]:
    """A number cell as exact text: Excel keeps doubles, shown by the shortest
    decimal that reads back the same (what Excel itself displays)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    return None


# ---------------------------------------------------------------------------
# Profiling: what type every column can have

class Column:
    def __init__(self, name: str, override: Optional[str] = None):
        self.name = name
        self.override = override if override in TYPES else None
        self.code = bool(CODE_HEADER.search(name))  # stays text, whatever its values
        self.number = True
        self.styles = {"id", "en"}
        self.separated = False
        self.decimal = {"id": False, "en": False}
        self.big = False
        self.date = True
        self.values = 0
        self.first_text: Optional[tuple[int, str]] = None   # why it is not a number
        self.first_not_date: Optional[tuple[int, str]] = None
        self.mixed = False
        self.saw_id = self.saw_en = False

    def see(self, value: Any, row: int) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        self.values += 1
        if isinstance(value, (datetime.datetime, datetime.date)):
            self._not_number(row, str(value))
            if isinstance(value, datetime.datetime) and value.time() != datetime.time(0):
                self._not_date(row, str(value))
            return
        number = _excel_number(value)
        if number is not None:
            self._not_date(row, number)
            if self.number:
                if "." in number:
                    self.decimal = {"id": True, "en": True}
                elif abs(int(number)) > INT8_MAX:
                    self.big = True
            return
        text = str(value).strip()
        if not self.number:
            if self.date and parse_date(text) is None:
                self._not_date(row, text)
            return
        fits_id, fits_en, separated = _number_styles(text)
        if not (fits_id or fits_en) or _is_code(text):
            self._not_number(row, text)
            if self.date and parse_date(text) is None:
                self._not_date(row, text)
            return
        self._not_date(row, text)
        if len(text) > 18:
            self.big = True
        if "," in text:
            self.decimal["id"] = True
        if "." in text:
            self.decimal["en"] = True
        if separated:
            self.separated = True
            if fits_id and not fits_en:
                self.saw_id = True
            if fits_en and not fits_id:
                self.saw_en = True
        styles = self.styles & ({"id"} if fits_id and not fits_en else
                                {"en"} if fits_en and not fits_id else {"id", "en"})
        if not styles:
            self.mixed = True
            self._not_number(row, text)
            return
        self.styles = styles

    def _not_number(self, row: int, text: str) -> None:
        if self.number:
            self.number = False
            self.first_text = (row, text)

    def _not_date(self, row: int, text: str) -> None:
        if self.date:
            self.date = False
            self.first_not_date = (row, text)

    @property
    def style(self) -> str:
        return "id" if "id" in self.styles else "en"

    def inferred(self) -> str:
        if self.code:
            return "text"
        if self.values and self.number:
            return "numeric" if self.decimal[self.style] or self.big else "int8"
        if self.values and self.date and not self.number:
            return "date"
        return "text"


def _header(row: list[Any]) -> list[str]:
    while row and (row[-1] is None or not str(row[-1]).strip()):
        row = row[:-1]
    return [("" if c is None else str(c)).strip() for c in row]


def _header_problems(header: list[str]) -> list[tuple[str, dict[str, Any]]]:
    from ckanext.datastore.helpers import is_valid_field_name
    problems: list[tuple[str, dict[str, Any]]] = []
    if not header:
        return [("no_header", {})]
    if len(header) > MAX_COLUMNS:
        problems.append(("too_many_columns", {"count": len(header), "limit": MAX_COLUMNS}))
    seen: set[str] = set()
    for i, name in enumerate(header, start=1):
        if not name:
            problems.append(("empty_header", {"column": i}))
        elif name.lower() in seen:
            problems.append(("duplicate_header", {"column": i, "name": name}))
        elif len(name) > MAX_HEADER:
            problems.append(("long_header", {"column": i, "name": name, "limit": MAX_HEADER}))
        elif not is_valid_field_name(name):
            problems.append(("bad_header", {"column": i, "name": name}))
        seen.add(name.lower())
    return problems


def _cells(row: list[Any], width: int, number: int) -> Optional[list[Any]]:
    """The row cut to the header's width; None for an empty row. A value
    beyond the header refuses the file."""
    if len(row) > width:
        extra = [c for c in row[width:] if c is not None and str(c).strip()]
        if extra:
            raise TableError([("extra_values", {"row": number, "count": width, "value": str(extra[0])})])
        row = row[:width]
    if not any(c is not None and str(c).strip() for c in row):
        return None
    if len(row) < width:
        return row + [None] * (width - len(row))
    return row


def profile(path: str, fmt: str, overrides: Optional[dict[str, str]] = None) -> dict[str, Any]:
    """Pass 1: the header, the rows and what every column can be. Raises
    TableError listing what keeps the file from loading exactly."""
    overrides = overrides or {}
    rows, meta, closer = open_rows(path, fmt)
    try:
        try:
            first = next(rows, None)
        except (UnicodeDecodeError, csv.Error) as e:
            raise TableError([("unreadable", {"error": str(e)})])
        header = _header(list(first or []))
        problems = _header_problems(header)
        if problems:
            raise TableError(problems)
        columns = [Column(name, overrides.get(name)) for name in header]
        width, count, empty, short, extra = len(header), 0, 0, [], []
        number = 1
        try:
            for number, row in enumerate(rows, start=2):
                if fmt == "csv" and row and len(row) < width and any(c.strip() for c in row):
                    short.append(number)
                    continue
                if len(row) > width:
                    beyond = [c for c in row[width:] if c is not None and str(c).strip()]
                    if beyond:
                        extra.append((number, str(beyond[0])))
                        continue
                cells = _cells(row, width, number)
                if cells is None:
                    empty += 1
                    continue
                count += 1
                for column, value in zip(columns, cells):
                    column.see(value, number)
        except csv.Error as e:
            raise TableError([("unreadable", {"error": f"line {number}: {e}"})])
        problems = []
        if extra:
            problems.append(("extra_values", {"row": extra[0][0], "count": width, "value": extra[0][1],
                                              "rows": len(extra)}))
        if short:
            problems.append(("short_rows", {"rows": ", ".join(map(str, short[:5])), "count": len(short),
                                            "width": width}))
        if problems:
            raise TableError(problems)
        if count == 0:
            raise TableError([("no_rows", {})])
    finally:
        closer.close()
    problems = []
    for column in columns:
        if column.override in ("int8", "numeric") and not column.number:
            row, text = column.first_text or (0, "")
            problems.append(("override_number", {"column": column.name, "row": row, "value": text}))
        if column.override == "date" and not column.date:
            row, text = column.first_not_date or (0, "")
            problems.append(("override_date", {"column": column.name, "row": row, "value": text}))
        if column.override == "int8" and column.number and (column.decimal[column.style] or column.big):
            problems.append(("override_integer", {"column": column.name}))
    if problems:
        raise TableError(problems)
    return dict(meta, header=header, columns=columns, rows=count, empty_rows=empty)


def column_type(column: Column) -> str:
    if column.override:
        return column.override
    return column.inferred()


def notes(profiled: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """What the load did that a person should know (kept with the status)."""
    out: list[tuple[str, dict[str, Any]]] = []
    styles: dict[str, list[str]] = {"id": [], "en": []}
    codes: list[str] = []
    for column in profiled["columns"]:
        kind = column_type(column)
        if column.override:
            continue
        if kind in ("int8", "numeric") and column.separated:
            styles[column.style].append(column.name)
        elif kind == "text" and column.values and column.mixed:
            row, text = column.first_text or (0, "")
            out.append(("mixed_styles", {"column": column.name, "row": row, "value": text}))
        elif kind == "text" and column.values and column.code and column.number:
            codes.append(column.name)  # would have been a number
    quoted = lambda names: ", ".join(f'"{n}"' for n in names)  # noqa: E731
    if styles["id"]:
        out.insert(0, ("read_indonesian", {"column": quoted(styles["id"])}))
    if styles["en"]:
        out.insert(0, ("read_international", {"column": quoted(styles["en"])}))
    if codes:
        out.append(("code_header", {"column": quoted(codes)}))
    if profiled.get("empty_rows"):
        out.append(("empty_rows", {"count": profiled["empty_rows"]}))
    return out


# ---------------------------------------------------------------------------
# Converting: the canonical text of every value, for COPY

def _converter(column: Column, kind: str):
    if kind in ("int8", "numeric"):
        style = column.style

        def number(value: Any) -> Optional[str]:
            if value is None or (isinstance(value, str) and not value.strip()):
                return None
            excel = _excel_number(value)
            if excel is not None:
                return excel
            return canonical_number(str(value).strip(), style)
        return number
    if kind == "date":
        def date(value: Any) -> Optional[str]:
            if value is None or (isinstance(value, str) and not value.strip()):
                return None
            if isinstance(value, (datetime.datetime, datetime.date)):
                return value.strftime("%Y-%m-%d")
            return parse_date(str(value).strip()).isoformat()
        return date

    def text(value: Any) -> Optional[str]:
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            return value.isoformat(sep=" ") if value.time() != datetime.time(0) else value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        excel = _excel_number(value)
        if excel is not None:
            return excel
        value = str(value).strip().replace("\x00", "")
        return value or None
    return text


def convert(path: str, fmt: str, profiled: dict[str, Any], out: Any) -> dict[str, Any]:
    """Pass 2: write the rows as canonical CSV to ``out``; returns the sums of
    the numeric columns and the first rows, for the comparison and the review."""
    columns = profiled["columns"]
    kinds = [column_type(c) for c in columns]
    converters = [_converter(c, k) for c, k in zip(columns, kinds)]
    sums = {c.name: Decimal(0) for c, k in zip(columns, kinds) if k in ("int8", "numeric")}
    numeric_at = [(i, c.name) for i, (c, k) in enumerate(zip(columns, kinds)) if k in ("int8", "numeric")]
    writer = csv.writer(out, lineterminator="\n")
    sample: list[list[Optional[str]]] = []
    rows, _meta, closer = open_rows(path, fmt)
    width = len(columns)
    try:
        next(rows, None)
        for number, row in enumerate(rows, start=2):
            cells = _cells(row, width, number)
            if cells is None:
                continue
            values = [f(v) for f, v in zip(converters, cells)]
            for i, name in numeric_at:
                if values[i] is not None:
                    sums[name] += Decimal(values[i])
            # Empty text is NULL (unquoted), as with every other loader.
            writer.writerow(["" if v is None else v for v in values])
            if len(sample) < SAMPLE_ROWS:
                sample.append(values)
    finally:
        closer.close()
    return {"sums": sums, "sample": sample}


# ---------------------------------------------------------------------------
# Loading: staging table, comparison, swap

def _engine():
    from ckanext.datastore.backend.postgres import get_write_engine
    return get_write_engine()


def _ident(name: str) -> str:
    from ckanext.datastore.backend.postgres import identifier
    return identifier(name)


def existing_info(resource_id: str) -> dict[str, dict[str, Any]]:
    """The Kamus Data of the loaded table, by column name ({} when none)."""
    import ckan.plugins.toolkit as tk
    try:
        info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    except (tk.ObjectNotFound, tk.ValidationError):
        return {}
    return {f["id"]: dict(f.get("info") or {}) for f in info.get("fields", []) if f["id"] != "_id"}


def _stage(conn: Any, stage: str, fields: list[dict[str, Any]]) -> None:
    from ckanext.datastore.backend.postgres import _create_fulltext_trigger, create_table
    context: dict[str, Any] = {"connection": conn}
    create_table(context, {"resource_id": stage, "fields": [dict(f) for f in fields]}, {})
    _create_fulltext_trigger(conn, stage)


def _copy(conn: Any, stage: str, header: list[str], path: str) -> None:
    raw = conn.connection.dbapi_connection if hasattr(conn.connection, "dbapi_connection") else conn.connection
    cursor = raw.cursor()
    try:
        with open(path, "r", encoding="utf-8", newline="") as f:
            cursor.copy_expert(
                "COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '')".format(
                    table=_ident(stage), columns=", ".join(_ident(h) for h in header)), f)
    finally:
        cursor.close()


def _compare(conn: Any, stage: str, expected_rows: int, sums: dict[str, Decimal]) -> list[tuple[str, dict]]:
    """The staged table against the file: rows, and the sum of every number column."""
    selects = ["count(*)"] + [f"sum({_ident(name)})::text" for name in sums]
    found = conn.execute(sa.text("SELECT {} FROM {}".format(", ".join(selects), _ident(stage)))).fetchone()
    problems: list[tuple[str, dict]] = []
    if int(found[0]) != expected_rows:
        problems.append(("row_count", {"file": expected_rows, "table": int(found[0])}))
    for (name, total), got in zip(sums.items(), found[1:]):
        if Decimal(got or 0) != total:
            problems.append(("sum_differs", {"column": name, "file": str(total), "table": str(got)}))
    return problems


def next_table(resource_id: str) -> str:
    """The table a pending revision's new file is loaded into before approval."""
    return "satudata_next_" + resource_id


def _swap(conn: Any, stage: str, table: str) -> None:
    conn.execute(sa.text("SET LOCAL lock_timeout = '30s'"))
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {_ident(table)} CASCADE"))
    conn.execute(sa.text(f"ALTER TABLE {_ident(stage)} RENAME TO {_ident(table)}"))
    conn.execute(sa.text(f"ALTER INDEX {_ident(stage + '_pkey')} RENAME TO {_ident(table + '_pkey')}"))
    conn.execute(sa.text(f"ALTER SEQUENCE {_ident(stage + '__id_seq')} RENAME TO {_ident(table + '__id_seq')}"))
    # CKAN 2.12 caches the row count that datastore_search answers as "total".
    if conn.execute(sa.text("SELECT to_regclass('_table_stats')")).scalar():
        conn.execute(sa.text("DELETE FROM _table_stats WHERE resource_id IN (:table, :stage)"),
                     {"table": table, "stage": stage})


def promote(resource_id: str) -> bool:
    """Put the table loaded from an approved revision's file in place of the
    published one, in one transaction; False when there is none."""
    source = next_table(resource_id)
    with _engine().connect() as conn:
        with conn.begin():
            if not conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": _ident(source)}).scalar():
                return False
            _swap(conn, source, resource_id)
    from ckanext.datastore.backend.postgres import DatastorePostgresqlBackend
    DatastorePostgresqlBackend.get_active_backend().calculate_record_count(resource_id)
    return True


def drop_next(resource_id: str) -> None:
    """Forget the table of a revision's file (the revision was returned or discarded)."""
    with _engine().connect() as conn:
        with conn.begin():
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {_ident(next_table(resource_id))} CASCADE"))
            if conn.execute(sa.text("SELECT to_regclass('_table_stats')")).scalar():
                conn.execute(sa.text("DELETE FROM _table_stats WHERE resource_id = :table"),
                             {"table": next_table(resource_id)})


def fields_for(profiled: dict[str, Any], previous: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The DataStore fields: inferred (or overridden) type, and the Kamus Data
    kept for every column whose name is unchanged."""
    fields = []
    for column in profiled["columns"]:
        info = dict(previous.get(column.name) or {})
        if not column.override:
            info.pop("type_override", None)
        fields.append({"id": column.name, "type": column_type(column), "info": info})
    return fields


def load(resource_id: str, path: str, fmt: str, table: Optional[str] = None) -> dict[str, Any]:
    """Load ``path`` exactly into the DataStore table ``table`` (the resource's
    own by default), replacing it only when the new table equals the file.
    Returns the report kept with the status; raises TableError."""
    table = table or resource_id
    previous = existing_info(resource_id)
    overrides = {name: info.get("type_override") for name, info in previous.items()
                 if info.get("type_override") in TYPES}
    profiled = profile(path, fmt, overrides)
    fields = fields_for(profiled, previous)
    stage = "satudata_stage_" + uuid.uuid4().hex
    engine = _engine()
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", suffix=".csv",
                                     delete=False) as out:
        canonical = out.name
        converted = convert(path, fmt, profiled, out)
    try:
        with engine.connect() as conn:
            try:
                with conn.begin():
                    conn.execute(sa.text("SET LOCAL statement_timeout = 0"))
                    _stage(conn, stage, fields)
                    _copy(conn, stage, profiled["header"], canonical)
                    problems = _compare(conn, stage, profiled["rows"], converted["sums"])
                    if problems:
                        raise TableError(problems)
                    context: dict[str, Any] = {"connection": conn}
                    from ckanext.datastore.backend.postgres import create_indexes
                    create_indexes(context, {"resource_id": stage, "fields": fields})
                    _swap(conn, stage, table)
                with conn.begin():
                    conn.execute(sa.text(f"ANALYZE {_ident(table)}"))
            except sa.exc.DataError as e:
                raise TableError([("database", {"error": str(getattr(e, "orig", e)).strip()})])
    finally:
        os.unlink(canonical)
    from ckanext.datastore.backend.postgres import DatastorePostgresqlBackend
    DatastorePostgresqlBackend.get_active_backend().calculate_record_count(table)
    return {
        "rows": profiled["rows"],
        "columns": [{"id": f["id"], "type": f["type"]} for f in fields],
        "notes": [[code, params] for code, params in notes(profiled)],
        "sample": converted["sample"],
        "encoding": profiled.get("encoding"),
        "delimiter": profiled.get("delimiter"),
        "sheet": profiled.get("sheet"),
    }


def file_hash(path: str) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, default=str)


def examine(path: str, fmt: str, overrides: Optional[dict[str, str]] = None) -> dict[str, Any]:
    """What loading ``path`` would give, without loading it: ``columns`` (name,
    type), ``rows``, ``notes`` and the first rows typed (``sample``); or the
    ``problems`` that refuse it. For the checks before submission and the
    Walidata's review of a proposed file."""
    try:
        profiled = profile(path, fmt, overrides)
    except TableError as e:
        return {"problems": [[c, p] for c, p in e.problems]}
    except OSError as e:
        return {"problems": [["unreadable", {"error": str(e)}]]}
    columns = profiled["columns"]
    converters = [_converter(c, column_type(c)) for c in columns]
    sample: list[list[Optional[str]]] = []
    rows, _meta, closer = open_rows(path, fmt)
    try:
        next(rows, None)
        for number, row in enumerate(rows, start=2):
            cells = _cells(row, len(columns), number)
            if cells is not None:
                sample.append([f(v) for f, v in zip(converters, cells)])
            if len(sample) >= SAMPLE_ROWS:
                break
    finally:
        closer.close()
    return {"problems": [], "rows": profiled["rows"], "sample": sample,
            "columns": [{"id": c.name, "type": column_type(c)} for c in columns],
            "notes": [[c, p] for c, p in notes(profiled)],
            "encoding": profiled.get("encoding"), "delimiter": profiled.get("delimiter")}


def dictionary_summary(resource_ids: list[str]) -> dict[str, dict[str, int]]:
    """For each loaded table: how many columns it has, how many the Kamus Data
    describes (a label or a description) and how many number columns lack a
    unit (satuan). One query for all the tables, read from the column comments
    where the DataStore keeps the Kamus Data."""
    if not resource_ids:
        return {}
    from ckanext.datastore.backend.postgres import get_read_engine
    sql = sa.text(
        "SELECT c.relname, format_type(a.atttypid, a.atttypmod), col_description(c.oid, a.attnum) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "WHERE c.relkind = 'r' AND c.relname = ANY(:names) AND a.attname NOT LIKE '\\_%'")
    summary: dict[str, dict[str, int]] = {}
    with get_read_engine().connect() as conn:
        for table, kind, comment in conn.execute(sql, {"names": list(resource_ids)}):
            entry = summary.setdefault(table, {"columns": 0, "described": 0, "without_unit": 0})
            try:
                info = (json.loads(comment) if comment else {}).get("_info") or {}
            except (ValueError, AttributeError):
                info = {}
            entry["columns"] += 1
            if info.get("label") or info.get("notes"):
                entry["described"] += 1
            if kind in ("bigint", "integer", "numeric", "double precision") and not info.get("satuan"):
                entry["without_unit"] += 1
    return summary


# The Kamus Data of the tables of a DCAT catalogue page, read in one query when
# the page's datasets are found (search.after_dataset_search), not one
# datastore_info per table while each dataset is written (rdf.py).
_PAGE_FIELDS: contextvars.ContextVar[Optional[dict[str, list[dict[str, Any]]]]] = contextvars.ContextVar(
    "satudata_page_fields", default=None)


@contextlib.contextmanager
def fields_read_per_page() -> Iterator[None]:
    token = _PAGE_FIELDS.set({})
    try:
        yield
    finally:
        _PAGE_FIELDS.reset(token)


def prefetch_fields(datasets: list[dict[str, Any]]) -> None:
    """Inside ``fields_read_per_page``: read the columns of these datasets' tables now."""
    known = _PAGE_FIELDS.get()
    if known is None:
        return
    wanted = [r["id"] for d in datasets if isinstance(d, dict) for r in d.get("resources") or []
              if r.get("datastore_active") and r.get("id") not in known]
    if not wanted:
        return
    from ckanext.datastore.backend.postgres import get_read_engine
    sql = sa.text(
        "SELECT c.relname, a.attname, t.typname, col_description(c.oid, a.attnum) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE c.relkind = 'r' AND c.relname = ANY(:names) AND a.attname NOT LIKE '\\_%' "
        "ORDER BY c.relname, a.attnum")
    with get_read_engine().connect() as conn:
        for table, column, kind, comment in conn.execute(sql, {"names": wanted}):
            try:
                info = (json.loads(comment) if comment else {}).get("_info") or {}
            except (ValueError, AttributeError):
                info = {}
            known.setdefault(table, []).append({"id": column, "type": kind, "info": info})


def page_fields(resource_id: str) -> Optional[list[dict[str, Any]]]:
    """The columns of a table read by ``prefetch_fields``; None when not read."""
    known = _PAGE_FIELDS.get()
    return None if known is None else known.get(resource_id)
