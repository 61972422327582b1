"""``ckan satudata ...`` commands (registered by the cli blanket)."""
from __future__ import annotations

import datetime

import click

import ckan.model as model
import ckan.plugins.toolkit as tk

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


@satudata.command("index-upgrade", short_help="Rebuild the search index once after an upgrade that needs it")
def index_upgrade():
    """Rebuild the search index when this version of the portal indexes datasets
    differently from the one that built it (the quality report, the statistics
    and the release calendar read what indexing stores); nothing otherwise."""
    from ckan.model.system_info import get_system_info, set_system_info

    from ckanext.satudata import search

    built = get_system_info("satudata.index_version")
    if built == search.INDEX_VERSION:
        click.echo(f"The search index is up to date ({built}).")
        return
    click.echo(f"Rebuilding the search index ({built or 'unknown version'} -> {search.INDEX_VERSION}) ...")
    count = search.rebuild()
    set_system_info("satudata.index_version", search.INDEX_VERSION)
    click.echo(f"The search index is rebuilt ({count} datasets).")


@satudata.command("reindex", short_help="Rebuild the search index (as ckan search-index rebuild, faster)")
@click.argument("datasets", nargs=-1)
@click.option("--batch", default=50, show_default=True, help="datasets sent to Solr in one request")
@click.option("--keep-orphans", is_flag=True, help="keep datasets no longer in the database in the index")
@click.option("-q", "--quiet", is_flag=True, help="no progress")
@click.pass_context
def reindex(ctx: click.Context, datasets: tuple[str, ...], batch: int, keep_orphans: bool, quiet: bool):
    """Index every dataset again (or only DATASETS, names or ids), with the same
    documents as `ckan search-index rebuild`, a batch at a time: about a fifth
    faster at 10,000 datasets (bench/compare.py). Orphans (indexed datasets no
    longer in the database) are removed afterwards, as core's command does."""
    import time

    from ckan.cli import search_index as core_cli

    from ckanext.satudata import search

    ids = None
    if datasets:
        ids = []
        for ref in datasets:
            pkg = model.Package.get(ref)
            if pkg is None:
                raise click.ClickException(f"no dataset {ref}")
            ids.append(pkg.id)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if not quiet:
            click.echo(f"\rIndexed {done}/{total}", nl=done == total)
    from ckan.lib.search.common import SearchIndexError
    try:
        count = search.rebuild(ids, batch=max(1, batch), progress=progress)
    except SearchIndexError as e:
        raise click.ClickException(f"the search index is not rebuilt: {e}")
    if not keep_orphans and ids is None:
        ctx.invoke(core_cli.clear_orphans)
    seconds = time.perf_counter() - started
    click.echo(f"{count} datasets indexed in {seconds:.1f} s ({count / seconds if seconds else 0:.1f} per second).")


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


# ---------------------------------------------------------------------------
# For cron: ckan satudata usage / freshness

def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value}")


@satudata.command("usage", short_help="Summarise views and downloads for the statistics")
@click.option("--start", help="first day to (re)summarise, YYYY-MM-DD (default: two days before the last summary)")
@click.option("--end", help="last day, YYYY-MM-DD (default: today)")
def usage(start: str | None, end: str | None):
    """Count the views and downloads recorded by the tracking plugin per
    dataset and day (distinct visitors), for /statistik and the API."""
    from ckanext.satudata.services import usage as usage_module
    result = usage_module.summarise(_date(start), _date(end))
    click.echo("Summarised {start} to {end}: {views} views, {downloads} downloads".format(**result))


@satudata.command("freshness", short_help="List overdue datasets; --notify e-mails their Pengelola")
@click.option("--notify", is_flag=True, help="queue an e-mail to the Pengelola Data of each overdue dataset")
def freshness(notify: bool):
    """Datasets whose data is older than their Frekuensi Penerbitan promises,
    per Instansi. With --notify each Pengelola Data gets one e-mail listing
    theirs (sent by the jobs worker)."""
    from ckanext.satudata import notifications
    from ckanext.satudata.services import quality
    # Every Instansi's overdue data, as the site user (who sees everything).
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    report = quality.report(site_user)
    for org in report["instansi"]:
        for d in org["overdue_datasets"]:
            click.echo(f"{org['title']}\t{d['name']}\t{d['frekuensi']}\tlast update {d['last_update']}\t"
                       f"overdue {d['days_overdue']} days\t{d['maintainer_email'] or '-'}")
    click.echo(f"{report['overdue']} of {report['datasets']} datasets overdue")
    if notify:
        by_maintainer = quality.overdue_by_maintainer(report)
        for email, (name, ids) in sorted(by_maintainer.items()):
            notifications.enqueue_freshness(email, name, ids)
        click.echo(f"Queued {len(by_maintainer)} e-mails to Pengelola Data")
