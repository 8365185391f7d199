"""The one thing pyproject.toml cannot say: a wheel carries the project's top-level templates,
migrations and alembic.ini inside the package (``assistance/_shipped``), where
``assistance.config.shipped`` finds them once installed. An editable install reads the checkout's
own instead, so nothing is copied for it."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("templates", "migrations", "alembic.ini")


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "assistance" / "_shipped"
        for name in SHIPPED:
            source, copy = ROOT / name, target / name
            if source.is_dir():
                shutil.copytree(
                    source, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
                )
            else:
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy)


setup(cmdclass={"build_py": BuildWithResources})
