"""Log-likelihoods of BG/NBD and MBG/NBD with their gradients in the log-parameters.

Per customer with x repeat purchases, the last at t_x, observed for T (Fader, Hardie & Lee 2005, eq. 6;
Batislam, Denizel & Filiztekin 2007):

    BG/NBD:  log L = A1 + A2 + log(exp(A3) + [x > 0] exp(A4))
    MBG/NBD: log L = A1 + A2' + A3 + log(1 + exp(A4'))
    A1 = lnG(r + x) - lnG(r) + r ln(alpha)
    A2 = lnG(a + b) + lnG(b + x) - lnG(b) - lnG(a + b + x)
    A2' = lnG(a + b) + lnG(b + x + 1) - lnG(b) - lnG(a + b + x + 1)
    A3 = -(r + x) ln(alpha + T)
    A4 = ln a - ln(b + x - 1) - (r + x) ln(alpha + t_x)
    A4' = ln a - ln(b + x) + (r + x) (ln(alpha + T) - ln(alpha + t_x))

The gradient is analytic (digamma terms, and the softmax weight w of the "dropped out" branch),
so L-BFGS-B needs one evaluation per step instead of five; a finite-difference test checks it.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, expit, gammaln

BGNBD = "bgnbd"
MBGNBD = "mbgnbd"


def log_likelihood(
    kind: str, params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(per-customer log-likelihood, its gradient in (log r, log alpha, log a, log b): shape (n, 4))."""
    r, alpha, a, b = (float(value) for value in params)
    log_alpha_T, log_alpha_tx = np.log(alpha + T), np.log(alpha + t_x)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a3 = -(r + x) * log_alpha_T
    d_r = digamma(r + x) - digamma(r) + np.log(alpha)
    d_alpha = r / alpha
    ab_term = digamma(a + b)
    if kind == BGNBD:
        a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
        repeat = x > 0
        b_x1 = np.where(repeat, b + x - 1, 1.0)
        a4 = np.where(repeat, np.log(a) - np.log(b_x1) - (r + x) * log_alpha_tx, -np.inf)
        ll = a1 + a2 + np.logaddexp(a3, a4)
        w = np.where(repeat, expit(a4 - a3), 0.0)  # weight of the dropped-out branch
        d_r = d_r - (1 - w) * log_alpha_T - w * log_alpha_tx
        d_alpha = d_alpha - (r + x) * ((1 - w) / (alpha + T) + w / (alpha + t_x))
        d_a = ab_term - digamma(a + b + x) + w / a
        d_b = ab_term + digamma(b + x) - digamma(b) - digamma(a + b + x) - w / b_x1
    elif kind == MBGNBD:
        a2 = gammaln(a + b) + gammaln(b + x + 1) - gammaln(b) - gammaln(a + b + x + 1)
        a4 = np.log(a) - np.log(b + x) + (r + x) * (log_alpha_T - log_alpha_tx)
        ll = a1 + a2 + a3 + np.logaddexp(a4, 0.0)
        w = expit(a4)
        d_r = d_r - log_alpha_T + w * (log_alpha_T - log_alpha_tx)
        d_alpha = d_alpha - (r + x) / (alpha + T) + w * (r + x) * (1 / (alpha + T) - 1 / (alpha + t_x))
        d_a = ab_term - digamma(a + b + x + 1) + w / a
        d_b = ab_term + digamma(b + x + 1) - digamma(b) - digamma(a + b + x + 1) - w / (b + x)
    else:
        raise ValueError(f"unknown model kind {kind!r}")
    # Chain rule to log-parameters: d/d(log theta) = theta * d/d(theta).
    gradient = np.column_stack([r * d_r, alpha * d_alpha, a * d_a, b * d_b])
    return ll, gradient
