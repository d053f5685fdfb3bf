"""`facebook` and `whatsapp`: Meta webhooks for the city's Page (feed and Messenger) and WhatsApp number.

Both verify the same way: Meta's subscription GET carries ``hub.mode=subscribe``, ``hub.verify_token`` (the
deployment's ``verify_token``) and ``hub.challenge``, echoed back as text; every POST is signed with
``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body under the app secret>``. Replies go through
the Graph API (``{api_base}/{graph_version}/...``) with the page's or the business's access token.
"""

from __future__ import annotations

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
    token_matches,
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
    number,
    refusal,
    text_of,
    valid_point,
)
from aduan.domain.messages import Contact, InboundAttachment, InboundMessage, OutboundMessage

GRAPH_VERSION = "v19.0"
# Threads of Facebook followers say where a reply goes: a Messenger conversation or under a feed item.
MESSENGER = "messenger:"
FEED = "feed:"


class MetaChannel(Channel):
    """What Meta's webhooks share: the subscription handshake, the signature and the envelope."""

    object_type: ClassVar[str] = ""

    @property
    def graph(self) -> str:
        if not self.config.api_base:
            raise DeliveryError(f"api_base kanal {self.kanal} belum diatur", permanent=True)
        if not self.config.access_token:
            raise DeliveryError(f"access_token kanal {self.kanal} belum diatur", permanent=True)
        version = str(self.config.options.get("graph_version") or GRAPH_VERSION)
        return f"{self.config.api_base.rstrip('/')}/{version}"

    def challenge(self, request: WebhookRequest) -> WebhookResponse | None:
        mode, challenge = request.query.get("hub.mode", ""), request.query.get("hub.challenge", "")
        if mode != "subscribe" or not challenge:
            return None
        if not token_matches(request.query.get("hub.verify_token", ""), self.config.verify_token):
            return refusal(403, "hub.verify_token tidak cocok.", "hub.verify_token")
        return WebhookResponse(200, challenge.encode(), "text/plain")

    def verify(self, request: WebhookRequest) -> None:
        check_signature(
            request.header("x-hub-signature-256"),
            self.config.secret,
            request.body,
            header="X-Hub-Signature-256",
            ignore_case=True,
            secret_name="App secret",
        )

    def entries(self, request: WebhookRequest) -> list[dict[str, Any]]:
        """The delivery's ``entry`` list, after checking it is for this kind of object."""
        body = json_body(request)
        if not isinstance(body, dict):
            raise PayloadError("Isi harus objek JSON webhook Meta.")
        if body.get("object") != self.object_type:
            raise PayloadError(f"object harus '{self.object_type}', bukan {body.get('object')!r}.", "object")
        entries = body.get("entry")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise PayloadError("entry harus daftar objek.", "entry")
        return entries

    def item(self, external_id: Any, payload: dict[str, Any], where: str) -> Item:
        """One message of the delivery, checked now so that an unreadable one refuses the delivery."""
        try:
            self.parse(payload)
        except PayloadError as error:
            raise nested(error, where) from error
        return Item(str(external_id).strip(), payload)

    def post(self, client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = client.post(
            f"{self.graph}/{path}", json=body, headers={"Authorization": f"Bearer {self.config.access_token}"}
        )
        raise_for_status(response)
        return answer_json(response)


# ---------------------------------------------------------------- Facebook Page


class FacebookChannel(MetaChannel):
    kanal = "facebook"
    label = "Facebook"
    object_type = "page"
    max_text = 2000  # Messenger's limit; a comment may be longer
    REPORT_ITEMS: ClassVar[frozenset[str]] = frozenset({"post", "status", "photo", "comment"})

    def split(self, request: WebhookRequest) -> list[Item]:
        items = []
        for e, entry in enumerate(self.entries(request)):
            page = str(entry.get("id") or "")
            for c, change in enumerate(as_list(entry.get("changes"))):
                where = f"entry[{e}].changes[{c}]"
                if not isinstance(change, dict):
                    raise PayloadError("Perubahan harus objek.", where)
                if change.get("field") != "feed":
                    continue
                value = change.get("value")
                if not isinstance(value, dict):
                    raise PayloadError("value harus objek.", f"{where}.value")
                # Reactions, shares and edits or removals of what is already here are not reports.
                if value.get("item") not in self.REPORT_ITEMS or value.get("verb") != "add":
                    continue
                key = value.get("comment_id") if value.get("item") == "comment" else value.get("post_id")
                if not str(key or "").strip():
                    field = "comment_id" if value.get("item") == "comment" else "post_id"
                    raise PayloadError(f"{field} tidak ada.", f"{where}.value.{field}")
                items.append(self.item(key, {"page_id": page, "feed": value}, f"{where}.value"))
            for m, event in enumerate(as_list(entry.get("messaging"))):
                where = f"entry[{e}].messaging[{m}]"
                if not isinstance(event, dict):
                    raise PayloadError("Pesan harus objek.", where)
                if "message" not in event:
                    continue  # deliveries, reads, postbacks
                mid = as_dict(event["message"]).get("mid")
                if not str(mid or "").strip():
                    raise PayloadError("message.mid tidak ada.", f"{where}.message.mid")
                items.append(self.item(mid, {"page_id": page, "messaging": event}, where))
        return items

    def parse(self, payload: Any) -> InboundMessage | None:
        payload = as_dict(payload)
        page = str(payload.get("page_id") or "")
        if "feed" in payload:
            return self._feed(page, as_dict(payload["feed"]))
        return self._messenger(page, as_dict(payload.get("messaging")))

    def _feed(self, page: str, value: dict[str, Any]) -> InboundMessage | None:
        sender = as_dict(value.get("from"))
        sender_id = str(sender.get("id") or "").strip()
        if value.get("verb") != "add" or (sender_id and sender_id in (page, self.config.account)):
            return None  # the Page's own posts and replies
        comment = value.get("item") == "comment"
        object_id = str(value.get("comment_id" if comment else "post_id") or "").strip()
        photos = [str(value["link"])] if value.get("item") == "photo" and value.get("link") else []
        photos += [url for url in as_list(value.get("photos")) if isinstance(url, str)]
        text = text_of(value.get("message")) or (PHOTO_ONLY if photos else "")
        if not text:
            return None
        extra = {"item": str(value.get("item")), "post_id": str(value.get("post_id") or "")}
        if comment and value.get("parent_id") and value.get("parent_id") != value.get("post_id"):
            extra["in_reply_to"] = str(value["parent_id"])
        return InboundMessage(
            kanal=self.kanal,
            external_id=object_id,
            text=text,
            # Without a sender (Meta withholds it for some users) the case has no follower to tell.
            sender=Contact(self.kanal, sender_id, str(sender.get("name") or ""), FEED + object_id)
            if sender_id
            else None,
            ticket=find_ticket(text),
            attachments=tuple(InboundAttachment("image/jpeg", url=url) for url in photos),
            received_at=moment(value.get("created_time")),
            reporter_name=str(sender.get("name") or ""),
            source_url=f"https://www.facebook.com/{object_id}",
            extra=extra,
        )

    def _messenger(self, page: str, event: dict[str, Any]) -> InboundMessage | None:
        message = as_dict(event.get("message"))
        psid = str(as_dict(event.get("sender")).get("id") or "").strip()
        if not psid:
            raise PayloadError("sender.id tidak ada.", "sender.id")
        if message.get("is_echo") or psid in (page, self.config.account):
            return None  # what the Page itself sent
        lat = lon = None
        place = ""
        photos = []
        for attachment in (as_dict(a) for a in as_list(message.get("attachments"))):
            content = as_dict(attachment.get("payload"))
            if attachment.get("type") == "image" and content.get("url"):
                photos.append(InboundAttachment("image/jpeg", url=str(content["url"])))
            elif attachment.get("type") == "location":
                point = as_dict(content.get("coordinates"))
                lat, lon = number(point.get("lat")), number(point.get("long"))
                if not valid_point(lat, lon):
                    raise PayloadError("Koordinat lokasi tidak valid.", "message.attachments.coordinates")
                place = str(attachment.get("title") or "")
        text = text_of(message.get("text"))
        if not text:
            if lat is not None:
                text = f"{LOCATION_ONLY}: {place}" if place else f"{LOCATION_ONLY}."
            elif photos:
                text = PHOTO_ONLY
            else:
                return None  # a sticker, a reaction, audio: nothing to read
        mid = str(message.get("mid")).strip()
        extra = {}
        if as_dict(message.get("reply_to")).get("mid"):
            extra["in_reply_to"] = str(message["reply_to"]["mid"])
        return InboundMessage(
            kanal=self.kanal,
            external_id=mid,
            text=text,
            sender=Contact(self.kanal, psid, "", MESSENGER + psid),
            lat=lat,
            lon=lon,
            address=place,
            ticket=find_ticket(text),
            attachments=tuple(photos),
            received_at=moment(event.get("timestamp"), milliseconds=True),
            extra=extra,
        )

    def send(self, message: OutboundMessage, client: httpx.Client) -> str:
        thread = message.to.thread
        if thread.startswith(MESSENGER):
            answer = self.post(
                client,
                "me/messages",
                {
                    "recipient": {"id": thread.removeprefix(MESSENGER) or message.to.address},
                    "messaging_type": "RESPONSE",
                    "message": {"text": message.text},
                },
            )
            return str(answer.get("message_id") or "")
        if thread.startswith(FEED) and thread.removeprefix(FEED):
            answer = self.post(client, f"{thread.removeprefix(FEED)}/comments", {"message": message.text})
            return str(answer.get("id") or "")
        raise DeliveryError(f"utas Facebook tidak dikenal: {thread!r}", permanent=True)


# ---------------------------------------------------------------- WhatsApp Cloud API


class WhatsAppChannel(MetaChannel):
    kanal = "whatsapp"
    label = "WhatsApp"
    object_type = "whatsapp_business_account"
    max_text = 4096

    def split(self, request: WebhookRequest) -> list[Item]:
        items = []
        for e, entry in enumerate(self.entries(request)):
            for c, change in enumerate(as_list(entry.get("changes"))):
                where = f"entry[{e}].changes[{c}]"
                if not isinstance(change, dict):
                    raise PayloadError("Perubahan harus objek.", where)
                if change.get("field") != "messages":
                    continue  # template and account updates
                value = change.get("value")
                if not isinstance(value, dict):
                    raise PayloadError("value harus objek.", f"{where}.value")
                names = {
                    str(contact.get("wa_id")): str(as_dict(contact.get("profile")).get("name") or "")
                    for contact in (as_dict(c) for c in as_list(value.get("contacts")))
                }
                phone_number_id = str(as_dict(value.get("metadata")).get("phone_number_id") or "")
                # ``statuses`` (sent, delivered, read, failed) report on our own messages: not reports.
                for m, message in enumerate(as_list(value.get("messages"))):
                    at = f"{where}.value.messages[{m}]"
                    if not isinstance(message, dict):
                        raise PayloadError("Pesan harus objek.", at)
                    if not str(message.get("id") or "").strip():
                        raise PayloadError("id pesan tidak ada.", f"{at}.id")
                    payload = {
                        "phone_number_id": phone_number_id,
                        "name": names.get(str(message.get("from")), ""),
                        "message": message,
                    }
                    items.append(self.item(message["id"], payload, at))
        return items

    def parse(self, payload: Any) -> InboundMessage | None:
        payload = as_dict(payload)
        message = as_dict(payload.get("message"))
        wa_id = str(message.get("from") or "").strip()
        if not wa_id:
            raise PayloadError("Pengirim (from) tidak ada.", "from")
        phone_number_id = str(payload.get("phone_number_id") or "")
        if self.config.account and phone_number_id and phone_number_id != self.config.account:
            return None  # another number of the same business account
        kind = message.get("type")
        text = ""
        lat = lon = None
        address = landmark = ""
        photos: tuple[InboundAttachment, ...] = ()
        if kind == "text":
            text = text_of(as_dict(message.get("text")).get("body"))
        elif kind == "location":
            place = as_dict(message.get("location"))
            lat, lon = number(place.get("latitude")), number(place.get("longitude"))
            if not valid_point(lat, lon):
                raise PayloadError("Lintang dan bujur lokasi tidak valid.", "location.latitude")
            landmark, address = str(place.get("name") or ""), str(place.get("address") or "")
            described = ", ".join(part for part in (landmark, address) if part)
            text = f"{LOCATION_ONLY}: {described}" if described else f"{LOCATION_ONLY}."
        elif kind == "image":
            image = as_dict(message.get("image"))
            if not image.get("id"):
                raise PayloadError("id gambar tidak ada.", "image.id")
            text = text_of(image.get("caption")) or PHOTO_ONLY
            # The media id is fetched (with the access token) through the Graph API; it stays a link here.
            photos = (
                InboundAttachment(
                    str(image.get("mime_type") or "image/jpeg"),
                    url=f"https://graph.facebook.com/{GRAPH_VERSION}/{image['id']}",
                    filename=str(image["id"]),
                ),
            )
        if not text:
            return None  # stickers, reactions, audio, unsupported messages
        context = as_dict(message.get("context"))
        name = str(payload.get("name") or "")
        return InboundMessage(
            kanal=self.kanal,
            external_id=str(message["id"]).strip(),
            text=text,
            sender=Contact(self.kanal, wa_id, name, str(message["id"]).strip()),
            lat=lat,
            lon=lon,
            address=address,
            landmark=landmark,
            ticket=find_ticket(text),
            attachments=photos,
            received_at=moment(message.get("timestamp")),
            reporter_name=name,
            reporter_phone=f"+{wa_id}" if wa_id.isdigit() else "",
            extra={"in_reply_to": str(context["id"])} if context.get("id") else {},
        )

    def send(self, message: OutboundMessage, client: httpx.Client) -> str:
        if not self.config.account:
            raise DeliveryError("account (phone_number_id) WhatsApp belum diatur", permanent=True)
        answer = self.post(
            client,
            f"{self.config.account}/messages",
            {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": message.to.address,
                "type": "text",
                "text": {"body": message.text},
            },
        )
        sent = [as_dict(m) for m in as_list(answer.get("messages"))]
        return str(sent[0].get("id") or "") if sent else ""
