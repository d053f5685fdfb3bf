"""Closing the loop: the closing message invites a rating or a dispute with a signed link; a rating counts
once, only on a selesai case, within 10 working days, for the unit that reported the follow-up; disputes
reopen; the units' figures from both, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from aduan.domain.errors import DomainError, InvalidInput
from aduan.domain.lifecycle import Status
from aduan.models import OutboxMessage, Report, Review, Unit
from aduan.services import outbox, reports, reviews
from aduan.services.reports import ReporterInput, Submitted
from tests.factories import BIRO, GAMBIR, at_monas, finish, officer_at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gambir_polygon", "no_cached_figures")]


def filed(description: str = "Sampah menumpuk di depan halte Monas", **fields: object) -> Submitted:
    return at_monas(description, **fields)


def finished(**fields: object) -> Submitted:
    """Filed at Monas and finished: the case is selesai."""
    result = filed(**fields)
    finish(result.report.ticket, "Sampah sudah diangkut")
    return result


def token_of(result: Submitted) -> str:
    assert result.access_token is not None
    return result.access_token


# ---------------------------------------------------------------- the closing message


def test_the_closing_message_invites_a_rating_or_dispute_with_a_link_that_works(settings) -> None:
    settings.ADUAN_PUBLIC_URL = "https://aduan.jakarta.go.id"
    result = finished(reporter=ReporterInput(name="Budi", phone="081234567890", email="budi@example.id"))
    ticket = result.report.ticket
    validate = result.report.events.get(action="validate")
    messages = {m.kanal: m for m in OutboxMessage.objects.filter(event=validate)}
    assert set(messages) == {"email", "sms"}
    link = f"https://aduan.jakarta.go.id/laporan/{ticket}/nilai/{outbox.review_key(ticket)}/"
    email = messages["email"].body
    assert "Beri nilai atau sanggah dalam 10 hari kerja" in email
    assert email.endswith(link)
    sms = messages["sms"].body
    assert len(sms) <= outbox.SMS_LIMIT
    assert "sanggah" in sms
    assert sms.endswith(link)
    key = link.rstrip("/").rsplit("/", 1)[1]
    assert outbox.review_key_matches(ticket, key)
    assert not outbox.review_key_matches(ticket, key[:-1] + ("0" if key[-1] != "0" else "1"))
    assert not outbox.review_key_matches(filed().report.ticket, key)  # a key is for its own ticket only


def test_a_long_public_address_still_fits_the_link_in_one_sms(settings) -> None:
    settings.ADUAN_PUBLIC_URL = "https://layanan-pengaduan-warga.jakarta.go.id"
    result = finished(reporter=ReporterInput(phone="081234567890"))
    body = OutboxMessage.objects.get(event__action="validate").body
    assert len(body) <= outbox.SMS_LIMIT
    assert body.endswith(outbox.review_link(result.report.ticket))


# ---------------------------------------------------------------- rating


def test_the_reporter_rates_once_and_the_follow_up_unit_is_credited() -> None:
    result = finished()
    review = reviews.submit_review(result.report.ticket, token_of(result), "4", "  Cepat, terima kasih  ")
    assert (review.stars, review.comment, review.unit.code) == (4, "Cepat, terima kasih", GAMBIR)
    with pytest.raises(DomainError) as again:
        reviews.submit_review(result.report.ticket, token_of(result), 1, "berubah pikiran")
    assert again.value.code == "already_reviewed"
    assert Review.objects.get().stars == 4


def test_the_closing_links_key_works_like_the_private_token() -> None:
    result = finished()
    ticket = result.report.ticket
    review = reviews.submit_review(ticket, outbox.review_key(ticket), 5)
    assert review.stars == 5


def test_a_head_acting_for_the_kelurahan_credits_the_kelurahan() -> None:
    result = filed()
    ticket = result.report.ticket
    kecamatan = Unit.objects.get(code=GAMBIR).parent
    assert kecamatan is not None
    head = officer_at(kecamatan.code, "head").user
    reports.accept(ticket, head)
    reports.report_followup(ticket, head, "Diangkut atas perintah camat")
    reports.validate(ticket, officer_at(BIRO, "validator").user)
    assert reviews.submit_review(ticket, token_of(result), 3).unit.code == GAMBIR


@pytest.mark.parametrize(
    ("stars", "comment", "field"),
    [
        (0, "", "stars"),
        (6, "", "stars"),
        ("lima", "", "stars"),
        (None, "", "stars"),
        (3, "x" * 2001, "comment"),
    ],
)
def test_bad_input_names_its_field_and_writes_nothing(stars: object, comment: str, field: str) -> None:
    result = finished()
    with pytest.raises(InvalidInput) as refused:
        reviews.submit_review(result.report.ticket, token_of(result), stars, comment)
    assert field in refused.value.errors
    assert not Review.objects.exists()


def test_refusals_wrong_link_open_case_unknown_ticket_and_late() -> None:
    result = finished()
    ticket = result.report.ticket
    with pytest.raises(DomainError) as wrong:
        reviews.submit_review(ticket, "bukan-token", 5)
    assert wrong.value.code == "forbidden"
    with pytest.raises(DomainError) as empty:
        reviews.submit_review(ticket, "", 5)
    assert empty.value.code == "forbidden"

    still_open = filed("Lampu jalan mati di dekat Monas")
    with pytest.raises(DomainError) as not_finished:
        reviews.submit_review(still_open.report.ticket, token_of(still_open), 5)
    assert not_finished.value.code == "not_finished"

    with pytest.raises(reports.NotFound):
        reviews.submit_review("ZZZZ-ZZZZ", "x", 5)

    Report.objects.filter(ticket=ticket).update(closed_at=timezone.now() - timedelta(days=30))
    with pytest.raises(DomainError) as late:
        reviews.submit_review(ticket, token_of(result), 5)
    assert late.value.code == "review_window"
    assert not Review.objects.exists()


def test_the_database_refuses_stars_outside_one_to_five() -> None:
    result = finished()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(report=result.report, unit=result.report.holder, stars=6)


def test_state_tells_the_pages_what_the_reporter_may_do() -> None:
    result = finished()
    report = Report.objects.get(pk=result.report.pk)
    state = reviews.state(report)
    assert (state.can_review, state.can_dispute, state.review) == (True, True, None)
    assert state.window_ends is not None and state.window_ends >= timezone.localdate()
    reviews.submit_review(report.ticket, token_of(result), 2)
    state = reviews.state(report)
    assert (state.can_review, state.can_dispute) == (False, True)
    assert state.review is not None and state.review.stars == 2
    assert not reviews.state(filed().report).finished


# ---------------------------------------------------------------- disputing


def test_dispute_with_the_closing_links_key_reopens_and_counts() -> None:
    result = finished()
    ticket = result.report.ticket
    reopened = reviews.dispute(ticket, outbox.review_key(ticket), "Sampah menumpuk lagi esoknya")
    assert (reopened.status, reopened.reopens) == (Status.PROSES, 1)
    assert reopened.events.filter(action="dispute", actor_kind="reporter").count() == 1
    with pytest.raises(DomainError) as forged:
        reviews.dispute(ticket, "0" * 20, "lagi")
    assert forged.value.code == "forbidden"


def test_dispute_with_the_key_is_refused_after_the_window() -> None:
    result = finished()
    ticket = result.report.ticket
    Report.objects.filter(ticket=ticket).update(closed_at=timezone.now() - timedelta(days=30))
    with pytest.raises(DomainError) as late:
        reviews.dispute(ticket, outbox.review_key(ticket), "Belum beres")
    assert late.value.code == "too_late"
    assert Report.objects.get(ticket=ticket).status == Status.SELESAI


def test_dispute_with_the_private_token_still_works() -> None:
    result = finished()
    assert reviews.dispute(result.report.ticket, token_of(result), "Belum beres").status == Status.PROSES


@pytest.mark.parametrize("credential", ["token", "closing link"])
def test_a_dispute_with_either_credential_shows_in_the_cached_figures_at_once(credential: str) -> None:
    result = finished(description="Got mampet di depan halte Monas")
    ticket = result.report.ticket
    reviews.forget_cached_figures()
    before = next((f.reopened for f in reviews.unit_figures() if f.code == GAMBIR), 0)  # now cached
    key = token_of(result) if credential == "token" else outbox.review_key(ticket)
    reviews.dispute(ticket, key, "Masih mampet")
    after = next(f.reopened for f in reviews.unit_figures() if f.code == GAMBIR)
    assert after == before + 1


def test_a_disputes_reason_is_never_public(client) -> None:
    from aduan.services import events_hub, open311, presenters

    result = finished()
    ticket = result.report.ticket
    reviews.dispute(ticket, token_of(result), "Hubungi saya di 0812 9876 5432")
    event = Report.objects.get(ticket=ticket).events.get(action="dispute")
    public = presenters.public_payload(Report.objects.get(ticket=ticket))
    assert [e["note"] for e in public["timeline"] if e["action"] == "dispute"] == [""]
    assert "0812" not in client.get(f"/api/v1/reports/{ticket}").content.decode()
    (live,) = events_hub.load([event.id])
    assert b"0812" not in live.frame
    assert "0812" not in str(open311.note(event))


# ---------------------------------------------------------------- the units' figures


def test_unit_figures_count_mean_share_finished_and_reopened(django_assert_max_num_queries) -> None:
    stars = [5, 4, 2]
    for n, value in enumerate(stars):
        result = finished(description=f"Sampah menumpuk di titik {n} sekitar Monas")
        reviews.submit_review(result.report.ticket, token_of(result), value)
    disputed = finished(description="Got mampet di depan halte Monas")
    reviews.dispute(disputed.report.ticket, token_of(disputed), "Masih mampet")
    filed(description="Lampu jalan mati di Monas")  # open: counts nowhere
    reviews.forget_cached_figures()

    with django_assert_max_num_queries(4):
        figures = reviews.unit_figures()
    gambir = next(f for f in figures if f.code == GAMBIR)
    assert gambir.reviews == 3
    assert gambir.mean_stars == pytest.approx(11 / 3, abs=0.01)
    assert gambir.satisfied_share == pytest.approx(2 / 3, abs=0.001)
    assert gambir.finished == 3  # the disputed one is in proses again
    assert gambir.reopened == 1
    assert gambir.dispute_share == pytest.approx(1 / 3)

    with django_assert_max_num_queries(0):  # cached
        assert reviews.unit_figures() == figures
    only = reviews.unit_figures(Unit.objects.get(code=GAMBIR))
    assert only == [gambir]

    total = reviews.totals(figures)
    assert (total.reviews, total.finished, total.reopened) == (3, 3, 1)
    assert total.mean_stars == pytest.approx(11 / 3, abs=0.01)


def test_a_new_review_refreshes_the_cached_figures() -> None:
    assert reviews.unit_figures() == []
    result = finished()
    reviews.forget_cached_figures()
    assert reviews.unit_figures()[0].reviews == 0
    reviews.submit_review(result.report.ticket, token_of(result), 5)
    assert reviews.unit_figures()[0].reviews == 1


def test_a_unit_without_any_case_has_empty_figures() -> None:
    unit = Unit.objects.get(code=GAMBIR)
    [figures] = reviews.unit_figures(unit)
    assert (figures.reviews, figures.mean_stars, figures.satisfied_share, figures.finished) == (
        0,
        None,
        None,
        0,
    )
