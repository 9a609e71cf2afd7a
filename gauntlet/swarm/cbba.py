"""Consensus-Based Bundle Algorithm (CBBA) over the simulated network.

H.-L. Choi, L. Brunet and J. P. How, "Consensus-Based Decentralized Auctions
for Robust Task Allocation", IEEE Trans. Robotics 25(4), 2009. Each agent
``i`` keeps winning bids ``y[i, j]``, believed winners ``z[i, j]`` (-1: none),
the times ``s[i, k]`` of its latest information from each agent ``k``, and a
bundle of at most ``L`` tasks. A round is:

1. *bundle construction*: ``i`` greedily appends the task of highest marginal
   score it would win (above ``y[i, j]`` by the increment ``MIN_INCREMENT``
   when another agent holds it);
2. *broadcast*: ``(y_i, z_i, s_i)`` goes out as one packet per agent through
   :class:`~gauntlet.swarm.network.SwarmNetwork` (lost or late like any packet);
3. *consensus*: on each packet received, ``i`` applies the update/reset/leave
   rules of Table 1 of the paper task by task, and releases every task of its
   bundle from the first one it was outbid on.

The score of task ``j`` for agent ``i`` with ``b`` tasks in its bundle is
``value_j * lambda ** (d_ij / v_i) * beta ** b`` (distance ``d_ij`` from the
agent, cruise speed ``v_i``): it depends on the bundle only through its
length and decreases with it, so the scoring has diminishing marginal gain
and CBBA converges to a conflict-free assignment. The kernels are compiled
with numba; they touch only the agent's own arrays and the packets it received.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Per-second discount of a task's value with travel time.
TIME_DISCOUNT = 0.99
#: Discount of each further task in a bundle.
BUNDLE_DISCOUNT = 0.9
#: Relative bid increment needed to outbid another agent.
MIN_INCREMENT = 0.02


@njit(cache=True)
def _travel_score(value, dist, speed):
    """A task's value discounted by the travel time to it (the score before the bundle discount)."""
    return value * TIME_DISCOUNT ** (dist / speed)


@njit(cache=True)
def build_bundles(agents, xy, speed, capable, open_task, task_xy, value, y, z, bundle, blen):
    """Step 1 for every agent in ``agents``: fill bundles up to their length."""
    m = task_xy.shape[0]
    cap = bundle.shape[1]
    changed = 0
    # Per task, the agent's score before the bundle discount (it does not change while the
    # agent fills its bundle), computed when first needed: ``travel[j]`` holds it for agent
    # ``agents[a]`` when ``known[j] == a``.
    travel = np.empty(m)
    known = np.full(m, -1, dtype=np.int64)
    for a in range(agents.shape[0]):
        i = agents[a]
        while blen[i] < cap:
            best = -1
            best_c = 0.0
            position = BUNDLE_DISCOUNT ** blen[i]
            for j in range(m):
                if not capable[i, j] or not open_task[i, j]:
                    continue
                inb = False
                for b in range(blen[i]):
                    if bundle[i, b] == j:
                        inb = True
                        break
                if inb:
                    continue
                held = z[i, j] >= 0 and z[i, j] != i
                if value[j] >= 0.0:
                    # The travel discount is at most 1, so value * position bounds the score:
                    # a task that cannot beat the best so far, or the bid it must outbid, is
                    # passed over without computing its score (the choice is the same).
                    # (Raised by 1e-12 so that no rounding in the score can exceed it.)
                    bound = value[j] * position * (1.0 + 1e-12)
                    if bound < best_c or held and bound < y[i, j] * (1.0 + MIN_INCREMENT):
                        continue
                if known[j] != a:
                    dx = task_xy[j, 0] - xy[i, 0]
                    dy = task_xy[j, 1] - xy[i, 1]
                    travel[j] = _travel_score(value[j], np.sqrt(dx * dx + dy * dy), speed[i])
                    known[j] = a
                c = travel[j] * position
                # Outbidding another agent needs a minimum increment, so that agents
                # moving about do not trade tasks back and forth.
                wins = c > y[i, j] * (1.0 + MIN_INCREMENT) if held else c > 0.0
                if wins and c > best_c:
                    best_c = c
                    best = j
            if best < 0:
                break
            bundle[i, blen[i]] = best
            blen[i] += 1
            y[i, best] = best_c
            z[i, best] = i
            changed += 1
    return changed


@njit(cache=True)
def consensus(
    recv, send, sent_slot, now, y, z, s, ring_y, ring_z, ring_s, ring_done, done, bundle, blen, flag
):
    """Step 3: apply the packets ``send[p] -> recv[p]`` (snapshots in ring slot ``sent_slot[p]``)."""
    m = y.shape[1]
    n = s.shape[1]
    changed = 0
    for p in range(recv.shape[0]):
        i = recv[p]
        k = send[p]
        r = sent_slot[p]
        for j in range(m):
            if ring_done[r, k, j] and not done[i, j]:
                done[i, j] = True
                changed += 1
                flag[i] = True
            yk = ring_y[r, k, j]
            zk = ring_z[r, k, j]
            yi = y[i, j]
            zi = z[i, j]
            if zk == zi and yk == yi:
                # Sender and receiver agree: no rule of the table changes anything.
                continue
            act = 0  # 0 leave, 1 update, 2 reset (Table 1 of the paper, row by sender's belief)
            if zk == k:  # the sender believes it wins j
                if zi == i:
                    if yk > yi + 1e-12 or (abs(yk - yi) <= 1e-12 and k < i):
                        act = 1
                elif zi == k:
                    act = 1
                elif zi >= 0:
                    if ring_s[r, k, zi] > s[i, zi] or yk > yi:
                        act = 1
                else:
                    act = 1
            elif zk == i:  # the sender believes the receiver wins j
                if zi == k or zi >= 0 and zi != i and ring_s[r, k, zi] > s[i, zi]:
                    act = 2
            elif zk >= 0:  # the sender believes a third agent wins j
                if zi == i:
                    if ring_s[r, k, zk] > s[i, zk] and yk > yi:
                        act = 1
                elif zi == k:
                    act = 1 if ring_s[r, k, zk] > s[i, zk] else 2
                elif zi == zk:
                    if ring_s[r, k, zk] > s[i, zk]:
                        act = 1
                elif zi >= 0:
                    if (
                        ring_s[r, k, zk] > s[i, zk]
                        and ring_s[r, k, zi] > s[i, zi]
                        or ring_s[r, k, zk] > s[i, zk]
                        and yk > yi
                    ):
                        act = 1
                    elif ring_s[r, k, zi] > s[i, zi] and s[i, zk] > ring_s[r, k, zk]:
                        act = 2
                elif ring_s[r, k, zk] > s[i, zk]:
                    act = 1
            elif zi == k or zi >= 0 and zi != i and ring_s[r, k, zi] > s[i, zi]:
                act = 1  # the sender believes nobody wins j
            if act == 1 and (y[i, j] != yk or z[i, j] != zk):
                y[i, j] = yk
                z[i, j] = zk
                changed += 1
                flag[i] = True
            elif act == 2 and z[i, j] >= 0:
                y[i, j] = 0.0
                z[i, j] = -1
                changed += 1
                flag[i] = True
        # The receiver keeps the newer of each time stamp but its own (a branch-free max,
        # which compiles to vector instructions).
        own = s[i, i]
        for q in range(n):
            sent = ring_s[r, k, q]
            held = s[i, q]
            s[i, q] = sent if sent > held else held
        s[i, i] = own
        s[i, k] = now
        if _release(i, y, z, done, bundle, blen):
            changed += 1
            flag[i] = True
    return changed


@njit(cache=True)
def _release(i, y, z, done, bundle, blen):
    """Drop from ``i``'s bundle the first task it no longer wins (or that is done) and all after it."""
    cut = -1
    for b in range(blen[i]):
        j = bundle[i, b]
        if z[i, j] != i or done[i, j]:
            cut = b
            break
    if cut < 0:
        return 0
    for b in range(cut + 1, blen[i]):
        j = bundle[i, b]
        if z[i, j] == i:
            y[i, j] = 0.0
            z[i, j] = -1
    for b in range(cut, blen[i]):
        bundle[i, b] = -1
    blen[i] = cut
    return 1


#: Default depth of the ring of sent snapshots, ticks (packets older than this are dropped).
RING_DEPTH = 4


class CBBA:
    """CBBA state of ``n`` agent slots over ``m`` tasks, with the ring of sent snapshots.

    Args:
        n, m: Agent slots and tasks.
        bundle_size: Longest bundle ``L``.
        ring: Snapshots kept for packets in flight (a packet older than this many ticks is dropped).
    """

    def __init__(self, n: int, m: int, bundle_size: int, ring: int = RING_DEPTH) -> None:
        self.y = np.zeros((n, m))
        self.z = np.full((n, m), -1, dtype=np.int64)
        self.s = np.zeros((n, n))
        self.done = np.zeros((n, m), dtype=bool)
        self.bundle = np.full((n, bundle_size), -1, dtype=np.int64)
        self.blen = np.zeros(n, dtype=np.int64)
        self.ring = ring
        self.ring_y = np.zeros((ring, n, m))
        self.ring_z = np.full((ring, n, m), -1, dtype=np.int64)
        self.ring_s = np.zeros((ring, n, n))
        self.ring_done = np.zeros((ring, n, m), dtype=bool)

    def packet_bytes(self) -> int:
        """Size of one agent's CBBA packet: bids (4 B), winners (2 B), times (4 B), done bits."""
        m, n = self.y.shape[1], self.s.shape[1]
        return 6 * m + 4 * n + (m + 7) // 8 + 16

    def snapshot(self, tick: int, senders: np.ndarray) -> None:
        """Record what ``senders`` transmit at ``tick`` (their current arrays)."""
        r = tick % self.ring
        self.ring_y[r, senders] = self.y[senders]
        self.ring_z[r, senders] = self.z[senders]
        self.ring_s[r, senders] = self.s[senders]
        self.ring_done[r, senders] = self.done[senders]

    def receive(
        self, recv: np.ndarray, send: np.ndarray, sent_tick: np.ndarray, tick: int, now: float
    ) -> np.ndarray:
        """Apply received packets (those older than the ring are dropped).

        Returns:
            ``(n,)`` which agents changed their bids, winners or finished tasks.
        """
        fresh = tick - sent_tick < self.ring
        order = np.lexsort((send[fresh], recv[fresh]))
        flag = np.zeros(self.y.shape[0], dtype=np.bool_)
        consensus(
                recv[fresh][order], send[fresh][order], (sent_tick[fresh] % self.ring)[order], now,
                self.y, self.z, self.s, self.ring_y, self.ring_z, self.ring_s, self.ring_done,
                self.done, self.bundle, self.blen, flag,
        )  # fmt: skip
        return flag

    def assignment(self, agents: np.ndarray) -> np.ndarray:
        """``(n,)`` the first task of each agent's bundle (-1: none)."""
        first = self.bundle[:, 0].copy()
        mask = np.zeros(len(first), dtype=bool)
        mask[agents] = True
        first[~mask] = -1
        return first


@njit(cache=True)
def forget_pairs(recv, gone, y, z, done, bundle, blen):
    """Receiver ``recv[p]`` forgets the bids of agent ``gone[p]`` (it announced leaving)."""
    m = y.shape[1]
    for p in range(recv.shape[0]):
        i = recv[p]
        for j in range(m):
            if z[i, j] == gone[p]:
                y[i, j] = 0.0
                z[i, j] = -1
        _release(i, y, z, done, bundle, blen)


@njit(cache=True)
def forget_stale(agents, now, timeout, y, z, s, done, bundle, blen):
    """Each agent forgets winners it has had no news of for ``timeout`` seconds (failed or cut off).

    Returns:
        ``(n,)`` which agents changed.
    """
    m = y.shape[1]
    changed = np.zeros(y.shape[0], dtype=np.bool_)
    for a in range(agents.shape[0]):
        i = agents[a]
        for j in range(m):
            k = z[i, j]
            if k >= 0 and k != i and now - s[i, k] > timeout:
                y[i, j] = 0.0
                z[i, j] = -1
                changed[i] = True
        if _release(i, y, z, done, bundle, blen):
            changed[i] = True
    return changed


@njit(cache=True)
def release_done(agents, y, z, done, bundle, blen):
    """Drop finished tasks from the bundles of ``agents``."""
    for a in range(agents.shape[0]):
        _release(agents[a], y, z, done, bundle, blen)
