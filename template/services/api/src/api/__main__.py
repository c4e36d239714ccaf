"""Entry point: `python -m api` (what the container runs)."""

from __future__ import annotations

import logging
import sys

from api.app import create_app
from api.config import ConfigError, load_settings
from api.logs import configure_logging
from api.server import serve


def main() -> int:
    configure_logging()
    try:
        settings = load_settings()
    except ConfigError as error:
        logging.getLogger("api").error(str(error))
        return 2
    configure_logging(settings.log_level)
    serve(create_app(settings), settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
