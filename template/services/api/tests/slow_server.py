"""The service plus one route that stays in flight until the test releases it.

Started as a subprocess by test_shutdown.py, so the real server, signals and drain are tested.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

from api.app import create_app
from api.config import load_settings
from api.logs import configure_logging
from api.server import serve


def main() -> None:
    configure_logging("info")
    settings = load_settings()
    app = create_app(settings)
    release = Path(os.environ["TEST_RELEASE_FILE"])

    @app.get("/test/slow")
    async def slow() -> dict[str, str]:
        logging.getLogger("api.test").info("slow request started")
        while not release.exists():  # noqa: ASYNC110, ASYNC240 (polling a file is the point)
            await asyncio.sleep(0.02)
        return {"status": "finished"}

    serve(app, settings)


if __name__ == "__main__":
    main()
