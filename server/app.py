"""The application, assembled explicitly: routes, middleware, error handlers.

``create_app()`` reads settings from the environment (what ``plenary serve`` runs in
each worker); tests pass their own settings.
"""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from server.api import ballots as ballot_api
from server.api import motions as motion_api
from server.api import routes as api
from server.auth.middleware import CsrfMiddleware, SessionMiddleware
from server.db.engine import make_engine, make_reading_sessionmaker, make_sessionmaker
from server.services.ballot_box import BallotBox
from server.services.errors import ActionRefused
from server.services.identity import SessionCheck
from server.services.notices import attach_app_mail
from server.settings import Settings
from server.views import account, admin, auth, bodies, errors, home, positions
from server.views import amendments as amendment_pages
from server.views import ballots as ballot_pages
from server.views import motions as motion_pages
from server.views import notifications as notification_pages
from server.views import threads as thread_pages
from server.views.groupings import GROUPING_API_ROUTES, GROUPING_PAGE_ROUTES
from server.views.render import STATIC_DIR

API_ROUTES = [
    # matched first (Starlette tries routes in order): what a whole electorate calls at once
    Route("/api/v1/ballots/{ballot_id:int}/votes", ballot_api.cast_vote, methods=["POST"]),
    Route("/api/v1/session", api.session, methods=["GET"]),
    Route("/api/v1/openapi.json", api.openapi, methods=["GET"]),
    Route("/api/v1/me", api.me, methods=["GET"]),
    Route("/api/v1/bodies", api.list_bodies, methods=["GET"]),
    Route("/api/v1/bodies/{body_id:int}", api.get_body, methods=["GET"]),
    Route("/api/v1/bodies/{body_id:int}/memberships", api.add_membership, methods=["POST"]),
    Route("/api/v1/bodies/{body_id:int}/memberships/{member_id:int}", api.remove_membership, methods=["DELETE"]),
    Route("/api/v1/members", api.list_members, methods=["GET"]),
    Route("/api/v1/members", api.create_member, methods=["POST"]),
    Route("/api/v1/positions", api.list_positions, methods=["GET"]),
    Route("/api/v1/bodies", api.create_body, methods=["POST"]),
    Route("/api/v1/bodies/{body_id:int}/memberships/{member_id:int}", api.change_membership_role, methods=["PATCH"]),
    Route("/api/v1/bodies/{body_id:int}/positions", api.create_position, methods=["POST"]),
    Route("/api/v1/positions/{position_id:int}/holders", api.record_holder, methods=["POST"]),
    Route("/api/v1/members/import", api.import_members, methods=["POST"]),
    Route("/api/v1/me/password", api.change_own_password, methods=["POST"]),
    Route("/api/v1/bodies/{body_id:int}/meetings", motion_api.list_meetings, methods=["GET"]),
    Route("/api/v1/bodies/{body_id:int}/meetings", motion_api.create_meeting, methods=["POST"]),
    Route("/api/v1/meetings/{meeting_id:int}", motion_api.get_meeting, methods=["GET"]),
    Route("/api/v1/meetings/{meeting_id:int}/motions", motion_api.create_motion, methods=["POST"]),
    Route("/api/v1/meetings/{meeting_id:int}/composites", motion_api.create_composite, methods=["POST"]),
    Route("/api/v1/motions/{motion_id:int}", motion_api.get_motion, methods=["GET"]),
    Route("/api/v1/motions/{motion_id:int}", motion_api.save_motion, methods=["PUT"]),
    Route("/api/v1/motions/{motion_id:int}/versions", motion_api.list_versions, methods=["GET"]),
    Route("/api/v1/motions/{motion_id:int}/diff", motion_api.diff_versions, methods=["GET"]),
    Route("/api/v1/motions/{motion_id:int}/actions/{action}", motion_api.motion_action, methods=["POST"]),
    Route("/api/v1/motions/{motion_id:int}/amendments", motion_api.list_amendments, methods=["GET"]),
    Route("/api/v1/motions/{motion_id:int}/amendments", motion_api.propose_amendment, methods=["POST"]),
    Route("/api/v1/amendments/{amendment_id:int}", motion_api.get_amendment, methods=["GET"]),
    Route("/api/v1/amendments/{amendment_id:int}/actions/{action}", motion_api.amendment_action, methods=["POST"]),
    Route("/api/v1/motions/{motion_id:int}/posts", motion_api.list_posts, methods=["GET"]),
    Route("/api/v1/motions/{motion_id:int}/posts", motion_api.write_post, methods=["POST"]),
    Route("/api/v1/amendments/{amendment_id:int}/posts", motion_api.list_posts, methods=["GET"]),
    Route("/api/v1/amendments/{amendment_id:int}/posts", motion_api.write_post, methods=["POST"]),
    Route("/api/v1/posts/{post_id:int}", motion_api.edit_post, methods=["PATCH"]),
    Route("/api/v1/posts/{post_id:int}/hide", motion_api.hide_post, methods=["POST"]),
    Route("/api/v1/notifications", motion_api.list_notifications, methods=["GET"]),
    Route("/api/v1/notifications/read", motion_api.read_notifications, methods=["POST"]),
    Route("/api/v1/bodies/{body_id:int}/ballots", ballot_api.list_ballots, methods=["GET"]),
    Route("/api/v1/bodies/{body_id:int}/ballots", ballot_api.create_ballot, methods=["POST"]),
    Route("/api/v1/ballots/{ballot_id:int}", ballot_api.get_ballot, methods=["GET"]),
    Route("/api/v1/ballots/{ballot_id:int}/actions/{action}", ballot_api.ballot_action, methods=["POST"]),
    Route("/api/v1/ballots/{ballot_id:int}/proxy", ballot_api.withdraw_proxy, methods=["DELETE"]),
    Route("/api/v1/ballots/{ballot_id:int}/turnout", ballot_api.turnout, methods=["GET"]),
    Route("/api/v1/ballots/{ballot_id:int}/roll", ballot_api.roll, methods=["GET"]),
    Route("/api/v1/ballots/{ballot_id:int}/result", ballot_api.result, methods=["GET"]),
    Route("/api/v1/ballots/{ballot_id:int}/record", ballot_api.record, methods=["GET"]),
    Route("/api/v1/ballots/{ballot_id:int}/receipts", ballot_api.receipt, methods=["POST"]),
    Route("/api/v1/ballots/{ballot_id:int}/receipts/{code}", ballot_api.receipt_in_address, methods=["GET"]),
]

BALLOT_PAGE_ROUTES = [
    Route("/bodies/{slug}/ballots", ballot_pages.body_ballots_page, methods=["GET"]),
    Route("/bodies/{slug}/ballots", ballot_pages.create_ballot, methods=["POST"]),
    Route("/ballots/{ballot_id:int}", ballot_pages.ballot_page, methods=["GET"]),
    Route("/ballots/{ballot_id:int}/vote", ballot_pages.cast_vote, methods=["POST"]),
    Route("/ballots/{ballot_id:int}/open", ballot_pages.open_ballot, methods=["POST"]),
    Route("/ballots/{ballot_id:int}/close", ballot_pages.close_ballot, methods=["POST"]),
    Route("/ballots/{ballot_id:int}/count", ballot_pages.count_again, methods=["POST"]),
    Route("/ballots/{ballot_id:int}/proxy", ballot_pages.appoint_proxy, methods=["POST"]),
    Route("/ballots/{ballot_id:int}/proxy/withdraw", ballot_pages.withdraw_proxy, methods=["POST"]),
    Route("/ballots/{ballot_id:int}/withdraw-candidate", ballot_pages.withdraw_candidate, methods=["POST"]),
    Route("/ballots/{ballot_id:int}/casting-vote", ballot_pages.give_casting_vote, methods=["POST"]),
    Route("/ballots/{ballot_id:int}/hand-count", ballot_pages.enter_hand_count, methods=["POST"]),
    Route("/ballots/{ballot_id:int}/confirm", ballot_pages.confirm_hand_count, methods=["POST"]),
    Route("/ballots/{ballot_id:int}/publish", ballot_pages.publish_hand_count, methods=["POST"]),
    Route("/ballots/{ballot_id:int}/roll", ballot_pages.roll_page, methods=["GET"]),
    Route("/ballots/{ballot_id:int}/turnout", ballot_pages.turnout_fragment, methods=["GET"]),
    Route("/ballots/{ballot_id:int}/turnout/stream", ballot_pages.turnout_stream, methods=["GET"]),
    Route("/ballots/{ballot_id:int}/result", ballot_pages.result_page, methods=["GET"]),
    Route("/ballots/{ballot_id:int}/record.{suffix:str}", ballot_pages.record_download, methods=["GET"]),
    Route("/ballots/{ballot_id:int}/report.txt", ballot_pages.report_download, methods=["GET"]),
    Route("/ballots/{ballot_id:int}/receipt", ballot_pages.receipt_page, methods=["GET", "POST"]),
]

MOTION_PAGE_ROUTES = [
    Route("/bodies/{slug}/meetings", motion_pages.meetings_page, methods=["GET"]),
    Route("/bodies/{slug}/meetings", motion_pages.create_meeting, methods=["POST"]),
    Route("/meetings/{meeting_id:int}", motion_pages.meeting_page, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/motions", motion_pages.create_motion, methods=["POST"]),
    Route("/meetings/{meeting_id:int}/composites", motion_pages.create_composite, methods=["POST"]),
    Route("/motions/{motion_id:int}", motion_pages.motion_page, methods=["GET"]),
    Route("/motions/{motion_id:int}/edit", motion_pages.edit_page, methods=["GET"]),
    Route("/motions/{motion_id:int}/edit", motion_pages.save_motion, methods=["POST"]),
    Route("/motions/{motion_id:int}/versions", motion_pages.versions_page, methods=["GET"]),
    Route("/motions/{motion_id:int}/amendments", motion_pages.propose_amendment, methods=["POST"]),
    Route("/motions/{motion_id:int}/thread", thread_pages.thread_fragment, methods=["GET"]),
    Route("/motions/{motion_id:int}/posts", thread_pages.write_post, methods=["POST"]),
    Route("/motions/{motion_id:int}/{action}", motion_pages.motion_action, methods=["POST"]),
    Route("/amendments/{amendment_id:int}", amendment_pages.amendment_page, methods=["GET"]),
    Route("/amendments/{amendment_id:int}/thread", thread_pages.thread_fragment, methods=["GET"]),
    Route("/amendments/{amendment_id:int}/posts", thread_pages.write_post, methods=["POST"]),
    Route("/amendments/{amendment_id:int}/{action}", amendment_pages.amendment_action, methods=["POST"]),
    Route("/posts/{post_id:int}", thread_pages.post_page, methods=["GET"]),
    Route("/posts/{post_id:int}/edit", thread_pages.edit_post, methods=["POST"]),
    Route("/posts/{post_id:int}/hide", thread_pages.hide_post, methods=["POST"]),
    Route("/notifications", notification_pages.notifications_page, methods=["GET"]),
    Route("/notifications/read", notification_pages.mark_read, methods=["POST"]),
]

PAGE_ROUTES = [
    Route("/", auth.front_page, methods=["GET"]),
    Route("/home", home.home_page, methods=["GET"]),
    Route("/sign-in", auth.sign_in_page, methods=["GET"]),
    Route("/sign-in", auth.sign_in, methods=["POST"]),
    Route("/sign-out", auth.sign_out, methods=["POST"]),
    Route("/account", account.account_page, methods=["GET"]),
    Route("/account/identities", account.save_identities, methods=["POST"]),
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
    *MOTION_PAGE_ROUTES,
    *BALLOT_PAGE_ROUTES,
    Mount("/static", app=StaticFiles(directory=STATIC_DIR, check_dir=False), name="static"),
]

# issue 7 (groupings, docs/groupings.md): its API joins the documented API list, its pages the pages
API_ROUTES += GROUPING_API_ROUTES
PAGE_ROUTES += GROUPING_PAGE_ROUTES


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)
    ballot_box = BallotBox(sessions, settings.secret_key.encode())

    @asynccontextmanager
    async def lifespan(_app: Starlette):
        # what is loaded by now (modules, mappers, compiled templates) is never garbage: frozen, the
        # cyclic collector stops walking it, and its full collections stop being the votes' slowest moments
        gc.freeze()
        yield
        await engine.dispose()

    app = Starlette(
        routes=API_ROUTES + PAGE_ROUTES,
        middleware=[
            Middleware(SessionMiddleware, settings=settings, sessions=sessions,
                       check=SessionCheck(settings, make_reading_sessionmaker(engine))),
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
    app.state.ballot_box = ballot_box
    attach_app_mail(app)  # issue 7: services email notices at once (ballot notices)
    return app
