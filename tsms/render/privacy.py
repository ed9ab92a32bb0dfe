"""Complainants' contacts where they belong (SPEC §8, seed: 「注意保护客户的隐私信息」): the
one place phone numbers and addresses are masked, for the terminal, JSON and the workbooks.
``show`` gives them in full (the clerk calls back); every listing masks them unless
``--with-contacts``."""

from __future__ import annotations

# the keys a complainant's contact and address go by, in every record a listing gives
CONTACT_KEYS = ("contact",)
ADDRESS_KEYS = ("address",)


def mask_contact(value: str | None) -> str | None:
    """``13812345678`` → ``138****5678``; an e-mail keeps its first letter and domain."""
    if not value:
        return value
    text = value.strip()
    if "@" in text:
        name, _, domain = text.partition("@")
        return f"{name[:1]}***@{domain}"
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if len(digits) >= 7:
        hide = set(digits[3:-4])
        return "".join("*" if i in hide else ch for i, ch in enumerate(text))
    return text[:1] + "*" * max(1, len(text) - 1)


def mask_address(value: str | None) -> str | None:
    """Keep the first third (at least two characters), hide the rest: 某小区3号楼402室 → 某小区****."""
    if not value:
        return value
    text = value.strip()
    keep = max(2, len(text) // 3)
    return text[:keep] + "****" if len(text) > keep else text[:1] + "****"


def masked(data, with_contacts: bool = False):
    """A listing's answer (dicts and lists, as the queries give them) with every contact and
    address masked; unchanged with ``with_contacts``. The answer itself is left as it was."""
    if with_contacts:
        return data
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if key in CONTACT_KEYS and isinstance(value, str):
                out[key] = mask_contact(value)
            elif key in ADDRESS_KEYS and isinstance(value, str):
                out[key] = mask_address(value)
            else:
                out[key] = masked(value)
        return out
    if isinstance(data, (list, tuple)):
        return [masked(item) for item in data]
    return data
