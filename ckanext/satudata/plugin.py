"""Portal Satu Data Kutai Timur: wiring only; the work lives in the modules."""
from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation

from ckanext.satudata import (dataapi, harvesting, notifications, rdf, search, sessions, throttle, uploads,
                               visibility, workflow)
from ckanext.satudata.helpers import get_helpers
from ckanext.satudata.logic.action import get_actions
from ckanext.satudata.logic.auth import get_auth_functions
from ckanext.satudata.services import hooks as services
from ckanext.satudata.views import get_blueprints
from ckanext.satudata.views.workflow import flash_revision


@tk.blanket.actions(get_actions)
@tk.blanket.auth_functions(get_auth_functions)
@tk.blanket.validators
@tk.blanket.helpers(get_helpers)
@tk.blanket.blueprints(get_blueprints)
@tk.blanket.cli
@tk.blanket.config_declarations
class SatudataPlugin(p.SingletonPlugin, DefaultTranslation, visibility.SatudataPermissionLabels):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IFacets)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.ISignal)
    p.implements(p.IAuthenticator, inherit=True)
    p.implements(p.INotifier, inherit=True)

    # IConfigurer
    def update_config(self, config: CKANConfig):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "satudata")
        rdf.register_serializers()

    # ITranslation
    def i18n_directory(self) -> str:
        return os.path.join(os.path.dirname(__file__), "i18n")

    # IFacets
    def dataset_facets(self, facets_dict: OrderedDict[str, Any], package_type: str):
        return search.dataset_facets(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return search.dataset_facets(facets_dict)

    def group_facets(self, facets_dict, group_type, package_type):
        return search.dataset_facets(facets_dict)

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return search.before_dataset_index(pkg_dict)

    def after_dataset_search(self, search_results: dict[str, Any], search_params: dict[str, Any]):
        return search.after_dataset_search(search_results)

    def after_dataset_show(self, context, pkg_dict: dict[str, Any]) -> None:
        services.after_dataset_show(context, pkg_dict)

    def after_dataset_create(self, context, pkg_dict: dict[str, Any]) -> None:
        pkg = context.get("package") or model.Package.get(pkg_dict.get("id") or "")
        if pkg is not None:
            harvesting.after_write(context, pkg)

    def after_dataset_update(self, context, pkg_dict: dict[str, Any]) -> None:
        # Runs before core indexes and commits, so the new status is indexed with the edit.
        pkg = context.get("package")
        if pkg is not None:
            workflow.after_edit(context, pkg)
            harvesting.after_write(context, pkg)
            visibility.hide_history(pkg)

    def after_dataset_delete(self, context, pkg_dict: dict[str, Any]) -> None:
        pkg = model.Package.get(pkg_dict.get("id") or "")
        if pkg is not None:
            # Called before core marks it deleted.
            visibility.hide_history(pkg, deleted=True)

    # IResourceController
    def before_resource_create(self, context, resource: dict[str, Any]) -> None:
        uploads.check_upload(resource)

    def before_resource_update(self, context, current: dict[str, Any], resource: dict[str, Any]) -> None:
        uploads.check_upload(resource)

    def after_resource_create(self, context, resource: dict[str, Any]) -> None:
        dataapi.after_resource_write(context, resource)

    def after_resource_update(self, context, resource: dict[str, Any]) -> None:
        dataapi.after_resource_write(context, resource)

    # IMiddleware
    def make_middleware(self, app, config: CKANConfig):
        return services.make_middleware(app)

    # ISignal
    def get_signal_subscriptions(self):
        import flask_login
        return {tk.signals.action_succeeded: [notifications.on_action_succeeded, flash_revision],
                tk.signals.failed_login: [throttle.on_failed_login],
                flask_login.user_logged_in: [sessions.on_logged_in],
                flask_login.user_logged_out: [sessions.on_logged_out]}

    # IAuthenticator
    def authenticate(self, identity: dict[str, Any]):
        throttle.refuse_login(identity)
        return None  # core's authenticator checks the password

    def identify_user(self, user_id: str | None = None):
        # Called with the session's user id, and without one for a request
        # that has no session (API tokens are core's).
        return sessions.identify_user(user_id) if user_id is not None else None

    # INotifier
    def notify_about_topic(self, notification_sent: bool, topic: str, details: dict[str, Any]) -> bool:
        if topic == "request_password_reset" and not notification_sent:
            return notifications.reset_link_requested(details["user"])
        return notification_sent

