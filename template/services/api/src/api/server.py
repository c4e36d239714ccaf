"""Run the app under uvicorn with Kubernetes-friendly shutdown.

On SIGTERM: readiness turns to 503, the listening socket closes (no new connections),
in-flight requests get up to API_DRAIN_SECONDS to finish, then the process exits 0.
Kubernetes has already stopped routing new traffic during the pod's preStop delay.
"""

from __future__ import annotations

import logging
import signal
import socket
from types import FrameType

import uvicorn
from fastapi import FastAPI

from api.app import State
from api.config import Settings

log = logging.getLogger("api.server")


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, state: State) -> None:
        super().__init__(config)
        self.state = state
        self.signal_name = "none"

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # A signal handler must not log: it can interrupt a write to stdout and the nested
        # write fails. Set flags only; shutdown() below logs from the event loop.
        self.state.draining = True
        self.signal_name = signal.Signals(sig).name
        super().handle_exit(sig, frame)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        log.info(
            "shutdown requested: draining in-flight requests",
            extra={
                "signal": self.signal_name,
                "in_flight": len(self.server_state.tasks),
                "drain_seconds": self.config.timeout_graceful_shutdown,
            },
        )
        await super().shutdown(sockets)


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    # uvicorn re-raises the signal it caught once it has drained; by then exiting is the plan.
    raise SystemExit(0)


def serve(app: FastAPI, settings: Settings) -> None:
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,  # logging is configured by api.logs (JSON on stdout)
        access_log=False,  # the middleware logs each request with its route and request id
        timeout_graceful_shutdown=settings.drain_seconds,
        server_header=False,
    )
    signal.signal(signal.SIGTERM, _exit_cleanly)
    DrainingServer(config, app.state.api).run()
