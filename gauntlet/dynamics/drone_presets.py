"""Quadrotor presets: airframe, controller gains and battery of three drone classes.

``drone_preset(name)`` returns a frozen :class:`DronePreset`; ``DRONE_PRESETS``
is the read-only mapping of all of them. The figures and their sources:

**crazyflie** (Bitcraze Crazyflie 2.x micro quad). Mass 0.027 kg and arm
0.0397 m as in the Crazyflie 2.x model of gym-pybullet-drones (``cf2x.urdf``).
``kf = 3.16e-10 N/rpm^2`` and ``km = 7.94e-12 N m/rpm^2`` from the system
identification of J. Foerster, *System Identification of the Crazyflie 2.0
Nano Quadrocopter*, ETH Zurich, 2015, converted to rad/s (x (60 / 2 pi)^2).
Inertia (1.657, 1.666, 2.926) e-5 kg m^2 from the same report. Body drag:
the report's rotor-speed-proportional drag (9.18e-7, 10.31e-7 kg/rad, times
the sum of rotor speeds) linearised at hover. Thrust-to-weight 2.25 (the
gym-pybullet-drones figure); rotor radius 23 mm (45 mm propellers). Battery:
1S LiPo 250 mAh, 3.7 V.

**agile** (a 5-inch racing-class quad; representative, not a product).
0.75 kg, 110 mm arm, thrust-to-weight ~4.9, motors 15 ms; quadratic drag
sized so that the tilt limit (63 deg) allows about 25 m/s in level flight.
Battery: 4S LiPo 1500 mAh.

**industrial** (DJI Matrice 30-class). Take-off mass 3.77 kg, diagonal
wheelbase 668 mm (arm 0.334 m), 1671 propellers (16.7 in, radius 0.212 m),
max flight time 41 min and max speed 23 m/s from DJI's published M30
specifications. Battery: two 5.88 A h, 131.6 W h packs (the TB30 figures)
modelled as one 6S LiPo whose capacity (11.41 A h) gives the same 263.2 W h
at the LiPo curve's mean OCV (3.84 V per cell). ``kf`` gives the
17-inch-class hover speed of ~300 rad/s (``C_T ~ 0.1``); ``km`` is set so that
the hover shaft power equals momentum theory with a figure of merit of 0.65
(about 294 W), which with 80 % motor and controller efficiency gives ~40 min
of hover. The inertia is estimated from a mass breakdown (body, four motor and
propeller groups on the arms).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from gauntlet.dynamics.battery import BatteryParams
from gauntlet.dynamics.flight_control import FlightControlParams
from gauntlet.dynamics.quadrotor import QuadrotorParams

#: rpm^2 -> (rad/s)^2 for coefficients given per rpm^2.
_PER_RPM2 = (60.0 / (2.0 * 3.141592653589793)) ** 2


@dataclass(frozen=True)
class DronePreset:
    """Everything needed to fly one drone of a class.

    Attributes:
        name: Preset name.
        airframe: Rigid body, rotors and motors.
        control: Cascaded controller gains and limits.
        battery: Equivalent-circuit battery.
        motor_efficiency: Electrical-to-shaft power efficiency of motors and ESCs.
    """

    name: str
    airframe: QuadrotorParams
    control: FlightControlParams
    battery: BatteryParams
    motor_efficiency: float


_CRAZYFLIE_HOVER_SUM_RADPS = 4.0 * 1515.6

_PRESETS = (
    DronePreset(
        name="crazyflie",
        airframe=QuadrotorParams(
            mass_kg=0.027,
            arm_length_m=0.0397,
            inertia_xx_kgm2=1.657e-5,
            inertia_yy_kgm2=1.666e-5,
            inertia_zz_kgm2=2.926e-5,
            thrust_coefficient_nps2=3.16e-10 * _PER_RPM2,
            torque_coefficient_nmps2=7.94e-12 * _PER_RPM2,
            motor_time_constant_s=0.02,
            min_motor_speed_radps=0.0,
            max_motor_speed_radps=1.5 * 1515.6,
            rotor_radius_m=0.0231,
            drag_linear_xy_nspm=9.1785e-7 * _CRAZYFLIE_HOVER_SUM_RADPS,
            drag_linear_z_nspm=10.311e-7 * _CRAZYFLIE_HOVER_SUM_RADPS,
        ),
        control=FlightControlParams(
            max_tilt_rad=0.5,
            max_speed_xy_mps=3.0,
            max_climb_mps=1.5,
            max_descent_mps=1.0,
        ),
        battery=BatteryParams.lipo(cells=1, capacity_ah=0.25),
        motor_efficiency=0.8,
    ),
    DronePreset(
        name="agile",
        airframe=QuadrotorParams(
            mass_kg=0.75,
            arm_length_m=0.11,
            inertia_xx_kgm2=2.5e-3,
            inertia_yy_kgm2=2.5e-3,
            inertia_zz_kgm2=4.5e-3,
            thrust_coefficient_nps2=1.0e-6,
            torque_coefficient_nmps2=1.6e-8,
            motor_time_constant_s=0.015,
            min_motor_speed_radps=100.0,
            max_motor_speed_radps=3000.0,
            rotor_radius_m=0.0635,
            drag_linear_xy_nspm=0.02,
            drag_linear_z_nspm=0.03,
            drag_quadratic_xy_ns2pm2=0.02,
            drag_quadratic_z_ns2pm2=0.03,
        ),
        control=FlightControlParams(
            position_gain_1ps=1.5,
            velocity_gain_1ps=4.0,
            attitude_gain_1ps=12.0,
            rate_gain_1ps=40.0,
            max_tilt_rad=1.1,
            max_rate_radps=12.0,
            max_yaw_rate_radps=6.0,
            max_speed_xy_mps=30.0,
            max_climb_mps=10.0,
            max_descent_mps=6.0,
        ),
        battery=BatteryParams.lipo(cells=4, capacity_ah=1.5),
        motor_efficiency=0.8,
    ),
    DronePreset(
        name="industrial",
        airframe=QuadrotorParams(
            mass_kg=3.77,
            arm_length_m=0.334,
            inertia_xx_kgm2=0.07,
            inertia_yy_kgm2=0.07,
            inertia_zz_kgm2=0.12,
            thrust_coefficient_nps2=1.0e-4,
            torque_coefficient_nmps2=2.62e-6,
            motor_time_constant_s=0.05,
            min_motor_speed_radps=60.0,
            max_motor_speed_radps=430.0,
            rotor_radius_m=0.212,
            drag_linear_xy_nspm=0.1,
            drag_linear_z_nspm=0.2,
            drag_quadratic_xy_ns2pm2=0.05,
            drag_quadratic_z_ns2pm2=0.1,
        ),
        control=FlightControlParams(
            position_gain_1ps=0.8,
            velocity_gain_1ps=2.0,
            attitude_gain_1ps=6.0,
            rate_gain_1ps=15.0,
            yaw_rate_gain_1ps=5.0,
            max_tilt_rad=0.6,
            max_rate_radps=3.0,
            max_yaw_rate_radps=1.5,
            max_speed_xy_mps=23.0,
            max_climb_mps=6.0,
            max_descent_mps=5.0,
        ),
        battery=BatteryParams.lipo(cells=6, capacity_ah=11.41),
        motor_efficiency=0.8,
    ),
)

#: The drone presets by name; read-only.
DRONE_PRESETS: Mapping[str, DronePreset] = MappingProxyType({p.name: p for p in _PRESETS})


def drone_preset(name: str) -> DronePreset:
    """The preset ``name`` (``crazyflie``, ``agile`` or ``industrial``).

    Raises:
        KeyError: For an unknown name; the message lists the known ones.
    """
    try:
        return DRONE_PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(DRONE_PRESETS))
        raise KeyError(f"unknown drone preset {name!r}; known: {known}") from None
