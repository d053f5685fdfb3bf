"""Web page routes."""

from django.urls import include, path

from aduan.web import ask as ask_views
from aduan.web import auth, casework, citizen, public, queue, views

app_name = "aduan-web"

urlpatterns = [
    path("", views.home, name="home"),
    path("lapor/", citizen.file_report, name="file"),
    path("lapor/serupa/", citizen.file_similar, name="file-similar"),
    path("lapor/kategori/", citizen.file_category, name="file-category"),
    path("laporan/", views.find_report, name="find"),
    path("laporan/<str:ticket>/", citizen.report_detail, name="report"),
    path("laporan/<str:ticket>/tanda-terima/", citizen.receipt, name="receipt"),
    path("laporan/<str:ticket>/sanggah/", citizen.dispute, name="dispute"),
    path("laporan/<str:ticket>/nilai/", citizen.review, name="review"),
    path("laporan/<str:ticket>/nilai/<str:key>/", citizen.review_page, name="review-key"),
    path("laporan/<str:ticket>/foto/<int:pk>/", citizen.report_photo, name="report-photo"),
    path("laporan-publik/", public.public_list, name="public-list"),
    path("peta/", public.public_map, name="public-map"),
    path("peta/data.json", public.public_map_data, name="public-map-data"),
    path("kinerja/", public.unit_performance, name="unit-performance"),
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
