"""Ships the scenario library (``scenarios/``) and the assets (``assets/``) inside the package.

They become ``gauntlet._library`` and ``gauntlet._assets``; see ``gauntlet.library``.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["gauntlet*"]), "gauntlet._library", "gauntlet._assets"],
    package_dir={"gauntlet._library": "scenarios", "gauntlet._assets": "assets"},
    package_data={
        "gauntlet": ["py.typed"],
        "gauntlet.envs": ["scenarios/*.yaml"],
        "gauntlet.skills": ["success_rates.json"],
        "gauntlet.evaluation.reports": ["assets/*.css", "assets/*.js", "assets/*.xsd"],
        "gauntlet._library": [
            "*.yaml",
            "*/*.yaml",
            "*/*/*.yaml",
            "*/*.xodr",
            "*/*/*.xodr",
            "*/*.geojson",
        ],
        "gauntlet._assets": [
            "maps/*.xodr",
            "maps/LICENSE.*",
            "maps/README.md",
            "scenes/*.ply",
            "scenes/*.pcd",
            "scenes/*.obj",
            "robots/*.urdf",
        ],
    },
)
