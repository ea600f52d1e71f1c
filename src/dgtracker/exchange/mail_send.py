"""Letters sent through an SMTP server (Python's smtplib), one message per person.

The server is `$DGTRACKER_SMTP` (`smtp://host:port`, STARTTLS when the server offers it;
`smtps://host:port`, TLS from the start). The user and password come from
`$DGTRACKER_SMTP_USER` and `$DGTRACKER_SMTP_PASSWORD`, or the password from the system
keyring when the optional `keyring` package is installed; never from the record.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import Message
from types import TracebackType
from typing import TypeVar
from urllib.parse import urlsplit

from dgtracker.errors import SendFailed

SERVER_VAR = "DGTRACKER_SMTP"
USER_VAR = "DGTRACKER_SMTP_USER"
PASSWORD_VAR = "DGTRACKER_SMTP_PASSWORD"
KEYRING_SERVICE = "dgtracker-smtp"  # the keyring entry: this service, the user's name
TIMEOUT = 30  # seconds


@dataclass(frozen=True, slots=True)
class Server:
    host: str
    port: int
    tls: bool  # smtps: TLS from the start

    @property
    def shown(self) -> str:
        return f"{'smtps' if self.tls else 'smtp'}://{self.host}:{self.port}"


def server_from_env() -> Server:
    text = os.environ.get(SERVER_VAR, "").strip()
    if not text:
        raise SendFailed(
            f"No mail server: ${SERVER_VAR} is not set.",
            hint=f"Set {SERVER_VAR}=smtp://host:587 (or smtps://host:465); nothing was sent.",
        )
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SendFailed(
            f"${SERVER_VAR} is not smtp://host:port or smtps://host:port.",
            hint="Nothing was sent.",
        )
    tls = parts.scheme == "smtps"
    return Server(parts.hostname, port or (465 if tls else 587), tls)


def _password(user: str) -> str | None:
    password = os.environ.get(PASSWORD_VAR)
    if password:
        return password
    try:
        import keyring  # type: ignore[import-not-found]  # optional, where installed
    except ImportError:
        return None
    try:
        found: str | None = keyring.get_password(KEYRING_SERVICE, user)
    except Exception:  # any keyring back end's failure: as if it held nothing
        return None
    return found


class Connection:
    """An open, logged-in connection to the server."""

    def __init__(self, server: Server) -> None:
        self.server = server
        context = ssl.create_default_context()
        try:
            if server.tls:
                self.smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    server.host, server.port, timeout=TIMEOUT, context=context
                )
            else:
                self.smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
                self.smtp.ehlo()
                if self.smtp.has_extn("starttls"):
                    self.smtp.starttls(context=context)
                    self.smtp.ehlo()
            user = os.environ.get(USER_VAR)
            if user:
                password = _password(user)
                if password is None:
                    raise SendFailed(
                        f"${USER_VAR} is set but there is no password.",
                        hint=f"Set {PASSWORD_VAR}, or keep it in the system keyring "
                        f"(service '{KEYRING_SERVICE}'); nothing was sent.",
                    )
                self.smtp.login(user, password)
        except (OSError, smtplib.SMTPException) as error:
            raise SendFailed(
                f"Could not reach the mail server {server.shown}: {_said(error)}.",
                hint=f"Check {SERVER_VAR} and that the server is running; nothing was sent.",
            ) from None

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            self.smtp.quit()
        except (OSError, smtplib.SMTPException):
            self.smtp.close()


def _said(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply(error.smtp_code, error.smtp_error)
    if isinstance(error, smtplib.SMTPRecipientsRefused):  # what it said, not the address
        for code, said in error.recipients.values():
            return _reply(code, said)
        return "the recipient was refused"
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def _reply(code: int, said: bytes | str) -> str:
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else said
    return f"{code} {text}"


T = TypeVar("T")


def send_each(
    server: Server,
    messages: Iterable[tuple[T, Message, str, str]],
    accepted: Callable[[T], None],
) -> None:
    """Send each (item, message, from address, to address); `accepted(item)` once the
    server has accepted that message. The first refusal stops the run: SendFailed, after
    the messages the server accepted before it were reported."""
    with Connection(server) as connection:
        for item, message, sender, to in messages:
            try:
                connection.smtp.sendmail(sender, [to], message.as_bytes())
            except (OSError, smtplib.SMTPException) as error:
                raise SendFailed(
                    f"The mail server {server.shown} refused a message: {_said(error)}.",
                    hint="The letters it accepted before it are logged as sent; run the "
                    "command again to send the rest.",
                ) from None
            accepted(item)
