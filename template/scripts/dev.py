#!/usr/bin/env python3
"""Usage: scripts/dev.py TARGET...   (what `make dev` runs, with each component's DEV_TARGETS)

Runs every TARGET at once (a make target that serves one component in the foreground; each
component's make/*.mk adds its own to DEV_TARGETS), prints their output interleaved with a label
per line, and stops all of them on Ctrl-C, on SIGTERM, or when one of them exits.

Each target runs in its own process group, so stopping it reaches every process it started
(package manager, dev server, runtime, reloader) and nothing is left listening afterwards.
Environment: DEV_STOP_SECONDS (default 10) is how long a component may take to stop before it
is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

COLOURS = ("36", "35", "33", "32", "34", "31")


def label_for(target: str, width: int, index: int) -> str:
    label = target.removesuffix("-dev").ljust(width)
    if sys.stdout.isatty() and "NO_COLOR" not in os.environ:
        return f"\033[{COLOURS[index % len(COLOURS)]}m{label} |\033[0m "
    return f"{label} | "


def pump(stream, label: str, lock: threading.Lock) -> None:
    """Copy a child's output line by line, each line prefixed with its label."""
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        with lock:
            sys.stdout.write(f"{label}{line}\n")
            sys.stdout.flush()
    stream.close()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def stop(children: dict[str, subprocess.Popen], grace: float) -> None:
    """SIGTERM every group, wait up to `grace` seconds for all of them, then SIGKILL what is left."""
    for child in children.values():
        signal_group(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        for child in children.values():
            child.poll()  # reap the group leaders, so a finished group really is empty
        if not any(group_alive(child.pid) for child in children.values()):
            return
        time.sleep(0.1)
    for name, child in children.items():
        if group_alive(child.pid):
            print(f"dev: {name} did not stop within {grace:g}s: killing it", file=sys.stderr, flush=True)
            signal_group(child.pid, signal.SIGKILL)
    for child in children.values():
        child.wait()


def main(targets: list[str]) -> int:
    if not targets:
        print("usage: scripts/dev.py TARGET...  (no component of this project has a dev server)", file=sys.stderr)
        return 64
    make = os.environ.get("MAKE", "make")
    grace = float(os.environ.get("DEV_STOP_SECONDS", "10"))
    # Opt out of the dev servers' usage telemetry (a developer's own settings win).
    env = {"WRANGLER_SEND_METRICS": "false", "ASTRO_TELEMETRY_DISABLED": "1", **os.environ}
    width = max(len(t.removesuffix("-dev")) for t in targets)
    lock = threading.Lock()
    stopping = threading.Event()
    reason: list[str] = []

    def on_signal(signum: int, _frame) -> None:
        if not stopping.is_set():
            reason.append(signal.Signals(signum).name)
        stopping.set()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    children: dict[str, subprocess.Popen] = {}
    pumps = []
    for index, target in enumerate(targets):
        child = subprocess.Popen(
            [make, "--no-print-directory", target],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: Ctrl-C reaches it through us only
        )
        children[target] = child
        thread = threading.Thread(target=pump, args=(child.stdout, label_for(target, width, index), lock), daemon=True)
        thread.start()
        pumps.append(thread)

    print(f"dev: started {', '.join(targets)}; Ctrl-C stops all of them", flush=True)
    status = 0
    while not stopping.wait(0.2):
        for target, child in children.items():
            if child.poll() is not None:
                print(f"dev: {target} exited with status {child.returncode}: stopping the others", flush=True)
                status = 1
                stopping.set()
                break
    if reason:
        print(f"dev: {reason[0]}: stopping {', '.join(targets)}", flush=True)
    stop(children, grace)
    for thread in pumps:
        thread.join(timeout=2)
    print("dev: stopped", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
