"""Web page routes."""

from django.urls import include, path

from aduan.web import ask as ask_views
from aduan.web import auth, casework, queue, views

app_name = "aduan-web"

urlpatterns = [
    path("", views.home, name="home"),
    path("lapor/", views.file_report, name="file"),
    path("laporan/", views.find_report, name="find"),
    path("laporan/<str:ticket>/", views.report_detail, name="report"),
    path("laporan/<str:ticket>/tanda-terima/", views.receipt, name="receipt"),
    path("laporan/<str:ticket>/sanggah/", views.dispute, name="dispute"),
    path("laporan/<str:ticket>/jawab/", casework.answer_by_token, name="answer"),
    path("j/<str:key>/", casework.answer_by_key, name="answer-key"),
    path("tanya/", ask_views.ask, name="ask"),
    path("tanya/cari/", ask_views.ask_search, name="ask-search"),
    path("tanya/<int:question_id>/", ask_views.question, name="question"),
    path("tanya/<int:question_id>/tidak-menjawab/", ask_views.not_answered, name="not-answered"),
    path("tanya/artikel/<int:pk>/", ask_views.article, name="article"),
    path("masuk/", auth.LoginView.as_view(), name="login"),
    path("masuk/kode/", auth.login_otp, name="login-otp"),
    path("petugas/keamanan/", auth.otp_setup, name="otp-setup"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("petugas/", queue.queue, name="queue"),
    path("petugas/jumlah/", queue.queue_counts, name="queue-counts"),
    path("petugas/peta.json", queue.queue_map, name="queue-map"),
    path("petugas/massal/", queue.queue_bulk, name="queue-bulk"),
    path("petugas/loket/", views.desk, name="desk"),
    path("petugas/loket/<str:ticket>/", views.desk_receipt, name="desk-receipt"),
    path("petugas/pertanyaan/", ask_views.outreach, name="outreach"),
    path("petugas/pertanyaan/data.json", ask_views.outreach_json, name="outreach-json"),
    path("petugas/laporan/<str:ticket>/terbitkan/", ask_views.publish, name="publish"),
    path("petugas/laporan/<str:ticket>/", views.case, name="case"),
    path("petugas/laporan/<str:ticket>/<str:action>/", views.act, name="act"),
    path("petugas/validasi/", casework.validation, name="validation"),
    path("petugas/validasi/<str:ticket>/<str:action>/", casework.validation_act, name="validation-act"),
    path("petugas/foto/<int:pk>/", casework.photo, name="photo"),
    path("i18n/", include("django.conf.urls.i18n")),
]
