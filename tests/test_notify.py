"""overdue --notify: the digest to WeCom and DingTalk group robots and by e-mail, against
stub servers on 127.0.0.1 that answer as the robots and a mail server would."""

import base64
import email
import hashlib
import hmac
import json
import socketserver
import threading
import time
import urllib.parse
from email import policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from conftest import log, tsms
from tsms import deliver
from tsms.render import digest

SECRET = "SECtest-secret"


class Robot(BaseHTTPRequestHandler):
    """Answers like a group robot: /ok errcode 0, /fail errcode 93000, /slow after a while,
    /ding checks DingTalk's timestamp and sign against SECRET."""

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        self.server.received.append({"path": url.path, "query": query, "json": body})
        answer = {"errcode": 0, "errmsg": "ok"}
        if url.path == "/fail":
            answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
        elif url.path == "/slow":
            time.sleep(2)
        elif url.path == "/ding":
            stamp, sign = query["timestamp"][0], query["sign"][0]
            expected = base64.b64encode(hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256).digest())
            if sign.encode() != expected or abs(time.time() * 1000 - int(stamp)) > 3600_000:
                answer = {"errcode": 310000, "errmsg": "sign not match"}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class Mail(socketserver.StreamRequestHandler):
    """Just enough SMTP to take one message and keep it."""

    def handle(self):
        say = lambda text: self.wfile.write(text.encode() + b"\r\n")  # noqa: E731
        say("220 stub ESMTP")
        while True:
            line = self.rfile.readline().decode().rstrip("\r\n")
            verb = line.split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                say("250 stub")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                say("250 ok")
            elif verb == "DATA":
                say("354 go on")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                self.server.received.append(b"".join(lines))
                say("250 queued")
            elif verb == "QUIT" or not line:
                say("221 bye")
                return
            else:
                say("502 no")


@pytest.fixture
def servers(monkeypatch, tmp_path):
    robot = HTTPServer(("127.0.0.1", 0), Robot)
    mail = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Mail)
    robot.received, mail.received = [], []
    for server in (robot, mail):
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    base = f"http://127.0.0.1:{robot.server_address[1]}"
    monkeypatch.setattr(deliver, "TIMEOUT", 1.0)
    monkeypatch.delenv("TSMS_NOTIFY_FILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))  # never the user's own file
    monkeypatch.setenv("TSMS_WECOM_URL", f"{base}/ok?key=k")
    monkeypatch.setenv("TSMS_DINGTALK_URL", f"{base}/ding?access_token=t")
    monkeypatch.setenv("TSMS_DINGTALK_SECRET", SECRET)
    monkeypatch.setenv("TSMS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TSMS_SMTP_PORT", str(mail.server_address[1]))
    monkeypatch.setenv("TSMS_SMTP_FROM", "tsms@example.com")
    monkeypatch.setenv("TSMS_SMTP_TO", "fuzeren@example.com")
    yield base, robot, mail
    for server in (robot, mail):
        server.shutdown()
        server.server_close()


@pytest.fixture
def late(site):
    log("2026-11-16 10:00")  # never accepted: due 2026-11-16, late on the 23rd
    return site


def test_wecom_dingtalk_and_email_get_the_digest(late, servers):
    base, robot, mail = servers
    r = tsms("overdue", "--notify", "wecom,dingtalk,email", ok=False)
    assert r.exit_code == 1, r.stderr  # late, and every notification delivered
    wecom = [m for m in robot.received if m["path"] == "/ok"]
    assert wecom[0]["json"]["msgtype"] == "markdown"
    content = wecom[0]["json"]["markdown"]["content"]
    assert len(content.encode()) <= 4096
    assert "SH01-2026-00001" in content and "逾期 7 天(5 个工作日)" in content and "2026-11-23" in content
    assert "13812345678" not in content and "某小区" not in content  # no contacts in a chat group
    ding = [m for m in robot.received if m["path"] == "/ding"]
    assert ding and ding[0]["json"]["markdown"]["title"] and "SH01-2026-00001" in ding[0]["json"]["markdown"]["text"]
    assert "sign" in ding[0]["query"] and "timestamp" in ding[0]["query"]
    (raw,) = mail.received
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "fuzeren@example.com" and "逾期 1 项" in message["Subject"]
    assert message["Date"] and message["Message-ID"]
    parts = {p.get_content_type(): p.get_content() for p in message.walk() if not p.is_multipart()}
    assert "SH01-2026-00001" in parts["text/plain"] and "<li>" in parts["text/html"]


def test_a_wrong_dingtalk_secret_is_the_robots_refusal(late, servers, monkeypatch):
    monkeypatch.setenv("TSMS_DINGTALK_SECRET", "SECwrong")
    r = tsms("overdue", "--notify", "dingtalk", ok=False)
    assert r.exit_code == 4 and "310000" in r.stderr


def test_a_robot_error_is_exit_4_and_the_others_still_go(late, servers, monkeypatch):
    base, robot, mail = servers
    monkeypatch.setenv("TSMS_WECOM_URL", f"{base}/fail?key=k")
    r = tsms("overdue", "--notify", "wecom,email", ok=False)
    assert r.exit_code == 4
    assert r.stderr.strip().splitlines() == [r.stderr.strip()] and "wecom" in r.stderr and "93000" in r.stderr
    assert len(mail.received) == 1


def test_a_slow_robot_times_out(late, servers, monkeypatch):
    base, robot, mail = servers
    monkeypatch.setenv("TSMS_WECOM_URL", f"{base}/slow?key=k")
    t0 = time.monotonic()
    r = tsms("overdue", "--notify", "wecom", ok=False)
    assert r.exit_code == 4 and "wecom" in r.stderr and time.monotonic() - t0 < 5


def test_a_long_digest_is_split_without_cutting_an_item():
    items = [{"kind": "revisit", "number": f"SH01-2026-{n:05d}", "project": "P01", "due": "2026-11-16",
              "days_late": 7, "working_days_late": 5, "late": True, "assignee": f"处理人{n % 7}",
              "status": "resolved", "provisional": False} for n in range(1, 301)]
    d = digest.Digest("SH01 某工地", "2026-11-23", items, 0)
    messages = digest.markdown_messages(d)
    assert 1 < len(messages) <= 20
    assert all(len(m.encode()) <= 4096 for m in messages)
    listed = [line for m in messages for line in m.splitlines() if line.startswith("- ")]
    assert sorted(listed) == sorted(f"- {d.line(i)}" for i in items)  # every item whole, once
    for m in messages[1:]:  # a continuing message says whose items it continues
        assert m.splitlines()[1].startswith("### ")
    few = digest.markdown_messages(d, limit=4096, most=2)  # more than the robot takes in a minute
    assert len(few) == 2 and all(len(m.encode()) <= 4096 for m in few)
    shown = sum(1 for m in few for line in m.splitlines() if line.startswith("- "))
    assert f"另有 {300 - shown} 项未列出" in few[-1]


def test_dry_run_sends_nothing(late, servers):
    base, robot, mail = servers
    r = tsms("overdue", "--notify", "wecom,dingtalk,email", "--dry-run", ok=False)
    assert r.exit_code == 1 and "--- wecom 1/1" in r.stdout and "--- email" in r.stdout
    assert robot.received == [] and mail.received == []


@pytest.mark.parametrize("day,sent", [("2026-10-03", False), ("2026-10-10", True), ("2026-10-12", True)])
def test_working_days_only(site, servers, monkeypatch, day, sent):
    """National Day (a Saturday holiday) is skipped; Saturday 2026-10-10, a make-up workday, is not."""
    base, robot, mail = servers
    monkeypatch.setenv("TSMS_NOW", f"{day} 07:30")
    log("2026-09-29 10:00")
    r = tsms("overdue", "--notify", "wecom", "--working-days-only", ok=False)
    if sent:
        assert r.exit_code == 1 and len(robot.received) == 1
    else:
        assert r.exit_code == 0 and robot.received == [] and "休息日" in r.stdout


def test_nothing_late_nothing_sent_unless_always(site, servers):
    base, robot, mail = servers
    assert tsms("overdue", "--notify", "wecom").exit_code == 0 and robot.received == []
    assert tsms("overdue", "--notify", "wecom", "--always").exit_code == 0 and len(robot.received) == 1


def test_a_config_file_others_can_read_is_refused(late, tmp_path, monkeypatch, servers):
    config = tmp_path / "notify.toml"
    config.write_text('[wecom]\nurl = "http://127.0.0.1:9/x"\n', encoding="utf-8")
    config.chmod(0o644)
    monkeypatch.setenv("TSMS_NOTIFY_FILE", str(config))
    r = tsms("overdue", "--notify", "wecom", ok=False)
    assert r.exit_code == 2 and "chmod 600" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    config.chmod(0o600)
    base, robot, mail = servers
    config.write_text(f'[wecom]\nurl = "{base}/ok?key=file"\n', encoding="utf-8")
    assert tsms("overdue", "--notify", "wecom", ok=False).exit_code == 1
    assert robot.received[-1]["query"]["key"] == ["file"]


@pytest.mark.parametrize("bad", ["sms", "", "wecom,fax"])
def test_unknown_channel_is_refused(late, bad):
    r = tsms("overdue", "--notify", bad, ok=False)
    assert r.exit_code == 2 and "wecom" in r.stderr


def test_a_sites_own_robot_from_a_shared_config(late, tmp_path, monkeypatch, servers):
    base, robot, mail = servers
    config = tmp_path / "notify.toml"
    config.write_text(f'[wecom]\nurl = "{base}/ok?key=default"\n\n[site.SH01.wecom]\nurl = "{base}/ok?key=sh01"\n'
                      f'\n[site.SH02.wecom]\nurl = "{base}/ok?key=sh02"\n', encoding="utf-8")
    config.chmod(0o600)
    monkeypatch.setenv("TSMS_NOTIFY_FILE", str(config))
    assert tsms("overdue", "--notify", "wecom", ok=False).exit_code == 1
    assert [m["query"]["key"] for m in robot.received] == [["sh01"]]


def test_a_broken_channel_fails_alone(late, servers, monkeypatch):
    base, robot, mail = servers
    monkeypatch.setenv("TSMS_SMTP_PORT", "smtp")
    r = tsms("overdue", "--notify", "email,wecom", ok=False)
    assert r.exit_code == 4 and "端口" in r.stderr and len(robot.received) == 1


@pytest.mark.parametrize("url", ["file:///etc/passwd", "127.0.0.1:9/x"])
def test_a_robot_address_must_be_a_web_address(late, servers, monkeypatch, url):
    monkeypatch.setenv("TSMS_WECOM_URL", url)
    r = tsms("overdue", "--notify", "wecom", ok=False)
    assert r.exit_code == 4 and "https://" in r.stderr and "root:" not in r.stderr


def test_dry_run_and_always_need_notify(late):
    assert tsms("overdue", "--dry-run", ok=False).exit_code == 2
    assert tsms("overdue", "--always", ok=False).exit_code == 2


def test_json_stays_one_document(late, servers, monkeypatch):
    r = tsms("overdue", "--notify", "wecom", "--dry-run", "--json", ok=False)
    assert json.loads(r.stdout)[0]["number"] == "SH01-2026-00001" and "--- wecom" in r.stderr
    monkeypatch.setenv("TSMS_NOW", "2026-11-22 07:30")  # a Sunday
    r = tsms("overdue", "--working-days-only", "--json", ok=False)
    assert r.exit_code == 0 and json.loads(r.stdout) == [] and "休息日" in r.stderr


def test_a_config_file_named_but_missing(late, monkeypatch, tmp_path):
    monkeypatch.setenv("TSMS_NOTIFY_FILE", str(tmp_path / "nope.toml"))
    r = tsms("overdue", "--notify", "wecom", ok=False)
    assert r.exit_code == 2 and "不存在" in r.stderr
