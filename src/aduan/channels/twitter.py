"""`twitter` and `sosmed_pimpinan`: mentions of the city's (or the governor's) X accounts (Account Activity).

X calls /hooks/<kanal>/ with a GET carrying ``crc_token`` (the challenge-response check, answered with
``sha256=`` + base64 HMAC-SHA256 of the token under the consumer secret) and POSTs deliveries signed with
``x-twitter-webhooks-signature`` (the same HMAC of the raw body). A delivery is one subscribed user's
activity (``for_user_id``); only ``tweet_create_events`` matter here. Replies go out as reply posts through
``POST {api_base}/2/tweets`` with a user-context bearer token.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, ClassVar

import httpx

from aduan.channels.base import (
    Channel,
    DeliveryError,
    Item,
    PayloadError,
    WebhookRequest,
    WebhookResponse,
    check_signature,
    json_body,
    raise_for_status,
    signature,
)
from aduan.channels.social import (
    LOCATION_ONLY,
    PHOTO_ONLY,
    answer_json,
    as_dict,
    as_list,
    find_ticket,
    moment,
    nested,
    refusal,
    text_of,
    valid_point,
)
from aduan.domain.messages import Contact, InboundAttachment, InboundMessage, OutboundMessage

TWEET_LIMIT = 280
URL_WEIGHT = 23  # X counts every link as a t.co link of 23 characters, however long it is
_URL = re.compile(r"https?://\S+")
# A place smaller than this (degrees of latitude/longitude across) is precise enough to route by its
# centre; a city's or a country's box is not, and would send the report to whichever kelurahan sits in
# the middle of it.
MAX_PLACE_SPAN = 0.02


class TwitterChannel(Channel):
    kanal = "twitter"
    label = "Twitter/X"
    max_text = TWEET_LIMIT
    # The account ids used when the deployment names none (development only).
    dev_accounts: ClassVar[tuple[str, ...]] = ("1234567890",)

    @property
    def accounts(self) -> frozenset[str]:
        """The user ids whose mentions are reports here (config ``account``, comma separated)."""
        given = {part.strip() for part in self.config.account.split(",") if part.strip()}
        return frozenset(given or self.dev_accounts)

    # ------------------------------------------------------------ webhook

    def challenge(self, request: WebhookRequest) -> WebhookResponse | None:
        token = request.query.get("crc_token", "")
        if not token:
            return None
        if not self.config.secret:
            return refusal(403, "Consumer secret kanal ini belum diatur.", "crc_token")
        digest = signature(self.config.secret, token.encode(), "base64")
        body = json.dumps({"response_token": f"sha256={digest}"}).encode()
        return WebhookResponse(200, body, "application/json")

    def verify(self, request: WebhookRequest) -> None:
        check_signature(
            request.header("x-twitter-webhooks-signature"),
            self.config.secret,
            request.body,
            header="x-twitter-webhooks-signature",
            encoding="base64",
            secret_name="Consumer secret",
        )

    def split(self, request: WebhookRequest) -> list[Item]:
        body = json_body(request)
        if not isinstance(body, dict):
            raise PayloadError("Isi harus objek JSON Account Activity.")
        for_user = body.get("for_user_id")
        if not isinstance(for_user, str | int) or not str(for_user).strip():
            raise PayloadError("for_user_id tidak ada.", "for_user_id")
        # Likes, follows, direct messages and the rest of the account's activity are not reports.
        if "tweet_create_events" not in body:
            return []
        events = body["tweet_create_events"]
        if not isinstance(events, list):
            raise PayloadError("tweet_create_events harus daftar.", "tweet_create_events")
        items = []
        for number, tweet in enumerate(events):
            where = f"tweet_create_events[{number}]"
            if not isinstance(tweet, dict):
                raise PayloadError("Tweet harus objek.", where)
            payload = {"for_user_id": str(for_user).strip(), "tweet": tweet}
            try:
                self.parse(payload)  # refuse what cannot be read now, before anything is stored
            except PayloadError as error:
                raise nested(error, where) from error
            items.append(Item(str(tweet["id_str"]).strip(), payload))
        return items

    # ------------------------------------------------------------ reading a tweet

    def parse(self, payload: Any) -> InboundMessage | None:
        tweet = as_dict(as_dict(payload).get("tweet"))
        tweet_id = str(tweet.get("id_str") or "").strip()
        if not tweet_id.isdigit():
            raise PayloadError("id_str tweet tidak ada atau bukan angka.", "id_str")
        user = as_dict(tweet.get("user"))
        user_id = str(user.get("id_str") or "").strip()
        if not user_id:
            raise PayloadError("Pengirim tweet (user.id_str) tidak ada.", "user.id_str")
        accounts = self.accounts
        if user_id in accounts or tweet.get("retweeted_status"):
            return None  # our own posts (the replies we sent) and retweets are not reports
        extended = as_dict(tweet.get("extended_tweet"))
        text = (
            text_of(extended.get("full_text"))
            or text_of(tweet.get("full_text"))
            or text_of(tweet.get("text"))
        )
        entities = as_dict(extended.get("entities") if extended else tweet.get("entities"))
        media_entities = as_dict(
            extended.get("extended_entities") if extended else tweet.get("extended_entities")
        )
        mentions = [as_dict(m) for m in as_list(entities.get("user_mentions"))]
        ours = [m for m in mentions if str(m.get("id_str") or "") in accounts]
        replying_to_us = str(tweet.get("in_reply_to_user_id_str") or "") in accounts
        if not ours and not replying_to_us:
            return None  # activity on the account that does not address it (a quote, a mention of others)

        text = html.unescape(text)  # v1.1 tweet text escapes &, < and >
        for mention in ours:
            name = str(mention.get("screen_name") or "")
            if name:
                text = re.sub(rf"@{re.escape(name)}\b", "", text, flags=re.IGNORECASE)
        for link in (as_dict(u) for u in as_list(entities.get("urls"))):
            if link.get("url") and link.get("expanded_url"):
                text = text.replace(str(link["url"]), str(link["expanded_url"]))
        media = [as_dict(m) for m in as_list(media_entities.get("media") or entities.get("media"))]
        photos = []
        for item in media:
            if item.get("url"):
                text = text.replace(str(item["url"]), "")  # the t.co link to the photo itself
            if item.get("type") == "photo" and item.get("media_url_https"):
                photos.append(InboundAttachment("image/jpeg", url=str(item["media_url_https"])))
        # Only the punctuation a removed handle leaves in front ("@DKIJakarta, jalan …") goes.
        text = re.sub(r"\s+", " ", text).strip().lstrip(",.:;- ").strip()
        lat, lon, address = _where(tweet)
        if not text:
            if photos:
                text = PHOTO_ONLY
            elif lat is not None:
                text = f"{LOCATION_ONLY}: {address}" if address else f"{LOCATION_ONLY}."
            else:
                return None  # a bare mention: nothing to act on

        screen_name = str(user.get("screen_name") or "").strip()
        quoted = as_dict(tweet.get("quoted_status"))
        quoted_text = text_of(as_dict(quoted.get("extended_tweet")).get("full_text")) or text_of(
            quoted.get("text")
        )
        extra = {"for_user_id": str(as_dict(payload).get("for_user_id") or "")}
        if tweet.get("in_reply_to_status_id_str"):
            extra["in_reply_to"] = str(tweet["in_reply_to_status_id_str"])
        return InboundMessage(
            kanal=self.kanal,
            external_id=tweet_id,
            text=text,
            sender=Contact(self.kanal, user_id, f"@{screen_name}" if screen_name else "", tweet_id),
            lat=lat,
            lon=lon,
            address=address,
            ticket=find_ticket(text, quoted_text),
            attachments=tuple(photos),
            received_at=moment(tweet.get("timestamp_ms"), milliseconds=True),
            reporter_name=str(user.get("name") or "").strip(),
            source_url=f"https://x.com/{screen_name or 'i/web'}/status/{tweet_id}",
            extra=extra,
        )

    # ------------------------------------------------------------ replying

    def send(self, message: OutboundMessage, client: httpx.Client) -> str:
        if not self.config.api_base:
            raise DeliveryError(f"api_base kanal {self.kanal} belum diatur", permanent=True)
        if not self.config.access_token:
            raise DeliveryError(f"access_token kanal {self.kanal} belum diatur", permanent=True)
        if not message.to.thread:
            raise DeliveryError("tidak ada tweet yang dibalas (thread kosong)", permanent=True)
        # X threads a reply and mentions its author by itself; the handle in the text says whom it answers
        # when the follower's name is known.
        handle = message.to.name if message.to.name.startswith("@") else ""
        response = client.post(
            f"{self.config.api_base.rstrip('/')}/2/tweets",
            json={
                "text": fit_tweet(message.text, message.ticket, handle),
                "reply": {"in_reply_to_tweet_id": message.to.thread},
            },
            headers={"Authorization": f"Bearer {self.config.access_token}"},
        )
        raise_for_status(response)
        return str(as_dict(answer_json(response).get("data")).get("id") or "")


class PimpinanChannel(TwitterChannel):
    """The governor's and vice-governor's accounts: the same Account Activity, several accounts."""

    kanal = "sosmed_pimpinan"
    label = "Media sosial Gubernur dan Wakil Gubernur"
    dev_accounts = ("1000000001", "1000000002")


# ---------------------------------------------------------------- helpers


def _where(tweet: dict[str, Any]) -> tuple[float | None, float | None, str]:
    """(lat, lon, place name) from the tweet's exact point, else from a small place's box centre."""
    place = as_dict(tweet.get("place"))
    name = str(place.get("full_name") or place.get("name") or "").strip()
    point = as_list(as_dict(tweet.get("coordinates")).get("coordinates"))  # GeoJSON order: lon, lat
    if len(point) == 2 and all(_is_number(v) for v in point) and valid_point(point[1], point[0]):
        return float(point[1]), float(point[0]), name
    box = as_list(as_dict(place.get("bounding_box")).get("coordinates"))  # one ring of [lon, lat] corners
    ring = as_list(box[0]) if box else []
    pairs = [c for c in ring if isinstance(c, list) and len(c) == 2 and all(_is_number(v) for v in c)]
    if not pairs:
        return None, None, name
    lons = [float(c[0]) for c in pairs]
    lats = [float(c[1]) for c in pairs]
    if max(lons) - min(lons) > MAX_PLACE_SPAN or max(lats) - min(lats) > MAX_PLACE_SPAN:
        return None, None, name
    lat, lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    return (lat, lon, name) if valid_point(lat, lon) else (None, None, name)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def tweet_length(text: str) -> int:
    """The length X counts: every link as 23 characters."""
    return len(_URL.sub("x" * URL_WEIGHT, text))


def fit_tweet(text: str, ticket: str, handle: str = "", limit: int = TWEET_LIMIT) -> str:
    """``text`` prefixed with ``handle``, within ``limit``: the middle is shortened, never the ticket or the
    closing link (with the few words that introduce it)."""
    prefix = f"{handle} " if handle else ""
    text = re.sub(r"\s+", " ", text).strip()
    if tweet_length(prefix + text) <= limit:
        return prefix + text
    body, tail = text, ""
    links = list(_URL.finditer(text))
    if links:
        last = links[-1]
        body, tail = text[: last.start()].rstrip(), last.group()
        if body.endswith(":"):  # "Pantau perkembangannya: <link>" stays together
            cut = max(body.rfind(". "), body.rfind("! "), body.rfind("? "))
            label = body[cut + 2 :] if cut >= 0 else body
            if tweet_length(f"{prefix}{label} {tail}") <= limit // 2:
                body, tail = (body[: cut + 1] if cut >= 0 else ""), f"{label} {tail}"
    room = limit - tweet_length(prefix) - (tweet_length(tail) + 1 if tail else 0)
    if tweet_length(body) > room:
        body = _shorten(body, room, ticket)
    if ticket and ticket not in body and ticket not in tail:
        named = f"Tiket {ticket}."
        body = named if tweet_length(named) <= room else ""
    return f"{prefix}{body} {tail}".strip()


def _shorten(body: str, room: int, ticket: str) -> str:
    """``body`` cut at a word within ``room`` characters, with an ellipsis; when that would lose the
    ticket, the sentence naming it stands alone."""
    if room <= 1:
        return ""
    cut = body[: room - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    shortened = cut.rstrip(" ,;:") + "…"
    if ticket and ticket in body and ticket not in shortened:
        return f"Tiket {ticket}."
    return shortened
