"""What the plugin class calls for the open-data services (kept out of plugin.py)."""
from __future__ import annotations

from typing import Any

from ckanext.satudata import security, sessions, visibility
from ckanext.satudata.services import stars, usage


def after_dataset_show(context: dict[str, Any], pkg_dict: dict[str, Any]) -> None:
    # Not when the dataset is read to be written back (package_patch): the
    # computed keys would be stored as resource extras.
    if not context.get("for_update"):
        stars.annotate(pkg_dict)
    # What people outside the workflow read (pages, API, RDF) names roles, not
    # usernames; the portal's own reads (ignore_auth) and edits keep the names.
    if not (context.get("ignore_auth") or context.get("for_update") or context.get("for_edit")):
        visibility.show_roles(pkg_dict, visibility.names_people(visibility.user_of(context)))


def make_middleware(app: Any) -> Any:
    if hasattr(app, "after_request"):
        app.after_request(usage.record_download)
        app.after_request(security.secure_response)
        app.after_request(security.safe_datastore_dump)
        app.after_request(sessions.keep_own_session)
        from ckanext.satudata.views.workflow import confirm_saves
        app.after_request(confirm_saves)
        security.register_error_pages(app)
        security.refuse_unstorable_input(app)
        security.enforce_csrf_for_sessions(app)
        security.throttle_password_reset(app)
        security.install_database_timeouts()
        app.after_request(security.busy_answer)
    return app

