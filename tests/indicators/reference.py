"""Slow, obviously correct implementations, written from the formulas with plain loops.

The fast paths of vinculo.indicators are checked against these on small random inputs.
"""

from __future__ import annotations

import numpy as np


def rca_slow(x: np.ndarray) -> np.ndarray:
    n_loc, n_item = x.shape
    total = sum(float(x[c, p]) for c in range(n_loc) for p in range(n_item))
    out = np.zeros((n_loc, n_item))
    for c in range(n_loc):
        loc_total = sum(float(x[c, p]) for p in range(n_item))
        for p in range(n_item):
            item_total = sum(float(x[k, p]) for k in range(n_loc))
            out[c, p] = (x[c, p] / loc_total) / (item_total / total)
    return out


def eci_pci_slow(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ECI, PCI and the raw item vector, by the general eigenproblem on the item side."""
    n_loc, n_item = m.shape
    div = [sum(m[c, p] for p in range(n_item)) for c in range(n_loc)]
    ubi = [sum(m[c, p] for c in range(n_loc)) for p in range(n_item)]
    mpp = np.zeros((n_item, n_item))
    for p in range(n_item):
        for q in range(n_item):
            mpp[p, q] = sum(m[c, p] * m[c, q] / (div[c] * ubi[p]) for c in range(n_loc))
    values, vectors = np.linalg.eig(mpp)
    order = np.argsort(values.real)
    kp = np.real(vectors[:, order[-2]])
    kc = np.array([sum(m[c, p] * kp[p] for p in range(n_item)) / div[c] for c in range(n_loc)])
    if np.corrcoef(div, kc)[0, 1] < 0:
        kc, kp = -kc, -kp
    mean, std = kc.mean(), kc.std()
    return (kc - mean) / std, (kp - mean) / std, kp / np.linalg.norm(kp)


def proximity_slow(m: np.ndarray) -> np.ndarray:
    n_loc, n_item = m.shape
    phi = np.zeros((n_item, n_item))
    for p in range(n_item):
        for q in range(n_item):
            both = sum(1 for c in range(n_loc) if m[c, p] and m[c, q])
            has_p = sum(1 for c in range(n_loc) if m[c, p])
            has_q = sum(1 for c in range(n_loc) if m[c, q])
            phi[p, q] = min(both / has_p, both / has_q)  # min of P(p|q), P(q|p)
    return phi


def density_slow(m: np.ndarray, phi: np.ndarray) -> np.ndarray:
    n_loc, n_item = m.shape
    out = np.zeros((n_loc, n_item))
    for c in range(n_loc):
        for p in range(n_item):
            num = sum(m[c, q] * phi[p, q] for q in range(n_item))
            den = sum(phi[p, q] for q in range(n_item))
            out[c, p] = num / den
    return out


def coi_cog_slow(
    m: np.ndarray, phi: np.ndarray, kp: np.ndarray, kc_std: float
) -> tuple[np.ndarray, np.ndarray]:
    n_loc, n_item = m.shape
    dens = density_slow(m, phi)
    raw = np.array(
        [sum(dens[c, p] * (1 - m[c, p]) * kp[p] for p in range(n_item)) for c in range(n_loc)]
    )
    coi = (raw - raw.mean()) / raw.std()
    cog = np.zeros((n_loc, n_item))
    for c in range(n_loc):
        for p in range(n_item):
            if m[c, p]:
                continue
            cog[c, p] = (
                sum(
                    (1 - m[c, q]) * phi[q, p] / sum(phi[q, r] for r in range(n_item)) * kp[q]
                    for q in range(n_item)
                )
                / kc_std
            )
    return coi, cog
