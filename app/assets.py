"""Front-end bundles with webassets: htmx, uPlot and tus-js-client (from npm, pinned in
package.json) plus our JS (the plate calculator, shared with Node's tests, and app.js) and CSS.

Built into static/gen/ with a content hash in the name, so a deploy never mixes old and new.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, request, url_for
from webassets import Bundle, Environment

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"

BUNDLES = {
    "js": Bundle(
        str(NODE_MODULES / "htmx.org/dist/htmx.min.js"),
        str(NODE_MODULES / "uplot/dist/uPlot.iife.min.js"),
        str(NODE_MODULES / "tus-js-client/dist/tus.min.js"),
        "js/plates.js",
        "js/app.js",
        output="gen/app.%(version)s.js",
    ),
    "css": Bundle(
        str(NODE_MODULES / "uplot/dist/uPlot.min.css"),
        "css/app.css",
        "css/tools.css",
        "css/admin.css",
        output="gen/app.%(version)s.css",
    ),
}


def build_environment(app: Flask) -> Environment:
    """A webassets Environment over app/static with our named bundles registered."""
    env = Environment(directory=app.static_folder, url=app.static_url_path)
    env.versions = "hash"
    env.manifest = "json:gen/manifest.json"
    env.cache = False
    env.auto_build = app.config.get("ASSETS_AUTO_BUILD", True)
    env.url_expire = False
    for name, bundle in BUNDLES.items():
        env.register(name, bundle)
    return env


def init_app(app: Flask) -> None:
    app.extensions["assets"] = build_environment(app)

    @app.context_processor
    def inject_asset_urls():
        return {"asset_urls": asset_urls}

    app.jinja_env.globals["static_url"] = static_url  # a global: macros can use it too


def asset_urls(name: str) -> list[str]:
    """URLs of the built bundle ``name`` ('js' or 'css'), building it first if allowed.
    Without auto-build (production) the URLs can't change while the process runs: cached."""
    env = current_app.extensions["assets"]
    if env.auto_build:
        return env[name].urls()
    cache = current_app.extensions.setdefault("asset_urls", {})
    if name not in cache:
        cache[name] = env[name].urls()
    return cache[name]


def static_url(filename: str) -> str:
    """url_for('static', filename=...), remembered per script root: a page draws the icon
    sprite a dozen times and the URL never changes while the process runs."""
    cache = current_app.extensions.setdefault("static_urls", {})
    key = (request.script_root, filename)
    if key not in cache:
        cache[key] = url_for("static", filename=filename)
    return cache[key]


def build(app: Flask) -> list[str]:
    """Build every bundle now; returns the output paths relative to static/."""
    env = app.extensions["assets"]
    built = []
    for name in BUNDLES:
        env[name].build(force=True)
        built.extend(env[name].urls())
    return built
