"""The application, assembled explicitly: routes, middleware, error handlers.

``create_app()`` reads settings from the environment (what ``plenary serve`` runs in
each worker); tests pass their own settings.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from server.api import routes as api
from server.auth.middleware import CsrfMiddleware, SessionMiddleware
from server.db.engine import make_engine, make_sessionmaker
from server.services.errors import ActionRefused
from server.settings import Settings
from server.views import account, admin, auth, bodies, errors, home, positions
from server.views.render import STATIC_DIR

API_ROUTES = [
    Route("/api/v1/openapi.json", api.openapi, methods=["GET"]),
    Route("/api/v1/me", api.me, methods=["GET"]),
    Route("/api/v1/bodies", api.list_bodies, methods=["GET"]),
    Route("/api/v1/bodies/{body_id:int}", api.get_body, methods=["GET"]),
    Route("/api/v1/bodies/{body_id:int}/memberships", api.add_membership, methods=["POST"]),
    Route("/api/v1/bodies/{body_id:int}/memberships/{member_id:int}", api.remove_membership, methods=["DELETE"]),
    Route("/api/v1/members", api.list_members, methods=["GET"]),
    Route("/api/v1/members", api.create_member, methods=["POST"]),
    Route("/api/v1/positions", api.list_positions, methods=["GET"]),
]

PAGE_ROUTES = [
    Route("/", auth.front_page, methods=["GET"]),
    Route("/home", home.home_page, methods=["GET"]),
    Route("/sign-in", auth.sign_in_page, methods=["GET"]),
    Route("/sign-in", auth.sign_in, methods=["POST"]),
    Route("/sign-out", auth.sign_out, methods=["POST"]),
    Route("/account/password", account.password_page, methods=["GET"]),
    Route("/account/password", account.change_password, methods=["POST"]),
    Route("/bodies/{slug}", bodies.body_page, methods=["GET"]),
    Route("/bodies/{slug}/members", bodies.add_member, methods=["POST"]),
    Route("/bodies/{slug}/members/{member_id:int}/remove", bodies.remove_member, methods=["POST"]),
    Route("/bodies/{slug}/positions", positions.add_position, methods=["POST"]),
    Route("/bodies/{slug}/holders", positions.add_holder, methods=["POST"]),
    Route("/admin", admin.admin_page, methods=["GET"]),
    Route("/admin/members/new", admin.new_member_page, methods=["GET"]),
    Route("/admin/members/new", admin.create_member, methods=["POST"]),
    Route("/admin/members/import", admin.import_page, methods=["GET"]),
    Route("/admin/members/import", admin.import_members, methods=["POST"]),
    Route("/admin/bodies/new", admin.new_body_page, methods=["GET"]),
    Route("/admin/bodies/new", admin.create_body, methods=["POST"]),
    Mount("/static", app=StaticFiles(directory=STATIC_DIR, check_dir=False), name="static"),
]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)

    @asynccontextmanager
    async def lifespan(_app: Starlette):
        yield
        await engine.dispose()

    app = Starlette(
        routes=API_ROUTES + PAGE_ROUTES,
        middleware=[
            Middleware(SessionMiddleware, settings=settings, sessions=sessions),
            Middleware(CsrfMiddleware, settings=settings),
        ],
        exception_handlers={
            ActionRefused: errors.refused,
            HTTPException: errors.http_error,
            Exception: errors.server_error,
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    return app
