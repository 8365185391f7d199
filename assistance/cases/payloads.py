"""What the acts take: the marshmallow schemas ``cases.acts`` declares for each act.

Every action accepts ``on``: the date the act took effect (default today, never in the future),
from which the deadlines it starts are counted.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validates_schema

from assistance.validation import ChineseSchema, choice, day, flag, listing, text, whole
from assistance.workflow import vocabulary as v


class ActionSchema(ChineseSchema):
    on = day(
        metadata={
            "description": "办理日期（默认今天）：不得晚于今天，不得早于本案上一次办理的日期，"
            "也不得早于县级设定的补录期限（默认3个工作日）"
        }
    )
    backdating_reason = text(
        max_length=500, metadata={"description": "办理日期早于录入之日的，说明补录原因（必填）"}
    )
    note = text(max_length=2000, metadata={"description": "备注"})


# Words that belong to how the service works, not to the regulations: a notice states its reasons
# in the regulations' terms, so the reasons it prints may not lean on them.
_INTERNAL_WORDS = ("规则引擎", "引擎", "系统计算", "系统判定", "系统评估")


def _for_the_applicant(value: str) -> None:
    found = [word for word in _INTERNAL_WORDS if word in value]
    if found:
        raise ValidationError(
            f"意见和理由会写入给申请人的通知书，请用条例的用语说明，不要提及“{found[0]}”"
            "（与评估结论不一致的内部说明填在“与规则引擎结论不一致的理由”中，不写入通知书）"
        )


class OpinionSchema(ActionSchema):
    reasons = text(
        required=True,
        max_length=4000,
        metadata={"description": "意见和理由：写入给申请人的通知书，以条例的用语说明"},
    )
    criteria = listing(
        text(max_length=60),
        metadata={"description": "不予认定的，选择不符合的认定条件（各附依据，写入通知书）"},
    )
    departure_reason = text(
        max_length=2000,
        metadata={"description": "与规则引擎结论不一致时，必须说明理由；只留在案卷中，不写入通知书"},
    )

    @validates_schema
    def _reasons_in_the_regulations_terms(self, data: dict[str, Any], **_: Any) -> None:
        try:
            _for_the_applicant(data.get("reasons", ""))
        except ValidationError as exc:
            raise ValidationError(exc.messages, "reasons") from None


class RequestMaterials(ActionSchema):
    missing = listing(choice(v.MATERIAL_KINDS), required=True, low=1)


class ResubmitMaterials(ActionSchema):
    """What the applicant hands in after a notice of missing materials (65号 第十四条); the
    authorisation, commitment and power of attorney decide whether the application can be accepted."""

    economic_check_authorised = flag(metadata={"description": "已补签家庭经济状况核对授权书"})
    commitment_signed = flag(metadata={"description": "已补作书面承诺"})
    proxy_authorisation = text(max_length=500, metadata={"description": "补齐的委托手续（委托申请的）"})


class CheckResult(ActionSchema):
    findings = text(max_length=2000, metadata={"description": "核对情况"})


class CheckNotQualified(ActionSchema):
    findings = text(required=True, max_length=2000, metadata={"description": "不符合的具体情况"})


class Objection(ActionSchema):
    content = text(required=True, max_length=4000, metadata={"description": "异议内容"})
    raised_by = text(max_length=60, metadata={"description": "异议人（可匿名）"})
    real_name = flag(
        metadata={"description": "是否实名（实名的，登记为举报并逐一核查、反馈，64号 第三十条）"}
    )
    contact = text(max_length=100, metadata={"description": "实名异议人的联系方式（用于反馈核查结果）"})
    evidence_ids = listing(whole(), metadata={"description": "已上传的佐证材料编号"})


class RecheckResult(OpinionSchema):
    reasons = text(required=True, max_length=4000)


class CloseNotQualified(ActionSchema):
    waived = flag(metadata={"description": "申请人明确表示不提出异议"})


class Investigation(ActionSchema):
    method = choice(v.INVESTIGATION_METHODS)
    conducted_on = day(required=True)
    investigators = text(required=True, max_length=200)
    findings = text(required=True, max_length=4000, metadata={"label": "调查情况"})
    emergency_reason = text(
        max_length=500, metadata={"description": "采取非接触方式的重大突发事件（64号 第二十一条）"}
    )

    @validates_schema
    def _remote_needs_reason(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("method") == "remote_visit" and not data.get("emergency_reason"):
            raise ValidationError(
                "电话、视频等非接触方式仅限重大突发事件，须注明事件（64号 第二十一条）", "emergency_reason"
            )


class Publicity(ActionSchema):
    starts_on = day(metadata={"description": "公示开始日期（默认为办理日期）"})
    place = text(required=True, max_length=200, metadata={"description": "公示地点（村、社区公示栏等）"})


class PublicityWithOpinion(Publicity):
    reasons = text(max_length=4000, metadata={"description": "初审意见（65号 第十六条）"})
    departure_reason = text(max_length=2000)


class Appraisal(ActionSchema):
    held_on = day(required=True)
    participants = text(required=True, max_length=1000)
    result = choice(v.APPRAISAL_RESULTS)
    minutes = text(required=True, max_length=4000)


class InitialOpinion(OpinionSchema):
    decision = choice(v.DECISIONS)


class ConfirmWithPublicity(OpinionSchema):
    starts_on = day()
    place = text(required=True, max_length=200)


class Ground(ActionSchema):
    ground = choice(v.ALL_GROUNDS)


class Extend(ActionSchema):
    reason = text(required=True, max_length=1000, metadata={"description": "延长理由（如重大异议）"})


class Withdraw(ActionSchema):
    reason = text(max_length=1000)


class DeliverNotice(ActionSchema):
    method = choice(v.DELIVERY_METHODS)
    recipient = text(required=True, max_length=60, metadata={"description": "签收人"})


class PeriodicRecheck(OpinionSchema):
    """64号 第二十六条: the township's finding, on the household as it stands now."""

    # 下次核查间隔；不填的，按收入来源和劳动能力确定 (rules.recheck).
    interval = choice({"yearly": "每年核查一次", "half_yearly": "每半年核查一次"}, required=False)


class Reasons(ActionSchema):
    reasons = text(max_length=4000)


__all__ = ["ActionSchema", "fields"]
