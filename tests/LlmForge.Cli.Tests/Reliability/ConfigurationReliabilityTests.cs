using Xunit;

namespace LlmForge.Tests.Cli.Reliability;

/// <summary>
/// Hostile configurations through <c>llmforge train --config FILE</c>, in-process: every bad value, product of
/// sizes, misspelled key and malformed file is refused before any training with exit code 1 and one line on stderr
/// that names the full key (or the file, line and byte), never a stack trace.
/// </summary>
public sealed class ConfigurationReliabilityTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "llmforge-config-rel-" + Guid.NewGuid().ToString("N"));

    public ConfigurationReliabilityTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>(the JSON inside "LlmForge", the variant to train, what the one line must contain).</summary>
    public static TheoryData<string, string, string> BadSettings => new()
    {
        // Item 11: every numeric training setting is bounded, above as well as below.
        { """ "Training": { "BatchSize": 2000000000 } """, "gpt-char", "LlmForge:Training:BatchSize 2000000000 is out of range [1, 1048576]." },
        { """ "Training": { "BatchSize": 0 } """, "gpt-char", "LlmForge:Training:BatchSize 0 is out of range [1, 1048576]." },
        { """ "Training": { "GradientAccumulationSteps": 1000000 } """, "gpt-char", "LlmForge:Training:GradientAccumulationSteps 1000000 is out of range [1, 65536]." },
        { """ "Training": { "MaxSteps": 2000000000 } """, "gpt-char", "LlmForge:Training:MaxSteps 2000000000 is out of range [1, 1000000000]." },
        { """ "Training": { "LearningRate": 1e39 } """, "gpt-char", "LlmForge:Training:LearningRate Infinity is out of range (0, 1000000]." },
        { """ "Training": { "LearningRate": "NaN" } """, "gpt-char", "LlmForge:Training:LearningRate NaN is out of range (0, 1000000]." },
        { """ "Training": { "MinLearningRate": -1 } """, "gpt-char", "LlmForge:Training:MinLearningRate -1 is out of range [0, 1000000]." },
        { """ "Training": { "WarmupSteps": -1 } """, "gpt-char", "LlmForge:Training:WarmupSteps -1 is out of range [0, 1000000000]." },
        { """ "Training": { "DecaySteps": 2000000000 } """, "gpt-char", "LlmForge:Training:DecaySteps 2000000000 is out of range [0, 1000000000] (0 = MaxSteps)." },
        { """ "Training": { "Beta1": 1 } """, "gpt-char", "LlmForge:Training:Beta1 1 is out of range [0, 1)." },
        { """ "Training": { "Beta2": -0.5 } """, "gpt-char", "LlmForge:Training:Beta2 -0.5 is out of range [0, 1)." },
        { """ "Training": { "Epsilon": 0 } """, "gpt-char", "LlmForge:Training:Epsilon 0 is out of range (0, 1]." },
        { """ "Training": { "WeightDecay": 100 } """, "gpt-char", "LlmForge:Training:WeightDecay 100 is out of range [0, 10]." },
        { """ "Training": { "Optimizer": "sgd", "Momentum": 1 } """, "gpt-char", "LlmForge:Training:Momentum 1 is out of range [0, 1)." },
        { """ "Training": { "GradientClip": "NaN" } """, "gpt-char", "LlmForge:Training:GradientClip NaN is out of range [0, 1000000] (0 = no clipping)." },
        { """ "Training": { "ValidationFraction": 0 } """, "gpt-char", "LlmForge:Training:ValidationFraction 0 is out of range (0, 1)." },
        { """ "Training": { "ValidationFraction": 1 } """, "gpt-char", "LlmForge:Training:ValidationFraction 1 is out of range (0, 1)." },
        { """ "Training": { "EvalInterval": 0 } """, "gpt-char", "LlmForge:Training:EvalInterval 0 is out of range [1, 1000000000]." },
        { """ "Training": { "EvalBatches": 1000000 } """, "gpt-char", "LlmForge:Training:EvalBatches 1000000 is out of range [1, 100000]." },
        { """ "Training": { "LogInterval": 0 } """, "gpt-char", "LlmForge:Training:LogInterval 0 is out of range [1, 1000000000]." },
        { """ "Training": { "CheckpointInterval": -5 } """, "gpt-char", "LlmForge:Training:CheckpointInterval -5 is out of range [0, 1000000000] (0 = at the end only)." },
        { """ "Threads": 100000 """, "gpt-char", "LlmForge:Threads 100000 is out of range [0, 4096] (0 = every core)." },
        // Item 11: every model-variant size.
        { """ "Variants": { "gpt-char": { "ContextLength": 2000000000 } } """, "gpt-char", "LlmForge:Variants:gpt-char:ContextLength 2000000000 is out of range [1, 1048576]." },
        { """ "Variants": { "gpt-char": { "EmbeddingDim": 2000000000 } } """, "gpt-char", "LlmForge:Variants:gpt-char:EmbeddingDim 2000000000 is out of range [1, 16384]." },
        { """ "Variants": { "gpt-char": { "Layers": 100000 } } """, "gpt-char", "LlmForge:Variants:gpt-char:Layers 100000 is out of range [1, 1024]." },
        { """ "Variants": { "gpt-char": { "Heads": 0 } } """, "gpt-char", "LlmForge:Variants:gpt-char:Heads 0 is out of range [1, 1024]." },
        { """ "Variants": { "gpt-char": { "InnerDim": 1000000 } } """, "gpt-char", "LlmForge:Variants:gpt-char:InnerDim 1000000 is out of range [1, 131072]." },
        { """ "Variants": { "gpt-char": { "VocabSize": 5000000 } } """, "gpt-char", "LlmForge:Variants:gpt-char:VocabSize 5000000 is out of range [0, 1048576] (0 = the tokenizer's)." },
        { """ "Variants": { "gpt-char": { "Dropout": 1 } } """, "gpt-char", "LlmForge:Variants:gpt-char:Dropout 1 is out of range [0, 1)." },
        { """ "Variants": { "gpt-char": { "InitializerRange": 5 } } """, "gpt-char", "LlmForge:Variants:gpt-char:InitializerRange 5 is out of range [0, 1]." },
        { """ "Variants": { "bert-mini": { "TypeVocabSize": 0 } } """, "bert-mini", "LlmForge:Variants:bert-mini:TypeVocabSize 0 is out of range [1, 65536]." },
        { """ "Variants": { "gpt-rope-sliding-window": { "Attention": { "Window": 2000000000 } } } """, "gpt-rope-sliding-window", "LlmForge:Variants:gpt-rope-sliding-window:Attention:Window 2000000000 is out of range [0, 1048576] (0 = none)." },
        { """ "Variants": { "gpt-rope": { "PositionalEncoding": { "Theta": 1e30 } } } """, "gpt-rope", "LlmForge:Variants:gpt-rope:PositionalEncoding:Theta 1E+30 is out of range (0, 1000000000000]." },
        { """ "Variants": { "gpt-char": { "Normalization": { "Epsilon": 0 } } } """, "gpt-char", "LlmForge:Variants:gpt-char:Normalization:Epsilon 0 is out of range (0, 1]." },
        // Item 11 and 17: sizes each in range whose products are not (today: "Shape [2000000000,128] has … elements").
        { """ "Training": { "BatchSize": 1048576 } """, "gpt-char",
            "LlmForge:Training:BatchSize 1048576 × LlmForge:Variants:gpt-char:ContextLength 64 × LlmForge:Variants:gpt-char:EmbeddingDim 128 = 8589934592 elements for each hidden state of a batch, more than one tensor holds (2147483591)." },
        { """ "Variants": { "gpt-char": { "ContextLength": 1048576, "EmbeddingDim": 4096 } } """, "gpt-char",
            "LlmForge:Variants:gpt-char:ContextLength 1048576 × LlmForge:Variants:gpt-char:EmbeddingDim 4096 = 4294967296 elements for the position table" },
        { """ "Variants": { "gpt-char": { "ContextLength": 8192 } } """, "gpt-char",
            "LlmForge:Training:BatchSize 12 × LlmForge:Variants:gpt-char:Heads 4 × LlmForge:Variants:gpt-char:ContextLength 8192 × LlmForge:Variants:gpt-char:ContextLength 8192 = 3221225472 elements for the attention scores of a batch" },
        { """ "Variants": { "gpt-char": { "Layers": 1024, "EmbeddingDim": 4096 } } """, "gpt-char",
            "LlmForge:Variants:gpt-char:Layers 1024 with EmbeddingDim 4096, InnerDim 16384 and VocabSize 0 gives about 206158692352 parameters, more than a model may have (8589934592)." },
        // Item 16: a key nothing reads, anywhere in the section, with the closest valid name.
        { """ "Training": { "BatchSzie": 8 } """, "gpt-char", "LlmForge:Training:BatchSzie is not a setting; did you mean BatchSize?" },
        { """ "Backnd": "Mkl" """, "gpt-char", "LlmForge:Backnd is not a setting; did you mean Backend?" },
        { """ "MaxSteps": 5 """, "gpt-char", "LlmForge:MaxSteps is not a setting; did you mean Training:MaxSteps?" },
        { """ "Zzzzzzzz": 1 """, "gpt-char", "LlmForge:Zzzzzzzz is not a setting; valid keys: Backend, Threads, Variant, Variants, Training, KvCache, Translation, Lora." },
        { """ "Variants": { "gpt-char": { "Layrs": 2 } } """, "gpt-char", "LlmForge:Variants:gpt-char:Layrs is not a setting; did you mean Layers?" },
        { """ "Variants": { "gpt-rope-sliding-window": { "Attention": { "Windw": 8 } } } """, "gpt-char", "LlmForge:Variants:gpt-rope-sliding-window:Attention:Windw is not a setting; did you mean Window?" },
        { """ "Variants": { "gpt-rope": { "PositionalEncoding": { "Theeta": 500 } } } """, "gpt-char", "LlmForge:Variants:gpt-rope:PositionalEncoding:Theeta is not a setting; did you mean Theta?" },
        { """ "Variants": { "gpt-char": { "Normalization": { "Eps": 0.001 } } } """, "gpt-char", "LlmForge:Variants:gpt-char:Normalization:Eps is not a setting; valid keys: Kind, Epsilon." },
        { """ "Variants": { "gpt-char": { "PositionalEncoding": { "Theta": 500 } } } """, "gpt-char", "LlmForge:Variants:gpt-char:PositionalEncoding:Theta has no effect with learned positions" },
        { """ "Variants": { "gpt-char": { "TypeVocabSize": 2 } } """, "gpt-char", "LlmForge:Variants:gpt-char:TypeVocabSize applies to bert variants only; this one is gpt." },
        { """ "Variants": { "bert-mini": { "QkvBias": true } } """, "bert-mini", "LlmForge:Variants:bert-mini:QkvBias applies to gpt variants only; this one is bert." },
        { """ "Variants": { "bert-mini": { "Training": { "BatchSzie": 8 } } } """, "bert-mini", "LlmForge:Variants:bert-mini:Training:BatchSzie is not a setting; did you mean BatchSize?" },
    };

    [Theory, MemberData(nameof(BadSettings))]
    public void A_bad_setting_is_one_line_naming_its_full_key(string json, string variant, string message)
    {
        string config = Write("bad.json", $$"""{ "LlmForge": { {{json}} } }""");
        var (code, stdout, stderr) = Cli.Run("train", "--config", config, "--variant", variant, "--corpus", Corpus(), "--out", Path.Combine(dir, "out"));
        Assert.True(code == 1, $"exit {code}: {stderr}");
        Assert.StartsWith($"llmforge train: {message}", OneLine(stderr), StringComparison.Ordinal);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")), "nothing is written before the configuration is valid");
    }

    [Fact]
    public void Invalid_json_names_the_file_the_line_the_byte_and_the_reason()
    {
        string config = Write("broken.json", "{\n  \"LlmForge\": {\n    \"Training\": { \"BatchSize\": 2, EvalBatches: 1 }\n  }\n}\n");
        var (code, _, stderr) = Cli.Run("train", "--config", config, "--corpus", Corpus(), "--out", Path.Combine(dir, "out"));
        Assert.Equal(1, code);
        Assert.Equal($"llmforge train: {config}: not valid JSON at line 3, byte 35: 'E' is an invalid start of a property name. Expected a '\"'.", OneLine(stderr));
    }

    [Fact]
    public void A_truncated_json_file_names_where_it_ends()
    {
        string config = Write("cut.json", "{ \"LlmForge\": { \"Training\": { \"BatchSize\": 2");
        var (code, _, stderr) = Cli.Run("train", "--config", config, "--corpus", Corpus(), "--out", Path.Combine(dir, "out"));
        Assert.Equal(1, code);
        string line = OneLine(stderr);
        Assert.StartsWith($"llmforge train: {config}: not valid JSON at line 1, byte ", line);
        Assert.DoesNotContain("Failed to load configuration", line);
    }

    [Fact]
    public void A_corpus_shorter_than_the_context_names_both_keys()
    {
        string tiny = Write("tiny.txt", "abcdefghij");
        string config = Write("small.json", """{ "LlmForge": { "Training": { "BatchSize": 2, "EvalBatches": 1 } } }""");
        var (code, _, stderr) = Cli.Run("train", "--config", config, "--corpus", tiny, "--steps", "1", "--out", Path.Combine(dir, "out"));
        Assert.Equal(1, code);
        string[] lines = stderr.TrimEnd('\n').Split('\n');
        Assert.StartsWith("variant gpt-char:", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.Equal($"llmforge train: the corpus '{tiny}' has 10 tokens, 8 for training and 2 for validation (LlmForge:Training:ValidationFraction 0.1); " +
                     "LlmForge:Variants:gpt-char:ContextLength 64 needs at least 65 in each: give a longer corpus or a shorter context.", lines[1]);
    }

    [Fact]
    public void A_corpus_shorter_than_a_bert_row_names_the_variants_key_or_the_flag()
    {
        string tiny = Write("tiny.txt", "to be or not to be");
        var (code, _, stderr) = Cli.Run("train", "--variant", "bert-mini", "--corpus", tiny, "--steps", "1", "--out", Path.Combine(dir, "bert"));
        Assert.Equal(1, code);
        string[] lines = stderr.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        // The token counts are the trained WordPiece vocabulary's; the keys and the requirement are what matter.
        Assert.StartsWith($"llmforge train: the corpus '{tiny}' has ", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(" for validation (LlmForge:Training:ValidationFraction 0.1); LlmForge:Variants:bert-mini:ContextLength 64 needs at least 63 in each " +
                        "([CLS] and [SEP] take two of its positions): give a longer corpus or a shorter sequence.", lines[1], StringComparison.Ordinal);

        // pretrain-bert runs through train (an alias of train --variant bert-mini): the variant line, then the error naming its flags.
        (code, _, stderr) = Cli.Run("pretrain-bert", "--corpus", tiny, "--out", Path.Combine(dir, "pretrained"), "--steps", "1", "--seq-len", "16");
        Assert.Equal(1, code);
        lines = stderr.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        string line = lines[1];
        Assert.StartsWith($"llmforge pretrain-bert: the corpus '{tiny}' has ", line, StringComparison.Ordinal);
        Assert.EndsWith(" for validation (--validation-fraction 0.1); --seq-len 16 needs at least 15 in each " +
                        "([CLS] and [SEP] take two of its positions): give a longer corpus or a shorter sequence.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_value_given_by_a_flag_stays_a_usage_error()
    {
        var (code, _, stderr) = Cli.Run("train", "--steps", "2000000000", "--corpus", Corpus(), "--out", Path.Combine(dir, "out"));
        Assert.Equal(2, code);
        Assert.Equal("llmforge train: LlmForge:Training:MaxSteps 2000000000 is out of range [1, 1000000000].", OneLine(stderr));
    }

    /// <summary>pretrain-bert and classify take the same sizes as flags: the same bounds, as usage errors naming the flag.</summary>
    [Theory]
    [InlineData("pretrain-bert", "batch-size", "2000000000", "must be an integer in [1, 1048576]")]
    [InlineData("pretrain-bert", "layers", "100000", "must be an integer in [1, 1024]")]
    [InlineData("pretrain-bert", "hidden", "2000000000", "must be an integer in [1, 16384]")]
    [InlineData("pretrain-bert", "seq-len", "2000000000", "must be an integer in [3, 1048576]")]
    [InlineData("pretrain-bert", "intermediate", "2000000000", "must be an integer in [1, 131072]")]
    [InlineData("pretrain-bert", "eval-batches", "100000000", "must be an integer in [1, 100000]")]
    [InlineData("pretrain-bert", "weight-decay", "1000", "must be a number in [0, 10]")]
    [InlineData("pretrain-bert", "threads", "100000", "must be an integer in [0, 4096]")]
    [InlineData("classify", "batch-size", "2000000000", "must be an integer in [1, 1048576]")]
    [InlineData("classify", "max-length", "2000000000", "must be an integer in [3, 1048576]")]
    public void Bert_size_flags_are_bounded_like_the_configuration(string command, string flag, string value, string message)
    {
        string[] required = command == "pretrain-bert" ? ["--corpus", Corpus(), "--out", Path.Combine(dir, "out")] : ["--model", dir, "--predict", Corpus()];
        var (code, _, stderr) = Cli.Run([command, .. required, $"--{flag}", value]);
        Assert.Equal(2, code);
        Assert.Equal($"llmforge {command}: --{flag} {message}, got '{value}'", OneLine(stderr));
    }

    /// <summary>stderr, which must be exactly one line (and so no stack trace).</summary>
    internal static string OneLine(string stderr)
    {
        string[] lines = stderr.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}:\n{stderr}");
        return lines[0];
    }

    private string Corpus()
    {
        string path = Path.Combine(dir, "corpus.txt");
        if (!File.Exists(path)) File.WriteAllText(path, string.Concat(Enumerable.Repeat("to be or not to be, that is the question.\n", 40)));
        return path;
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
