"""The knowledge base: answers for residents' questions, "this did not answer me" as an informasi case,
publishing an agency's answer back as an article, importing seeds, and the outreach figures."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core import signing
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from aduan.classifier.model import Prediction
from aduan.classifier.search import Document, Hit, Index, analyse
from aduan.domain.channels import Kanal
from aduan.domain.errors import DomainError, InvalidInput
from aduan.domain.lifecycle import HOLDING_KINDS, Action, Status
from aduan.domain.routing import DEFAULT_POLICY
from aduan.models import Agency, Article, Category, Officer, Question, Report, ReportEvent, Unit
from aduan.services import classification, lookups, reports
from aduan.services.reports import NewReport, NotFound, ReporterInput, Submitted

MAX_QUESTION = 1000
MAX_DETAILS = 2000
MAX_TITLE = 200
MAX_BODY = 20000
ANSWERS_SHOWN = 3
# Measured on tests/data/knowledge/questions.csv (docs/knowledge-base.md): from this score up the best
# article is counted as an answer; below SHOW_SCORE an article is not shown at all (noise).
ANSWER_SCORE = 0.25
SHOW_SCORE = 0.1
# "This did not answer me" must come from whoever asked: the ask response carries a signed token.
TOKEN_SALT = "aduan.knowledge.question"
TOKEN_MAX_AGE = timedelta(days=30)
SEED = "seed.json"


# ---------------------------------------------------------------- the index, per process


@dataclass(frozen=True)
class _Loaded:
    key: tuple[int, datetime | None]
    index: Index
    articles: dict[int, Article]


_lock = threading.Lock()
_loaded: _Loaded | None = None


def _version() -> tuple[int, datetime | None]:
    """Cheap (one aggregate over a small table): changes whenever an article is added, edited, published,
    unpublished or deleted, in any process."""
    row = Article.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return int(row["n"]), row["last"]


def current_index() -> _Loaded:
    """This process's index of the published articles, rebuilt when the table changed."""
    global _loaded
    key = _version()
    loaded = _loaded
    if loaded is not None and loaded.key == key:
        return loaded
    with _lock:
        if _loaded is not None and _loaded.key == key:
            return _loaded
        articles = {
            a.id: a
            for a in Article.objects.filter(published=True)
            .select_related("agency", "category")
            .order_by("id")
        }
        documents = [
            Document(a.id, a.title, a.question, a.keywords, a.body, a.topic) for a in articles.values()
        ]
        _loaded = _Loaded(key, Index(documents), articles)
        return _loaded


def reset() -> None:
    global _loaded
    with _lock:
        _loaded = None


@dataclass(frozen=True)
class Answer:
    article: Article
    score: float
    snippet: str


def search(text: str, limit: int = ANSWERS_SHOWN) -> list[Answer]:
    """The best published articles for ``text`` (nothing is stored): for answers shown as one types."""
    text = (text or "").strip()[:MAX_QUESTION]
    if not text:
        return []
    loaded = current_index()
    hits: list[Hit] = loaded.index.search(text, limit=limit, min_score=SHOW_SCORE)
    return [Answer(loaded.articles[h.id], h.score, h.snippet) for h in hits if h.id in loaded.articles]


# ---------------------------------------------------------------- asking


@dataclass(frozen=True)
class Asked:
    question: Question
    answers: list[Answer]
    answered: bool
    jenis: str | None  # the classifier's guess; None while no model is trained
    category: Category | None
    token: str


def question_token(question_id: int) -> str:
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(str(question_id)).split(":", 1)[1]


def check_question_token(question_id: int, token: str) -> bool:
    if not token or not isinstance(token, str):
        return False
    try:
        signing.TimestampSigner(salt=TOKEN_SALT).unsign(f"{question_id}:{token}", max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    return True


def _validate_question(text: Any, channel: Any) -> tuple[str, str]:
    errors: dict[str, str] = {}
    if not isinstance(text, str) or not text.strip():
        errors["question"] = "Pertanyaan wajib diisi."
    elif len(text.strip()) > MAX_QUESTION:
        errors["question"] = f"Pertanyaan terlalu panjang (maksimal {MAX_QUESTION} karakter)."
    if channel is None:
        channel = ""
    if not isinstance(channel, str) or (channel and channel not in Kanal.__members__.values()):
        errors["channel"] = "Kanal tidak dikenal."
    if errors:
        raise InvalidInput(errors)
    return text.strip(), channel


def ask(text: Any, channel: Any = "") -> Asked:
    """Search the knowledge base for a resident's question and keep the question for the outreach
    figures: the best article and its score, whether it counts as answered, and the topic's owner."""
    text, channel = _validate_question(text, channel)
    answers = search(text)
    best = answers[0] if answers else None
    answered = best is not None and best.score >= ANSWER_SCORE
    prediction = classification.classify(text)
    guessed = lookups.active_category(prediction.category.label) if prediction is not None else None
    category, agency = _owner(best.article if answered and best else None, guessed, prediction)
    question = Question.objects.create(
        text=text,
        best_article=best.article if best else None,
        best_score=round(best.score, 4) if best else 0.0,
        answered=answered,
        category=category,
        agency=agency,
        channel=channel,
    )
    return Asked(
        question=question,
        answers=answers,
        answered=answered,
        jenis=prediction.jenis.label if prediction is not None else None,
        category=guessed,
        token=question_token(question.id),
    )


def _owner(
    article: Article | None, guessed: Category | None, prediction: Prediction | None
) -> tuple[Category | None, Agency | None]:
    """Who owns the question's topic: the answering article's category and agency; else a confident
    classifier guess and that category's agency; else nobody (the triage desk decides later)."""
    if article is not None and (article.agency_id or article.category_id):
        agency = article.agency or (article.category.agency if article.category else None)
        return article.category, agency
    if (
        guessed is not None
        and prediction is not None
        and prediction.category.confidence >= DEFAULT_POLICY.category_confidence
    ):
        return guessed, guessed.agency
    return None, None


# ---------------------------------------------------------------- "this did not answer me"


def not_answered(
    question_id: int, token: str, contact: ReporterInput | None = None, details: str = ""
) -> Submitted:
    """File the question as an ``informasi`` case held by the agency that owns its topic (the triage
    desk when no owner is known), with the reporter's contact, and mark the question not helpful.

    Idempotent: the same question filed twice returns the first case."""
    question = Question.objects.select_related("agency", "category", "report").filter(pk=question_id).first()
    if question is None:
        raise NotFound("Pertanyaan")
    if not check_question_token(question.id, token):
        raise DomainError("forbidden", "Token pertanyaan tidak valid atau sudah kedaluwarsa.", field="token")
    if not isinstance(details, str) or len(details) > MAX_DETAILS:
        raise InvalidInput({"details": f"Keterangan terlalu panjang (maksimal {MAX_DETAILS} karakter)."})
    if question.report is not None:
        return Submitted(question.report, None, False)
    holder = _agency_unit(question.agency)
    category = question.category.code if question.category and question.category.active else None
    result = reports.submit_report(
        NewReport(
            channel=question.channel or Kanal.WEB,
            description=_case_text(question, details),
            category=category,
            visibility=Report.Visibility.PRIVATE,
            jenis=Report.Jenis.INFORMASI,
            reporter=contact or ReporterInput(),
            external_id=f"tanya-{question.id}",
            holder_code=holder.code if holder is not None else "",
        )
    )
    Question.objects.filter(pk=question.pk).update(report=result.report, not_helpful=True)
    return result


def _agency_unit(agency: Agency | None) -> Unit | None:
    """The agency's own unit (the dinas, not a suku dinas): a question has no place to pick a kota by."""
    if agency is None:
        return None
    unit = lookups.active_unit(agency.code)
    return unit if unit is not None and unit.kind in HOLDING_KINDS else None


def _case_text(question: Question, details: str) -> str:
    parts = [question.text]
    if details.strip():
        parts.append(details.strip())
    shown = [a for a in search(question.text)]
    if shown:
        listed = "; ".join(f"«{a.article.title}» (skor {a.score:.2f})" for a in shown)
        parts.append(f"Jawaban yang sudah ditampilkan kepada penanya dan dinilai tidak menjawab: {listed}.")
    else:
        parts.append("Basis pengetahuan belum memiliki jawaban untuk pertanyaan ini.")
    return "\n\n".join(parts)


# ---------------------------------------------------------------- publishing an answer back


def _is_admin(user: User, officer: Officer) -> bool:
    return bool(user.is_superuser) or officer.role == Officer.Role.ADMIN


def may_publish(user: User | AnonymousUser, report: Report) -> bool:
    """An officer of the holder unit or of the holder's agency (the dinas and its suku dinas), or an admin."""
    try:
        officer = reports.officer_of(user)
    except DomainError:
        return False
    assert isinstance(user, User)
    if _is_admin(user, officer) or officer.unit_id == report.holder_id:
        return True
    holder_agency = report.holder.agency_id
    return holder_agency is not None and officer.unit.agency_id == holder_agency


def _followup_note(report: Report) -> str:
    event = ReportEvent.objects.filter(report=report, action=Action.REPORT_FOLLOWUP).order_by("-id").first()
    return event.reason if event is not None else ""


def publishable(report: Report) -> str | None:
    """Why the case cannot be published as an article, or None when it can."""
    if report.jenis != Report.Jenis.INFORMASI:
        return "Hanya pertanyaan (laporan berjenis informasi) yang dapat diterbitkan sebagai artikel."
    if report.status != Status.SELESAI and not _followup_note(report):
        return "Pertanyaan ini belum dijawab: laporkan tindak lanjutnya lebih dahulu."
    if Article.objects.filter(from_report=report).exists():
        return "Jawaban laporan ini sudah diterbitkan sebagai artikel."
    return None


def publish_defaults(report: Report) -> tuple[str, str]:
    """The form's starting title (the question) and body (the follow-up note)."""
    question = Question.objects.filter(report=report).values_list("text", flat=True).first()
    title = (
        (question or report.description).strip().splitlines()[0] if (question or report.description) else ""
    )
    return title[:MAX_TITLE], _followup_note(report)


def publish_from_report(ticket: str, user: User | AnonymousUser, title: str, body: str) -> Article:
    """Publish the answer of an answered informasi case as a knowledge-base article in one step."""
    report = reports.get_report(ticket)
    if not may_publish(user, report):
        raise DomainError(
            "forbidden",
            "Hanya petugas unit atau perangkat daerah pemegang laporan yang dapat menerbitkannya.",
        )
    refusal = publishable(report)
    if refusal is not None:
        raise DomainError("not_publishable", refusal)
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = "Judul wajib diisi."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Judul terlalu panjang (maksimal {MAX_TITLE} karakter)."
    if not body:
        errors["body"] = "Isi jawaban wajib diisi."
    elif len(body) > MAX_BODY:
        errors["body"] = f"Isi jawaban terlalu panjang (maksimal {MAX_BODY} karakter)."
    if errors:
        raise InvalidInput(errors)
    question = Question.objects.filter(report=report).select_related("best_article").first()
    asked = question.text if question is not None else report.description
    holder = report.holder
    with transaction.atomic():
        # Locking the case makes two officers pressing "publish" at once produce one article.
        Report.objects.select_for_update().filter(pk=report.pk).first()
        if Article.objects.filter(from_report=report).exists():
            raise DomainError("not_publishable", "Jawaban laporan ini sudah diterbitkan sebagai artikel.")
        return Article.objects.create(
            title=title,
            question=asked.strip()[:300],
            body=body,
            topic=_topic(question, report),
            category=report.category,
            agency=holder.agency,
            keywords=asked.strip()[:1000],
            sources=[{"title": f"Jawaban {holder.name} atas laporan {report.ticket}", "url": ""}],
            last_verified=timezone.localdate(),
            published=True,
            from_report=report,
        )


def _topic(question: Question | None, report: Report) -> str:
    if question is not None and question.best_article is not None and question.best_article.topic:
        return question.best_article.topic
    return report.category.name if report.category is not None else ""


# ---------------------------------------------------------------- importing articles


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Entry:
    title: str
    question: str
    body: str
    topic: str
    category: str
    agency: str
    keywords: str
    sources: list[dict[str, str]]
    last_verified: date | None


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _sources(value: Any, where: str, errors: dict[str, str]) -> list[dict[str, str]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        errors[f"{where}.sources"] = "Harus berupa daftar."
        return []
    out = []
    for i, item in enumerate(value):
        if isinstance(item, str) and item.strip():
            # "https://… (17 Mar 2025)": the date note the shared seed puts after a URL becomes the title.
            url, _, note = item.strip().partition(" ")
            out.append({"title": note.strip(" ()"), "url": url})
        elif (
            isinstance(item, dict)
            and isinstance(item.get("url", ""), str)
            and isinstance(item.get("title", ""), str)
        ):
            if not (item.get("url") or item.get("title")):
                errors[f"{where}.sources[{i}]"] = "Sumber perlu judul atau alamat."
            out.append({"title": item.get("title", ""), "url": item.get("url", "")})
        else:
            errors[f"{where}.sources[{i}]"] = "Sumber harus teks alamat atau objek {title, url}."
    return out


def parse_articles(data: Any) -> list[_Entry]:
    """The entries of a knowledge-base file — Aduan's format (title, question, body, …) or the shared seed's
    (topic, question, answer, sources) — every error named by entry and field, nothing partial."""
    entries = data.get("entries") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise InvalidInput({"entries": "Berkas harus berisi daftar 'entries' yang tidak kosong."})
    errors: dict[str, str] = {}
    parsed: list[_Entry] = []
    for n, raw in enumerate(entries):
        where = f"entries[{n}]"
        if not isinstance(raw, dict):
            errors[where] = "Harus berupa objek."
            continue
        text = {
            k: raw.get(k, "") for k in ("title", "question", "body", "answer", "topic", "category", "agency")
        }
        for name, value in text.items():
            if not isinstance(value, str):
                errors[f"{where}.{name}"] = "Harus berupa teks."
        if any(f"{where}.{k}" in errors for k in text):
            continue
        body = (text["body"] or text["answer"]).strip()
        question = text["question"].strip()
        title = (text["title"] or question).strip()
        if not title:
            errors[f"{where}.title"] = "Judul atau pertanyaan wajib diisi."
        elif len(title) > MAX_TITLE:
            errors[f"{where}.title"] = f"Judul terlalu panjang (maksimal {MAX_TITLE} karakter)."
        if len(question) > 300:
            errors[f"{where}.question"] = "Pertanyaan terlalu panjang (maksimal 300 karakter)."
        if not body:
            errors[f"{where}.body"] = "Isi jawaban wajib diisi."
        keywords = raw.get("keywords", "")
        if isinstance(keywords, list) and all(isinstance(k, str) for k in keywords):
            keywords = ", ".join(keywords)
        if not isinstance(keywords, str):
            errors[f"{where}.keywords"] = "Harus berupa teks atau daftar teks."
            keywords = ""
        verified = raw.get("last_verified")
        checked: date | None = None
        if verified not in (None, ""):
            try:
                checked = date.fromisoformat(str(verified))
            except ValueError:
                errors[f"{where}.last_verified"] = "Tanggal harus berformat YYYY-MM-DD."
        sources = _sources(raw.get("sources"), where, errors)
        parsed.append(
            _Entry(
                title=title,
                question=question,
                body=body,
                topic=text["topic"].strip()[:80],
                category=text["category"].strip(),
                agency=text["agency"].strip(),
                keywords=keywords.strip(),
                sources=sources,
                last_verified=checked,
            )
        )
    if errors:
        raise InvalidInput(errors)
    return parsed


def import_articles(data: Any, *, update: bool = False, source: str = "") -> ImportResult:
    """Add the file's articles that are not in the base yet (matched by title or question, ignoring case
    and punctuation), in one transaction. An existing article keeps an admin's edits: only an empty
    category or agency is filled in — unless ``update``, which overwrites it with the file's version."""
    entries = parse_articles(data)
    result = ImportResult()
    categories = {c.code: c for c in Category.objects.select_related("agency")}
    agencies = {a.code: a for a in Agency.objects.all()}
    missing: Counter[str] = Counter()
    with transaction.atomic():
        existing = list(Article.objects.select_for_update())
        by_key: dict[str, Article] = {}
        for article in existing:
            by_key.setdefault(_key(article.title), article)
            if article.question:
                by_key.setdefault(_key(article.question), article)
        for entry in entries:
            category = categories.get(entry.category) if entry.category else None
            agency = agencies.get(entry.agency) if entry.agency else None
            if entry.category and category is None:
                missing[f"kategori {entry.category}"] += 1
            if entry.agency and agency is None:
                missing[f"perangkat daerah {entry.agency}"] += 1
            if agency is None and category is not None:
                agency = category.agency
            found = by_key.get(_key(entry.title)) or (
                by_key.get(_key(entry.question)) if entry.question else None
            )
            if found is None:
                article = Article.objects.create(
                    title=entry.title,
                    question=entry.question,
                    body=entry.body,
                    topic=entry.topic,
                    category=category,
                    agency=agency,
                    keywords=entry.keywords,
                    sources=entry.sources,
                    last_verified=entry.last_verified,
                )
                by_key.setdefault(_key(article.title), article)
                if article.question:
                    by_key.setdefault(_key(article.question), article)
                result.created += 1
            elif _refresh(found, entry, category, agency, update):
                result.updated += 1
            else:
                result.unchanged += 1
    for what, count in sorted(missing.items()):
        result.notes.append(
            f"{source or 'Berkas'}: {what} belum ada ({count} artikel disimpan tanpanya); "
            "muat tupoksi lalu jalankan impor lagi untuk melengkapinya."
        )
    return result


def _refresh(
    article: Article, entry: _Entry, category: Category | None, agency: Agency | None, update: bool
) -> bool:
    changed: list[str] = []
    if update:
        new = {
            "title": entry.title,
            "question": entry.question,
            "body": entry.body,
            "topic": entry.topic,
            "category": category,
            "agency": agency,
            "keywords": entry.keywords,
            "sources": entry.sources,
            "last_verified": entry.last_verified,
        }
        for name, value in new.items():
            if getattr(article, name) != value:
                setattr(article, name, value)
                changed.append(name)
    else:
        if article.category_id is None and category is not None:
            article.category = category
            changed.append("category")
        if article.agency_id is None and agency is not None:
            article.agency = agency
            changed.append("agency")
    if changed:
        article.save(update_fields=[*changed, "updated_at"])
    return bool(changed)


def read_file(path: Path) -> Any:
    if not path.is_file():
        raise DomainError("file_missing", f"Berkas {path} tidak ditemukan.")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DomainError("bad_file", f"{path.name} bukan JSON yang sah: {exc}") from None


def load_seed() -> ImportResult:
    """Aduan's own seed (src/aduan/knowledge/seed.json), shipped in the package."""
    text = resources.files("aduan").joinpath("knowledge", SEED).read_text(encoding="utf-8")
    return import_articles(json.loads(text), source=SEED)


# ---------------------------------------------------------------- outreach figures


@dataclass(frozen=True)
class Row:
    """One line of a table: what (an article, a topic, an agency, a question), how often it was asked,
    and how many of those found no answer (no article above the threshold, or "this did not answer me")."""

    label: str
    asked: int
    unanswered: int
    code: str = ""
    article_id: int | None = None

    @property
    def unanswered_share(self) -> float:
        return self.unanswered / self.asked if self.asked else 0.0


@dataclass(frozen=True)
class Outreach:
    start: date
    end: date
    asked: int
    unanswered: int
    not_helpful: int
    by_article: list[Row]
    by_question: list[Row]
    by_topic: list[Row]
    by_agency: list[Row]
    questions_folded: int  # distinct question texts grouped (capped at FOLD_LIMIT)

    @property
    def unanswered_share(self) -> float:
        return self.unanswered / self.asked if self.asked else 0.0


NO_TOPIC = "(tanpa topik)"
NO_AGENCY = "(belum diketahui)"
FOLD_LIMIT = 20000
MAX_RANGE_DAYS = 366
_UNANSWERED = Q(answered=False) | Q(not_helpful=True)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), zone),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone),
    )


def outreach(start: date, end: date, limit: int = 20) -> Outreach:
    """What residents asked between ``start`` and ``end`` (inclusive, Jakarta dates): the questions asked
    most, grouped by the article that answered them and by their normalised words, and the share without
    an answer per topic and per agency — the gap the city must close. A few grouped queries on the
    created_at index; the grouping by words folds at most FOLD_LIMIT distinct texts in Python."""
    if end < start:
        raise InvalidInput({"sampai": "Tanggal akhir harus sama dengan atau setelah tanggal awal."})
    if (end - start).days > MAX_RANGE_DAYS:
        raise InvalidInput({"dari": f"Rentang paling panjang {MAX_RANGE_DAYS} hari."})
    low, high = _bounds(start, end)
    asked = Question.objects.filter(created_at__gte=low, created_at__lt=high).order_by()
    totals = asked.aggregate(
        n=Count("id"),
        unanswered=Count("id", filter=_UNANSWERED),
        not_helpful=Count("id", filter=Q(not_helpful=True)),
    )
    by_article = [
        Row(r["best_article__title"], r["n"], r["nh"], article_id=r["best_article"])
        for r in asked.filter(answered=True, best_article__isnull=False)
        .values("best_article", "best_article__title")
        .annotate(n=Count("id"), nh=Count("id", filter=Q(not_helpful=True)))
        .order_by("-n", "best_article")[:limit]
    ]
    by_agency = [
        Row(r["agency__name"] or NO_AGENCY, r["n"], r["ua"], code=r["agency__code"] or "")
        for r in asked.values("agency__code", "agency__name")
        .annotate(n=Count("id"), ua=Count("id", filter=_UNANSWERED))
        .order_by("-n", "agency__code")
    ]
    topics: dict[str, list[int]] = {}
    for r in asked.values("answered", "best_article__topic", "category__name").annotate(
        n=Count("id"), ua=Count("id", filter=_UNANSWERED)
    ):
        # An answered question belongs to its article's topic; an unanswered one to its guessed category.
        label = (r["best_article__topic"] if r["answered"] else "") or r["category__name"] or NO_TOPIC
        counts = topics.setdefault(label, [0, 0])
        counts[0] += r["n"]
        counts[1] += r["ua"]
    by_topic = sorted((Row(k, v[0], v[1]) for k, v in topics.items()), key=lambda r: (-r.asked, r.label))
    texts = list(
        asked.values("text")
        .annotate(n=Count("id"), ua=Count("id", filter=_UNANSWERED))
        .order_by("-n", "text")[:FOLD_LIMIT]
    )
    return Outreach(
        start=start,
        end=end,
        asked=totals["n"],
        unanswered=totals["unanswered"],
        not_helpful=totals["not_helpful"],
        by_article=by_article,
        by_question=_fold(texts)[:limit],
        by_topic=by_topic,
        by_agency=by_agency,
        questions_folded=len(texts),
    )


def _fold(rows: Iterable[dict[str, Any]]) -> list[Row]:
    """Questions that differ only in slang, spelling of affixes, word order or punctuation counted as one;
    the most frequent wording labels the group."""
    groups: dict[str, list[Any]] = {}
    for r in rows:
        key = " ".join(sorted(set(analyse(r["text"])))) or _key(r["text"])
        group = groups.setdefault(key, [r["text"], 0, 0])
        group[1] += r["n"]
        group[2] += r["ua"]
    return sorted((Row(g[0], g[1], g[2]) for g in groups.values()), key=lambda r: (-r.asked, r.label))


def default_range(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=29), today
