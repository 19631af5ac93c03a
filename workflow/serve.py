"""`pamphlet serve`: the web edition on 127.0.0.1 for preview, rebuilt as files are saved."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from workflow.builders.site import SITE_DIR
from workflow.config import load_project
from workflow.watch import Event, watch

HOST = "127.0.0.1"  # a preview: never on another interface


class SiteHandler(SimpleHTTPRequestHandler):
    """Files of build/site/ only (no link followed out of it), never cached, not logged."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".atom":
                      "application/atom+xml", ".woff2": "font/woff2", ".svg": "image/svg+xml",
                      ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                      ".txt": "text/plain; charset=utf-8", ".xml": "application/xml"}

    def translate_path(self, path: str) -> str:
        translated = Path(super().translate_path(path))
        root = Path(self.directory).resolve()
        resolved = translated.resolve()
        if resolved != root and root not in resolved.parents:
            return str(root / "\0refused")  # outside the site: answered 404
        return str(translated)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass


def start_server(site: Path, port: int) -> ThreadingHTTPServer:
    """An HTTP server for `site` on 127.0.0.1, answering in a thread of its own."""
    site.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(SiteHandler, directory=str(site))
    server = ThreadingHTTPServer((HOST, port), handler)
    threading.Thread(target=server.serve_forever, name="pamphlet-serve", daemon=True).start()
    return server


def serve(root: Path, port: int = 8000, jobs: int = 1,
          tell: Callable[[Event], None] = lambda event: None,
          stop: threading.Event | None = None) -> None:
    """Serve build/site/ and rebuild the draft PDFs and the site after every burst of
    saves (as `watch` does), until `stop` is set or Ctrl-C."""
    project = load_project(root)
    server = start_server(project.build / SITE_DIR, port)
    try:
        tell(Event("watching", f"serving http://{HOST}:{server.server_address[1]}/"))
        watch(root, jobs=jobs, tell=tell, stop=stop, site=True)
    finally:
        server.shutdown()
        server.server_close()
