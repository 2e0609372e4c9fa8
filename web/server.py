"""Run the app under gunicorn, the production WSGI server, from `dalil serve`."""
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
    _Server(app, {"bind": f"{host}:{port}", "workers": workers, "accesslog": "-"}).run()
