"""The facts of a case: income, assets, medical expenses, and the evidence behind them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from assistance.models.base import Money, UTCDateTime, utcnow

# The material kinds a one-time notice of missing materials can list (65号 第十二条、第十四条;
# 64号 第十七条).
MATERIAL_KINDS = {
    "id_card": "居民身份证",
    "residence_permit": "居住证（在经常居住地申请的）",
    "hukou_book": "家庭成员户口簿",
    "application_form": "申请表（含真实、完整的承诺）",
    "economic_check_authorisation": "家庭经济状况核对授权书",
    "commitment": "书面承诺",
    "proxy_authorisation": "委托授权书",
    "hospital_settlement": "住院费用结算单",
    "outpatient_receipts": "门诊慢特病和门诊特药收费票据",
    "income_proof": "收入证明",
    "asset_proof": "财产证明",
    "other": "其他材料",
}


class Evidence(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="assistance_case.id", index=True)
    kind: str = Field(max_length=30)
    title: str = Field(max_length=200)
    filename: str = Field(default="", max_length=200)
    content_type: str = Field(default="", max_length=100)
    size: int = 0
    sha256: str = Field(default="", max_length=64)
    content: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    uploaded_by: int = Field(foreign_key="app_user.id")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IncomeRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="assistance_case.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    kind: str = Field(max_length=40)
    amount: Decimal | None = Field(default=None, sa_type=Money)
    months: int | None = None
    declared_amount: Decimal | None = Field(default=None, sa_type=Money)
    # The rules engine's support details (65号 第八条（四）), as in the case-file format.
    support: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    note: str = Field(default="", max_length=500)
    evidence_id: int | None = Field(default=None, foreign_key="evidence.id")


class AssetRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="assistance_case.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    kind: str = Field(max_length=30)
    value: Decimal | None = Field(default=None, sa_type=Money)
    tenure: str = Field(default="owned", max_length=10)
    business_use: bool = False
    lent_identity_certified: bool = False
    description: str = Field(default="", max_length=200)
    evidence_id: int | None = Field(default=None, foreign_key="evidence.id")


class MedicalExpenseRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="assistance_case.id", index=True)
    spent_on: date
    type: str = Field(max_length=30)
    policy_scope_personal_burden: Decimal = Field(sa_type=Money)
    mutual_aid: Decimal = Field(default=Decimal(0), sa_type=Money)
    out_of_pocket: Decimal = Field(sa_type=Money)
    designated: bool = True
    institution: str = Field(default="", max_length=200)
    evidence_id: int | None = Field(default=None, foreign_key="evidence.id")
