"""The ``relevant`` condition grammar: parsed by hand, never evaluated as Python.

    cond   := and_ ("or" and_)*
    and_   := atom ("and" atom)*
    atom   := "(" cond ")" | CODE ("==" | "!=") 'OPTION' | "selected(" CODE "," 'OPTION' ")"

The XLSForm dialect (``odk=True``) is the same with ``${code}`` for ``code`` and
``=`` for ``==``.  A parsed condition is a small tuple tree, so the model, the
printer's "only if" hints and data entry all read the same structure.
"""

from __future__ import annotations

import re


class ConditionError(ValueError):
    """A ``relevant`` condition is not in the supported grammar."""


# A condition is a tuple tree: ("or"|"and", [children]) or (op, code, option)
# with op in "eq", "ne", "selected".
Condition = tuple
_TOKEN_RE = re.compile(r"""\s*(?:(\$\{[A-Za-z][A-Za-z0-9_]*\})|([A-Za-z][A-Za-z0-9_]*)"""
                       r"""|('[^']*'|"[^"]*")"""
                       r"""|(==|!=|=|\(|\)|,))""")
MAX_CONDITION_LEN = 500
_EXPECT = {"code": "mã câu hỏi", "str": "mã lựa chọn trong dấu nháy", "=": "toán tử so sánh",
           "(": "'('", ")": "')'", ",": "','", "selected": "selected"}


def _tokens(text: str, odk: bool) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text.rstrip()):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            raise ConditionError(f"ký tự không hợp lệ ở vị trí {pos + 1}: {text[pos:pos + 10]!r}")
        ref, word, string, punct = m.groups()
        if ref and not odk or word and odk and word not in ("and", "or", "selected"):
            raise ConditionError(f"tham chiếu {ref or word!r} sai cú pháp")
        if punct == ("==" if odk else "="):
            raise ConditionError(f"toán tử {punct!r} sai, dùng {'=' if odk else '=='!r}")
        if ref:
            out.append(("code", ref[2:-1]))
        elif word:
            out.append((word if word in ("and", "or", "selected") else "code", word))
        elif string:
            out.append(("str", string[1:-1]))
        else:
            out.append(("=" if punct == "==" else punct, punct))
        pos = m.end()
    return out


def parse_condition(text: str, odk: bool = False) -> Condition:
    """Parse a condition (native, or XLSForm syntax if ``odk``); ``ConditionError`` if bad."""
    if len(text) > MAX_CONDITION_LEN:
        raise ConditionError("điều kiện quá dài")
    toks = _tokens(text, odk)
    if not toks:
        raise ConditionError("điều kiện rỗng")
    pos = 0

    def take(kind: str) -> str:
        nonlocal pos
        if pos >= len(toks) or toks[pos][0] != kind:
            got = repr(toks[pos][1]) if pos < len(toks) else "hết chuỗi"
            raise ConditionError(f"cần {_EXPECT[kind]} nhưng gặp {got}")
        pos += 1
        return toks[pos - 1][1]

    def peek() -> str | None:
        return toks[pos][0] if pos < len(toks) else None

    def chain(op: str, sub) -> Condition:
        items = [sub()]
        while peek() == op:
            take(op)
            items.append(sub())
        flat = [c for i in items for c in (i[1] if i[0] == op else [i])]
        return (op, flat) if len(flat) > 1 else flat[0]

    def atom() -> Condition:
        if peek() == "(":
            take("(")
            inner = chain("or", lambda: chain("and", atom))
            take(")")
            return inner
        if peek() == "selected":
            take("selected"), take("(")
            code = take("code")
            take(",")
            value = take("str")
            take(")")
            return ("selected", code, value)
        code = take("code")
        op = "ne" if peek() == "!=" else "eq"
        take("!=" if op == "ne" else "=")
        return (op, code, take("str"))

    cond = chain("or", lambda: chain("and", atom))
    if pos != len(toks):
        raise ConditionError(f"thừa {toks[pos][1]!r} ở cuối điều kiện")
    return cond


def format_condition(cond: Condition, odk: bool = False) -> str:
    """The canonical text of a parsed condition, native or XLSForm syntax."""
    if cond[0] in ("and", "or"):
        parts = [format_condition(c, odk) for c in cond[1]]
        if cond[0] == "and":
            parts = [f"({p})" if c[0] == "or" else p for p, c in zip(parts, cond[1], strict=True)]
        return f" {cond[0]} ".join(parts)
    op, code, value = cond
    ref = f"${{{code}}}" if odk else code
    if op == "selected":
        return f"selected({ref}, '{value}')"
    return f"{ref} {'!=' if op == 'ne' else ('=' if odk else '==')} '{value}'"


def references(cond: Condition) -> list[tuple[str, str, str]]:
    """Every (op, question code, option code) leaf of a condition, in order."""
    if cond[0] in ("and", "or"):
        return [leaf for c in cond[1] for leaf in references(c)]
    return [cond]


def evaluate(cond: Condition, answers: dict) -> bool:
    """Whether ``cond`` holds for ``answers`` (code -> option code or set of codes)."""
    if cond[0] in ("and", "or"):
        results = (evaluate(c, answers) for c in cond[1])
        return all(results) if cond[0] == "and" else any(results)
    op, code, value = cond
    answer = answers.get(code)
    chosen = set(answer) if isinstance(answer, (set, list, tuple)) else {answer}
    if op == "ne":
        return value not in chosen
    return value in chosen
