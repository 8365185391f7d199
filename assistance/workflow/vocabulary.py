"""Choices the case service offers, each with its Chinese label and, where it has one, its article."""

from __future__ import annotations

from assistance.models.records import MATERIAL_KINDS
from assistance.models.steps import INVESTIGATION_METHODS

FILING_CHANNELS = {
    "self": "本人申请",
    "village_committee": "委托村（居）民委员会代为申请",
    "authorised_person": "委托他人代为申请",
}

# 64号 第二十七条: grounds to suspend or terminate.
DIBAO_EDGE_GROUNDS = {
    "refuse_cooperation": (
        "家庭成员及其法定赡养（抚养、扶养）义务人无正当理由拒不配合审核确认工作（64号 第二十七条（一））"
    ),
    "false_materials": "提供虚假申请材料（64号 第二十七条（二））",
    "refuse_employment": (
        "在法定劳动就业年龄段内，有劳动能力但无正当理由拒绝就业或者拒绝从事生产劳动（64号 第二十七条（三））"
    ),
    "high_fee_school": "在高收费学校就读（含入托、出国留学）（64号 第二十七条（四））",
    "county_rule": "县级人民政府民政部门规定的其他情形（64号 第二十七条（五））",
}
# 65号 第二十一条: grounds to terminate.
ILLNESS_POVERTY_GROUNDS = {
    "refuse_cooperation": "共同生活的家庭成员无正当理由拒不配合审核认定工作（65号 第二十一条（一））",
    "concealment": "故意隐瞒家庭真实收入、财产和因病支出等情况，或者提供虚假材料（65号 第二十一条（二））",
    "county_rule": "县级人民政府民政、医保部门规定的其他情形（65号 第二十一条（三））",
}
GROUNDS = {"dibao_edge": DIBAO_EDGE_GROUNDS, "illness_poverty": ILLNESS_POVERTY_GROUNDS}
ALL_GROUNDS = {**DIBAO_EDGE_GROUNDS, **ILLNESS_POVERTY_GROUNDS}

DELIVERY_METHODS = {
    "in_person": "当面送达",
    "post": "邮寄送达",
    "village": "经村（居）民委员会转交",
    "electronic": "电子送达（申请人同意的）",
}

APPRAISAL_RESULTS = {"upheld": "调查结果真实完整，维持", "not_upheld": "调查结果不真实或不完整"}
DECISIONS = {"approve": "同意", "reject": "不同意"}

__all__ = [
    "ALL_GROUNDS",
    "APPRAISAL_RESULTS",
    "DECISIONS",
    "DELIVERY_METHODS",
    "FILING_CHANNELS",
    "GROUNDS",
    "INVESTIGATION_METHODS",
    "MATERIAL_KINDS",
]
