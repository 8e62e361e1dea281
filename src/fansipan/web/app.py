"""Mount the dashboard on the application: pages, static files, templates."""

from __future__ import annotations

from fastapi import FastAPI

from fansipan.web.assets import Assets
from fansipan.web.importing import HubImporter
from fansipan.web.pages import problem_page
from fansipan.web.templating import make_environment
from fansipan.web.views import (
    account,
    admin_approvals,
    admin_audit,
    admin_catalogue,
    admin_clients,
    admin_connectors,
    admin_indicator,
    admin_indicator_form,
    admin_people,
    admin_reorganise,
    admin_systems,
    admin_units,
    alerts,
    api_docs,
    directives,
    dossiers,
    entry,
    feedback,
    imports,
    inbox,
    indicators,
    overview,
    reports,
    sectors,
    sso,
    static,
    targets,
    tasks,
    units,
    wall,
)


def install_web(app: FastAPI) -> None:
    assets = Assets()
    app.state.web_assets = assets
    app.state.web_templates = make_environment(assets)
    app.state.web_importer = HubImporter()
    app.state.error_page = problem_page  # a browser's error outside a page route
    for module in (static, api_docs, account, sso, overview, indicators, units, sectors,
                   targets, entry, imports, feedback, inbox, dossiers, tasks, directives,
                   reports, alerts, wall, admin_people, admin_approvals, admin_systems,
                   admin_clients, admin_connectors, admin_audit, admin_catalogue,
                   admin_indicator_form, admin_indicator, admin_reorganise, admin_units):
        app.include_router(module.router)
