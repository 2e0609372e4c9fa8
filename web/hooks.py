"""App-wide request hooks: the request's language (and the cookie that remembers a
reader's choice), the security headers of every response, and what every template
may use — among it the one language switch."""
import functools
from urllib.parse import quote, urlencode

from flask import current_app, g, request, url_for

from . import csrf
from .i18n import DEFAULT_LANG, DIRECTIONS, LANG_COOKIE, LANGS, chosen_lang, other_lang, t

__all__ = ["register", "switch_url", "content_security_policy", "CONTENT_SECURITY_POLICY"]

# Query arguments that announce what just happened (?feedback=thanks, ?removed=1): the
# same page in the other language is not where it happened.
NOTICES = ("feedback", "removed")


def switch_url():
    """Return the URL of this page in the other language: its path (the language is its
    first segment on the help center's pages, ``?lang=`` elsewhere) and its query (a
    search, a queue's filter, a period of the insights) — for a page one can GET; the
    home page otherwise."""
    other = other_lang(g.get("lang", DEFAULT_LANG))
    if request.method != "GET" or request.endpoint in (None, "static"):
        return url_for("help_center.home", lang=other)
    # Nothing of ours starts with "_" (Flask's url_for keeps such names for itself).
    query = [(key, value) for key, value in request.args.items(multi=True)
             if key != "lang" and key not in NOTICES and not key.startswith("_")]
    path = request.path
    if request.blueprint == "help_center":
        rest = path.split("/", 2)[2] if path.count("/") >= 2 else ""
        path = f"/{other}/{rest}"
    else:
        query.append(("lang", other))
    url = request.script_root + quote(path)
    return f"{url}?{urlencode(query)}" if query else url


def _lang_of_the_request():
    # The help center's pages take theirs from the path (web/help_center.py).
    if request.blueprint != "help_center":
        g.lang = chosen_lang()


def _remember_lang(response):
    chosen = g.get("lang")
    if chosen and request.cookies.get(LANG_COOKIE) != chosen and (
            request.blueprint == "help_center" or request.args.get("lang") in LANGS):
        response.set_cookie(LANG_COOKIE, chosen, samesite="Lax",
                            max_age=current_app.config["LANG_COOKIE_MAX_AGE"])
    return response


# Every HTML page runs only this site's own files (no inline script or style anywhere:
# templates carry data-* attributes, the scripts read them), posts forms only here and is
# framed by nobody — the widget is embedded by a script tag, not a frame. Images may come
# from https: because writers may link one in an article (kb/render.py allows it); an
# image cannot run anything.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'{extra}; style-src 'self'{extra}; "
    "img-src 'self' data: https:; connect-src 'self'{extra}; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def content_security_policy():
    """Return the Content-Security-Policy of the site's HTML pages: its own origin, and
    PUBLIC_URL's when one is set (the chat page's widget talks to it)."""
    return _policy_for(current_app.config.get("PUBLIC_URL") or "")


@functools.lru_cache(maxsize=8)
def _policy_for(public):
    """The policy for the PUBLIC_URL ``public`` (worked out once, not per page)."""
    public = public.strip()
    origin = ("/".join(public.split("/")[:3])
              if public.startswith(("https://", "http://")) else "")
    # Only an origin of plain URL characters goes into the header (no "; script-src *").
    safe = origin and all(ch.isascii() and ch.isprintable() and ch not in " ;,'\""
                          for ch in origin)
    return CONTENT_SECURITY_POLICY.format(extra=f" {origin}" if safe else "")


def _private(path):
    """Return whether ``path`` is the agents' (a page or the API): never kept in a cache."""
    return path.startswith(("/agent/", "/api/agent/")) or path in ("/agent", "/status")


def _security_headers(response):
    # No sniffing a served file into HTML; no framing of the site's pages anywhere.
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if response.mimetype == "text/html":
        # setdefault: a response that chose its own policy keeps it.
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
    if _private(request.path):
        # A queue, a transcript, contact details: not for a shared cache, nor the
        # browser's back button after signing out.
        response.headers["Cache-Control"] = "no-store"
    return response


def _page_context():
    lang = g.get("lang", DEFAULT_LANG)
    return {"lang": lang, "dir": DIRECTIONS[lang], "other_lang": other_lang(lang),
            "t": lambda key, **values: t(key, lang, **values),
            "switch_url": switch_url(), "csrf_token": csrf.token}


def register(app):
    """Install the hooks on ``app``."""
    app.before_request(_lang_of_the_request)
    app.after_request(_remember_lang)
    app.after_request(_security_headers)
    app.context_processor(_page_context)
