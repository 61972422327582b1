"""``ckan satudata ...`` commands (registered by the cli blanket)."""
from __future__ import annotations

import click

import ckan.model as model

__all__ = ["satudata"]


@click.group(short_help="Portal Satu Data Kutai Timur commands")
def satudata():
    """Portal Satu Data Kutai Timur."""


def _sysadmin_name(name: str | None) -> str:
    if name:
        return name
    user = model.Session.query(model.User).filter(
        model.User.sysadmin.is_(True), model.User.state == "active").order_by(model.User.created).first()
    if user is None:
        raise click.ClickException("no sysadmin: create one first (ckan sysadmin add NAME)")
    return user.name


@satudata.command("seed-demo")
@click.option("--user", "user", default=None, help="sysadmin that creates the data (default: the first)")
@click.option("--force", is_flag=True, help="create what is missing even if the demo was loaded before")
def seed_demo(user: str | None, force: bool):
    """Load the demo Instansi, Tematik, users and datasets (once)."""
    from ckanext.satudata import demo

    if demo.is_loaded() and not force:
        click.echo("Demo data already loaded; nothing to do (use --force to fill gaps).")
        return
    click.echo("Loading the demo data of Portal Satu Data Kutai Timur ...")
    created = demo.load(_sysadmin_name(user), echo=click.echo)
    click.echo("Created: " + ", ".join(f"{v} {k}" for k, v in created.items()))


# --- Open-data services: ckan satudata usage / freshness ---
from ckanext.satudata.services.cli import freshness, usage  # noqa: E402

satudata.add_command(usage)
satudata.add_command(freshness)
