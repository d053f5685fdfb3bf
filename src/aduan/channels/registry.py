"""The built-in channels by kanal, and how a deployment's settings turn them on."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from aduan.channels.base import Channel, ChannelConfig

# kanal → "module:Class". A deployment enables a channel in ADUAN_CHANNELS; a plug-in adds its own here
# through the same setting ("class": "package.module:Class").
BUILTIN: dict[str, str] = {
    "jaki": "aduan.channels.jaki:JakiChannel",
    "twitter": "aduan.channels.twitter:TwitterChannel",
    "sosmed_pimpinan": "aduan.channels.twitter:PimpinanChannel",
    "facebook": "aduan.channels.meta:FacebookChannel",
    "whatsapp": "aduan.channels.meta:WhatsAppChannel",
    "email": "aduan.channels.email:EmailChannel",
    "sms": "aduan.channels.sms:SmsChannel",
    "lapor": "aduan.channels.lapor:LaporChannel",
    "qlue": "aduan.channels.qlue:QlueChannel",
}


class UnknownChannel(KeyError):
    """No such kanal, or it is not enabled in this deployment."""


def load_class(path: str) -> type[Channel]:
    module_name, _, class_name = path.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(cls, type) and issubclass(cls, Channel)):
        raise TypeError(f"{path} is not a Channel")
    return cls


def config_from(settings: Mapping[str, Any]) -> ChannelConfig:
    known = {"enabled", "secret", "verify_token", "api_base", "access_token", "account"}
    options = {k: v for k, v in settings.items() if k not in known and k != "class"}
    return ChannelConfig(
        enabled=bool(settings.get("enabled", True)),
        secret=str(settings.get("secret", "")),
        verify_token=str(settings.get("verify_token", "")),
        api_base=str(settings.get("api_base", "")),
        access_token=str(settings.get("access_token", "")),
        account=str(settings.get("account", "")),
        options=options,
    )


def channel(kanal: str, configured: Mapping[str, Mapping[str, Any]]) -> Channel:
    """The enabled channel for ``kanal`` with its configuration; UnknownChannel otherwise."""
    settings = configured.get(kanal)
    if settings is None or not settings.get("enabled", True):
        raise UnknownChannel(kanal)
    path = str(settings.get("class") or BUILTIN.get(kanal, ""))
    if not path:
        raise UnknownChannel(kanal)
    return load_class(path)(config_from(settings))
