"""Jinja filters and globals: Indonesian dates in WIB, role labels."""
from flask import Flask

from portal.core.dates import format_date_id, format_datetime_id


def init_templating(app: Flask) -> None:
    from portal.flows.roles import ROLES

    app.jinja_env.filters["tanggal"] = format_date_id
    app.jinja_env.filters["waktu"] = format_datetime_id
    app.jinja_env.filters["role_label"] = lambda code: ROLES.get(code, code)
    app.jinja_env.globals["ROLES"] = ROLES
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions

    def nav_items():
        from flask_login import current_user

        from portal.home.menu import menu_for

        return menu_for(current_user) if current_user.is_authenticated else []

    app.jinja_env.globals["nav_items"] = nav_items
