"""救助认定: case management for Yuncheng's 低保边缘家庭 and 因病致贫重病患者 procedures."""
