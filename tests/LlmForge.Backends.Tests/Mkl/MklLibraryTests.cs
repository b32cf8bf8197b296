using Xunit;
using LlmForge.Backends.Mkl;

namespace LlmForge.Tests.Mkl;

public class MklLibraryTests
{
    [Fact]
    public void MklIsInstalled_OnTestMachines()
    {
        // .ci/setup installs libmkl-rt; a machine without it fails here with the install steps.
        Assert.True(MklBackend.IsAvailable(out var reason), reason);
        Assert.Null(reason);
    }

    [Fact]
    public void MissingLibrary_ThrowsWithInstallSteps()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            new MklBackend(new RecordingBackend(), "/nonexistent/dir/libmkl_rt.so"));
        Assert.Contains("libmkl_rt.so", e.Message);
        Assert.Contains("/nonexistent/dir/libmkl_rt.so", e.Message);
        Assert.Contains("'libmkl-rt'", e.Message);
        Assert.Contains("non-free", e.Message);
        Assert.Contains("apt-get install libmkl-rt", e.Message);
    }

    [Fact]
    public void LibraryThatIsNotMkl_NamesTheMissingRoutines()
    {
        // libm loads fine but exports no BLAS: the message names what is missing, not a crash at the first GEMM.
        var e = Assert.Throws<InvalidOperationException>(() => new MklBackend(new RecordingBackend(), "libm.so.6"));
        Assert.Contains("cblas_sgemm", e.Message);
        Assert.Contains("libmkl-rt", e.Message);
    }

    [Fact]
    public void NullFallback_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new MklBackend(null!));
    }
}
