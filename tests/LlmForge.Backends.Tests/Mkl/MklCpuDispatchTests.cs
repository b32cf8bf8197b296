using LlmForge.Backends.Mkl;
using LlmForge.Backends.Mkl.Native;
using Xunit;

namespace LlmForge.Tests.Mkl;

/// <summary>
/// The CPU-dispatch shim: built with the project, and loaded exactly where MKL would otherwise withhold AVX-512
/// kernels from a processor that has them. The kernels' results under it are the parity suites' business.
/// </summary>
public class MklCpuDispatchTests
{
    [Fact]
    public void The_shim_is_built_beside_the_backend()
    {
        // .ci/setup installs gcc; a build without a C compiler only warns, so the test machine's build is checked here.
        string dir = Path.GetDirectoryName(typeof(MklBackend).Assembly.Location)!;
        Assert.True(File.Exists(Path.Combine(dir, MklCpuDispatch.ShimFile)), $"{MklCpuDispatch.ShimFile} missing in {dir}");
    }

    [Fact]
    public void Mkl_gets_its_avx512_kernels_on_a_non_intel_processor_that_has_avx512()
    {
        Assert.True(MklBackend.IsAvailable(out var reason), reason);
        string dispatch = MklBackend.MklCpuDispatch;
        bool native = string.Equals(Environment.GetEnvironmentVariable(MklCpuDispatch.EnvironmentVariable), "native", StringComparison.OrdinalIgnoreCase);
        if (!native && !MklCpuDispatch.IsIntel() && MklCpuDispatch.HasAvx512ForMkl()) Assert.Equal("avx512 (shim)", dispatch);
        else Assert.StartsWith("mkl (", dispatch);
    }
}
