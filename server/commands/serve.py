"""``plenary serve``: run the web app with uvicorn."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="serve the web app (run `plenary migrate` first)")
    parser.add_argument("--host", help="address to listen on (default PLENARY_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default PLENARY_PORT or 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from server.settings import Settings

    settings = Settings.from_env()  # fail here, once, on a bad setting; creates the key file
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
    )
    return 0
