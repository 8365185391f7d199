"""低保边缘家庭认定（运民发〔2023〕64号）."""

from pytest_bdd import scenarios

scenarios(
    "家庭成员.feature",
    "收入计算.feature",
    "收入标准.feature",
    "财产.feature",
    "直接认定与简化程序.feature",
)
