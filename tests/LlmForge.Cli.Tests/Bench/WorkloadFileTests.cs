using LlmForge.Cli.Commands.Bench;
using LlmForge.Cli.Commands.Bench.Workloads;
using Xunit;

namespace LlmForge.Tests.Cli.Bench;

public class WorkloadFileTests
{
    [Fact]
    public void The_repository_copy_has_the_four_standard_workloads_and_generate_llama_with_their_shapes()
    {
        var workloads = WorkloadFile.Load(WorkloadBenchmark.DefaultWorkloadsPath);

        Assert.Equal(["train-char", "train-gpt2", "generate-gpt2", "generate-llama", "bert-base-encode", "translate-marian"], workloads.Select(w => w.Name));
        var trainChar = workloads[0];
        Assert.Equal(WorkloadKind.Train, trainChar.Kind);
        Assert.Equal((8, 256, 1, 5), (trainChar.BatchSize, trainChar.SeqLen, trainChar.WarmupSteps, trainChar.TimedSteps));
        Assert.Equal(new WorkloadModel
        {
            Architecture = "gpt", VocabSize = 65, ContextLength = 256, EmbeddingDim = 384, Heads = 6, Layers = 6,
            DropRate = 0, QkvBias = false, TieWeights = false,
        }, trainChar.Model);
        Assert.Equal(new WorkloadOptimizer("adamw", 0.001f, 0.9f, 0.95f, 0.1f), trainChar.Optimizer);
        Assert.Equal(8 * 256, trainChar.TokensPerStep);

        var gpt2 = workloads[1];
        Assert.True(gpt2.Model.QkvBias && gpt2.Model.TieWeights);
        Assert.Equal((50257, 1024, 768, 12, 12), (gpt2.Model.VocabSize, gpt2.Model.ContextLength, gpt2.Model.EmbeddingDim, gpt2.Model.Heads, gpt2.Model.Layers));
        Assert.Equal((2, 128, 1, 3), (gpt2.BatchSize, gpt2.SeqLen, gpt2.WarmupSteps, gpt2.TimedSteps));

        var generate = workloads[2];
        Assert.Equal(WorkloadKind.Generate, generate.Kind);
        Assert.Equal((1, 32, 64, 1, 3), (generate.BatchSize, generate.PromptTokens, generate.NewTokens, generate.WarmupSteps, generate.TimedSteps));
        Assert.Equal(64, generate.TokensPerStep); // new tokens only: the prompt is timed but not counted
        Assert.Null(generate.Optimizer);

        var llama = workloads[3]; // SmolLM2-135M's shapes
        Assert.Equal((WorkloadKind.Generate, 32, 64), (llama.Kind, llama.PromptTokens, llama.NewTokens));
        Assert.Equal(new WorkloadModel
        {
            Architecture = "llama", VocabSize = 49152, ContextLength = 8192, EmbeddingDim = 576, Heads = 9, KvHeads = 3, Layers = 30,
            InnerDim = 1536, RopeTheta = 100000, DropRate = 0, QkvBias = false, TieWeights = true,
        }, llama.Model);

        var bert = workloads[4];
        Assert.Equal(WorkloadKind.Encode, bert.Kind);
        Assert.Equal(("bert", 30522, 512, 2), (bert.Model.Architecture, bert.Model.VocabSize, bert.Model.ContextLength, bert.Model.TypeVocabSize));
        Assert.Equal((4, 128, 1, 3), (bert.BatchSize, bert.SeqLen, bert.WarmupSteps, bert.TimedSteps));

        var translate = workloads[5]; // opus-mt-en-fr's shapes
        Assert.Equal((WorkloadKind.Translate, 8, 24, 24, 4), (translate.Kind, translate.BatchSize, translate.SeqLen, translate.NewTokens, translate.NumBeams));
        Assert.Equal(new WorkloadModel
        {
            Architecture = "marian", VocabSize = 59514, ContextLength = 512, EmbeddingDim = 512, Heads = 8, Layers = 6, InnerDim = 2048,
            DropRate = 0, QkvBias = true, TieWeights = true,
        }, translate.Model);
        Assert.Equal(8 * 24, translate.TokensPerStep); // the output tokens, not every beam's
    }

    [Fact]
    public void The_tiny_file_parses_in_file_order()
    {
        var workloads = WorkloadFile.Parse(TinyWorkloads.Json, "tiny.json");
        Assert.Equal(["tiny-train", "tiny-generate", "tiny-generate-llama", "tiny-encode", "tiny-translate"], workloads.Select(w => w.Name));
        Assert.Equal([WorkloadKind.Train, WorkloadKind.Generate, WorkloadKind.Generate, WorkloadKind.Encode, WorkloadKind.Translate], workloads.Select(w => w.Kind));
    }

    [Theory]
    [InlineData("\"batch_size\": 2, ", "tiny.json: workloads.tiny-train.batch_size is missing")]
    [InlineData("\"seq_len\": 4", "tiny.json: workloads.tiny-train.seq_len 40 exceeds model.context_length 8", "\"seq_len\": 40")]
    [InlineData("\"timed_steps\": 2", "tiny.json: workloads.tiny-train.timed_steps must be an integer ≥ 1, got 0", "\"timed_steps\": 0")]
    [InlineData("\"timed_steps\": 2", "tiny.json: workloads.tiny-train.timed_steps must be an integer ≥ 1, got \"2\"", "\"timed_steps\": \"2\"")]
    [InlineData("\"kind\": \"train\"", "tiny.json: workloads.tiny-train.kind 'fit' is not a workload kind; valid values: train, generate, encode, translate", "\"kind\": \"fit\"")]
    [InlineData("\"sampling\": \"greedy\"", "tiny.json: workloads.tiny-generate.sampling 'top-k' is not supported; valid values: greedy", "\"sampling\": \"top-k\"")]
    [InlineData("\"name\": \"adamw\"", "tiny.json: workloads.tiny-train.optimizer.name 'sgd' is not supported; valid values: adamw", "\"name\": \"sgd\"")]
    [InlineData("[0.9, 0.95]", "tiny.json: workloads.tiny-train.optimizer.betas must be two numbers in [0, 1), got [0.9]", "[0.9]")]
    [InlineData("\"warmup_steps\": 1", "tiny.json: workloads.tiny-train.warmup is not a known key; workloads.tiny-train has batch_size, kind, metric, model, optimizer, seq_len, timed_steps, warmup_steps", "\"warmup_steps\": 1, \"warmup\": 1")]
    [InlineData("\"type_vocab_size\": 2", "tiny.json: workloads.tiny-encode.model.tie_weights is not a known key", "\"type_vocab_size\": 2, \"tie_weights\": false")]
    [InlineData("\"n_kv_heads\": 1", "tiny.json: workloads.tiny-generate-llama.model.n_kv_heads 2 does not divide n_heads 3", "\"n_kv_heads\": 2")]
    [InlineData("\"inner_dim\": 20, ", "tiny.json: workloads.tiny-generate-llama.model.inner_dim is missing")]
    [InlineData("\"architecture\": \"llama\"", "tiny.json: workloads.tiny-generate-llama.model.architecture 'mistral' is not known; valid values: gpt, llama, bert, marian", "\"architecture\": \"mistral\"")]
    [InlineData("\"num_beams\": 2", "tiny.json: workloads.tiny-translate.num_beams must be an integer ≥ 2, got 1", "\"num_beams\": 1")]
    [InlineData("\"new_tokens\": 3, \"num_beams\"", "tiny.json: workloads.tiny-translate.new_tokens 8 after the decoder start token exceeds model.context_length 8", "\"new_tokens\": 8, \"num_beams\"")]
    [InlineData("\"kind\": \"translate\"", "tiny.json: workloads.tiny-translate.kind an encode workload needs a bert model, got 'marian'", "\"kind\": \"encode\"")]
    public void A_bad_workload_names_the_file_and_the_key(string find, string message, string replace = "")
    {
        Assert.Contains(find, TinyWorkloads.Json);
        string json = ReplaceFirst(TinyWorkloads.Json, find, replace);

        var e = Assert.Throws<InvalidDataException>(() => WorkloadFile.Parse(json, "tiny.json"));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Bad_json_names_the_file()
    {
        var e = Assert.Throws<InvalidDataException>(() => WorkloadFile.Parse("{ \"workloads\": ", "broken.json"));
        Assert.StartsWith("broken.json: not valid JSON", e.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => WorkloadFile.Load("/nonexistent/workloads.json"));
        Assert.Contains("'/nonexistent/workloads.json'", e.Message);
    }

    [Fact]
    public void Select_keeps_the_given_order_and_names_the_valid_workloads_for_an_unknown_one()
    {
        var workloads = WorkloadFile.Parse(TinyWorkloads.Json, "tiny.json");

        Assert.Equal(["tiny-encode", "tiny-train"], WorkloadFile.Select(workloads, ["tiny-encode", "tiny-train"], all: false, "tiny.json").Select(w => w.Name));
        Assert.Equal(5, WorkloadFile.Select(workloads, [], all: true, "tiny.json").Count);
        var e = Assert.Throws<ArgumentException>(() => WorkloadFile.Select(workloads, ["tiny-infer"], all: false, "tiny.json"));
        Assert.Equal("workload 'tiny-infer' is not in tiny.json; valid values: tiny-train, tiny-generate, tiny-generate-llama, tiny-encode, tiny-translate", e.Message);
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        return text[..at] + replace + text[(at + find.Length)..];
    }
}
