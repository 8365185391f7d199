"""The regulations' words the applicant agrees to when filing, quoted beside the checkboxes.

Quoted from the texts in ``shared/regulations/``: 运民发〔2023〕64号 第十七条 and
运民发〔2023〕65号 第十一条、第十二条.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FilingText:
    document: str
    article: str
    quote: str
    authorisation: str
    commitment: str
    proxy: str
    materials: tuple[str, ...]


FILING = {
    "dibao_edge": FilingText(
        document="运民发〔2023〕64号",
        article="64号 第十七条",
        quote=(
            "低保边缘家庭应以家庭为单位进行申请。申请家庭确定一名家庭成员作为申请人向户籍所在地的乡镇人民政府"
            "（街道办事处）提出书面申请，同时签写家庭经济状况核对授权书，并作出书面承诺，保证提供材料的真实性，"
            "愿承担不实承诺的法律责任。……申请家庭申请有困难的，可以委托村（居）民委员会或其他人代为提交申请。"
            "委托申请的，应当履行相应委托手续。"
        ),
        authorisation=(
            "本人及共同生活的家庭成员已签写家庭经济状况核对授权书，"
            "同意民政部门核对家庭收入、财产状况（64号 第十七条）。"
        ),
        commitment="本人承诺所提供的材料真实，愿承担不实承诺的法律责任（64号 第十七条）。",
        proxy="委托村（居）民委员会或其他人代为提交申请的，应当履行相应委托手续（64号 第十七条）。",
        materials=("申请人及家庭成员的居民身份证、户口簿", "家庭经济状况核对授权书", "书面承诺"),
    ),
    "illness_poverty": FilingText(
        document="运民发〔2023〕65号",
        article="65号 第十二条",
        quote=(
            "申请因病致贫重病患者认定，应当提供以下材料：（一）患者本人居民身份证（在经常居住地申请的还需提供居住证）"
            "和家庭成员的户口簿；（二）患者本人住院费用结算单、门诊慢特病和门诊特药收费票据等；（三）填写《因病致贫"
            "重病患者认定申请表》，并承诺所填信息真实、完整；（四）履行授权核对其家庭经济状况的相关手续。"
        ),
        authorisation="已履行授权核对家庭经济状况的相关手续（65号 第十二条（四））。",
        commitment="本人承诺申请表所填信息真实、完整（65号 第十二条（三））。",
        proxy="由患者本人或其委托代理人（持委托授权书）提出书面申请（65号 第十一条）。",
        materials=(
            "患者本人居民身份证（在经常居住地申请的还需居住证）和家庭成员的户口簿",
            "患者本人住院费用结算单、门诊慢特病和门诊特药收费票据",
            "因病致贫重病患者认定申请表（含真实、完整的承诺）",
            "家庭经济状况核对授权手续",
        ),
    ),
}

PROCEDURE_SUMMARIES = (
    (
        "dibao_edge",
        "低保边缘家庭认定",
        "运民发〔2023〕64号",
        "家庭人均月收入高于最低生活保障标准、低于其1.5倍，家庭财产状况符合规定，未纳入城乡低保、特困人员、"
        "孤儿、事实无人抚养儿童救助范围的低收入家庭（64号 第二条）。",
    ),
    (
        "illness_poverty",
        "因病致贫重病患者认定",
        "运民发〔2023〕65号",
        "不符合低保、特困供养或低保边缘家庭条件，但因高额医疗费用支出导致家庭基本生活出现严重困难的大病患者"
        "（65号 第六条）。",
    ),
)
