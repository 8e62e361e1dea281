"""Jinja2 templates with the page helpers every template may use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from fansipan import locale
from fansipan.web import days, formatting
from fansipan.web.assets import Assets
from fansipan.web.i18n import translate
from fansipan.web.labels import label, labels

TEMPLATE_DIR = Path(__file__).parent / "templates"


def json_script(value: object) -> Markup:
    """JSON safe inside `<script type="application/json">`: no `</script>` can close it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e")  # noqa: S704
                  .replace("&", "\\u0026"))


def make_environment(assets: Assets) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a misspelt variable fails the tests, not the viewer
        trim_blocks=True,
        lstrip_blocks=True,
        # gettext in templates: `{{ _('Sign in') }}`, `{{ pgettext('field', 'period') }}`;
        # the callables come with each page, bound to its language (see `helpers`).
        extensions=["jinja2.ext.i18n"],
    )
    env.globals["static"] = assets.url
    env.globals["plotly_map_style_id"] = lambda: assets.plotly_map_style_id or ""
    env.filters["json_script"] = json_script
    return env


def helpers(lang: str) -> dict[str, Any]:
    """The functions a template calls, bound to the page's language.

    `_`, `gettext`, `pgettext` and `ngettext` fill `{name}` placeholders from keyword
    arguments, the one placeholder style of the whole catalogue (Python code too).
    """
    return {
        "_": lambda text, **kw: locale.tr(lang, text, **kw),
        # Keyed words of the task, report, alert and citizens' pages (web/i18n.py).
        "t": lambda key, **kw: translate(key, lang, **kw),
        "gettext": lambda text, **kw: locale.tr(lang, text, **kw),
        "pgettext": lambda ctx, text, **kw: locale.tr_p(lang, ctx, text, **kw),
        "ngettext": lambda one, many, n, **kw: locale.tr_n(lang, one, many, n, **kw),
        "say": lambda text: locale.say(text, lang),
        "field_label": lambda name: locale.field_label(name, lang),
        "label": lambda kind, code: label(kind, code, lang),
        "labels": lambda kind, codes: labels(kind, codes, lang),
        "num": lambda v, d=0: formatting.number(v, formatting.value_decimals(v, d), lang),
        "pct": lambda v, d=1: formatting.percent(v, lang, d),
        "share": lambda v: formatting.share(v, lang),
        "period_name": lambda code: formatting.period_name(code, lang),
        "lateness": lambda v: formatting.lateness(v, lang),
        "signed": lambda v, d=0: formatting.signed(v, d, lang),
        "signed_pct": lambda v: formatting.signed_percent(v, lang),
        "change_text": lambda c, p, ind: formatting.change_text(c, p, ind, lang),
        "day": lambda v: formatting.day(v, lang),
        "shown_day": days.shown_day,
        "day_pattern": days.PATTERN,
        "moment": lambda v: formatting.moment(v, lang),
        "ago": lambda v: formatting.ago(v, lang),
        "trend_class": formatting.trend_class,
        "plain": lambda v: formatting.plain(v, lang),
        "exact": lambda v: formatting.exact(v, lang),
        "lang": lang,
    }
