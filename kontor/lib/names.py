"""A person's name guessed from an e-mail address, for logins made without one."""

from __future__ import annotations

import re


def name_from_email(email: str) -> str:
    """"ben.mueller@example.com" -> "Ben Mueller": the local part split at dots and underscores,
    each word capitalised (also after a hyphen: "anna-lena" -> "Anna-Lena"), a "+tag" left out and
    a single letter written as an initial ("j.doe" -> "J. Doe"). Falls back to the local part as
    it is when nothing of it is a letter."""
    local = email.strip().split("@", 1)[0].split("+", 1)[0]
    words = [word for word in re.split(r"[._\s]+", local) if word]
    named = []
    for word in words:
        word = "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))
        named.append(f"{word}." if len(word) == 1 and word.isalpha() else word)
    name = " ".join(named)
    return name if any(char.isalpha() for char in name) else local
