"""Fixtures of the open-data services tests: visits recorded through the
portal's real /_tracking endpoint, the jobs worker, a real SMTP server."""
from __future__ import annotations

import contextlib
import datetime

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.lib import search

from ckanext.satudata.tests.conftest import delivered, run_jobs  # noqa: F401 (used by its tests)


class Visitors:
    """Visitors of the portal: each a distinct browser (user agent and address),
    recorded by POSTs to /_tracking, as the portal's script does,
    or by downloading files."""

    def __init__(self, app):
        self.app = app

    @staticmethod
    def environ(visitor: int) -> dict:
        return {"HTTP_USER_AGENT": f"Mozilla/5.0 visitor-{visitor}", "REMOTE_ADDR": f"10.0.0.{visitor}",
                "HTTP_ACCEPT_LANGUAGE": "id", "HTTP_ACCEPT_ENCODING": "gzip"}

    def view(self, dataset_name: str, visitor: int = 1, locale: str = "") -> None:
        url = f"/{locale}/dataset/{dataset_name}" if locale else f"/dataset/{dataset_name}"
        self.app.post("/_tracking", data={"url": url, "type": "page"}, environ_overrides=self.environ(visitor))

    def click(self, url: str, visitor: int = 1) -> None:
        """A click on a file link, as tracking.js reports it."""
        self.app.post("/_tracking", data={"url": url, "type": "resource"}, environ_overrides=self.environ(visitor))

    @contextlib.contextmanager
    def on(self, when: str):
        """Visits made inside the block are dated ``when`` (the tracking table
        takes the clock's time, which freezegun cannot reach)."""
        before = model.Session.execute(sa.text("select max(access_timestamp) from tracking_raw")).scalar()
        yield
        model.Session.execute(sa.text(
            "update tracking_raw set access_timestamp = :when where :before is null or access_timestamp > :before"),
            {"when": datetime.datetime.fromisoformat(when), "before": before})
        model.Session.commit()

    def download(self, dataset: dict, visitor: int = 1, resource: int = 0):
        res = dataset["resources"][resource]
        return self.app.get(f"/dataset/{dataset['id']}/resource/{res['id']}/download/data.csv",
                            environ_overrides=self.environ(visitor), follow_redirects=False)


@pytest.fixture
def visitors(app):
    return Visitors(app)


def created_on(dataset: dict, when: str) -> None:
    """Date a dataset's creation (the model's default clock is out of freezegun's reach)."""
    model.Package.get(dataset["id"]).metadata_created = datetime.datetime.fromisoformat(when)
    model.Session.commit()
    search.rebuild(dataset["id"])
