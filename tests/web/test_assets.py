"""The stylesheet and the English catalogue ship with the package: no gettext or CDN needed at run time."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

import aduan

PACKAGE = Path(aduan.__file__).resolve().parent
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
STYLESHEET = PACKAGE / "web" / "static" / "aduan" / "aduan.css"


def _po_entries() -> dict[str, str]:
    """msgid (with its msgctxt, as gettext keys it) → msgstr; the file is written with --no-wrap."""
    text = PO.read_text(encoding="utf-8")
    entries = {}
    pattern = r'^(?:msgctxt "(.*)"\n)?msgid "(.*)"\nmsgstr "(.*)"$'
    for context, msgid, msgstr in re.findall(pattern, text, re.M):
        if msgid:
            key = f"{context}\x04{msgid}" if context else msgid
            entries[key.encode().decode("unicode_escape").encode("latin-1").decode()] = (
                msgstr.encode().decode("unicode_escape").encode("latin-1").decode()
            )
    return entries


def test_every_english_message_is_translated_and_compiled():
    entries = _po_entries()
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr in entries.items() if not msgstr]
    assert untranslated == []
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, msgstr in entries.items() if compiled._catalog.get(msgid) != msgstr]  # type: ignore[attr-defined]
    assert stale == [], "django.mo is older than django.po: run compilemessages (or msgfmt) again"


@pytest.mark.django_db
def test_pages_link_the_local_stylesheet_only(client):
    page = client.get("/").content.decode()
    assert f'href="{static("aduan/aduan.css")}"' in page
    assert "https://" not in page and "http://" not in page
    assert STYLESHEET.is_file()
    assert "@media" in STYLESHEET.read_text(encoding="utf-8")


@pytest.mark.skipif(
    finders.find("aduan/aduan.css") is None,
    reason="settings.STATICFILES_DIRS does not list src/aduan/web/static yet: collectstatic misses aduan.css",
)
def test_the_stylesheet_is_found_by_collectstatic():
    assert Path(finders.find("aduan/aduan.css")).resolve() == STYLESHEET
