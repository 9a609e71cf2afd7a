"""Sensors by kind, preset and overrides: what a declared sensor becomes.

A declaration names a registered kind (``lidar``), optionally one of its
presets (``vlp16``) and overrides of single fields of the kind's configuration
(``{noise_stddev: 0.05}``); a kind without a preset starts from its default
configuration (the radar, which has none, from its ``ars408`` preset).
Overrides are checked against the configuration's fields and the value types
of the starting configuration; the configuration's own checks then apply.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gauntlet.sensors.base import sensor_kind
from gauntlet.sensors.camera import CameraConfig
from gauntlet.sensors.gnss import GnssConfig
from gauntlet.sensors.inertial import ImuConfig
from gauntlet.sensors.inertial_presets import GNSS_PRESETS, IMU_PRESETS
from gauntlet.sensors.lidar import LidarConfig
from gauntlet.sensors.lidar_presets import LIDAR_PRESETS
from gauntlet.sensors.odometry import WheelOdometryConfig
from gauntlet.sensors.radar_config import RadarConfig
from gauntlet.sensors.radar_presets import RADAR_PRESETS


@dataclass(frozen=True)
class KindEntry:
    """A sensor kind's configuration class, presets and starting point."""

    config: type
    presets: Mapping[str, Any]
    default_preset: str | None = None
    #: Fields that cannot be overridden from a scenario (structured tables).
    fixed: tuple[str, ...] = ()


#: Every kind a scenario may declare.
KINDS: Mapping[str, KindEntry] = {
    "lidar": KindEntry(LidarConfig, LIDAR_PRESETS),
    "camera": KindEntry(CameraConfig, {}),
    "radar": KindEntry(RadarConfig, RADAR_PRESETS, "ars408", ("modes", "rcs")),
    "imu": KindEntry(ImuConfig, IMU_PRESETS),
    "gnss": KindEntry(GnssConfig, GNSS_PRESETS),
    "wheel_odometry": KindEntry(WheelOdometryConfig, {}),
}


class SensorConfigError(ValueError):
    """A declaration that does not make a sensor.

    Attributes:
        key: Where the problem is, relative to the declaration: ``("preset",)``,
            ``("params", "noise_stddev")``.
    """

    def __init__(self, key: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.key = key


def _entry(kind: str) -> KindEntry:
    try:
        return KINDS[kind]
    except KeyError:
        raise SensorConfigError(
            ("kind",), f"unknown sensor kind {kind!r}; known: {', '.join(KINDS)}"
        ) from None


def presets(kind: str) -> tuple[str, ...]:
    """The preset names of ``kind``."""
    return tuple(_entry(kind).presets)


def override_keys(kind: str) -> tuple[str, ...]:
    """The configuration fields of ``kind`` a declaration may override."""
    entry = _entry(kind)
    return tuple(f.name for f in dataclasses.fields(entry.config) if f.name not in entry.fixed)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _convert(current: Any, value: Any, key: tuple[str, ...]) -> Any:
    """``value`` as the type of ``current`` (the preset's or the default's value)."""
    where = ".".join(key[1:])
    if dataclasses.is_dataclass(current) and not isinstance(current, type):
        if not isinstance(value, Mapping):
            raise SensorConfigError(key, f"{where}: expected a mapping, got {value!r}")
        known = [f.name for f in dataclasses.fields(current)]
        changes = {}
        for name, item in value.items():
            if name not in known:
                raise SensorConfigError(
                    (*key, name),
                    f"unknown parameter {name!r} of {where}; known: {', '.join(known)}",
                )
            changes[name] = _convert(getattr(current, name), item, (*key, name))
        return dataclasses.replace(current, **changes)
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise SensorConfigError(key, f"{where}: expected true or false, got {value!r}")
        return value
    if isinstance(current, int):
        if not isinstance(value, int) or isinstance(value, bool):
            raise SensorConfigError(key, f"{where}: expected an integer, got {value!r}")
        return value
    if isinstance(current, float):
        if not _number(value):
            raise SensorConfigError(key, f"{where}: expected a number, got {value!r}")
        return float(value)
    if isinstance(value, list | tuple):
        return tuple(_convert(0.0, v, key) if _number(v) else v for v in value)
    return value


def sensor_config(kind: str, preset: str | None = None, overrides: Mapping[str, Any] | None = None):  # noqa: ANN201
    """The configuration of a ``kind`` sensor from ``preset`` with ``overrides``.

    Raises:
        SensorConfigError: Unknown kind, preset or override key, or a value the
            configuration rejects; its ``key`` says where.
    """
    entry = _entry(kind)
    name = preset if preset is not None else entry.default_preset
    if name is None:
        config = entry.config()
    elif name in entry.presets:
        config = entry.presets[name]
    else:
        known = ", ".join(entry.presets) or "none"
        raise SensorConfigError(("preset",), f"unknown {kind} preset {name!r}; known: {known}")
    allowed = override_keys(kind)
    changes = {}
    for key, value in (overrides or {}).items():
        if key not in allowed:
            raise SensorConfigError(
                ("params", key),
                f"unknown {kind} parameter {key!r}; known: {', '.join(allowed)}",
            )
        changes[key] = _convert(getattr(config, key), value, ("params", key))
    if not changes:
        return config
    try:
        return dataclasses.replace(config, **changes)
    except (TypeError, ValueError) as exc:
        key = ("params", *changes) if len(changes) == 1 else ("params",)
        raise SensorConfigError(key, f"{kind} parameters rejected: {exc}") from None


def build_sensor(kind: str, preset: str | None = None, overrides: Mapping[str, Any] | None = None):  # noqa: ANN201
    """A new sensor of ``kind`` (from the registry) with its configuration."""
    return sensor_kind(kind)(sensor_config(kind, preset, overrides))
