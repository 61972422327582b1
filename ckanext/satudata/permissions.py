"""Who sees which dataset: CKAN permission labels, so package_search, package_show,
resource pages and downloads, DCAT output, activity streams and dataset counts
all follow the same rule.

A dataset is public only when it is active, its Jenis Publikasi is public and the
Walidata (and for priority data, the Pembina Data) approved it. Before that it is
visible to the members of its Instansi and to the Walidata; priority data in
Pembina review also to the Pembina Data.
"""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
from ckan import model
from ckan.lib.plugins import DefaultPermissionLabels

from ckanext.satudata import workflow
from ckanext.satudata.logic import roles

WALIDATA = "satudata-walidata"
PEMBINA = "satudata-pembina"


class SatudataPermissionLabels(DefaultPermissionLabels):
    def get_dataset_labels(self, dataset_obj: model.Package) -> list[str]:
        if workflow.is_public(dataset_obj):
            return ["public"]
        # Core's labels for a dataset that is not public: its Instansi's members
        # (or its creator), and its collaborators when those are enabled.
        labels = [f"member-{dataset_obj.owner_org}" if dataset_obj.owner_org
                  else f"creator-{dataset_obj.creator_user_id}"]
        if authz.check_config_permission("allow_dataset_collaborators"):
            labels.append(f"collaborator-{dataset_obj.id}")
        labels.append(WALIDATA)
        if workflow.status_of(dataset_obj) == workflow.PEMBINA_REVIEW:
            labels.append(PEMBINA)
        return labels

    def get_user_dataset_labels(self, user_obj: Any) -> list[str]:
        labels = super().get_user_dataset_labels(user_obj)
        if user_obj is not None and not getattr(user_obj, "is_anonymous", False):
            if roles.is_walidata(user_obj):
                labels.append(WALIDATA)
            if roles.is_pembina(user_obj):
                labels.append(PEMBINA)
        return labels
