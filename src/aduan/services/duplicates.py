"""Finding the same problem reported twice: open cases of one category nearby, with alike text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from aduan.classifier.text import normalise
from aduan.domain.errors import InvalidInput
from aduan.domain.lifecycle import OPEN_STATUSES
from aduan.domain.similarity import SimilarityPolicy, Verdict, bounding_box, distance_m, verdict
from aduan.models import Category, Report
from aduan.services import classification, locator, lookups

DEFAULT_POLICY = SimilarityPolicy()
MAX_CANDIDATES = 200


@dataclass(frozen=True)
class Candidate:
    report_id: int
    ticket: str
    status: str
    distance_m: float
    similarity: float
    verdict: Verdict
    created_at: datetime
    public: bool


def text_similarities(text: str, others: list[str]) -> list[float]:
    """Cosine similarity of TF-IDF vectors under the active model; token overlap when there is none."""
    if not others:
        return []
    classifier = classification.active_classifier()
    if classifier is not None:
        matrix = classifier.featuriser.transform([text, *others])
        return [float(v) for v in (matrix[1:] @ matrix[0].T).toarray().ravel()]
    mine = set(normalise(text))
    result = []
    for other in others:
        theirs = set(normalise(other))
        union = mine | theirs
        result.append(len(mine & theirs) / len(union) if union else 0.0)
    return result


def find_similar(
    text: str,
    lat: float | None,
    lon: float | None,
    category: Category | None,
    *,
    exclude_id: int | None = None,
    now: datetime | None = None,
    policy: SimilarityPolicy = DEFAULT_POLICY,
) -> list[Candidate]:
    """Open reports of the same category within the category's radius and the time window, most alike
    first; only those at least ``similar_at`` alike. Without a point or a category there is nothing to
    compare against."""
    if lat is None or lon is None or category is None:
        return []
    now = now or timezone.now()
    radius = category.duplicate_radius_m
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    query = Report.objects.filter(
        category=category,
        status__in=[s.value for s in OPEN_STATUSES],
        created_at__gte=now - timedelta(days=policy.window_days),
        lat__range=(min_lat, max_lat),
        lon__range=(min_lon, max_lon),
    )
    if exclude_id is not None:
        query = query.exclude(pk=exclude_id)
    rows = list(
        query.order_by("-created_at").values_list(
            "id", "ticket", "status", "lat", "lon", "description", "created_at", "visibility"
        )[:MAX_CANDIDATES]
    )
    # The bounding box filtered on lat/lon, so both are set on every row.
    near = [(row, distance_m(lat, lon, row[3] or 0.0, row[4] or 0.0)) for row in rows]
    near = [(row, d) for row, d in near if d <= radius]
    scores = text_similarities(text, [row[5] for row, _ in near])
    candidates = [
        Candidate(
            row[0], row[1], row[2], round(d, 1), round(s, 3), verdict(s, policy), row[6], row[7] == "public"
        )
        for (row, d), s in zip(near, scores, strict=True)
        if verdict(s, policy) is not Verdict.UNRELATED
    ]
    return sorted(candidates, key=lambda c: (-c.similarity, c.distance_m))


def flood_count(
    text: str,
    phone: str,
    email: str,
    *,
    now: datetime | None = None,
    policy: SimilarityPolicy = DEFAULT_POLICY,
) -> int:
    """How many near-identical reports the same reporter (by phone or e-mail) sent in the last while."""
    contact = Q()
    if phone:
        contact |= Q(reporter__phone=phone)
    if email:
        contact |= Q(reporter__email__iexact=email)
    if not contact:
        return 0
    since = (now or timezone.now()) - timedelta(minutes=policy.flood_minutes)
    recent = list(
        Report.objects.filter(contact, created_at__gte=since).values_list("description", flat=True)[:100]
    )
    return sum(1 for s in text_similarities(text, recent) if s >= policy.join_at)


def suggest(text: str, lat: float, lon: float, category_code: str = "") -> list[Candidate]:
    """Before filing: public open reports nearby that look like the same problem. The category is the
    reporter's, else the classifier's guess; private reports are never suggested."""
    if not locator.valid_point(lat, lon):
        raise InvalidInput({"lat": "Titik lokasi tidak valid."})
    category = lookups.active_category(category_code) if category_code else None
    if category is None and text.strip():
        prediction = classification.classify(text)
        category = lookups.active_category(prediction.category.label) if prediction else None
    return [c for c in find_similar(text, lat, lon, category) if c.public][:10]
