"""The names of the audit events that are not transitions of either procedure's table: what a
person reads for them in the case page's history and in a 一户一档's 审计记录.csv."""

from __future__ import annotations

from typing import Final

OTHER_EVENTS: Final[dict[str, str]] = {
    "file": "提出申请",
    "import_recognised": "导入原系统已认定的家庭（非本系统办理）",
    "update_household": "更正家庭信息",
    "add_evidence": "上传证明材料",
    "evaluate": "规则引擎评估",
    "correct_document": "更正文书",
    "push_to_medical_insurance": "推送医保部门",
    "report_received": "收到举报",
    "report_assigned": "分派举报核查",
    "report_verified": "举报核查完毕",
    "report_answered": "答复举报人",
    "report_closed": "举报办结",
}

__all__ = ["OTHER_EVENTS"]
