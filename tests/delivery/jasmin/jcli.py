"""Jasmin's management console (jCli, a telnet line protocol) from the tests: log in, type
commands, read up to the next prompt. Used to provision the Jasmin that
``scripts/jasmin test`` starts (docs/carriers.md, "Jasmin")."""

from __future__ import annotations

import re
import socket
from types import TracebackType

PROMPTS = (b"jcli : ", b"> ")
TELNET = re.compile(rb"\xff[\xfb-\xfe].|\x1b(\[[0-9;]*[A-Za-z]|c)")  # negotiation, VT100


class JcliError(AssertionError):
    """jCli refused a command; the message is its answer."""


class Jcli:
    def __init__(self, host: str, port: int, username: str, password: str) -> None:
        self.sock = socket.create_connection((host, port), timeout=30)
        self.sock.sendall(b"\r\n")  # it asks for the username only after a first line
        self._read((b"Username: ",))
        self.sock.sendall(username.encode() + b"\r\n")
        self._read((b"Password: ",))
        self.sock.sendall(password.encode() + b"\r\n")
        welcome = self._read((*PROMPTS, b"Username: "))
        if "Welcome" not in welcome:
            raise JcliError(f"jCli login refused: {welcome!r}")

    def __enter__(self) -> Jcli:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.sock.close()

    def _read(self, prompts: tuple[bytes, ...]) -> str:
        buffer = b""
        while not buffer.endswith(prompts):
            chunk = self.sock.recv(4096)
            if not chunk:
                raise JcliError(f"jCli closed the connection after {buffer!r}")
            buffer += chunk
        return TELNET.sub(b"", buffer).replace(b"\r", b"").decode("utf-8", "replace")

    def run(self, line: str) -> str:
        """One line; jCli's answer (the echo and the prompt left out)."""
        self.sock.sendall(line.encode() + b"\r\n")
        answer = self._read(PROMPTS)
        lines = answer.split("\n")
        return "\n".join(lines[1:-1])  # the echoed command, the prompt

    def add(self, command: str, fields: dict[str, str | int]) -> None:
        """An interactive ``-a``/``-u`` command: each ``key value``, then ``ok``."""
        self.run(command)
        for key, value in fields.items():
            answer = self.run(f"{key} {value}")
            if answer.strip() and not answer.startswith("<class"):  # a route type's arguments
                self.run("ko")
                raise JcliError(f"{command}: {key} {value}: {answer}")
        answer = self.run("ok")
        if "Successfully" not in answer:
            self.run("ko")
            raise JcliError(f"{command}: {answer}")
