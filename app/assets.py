"""Front-end bundles with webassets: htmx, uPlot and tus-js-client (from npm, pinned in
package.json) plus our JS and CSS (minified with rjsmin and rcssmin).

Every page loads the core "js" bundle (htmx and our small core code); a page that needs more
names its bundle in its ``scripts`` block: "charts" (uPlot, with "charts_css"), "upload"
(tus-js-client) and "plates" (the plate calculator, shared with Node's tests). Built into
static/gen/ with a content hash in the name, so a deploy never mixes old and new, each with a
gzipped twin (name.gz) served to browsers that take gzip: neither gunicorn nor Heroku's router
compresses anything.
"""

from __future__ import annotations

import gzip
import mimetypes
from pathlib import Path

from flask import Flask, current_app, request, send_from_directory, url_for
from webassets import Bundle, Environment

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"


def bundles() -> dict[str, Bundle]:
    """Our named bundles, made new for each Environment: webassets binds a Bundle to the last
    Environment that registers it, so bundles shared by two apps in one process (tests) would
    build and name their files from the other app's static folder."""
    return {
        "js": Bundle(
            str(NODE_MODULES / "htmx.org/dist/htmx.min.js"),
            Bundle("js/app.js", "js/offline.js", filters="rjsmin"),
            output="gen/app.%(version)s.js",
        ),
        "charts": Bundle(
            str(NODE_MODULES / "uplot/dist/uPlot.iife.min.js"),
            Bundle("js/charts.js", filters="rjsmin"),
            output="gen/charts.%(version)s.js",
        ),
        "charts_css": Bundle(
            str(NODE_MODULES / "uplot/dist/uPlot.min.css"),
            output="gen/charts.%(version)s.css",
        ),
        "upload": Bundle(
            str(NODE_MODULES / "tus-js-client/dist/tus.min.js"),
            Bundle("js/upload.js", filters="rjsmin"),
            output="gen/upload.%(version)s.js",
        ),
        "plates": Bundle(
            Bundle("js/plates.js", "js/plate-calculator.js", filters="rjsmin"),
            output="gen/plates.%(version)s.js",
        ),
        "css": Bundle(
            "css/app.css",
            "css/tools.css",
            "css/admin.css",
            filters="rcssmin",
            output="gen/app.%(version)s.css",
        ),
    }


BUNDLE_NAMES = tuple(bundles())


def build_environment(app: Flask) -> Environment:
    """A webassets Environment over app/static with our named bundles registered."""
    env = Environment(directory=app.static_folder, url=app.static_url_path)
    env.versions = "hash"
    env.manifest = "json:gen/manifest.json"
    env.cache = False
    env.auto_build = app.config.get("ASSETS_AUTO_BUILD", True)
    env.url_expire = False
    for name, bundle in bundles().items():
        env.register(name, bundle)
    return env


def init_app(app: Flask) -> None:
    app.extensions["assets"] = build_environment(app)

    @app.context_processor
    def inject_asset_urls():
        return {"asset_urls": asset_urls}

    app.jinja_env.globals["static_url"] = static_url  # globals: macros can use them too
    app.jinja_env.globals["fixed_url"] = fixed_url
    _serve_precompressed(app)


def _serve_precompressed(app: Flask) -> None:
    """Answer /static/gen/<file> with <file>.gz (Content-Encoding: gzip) when the browser takes
    gzip and the twin exists (written by build()); anything else as Flask's static view does."""
    plain = app.view_functions["static"]

    def static(filename: str):
        twin = Path(app.static_folder, filename + ".gz")
        if not filename.startswith("gen/"):
            return plain(filename=filename)
        if request.accept_encodings["gzip"] and twin.is_file():
            response = send_from_directory(
                app.static_folder,
                filename + ".gz",
                mimetype=mimetypes.guess_type(filename)[0],
                max_age=app.get_send_file_max_age(filename),
            )
            response.content_encoding = "gzip"
        else:
            response = plain(filename=filename)
        response.vary.add("Accept-Encoding")
        return response

    app.view_functions["static"] = static


def asset_urls(name: str) -> list[str]:
    """URLs of the built bundle ``name`` (one of BUNDLE_NAMES), building it first if allowed.
    Without auto-build (production) the URLs can't change while the process runs: cached."""
    env = current_app.extensions["assets"]
    if env.auto_build:
        return env[name].urls()
    cache = current_app.extensions.setdefault("asset_urls", {})
    if name not in cache:
        cache[name] = env[name].urls()
    return cache[name]


def static_url(filename: str) -> str:
    """url_for('static', filename=...), remembered (see fixed_url): a page draws the icon
    sprite a dozen times."""
    return fixed_url("static", filename=filename)


def fixed_url(endpoint: str, **values) -> str:
    """url_for(endpoint, **values) for a URL that cannot change while the process runs (the
    tabs, the sign-out form, a static file), remembered per script root: every page links
    the same ones, and url_for costs tens of microseconds a call. Constant values only: the
    memo keeps every URL asked for."""
    cache = current_app.extensions.setdefault("fixed_urls", {})
    key = (request.script_root, endpoint, *sorted(values.items()))
    url = cache.get(key)
    if url is None:
        url = cache[key] = url_for(endpoint, **values)
    return url


def build(app: Flask) -> list[str]:
    """Build every bundle now, each with its gzipped twin; returns the bundles' URLs."""
    env = app.extensions["assets"]
    built = []
    for name in BUNDLE_NAMES:
        env[name].build(force=True)
        for url in env[name].urls():
            precompress(Path(app.static_folder, url.removeprefix(app.static_url_path + "/")))
            built.append(url)
    return built


def precompress(path: Path) -> Path:
    """Write ``path``.gz beside it (gzip level 9, no timestamp: the same bytes every build)."""
    twin = path.with_name(path.name + ".gz")
    twin.write_bytes(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))
    return twin
