"""Sending the digest: 企业微信 (WeCom) and 钉钉 (DingTalk) group robots and e-mail, with
Python's standard library. Secrets come from a config file only its owner may read
(``TSMS_NOTIFY_FILE``, else ``$XDG_CONFIG_HOME/tsms/notify.toml``, else
``~/.config/tsms/notify.toml``) or from the environment — never from the command line.

The robots' rules (their documentation): a POST of JSON, answered with HTTP 200 and an
``errcode`` that is 0 on success; DingTalk's signed mode appends ``&timestamp=…&sign=…``, the
sign being Base64(HMAC-SHA256(secret, timestamp + "\\n" + secret)), URL-encoded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tsms.errors import TsmsError
from tsms.vocab import t

CHANNELS = ("wecom", "dingtalk", "email")
TIMEOUT = 10.0  # seconds for any one robot or mail server to answer


class DeliveryError(Exception):
    """A notification that did not go through: one line naming the channel and why."""


def config_path() -> Path:
    if os.environ.get("TSMS_NOTIFY_FILE"):
        return Path(os.environ["TSMS_NOTIFY_FILE"]).expanduser()
    base = Path(os.environ["XDG_CONFIG_HOME"]) if os.environ.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "tsms" / "notify.toml"


def load_config(channels: list[str], site: str | None = None) -> dict:
    """The settings of each channel asked for: the config file's ``[site.CODE.channel]``
    section for this site when there is one (one file serving several sites' ledgers, or
    head office sending each site's digest to that site's robot), else its ``[channel]``
    section, then the environment (TSMS_WECOM_URL, TSMS_DINGTALK_URL, TSMS_DINGTALK_SECRET, TSMS_SMTP_HOST,
    TSMS_SMTP_PORT, TSMS_SMTP_SSL, TSMS_SMTP_USER, TSMS_SMTP_PASSWORD, TSMS_SMTP_FROM,
    TSMS_SMTP_TO). Refused (exit 2): a config file others may read, a channel with no address."""
    path = config_path()
    data: dict = {}
    if path.exists():
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise TsmsError(t("{p} 的权限为 {m},组或其他人可读写;它存有机器人地址和密码,请 chmod 600 {p}",
                              "{p} has mode {m}: others may read it, and it holds the robots' addresses and passwords; "
                              "chmod 600 {p}", p=path, m=oct(stat.S_IMODE(mode))))
        import tomllib

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise TsmsError(t("{p} 不是有效的 TOML:{e}", "{p} is not valid TOML: {e}", p=path, e=exc)) from None
    env = os.environ
    out = {}
    own = (data.get("site") or {}).get(site or "") or {}
    for channel in channels:
        section = dict(own.get(channel) or data.get(channel) or {})
        if channel == "wecom":
            section.setdefault("url", env.get("TSMS_WECOM_URL"))
            needed = ["url"]
        elif channel == "dingtalk":
            section.setdefault("url", env.get("TSMS_DINGTALK_URL"))
            section.setdefault("secret", env.get("TSMS_DINGTALK_SECRET"))
            needed = ["url"]
        else:
            for key in ("host", "port", "ssl", "user", "password", "from", "to"):
                section.setdefault(key, env.get(f"TSMS_SMTP_{key.upper()}"))
            if section.get("password_env"):
                section["password"] = env.get(section["password_env"])
            if isinstance(section.get("to"), str):
                section["to"] = [a.strip() for a in section["to"].split(",") if a.strip()]
            needed = ["host", "from", "to"]
        missing = [k for k in needed if not section.get(k)]
        if missing:
            raise TsmsError(t("通知渠道 {c} 缺少 {k}:写在 {p} 的 [{c}] 里,或用环境变量",
                              "the {c} channel has no {k}: put it in [{c}] of {p}, or in the environment",
                              c=channel, k=", ".join(missing), p=path))
        out[channel] = section
    return out


def parse_channels(text: str) -> list[str]:
    channels = [c.strip().lower() for c in text.split(",") if c.strip()]
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown or not channels:
        raise TsmsError(t("--notify「{v}」:可用 {a}(逗号分隔)", "--notify {v!r}: accepted {a}, comma-separated",
                          v=text, a=", ".join(CHANNELS)))
    return list(dict.fromkeys(channels))


def _post(channel: str, url: str, payload: dict) -> None:
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode(),
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"{channel}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"{channel}: {reason}") from None
    try:
        answer = json.loads(body)
    except ValueError:
        raise DeliveryError(f"{channel}: the robot did not answer JSON ({body[:80]!r})") from None
    if answer.get("errcode") != 0:
        raise DeliveryError(f"{channel}: errcode {answer.get('errcode')} {answer.get('errmsg', '')}".rstrip())


def send_wecom(settings: dict, title: str, messages: list[str]) -> None:
    for content in messages:
        _post("wecom", settings["url"], {"msgtype": "markdown", "markdown": {"content": content}})


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signed mode: Base64(HMAC-SHA256(secret, "timestamp\\nsecret")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def send_dingtalk(settings: dict, title: str, messages: list[str]) -> None:
    for text in messages:
        url = settings["url"]
        if settings.get("secret"):
            stamp = int(time.time() * 1000)
            url += f"{'&' if '?' in url else '?'}timestamp={stamp}&sign={dingtalk_sign(settings['secret'], stamp)}"
        _post("dingtalk", url, {"msgtype": "markdown", "markdown": {"title": title, "text": text}})


def send_email(settings: dict, subject: str, text: str, html_body: str) -> None:
    import smtplib
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, settings["from"], ", ".join(settings["to"])
    message.set_content(text)
    message.add_alternative(html_body, subtype="html")
    ssl = str(settings.get("ssl") or "").lower() in ("1", "true", "yes")
    port = int(settings.get("port") or (465 if ssl else 25))
    try:
        server = (smtplib.SMTP_SSL if ssl else smtplib.SMTP)(settings["host"], port, timeout=TIMEOUT)
        with server:
            if settings.get("user"):
                server.login(settings["user"], settings.get("password") or "")
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"email: {exc}") from None
