using System.Diagnostics;
using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

/// <summary>One writer per checkpoint directory: the lock file, its holder's PID, stale locks, and the checks of the path.</summary>
public sealed class RunDirectoryLockTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_second_acquire_fails_naming_the_holders_pid_until_the_first_is_released()
    {
        string directory = temp.File("run");
        using (var first = RunDirectoryLock.Acquire(directory))
        {
            Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(Path.Combine(directory, RunDirectoryLock.FileName)));
            var e = Assert.Throws<RunDirectoryLockedException>(() => RunDirectoryLock.Acquire(directory));
            Assert.Equal(Environment.ProcessId, e.HolderProcessId);
            Assert.StartsWith($"{directory}: another run (PID {Environment.ProcessId}) is writing this checkpoint directory", e.Message);
            using (RunDirectoryLock.AcquireOrJoin(directory)) { } // the checkpoint writer joins this process's lock
            Assert.True(File.Exists(Path.Combine(directory, RunDirectoryLock.FileName)));
        }
        Assert.False(File.Exists(Path.Combine(directory, RunDirectoryLock.FileName)));
        using var again = RunDirectoryLock.Acquire(directory);
    }

    [Fact]
    public void A_directory_the_lock_created_is_removed_on_release_while_empty_and_kept_otherwise()
    {
        string created = temp.File("created");
        using (RunDirectoryLock.Acquire(created)) { } // a run that failed before writing anything
        Assert.False(Directory.Exists(created));

        string existing = temp.File("existing");
        Directory.CreateDirectory(existing);
        using (RunDirectoryLock.Acquire(existing)) { }
        Assert.True(Directory.Exists(existing)); // not ours to remove

        string written = temp.File("written");
        using (RunDirectoryLock.Acquire(written)) File.WriteAllText(Path.Combine(written, "config.json"), "{}");
        Assert.True(File.Exists(Path.Combine(written, "config.json")));
    }

    [Fact]
    public void A_lock_left_by_a_dead_process_is_taken_over()
    {
        string directory = temp.File("run");
        Directory.CreateDirectory(directory);
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        exited.WaitForExit();
        File.WriteAllText(Path.Combine(directory, RunDirectoryLock.FileName), $"{exited.Id}\n");
        using var taken = RunDirectoryLock.Acquire(directory);
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(Path.Combine(directory, RunDirectoryLock.FileName)));
    }

    [Fact]
    public void A_path_that_is_a_file_or_lies_under_a_file_is_one_error_naming_it()
    {
        string file = temp.File("file");
        File.WriteAllText(file, "x");
        Assert.Equal($"{file}: is a file, not a directory: the checkpoint directory must be a directory (or a path to create one)",
            Assert.Throws<IOException>(() => RunDirectoryLock.Acquire(file)).Message);
        string under = Path.Combine(file, "sub");
        Assert.Equal($"{under}: cannot create the checkpoint directory ('{file}' is a file)", Assert.Throws<IOException>(() => RunDirectoryLock.Acquire(under)).Message);
    }
}
