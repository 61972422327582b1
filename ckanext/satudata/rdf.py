"""The ``satudata`` RDF profile: DCAT-AP 3 plus the Kutai Timur metadata.

Used after ``euro_dcat_ap_3`` (``ckanext.dcat.rdf.profiles = euro_dcat_ap_3
satudata``), so every dataset field of ``schemas/dataset.yaml`` is in the RDF
and parsing that RDF gives the same values back:

==================  ===========================================================
field               RDF
==================  ===========================================================
title, notes, tags  dct:title, dct:description, dcat:keyword (DCAT-AP 3)
name                dcat:landingPage <site/dataset/NAME>
license_id          dct:license on the dataset and on every distribution
owner_org           dct:publisher foaf:Agent (the Instansi)
private             dct:accessRights (EU access-right PUBLIC / NON_PUBLIC)
sumber              dct:source "..." (a literal: the name of the source)
maintainer(_email)  dcat:contactPoint vcard:Kind (vcard:fn, vcard:hasEmail)
frekuensi           dct:accrualPeriodicity (EU frequency vocabulary)
level_penyajian     satudata:presentationLevel skos:Concept (code and name)
tahun               dct:temporal dct:PeriodOfTime (dcat:startDate/endDate gYear)
cakupan             dct:spatial dct:Location (Kemendagri code and name)
rujukan             dct:references
prioritas           satudata:priorityData xsd:boolean
Kamus Data          csvw:tableSchema on the distribution of every loaded table:
                    csvw:column (csvw:name, csvw:titles, dct:description,
                    csvw:datatype, satudata:unit, satudata:columnNumber)
groups (Tematik)    dcat:theme skos:Concept
approval_*          satudata:verificationStatus ... (see ``WORKFLOW_TERMS``)
==================  ===========================================================

The vocabulary terms (``satudata:``) and the code list concepts live under
``https://data.kutaitimurkab.go.id/ns/satudata#``; the API guide documents them.
"""
from __future__ import annotations

import json
import re
import weakref
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles import RDFProfile
from ckanext.dcat.profiles.base import DCAT, DCT, FOAF, LOCN, RDF, SKOS, VCARD, XSD
from ckanext.dcat.utils import catalog_uri
import rdflib
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.plugins.serializers.turtle import TurtleSerializer as _RdflibTurtleSerializer

from ckanext.satudata import reference, tables

SATUDATA = Namespace("https://data.kutaitimurkab.go.id/ns/satudata#")
# DataStore column types as XML Schema datatypes (CSVW).
COLUMN_DATATYPES = {"int8": XSD.integer, "int4": XSD.integer, "numeric": XSD.decimal, "float8": XSD.double,
                    "date": XSD.date, "timestamp": XSD.dateTime, "text": XSD.string}
CSVW = Namespace("http://www.w3.org/ns/csvw#")
EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")

# Frekuensi Penerbitan -> EU frequency vocabulary (one to one, so it parses back).
FREQUENCY = {
    "real-time": "UPDATE_CONT",
    "harian": "DAILY",
    "mingguan": "WEEKLY",
    "bulanan": "MONTHLY",
    "triwulanan": "QUARTERLY",
    "empat-bulanan": "ANNUAL_3",
    "semesteran": "ANNUAL_2",
    "tahunan": "ANNUAL",
    "dua-tahunan": "BIENNIAL",
    "tidak-tentu": "IRREG",
}
# Other EU frequencies found in other portals' catalogues, read as the nearest choice.
_FREQUENCY_NEAREST = {
    "CONT": "real-time", "HOURLY": "real-time", "1MIN": "real-time", "5MIN": "real-time",
    "10MIN": "real-time", "15MIN": "real-time", "30MIN": "real-time", "12HRS": "harian",
    "DAILY_2": "harian", "WEEKLY_2": "mingguan", "WEEKLY_3": "mingguan", "BIWEEKLY": "mingguan",
    "MONTHLY_2": "bulanan", "MONTHLY_3": "bulanan", "BIMONTHLY": "bulanan",
    "TRIENNIAL": "tidak-tentu", "QUADRENNIAL": "tidak-tentu", "QUINQUENNIAL": "tidak-tentu",
    "DECENNIAL": "tidak-tentu", "OTHER": "tidak-tentu", "UNKNOWN": "tidak-tentu",
    "NEVER": "tidak-tentu", "AS_NEEDED": "tidak-tentu", "NOT_PLANNED": "tidak-tentu",
    "IRREG": "tidak-tentu",
}

# A role of the workflow (walidata, pembina, produsen) is a concept of the
# portal's vocabulary, satudata:role-<code>.
_ROLE = "role"

# Approval workflow fields: (field, predicate, datatype or _ROLE).
WORKFLOW_TERMS = (
    ("approval_status", SATUDATA.verificationStatus, None),
    ("approval_note", SATUDATA.verificationNote, None),
    ("approval_by", SATUDATA.verifiedBy, None),
    ("approval_by_role", SATUDATA.verifierRole, _ROLE),  # the role they verified in
    ("approval_at", SATUDATA.verifiedAt, XSD.dateTime),
    ("approval_submitted_by", SATUDATA.submittedBy, None),
    ("approval_submitted_by_role", SATUDATA.submitterRole, _ROLE),
    ("approval_submitted_at", SATUDATA.submittedAt, XSD.dateTime),
    ("approval_changed_after", SATUDATA.changedAfterVerification, XSD.dateTime),
    ("approval_checks", SATUDATA.validationResults, RDF.JSON),
)

# Keys the DCAT-AP profiles put in ``extras`` that this profile turns into fields.
_MAPPED_EXTRAS = {
    "frequency", "temporal_start", "temporal_end", "spatial_uri", "spatial_text", "spatial",
    "contact_uri", "contact_name", "contact_email", "publisher_uri", "publisher_name",
    "publisher_email", "publisher_url", "publisher_type", "publisher_identifier", "source",
    "theme", "access_rights", "references",
}


def concept_uri(kind: str, value: str) -> URIRef:
    """The URI of a code of the portal's code lists (``wilayah``, ``level``)."""
    return SATUDATA[f"{kind}-{value}"]


def _site() -> str:
    return catalog_uri().rstrip("/")


def _local_tail(uri: str, segment: str) -> Optional[str]:
    """``NAME`` when ``uri`` is ``<this portal>/<segment>/NAME``."""
    prefix = f"{_site()}/{segment}/"
    if uri.startswith(prefix):
        tail = uri[len(prefix):].strip("/")
        return tail or None
    return None


def _bool(value: Any) -> bool:
    return tk.asbool(value) if not isinstance(value, bool) else value


def _year(value: str) -> Optional[int]:
    match = re.match(r"^\s*(\d{4})", value or "")
    return int(match.group(1)) if match else None


def frekuensi_for(uri_or_code: str) -> Optional[str]:
    """The Frekuensi choice for an EU frequency URI or code."""
    code = str(uri_or_code).rstrip("/").rsplit("/", 1)[-1].upper()
    for value, eu_code in FREQUENCY.items():
        if eu_code == code:
            return value
    return _FREQUENCY_NEAREST.get(code)


# Per graph (a catalogue page, one dataset's RDF): the shared things described so far.
_DESCRIBED: "weakref.WeakKeyDictionary[Any, set[URIRef]]" = weakref.WeakKeyDictionary()


class SatudataProfile(RDFProfile):
    """The Kutai Timur fields on top of ``euro_dcat_ap_3``."""

    # ------------------------------------------------------------------
    # Writing

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        g.bind("satudata", SATUDATA)
        g.bind("locn", LOCN)
        site = _site()

        if dataset_dict.get("name"):
            page = URIRef(f"{site}/dataset/{dataset_dict['name']}")
            g.add((dataset_ref, DCAT.landingPage, page))
            g.add((page, RDF.type, FOAF.Document))

        access = "PUBLIC" if not _bool(dataset_dict.get("private", False)) else "NON_PUBLIC"
        g.remove((dataset_ref, DCT.accessRights, None))
        g.add((dataset_ref, DCT.accessRights, EU_ACCESS_RIGHT[access]))
        if self._first_description(EU_ACCESS_RIGHT[access]):
            g.add((EU_ACCESS_RIGHT[access], RDF.type, DCT.RightsStatement))
        g.add((dataset_ref, DCT.language, EU_LANGUAGE.IND))

        self._license_to_graph(dataset_dict, dataset_ref)
        self._publisher_to_graph(dataset_dict, dataset_ref)
        self._contact_to_graph(dataset_dict, dataset_ref)

        if dataset_dict.get("sumber"):
            # Sumber is a name ("SIAK Disdukcapil"), not a dataset URI: a literal,
            # which every DCAT reader (ckanext-dcat included) keeps as text.
            g.add((dataset_ref, DCT.source, Literal(dataset_dict["sumber"])))

        frequency = FREQUENCY.get(dataset_dict.get("frekuensi") or "")
        if frequency:
            g.remove((dataset_ref, DCT.accrualPeriodicity, None))
            g.add((dataset_ref, DCT.accrualPeriodicity, EU_FREQUENCY[frequency]))
            if self._first_description(EU_FREQUENCY[frequency]):
                g.add((EU_FREQUENCY[frequency], RDF.type, DCT.Frequency))

        if dataset_dict.get("tahun") not in (None, ""):
            period = BNode()
            g.add((dataset_ref, DCT.temporal, period))
            g.add((period, RDF.type, DCT.PeriodOfTime))
            year = str(dataset_dict["tahun"])
            g.add((period, DCAT.startDate, Literal(year, datatype=XSD.gYear)))
            g.add((period, DCAT.endDate, Literal(year, datatype=XSD.gYear)))

        self._wilayah_to_graph(dataset_dict.get("cakupan"), dataset_ref)
        self._level_to_graph(dataset_dict.get("level_penyajian"), dataset_ref)

        for url in self._list(dataset_dict.get("rujukan")):
            g.add((dataset_ref, DCT.references, URIRef(url)))

        g.add((dataset_ref, SATUDATA.priorityData,
               Literal(_bool(dataset_dict.get("prioritas", False)), datatype=XSD.boolean)))

        for group in dataset_dict.get("groups") or []:
            theme = URIRef(f"{site}/group/{group['name']}")
            g.add((dataset_ref, DCAT.theme, theme))
            if self._first_description(theme):
                g.add((theme, RDF.type, SKOS.Concept))
                g.add((theme, SKOS.prefLabel, Literal(group.get("title") or group["name"], lang="id")))

        self._dictionary_to_graph(dataset_dict)

        for field, predicate, datatype in WORKFLOW_TERMS:
            value = dataset_dict.get(field)
            if value in (None, "", [], {}):
                continue
            if datatype == _ROLE:
                g.add((dataset_ref, predicate, concept_uri(_ROLE, value)))
                continue
            if not isinstance(value, str):
                value = json.dumps(value)
            g.add((dataset_ref, predicate, Literal(value, datatype=datatype)))

    def graph_from_catalog(self, catalog_dict: dict[str, Any], catalog_ref: URIRef) -> None:
        g = self.g
        g.bind("satudata", SATUDATA)
        self._wilayah_to_graph(tk.config.get("ckanext.satudata.default_cakupan"), catalog_ref)
        g.add((catalog_ref, DCT.language, EU_LANGUAGE.IND))
        org = model.Group.get(tk.config.get("ckanext.satudata.walidata_org"))
        if org is not None and org.state == "active":
            agent = URIRef(f"{_site()}/organization/{org.name}")
            g.add((catalog_ref, DCT.publisher, agent))
            g.add((agent, RDF.type, FOAF.Agent))
            g.add((agent, FOAF.name, Literal(org.title or org.name)))

    def _dictionary_to_graph(self, dataset_dict: dict[str, Any]) -> None:
        """The Kamus Data of each loaded table as a CSVW table schema of its distribution."""
        from ckanext.dcat.utils import resource_uri
        g = self.g
        for resource in dataset_dict.get("resources") or []:
            if not resource.get("datastore_active"):
                continue
            fields = tables.page_fields(resource["id"])
            if fields is None:
                try:
                    fields = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource["id"]})["fields"]
                except (tk.ObjectNotFound, tk.ValidationError):
                    continue
            g.bind("csvw", CSVW)
            schema = BNode()
            g.add((URIRef(resource_uri(resource)), CSVW.tableSchema, schema))
            g.add((schema, RDF.type, CSVW.Schema))
            for number, field in enumerate([f for f in fields if f["id"] != "_id"], start=1):
                info = field.get("info") or {}
                column = BNode()
                g.add((schema, CSVW.column, column))
                g.add((column, RDF.type, CSVW.Column))
                g.add((column, CSVW.name, Literal(field["id"])))
                g.add((column, SATUDATA.columnNumber, Literal(number, datatype=XSD.integer)))
                g.add((column, CSVW.datatype, COLUMN_DATATYPES.get(field.get("type"), XSD.string)))
                if info.get("label"):
                    g.add((column, CSVW.titles, Literal(info["label"], lang="id")))
                if info.get("notes"):
                    g.add((column, DCT.description, Literal(info["notes"], lang="id")))
                if info.get("satuan"):
                    g.add((column, SATUDATA.unit, Literal(info["satuan"], lang="id")))

    def _first_description(self, node: URIRef) -> bool:
        """True the first time this graph is given the description of ``node``,
        a thing many datasets share (area, level, licence, Instansi, Tematik,
        vocabulary term): a catalogue page describes each once, not per dataset
        (adding the same triples again changes nothing but costs rdflib time)."""
        described = _DESCRIBED.setdefault(self.g, set())
        if node in described:
            return False
        described.add(node)
        return True

    @staticmethod
    def _list(value: Any) -> list[str]:
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.startswith("[") else [value]
            except ValueError:
                value = [value]
        return [v for v in (value or []) if isinstance(v, str) and v.strip()]

    def _license_to_graph(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        license_id = dataset_dict.get("license_id")
        if not license_id:
            return
        target = URIRef(dataset_dict["license_url"]) if dataset_dict.get("license_url") \
            else Literal(license_id)
        subjects = [dataset_ref] + list(self.g.objects(dataset_ref, DCAT.distribution))
        for subject in subjects:
            if (subject, DCT.license, None) not in self.g:
                self.g.add((subject, DCT.license, target))
        if isinstance(target, URIRef) and self._first_description(target):
            self.g.add((target, RDF.type, DCT.LicenseDocument))
            self.g.add((target, DCT.identifier, Literal(license_id)))
            if dataset_dict.get("license_title"):
                self.g.add((target, DCT.title, Literal(dataset_dict["license_title"])))

    def _publisher_to_graph(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        org = dataset_dict.get("organization") or {}
        if not org.get("name"):
            return
        agents = list(self.g.objects(dataset_ref, DCT.publisher))
        if not agents:
            agent = URIRef(f"{_site()}/organization/{org['id']}")
            self.g.add((dataset_ref, DCT.publisher, agent))
            self.g.add((agent, RDF.type, FOAF.Agent))
            self.g.add((agent, FOAF.name, Literal(org.get("title") or org["name"])))
            agents = [agent]
        for agent in agents:
            if self._first_description(agent):
                self.g.add((agent, SKOS.notation, Literal(org["name"])))

    def _contact_to_graph(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        if not (dataset_dict.get("maintainer") or dataset_dict.get("maintainer_email")):
            return
        if (dataset_ref, DCAT.contactPoint, None) in self.g:
            return
        contact = BNode()
        self.g.add((dataset_ref, DCAT.contactPoint, contact))
        self.g.add((contact, RDF.type, VCARD.Kind))
        if dataset_dict.get("maintainer"):
            self.g.add((contact, VCARD.fn, Literal(dataset_dict["maintainer"])))
        if dataset_dict.get("maintainer_email"):
            email = URIRef("mailto:" + dataset_dict["maintainer_email"])
            self.g.add((contact, VCARD.hasEmail, email))

    def _wilayah_to_graph(self, code: Optional[str], subject: URIRef) -> None:
        area = reference.wilayah(code)
        if not area:
            return
        g = self.g
        node = concept_uri("wilayah", area["code"])
        g.add((subject, DCT.spatial, node))
        if not self._first_description(node):
            return
        g.add((node, RDF.type, DCT.Location))
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, SATUDATA.kodeWilayah))
        g.add((node, SKOS.notation, Literal(area["code"])))
        name = reference.wilayah_name(area["code"])
        g.add((node, SKOS.prefLabel, Literal(name, lang="id")))
        g.add((node, LOCN.geographicName, Literal(name, lang="id")))
        g.add((node, SATUDATA.administrativeLevel, concept_uri("level", area["level"])))

    def _level_to_graph(self, value: Optional[str], subject: URIRef) -> None:
        if not value:
            return
        g = self.g
        node = concept_uri("level", value)
        g.add((subject, SATUDATA.presentationLevel, node))
        if not self._first_description(node):
            return
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, SATUDATA.levelPenyajian))
        g.add((node, SKOS.notation, Literal(value)))
        for choice in reference.choices("level_penyajian"):
            if choice["value"] == value:
                for lang, label in choice["label"].items():
                    g.add((node, SKOS.prefLabel, Literal(label, lang=lang)))
        tingkat = reference.tingkat(value)
        if tingkat:
            g.add((node, SATUDATA.codeFormat, Literal(tingkat["code_format"])))

    # ------------------------------------------------------------------
    # Reading (our own catalogue back, or another portal's when harvesting)

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> dict[str, Any]:
        g = self.g
        extras = {e["key"]: e["value"] for e in dataset_dict.get("extras") or []}

        for page in g.objects(dataset_ref, DCAT.landingPage):
            name = _local_tail(str(page), "dataset")
            if name:
                self._set(dataset_dict, "name", name)
                if dataset_dict.get("url") == str(page):
                    dataset_dict.pop("url")

        for rights in g.objects(dataset_ref, DCT.accessRights):
            tail = str(rights).rstrip("/").rsplit("/", 1)[-1]
            if tail in ("PUBLIC", "NON_PUBLIC", "RESTRICTED"):
                self._set(dataset_dict, "private", tail != "PUBLIC")

        license_id = self._license_id(dataset_ref)
        if license_id:
            self._set(dataset_dict, "license_id", license_id)

        owner = self._owner_org(dataset_ref)
        if owner:
            self._set(dataset_dict, "owner_org", owner)

        contact = next(iter(g.objects(dataset_ref, DCAT.contactPoint)), None)
        if contact is not None:
            name = self._object_value(contact, VCARD.fn)
            email = self._object_value(contact, VCARD.hasEmail)
            if name:
                self._set(dataset_dict, "maintainer", name)
            if email:
                self._set(dataset_dict, "maintainer_email", email.replace("mailto:", "", 1))

        sumber = self._sumber(dataset_ref)
        if sumber:
            self._set(dataset_dict, "sumber", sumber)

        frequency = next(iter(g.objects(dataset_ref, DCT.accrualPeriodicity)), None)
        frekuensi = frekuensi_for(str(frequency)) if frequency is not None else None
        if frekuensi:
            self._set(dataset_dict, "frekuensi", frekuensi)

        year = self._tahun(dataset_ref) or _year(extras.get("temporal_start", ""))
        if year:
            self._set(dataset_dict, "tahun", year)

        cakupan = self._cakupan(dataset_ref)
        if cakupan:
            self._set(dataset_dict, "cakupan", cakupan)

        level = next(iter(g.objects(dataset_ref, SATUDATA.presentationLevel)), None)
        if level is not None:
            value = self._object_value(level, SKOS.notation) or str(level).rsplit("level-", 1)[-1]
            if value in reference.choice_values("level_penyajian"):
                self._set(dataset_dict, "level_penyajian", value)

        rujukan = sorted(str(o) for o in g.objects(dataset_ref, DCT.references))
        if rujukan:
            self._set(dataset_dict, "rujukan", rujukan)

        prioritas = next(iter(g.objects(dataset_ref, SATUDATA.priorityData)), None)
        if prioritas is not None:
            self._set(dataset_dict, "prioritas", _bool(str(prioritas)))

        groups = self._groups(dataset_ref)
        if groups:
            dataset_dict["groups"] = groups

        for field, predicate, datatype in WORKFLOW_TERMS:
            value = next(iter(g.objects(dataset_ref, predicate)), None)
            if value is not None:
                text = str(value)
                if datatype == _ROLE:
                    text = text.removeprefix(str(concept_uri(_ROLE, "")))
                self._set(dataset_dict, field, json.loads(text) if datatype == RDF.JSON else text)

        dataset_dict["extras"] = [e for e in dataset_dict.get("extras") or []
                                  if e["key"] not in _MAPPED_EXTRAS]
        # DCAT-AP's scheming profile adds these for schemas that have them; ours
        # holds them as maintainer/maintainer_email and owner_org.
        for key in ("contact", "publisher", "creator"):
            if key in dataset_dict and not self._schema_field(key) and self._dataset_schema:
                dataset_dict.pop(key)
        return dataset_dict

    def _set(self, dataset_dict: dict[str, Any], key: str, value: Any) -> None:
        """Root level with our schema (or a core field); an extra on a portal without it."""
        if self._schema_field(key) or key in ("name", "private", "owner_org", "license_id",
                                              "maintainer", "maintainer_email"):
            dataset_dict[key] = value
            return
        extras = [e for e in dataset_dict.get("extras") or [] if e["key"] != key]
        extras.append({"key": key, "value": value if isinstance(value, str) else json.dumps(value)})
        dataset_dict["extras"] = extras

    def _license_id(self, dataset_ref: URIRef) -> Optional[str]:
        from ckan.model.license import LicenseRegister
        register = LicenseRegister()
        candidates = list(self.g.objects(dataset_ref, DCT.license))
        for distribution in self.g.objects(dataset_ref, DCAT.distribution):
            candidates.extend(self.g.objects(distribution, DCT.license))
        for candidate in candidates:
            identifier = (self._object_value(candidate, DCT.identifier)
                          if isinstance(candidate, URIRef) else None)
            for value in (identifier, str(candidate)):
                if not value:
                    continue
                if value in register:
                    return value
                for lic in register.values():
                    if lic.url and lic.url.rstrip("/") == value.rstrip("/"):
                        return lic.id
        return None

    def _owner_org(self, dataset_ref: URIRef) -> Optional[str]:
        """The Instansi, only when the publisher is an organization of this portal
        (another portal's publisher is not ours to assign)."""
        for agent in self.g.objects(dataset_ref, DCT.publisher):
            tail = _local_tail(str(agent), "organization")
            org = model.Group.get(tail) if tail else None
            if org is not None and org.is_organization and org.state == "active":
                return org.id
        return None

    def _sumber(self, dataset_ref: URIRef) -> Optional[str]:
        for source in self.g.objects(dataset_ref, DCT.source):
            if isinstance(source, Literal):
                return str(source)
            title = self._object_value(source, DCT.title)
            if title:
                return title
            if isinstance(source, URIRef):
                return str(source)
        return None

    def _tahun(self, dataset_ref: URIRef) -> Optional[int]:
        for period in self.g.objects(dataset_ref, DCT.temporal):
            for predicate in (DCAT.startDate, URIRef("http://schema.org/startDate")):
                value = self._object_value(period, predicate)
                if value and _year(value):
                    return _year(value)
        return None

    def _cakupan(self, dataset_ref: URIRef) -> Optional[str]:
        for node in self.g.objects(dataset_ref, DCT.spatial):
            for value in (self._object_value(node, SKOS.notation),
                          str(node).rsplit("wilayah-", 1)[-1] if str(node).startswith(str(SATUDATA))
                          else None,
                          self._object_value(node, SKOS.prefLabel),
                          self._object_value(node, LOCN.geographicName)):
                code = reference.wilayah_code_for(value) if value else None
                if code:
                    return code
        return None

    def _groups(self, dataset_ref: URIRef) -> list[dict[str, str]]:
        groups = []
        for theme in self.g.objects(dataset_ref, DCAT.theme):
            name = _local_tail(str(theme), "group")
            group = model.Group.get(name) if name else None
            if group is not None and not group.is_organization and group.state == "active":
                groups.append({"name": group.name})
        return groups


# ---------------------------------------------------------------------------
# Writing Turtle


class TurtleSerializer(_RdflibTurtleSerializer):
    """rdflib's Turtle serializer, writing the same bytes sooner.

    rdflib 7 tries to shorten every IRI of every triple to ``prefix:name``.
    For an IRI under none of the graph's prefixes (every dataset, distribution
    and download address of a catalogue page) that fails each time without
    being remembered, and adds the IRI's "namespace" to a lookup tree first,
    so each further IRI is compared with more of them: a page of 100 datasets
    paid ~100 ms for it. Such an IRI is written in full (``<...>``) either way;
    this serializer writes it in full without asking. Predicates and IRIs under
    a bound prefix go through rdflib as before (a test compares the bytes)."""

    def serialize(self, *args: Any, **kwargs: Any) -> None:
        self._bound = tuple(str(namespace) for _prefix, namespace in self.store.namespaces())
        super().serialize(*args, **kwargs)

    def get_pname(self, uri: Any, gen_prefix: bool = True) -> Optional[str]:
        if not gen_prefix and isinstance(uri, URIRef) and not str.startswith(uri, self._bound):
            return None
        return super().get_pname(uri, gen_prefix)


def register_serializers() -> None:
    """Use ``TurtleSerializer`` wherever rdflib writes Turtle (DCAT pages)."""
    for name in ("turtle", "ttl", "text/turtle"):
        rdflib.plugin.register(name, rdflib.serializer.Serializer, __name__, "TurtleSerializer")
