"""The lists sent to other agencies, as document kinds (issued by ``agency_lists``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from assistance.documents.issuing import INTERNAL, DocumentKind
from assistance.documents.spreadsheet import Cell


def _sheet(context: Mapping[str, Any]) -> tuple[Sequence[str], Sequence[Sequence[Cell]]]:
    return [c["title"] for c in context["columns"]], [list(r) for r in context["rows"]]


EDGE_MEDICAL: Final = DocumentKind(
    "edge_medical_monthly", "低保边缘家庭新增和退出名单", "agency_list.html", "边医",
    "64号 第二十五条", INTERNAL, versioned=True, sheet=_sheet,
)  # fmt: skip
EDGE_DISABILITY: Final = DocumentKind(
    "edge_disability_quarterly", "新增低保边缘家庭名单", "agency_list.html", "边残",
    "64号 第二十五条", INTERNAL, versioned=True, sheet=_sheet,
)  # fmt: skip
ILLNESS_PUSH: Final = DocumentKind(
    "illness_push", "因病致贫重病患者认定名单推送表", "agency_list.html", "病推",
    "65号 第十七条、附件5", INTERNAL, sheet=_sheet,
)  # fmt: skip
LIST_KINDS: Final[dict[str, DocumentKind]] = {
    k.code: k for k in (EDGE_MEDICAL, EDGE_DISABILITY, ILLNESS_PUSH)
}


__all__ = ["EDGE_DISABILITY", "EDGE_MEDICAL", "ILLNESS_PUSH", "LIST_KINDS"]
