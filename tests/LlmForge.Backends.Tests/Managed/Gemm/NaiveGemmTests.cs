using LlmForge.Backends.Managed.Gemm;
using LlmForge.Tests.Backends.Parity;
using Xunit;

namespace LlmForge.Tests.Backends.Managed.Gemm;

/// <summary>The reference GEMM on its own: whichever GEMM the backend dispatches to, this one must stay right.</summary>
public class NaiveGemmTests
{
    public static TheoryData<GemmParityTests.Case> Shapes => new(GemmParityTests.Shapes.Select(row => (GemmParityTests.Case)row[1]).Distinct());

    public static TheoryData<GemmBatchedParityTests.Case> Layouts => new(GemmBatchedParityTests.Layouts.Select(row => (GemmBatchedParityTests.Case)row[1]).Distinct());

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gemm_matches_double_reference(GemmParityTests.Case c) => GemmParityTests.CheckAllTransposes(NaiveGemm.Gemm, c);

    [Theory]
    [MemberData(nameof(Layouts))]
    public void GemmStridedBatched_matches_double_reference(GemmBatchedParityTests.Case c) =>
        GemmBatchedParityTests.CheckAllTransposes(NaiveGemm.GemmStridedBatched, c);

    [Fact]
    public void GemmStridedBatched_with_shared_C_accumulates_in_order() => GemmBatchedParityTests.CheckSharedC(NaiveGemm.GemmStridedBatched);
}
