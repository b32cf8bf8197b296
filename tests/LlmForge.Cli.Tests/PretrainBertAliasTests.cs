using System.Text.Json;
using System.Text.RegularExpressions;
using LlmForge.Tests.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>
/// <c>pretrain-bert</c> is <c>train --variant bert-mini</c> with its own flags: each maps to the configuration key it
/// stands for, so the alias and train given those keys run the same pretraining, line for line and bit for bit.
/// </summary>
public class PretrainBertAliasTests
{
    private static string Corpus(TempDirectory temp)
    {
        string corpus = temp.File("corpus.txt");
        File.WriteAllText(corpus, string.Concat(Enumerable.Range(0, 300).Select(i => $"the king is good. the queen is {(i % 2 == 0 ? "kind" : "wise")}.\n")));
        return corpus;
    }

    [Fact]
    public void The_alias_maps_its_flags_onto_train_of_bert_mini()
    {
        using var temp = new TempDirectory();
        string corpus = Corpus(temp), alias = Path.Combine(temp.Path, "alias"), train = Path.Combine(temp.Path, "train");
        var (code, stdout, stderr) = Cli.Run("pretrain-bert", "--corpus", corpus, "--out", alias, "--vocab-size", "40",
            "--layers", "2", "--hidden", "32", "--heads", "2", "--intermediate", "64", "--seq-len", "16", "--steps", "6",
            "--batch-size", "8", "--lr", "5e-3", "--warmup", "0", "--eval-interval", "3", "--eval-batches", "2", "--threads", "1");
        Assert.True(code == 0, stderr);
        Assert.Contains("model: BERT 2 layers, hidden 32, 2 heads, intermediate 64, post-LN,", stdout);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(alias, "config.json"))))
        {
            Assert.Equal(2, config.RootElement.GetProperty("num_hidden_layers").GetInt32());
            Assert.Equal(32, config.RootElement.GetProperty("hidden_size").GetInt32());
            Assert.Equal(2, config.RootElement.GetProperty("num_attention_heads").GetInt32());
            Assert.Equal(64, config.RootElement.GetProperty("intermediate_size").GetInt32());
            Assert.Equal(16, config.RootElement.GetProperty("max_position_embeddings").GetInt32());
        }

        // The same run as train of bert-mini, the flags written as the keys they map to.
        string settings = temp.File("bert.json");
        File.WriteAllText(settings, """
            { "LlmForge": { "Threads": 1,
              "Variants": { "bert-mini": { "VocabSize": 40, "Layers": 2, "EmbeddingDim": 32, "Heads": 2, "InnerDim": 64, "ContextLength": 16 } },
              "Training": { "BatchSize": 8, "LearningRate": 0.005, "WarmupSteps": 0, "EvalInterval": 3, "EvalBatches": 2, "CheckpointInterval": 0 } } }
            """);
        var direct = Cli.Run("train", "--variant", "bert-mini", "--config", settings, "--corpus", corpus, "--out", train, "--steps", "6");
        Assert.True(direct.Code == 0, direct.Err);
        Assert.Equal(Untimed(direct.Out.Replace(train, "DIR")), Untimed(stdout.Replace(alias, "DIR")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(train, "model.safetensors")), File.ReadAllBytes(Path.Combine(alias, "model.safetensors")));
    }

    /// <summary>The lines without their speeds and times, which differ from run to run.</summary>
    private static string Untimed(string stdout) => Regex.Replace(stdout, @"[\d.]+ tok/s|(elapsed|eta|in) [\d:]+", "…");

    [Fact]
    public void Like_train_it_refuses_an_out_directory_that_holds_a_model_unless_overwrite()
    {
        using var temp = new TempDirectory();
        string corpus = Corpus(temp), output = Path.Combine(temp.Path, "model");
        string[] args = ["pretrain-bert", "--corpus", corpus, "--out", output, "--vocab-size", "40", "--layers", "1", "--hidden", "16", "--heads", "2",
            "--intermediate", "32", "--seq-len", "16", "--steps", "2", "--batch-size", "4", "--eval-interval", "2", "--eval-batches", "1", "--threads", "1"];
        Assert.Equal(0, Cli.Run(args).Code);
        var refused = Cli.Run(args);
        Assert.Equal(2, refused.Code);
        string error = refused.Err.TrimEnd('\n').Split('\n')[^1]; // after train's "variant bert-mini: …" line
        Assert.StartsWith($"llmforge pretrain-bert: '{output}' already holds ", error);
        Assert.EndsWith("or pass --overwrite to replace it", error);
        var again = Cli.Run([.. args, "--overwrite"]);
        Assert.True(again.Code == 0, again.Err);
    }

    [Fact]
    public void Its_help_says_it_is_an_alias_of_train()
    {
        var (code, stdout, _) = Cli.Run("pretrain-bert", "--help");
        Assert.Equal(0, code);
        Assert.Contains("An alias of llmforge train --variant bert-mini", stdout);
    }
}
