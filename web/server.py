"""Run the app under gunicorn, the production WSGI server, from `dalil serve`."""
import logging

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, app, options):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def serve_with_gunicorn(app, host="127.0.0.1", port=8000, workers=2):
    """Serve ``app`` on host:port with ``workers`` processes until interrupted."""
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [%(process)d] %(name)s: %(message)s")
    watcher = app.extensions.get("dalil_watcher")
    options = {"bind": f"{host}:{port}", "workers": workers, "accesslog": "-"}
    if watcher is not None and watcher.running:
        # The master only supervises: each worker watches the articles itself, from the
        # moment it is forked (a thread does not survive fork).
        watcher.stop()
        options["post_fork"] = lambda server, worker: watcher.ensure_running()
    _Server(app, options).run()
