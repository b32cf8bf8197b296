using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

/// <summary>Bad sizes throw <see cref="ArgumentException"/> naming the interface's parameter, on every backend, before any work.</summary>
public class ArgumentCheckTests
{
    private static float[] F(int n) => new float[n];

    /// <summary>Case name → (parameter the exception must name, the bad call).</summary>
    private static readonly Dictionary<string, (string Param, Action<ITensorBackend> Call)> Calls = new()
    {
        ["Gemm short a"] = ("a", be => be.Gemm(false, false, 3, 4, 5, 1, F(14), 5, F(20), 4, 0, F(12), 4)),
        ["Gemm short b (transB)"] = ("b", be => be.Gemm(false, true, 3, 4, 5, 1, F(15), 5, F(19), 5, 0, F(12), 4)),
        ["Gemm short c (ldc)"] = ("c", be => be.Gemm(false, false, 3, 4, 5, 1, F(15), 5, F(20), 4, 0, F(13), 5)),
        ["Gemm lda < cols"] = ("lda", be => be.Gemm(false, false, 3, 4, 5, 1, F(15), 4, F(20), 4, 0, F(12), 4)),
        ["Gemm ldb < cols (transB)"] = ("ldb", be => be.Gemm(false, true, 3, 4, 5, 1, F(15), 5, F(20), 4, 0, F(12), 4)),
        ["Gemm negative m"] = ("m", be => be.Gemm(false, false, -1, 4, 5, 1, F(15), 5, F(20), 4, 0, F(12), 4)),
        ["Batched short c"] = ("c", be => be.GemmStridedBatched(false, false, 2, 2, 2, 1, F(8), 2, 4, F(8), 2, 4, 0, F(7), 2, 4, 2)),
        ["Batched short b (stride)"] = ("b", be => be.GemmStridedBatched(false, false, 2, 2, 2, 1, F(8), 2, 4, F(8), 2, 5, 0, F(8), 2, 4, 2)),
        ["Batched negative stride"] = ("strideA", be => be.GemmStridedBatched(false, false, 2, 2, 2, 1, F(8), 2, -4, F(8), 2, 4, 0, F(8), 2, 4, 2)),
        ["Batched negative strideC"] = ("strideC", be => be.GemmStridedBatched(false, false, 2, 2, 2, 1, F(8), 2, 4, F(8), 2, 4, 0, F(8), 2, -1, 2)),
        ["Add b length"] = ("b", be => be.Add(F(5), F(4), F(5))),
        ["Mul y length"] = ("y", be => be.Mul(F(5), F(5), F(4))),
        ["Scale y length"] = ("y", be => be.Scale(F(5), 2, F(6))),
        ["Axpy y length"] = ("y", be => be.Axpy(2, F(5), F(4))),
        ["AddRowBroadcast short bias"] = ("bias", be => be.AddRowBroadcast(F(12), F(3), F(12), 3, 4)),
        ["MulRowBroadcast short y"] = ("y", be => be.MulRowBroadcast(F(12), F(4), F(11), 3, 4)),
        ["Map y length"] = ("y", be => be.Map(UnaryOp.Sqrt, F(5), F(4))),
        ["Map y length (fallback op)"] = ("y", be => be.Map(UnaryOp.Silu, F(5), F(6))),
        ["Map unknown op"] = ("op", be => be.Map((UnaryOp)99, F(5), F(5))),
        ["MapBackward dy length"] = ("dy", be => be.MapBackward(UnaryOp.Log, F(5), F(4), F(5))),
        ["MapBackward dx length"] = ("dx", be => be.MapBackward(UnaryOp.Relu, F(5), F(5), F(4))),
        ["MapBackward unknown op"] = ("op", be => be.MapBackward((UnaryOp)(-1), F(5), F(5), F(5))),
        ["AddColumnBroadcast short v"] = ("v", be => be.AddColumnBroadcast(F(12), F(2), F(12), 3, 4)),
        ["MulColumnBroadcast short y"] = ("y", be => be.MulColumnBroadcast(F(12), F(3), F(11), 3, 4)),
        ["MulColumnBroadcast negative cols"] = ("cols", be => be.MulColumnBroadcast(F(12), F(3), F(12), 3, -4)),
        ["AddColumnSums short x"] = ("x", be => be.AddColumnSums(F(11), F(4), 3, 4)),
        ["Exp y length"] = ("y", be => be.Exp(F(5), F(4))),
        ["Tanh y length"] = ("y", be => be.Tanh(F(5), F(4))),
        ["TanhBackward dx length"] = ("dx", be => be.TanhBackward(F(5), F(5), F(4))),
        ["Gelu y length"] = ("y", be => be.Gelu(F(5), F(4), GeluApproximation.Erf)),
        ["GeluBackward dy length"] = ("dy", be => be.GeluBackward(F(5), F(4), F(5), GeluApproximation.Tanh)),
        ["BiasGelu short bias"] = ("bias", be => be.BiasGelu(F(12), F(3), F(12), 3, 4, GeluApproximation.Tanh)),
        ["BiasGelu short y"] = ("y", be => be.BiasGelu(F(12), F(4), F(11), 3, 4, GeluApproximation.Erf)),
        ["BiasGelu unknown approximation"] = ("approximation", be => be.BiasGelu(F(12), F(4), F(12), 3, 4, (GeluApproximation)7)),
        ["BiasGeluBackward short dy"] = ("dy", be => be.BiasGeluBackward(F(12), F(4), F(11), F(12), F(4), 3, 4, GeluApproximation.Tanh)),
        ["BiasGeluBackward short dx"] = ("dx", be => be.BiasGeluBackward(F(12), F(4), F(12), F(11), F(4), 3, 4, GeluApproximation.Tanh)),
        ["BiasGeluBackward short dbias"] = ("dbias", be => be.BiasGeluBackward(F(12), F(4), F(12), F(12), F(3), 3, 4, GeluApproximation.Erf)),
        ["GatedActivation short up"] = ("up", be => be.GatedActivation(F(5), F(4), F(5), GateActivation.Silu)),
        ["GatedActivation short y"] = ("y", be => be.GatedActivation(F(5), F(5), F(4), GateActivation.GeluTanh)),
        ["GatedActivation unknown activation"] = ("activation", be => be.GatedActivation(F(5), F(5), F(5), (GateActivation)9)),
        ["GatedActivationBackward short dy"] = ("dy", be => be.GatedActivationBackward(F(5), F(5), F(4), F(5), F(5), GateActivation.Silu)),
        ["GatedActivationBackward short dgate"] = ("dgate", be => be.GatedActivationBackward(F(5), F(5), F(5), F(4), F(5), GateActivation.GeluErf)),
        ["GatedActivationBackward short dup"] = ("dup", be => be.GatedActivationBackward(F(5), F(5), F(5), F(5), F(4), GateActivation.Relu)),
        ["SumLastAxis short y"] = ("y", be => be.SumLastAxis(F(12), F(2), 3, 4)),
        ["MaxLastAxis short x"] = ("x", be => be.MaxLastAxis(F(11), F(3), 3, 4)),
        ["MaxLastAxis zero cols"] = ("cols", be => be.MaxLastAxis(F(0), F(3), 3, 0)),
        ["Softmax short y"] = ("y", be => be.Softmax(F(12), F(11), 3, 4, SoftmaxMask.None)),
        ["Softmax negative rows"] = ("rows", be => be.Softmax(F(12), F(12), -3, 4, SoftmaxMask.None)),
        ["Softmax causal without query length"] = ("mask", be => be.Softmax(F(12), F(12), 3, 4, new SoftmaxMask { Causal = true })),
        ["Softmax short padding mask"] = ("mask", be => be.Softmax(F(12), F(12), 3, 4, new SoftmaxMask { KeyValid = new byte[7], RowsPerBatch = 2 })),
        ["SoftmaxBackward short dx"] = ("dx", be => be.SoftmaxBackward(F(12), F(12), F(11), 3, 4)),
        ["LayerNorm short gamma"] = ("gamma", be => be.LayerNorm(F(12), F(3), F(4), F(12), F(3), F(3), 3, 4, 1e-5f)),
        ["LayerNorm short beta"] = ("beta", be => be.LayerNorm(F(12), F(4), F(3), F(12), F(3), F(3), 3, 4, 1e-5f)),
        ["LayerNorm short rstd"] = ("rstd", be => be.LayerNorm(F(12), F(4), F(4), F(12), F(3), F(2), 3, 4, 1e-5f)),
        ["LayerNormBackward short dgamma"] = ("dgamma", be => be.LayerNormBackward(F(12), F(12), F(4), F(3), F(3), F(12), F(3), F(4), 3, 4)),
        ["LayerNormBackward short mean"] = ("mean", be => be.LayerNormBackward(F(12), F(12), F(4), F(2), F(3), F(12), F(4), F(4), 3, 4)),
        ["RmsNorm short y"] = ("y", be => be.RmsNorm(F(12), F(4), F(11), F(3), 3, 4, 1e-6f)),
        ["RmsNormBackward short dx"] = ("dx", be => be.RmsNormBackward(F(12), F(12), F(4), F(3), F(11), F(4), 3, 4)),
        ["EmbeddingGather id out of range"] = ("ids", be => be.EmbeddingGather([0, 5, 2], F(20), F(12), 5, 4)),
        ["EmbeddingGather negative id"] = ("ids", be => be.EmbeddingGather([0, -1], F(20), F(8), 5, 4)),
        ["EmbeddingGather short table"] = ("table", be => be.EmbeddingGather([0, 1], F(19), F(8), 5, 4)),
        ["EmbeddingScatterAdd short dy"] = ("dy", be => be.EmbeddingScatterAdd([0, 1], F(7), F(20), 5, 4)),
        ["CrossEntropy target out of range"] = ("targets", be => be.CrossEntropy(F(10), [1, 5], F(2), F(2), 2, 5, -100)),
        ["CrossEntropy short logSumExp"] = ("logSumExp", be => be.CrossEntropy(F(10), [1, 2], F(2), F(1), 2, 5, -100)),
        ["CrossEntropyBackward short dlogits"] = ("dlogits", be => be.CrossEntropyBackward(F(10), [1, 2], F(2), F(9), 1, 2, 5, -100)),
        ["AdamW m length"] = ("m", be => be.AdamW(F(5), F(5), F(4), F(5), 1e-3f, 0.9f, 0.999f, 1e-8f, 0, 1)),
        ["AdamW step 0"] = ("step", be => be.AdamW(F(5), F(5), F(5), F(5), 1e-3f, 0.9f, 0.999f, 1e-8f, 0, 0)),
        ["AdamW beta2 = 1"] = ("beta2", be => be.AdamW(F(5), F(5), F(5), F(5), 1e-3f, 0.9f, 1f, 1e-8f, 0, 1)),
        ["Dropout mask length"] = ("mask", be => be.Dropout(F(5), F(5), F(4), 0.1f, 1)),
        ["Dropout p > 1"] = ("p", be => be.Dropout(F(5), F(5), F(5), 1.5f, 1)),
        ["Permute short y"] = ("y", be => be.Permute(F(12), [3, 4], [1, 0], F(11))),
        ["Permute not a permutation"] = ("perm", be => be.Permute(F(12), [3, 4], [1, 1], F(12))),
        ["Permute rank mismatch"] = ("perm", be => be.Permute(F(12), [3, 4], [0, 1, 2], F(12))),
        ["Permute rank 7"] = ("shape", be => be.Permute(F(1), [1, 1, 1, 1, 1, 1, 1], [0, 1, 2, 3, 4, 5, 6], F(1))),
    };

    public static TheoryData<string, string> Cases => TestBackends.Cross(Calls.Keys.ToArray());

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_throws_ArgumentException_naming_the_argument(string backend, string name)
    {
        var (param, call) = Calls[name];
        var ex = Assert.ThrowsAny<ArgumentException>(() => call(TestBackends.Create(backend)));
        Assert.Equal(param, ex.ParamName);
        Assert.Contains(param, ex.Message);
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Failed_check_writes_nothing(string backend)
    {
        var y = TestData.Uniform(12, 1);
        var before = (float[])y.Clone();
        Assert.ThrowsAny<ArgumentException>(() => TestBackends.Create(backend).EmbeddingGather([0, 1, 9], TestData.Uniform(20, 2), y, 5, 4));
        Assert.Equal(before, y);
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Out_of_range_id_message_gives_position_and_value(string backend)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => TestBackends.Create(backend).EmbeddingGather([0, 5, 2], F(20), F(12), 5, 4));
        Assert.Contains("ids[1]", ex.Message);
        Assert.Contains("5", ex.Message);
    }
}
