"""Pooled priors: how a shop with a few dozen buyers still gets sane lifetime-value parameters.

Each shop's parameters are fitted as the posterior mode (maximum a posteriori) under a log-normal
prior on every parameter:

    maximise  sum over customers of log L(customer | theta)  +  sum_i -0.5 ((log theta_i - mu_i) / sd_i)^2

The prior term does not grow with the shop while the likelihood does, so the shrinkage fades on its
own: a shop with 50 buyers (mostly one-time, little information on drop-out) lands near the pooled
parameters, and a shop with thousands lands on its own maximum-likelihood estimate (tested: on
CDNOW's 2,357 customers a prior centred a factor e away moves no BG/NBD parameter by more than 3%,
while on 50-customer samples it keeps the drop-out parameters from swinging by orders of magnitude).

Where mu and sd come from (`pooled_prior`): the fitted parameters of reference shops, pooled as the
customer-weighted mean and spread of their log-parameters (sd floored, so the prior never becomes
dogmatic). Until Orbit has such references, the built-in defaults below are CDNOW's published fits
(Fader, Hardie & Lee 2005; Batislam et al. 2007 form refitted on the same data) with sd = 1 on the
log scale, i.e. each parameter is a priori within a factor of e of the reference about two times
in three. Time unit: weeks. Spend (Gamma-Gamma) is fitted on order values divided by the shop's
average order value, so its prior does not depend on the currency; the scale parameter's centre
(q - 1) / p makes the prior mean spend equal the shop's own average order value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LogNormalPrior:
    mean_log: tuple[float, ...]  # mu_i: means of the log-parameters
    sd_log: tuple[float, ...]  # sd_i: spreads of the log-parameters

    def log_density(self, log_params: np.ndarray) -> float:
        """Log prior density up to a constant (the constant does not move the optimum)."""
        z = (np.asarray(log_params) - np.asarray(self.mean_log)) / np.asarray(self.sd_log)
        return float(-0.5 * np.dot(z, z))

    def gradient(self, log_params: np.ndarray) -> np.ndarray:
        """Derivative of log_density in each log-parameter."""
        mean, sd = np.asarray(self.mean_log), np.asarray(self.sd_log)
        return -(np.asarray(log_params) - mean) / sd**2

    def to_json(self) -> dict[str, list[float]]:
        return {"mean_log": list(self.mean_log), "sd_log": list(self.sd_log)}

    @classmethod
    def from_json(cls, data: dict) -> LogNormalPrior:
        return cls(tuple(map(float, data["mean_log"])), tuple(map(float, data["sd_log"])))


def reference_prior(params: Sequence[float], sd_log: float = 1.0) -> LogNormalPrior:
    """A prior centred on one set of reference parameters."""
    return LogNormalPrior(tuple(float(np.log(p)) for p in params), (sd_log,) * len(params))


# MBG/NBD (r, alpha, a, b) on CDNOW's calibration period, weeks (refitted here; lifetimes agrees).
DEFAULT_MBGNBD_PRIOR = reference_prior((0.525, 6.183, 0.891, 1.614))
# BG/NBD (r, alpha, a, b): Fader, Hardie & Lee (2005), CDNOW, weeks.
DEFAULT_BGNBD_PRIOR = reference_prior((0.243, 4.414, 0.793, 2.426))
# Gamma-Gamma (p, q, gamma) on spend / average order value: CDNOW's p and q, gamma = (q - 1) / p.
DEFAULT_SPEND_PRIOR = reference_prior((6.25, 3.74, (3.74 - 1) / 6.25))


def pooled_prior(
    fitted: Sequence[tuple[Sequence[float], int]], min_sd_log: float = 0.5, min_shops: int = 3
) -> LogNormalPrior | None:
    """Pool reference shops' fitted parameters into a prior.

    `fitted`: (parameters, number of customers) per reference shop. Returns None when fewer than
    `min_shops` shops are given (use the defaults then). The centre is the customer-weighted mean of
    the log-parameters; the spread their weighted standard deviation, floored at `min_sd_log`.
    """
    if len(fitted) < min_shops:
        return None
    logs = np.log(np.array([params for params, _ in fitted], dtype=np.float64))
    weights = np.array([customers for _, customers in fitted], dtype=np.float64)
    mean = np.average(logs, axis=0, weights=weights)
    sd = np.sqrt(np.average((logs - mean) ** 2, axis=0, weights=weights))
    return LogNormalPrior(tuple(mean.tolist()), tuple(np.maximum(sd, min_sd_log).tolist()))
