"""Web page routes."""

from django.urls import include, path

from aduan.web import auth, views

app_name = "aduan-web"

urlpatterns = [
    path("", views.home, name="home"),
    path("lapor/", views.file_report, name="file"),
    path("laporan/", views.find_report, name="find"),
    path("laporan/<str:ticket>/", views.report_detail, name="report"),
    path("laporan/<str:ticket>/tanda-terima/", views.receipt, name="receipt"),
    path("laporan/<str:ticket>/sanggah/", views.dispute, name="dispute"),
    path("masuk/", auth.LoginView.as_view(), name="login"),
    path("masuk/kode/", auth.login_otp, name="login-otp"),
    path("petugas/keamanan/", auth.otp_setup, name="otp-setup"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("petugas/", views.queue, name="queue"),
    path("petugas/loket/", views.desk, name="desk"),
    path("petugas/loket/<str:ticket>/", views.desk_receipt, name="desk-receipt"),
    path("petugas/laporan/<str:ticket>/", views.case, name="case"),
    path("petugas/laporan/<str:ticket>/<str:action>/", views.act, name="act"),
    path("i18n/", include("django.conf.urls.i18n")),
]
