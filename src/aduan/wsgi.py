"""WSGI entry point, for servers that speak WSGI (the ASGI one in asgi.py wraps the same handler)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
application = get_wsgi_application()
