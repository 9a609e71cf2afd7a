"""Ships the scenario library (``scenarios/``) inside the package as ``gauntlet._library``."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["gauntlet*"]), "gauntlet._library"],
    package_dir={"gauntlet._library": "scenarios"},
    package_data={
        "gauntlet": ["py.typed"],
        "gauntlet._library": ["*.yaml", "*/*.yaml", "*/*/*.yaml", "*/*.xodr", "*/*/*.xodr"],
    },
)
