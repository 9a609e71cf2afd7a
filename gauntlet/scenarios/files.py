"""Concrete scenarios from any scenario file: Gauntlet YAML or OpenSCENARIO XML.

* ``.yaml``/``.yml``: the scenario, or every member of its sweep;
* ``.xosc`` with a storyboard: the scenario it describes;
* ``.xosc`` with a ``ParameterValueDistribution``: one scenario per run. Its
  id is ``<folder>/<file stem>/<name>=<value>,...`` over the parameters that
  vary between the file's runs, and its seed is derived from that id.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from pathlib import Path

from gauntlet.scenarios.loader import load_concrete
from gauntlet.scenarios.schema import Scenario
from gauntlet.scenarios.variations import derived_seed, scenario_id

_DISTRIBUTION = b"ParameterValueDistribution"


def load_file(path: str | os.PathLike[str]) -> list[Scenario]:
    """The concrete scenarios of one file (see the module docstring)."""
    p = Path(path)
    if p.suffix.lower() != ".xosc":
        return load_concrete(p)
    # Imported lazily: reading OpenSCENARIO needs the road geometry of gauntlet.maps.
    from gauntlet.scenarios.openscenario import (
        OpenScenarioWarning,
        expand_variations,
        load_openscenario,
    )

    with warnings.catch_warnings():
        # Approximations are listed by `gauntlet validate`; runs stay quiet.
        warnings.simplefilter("ignore", OpenScenarioWarning)
        if _DISTRIBUTION not in p.read_bytes()[:4096]:
            return [load_openscenario(p)]
        runs = expand_variations(p)
        varying = (
            [k for k in runs[0][1] if len({str(params.get(k)) for _, params in runs}) > 1]
            if runs
            else []
        )
        name = f"{p.parent.name}/{p.stem}"
        out = []
        for file, params in runs:
            s = load_openscenario(file, params, name=name)
            s = dataclasses.replace(s, variation=tuple((k, params[k]) for k in varying))
            out.append(dataclasses.replace(s, seed=derived_seed(scenario_id(s), s.seed)))
        return out
