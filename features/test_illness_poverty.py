"""因病致贫重病患者认定（运民发〔2023〕65号）."""

from pytest_bdd import scenarios

scenarios(
    "因病致贫条件.feature",
    "因病致贫医疗费用.feature",
    "因病致贫收入.feature",
)
