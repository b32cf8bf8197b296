using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

public class AttentionParityTests
{
    public static TheoryData<string, AttentionCase> Cases => TestBackends.Cross(AttentionCase.All);

    public static TheoryData<AttentionCase> CaseList => new(AttentionCase.All);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AttentionForward_matches_reference(string backend, AttentionCase c)
    {
        var (q, k, v) = Inputs(c, 51);
        var o = TestData.Uniform(c.QLength, 54);   // garbage: the kernel overwrites every row
        var lse = new float[c.Groups * c.Tq];
        TestBackends.Create(backend).AttentionForward(q, k, v, o, lse, c.Groups, c.Tq, c.Tk, c.D, c.Scale, c.Mask(), c.KvGroups);

        var (dq, dk, dv) = (TestData.ToDouble(q), TestData.ToDouble(k), TestData.ToDouble(v));
        Approx.Equal(ReferenceAttention.Forward(dq, dk, dv, c), o, Tolerances.Attention, c.Name + " O");
        Approx.Equal(ReferenceAttention.LogSumExp(dq, dk, c), lse, Tolerances.Attention, c.Name + " logsumexp");
        AssertFullyMaskedRowsZero(c, o);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AttentionBackward_matches_reference_and_accumulates(string backend, AttentionCase c)
    {
        var be = TestBackends.Create(backend);
        var (q, k, v) = Inputs(c, 61);
        var o = new float[c.QLength];
        var lse = new float[c.Groups * c.Tq];
        be.AttentionForward(q, k, v, o, lse, c.Groups, c.Tq, c.Tk, c.D, c.Scale, c.Mask(), c.KvGroups);
        var dO = TestData.Uniform(c.QLength, 64);
        var dq = TestData.Uniform(c.QLength, 65, -0.5f, 0.5f);
        var dk = TestData.Uniform(c.KLength, 66, -0.5f, 0.5f);
        var dv = TestData.Uniform(c.KLength, 67, -0.5f, 0.5f);
        var (dq0, dk0, dv0) = ((float[])dq.Clone(), (float[])dk.Clone(), (float[])dv.Clone());
        be.AttentionBackward(q, k, v, o, lse, dO, dq, dk, dv, c.Groups, c.Tq, c.Tk, c.D, c.Scale, c.Mask(), c.KvGroups);

        var (eq, ek, ev) = ReferenceAttention.Backward(TestData.ToDouble(q), TestData.ToDouble(k), TestData.ToDouble(v), TestData.ToDouble(dO), c);
        Approx.Equal(Plus(eq, dq0), dq, Tolerances.Attention, c.Name + " dq");
        Approx.Equal(Plus(ek, dk0), dk, Tolerances.Attention, c.Name + " dk");
        Approx.Equal(Plus(ev, dv0), dv, Tolerances.Attention, c.Name + " dv");
    }

    /// <summary>The MKL backend runs the same tiles: its results equal the managed backend's bit for bit.</summary>
    [Theory]
    [MemberData(nameof(CaseList))]
    public void Mkl_matches_managed(AttentionCase c)
    {
        var (q, k, v) = Inputs(c, 71);
        var dO = TestData.Uniform(c.QLength, 72);
        float[][] Run(string name)
        {
            var be = TestBackends.Create(name);
            var o = new float[c.QLength];
            var lse = new float[c.Groups * c.Tq];
            var (dq, dk, dv) = (new float[c.QLength], new float[c.KLength], new float[c.KLength]);
            be.AttentionForward(q, k, v, o, lse, c.Groups, c.Tq, c.Tk, c.D, c.Scale, c.Mask(), c.KvGroups);
            be.AttentionBackward(q, k, v, o, lse, dO, dq, dk, dv, c.Groups, c.Tq, c.Tk, c.D, c.Scale, c.Mask(), c.KvGroups);
            return [o, lse, dq, dk, dv];
        }
        var managed = Run("Managed");
        var mkl = Run("Mkl");
        for (int i = 0; i < managed.Length; i++) Assert.Equal(managed[i], mkl[i]);
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Bad_sizes_throw_naming_the_argument(string backend)
    {
        var be = TestBackends.Create(backend);
        var c = new AttentionCase("small", 2, 3, 4, 8, Causal: true);
        var (q, k, v) = Inputs(c, 81);
        var lse = new float[6];
        Assert.Equal("o", Assert.ThrowsAny<ArgumentException>(() =>
            be.AttentionForward(q, k, v, new float[c.QLength - 1], lse, 2, 3, 4, 8, c.Scale, c.Mask())).ParamName);
        Assert.Equal("k", Assert.ThrowsAny<ArgumentException>(() =>
            be.AttentionForward(q, k.AsSpan(1), v, new float[c.QLength], lse, 2, 3, 4, 8, c.Scale, c.Mask())).ParamName);
        Assert.Equal("logSumExp", Assert.ThrowsAny<ArgumentException>(() =>
            be.AttentionForward(q, k, v, new float[c.QLength], new float[5], 2, 3, 4, 8, c.Scale, c.Mask())).ParamName);
        Assert.Equal("mask", Assert.ThrowsAny<ArgumentException>(() =>
            be.AttentionForward(q, k, v, new float[c.QLength], lse, 2, 3, 4, 8, c.Scale, (c with { Tq = 2 }).Mask())).ParamName);
        Assert.Equal("dv", Assert.ThrowsAny<ArgumentException>(() =>
            be.AttentionBackward(q, k, v, new float[c.QLength], lse, new float[c.QLength], new float[c.QLength],
                new float[c.KLength], new float[3], 2, 3, 4, 8, c.Scale, c.Mask())).ParamName);
        Assert.Equal("keyValueGroups", Assert.ThrowsAny<ArgumentException>(() =>   // 3 kv groups cannot serve 2 query groups
            be.AttentionForward(q, k, v, new float[c.QLength], lse, 2, 3, 4, 8, c.Scale, c.Mask(), keyValueGroups: 3)).ParamName);
    }

    public static (float[] Q, float[] K, float[] V) Inputs(AttentionCase c, int seed) =>
        (TestData.Uniform(c.QLength, seed, -2, 2), TestData.Uniform(c.KLength, seed + 1, -2, 2), TestData.Uniform(c.KLength, seed + 2));

    private static double[] Plus(double[] a, float[] b)
    {
        var y = new double[a.Length];
        for (int i = 0; i < a.Length; i++) y[i] = a[i] + b[i];
        return y;
    }

    private static void AssertFullyMaskedRowsZero(AttentionCase c, float[] o)
    {
        var mask = c.Mask();
        for (int r = 0; r < c.Groups * c.Tq; r++)
        {
            bool any = false;
            for (int j = 0; j < c.Tk && !any; j++) any = mask.IsVisible(r, j, c.Tk);
            if (!any) Assert.All(o.AsSpan(r * c.D, c.D).ToArray(), x => Assert.Equal(0f, x));
        }
    }
}
