"""URL map: the API under /api/, the admin under /admin/, the web pages at the root."""

from django.contrib import admin
from django.urls import include, path

from aduan.api.hooks import webhook
from aduan.api.views import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("hooks/<str:kanal>/", webhook, name="webhook"),
    path("open311/v2/", include("aduan.api.open311")),
    path("", include("aduan.web.urls")),
]
