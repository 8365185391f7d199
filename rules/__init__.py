"""The rules engine: eligibility for 低保边缘家庭 (运民发〔2023〕64号) and 因病致贫重病患者
(运民发〔2023〕65号), decided from a case file and explained criterion by criterion.

Pure: no database, no web framework. Parameters come from dated data files.
"""

from rules.casefile import CaseFile
from rules.criteria import Criterion
from rules.decision import Decision
from rules.engine import decide_all, evaluate, evaluate_data
from rules.parameters import ParameterError, ParameterTable, load_parameters
from rules.parsing import parse_case_file
from rules.reader import CaseFileError, FieldError

__all__ = [
    "CaseFile",
    "CaseFileError",
    "Criterion",
    "Decision",
    "FieldError",
    "ParameterError",
    "ParameterTable",
    "decide_all",
    "evaluate",
    "evaluate_data",
    "load_parameters",
    "parse_case_file",
]
