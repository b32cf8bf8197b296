using Xunit;

namespace LlmForge.Tests.Cli.Reliability;

/// <summary>
/// An environment variable is read by every configuration the process builds, so tests that set one run alone
/// (after the parallel ones): a misspelled <c>LlmForge__Training__BatchSzie</c> would fail every other train.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment (runs alone)";
}

/// <summary>Item 16 through the environment: a misspelled variable is refused like a misspelled file key.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ConfigurationEnvironmentReliabilityTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "llmforge-config-env-" + Guid.NewGuid().ToString("N"));

    public ConfigurationEnvironmentReliabilityTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("LlmForge__Training__BatchSzie", "8", "LlmForge:Training:BatchSzie is not a setting; did you mean BatchSize?")]
    [InlineData("LlmForge__Variants__gpt-char__Hedas", "2", "LlmForge:Variants:gpt-char:Hedas is not a setting; did you mean Heads?")]
    [InlineData("LlmForge__Training__LearningRate", "1e39", "LlmForge:Training:LearningRate Infinity is out of range (0, 1000000].")]
    public void A_bad_environment_variable_is_one_line_naming_its_key(string variable, string value, string message)
    {
        string corpus = Path.Combine(dir, "corpus.txt");
        File.WriteAllText(corpus, string.Concat(Enumerable.Repeat("to be or not to be, that is the question.\n", 40)));
        Environment.SetEnvironmentVariable(variable, value);
        try
        {
            var (code, _, stderr) = Cli.Run("train", "--corpus", corpus, "--steps", "1", "--out", Path.Combine(dir, "out"));
            Assert.Equal(1, code);
            Assert.Equal($"llmforge train: {message}", ConfigurationReliabilityTests.OneLine(stderr));
        }
        finally { Environment.SetEnvironmentVariable(variable, null); }
    }

    /// <summary>LlmForge__Backend is read by every command, pretrain-bert included now that it runs through train.</summary>
    [Theory]
    [InlineData("train", "--variant", "bert-mini")]
    [InlineData("pretrain-bert")]
    public void LlmForge__Backend_reaches_train_and_its_pretrain_bert_alias(string command, params string[] flags)
    {
        string corpus = Path.Combine(dir, "corpus.txt");
        File.WriteAllText(corpus, string.Concat(Enumerable.Repeat("to be or not to be, that is the question.\n", 40)));
        Environment.SetEnvironmentVariable("LlmForge__Backend", "Gpu");
        try
        {
            var (code, _, stderr) = Cli.Run([command, .. flags, "--corpus", corpus, "--steps", "1", "--out", Path.Combine(dir, "out")]);
            Assert.Equal(1, code);
            Assert.Equal($"llmforge {command}: LlmForge:Backend: unknown backend 'Gpu'; valid values: Managed, Mkl.", stderr.TrimEnd('\n').Split('\n')[^1]);
        }
        finally { Environment.SetEnvironmentVariable("LlmForge__Backend", null); }
    }
}
