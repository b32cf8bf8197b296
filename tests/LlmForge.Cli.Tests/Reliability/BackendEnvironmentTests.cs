using LlmForge.Cli.Hosting;
using LlmForge.Tests.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Cli.Reliability;

/// <summary>
/// <c>LlmForge__Backend</c> chooses the backend of every command that loads a model, as it does for <c>train</c>:
/// flags beat the environment, the environment beats appsettings.json. Runs alone: the variable is process-wide.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class BackendEnvironmentTests
{
    private const string Variable = "LlmForge__Backend";

    private static T WithBackendVariable<T>(string? value, Func<T> run)
    {
        Environment.SetEnvironmentVariable(Variable, value);
        try { return run(); }
        finally { Environment.SetEnvironmentVariable(Variable, null); }
    }

    [Fact]
    public void The_environment_chooses_the_backend_and_the_flag_beats_it()
    {
        Assert.Equal("Managed", WithBackendVariable(null, () => BackendFactory.FromConfiguration(null).Name));
        Assert.Equal("Mkl", WithBackendVariable("Mkl", () => BackendFactory.FromConfiguration(null).Name));
        Assert.Equal("Managed", WithBackendVariable("Mkl", () => BackendFactory.FromConfiguration("managed").Name));
        Assert.Equal("Mkl", WithBackendVariable("Managed", () => BackendFactory.FromConfiguration("mkl").Name));
    }

    [Theory]
    [InlineData("generate", "--prompt-ids", "4,8,15", "--max-new-tokens", "2", "--output-ids")]
    [InlineData("fill-mask", "--text", "x")]
    public void An_unknown_backend_in_the_environment_fails_every_command_naming_the_key(string command, params string[] rest)
    {
        string model = command == "generate" ? FixturePath.Of("gpt2-tiny") : FixturePath.Of("bert-tiny");
        var (code, _, stderr) = WithBackendVariable("Gpu", () => Cli.Run([command, "--model", model, .. rest]));

        Assert.Equal(1, code);
        Assert.StartsWith($"llmforge {command}: LlmForge:Backend: unknown backend 'Gpu'; valid values: ", ConfigurationReliabilityTests.OneLine(stderr), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_with_the_environment_backend_prints_the_ids_of_the_same_backend_flag()
    {
        string[] args = ["generate", "--model", FixturePath.Of("gpt2-tiny"), "--prompt-ids", "4,8,15,16,23", "--max-new-tokens", "12",
            "--seed", "7", "--output-ids"];
        var fromEnvironment = WithBackendVariable("Mkl", () => Cli.Run(args));
        var fromFlag = Cli.Run([.. args, "--backend", "mkl"]);

        Assert.True(fromEnvironment.Code == 0, fromEnvironment.Err);
        Assert.Equal(fromFlag.Out, fromEnvironment.Out);
    }
}
