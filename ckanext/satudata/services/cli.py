"""``ckan satudata usage`` and ``ckan satudata freshness`` (for cron), added to
the ``satudata`` command group by ``cli.py``."""
from __future__ import annotations

import datetime

import click

__all__ = ["usage", "freshness"]


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value}")


@click.command("usage", short_help="Summarise views and downloads for the statistics")
@click.option("--start", help="first day to (re)summarise, YYYY-MM-DD (default: two days before the last summary)")
@click.option("--end", help="last day, YYYY-MM-DD (default: today)")
def usage(start: str | None, end: str | None):
    """Count the views and downloads recorded by the tracking plugin per
    dataset and day (distinct visitors), for /statistik and the API."""
    from ckanext.satudata.services import usage as usage_module
    result = usage_module.summarise(_date(start), _date(end))
    click.echo("Summarised {start} to {end}: {views} views, {downloads} downloads".format(**result))


@click.command("freshness", short_help="List overdue datasets; --notify e-mails their Pengelola")
@click.option("--notify", is_flag=True, help="queue an e-mail to the Pengelola Data of each overdue dataset")
def freshness(notify: bool):
    """Datasets whose data is older than their Frekuensi Penerbitan promises,
    per Instansi. With --notify each Pengelola Data gets one e-mail listing
    theirs (sent by the jobs worker)."""
    from ckanext.satudata.services import mail, quality
    context = {"ignore_auth": True, "user": ""}
    report = quality.report(context)
    for org in report["instansi"]:
        for d in org["overdue_datasets"]:
            click.echo(f"{org['title']}\t{d['name']}\t{d['frekuensi']}\tlast update {d['last_update']}\t"
                       f"overdue {d['days_overdue']} days\t{d['maintainer_email'] or '-'}")
    click.echo(f"{report['overdue']} of {report['datasets']} datasets overdue")
    if notify:
        by_maintainer = quality.overdue_by_maintainer(report)
        for email, (name, ids) in sorted(by_maintainer.items()):
            mail.enqueue_freshness(email, name, ids)
        click.echo(f"Queued {len(by_maintainer)} e-mails to Pengelola Data")
