"""OpenSCENARIO XML (1.0-1.3) import: ``.xosc`` files as Gauntlet scenarios.

Typical use::

    from gauntlet.scenarios.openscenario import expand_variations, load_openscenario

    scenario = load_openscenario("CCRs.xosc", {"Ego_speed_kph": 50})
    for file, parameters in expand_variations("Variations/CCRs.xosc"):
        concrete = load_openscenario(file, parameters)

See docs/openscenario.md for the supported elements and how each maps to
Gauntlet's scenario format.
"""

from __future__ import annotations

from gauntlet.scenarios.openscenario.document import OpenScenarioError
from gauntlet.scenarios.openscenario.loader import (
    Imported,
    OpenScenarioWarning,
    import_openscenario,
    load_openscenario,
)
from gauntlet.scenarios.openscenario.nodes import Note
from gauntlet.scenarios.openscenario.variations import expand_variations, run_id

__all__ = [
    "Imported",
    "Note",
    "OpenScenarioError",
    "OpenScenarioWarning",
    "expand_variations",
    "import_openscenario",
    "load_openscenario",
    "run_id",
]
