using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Gradients;

public class AttentionGradientTests
{
    /// <summary>
    /// The small cases (finite differences cost two reference passes per input), with more than one key: with a
    /// single key dq is exactly 0, and the float kernel's round-off would be judged against a zero scale.
    /// </summary>
    public static TheoryData<string, AttentionCase> Cases =>
        TestBackends.Cross(AttentionCase.All.Where(c => c.Tk > 1 && c.Groups * Math.Max(c.Tq, c.Tk) * c.D <= 600).ToArray());

    [Theory]
    [MemberData(nameof(Cases))]
    public void AttentionBackward_matches_finite_differences(string backend, AttentionCase c)
    {
        var be = TestBackends.Create(backend);
        var (q, k, v) = Parity.AttentionParityTests.Inputs(c, 221);
        var w = TestData.Uniform(c.QLength, 224);
        var (qd, kd, vd) = (TestData.ToDouble(q), TestData.ToDouble(k), TestData.ToDouble(v));
        var fdq = FiniteDifference.Gradient(qd, t => FiniteDifference.Weighted(ReferenceAttention.Forward(t, kd, vd, c), w));
        var fdk = FiniteDifference.Gradient(kd, t => FiniteDifference.Weighted(ReferenceAttention.Forward(qd, t, vd, c), w));
        var fdv = FiniteDifference.Gradient(vd, t => FiniteDifference.Weighted(ReferenceAttention.Forward(qd, kd, t, c), w));

        var o = new float[c.QLength];
        var lse = new float[c.Groups * c.Tq];
        be.AttentionForward(q, k, v, o, lse, c.Groups, c.Tq, c.Tk, c.D, c.Scale, c.Mask(), c.KvGroups);
        var (dq, dk, dv) = (new float[c.QLength], new float[c.KLength], new float[c.KLength]);
        be.AttentionBackward(q, k, v, o, lse, w, dq, dk, dv, c.Groups, c.Tq, c.Tk, c.D, c.Scale, c.Mask(), c.KvGroups);
        Approx.Gradient(fdq, dq, c.Name + " dq");
        Approx.Gradient(fdk, dk, c.Name + " dk");
        Approx.Gradient(fdv, dv, c.Name + " dv");
    }
}
