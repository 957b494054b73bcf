"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet (no I, O, S, V, Z): registration authority,
organization kind, 6-digit administrative division, 9-character organization code and a
check character computed over the first 17 with the weights 3^i mod 31.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The check character for the first 17 characters (already upper case, valid)."""
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None when the code is valid, otherwise a short English reason (for messages)."""
    if not isinstance(code, str) or len(code) != 18:
        return "must be 18 characters"
    bad = sorted({c for c in code if c not in VALUES})
    if bad:
        return "contains characters outside GB 32100: " + "".join(bad)
    if not code[2:8].isdigit():
        return "characters 3-8 must be the administrative division code (digits)"
    if check_character(code[:17]) != code[17]:
        return "check character does not match"
    return None


def validate_credit_code(code: str) -> bool:
    """Pure check of a code as written (upper case, no spaces). Callers normalize first."""
    return credit_code_problem(code) is None
