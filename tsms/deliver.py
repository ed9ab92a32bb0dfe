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


def _read_file() -> tuple[Path, dict]:
    path = config_path()
    if not path.exists():
        if os.environ.get("TSMS_NOTIFY_FILE"):
            raise TsmsError(t("TSMS_NOTIFY_FILE 指向的 {p} 不存在", "TSMS_NOTIFY_FILE names {p}, which does not exist", p=path))
        return path, {}
    if not path.is_file():
        raise TsmsError(t("{p} 不是文件", "{p} is not a file", p=path))
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise TsmsError(t("{p} 的权限为 {m},组或其他人可读写;它存有机器人地址和密码,请 chmod 600 {p}",
                          "{p} has mode {m}: others may read it, and it holds the robots' addresses and passwords; "
                          "chmod 600 {p}", p=path, m=f"{stat.S_IMODE(mode):o}"))
    import tomllib

    try:
        return path, tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TsmsError(t("{p} 不是有效的 TOML:{e}", "{p} is not valid TOML: {e}", p=path, e=exc)) from None


def load_config(channels: list[str], site: str | None = None) -> dict:
    """The settings of each channel asked for: the config file's ``[site.CODE.channel]``
    section for this site when there is one (one file serving several sites' ledgers, or
    head office sending each site's digest to that site's robot), else its ``[channel]``
    section; what the file does not say comes from the environment (TSMS_WECOM_URL,
    TSMS_DINGTALK_URL, TSMS_DINGTALK_SECRET, TSMS_SMTP_HOST, TSMS_SMTP_PORT, TSMS_SMTP_SSL,
    TSMS_SMTP_USER, TSMS_SMTP_PASSWORD, TSMS_SMTP_FROM, TSMS_SMTP_TO). A config file others
    may read is refused (TsmsError, exit 2); a channel whose settings are missing or wrong
    gets a DeliveryError in its place, so that the other channels still go."""
    path, data = _read_file()
    sites = data.get("site") if isinstance(data.get("site"), dict) else {}
    own = sites.get(site or "") if isinstance(sites.get(site or ""), dict) else {}
    out = {}
    for channel in channels:
        try:
            section = own.get(channel) or data.get(channel) or {}
            if not isinstance(section, dict):
                raise DeliveryError(f"{channel}: [{channel}] in {path} is not a table of settings")
            out[channel] = _settings(channel, dict(section), path)
        except DeliveryError as exc:
            out[channel] = exc
    return out


def _settings(channel: str, section: dict, path: Path) -> dict:
    env = os.environ
    if channel in ("wecom", "dingtalk"):
        prefix = f"TSMS_{channel.upper()}_"
        section.setdefault("url", env.get(prefix + "URL"))
        if channel == "dingtalk":
            section.setdefault("secret", env.get("TSMS_DINGTALK_SECRET"))
        url = section.get("url")
        if not url:
            raise DeliveryError(t("{c}: 没有机器人地址(在 {p} 的 [{c}] 写 url,或设 {e}URL)",
                                  "{c}: no robot address (url in [{c}] of {p}, or {e}URL)", c=channel, p=path, e=prefix))
        if not isinstance(url, str) or urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise DeliveryError(t("{c}: 机器人地址应以 https:// 开头,收到「{u}」", "{c}: the robot address must be an "
                                  "https:// URL, not {u!r}", c=channel, u=str(url)[:60]))
        return section
    for key in ("host", "port", "ssl", "user", "password", "from", "to"):
        section.setdefault(key, env.get(f"TSMS_SMTP_{key.upper()}"))
    if section.get("password_env"):
        if section["password_env"] not in env:
            raise DeliveryError(t("email: 环境变量 {v} 没有设置(password_env)", "email: the environment variable {v} "
                                  "(password_env) is not set", v=section["password_env"]))
        section["password"] = env[section["password_env"]]
    if isinstance(section.get("to"), str):
        section["to"] = [a.strip() for a in section["to"].split(",") if a.strip()]
    missing = [k for k in ("host", "from", "to") if not section.get(k)]
    if missing:
        raise DeliveryError(t("email: 缺少 {k}(在 {p} 的 [email] 写,或设 TSMS_SMTP_*)",
                              "email: no {k} (in [email] of {p}, or TSMS_SMTP_*)", k=", ".join(missing), p=path))
    ssl = section.get("ssl")
    if isinstance(ssl, str):
        if ssl.strip().lower() not in ("1", "0", "true", "false", "yes", "no", ""):
            raise DeliveryError(t("email: ssl 应为 true 或 false,收到「{v}」", "email: ssl is true or false, not {v!r}", v=ssl))
        ssl = ssl.strip().lower() in ("1", "true", "yes")
    section["ssl"] = bool(ssl)
    port = section.get("port")
    try:
        section["port"] = int(port) if port not in (None, "") else (465 if section["ssl"] else 25)
        if not 0 < section["port"] < 65536:
            raise ValueError
    except (TypeError, ValueError):
        raise DeliveryError(t("email: 端口应为 1–65535 的整数,收到「{v}」", "email: the port is a number 1 to 65535, not {v!r}",
                              v=port)) from None
    return section


def parse_channels(text: str) -> list[str]:
    channels = [c.strip().lower() for c in text.split(",") if c.strip()]
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown or not channels:
        raise TsmsError(t("--notify「{v}」:不认识 {u};可用 {a}(逗号分隔)", "--notify {v!r}: {u} unknown; accepted {a}, "
                          "comma-separated", v=text, u=", ".join(unknown) or "—", a=", ".join(CHANNELS)))
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
        where = urllib.parse.urlsplit(url).netloc
        raise DeliveryError(f"{channel}: {where}: {reason}") from None
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
    """Plain text and an HTML part; SSL from the start (``ssl``, port 465) or STARTTLS when
    the server offers it; a password is never sent over an unencrypted connection."""
    import smtplib
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, settings["from"], ", ".join(settings["to"])
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=settings["from"].rpartition("@")[2] or None)
    message.set_content(text)
    message.add_alternative(html_body, subtype="html")
    where = f"{settings['host']}:{settings['port']}"
    try:
        server = (smtplib.SMTP_SSL if settings["ssl"] else smtplib.SMTP)(settings["host"], settings["port"],
                                                                         timeout=TIMEOUT)
        with server:
            encrypted = settings["ssl"]
            if not encrypted:
                server.ehlo()
                if server.has_extn("starttls"):
                    server.starttls()
                    server.ehlo()
                    encrypted = True
            if settings.get("user"):
                if not encrypted:
                    raise DeliveryError(f"email: {where} offers no encryption (SSL or STARTTLS): the password is not "
                                        "sent in clear")
                server.login(settings["user"], settings.get("password") or "")
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"email: {where}: {exc}") from None
