"""Packaging: the top-level templates/ folder ships inside the wheel as dpsupport._templates.

Everything else is in pyproject.toml. The app looks for templates/ beside the package first
(a checkout) and falls back to dpsupport/_templates (an installed wheel).
"""

from setuptools import find_packages, setup

packages = find_packages(include=["dpsupport", "dpsupport.*", "payroll_rules", "payroll_rules.*"])
packages.append("dpsupport._templates")

setup(
    packages=packages,
    package_dir={"dpsupport._templates": "templates"},
    package_data={
        "dpsupport": ["access_policy.toml", "static/**/*", "migrations/*", "migrations/**/*",
                      "py.typed"],
        "dpsupport._templates": ["*.html", "**/*.html"],
        "payroll_rules": ["data/**/*", "py.typed"],
    },
    include_package_data=False,
)
