using System.Diagnostics;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Tests.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Samples;

/// <summary>
/// samples/11-CustomComponent, run as a user runs it (<c>dotnet 11-custom-component.dll</c>, a process of its own): a GPT and a
/// BERT with the sample's own "my-norm" normalization train, save, reload in a second process through the same
/// registration and predict the same text; Ctrl-C (SIGINT) stops the training cleanly.
/// </summary>
public class CustomComponentSampleTests
{
    private static Process Start(params string[] args) => SampleProcess.Start(SampleProcess.Dll("11-CustomComponent", "11-custom-component"), args);

    private static Task<(int Code, string Stdout, string Stderr)> Finish(Process process, Task<string> stdout, Task<string> stderr) =>
        SampleProcess.Finish(process, stdout, stderr);

    [Fact]
    public async Task The_sample_trains_saves_and_reloads_both_models_in_a_new_process_with_identical_predictions()
    {
        using var output = new TempDirectory();
        using var process = Start("--steps", "20", "--out", output.Path);
        var (code, stdout, stderr) = await Finish(process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Equal(2, stdout.Split('\n').Count(l => l.EndsWith("identical: True", StringComparison.Ordinal)));
        Assert.DoesNotContain("identical: False", stdout);
        Assert.Equal(2, stdout.Split('\n').Count(l => l.Contains("step 20/20", StringComparison.Ordinal)));

        // Both directories record the user's kind by name, which is what let the child rebuild the models.
        var kinds = new ComponentKindNames("scaled-dot", "learned", "my-norm");
        Assert.Equal(kinds, GptConfigJson.Parse(File.ReadAllText(Path.Combine(output.Path, "gpt", "config.json"))).Kinds);
        Assert.Equal(kinds, BertConfigJson.Load(Path.Combine(output.Path, "bert", "config.json")).Kinds);
    }

    [Fact]
    public async Task Ctrl_C_stops_the_training_after_the_step_in_flight_with_one_line()
    {
        using var output = new TempDirectory();
        using var process = Start("--steps", "100000", "--out", output.Path);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = new System.Text.StringBuilder();
        // Wait for the first progress line, so the interrupt lands in the training loop.
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            stdout.AppendLine(line);
            if (line.Contains("step 100/100000", StringComparison.Ordinal)) break;
        }
        using (var kill = Process.Start("kill", ["-s", "INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        var (code, rest, error) = await Finish(process, process.StandardOutput.ReadToEndAsync(), stderr);

        Assert.True(code == 130, $"exit {code}\n{stdout}{rest}\n{error}");
        string stopped = Assert.Single(error.Split('\n'), l => l.StartsWith("stopped: ", StringComparison.Ordinal));
        Assert.Matches(@"^stopped: training cancelled after step \d+; the checkpoint of that step is in .*gpt-run\.$", stopped);
        Assert.True(File.Exists(Path.Combine(output.Path, "gpt-run", "trainer_state.json")));
        Assert.DoesNotContain("bert", stdout + rest);
    }
}
