"""Fits the erfc polynomial of src/Backends.Managed/Kernels/ErrorFunction.cs.

erfc(z) = t * exp(-z^2 + P(t)), t = 1 / (1 + z/2)  (the form of Numerical Recipes' erfcc),
P of degree 16, least squares on Chebyshev nodes of t over z in [0, 10] (t in [1/6, 1]),
against mpmath's erfc at 40 digits. Prints the coefficients, constant term first, and the
maximum relative error of the fit in double precision.

Run with an interpreter that has numpy and mpmath: /usr/bin/python3 tools/erfc/fit_erfc.py [DEGREE]
(DEGREE 9 gives the float polynomial of src/Backends.Managed/Kernels/GeluErfFloat.cs, relative error 4.8e-8)
"""
import sys

import mpmath as mp
import numpy as np

mp.mp.dps = 40
Z_MAX, NODES = 10.0, 400
DEGREE = int(sys.argv[1]) if len(sys.argv) > 1 else 16


def target(t):
    z = 2 / mp.mpf(t) - 2
    return mp.log(mp.erfc(z) / mp.mpf(t)) + z * z


t_lo = 1 / (1 + Z_MAX / 2)
k = np.arange(NODES)
t_nodes = (t_lo + 1) / 2 + (1 - t_lo) / 2 * np.cos(np.pi * (k + 0.5) / NODES)
values = np.array([float(target(t)) for t in t_nodes])
fit = np.polynomial.chebyshev.Chebyshev.fit(t_nodes, values, DEGREE, domain=[t_lo, 1])
coefficients = fit.convert(kind=np.polynomial.Polynomial).coef
for c in coefficients:
    print(repr(float(c)))

z = np.linspace(0, Z_MAX, 2001)
t = 1 / (1 + z / 2)
p = np.zeros_like(t)
for c in coefficients[::-1]:
    p = p * t + c
approx = t * np.exp(-z * z + p)
exact = np.array([float(mp.erfc(v)) for v in z])
print("max relative error:", np.max(np.abs(approx / exact - 1)))
