using LlmForge.Backends;

namespace LlmForge.Tests.Backends.Reference;

/// <summary>
/// Unfused attention in double: S = scale · Q·Kᵀ, P = masked softmax(S) (<see cref="ReferenceSoftmax"/>), O = P·V,
/// and its backward pass through P. Shapes as <see cref="AttentionCase"/> (grouped-query: query group g reads
/// kv group <see cref="AttentionCase.KvGroupOf"/>(g), and its dk, dv sum over the query groups sharing it).
/// </summary>
public static class ReferenceAttention
{
    /// <summary>P [Groups · Tq, Tk].</summary>
    public static double[] Probabilities(double[] q, double[] k, AttentionCase c)
    {
        int tq = c.Tq, tk = c.Tk, d = c.D;
        var s = new double[c.Groups * tq * tk];
        for (int g = 0; g < c.Groups; g++)
            for (int i = 0; i < tq; i++)
                for (int j = 0; j < tk; j++)
                {
                    double dot = 0;
                    for (int e = 0; e < d; e++) dot += q[(g * tq + i) * d + e] * k[(c.KvGroupOf(g) * tk + j) * d + e];
                    s[(g * tq + i) * tk + j] = c.Scale * dot;
                }
        return ReferenceSoftmax.Softmax(s, c.Groups * tq, tk, c.Mask());
    }

    /// <summary>O [Groups, Tq, D].</summary>
    public static double[] Forward(double[] q, double[] k, double[] v, AttentionCase c)
    {
        var p = Probabilities(q, k, c);
        var o = new double[c.QLength];
        for (int g = 0; g < c.Groups; g++)
            for (int i = 0; i < c.Tq; i++)
                for (int j = 0; j < c.Tk; j++)
                {
                    double pij = p[(g * c.Tq + i) * c.Tk + j];
                    for (int e = 0; e < c.D; e++) o[(g * c.Tq + i) * c.D + e] += pij * v[(c.KvGroupOf(g) * c.Tk + j) * c.D + e];
                }
        return o;
    }

    /// <summary>log Σ_visible exp(S) per row [Groups · Tq]; −∞ for a fully masked row.</summary>
    public static double[] LogSumExp(double[] q, double[] k, AttentionCase c)
    {
        var mask = c.Mask();
        var lse = new double[c.Groups * c.Tq];
        for (int r = 0; r < lse.Length; r++)
        {
            int g = r / c.Tq;
            double max = double.NegativeInfinity;
            var s = new double[c.Tk];
            for (int j = 0; j < c.Tk; j++)
            {
                double dot = 0;
                for (int e = 0; e < c.D; e++) dot += q[r * c.D + e] * k[(c.KvGroupOf(g) * c.Tk + j) * c.D + e];
                s[j] = c.Scale * dot;
                if (mask.IsVisible(r, j, c.Tk)) max = Math.Max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j < c.Tk; j++)
                if (mask.IsVisible(r, j, c.Tk)) sum += Math.Exp(s[j] - max);
            lse[r] = double.IsNegativeInfinity(max) ? double.NegativeInfinity : max + Math.Log(sum);
        }
        return lse;
    }

    /// <summary>(dq, dk, dv) for dO, through dP = dO·Vᵀ and the softmax's dS = P ⊙ (dP − rowsum(dP ⊙ P)).</summary>
    public static (double[] Dq, double[] Dk, double[] Dv) Backward(double[] q, double[] k, double[] v, double[] dO, AttentionCase c)
    {
        int tq = c.Tq, tk = c.Tk, d = c.D;
        var p = Probabilities(q, k, c);
        var dq = new double[c.QLength];
        var dk = new double[c.KLength];
        var dv = new double[c.KLength];
        var ds = new double[tk];
        for (int g = 0; g < c.Groups; g++)
            for (int i = 0; i < tq; i++)
            {
                int r = g * tq + i, kv = c.KvGroupOf(g);
                double dot = 0;
                for (int j = 0; j < tk; j++)
                {
                    double dp = 0;
                    for (int e = 0; e < d; e++) dp += dO[r * d + e] * v[(kv * tk + j) * d + e];
                    ds[j] = dp;
                    dot += dp * p[r * tk + j];
                }
                for (int j = 0; j < tk; j++)
                {
                    double pij = p[r * tk + j], dsij = pij * (ds[j] - dot) * c.Scale;
                    for (int e = 0; e < d; e++)
                    {
                        dv[(kv * tk + j) * d + e] += pij * dO[r * d + e];
                        dq[r * d + e] += dsij * k[(kv * tk + j) * d + e];
                        dk[(kv * tk + j) * d + e] += dsij * q[r * d + e];
                    }
                }
            }
        return (dq, dk, dv);
    }
}
