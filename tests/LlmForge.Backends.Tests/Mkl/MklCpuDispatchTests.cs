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
    public void A_project_reference_finds_the_shim_beside_the_backend()
    {
        string beside = Path.Combine(Path.GetDirectoryName(typeof(MklBackend).Assembly.Location)!, MklCpuDispatch.ShimFile);
        Assert.Equal(Path.GetFullPath(beside), MklBackend.MklCpuShimPath);
    }

    /// <summary>
    /// A NuGet consumer gets the shim in runtimes/linux-x64/native/ under its output, a folder the host lists in
    /// NATIVE_DLL_SEARCH_DIRECTORIES; the search takes the first folder that holds it and skips those that do not.
    /// (tools/pack/check-packages.sh checks the same in a real app built from the packages.)
    /// </summary>
    [Fact]
    public void The_search_finds_the_shim_in_a_packages_runtimes_folder()
    {
        string root = Path.Combine(Path.GetTempPath(), "llmforge-shim-" + Guid.NewGuid().ToString("N"));
        try
        {
            string app = Directory.CreateDirectory(Path.Combine(root, "app")).FullName;
            string native = Directory.CreateDirectory(Path.Combine(app, "runtimes", "linux-x64", "native")).FullName;
            Assert.Null(MklCpuDispatch.FindShim([app, native]));
            File.WriteAllBytes(Path.Combine(native, MklCpuDispatch.ShimFile), [0x7F, (byte)'E', (byte)'L', (byte)'F']);
            Assert.Equal(Path.Combine(native, MklCpuDispatch.ShimFile), MklCpuDispatch.FindShim([app, native]));
            File.WriteAllBytes(Path.Combine(app, MklCpuDispatch.ShimFile), [0x7F, (byte)'E', (byte)'L', (byte)'F']);
            Assert.Equal(Path.Combine(app, MklCpuDispatch.ShimFile), MklCpuDispatch.FindShim([app, native]));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void The_search_ends_with_the_runtimes_native_search_directories()
    {
        // the test host, like any app, gets NATIVE_DLL_SEARCH_DIRECTORIES from its .deps.json
        var native = ((string?)AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(native);
        var searched = MklCpuDispatch.SearchDirectories().ToList();
        Assert.Equal(AppContext.BaseDirectory, searched[0]);
        Assert.Equal(native, searched.Skip(searched.Count - native.Length));
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
