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


@satudata.command("harvest-run")
def harvest_run():
    """Run the queued harvests now (gather, fetch and import), then exit.

    What `ckan harvester gather-consumer` and `fetch-consumer` do continuously,
    in one pass, for a cron job or a small deployment; followed by
    `ckan harvester run`, which marks finished jobs."""
    from ckanext.satudata import harvesting

    counts = harvesting.run_queues()
    click.echo(f"Harvest jobs gathered: {counts['gather']}; datasets fetched and imported: "
               f"{counts['fetch']}")


@satudata.command("harvest-consumer")
@click.argument("stage", type=click.Choice(["gather", "fetch"]))
def harvest_consumer(stage: str):
    """Consume the harvest gather or fetch queue until stopped (use instead of
    `ckan harvester gather-consumer` / `fetch-consumer`: it runs the harvesters as
    the harvest user, so datasets awaiting verification are found again)."""
    from ckanext.satudata import harvesting

    harvesting.consume(stage)


# --- Open-data services: ckan satudata usage / freshness ---
from ckanext.satudata.services.cli import freshness, usage  # noqa: E402

satudata.add_command(usage)
satudata.add_command(freshness)
