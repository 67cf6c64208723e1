"""Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV").

A customer's purchase values are Gamma(p, nu) around their own mean; nu ~ Gamma(q, gamma) across
customers. It is fitted on repeat buyers only: x = repeat purchase days and m = their average value
(the first purchase is left out, as in the paper and in lifetimes, because first orders differ).
Values are divided by `scale` (the shop's average order value) before fitting, which leaves p and q
unchanged and divides gamma by the scale: the optimiser and the prior work on unit-free numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, gammaln

from app.analytics.priors import LogNormalPrior

_MIN_Q = 1.0 + 1e-6  # q > 1 keeps the population mean p * gamma / (q - 1) finite


@dataclass(frozen=True)
class SpendModel:
    p: float
    q: float
    gamma: float  # in the currency's units used for m (minor units in production)

    def to_json(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "gamma": self.gamma}

    @classmethod
    def from_json(cls, data: dict) -> SpendModel:
        return cls(float(data["p"]), float(data["q"]), float(data["gamma"]))


def spend_log_likelihood(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Per-customer log-likelihood of average value m over x > 0 purchases (up to a constant in m)."""
    p, q, gamma = params
    px = p * x
    return (
        gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma)
        + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(x * m + gamma)
    )  # fmt: skip


def spend_gradient(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Gradient of spend_log_likelihood in (log p, log q, log gamma), shape (n, 3)."""
    p, q, gamma = params
    px, log_total = p * x, np.log(x * m + gamma)
    d_p = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - log_total)
    d_q = digamma(px + q) - digamma(q) + np.log(gamma) - log_total
    d_gamma = q / gamma - (px + q) / (x * m + gamma)
    return np.column_stack([p * d_p, q * d_q, gamma * d_gamma])


def fit_spend(
    x: np.ndarray, m: np.ndarray, scale: float | None = None, prior: LogNormalPrior | None = None
) -> SpendModel:
    """Fit on customers with x > 0 and m > 0 (others are ignored). `scale` defaults to mean(m).
    With `prior` (on log p, log q, log gamma/scale) the result is the posterior mode."""
    x, m = np.asarray(x, dtype=np.float64), np.asarray(m, dtype=np.float64)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if scale is None:
        if x.size == 0:
            raise ValueError("no repeat buyers and no scale: nothing to fit")
        scale = float(m.mean())
    unit_m = m / scale
    count = x.size

    log_xm = np.log(x) + np.log(unit_m)  # constant across iterations
    sum_log_m = float(np.log(unit_m).sum())

    def objective(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        # The sums of spend_log_likelihood and spend_gradient, sharing the costly terms.
        p, q, gamma = np.exp(log_params)
        px, total = p * x, x * unit_m + gamma
        log_total, psi_pxq = np.log(total), digamma(px + q)
        value = float(
            (gammaln(px + q) - gammaln(px) + px * (log_xm - log_total) - q * log_total).sum()
            - count * (gammaln(q) - q * np.log(gamma)) - sum_log_m
        )  # fmt: skip
        slope = np.array([
            p * (x * (psi_pxq - digamma(px) + log_xm - log_total)).sum(),
            q * ((psi_pxq - log_total).sum() + count * (np.log(gamma) - digamma(q))),
            gamma * (count * q / gamma - ((px + q) / total).sum()),
        ])  # fmt: skip
        if prior is not None:
            value, slope = value + prior.log_density(log_params), slope + prior.gradient(log_params)
        if not np.isfinite(value) or not np.all(np.isfinite(slope)):
            return np.inf, np.zeros_like(log_params)
        return -value / max(count, 1), -slope / max(count, 1)

    start = np.array(prior.mean_log) if prior is not None else np.log([1.0, 2.0, 1.0])
    bounds = [(-12.0, 12.0), (float(np.log(_MIN_Q)), 12.0), (-12.0, 12.0)]
    start[1] = max(start[1], bounds[1][0])
    options = {"ftol": 1e-14, "gtol": 1e-10, "maxiter": 1_000}
    result = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds, options=options)
    if not np.isfinite(result.fun):
        raise ValueError("spend likelihood is not finite anywhere the search went")
    p, q, unit_gamma = np.exp(result.x)
    return SpendModel(float(p), float(q), float(unit_gamma * scale))


def expected_spend(model: SpendModel, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """E[value of a future purchase | x repeat purchases averaging m]: a weighted mean of the customer's
    own average and the population mean p * gamma / (q - 1); with x = 0 it is the population mean."""
    x = np.asarray(x, dtype=np.float64)
    m = np.where(x > 0, np.asarray(m, dtype=np.float64), 0.0)
    return model.p * (model.gamma + x * m) / (model.p * x + model.q - 1)
