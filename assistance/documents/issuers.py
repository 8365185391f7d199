"""The organs named on documents, per county: who issues, who receives a list, who hears an appeal.

Read from ``templates/documents/issuers.toml``, beside the templates that print the names.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistance.documents.render import TEMPLATE_DIR

ISSUERS_FILE = TEMPLATE_DIR / "issuers.toml"
_FIELDS = ("name", "short", "civil_affairs", "government", "court", "medical_insurance", "disability")


@dataclass(frozen=True, slots=True)
class CountyIssuers:
    code: str
    name: str
    # 代字 of the county's document numbers (盐 in 盐民边认〔2026〕3号).
    short: str
    civil_affairs: str
    government: str
    court: str
    medical_insurance: str
    disability: str

    @property
    def area_name(self) -> str:
        """The county as it prefixes its townships' names: 运城市盐湖区, 临猗县."""
        return self.civil_affairs.removesuffix("民政局")

    def township_organ(self, township: str) -> str:
        """乡镇人民政府 or 街道办事处 of a township or street, in full: 运城市盐湖区北城街道办事处."""
        organ = "办事处" if township.endswith("街道") else "人民政府"
        return f"{self.area_name}{township}{organ}"


class IssuerMissing(LookupError):
    """A county has no entry in issuers.toml: its documents cannot name their issuer."""


def load_issuers(path: Path = ISSUERS_FILE) -> dict[str, CountyIssuers]:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)["counties"]
    issuers: dict[str, CountyIssuers] = {}
    for code, entry in raw.items():
        missing = [name for name in _FIELDS if not isinstance(entry.get(name), str) or not entry[name]]
        if missing:
            raise ValueError(f"{path}: county {code} lacks {', '.join(missing)}")
        issuers[code] = CountyIssuers(code, *(entry[name] for name in _FIELDS))
    shorts = [i.short for i in issuers.values()]
    if len(shorts) != len(set(shorts)):
        # Numbers of two counties would collide.
        raise ValueError(f"{path}: two counties share a 代字")
    return issuers


@cache
def _issuers() -> dict[str, CountyIssuers]:
    return load_issuers()


def issuers_for(county_code: str) -> CountyIssuers:
    try:
        return _issuers()[county_code]
    except KeyError:
        raise IssuerMissing(f"{ISSUERS_FILE.name} 中没有县（市、区）{county_code}") from None


__all__ = ["ISSUERS_FILE", "CountyIssuers", "IssuerMissing", "issuers_for", "load_issuers"]
