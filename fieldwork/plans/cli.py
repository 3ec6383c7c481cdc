"""``fieldwork sample-size``: the sample-size policies from the command line (text or JSON)."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from . import sampling

POLICY_NAMES = (*sampling.POLICIES, sampling.HALF_YEAR)


@click.command("sample-size")
@click.option("--policy", required=True, type=click.Choice(POLICY_NAMES),
              help="qd2223-2025 (Slovin, Da Nang 2025), qd5489-2016, hue-2024, or half-year "
                   "(agencies serving only state bodies).")
@click.option("--dossiers", default=None, help="Dossiers a year, N (whole number >= 0).")
@click.option("--submissions-h1", default=None,
              help="half-year: submissions of one body in the first half-year.")
@click.option("--submissions-h2", default=None,
              help="half-year: submissions of one body in the second half-year.")
@click.option("--rounding", type=click.Choice(sampling.ROUNDINGS), default="floor",
              show_default=True,
              help="qd2223-2025 only: floor follows the decision's own example (259.74 -> 259).")
@click.option("--field", "fields", multiple=True, metavar="NAME=N",
              help="A field of the unit and its dossiers (repeat): n is computed on the sum "
                   "and shared over the fields by largest remainder.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@with_appcontext
def sample_size(policy, dossiers, submissions_h1, submissions_h2, rounding, fields, as_json):
    """Required sample for N dossiers under a policy, with the computation shown."""
    from .sampling_text import POLICY_LABELS, error_message, explain

    if fields:
        return _unit(policy, rounding, dossiers, fields, as_json)
    try:
        if policy == sampling.HALF_YEAR:
            if submissions_h1 is None or submissions_h2 is None:
                raise click.UsageError("half-year needs --submissions-h1 and --submissions-h2.")
            if dossiers is not None:
                raise click.UsageError("half-year takes --submissions-h1/--submissions-h2, "
                                       "not --dossiers.")
            result = sampling.half_year(submissions_h1, submissions_h2)
        else:
            if dossiers is None:
                raise click.UsageError(f"{policy} needs --dossiers N.")
            result = sampling.compute(policy, dossiers, rounding)
    except sampling.SampleSizeError as exc:
        raise click.UsageError(error_message(exc)) from None
    text = explain(result)
    required = sampling.at_least_one(result.required, result.dossiers)
    if policy == sampling.HALF_YEAR:
        required = result.required  # submissions of one body, not a unit's dossiers
    if as_json:
        out = {"policy": result.policy, "dossiers": result.dossiers,
               "exact": result.exact_float, "required": required,
               "policy_required": result.required,
               "rule": text["rule"], "formula": text["formula"]}
        if "margin" in result.params:
            out["margin"] = float(result.params["margin"])
            out["rounding"] = result.params["rounding"]
        if policy == sampling.HALF_YEAR:
            out["submissions_h1"], out["submissions_h2"] = (result.params["h1"],
                                                            result.params["h2"])
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    click.echo(f"{result.policy}: {POLICY_LABELS[result.policy]}")
    click.echo(text["formula"])
    click.echo(text["rule"])
    click.echo(f"=> {required}")


def _unit(policy, rounding, dossiers, fields, as_json) -> None:
    """``--field NAME=N ...``: n on the unit's N, shared over its fields."""
    from .sampling_text import POLICY_LABELS, error_message, explain

    if policy == sampling.HALF_YEAR or dossiers is not None:
        raise click.UsageError("--field takes the place of --dossiers, with a dossier policy.")
    rows: dict[str, object] = {}
    for item in fields:
        name, sep, count = item.rpartition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--field takes NAME=N, got {item!r}.")
        if name.strip() in rows:
            raise click.UsageError(f"field {name.strip()!r} is given twice.")
        rows[name.strip()] = count
    try:
        unit = sampling.for_unit(policy, rounding, rows)
    except sampling.SampleSizeError as exc:
        raise click.UsageError(error_message(exc)) from None
    text = explain(unit.result, unit)
    parts = [{"field": k, "dossiers": sampling.check_count(v), "required": unit.shares[k],
              "exact": round(float(unit.exact_shares[k]), 2), "raised": k in unit.raised}
             for k, v in rows.items()]
    if as_json:
        click.echo(json.dumps({
            "policy": policy, "dossiers": unit.result.dossiers,
            "exact": unit.result.exact_float, "policy_required": unit.result.required,
            "required": unit.required, "total": unit.total, "fields": parts,
            "rule": text["rule"], "formula": text["formula"]}, ensure_ascii=False))
        return
    click.echo(f"{policy}: {POLICY_LABELS[policy]}")
    click.echo(text["formula"])
    click.echo(text["rule"])
    for part in parts:
        click.echo(f"  {part['field']}: N = {part['dossiers']}, {part['exact']} -> "
                   f"{part['required']}{' (raised to 1)' if part['raised'] else ''}")
    click.echo(f"=> {unit.total}")


@click.command("notify-email")
@with_appcontext
def notify_email():
    """E-mail unsent in-app notifications (off unless PLANS_EMAIL_NOTIFICATIONS=1)."""
    from . import mail
    if not mail.enabled():
        click.echo("E-mail notifications are off (set PLANS_EMAIL_NOTIFICATIONS=1 and "
                   "PLANS_SMTP_HOST to enable); nothing sent.")
        return
    try:
        count = mail.send_pending()
    except OSError as exc:  # smtplib errors are OSErrors
        raise click.ClickException(f"cannot send e-mail: {exc}") from None
    click.echo(f"{count} notification(s) e-mailed.")


commands = [sample_size, notify_email]
