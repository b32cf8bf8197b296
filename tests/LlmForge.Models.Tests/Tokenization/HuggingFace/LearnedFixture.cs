using LlmForge.Tokenization;
using Xunit;
using static LlmForge.Tests.Tokenization.HuggingFace.TokenizerJsonFixture;

namespace LlmForge.Tests.Tokenization.HuggingFace;

/// <summary>
/// The committed tokenizer.json fixture (Fixtures/tokenizer-json/tokenizer.json): a small byte-level BPE that
/// <see cref="BpeTrainer"/> learned from the multilingual test text (600 ids), written with Llama 3's Split regex +
/// ByteLevel, [a, b] merges and ChatML added tokens. <see cref="Compose"/> makes it; the test below checks the
/// committed file is what it makes (set LLMFORGE_WRITE_FIXTURES=1 to rewrite it after a change).
/// </summary>
public class LearnedFixture
{
    /// <summary>Where the committed fixture is in the test output.</summary>
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "Tokenization", "Fixtures", "tokenizer-json", "tokenizer.json");

    /// <summary>Writes the fixture into <paramref name="directory"/>; returns its path.</summary>
    public static string Compose(string directory)
    {
        string corpus = File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "Tokenization", "Fixtures", "multilingual.txt"));
        var learned = BpeTrainer.Train(corpus, new BpeTrainerOptions { VocabSize = 600, SpecialTokens = [] });
        return Write(directory, learned.Vocabulary, learned.Merges, Sequence(Split(Llama3Regex), ByteLevel(useRegex: false)), ChatMl, mergesAsPairs: true);
    }

    [Fact]
    public void CommittedFixture_IsWhatComposeWrites()
    {
        using var dir = new TempDirectory();
        string composed = File.ReadAllText(Compose(dir.Path));
        if (Environment.GetEnvironmentVariable("LLMFORGE_WRITE_FIXTURES") == "1")
        {
            string source = System.IO.Path.Combine(Gpt2Vocabulary.RepositoryRoot(), "tests", "LlmForge.Models.Tests", "Tokenization", "Fixtures", "tokenizer-json");
            Directory.CreateDirectory(source);
            File.WriteAllText(System.IO.Path.Combine(source, "tokenizer.json"), composed);
        }
        Assert.True(File.Exists(Path), $"{Path} is missing: run this test with LLMFORGE_WRITE_FIXTURES=1 to write it.");
        Assert.Equal(composed, File.ReadAllText(Path));
    }
}
